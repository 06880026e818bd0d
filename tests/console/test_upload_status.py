"""An upload followed file by file: while resumes wait or are read, the candidates page shows
the progress (redrawn by a fragment every two seconds); when the last one lands it says what
happened to each and the ranking shows the new candidates. The files here are stored as the
API stores them and processed by the real pipeline step by step, as background workers do."""

from __future__ import annotations

import pytest

from db import resumes
from db.pool import transaction
from pipelines import vacancy_flow
from pipelines.engine_set import offline_engines
from pipelines.resume_flow import process_resume
from serve_apps import accounts
from tests.console.pages import ok, page_text, signed_in
from tests.pipelines import samples

WHO = ("uma@upload.test", "uma-password-1")


@pytest.fixture(scope="module")
def waiting(pool):  # type: ignore[no-untyped-def]
    """A vacancy and two resumes stored but not processed yet (what an upload leaves)."""
    user = accounts.create_user_account(pool, email=WHO[0], password=WHO[1])
    workspace = accounts.create_workspace(pool, name="Upload Co", owner_id=user.id)
    engines = offline_engines()
    vacancy = vacancy_flow.create_vacancy(
        pool, engines, workspace_id=workspace.id, title="", text=samples.VACANCY_EN
    )
    with transaction(pool, workspace_id=workspace.id) as conn:
        ids = [
            resumes.create_resume(
                conn, workspace_id=workspace.id, file=text.encode(), file_name=name
            ).id
            for name, text in (("john.txt", samples.STRONG_EN), ("mary.txt", samples.WEAK_EN))
        ]
    return {"workspace": workspace, "vacancy": vacancy, "ids": ids, "engines": engines}


def test_each_file_is_followed_until_the_last_one_lands(
    api_url, pool, waiting, monkeypatch
) -> None:
    at = ok(signed_in(api_url, monkeypatch, WHO, "candidates"))
    vacancy_id = waiting["vacancy"].id
    at.session_state["upload_ids"] = {"vacancy_id": vacancy_id, "ids": waiting["ids"]}
    at = ok(at.run())
    assert at.get("progress")[0].proto.text == "0 of 2 files processed"
    assert list(at.dataframe[0].value["Status"]) == ["waiting", "waiting"]

    def process(resume_id: int) -> None:
        process_resume(
            pool, waiting["engines"], workspace_id=waiting["workspace"].id,
            resume_id=resume_id, vacancy_id=vacancy_id,
        )  # fmt: skip

    process(waiting["ids"][0])
    at = ok(at.run())
    assert at.get("progress")[0].proto.text == "1 of 2 files processed"
    assert list(at.dataframe[0].value["Status"]) == ["parsed", "waiting"]

    process(waiting["ids"][1])
    at = ok(at.run())
    assert "All files processed: 2 parsed, 0 failed." in page_text(at)
    ranked = next(d.value for d in at.data_editor if "score" in d.value.columns)
    assert list(ranked["name"]) == ["John Smith", "Mary Jones"]
