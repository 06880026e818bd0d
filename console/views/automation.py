"""Automation page: what the product does on its own in this workspace — when each kind of
work runs, how the recent runs went (with their counts or errors), a run started now, and the
outgoing messages that failed, sent again after the cause is fixed; and the webhooks to and
from other systems (console/views/automation_webhooks.py).

Owners and recruiters start runs and retries; a viewer reads the same page without them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.markdown import word
from console.state import client
from console.views.automation_webhooks import webhooks_section
from console.widgets import pick_and_act
from console.workspace_picker import pick_workspace

add_texts(
    {
        "automation": {"en": "Automation", "ru": "Автоматизация"},
        "au_help": {
            "en": "What the product does on its own: expiring abandoned interviews, recovering "
            "resumes stuck after a crash, dropping expired links, erasing personal data past "
            "the retention period, sending the outbox.",
            "ru": "Что продукт делает сам: завершает брошенные интервью, восстанавливает резюме "
            "после сбоев, удаляет истёкшие ссылки, стирает персональные данные после срока "
            "хранения, отправляет исходящие сообщения.",
        },
        "au_schedules": {"en": "Schedules", "ru": "Расписание"},
        "au_kind": {"en": "Work", "ru": "Работа"},
        "au_scope": {"en": "Where", "ru": "Где"},
        "au_every": {"en": "Every", "ru": "Каждые"},
        "au_next": {"en": "Next run", "ru": "Следующий запуск"},
        "au_last": {"en": "Last run", "ru": "Последний запуск"},
        "au_on": {"en": "On", "ru": "Включено"},
        "au_runs": {"en": "Recent runs", "ru": "Последние запуски"},
        "au_no_runs": {
            "en": "No runs in this workspace yet: they appear when there is work to do.",
            "ru": "Запусков в этом пространстве пока нет: они появятся, когда будет работа.",
        },
        "au_status": {"en": "Outcome", "ru": "Итог"},
        "au_counts": {"en": "Done", "ru": "Сделано"},
        "au_error": {"en": "Error", "ru": "Ошибка"},
        "au_started": {"en": "Started", "ru": "Начат"},
        "au_run_now": {"en": "Run now", "ru": "Запустить сейчас"},
        "au_queued": {
            "en": "Queued: the Orchestrator starts it within seconds.",
            "ru": "В очереди: оркестратор запустит в течение нескольких секунд.",
        },
        "au_outbox": {"en": "Messages that failed", "ru": "Неотправленные сообщения"},
        "au_no_failed": {"en": "No failed messages.", "ru": "Неотправленных сообщений нет."},
        "au_channel": {"en": "Channel", "ru": "Канал"},
        "au_attempts": {"en": "Attempts", "ru": "Попыток"},
        "au_retry": {"en": "Send again", "ru": "Отправить снова"},
        "au_retry_which": {"en": "Message", "ru": "Сообщение"},
        "au_retried": {
            "en": "The message is queued to be sent again.",
            "ru": "Сообщение поставлено на повторную отправку.",
        },
        "au_everywhere": {"en": "everywhere", "ru": "везде"},
        "au_here": {"en": "this workspace", "ru": "это пространство"},
        "au_seconds": {"en": "{n} s", "ru": "{n} с"},
        "au_edit": {
            "en": "This workspace's own schedule",
            "ru": "Собственное расписание этого пространства",
        },
        "au_edit_help": {
            "en": "Run a kind of work here on its own timing, or turn it off here. Work still "
            "runs only when there is some.",
            "ru": "Задайте здесь свой график для вида работы или выключите его. Работа "
            "выполняется, только когда она есть.",
        },
        "au_mode": {"en": "Timing", "ru": "График"},
        "au_mode_interval": {"en": "every N seconds", "ru": "каждые N секунд"},
        "au_mode_cron": {"en": "cron expression", "ru": "выражение cron"},
        "au_interval": {"en": "Interval, seconds", "ru": "Интервал, секунд"},
        "au_cron": {
            "en": "Cron (minute hour day month weekday)",
            "ru": "Cron (минута час день месяц день_недели)",
        },
        "au_tz": {"en": "Time zone", "ru": "Часовой пояс"},
        "au_enabled": {"en": "Runs here", "ru": "Выполняется здесь"},
        "au_save": {"en": "Save schedule", "ru": "Сохранить расписание"},
        "au_reset": {"en": "Back to the default", "ru": "Вернуть общее"},
        "au_saved": {"en": "Schedule saved.", "ru": "Расписание сохранено."},
        "job_expire_interviews": {"en": "expire abandoned interviews", "ru": "брошенные интервью"},
        "job_recover_parses": {"en": "recover stuck resumes", "ru": "зависшие резюме"},
        "job_expire_links": {"en": "drop expired links", "ru": "истёкшие ссылки"},
        "job_forget_sessions": {"en": "forget ended sign-ins", "ru": "завершённые сеансы"},
        "job_forget_idempotency_keys": {
            "en": "forget expired request keys",
            "ru": "истёкшие ключи повторов запросов",
        },
        "job_retention": {"en": "erase data past retention", "ru": "срок хранения данных"},
        "job_dispatch_outbox": {"en": "send the outbox", "ru": "отправка сообщений"},
        "job_interview_analysis": {"en": "interview analysis", "ru": "анализ интервью"},
        "job_hh_vacancies": {"en": "HeadHunter: vacancies", "ru": "HeadHunter: вакансии"},
        "job_hh_responses": {"en": "HeadHunter: responses", "ru": "HeadHunter: отклики"},
        "job_hh_browser": {
            "en": "HeadHunter by browser: responses",
            "ru": "HeadHunter через браузер: отклики",
        },
        "job_board_searches": {
            "en": "Job boards: saved searches",
            "ru": "Площадки: сохранённые поиски",
        },
        "au_imports": {"en": "Imports", "ru": "Импорт"},
        "au_source": {"en": "Source", "ru": "Источник"},
        "au_what": {"en": "What", "ru": "Что"},
        "au_result": {"en": "Result", "ru": "Итог"},
        "au_new": {"en": "New", "ru": "Новых"},
        "au_updated": {"en": "Updated", "ru": "Обновлено"},
        "au_screened": {"en": "Screened", "ru": "Проверено"},
        "au_failed_items": {"en": "Failed", "ru": "Ошибок"},
        "imp_vacancies": {"en": "vacancies", "ru": "вакансии"},
        "imp_responses": {"en": "responses", "ru": "отклики"},
        "imp_running": {"en": "running", "ru": "идёт"},
        "imp_done": {"en": "done", "ru": "готово"},
        "imp_failed": {"en": "stopped", "ru": "остановлен"},
        "run_queued": {"en": "queued", "ru": "в очереди"},
        "run_running": {"en": "running", "ru": "выполняется"},
        "run_succeeded": {"en": "done", "ru": "готово"},
        "run_failed": {"en": "failed", "ru": "ошибка"},
        "run_cancelled": {"en": "cancelled", "ru": "отменён"},
    }
)
EDITORS = ("owner", "recruiter")
RUNNABLE = (
    "expire_interviews", "recover_parses", "expire_links", "retention", "dispatch_outbox",
    "hh_vacancies", "hh_responses", "hh_browser", "board_searches",
)  # fmt: skip
NOTICE = "au_notice"  # session key: (kind, text) of the last action's outcome


def automation_page() -> None:
    st.title(t("automation"))
    st.caption(t("au_help"))
    if notice := st.session_state.pop(NOTICE, None):
        getattr(st, notice[0])(notice[1])
    chosen = pick_workspace("automation_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    api = client()
    try:
        schedules = api.schedules(workspace_id)
        runs = api.job_runs(workspace_id)
        imports = api.import_runs(workspace_id)
        failed = api.outbox(workspace_id, status="failed")
    except ApiFailure as e:
        show_error(e)
        return
    _schedules(schedules)
    if role == "owner":
        _edit_schedule(workspace_id, schedules)
    _runs(workspace_id, runs, editor=role in EDITORS)
    _imports(imports)
    _failed(workspace_id, failed, editor=role in EDITORS)
    webhooks_section(workspace_id, role)


def _imports(rows: list[dict[str, Any]]) -> None:
    """What each import run did (HH, job boards): the scheduled job only starts them."""
    if not rows:
        return
    st.subheader(t("au_imports"))
    counts = [r["counts"] for r in rows]
    frame = pd.DataFrame(
        {
            t("au_started"): [_when(r["started_at"]) for r in rows],
            t("au_source"): [word("src_", r["source"]) for r in rows],
            t("au_what"): [word("imp_", r["kind"]) for r in rows],
            t("au_result"): [word("imp_", r["status"]) for r in rows],
            t("au_new"): [c.get("new", 0) for c in counts],
            t("au_updated"): [c.get("updated", 0) for c in counts],
            t("au_screened"): [c.get("screened", 0) for c in counts],
            t("au_failed_items"): [c.get("failed", 0) for c in counts],
            t("au_error"): [r["error"] or "" for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _when(value: Any) -> str:
    return str(value)[:16].replace("T", " ") if value else "—"


def _schedules(rows: list[dict[str, Any]]) -> None:
    st.subheader(t("au_schedules"))
    frame = pd.DataFrame(
        {
            t("au_kind"): [word("job_", r["kind"]) for r in rows],
            t("au_scope"): [
                t("au_everywhere") if r["scope"] == "everywhere" else t("au_here") for r in rows
            ],
            t("au_every"): [
                f"cron {r['cron']} ({r['timezone']})"
                if r.get("cron")
                else t("au_seconds").format(n=r["interval_s"])
                for r in rows
            ],
            t("au_on"): ["✓" if r["enabled"] else "—" for r in rows],
            t("au_next"): [_when(r["next_run_at"]) for r in rows],
            t("au_last"): [_when(r["last_run_at"]) for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _edit_schedule(workspace_id: str, rows: list[dict[str, Any]]) -> None:
    own = {r["kind"]: r for r in rows if r["scope"] != "everywhere"}
    with st.expander(t("au_edit")):
        st.caption(t("au_edit_help"))
        kinds = {k: word("job_", k) for k in RUNNABLE}
        kind = st.selectbox(t("au_kind"), list(kinds), format_func=kinds.__getitem__,
                            key="au_edit_kind")  # fmt: skip
        current = own.get(kind) or next((r for r in rows if r["kind"] == kind), {})
        modes = {"interval": t("au_mode_interval"), "cron": t("au_mode_cron")}
        mode = st.radio(
            t("au_mode"), list(modes), format_func=modes.__getitem__, horizontal=True,
            index=1 if current.get("cron") else 0, key=f"au_mode_{kind}",
        )  # fmt: skip
        body: dict[str, Any] = {}
        if mode == "interval":
            body["interval_s"] = int(st.number_input(
                t("au_interval"), min_value=5, max_value=366 * 86400, step=60,
                value=int(current.get("interval_s") or 3600), key=f"au_interval_{kind}",
            ))  # fmt: skip
        else:
            body["cron"] = st.text_input(
                t("au_cron"), value=current.get("cron") or "0 3 * * *", key=f"au_cron_{kind}"
            ).strip()
            body["timezone"] = st.text_input(
                t("au_tz"), value=current.get("timezone") or "UTC", key=f"au_tz_{kind}"
            ).strip()
        body["enabled"] = st.checkbox(
            t("au_enabled"), value=bool(current.get("enabled", True)), key=f"au_on_{kind}"
        )
        save, reset = st.columns(2)
        if save.button(t("au_save"), key="au_save"):
            _schedule_call(lambda: client().set_schedule(workspace_id, kind, **body))
        if kind in own and reset.button(t("au_reset"), key="au_reset"):
            _schedule_call(lambda: client().clear_schedule(workspace_id, kind))


def _schedule_call(call: Any) -> None:
    try:
        call()
    except ApiFailure as e:
        show_error(e)
        return
    st.session_state[NOTICE] = ("success", t("au_saved"))
    st.rerun()


def _runs(workspace_id: str, rows: list[dict[str, Any]], *, editor: bool) -> None:
    st.subheader(t("au_runs"))
    if editor:
        kinds = {k: word("job_", k) for k in RUNNABLE}
        kind = pick_and_act(
            t("au_kind"), kinds, key="au_kind", action=t("au_run_now"), action_key="au_run_now"
        )
        if kind is not None:
            try:
                client().run_job_now(workspace_id, kind)
            except ApiFailure as e:
                show_error(e)
            else:
                st.session_state[NOTICE] = ("success", t("au_queued"))
                st.rerun()
    if not rows:
        st.info(t("au_no_runs"))
        return
    frame = pd.DataFrame(
        {
            t("au_kind"): [word("job_", r["kind"]) for r in rows],
            t("au_status"): [word("run_", r["status"]) for r in rows],
            t("au_counts"): [
                ", ".join(f"{k}: {v}" for k, v in (r["counts"] or {}).items()) for r in rows
            ],
            t("au_started"): [_when(r["started_at"] or r["scheduled_for"]) for r in rows],
            t("au_error"): [r["error"] or "" for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")


def _failed(workspace_id: str, rows: list[dict[str, Any]], *, editor: bool) -> None:
    st.subheader(t("au_outbox"))
    if not rows:
        st.caption(t("au_no_failed"))
        return
    frame = pd.DataFrame(
        {
            t("au_channel"): [r["kind"] for r in rows],
            t("au_attempts"): [r["attempts"] for r in rows],
            t("au_error"): [r["last_error"] or "" for r in rows],
            t("au_last"): [_when(r["updated_at"]) for r in rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    if not editor:
        return
    labels = {r["id"]: f"#{r['id']} · {r['kind']} · {(r['last_error'] or '')[:60]}" for r in rows}
    item_id = pick_and_act(
        t("au_retry_which"), labels, key="au_retry_id", action=t("au_retry"),
        action_key="au_retry",
    )  # fmt: skip
    if item_id is not None:
        try:
            client().retry_outbox(workspace_id, item_id)
        except ApiFailure as e:
            show_error(e)
        else:
            st.session_state[NOTICE] = ("success", t("au_retried"))
            st.rerun()
