"""What every API handler needs: the fake, the caller's grant, paging and form arguments,
checked the way HH checks them (bad_argument for a wrong value, 403 for unpaid access)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tests.fakes.hh.errors import HHError, bad_argument
from tests.fakes.hh.oauth import Grant
from tests.fakes.hh.server import FakeHH


def the_fake(request: Request) -> FakeHH:
    """The FakeHH that owns the app (its world, knobs and tokens)."""
    return request.app.state.hh


def user_grant(request: Request) -> Grant:
    """A manager's (user) token is required; app tokens get `user_auth_expected`."""
    return the_fake(request).oauth.authenticate(request.headers.get("authorization"))


def paid_grant(request: Request) -> Grant:
    """As `user_grant`, for HH's paid employer methods (negotiations, resumes)."""
    grant = user_grant(request)
    if the_fake(request).no_paid_access:
        raise HHError(403, "api_access_payment", "action_must_be_payed")
    return grant


Fake = Annotated[FakeHH, Depends(the_fake)]
User = Annotated[Grant, Depends(user_grant)]
Paid = Annotated[Grant, Depends(paid_grant)]


def int_arg(request: Request, name: str, default: int, *, maximum: int | None = None) -> int:
    """A non-negative integer query parameter; anything else is `bad_argument` `name`."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_argument(name) from None
    if value < 0 or (maximum is not None and value > maximum):
        raise bad_argument(name)
    return value


def paging(request: Request, max_per_page: int = 50) -> tuple[int, int]:
    """`page` (from 0) and `per_page` (20 by default, HH's maximum for the method)."""
    per_page = int_arg(request, "per_page", 20, maximum=max_per_page)
    if per_page == 0:
        raise bad_argument("per_page")
    return int_arg(request, "page", 0), per_page


async def arguments(request: Request) -> dict[str, str]:
    """Query and form fields together: HH takes action arguments either way."""
    args = dict(request.query_params)
    if "x-www-form-urlencoded" in request.headers.get("content-type", ""):
        form = await request.form()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    return args
