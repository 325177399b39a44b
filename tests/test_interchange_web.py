"""A saved web page read into an article: real news pages, hostile pages, and fetching by URL."""

from __future__ import annotations

import http.server
import ipaddress
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import attrs
import lxml.html
import pytest

import messenger_content as mc
from messenger_content import resources
from messenger_content.interchange import from_html, load_page
from messenger_content.interchange.html_blocks import blocks_to_text
from tests.helpers.hostile import (
    assert_safe_epub,
    assert_safe_html,
    assert_safe_markdown,
    assert_safe_pdf,
    assert_safe_text,
    hostile_markup,
)

pytest.importorskip("trafilatura", reason="needs messenger-content[web]")

PAGES = Path(__file__).parent / "data" / "web"


@attrs.frozen(kw_only=True)
class Page:
    """A saved page and what a reader sees in it, copied by hand from the page."""

    file: str
    headline: str
    authors: tuple[str, ...]
    published: str
    language: str
    lead_image: str
    first: str
    last: str
    absent: tuple[str, ...]


REAL_PAGES = [
    Page(
        file="salon.com.emissions.html",
        headline="Despite everything, U.S. emissions dipped in 2019",
        authors=("Nathanael Johnson",),
        published="2020-01-10T09:00:04+00:00",
        language="en",
        lead_image="https://mediaproxy.salon.com/width/1200/height/675/https://media.salon.com/2018/08/la-traffic.jpg",
        first="Just a week into the new year, and the first estimate of how much planet-cooking"
        " pollution the United States belched into the atmosphere last year is already in.",
        last="You can see that in coal\u2019s continued slide, as well as in the status quo in"
        " emissions from factories, cars, and buildings.",
        absent=("Related Articles", "DMCA Policy", "Go Ad Free", "Economy & Innovation"),
    ),
    Page(
        file="threatpost.com.android.html",
        headline="Android Ransomware Spreads Via \u2018Sex Simulation Game\u2019 Links on"
        " Reddit, SMS",
        authors=("Lindsey O'Donnell",),
        published="2019-07-30T13:16:29-04:00",
        language="en",
        lead_image="https://media.threatpost.com/wp-content/uploads/sites/103/2019/05/08101104/android_api.png",
        first="Researchers are warning of a new Android ransomware being spread via links in"
        " online forums and SMS messages.",
        last="Researchers have also spotted a mobile surveillance-ware remote access trojan for"
        " Android called Monokle, using novel techniques to exfiltrate data.",
        absent=(
            "Subscribe to our Threatpost Today newsletter",
            "InfoSec Insider",
            "Write a comment",
        ),
    ),
    Page(
        file="theverge.com.ios13.html",
        headline="iOS 13 will fix the FaceTime eye contact problem",
        authors=("Jon Porter",),
        published="2019-07-03T04:22:07-04:00",
        language="en",  # the page declares none: assumed, with a warning
        lead_image="https://cdn.vox-cdn.com/thumbor/qoM6Yn6-xD5-1CbFp4kDfFUCwMc=/1400x1400/filters:format(jpeg)/cdn.vox-cdn.com/uploads/chorus_asset/file/13721811/DSCF2931.jpg",
        first="iOS 13\u2019s third developer beta includes a new feature that makes it look like"
        " you\u2019re staring directly at your front-facing camera during FaceTime calls",
        last="Update July 3rd, 8:05AM ET: Added ARKit explanation and tweet.",
        absent=("Sign up for the newsletter", "Next Up In Tech", "Communications Preferences"),
    ),
    Page(
        file="phys.org.tool.html",
        headline="Flint flake tool partially covered by birch tar adds to evidence of"
        " Neanderthal complex thinking",
        authors=("Bob Yirka",),
        published="2019-10-22T09:30:34-04:00",
        language="en",  # the page declares none: assumed, with a warning
        lead_image="https://scx2.b-cdn.net/gfx/news/hires/2016/neanderthal.png",
        first="A team of researchers affiliated with several institutions in The Netherlands"
        " has found evidence in small a cutting tool of Neanderthals using birch tar.",
        last="Most such examples would have decayed long ago—the tool found by the researchers"
        " survived only because it was at the bottom of the North Sea for most of its existence.",
        absent=(
            "Related Stories",
            "Neanderthal tool-making process may have been simpler than previously thought",
            "Forget Password?",
        ),
    ),
    Page(
        file="futurezone.at.lyft.html",
        headline="Uber-Konkurrent Lyft startet mit Waymo-Robotertaxis in USA",
        authors=("futurezone.at",),  # the JSON-LD author is the Organization
        published="2019-05-08T05:30:23+00:00",
        language="de",
        lead_image="https://image.futurezone.at/images/cfs_landscape_1232w_693h/3463759/46-134004200.jpg",
        first="Bereits in den kommenden Monaten will der Uber-Konkurrent mit zehn Fahrzeugen"
        " vom Google-Tochterunternehmen unterwegs sein.",
        last="Die Aktie verlor im nachbörslichen Handel nach anfänglichen Zuwächsen zeitweise"
        " rund vier Prozent.",
        absent=("Datenschutzrichtlinie", "Werben auf futurezone.at", "Zur Startseite"),
    ),
    Page(
        file="computerbase.de.htc.html",
        headline="HTC Touch: Bald bei o2 als „Xda Nova“",
        authors=("Christoph Becker",),
        published="2007-06-19T09:40:00+02:00",
        language="de",
        lead_image="https://www.computerbase.de/img/logo-opengraph.png",
        first="Vor knapp zwei Wochen stellten Microsoft und HTC mit dem „HTC Touch“ getauften"
        " Smartphone erstmals die eigene Antwort auf Apples iPhone vor.",
        last="Alle weiteren Details zu den technischen Leistungsdaten des HTC Touch gibt es in"
        " der dazugehörigen Vorstellungs-News.",
        absent=("Telekom StreamOn", "Redakteur/in werden", "Teilen auf Facebook"),
    ),
]


def _read(page: Page) -> tuple[mc.Article, tuple[mc.Problem, ...]]:
    return from_html((PAGES / page.file).read_bytes())


def _text(article: mc.Article) -> str:
    return blocks_to_text(article.body)


def test_five_news_sites_or_more() -> None:
    """The saved pages come from at least five different news sites, each with a licence note."""
    sites = {page.file.split(".")[0] for page in REAL_PAGES}
    assert len(sites) >= 5
    notes = (PAGES / "LICENSES.md").read_text(encoding="utf-8")
    for page in REAL_PAGES:
        assert page.file in notes


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda page: page.file)
def test_metadata_is_the_pages_jsonld(page: Page) -> None:
    """Headline, authors, date, language and lead image are those the page's JSON-LD gives."""
    article, _ = _read(page)
    assert article.headline == page.headline
    assert tuple(author.name for author in article.authors) == page.authors
    assert article.published == datetime.fromisoformat(page.published)
    assert article.language == page.language
    assert article.lead_image is not None
    assert article.lead_image.src == page.lead_image


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda page: page.file)
def test_body_holds_the_story_and_not_the_page_furniture(page: Page) -> None:
    """The body's first and last paragraphs are there; navigation and promotions are not."""
    article, warnings = _read(page)
    assert any("left out as page furniture" in w.message for w in warnings)
    text = _text(article)
    assert page.first in text
    assert page.last in text
    whole_page = " ".join(lxml.html.fromstring((PAGES / page.file).read_bytes()).itertext())
    whole_page = " ".join(whole_page.split())
    for boilerplate in page.absent:
        assert boilerplate not in text
        assert boilerplate in whole_page  # it was on the page


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda page: page.file)
def test_body_images_and_links_are_absolute(page: Page) -> None:
    """Every image and link of the body is an absolute http(s) URL, resolved against the page."""
    article, _ = _read(page)
    data = json.loads(mc.dumps(article))
    targets = [value for key, value in _pairs(data["body"]) if key in ("src", "href")]
    assert all(target.startswith(("https://", "http://")) for target in targets), targets


def _pairs(value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                yield key, item
            else:
                yield from _pairs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _pairs(item)


def test_entities_in_jsonld_are_decoded() -> None:
    """WordPress's character references in JSON-LD (&#8216;, &#039;) become the characters."""
    article, _ = from_html((PAGES / "threatpost.com.android.html").read_bytes())
    assert "&#" not in article.headline
    assert article.authors[0].name == "Lindsey O'Donnell"


def test_a_page_without_a_language_says_so() -> None:
    """No <html lang>, JSON-LD inLanguage or og:locale: English, and a warning."""
    _, warnings = from_html((PAGES / "theverge.com.ios13.html").read_bytes())
    assert any(w.path == "language" and "en assumed" in w.message for w in warnings)


def _page(body: str, head: str = "", lang: str = "en") -> str:
    paragraph = (
        "<p>The council met on Tuesday evening to discuss the new bus timetable, which"
        " residents say leaves the northern villages without a service after nine.</p>"
    )
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><title>Night buses return | Gazette</title>"
        f"{head}</head><body><nav><a href='/'>Home</a><a href='/news'>News</a></nav>"
        f"<article><h1>Night buses return</h1>{paragraph}{body}{paragraph * 3}</article>"
        "<footer>Copyright Gazette</footer></body></html>"
    )


def test_broken_jsonld_is_a_warning_and_the_page_still_reads() -> None:
    """A JSON-LD block that does not parse is named in a warning; <title> and meta fill in."""
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="Night buses return">'
        '<meta name="author" content="Ana Lopes">'
        '<meta property="article:published_time" content="2024-03-01T10:00:00+01:00">'
    )
    article, warnings = from_html(_page("", head))
    assert article.headline == "Night buses return"
    assert [a.name for a in article.authors] == ["Ana Lopes"]
    assert article.published == datetime.fromisoformat("2024-03-01T10:00:00+01:00")
    assert any(w.path == "jsonld[0]" and "not valid JSON" in w.message for w in warnings)
    assert "northern villages" in _text(article)


def test_the_news_article_node_is_picked() -> None:
    """Among several JSON-LD blocks and article nodes, the NewsArticle gives the metadata."""
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Gazette"},
            {"@type": "Article", "headline": "Site guide", "author": "Nobody"},
            {
                "@type": "NewsArticle",
                "headline": "Night buses return",
                "author": {"@id": "#ana"},
                "datePublished": "2024-03-01T10:00:00Z",
                "inLanguage": "pt-PT",
            },
            {"@id": "#ana", "@type": "Person", "name": "Ana Lopes"},
        ],
    }
    head = (
        '<script type="application/ld+json">{"@type": "BreadcrumbList"}</script>'
        f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    )
    article, _ = from_html(_page("", head))
    assert article.headline == "Night buses return"
    assert [a.name for a in article.authors] == ["Ana Lopes"]
    assert article.language == "pt-PT"


def test_an_article_nested_in_a_web_page_node_is_found() -> None:
    """A NewsArticle inside a WebPage's mainEntity, its author named by @id, gives the metadata."""
    page = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "mainEntity": {
            "@type": "NewsArticle",
            "headline": "Night buses return",
            "author": {"@id": "#ana"},
            "datePublished": "2024-03-01T10:00:00Z",
        },
    }
    person = {"@id": "#ana", "@type": "Person", "name": "Ana Lopes"}
    head = f'<script type="application/ld+json">{json.dumps([page, person])}</script>'
    article, _ = from_html(_page("", head))
    assert article.headline == "Night buses return"
    assert [a.name for a in article.authors] == ["Ana Lopes"]
    assert article.published == datetime.fromisoformat("2024-03-01T10:00:00+00:00")


@pytest.mark.parametrize(
    ("url", "head", "expected"),
    [
        ("https://gazette.example/news/2024/buses", "", "https://gazette.example/img/bus.jpg"),
        (None, '<base href="https://cdn.example/a/">', "https://cdn.example/img/bus.jpg"),
        (
            None,
            '<link rel="canonical" href="https://gazette.example/news/buses">',
            "https://gazette.example/img/bus.jpg",
        ),
    ],
    ids=["url", "base", "canonical"],
)
def test_relative_urls_resolve_against_the_page(url: str | None, head: str, expected: str) -> None:
    """Relative images and links resolve against url, else <base href>, else the canonical link."""
    body = (
        "<figure><img src='../../img/bus.jpg' alt='A night bus'>"
        "<figcaption>The 23 at the depot.</figcaption></figure>"
        "<p>The timetable is <a href='../../timetable'>on the council site</a> now.</p>"
    )
    article, _ = from_html(_page(body, head), url=url)
    images = [block for block in article.body if isinstance(block, mc.Image)]
    assert [image.src for image in images] == [expected]
    links = [value for key, value in _pairs(json.loads(mc.dumps(article))["body"]) if key == "href"]
    assert links == [expected.replace("img/bus.jpg", "timetable")]


def test_og_image_is_the_lead_image_without_jsonld() -> None:
    """Without JSON-LD the lead image is og:image, resolved against the page."""
    head = '<meta property="og:image" content="/img/lead.jpg">'
    article, _ = from_html(_page("", head), url="https://gazette.example/news/buses")
    assert article.lead_image is not None
    assert article.lead_image.src == "https://gazette.example/img/lead.jpg"


def test_bytes_are_decoded_by_the_declared_charset() -> None:
    """Bytes in windows-1252 declared by <meta charset> read right; a UTF-8 BOM wins."""
    markup = _page("<p>Caf\u00e9 owners \u2014 and their customers \u2014 are pleased.</p>")
    declared = markup.replace("<head>", "<head><meta charset='iso-8859-1'>")
    article, _ = from_html(declared.encode("cp1252"))
    assert "Caf\u00e9 owners \u2014 and" in _text(article)
    article, _ = from_html(b"\xef\xbb\xbf" + markup.encode("utf-8"))
    assert "Caf\u00e9 owners \u2014 and" in _text(article)


def test_undeclared_bytes_that_are_not_utf8_are_read_as_windows_1252() -> None:
    """No charset and no valid UTF-8: windows-1252, as browsers read it, with a warning."""
    markup = _page("<p>Caf\u00e9 owners are pleased with the new service.</p>")
    article, warnings = from_html(markup.encode("cp1252"))
    assert "Caf\u00e9 owners" in _text(article)
    assert any(w.path == "charset" for w in warnings)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"<meta charset=rot13><title>Caf\xc3\xa9</title>", "not a text encoding"),
        (b"<meta charset=utf-16><title>Caf\xc3\xa9</title>", "UTF-16 in an ASCII <meta>"),
        (b"<meta charset=utf-7><title>Caf\xc3\xa9</title>", "UTF-7, which browsers refuse"),
        (
            b"<?xml version='1.0' encoding='iso-8859-1'?><html><title>Caf\xc3\xa9</title>",
            "an XML declaration",
        ),
    ],
    ids=["rot13", "utf-16", "utf-7", "xml-declaration"],
)
def test_odd_charsets_fall_back_to_utf8(data: bytes, why: str) -> None:
    """Declared charsets a browser would not use for these bytes are read as UTF-8."""
    article, _ = from_html(data + b"<p>" + b"The night bus runs again. " * 20 + b"</p>")
    assert article.headline == "Caf\u00e9", why


def test_a_page_trafilatura_finds_nothing_in_is_read_whole() -> None:
    """No main text found (a photo page): the page's body is the body, with a warning."""
    article, warnings = from_html(
        "<title>Photo</title><figure><img src='a.png' alt='A bus'><figcaption>The 23"
        "</figcaption></figure><script>x()</script>"
    )
    assert article.body == (mc.Image(src="a.png", alt="A bus", caption="The 23"),)
    assert any("whole page is the body" in w.message for w in warnings)
    assert any("<script> dropped" in w.message for w in warnings)


def test_a_page_without_a_headline_is_a_content_error() -> None:
    """No JSON-LD, <title> or og:title: a ValidationError, not a traceback."""
    with pytest.raises(mc.ValidationError, match="headline"):
        from_html("<html><body><p>Just some text.</p></body></html>")
    with pytest.raises(mc.ParseError):
        from_html(b"   ")


# --- hostile pages ----------------------------------------------------------------------


def _hostile_page() -> str:
    markup = "".join(hostile_markup())
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "<script>alert(1)</script> Hostile",
            "author": {"@type": "Person", "name": "<img src=x onerror=alert(1)>"},
            "url": "javascript:alert(1)",
            "image": "javascript:alert(1)",
        }
    )
    head = (
        f'<script type="application/ld+json">{ld}</script>'
        '<meta property="og:image" content="javascript:alert(1)">'
        '<script>alert("head")</script><style>body{background:url(javascript:x)}</style>'
    )
    active = (
        "<iframe src='javascript:alert(1)'></iframe><svg onload='alert(1)'></svg>"
        "<p onclick='alert(1)'>Click <a href='java\tscript:alert(1)'>here</a>.</p>"
        "<object data='x.swf'></object><form action='javascript:x'><input></form>"
    )
    return _page(active + markup, head)


def _without_images(article: mc.Article) -> mc.Article:
    """The article with no image: print and book formats would otherwise fetch them."""
    body = [block for block in article.body if not isinstance(block, mc.Image)]
    return attrs.evolve(article, lead_image=None, body=body, publication=None)


def test_the_hostile_corpus_gives_inert_output_in_every_format() -> None:
    """The hostile HTML corpus in one page: no active content in HTML, text, Markdown, EPUB, PDF."""
    article, warnings = from_html(_hostile_page(), url="https://gazette.example/news/")
    assert warnings
    assert "alert" not in (article.url or "")
    safe = _without_images(article)
    assert_safe_html(mc.to_html(safe), safe, json_ld=True)
    assert_safe_text(mc.to_text(safe))
    assert_safe_markdown(mc.to_markdown(safe), safe)
    assert_safe_epub(mc.to_epub(safe), safe)
    assert_safe_pdf(mc.to_pdf(safe))


@pytest.mark.parametrize("markup", hostile_markup(), ids=lambda m: str(len(m)))
def test_each_hostile_string_as_a_page_is_inert(markup: str) -> None:
    """Each hostile string alone in a page: valid blocks, and HTML without active content."""
    article, _ = from_html(_page(markup), url="https://gazette.example/news/")
    assert mc.loads(mc.dumps(article)) == article
    for image in [b for b in article.body if isinstance(b, mc.Image)]:
        assert image.src.startswith("https://"), image.src
    safe = _without_images(article)
    assert_safe_html(mc.to_html(safe), safe, json_ld=True)


# --- fetching by URL ---------------------------------------------------------------------


class _PageServer(http.server.ThreadingHTTPServer):
    def __init__(self, body: bytes) -> None:
        self.body = body
        self.paths: list[str] = []
        self.accepts: list[str | None] = []
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _PageServer

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.accepts.append(self.headers.get("Accept"))
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_PageServer]:
    """A page server on the loopback interface."""
    running = _PageServer((PAGES / "salon.com.emissions.html").read_bytes())
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()
    thread.join()


def _loopback(address: resources.IPAddress) -> bool:
    return address == ipaddress.ip_address("127.0.0.1")


def test_a_url_is_not_fetched_without_allow_remote(server: _PageServer) -> None:
    """Without allow_remote, load_page refuses and the server sees no request."""
    url = f"http://127.0.0.1:{server.server_port}/story"
    with pytest.raises(mc.ResourceError, match="remote access is allowed"):
        load_page(url, allow_remote=False, address_check=_loopback)
    assert server.paths == []


def test_a_url_is_fetched_with_allow_remote(server: _PageServer) -> None:
    """With allow_remote, the page comes from the (loopback) server and is read."""
    url = f"http://127.0.0.1:{server.server_port}/story"
    article, _ = load_page(url, allow_remote=True, address_check=_loopback)
    assert article.headline == "Despite everything, U.S. emissions dipped in 2019"
    assert server.paths == ["/story"]
    assert server.accepts == ["text/html,application/xhtml+xml"]  # not the image types


def test_loopback_is_refused_by_the_default_address_check(server: _PageServer) -> None:
    """The image policy's address check applies: loopback is not a public address."""
    url = f"http://127.0.0.1:{server.server_port}/story"
    with pytest.raises(mc.ResourceError, match="only public addresses"):
        load_page(url, allow_remote=True)
    assert server.paths == []


def test_the_size_cap_applies(server: _PageServer) -> None:
    """A page over Limits.max_bytes is refused before it is read whole."""
    url = f"http://127.0.0.1:{server.server_port}/story"
    with pytest.raises(mc.ResourceError, match="limit"):
        load_page(
            url, allow_remote=True, address_check=_loopback, limits=resources.Limits(max_bytes=1000)
        )


# --- the optional extra --------------------------------------------------------------------


def _fresh(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return result.stdout.strip()


def test_importing_the_package_does_not_import_trafilatura() -> None:
    """Importing the package and its interchange module leaves trafilatura until a page is read."""
    code = (
        "import sys, messenger_content as mc, messenger_content.interchange\n"
        "before = 'trafilatura' in sys.modules\n"
        "mc.from_html('<title>T</title><p>' + 'Some words here. ' * 30 + '</p>')\n"
        "print(before, 'trafilatura' in sys.modules)\n"
    )
    assert _fresh(code) == "False True"


def test_without_the_extra_the_error_names_it() -> None:
    """Without trafilatura installed, from_html raises ImportError naming messenger-content[web]."""
    code = (
        "import sys\n"
        "sys.modules['trafilatura'] = None  # as if not installed\n"
        "import messenger_content as mc\n"
        "try:\n"
        "    mc.from_html('<title>T</title><p>Text</p>')\n"
        "except ImportError as error:\n"
        "    print(error)\n"
    )
    assert "messenger-content[web]" in _fresh(code)
