r"""Every rule about URLs in one place: schemes, hosts, escaping and the format's patterns.

The models, the JSON Schema, the resource policy and the exporters all ask
this module, so a URL means the same thing to each of them:

* **The format's patterns** (:data:`HREF_PATTERN`, :data:`HTTP_URL_PATTERN`,
  :data:`SRC_PATTERN`): what the loader accepts and the schema publishes. No
  white space or control characters anywhere, since browsers strip those and
  ``java\tscript:`` would otherwise slip through; none of the characters
  RFC 3986 says must be percent-encoded (``"<>\^`{|}``) either.
* **Schemes**: :func:`scheme` reads a URL's scheme the way browsers do (letters,
  digits, ``+``, ``-`` and ``.``, any case).
* **Hosts**: :func:`ascii_host` and :func:`valid_host` through the ``idna``
  package (UTS 46 mapping, then IDNA 2008 with its bidi and context rules);
  :func:`ip_literal` reads every spelling of an IP address a browser reads
  (``[::1]``, ``127.0.0.1``, ``2130706433``, ``0x7f.1``), so a host is judged by
  the address it means.
* **Escaping**: a reading system (and EPUBCheck) wants URLs a WHATWG parser
  accepts, so :func:`http_url` and :func:`mailto_url` percent-encode what needs
  it and give ``None`` where no valid URL can be made (a host that is neither a
  domain name nor an IP address); :func:`request_target` escapes what an HTTP
  request line may not hold.
* **Local paths**: :func:`relative_path` turns a source without a scheme into
  the file path it names, refusing what cannot be a path inside a folder.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from functools import lru_cache
from typing import Final, TypeAlias

__all__ = [
    "HREF_PATTERN",
    "HTTP_URL_PATTERN",
    "SRC_PATTERN",
    "IPAddress",
    "ascii_host",
    "escape",
    "first_unsafe",
    "http_url",
    "ip_literal",
    "is_localhost",
    "mailto_url",
    "relative_path",
    "request_target",
    "scheme",
    "valid_host",
]

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
"""An IPv4 or IPv6 address, as :func:`ipaddress.ip_address` returns it."""

# --- the format's patterns -------------------------------------------------------------

_SCHEME_SYNTAX = "[a-zA-Z][a-zA-Z0-9+.\\-]*"
_URL_CHAR = '[^\\x00-\\x20\\x7f-\\x9f\\ud800-\\udfff\\ufffe\\uffff"<>\\\\^`{|}]'
_HOST_CHAR = '[^\\x00-\\x20\\x7f-\\x9f/?#:\\ud800-\\udfff\\ufffe\\uffff"<>\\\\^`{|}]'
_HTTP = f"[hH][tT][tT][pP][sS]?://{_HOST_CHAR}{_URL_CHAR}*"
_NO_SCHEME = f"(?!{_SCHEME_SYNTAX}:){_URL_CHAR}+"

#: A link target: http(s) with a host, mailto, or a URL without a scheme
#: (relative, ``/absolute``, ``//host`` or ``#fragment``).
HREF_PATTERN: Final = f"^(?:{_HTTP}|[mM][aA][iI][lL][tT][oO]:{_URL_CHAR}+|{_NO_SCHEME})$"
#: An absolute http(s) URL with a host.
HTTP_URL_PATTERN: Final = f"^{_HTTP}$"
#: An image source: http(s), a ``data:`` URI or a URL without a scheme (a path).
SRC_PATTERN: Final = f"^(?:{_HTTP}|[dD][aA][tT][aA]:{_URL_CHAR}+|{_NO_SCHEME})$"

_SCHEME = re.compile(f"({_SCHEME_SYNTAX}):")
#: White space, C0 and C1 controls, DEL and lone surrogates: browsers strip some
#: of these, so a URL holding one is read differently by us and by them.
_UNSAFE = re.compile("[\\x00-\\x20\\x7f-\\x9f\\ud800-\\udfff]")


def scheme(url: str) -> str | None:
    """The scheme of *url*, lower-cased (``"https"``, ``"mailto"``), or ``None`` if it has none."""
    found = _SCHEME.match(url)
    return None if found is None else found.group(1).lower()


def first_unsafe(url: str) -> int | None:
    """The index of the first white space or control character in *url*, or ``None``."""
    found = _UNSAFE.search(url)
    return None if found is None else found.start()


# --- hosts ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def ascii_host(host: str) -> str | None:
    """*host* as the ASCII name DNS is asked for (``bücher.example`` → ``xn--bcher-kva.example``).

    UTS 46 maps the name (case, full-width forms, ``ß`` kept as IDNA 2008 says);
    IDNA 2008 then refuses what no domain name may hold: code points it
    disallows, ``_``, hyphens at either end of a label, joiners out of
    context, labels that break the bidi rule (RFC 5893), empty labels and
    labels over 63 octets. Plain ASCII names skip IDNA's rule against ``--`` in
    the 3rd and 4th places.

    Returns:
        The lower-case ASCII name (a trailing dot kept), or ``None`` if *host*
        is not a domain name.
    """
    if _PLAIN_NAME.fullmatch(host) and "xn--" not in host.lower():
        # IDNA 2008 reserves "--" in the 3rd and 4th places for A-labels; browsers
        # (WHATWG URL, CheckHyphens=false) accept it in plain ASCII names, and real
        # hosts use it (r4---sn-abc.googlevideo.com).
        return host.lower()
    # idna's tables are loaded when a host is first checked, not with the package.
    import idna

    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


#: A host name of ASCII letters, digits and inner hyphens, labels of 1-63 characters.
_PLAIN_NAME = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?"
)
_IPV4_NUMBER = re.compile("0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
_ENDS_IN_NUMBER = re.compile("[0-9]+|0[xX][0-9a-fA-F]*")


def _labels(host: str) -> list[str]:
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()
    return labels


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address in a host such as ``127.0.0.1``, ``2130706433`` or ``0177.0.0.1``.

    Browsers (the WHATWG URL standard) and ``inet_aton`` read these as addresses,
    not names: one to four numbers, each decimal, octal (leading ``0``) or
    hexadecimal (``0x``), the last filling the bytes the others leave.
    """
    parts = _labels(host)
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


def ip_literal(host: str) -> IPAddress | None:
    """The IP address *host* spells, or ``None`` if it is a name.

    Args:
        host: A URL's host: ``[::1]`` or ``::1``, ``127.0.0.1``, or one of the
            numeric IPv4 forms browsers read as an address (``2130706433``,
            ``0x7f.1``, ``0177.0.0.1``).
    """
    text = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return _numeric_ipv4(host)


def is_localhost(host: str) -> bool:
    """Whether *host* is ``localhost`` or a name below it, which always mean loopback (RFC 6761)."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


@lru_cache(maxsize=256)
def valid_host(host: str) -> bool:
    """Whether *host* is an IP address or a domain name IDNA 2008 (after UTS 46) accepts.

    A host whose last label is a number (``1.2.3.4``, ``0x7f.1``, ``999.1.1.1``)
    is an IPv4 address or nothing, as the WHATWG URL standard reads it.
    """
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if _ENDS_IN_NUMBER.fullmatch(_labels(host)[-1]):
        return _numeric_ipv4(host) is not None
    return ascii_host(host) is not None


# --- escaping ----------------------------------------------------------------------------


def _url_code_point(char: str) -> bool:
    """Whether *char* may appear unescaped in a URL (WHATWG "URL code points")."""
    point = ord(char)
    if point < 0x80:
        return char.isalnum() or char in "!$&'()*+,-./:;=?@_~"
    if 0xD800 <= point <= 0xDFFF or 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE:
        return False
    return point >= 0xA0


#: Text :func:`escape` leaves as it is: ASCII URL code points and valid ``%XX`` escapes.
_UNESCAPED = re.compile(r"(?:[A-Za-z0-9!$&'()*+,\-./:;=?@_~]|%[0-9A-Fa-f]{2})*")


def escape(text: str, keep: str = "") -> str:
    """Percent-encode what may not appear in a URL, keeping valid ``%XX`` escapes."""
    if _UNESCAPED.fullmatch(text):  # most links: one match instead of a step per character
        return text
    return _escape_each(text, keep)


def _escape_each(text: str, keep: str) -> str:
    """:func:`escape`, a character at a time."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%" and re.fullmatch("[0-9A-Fa-f]{2}", text[index + 1 : index + 3]):
            out.append(text[index : index + 3])
            index += 3
            continue
        if _url_code_point(char) or char in keep:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
        index += 1
    return "".join(out)


#: An http(s) URL that :func:`http_url` gives back as it is when its host is valid: a
#: lower-case scheme, a host of letters, digits, dots and hyphens (no user name, no
#: port), and a path, query and fragment with nothing to percent-encode.
_PLAIN_HTTP_URL = re.compile(
    r"https?://(?P<host>[A-Za-z0-9.\-]+)"
    r"(?:/(?:[A-Za-z0-9!$&'()*+,\-./:;=@_~]|%[0-9A-Fa-f]{2})*)?"
    r"(?:\?(?:[A-Za-z0-9!$&'()*+,\-./:;=?@_~]|%[0-9A-Fa-f]{2})*)?"
    r"(?:#(?:[A-Za-z0-9!$&'()*+,\-./:;=?@_~]|%[0-9A-Fa-f]{2})*)?"
)


def http_url(url: str) -> str | None:
    """*url* as a valid absolute http(s) URL, or ``None`` if it cannot be one."""
    plain = _PLAIN_HTTP_URL.fullmatch(url)
    if plain is not None:  # most links: one match instead of splitting and re-escaping
        return url if valid_host(plain.group("host")) else None
    return _parsed_http_url(url)


def _parsed_http_url(url: str) -> str | None:
    """:func:`http_url`, splitting the URL and escaping each part."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    host = hostport
    if not host.endswith("]") and ":" in host:
        host = host.rsplit(":", 1)[0]
    if not host or not valid_host(host):
        return None
    netloc = f"{escape(userinfo, keep=':')}@{hostport}" if userinfo else hostport
    rest = escape(parts.path)
    if parts.query or url.split("#", 1)[0].endswith("?"):
        rest += "?" + escape(parts.query)
    if parts.fragment or url.endswith("#"):
        rest += "#" + escape(parts.fragment)
    return f"{parts.scheme}://{netloc}{rest}"


def mailto_url(url: str) -> str | None:
    """*url* as a valid ``mailto:`` URL, or ``None`` unless it names e-mail addresses."""
    body, hash_mark, fragment = url[7:].partition("#")
    addresses, question_mark, query = body.partition("?")
    for address in urllib.parse.unquote(addresses).split(","):
        local, at, domain = address.strip().rpartition("@")
        if not (local and at and valid_host(domain)):
            return None
    escaped = f"{escape(addresses)}{question_mark}{escape(query)}"
    return f"{url[:7]}{escaped}{hash_mark}{escape(fragment)}"


#: What may stay unescaped in a request path or query (RFC 3986 pchar, plus "/"
#: and "?"); "%" stays so that escapes already in the URL are kept as they are.
_REQUEST_SAFE: Final = "/?:@!$&'()*+,;=-._~%"


def request_target(path: str, query: str) -> str:
    """The path and query of an HTTP request line, escaped (``/`` for an empty path)."""
    target = urllib.parse.quote(path or "/", safe=_REQUEST_SAFE)
    if query:
        target += "?" + urllib.parse.quote(query, safe=_REQUEST_SAFE)
    return target


# --- local paths -------------------------------------------------------------------------


def relative_path(url: str) -> str:
    """The file path a URL without a scheme names, percent-decoded, query and fragment dropped.

    Raises:
        ValueError: If it cannot name a file inside a folder: a ``//host``
            reference, an empty or absolute path, a backslash, a NUL, or
            percent-escapes that are not UTF-8. The message says which.
    """
    if url.startswith("//"):
        raise ValueError("a //host/ reference is not a local path (use an http(s) URL)")
    path = url.split("#", 1)[0].split("?", 1)[0]
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise ValueError("its percent-escapes are not UTF-8") from None
    if not decoded:
        raise ValueError("the path is empty")
    if decoded.startswith("/"):
        raise ValueError(
            "absolute paths are not allowed; use a path relative to the article's folder"
        )
    if "\\" in decoded:
        raise ValueError("backslashes are not allowed in paths; use /")
    if "\x00" in decoded:
        raise ValueError("the path contains a NUL character")
    return decoded
