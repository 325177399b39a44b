"""The one policy every exporter follows to read an image source.

An article names its images by ``src``. Exporters never open a ``src``
themselves: they ask a :class:`ResourcePolicy` (usually from :func:`policy_for`)
to :meth:`~ResourcePolicy.check` it, :meth:`~ResourcePolicy.fetch` it or turn it
into a :meth:`~ResourcePolicy.data_uri`, so HTML, PDF and EPUB output obey the
same rules. Every refusal is a :class:`~messenger_content.errors.ResourceError`
naming the source and the reason; bad input never escapes as another exception.

Where a source may point:

* **A path relative to the article's folder** (``base_dir``), read as a URL
  path: percent-escapes are decoded (``my%20photo.png``) and a query or fragment
  is ignored. The path is resolved with :func:`os.path.realpath`, following
  every symlink, and must stay inside the resolved folder, so absolute paths,
  ``../`` escapes (also spelled ``%2e%2e/``) and symlinks that lead outside are
  refused, as are ``//host/...`` references and backslashes. Only regular files
  are read (no FIFOs, devices or folders), and their size is checked with
  ``fstat`` before reading.
* **A** ``data:`` **URI**, base64 or percent-encoded.
* **An** ``http:`` **or** ``https:`` **URL**, only when ``allow_remote`` is set.

Any other scheme (``file:``, ``javascript:``, ``ftp:`` ...) is refused.

How a remote image is fetched, when allowed:

* The whole fetch, redirects included, has one deadline (``Limits.timeout``),
  enforced by a watchdog that shuts the connection down, so a server that
  sends one byte a second cannot hold it open.
* The body is capped while it streams (``Limits.max_bytes``): a larger
  ``Content-Length`` is refused before the body is read, and a body that keeps
  coming (chunked, or with a ``Content-Length`` that lies) is cut off as soon as
  it passes the cap.
* Redirects are followed by hand, at most ``Limits.max_redirects``, and each hop
  is checked like the first: http(s) only, no credentials in the URL.
* Every hop's host is resolved and refused if *any* of its addresses is not
  public (:func:`is_public_address`: private, loopback, link-local including
  ``169.254.169.254``, multicast, reserved, unspecified, shared, and IPv6 forms
  embedding such an IPv4 address). The connection is then made to a checked
  address, with the ``Host`` header and the TLS server name (and certificate
  check) naming the original host: a DNS answer that changes between the check
  and the connection (DNS rebinding) cannot point the request elsewhere.
* Proxy settings from the environment are ignored on purpose: a proxy would
  resolve the name again, out of reach of the address check. Nothing is sent
  but a plain ``GET`` (no cookies, no credentials).

What is accepted as an image: PNG, JPEG, GIF and WebP, identified from the
bytes by Pillow (a PNG named ``.jpg`` is a PNG; a text file named ``.png`` is
refused). SVG is refused because it can carry script. Before Pillow decodes
anything, the width and height are read from the header and
``width * height`` is checked against ``Limits.max_pixels`` (decompression
bombs); Pillow's global ``Image.MAX_IMAGE_PIXELS`` is not relied on. The image
is then verified and its first frame decoded, so truncated or corrupt files
are refused here rather than in a renderer. A JPEG is decoded at 1/8 scale
(Pillow's ``draft``): every byte of its entropy-coded data is still read and
Huffman-decoded, which is where truncation and damage show, but the inverse
DCT and colour conversion run on an eighth of the pixels.

An image that passed is remembered for the life of the process by the SHA-256
of its bytes (not by path, size or time, which can be forged), so a batch that
shows the same logo in every article decodes it once. Only the verdict
"decodes cleanly, is this format and size" is kept: the byte and pixel limits
are checked on every fetch, and refusals are not remembered.

A folder's real path is remembered too, and used only while the folder as named
and the remembered path still lead to the same directory (device and inode); a
source below it that is a plain path (no symlink, ``.`` or ``..`` on the way)
is then checked with one ``lstat`` per component. Anything else, and anything
that changed, is resolved in full as above.

Known limits:

* Name resolution uses the system resolver and cannot be interrupted: its own
  timeouts apply. The time it takes still counts against the deadline.
* The folder check and the ``open`` are two steps: the last path component is
  opened with ``O_NOFOLLOW``, but someone who can rewrite the article's folder
  while it is being exported could swap an intermediate folder for a symlink.
  The folder's owner is trusted not to race the exporter.
* Only the first frame of an animated GIF, PNG or WebP is decoded.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import io
import ipaddress
import os
import re
import socket
import stat
import struct
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final, Literal, TypeAlias, TypeVar

import attrs
from typing_extensions import assert_never

from .errors import ResourceError

__all__ = [
    "IPAddress",
    "Limits",
    "MediaType",
    "Resource",
    "ResourcePolicy",
    "Suffix",
    "is_public_address",
    "policy_for",
    "resolve_host",
]

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
"""An IPv4 or IPv6 address, as :func:`ipaddress.ip_address` returns it."""

MediaType: TypeAlias = Literal["image/png", "image/jpeg", "image/gif", "image/webp"]
"""The media types a :class:`Resource` can have."""

Suffix: TypeAlias = Literal[".png", ".jpg", ".gif", ".webp"]
"""The file suffixes a :class:`Resource` can have."""

_T = TypeVar("_T")

#: Pillow format name -> (media type, file suffix). MPO is how Pillow reports
#: a JPEG that carries several pictures (many camera files); it is a JPEG.
_FORMATS: Final[dict[str, tuple[MediaType, Suffix]]] = {
    "PNG": ("image/png", ".png"),
    "JPEG": ("image/jpeg", ".jpg"),
    "MPO": ("image/jpeg", ".jpg"),
    "GIF": ("image/gif", ".gif"),
    "WEBP": ("image/webp", ".webp"),
}
_PILLOW_FORMATS: Final = ("PNG", "JPEG", "GIF", "WEBP")
_NOT_AN_IMAGE: Final = (
    "is not a PNG, JPEG, GIF or WebP image (the type comes from the contents, not the name)"
)

#: Characters no source may contain: white space, C0 and C1 controls, DEL and
#: lone surrogates (browsers strip some of these, so ``java\tscript:`` would
#: otherwise be read differently by us and by them).
_UNSAFE_CHARACTER = re.compile("[\\x00-\\x20\\x7f-\\x9f\\ud800-\\udfff]")
_SCHEME = re.compile("([a-zA-Z][a-zA-Z0-9+.\\-]*):")
_BASE64 = re.compile(b"[A-Za-z0-9+/]*")
_ASCII_WHITESPACE = re.compile(b"[\\t\\n\\f\\r ]+")
_HOST_NAME = re.compile("[A-Za-z0-9._-]+")
_DIGITS = re.compile("[0-9]{1,18}")
#: What may stay unescaped in a request path or query (RFC 3986 pchar, plus "/"
#: and "?"); "%" stays so that escapes already in the URL are kept as they are.
_URL_SAFE: Final = "/?:@!$&'()*+,;=-._~%"
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_CHUNK: Final = 64 * 1024
_REQUEST_HEADERS: Final = {
    "Accept": "image/png,image/jpeg,image/gif,image/webp",
    "Accept-Encoding": "identity",
    "User-Agent": "messenger-content",
    "Connection": "close",
}
#: The start-of-frame markers of a JPEG, which carry its size (not DHT, JPG, DAC).
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


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
class _Target:
    """One remote hop, checked and ready to request."""

    url: str
    tls: bool
    host: str
    """ASCII host name or IP address, without brackets."""
    port: int
    request: str
    """Path and query to send, escaped."""


@attrs.frozen
class _Redirect:
    location: str


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
    from Python: resolving the folder and then the file, as every image check did,
    takes 0.037 ms four levels down. A remembered real path is used only while the
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
                self._target(src, source.url, "")
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
                data = self._download(src, source.url)
            case _:
                assert_never(source)
        return _identify(src, data, self.limits)

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
        unsafe = _UNSAFE_CHARACTER.search(src)
        if unsafe is not None:
            raise ResourceError(
                src,
                f"contains white space or a control character (U+{ord(unsafe.group()):04X})"
                f" at index {unsafe.start()}; percent-encode it",
            )
        scheme_match = _SCHEME.match(src)
        if scheme_match is None:
            return _LocalSource(_relative_path(src))
        scheme = scheme_match.group(1).lower()
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

    def _download(self, src: str, url: str) -> bytes:
        """Fetch *url*, following redirects by hand and checking every hop."""
        deadline = time.monotonic() + self.limits.timeout
        current = url
        for hop in range(self.limits.max_redirects + 1):
            where = "" if hop == 0 else f"redirect {hop} to {_short(current)!r}: "
            target = self._target(src, current, where)
            addresses = self._addresses(src, target, where)
            answer = self._get(src, target, addresses, deadline, where)
            match answer:
                case bytes():
                    return answer
                case _Redirect():
                    current = urllib.parse.urljoin(target.url, answer.location)
                case _:
                    assert_never(answer)
        raise ResourceError(src, f"more than {self.limits.max_redirects} redirects")

    def _target(self, src: str, url: str, where: str) -> _Target:
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
        literal = _ip_literal(host) or _numeric_ipv4(host)
        if literal is None:
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                host = ""
            if not _HOST_NAME.fullmatch(host):
                raise ResourceError(src, f"{where}the URL has no valid host name")
            if _is_localhost(host):
                # Browsers and resolvers send these names to the loopback interface
                # (RFC 6761) without asking DNS; check() resolves no name, so it
                # judges them by the addresses they always mean.
                for address in _LOOPBACK:
                    self._check_address(src, address, host, where)
        else:
            self._check_address(src, literal, str(literal), where)
            host = str(literal)
        request = urllib.parse.quote(parts.path or "/", safe=_URL_SAFE)
        if parts.query:
            request += "?" + urllib.parse.quote(parts.query, safe=_URL_SAFE)
        default_port = 443 if scheme == "https" else 80
        return _Target(
            url=url,
            tls=scheme == "https",
            host=host,
            port=default_port if port is None else port,
            request=request,
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

    def _addresses(self, src: str, target: _Target, where: str) -> list[str]:
        """Resolve a hop's host and check every address it has."""
        literal = _ip_literal(target.host)
        if literal is not None:
            return [str(literal)]
        try:
            found = list(self.resolver(target.host, target.port))
        except (OSError, UnicodeError) as error:
            raise ResourceError(
                src, f"{where}cannot resolve {target.host}: {_describe(error)}"
            ) from None
        if not found:
            raise ResourceError(src, f"{where}{target.host} resolves to no address")
        addresses: list[str] = []
        for text in found:
            address = _ip_literal(text)
            if address is None:
                raise ResourceError(src, f"{where}{target.host} resolves to {text!r}")
            self._check_address(src, address, target.host, where)
            addresses.append(str(address))
        return addresses

    def _get(
        self, src: str, target: _Target, addresses: Sequence[str], deadline: float, where: str
    ) -> bytes | _Redirect:
        """Send one GET to a checked address; return the body or the redirect."""
        # The HTTP client is imported only when something is fetched remotely.
        from ._remote import get

        return get(self.limits, src, target, addresses, deadline, where)


_LOOPBACK: Final = (ipaddress.IPv4Address("127.0.0.1"), ipaddress.IPv6Address("::1"))
_IPV4_NUMBER = re.compile("0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")


def _is_localhost(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address in a host such as ``2130706433``, ``0x7f.1`` or ``0177.0.0.1``.

    Browsers (the WHATWG URL standard) and ``inet_aton`` read these as addresses,
    not names: one to four numbers, each decimal, octal (leading ``0``) or
    hexadecimal (``0x``), the last filling the bytes the others leave.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_IPV4_NUMBER.fullmatch(part) for part in parts):
        return None
    numbers = [
        int(part[2:] or "0", 16)
        if part[:2].lower() == "0x"
        else int(part, 8 if len(part) > 1 and part[0] == "0" else 10)
        for part in parts
    ]
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _ip_literal(text: str) -> IPAddress | None:
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


def _relative_path(src: str) -> str:
    """Return the percent-decoded file path of a source without a scheme."""
    if src.startswith("//"):
        raise ResourceError(src, "a //host/ reference is not a local path (use an http(s) URL)")
    path = src.split("#", 1)[0].split("?", 1)[0]
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise ResourceError(src, "its percent-escapes are not UTF-8") from None
    if not decoded:
        raise ResourceError(src, "the path is empty")
    if decoded.startswith("/"):
        raise ResourceError(
            src, "absolute paths are not allowed; use a path relative to the article's folder"
        )
    if "\\" in decoded:
        raise ResourceError(src, "backslashes are not allowed in paths; use /")
    if "\x00" in decoded:
        raise ResourceError(src, "the path contains a NUL character")
    return decoded


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


# --- identifying images --------------------------------------------------------------


def _identify(src: str, data: bytes, limits: Limits) -> Resource:
    """Check that *data* is an acceptable image and describe it."""
    if not data:
        raise ResourceError(src, "is empty")
    if len(data) > limits.max_bytes:
        raise ResourceError(
            src, f"is {len(data)} bytes, over the limit of {limits.max_bytes} bytes"
        )
    if _looks_like_svg(data):
        raise ResourceError(src, "SVG images are not accepted (they can carry script)")
    declared = _declared_size(data)
    if declared is not None:
        _check_pixels(src, *declared, limits, from_header=True)
    key = hashlib.sha256(data).digest()
    verdict = _VERDICTS.get(key)
    if verdict is not None and not _over_pillow_limit(*verdict[1:]):
        pillow_format, width, height = verdict
        _check_pixels(src, width, height, limits, from_header=False)
    else:
        pillow_format, width, height = _with_pillow(src, _probe, data)
        if pillow_format not in _FORMATS:
            raise ResourceError(src, _NOT_AN_IMAGE)
        _check_pixels(src, width, height, limits, from_header=False)
        _with_pillow(src, _decode, data)
        _VERDICTS.put(key, (pillow_format, width, height))
    media_type, suffix = _FORMATS[pillow_format]
    return Resource(data=data, media_type=media_type, width=width, height=height, suffix=suffix)


class _Verdicts:
    """What is known of images that decoded cleanly: SHA-256 -> (format, width, height).

    Bounded (least recently used entries go first) and safe to share between threads.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[bytes, tuple[str, int, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: bytes) -> tuple[str, int, int] | None:
        with self._lock:
            verdict = self._entries.pop(key, None)
            if verdict is not None:
                self._entries[key] = verdict  # now the most recently used
            return verdict

    def put(self, key: bytes, verdict: tuple[str, int, int]) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = verdict
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_VERDICTS: Final = _Verdicts(512)


def _over_pillow_limit(width: int, height: int) -> bool:
    """Whether Pillow's global pixel limit (which may have been lowered since) refuses this size.

    A remembered verdict is not used then, so Pillow's refusal is reported as before.
    """
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    return limit is not None and width * height > limit


def _check_pixels(src: str, width: int, height: int, limits: Limits, *, from_header: bool) -> None:
    if width * height > limits.max_pixels:
        raise ResourceError(
            src,
            f"is {width}x{height} pixels, over the limit of {limits.max_pixels} pixels"
            " (a possible decompression bomb)",
        )
    if not from_header and (width <= 0 or height <= 0):
        raise ResourceError(src, f"has no pixels ({width}x{height})")


def _probe(data: bytes) -> tuple[str, int, int]:
    """Identify the image and read its size; Pillow reads only the header here."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
        return image.format or "", image.width, image.height


def _decode(data: bytes) -> None:
    """Verify the file's structure, then decode the first frame to catch damaged data."""
    from PIL import Image

    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image:
        image.verify()
    # verify() leaves the image unusable, and checks little beyond PNG chunks:
    # a truncated JPEG only shows when decoded.
    with Image.open(io.BytesIO(data), formats=_PILLOW_FORMATS) as image, _strict_decoding():
        if image.format in ("JPEG", "MPO"):
            # Scale the output down 8 times: the whole scan is still read and
            # entropy-decoded (truncation and damage show there), but the
            # inverse DCT and colour conversion run on 1/64 of the pixels.
            image.draft(None, (1, 1))
        image.load()


_STRICT_DECODING = threading.Lock()


@contextlib.contextmanager
def _strict_decoding() -> Iterator[None]:
    """Make Pillow refuse truncated data while decoding, whatever the process set.

    WeasyPrint sets Pillow's global ``ImageFile.LOAD_TRUNCATED_IMAGES`` to true
    when it is imported, which would let a truncated image through every later
    check in the same process. The flag is put back afterwards; the lock keeps
    two decodes from restoring each other's value.
    """
    from PIL import ImageFile

    with _STRICT_DECODING:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _with_pillow(src: str, action: Callable[[bytes], _T], data: bytes) -> _T:
    """Run a Pillow step, turning whatever Pillow raises on bad data into a ResourceError."""
    # Pillow is imported only when an image is read, not with the package.
    from PIL import Image, UnidentifiedImageError

    try:
        return action(data)
    except UnidentifiedImageError:
        raise ResourceError(src, _NOT_AN_IMAGE) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Only reachable when limits.max_pixels is above Pillow's own global limit.
        raise ResourceError(
            src, "has more pixels than Pillow accepts (PIL.Image.MAX_IMAGE_PIXELS)"
        ) from None
    except Exception as error:  # noqa: BLE001
        # Pillow's decoders raise many types on hostile input (OSError, SyntaxError,
        # ValueError, EOFError, struct.error, IndexError...): all mean "damaged".
        raise ResourceError(src, f"is damaged or truncated: {_describe(error)}") from None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<") and b"<svg" in head


def _declared_size(data: bytes) -> tuple[int, int] | None:
    """Read width and height from a PNG, GIF, WebP or JPEG header without Pillow."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The canvas size of a WebP file, from its first chunk (the decoder allocates it at once)."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The size in a JPEG's first start-of-frame segment, found by walking the markers."""
    index = 2
    while index + 4 <= len(data):  # every step moves index forward
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        index += 2
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a segment
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header seen
            return None
        (length,) = struct.unpack(">H", data[index : index + 2])
        if length < 2:
            return None
        if marker in _JPEG_SOF and index + 7 <= len(data):
            height, width = struct.unpack(">HH", data[index + 3 : index + 7])
            return width, height
        index += length
    return None


# --- cached policies -----------------------------------------------------------


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
    # to look the policy up cost more than the lookup (0.015 ms, several times a book).
    return _cached_policy(folder, allow_remote, _DEFAULT_LIMITS if limits is None else limits)


_DEFAULT_LIMITS: Final = Limits()


@functools.lru_cache(maxsize=64)
def _cached_policy(folder: str, allow_remote: bool, limits: Limits) -> ResourcePolicy:
    return ResourcePolicy(base_dir=Path(folder), allow_remote=allow_remote, limits=limits)
