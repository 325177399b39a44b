"""An edition as one EPUB 3 book: a content document per article, a nested table of contents.

:func:`edition_to_epub` makes each article's document as the article exporter
makes its one document (:func:`~messenger_content.to_html` with
``media="epub"``, cleaned by :func:`..epub.markup.clean`), each with its own
``xml:lang`` and ``dir``, and packages them with ebooklib::

    EPUB/content.opf              metadata of the edition, manifest, spine, guide
    EPUB/toc.ncx                  EPUB 2 table of contents (section → article → heading)
    EPUB/nav.xhtml                table of contents (the same) and landmarks
    EPUB/cover.xhtml              the cover page: the edition's cover image or a typographic one
    EPUB/article-NNNN.xhtml       one document per article, in reading order
    EPUB/style/epub.css           the theme's EPUB stylesheet (plus the caller's CSS)
    EPUB/images/image-N.(jpg|png|gif|webp)

An image is stored once however many articles use it: images are told apart
by the SHA-256 of their bytes, not by their source. Local images are read when
the book is zipped, not kept in memory while the documents are made (a first
read identifies and hashes each one); remote and ``data:`` images, which cannot
be read again for free, are kept. Nothing comes from the clock or randomness,
so the same edition always makes the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import attrs
from ebooklib import epub

from ... import __version__, theme, urls
from ...checks import images
from ...editions import folder_of
from ...errors import ExportError
from ...i18n import labels_for
from ...models import Edition, EditionArticle
from ...resources import ResourcePolicy, policy_for
from ..epub import (
    article_tree,
    heading_entries,
    heading_levels_in_order,
    modified_time,
)
from ..epub.markup import (
    COVER_HREF,
    NAV_HREF,
    STYLE_HREF,
    TocEntry,
    book_language,
    checked_stylesheet,
    cover_page,
    nav_document,
    parse,
    serialise,
    undescribed_images,
)
from ..epub.package import (
    XHTML_MEDIA_TYPE,
    Accessibility,
    Asset,
    Item,
    accessibility_metadata,
    in_utc,
    toc_links,
    w3c,
    write_book,
)
from ._contents import issued_text

__all__ = ["edition_identifier", "edition_modified", "edition_to_epub"]

_NAMESPACE = uuid.UUID("3f0c9d52-8a47-5b8e-b1f4-6c2d9e0a7b31")
"""Namespace of the name-based UUIDs that identify edition books."""

_GENERATOR = "messenger_content"
_EPOCH = datetime(1980, 1, 1, tzinfo=timezone.utc)
_TYPOGRAPHIC_COVER_HREF = "images/cover.png"


def _article_href(number: int) -> str:
    return f"article-{number:04d}.xhtml"


def edition_identifier(edition: Edition) -> str:
    """The book's ``dc:identifier``: a name-based UUID URN of the edition's ``id``.

    Without an ``id``, the name is the title, the date and the articles'
    headlines, so the same edition always gets the same identifier.
    """
    if edition.id is not None:
        name = f"edition-id:{edition.id}"
    else:
        issued = "" if edition.issued is None else edition.issued.isoformat()
        headlines = "\n".join(entry.article.headline for entry in edition.all_articles)
        name = f"edition:{edition.title}\n{issued}\n{headlines}"
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name)}"


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=timezone.utc)


def edition_modified(edition: Edition) -> datetime:
    """``dcterms:modified``: the latest article's date, else ``issued``, else 1980-01-01 (UTC)."""
    found = [modified_time(entry.article) for entry in edition.all_articles]
    latest = max((value for value in found if value != _EPOCH), default=None)
    if latest is not None:
        return latest
    if edition.issued is not None:
        return in_utc(_as_datetime(edition.issued)).replace(microsecond=0)
    return _EPOCH


@attrs.define
class _Stored:
    """An image of the book: where it goes, and how to read its bytes when it is zipped."""

    asset: Asset
    """Its manifest entry (with empty data: the bytes come from :attr:`read`)."""
    digest: bytes
    read: Callable[[], bytes]


class _Images:
    """The book's images, one per distinct content, numbered in order of first use."""

    def __init__(self, allow_remote: bool) -> None:
        self.allow_remote = allow_remote
        self.by_source: dict[tuple[str, str], _Stored] = {}
        self.by_digest: dict[bytes, _Stored] = {}

    def add(self, folder: Path, src: str) -> _Stored:
        """Store the image *src* of an article whose folder is *folder* (once per content)."""
        key = (os.fspath(folder), src)
        stored = self.by_source.get(key)
        if stored is not None:
            return stored
        policy = policy_for(folder, self.allow_remote)
        resource = policy.fetch(src)
        digest = hashlib.sha256(resource.data).digest()
        stored = self.by_digest.get(digest)
        if stored is None:
            number = len(self.by_digest) + 1
            asset = Asset(
                id=f"image-{number}",
                href=f"images/image-{number}{resource.suffix}",
                media_type=resource.media_type,
                data=b"",
            )
            if urls.scheme(src) is None:  # a file: read again when zipped
                read = _reader(policy, src, digest)
            else:
                read = _kept(resource.data)
            stored = _Stored(asset=asset, digest=digest, read=read)
            self.by_digest[digest] = stored
        self.by_source[key] = stored
        return stored

    def stored(self) -> list[_Stored]:
        return list(self.by_digest.values())


def _kept(data: bytes) -> Callable[[], bytes]:
    """Bytes already in memory, given back when the book is zipped."""

    def read() -> bytes:
        return data

    return read


def _reader(policy: ResourcePolicy, src: str, digest: bytes) -> Callable[[], bytes]:
    """Read *src* again when the book is zipped, checking it is the image identified first."""

    def read() -> bytes:
        data = policy.fetch(src).data
        if hashlib.sha256(data).digest() != digest:
            raise ExportError(f"{src!r} changed while the book was being made")
        return data

    return read


@attrs.frozen
class _Document:
    """One article's content document, its table of contents and what it passed."""

    href: str
    data: bytes
    toc: TocEntry
    conforms: bool
    described: bool


class _Builder:
    """Builds one edition book (the state of one :func:`edition_to_epub` call)."""

    def __init__(
        self,
        edition: Edition,
        *,
        base_dir: str | os.PathLike[str] | None,
        allow_remote: bool,
        css: str | None,
        template_dir: str | os.PathLike[str] | None,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.edition = edition
        self.overrides = labels
        self.base_dir = Path.cwd() if base_dir is None else Path(base_dir).absolute()
        self.allow_remote = allow_remote
        self.css = css
        self.template_dir = template_dir
        self.language = book_language(edition.language)
        self.direction = theme.text_direction(self.language)
        self.labels = labels_for(self.language, labels)
        self.images = _Images(allow_remote)

    def article_document(self, entry: EditionArticle, href: str) -> _Document:
        """One article's content document, as the article exporter makes it."""
        article = entry.article
        folder = folder_of(entry, self.base_dir)
        language = book_language(article.language)
        root, ids = article_tree(
            article,
            language=language,
            direction=theme.text_direction(language),
            base_dir=folder,
            allow_remote=self.allow_remote,
            template_dir=self.template_dir,
            image_src=lambda src: self.images.add(folder, src).asset.href,
            labels=self.overrides,
        )
        described = all(image.alt for _, image in images(article)) and not undescribed_images(
            [root]
        )
        conforms = (
            described
            and language.split("-")[0].lower() not in ("und", "x")
            and heading_levels_in_order(article)
        )
        return _Document(
            href=href,
            data=serialise(root),
            toc=TocEntry(
                article.headline,
                href,
                heading_entries(article, ids, href),
                language=None if language == self.language else language,
            ),
            conforms=conforms,
            described=described,
        )

    def documents(self) -> Iterator[tuple[str | None, list[_Document]]]:
        """The articles' documents, grouped by section (one group titled ``None`` without)."""
        number = 0

        def group(entries: Sequence[EditionArticle]) -> list[_Document]:
            nonlocal number
            made = []
            for entry in entries:
                number += 1
                made.append(self.article_document(entry, _article_href(number)))
            return made

        if self.edition.sections:
            for section in self.edition.sections:
                yield section.title, group(section.articles)
        else:
            yield None, group(self.edition.articles)

    def cover(self) -> tuple[bytes, Asset, Callable[[], bytes]]:
        """The cover page, the cover image and how to read the image's bytes."""
        edition = self.edition
        publication = edition.publication.name if edition.publication else None
        day = None if edition.issued is None else _as_datetime(edition.issued)
        if edition.cover_image is not None:
            image = edition.cover_image
            stored = self.images.add(self.base_dir, image.src)
            lines = (
                ("publication", publication),
                ("headline", edition.title),
                ("subtitle", edition.subtitle),
                ("date", issued_text(edition)),
            )
            document = cover_page(
                language=self.language,
                direction=self.direction,
                title=edition.title,
                href=stored.asset.href,
                alt=image.alt or "",
                lines=lines,
            )
            return document, stored.asset, stored.read
        # Pillow's drawing and font modules are loaded only for a book that needs them.
        from ..epub.cover import cover_date, typographic_cover

        shown = None if day is None else cover_date(day, self.language)
        png = typographic_cover(
            headline=edition.title,
            publication=publication,
            date=shown,
            language=self.language,
            rtl=self.direction == "rtl",
        )
        asset = Asset(
            id="cover-image", href=_TYPOGRAPHIC_COVER_HREF, media_type="image/png", data=b""
        )
        read = _kept(png)

        document = cover_page(
            language=self.language,
            direction=self.direction,
            title=edition.title,
            href=asset.href,
            alt=" \u2014 ".join(part for part in (publication, edition.title, shown) if part),
            typographic=True,
        )
        return document, asset, read

    def build(self) -> bytes:
        cover_bytes, cover_image, read_cover = self.cover()
        groups = list(self.documents())
        documents = [document for _, made in groups for document in made]
        toc: list[TocEntry] = []
        for title, made in groups:
            if title is None:
                toc += [document.toc for document in made]
            else:
                entries = tuple(document.toc for document in made)
                toc.append(TocEntry(title, made[0].href, entries))
        nav_bytes = nav_document(
            language=self.language,
            direction=self.direction,
            toc=toc,
            title=self.edition.title,
            labels=self.labels,
            start_href=documents[0].href,
        )
        described = all(document.described for document in documents) and not (
            undescribed_images([parse(cover_bytes)])
        )
        conforms = (
            described
            and all(document.conforms for document in documents)
            and self.language.split("-")[0].lower() not in ("und", "x")
            and self.css is None
            and self.template_dir is None
        )
        publication = self.edition.publication
        accessibility = Accessibility(
            described=described,
            conforms=conforms,
            certifier=publication.name if publication is not None else _GENERATOR,
        )
        stylesheet = checked_stylesheet(
            theme.stylesheet("epub", template_dir=self.template_dir, css=self.css)
        )
        stored = [item for item in self.images.stored() if item.asset is not cover_image]
        book = self.book(cover_bytes, cover_image, documents, nav_bytes, stylesheet, toc)
        accessibility_metadata(book, accessibility, what="edition")
        late = {f"EPUB/{item.asset.href}": item.read for item in stored}
        late[f"EPUB/{cover_image.href}"] = read_cover
        return write_book(
            book, language=self.language, modified=edition_modified(self.edition), late=late
        )

    def book(
        self,
        cover_bytes: bytes,
        cover_image: Asset,
        documents: Sequence[_Document],
        nav_bytes: bytes,
        stylesheet: bytes,
        toc: Sequence[TocEntry],
    ) -> Any:
        """The ebooklib book, every image in it empty (their bytes are added when zipped)."""
        edition = self.edition
        book = epub.EpubBook()
        book.set_identifier(edition_identifier(edition))
        book.set_title(edition.title)
        book.set_language(self.language)
        if self.direction == "rtl":
            book.set_direction("rtl")
        book.set_unique_metadata(
            "OPF", "generator", "", {"name": "generator", "content": f"{_GENERATOR} {__version__}"}
        )
        if edition.subtitle is not None:
            book.add_metadata("DC", "title", edition.subtitle, {"id": "subtitle"})
            book.add_metadata(
                None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"}
            )
        contributors: dict[str, None] = {}
        for entry in edition.all_articles:
            for author in entry.article.authors:
                contributors.setdefault(author.name)
        for number, name in enumerate(contributors, start=1):
            book.add_metadata("DC", "contributor", name, {"id": f"contributor-{number}"})
        if edition.publication is not None:
            book.add_metadata("DC", "publisher", edition.publication.name)
        if edition.issued is not None:
            issued = edition.issued
            shown = w3c(in_utc(issued)) if isinstance(issued, datetime) else issued.isoformat()
            book.add_metadata("DC", "date", shown)
        if edition.description is not None:
            book.add_metadata("DC", "description", edition.description)
        if edition.rights is not None:
            book.add_metadata("DC", "rights", edition.rights)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": cover_image.id})

        cover_page = Item("cover", COVER_HREF, XHTML_MEDIA_TYPE, cover_bytes)
        nav_page = Item("nav", NAV_HREF, XHTML_MEDIA_TYPE, nav_bytes, "nav")
        pages = [
            Item(f"article-{number}", document.href, XHTML_MEDIA_TYPE, document.data)
            for number, document in enumerate(documents, start=1)
        ]
        book.add_item(cover_page)
        book.add_item(nav_page)
        for page in pages:
            book.add_item(page)
        book.add_item(epub.EpubNcx())
        book.add_item(Item("style", STYLE_HREF, "text/css", stylesheet))
        book.add_item(
            Item(cover_image.id, cover_image.href, cover_image.media_type, b"", "cover-image")
        )
        for item in self.images.stored():
            asset = item.asset
            if asset is not cover_image:
                book.add_item(Item(asset.id, asset.href, asset.media_type, b""))
        book.spine = [cover_page, nav_page, *pages]
        book.guide = [
            {"type": "cover", "href": COVER_HREF, "title": "Cover"},
            {"type": "toc", "href": NAV_HREF, "title": "Contents"},
            {"type": "text", "href": documents[0].href, "title": documents[0].toc.title},
        ]
        book.toc = toc_links(toc, "toc")
        return book


def edition_to_epub(
    edition: Edition,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """Render an edition as one EPUB 3 book (see :func:`messenger_content.to_epub`).

    Args:
        edition: The edition to render.
        base_dir: The edition's folder; each article's images are read from
            :func:`~messenger_content.editions.folder_of` its entry and this
            folder (``None``: the current folder).
        allow_remote: Let http(s) images be fetched (and stored in the book).
        css: Extra CSS appended after the theme's ``epub.css``.
        template_dir: A theme folder whose templates and ``epub.css`` replace
            the package's, name by name.
        labels: Replace some of the words the exporter adds, by key, in the
            edition's pages and in every article (see ``docs/i18n.md``).

    Returns:
        The ``.epub`` file's bytes.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ExportError: the theme's markup or stylesheet cannot go in an EPUB, or
            the book could not be written.
    """
    return _Builder(
        edition,
        base_dir=base_dir,
        allow_remote=allow_remote,
        css=css,
        template_dir=template_dir,
        labels=labels,
    ).build()
