"""Every rule about URLs in one place: schemes, hosts and escaping.

A reading system (and EPUBCheck) wants URLs a WHATWG parser accepts. The
format accepts any link without white space or control characters, so links
are percent-encoded where that keeps their meaning, and dropped (their text
stays) where no valid URL can be made: a host that is not a domain name or an
IP address.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

__all__ = ["escape", "http_url", "mailto_url", "valid_host"]


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


_LDH = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE | re.ASCII)
_RTL_CLASSES = frozenset({"R", "AL", "AN"})


def _valid_label(label: str) -> bool:
    if not label or not all(
        char == "-" or unicodedata.category(char)[0] in "LM" or unicodedata.category(char) == "Nd"
        for char in label
    ):
        return False
    try:
        ascii_label = label.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return _LDH.fullmatch(ascii_label) is not None


def _bidi_label(label: str, *, bidi_domain: bool) -> bool:
    """RFC 5893's Bidi rule, which IDNA validators apply to domains with right-to-left labels."""
    classes = [unicodedata.bidirectional(char) for char in label]
    core = classes
    while core and core[-1] == "NSM":
        core = core[:-1]
    if not core:
        return False
    if classes[0] in ("R", "AL"):
        allowed = {"R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"}
        return (
            set(classes) <= allowed
            and core[-1] in ("R", "AL", "EN", "AN")
            and not ({"EN", "AN"} <= set(classes))
        )
    if not bidi_domain:
        return not (set(classes) & _RTL_CLASSES)
    allowed = {"L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"}
    return classes[0] == "L" and set(classes) <= allowed and core[-1] in ("L", "EN")


@lru_cache(maxsize=256)
def valid_host(host: str) -> bool:
    """Whether *host* is an IP address or a domain name an IDNA (UTS 46) validator accepts."""
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return True
    labels = host[:-1].split(".") if host.endswith(".") else host.split(".")
    if not all(_valid_label(label) for label in labels):
        return False
    bidi_domain = any(
        unicodedata.bidirectional(char) in _RTL_CLASSES for label in labels for char in label
    )
    return all(_bidi_label(label, bidi_domain=bidi_domain) for label in labels)


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
        parts = urlsplit(url)
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
    for address in unquote(addresses).split(","):
        local, at, domain = address.strip().rpartition("@")
        if not (local and at and valid_host(domain)):
            return None
    escaped = f"{escape(addresses)}{question_mark}{escape(query)}"
    return f"{url[:7]}{escaped}{hash_mark}{escape(fragment)}"
