"""The HTTP transport behind remote image fetches (imported only when one happens).

Connections go to the addresses the resource policy already checked, never to a
fresh DNS answer; the Host header, TLS server name and certificate check still
use the original host name. A watchdog bounds the whole fetch, however slowly a
server sends.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Sequence

from .errors import ResourceError
from .resources import (
    _CHUNK,
    _DIGITS,
    _REDIRECTS,
    _REQUEST_HEADERS,
    Limits,
    _describe,
    _Redirect,
    _Target,
)

__all__ = ["get"]


def get(
    limits: Limits,
    src: str,
    target: _Target,
    addresses: Sequence[str],
    deadline: float,
    where: str,
) -> bytes | _Redirect:
    """Send one GET to a checked address; return the body or the redirect."""
    limit = limits.max_bytes
    timed_out = f"{where}timed out after {limits.timeout:g} s"
    if deadline - time.monotonic() <= 0:
        raise ResourceError(src, timed_out)
    watchdog = _Watchdog(deadline)
    connection: http.client.HTTPConnection
    if target.tls:
        connection = _PinnedHTTPSConnection(target.host, target.port, addresses, deadline, watchdog)
    else:
        connection = _PinnedHTTPConnection(target.host, target.port, addresses, deadline, watchdog)
    response: http.client.HTTPResponse | None = None
    try:
        connection.request("GET", target.request, headers=_REQUEST_HEADERS)
        response = connection.getresponse()
        if response.status in _REDIRECTS:
            location = response.getheader("Location")
            if not location:
                raise ResourceError(src, f"{where}a redirect without a Location")
            return _Redirect(location.strip())
        if response.status != 200:
            raise ResourceError(
                src, f"{where}the server answered {response.status} {response.reason}"
            )
        declared = _content_length(response)
        if declared is not None and declared > limit:
            raise ResourceError(
                src, f"{where}the server announces {declared} bytes, over the limit of {limit}"
            )
        chunks: list[bytes] = []
        total = 0
        while chunk := response.read1(_CHUNK):
            total += len(chunk)
            if total > limit:
                raise ResourceError(
                    src, f"{where}larger than the limit of {limit} bytes (download stopped)"
                )
            chunks.append(chunk)
        if watchdog.fired:
            raise ResourceError(src, timed_out)
        chunked = "chunked" in (response.getheader("Transfer-Encoding") or "").lower()
        if declared is not None and not chunked and total < declared:
            raise ResourceError(
                src, f"{where}the connection closed after {total} of {declared} bytes"
            )
        return b"".join(chunks)
    except (OSError, http.client.HTTPException, ValueError) as error:
        if watchdog.fired or isinstance(error, TimeoutError):
            raise ResourceError(src, timed_out) from None
        raise ResourceError(src, f"{where}download failed: {_describe(error)}") from None
    finally:
        watchdog.cancel()
        # With "Connection: close" http.client hands the socket over to the
        # response, so closing the connection alone would leak it.
        if response is not None:
            response.close()
        connection.close()


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = (response.getheader("Content-Length") or "").strip()
    return int(value) if _DIGITS.fullmatch(value) else None


# --- connections ---------------------------------------------------------------


class _Watchdog:
    """Shuts a connection down when the fetch's deadline passes, however the server stalls.

    Socket timeouts bound each wait, not the whole fetch: a server that sends a
    byte just before each timeout would never trip them.
    """

    def __init__(self, deadline: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def attach(self, connection: socket.socket) -> None:
        """Watch *connection* (through a duplicate, which survives TLS wrapping)."""
        duplicate = connection.dup()
        with self._lock:
            self._socket = duplicate
            if self.fired:
                _shutdown(duplicate)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            if self._socket is not None:
                _shutdown(self._socket)

    def cancel(self) -> None:
        """Stop watching and release the duplicate socket."""
        self._timer.cancel()
        self._timer.join()
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None


def _shutdown(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer
        connection.shutdown(socket.SHUT_RDWR)


def _connect(
    addresses: Sequence[str], port: int, deadline: float, watchdog: _Watchdog
) -> socket.socket:
    """Connect to the first checked address that answers, never to a fresh DNS answer."""
    failure: OSError = OSError("no address to connect to")
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or watchdog.fired:
            raise TimeoutError("timed out")
        try:
            connection = socket.create_connection((address, port), timeout=remaining)
        except OSError as error:
            failure = error
            continue
        watchdog.attach(connection)
        return connection
    raise failure


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address; the Host header still names the host."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        deadline: float,
        watchdog: _Watchdog,
    ) -> None:
        super().__init__(host, port, timeout=max(0.001, deadline - time.monotonic()))
        self._addresses = tuple(addresses)
        self._deadline = deadline
        self._watchdog = watchdog

    def connect(self) -> None:
        """Connect to a checked address instead of resolving the host again."""
        self.sock = _connect(self._addresses, self.port, self._deadline, self._watchdog)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; SNI and the certificate name the host."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        deadline: float,
        watchdog: _Watchdog,
    ) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(
            host, port, timeout=max(0.001, deadline - time.monotonic()), context=self._tls
        )
        self._addresses = tuple(addresses)
        self._deadline = deadline
        self._watchdog = watchdog

    def connect(self) -> None:
        """Connect to a checked address, then start TLS for the original host name."""
        plain = _connect(self._addresses, self.port, self._deadline, self._watchdog)
        try:
            self.sock = self._tls.wrap_socket(plain, server_hostname=self.host)
        except BaseException:
            plain.close()
            raise
