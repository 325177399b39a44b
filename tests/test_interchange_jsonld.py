"""schema.org JSON-LD: NewsArticle read from the shapes pages use, and written as HTML embeds it."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given

import messenger_content as mc
from messenger_content.interchange import from_jsonld, to_jsonld
from messenger_content.models import Correction
from tests.helpers.interchange import corrections, datelines
from tests.strategies import articles

GRAPH: dict[str, Any] = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebPage", "@id": "https://news.example/a#page", "name": "page"},
        {
            "@type": "Person",
            "@id": "https://news.example/#ann",
            "name": "Ann Lee",
            "url": "https://news.example/ann",
            "jobTitle": "Reporter",
        },
        {
            "@type": "NewsMediaOrganization",
            "@id": "https://news.example/#org",
            "name": "The Example",
            "url": "https://news.example/",
            "logo": {"@type": "ImageObject", "url": "https://news.example/logo.png"},
        },
        {
            "@type": ["ReportageNewsArticle"],
            "@id": "https://news.example/a#article",
            "headline": "Rain falls",
            "alternativeHeadline": "A wet day",
            "description": "It rained.",
            "author": [
                {"@id": "https://news.example/#ann"},
                "Bo Ek",
                {"@type": "Organization", "name": "Desk"},
            ],
            "publisher": {"@id": "https://news.example/#org"},
            "datePublished": "2024-05-01T08:00:00+02:00",
            "dateModified": "2024-05-01T09:30:00+02:00",
            "image": [
                {
                    "@type": "ImageObject",
                    "url": "https://news.example/rain.jpg",
                    "width": 1200,
                    "caption": "Rain",
                },
                "https://news.example/rain-square.jpg",
            ],
            "articleSection": ["Weather", "Local"],
            "keywords": "rain, weather , ",
            "inLanguage": "en-GB",
            "articleBody": "First paragraph.\n\nSecond paragraph.",
            "dateline": "OSLO",
            "correction": {"@type": "CorrectionComment", "text": "The time was wrong."},
            "mainEntityOfPage": {"@id": "https://news.example/a"},
        },
    ],
}


def test_an_article_in_a_graph_with_references() -> None:
    """The article node of an @graph is found and its @id references are followed."""
    article, _ = from_jsonld(GRAPH)
    assert article.headline == "Rain falls"
    assert article.subheadline == "A wet day"
    assert article.summary == "It rained."
    assert article.authors == (
        mc.Author(name="Ann Lee", url="https://news.example/ann", role="Reporter"),
        mc.Author(name="Bo Ek"),
        mc.Author(name="Desk"),
    )
    assert article.publication is not None
    assert article.publication.name == "The Example"
    assert article.publication.logo == mc.Image(src="https://news.example/logo.png")
    tz = article.published.tzinfo if article.published is not None else None
    assert article.published == datetime(2024, 5, 1, 6, 0, tzinfo=timezone.utc)
    assert tz is not None
    assert article.updated == datetime(2024, 5, 1, 7, 30, tzinfo=timezone.utc)
    assert article.lead_image == mc.Image(
        src="https://news.example/rain.jpg", width=1200, caption="Rain"
    )
    assert article.section == "Weather"
    assert article.tags == ("rain", "weather")
    assert article.language == "en-GB"
    assert article.url == "https://news.example/a"
    assert article.body == (
        mc.Paragraph(text="First paragraph."),
        mc.Paragraph(text="Second paragraph."),
    )


def test_what_cannot_be_carried_is_a_warning() -> None:
    """Further images and sections are reported by their path; dateline and correction map."""
    _, warnings = from_jsonld(GRAPH)
    paths = {w.path for w in warnings}
    assert {"image", "articleSection"} <= paths
    assert not paths & {"dateline", "correction"}


@pytest.mark.parametrize(
    "kind", ["NewsArticle", "Article", "ReportageNewsArticle", "schema:NewsArticle"]
)
def test_a_list_of_nodes_and_each_article_type(kind: str) -> None:
    """A list of nodes is searched; each article type (prefixed or not) is read."""
    nodes = [
        {"@type": "BreadcrumbList"},
        {"@type": kind, "headline": "H", "author": {"@type": "Person", "name": "A"}},
    ]
    article, _ = from_jsonld(nodes)
    assert article.headline == "H"
    assert article.authors == (mc.Author(name="A"),)


def test_json_text_is_accepted() -> None:
    """The text of a <script type="application/ld+json"> element is read as it is."""
    article, _ = from_jsonld(
        json.dumps({"@type": "NewsArticle", "headline": "H", "keywords": ["a", "b"]})
    )
    assert article.tags == ("a", "b")


def test_an_html_article_body_goes_through_the_converter() -> None:
    """An articleBody holding markup becomes blocks, with script dropped and reported."""
    node = {
        "@type": "NewsArticle",
        "headline": "H",
        "articleBody": "<p>One</p><script>x()</script><p>Two</p>",
    }
    article, warnings = from_jsonld(node)
    assert article.body == (mc.Paragraph(text="One"), mc.Paragraph(text="Two"))
    assert any("<script>" in w.message for w in warnings)


@pytest.mark.parametrize(
    "document",
    [
        '{"@type": "NewsArticle", "headline": ',
        "[" * 100_000,
        b"\xff\xfe",
        '{"@type": "WebPage"}',
        "{}",
        5,
    ],
)
def test_broken_json_ld_is_a_content_error(document: object) -> None:
    """Broken JSON, no article node or no object at all: a ContentError, never a traceback."""
    with pytest.raises(mc.ContentError):
        from_jsonld(document)


def test_hostile_values_are_dropped_with_warnings() -> None:
    """javascript: URLs, control characters and wrong types leave a safe article and warnings."""
    node = {
        "@type": "NewsArticle",
        "headline": "H\x00i",
        "url": "javascript:alert(1)",
        "author": [{"@type": "Person", "name": "A", "url": "javascript:alert(2)"}, 7],
        "image": "javascript:alert(3)",
        "datePublished": "yesterday",
        "inLanguage": "<script>",
    }
    article, warnings = from_jsonld(node)
    assert article.headline == "Hi"
    assert article.url is None
    assert article.lead_image is None
    assert article.authors == (mc.Author(name="A"),)
    assert article.published is None
    assert "javascript" not in mc.dumps(article)
    assert {
        "headline",
        "url",
        "author[0].url",
        "author[1]",
        "image[0]",
        "datePublished",
        "inLanguage",
    } <= {w.path for w in warnings}


def embedded_json_ld(html: str) -> Any:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


@given(articles(max_blocks=3))
def test_to_jsonld_is_what_the_html_exporter_embeds(article: mc.Article) -> None:
    """to_jsonld(a) equals the JSON-LD object in to_html(a) (images left out: none are at hand)."""
    publication = article.publication and attrs.evolve(article.publication, logo=None)
    body = [
        attrs.evolve(block, poster=None) if isinstance(block, mc.Embed) else block
        for block in article.body
        if not isinstance(block, mc.Image)
    ]
    article = attrs.evolve(article, lead_image=None, publication=publication, body=body)
    assert to_jsonld(article) == embedded_json_ld(mc.to_html(article))


@given(articles(max_blocks=3))
def test_jsonld_round_trip_keeps_the_metadata(article: mc.Article) -> None:
    """from_jsonld(to_jsonld(a, with_body=True)) keeps headline, authors, dates, language, tags."""
    again, _ = from_jsonld(to_jsonld(article, with_body=True))
    assert again.headline == article.headline
    # Repeated authors and tags are read once (pages repeat them).
    assert {a.name for a in again.authors} == {a.name.strip() for a in article.authors}
    assert len(again.authors) <= len(article.authors)
    assert again.published == article.published
    assert again.language == article.language
    assert again.tags == tuple(dict.fromkeys(t.strip() for t in article.tags))


def test_dateline_and_a_correction_comment_are_read() -> None:
    """The dateline property is the dateline; a CorrectionComment is a correction."""
    article, _ = from_jsonld(GRAPH)
    assert article.dateline == "OSLO"
    assert article.corrections == (Correction(text="The time was wrong."),)


def test_corrections_in_every_shape_schema_org_allows() -> None:
    """A correction as text, a URL, or CorrectionComments dated by day or instant, or many."""
    node = {
        "@type": "NewsArticle",
        "headline": "H",
        "correction": [
            "The mayor's name was misspelled.",
            "https://news.example/corrections/12",
            {"@type": "CorrectionComment", "text": "A date.", "datePublished": "2024-05-02"},
            {
                "@type": "CorrectionComment",
                "text": "<p>An <em>instant</em>.</p>",
                "datePublished": "2024-05-02T09:30:00+02:00",
            },
        ],
    }
    article, warnings = from_jsonld(node)
    tz = timezone(timedelta(hours=2))
    assert article.corrections == (
        Correction(text="The mayor's name was misspelled."),
        Correction(text=[mc.Link(href="https://news.example/corrections/12")]),
        Correction(date=date(2024, 5, 2), text="A date."),
        Correction(
            date=datetime(2024, 5, 2, 9, 30, tzinfo=tz),
            text=["An ", mc.Emphasis(text="instant"), "."],
        ),
    )
    assert warnings == ()


def test_a_correction_without_text_or_with_a_bad_date_is_a_warning() -> None:
    """A CorrectionComment without text is dropped, a bad date dropped, each with its path."""
    node = {
        "@type": "NewsArticle",
        "headline": "H",
        "correction": [
            {"@type": "CorrectionComment", "datePublished": "2024-05-02"},
            {"@type": "CorrectionComment", "text": "Kept.", "datePublished": "2024-02-30"},
        ],
    }
    article, warnings = from_jsonld(node)
    assert article.corrections == (Correction(text="Kept."),)
    assert {"correction[0]", "correction[1].datePublished"} <= {w.path for w in warnings}


def test_to_jsonld_writes_the_dateline_and_correction_comments() -> None:
    """to_jsonld writes dateline, and each correction as a CorrectionComment (plain text)."""
    article = mc.Article(
        headline="H",
        dateline="KYIV, Ukraine",
        corrections=[
            Correction(date=date(2026, 12, 1), text=["A ", mc.Strong(text="name")]),
            Correction(date=datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc), text="A time."),
            Correction(text="Undated."),
        ],
        body=[mc.Paragraph(text="x")],
    )
    data = to_jsonld(article)
    assert data["dateline"] == "KYIV, Ukraine"
    assert data["correction"] == [
        {"@type": "CorrectionComment", "text": "A name", "datePublished": "2026-12-01"},
        {"@type": "CorrectionComment", "text": "A time.", "datePublished": "2026-12-02T08:00:00Z"},
        {"@type": "CorrectionComment", "text": "Undated."},
    ]


@given(articles(max_blocks=2), datelines(), corrections())
def test_dateline_and_corrections_survive_a_jsonld_round_trip(
    article: mc.Article, dateline: str | None, fixes: list[Correction]
) -> None:
    """from_jsonld(to_jsonld(a)) keeps the dateline and every correction, date and text."""
    article = attrs.evolve(article, dateline=dateline, corrections=fixes)
    again, _ = from_jsonld(to_jsonld(article, with_body=True))
    assert again.dateline == dateline
    assert again.corrections == tuple(fixes)
