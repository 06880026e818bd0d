"""What the product read from a lead and how it fits: the vacancy itself, its analysis (goals
and KPIs, budget, timeline, contact, engagement, must / nice requirements), the fit score with
its reasons in the chosen language, and the bench people who match best (links to their pages).

The analysis is pipelines/leads/analysis.py's `LeadAnalysis.to_json`; the sections read it
defensively, as a lead analysed by an older version may lack a field.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.i18n import add_texts, t
from console.markdown import plain
from console.views.leads_common import candidate_link, in_language

add_texts(
    {
        "la_vacancy": {"en": "The vacancy's text", "ru": "Текст вакансии"},
        "la_no_text": {"en": "The board gave no text.", "ru": "Площадка не дала текста."},
        "la_open_board": {"en": "Open on the board", "ru": "Открыть на площадке"},
        "la_analysis": {"en": "Analysis", "ru": "Анализ"},
        "la_not_analysed": {
            "en": "Not analysed yet: “Process waiting leads” on the Leads page does it.",
            "ru": "Ещё не проанализирован: это делает «Обработать ожидающие лиды» на странице "
            "«Лиды».",
        },
        "la_kpis": {"en": "Goals and KPIs", "ru": "Цели и KPI"},
        "la_budget": {"en": "Budget", "ru": "Бюджет"},
        "la_timeline": {"en": "Timeline", "ru": "Сроки"},
        "la_contact": {"en": "Contact", "ru": "Контакт"},
        "la_engagement": {"en": "Engagement", "ru": "Формат работы"},
        "la_seniority": {"en": "Seniority", "ru": "Уровень"},
        "la_must": {"en": "Must have", "ru": "Обязательно"},
        "la_nice": {"en": "Nice to have", "ru": "Желательно"},
        "la_years": {"en": "{years}+ years", "ru": "от {years} лет"},
        "la_remote": {"en": "remote possible", "ru": "можно удалённо"},
        "la_none": {"en": "not stated", "ru": "не указано"},
        "la_asap": {"en": "as soon as possible", "ru": "как можно скорее"},
        "la_start": {"en": "start: {start}", "ru": "старт: {start}"},
        "la_duration": {"en": "duration: {duration}", "ru": "длительность: {duration}"},
        "la_per_hour": {"en": "an hour", "ru": "в час"},
        "la_per_month": {"en": "a month", "ru": "в месяц"},
        "la_per_year": {"en": "a year", "ru": "в год"},
        "la_unit_guessed": {"en": "(unit guessed)", "ru": "(период угадан)"},
        "la_fit": {"en": "Fit", "ru": "Соответствие"},
        "la_fit_score": {"en": "Fit score", "ru": "Оценка соответствия"},
        "la_points": {"en": "Points", "ru": "Баллы"},
        "la_reason": {"en": "Why", "ru": "Почему"},
        "la_no_reasons": {"en": "No reasons recorded.", "ru": "Причины не записаны."},
        "la_bench": {"en": "Bench matches", "ru": "Подходящие люди со скамейки"},
        "la_no_bench": {
            "en": "Nobody on the bench matches. Put people on the bench in the lead-gen settings.",
            "ru": "Со скамейки никто не подходит. Добавьте людей на скамейку в настройках "
            "лидогенерации.",
        },
        "la_score": {"en": "Score", "ru": "Балл"},
        "la_matched": {"en": "Matches", "ru": "Совпадает"},
        "la_missing": {"en": "Gaps", "ru": "Не хватает"},
        "la_years_col": {"en": "Years", "ru": "Лет опыта"},
        "la_archived": {"en": "Archived: {reason}", "ru": "В архиве: {reason}"},
        "la_lost": {"en": "Lost: {reason}", "ru": "Проигран: {reason}"},
        "la_duplicate": {"en": "Repeats lead {id}.", "ru": "Повторяет лид {id}."},
        "eng_full_time": {"en": "full-time", "ru": "полная занятость"},
        "eng_part_time": {"en": "part-time", "ru": "частичная занятость"},
        "eng_contract": {"en": "contract", "ru": "контракт"},
        "eng_freelance": {"en": "freelance", "ru": "фриланс"},
        "eng_outstaff": {"en": "outstaff", "ru": "аутстаф"},
        "eng_outsource": {"en": "outsource", "ru": "аутсорс"},
        "eng_project": {"en": "project", "ru": "проект"},
    }
)


def vacancy_section(lead: dict[str, Any]) -> None:
    """Why a lead is closed, the board's link and the vacancy's text (folded)."""
    if lead["status"] == "archived" and lead.get("archive_reason"):
        st.warning(t("la_archived").format(reason=lead["archive_reason"]))
    if lead["status"] == "lost" and lead.get("lost_reason"):
        st.warning(t("la_lost").format(reason=lead["lost_reason"]))
    if lead.get("duplicate_of"):
        st.caption(t("la_duplicate").format(id=lead["duplicate_of"]))
    if lead.get("url"):
        st.link_button(t("la_open_board"), lead["url"], icon=":material/open_in_new:")
    with st.expander(t("la_vacancy")):
        if lead["description"].strip():
            st.text(lead["description"])
        else:
            st.caption(t("la_no_text"))


def analysis_section(analysis: dict[str, Any] | None) -> None:
    st.subheader(t("la_analysis"))
    if not analysis:
        st.info(t("la_not_analysed"))
        return
    left, right = st.columns(2)
    with left:
        _line("la_seniority", ", ".join(analysis.get("seniority") or ()))
        _line("la_budget", _budget(analysis.get("budget")))
        _line("la_timeline", _timeline(analysis.get("timeline") or {}))
        _line("la_engagement", ", ".join(_engagement(e) for e in analysis.get("engagement") or ()))
        _line("la_contact", _contact(analysis.get("contact") or {}))
    with right:
        _requirements(analysis.get("requirements") or {})
    if kpis := analysis.get("kpis"):
        st.markdown(f"**{t('la_kpis')}**")
        st.markdown("\n".join(f"- {plain(k)}" for k in kpis))


def _line(key: str, value: str) -> None:
    st.markdown(f"**{t(key)}:** {plain(value) if value else t('la_none')}")


def _engagement(kind: str) -> str:
    return t(f"eng_{kind}") if kind in _ENGAGEMENTS else kind


_ENGAGEMENTS = ("full_time", "part_time", "contract", "freelance", "outstaff", "outsource",
                "project")  # fmt: skip


def _money(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}".replace(",", " ")


def _budget(budget: dict[str, Any] | None) -> str:
    if not budget:
        return ""
    low, high = budget.get("min"), budget.get("max")
    amount = _money(low) if low == high else "–".join(filter(None, (_money(low), _money(high))))
    if low is None:
        amount = f"≤ {_money(high)}"
    elif high is None:
        amount = f"≥ {_money(low)}"
    unit = budget.get("unit") or ""
    per = t(f"la_per_{unit}") if unit in ("hour", "month", "year") else unit
    guessed = "" if budget.get("unit_stated", True) else f" {t('la_unit_guessed')}"
    return f"{amount} {budget.get('currency') or ''} {per}{guessed}".replace("  ", " ")


def _timeline(timeline: dict[str, Any]) -> str:
    parts = [t("la_asap")] if timeline.get("asap") else []
    if timeline.get("start"):
        parts.append(t("la_start").format(start=timeline["start"]))
    if timeline.get("duration"):
        parts.append(t("la_duration").format(duration=timeline["duration"]))
    return "; ".join(parts)


def _contact(contact: dict[str, Any]) -> str:
    parts = [contact.get("name") or ""]
    parts += list(contact.get("emails") or ())
    parts += [f"@{name}" for name in contact.get("telegram") or ()]
    parts += list(contact.get("phones") or ())
    return ", ".join(p for p in parts if p)


def _requirements(requirements: dict[str, Any]) -> None:
    items = requirements.get("requirements") or []
    must = [r["text"] for r in items if r.get("must", True)] or requirements.get("must_have", [])
    nice = [r["text"] for r in items if not r.get("must", True)]
    nice = nice or requirements.get("nice_to_have", [])
    extras = []
    if requirements.get("min_years"):
        extras.append(t("la_years").format(years=f"{requirements['min_years']:g}"))
    if requirements.get("remote"):
        extras.append(t("la_remote"))
    extras += [
        f"{lang['name']} {lang.get('level') or ''}".strip()
        for lang in requirements.get("languages") or ()
    ]
    for key, texts in (("la_must", must), ("la_nice", nice)):
        st.markdown(f"**{t(key)}**")
        st.markdown("\n".join(f"- {plain(x)}" for x in texts) if texts else t("la_none"))
    if extras:
        st.caption(" · ".join(plain(x) for x in extras))


def fit_section(lead: dict[str, Any]) -> None:
    """The score and each reason's points, the reason in the chosen language."""
    st.subheader(t("la_fit"))
    score = lead.get("fit_score")
    st.metric(t("la_fit_score"), "—" if score is None else f"{score} / 100")
    reasons = lead.get("fit_reasons") or []
    if not reasons:
        st.caption(t("la_no_reasons"))
        return
    frame = pd.DataFrame(
        {
            t("la_points"): [_points(r.get("points"), r.get("max")) for r in reasons],
            t("la_reason"): [in_language(r.get("text") or r.get("code")) for r in reasons],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _points(points: Any, top: Any) -> str:
    """'+30 / 40': what the reason added out of what it could."""
    if not isinstance(points, int | float):
        return str(points or "")
    return f"{points:+g} / {top:g}" if isinstance(top, int | float) else f"{points:+g}"


def bench_section(matches: list[dict[str, Any]]) -> None:
    """The best matching bench people, each a link to their candidate page."""
    st.subheader(t("la_bench"))
    if not matches:
        st.caption(t("la_no_bench"))
        return
    for match in matches:
        with st.container(border=True):
            name, score = st.columns([3, 1])
            with name:
                candidate_link(match["candidate_id"], plain(match.get("name") or "?"))
                if match.get("headline"):
                    st.caption(plain(match["headline"]))
            score.metric(t("la_score"), match.get("score", "—"))
            years = match.get("years")
            matched = plain(", ".join(match.get("matched") or ())) or "—"
            missing = plain(", ".join(match.get("missing") or ())) or "—"
            facts = [f"**{t('la_matched')}:** {matched}", f"**{t('la_missing')}:** {missing}"]
            if years is not None:
                facts.append(f"**{t('la_years_col')}:** {years:g}")
            st.markdown("  \n".join(facts))
