"""schema.org ``NewsArticle`` JSON-LD of an article: what the HTML page embeds, and ``-t jsonld``.

Reading JSON-LD back into an article is :func:`messenger_content.interchange.from_jsonld`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .. import _rules, urls
from ..models import Article, Correction, Image
from ..theme import plain_text

__all__ = ["is_absolute", "share_image", "to_jsonld"]


def is_absolute(url: str | None) -> bool:
    """Whether *url* is an absolute http(s) URL (what metadata may point at)."""
    return url is not None and urls.scheme(url) in ("http", "https")


def share_image(article: Article) -> Image | None:
    """The first image with an absolute URL (lead image first): metadata needs one."""
    candidates = [article.lead_image, *(b for b in article.body if isinstance(b, Image))]
    for image in candidates:
        if image is not None and is_absolute(image.src):
            return image
    return None


def to_jsonld(article: Article, *, with_body: bool = False) -> dict[str, Any]:
    """The schema.org ``NewsArticle`` object of *article*, as the HTML exporter embeds it.

    Args:
        article: The article.
        with_body: Also write ``articleBody`` (the body as plain text) and
            ``alternativeHeadline``, for a JSON-LD file that stands alone.
    """
    description = article.summary or article.subheadline
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
    }
    if description is not None:
        data["description"] = description
    if article.url is not None:
        data["url"] = article.url
        data["mainEntityOfPage"] = article.url
    if article.published is not None:
        data["datePublished"] = _rules.format_datetime(article.published)
    modified = article.updated or article.published
    if modified is not None:
        data["dateModified"] = _rules.format_datetime(modified)
    if article.authors:
        people = []
        for author in article.authors:
            person: dict[str, Any] = {"@type": "Person", "name": author.name}
            if is_absolute(author.url):
                person["url"] = author.url
            if author.role is not None:
                person["jobTitle"] = author.role
            people.append(person)
        data["author"] = people
    if article.publication is not None:
        publication = article.publication
        publisher: dict[str, Any] = {"@type": "NewsMediaOrganization", "name": publication.name}
        if publication.url is not None:
            publisher["url"] = publication.url
        if publication.logo is not None and is_absolute(publication.logo.src):
            publisher["logo"] = {"@type": "ImageObject", "url": publication.logo.src}
        data["publisher"] = publisher
    image = share_image(article)
    if image is not None:
        data["image"] = [image.src]
    data["inLanguage"] = article.language
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.section is not None:
        data["articleSection"] = article.section
    if article.rights is not None:
        data["copyrightNotice"] = article.rights
    if article.dateline is not None:
        data["dateline"] = article.dateline
    if article.corrections:
        data["correction"] = [_correction(correction) for correction in article.corrections]
    if with_body:
        if article.subheadline is not None:
            data["alternativeHeadline"] = article.subheadline
        from ..interchange.html_blocks import blocks_to_text  # lxml: only for a file of its own

        text = blocks_to_text(article.body)
        if text:
            data["articleBody"] = text
    return data


def _correction(correction: Correction) -> dict[str, Any]:
    """A correction as schema.org's ``CorrectionComment``: its text, and its date when known."""
    comment: dict[str, Any] = {"@type": "CorrectionComment", "text": plain_text(correction.text)}
    match correction.date:
        case None:
            pass
        case datetime():
            comment["datePublished"] = _rules.format_datetime(correction.date)
        case _:
            comment["datePublished"] = correction.date.isoformat()
    return comment
