"""What a safe output is: checks on every format's output, parsed by real parsers.

No ``<script>`` (but the JSON-LD one in HTML, which must parse and hold the
text verbatim), no event-handler attribute, no element or attribute the theme
does not write, no link or source with a scheme other than http(s) and mailto
(``data:`` only as an embedded image); PDF files have no JavaScript or launch
actions; Markdown rendered by a CommonMark parser gives no markup the article
did not ask for; plain text holds no terminal control character.

Used by the hostile corpus (``tests/test_hardening_hostile.py``) and the
properties on generated articles (``tests/test_properties.py``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import yaml
from lxml import etree  # type: ignore[import-untyped,unused-ignore]
from markdown_it import MarkdownIt
from pypdf import PdfReader

import messenger_content as mc

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
        "section",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "pre",
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
        "scope",
        "tabindex",
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
        "pre",
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


#: The hostile corpus: markup-everywhere.json and the articles the loader refuses.
HOSTILE_DATA = Path(__file__).parent.parent / "data" / "hostile"


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _at(value: Any, path: str) -> Any:
    for key, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        value = value[key] if key else value[int(index)]
    return value


def hostile_markup() -> list[str]:
    """Every string of the hostile corpus, and each refused URL as a link and as a source."""
    corpus = json.loads((HOSTILE_DATA / "markup-everywhere.json").read_text(encoding="utf-8"))
    cases = json.loads((HOSTILE_DATA / "cases.json").read_text(encoding="utf-8"))["refused"]
    markup = sorted(set(_strings(corpus)))
    for name, case in sorted(cases.items()):
        bad = _at(json.loads((HOSTILE_DATA / name).read_text(encoding="utf-8")), case["path"])
        markup.append(f'<p><a href="{bad}">link</a><img src="{bad}" onerror="alert(1)"></p>')
        markup.append(f"<p><a href='{bad}'>link</a><img src='{bad}'></p>")
    return markup
