"""The hostile corpus: markup, script, dangerous links and image sources, in every format.

``tests/data/hostile/`` holds ``markup-everywhere.json`` (markup, script,
template and Markdown syntax in every text field, suspicious but valid URLs
in every URL field), articles under ``refused/`` that the loader must refuse
(``javascript:``, ``data:``, ``vbscript:`` and ``file:`` links and sources),
and two good images. Attacks through image sources need a folder built
around them (symlinks out of it, a FIFO, decompression bombs, a file over the
size limit, HTTP servers on loopback addresses), so they are made here.

For each case and each format (HTML linked and embedded, plain text,
Markdown, PDF, EPUB) the outcome is a clear :class:`~messenger_content.ContentError`
or a safe rendering, within a time limit; never another exception or a hang.
"Safe" is checked on the output parsed by real parsers: no ``<script>`` (but
the JSON-LD one in HTML, which must parse and hold the text verbatim), no
event-handler attribute, no element or attribute the theme does not write, no
link or source with a scheme other than http(s) and mailto (``data:`` only as
an embedded image); PDF files have no JavaScript or launch actions; Markdown
rendered by a CommonMark parser gives no markup the article did not ask for.

While exporting, an audit hook records every file opened outside the
article's folder (through symlinks too) and every socket connection, and the
HTTP servers count every request: nothing outside the folder is read, and no
request is made that the resource policy does not allow.
"""

from __future__ import annotations

import contextlib
import http.server
import io
import ipaddress
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any
from xml.etree.ElementTree import Element

import attrs
import html5lib
import pytest
import yaml
from lxml import etree  # type: ignore[import-untyped,unused-ignore]
from markdown_it import MarkdownIt
from PIL import Image as PILImage
from pypdf import PdfReader

import messenger_content as mc
from messenger_content import resources
from messenger_content.exporters import epub as epub_module
from messenger_content.exporters import html as html_module
from messenger_content.exporters import pdf as pdf_module
from messenger_content.exporters.epub import to_epub
from messenger_content.exporters.pdf import to_pdf

HOSTILE = Path(__file__).parent / "data" / "hostile"
INDEX: dict[str, Any] = json.loads((HOSTILE / "cases.json").read_text(encoding="utf-8"))
REFUSED: dict[str, dict[str, str]] = INDEX["refused"]
ROOT = Path(__file__).parent.parent

# --- time limits --------------------------------------------------------------------------


class Overrun(BaseException):
    """A test took longer than it was given (a BaseException: no ``except Exception`` hides it)."""


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Fail with :class:`Overrun` if the block runs longer than *seconds* (main thread only)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Overrun(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- what the process touches ---------------------------------------------------------------


@attrs.define
class Watch:
    """Files opened inside *guarded* paths and sockets connected, while a watch is active."""

    guarded: tuple[str, ...]
    """Real paths (folders or files) no export may open."""
    opened: list[str] = attrs.Factory(list)
    connected: list[Any] = attrs.Factory(list)


_watches: list[Watch] = []
_in_hook = threading.local()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """Record ``open`` and ``socket.connect`` events for the active watches (an audit hook)."""
    if not _watches or event not in ("open", "socket.connect"):
        return
    if getattr(_in_hook, "busy", False):
        return
    _in_hook.busy = True
    try:
        for watch in _watches:
            if event == "socket.connect":
                watch.connected.append(args[1])
                continue
            target = args[0]
            if isinstance(target, (str, bytes, os.PathLike)):
                real = os.path.realpath(os.fsdecode(target))
                if any(real == g or real.startswith(g + os.sep) for g in watch.guarded):
                    watch.opened.append(real)
    finally:
        _in_hook.busy = False


_hook_installed = False


@contextlib.contextmanager
def watching(*guarded: Path | str) -> Iterator[Watch]:
    """Record, while the block runs, files opened under *guarded* and every socket connection.

    The audit hook is added once per process (hooks cannot be removed) and does
    nothing while no watch is active.
    """
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)
        _hook_installed = True
    watch = Watch(guarded=tuple(os.path.realpath(p) for p in guarded))
    _watches.append(watch)
    try:
        yield watch
    finally:
        _watches.remove(watch)


# --- HTTP servers that count requests -----------------------------------------------------


class CountingServer(http.server.ThreadingHTTPServer):
    """Serves fixed routes on a loopback address and records every request it gets.

    It stops by itself after :attr:`LIFETIME` seconds, whatever the test does.
    """

    LIFETIME = 120.0
    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, Callable[[_Handler], None]]) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), _Handler)
        self.host = host
        self.routes = routes
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.port: int = self.socket.getsockname()[1]
        self.thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.timer = threading.Timer(self.LIFETIME, self.shutdown)
        self.timer.daemon = True

    def start(self) -> CountingServer:
        """Serve in a thread, with the lifetime timer running."""
        self.thread.start()
        self.timer.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the socket."""
        self.timer.cancel()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)

    def url(self, path: str) -> str:
        """The URL of *path* on this server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{path}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: CountingServer
    timeout = 5

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(self.path)
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


def answer(body: bytes, status: int = 200, location: str | None = None) -> Callable[[Any], None]:
    """A route that answers *status* with *body* (and a Location header for redirects)."""

    def route(handler: _Handler) -> None:
        handler.send_response(status)
        if location is not None:
            handler.send_header("Location", location)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


IPV6 = _ipv6_loopback()


@pytest.fixture
def servers() -> Iterator[dict[str, CountingServer]]:
    """Counting servers holding the good photo: on 127.0.0.1, 127.0.0.2 and ::1 (if any)."""
    photo = (HOSTILE / "photo.png").read_bytes()
    hosts = ["127.0.0.1", "127.0.0.2", *(["::1"] if IPV6 else [])]
    started = {host: CountingServer(host, {"/photo.png": answer(photo)}).start() for host in hosts}
    yield started
    for server in started.values():
        server.stop()


# --- images -------------------------------------------------------------------------------


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid one-bit PNG of *width* x *height* pixels, about 100 KB, that decodes to ~110 MB."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    row = b"\0" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    stream = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000))
    stream += compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")
    )


def gif_claiming(width: int, height: int) -> bytes:
    """A tiny real GIF whose header claims *width* x *height* pixels."""
    buffer = io.BytesIO()
    PILImage.new("P", (2, 2)).save(buffer, format="GIF")
    data = bytearray(buffer.getvalue())
    data[6:10] = struct.pack("<HH", width, height)
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


# --- rendering every format -------------------------------------------------------------------

Render = Callable[[mc.Article, Path, bool], "str | bytes"]

#: Every format, with the options that decide what it reads.
FORMATS: dict[str, Render] = {
    "html": lambda a, d, r: mc.to_html(a, base_dir=d, allow_remote=r),
    "html-embedded": lambda a, d, r: mc.to_html(a, base_dir=d, allow_remote=r, embed_images=True),
    "txt": lambda a, d, r: mc.to_text(a),
    "md": lambda a, d, r: mc.to_markdown(a),
    "pdf": lambda a, d, r: to_pdf(a, base_dir=d, allow_remote=r),
    "epub": lambda a, d, r: to_epub(a, base_dir=d, allow_remote=r),
}
#: Formats that read images (HTML links them, checking only where they point).
READING = ("html-embedded", "pdf", "epub")
#: Seconds each format may take on one hostile article.
TIME_LIMIT = {"pdf": 60.0, "epub": 30.0}


def render(name: str, article: mc.Article, folder: Path, remote: bool = False) -> str | bytes:
    """Render *article* in format *name*, within its time limit."""
    with bounded(TIME_LIMIT.get(name, 20.0)):
        return FORMATS[name](article, folder, remote)


# --- what a safe output is -------------------------------------------------------------------

#: Every element the theme's templates write (and html5lib adds), nothing else.
HTML_TAGS = frozenset(
    [
        "html",
        "head",
        "meta",
        "title",
        "link",
        "style",
        "script",
        "body",
        "main",
        "article",
        "header",
        "div",
        "p",
        "a",
        "img",
        "span",
        "bdi",
        "time",
        "figure",
        "figcaption",
        "blockquote",
        "cite",
        "aside",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "hr",
        "form",
        "label",
        "input",
        "button",
        "small",
        "footer",
        "em",
        "strong",
        "code",
        "br",
    ]
)
#: Every attribute the templates write.
HTML_ATTRIBUTES = frozenset(
    [
        "class",
        "lang",
        "dir",
        "src",
        "alt",
        "width",
        "height",
        "href",
        "rel",
        "datetime",
        "id",
        "aria-labelledby",
        "action",
        "method",
        "for",
        "type",
        "name",
        "autocomplete",
        "required",
        "role",
        "hidden",
        "cite",
        "charset",
        "content",
        "property",
        "xmlns",
    ]
)
#: Attributes that hold URLs.
URL_ATTRIBUTES = ("href", "src", "action", "cite", "formaction", "poster", "background")
#: Elements a CommonMark parser makes of the Markdown exporter's output (html5lib adds three).
MARKDOWN_TAGS = frozenset(
    [
        "html",
        "head",
        "body",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "em",
        "strong",
        "a",
        "img",
        "code",
        "blockquote",
        "ul",
        "ol",
        "li",
        "hr",
        "br",
    ]
)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_EMBEDDED_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+\Z")


def url_scheme(url: str) -> str | None:
    """The scheme a browser sees in *url* (WHATWG: outer C0 controls, spaces, tabs, newlines go)."""
    cleaned = re.sub("[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    found = _SCHEME.match(cleaned)
    return found.group(1).lower() if found else None


def assert_safe_url(url: str, *, image: bool = False, in_book: bool = False) -> None:
    """A URL is http(s), mailto or relative; ``data:`` only as an accepted embedded image."""
    scheme = url_scheme(url)
    if in_book:  # a book refers to its own files only, or links out
        assert scheme in (None, "http", "https", "mailto"), url
        if image or scheme is None:
            assert not url.startswith(("/", "..")), url
        return
    if image and scheme == "data":
        assert _EMBEDDED_IMAGE.match(url), url[:80]
        return
    assert scheme in (None, "http", "https", "mailto"), url


def parse_html(text: str) -> Element:
    """Parse a document (or fragment) as a browser does."""
    root: Element = html5lib.parse(text, treebuilder="etree", namespaceHTMLElements=False)
    return root


def assert_safe_html(
    text: str, article: mc.Article | None = None, *, json_ld: bool, tags: frozenset[str] = HTML_TAGS
) -> Element:
    """No script (but one JSON-LD block holding the article's text), handler or foreign markup."""
    root = parse_html(text)
    scripts = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        assert element.tag in tags, f"unexpected element <{element.tag}>"
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"<{element.tag} {name}>"
            if tags is HTML_TAGS:
                assert name in HTML_ATTRIBUTES, f"unexpected attribute <{element.tag} {name}>"
            if name in URL_ATTRIBUTES:
                assert_safe_url(value, image=element.tag == "img" and name == "src")
        if element.tag == "script":
            scripts.append(element)
    if not json_ld:
        assert scripts == []
        return root
    assert len(scripts) == 1
    assert scripts[0].get("type") == "application/ld+json"
    data = json.loads(scripts[0].text or "")
    if article is not None:
        assert data["headline"] == article.headline
        assert [person["name"] for person in data.get("author", [])] == [
            author.name for author in article.authors
        ]
    return root


def assert_safe_epub(book: bytes, article: mc.Article) -> None:
    """Every document of the book parses as XML, without script, handler or outside reference."""
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        files = {info.filename: archive.read(info) for info in archive.infolist()}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    documents = [name for name in files if name.endswith(".xhtml")]
    assert {"EPUB/article.xhtml", "EPUB/cover.xhtml", "EPUB/nav.xhtml"} <= set(documents)
    for name in documents:
        root = etree.fromstring(files[name], parser)
        for element in root.iter(etree.Element):
            local = etree.QName(element).localname
            assert local not in ("script", "iframe", "object", "embed", "base", "form"), name
            for attribute, value in element.attrib.items():
                attribute_name = etree.QName(attribute).localname
                assert not attribute_name.lower().startswith("on"), (name, attribute)
                if attribute_name in URL_ATTRIBUTES:
                    assert_safe_url(value, image=local == "img", in_book=True)
    for name in ("EPUB/content.opf", "EPUB/toc.ncx", "META-INF/container.xml"):
        etree.fromstring(files[name], parser)
    title = etree.fromstring(files["EPUB/content.opf"], parser).find(
        ".//{http://purl.org/dc/elements/1.1/}title"
    )
    assert title is not None
    assert title.text == article.headline


def _pdf_object(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def assert_safe_pdf(data: bytes) -> None:
    """No JavaScript, launch or form actions; every link is http(s), mailto or inside the file."""
    reader = PdfReader(io.BytesIO(data))
    catalog = _pdf_object(reader.trailer["/Root"])
    for key in ("/OpenAction", "/AA", "/AcroForm"):
        assert key not in catalog, key
    names = _pdf_object(catalog.get("/Names")) or {}
    assert "/JavaScript" not in names
    assert "/EmbeddedFiles" not in names
    for page in reader.pages:
        assert "/AA" not in page
        for annotation in _pdf_object(page.get("/Annots")) or []:
            annotation = _pdf_object(annotation)
            action = _pdf_object(annotation.get("/A"))
            if action is None:
                continue
            kind = action.get("/S")
            assert kind in ("/URI", "/GoTo"), kind
            if kind == "/URI":
                assert_safe_url(str(action["/URI"]))


def split_front_matter(markdown: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter, parsed, and the Markdown after it."""
    assert markdown.startswith("---\n")
    front, _, body = markdown[4:].partition("\n---\n")
    data: dict[str, Any] = yaml.safe_load(front)
    return data, body


def assert_safe_markdown(markdown: str, article: mc.Article) -> None:
    """Markdown that hides nothing: YAML front matter, and no markup the article did not ask for.

    The front matter parses and holds the headline verbatim; a CommonMark
    parser finds no script, handler, foreign element or dangerous link.
    """
    front, body = split_front_matter(markdown)
    assert front["title"] == article.headline
    rendered = MarkdownIt("commonmark").render(body)
    root = assert_safe_html(rendered, json_ld=False, tags=MARKDOWN_TAGS)
    headings = list(root.iter("h1"))
    assert len(headings) == 1
    assert "".join(headings[0].itertext()) == article.headline


_TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def assert_safe_text(text: str) -> None:
    """Plain text holds no control character a terminal would act on (only newlines)."""
    found = _TERMINAL_CONTROLS.search(text)
    assert found is None, f"U+{ord(found.group()):04X} at {found.start()}"


def assert_safe(name: str, output: str | bytes, article: mc.Article) -> None:
    """Check one format's output with the checks above."""
    if name in ("html", "html-embedded"):
        assert isinstance(output, str)
        assert_safe_html(output, article, json_ld=True)
    elif name == "txt":
        assert isinstance(output, str)
        assert_safe_text(output)
    elif name == "md":
        assert isinstance(output, str)
        assert_safe_markdown(output, article)
    elif name == "pdf":
        assert isinstance(output, bytes)
        assert_safe_pdf(output)
    else:
        assert isinstance(output, bytes)
        assert_safe_epub(output, article)


# --- refused at load ----------------------------------------------------------------------------


def test_corpus_is_indexed() -> None:
    """Every file under refused/ is in the index, and the index names no missing file."""
    files = {f"refused/{path.name}" for path in (HOSTILE / "refused").iterdir()}
    assert files == set(REFUSED)
    assert len(REFUSED) >= 20


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_dangerous_links_and_sources_are_refused_at_load(name: str) -> None:
    """javascript:, vbscript:, data: and file: targets, however spelled, are refused at load."""
    case = REFUSED[name]
    with pytest.raises(mc.ContentError) as caught:
        mc.load(HOSTILE / name)
    error = caught.value
    assert isinstance(error, mc.ValidationError)
    assert [problem.path for problem in error.problems] == [case["path"]], str(error)
    assert case["message"] in error.problems[0].message, str(error)


# --- markup everywhere ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def markup() -> mc.Article:
    """The article with markup and script in every text field."""
    return mc.load(HOSTILE / "markup-everywhere.json")


#: Texts of markup-everywhere.json that must come out verbatim, as text.
def _texts(article: mc.Article) -> list[str]:
    assert article.publication is not None
    assert article.lead_image is not None
    assert article.lead_image.credit is not None
    return [article.headline, article.publication.name, article.lead_image.credit]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_markup_in_every_field_is_text_in_every_format(name: str, markup: mc.Article) -> None:
    """Markup, script and template syntax in every field come out as text, never as markup."""
    with watching(ROOT.parent) as watch:
        output = render(name, markup, HOSTILE)
    assert_safe(name, output, markup)
    if isinstance(output, str) and name != "md":  # Markdown escapes its syntax characters
        assert "49" not in output  # {{ 7*7 }} was not evaluated by a template
    assert watch.connected == []


@pytest.mark.parametrize("media", ["screen", "print", "epub", "fragment"])
def test_markup_stays_text_in_every_html_variant(media: str, markup: mc.Article) -> None:
    """Screen, print (for the PDF), EPUB and fragment markup hold the hostile texts as text."""
    if media == "fragment":
        text = mc.to_html(markup, fragment=True, base_dir=HOSTILE)
    else:
        text = mc.to_html(markup, media=media, base_dir=HOSTILE)  # type: ignore[arg-type]
    root = assert_safe_html(text, markup, json_ld=media in ("screen", "print"))
    content = "".join(root.itertext())
    for value in _texts(markup):
        if media == "print":
            value = value.replace("\u2028", " ").replace("\u2029", " ")
        assert value in content
    [headline] = root.iter("h1")
    assert "".join(headline.itertext()) == markup.headline
    alts = {image.get("alt") for image in root.iter("img")}
    assert markup.lead_image is not None
    assert markup.lead_image.alt in alts


def test_suspicious_links_stay_relative(markup: mc.Article) -> None:
    """Links that only look like javascript: (entity, percent, no-break space) stay plain links."""
    root = parse_html(mc.to_html(markup, base_dir=HOSTILE))
    hrefs = {anchor.get("href") for anchor in root.iter("a")}
    assert "javascript&colon;alert(1)" in hrefs
    assert "%6Aavascript:alert(1)" in hrefs
    assert "\u00a0javascript:alert(1)" in hrefs
    assert all(url_scheme(href or "") in (None, "http", "https", "mailto") for href in hrefs)


def test_pdf_holds_the_markup_as_text(markup: mc.Article) -> None:
    """The PDF's text (pdftotext) shows the markup characters, not a rendering of them."""
    with bounded(60):
        pdf = to_pdf(markup, base_dir=HOSTILE)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert '<script>alert("paragraph")</script>' in " ".join(text.split())


def test_separators_in_print_markup_do_not_break_the_pdf() -> None:
    """A space before U+2029 no longer stops the PDF (regression: a WeasyPrint assertion)."""
    article = mc.Article(
        headline="Separators \u2029 here",
        body=[mc.Paragraph(text="word " * 150 + "\u2029 next \u2028 line")],
    )
    html = mc.to_html(article, media="print")
    assert "\u2029" not in html
    assert "\u2028" not in html
    assert "\u2029" in mc.to_html(article)  # only the markup WeasyPrint reads changes
    with bounded(60):
        assert to_pdf(article).startswith(b"%PDF-")


def test_links_weasyprint_cannot_resolve_do_not_stop_the_pdf() -> None:
    """Links urljoin cannot resolve are text in print markup (regression: the PDF failed)."""
    # Before the fix WeasyPrint raised "Invalid IPv6 URL" resolving them against the
    # article's URL, and the valid article could not be made into a PDF at all.
    for url, href in [
        ("https://example.com/", "//[x"),
        ("https://[x/", "page.html"),
        ("https://[x/", "#fragment"),
    ]:
        article = mc.Article(
            headline="Links",
            url=url,
            authors=[mc.Author(name="A", url=href)],
            body=[
                mc.Paragraph(text=[mc.Link(href=href, text="kept text")]),
                mc.RelatedLink(title="Related", url=href),
                mc.Newsletter(title="News", signup_url=href),
            ],
        )
        print_html = mc.to_html(article, media="print")
        assert "<a " not in print_html
        assert "kept text" in print_html
        screen = mc.to_html(article)
        assert screen.count(f'href="{href}"') == 3  # screen HTML keeps them
        assert f'action="{href}"' in screen
        with bounded(60):
            assert to_pdf(article).startswith(b"%PDF-")


# --- work that must grow in step with the input ---------------------------------------------------

#: name -> (article of about 100 KB to 1 MB of JSON, formats, seconds allowed for each)
COSTLY: dict[str, tuple[Callable[[], mc.Article], tuple[str, ...], float]] = {
    "20000-headings-with-one-text": (
        lambda: mc.Article(headline="h", body=[mc.Heading(text="Same") for _ in range(20_000)]),
        ("html", "txt", "md"),
        20.0,
    ),
    "20000-newsletters": (
        lambda: mc.Article(headline="h", body=[mc.Newsletter(title="t")] * 20_000),
        ("html",),
        20.0,
    ),
    "20000-emphases-that-cannot-be-asterisks": (
        lambda: mc.Article(
            headline="h",
            body=[mc.Paragraph(text=[mc.Strong(text=[mc.Emphasis(text="x")])] * 20_000)],
        ),
        ("md", "txt", "html"),
        20.0,
    ),
    "20000-adjacent-code-spans": (
        lambda: mc.Article(headline="h", body=[mc.Paragraph(text=[mc.Code(text="a`")] * 20_000)]),
        ("md", "txt", "html"),
        20.0,
    ),
    "100000-line-breaks-in-emphasis": (
        lambda: mc.Article(
            headline="h",
            body=[mc.Paragraph(text=[mc.Emphasis(text=[mc.LineBreak()] * 100_000 + ["x"])])],
        ),
        ("txt", "md", "html"),
        20.0,
    ),
}


@pytest.mark.parametrize("case", sorted(COSTLY))
def test_repetitive_articles_take_linear_time(case: str, tmp_path: Path) -> None:
    """Thousands of repeats of one construct cost thousands of steps, not millions (regression)."""
    # Before the fixes, equal headings (anchor ids), emphasis that falls back to HTML
    # tags, adjacent code spans (Markdown) and runs of line breaks (plain text) took time
    # quadratic in their number: minutes for a few hundred KB of JSON.
    make, names, seconds = COSTLY[case]
    article = make()
    for name in names:
        with bounded(seconds):
            output = render(name, article, tmp_path)
        assert output


@pytest.mark.slow
def test_many_equal_headings_make_a_book_in_time(tmp_path: Path) -> None:
    """An EPUB of 5,000 headings with one text is made within a minute; every anchor is unique."""
    article = mc.Article(headline="h", body=[mc.Heading(text="Same") for _ in range(5_000)])
    with bounded(60):
        book = to_epub(article)
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        document = archive.read("EPUB/article.xhtml").decode()
    ids = re.findall(r'<h2 id="([^"]+)"', document)
    assert len(ids) == len(set(ids)) == 5_000


def test_loopback_as_a_number_or_a_localhost_name_is_refused_before_any_request() -> None:
    """Loopback spelled as a number or a localhost name is refused by check() too (regression)."""
    # Browsers and inet_aton read 2130706433, 0x7f.1 and 0177.0.0.1 as addresses; before the
    # fix check() took them, and localhost names, for host names and linked HTML named them.
    policy = resources.ResourcePolicy(base_dir=HOSTILE, allow_remote=True)
    for src in (
        "http://2130706433/a.png",
        "http://0x7f.1/a.png",
        "http://0177.0.0.1/a.png",
        "http://127.1/a.png",
        "http://localhost/a.png",
        "http://images.localhost./a.png",
        "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data/",
    ):
        with pytest.raises(mc.ResourceError, match="only public addresses are fetched"):
            policy.check(src)
        article = mc.Article(headline="h", body=[mc.Image(src=src)])
        with pytest.raises(mc.ResourceError):
            mc.to_html(article, allow_remote=True)
    policy.check("http://203.0.113.7.example/a.png")  # a name, not resolved by a check


# --- image sources ---------------------------------------------------------------------------


@attrs.frozen
class SourceCase:
    """An image source, and what each format must do with it."""

    src: str
    """The source; ``{outside}`` and ``{port}`` are filled in per test."""
    reason: str | None
    """Words of the ResourceError the formats that read images give; ``None``: rendered."""
    linked: bool = False
    """Whether linked HTML refuses it too (it checks where a source points, not what it is)."""


SOURCES: dict[str, SourceCase] = {
    # Where a source points.
    "absolute-path": SourceCase("/etc/passwd", "absolute paths are not allowed", linked=True),
    "absolute-path-to-secret": SourceCase(
        "{outside}/secret.png", "absolute paths are not allowed", linked=True
    ),
    "parent-escape": SourceCase("../outside/secret.png", "outside the article's folder", True),
    "encoded-parent-escape": SourceCase(
        "%2e%2e/outside/secret.png", "outside the article's folder", linked=True
    ),
    "deep-parent-escape": SourceCase(
        "images/../../outside/secret.png", "outside the article's folder", linked=True
    ),
    "symlink-to-file-outside": SourceCase("link-out.png", "outside the article's folder", True),
    "symlink-absolute": SourceCase("link-absolute.png", "outside the article's folder", True),
    "symlinked-folder": SourceCase("escape/secret.png", "outside the article's folder", True),
    "symlink-to-dev-zero": SourceCase("zero.png", "outside the article's folder", linked=True),
    "network-path": SourceCase("//127.0.0.1/secret.png", "//host/ reference", linked=True),
    "encoded-backslash": SourceCase("..%5Coutside%5Csecret.png", "backslashes", linked=True),
    "the-folder-itself": SourceCase(".", "names the article's folder", linked=True),
    # What a source is.
    "fifo": SourceCase("fifo.png", "not a regular file"),
    "folder": SourceCase("images", "not a regular file"),
    "missing": SourceCase("missing.png", "not found"),
    "empty-file": SourceCase("empty.png", "is empty"),
    "png-bomb": SourceCase("bomb.png", "decompression bomb"),
    "gif-header-bomb": SourceCase("bomb.gif", "decompression bomb"),
    "over-the-size-limit": SourceCase("huge.png", "over the limit"),
    "truncated-png": SourceCase("truncated.png", "damaged or truncated"),
    "truncated-jpeg": SourceCase("truncated.jpg", "damaged or truncated"),
    "html-named-png": SourceCase("script.png", "is not a PNG, JPEG, GIF or WebP"),
    "svg-named-png": SourceCase("vector.png", "SVG images are not accepted"),
    "data-svg": SourceCase("data:image/svg+xml;base64,{svg}", "SVG", linked=True),
    "data-svg-labelled-png": SourceCase("data:image/png;base64,{svg}", "SVG", linked=True),
    "data-html": SourceCase("data:text/html;base64,{html}", "is not a PNG", linked=True),
    "data-bomb": SourceCase("data:image/png;base64,{bomb}", "decompression bomb", linked=True),
    # Odd but acceptable: rendered, safely.
    "png-named-gif": SourceCase("photo.gif", None),
    "png-with-script-after-its-end": SourceCase("polyglot.png", None),
    "data-png": SourceCase("data:image/png;base64,{photo}", None),
}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A PNG decompression bomb, made once."""
    return png_bomb()


@pytest.fixture
def folders(tmp_path: Path, bomb: bytes) -> tuple[Path, Path]:
    """An article folder full of traps, and the folder next to it holding secrets."""
    import base64

    article, outside = tmp_path / "article", tmp_path / "outside"
    article.mkdir()
    outside.mkdir()
    photo = (HOSTILE / "photo.png").read_bytes()
    (outside / "secret.png").write_bytes(photo)
    (outside / "secret.txt").write_text("secret\n")
    (article / "link-out.png").symlink_to("../outside/secret.png")
    (article / "link-absolute.png").symlink_to(outside / "secret.png")
    (article / "escape").symlink_to(outside, target_is_directory=True)
    (article / "zero.png").symlink_to("/dev/zero")
    os.mkfifo(article / "fifo.png")
    (article / "images").mkdir()
    (article / "empty.png").write_bytes(b"")
    (article / "bomb.png").write_bytes(bomb)
    (article / "bomb.gif").write_bytes(gif_claiming(65_535, 65_535))
    with (article / "huge.png").open("wb") as huge:  # sparse: takes no disk space
        huge.write(photo[:64])
        huge.truncate(resources.Limits().max_bytes + 1)
    (article / "truncated.png").write_bytes(photo[: len(photo) // 2])
    jpeg = (HOSTILE / "photo.jpg").read_bytes()
    (article / "truncated.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (article / "script.png").write_bytes(b"<html><script>alert(1)</script></html>")
    (article / "vector.png").write_bytes(SVG)
    (article / "photo.gif").write_bytes(photo)
    (article / "polyglot.png").write_bytes(photo + b"<script>alert(1)</script>")
    values = {
        "outside": str(outside),
        "svg": base64.b64encode(SVG).decode(),
        "html": base64.b64encode(b"<script>alert(1)</script>").decode(),
        "bomb": base64.b64encode(bomb).decode(),
        "photo": base64.b64encode(photo).decode(),
    }
    (article / "values.json").write_text(json.dumps(values))
    return article, outside


def image_article(src: str) -> mc.Article:
    """An article that uses *src* as its logo, lead image and body image."""
    return mc.Article(
        headline="Image source",
        publication=mc.Publication(name="P", logo=mc.Image(src=src, alt="logo")),
        lead_image=mc.Image(src=src, alt="lead", caption="Lead caption."),
        body=[mc.Paragraph(text="Before."), mc.Image(src=src, alt="body", credit="Credit")],
    )


def _outcome(name: str, article: mc.Article, folder: Path, remote: bool) -> Any:
    """The output of a format, or the ContentError it raised (any other exception propagates)."""
    try:
        return render(name, article, folder, remote)
    except mc.ContentError as error:
        return error


def _assert_refused(outcome: Any, src: str, reason: str) -> None:
    assert isinstance(outcome, mc.ResourceError), f"expected a refusal, got {type(outcome)}"
    assert outcome.src == src
    assert reason in outcome.reason, outcome.reason


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(SOURCES))
def test_image_source_is_refused_or_rendered_safely(
    case: str, name: str, folders: tuple[Path, Path]
) -> None:
    """Each format refuses the source or renders it safely, reading nothing outside the folder."""
    article_folder, outside = folders
    values = json.loads((article_folder / "values.json").read_text())
    expected = SOURCES[case]
    src = expected.src.format(**values)
    article = image_article(src)
    with watching(outside, "/dev/zero", "/etc/passwd") as watch:
        outcome = _outcome(name, article, article_folder, False)
    refuses = expected.reason is not None and (
        name in READING or (name == "html" and expected.linked)
    )
    if refuses:
        assert expected.reason is not None
        _assert_refused(outcome, src, expected.reason)
    else:
        assert not isinstance(outcome, mc.ContentError), outcome
        assert_safe(name, outcome, article)
    assert watch.opened == []
    assert watch.connected == []


def test_wrong_extension_is_named_by_the_bytes(folders: tuple[Path, Path]) -> None:
    """A PNG named .gif goes into the book as images/*.png, and into HTML as image/png."""
    article_folder, _ = folders
    article = image_article("photo.gif")
    book = to_epub(article, base_dir=article_folder)
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        images = [name for name in archive.namelist() if name.startswith("EPUB/images/")]
    assert images == ["EPUB/images/image-1.png"]
    html = mc.to_html(article, base_dir=article_folder, embed_images=True)
    assert "data:image/png;base64," in html
    assert "data:image/gif" not in html


def test_data_uri_in_linked_html_is_checked() -> None:
    """Linked HTML re-encodes a data: image once the policy has read it (regression)."""
    # Before the fix a data: source went into linked HTML as written, unread: an SVG
    # labelled image/png or a decompression bomb reached the reader's browser.
    svg = mc.Article(headline="h", body=[mc.Image(src="data:image/png,%3Csvg%3E%3C/svg%3E")])
    with pytest.raises(mc.ResourceError, match="SVG images are not accepted"):
        mc.to_html(svg)
    photo = (HOSTILE / "photo.png").read_bytes()
    encoded = "".join(f"%{byte:02X}" for byte in photo)
    good = mc.Article(headline="h", body=[mc.Image(src=f"data:image/png,{encoded}", alt="a")])
    import base64

    assert f'src="data:image/png;base64,{base64.b64encode(photo).decode()}"' in mc.to_html(good)


# --- remote sources ---------------------------------------------------------------------------


def remote_sources(servers: dict[str, CountingServer]) -> dict[str, str]:
    """Loopback, link-local and cloud-metadata sources, several spellings."""
    first = servers["127.0.0.1"]
    sources = {
        "loopback": first.url("/photo.png"),
        "loopback-https": first.url("/photo.png").replace("http:", "https:"),
        "localhost": f"http://localhost:{first.port}/photo.png",
        "loopback-decimal": f"http://2130706433:{first.port}/photo.png",
        "loopback-other": servers["127.0.0.2"].url("/photo.png"),
        "cloud-metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "mapped-metadata": "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "link-local-v6": "http://[fe80::1]/photo.png",
    }
    if "::1" in servers:
        sources["loopback-v6"] = servers["::1"].url("/photo.png")
    return sources


@pytest.mark.parametrize("remote", [False, True], ids=["remote-off", "remote-on"])
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_no_request_reaches_loopback_or_metadata(
    name: str, remote: bool, servers: dict[str, CountingServer], tmp_path: Path
) -> None:
    """With remote fetching off or on, nothing reaches loopback, link-local or metadata hosts."""
    for label, src in remote_sources(servers).items():
        article = image_article(src)
        with watching(tmp_path) as watch:
            outcome = _outcome(name, article, tmp_path, remote)
        if name in ("txt", "md"):
            assert not isinstance(outcome, mc.ContentError), (label, outcome)
            assert_safe(name, outcome, article)
        elif not remote:
            _assert_refused(outcome, src, "remote images are not fetched")
        else:
            _assert_refused(outcome, src, "only public addresses are fetched")
        assert watch.connected == [], label
    assert {host: server.requests for host, server in servers.items()} == {
        host: [] for host in servers
    }


@pytest.fixture
def trusting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exporters use the real policy, which treats the server on 127.0.0.1 as a public host.

    Every other address is judged as usual, so a redirect from that server to
    127.0.0.2, ::1 or 169.254.169.254 meets the real address check.
    """
    trusted = ipaddress.ip_address("127.0.0.1")

    def check(address: resources.IPAddress) -> bool:
        return address == trusted or resources.is_public_address(address)

    def policy_for(
        base_dir: Any, allow_remote: bool = False, limits: Any = None
    ) -> resources.ResourcePolicy:
        return resources.ResourcePolicy(
            base_dir=Path(os.getcwd() if base_dir is None else base_dir),
            allow_remote=allow_remote,
            limits=resources.Limits(timeout=5.0) if limits is None else limits,
            address_check=check,
        )

    for module in (html_module, epub_module, pdf_module):
        monkeypatch.setattr(module, "policy_for", policy_for)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_redirect_from_an_allowed_host_to_loopback_is_refused(
    name: str, servers: dict[str, CountingServer], trusting: None, tmp_path: Path
) -> None:
    """A redirect from an allowed host to loopback or metadata addresses is never followed."""
    first, second = servers["127.0.0.1"], servers["127.0.0.2"]
    targets = {
        "/to-loopback": second.url("/photo.png"),
        "/to-loopback-octal": f"http://0177.0.0.2:{second.port}/photo.png",
        "/to-mapped-loopback": f"http://[::ffff:127.0.0.2]:{second.port}/photo.png",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
    }
    if "::1" in servers:
        targets["/to-loopback-v6"] = servers["::1"].url("/photo.png")
    photo = (HOSTILE / "photo.png").read_bytes()
    first.routes["/photo.png"] = answer(photo)
    for path, location in targets.items():
        first.routes[path] = answer(b"", status=302, location=location)
    for path in targets:
        src = first.url(path)
        article = image_article(src)
        with watching(tmp_path) as watch:
            outcome = _outcome(name, article, tmp_path, True)
        if name in READING:
            _assert_refused(outcome, src, "only public addresses are fetched")
            assert "redirect 1 to" in outcome.reason
        else:
            assert not isinstance(outcome, mc.ContentError), outcome
        assert {address[:2] for address in watch.connected} <= {("127.0.0.1", first.port)}
    fetches = len(targets) if name in READING else 0
    assert len(first.requests) == fetches  # one request per fetch: the redirect
    assert [server.requests for host, server in servers.items() if host != "127.0.0.1"] == [
        [] for host in servers if host != "127.0.0.1"
    ]
    # The allowed server itself is fetched, so the stand-in is not refusing everything.
    ok = _outcome(name, image_article(first.url("/photo.png")), tmp_path, True)
    assert not isinstance(ok, mc.ContentError), ok


# --- the command line ----------------------------------------------------------------------------


def test_cli_reports_a_refused_image_on_one_line(folders: tuple[Path, Path]) -> None:
    """Convert exits 2, names the file, the JSON paths and the refused source; no output file."""
    from tests.test_hardening_malformed import SUMMARY, run_cli

    article_folder, _ = folders
    source = article_folder / "article.json"
    mc.dump(image_article("link-out.png"), source)
    out = article_folder / "out" / "article.epub"
    code, lines = run_cli(["convert", str(source), "-o", str(out)])
    errors = [line for line in lines if not SUMMARY.match(line)]
    assert code == 2
    assert errors == [
        f"{source}: publication.logo.src: image 'link-out.png': the path leads outside"
        f" {article_folder} (also at lead_image.src, body[1].src)"
    ]
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


# --- resource limits -----------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_of_one_article_has_bounded_time_and_memory() -> None:
    """The richest example becomes a PDF in a child process, within 60 s and 4 GB of memory."""
    from tests.test_hardening_malformed import render_pdf_in_child

    example = ROOT / "examples" / "night-bus-pilot" / "article.json"
    outcome = render_pdf_in_child(example, 60)
    assert outcome["raised"] is None, outcome
    assert outcome["seconds"] < 30
    assert outcome["max_rss_mb"] < 1024
