"""The Leads, Lead and Lead-gen settings pages against the real API on a real database.

Seeded as the product does it: two leads found on two boards, one analysed and scored against
the profile and a bench person (pipelines.leads.analysis and fit), moved to qualified and
given a drafted response (pipelines.leads.response). A recruiter then sees the lead in its
board column, opens it (fit reasons, the bench person), edits and approves the response, takes
the lead, rates it, notes a call, logs a reply, fails to lose it without a reason and loses it
with one; an owner saves the profile, a bench note, a prompt variant and Calendly's keys (the
fake Calendly gets the webhook subscription; the token is never shown back); the report counts
the leads in Russian; a viewer reads a lead without the controls to change it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from streamlit.proto.TextInput_pb2 import TextInput as TextInputProto
from streamlit.testing.v1 import AppTest

from db import bench, leadgen_profiles, leads
from db.bench import BenchMember
from db.candidates import create_candidate
from db.pool import transaction
from db.settings import Settings
from pipelines.leads.analysis import analyse_lead
from pipelines.leads.fit import score_fit
from pipelines.leads.response import draft_response
from serve_apps import accounts
from tests.console.pages import go_to, ok, page_text, signed_in
from tests.fakes.calendly import FakeCalendly

OWNER = ("olena@leads-page.test", "olena-password-1")
RECRUITER = ("rostyslav@leads-page.test", "rostyslav-password-1")
VIEWER = ("vira@leads-page.test", "vira-password-1")
PYTHON_JOB = """Senior Python Developer for a fintech platform.
Requirements: Python 5+ years, Django, PostgreSQL. Nice to have: Kubernetes.
Goals: reduce payment latency by 30%.
Budget: $45-60 per hour. Contract, 6 months, start ASAP.
Contact: Olga Ivanova, olga@acme.example"""
GO_JOB = "Go developer for a logistics startup. Go, gRPC, Kafka. Remote, full-time."
SIGNING_KEY = "signing-key-0123"


@pytest.fixture(scope="module")
def cal() -> Iterator[FakeCalendly]:
    with FakeCalendly() as fake:
        yield fake


@pytest.fixture(scope="module")
def settings(settings: Settings, cal: FakeCalendly) -> Settings:
    """The console's API talks to the fake Calendly."""
    return settings.model_copy(update={"calendly_api_url": cal.api_url})


@pytest.fixture(scope="module")
def seeded(pool, settings, api_url) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A staffing workspace: a profile, Ivan on the bench, a qualified Python lead with its
    fit and a drafted response, a new Go lead from another board."""
    owner = accounts.create_user_account(pool, email=OWNER[0], password=OWNER[1],
                                         full_name="Olena")  # fmt: skip
    space = accounts.create_workspace(pool, name="Bench Co", owner_id=owner.id)
    recruiter = accounts.create_user_account(pool, email=RECRUITER[0], password=RECRUITER[1],
                                             full_name="Rostyslav")  # fmt: skip
    accounts.add_member(pool, workspace_id=space.id, email=RECRUITER[0], role="recruiter")
    accounts.create_user_account(pool, email=VIEWER[0], password=VIEWER[1])
    accounts.add_member(pool, workspace_id=space.id, email=VIEWER[0], role="viewer")
    with transaction(pool, workspace_id=space.id) as conn:
        profile = leadgen_profiles.save_profile(
            conn, workspace_id=space.id, updated_by=owner.id, stacks=["Python", "Django"],
            seniority=["senior"], rate_min=40.0, rate_max=70.0, regions=["remote"],
        )  # fmt: skip
        ivan = create_candidate(conn, workspace_id=space.id, full_name="Ivan Petrenko")
        bench.add_member(conn, workspace_id=space.id, candidate_id=ivan.id,
                         headline="Senior Python engineer, fintech")  # fmt: skip
        python, _ = leads.upsert_lead(conn, workspace_id=space.id, source="djinni",
                                      external_id="py-1", url="https://djinni.example/jobs/1",
                                      title="Senior Python Developer", company="Acme Pay",
                                      description=PYTHON_JOB)  # fmt: skip
        go, _ = leads.upsert_lead(conn, workspace_id=space.id, source="linkedin",
                                  external_id="go-1", title="Go developer", company="Shiply",
                                  description=GO_JOB)  # fmt: skip
        analysis = analyse_lead(python.title, python.description, company=python.company)
        fit = score_fit(analysis, profile, [_on_bench(ivan.id)], company=python.company,
                        text=python.description)  # fmt: skip
        leads.save_analysis(conn, lead_id=python.id, language=analysis.language,
                            analysis=analysis.to_json(), fit_score=fit.score,
                            fit_reasons=fit.reasons, bench_matches=fit.bench_matches,
                            dedupe_key=None)  # fmt: skip
        leads.set_status(conn, lead_id=python.id, status="qualified")
    draft_response(pool, settings, space.id, python.id)
    return SimpleNamespace(space=space, ivan=ivan.id, python=python.id, go=go.id, fit=fit,
                           recruiter=recruiter.id, api=_api(api_url, space.id))  # fmt: skip


def _on_bench(candidate_id: int) -> BenchMember:
    """Ivan as matching sees him: the skills and years of a parsed resume."""
    return BenchMember(
        candidate_id=candidate_id, full_name="Ivan Petrenko",
        headline="Senior Python engineer, fintech", rate="$50/h", available_from=None,
        note="", added_at=datetime.now(UTC), resume_id=None,
        skills=["Python", "Django", "PostgreSQL"], years=7.0, titles=["Python developer"],
        location="Kyiv", languages=["english"],
    )  # fmt: skip


def _api(api_url: str, workspace_id: Any) -> httpx.Client:
    """The owner's own API client, to check what the pages stored."""
    login = {"email": OWNER[0], "password": OWNER[1]}
    token = httpx.post(f"{api_url}/api/v1/auth/login", json=login).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "X-Workspace-Id": str(workspace_id)}
    return httpx.Client(base_url=f"{api_url}/api/v1", headers=headers)


def _column(at: AppTest, status_label: str) -> list[str]:
    """The card titles (links) in the board column headed `status_label`."""
    for column in at.columns:
        heads = [m.value for m in column.markdown]
        if heads and heads[0].startswith(f"**{status_label}**"):
            return [link.value.replace("\\", "") for link in column.get("page_link")]
    raise AssertionError(f"no board column {status_label!r}")


def _submit(at: AppTest, label: str) -> Any:
    return next(b for b in at.get("form_submit_button") if b.label == label).click()


def _notice(at: AppTest) -> str:
    return " ".join(s.value for s in at.success)


def test_a_recruiter_works_a_lead_from_the_board(api_url, seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, RECRUITER, "leads"))
    assert _column(at, "Qualified") == ["Senior Python Developer"]
    assert _column(at, "New") == ["Go developer"]
    assert f"Fit {seeded.fit.score}" in page_text(at)
    assert "Best match: Ivan Petrenko" in page_text(at)

    at = ok(go_to(at, "lead", lead_id=str(seeded.python)))
    assert at.title[0].value == "Senior Python Developer"
    reasons = at.dataframe[0].value
    assert "best bench match: Ivan Petrenko" in " ".join(reasons["Why"])
    assert any(p.startswith("+") and "/" in p for p in reasons["Points"])
    ivan = next(p for p in at.get("page_link") if p.value == "Ivan Petrenko")
    assert ivan.proto.page == "candidate" and f"candidate={seeded.ivan}" in ivan.proto.query_string
    assert "Ivan" in at.text_area(key="lrs_body").value  # the draft names the bench person
    assert "draft" in page_text(at)

    at.text_area(key="lrs_body").input("Hello! Ivan Petrenko fits your team. Shall we talk?")
    at = ok(at.button(key="lrs_save").click().run())
    assert "Response saved as a draft." in _notice(at)
    at = ok(at.button(key="lrs_approve").click().run())
    assert "Response approved." in _notice(at)
    stored = seeded.api.get(f"/leads/{seeded.python}").json()["response"]
    assert stored["status"] == "approved" and stored["body"].startswith("Hello! Ivan Petrenko")
    assert not at.button(key="lrs_send").disabled

    at.selectbox(key="lm_owner").set_value(seeded.recruiter)
    at.selectbox(key="lm_quality").set_value(4)
    at = ok(_submit(at, "Save").run())
    assert "Saved." in _notice(at)
    at.text_area(key="lm_note_text").input("Called Olga: the budget is confirmed.")
    at = ok(_submit(at, "Add the note").run())
    assert "Note added." in _notice(at)
    at.text_area(key="lm_reply_text").input("Interested, send us Ivan's CV.")
    at = ok(_submit(at, "Log the reply").run())
    assert "Reply logged." in _notice(at)
    lead = seeded.api.get(f"/leads/{seeded.python}").json()
    assert (lead["owner_user_id"], lead["quality"], lead["status"]) == (
        seeded.recruiter,
        4,
        "replied",
    )

    at.selectbox(key="lm_status").set_value("lost")
    at = ok(at.button(key="lm_move").click().run())
    assert "needs a reason" in " ".join(e.value for e in at.error)
    assert seeded.api.get(f"/leads/{seeded.python}").json()["status"] == "replied"
    at.text_input(key="lm_reason").input("the client chose an in-house hire")
    at = ok(at.button(key="lm_move").click().run())
    assert "Moved to Lost." in _notice(at)
    lead = seeded.api.get(f"/leads/{seeded.python}").json()
    assert lead["status"] == "lost" and lead["lost_reason"] == "the client chose an in-house hire"
    history = at.dataframe[-1].value  # newest first, with who did it
    assert history["Details"].iloc[0] == "Replied → Lost: the client chose an in-house hire"
    assert history["Who"].iloc[0] == "Rostyslav"
    assert "Called Olga: the budget is confirmed." in list(history["Details"])
    assert "Interested, send us Ivan's CV." in list(history["Details"])
    assert "★★★★" in list(history["Details"]) and "Rostyslav" in list(history["Details"])


def test_an_owner_saves_the_profile_and_calendly(api_url, seeded, cal, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "leads_settings"))
    assert at.text_area(key="lgs_stacks").value == "Python, Django"
    assert any("Ivan Petrenko" in str(d.value.to_dict()) for d in at.dataframe)  # the bench
    at.text_area(key="lgs_stacks").input("Python, Django\nFastAPI")
    at.text_area(key="lgs_stop_words").input("gambling")
    at.toggle(key="lgs_auto").set_value(True)
    at = ok(_submit(at, "Save the profile").run())
    assert "Profile saved." in _notice(at), [e.value for e in at.error]
    profile = seeded.api.get("/leads/setup/profile").json()
    assert profile["stacks"] == ["Python", "Django", "FastAPI"]
    assert profile["stop_words"] == ["gambling"] and profile["auto_send_threshold"] == 90

    at.text_area(key=f"lbe_{seeded.ivan}_note").input("Free from July")
    at = ok(_submit(at, "Save").run())
    assert "Saved." in _notice(at)
    assert seeded.api.get("/leads/setup/bench").json()[0]["note"] == "Free from July"
    at.text_input(key="lpv_new_name").input("warm")
    at.text_area(key="lpv_new_instructions").input("style: warm\nThank them, then name Ivan.")
    at = ok(_submit(at, "Add").run())
    assert "Variant added." in _notice(at)
    names = [v["name"] for v in seeded.api.get("/leads/setup/variants").json()]
    assert "warm" in names and len(names) >= 2  # the defaults and the new one

    assert "No Djinni session saved." in page_text(at)
    assert "No LinkedIn session saved." in page_text(at)
    assert "Personal access token: not set" in page_text(at).replace("*", "").replace("▫️ ", "")
    at.text_input(key="lcal_token_in").input(cal.token)
    at.text_input(key="lcal_signing_key_in").input(SIGNING_KEY)
    at = ok(_submit(at, "Save the keys").run())
    assert "Calendly keys saved." in _notice(at), [e.value for e in at.error]
    text = page_text(at).replace("*", "")
    assert "Personal access token: set" in text and "Webhook signing key: set" in text
    (hook,) = at.code
    assert hook.value.endswith(f"/api/v1/hooks/calendly/{seeded.space.id}")
    assert cal.signing_key(hook.value) == SIGNING_KEY  # subscribed at Calendly with the key
    assert cal.token not in page_text(at, tables=True) + hook.value  # never shown back
    secret = at.text_input(key="lcal_token_in")  # typed hidden, cleared on submit by the browser
    assert secret.proto.type == TextInputProto.PASSWORD


def test_the_report_counts_the_leads_in_russian(api_url, seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, OWNER, "leads", lang="ru"))
    at = ok(at.button_group(key="lb_view").set_value("report").run())
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Лиды"] == "2" and tiles["Подошли"] == "1"  # found on two boards, one fits
    assert len(at.get("vega_lite_chart")) == 3  # per week per board, the funnel, the variants
    variants = at.dataframe[-1].value
    assert variants["Лиды"].sum() == 1  # the drafted lead got a prompt variant

    at = ok(at.button(key="lb_process").click().run())  # the flow runs inline here
    assert "Обработка запущена" in _notice(at)
    go = seeded.api.get(f"/leads/{seeded.go}").json()
    assert go["fit_score"] is not None and go["status"] != "new"
    at = ok(at.button_group(key="lb_view").set_value("board").run())
    assert _column(at, "Новые") == []


def test_a_viewer_reads_a_lead_without_changing_it(api_url, seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = ok(signed_in(api_url, monkeypatch, VIEWER, "leads"))
    assert not [b for b in at.button if b.key == "lb_process"]
    at = ok(go_to(at, "lead", lead_id=str(seeded.python)))
    assert "Your role lets you read this lead, not change it." in page_text(at)
    assert at.button(key="lm_move").disabled and at.text_area(key="lrs_body").disabled
    assert not [b for b in at.button if b.key in ("lrs_save", "lrs_approve", "lrs_send")]
