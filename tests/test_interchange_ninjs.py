"""IPTC ninjs: the IPTC's own examples imported, exported, validated and round-tripped."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given

import messenger_content as mc
from messenger_content import urls
from messenger_content.interchange import detect, from_ninjs, to_jsonld, to_ninjs
from messenger_content.models import Correction, Embed, Preformatted, Table
from messenger_content.theme import plain_text
from tests.helpers.interchange import corrections, datelines, new_blocks
from tests.helpers.ninjs import NINJS, VALIDATOR
from tests.strategies import articles

#: The IPTC's renditions example shows renditions only: it has no headline.
WITHOUT_HEADLINE = {"002_renditions_example.json", "2.2-002_renditions_example.json"}
EXAMPLES = sorted(p for p in NINJS.glob("*/*.json") if p.name not in WITHOUT_HEADLINE)


def read(path: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def article_text(article: mc.Article) -> str:
    parts = [article.headline, article.subheadline or "", article.summary or ""]
    parts += [author.name for author in article.authors]
    for block in article.body:
        if isinstance(block, (mc.Paragraph, mc.Heading, mc.Quote)):
            parts.append(plain_text(block.text))
        elif isinstance(block, mc.ItemList):
            parts += [plain_text(item) for item in block.items]
        elif isinstance(block, mc.RelatedLink):
            parts += [block.title, block.summary or ""]
    return " ".join(parts)


def same_image(left: mc.Image | None, right: mc.Image | None) -> bool:
    """Equal images, captions compared word by word (HTML collapses white space)."""
    if left is None or right is None:
        return left is right
    caption = [words(plain_text(i.caption or ())) for i in (left, right)]
    fields = [
        (i.src, words(i.alt or ""), words(i.credit or ""), i.width, i.height) for i in (left, right)
    ]
    return caption[0] == caption[1] and fields[0] == fields[1]


def plain_body(document: dict[str, Any]) -> str | None:
    for body in document.get("bodies", []):
        kind = body.get("contentType", body.get("contenttype"))
        if kind == "text/plain" and "<" not in body["value"]:
            return str(body["value"])
    return None


def test_the_examples_are_here() -> None:
    """The 3.1 documentation examples and the agency examples (2.x and 3.x) are in the corpus."""
    names = {p.name for p in EXAMPLES}
    assert {"007_multimedia.json", "dpa_text.json", "tt_text_image_3.json"} <= names
    assert {"2.1-ntb_text.json", "aap-anti-doping-nitf.json", "ap_image.json"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_imports_to_a_valid_article(path: Path) -> None:
    """Each IPTC example becomes an article that survives the JSON format unchanged."""
    article, _warnings = from_ninjs(read(path))
    assert mc.loads(mc.dumps(article)) == article


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_exports_to_valid_ninjs_31(path: Path) -> None:
    """to_ninjs of each imported example validates against the ninjs 3.1 JSON Schema."""
    article, _ = from_ninjs(read(path))
    errors = [error.message for error in VALIDATOR.iter_errors(to_ninjs(article))]
    assert errors == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_survives_export_and_import(path: Path) -> None:
    """Importing what to_ninjs wrote gives the same article back."""
    article, _ = from_ninjs(read(path))
    again, _ = from_ninjs(to_ninjs(article))
    assert again == article


TEXT_ITEMS = [p for p in EXAMPLES if plain_body(read(p)) is not None]


@pytest.mark.parametrize("path", TEXT_ITEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_word_of_the_plain_text_body_is_imported(path: Path) -> None:
    """For text items, each word of the plain-text body is in the article (richest body read)."""
    document = read(path)
    article, _ = from_ninjs(document)
    # Substrings, not whole words: TT's HTML sets "<span>Försvar</span><span>TT</span>"
    # with no space between, as a browser would show it.
    imported = article_text(article)
    missing = [w for w in words(plain_body(document) or "") if w not in imported]
    assert missing == []


def test_text_items_are_many() -> None:
    """The word check above runs on several real text items, not on none."""
    assert len(TEXT_ITEMS) >= 8


def test_ninjs_2_and_3_spellings_give_the_same_article() -> None:
    """The 2.2 example (lower-case keys) and its 3.1 twin (camelCase) import alike."""
    for name in ("005_complex_text_article", "007_multimedia", "006_photo_only"):
        two, _ = from_ninjs(read(NINJS / "2.x" / f"2.2-{name}.json"))
        three, _ = from_ninjs(read(NINJS / "3.1" / f"{name}.json"))
        assert two == three


def test_the_richest_body_is_chosen() -> None:
    """With plain text and XHTML bodies, the XHTML one gives the paragraphs."""
    article, _ = from_ninjs(read(NINJS / "3.1" / "005_complex_text_article.json"))
    assert len(article.body) == 4
    assert all(isinstance(block, mc.Paragraph) for block in article.body)


def test_an_nitf_body_is_read() -> None:
    """AAP's NITF body (which opens with the lead the plain text lacks) is preferred and split."""
    article, _ = from_ninjs(read(NINJS / "3.0" / "aap-anti-doping-nitf.json"))
    assert len(article.body) > 10
    first = article.body[0]
    assert isinstance(first, mc.Paragraph)
    assert plain_text(first.text).startswith("The Australian Sports Anti-Doping Authority")


def test_metadata_of_the_multimedia_example() -> None:
    """Headline, byline, date, dateline, rights and id come from the documented properties."""
    article, warnings = from_ninjs(read(NINJS / "3.1" / "007_multimedia.json"))
    assert article.id == "http://ninjs.example.com/newsitems/20130709cplx456"
    assert article.headline == "Captain of wrecked cruise ship on trial in Italy"
    assert [a.name for a in article.authors] == ["Paulo Santalucia and Frances d'Emilio"]
    assert mc.dumps(article).count('"published": "2013-07-09T10:39:00Z"') == 1
    assert article.rights is not None
    assert article.rights.startswith("Copyright 2013")
    assert article.dateline == "Grossetto, Italy"
    assert "located" not in {w.path for w in warnings}


def test_associations_become_images_with_caption_alt_and_credit() -> None:
    """The first picture is the lead image: headline as alt, description caption, by credit."""
    article, _ = from_ninjs(read(NINJS / "3.1" / "007_multimedia.json"))
    lead = article.lead_image
    assert lead is not None
    assert lead.alt == "Costa Concordia cruise ship"
    assert lead.credit == "Paulo Santalucia"
    assert lead.caption is not None
    assert plain_text(lead.caption).startswith("The Costa Concordia")
    assert lead.src.endswith("-big.jpg")
    assert lead.width == 429
    portrait = article.body[-1]
    assert isinstance(portrait, mc.Image)
    assert portrait.alt == "Francesco Schettino at court"


def test_the_rendition_to_print_is_chosen() -> None:
    """Of TT's renditions (4724, 1024, 1024, 256 px) the one at least print size is taken."""
    article, _ = from_ninjs(read(NINJS / "3.0" / "tt_text_image_3.json"))
    assert article.lead_image is not None
    assert article.lead_image.width == 4724


def test_a_creditline_description_is_the_credit() -> None:
    """AP's picture item: the creditline description is the credit, the caption the caption."""
    article, _ = from_ninjs(read(NINJS / "3.0" / "ap_image.json"))
    assert article.lead_image is not None
    assert article.lead_image.credit == "ASSOCIATED PRESS"
    assert article.lead_image.caption is not None
    assert plain_text(article.lead_image.caption).startswith("FILE - In this Monday")


def test_people_with_an_author_relation_are_the_authors() -> None:
    """People with rel "author" become authors (with their uri); others are subjects."""
    document = {
        "uri": "urn:x:1",
        "headlines": [{"value": "H"}],
        "by": "A and B",
        "people": [
            {"name": "Ann", "rel": "author", "uri": "https://example.com/ann"},
            {"name": "Bo", "rel": "author"},
            {"name": "Mayor", "rel": "about"},
        ],
    }
    article, _ = from_ninjs(document)
    assert article.authors == (
        mc.Author(name="Ann", url="https://example.com/ann"),
        mc.Author(name="Bo"),
    )


def test_a_naive_time_is_read_as_utc_with_a_warning() -> None:
    """A date-time without an offset is taken as UTC and said so; a bare date is dropped."""
    document = {
        "uri": "urn:x:1",
        "headlines": [{"value": "H"}],
        "firstCreated": "2024-03-01T10:00:00",
        "versionCreated": "2024-03-02",
    }
    article, warnings = from_ninjs(document)
    assert article.published is not None
    assert article.published.utcoffset() is not None
    assert article.published.isoformat() == "2024-03-01T10:00:00+00:00"
    assert article.updated is None
    assert {w.path for w in warnings} == {"firstCreated", "versionCreated"}


def test_a_javascript_link_in_a_body_keeps_its_text_only() -> None:
    """A ninjs body with a javascript: link imports as text, with a warning naming the link."""
    document = {
        "uri": "urn:x:1",
        "headlines": [{"value": "H"}],
        "bodies": [
            {
                "contentType": "text/html",
                "value": '<p>Click <a href="javascript:alert(1)">here</a> now'
                '<img src="https://example.com/a.jpg" onerror="alert(2)"></p><script>x()</script>',
            }
        ],
    }
    article, warnings = from_ninjs(document)
    assert article.body[0] == mc.Paragraph(text="Click here now")
    assert isinstance(article.body[1], mc.Image)
    messages = " ".join(w.message for w in warnings)
    assert "javascript:" in messages
    assert "onerror" in messages
    assert "<script>" in messages
    assert "alert" not in mc.dumps(article)


@pytest.mark.parametrize(
    "document",
    [[], "text", {"uri": "urn:x:1"}, {"headlines": "not a list"}, {"headlines": [{"value": " "}]}],
)
def test_what_cannot_be_an_article_is_a_content_error(document: object) -> None:
    """No object or no headline: a ContentError, not a traceback."""
    with pytest.raises(mc.ContentError):
        from_ninjs(document)


def test_wrong_types_are_warnings() -> None:
    """Values of the wrong JSON type are dropped with a warning naming their path."""
    document = {
        "uri": 5,
        "headlines": [{"value": "H"}, "x"],
        "language": "not a language!",
        "firstCreated": 12,
        "subjects": "sport",
        "associations": [
            {"name": "a", "type": "picture", "renditions": [{"href": "javascript:x"}]}
        ],
    }
    article, warnings = from_ninjs(document)
    assert article.headline == "H"
    assert article.language == "en"
    assert article.id is None
    paths = {w.path for w in warnings}
    assert {"uri", "headlines[1]", "language", "firstCreated"} <= paths


def _embeds_have_hosts(article: mc.Article) -> bool:
    """Whether every embed's URL names a real host name, and every table holds some text.

    The format's pattern lets ``http://.`` through; a ninjs body's link card to
    it is read back as a paragraph of its address, with a warning, not as an
    embed. A table of empty cells is dropped on the way back, with a warning.
    """
    return all(
        urls.http_url(block.url) is not None
        for block in article.body
        if isinstance(block, mc.Embed)
    ) and all(
        any(cell for row in (*block.header_rows, *block.rows) for cell in row)
        for block in article.body
        if isinstance(block, mc.Table)
    )


@given(articles())
def test_round_trip_keeps_headline_authors_dates_body_and_images(article: mc.Article) -> None:
    """from_ninjs(to_ninjs(a)) keeps headline, author names, dates, body words and images."""
    assume(_embeds_have_hosts(article))
    document = to_ninjs(article)
    assert list(VALIDATOR.iter_errors(document)) == []
    again, _ = from_ninjs(document)
    assert again.headline == article.headline
    assert [a.name for a in again.authors] == [a.name for a in article.authors]
    if article.published is not None:
        assert again.published == article.published
        expected_update = article.updated if article.updated != article.published else None
        assert again.updated == expected_update
    else:
        assert again.published == article.updated
    assert words(article_text(again)) == words(article_text(article))
    assert same_image(again.lead_image, article.lead_image)
    images = [b for b in article.body if isinstance(b, mc.Image)]
    found = [b for b in again.body if isinstance(b, mc.Image)]
    assert len(found) == len(images)
    assert all(same_image(*pair) for pair in zip(found, images, strict=False))


def test_an_nitf_body_resolves_no_entity() -> None:
    """An NITF body declaring an external entity is read without fetching or expanding it."""
    nitf = (
        '<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        "<nitf><body><body.content><p>Before &secret; after</p></body.content></body></nitf>"
    )
    document = {
        "uri": "urn:x:1",
        "headlines": [{"value": "H"}],
        "bodies": [{"contentType": "text/vnd.IPTC.NITF", "value": nitf}],
    }
    article, _ = from_ninjs(document)
    assert article.body == (mc.Paragraph(text="Before after"),)


def test_ninjs_1_properties_are_read() -> None:
    """The 1.x properties headline, byline and body_html give headline, author and body."""
    document = {
        "uri": "urn:x:1",
        "headline": "Old style",
        "byline": "Ann",
        "body_html": "<p>One</p><p>Two</p>",
    }
    article, _ = from_ninjs(document)
    assert (article.headline, article.authors) == ("Old style", (mc.Author(name="Ann"),))
    assert article.body == (mc.Paragraph(text="One"), mc.Paragraph(text="Two"))


def test_a_hostile_association_is_dropped() -> None:
    """A picture whose renditions are javascript: or file: URLs gives no image, and says so."""
    document = {
        "uri": "urn:x:1",
        "headlines": [{"value": "H"}],
        "associations": [
            {
                "name": "pic",
                "uri": "urn:x:2",
                "type": "picture",
                "renditions": [
                    {"name": "a", "href": "javascript:alert(1)"},
                    {"name": "b", "href": "file:///etc/passwd"},
                ],
            }
        ],
    }
    article, warnings = from_ninjs(document)
    assert article.lead_image is None
    assert {"associations[0].renditions[0].href", "associations[0]"} <= {w.path for w in warnings}


@pytest.mark.parametrize("path", EXAMPLES[:5], ids=lambda p: p.name)
def test_json_text_and_detection(path: Path) -> None:
    """from_ninjs takes the JSON text too, and detect() names the IPTC examples ninjs."""
    text = path.read_text(encoding="utf-8")
    assert from_ninjs(text) == from_ninjs(json.loads(text))
    assert detect(json.loads(text)) == "ninjs"


def test_detect_tells_the_formats_apart() -> None:
    """detect() names our format, ninjs and JSON-LD, and nothing else."""
    article = mc.Article(headline="H", body=[mc.Paragraph(text="t")])
    assert detect(json.loads(mc.dumps(article))) == "article"
    assert detect(to_ninjs(article)) == "ninjs"
    assert detect(to_jsonld(article)) == "jsonld"
    assert detect([{"@type": "NewsArticle"}]) == "jsonld"
    assert [detect(v) for v in ({}, [], "x", {"uri": "u"}, [1])] == [None] * 5


def test_a_text_item_without_body_takes_its_text_description() -> None:
    """NTB's text item has no bodies: its "text" description becomes the body, and it is said."""
    document = read(NINJS / "3.0" / "ntb_text.json")
    article, warnings = from_ninjs(document)
    first = article.body[0]
    assert isinstance(first, mc.Paragraph)
    assert plain_text(first.text).startswith("IT-giganten Google")
    assert any(w.path == "descriptions" for w in warnings)


def test_located_is_the_dateline_both_ways() -> None:
    """The located property becomes the dateline; to_ninjs writes the dateline as located."""
    article, warnings = from_ninjs({"uri": "u", "headlines": [{"value": "H"}], "located": "OSLO"})
    assert article.dateline == "OSLO"
    assert warnings == ()
    document = to_ninjs(article)
    assert document["located"] == "OSLO"
    assert list(VALIDATOR.iter_errors(document)) == []


def test_corrections_are_descriptions_of_role_correction() -> None:
    """to_ninjs writes corrections as descriptions (role correction); they come back undated."""
    article = mc.Article(
        headline="H",
        summary="S.",
        corrections=[
            Correction(date=date(2026, 12, 1), text="Plain."),
            Correction(text=["A ", mc.Link(href="https://x.example/", text="link")]),
        ],
        body=[mc.Paragraph(text="x")],
    )
    document = to_ninjs(article)
    assert list(VALIDATOR.iter_errors(document)) == []
    assert document["descriptions"] == [
        {"role": "summary", "contentType": "text/plain", "value": "S."},
        {"role": "correction", "contentType": "text/plain", "value": "Plain."},
        {
            "role": "correction",
            "contentType": "text/html",
            "value": 'A <a href="https://x.example/">link</a>',
        },
    ]
    again, _ = from_ninjs(document)
    assert again.summary == "S."
    assert again.corrections == tuple(attrs.evolve(c, date=None) for c in article.corrections)


def test_a_correction_description_is_never_the_summary() -> None:
    """A lone description of role correction is a correction, not the summary."""
    article, _ = from_ninjs(
        {
            "uri": "u",
            "headlines": [{"value": "H"}],
            "descriptions": [{"role": "correction", "value": "Fixed."}],
        }
    )
    assert article.summary is None
    assert article.corrections == (Correction(text="Fixed."),)


def test_a_video_association_is_an_embed_with_a_poster() -> None:
    """Business Wire's video association: an embed of its MP4 rendition, a still as poster."""
    article, warnings = from_ninjs(read(NINJS / "3.0" / "businesswire-newsml-20130731006140.json"))
    embeds = [block for block in article.body if isinstance(block, Embed)]
    assert len(embeds) == 1
    assert embeds[0].url.endswith("Extended_MP4+1Mbps+import.mp4")
    assert embeds[0].poster is not None
    assert embeds[0].poster.src.endswith("Applebees-640.jpg")
    assert not [w for w in warnings if "video" in w.message]


def test_a_media_association_without_a_playable_rendition_is_a_warning() -> None:
    """An audio association whose only rendition is javascript: is dropped, with warnings."""
    article, warnings = from_ninjs(
        {
            "uri": "u",
            "headlines": [{"value": "H"}],
            "associations": [
                {
                    "name": "a",
                    "type": "audio",
                    "renditions": [{"href": "javascript:x", "contentType": "audio/mpeg"}],
                }
            ],
        }
    )
    assert article.body == ()
    assert {"associations[0]", "associations[0].renditions[0].href"} <= {w.path for w in warnings}


def test_new_blocks_in_a_body_validate_and_come_back() -> None:
    """A table, code, verse and an embed are written in the HTML body and read back whole."""
    body: list[mc.Block] = [
        Table(caption="C", header_rows=[["a", "b"]], rows=[["1", ()], ["ragged"]]),
        Preformatted(text="def f():\n    return 1", language="python"),
        Preformatted(text="Roses are red\n  violets blue", style="verse"),
        Embed(url="https://youtu.be/x", title="T", provider="YouTube", fallback="F"),
    ]
    article = mc.Article(headline="H", body=body)
    document = to_ninjs(article)
    assert list(VALIDATOR.iter_errors(document)) == []
    assert "<iframe" not in json.dumps(document)
    again, warnings = from_ninjs(document)
    assert again.body == tuple(body)
    assert warnings == ()


@given(articles(max_blocks=3), new_blocks(), datelines(), corrections())
def test_round_trip_keeps_tables_preformatted_embeds_and_the_dateline(
    article: mc.Article, blocks: list[mc.Block], dateline: str | None, fixes: list[Correction]
) -> None:
    """from_ninjs(to_ninjs(a)) keeps tables, preformatted blocks, embeds, dateline, corrections."""
    # The drawn article's own tables, code and embeds are left out: the ones compared
    # are those of new_blocks(), whose links always have their text (a link without
    # text comes back with its address as its text).
    kinds = (Table, Preformatted, Embed)
    others = [block for block in article.body if not isinstance(block, kinds)]
    article = attrs.evolve(article, body=[*others, *blocks], dateline=dateline, corrections=fixes)
    assume(_embeds_have_hosts(article))
    document = to_ninjs(article)
    assert list(VALIDATOR.iter_errors(document)) == []
    again, _ = from_ninjs(document)
    assert [b for b in again.body if isinstance(b, kinds)] == blocks
    assert again.dateline == dateline
    assert [plain_text(c.text) for c in again.corrections] == [plain_text(c.text) for c in fixes]
