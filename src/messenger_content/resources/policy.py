"""The resource policy: which image sources may be read, and reading them safely.

See :mod:`messenger_content.resources` for the rules. Here: the policy itself
(:class:`ResourcePolicy`, :func:`policy_for`), its :class:`Limits`, the
:class:`Resource` it returns, the address check (:func:`is_public_address`) and
the resolver (:func:`resolve_host`). URL syntax comes from
:mod:`messenger_content.urls`, the network from :mod:`.transport` and image
checks from :mod:`.images`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
import os
import re
import socket
import stat
import time
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, TypeAlias

import attrs
from typing_extensions import assert_never

from .. import urls
from ..errors import ResourceError
from ..urls import IPAddress
from . import images
from .images import MediaType, Suffix
from .transport import IMAGE_TYPES, Redirect, Request, Transport, TransportError
from .transport import get as _pinned_get

__all__ = [
    "IPAddress",
    "Limits",
    "MediaType",
    "Resource",
    "ResourcePolicy",
    "Suffix",
    "clear_caches",
    "is_public_address",
    "policy_for",
    "resolve_host",
]

_BASE64 = re.compile(b"[A-Za-z0-9+/]*")
_ASCII_WHITESPACE = re.compile(b"[\\t\\n\\f\\r ]+")
_CHUNK: Final = 64 * 1024


# --- limits and results ------------------------------------------------------


@attrs.frozen(kw_only=True)
class Limits:
    """What reading one resource may cost at most."""

    max_bytes: int = attrs.field(
        default=20 * 1024 * 1024,
        validator=[attrs.validators.instance_of(int), attrs.validators.gt(0)],
    )
    """Largest resource in bytes: a file's size, a ``data:`` URI's data or a download."""
    max_pixels: int = attrs.field(
        default=40_000_000,
        validator=[attrs.validators.instance_of(int), attrs.validators.gt(0)],
    )
    """Largest image as ``width * height``, checked from the header before any decoding."""
    timeout: float = attrs.field(
        default=10.0,
        validator=[attrs.validators.instance_of((int, float)), attrs.validators.gt(0)],
    )
    """Seconds one remote fetch may take in all, redirects included."""
    max_redirects: int = attrs.field(
        default=5,
        validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)],
    )
    """How many redirects a remote fetch follows before giving up."""


@attrs.frozen(kw_only=True)
class Resource:
    """An image that passed the policy: its bytes and what they are."""

    data: bytes = attrs.field(repr=lambda data: f"<{len(data)} bytes>")
    """The image file's bytes, exactly as read."""
    media_type: MediaType
    """``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp``, from the bytes."""
    width: int
    """Width in pixels (of the first frame's canvas)."""
    height: int
    """Height in pixels."""
    suffix: Suffix
    """File suffix for the media type: ``.png``, ``.jpg``, ``.gif`` or ``.webp``."""

    def to_data_uri(self) -> str:
        """Return the image as a base64 ``data:`` URI."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


# --- addresses ---------------------------------------------------------------

_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED: Final = ipaddress.IPv4Network("100.64.0.0/10")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _address_kind(address: IPAddress) -> str:
    """Name what makes *address* non-public, for error messages."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not is_public_address(embedded):
            return f"{_address_kind(embedded)} (embedded in IPv6)"
    for kind, flagged in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("shared (carrier-grade NAT)", address in _SHARED),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
    ):
        if flagged:
            return kind
    return "not allowed by the policy" if is_public_address(address) else "not global"


def is_public_address(address: IPAddress) -> bool:
    """Say whether a remote fetch may connect to *address*.

    Refused: private, loopback, link-local (``169.254.169.254`` included),
    multicast, reserved, unspecified and shared (``100.64.0.0/10``) addresses,
    and anything else Python does not call global. An IPv4-mapped IPv6 address
    (``::ffff:127.0.0.1``) is judged as the IPv4 address it reaches; 6to4 and
    NAT64 addresses are refused if the IPv4 address they embed is.

    Args:
        address: The address a host name resolved to.

    Returns:
        ``True`` if the address is public.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        embedded = _embedded_ipv4(address)
        if embedded is not None and not is_public_address(embedded):
            return False
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve_host(host: str, port: int) -> list[str]:
    """Resolve *host* with the system resolver and return all its addresses, in order.

    Args:
        host: A host name (ASCII, IDNA-encoded if need be).
        port: The port that will be connected to.

    Returns:
        Every address found, as text, without duplicates.

    Raises:
        OSError: If the name cannot be resolved.
    """
    found: list[str] = []
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if family in (socket.AF_INET, socket.AF_INET6):
            address = str(sockaddr[0])
            if address not in found:
                found.append(address)
    return found


# --- sources -----------------------------------------------------------------


@attrs.frozen
class _LocalSource:
    path: str
    """The percent-decoded path, relative to the article's folder."""


@attrs.frozen
class _DataSource:
    data: bytes
    """The decoded data."""


@attrs.frozen
class _RemoteSource:
    url: str


_Source: TypeAlias = _LocalSource | _DataSource | _RemoteSource


@attrs.frozen
class _Hop:
    """One remote hop, checked and ready to request."""

    url: str
    tls: bool
    host: str
    """ASCII host name or IP address, without brackets."""
    port: int
    target: str
    """Path and query to send, escaped."""


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return _short(text.replace("\n", " "))


def _to_path(value: str | os.PathLike[str]) -> Path:
    return Path(value)


# --- real paths --------------------------------------------------------------------


class _RealFolders:
    """The real path of each article folder resolved so far, and the folder it names.

    :func:`os.path.realpath` looks at every component of a path with an ``lstat``
    from Python, so resolving the folder again for every image costs a call per
    level of the folder's path. A remembered real path is used only while the
    folder as named and the remembered path both lead to the directory it was
    resolved to (same device and inode: a ``stat`` of each, one in all when the
    folder is named by its real path), so it names that same directory now; a
    folder, or a symlink on the way to it, that is moved or re-pointed is resolved
    again. Safe to share between threads (a lost update costs a second resolution).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[str, tuple[str, int, int]] = {}

    def get(self, folder: str) -> str | None:
        """The real path of *folder*, or ``None`` if it cannot be had without a race."""
        try:
            named = os.stat(folder)
            identity = (named.st_dev, named.st_ino)
            known = self._entries.get(folder)
            if known is not None and known[1:] == identity:
                real = known[0]
                if real == folder or _identity(os.stat(real)) == identity:
                    return real
            real = os.path.realpath(folder)
            if _identity(os.stat(real)) != identity:
                return None  # it changed while being resolved
        except (OSError, ValueError):
            return None
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[folder] = (real, *identity)
        return real

    def clear(self) -> None:
        self._entries.clear()


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


_REAL_FOLDERS: Final = _RealFolders(256)


# --- the policy ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ResourcePolicy:
    """Decides which image sources may be read, and reads them safely.

    Build one per article folder (or use the cached :func:`policy_for`); it holds
    no state, so it can be shared between exporters and threads.
    """

    base_dir: Path = attrs.field(converter=_to_path)
    """The article's folder; relative sources resolve against it."""
    allow_remote: bool = False
    """Fetch http(s) images; when ``False`` no remote URL is ever requested."""
    limits: Limits = attrs.field(factory=Limits)
    """Caps on bytes, pixels, time and redirects."""
    address_check: Callable[[IPAddress], bool] = attrs.field(default=is_public_address, repr=False)
    """Whether remote fetches may connect to an address. Widen it only for tests or intranets."""
    resolver: Callable[[str, int], Sequence[str]] = attrs.field(default=resolve_host, repr=False)
    """Resolves a host and port to addresses (text); replaced only in tests."""
    transport: Transport = attrs.field(default=_pinned_get, repr=False)
    """Sends a GET to checked addresses (:func:`.transport.get`); replaceable like the resolver."""

    def check(self, src: str) -> None:
        """Check *src* against the policy without reading the image.

        Nothing is read and nothing is sent over the network: a local file is
        not required to exist, and a remote host name is not resolved (an IP
        literal is checked, though). :meth:`fetch` checks everything again.

        Args:
            src: The image source as the article names it.

        Raises:
            ResourceError: If the policy refuses the source.
        """
        source = self._classify(src)
        match source:
            case _LocalSource():
                self._resolve_local(src, source)
            case _DataSource():
                pass
            case _RemoteSource():
                self._hop(src, source.url, "")
            case _:
                assert_never(source)

    def fetch(self, src: str) -> Resource:
        """Read *src* under the policy and identify it as an image.

        Args:
            src: The image source as the article names it.

        Returns:
            The image's bytes, media type and size.

        Raises:
            ResourceError: If the source is refused, cannot be read, or is not an
                acceptable image; the message names the source and the reason.
        """
        source = self._classify(src)
        match source:
            case _LocalSource():
                data = self._read_local(src, self._resolve_local(src, source))
            case _DataSource():
                data = source.data
            case _RemoteSource():
                data = self._download(src, source.url, IMAGE_TYPES)
            case _:
                assert_never(source)
        found = images.identify(
            src, data, max_bytes=self.limits.max_bytes, max_pixels=self.limits.max_pixels
        )
        return Resource(
            data=data,
            media_type=found.media_type,
            width=found.width,
            height=found.height,
            suffix=found.suffix,
        )

    def download(self, url: str, *, accept: str = "*/*") -> bytes:
        """Fetch an http(s) URL's bytes under the policy, without checking they are an image.

        The same rules as a remote image: ``allow_remote``, public addresses,
        redirects checked hop by hop, the deadline and the size cap (a web page).

        Raises:
            ResourceError: If the URL is refused or the fetch fails.
        """
        source = self._classify(url)
        if not isinstance(source, _RemoteSource):
            raise ResourceError(url, "only http(s) URLs are downloaded")
        return self._download(url, source.url, accept)

    def data_uri(self, src: str) -> str:
        """Fetch *src* and return it as a base64 ``data:`` URI (for embedding).

        Raises:
            ResourceError: As :meth:`fetch` does.
        """
        return self.fetch(src).to_data_uri()

    # classification

    def _classify(self, src: str) -> _Source:
        if not src:
            raise ResourceError(src, "the source is empty")
        unsafe = urls.first_unsafe(src)
        if unsafe is not None:
            raise ResourceError(
                src,
                f"contains white space or a control character (U+{ord(src[unsafe]):04X})"
                f" at index {unsafe}; percent-encode it",
            )
        scheme = urls.scheme(src)
        if scheme is None:
            try:
                return _LocalSource(urls.relative_path(src))
            except ValueError as error:
                raise ResourceError(src, str(error)) from None
        if scheme in ("http", "https"):
            if not self.allow_remote:
                raise ResourceError(
                    src,
                    "remote images are not fetched unless remote access is allowed"
                    " (allow_remote=True, --allow-remote)",
                )
            return _RemoteSource(src)
        if scheme == "data":
            return _DataSource(_decode_data_uri(src))
        if scheme == "file":
            raise ResourceError(
                src, "file: URLs are not allowed; use a path relative to the article's folder"
            )
        raise ResourceError(
            src,
            f"{scheme}: sources are not allowed"
            " (use a relative path, a data: URI or an http(s) URL)",
        )

    # local files

    def _resolve_local(self, src: str, source: _LocalSource) -> str:
        """Return the real path of a local source, refusing anything outside the folder."""
        target = self._plain_path(source.path)
        if target is not None:
            return target
        try:
            base = os.path.realpath(self.base_dir)
            target = os.path.realpath(os.path.join(base, source.path))
            inside = os.path.commonpath([base, target]) == base
        except (OSError, ValueError) as error:
            raise ResourceError(src, f"the path cannot be resolved: {_describe(error)}") from None
        if not inside:
            raise ResourceError(src, "the path leads outside the article's folder")
        if target == base:
            raise ResourceError(src, "the path names the article's folder, not a file")
        return target

    def _plain_path(self, path: str) -> str | None:
        """The real path of *path* if no symlink, ``.`` or ``..`` is on its way, else ``None``.

        Such a path cannot leave the folder (each component is an entry of the one
        before), and it is its own real path below the folder's: an ``lstat`` per
        component instead of two :func:`os.path.realpath` calls. ``None`` leaves
        the full resolution, and its refusals, to the caller.
        """
        parts = path.split("/")
        if os.name != "posix" or "" in parts or "." in parts or ".." in parts:
            return None
        target = _REAL_FOLDERS.get(os.fspath(self.base_dir))
        if target is None:
            return None
        for part in parts:
            target = os.path.join(target, part)
            try:
                if stat.S_ISLNK(os.lstat(target).st_mode):
                    return None
            except (OSError, ValueError):
                return None
        return target

    def _read_local(self, src: str, target: str) -> bytes:
        """Read a regular file of at most ``max_bytes`` bytes."""
        limit = self.limits.max_bytes
        try:
            # Look before opening: opening some devices has side effects.
            mode = os.stat(target).st_mode
            if not stat.S_ISREG(mode):
                raise ResourceError(src, f"is not a regular file ({_file_kind(mode)})")
            # O_NONBLOCK: a FIFO swapped in after the stat must not block the open.
            flags = (
                os.O_RDONLY
                | getattr(os, "O_NOFOLLOW", 0)
                | getattr(os, "O_NONBLOCK", 0)
                | getattr(os, "O_CLOEXEC", 0)
                | getattr(os, "O_BINARY", 0)
            )
            descriptor = os.open(target, flags)
            try:
                info = os.fstat(descriptor)
                if not stat.S_ISREG(info.st_mode):
                    raise ResourceError(src, "is not a regular file")
                if info.st_size == 0:
                    raise ResourceError(src, "is empty")
                if info.st_size > limit:
                    raise ResourceError(
                        src, f"is {info.st_size} bytes, over the limit of {limit} bytes"
                    )
                chunks: list[bytes] = []
                total = 0
                while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - total)):
                    chunks.append(chunk)
                    total += len(chunk)
                    if total > limit:
                        raise ResourceError(src, f"grew past the limit of {limit} bytes")
                return b"".join(chunks)
            finally:
                os.close(descriptor)
        except FileNotFoundError:
            raise ResourceError(src, "not found in the article's folder") from None
        except OSError as error:
            reason = error.strerror or _describe(error)
            raise ResourceError(src, f"cannot be read: {reason}") from None

    # remote files

    def _download(self, src: str, url: str, accept: str) -> bytes:
        """Fetch *url*, following redirects by hand and checking every hop."""
        deadline = time.monotonic() + self.limits.timeout
        current = url
        for hop in range(self.limits.max_redirects + 1):
            where = "" if hop == 0 else f"redirect {hop} to {_short(current)!r}: "
            checked = self._hop(src, current, where)
            request = Request(
                host=checked.host,
                port=checked.port,
                tls=checked.tls,
                target=checked.target,
                addresses=self._addresses(src, checked, where),
                deadline=deadline,
                max_bytes=self.limits.max_bytes,
                accept=accept,
            )
            try:
                answer = self.transport(request)
            except TransportError as error:
                reason = f"timed out after {self.limits.timeout:g} s" if error.timed_out else error
                raise ResourceError(src, f"{where}{reason}") from None
            match answer:
                case bytes():
                    return answer
                case Redirect():
                    current = urllib.parse.urljoin(checked.url, answer.location)
                case _:
                    assert_never(answer)
        raise ResourceError(src, f"more than {self.limits.max_redirects} redirects")

    def _hop(self, src: str, url: str, where: str) -> _Hop:
        """Check the shape of one hop's URL (and its host, if it is an IP literal)."""
        try:
            parts = urllib.parse.urlsplit(url)
            port = parts.port
        except ValueError as error:
            raise ResourceError(src, f"{where}not a valid URL: {_describe(error)}") from None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            shown = f"{scheme}: URLs" if scheme else "URLs without a scheme"
            raise ResourceError(src, f"{where}{shown} are not fetched (only http and https)")
        if parts.username is not None or parts.password is not None:
            raise ResourceError(src, f"{where}credentials in URLs are not allowed")
        host = parts.hostname or ""
        literal = urls.ip_literal(host)
        if literal is None:
            name = urls.ascii_host(host)
            if name is None:
                raise ResourceError(src, f"{where}the URL has no valid host name")
            host = name
            if urls.is_localhost(host):
                # Browsers and resolvers send these names to the loopback interface
                # (RFC 6761) without asking DNS; check() resolves no name, so it
                # judges them by the addresses they always mean.
                for address in _LOOPBACK:
                    self._check_address(src, address, host, where)
        else:
            self._check_address(src, literal, str(literal), where)
            host = str(literal)
        return _Hop(
            url=url,
            tls=scheme == "https",
            host=host,
            port=(443 if scheme == "https" else 80) if port is None else port,
            target=urls.request_target(parts.path, parts.query),
        )

    def _check_address(self, src: str, address: IPAddress, host: str, where: str) -> None:
        if not self.address_check(address):
            subject = (
                str(address) if host == str(address) else f"{host} resolves to {address}, which"
            )
            raise ResourceError(
                src,
                f"{where}{subject} is {_address_kind(address)}; only public addresses are fetched",
            )

    def _addresses(self, src: str, hop: _Hop, where: str) -> tuple[str, ...]:
        """Resolve a hop's host and check every address it has."""
        literal = _address(hop.host)
        if literal is not None:
            return (str(literal),)
        try:
            found = list(self.resolver(hop.host, hop.port))
        except (OSError, UnicodeError) as error:
            raise ResourceError(
                src, f"{where}cannot resolve {hop.host}: {_describe(error)}"
            ) from None
        if not found:
            raise ResourceError(src, f"{where}{hop.host} resolves to no address")
        addresses: list[str] = []
        for text in found:
            address = _address(text)
            if address is None:
                raise ResourceError(src, f"{where}{hop.host} resolves to {text!r}")
            self._check_address(src, address, hop.host, where)
            addresses.append(str(address))
        return tuple(addresses)


_LOOPBACK: Final = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))


def _address(text: str) -> IPAddress | None:
    """*text* as an IP address in standard notation (what a resolver answers), or ``None``."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "a special file"


def _decode_data_uri(src: str) -> bytes:
    """Decode a ``data:`` URI the way browsers do (RFC 2397, forgiving base64).

    The data is no larger than the URI, which is already in memory; its size is
    checked against the limit with the image.
    """
    header, comma, payload = src[len("data:") :].partition(",")
    if not comma:
        raise ResourceError(src, "a data: URI needs a comma before its data")
    parameters = [part.strip().lower() for part in urllib.parse.unquote(header).split(";")]
    if parameters[0] == "image/svg+xml":
        raise ResourceError(src, "SVG images are not accepted (they can carry script)")
    data = urllib.parse.unquote_to_bytes(payload)
    if len(parameters) < 2 or parameters[-1] != "base64":
        return data
    compact = _ASCII_WHITESPACE.sub(b"", data)
    if len(compact) % 4 == 0 and compact.endswith(b"="):
        compact = compact[:-2] if compact.endswith(b"==") else compact[:-1]
    if len(compact) % 4 == 1 or not _BASE64.fullmatch(compact):
        raise ResourceError(src, "its base64 data is not valid")
    try:
        return base64.b64decode(compact + b"=" * (-len(compact) % 4), validate=True)
    except binascii.Error:
        raise ResourceError(src, "its base64 data is not valid") from None


# --- cached policies -----------------------------------------------------------


def clear_caches() -> None:
    """Forget the images that passed and the article folders resolved so far.

    Nothing is wrong with what is remembered; this gives the memory back, or
    makes the next export pay the full cost again (benchmarks of a cold start).
    """
    images.clear_verdicts()
    _REAL_FOLDERS.clear()


def policy_for(
    base_dir: str | os.PathLike[str] | None,
    allow_remote: bool = False,
    limits: Limits | None = None,
) -> ResourcePolicy:
    """Return the (cached) policy for an article folder.

    Args:
        base_dir: The article's folder; ``None`` means the current working
            directory (taken when called). A relative folder is made absolute
            against the current working directory.
        allow_remote: Whether http(s) images may be fetched.
        limits: Caps on bytes, pixels, time and redirects; ``None`` for the defaults.

    Returns:
        A policy; equal arguments give the same object.
    """
    folder = os.getcwd() if base_dir is None else os.path.abspath(os.fspath(base_dir))
    # Keyed by the folder's text and a shared default: building a Path and a Limits
    # just to look the policy up would cost more than the lookup itself.
    return _cached_policy(folder, allow_remote, _DEFAULT_LIMITS if limits is None else limits)


_DEFAULT_LIMITS: Final = Limits()


@functools.lru_cache(maxsize=64)
def _cached_policy(folder: str, allow_remote: bool, limits: Limits) -> ResourcePolicy:
    return ResourcePolicy(base_dir=Path(folder), allow_remote=allow_remote, limits=limits)
