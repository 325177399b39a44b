"""Connections to addresses the policy checked: the socket level of :mod:`.transport`.

Imported only when a remote fetch happens (``http.client`` and ``ssl`` cost
more to import than the rest of the package).
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Sequence

__all__ = ["PinnedHTTPConnection", "PinnedHTTPSConnection", "Watchdog"]


class Watchdog:
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
    addresses: Sequence[str], port: int, deadline: float, watchdog: Watchdog
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


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to a checked address; the Host header still names the host."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        deadline: float,
        watchdog: Watchdog,
    ) -> None:
        super().__init__(host, port, timeout=max(0.001, deadline - time.monotonic()))
        self._addresses = tuple(addresses)
        self._deadline = deadline
        self._watchdog = watchdog

    def connect(self) -> None:
        """Connect to a checked address instead of resolving the host again."""
        self.sock = _connect(self._addresses, self.port, self._deadline, self._watchdog)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; SNI and the certificate name the host."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        deadline: float,
        watchdog: Watchdog,
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
