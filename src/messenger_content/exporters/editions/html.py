"""An edition as one HTML5 page: a header, a linked table of contents, then each article.

The page holds, inside ``<main>``: the edition's header (title, subtitle,
issue date, publication); a ``<nav>`` of contents linking section → article →
the article's headings; then the sections, each article in its own
``<article>`` with its own ``lang`` and ``dir``, rendered by the article
exporter's renderer (:mod:`messenger_content.exporters.html`) and its
templates. Every ``id`` of an article starts with ``a<N>-`` (its number in
reading order), and its in-page links are rewritten to match, so ids stay
unique on the page. The JSON-LD is an ``ItemList`` of ``NewsArticle``.

The PDF exporter renders this page with ``media="print"``
(:mod:`messenger_content.exporters.editions.pdf`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
from markupsafe import Markup

from ... import theme
from ..._rules import format_datetime
from ...i18n import format_date, format_day, labels_for
from ...models import Edition, Heading
from ...theme import Direction, Media
from ..html import (
    DateView,
    HtmlRenderer,
    ImageView,
    MetaView,
    for_media,
    html_datetime,
    nested_levels,
    render_inline,
    script_json,
    style_text,
)
from ..jsonld import to_jsonld
from . import Place, edition_folder, folder_of, folder_url, places, rebased, section_anchor

__all__ = [
    "ContentsEntry",
    "EditionArticleView",
    "EditionDocumentView",
    "EditionSectionView",
    "EditionView",
    "json_ld_list",
    "render_edition",
    "to_html",
]

#: The title of the contents, in the edition's language (English until translated).


# --- view models ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ContentsEntry:
    """One line of the contents (``partials/contents.html``), and the lines under it."""

    href: str
    """The ``#id`` it links to."""
    text: Markup
    """What it says (a section title, a headline, a heading), rendered."""
    lang: str | None
    """``lang`` when the line's language is not the edition's."""
    dir: Direction | None
    """``dir`` with ``lang``."""
    css_class: str
    """``contents-section``, ``contents-article`` or ``contents-heading``."""
    children: tuple[ContentsEntry, ...]
    """The lines under it: a section's articles, an article's headings."""


@attrs.frozen(kw_only=True)
class EditionArticleView:
    """An article in its place on the page."""

    anchor: str
    """The ``id`` of its wrapper, which the contents link to (``article-3``)."""
    css_class: str
    """``edition-article``, plus ``edition-article-rtl`` (a mirrored page in print) and
    ``edition-article-ragged`` (no hyphenation dictionary for its language)."""
    article: Markup
    """The rendered ``<article>``."""


@attrs.frozen(kw_only=True)
class EditionSectionView:
    """A section: its title, then its articles."""

    anchor: str
    """The section's ``id``."""
    title_id: str
    """The title's ``id``, which labels the section."""
    title: str
    """The section's title."""
    articles: tuple[EditionArticleView, ...]
    """Its articles, in order."""


@attrs.frozen(kw_only=True)
class EditionView:
    """The ``<main>`` of the page (``edition.html``)."""

    css_class: str
    """``edition``, plus ``edition-run-on`` when articles do not start new pages in print."""
    title: str
    """The edition's title (``<h1>``)."""
    subtitle: str | None
    """The line under it."""
    publication: str | None
    """The publication's name."""
    slogan: str | None
    """Its slogan."""
    issued: DateView | None
    """When the edition was issued."""
    cover: ImageView | None
    """The cover image, on the title page."""
    description: str | None
    """What the edition holds."""
    rights: str | None
    """The copyright line."""
    contents_title: str
    """The contents' heading."""
    contents: tuple[ContentsEntry, ...]
    """The contents, by section (or by article, without sections)."""
    sections: tuple[EditionSectionView, ...]
    """The sections (empty in an edition without sections)."""
    articles: tuple[EditionArticleView, ...]
    """The articles of an edition without sections."""


@attrs.frozen(kw_only=True)
class EditionDocumentView:
    """The standalone page (``edition.html``)."""

    lang: str
    """The edition's language."""
    dir: Direction
    """Its direction."""
    title: str
    """``<title>``: edition title — publication."""
    meta: tuple[MetaView, ...]
    """Description and, for print, the dates WeasyPrint writes into the PDF."""
    stylesheet_href: str | None
    """A stylesheet linked instead of an inline one."""
    style: Markup | None
    """The inline stylesheet."""
    json_ld: Markup | None
    """schema.org ``ItemList`` of ``NewsArticle`` JSON-LD."""
    edition: EditionView
    """The page's content."""


# --- rendering one article ---------------------------------------------------------


class _LocalAnchors(Mapping[str, Markup]):
    """An article's heading texts looked up by the ids its author wrote (without the prefix)."""

    def __init__(self, anchors: dict[str, Markup], prefix: str) -> None:
        self.anchors = anchors
        self.prefix = prefix

    def __getitem__(self, key: str) -> Markup:
        return self.anchors[self.prefix + key]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.prefix + key in self.anchors

    def __iter__(self) -> Iterator[str]:
        return (key[len(self.prefix) :] for key in self.anchors)

    def __len__(self) -> int:
        return len(self.anchors)


class _ArticleRenderer(HtmlRenderer):
    """The article renderer, for an article among others: its ids and in-page links prefixed.

    *folder_url* (images named by their sources) is the article's folder seen
    from the edition's, which its relative image sources are joined to.
    """

    def __init__(
        self, *, prefix: str, heading_offset: int, folder_url: str | None, **options: Any
    ) -> None:
        super().__init__(ids=theme.IdRegistry(prefix), **options)
        self.heading_offset = heading_offset
        self.prefix = prefix
        self.local = _LocalAnchors(self.anchors, prefix)
        self.folder_url = folder_url

    def image_url(self, src: str) -> str:
        url = super().image_url(src)
        return url if url != src else rebased(src, self.folder_url)

    def inline(self, text: Any) -> Markup:
        return render_inline(text, self.local, xhtml=self.xhtml, href=self.href)

    def href(self, url: str) -> str | None:
        if url.startswith("#") and url[1:] in self.local:
            return f"#{self.prefix}{url[1:]}"
        return super().href(url)


@attrs.frozen(kw_only=True)
class _Rendered:
    view: EditionArticleView
    headings: tuple[ContentsEntry, ...]


# --- the page -----------------------------------------------------------------------


def _issued(value: date | datetime | None, language: str) -> DateView | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return DateView(datetime=html_datetime(value), text=format_date(value, language))
    return DateView(datetime=value.isoformat(), text=format_day(value, language))


def json_ld_list(edition: Edition) -> dict[str, Any]:
    """The schema.org ``ItemList`` of the edition's ``NewsArticle``s (the page's, ``-t jsonld``)."""
    items = []
    for place in places(edition):
        article = place.article
        item = to_jsonld(article)
        del item["@context"]
        items.append({"@type": "ListItem", "position": place.number, "item": item})
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ItemList"}
    data["name"] = edition.title
    if edition.description is not None:
        data["description"] = edition.description
    data["numberOfItems"] = len(items)
    data["itemListElement"] = items
    return data


def _meta(edition: Edition, media: Media) -> tuple[MetaView, ...]:
    meta: list[MetaView] = []
    if edition.description is not None:
        meta.append(MetaView(attribute="name", key="description", content=edition.description))
    if media == "print" and edition.issued is not None:
        issued = edition.issued
        text = format_datetime(issued) if isinstance(issued, datetime) else issued.isoformat()
        meta.append(MetaView(attribute="name", key="dcterms.created", content=text))
    return tuple(meta)


def render_edition(
    edition: Edition,
    *,
    media: Media = "screen",
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    embed_images: bool = False,
    image_src_for: Callable[[Path], Callable[[str], str]] | None = None,
    image_base: str | None = None,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    stylesheet_href: str | None = None,
    labels: Mapping[str, str] | None = None,
    run_on: bool = False,
    ragged: Callable[[str], bool] | None = None,
    article_markup: Callable[[str], None] | None = None,
) -> str:
    """Render *edition* as one HTML page; the options are :func:`to_html`'s.

    The PDF exporter adds *ragged* (whether an article's language gets no
    hyphenation, so its body is set ragged) and *article_markup* (called with
    each rendered ``<article>``, to check its size).
    """
    if media not in theme.MEDIA:
        raise ValueError(f"unknown media {media!r} (expected one of: {', '.join(theme.MEDIA)})")
    environment = theme.environment(template_dir)
    xhtml = media == "epub"
    # Sources named as they are (no image option) are each relative to their
    # article's folder: joined to it, they resolve from the edition's folder.
    as_named = not embed_images and image_src_for is None and image_base is None
    rendered: list[tuple[Place, _Rendered]] = []
    for place in places(edition):
        article = place.article
        folder = folder_of(place.entry, base_dir)
        renderer = _ArticleRenderer(
            prefix=place.id_prefix,
            # The headline ranks under the edition's title (h1) and its section's (h2).
            heading_offset=1 if place.section is None else 2,
            environment=environment,
            media=media,
            labels=labels_for(article.language, labels),
            embed_images=embed_images,
            base_dir=folder,
            allow_remote=allow_remote,
            image_src=None if image_src_for is None else image_src_for(folder),
            image_base=image_base,
            folder_url=folder_url(place.entry, base_dir) if as_named else None,
        )
        markup = renderer.article(article, fragment=True)
        if article_markup is not None:
            article_markup(markup)
        direction = theme.text_direction(article.language)
        css_class = "edition-article"
        if direction == "rtl":
            css_class += " edition-article-rtl"
        if ragged is not None and ragged(article.language):
            css_class += " edition-article-ragged"
        headings = []
        levels = nested_levels(article.body)
        heading_levels = [levels[i] for i, b in enumerate(article.body) if isinstance(b, Heading)]
        for (anchor, text), level in zip(renderer.anchors.items(), heading_levels, strict=True):
            if level == 2:
                headings.append(
                    ContentsEntry(
                        href=f"#{anchor}",
                        text=text,
                        lang=None,
                        dir=None,
                        css_class="contents-heading",
                        children=(),
                    )
                )
        view = EditionArticleView(
            anchor=place.anchor,
            css_class=css_class,
            article=markup,
        )
        rendered.append((place, _Rendered(view=view, headings=tuple(headings))))

    def entry(place: Place, result: _Rendered) -> ContentsEntry:
        language = place.article.language
        own = language != edition.language
        return ContentsEntry(
            href=f"#{place.anchor}",
            text=render_inline((place.article.headline,), xhtml=xhtml, in_link=True),
            lang=language if own else None,
            dir=theme.text_direction(language) if own else None,
            css_class="contents-article",
            children=result.headings,
        )

    contents: list[ContentsEntry] = []
    sections: list[EditionSectionView] = []
    articles: tuple[EditionArticleView, ...] = ()
    if edition.sections:
        for index, section in enumerate(edition.sections):
            members = [(p, r) for p, r in rendered if p.section == index]
            anchor = section_anchor(index)
            contents.append(
                ContentsEntry(
                    href=f"#{anchor}",
                    text=render_inline((section.title,), xhtml=xhtml, in_link=True),
                    lang=None,
                    dir=None,
                    css_class="contents-section",
                    children=tuple(entry(p, r) for p, r in members),
                )
            )
            sections.append(
                EditionSectionView(
                    anchor=anchor,
                    title_id=f"{anchor}-title",
                    title=section.title,
                    articles=tuple(r.view for _, r in members),
                )
            )
    else:
        contents = [entry(p, r) for p, r in rendered]
        articles = tuple(r.view for _, r in rendered)
    page = HtmlRenderer(
        environment=environment,
        media=media,
        labels=labels_for(edition.language, labels),
        embed_images=embed_images,
        base_dir=edition_folder(base_dir),
        allow_remote=allow_remote,
        image_src=None if image_src_for is None else image_src_for(edition_folder(base_dir)),
        image_base=image_base,
        ids=theme.IdRegistry("edition-"),
    )
    cover = None
    if edition.cover_image is not None:
        cover = attrs.evolve(
            page.image(edition.cover_image, lead=True), css_class="figure edition-cover"
        )
    publication = edition.publication
    main = EditionView(
        css_class="edition edition-run-on" if run_on else "edition",
        title=edition.title,
        subtitle=edition.subtitle,
        publication=None if publication is None else publication.name,
        slogan=None if publication is None else publication.slogan,
        issued=_issued(edition.issued, edition.language),
        cover=cover,
        description=edition.description,
        rights=edition.rights,
        contents_title=page.labels.contents,
        contents=tuple(contents),
        sections=tuple(sections),
        articles=articles,
    )
    style = None
    if stylesheet_href is None:
        style = style_text(theme.stylesheet(media, template_dir=template_dir, css=css))
    title = edition.title
    if publication is not None:
        title = f"{edition.title} \u2014 {publication.name}"
    document = EditionDocumentView(
        lang=edition.language,
        dir=theme.text_direction(edition.language),
        title=title,
        meta=_meta(edition, media),
        stylesheet_href=stylesheet_href,
        style=style,
        json_ld=None if media == "epub" else script_json(json_ld_list(edition)),
        edition=main,
    )
    return for_media(f"{page.render('edition.html', document=document)}\n", media)


def to_html(
    edition: Edition,
    *,
    embed_images: bool = False,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    media: Media = "screen",
    image_src_for: Callable[[Path], Callable[[str], str]] | None = None,
    image_base: str | None = None,
    stylesheet_href: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Render an edition as one HTML5 page, each article in its own ``<article>``.

    Args:
        edition: The edition to render.
        embed_images: Inline every image as a ``data:`` URI, for a single file.
        base_dir: The edition's folder; each article's images are read from
            its own folder (:func:`messenger_content.editions.folder_of`).
        allow_remote: Let http(s) images through the resource policy.
        css: Extra CSS appended after the theme's stylesheet.
        template_dir: A theme folder whose templates replace the theme's.
        media: ``"screen"``, ``"print"`` (the PDF exporter) or ``"epub"``.
        image_src_for: Given an article's image folder, the function that maps
            each of its image sources to the URL written (the ``image_src`` of
            :func:`messenger_content.exporters.html.to_html`, one per folder,
            as :class:`~messenger_content.exporters.editions.EditionImages` gives).
        image_base: Join each relative image source to this URL.
        stylesheet_href: Link the stylesheet at this URL instead of inlining it.
        labels: Replace some of the theme's wording (see the article's ``to_html``).

    Returns:
        The HTML text, ending with a newline.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ExportError: the template folder or one of its templates is broken.
        ValueError: *media* or a *labels* key is unknown, or more than one of
            *embed_images*, *image_src_for* and *image_base* is given.
    """
    chosen = [
        name
        for name, given in (
            ("embed_images", embed_images),
            ("image_src_for", image_src_for is not None),
            ("image_base", image_base is not None),
        )
        if given
    ]
    if len(chosen) > 1:
        raise ValueError(f"choose one of {' and '.join(chosen)}")
    return render_edition(
        edition,
        media=media,
        base_dir=base_dir,
        allow_remote=allow_remote,
        embed_images=embed_images,
        image_src_for=image_src_for,
        image_base=image_base,
        css=css,
        template_dir=template_dir,
        stylesheet_href=stylesheet_href,
        labels=labels,
    )
