"""One HTTP POST with the outcome sorted into delivered, retry later, or give up."""

from __future__ import annotations

import httpx

from pipelines.outbox.errors import DeliveryError

# Statuses that may pass on their own; any other 4xx means the request itself is refused.
_RETRYABLE = {408, 425, 429}


def post(client: httpx.Client, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    """POST `body`; a 2xx is returned, anything else raises `DeliveryError`.

    Reasons never include the URL: a Slack webhook URL is itself a credential."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("the target URL must be http(s)", retryable=False)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException as e:
        raise DeliveryError(f"timed out ({type(e).__name__})") from e
    except httpx.HTTPError as e:
        raise DeliveryError(f"connection failed ({type(e).__name__})") from e
    if response.is_success:
        return response
    status = response.status_code
    detail = response.text[:200].strip()
    raise DeliveryError(
        f"HTTP {status}" + (f": {detail}" if detail else ""),
        retryable=status >= 500 or status in _RETRYABLE,
    )
