"""One lead (`lead?lead_id=ID`): the vacancy and what the product read from it, the fit and the
bench people who match, the response editor, meetings and history; beside them, moving the
lead, its owner and rating, a note and a reply logged by hand.

Every section is drawn from the one `GET /leads/{id}` answer, so the page costs two API calls
(the lead and the team's names) however long its history is.
"""

from __future__ import annotations

import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client
from console.views.lead_analysis import (
    analysis_section,
    bench_section,
    fit_section,
    vacancy_section,
)
from console.views.lead_crm import crm_section
from console.views.lead_history import history_section, meetings_section
from console.views.lead_response import response_section
from console.views.leads_common import (
    EDITORS,
    LEAD_PARAM,
    fit_label,
    link,
    member_names,
    source_label,
    status_label,
    when,
)
from console.workspace_picker import pick_workspace

add_texts(
    {
        "lead": {"en": "Lead", "ru": "Лид"},
        "ld_back": {"en": "All leads", "ru": "Все лиды"},
        "ld_pick": {
            "en": "Open a lead from the Leads page.",
            "ru": "Откройте лид со страницы «Лиды».",
        },
        "ld_meta": {
            "en": "{status} · {source} · {fit} · found {found} · owner: {owner}",
            "ru": "{status} · {source} · {fit} · найден {found} · ответственный: {owner}",
        },
        "ld_tab_lead": {"en": "Vacancy and fit", "ru": "Вакансия и соответствие"},
        "ld_tab_response": {"en": "Response", "ru": "Отклик"},
        "ld_tab_history": {"en": "Meetings and history", "ru": "Встречи и история"},
    }
)
NOTICE = "ld_notice"


def lead_page() -> None:
    """The lead named in the URL, in the chosen workspace."""
    chosen = pick_workspace("lead_workspace")
    if chosen is None:
        return
    workspace_id, role = chosen
    link("leads", t("ld_back"), icon=":material/arrow_back:")
    raw = st.query_params.get(LEAD_PARAM, "")
    if not raw.isdigit():
        st.info(t("ld_pick"))
        return
    try:
        lead = client().lead(workspace_id, int(raw))
        members = member_names(client().members(workspace_id))
    except ApiFailure as e:
        show_error(e)
        return
    if notice := st.session_state.pop(NOTICE, None):
        st.success(notice)
    st.title(lead["title"])
    owner = members.get(lead["owner_user_id"], t("lc_nobody")) if lead["owner_user_id"] else None
    head = " · ".join(filter(None, (lead["company"], (lead.get("language") or "").upper())))
    if head:
        st.markdown(f"**{head}**")
    st.caption(
        t("ld_meta").format(
            status=status_label(lead["status"]), source=source_label(lead["source"]),
            fit=fit_label(lead["fit_score"]), found=when(lead["created_at"]),
            owner=owner or t("lc_nobody"),
        )
    )  # fmt: skip
    editor = role in EDITORS
    main, side = st.columns([2, 1], gap="large")
    with main:
        about, response, history = st.tabs(
            [t("ld_tab_lead"), t("ld_tab_response"), t("ld_tab_history")]
        )
        with about:
            vacancy_section(lead)
            analysis_section(lead["analysis"])
            fit_section(lead)
            bench_section(lead["bench_matches"])
        with response:
            response_section(workspace_id, lead, editor)
        with history:
            meetings_section(lead["meetings"])
            history_section(lead["events"], members)
    with side:
        crm_section(workspace_id, lead, members, editor)
