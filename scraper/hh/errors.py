"""What HeadHunter refuses, as errors with stable codes the product can act on.

HH answers errors as `{"errors": [{"type": ..., "value": ...}]}` (OAuth token errors as
`{"error": ..., "error_description": ...}`). Each kind the product treats differently has its
own class: an expired token is refreshed, a captcha becomes a recruiter's action (its URL with
`backurl`), paid access and quotas become a status on the integration, 429 and 5xx are retried.
No message carries a token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


class HHError(Exception):
    """HH refused or failed; `code` is stable, `message` safe to show."""

    code = "hh_error"
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status = message, status
        if code:
            self.code = code


class HHTokenExpired(HHError):
    code = "hh_token_expired"


class HHAuthorizationLost(HHError):
    """The token is bad or revoked, or a refresh failed: the workspace must connect again."""

    code = "hh_reconnect_needed"


class HHCaptchaRequired(HHError):
    code = "hh_captcha_required"

    def __init__(self, message: str, *, captcha_url: str | None, fallback_url: str | None) -> None:
        super().__init__(message, status=403)
        self.captcha_url, self.fallback_url = captcha_url, fallback_url

    def action_url(self, backurl: str) -> str | None:
        """The page a person opens to pass the captcha, coming back to `backurl` after."""
        if not self.captcha_url:
            return self.fallback_url
        parts = urlsplit(self.captcha_url)
        query = [*parse_qsl(parts.query), ("backurl", backurl)]
        return urlunsplit(parts._replace(query=urlencode(query)))


class HHPaidAccessRequired(HHError):
    """The method needs paid API access (`api_access_payment`)."""

    code = "hh_paid_access_required"


class HHQuotaExceeded(HHError):
    """Resume views are used up (`resumes/quota_exceeded`, `view_limit_exceeded`)."""

    code = "hh_quota_exceeded"


class HHRateLimited(HHError):
    code = "hh_rate_limited"
    retryable = True

    def __init__(self, message: str, *, retry_after_s: float | None) -> None:
        super().__init__(message, status=429)
        self.retry_after_s = retry_after_s


class HHUnavailable(HHError):
    code = "hh_unavailable"
    retryable = True


class HHNotFound(HHError):
    code = "hh_not_found"


class HHRefused(HHError):
    """Any other refusal (a bad argument, a wrong state for an action, a user agent HH refuses)."""

    code = "hh_refused"


def errors_of(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        return [e for e in body["errors"] if isinstance(e, dict)]
    return []


def error_for(status: int, body: Any, retry_after_s: float | None = None) -> HHError:
    """The error an HH answer of `status` with `body` (parsed JSON or None) stands for."""
    found = errors_of(body)
    kinds = {(str(e.get("type")), str(e.get("value"))) for e in found}
    types = {t for t, _ in kinds}
    described = "; ".join(f"{t}/{v}" if v != "None" else t for t, v in sorted(kinds)) or str(status)
    # Resume views used up come as 403 quota_exceeded or 429 view_limit_exceeded: a quota, not a
    # rate to back off from.
    if ("resumes", "quota_exceeded") in kinds or ("resumes", "view_limit_exceeded") in kinds:
        return HHQuotaExceeded(f"HH resume views are used up ({described})", status=status)
    if status == 429:
        return HHRateLimited(f"HH asks to slow down ({described})", retry_after_s=retry_after_s)
    if status >= 500:
        return HHUnavailable(f"HH is unavailable (HTTP {status})", status=status)
    if "captcha_required" in types:
        captcha = next(e for e in found if e.get("type") == "captcha_required")
        return HHCaptchaRequired(
            "HH asks a person to pass a captcha", captcha_url=captcha.get("captcha_url"),
            fallback_url=captcha.get("fallback_url"),
        )  # fmt: skip
    if ("oauth", "token_expired") in kinds:
        return HHTokenExpired("the HH access token expired", status=status)
    if "oauth" in types:
        return HHAuthorizationLost(f"HH no longer accepts the authorization ({described})",
                                   status=status)  # fmt: skip
    if "api_access_payment" in types:
        return HHPaidAccessRequired("this needs paid API access at HH", status=status)
    if status == 404:
        return HHNotFound(f"not found at HH ({described})", status=status)
    return HHRefused(f"HH refused the request ({described})", status=status)
