"""URL rules: schemes, hosts (IDNA 2008 through idna), IP literals, escaping and local paths."""

from __future__ import annotations

import ipaddress
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import messenger_content as mc
from messenger_content import urls

# --- hosts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "example.org",
        "EXAMPLE.org",  # UTS 46 maps case
        "example.org.",  # a fully qualified name
        "bücher.example",
        "xn--bcher-kva.example",
        "faß.de",  # IDNA 2008 keeps ß (non-transitional), where IDNA 2003 mapped it to "ss"
        "\uff45xample.org",  # full-width e, which UTS 46 maps to "e"
        "אב.example",  # a right-to-left label next to a left-to-right one (RFC 5893)
        "مثال.إختبار",
        "a-b.example",
        "r4---sn-abc.googlevideo.com",  # "--" in a plain ASCII label, as browsers accept
        "127.0.0.1",
        "0x7f.1",  # WHATWG reads it as 127.0.0.1
        "2130706433",
        "[::1]",
        "[2001:db8::1]",
    ],
)
def test_valid_hosts(host: str) -> None:
    """Domain names IDNA 2008 accepts (after UTS 46 mapping) and IP addresses are valid hosts."""
    assert urls.valid_host(host)


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("", "empty"),
        ("a..b", "empty label"),
        ("example.org..", "empty last label"),
        ("a_b.example", "_ is not a code point IDNA 2008 allows"),
        ("-a.example", "a label may not start with a hyphen"),
        ("a-.example", "or end with one"),
        ("xn--ab--c.example", "an A-label whose Punycode does not decode"),
        ("xn--zz.example", "an A-label that decodes to nothing valid"),
        ("a\u200db.example", "a zero width joiner out of context (RFC 5892 CONTEXTJ)"),
        ("١٢٣.example", "a label starting with Arabic-Indic digits breaks the bidi rule"),
        ("a\u05d0.example", "a left-to-right label may not hold a right-to-left letter"),
        ("x" * 64 + ".example", "a label over 63 octets"),
        ("a b.example", "white space"),
        ("999.1.1.1", "ends in a number, so it must be an IPv4 address, and is not one"),
        ("1.2.3.4.5", "five numbers are no IPv4 address"),
        ("08.1", "08 is no octal number"),
        ("[::1", "an unclosed IPv6 literal"),
        ("[127.0.0.1]", "brackets hold IPv6 only"),
    ],
)
def test_invalid_hosts(host: str, why: str) -> None:
    """Hosts that are neither a domain name by IDNA 2008 nor an IP address are refused."""
    assert not urls.valid_host(host), why


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Example.ORG", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example", "xn--bcher-kva.example"),
        ("faß.de", "xn--fa-hia.de"),
        ("example.org.", "example.org."),
        ("a_b.example", None),
        ("", None),
    ],
)
def test_ascii_host(host: str, expected: str | None) -> None:
    """A host name becomes the ASCII name DNS is asked for, or None if it is none."""
    assert urls.ascii_host(host) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("169.254.169.254.", "169.254.169.254"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.org", None),
        ("256.0.0.1", None),
        ("0x100000000", None),
    ],
)
def test_ip_literal(host: str, expected: str | None) -> None:
    """Every spelling of an IP address a browser reads is read as that address."""
    found = urls.ip_literal(host)
    assert found == (None if expected is None else ipaddress.ip_address(expected))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("a.localhost", True),
        ("localhost.example", False),
    ],
)
def test_is_localhost(host: str, expected: bool) -> None:
    """The name localhost and the names below it mean loopback (RFC 6761); others do not."""
    assert urls.is_localhost(host) is expected


# --- schemes and the format's patterns ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/", "https"),
        ("HTTP://example.org/", "http"),
        ("MailTo:a@example.org", "mailto"),
        ("web+app.x-1:thing", "web+app.x-1"),
        ("data:,x", "data"),
        ("photo.png", None),
        ("./c:/photo.png", None),
        ("#top", None),
        ("1http://example.org/", None),
    ],
)
def test_scheme(url: str, expected: str | None) -> None:
    """A URL's scheme is read as browsers read it, lower-cased; a relative URL has none."""
    assert urls.scheme(url) == expected


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("url", "https://example.org/\n"),
        ("url", "https://example.org/ x"),
        ("url", "java\tscript:alert(1)"),
    ],
)
def test_loader_matches_whole_urls(key: str, value: str) -> None:
    """A URL is checked whole: a trailing newline does not slip past the end of the pattern."""
    with pytest.raises(mc.ContentError, match=key):
        mc.loads(json.dumps({"headline": "x", "body": [], key: value}))


@pytest.mark.parametrize(
    ("url", "expected"),
    [("a b", 1), ("a\u0085b", 1), ("\ud800", 0), ("https://example.org/", None)],
)
def test_first_unsafe(url: str, expected: int | None) -> None:
    """White space, controls and lone surrogates are found where they are."""
    assert urls.first_unsafe(url) == expected


# --- escaping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2#d", "https://example.org/a?b=1&c=2#d"),
        ("https://example.org/caf\u00e9 x", "https://example.org/caf\u00e9%20x"),  # URL code point
        ("https://example.org/%41%zz", "https://example.org/%41%25zz"),
        ("https://bücher.example/", "https://bücher.example/"),
        ("https://u:p w@example.org/", "https://u:p%20w@example.org/"),
        ("https://a_b.example/", None),
        ("https://999.1.1.1/", None),
        ("https://example.org:x/", None),
        ("ftp://example.org/", None),
    ],
)
def test_http_url(url: str, expected: str | None) -> None:
    """An http(s) link is percent-encoded where needed, or None when its host is not valid."""
    assert urls.http_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mailto:desk@example.org", "mailto:desk@example.org"),
        (
            "mailto:a@example.org,b@bücher.example?subject=hi there",
            "mailto:a@example.org,b@bücher.example?subject=hi%20there",
        ),
        ("mailto:a@example.org?subject=hi there", "mailto:a@example.org?subject=hi%20there"),
        ("mailto:desk", None),
        ("mailto:a@a_b.example", None),
    ],
)
def test_mailto_url(url: str, expected: str | None) -> None:
    """A mailto link keeps its addresses if every one has a valid domain, else it is None."""
    assert urls.mailto_url(url) == expected


def test_request_target() -> None:
    """A request line gets its path and query escaped, existing escapes kept, / if empty."""
    assert urls.request_target("", "") == "/"
    assert urls.request_target("/a b/%41", "q=é&r") == "/a%20b/%41?q=%C3%A9&r"


_URL_STARTS = ["", "http://", "https://", "HTTPS://", "https://example.org", "http://a_b.example"]
_URL_HOSTS = ["", "example.org", "a.example:80", "127.0.0.1", "[::1]", "u:p@a.example:80"]
_URL_PIECES = [*"/?#%:@[]-._~'( \u00e9\ufdd0", "%41", "%zz", "a", "80", "//"]


@given(
    st.tuples(
        st.sampled_from(_URL_STARTS),
        st.sampled_from(_URL_HOSTS),
        st.lists(st.sampled_from(_URL_PIECES), max_size=10).map("".join),
    ).map("".join)
)
@example("https://example.org/a b?c d#e f")
@example("https://example.org/%41%zz?%4#%")
@example("https://example.org/%4")
@example("https://example.org/p?q?r#s?t#u")
@example("https://example.org:80/")
@example("https://u@example.org/")
@example("https://a_b.example/")
@example("HTTPS://example.org/")
@example("https://xn--bcher-kva.example/\u00e9")
@example("https://999.1.1.1/")
@settings(max_examples=300)  # the 50 of the "ci" profile miss broken shortcuts
def test_url_shortcuts_agree_with_the_full_parse(url: str) -> None:
    """The shortcuts for plain links give what splitting and escaping each character gives."""
    assert urls.escape(url) == urls._escape_each(url, "")
    assert urls.http_url(url) == urls._parsed_http_url(url)


# --- local paths ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("photo.png", "photo.png"),
        ("my%20photo.png?v=2#x", "my photo.png"),
        ("a/%C3%A9.png", "a/\u00e9.png"),
        ("%2e%2e/up.png", "../up.png"),  # decoded; the policy refuses it as outside the folder
    ],
)
def test_relative_path(url: str, expected: str) -> None:
    """A URL without a scheme names the percent-decoded path, without query or fragment."""
    assert urls.relative_path(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("//host/a.png", "//host/"),
        ("?v=1", "empty"),
        ("/etc/passwd", "absolute"),
        ("%2Fetc/passwd", "absolute"),
        ("a\\b.png", "backslashes"),
        ("a%00.png", "NUL"),
        ("%FF.png", "UTF-8"),
    ],
)
def test_relative_path_refusals(url: str, reason: str) -> None:
    """What cannot name a file inside a folder is refused, saying why."""
    with pytest.raises(ValueError, match=reason):
        urls.relative_path(url)
