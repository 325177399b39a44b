"""An edition as CommonMark: front matter, a contents list, then every article in order.

::

    ---
    title: "The Morning Edition"           the edition's front matter: title, subtitle,
    date: "2026-12-07"                     date, language, publisher, rights, description
    ---

    # The Morning Edition

    *Monday 7 December 2026*

    ## Contents

    - City                                 section titles, and the articles numbered
      1. Council backs ...                 across the edition
      2. ...

    # City                                 a section's title opens it

    # Council backs ...                    each article as to_markdown writes it,
                                           without its own front matter
    ---                                    a thematic break between articles

Each article is written as :func:`~messenger_content.to_markdown` writes it
(:func:`~messenger_content.exporters.markdown.article_markdown`), in its own
language; its links are inline links, so they stay with it. An article's
image sources are relative to its own folder: when that is not the edition's
folder, they are written relative to the edition's folder, so the file finds
every image when it is saved there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import attrs

from ...editions import folder_of
from ...i18n import labels_for
from ...models import Article, Block, Edition, EditionArticle, Embed, Emphasis, Image
from .._images import check_choice
from ..markdown import article_markdown, image_destinations, inline_markdown, yaml_string
from . import folder_url, rebased
from ._contents import groups, issued_text

__all__ = ["edition_to_markdown"]


def _edition_front_matter(edition: Edition) -> str:
    lines = ["---"]
    fields = {
        "title": edition.title,
        "subtitle": edition.subtitle,
        "date": None if edition.issued is None else edition.issued.isoformat(),
        "language": edition.language,
        "publisher": None if edition.publication is None else edition.publication.name,
        "rights": edition.rights,
        "description": edition.description,
    }
    lines += [f"{key}: {yaml_string(value)}" for key, value in fields.items() if value]
    lines.append("---")
    return "\n".join(lines)


def _rebased(article: Article, prefix: str) -> Article:
    """*article* with its relative image sources made relative to the edition's folder.

    *prefix* is the article's folder as a URL path from the edition's
    (:func:`~messenger_content.exporters.editions.folder_url`).
    """

    def moved(image: Image) -> Image:
        src = rebased(image.src, prefix)
        return image if src == image.src else attrs.evolve(image, src=src)

    def rebased_block(block: Block) -> Block:
        if isinstance(block, Image):
            return moved(block)
        if isinstance(block, Embed) and block.poster is not None:
            return attrs.evolve(block, poster=moved(block.poster))
        return block

    body = tuple(rebased_block(block) for block in article.body)
    lead = None if article.lead_image is None else moved(article.lead_image)
    return attrs.evolve(article, body=body, lead_image=lead)


def _entry_markdown(
    entry: EditionArticle,
    base_dir: str | os.PathLike[str] | None,
    images: _Images,
    labels: Mapping[str, str] | None,
) -> str:
    """One article as to_markdown writes it, without its front matter (nor final newline)."""
    article = entry.article
    words = labels_for(article.language, labels)
    if images.rewrite:  # images go through the policy of the article's own folder
        folder = folder_of(entry, Path.cwd() if base_dir is None else base_dir)
        image_src = images.image_src
        if images.image_src_for is not None:
            image_src = images.image_src_for(folder)
        image_url = image_destinations(
            folder,
            images.allow_remote,
            embed=images.embed,
            image_src=image_src,
            image_base=images.image_base,
        )
        return article_markdown(article, words, image_url).rstrip("\n")
    prefix = folder_url(entry, base_dir)
    if prefix is not None:
        article = _rebased(article, prefix)
    return article_markdown(article, words).rstrip("\n")


@attrs.frozen
class _Images:
    """How image destinations are written (the options of :func:`to_markdown`)."""

    embed: bool
    image_src: Callable[[str], str] | None
    image_base: str | None
    allow_remote: bool
    image_src_for: Callable[[Path], Callable[[str], str]] | None = None

    @property
    def rewrite(self) -> bool:
        return (
            self.embed
            or self.image_src is not None
            or self.image_base is not None
            or self.image_src_for is not None
        )


def edition_to_markdown(
    edition: Edition,
    *,
    embed_images: bool = False,
    image_src: Callable[[str], str] | None = None,
    image_base: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    labels: Mapping[str, str] | None = None,
    image_src_for: Callable[[Path], Callable[[str], str]] | None = None,
) -> str:
    """Render *edition* as CommonMark (see :func:`~messenger_content.to_markdown`).

    *base_dir* is the edition's folder; each article's images are read (when
    *embed_images*, *image_src*, *image_base* or *image_src_for* asks for it)
    from its own folder. *image_src_for* gives, for an article's folder, the
    ``image_src`` of its images (the CLI's and ``export``'s copies beside the file).

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ValueError: more than one of *embed_images*, *image_src* and *image_base*;
            a *labels* key or phrase is not valid.
    """
    check_choice(embed=embed_images, image_src=image_src, image_base=image_base)
    images = _Images(
        embed=embed_images,
        image_src=image_src,
        image_base=image_base,
        allow_remote=allow_remote,
        image_src_for=image_src_for,
    )
    words = labels_for(edition.language, labels)
    parts = [
        _edition_front_matter(edition),
        "# " + inline_markdown((edition.title,), single_line=True),
    ]
    if edition.subtitle is not None:
        parts.append(inline_markdown((Emphasis(text=edition.subtitle),)))
    issued = issued_text(edition)
    if issued is not None:
        parts.append(inline_markdown((issued,)))

    grouped = groups(edition)
    parts.append("## " + inline_markdown((words.contents,), single_line=True))
    for title, entries in grouped:
        # A list that does not start at 1 cannot interrupt a paragraph: a blank line first.
        indent = "" if title is None else "  "
        items = "\n".join(
            f"{indent}{number}. " + inline_markdown((entry.article.headline,), single_line=True)
            for number, entry in entries
        )
        if title is None:
            parts.append(items)
        else:
            parts.append("- " + inline_markdown((title,), single_line=True) + "\n\n" + items)

    started = False
    for title, entries in grouped:
        if title is not None:
            if started:
                parts.append("---")
            parts.append("# " + inline_markdown((title,), single_line=True))
        for index, entry in enumerate(entries):
            if started and not (title is not None and index == 0):
                parts.append("---")
            parts.append(_entry_markdown(entry[1], base_dir, images, labels))
            started = True
    return "\n\n".join(parts) + "\n"
