"""The HTML-to-blocks converter: each element's mapping, and the hostile corpus made safe."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

import messenger_content as mc
from messenger_content.interchange import html_to_blocks
from tests.helpers.hostile import hostile_markup

HOSTILE = Path(__file__).parent / "data" / "hostile"


def blocks(markup: str) -> tuple[mc.Block, ...]:
    return html_to_blocks(markup).blocks


def messages(markup: str) -> str:
    return " ".join(w.message for w in html_to_blocks(markup).warnings)


def test_paragraphs_and_inline_nodes() -> None:
    """p, em/i, strong/b, a, code and br become a paragraph of inline nodes."""
    assert blocks(
        '<p>A <i>b</i> <b>c</b> <a href="https://x.example/">d</a> <code>e</code><br>f</p>'
    ) == (
        mc.Paragraph(
            text=[
                "A ",
                mc.Emphasis(text="b"),
                " ",
                mc.Strong(text="c"),
                " ",
                mc.Link(href="https://x.example/", text="d"),
                " ",
                mc.Code(text="e"),
                mc.LineBreak(),
                "f",
            ]
        ),
    )


def test_headings_lists_and_rules() -> None:
    """h1 to h6, ul/ol/li and hr map to headings (h1 at level 2), lists and a divider."""
    assert blocks("<h1>T</h1><h3>S</h3><ol><li>a</li><li>b</li></ol><hr><ul><li>c</li></ul>") == (
        mc.Heading(text="T", level=2),
        mc.Heading(text="S", level=3),
        mc.ItemList(items=["a", "b"], ordered=True),
        mc.Divider(),
        mc.ItemList(items=["c"]),
    )


def test_a_blockquote_with_footer_and_cite() -> None:
    """A blockquote's footer is the attribution, its cite element the source, @cite the url."""
    markup = (
        '<blockquote cite="https://src.example/"><p>Words.</p>'
        "<footer>\u2014 Kim, <cite>Vogue</cite></footer></blockquote>"
    )
    assert blocks(markup) == (
        mc.Quote(text="Words.", attribution="Kim", source="Vogue", url="https://src.example/"),
    )


def test_a_figure_with_caption_and_credit() -> None:
    """figure/img/figcaption become an image; a .credit element in the caption is the credit."""
    markup = (
        '<figure><img src="https://x.example/a.jpg" alt="A dog" width="640" height="480">'
        '<figcaption>A <em>dog</em>. <span class="credit">AFP</span></figcaption></figure>'
    )
    assert blocks(markup) == (
        mc.Image(
            src="https://x.example/a.jpg",
            alt="A dog",
            caption=["A ", mc.Emphasis(text="dog"), "."],
            credit="AFP",
            width=640,
            height=480,
        ),
    )


def test_an_image_inside_a_paragraph_splits_it() -> None:
    """An img in running text becomes an image block between two paragraphs."""
    assert blocks('<p>one <img src="https://x.example/a.png"> two</p>') == (
        mc.Paragraph(text="one"),
        mc.Image(src="https://x.example/a.png"),
        mc.Paragraph(text="two"),
    )


def test_relative_urls_resolve_against_the_base() -> None:
    """With a base URL, relative links and sources become absolute."""
    converted = html_to_blocks(
        '<p><a href="/b">b</a></p><img src="i.png">', base_url="https://x.example/a/"
    )
    assert converted.blocks == (
        mc.Paragraph(text=[mc.Link(href="https://x.example/b", text="b")]),
        mc.Image(src="https://x.example/a/i.png"),
    )


@pytest.mark.parametrize(
    ("markup", "kept", "named"),
    [
        ("<table><tr><th>a</th><td>b</td></tr></table>", (mc.Paragraph(text="a | b"),), "<table>"),
        ("<pre>x = 1\n  y</pre>", (mc.Paragraph(text=[mc.Code(text="x = 1\n  y")]),), "<pre>"),
        (
            '<p>a</p><iframe src="https://v.example/e"></iframe>',
            (mc.Paragraph(text="a"),),
            "<iframe>",
        ),
        (
            "<p>a</p><video src='https://v.example/v.mp4'>alt</video>",
            (mc.Paragraph(text="a"),),
            "<video>",
        ),
        ("<p>a<blink>b</blink></p>", (mc.Paragraph(text="ab"),), "<blink>"),
        (
            "<p>a</p><form><input value=x><button>b</button></form>",
            (mc.Paragraph(text="a"),),
            "<form>",
        ),
        ("<p>a</p><style>p{}</style>", (mc.Paragraph(text="a"),), "<style>"),
    ],
)
def test_what_has_no_block_yet_is_kept_as_text_or_dropped_with_a_warning(
    markup: str, kept: tuple[mc.Block, ...], named: str
) -> None:
    """table, pre, iframe, video, unknown elements, forms, styles: text kept or dropped, named."""
    assert blocks(markup) == kept
    assert named in messages(markup)


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
    ],
)
def test_dangerous_links_keep_their_text_only(href: str) -> None:
    """A link the article format refuses becomes its text, with a warning."""
    assert blocks(f'<p><a href="{href}">click</a></p>') == (mc.Paragraph(text="click"),)
    assert "dropped" in messages(f'<p><a href="{href}">click</a></p>')


def test_markup_past_the_parsers_depth_limit_is_reported() -> None:
    """Past libxml2's nesting limit the rest of the markup is lost, and a warning says so."""
    converted = html_to_blocks("<div>" * 300 + "x" + "</div>" * 300 + "<p>after</p>")
    assert "nested deeper than the parser reads" in " ".join(w.message for w in converted.warnings)


def test_deep_nesting_is_flattened_not_refused() -> None:
    """Formatting nested past the models' limit is unwrapped; the text stays."""
    markup = "<p>" + "<em><b>" * 60 + "x" + "</b></em>" * 60 + "</p>"
    (paragraph,) = blocks(markup)
    assert isinstance(paragraph, mc.Paragraph)
    assert mc.loads(mc.dumps(mc.Article(headline="h", body=[paragraph]))) is not None


HOSTILE_MARKUP = hostile_markup()


def test_the_hostile_corpus_is_used() -> None:
    """The corpus gives dozens of hostile strings (markup fields and refused URLs)."""
    assert len(HOSTILE_MARKUP) > 40


@pytest.mark.parametrize("markup", HOSTILE_MARKUP, ids=range(len(HOSTILE_MARKUP)))
def test_hostile_markup_converts_to_inert_content(markup: str) -> None:
    """Each hostile string gives valid blocks whose HTML rendering has no active content."""
    converted = html_to_blocks(markup)
    article = mc.Article(
        headline="h", body=[b for b in converted.blocks if not isinstance(b, mc.Image)]
    )
    assert mc.loads(mc.dumps(article)) == article
    document = html5lib.parse(mc.to_html(article, fragment=True), namespaceHTMLElements=False)
    for element in document.iter():
        assert element.tag not in ("script", "iframe", "object", "embed", "svg", "style", "img")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        for name in ("href", "src", "action", "formaction"):
            target = element.get(name, "").strip().lower()
            assert not target.startswith(("javascript:", "vbscript:", "data:", "file:"))
    for image in (b for b in converted.blocks if isinstance(b, mc.Image)):
        assert image.src.split(":")[0].lower() not in (
            "javascript",
            "vbscript",
            "file",
            "ftp",
            "gopher",
        )


_TAGS = st.sampled_from(
    [
        "p",
        "em",
        "b",
        "a href='https://x.example/'",
        "a href='javascript:x'",
        "img src=i.png",
        "ul",
        "li",
        "ol",
        "blockquote",
        "footer",
        "cite",
        "figure",
        "figcaption",
        "table",
        "tr",
        "td",
        "pre",
        "code",
        "br",
        "hr",
        "h2",
        "script",
        "iframe",
        "div",
        "x.y<z",
        "svg",
    ]
)
_PIECES = st.one_of(
    st.text(max_size=8),
    _TAGS.map(lambda tag: f"<{tag}>"),
    _TAGS.map(lambda tag: f"</{tag.split()[0]}>"),
    st.sampled_from(["&amp;", "&#0;", "&bogus;", "<!--", "-->", "\x00", "\r\n", "<![CDATA["]),
)


@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_markup_gives_valid_blocks(markup: str) -> None:
    """Random tag soup never raises: the blocks always make a valid article."""
    converted = html_to_blocks(markup)
    article = mc.Article(headline="h", body=converted.blocks)
    assert mc.loads(mc.dumps(article)) == article


def test_the_html_exporters_own_blocks_read_back() -> None:
    """What to_html writes for a quote, an image and a related link reads back as those blocks."""
    body: list[mc.Block] = [
        mc.Quote(text="Words", attribution="Kim", source="Vogue", url="https://v.example/"),
        mc.Image(src="photo.png", alt="Alt", caption="Cap", credit="AFP"),
        mc.RelatedLink(title="Rel", url="https://r.example/", summary="More."),
    ]
    article = mc.Article(headline="h", body=body)
    html = mc.to_html(article, fragment=True, base_dir=HOSTILE)
    assert html_to_blocks(html).blocks == (mc.Heading(text="h"), *body)
