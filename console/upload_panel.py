"""Uploading many resumes to a vacancy and following each file until it is parsed or fails.

The API stores every file first and parses it in the background; this panel keeps the ids
of the latest upload in the session and redraws only itself every two seconds (a Streamlit
fragment) until no file is still pending or parsing, then refreshes the whole page so the
ranking shows the new candidates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from console.api_client import ApiFailure
from console.errors import show_error
from console.i18n import add_texts, t
from console.state import client

add_texts(
    {
        "up_title": {"en": "Upload resumes", "ru": "Загрузить резюме"},
        "up_files": {
            "en": "Resumes (PDF, DOCX or TXT; many at once)",
            "ru": "Резюме (PDF, DOCX или TXT; можно сразу много)",
        },
        "up_button": {"en": "Upload and read", "ru": "Загрузить и разобрать"},
        "up_none": {"en": "Choose files first.", "ru": "Сначала выберите файлы."},
        "up_too_many": {
            "en": "{limit} files go in one upload: the first {limit} are uploaded now; upload "
            "the other {left} next.",
            "ru": "За раз загружается {limit} файлов: сейчас загружены первые {limit}, "
            "остальные {left} загрузите следующим шагом.",
        },
        "up_file": {"en": "File", "ru": "Файл"},
        "up_status": {"en": "Status", "ru": "Статус"},
        "up_reason": {"en": "Reason", "ru": "Причина"},
        "up_progress": {
            "en": "{done} of {total} files processed",
            "ru": "Обработано файлов: {done} из {total}",
        },
        "up_done": {
            "en": "All files processed: {parsed} parsed, {failed} failed.",
            "ru": "Все файлы обработаны: разобрано {parsed}, с ошибкой {failed}.",
        },
    }
)
UPLOAD = "upload_ids"  # session key: {"vacancy_id": …, "ids": [...]} of the latest upload
IN_WORK = ("pending", "parsing")  # every other status is a file done with (parsed or failed)
MAX_FILES = 200


def upload_panel(workspace_id: str, vacancy_id: int, on_change: Callable[[], None]) -> None:
    """The uploader, then the live status of what was uploaded last for this vacancy;
    `on_change` runs when files land (an upload answered, the last file processed), so the
    page's cached lists are read again."""
    with st.expander(t("up_title"), expanded=_latest(vacancy_id) is not None):
        files = st.file_uploader(
            t("up_files"), type=["pdf", "docx", "txt"], accept_multiple_files=True,
            key=f"up_files_{vacancy_id}",
        )  # fmt: skip
        if st.button(t("up_button"), key=f"up_button_{vacancy_id}", type="primary"):
            _upload(workspace_id, vacancy_id, files or [])
            on_change()
        ids = _latest(vacancy_id)
        if ids:
            _show_upload(workspace_id, ids, on_change)


def _latest(vacancy_id: int) -> list[int] | None:
    upload = st.session_state.get(UPLOAD)
    return upload["ids"] if upload and upload["vacancy_id"] == vacancy_id else None


def _upload(workspace_id: str, vacancy_id: int, files: list[Any]) -> None:
    if not files:
        st.warning(t("up_none"))
        return
    if len(files) > MAX_FILES:
        st.warning(t("up_too_many").format(limit=MAX_FILES, left=len(files) - MAX_FILES))
    batch = [(f.name, f.getvalue()) for f in files[:MAX_FILES]]
    try:
        with st.spinner(t("up_button")):
            stored = client().upload_resumes(workspace_id, batch, vacancy_id)
    except ApiFailure as e:
        show_error(e)
        return
    st.session_state[UPLOAD] = {"vacancy_id": vacancy_id, "ids": [r["id"] for r in stored]}


def status_rows(resumes: list[dict[str, Any]]) -> pd.DataFrame:
    """File, translated status and failure reason, in upload order."""
    return pd.DataFrame(
        {
            t("up_file"): [r["file_name"] for r in resumes],
            t("up_status"): [t(f"res_{r['status']}") for r in resumes],
            t("up_reason"): [r.get("failure_reason") or "" for r in resumes],
        }
    )


def _show_upload(workspace_id: str, ids: list[int], on_change: Callable[[], None]) -> None:
    """Final states drawn once; while a file is still in work, a fragment that polls."""
    resumes = _fetch(workspace_id, ids)
    if resumes is None:
        return
    if not any(r["status"] in IN_WORK for r in resumes):
        _landed(on_change)
        _draw(resumes)
    else:
        _live_status(workspace_id, ids, on_change)


def _landed(on_change: Callable[[], None]) -> None:
    """Once per upload, when its last file is done: the page's lists are read again."""
    upload = st.session_state.get(UPLOAD)
    if upload and not upload.get("landed"):
        upload["landed"] = True
        on_change()


def _fetch(workspace_id: str, ids: list[int]) -> list[dict[str, Any]] | None:
    try:
        resumes = client().resumes_by_id(workspace_id, ids)
    except ApiFailure as e:
        show_error(e)
        return None
    order = {resume_id: i for i, resume_id in enumerate(ids)}
    return sorted(resumes, key=lambda r: order.get(r["id"], len(order)))


def _draw(resumes: list[dict[str, Any]]) -> None:
    done = sum(r["status"] not in IN_WORK for r in resumes)
    if done < len(resumes):
        progress = t("up_progress").format(done=done, total=len(resumes))
        st.progress(done / max(len(resumes), 1), text=progress)
    else:
        failed = sum(r["status"] == "failed" for r in resumes)
        st.success(t("up_done").format(parsed=len(resumes) - failed, failed=failed))
    st.dataframe(status_rows(resumes), hide_index=True, width="stretch")


@st.fragment(run_every=2)
def _live_status(workspace_id: str, ids: list[int], on_change: Callable[[], None]) -> None:
    """Redrawn alone every two seconds; the last file landing refreshes the whole page, so
    the ranking shows the new candidates and this poll stops."""
    resumes = _fetch(workspace_id, ids)
    if resumes is None:
        return
    if not any(r["status"] in IN_WORK for r in resumes):
        _landed(on_change)
        st.rerun(scope="app")
    _draw(resumes)
