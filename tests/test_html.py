"""The HTML exporter: structure, escaping, direction, options, media variants and goldens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import html5lib
import pytest
from PIL import Image as PILImage

import messenger_content as mc
from messenger_content import theme
from messenger_content.codec import unstructure
from messenger_content.exporters.html import to_html

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
DATA = Path(__file__).parent / "data" / "html"
GOLDEN = Path(__file__).parent / "golden"

Element = ET.Element


# --- helpers -----------------------------------------------------------------------


def parse(html: str) -> Element:
    """Parse a document as a browser would (html5lib), without namespaces."""
    root: Element = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    return root


def parse_fragment(html: str) -> list[Element]:
    """Parse markup as the content of a <body>, returning its top-level elements."""
    container: Element = html5lib.parseFragment(
        html, treebuilder="etree", namespaceHTMLElements=False
    )
    return list(container)


def find(root: Element, path: str) -> Element:
    """Return the first element matching *path*, failing the test if there is none."""
    found = root.find(path)
    assert found is not None, f"no element matches {path!r}"
    return found


def text(element: Element) -> str:
    """All the text inside *element*, with white space collapsed."""
    return " ".join("".join(element.itertext()).split())


def by_class(root: Element, name: str) -> list[Element]:
    """Elements whose class list contains *name*."""
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def json_ld(root: Element) -> dict[str, Any]:
    """The parsed JSON-LD of a document."""
    scripts = [s for s in root.iter("script") if s.get("type") == "application/ld+json"]
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0].text or "")
    return data


def meta(root: Element, key: str) -> list[str]:
    """The content of every <meta> named *key* (by ``name`` or ``property``)."""
    return [
        m.get("content") or ""
        for m in root.iter("meta")
        if key in (m.get("name"), m.get("property"))
    ]


def load(name: str) -> mc.Article:
    """A fixture article from tests/data/html."""
    return mc.load(DATA / f"{name}.json")


def render(article: mc.Article, **options: Any) -> str:
    """Render a fixture (remote sources allowed: fixtures link https images)."""
    options.setdefault("base_dir", DATA)
    options.setdefault("allow_remote", True)
    return to_html(article, **options)


@pytest.fixture(scope="module")
def every_field() -> mc.Article:
    """An article that sets every field and uses every block and inline type."""
    return load("every-field")


@pytest.fixture(scope="module")
def page(every_field: mc.Article) -> Element:
    """The every-field article as a parsed screen document."""
    return parse(render(every_field))


# --- document structure ----------------------------------------------------------


def test_document_is_html5_with_lang_dir_and_charset(page: Element) -> None:
    """The document declares its language, direction and encoding."""
    assert page.tag == "html"
    assert page.get("lang") == "en-US"
    assert page.get("dir") == "ltr"
    assert find(page, "head/meta[@charset]").get("charset") == "utf-8"
    assert find(page, "head/meta[@name='viewport']").get("content")


def test_header_has_masthead_headline_dek_and_byline(page: Element) -> None:
    """The <header> holds the masthead, <h1>, subheadline, byline and lead image."""
    header = find(page, ".//article/header")
    masthead = by_class(header, "masthead")[0]
    assert text(by_class(masthead, "masthead-name")[0]) == "The Example Gazette"
    assert text(by_class(masthead, "masthead-slogan")[0]) == "All the news that fits."
    assert find(masthead, "img").get("src") == "https://example.com/logo.png"
    assert [text(h) for h in page.iter("h1")] == ["Every field and every block, in one article"]
    assert text(by_class(header, "subheadline")[0]) == "A fixture for the HTML exporter's tests"
    assert text(by_class(header, "kicker")[0]) == "Science"
    lead = by_class(header, "lead-image")[0]
    assert lead.tag == "figure"
    assert find(lead, "img").get("alt") == "A test card"
    caption = find(lead, "figcaption")
    assert text(by_class(caption, "caption")[0]) == "The test card, in colour"
    assert text(by_class(caption, "credit")[0]) == "Example Archive"


def test_byline_links_authors_and_shows_roles(page: Element) -> None:
    """Authors are listed in order, linked when they have a URL, with their roles."""
    authors = by_class(page, "authors")[0]
    assert text(authors) == "By Ada Reporter (Senior Reporter), Ben Writer, and Cy Editor (Editor)"
    links = [(a.get("href"), a.get("rel"), text(a)) for a in authors.iter("a")]
    assert links == [
        ("https://example.com/authors/ada", "author", "Ada Reporter"),
        ("/authors/ben", "author", "Ben Writer"),
    ]
    assert [text(r) for r in by_class(authors, "author-role")] == ["Senior Reporter", "Editor"]


def test_dates_are_time_elements_with_datetime(page: Element) -> None:
    """Published and updated dates are <time> with a valid machine-readable datetime."""
    times = list(find(page, ".//article/header").iter("time"))
    assert [t.get("datetime") for t in times] == [
        "2024-02-29T09:05:07.123-04:00",
        "2024-03-01T23:59:00+05:30",
    ]
    assert text(times[0]) == "February 29, 2024, 9:05 AM GMT-04:00"
    assert text(times[1]) == "March 1, 2024, 11:59 PM GMT+05:30"


def test_every_inline_type_renders(page: Element) -> None:
    """Emphasis, strong (nested), links, bare links, anchors, code and line breaks."""
    first = find(page, ".//article/div[@class='article-body']/p")
    assert find(first, "em").text == "emphasised"
    strong = find(first, "strong")
    assert text(strong) == "strong with nested"
    assert find(strong, "em").text == "nested"
    links = {a.get("href"): text(a) for a in first.iter("a")}
    assert links == {
        "https://example.com/a?b=1&c=2": "link",
        "mailto:desk@example.com": "desk@example.com",
        "#background": "Background",
    }
    assert find(first, "code").text == "code <b>"
    assert first.find("code/b") is None
    assert find(first, "br").tail == "here."


def test_headings_keep_their_level_and_get_unique_anchors(page: Element) -> None:
    """Headings render at their level with unique ids that #links can target."""
    body = by_class(page, "article-body")[0]
    headings = [(h.tag, h.get("id"), text(h)) for h in body if h.tag[0] == "h" and h.tag != "hr"]
    assert headings == [
        ("h2", "background", "Background"),
        ("h3", "background-2", "Background"),
        ("h4", "h-2024-in-numbers", "2024 in numbers"),
        ("h5", "section-4", "\u2026"),
        ("h6", "level-six", "Level six"),
    ]
    ids = [e.get("id") for e in page.iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_block_quote_has_blockquote_attribution_and_cite(page: Element) -> None:
    """A block quote is a <blockquote> with its attribution and <cite> source beside it."""
    quotes = [f for f in page.iter("figure") if f.get("class") == "quote"]
    first = quotes[0]
    blockquote = find(first, "blockquote")
    assert blockquote.get("cite") == "https://example.com/source"
    assert text(blockquote) == "A block quote with everything."
    attribution = find(first, "figcaption")
    assert text(attribution) == "A. Speaker, The Source"
    cite = find(attribution, "cite")
    assert find(cite, "a").get("href") == "https://example.com/source"
    assert text(find(quotes[1], "figcaption/cite")) == "https://example.com/only-url"


def test_pull_quote_is_set_apart_in_an_aside(page: Element) -> None:
    """A pull quote sits in <aside class="pull-quote">, unlike a block quote."""
    pulls = by_class(page, "pull-quote")
    assert len(pulls) == 1
    assert pulls[0].tag == "aside"
    assert text(find(pulls[0], ".//blockquote")) == "A pull quote, no attribution."
    assert len(list(page.iter("blockquote"))) == 3


def test_images_are_figures_with_caption_and_credit(page: Element) -> None:
    """Body images are <figure>s; no description means alt="" and a caption omits alt."""
    body = by_class(page, "article-body")[0]
    figures = [f for f in body if f.tag == "figure" and "figure" in (f.get("class") or "")]
    decorative, captioned = figures
    assert find(decorative, "img").attrib == {"src": "pictures/decorative.png", "alt": ""}
    assert decorative.find("figcaption") is None
    image = find(captioned, "img")
    assert "alt" not in image.attrib
    caption = find(captioned, "figcaption")
    assert text(by_class(caption, "caption")[0]) == "Captioned but without alt text."
    assert text(by_class(caption, "credit")[0]) == "Staff"


def test_lists_are_ul_and_ol(page: Element) -> None:
    """Unordered and ordered lists keep their items and inline markup."""
    body = by_class(page, "article-body")[0]
    lists = [(e.tag, [text(li) for li in e]) for e in body if e.tag in ("ul", "ol")]
    assert lists == [("ul", ["one", "two, bold"]), ("ol", ["first", "second"])]
    assert find(body, "ul/li/strong").text == "bold"


def test_related_links_are_asides(page: Element) -> None:
    """Related stories are <aside>s with a label, a linked title and a summary."""
    related = by_class(page, "related")
    assert [r.tag for r in related] == ["aside", "aside"]
    assert text(related[0]) == "Related A related story Why it matters."
    assert find(related[0], ".//a").get("href") == "https://example.com/related"
    assert related[1].find(".//a") is None


def test_divider_is_hr(page: Element) -> None:
    """A divider is an <hr>."""
    assert len(list(by_class(page, "article-body")[0].iter("hr"))) == 1


def test_newsletter_has_a_labelled_form_and_hidden_success(page: Element) -> None:
    """With a signup_url the box has a real form: labelled email, button, legal, hidden thanks."""
    box = by_class(page, "newsletter")[0]
    assert box.tag == "aside"
    title = by_class(box, "newsletter-title")[0]
    assert box.get("aria-labelledby") == title.get("id")
    form = find(box, "form")
    assert form.get("action") == "https://example.com/signup"
    assert form.get("method") == "post"
    field = find(form, ".//input")
    assert field.get("type") == "email"
    assert field.get("required") is not None
    label = find(form, ".//label")
    assert label.get("for") == field.get("id")
    assert text(label) == "Email address"
    assert text(find(form, ".//button")) == "Subscribe"
    assert text(by_class(box, "newsletter-legal")[0]) == "Terms apply."
    success = by_class(box, "newsletter-success")[0]
    assert success.get("hidden") is not None
    assert text(success) == "Thanks! Check your inbox."


def test_newsletter_without_signup_url_has_no_form(page: Element) -> None:
    """Without a signup_url there is no form, only the box's texts."""
    box = by_class(page, "newsletter")[1]
    assert box.find(".//form") is None
    assert text(box) == "A box without a form"


def test_footer_lists_tags_and_rights(page: Element) -> None:
    """The article's <footer> lists its tags and the rights line."""
    footer = find(page, ".//article/footer")
    assert [text(li) for li in footer.iter("li")] == ["fixtures", "testing"]
    assert text(by_class(footer, "rights")[0]) == "\u00a9 2024 The Example Gazette"


def test_every_block_type_has_a_template() -> None:
    """Each block class maps to a template that exists in the default theme."""
    from messenger_content.exporters.html import BLOCK_TEMPLATES
    from messenger_content.models import BLOCK_CLASSES

    assert set(BLOCK_TEMPLATES) == set(BLOCK_CLASSES)
    for name in BLOCK_TEMPLATES.values():
        assert (theme.DEFAULT_THEME / name).is_file()


def test_unknown_block_type_raises(every_field: mc.Article) -> None:
    """A body item that is not a known block is a bug that raises, not dropped text."""

    @attrs.frozen
    class Sidebar:
        type = "sidebar"

    broken = attrs.evolve(every_field)
    object.__setattr__(broken, "body", (*every_field.body, Sidebar()))
    with pytest.raises(AssertionError):
        render(broken)


def test_unknown_inline_type_raises() -> None:
    """An inline item that is not a known node is a bug that raises."""
    paragraph = mc.Paragraph(text="fine")
    object.__setattr__(paragraph, "text", ("fine", object()))
    article = mc.Article(headline="H", body=[paragraph])
    with pytest.raises(AssertionError):
        to_html(article)


# --- metadata ------------------------------------------------------------------------


def test_head_has_title_description_and_canonical(page: Element) -> None:
    """<title> is "headline — publication"; description and canonical URL are set."""
    assert (
        text(find(page, "head/title"))
        == "Every field and every block, in one article \u2014 The Example Gazette"
    )
    assert meta(page, "description") == [
        "An article that sets every optional field and uses every block and inline type,"
        " some of them twice."
    ]
    assert find(page, "head/link[@rel='canonical']").get("href") == (
        "https://example.com/news/every-field"
    )


def test_json_ld_describes_a_news_article(page: Element) -> None:
    """The JSON-LD is a schema.org NewsArticle with every field the article has."""
    data = json_ld(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Every field and every block, in one article"
    assert data["description"].startswith("An article that sets every optional field")
    assert data["datePublished"] == "2024-02-29T09:05:07.123456-04:00"
    assert data["dateModified"] == "2024-03-01T23:59:00+05:30"
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ada Reporter",
            "url": "https://example.com/authors/ada",
            "jobTitle": "Senior Reporter",
        },
        {"@type": "Person", "name": "Ben Writer"},
        {"@type": "Person", "name": "Cy Editor", "jobTitle": "Editor"},
    ]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "name": "The Example Gazette",
        "url": "https://example.com/",
        "logo": {"@type": "ImageObject", "url": "https://example.com/logo.png"},
    }
    assert data["image"] == ["https://example.com/lead.jpg"]
    assert data["inLanguage"] == "en-US"
    assert data["keywords"] == ["fixtures", "testing"]
    assert data["articleSection"] == "Science"
    assert data["url"] == "https://example.com/news/every-field"


def test_open_graph_and_twitter_tags(page: Element) -> None:
    """Open Graph and Twitter card tags carry the article's metadata."""
    expected = {
        "og:type": ["article"],
        "og:title": ["Every field and every block, in one article"],
        "og:url": ["https://example.com/news/every-field"],
        "og:image": ["https://example.com/lead.jpg"],
        "og:site_name": ["The Example Gazette"],
        "og:locale": ["en_US"],
        "article:published_time": ["2024-02-29T09:05:07.123456-04:00"],
        "article:modified_time": ["2024-03-01T23:59:00+05:30"],
        "article:section": ["Science"],
        "article:tag": ["fixtures", "testing"],
        "twitter:card": ["summary_large_image"],
        "twitter:title": ["Every field and every block, in one article"],
        "twitter:image": ["https://example.com/lead.jpg"],
    }
    assert {key: meta(page, key) for key in expected} == expected
    assert meta(page, "og:description") == meta(page, "description")


def test_relative_and_data_images_stay_out_of_metadata(tmp_path: Path) -> None:
    """og:image and JSON-LD image name only absolute URLs, never paths or data: URIs."""
    picture = tmp_path / "lead.png"
    PILImage.new("RGB", (4, 3), "red").save(picture)
    article = mc.Article(
        headline="H",
        lead_image=mc.Image(src="lead.png", alt="red"),
        body=[mc.Paragraph(text="x")],
    )
    for embed in (False, True):
        root = parse(to_html(article, base_dir=tmp_path, embed_images=embed))
        assert meta(root, "og:image") == []
        assert meta(root, "twitter:card") == ["summary"]
        assert "image" not in json_ld(root)


def test_minimal_article_has_only_what_it_knows() -> None:
    """An article with a headline and one paragraph renders without empty metadata."""
    html = to_html(mc.Article(headline="Just a headline", body=[mc.Paragraph(text="x")]))
    root = parse(html)
    assert text(find(root, "head/title")) == "Just a headline"
    assert root.find("head/link[@rel='canonical']") is None
    assert meta(root, "description") == []
    assert json_ld(root) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Just a headline",
        "inLanguage": "en",
    }
    assert root.find(".//header/div[@class='byline']") is None
    assert root.find(".//footer") is None
    assert all(m.get("content") for m in root.iter("meta") if m.get("charset") is None)


# --- escaping ------------------------------------------------------------------------

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>\"' & </style></script><!--"


def evil_article() -> mc.Article:
    """An article with markup and script in every text field."""
    return mc.Article(
        url="https://example.com/x?a=1&b='2'",
        language="en",
        headline=f"Headline {EVIL}",
        subheadline=f"Dek {EVIL}",
        summary=f"Summary {EVIL}",
        publication=mc.Publication(
            name=f"Pub {EVIL}",
            slogan=f"Slogan {EVIL}",
            url="https://example.com/'onmouseover='alert(3)",
            logo=mc.Image(src="https://example.com/logo.png", alt=f"Logo {EVIL}"),
        ),
        authors=[
            mc.Author(name=f"Author {EVIL}", role=f"Role {EVIL}", url="https://example.com/'&x=1'")
        ],
        section=f"Section {EVIL}",
        tags=[f"Tag {EVIL}"],
        lead_image=mc.Image(
            src="https://example.com/lead.jpg?'onload='alert(4)",
            alt=f"Alt {EVIL}",
            caption=f"Caption {EVIL}",
            credit=f"Credit {EVIL}",
        ),
        rights=f"Rights {EVIL}",
        body=[
            mc.Paragraph(
                text=[
                    f"Text {EVIL}",
                    mc.Emphasis(text=f"Em {EVIL}"),
                    mc.Strong(text=f"Strong {EVIL}"),
                    mc.Link(href="https://example.com/'onclick='alert(5)", text=f"Link {EVIL}"),
                    mc.Link(href="#'&amp;script"),
                    mc.Code(text=f"Code {EVIL}"),
                ]
            ),
            mc.Heading(text=f"Heading {EVIL}"),
            mc.Quote(
                text=f"Quote {EVIL}",
                attribution=f"Attribution {EVIL}",
                source=f"Source {EVIL}",
                url="https://example.com/'q",
            ),
            mc.Quote(text=f"Pull {EVIL}", attribution=f"Pull attribution {EVIL}", style="pull"),
            mc.Image(
                src="https://example.com/i.png",
                alt=f"Body alt {EVIL}",
                caption=f"Body caption {EVIL}",
                credit=f"Body credit {EVIL}",
            ),
            mc.ItemList(items=[f"Item {EVIL}"]),
            mc.RelatedLink(
                title=f"Related {EVIL}", url="https://example.com/r", summary=f"Summary {EVIL}"
            ),
            mc.Newsletter(
                title=f"Newsletter {EVIL}",
                description=f"Description {EVIL}",
                legal=f"Legal {EVIL}",
                signup_url="https://example.com/s",
                button_label=f"Button {EVIL}",
                success_title=f"Success {EVIL}",
                success_message=f"Message {EVIL}",
            ),
        ],
    )


def all_strings(article: mc.Article) -> Iterator[str]:
    """Every string in the article's JSON form that carries EVIL."""
    stack: list[Any] = [unstructure(article)]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and EVIL in item:
            yield item


@pytest.mark.parametrize("media", theme.MEDIA)
def test_no_text_becomes_markup(media: theme.Media) -> None:
    """Markup and script in every text field stay text: no new elements or attributes."""
    article = evil_article()
    root = parse(to_html(article, media=media, allow_remote=True, css=EVIL))
    scripts = [s.get("type") for s in root.iter("script")]
    assert scripts == ([] if media == "epub" else ["application/ld+json"])
    assert [e for e in root.iter() if not isinstance(e.tag, str)] == []  # no comments
    assert [e.get("src") for e in root.iter("img") if e.get("src") == "x"] == []
    for element in root.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    (style,) = root.iter("style")
    assert "alert(1)" in (style.text or "")  # the extra CSS stayed inside <style>
    shown = "".join(find(root, "body").itertext())
    alts = {image.get("alt") for image in root.iter("img")}
    hidden = {
        "screen": (),
        "print": ("Button", "Success", "Message"),
        "epub": ("Success", "Message"),
    }
    for value in all_strings(article):
        if value == article.summary or value.startswith(hidden[media]):
            continue  # metadata only, or a form's texts where there is no form
        assert value in shown or value in alts, value


def test_json_ld_cannot_close_its_script() -> None:
    """JSON-LD escapes <, > and & so text cannot end the script, and still parses verbatim."""
    article = evil_article()
    html = to_html(article, allow_remote=True)
    start = html.index('<script type="application/ld+json">')
    end = html.index("</script>", start)
    raw = html[start:end]
    assert "<" not in raw[1:]
    assert "&" not in raw
    data = json_ld(parse(html))
    assert data["headline"] == article.headline
    assert data["author"][0]["name"] == f"Author {EVIL}"
    assert data["publisher"]["name"] == f"Pub {EVIL}"
    assert data["keywords"] == [f"Tag {EVIL}"]


def test_attributes_keep_quotes_inside() -> None:
    """URLs with quotes stay inside their attribute values."""
    root = parse(to_html(evil_article(), allow_remote=True))
    hrefs = {a.get("href") for a in root.iter("a")}
    assert "https://example.com/'onclick='alert(5)" in hrefs
    assert "https://example.com/'&x=1'" in hrefs
    assert "#'&amp;script" in hrefs
    lead = by_class(root, "lead-image")[0]
    assert find(lead, "img").get("src") == "https://example.com/lead.jpg?'onload='alert(4)"
    assert root.find(".//x") is None


# --- direction -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "he", "fa", "ur", "ar-EG", "ku-Arab", "yi", "ckb"])
def test_rtl_languages_get_dir_rtl(language: str) -> None:
    """Right-to-left languages set dir="rtl" on the document."""
    article = mc.Article(language=language, headline="H", body=[mc.Paragraph(text="x")])
    root = parse(to_html(article))
    assert (root.get("lang"), root.get("dir")) == (language, "rtl")


@pytest.mark.parametrize("language", ["en", "hy-AM", "ru", "ku-Latn", "az-Latn", "zh-Hant-TW"])
def test_ltr_languages_get_dir_ltr(language: str) -> None:
    """Left-to-right languages (and Latin-script variants of RTL ones) set dir="ltr"."""
    assert theme.text_direction(language) == "ltr"


def test_arabic_article_renders_right_to_left() -> None:
    """The Arabic fixture is rtl in the document and in fragment mode, text intact."""
    article = load("rtl-arabic")
    root = parse(render(article))
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert text(find(root, ".//h1")) == article.headline
    (element,) = parse_fragment(render(article, fragment=True))
    assert (element.tag, element.get("lang"), element.get("dir")) == ("article", "ar", "rtl")


def test_labels_can_be_replaced() -> None:
    """The wording can be replaced per call, each phrase keeping its placeholders."""
    article = load("rtl-arabic")
    labels = {
        "by": "\u0628\u0642\u0644\u0645 {authors}",
        "email": "\u0627\u0644\u0628\u0631\u064a\u062f",
    }
    root = parse(render(article, labels=labels))
    assert text(by_class(root, "authors")[0]).startswith("\u0628\u0642\u0644\u0645 ")
    assert text(find(root, ".//form//label")) == "\u0627\u0644\u0628\u0631\u064a\u062f"
    with pytest.raises(ValueError, match="unknown label 'bye'"):
        render(article, labels={"bye": "x"})
    with pytest.raises(ValueError, match=r"label 'by' must hold \{authors\}"):
        render(article, labels={"by": "x"})


# --- options ---------------------------------------------------------------------------


def test_fragment_is_just_the_article(every_field: mc.Article) -> None:
    """fragment=True returns one <article> with lang and dir, no document around it."""
    html = render(every_field, fragment=True)
    assert html.startswith("<article ")
    assert html.endswith("</article>\n")
    elements = parse_fragment(html)
    assert [e.tag for e in elements] == ["article"]
    assert (elements[0].get("lang"), elements[0].get("dir")) == ("en-US", "ltr")
    for tag in ("<style", "<script", "<meta", "<head>", "<body"):
        assert tag not in html


def test_embed_images_inlines_data_uris(tmp_path: Path) -> None:
    """embed_images=True writes every image (lead, body, logo) as a data: URI."""
    for name, colour in (("lead.png", "red"), ("body.png", "blue"), ("logo.png", "green")):
        PILImage.new("RGB", (8, 6), colour).save(tmp_path / name)
    article = mc.Article(
        headline="H",
        publication=mc.Publication(name="P", logo=mc.Image(src="logo.png")),
        lead_image=mc.Image(src="lead.png", alt="lead"),
        body=[mc.Image(src="body.png", alt="body")],
    )
    linked = parse(to_html(article, base_dir=tmp_path))
    assert sorted(i.get("src") or "" for i in linked.iter("img")) == [
        "body.png",
        "lead.png",
        "logo.png",
    ]
    embedded = parse(to_html(article, base_dir=tmp_path, embed_images=True))
    sources = [i.get("src") or "" for i in embedded.iter("img")]
    assert len(sources) == 3
    assert all(s.startswith("data:image/png;base64,") for s in sources)


def test_resource_policy_refuses_escapes() -> None:
    """Linked images go through the resource policy: ../ escapes and remote URLs are refused."""
    escaping = mc.Article(headline="H", body=[mc.Image(src="../secret.png", alt="x")])
    with pytest.raises(mc.ResourceError):
        to_html(escaping, base_dir=DATA)
    remote = mc.Article(headline="H", body=[mc.Image(src="https://example.com/a.png", alt="x")])
    with pytest.raises(mc.ResourceError):
        to_html(remote, base_dir=DATA)
    assert "https://example.com/a.png" in to_html(remote, base_dir=DATA, allow_remote=True)


def test_image_src_maps_urls_in_markup(every_field: mc.Article) -> None:
    """image_src decides the URL written for each image (the EPUB exporter's hook)."""
    root = parse(render(every_field, image_src=lambda src: "images/" + src.rsplit("/", 1)[-1]))
    assert sorted(i.get("src") or "" for i in root.iter("img")) == [
        "images/captioned.png",
        "images/decorative.png",
        "images/lead.jpg",
        "images/logo.png",
    ]


def test_image_src_sees_images_in_reading_order(every_field: mc.Article) -> None:
    """image_src is called once per image, in document order: logo, lead image, body."""
    seen: list[str] = []

    def record(src: str) -> str:
        seen.append(src)
        return src

    render(every_field, image_src=record)
    assert seen == [
        "https://example.com/logo.png",
        "https://example.com/lead.jpg",
        "pictures/decorative.png",
        "pictures/captioned.png",
    ]


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("What the pilot includes", "what-the-pilot-includes"),
        ("  Tomás & Ibáñez: 7\u20132!  ", "tomás-ibáñez-7-2"),
        ("2024 in review", "h-2024-in-review"),
        ("Ինչ է ներառում", "ինչ-է-ներառում"),
        ("\u2026 !", ""),
    ],
)
def test_slug_makes_anchor_names(heading: str, anchor: str) -> None:
    """Anchors keep letters and digits of any script, lower-cased, joined by hyphens."""
    assert theme.slug(heading) == anchor


def test_extra_css_follows_the_theme(every_field: mc.Article) -> None:
    """css= is appended after the theme's stylesheet, inside the one <style>."""
    root = parse(render(every_field, css="body { color: rebeccapurple; }"))
    (style,) = root.iter("style")
    css = style.text or ""
    assert css.index("--measure") < css.index("rebeccapurple")


def test_stylesheet_href_links_instead_of_inlining(every_field: mc.Article) -> None:
    """stylesheet_href= links a stylesheet and leaves out the inline one."""
    root = parse(render(every_field, stylesheet_href="style.css"))
    assert list(root.iter("style")) == []
    assert find(root, "head/link[@rel='stylesheet']").get("href") == "style.css"


def test_template_dir_overrides_templates_and_css(tmp_path: Path, every_field: mc.Article) -> None:
    """A template folder replaces templates and stylesheets by name; the rest stay."""
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "paragraph.html").write_text(
        '<p class="custom">{{ block.text }}</p>\n', encoding="utf-8"
    )
    (tmp_path / "screen.css").write_text("body { margin: 3rem; }\n", encoding="utf-8")
    root = parse(render(every_field, template_dir=tmp_path))
    paragraph = by_class(root, "custom")[0]
    assert find(paragraph, "em").text == "emphasised"
    (style,) = root.iter("style")
    assert (style.text or "").strip() == "body { margin: 3rem; }"
    assert by_class(root, "newsletter")  # other templates still come from the default theme


def test_broken_template_dir_is_an_export_error(tmp_path: Path, every_field: mc.Article) -> None:
    """A missing folder or a template with an undefined name raises ExportError."""
    with pytest.raises(mc.ExportError, match="template folder not found"):
        render(every_field, template_dir=tmp_path / "missing")
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "divider.html").write_text("<hr>{{ block.nope }}\n", encoding="utf-8")
    with pytest.raises(mc.ExportError, match="divider"):
        render(every_field, template_dir=tmp_path)


def test_unknown_media_is_refused(every_field: mc.Article) -> None:
    """The media must be screen, print or epub."""
    with pytest.raises(ValueError, match="unknown media"):
        render(every_field, media="tv")


# --- media variants ----------------------------------------------------------------------


def test_print_shows_urls_as_text_and_no_form(every_field: mc.Article) -> None:
    """media="print": no form; the sign-up URL and related links' URLs are visible text."""
    root = parse(render(every_field, media="print"))
    assert root.find(".//form") is None
    box = by_class(root, "newsletter")[0]
    assert text(by_class(box, "newsletter-signup")[0]) == "Sign up at https://example.com/signup"
    assert by_class(box, "newsletter-success") == []
    related = by_class(root, "related")
    assert text(by_class(related[0], "related-url")[0]) == "https://example.com/related"
    assert by_class(related[1], "related-url") == []
    assert meta(root, "dcterms.created") == ["2024-02-29T09:05:07.123456-04:00"]
    assert meta(root, "og:title") == []


def test_print_uses_the_print_stylesheet(tmp_path: Path, every_field: mc.Article) -> None:
    """Each media inlines its own stylesheet from the theme."""
    for media in theme.MEDIA:
        (tmp_path / f"{media}.css").write_text(f"/* {media} sheet */\n", encoding="utf-8")
    for media in theme.MEDIA:
        root = parse(render(every_field, media=media, template_dir=tmp_path))
        (style,) = root.iter("style")
        assert (style.text or "").strip() == f"/* {media} sheet */"


def test_screen_related_links_do_not_print_urls(page: Element) -> None:
    """media="screen" leaves URLs in links only."""
    assert by_class(page, "related-url") == []
    assert by_class(page, "newsletter-signup") == []


def test_epub_is_wellformed_xhtml_without_scripts(every_field: mc.Article) -> None:
    """media="epub": XML-parseable XHTML, no scripts or social tags, a plain sign-up link."""
    html = render(every_field, media="epub")
    tree = ET.fromstring(html.split("\n", 1)[1])  # after the doctype
    xhtml = "{http://www.w3.org/1999/xhtml}"
    assert tree.tag == f"{xhtml}html"
    assert (tree.get("lang"), tree.get("dir")) == ("en-US", "ltr")
    assert tree.find(f".//{xhtml}script") is None
    assert tree.find(f".//{xhtml}form") is None
    assert not [m for m in tree.iter(f"{xhtml}meta") if (m.get("property") or "").startswith("og:")]
    link = tree.find(f".//{xhtml}p[@class='newsletter-signup']/{xhtml}a")
    assert link is not None
    assert (link.get("href"), link.text) == ("https://example.com/signup", "Subscribe")
    assert tree.find(f".//{xhtml}br") is not None


# --- whole documents ---------------------------------------------------------------------


def test_output_is_deterministic_and_ends_with_newline(every_field: mc.Article) -> None:
    """Two renders are identical, and the output ends with one newline."""
    for options in ({}, {"fragment": True}, {"media": "print"}, {"media": "epub"}):
        first, second = render(every_field, **options), render(every_field, **options)
        assert first == second
        assert first.endswith(">\n")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_example_matches_golden(path: Path) -> None:
    """Each example renders exactly as its golden file (UPDATE_GOLDEN=1 rewrites them)."""
    html = to_html(mc.load(path), base_dir=path.parent)
    golden = GOLDEN / f"{path.parent.name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert golden.read_text(encoding="utf-8") == html


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_example_keeps_every_body_text(path: Path) -> None:
    """Every paragraph of each example appears in the HTML's body text, in order."""
    article = mc.load(path)
    body = text(by_class(parse(to_html(article, base_dir=path.parent)), "article-body")[0])
    position = 0
    for block in article.body:
        if isinstance(block, mc.Paragraph):
            wanted = " ".join(theme.plain_text(block.text).split())
            wanted = wanted.replace("#what-the-pilot-includes", "What the pilot includes")
            position = body.index(wanted, position)


def test_exporting_text_formats_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    """The package and its HTML/text/Markdown exports never import WeasyPrint or ebooklib."""
    example = EXAMPLES[0] if EXAMPLES else DATA / "rtl-arabic.json"
    script = f"""
import importlib, importlib.util, sys
import messenger_content as mc
from messenger_content.exporters.html import to_html
article = mc.load({str(example)!r})
to_html(article, base_dir={str(example.parent)!r}, embed_images=True)
done = ["html"]
for module, function in (("text", "to_text"), ("markdown", "to_markdown")):
    name = "messenger_content.exporters." + module
    if importlib.util.find_spec(name) is not None:
        getattr(importlib.import_module(name), function)(article)
        done.append(module)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "ebooklib"))
print(",".join(done), ",".join(heavy) or "-")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    exported, heavy = result.stdout.split()
    assert exported.startswith("html")
    assert heavy == "-"


def test_a_link_inside_a_link_renders_as_text() -> None:
    """HTML forbids nested links: an inner link (or a heading link label) keeps only its text."""
    article = mc.Article(
        headline="H",
        body=[
            mc.Heading(text=["See ", mc.Link(href="https://example.org/a", text="a")]),
            mc.Paragraph(
                text=[
                    mc.Link(
                        href="https://example.org/outer",
                        text=[
                            "outer ",
                            mc.Emphasis(text=mc.Link(href="https://x.org", text="inner")),
                        ],
                    ),
                    " and ",
                    mc.Link(href="#see-a"),
                ]
            ),
        ],
    )
    root = parse(to_html(article))
    for anchor in root.iter("a"):
        assert anchor.find(".//a") is None
    texts = [
        "".join(a.itertext()) for a in root.iter("a") if a.get("href") != "https://example.org/a"
    ]
    assert "outer inner" in texts
    assert "See a" in texts


@pytest.mark.parametrize(
    ("published", "machine", "shown"),
    [
        ("1865-10-03T01:37:00+23:59", "1865-10-02T01:38:00Z", "3 octobre 1865, 01:37 UTC+23:59"),
        ("1981-06-30T09:51:00-14:09", "1981-07-01T00:00:00Z", "30 juin 1981, 09:51 UTC-14:09"),
        ("2024-03-10T09:15:00+14:00", "2024-03-10T09:15:00+14:00", "10 mars 2024, 09:15 UTC+14:00"),
        ("2024-03-10T09:15:00-12:00", "2024-03-10T09:15:00-12:00", "10 mars 2024, 09:15 UTC-12:00"),
    ],
)
def test_offsets_no_zone_uses_are_written_in_utc_for_machines(
    published: str, machine: str, shown: str
) -> None:
    """``datetime`` keeps real zones' offsets; others become UTC. The text keeps the article's."""
    article = mc.loads(
        json.dumps({"headline": "H", "language": "fr", "published": published, "body": []})
    )
    page = to_html(article)
    assert f'<time datetime="{machine}"' in page
    assert f">{shown}</time>" in page
