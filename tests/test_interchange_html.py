"""The HTML-to-blocks converter: each element's mapping, and the hostile corpus made safe."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st

import messenger_content as mc
from messenger_content.interchange import html_to_blocks
from messenger_content.interchange.html_blocks import blocks_to_html
from messenger_content.models import Embed, Preformatted, Table
from tests.helpers.hostile import hostile_markup
from tests.helpers.interchange import new_blocks

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
        (
            '<p>a</p><iframe src="javascript:alert(1)"></iframe>',
            (mc.Paragraph(text="a"),),
            "<iframe> with a javascript: source dropped",
        ),
        (
            "<p>a</p><video src='v.mp4'>alt</video>",
            (mc.Paragraph(text="a"),),
            "<video> with a relative or invalid source dropped",
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
def test_what_has_no_block_is_kept_as_text_or_dropped_with_a_warning(
    markup: str, kept: tuple[mc.Block, ...], named: str
) -> None:
    """Non-http embeds, unknown elements, forms, styles: text kept or dropped, named."""
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


def test_a_table_with_caption_head_and_body() -> None:
    """caption, thead rows and tbody rows become the caption, header rows and rows."""
    markup = (
        "<table><caption>Votes <em>cast</em></caption>"
        "<thead><tr><th>Party</th><th>Seats</th></tr></thead>"
        "<tbody><tr><td><b>A</b></td><td>12</td></tr><tr><td>B</td><td></td></tr></tbody>"
        "<tfoot><tr><td>Total</td><td>12</td></tr></tfoot></table>"
    )
    assert blocks(markup) == (
        Table(
            caption=["Votes ", mc.Emphasis(text="cast")],
            header_rows=[["Party", "Seats"]],
            rows=[[[mc.Strong(text="A")], "12"], ["B", ()], ["Total", "12"]],
        ),
    )
    assert messages(markup) == ""


def test_leading_rows_of_th_cells_are_header_rows() -> None:
    """Without a thead, the leading rows made only of th cells are header rows; not the last."""
    assert blocks("<table><tr><th>a</th><th>b</th></tr><tr><th>c</th><td>1</td></tr></table>") == (
        Table(header_rows=[["a", "b"]], rows=[["c", "1"]]),
    )
    assert blocks("<table><tr><th>only</th></tr></table>") == (Table(rows=[["only"]]),)


def test_spans_are_expanded_with_empty_cells() -> None:
    """Colspan and rowspan leave empty cells where they reach, so columns line up; a warning."""
    markup = (
        "<table><tr><td colspan=2>wide</td><td>c</td></tr>"
        "<tr><td rowspan=2>tall</td><td>b</td><td>c</td></tr>"
        "<tr><td>b2</td><td>c2</td></tr></table>"
    )
    assert blocks(markup) == (
        Table(rows=[["wide", (), "c"], ["tall", "b", "c"], [(), "b2", "c2"]]),
    )
    assert "table cell spans expanded with empty cells (2 times)" in messages(markup)


def test_huge_spans_add_a_bounded_number_of_cells() -> None:
    """Spans asking for millions of cells stop at a bound, with a warning; the text stays."""
    markup = "<table>" + "<tr><td colspan=1000 rowspan=65534>x</td></tr>" * 200 + "</table>"
    (table,) = blocks(markup)
    assert isinstance(table, Table)
    assert sum(len(row) for row in table.rows) <= 10_000 + 200
    assert [cell for row in table.rows for cell in row if cell] == [("x",)] * 200
    assert "table spans past 10000 empty cells ignored" in messages(markup)


def test_a_nested_table_is_flattened_into_its_cell() -> None:
    """A table inside a cell becomes that cell's text, one line per row, with a warning."""
    markup = (
        "<table><tr><td>a</td><td><table><tr><td>n1</td><td>n2</td></tr></table></td></tr></table>"
    )
    assert blocks(markup) == (Table(rows=[["a", "n1 | n2"]]),)
    assert "nested <table> flattened to text" in messages(markup)


def test_blocks_in_cells_move_after_the_table() -> None:
    """An image in a cell goes after the table (the cell keeps its text), with a warning."""
    markup = '<table><tr><td>a<img src="https://x.example/i.png"></td></tr></table>'
    assert blocks(markup) == (Table(rows=[["a"]]), mc.Image(src="https://x.example/i.png"))
    assert "moved after the table" in messages(markup)


def test_pre_in_a_cell_stays_in_the_cell_as_code() -> None:
    """A pre inside a table cell is that cell's code, lines kept (a cell holds inline content)."""
    assert blocks("<table><tr><td><pre>a\n b</pre></td></tr></table>") == (
        Table(rows=[[[mc.Code(text="a\n b")]]]),
    )


def test_a_table_without_cells_keeps_its_caption() -> None:
    """A table with no cell is dropped with a warning; its caption stays as a paragraph."""
    assert blocks("<table><caption>Cap</caption><tr></tr></table>") == (mc.Paragraph(text="Cap"),)
    assert "<table> without cells dropped" in messages("<table></table>")


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<pre>x = 1\n  y</pre>", Preformatted(text="x = 1\n  y")),
        (
            '<pre><code class="language-python">def f():\n    pass\n</code></pre>',
            Preformatted(text="def f():\n    pass", language="python"),
        ),
        (
            '<pre class="lang-c++">int x;<br>int y;</pre>',
            Preformatted(text="int x;\nint y;", language="c++"),
        ),
        (
            '<pre class="wp-block-verse">Roses are red,\n  violets blue</pre>',
            Preformatted(text="Roses are red,\n  violets blue", style="verse"),
        ),
        ('<pre class="poem">a\n b</pre>', Preformatted(text="a\n b", style="verse")),
        ('<pre><code class="language-$(x)">x</code></pre>', Preformatted(text="x")),
        ("<pre>a<script>alert(1)</script>\nb</pre>", Preformatted(text="a\nb")),
    ],
)
def test_pre_becomes_preformatted(markup: str, expected: Preformatted) -> None:
    """Pre (and pre > code) keeps its spaces and lines; language and verse come from classes."""
    assert blocks(markup) == (expected,)


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<iframe src="https://www.youtube.com/embed/abc" title="A clip"></iframe>',
            Embed(url="https://www.youtube.com/embed/abc", title="A clip", provider="YouTube"),
        ),
        (
            '<iframe src="//player.vimeo.com/video/1"></iframe>',
            Embed(url="https://player.vimeo.com/video/1", provider="Vimeo"),
        ),
        (
            '<video poster="https://m.example/p.jpg" width="640">'
            '<source src="https://m.example/v.mp4" type="video/mp4">'
            'Watch <a href="https://m.example/v.mp4">the video</a>.</video>',
            Embed(
                url="https://m.example/v.mp4",
                provider="m.example",
                fallback=["Watch ", mc.Link(href="https://m.example/v.mp4", text="the video"), "."],
                poster=mc.Image(src="https://m.example/p.jpg"),
            ),
        ),
        (
            '<audio src="https://www.soundcloud.com/a.mp3"></audio>',
            Embed(url="https://www.soundcloud.com/a.mp3", provider="SoundCloud"),
        ),
        (
            '<embed src="https://maps.example.org/m">',
            Embed(url="https://maps.example.org/m", provider="maps.example.org"),
        ),
        (
            '<object data="https://www.datawrapper.de/_/x/">A chart</object>',
            Embed(
                url="https://www.datawrapper.de/_/x/", provider="Datawrapper", fallback="A chart"
            ),
        ),
    ],
)
def test_http_embeds_become_embed_blocks(markup: str, expected: Embed) -> None:
    """iframe, video, audio, embed and object of an http(s) source become embed blocks."""
    assert blocks(markup) == (expected,)


def test_embed_sources_resolve_against_the_base() -> None:
    """A relative embed source is made absolute by the base URL, a poster too."""
    converted = html_to_blocks(
        '<video src="v.mp4" poster="p.jpg"></video>', base_url="https://x.example/a/"
    )
    assert converted.blocks == (
        Embed(
            url="https://x.example/a/v.mp4",
            provider="x.example",
            poster=mc.Image(src="https://x.example/a/p.jpg"),
        ),
    )


@pytest.mark.parametrize(
    ("markup", "named"),
    [
        ('<iframe src="javascript:alert(1)"></iframe>', "<iframe> with a javascript: source"),
        ('<iframe src=" java\tscript:alert(1)"></iframe>', "<iframe> with a javascript: source"),
        ('<iframe src="data:text/html,<script>x</script>"></iframe>', "with a data: source"),
        ('<iframe src="file:///etc/passwd"></iframe>', "<iframe> with a file: source"),
        ('<iframe srcdoc="<script>alert(1)</script>"></iframe>', "<iframe srcdoc> dropped"),
        ("<iframe></iframe>", "<iframe> without a source dropped"),
        ('<object data="vbscript:x"></object>', "<object> with a vbscript: source"),
        ('<embed src="frame.html">', "<embed> with a relative or invalid source"),
    ],
)
def test_embeds_of_other_sources_are_dropped_with_a_warning(markup: str, named: str) -> None:
    """An embed whose source is not http(s) is dropped, and the warning names the element."""
    assert blocks(markup) == ()
    assert named in messages(markup)


def test_a_javascript_poster_is_dropped_the_embed_kept() -> None:
    """A video's poster is an image: a javascript: poster is dropped with a warning."""
    markup = '<video src="https://m.example/v.mp4" poster="javascript:alert(1)"></video>'
    assert blocks(markup) == (Embed(url="https://m.example/v.mp4", provider="m.example"),)
    assert "<video poster> with a javascript: source dropped" in messages(markup)


@pytest.mark.parametrize(
    ("url", "provider"),
    [
        ("https://youtu.be/x", "YouTube"),
        ("https://www.youtube-nocookie.com/embed/x", "YouTube"),
        ("https://x.com/a/status/1", "X (Twitter)"),
        ("https://platform.twitter.com/embed/x", "X (Twitter)"),
        ("https://www.instagram.com/p/x/", "Instagram"),
        ("https://www.tiktok.com/@a/video/1", "TikTok"),
        ("https://news.example.org/x", "news.example.org"),
        ("https://notyoutube.com/x", "notyoutube.com"),
    ],
)
def test_the_provider_is_named_by_host(url: str, provider: str) -> None:
    """Known hosts (and their subdomains) are named; other hosts are given as they are."""
    assert blocks(f'<iframe src="{url}"></iframe>') == (Embed(url=url, provider=provider),)


def test_a_tweet_embed_code_is_an_embed_of_the_post() -> None:
    """X's blockquote.twitter-tweet becomes an embed of the post; its script is dropped."""
    markup = (
        '<blockquote class="twitter-tweet"><p lang="en">Rain in <a href="https://t.co/x">Oslo</a>'
        '</p>&mdash; Kim (@kim) <a href="https://twitter.com/kim/status/1">May 1, 2024</a>'
        '</blockquote><script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    assert blocks(markup) == (
        Embed(
            url="https://twitter.com/kim/status/1",
            provider="X (Twitter)",
            fallback=[
                "Rain in ",
                mc.Link(href="https://t.co/x", text="Oslo"),
                mc.LineBreak(),
                "\u2014 Kim (@kim) ",
                mc.Link(href="https://twitter.com/kim/status/1", text="May 1, 2024"),
            ],
        ),
    )
    assert messages(markup) == "<script> dropped with its content"


def test_instagram_and_tiktok_embed_codes_name_their_post() -> None:
    """Instagram's permalink attribute and TikTok's cite are the posts' addresses."""
    instagram = (
        '<blockquote class="instagram-media" data-instgrm-permalink='
        '"https://www.instagram.com/p/abc/"><a href="https://www.instagram.com/">View</a>'
        "</blockquote>"
    )
    tiktok = (
        '<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@a/video/1">'
        "<section>Dance</section></blockquote>"
    )
    assert blocks(instagram + tiktok) == (
        Embed(
            url="https://www.instagram.com/p/abc/",
            provider="Instagram",
            fallback=[mc.Link(href="https://www.instagram.com/", text="View")],
        ),
        Embed(url="https://www.tiktok.com/@a/video/1", provider="TikTok", fallback="Dance"),
    )


def test_a_post_embed_code_without_an_http_link_stays_a_quote() -> None:
    """A twitter-tweet blockquote whose only link is javascript: is a quote, its link dropped."""
    markup = (
        '<blockquote class="twitter-tweet"><p>Hi <a href="javascript:x">now</a></p></blockquote>'
    )
    assert blocks(markup) == (mc.Quote(text="Hi now"),)


def test_blocks_to_html_writes_the_new_blocks_and_no_iframe() -> None:
    """A table, code, verse and an embed are written as table, pre and a link card figure."""
    html = blocks_to_html(
        [
            Table(caption="C", header_rows=[["h"]], rows=[[()]]),
            Preformatted(text="a < b", language="python"),
            Preformatted(text="l1\n l2", style="verse"),
            Embed(url="https://youtu.be/x", title="T", provider="YouTube", fallback="F"),
        ]
    )
    assert html == (
        "<table><caption>C</caption><thead><tr><th>h</th></tr></thead>"
        "<tbody><tr><td></td></tr></tbody></table>"
        '<pre><code class="language-python">a &lt; b</code></pre>'
        '<pre class="verse">l1\n l2</pre>'
        '<figure class="embed"><p><a href="https://youtu.be/x">T</a>'
        ' <span class="provider">YouTube</span></p><p class="fallback">F</p></figure>'
    )


@given(new_blocks())
def test_new_blocks_read_back_from_their_html(body: list[mc.Block]) -> None:
    """html_to_blocks(blocks_to_html(blocks)) gives the same tables, preformatted and embeds."""
    converted = html_to_blocks(blocks_to_html(body))
    assert converted.blocks == tuple(body)
    assert converted.warnings == ()


_ACTIVE_EMBEDS = [
    '<iframe src="javascript:alert(1)" onload="alert(2)">x</iframe>',
    '<iframe src="https://ok.example/" srcdoc="<script>alert(1)</script>"></iframe>',
    '<video src="https://ok.example/v.mp4" poster="javascript:x" onerror="alert(1)"></video>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<object data="javascript:alert(1)"><param name=x value=y></object>',
    '<blockquote class="twitter-tweet"><a href="javascript:alert(1)">x</a></blockquote>',
    '<table><tr><td><iframe src="vbscript:x"></iframe><script>alert(1)</script></td></tr></table>',
    '<pre><code class="language-x" onclick="alert(1)"><script>alert(1)</script></code></pre>',
    '<figure class="embed"><a href="javascript:alert(1)">x</a></figure>',
]


@pytest.mark.parametrize("markup", [*HOSTILE_MARKUP, *_ACTIVE_EMBEDS])
def test_hostile_markup_gives_inert_embeds_and_html(markup: str) -> None:
    """Embeds from hostile markup point at http(s) only; blocks_to_html has no active content."""
    converted = html_to_blocks(markup)
    found = [b for b in converted.blocks if isinstance(b, Embed)]
    assert all(urllib.parse.urlsplit(e.url).scheme in ("http", "https") for e in found)
    document = html5lib.parse(blocks_to_html(converted.blocks), namespaceHTMLElements=False)
    for element in document.iter():
        assert element.tag not in ("script", "iframe", "object", "embed", "video", "audio")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
        target = element.get("href", "").strip().lower()
        assert not target.startswith(("javascript:", "vbscript:", "data:", "file:"))
        source = element.get("src", "").strip().lower()
        assert not source.startswith(("javascript:", "vbscript:", "file:"))
