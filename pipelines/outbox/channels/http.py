"""One HTTP POST with the outcome sorted into delivered, retry later, or give up; and the check
that keeps outbound requests off the server's own network.

Targets are URLs that workspace owners type in (webhook endpoints, Slack hooks). Unless the
installation allows it (`Settings.webhook_allow_private_targets`), a target whose host is or
resolves to a loopback, private, link-local or otherwise reserved address is refused, so a
workspace cannot make the server probe its database port or a cloud metadata service.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from pipelines.outbox.errors import DeliveryError

# Statuses that may pass on their own; any other 4xx means the request itself is refused.
_RETRYABLE = {408, 425, 429}


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not ip.is_global or ip.is_multicast


def private_target(url: str, *, resolve: bool = True) -> str | None:
    """Why `url` points inside the server's network (None when it does not, or when its name
    does not resolve: the request then fails on its own). Without `resolve`, only literal
    addresses and `localhost` are judged."""
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if not host:
        return "the URL has no host"
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine"
    try:
        return f"{host} is an internal address" if _internal(host) else None
    except ValueError:
        pass  # a name, not an address
    if not resolve:
        return None
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        return None
    inside = sorted(a for a in found if _internal(str(a)))
    return f"{host} resolves to an internal address ({inside[0]})" if inside else None


def post(
    client: httpx.Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_private: bool = False,
) -> httpx.Response:
    """POST `body`; a 2xx is returned, anything else raises `DeliveryError`.

    Reasons never include the URL: a Slack webhook URL is itself a credential."""
    if not url.startswith(("https://", "http://")):
        raise DeliveryError("the target URL must be http(s)", retryable=False)
    if not allow_private and (why := private_target(url)):
        raise DeliveryError(
            f"refused: {why} (set SELECTIO_WEBHOOK_ALLOW_PRIVATE_TARGETS=true to allow "
            "internal targets)",
            retryable=False,
        )
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
