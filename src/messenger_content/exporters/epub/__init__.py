"""The EPUB exporter: an article as a valid, accessible, reproducible EPUB 3 book.

:func:`to_epub` renders the article with the HTML exporter (``media="epub"``,
the ``<article>`` element only), puts it in an XHTML content document of its
own, and packages it with a cover, an EPUB 3 navigation document, an NCX for
older readers, the theme's ``epub.css`` and every image the article uses::

    mimetype                      application/epub+zip (first entry, stored)
    META-INF/container.xml
    EPUB/content.opf              package document: metadata, manifest, spine, guide
    EPUB/toc.ncx                  EPUB 2 table of contents
    EPUB/nav.xhtml                table of contents and landmarks
    EPUB/cover.xhtml              the cover page (first in the spine)
    EPUB/article.xhtml            the article
    EPUB/style/epub.css           the theme's EPUB stylesheet (plus the caller's CSS)
    EPUB/images/image-N.(jpg|png|gif|webp)
    EPUB/images/cover.png         the typographic cover, when there is no lead image

The work is split by concern:

* this module gathers the book: images through the resource policy
  (:mod:`messenger_content.resources`), the documents, the table of contents,
  the identifier and dates, and the accessibility checks;
* :mod:`.markup` makes and cleans the XHTML documents (links, scripts,
  language tags, navigation) and checks the caller's CSS;
* :mod:`.cover` draws the typographic cover;
* :mod:`.package` has ebooklib write the package document, the NCX and the
  zip, then makes the zip reproducible.

Nothing in a book comes from randomness or the clock: the identifier is a
name-based UUID of the article's ``id`` (else its ``url``, else its canonical
JSON), and ``dcterms:modified`` is ``updated`` (else ``published``, else
1980-01-01T00:00:00Z). Accessibility claims are measured on the book being
made (see :func:`_accessibility`).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from functools import cached_property

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from ... import __version__, theme
from ...checks import images
from ...codec import dumps
from ...i18n import Labels, labels_for
from ...models import Article, Edition, Heading
from ...resources import Resource, ResourcePolicy, policy_for
from ...theme import Direction
from ..html import to_html
from .markup import (
    ARTICLE_HREF,
    TocEntry,
    book_language,
    checked_stylesheet,
    clean,
    cover_page,
    element_text,
    nav_document,
    nest,
    parse,
    serialise,
    undescribed_images,
    xhtml,
)
from .package import MEDIA_TYPE, Accessibility, Asset, Contents, in_utc, package_book

__all__ = [
    "MEDIA_TYPE",
    "SUFFIX",
    "article_tree",
    "book_identifier",
    "book_language",
    "heading_entries",
    "heading_levels_in_order",
    "modified_time",
    "to_epub",
]

SUFFIX = ".epub"
"""File name suffix of the output."""

_TYPOGRAPHIC_COVER_HREF = "images/cover.png"

_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)
"""The modification time of a book whose article has no date."""

_NAMESPACE = uuid.UUID("8a1e51f4-0d53-5c5e-9a59-4f2b7e3c6d10")
"""Namespace of the name-based UUIDs that identify books made by this exporter."""

_GENERATOR = "messenger_content"


def book_identifier(article: Article) -> str:
    """Return the book's ``dc:identifier``: a name-based UUID URN that never changes.

    The name is the article's ``id``, else its ``url``, else its canonical JSON,
    so the same article always gets the same identifier and different articles
    (almost surely) different ones.
    """
    if article.id is not None:
        name = f"id:{article.id}"
    elif article.url is not None:
        name = f"url:{article.url}"
    else:
        name = f"json:{dumps(article)}"
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def modified_time(article: Article) -> datetime:
    """Return the book's ``dcterms:modified``: ``updated``, else ``published``, else 1980-01-01.

    The result is in UTC, without microseconds (the property's format has none).
    """
    value = article.updated or article.published
    if value is None:
        return _EPOCH
    return in_utc(value).replace(microsecond=0)


def heading_levels_in_order(article: Article) -> bool:
    """Whether no heading skips a level below the one before it (the headline is level 1).

    A book whose article skips a level claims no WCAG conformance (an edition's,
    when one of its articles does).
    """
    previous = 1
    for block in article.body:
        if isinstance(block, Heading):
            if block.level > previous + 1:
                return False
            previous = block.level
    return True


def article_tree(
    article: Article,
    *,
    language: str,
    direction: Direction,
    base_dir: str | os.PathLike[str] | None,
    allow_remote: bool,
    template_dir: str | os.PathLike[str] | None,
    image_src: Callable[[str], str],
    labels: Mapping[str, str] | None,
) -> tuple[etree._Element, dict[str, etree._Element]]:
    """An article's content document, cleaned for the book, and its elements by ``id``.

    Shared by the article's book and an edition's (one such document per article).
    """
    fragment = to_html(
        article,
        fragment=True,
        media="epub",
        base_dir=base_dir,
        allow_remote=allow_remote,
        template_dir=template_dir,
        image_src=image_src,
        labels=labels,
    )
    root = parse(
        xhtml(
            language=language,
            direction=direction,
            title=article.headline,
            body=fragment,
            body_attributes=' epub:type="bodymatter"',
        )
    )
    return root, clean(root, article.url)


def heading_entries(
    article: Article, ids: dict[str, etree._Element], href: str
) -> tuple[TocEntry, ...]:
    """The article's headings as table-of-contents entries, as its document at *href* has them."""
    found: list[tuple[int, str, str]] = []
    for number, (index, anchor) in enumerate(theme.heading_ids(article.body).items(), start=1):
        block = article.body[index]
        element = ids.get(anchor)
        if isinstance(block, Heading) and element is not None:
            # A heading of only white space or line breaks still needs a label.
            title = element_text(element) or f"\u00a7 {number}"
            found.append((block.level, title, f"{href}#{anchor}"))
    return nest(found)


class _Builder:
    """Builds one book (the state of one :func:`to_epub` call)."""

    def __init__(
        self,
        article: Article,
        *,
        base_dir: str | os.PathLike[str] | None,
        allow_remote: bool,
        css: str | None,
        template_dir: str | os.PathLike[str] | None,
        labels: Mapping[str, str] | None,
    ) -> None:
        self.article = article
        self.overrides = labels
        self.labels: Labels = labels_for(article.language, labels)
        self.base_dir = base_dir
        self.allow_remote = allow_remote
        self.css = css
        self.template_dir = template_dir
        self.language = book_language(article.language)
        self.direction = theme.text_direction(self.language)
        self.images: dict[str, Asset] = {}

    # images

    @cached_property
    def policy(self) -> ResourcePolicy:
        return policy_for(self.base_dir, self.allow_remote)

    def image_href(self, src: str) -> str:
        """Store the image *src* in the book (once) and return its path from a document."""
        asset = self.images.get(src)
        if asset is None:
            resource: Resource = self.policy.fetch(src)
            number = len(self.images) + 1
            asset = Asset(
                id=f"image-{number}",
                href=f"images/image-{number}{resource.suffix}",
                media_type=resource.media_type,
                data=resource.data,
            )
            self.images[src] = asset
        return asset.href

    # documents

    def article_document(self) -> tuple[bytes, etree._Element, dict[str, etree._Element]]:
        """The article document, its tree and its elements by ``id``."""
        if self.article.lead_image is not None:  # the cover's picture comes first in the book
            self.image_href(self.article.lead_image.src)
        root, ids = article_tree(
            self.article,
            language=self.language,
            direction=self.direction,
            base_dir=self.base_dir,
            allow_remote=self.allow_remote,
            template_dir=self.template_dir,
            image_src=self.image_href,
            labels=self.overrides,
        )
        return serialise(root), root, ids

    def toc(self, ids: dict[str, etree._Element]) -> tuple[TocEntry, ...]:
        """The article and its headings, as the article document (its elements by id) shows them."""
        headings = heading_entries(self.article, ids, ARTICLE_HREF)
        return (TocEntry(self.article.headline, ARTICLE_HREF, headings),)

    def cover(self) -> tuple[bytes, Asset]:
        """The cover page and the cover image (the lead image, or a typographic one)."""
        article = self.article
        publication = article.publication.name if article.publication else None
        lead = article.lead_image
        if lead is not None:
            self.image_href(lead.src)
            image = self.images[lead.src]
            document = cover_page(
                language=self.language,
                direction=self.direction,
                title=article.headline,
                href=image.href,
                alt=lead.alt or "",
                lines=(("publication", publication), ("headline", article.headline)),
            )
            return document, image
        # Pillow's drawing and font modules are loaded only for a book that needs them.
        from .cover import cover_date, typographic_cover

        day = article.published or article.updated
        date = None if day is None else cover_date(day, self.language)
        png = typographic_cover(
            headline=article.headline,
            publication=publication,
            date=date,
            language=self.language,
            rtl=self.direction == "rtl",
        )
        image = Asset(
            id="cover-image", href=_TYPOGRAPHIC_COVER_HREF, media_type="image/png", data=png
        )
        document = cover_page(
            language=self.language,
            direction=self.direction,
            title=article.headline,
            href=image.href,
            alt=" \u2014 ".join(part for part in (publication, article.headline, date) if part),
            typographic=True,
        )
        return document, image

    def stylesheet(self) -> bytes:
        return checked_stylesheet(
            theme.stylesheet("epub", template_dir=self.template_dir, css=self.css)
        )

    def accessibility(self, documents: list[etree._Element]) -> Accessibility:
        """What the book may claim, checked on the article and on the documents made from it.

        An image is described when the article gives it alt text and its ``<img>``
        has an ``alt`` attribute. The book claims WCAG 2.1 AA conformance only
        when, besides, its language is known, its headings skip no level, and its
        look is the package's own theme: a caller's CSS or templates (contrast,
        hidden text, markup) are not something this exporter can evaluate.
        """
        described = all(image.alt for _, image in images(self.article)) and not (
            undescribed_images(documents)
        )
        conforms = (
            described
            and self.language.split("-")[0].lower() not in ("und", "x")
            and heading_levels_in_order(self.article)
            and self.css is None
            and self.template_dir is None
        )
        publication = self.article.publication
        certifier = publication.name if publication is not None else _GENERATOR
        return Accessibility(described=described, conforms=conforms, certifier=certifier)

    # the book

    def build(self) -> bytes:
        article_bytes, article_root, article_ids = self.article_document()
        cover_bytes, cover_image = self.cover()
        toc = self.toc(article_ids)
        nav_bytes = nav_document(
            language=self.language,
            direction=self.direction,
            toc=toc,
            title=self.article.headline,
            labels=self.labels,
        )
        contents = Contents(
            article=self.article,
            identifier=book_identifier(self.article),
            language=self.language,
            direction=self.direction,
            modified=modified_time(self.article),
            generator=f"{_GENERATOR} {__version__}",
            cover_document=cover_bytes,
            article_document=article_bytes,
            nav_document=nav_bytes,
            stylesheet=self.stylesheet(),
            cover_image=cover_image,
            images=[asset for asset in self.images.values() if asset is not cover_image],
            toc=toc,
            cover_title=self.labels.cover,
            accessibility=self.accessibility([parse(cover_bytes), article_root]),
        )
        return package_book(contents)


def to_epub(
    article: Article | Edition,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """Render an article (or an edition) as an EPUB 3 book.

    The book passes EPUBCheck without warnings, opens on a cover (the lead
    image with the headline, or a typographic cover drawn for it), has a table
    of contents with the article's headings, accessibility metadata that is true
    for it, and is byte-for-byte the same each time the same article is
    exported. See ``docs/epub.md``.

    An :class:`~messenger_content.Edition` makes one book with a content
    document per article and a nested table of contents; see
    ``docs/editions.md``.

    Args:
        article: The article (or edition) to render.
        base_dir: The article's folder, which relative image sources are
            resolved against and may not leave (``None``: the current folder);
            for an edition, the edition's folder.
        allow_remote: Let http(s) images be fetched (they are then stored in
            the book; a book never refers to anything outside itself).
        css: Extra CSS appended after the theme's ``epub.css``; it may not
            ``@import`` or load anything (``url()``, fonts) but a ``data:`` URI.
        template_dir: A theme folder whose templates and ``epub.css`` replace
            the package's, name by name.
        labels: Replace some of the words the exporter adds, by key
            (:data:`~messenger_content.i18n.LABEL_KEYS`): the article's and the
            table of contents' (``contents``, ``cover``), e.g.
            ``{"contents": "In this story"}``.

    Returns:
        The ``.epub`` file's bytes.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ExportError: the theme's markup or stylesheet cannot go in an EPUB, or
            the book could not be written.
        ValueError: a *labels* key is unknown, or a phrase does not hold its
            label's placeholders.
    """
    if isinstance(article, Edition):
        from ..editions.epub import edition_to_epub

        return edition_to_epub(
            article,
            base_dir=base_dir,
            allow_remote=allow_remote,
            css=css,
            template_dir=template_dir,
            labels=labels,
        )
    return _Builder(
        article,
        base_dir=base_dir,
        allow_remote=allow_remote,
        css=css,
        template_dir=template_dir,
        labels=labels,
    ).build()
