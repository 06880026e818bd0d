"""The applicant's side of the fake HH: `POST /negotiations`, an application to a vacancy with
a resume and a cover letter (HH's "apply-to-vacancy"; the lead generation of a staffing company
answers vacancies this way).

Form fields `vacancy_id`, `resume_id` (required) and `message` (at most 10,000 characters);
201 with `Location: /negotiations/<nid>` and no body. HH's refusals (docs_errors.md): 400
`bad_argument` for a missing field, 403 `negotiations/already_applied` for a second application
with the same resume to the same vacancy, `negotiations/empty_message` / `too_long_message`,
400 `negotiations/vacancy_not_found` for a vacancy id that is no number. `applications(hh)` is
every application taken, in order; `refusals(hh)` every duplicate refused.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import datetime
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Request, Response

from tests.fakes.hh.deps import Fake, User
from tests.fakes.hh.errors import bad_argument, negotiations_error
from tests.fakes.hh.server import FakeHH

router = APIRouter()
MAX_MESSAGE = 10_000


@dataclass(frozen=True)
class Application:
    """One application HH took."""

    id: str
    vacancy_id: str
    resume_id: str
    message: str
    at: datetime


@dataclass
class _Book:
    taken: list[Application]
    refused: list[tuple[str, str]]
    lock: threading.Lock
    ids: itertools.count[int]


_books: WeakKeyDictionary[FakeHH, _Book] = WeakKeyDictionary()
_books_lock = threading.Lock()


def _book(hh: FakeHH) -> _Book:
    with _books_lock:
        if hh not in _books:
            _books[hh] = _Book([], [], threading.Lock(), itertools.count(900_001))
        return _books[hh]


def applications(hh: FakeHH) -> list[Application]:
    """Every application the fake took, in order."""
    book = _book(hh)
    with book.lock:
        return list(book.taken)


def refusals(hh: FakeHH) -> list[tuple[str, str]]:
    """(vacancy id, resume id) of every repeat refused as `already_applied`."""
    book = _book(hh)
    with book.lock:
        return list(book.refused)


@router.post("/negotiations")
async def apply(request: Request, hh: Fake, _: User) -> Response:
    """Apply to a vacancy with a resume, once per pair."""
    form = await request.form()
    fields = {k: v for k, v in {**dict(request.query_params), **dict(form)}.items()
              if isinstance(v, str)}  # fmt: skip
    vacancy_id, resume_id = fields.get("vacancy_id", ""), fields.get("resume_id", "")
    message = fields.get("message") or ""
    if not vacancy_id:
        raise bad_argument("vacancy_id")
    if not resume_id:
        raise bad_argument("resume_id")
    if not vacancy_id.isdigit():
        raise negotiations_error("vacancy_not_found", status=400)
    if "message" in fields and not message.strip():
        raise negotiations_error("empty_message")
    if len(message) > MAX_MESSAGE:
        raise negotiations_error("too_long_message")
    book = _book(hh)
    with book.lock:
        if any(a.vacancy_id == vacancy_id and a.resume_id == resume_id for a in book.taken):
            book.refused.append((vacancy_id, resume_id))
            raise negotiations_error("already_applied")
        taken = Application(str(next(book.ids)), vacancy_id, resume_id, message, hh.now())
        book.taken.append(taken)
    return Response(status_code=201, headers={"Location": f"/negotiations/{taken.id}"})
