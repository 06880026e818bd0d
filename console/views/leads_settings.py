"""Lead-gen settings page: what the workspace sells (the profile, with thresholds, daily caps,
the prompt policy, the sender and meetings), Calendly and the Djinni session, the bench and the
prompt variants; the saved job-board searches live on the Integrations page, linked from here.

Everyone in the workspace reads the settings; owners change the profile, Calendly and Djinni,
recruiters the bench and the prompts (the API refuses anyone else; the console only disables
what the role cannot do). Lists (stacks, regions, stop words, ...) are typed as text, one
entry per line or separated by commas; blocked companies one per line, as names hold commas.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.leads_bench import bench_section
from console.views.leads_calendly import calendly_section
from console.views.leads_common import EDITORS, link, source_label
from console.views.leads_sessions import BOARDS, session_section
from console.views.leads_variants import variants_section
from console.widgets import call_then_rerun
from console.workspace_picker import pick_workspace

add_texts(
    {
        "leads_settings": {"en": "Lead-gen settings", "ru": "Настройки лидогенерации"},
        "lgs_tab_profile": {"en": "Profile", "ru": "Профиль"},
        "lgs_tab_connections": {"en": "Calendly and Djinni", "ru": "Calendly и Djinni"},
        "lgs_tab_bench": {"en": "Bench", "ru": "Скамейка"},
        "lgs_tab_variants": {"en": "Prompt variants", "ru": "Варианты промпта"},
        "lgs_searches": {
            "en": "Job-board searches (Integrations page)",
            "ru": "Поиски по площадкам (страница «Интеграции»)",
        },
        "lgs_owner_only": {
            "en": "Only the workspace's owners change the profile; you can read it.",
            "ru": "Профиль меняют только владельцы пространства; вы можете его просматривать.",
        },
        "lgs_offer": {"en": "What you offer", "ru": "Что вы предлагаете"},
        "lgs_pitch": {"en": "Pitch: who you are, in two lines", "ru": "Кто вы, в двух строках"},
        "lgs_stacks": {"en": "Stacks", "ru": "Стеки"},
        "lgs_seniority": {"en": "Seniority", "ru": "Уровни"},
        "lgs_regions": {"en": "Regions", "ru": "Регионы"},
        "lgs_languages": {"en": "Languages", "ru": "Языки"},
        "lgs_list_help": {
            "en": "One per line, or separated by commas.",
            "ru": "По одному в строке или через запятую.",
        },
        "lgs_rates": {"en": "Rates", "ru": "Ставки"},
        "lgs_rate_min": {"en": "From", "ru": "От"},
        "lgs_rate_max": {"en": "To", "ru": "До"},
        "lgs_currency": {"en": "Currency", "ru": "Валюта"},
        "lgs_unit": {"en": "Per", "ru": "За"},
        "lgs_unit_hour": {"en": "hour", "ru": "час"},
        "lgs_unit_month": {"en": "month", "ru": "месяц"},
        "lgs_exclusions": {"en": "Exclusions", "ru": "Исключения"},
        "lgs_stop_words": {"en": "Stop words", "ru": "Стоп-слова"},
        "lgs_stop_help": {
            "en": "A vacancy naming one of them is archived with the reason.",
            "ru": "Вакансия с любым из них уходит в архив с указанием причины.",
        },
        "lgs_blocked": {"en": "Blocked companies", "ru": "Заблокированные компании"},
        "lgs_blocked_help": {"en": "One per line.", "ru": "По одной в строке."},
        "lgs_thresholds": {"en": "Thresholds (fit score)", "ru": "Пороги (оценка соответствия)"},
        "lgs_fit": {"en": "Qualified from", "ru": "Подходит от"},
        "lgs_fit_help": {
            "en": "Leads under it are archived with the reason, never dropped.",
            "ru": "Лиды ниже порога уходят в архив с причиной, а не пропадают.",
        },
        "lgs_strong": {"en": "Strong from", "ru": "Сильный от"},
        "lgs_strong_help": {
            "en": "The team is told about leads at or above it.",
            "ru": "О лидах с таким баллом и выше команда получает уведомление.",
        },
        "lgs_auto": {"en": "Send automatically", "ru": "Отправлять автоматически"},
        "lgs_auto_from": {"en": "Auto-send from", "ru": "Автоотправка от"},
        "lgs_auto_help": {
            "en": "Off: every response waits for a person's approval.",
            "ru": "Выключено: каждый отклик ждёт одобрения человеком.",
        },
        "lgs_caps": {"en": "Responses per board per day", "ru": "Откликов на площадку в день"},
        "lgs_caps_help": {
            "en": "Empty: no cap of its own.",
            "ru": "Пусто: без собственного ограничения.",
        },
        "lgs_policy": {"en": "Choosing a prompt variant", "ru": "Выбор варианта промпта"},
        "lgs_policy_thompson": {
            "en": "Learn: more leads go to the variants that get more replies",
            "ru": "Обучение: больше лидов получают варианты, на которые чаще отвечают",
        },
        "lgs_policy_fixed": {
            "en": "Fixed split: by each variant's share",
            "ru": "Фиксированное деление: по доле каждого варианта",
        },
        "lgs_sender": {"en": "Sender and meetings", "ru": "Отправитель и встречи"},
        "lgs_sender_name": {"en": "Sender name", "ru": "Имя отправителя"},
        "lgs_sender_email": {"en": "Sender e-mail", "ru": "Эл. почта отправителя"},
        "lgs_booking": {"en": "Booking link", "ru": "Ссылка для записи на встречу"},
        "lgs_booking_help": {
            "en": "Offered in responses when Calendly is not connected.",
            "ru": "Предлагается в откликах, когда Calendly не подключён.",
        },
        "lgs_event_type": {"en": "Calendly event type URI", "ru": "URI типа события Calendly"},
        "lgs_event_help": {
            "en": "https://api.calendly.com/event_types/…: scheduling links are made for it.",
            "ru": "https://api.calendly.com/event_types/…: для него создаются ссылки на запись.",
        },
        "lgs_timezone": {"en": "Meeting time zone", "ru": "Часовой пояс встреч"},
        "lgs_hh_resume": {"en": "HeadHunter resume id", "ru": "Id резюме на HeadHunter"},
        "lgs_hh_help": {
            "en": "The resume HeadHunter responses are sent with.",
            "ru": "Резюме, с которым отправляются отклики на HeadHunter.",
        },
        "lgs_save": {"en": "Save the profile", "ru": "Сохранить профиль"},
        "lgs_saved": {"en": "Profile saved.", "ru": "Профиль сохранён."},
        "lgs_updated": {"en": "Last saved {when}.", "ru": "Сохранён {when}."},
        "lgs_never": {
            "en": "Never saved: the defaults apply.",
            "ru": "Ещё не сохранялся: действуют значения по умолчанию.",
        },
    }
)
NOTICE = "lgs_notice"
LOADED = "lgs_loaded"
SENIORITY = ("junior", "middle", "senior", "lead")
CURRENCIES = ("USD", "EUR", "GBP", "PLN", "UAH", "RUB", "KZT", "CHF")
CAP_BOARDS = ("djinni", "linkedin", "indeed", "hh", "email")
AUTO_SEND_DEFAULT = 90  # offered when auto-send is switched on for the first time
LISTS = ("stacks", "regions", "languages", "stop_words")  # typed as comma / line text


def leads_settings_page() -> None:
    """Workspace, then the profile, Calendly, the bench and the prompts on their tabs."""
    st.title(t("leads_settings"))
    chosen = pick_workspace("leads_settings_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    link("integrations", t("lgs_searches"), icon=":material/travel_explore:")
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    try:
        profile = client().leadgen_profile(workspace_id)
    except ApiFailure as e:
        show_error(e)
        return
    tabs = st.tabs([t("lgs_tab_profile"), t("lgs_tab_connections"), t("lgs_tab_bench"),
                    t("lgs_tab_variants")])  # fmt: skip
    with tabs[0]:
        profile_form(workspace_id, profile, owner=role == "owner")
    with tabs[1]:
        calendly_section(workspace_id, profile, owner=role == "owner", notice_key=NOTICE)
        for board in BOARDS:  # Djinni, then LinkedIn
            session_section(board, workspace_id, owner=role == "owner", notice_key=NOTICE)
    with tabs[2]:
        bench_section(workspace_id, editor=role in EDITORS, notice_key=NOTICE)
    with tabs[3]:
        variants_section(workspace_id, profile, editor=role in EDITORS, notice_key=NOTICE)


def split_list(text: str, *, lines_only: bool = False) -> list[str]:
    """Entries typed one per line or comma-separated (lines only when names hold commas),
    trimmed, empty ones and repeats (any case) dropped, order kept."""
    parts = text.splitlines() if lines_only else text.replace(",", "\n").splitlines()
    out: dict[str, str] = {}
    for part in parts:
        item = " ".join(part.split())
        if item:
            out.setdefault(item.casefold(), item)
    return list(out.values())


def _load(workspace_id: str, profile: dict[str, Any]) -> None:
    """The form starts from the stored profile whenever it changed (a save, a workspace)."""
    marker = f"{workspace_id}:{profile.get('updated_at')}"
    if st.session_state.get(LOADED) == marker and "lgs_pitch" in st.session_state:
        return
    auto = profile["auto_send_threshold"]
    values: dict[str, Any] = {f"lgs_{name}": ", ".join(profile[name]) for name in LISTS}
    values |= {
        "lgs_pitch": profile["pitch"], "lgs_seniority": list(profile["seniority"]),
        "lgs_blocked_companies": "\n".join(profile["blocked_companies"]),
        "lgs_rate_min": profile["rate_min"], "lgs_rate_max": profile["rate_max"],
        "lgs_rate_currency": profile["rate_currency"], "lgs_rate_unit": profile["rate_unit"],
        "lgs_fit_threshold": profile["fit_threshold"],
        "lgs_strong_threshold": profile["strong_threshold"],
        "lgs_auto": auto is not None, "lgs_auto_from": AUTO_SEND_DEFAULT if auto is None else auto,
        "lgs_variant_policy": profile["variant_policy"],
        "lgs_sender_name": profile["sender_name"],
        "lgs_sender_email": profile["sender_email"] or "",
        "lgs_booking_url": profile["booking_url"] or "",
        "lgs_calendly_event_type": profile["calendly_event_type"] or "",
        "lgs_meeting_timezone": profile["meeting_timezone"],
        "lgs_hh_resume_id": profile.get("hh_resume_id") or "",
    }  # fmt: skip
    values |= {f"lgs_cap_{b}": profile["daily_caps"].get(b) for b in CAP_BOARDS}
    st.session_state.update(values)
    st.session_state[LOADED] = marker


def profile_form(workspace_id: str, profile: dict[str, Any], *, owner: bool) -> None:
    """The whole profile in one form, saved as a whole (owners only)."""
    if not owner:
        st.info(t("lgs_owner_only"))
    updated = profile.get("updated_at")
    st.caption(t("lgs_updated").format(when=str(updated)[:16].replace("T", " ")) if updated
               else t("lgs_never"))  # fmt: skip
    _load(workspace_id, profile)
    off = not owner
    with st.form("lgs_profile"):
        st.subheader(t("lgs_offer"))
        st.text_area(t("lgs_pitch"), key="lgs_pitch", max_chars=4000, disabled=off)
        left, right = st.columns(2)
        left.text_area(t("lgs_stacks"), key="lgs_stacks", help=t("lgs_list_help"), disabled=off)
        levels = sorted({*SENIORITY, *st.session_state["lgs_seniority"]}, key=_level_order)
        right.multiselect(t("lgs_seniority"), levels, key="lgs_seniority", disabled=off)
        left.text_area(t("lgs_regions"), key="lgs_regions", help=t("lgs_list_help"),
                       disabled=off)  # fmt: skip
        right.text_area(t("lgs_languages"), key="lgs_languages", help=t("lgs_list_help"),
                        disabled=off)  # fmt: skip
        _rates(off)
        st.subheader(t("lgs_exclusions"))
        left, right = st.columns(2)
        left.text_area(t("lgs_stop_words"), key="lgs_stop_words", help=t("lgs_stop_help"),
                       disabled=off)  # fmt: skip
        right.text_area(t("lgs_blocked"), key="lgs_blocked_companies",
                        help=t("lgs_blocked_help"), disabled=off)  # fmt: skip
        _thresholds(off)
        _sender(off)
        submitted = st.form_submit_button(t("lgs_save"), disabled=off, type="primary")
    if submitted:
        body = profile_body()
        call_then_rerun(lambda: client().save_leadgen_profile(workspace_id, body), NOTICE,
                        t("lgs_saved"))  # fmt: skip


def _level_order(level: str) -> tuple[int, str]:
    return (SENIORITY.index(level) if level in SENIORITY else len(SENIORITY), level)


def _rates(off: bool) -> None:
    st.subheader(t("lgs_rates"))
    low, high, currency, unit = st.columns(4)
    low.number_input(t("lgs_rate_min"), min_value=0.0, step=5.0, key="lgs_rate_min",
                     disabled=off)  # fmt: skip
    high.number_input(t("lgs_rate_max"), min_value=0.0, step=5.0, key="lgs_rate_max",
                      disabled=off)  # fmt: skip
    codes = list(dict.fromkeys((*CURRENCIES, st.session_state["lgs_rate_currency"])))
    currency.selectbox(t("lgs_currency"), codes, key="lgs_rate_currency", disabled=off)
    units = {u: t(f"lgs_unit_{u}") for u in ("hour", "month")}
    unit.selectbox(t("lgs_unit"), list(units), format_func=units.__getitem__,
                   key="lgs_rate_unit", disabled=off)  # fmt: skip


def _thresholds(off: bool) -> None:
    st.subheader(t("lgs_thresholds"))
    fit, strong, auto, auto_from = st.columns(4)
    fit.number_input(t("lgs_fit"), 0, 100, step=5, key="lgs_fit_threshold",
                     help=t("lgs_fit_help"), disabled=off)  # fmt: skip
    strong.number_input(t("lgs_strong"), 0, 100, step=5, key="lgs_strong_threshold",
                        help=t("lgs_strong_help"), disabled=off)  # fmt: skip
    auto.toggle(t("lgs_auto"), key="lgs_auto", help=t("lgs_auto_help"), disabled=off)
    auto_from.number_input(t("lgs_auto_from"), 0, 100, step=5, key="lgs_auto_from",
                           disabled=off)  # fmt: skip
    st.markdown(f"**{t('lgs_caps')}**", help=t("lgs_caps_help"))
    for cell, board in zip(st.columns(len(CAP_BOARDS)), CAP_BOARDS, strict=True):
        cell.number_input(source_label(board), min_value=0, max_value=10_000, step=1,
                          key=f"lgs_cap_{board}", disabled=off)  # fmt: skip
    policies = {p: t(f"lgs_policy_{p}") for p in ("thompson", "fixed")}
    st.radio(t("lgs_policy"), list(policies), format_func=policies.__getitem__,
             key="lgs_variant_policy", disabled=off)  # fmt: skip


def _sender(off: bool) -> None:
    st.subheader(t("lgs_sender"))
    left, right = st.columns(2)
    left.text_input(t("lgs_sender_name"), key="lgs_sender_name", max_chars=200, disabled=off)
    right.text_input(t("lgs_sender_email"), key="lgs_sender_email", max_chars=320, disabled=off)
    left.text_input(t("lgs_booking"), key="lgs_booking_url", max_chars=2000,
                    help=t("lgs_booking_help"), disabled=off)  # fmt: skip
    right.text_input(t("lgs_event_type"), key="lgs_calendly_event_type", max_chars=2000,
                     help=t("lgs_event_help"), disabled=off)  # fmt: skip
    zones = sorted(
        zoneinfo.available_timezones() | {"UTC", st.session_state["lgs_meeting_timezone"]}
    )
    left.selectbox(t("lgs_timezone"), zones, key="lgs_meeting_timezone", disabled=off)
    right.text_input(t("lgs_hh_resume"), key="lgs_hh_resume_id", max_chars=100,
                     help=t("lgs_hh_help"), disabled=off)  # fmt: skip


def profile_body() -> dict[str, Any]:
    """The form's values as the API's profile (`ProfileIn`)."""
    state = st.session_state
    body: dict[str, Any] = {name: split_list(state[f"lgs_{name}"]) for name in LISTS}
    body["blocked_companies"] = split_list(state["lgs_blocked_companies"], lines_only=True)
    body |= {
        "pitch": state["lgs_pitch"].strip(), "seniority": list(state["lgs_seniority"]),
        "rate_min": state["lgs_rate_min"], "rate_max": state["lgs_rate_max"],
        "rate_currency": state["lgs_rate_currency"], "rate_unit": state["lgs_rate_unit"],
        "fit_threshold": int(state["lgs_fit_threshold"]),
        "strong_threshold": int(state["lgs_strong_threshold"]),
        "auto_send_threshold": int(state["lgs_auto_from"]) if state["lgs_auto"] else None,
        "daily_caps": {b: int(state[f"lgs_cap_{b}"]) for b in CAP_BOARDS
                       if state[f"lgs_cap_{b}"] is not None},
        "variant_policy": state["lgs_variant_policy"],
        "sender_name": state["lgs_sender_name"].strip(),
        "sender_email": state["lgs_sender_email"].strip() or None,
        "booking_url": state["lgs_booking_url"].strip() or None,
        "calendly_event_type": state["lgs_calendly_event_type"].strip() or None,
        "meeting_timezone": state["lgs_meeting_timezone"],
        "hh_resume_id": state["lgs_hh_resume_id"].strip() or None,
    }  # fmt: skip
    return body
