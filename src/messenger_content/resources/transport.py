"""The HTTP(S) transport behind remote image fetches: one GET to addresses already checked.

A :class:`~.policy.ResourcePolicy` decides *whether* and *where* to connect
(scheme, host, every address, redirects); a transport only sends the request.
:func:`get` is the real one, and a policy takes another as its ``transport``
(tests, or a host with its own HTTP stack), as it takes a ``resolver``.

:func:`get` connects to the checked addresses, never to a fresh DNS answer;
the ``Host`` header, TLS server name and certificate check still use the
original host name. A watchdog bounds the whole fetch, however slowly a server
sends, and the body is capped while it streams. Proxy settings from the
environment are not used: a proxy would resolve the name again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

if TYPE_CHECKING:
    import http.client

    from ._connections import Watchdog

__all__ = ["IMAGE_TYPES", "Redirect", "Request", "Transport", "TransportError", "get"]

#: The ``Accept`` header of an image fetch.
IMAGE_TYPES: Final = "image/png,image/jpeg,image/gif,image/webp"


@attrs.frozen(kw_only=True)
class Request:
    """One GET the policy allowed: where to connect and what to ask for."""

    host: str
    """ASCII host name or IP address (no brackets): ``Host`` header, SNI and certificate."""
    port: int
    """The port to connect to."""
    tls: bool
    """Whether to speak HTTPS."""
    target: str
    """Path and query to send, escaped (:func:`messenger_content.urls.request_target`)."""
    addresses: tuple[str, ...]
    """The checked addresses, tried in order; nothing else may be connected to."""
    deadline: float
    """When the whole fetch must be over, on the :func:`time.monotonic` clock."""
    max_bytes: int
    """The largest body accepted; a larger one is refused while it streams."""
    accept: str = IMAGE_TYPES
    """The ``Accept`` header: images, unless a page is fetched."""


@attrs.frozen
class Redirect:
    """The server's answer was a redirect."""

    location: str
    """The ``Location`` header, stripped (relative or absolute)."""


class TransportError(Exception):
    """The fetch failed; the message says why, without naming the source."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.timed_out = timed_out
        """Whether the deadline passed (the policy words that message itself)."""


Transport: TypeAlias = Callable[[Request], "bytes | Redirect"]
"""Sends a :class:`Request`; returns the body of a 200 answer or the redirect.

Raises :class:`TransportError` for anything else.
"""

_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_CHUNK: Final = 64 * 1024
_DIGITS: Final = re.compile("[0-9]{1,18}")
_HEADERS: Final = {
    "Accept-Encoding": "identity",
    "User-Agent": "messenger-content",
    "Connection": "close",
}


def get(request: Request) -> bytes | Redirect:
    """Send one GET to a checked address; return the body or the redirect.

    Raises:
        TransportError: For an answer other than 200 or a redirect, a body over
            ``max_bytes`` or shorter than announced, a failed connection, and
            a deadline that passed (``timed_out``).
    """
    # The HTTP client and TLS are imported only when something is fetched.
    import http.client

    from ._connections import PinnedHTTPConnection, PinnedHTTPSConnection, Watchdog

    if request.deadline - time.monotonic() <= 0:
        raise TransportError("timed out", timed_out=True)
    watchdog = Watchdog(request.deadline)
    kind = PinnedHTTPSConnection if request.tls else PinnedHTTPConnection
    connection = kind(request.host, request.port, request.addresses, request.deadline, watchdog)
    response: http.client.HTTPResponse | None = None
    try:
        headers = {"Accept": request.accept, **_HEADERS}
        connection.request("GET", request.target, headers=headers)
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise TransportError("a redirect without a Location")
            return Redirect(location.strip())
        if response.status != 200:
            raise TransportError(f"the server answered {response.status} {response.reason}")
        return _body(response, request.max_bytes, watchdog)
    except (OSError, http.client.HTTPException, ValueError) as error:
        if watchdog.fired or isinstance(error, TimeoutError):
            raise TransportError("timed out", timed_out=True) from None
        raise TransportError(f"download failed: {_describe(error)}") from None
    finally:
        watchdog.cancel()
        # With "Connection: close" http.client hands the socket over to the
        # response, so closing the connection alone would leak it.
        if response is not None:
            response.close()
        connection.close()


def _body(response: http.client.HTTPResponse, limit: int, watchdog: Watchdog) -> bytes:
    """Read the body, refusing it as soon as it passes *limit*, or if it ends early or late."""
    value = (response.getheader("Content-Length") or "").strip()
    declared = int(value) if _DIGITS.fullmatch(value) else None
    if declared is not None and declared > limit:
        raise TransportError(f"the server announces {declared} bytes, over the limit of {limit}")
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read1(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise TransportError(f"larger than the limit of {limit} bytes (download stopped)")
        chunks.append(chunk)
    if watchdog.fired:  # the watchdog shut the connection: that is not the server's end
        raise TransportError("timed out", timed_out=True)
    chunked = "chunked" in (response.getheader("Transfer-Encoding") or "").lower()
    if declared is not None and not chunked and total < declared:
        raise TransportError(f"the connection closed after {total} of {declared} bytes")
    return b"".join(chunks)


def _describe(error: BaseException) -> str:
    text = (str(error).strip() or type(error).__name__).replace("\n", " ")
    return text if len(text) <= 80 else text[:77] + "..."
