"""The HTML exporter: an article as a semantic, self-contained HTML5 document.

:func:`to_html` builds a view model of the article in Python (which masthead,
the byline's wording, formatted dates, whether the newsletter shows a form,
the text direction), renders inline content to escaped markup in Python, and
hands the rest to the theme's Jinja2 templates (see :mod:`messenger_content.theme`),
one template per block type.

For ``media="epub"`` the markup is also well-formed XML (XHTML, as EPUB
content documents must be): void elements are closed (``<br />``), ``<html>``
declares the XHTML namespace, and boolean attributes always carry values.
Templates write ``<hr{{ slash }}>`` for that.

The PDF exporter renders ``media="print"`` output and the EPUB exporter
``media="epub"`` output; both reuse the templates and view model here. An
edition's page (:mod:`messenger_content.exporters.editions.html`) renders its
articles with :class:`HtmlRenderer` and shares the helpers of :func:`to_html`'s
page: :func:`nested_levels`, :func:`html_datetime`, :func:`script_json`,
:func:`style_text` and :func:`for_media`.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from functools import cached_property
from typing import Any, Final, Literal

import attrs
import jinja2
from markupsafe import Markup, escape
from typing_extensions import assert_never

from .. import theme, urls
from .._rules import format_datetime
from ..errors import ExportError
from ..i18n import LABEL_KEYS, Labels, format_date, format_day, join_list, labels_for
from ..models import (
    BLOCK_CLASSES,
    Article,
    Block,
    Code,
    Correction,
    Divider,
    Edition,
    Embed,
    Emphasis,
    Heading,
    Image,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Quote,
    RelatedLink,
    Strong,
    Table,
    Text,
)
from ..resources import ResourcePolicy, policy_for
from ..theme import Direction, Media
from . import _images
from .jsonld import is_absolute, share_image, to_jsonld

__all__ = [
    "ArticleView",
    "AuthorView",
    "CellView",
    "CorrectionView",
    "CorrectionsView",
    "DateView",
    "DocumentView",
    "EmbedView",
    "HeadingView",
    "HtmlRenderer",
    "ImageView",
    "ListView",
    "MastheadView",
    "MetaView",
    "NewsletterView",
    "ParagraphView",
    "PhraseView",
    "PreformattedView",
    "QuoteView",
    "RelatedLinkView",
    "Slot",
    "TableView",
    "for_media",
    "html_datetime",
    "nested_levels",
    "render_inline",
    "script_json",
    "style_text",
    "to_html",
]

#: The template each block type renders with (``blocks/<type>.html``).
BLOCK_TEMPLATES: dict[type[Block], str] = {cls: f"blocks/{cls.type}.html" for cls in BLOCK_CLASSES}


# --- view models ---------------------------------------------------------------
#
# What the templates see. Every string is plain text that the template
# autoescapes; every Markup value was built by render_inline and is already safe.


@attrs.frozen(kw_only=True)
class ImageView:
    """An image as the figure template shows it (``partials/figure.html``)."""

    src: str
    """The URL written in ``src`` (the source, a ``data:`` URI, or what ``image_src`` made)."""
    alt: str | None
    """Alternative text; ``None`` leaves the attribute out (a captioned figure without alt)."""
    width: int | None
    """Intrinsic width in pixels, if known."""
    height: int | None
    """Intrinsic height in pixels, if known."""
    caption: Markup | None
    """The caption, rendered."""
    credit: str | None
    """The photo credit, shown in its own element."""
    css_class: str
    """``figure``, or ``figure lead-image`` for the lead image."""


@attrs.frozen(kw_only=True)
class ParagraphView:
    """A paragraph (``blocks/paragraph.html``)."""

    text: Markup
    """The paragraph's content, rendered."""
    dateline: str | None = None
    """The article's dateline, run in before the first paragraph's text (``KYIV — ...``)."""


@attrs.frozen(kw_only=True)
class HeadingView:
    """A section heading (``blocks/heading.html``)."""

    level: int
    """2 to 6: one below the heading it falls under, so no level is skipped."""
    id: str
    """The anchor, unique in the document (``what-the-pilot-includes``)."""
    text: Markup
    """The heading's content, rendered."""


@attrs.frozen(kw_only=True)
class QuoteView:
    """A block or pull quote (``blocks/quote.html``)."""

    text: Markup
    """The quoted content, rendered."""
    attribution: str | None
    """Who said it."""
    source: str | None
    """Where it was said, shown in ``<cite>`` (the URL itself when only a URL is known)."""
    url: str | None
    """Link to the source (also the blockquote's ``cite``)."""
    pull: bool
    """Whether this is a pull quote, set apart in an ``<aside>``."""


@attrs.frozen(kw_only=True)
class ListView:
    """A bulleted or numbered list (``blocks/list.html``)."""

    ordered: bool
    """``<ol>`` or ``<ul>``."""
    items: tuple[Markup, ...]
    """The items, rendered."""


@attrs.frozen(kw_only=True)
class RelatedLinkView:
    """A related-story box (``blocks/related_link.html``)."""

    label_id: str
    """``id`` of the "Related" label; with the title's, it names the box (unique ids)."""
    title_id: str
    """``id`` of the title: boxes named by label and title stay distinct landmarks."""
    title: str
    """The related story's title (isolated with ``<bdi>``: it may run in the other direction)."""
    url: str | None
    """Where it lives."""
    summary: str | None
    """A line about it."""
    show_url: bool
    """Whether the URL is printed as text (paper cannot be clicked)."""


@attrs.frozen(kw_only=True)
class CellView:
    """One table cell (``blocks/table.html``)."""

    text: Markup
    """The cell's content, rendered (empty for an empty cell)."""
    header: Literal["col", "row"] | None
    """``scope`` of a header cell (``<th>``), or ``None`` for a data cell (``<td>``)."""


@attrs.frozen(kw_only=True)
class TableView:
    """A table (``blocks/table.html``): every row as wide as the widest, padded with empty cells."""

    caption: Markup | None
    """The caption, rendered."""
    caption_id: str | None
    """``id`` of the caption, which names the scrolling box around the table (screen)."""
    head: tuple[tuple[CellView, ...], ...]
    """The header rows (``<thead>``)."""
    rows: tuple[tuple[CellView, ...], ...]
    """The body rows (``<tbody>``)."""
    scroll: bool
    """Whether the table sits in a box that scrolls sideways, focusable by keyboard (screen)."""


@attrs.frozen(kw_only=True)
class PreformattedView:
    """Code or verse, white space kept (``blocks/preformatted.html``)."""

    verse: bool
    """Verse (lines in the text face, ``<br>`` between them) rather than code (``<pre>``)."""
    lines: tuple[str, ...]
    """The text's lines, spaces kept (verse)."""
    text: str
    """The whole text, as ``<pre>`` holds it (code)."""
    language: str | None
    """The code's language, written as the ``language-*`` class (HTML's convention)."""


@attrs.frozen(kw_only=True)
class EmbedView:
    """Content hosted elsewhere, as a link card (``blocks/embed.html``): never loaded."""

    url: str | None
    """The link's target (``None`` where print cannot link it: the URL is then text only)."""
    title: str
    """The link's text: the embed's title, else its URL."""
    provider: str | None
    """Who hosts it."""
    fallback: Markup | None
    """What readers who cannot open it should know, rendered."""
    poster: ImageView | None
    """The still image standing for it."""
    view_at: PhraseView | None
    """``View online: {url}`` where the URL is printed (print, EPUB) and the link's text
    is not the URL already; its slot is ``url``."""
    shown_url: str
    """The URL as printed."""


@attrs.frozen(kw_only=True)
class NewsletterView:
    """A newsletter box (``blocks/newsletter.html``)."""

    title_id: str
    """``id`` of the title, which labels the box (unique in the document)."""
    email_id: str
    """``id`` of the email field, which its label points at (unique in the document)."""
    title: str
    """The box's title."""
    description: str | None
    """What the newsletter offers."""
    legal: str | None
    """The legal line."""
    signup: Literal["form", "url", "link", "none"]
    """How to sign up: a real form (screen), the URL as text (print), a plain link
    (EPUB), or nothing (no ``signup_url``)."""
    signup_url: str | None
    """Where the form posts or the link goes."""
    sign_up_at: PhraseView | None
    """``Sign up at {url}`` for ``signup="url"``: literal text and the ``url`` :class:`Slot`."""
    button_label: str
    """The button's (or link's) label: the article's, or the ``sign_up`` label for the default."""
    success_title: str | None
    """Shown once signed up (in markup hidden until used; only with a form)."""
    success_message: str | None
    """Shown once signed up (only with a form)."""


@attrs.frozen
class Slot:
    """Where a value goes in a phrase whose values the template marks up itself."""

    name: str
    """The placeholder's name: ``name`` or ``role`` in an author's phrase."""


@attrs.frozen(kw_only=True)
class AuthorView:
    """One name in the byline, with its role, as the ``author_role`` phrase orders them."""

    name: str
    """The author's name (isolated with ``<bdi>``: it may run in the other direction)."""
    url: str | None
    """Their page."""
    role: str | None
    """Their role, e.g. ``Senior Reporter``."""
    lang: str | None
    """``lang`` for the name when the phrase around it is English standing in."""
    parts: tuple[str | Slot, ...]
    """Literal text and the ``name`` and ``role`` slots, in the phrase's order."""


@attrs.frozen(kw_only=True)
class DateView:
    """A date shown in ``<time>``."""

    datetime: str
    """Machine-readable value for the ``datetime`` attribute (RFC 3339)."""
    text: str
    """What readers see: CLDR's long form in the phrase's language."""


@attrs.frozen(kw_only=True)
class PhraseView:
    """A label's whole phrase: literal text and the values it places, in the language's order.

    The values are views (an :class:`AuthorView`, a :class:`DateView`) or a
    :class:`Slot` for a value the template has at hand (the sign-up URL).
    """

    parts: tuple[object, ...]
    """Literal text (``str``) and values, in order; the template of the label knows its values."""
    lang: str | None
    """``en`` when English stands in for a missing translation, else ``None``."""
    dir: Direction | None
    """``ltr`` for English standing in within a right-to-left document, else ``None``."""


@attrs.frozen(kw_only=True)
class CorrectionView:
    """One correction: ``Corrected {date}`` when dated, then its text."""

    corrected: PhraseView | None
    """``Corrected {date}``: literal text and one :class:`DateView`; ``None`` when undated."""
    text: Markup
    """What was corrected, rendered."""


@attrs.frozen(kw_only=True)
class CorrectionsView:
    """The corrections at the end of the article (``article.html``)."""

    title_id: str
    """``id`` of the heading, which names the section."""
    labelled_by: str
    """The ids naming the section: the heading's, and the headline's in an edition's page,
    where each article's corrections must be a region of its own name."""
    level: int
    """The heading's level: one below the headline's."""
    items: tuple[CorrectionView, ...]
    """The corrections, oldest first."""


@attrs.frozen(kw_only=True)
class MastheadView:
    """The publication's name and slogan over the headline."""

    name: str
    """The publication's name."""
    slogan: str | None
    """Its slogan."""
    url: str | None
    """Its home page."""
    logo: ImageView | None
    """Its logo."""


@attrs.frozen(kw_only=True)
class ArticleView:
    """The ``<article>`` element (``article.html``)."""

    lang: str | None
    """``lang`` on the article itself (a fragment); ``None`` when the document carries it."""
    dir: Direction
    """The text direction, written with ``lang``."""
    masthead: MastheadView | None
    """Publication name and slogan."""
    section: str | None
    """The section, shown as a kicker over the headline."""
    headline: str
    """The headline (``<h1>``, or lower: :attr:`headline_level`)."""
    subheadline: str | None
    """The dek."""
    byline: PhraseView | None
    """``By A, B and C``: literal text and :class:`AuthorView` values."""
    published: PhraseView | None
    """``Published {date}``: literal text and one :class:`DateView`."""
    updated: PhraseView | None
    """``Updated {date}``: literal text and one :class:`DateView`."""
    lead_image: ImageView | None
    """The image at the top."""
    blocks: tuple[Markup, ...]
    """The body, each block rendered by its template."""
    tags: tuple[str, ...]
    """Keywords, listed in the footer."""
    rights: str | None
    """The copyright line."""
    headline_level: int = 1
    """The headline's heading level: 1, or lower for an article inside an edition's page."""
    dateline: str | None = None
    """The dateline on a line of its own before the body, when the body does not open
    with a paragraph (else the first paragraph runs it in: :attr:`ParagraphView.dateline`)."""
    corrections: CorrectionsView | None = None
    """The corrections, after the body and before the footer."""
    headline_id: str | None = None
    """``id`` of the headline, where something names itself by it (an edition's corrections)."""


@attrs.frozen(kw_only=True)
class MetaView:
    """One ``<meta>`` element: ``<meta {attribute}="{key}" content="{content}" />``."""

    attribute: Literal["name", "property"]
    """``name`` (HTML, Twitter) or ``property`` (Open Graph)."""
    key: str
    """The metadata name, e.g. ``og:title``."""
    content: str
    """Its value."""


@attrs.frozen(kw_only=True)
class DocumentView:
    """The standalone page around the article (``document.html``)."""

    lang: str
    """The document's language."""
    dir: Direction
    """Its text direction."""
    xmlns: bool
    """Whether ``<html>`` declares the XHTML namespace (EPUB)."""
    viewport: bool
    """Whether to write the viewport ``<meta>`` (not in EPUB)."""
    title: str
    """``<title>``: headline — publication."""
    meta: tuple[MetaView, ...]
    """Description, author, keywords, Open Graph and Twitter card tags."""
    canonical: str | None
    """The canonical URL."""
    stylesheet_href: str | None
    """A stylesheet linked instead of an inline one."""
    style: Markup | None
    """The inline stylesheet (made safe for a ``<style>`` element)."""
    json_ld: Markup | None
    """schema.org ``NewsArticle`` JSON-LD (made safe for a ``<script>`` element)."""
    article: Markup
    """The rendered ``<article>``."""


# --- inline content --------------------------------------------------------------


def _link_label(href: str) -> str:
    return href[len("mailto:") :] if urls.scheme(href) == "mailto" else href


def render_inline(
    text: Text,
    anchors: Mapping[str, Markup] | None = None,
    *,
    xhtml: bool = False,
    in_link: bool = False,
    href: Callable[[str], str | None] | None = None,
) -> Markup:
    """Render inline content to HTML, escaping every piece of text.

    Args:
        text: The inline content.
        anchors: Rendered text of the document's headings by ``id`` (rendered
            with ``in_link=True``): a link to ``#id`` without text of its own
            shows the heading's text.
        xhtml: Write XML syntax for void elements (``<br />``).
        in_link: The content is inside a link already; HTML does not allow a
            link in a link, so an inner link renders as its text only.
        href: Maps a link's target to the ``href`` written; ``None`` from it
            renders the link as its text only.
    """

    def inner(content: Text, *, link: bool = in_link) -> Markup:
        return render_inline(content, anchors, xhtml=xhtml, in_link=link, href=href)

    # Plain strings joined once: Markup.format goes through string.Formatter, and
    # this runs for every run of text in the article. What goes in is escaped
    # here (str, a link's target, code) or is Markup already.
    parts: list[str] = []
    for item in text:
        match item:
            case str():
                parts.append(escape(item))
            case Emphasis():
                parts.append(f"<em>{inner(item.text)}</em>")
            case Strong():
                parts.append(f"<strong>{inner(item.text)}</strong>")
            case Link():
                if item.text is not None:
                    label = inner(item.text, link=True)
                elif anchors and item.href.startswith("#") and item.href[1:] in anchors:
                    label = anchors[item.href[1:]]
                else:
                    label = escape(_link_label(item.href))
                target = item.href if href is None else href(item.href)
                if in_link or target is None:
                    parts.append(label)
                else:
                    parts.append(f'<a href="{escape(target)}">{label}</a>')
            case Code():
                parts.append(f"<code>{escape(item.text)}</code>")
            case LineBreak():
                parts.append("<br />" if xhtml else "<br>")
            case _:
                assert_never(item)
    return Markup("".join(parts))


def nested_levels(blocks: tuple[Block, ...]) -> dict[int, int]:
    """The level each heading renders at, by block index: levels nest without gaps.

    A heading goes one level below the nearest heading above it with a smaller
    level (the headline is level 1), so ``2, 4, 3, 6`` renders as ``2, 3, 3, 4``:
    assistive technology and PDF/UA checkers treat a skipped level as a broken
    outline, while the author's relative order is kept.
    """
    levels: dict[int, int] = {}
    open_headings: list[tuple[int, int]] = []  # (level written by the author, level rendered)
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            while open_headings and open_headings[-1][0] >= block.level:
                open_headings.pop()
            levels[index] = (open_headings[-1][1] if open_headings else 1) + 1
            open_headings.append((block.level, levels[index]))
    return levels


# --- metadata --------------------------------------------------------------------


def _joins(base: str | None, url: str) -> bool:
    """Whether ``urljoin`` can resolve *url* against *base*, as WeasyPrint does for links."""
    if base is None or urls.scheme(url) is not None:
        return True  # WeasyPrint joins nothing then (it does join a #fragment)
    try:
        urllib.parse.urljoin(base, url)
    except ValueError:
        return False
    return True


def script_json(value: Any) -> Markup:
    """Serialise JSON for a ``<script>`` element: no text can close or comment it."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def style_text(css: str) -> Markup:
    """Make CSS safe inside a ``<style>`` element (``</`` cannot end it early)."""
    return Markup(css.replace("</", "<\\/").strip())


#: The UTC offsets zones use in practice: checkers warn about others in ``datetime``.
_REAL_OFFSETS: Final = (timedelta(hours=-12), timedelta(hours=14))


def html_datetime(value: datetime) -> str:
    """A valid HTML global date-and-time string: HTML allows at most milliseconds.

    The article's own offset is kept if a real time zone can have it (-12:00 to
    +14:00); beyond, the same instant is written in UTC (the page's text keeps
    the article's offset).
    """
    offset = value.utcoffset()
    if offset is not None and not _REAL_OFFSETS[0] <= offset <= _REAL_OFFSETS[1]:
        value = value.astimezone(timezone.utc)
    text = format_datetime(value.replace(microsecond=0))  # 2024-02-29T09:05:07-04:00
    milliseconds = value.microsecond // 1000
    if milliseconds:
        text = f"{text[:19]}.{milliseconds:03d}{text[19:]}"
    return text


def _day_view(value: date | datetime, language: str) -> DateView:
    """A day (a correction's) in ``<time>``: the date alone, or the date-time as given."""
    machine = html_datetime(value) if isinstance(value, datetime) else value.isoformat()
    return DateView(datetime=machine, text=format_day(value, language))


def _og_locale(language: str) -> str | None:
    """Open Graph wants ``language_TERRITORY`` (``en_GB``); without a region, say nothing."""
    subtags = language.split("-")
    for subtag in subtags[1:]:
        if len(subtag) == 2 and subtag.isalpha():
            return f"{subtags[0].lower()}_{subtag.upper()}"
        if len(subtag) == 1:
            break
    return None


def _meta(article: Article, description: str | None, media: Media) -> tuple[MetaView, ...]:
    name: list[MetaView] = []

    def add(attribute: Literal["name", "property"], key: str, content: str | None) -> None:
        if content is not None:
            name.append(MetaView(attribute=attribute, key=key, content=content))

    add("name", "description", description)
    if article.authors:
        add("name", "author", ", ".join(author.name for author in article.authors))
    if article.tags:
        add("name", "keywords", ", ".join(article.tags))
    if media == "print":
        # WeasyPrint takes the PDF's dates from these names, not from the clock.
        if article.published is not None:
            add("name", "dcterms.created", format_datetime(article.published))
        if article.updated is not None:
            add("name", "dcterms.modified", format_datetime(article.updated))
    if media != "screen":
        return tuple(name)

    image = share_image(article)
    add("property", "og:type", "article")
    add("property", "og:title", article.headline)
    add("property", "og:description", description)
    add("property", "og:url", article.url)
    if image is not None:
        add("property", "og:image", image.src)
        add("property", "og:image:alt", image.alt)
        add("property", "og:image:width", None if image.width is None else str(image.width))
        add("property", "og:image:height", None if image.height is None else str(image.height))
    add("property", "og:site_name", article.publication.name if article.publication else None)
    add("property", "og:locale", _og_locale(article.language))
    add(
        "property",
        "article:published_time",
        None if article.published is None else format_datetime(article.published),
    )
    add(
        "property",
        "article:modified_time",
        None if article.updated is None else format_datetime(article.updated),
    )
    add("property", "article:section", article.section)
    for author in article.authors:
        if is_absolute(author.url):
            add("property", "article:author", author.url)
    for tag in article.tags:
        add("property", "article:tag", tag)
    add("name", "twitter:card", "summary" if image is None else "summary_large_image")
    add("name", "twitter:title", article.headline)
    add("name", "twitter:description", description)
    if image is not None:
        add("name", "twitter:image", image.src)
        add("name", "twitter:image:alt", image.alt)
    return tuple(name)


# --- rendering -------------------------------------------------------------------


class HtmlRenderer:
    """Renders one article under one set of options (the state of one ``to_html`` call).

    An edition's page (:mod:`messenger_content.exporters.editions.html`) renders
    each of its articles with one of these (a subclass that prefixes ids and
    in-page links, :attr:`heading_offset` set), and its own header with another.
    """

    #: How many levels the article's headings sit below the page's top level (0: the
    #: headline is ``<h1>``); an edition's page ranks its articles under its own title.
    heading_offset: int = 0

    def __init__(
        self,
        *,
        environment: jinja2.Environment,
        media: Media,
        labels: Labels,
        embed_images: bool,
        base_dir: str | os.PathLike[str] | None,
        allow_remote: bool,
        image_src: Callable[[str], str] | None,
        image_base: str | None,
        ids: theme.IdRegistry,
    ) -> None:
        self.environment = environment
        self.media = media
        self.labels = labels
        self.embed_images = embed_images
        self.base_dir = base_dir
        self.allow_remote = allow_remote
        self.image_src = image_src
        self.image_base = image_base
        self.ids = ids
        self.anchors: dict[str, Markup] = {}
        self.base_url: str | None = None
        self.xhtml = media == "epub"
        self.slash = " /" if self.xhtml else ""
        self.language = labels.language
        self.direction: Direction = "ltr"
        self.marks: dict[str, Markup] = {}
        self.set_language(labels.language)

    def set_language(self, language: str) -> None:
        """Speak *language*: the direction, and the marks of English labels standing in."""
        self.language = language
        self.direction = theme.text_direction(language)
        english = Markup(' lang="en" dir="ltr"' if self.direction == "rtl" else ' lang="en"')
        self.marks = {
            key: english if key in self.labels.english else Markup("") for key in LABEL_KEYS
        }

    def phrase(self, key: str, **values: object) -> PhraseView:
        """The label *key* filled in with *values*, marked if English stands in for it."""
        english = self.labels.lang(key)
        return PhraseView(
            parts=self.labels.parts(key, **values),
            lang=english,
            dir="ltr" if english and self.direction == "rtl" else None,
        )

    @cached_property
    def policy(self) -> ResourcePolicy:
        """The resource policy of the article's folder, which every image goes through."""
        return policy_for(self.base_dir, self.allow_remote)

    def render(self, template: str, **context: Any) -> Markup:
        """Render the theme's *template* with *context* (and the labels, marks and media)."""
        try:
            text = self.environment.get_template(template).render(
                labels=self.labels,
                marks=self.marks,
                media=self.media,
                slash=self.slash,
                **context,
            )
        except jinja2.TemplateError as error:
            where = getattr(error, "filename", None) or getattr(error, "name", None) or template
            raise ExportError(f"template {where}: {error}") from error
        return Markup(text.strip("\n"))

    # images

    def image_url(self, src: str) -> str:
        """The URL written for the image *src*, read through the policy first."""
        return _images.reference(
            self.policy,
            src,
            embed=self.embed_images,
            image_src=self.image_src,
            image_base=self.image_base,
        )

    def image(self, image: Image, *, lead: bool = False) -> ImageView:
        """The figure of *image* (a lead image's when *lead*)."""
        caption = None if image.caption is None else self.inline(image.caption)
        alt = image.alt
        if alt is None and caption is None:
            alt = ""  # no description at all: mark the image decorative
        return ImageView(
            src=self.image_url(image.src),
            alt=alt,
            width=image.width,
            height=image.height,
            caption=caption,
            credit=image.credit,
            css_class="figure lead-image" if lead else "figure",
        )

    # inline content and blocks

    def inline(self, text: Text) -> Markup:
        """Inline content, rendered; in-page links resolve to the article's headings."""
        return render_inline(text, self.anchors, xhtml=self.xhtml, href=self.href)

    def href(self, url: str) -> str | None:
        """A link's target as written, or ``None`` to show the link as text only.

        WeasyPrint resolves the links of print markup against the article's URL
        with :func:`urllib.parse.urljoin`, which raises on some targets the
        format accepts (``//[x``, or any relative link when the article's URL
        has an unclosed ``[``), and the whole PDF fails; print markup leaves
        such a link out and keeps its text.
        """
        if self.media != "print" or _joins(self.base_url, url):
            return url
        return None

    def optional_href(self, url: str | None) -> str | None:
        """:meth:`href` for an optional URL field."""
        return None if url is None else self.href(url)

    def block_view(self, block: Block, anchor: str | None, level: int | None = None) -> object:
        """What the template of *block* sees; a heading's *anchor* and *level* are given."""
        match block:
            case Paragraph():
                return ParagraphView(text=self.inline(block.text))
            case Heading():
                assert anchor is not None
                assert level is not None
                return HeadingView(level=level, id=anchor, text=self.inline(block.text))
            case Quote():
                return QuoteView(
                    text=self.inline(block.text),
                    attribution=block.attribution,
                    source=block.source if block.source is not None else block.url,
                    url=self.optional_href(block.url),
                    pull=block.style == "pull",
                )
            case Image():
                return self.image(block)
            case ItemList():
                return ListView(
                    ordered=block.ordered, items=tuple(self.inline(item) for item in block.items)
                )
            case RelatedLink():
                url = self.optional_href(block.url)
                stem = self.ids.claim("related")
                return RelatedLinkView(
                    label_id=self.ids.claim(f"{stem}-label"),
                    title_id=self.ids.claim(f"{stem}-title"),
                    title=block.title,
                    url=url,
                    summary=block.summary,
                    show_url=self.media == "print" and url is not None,
                )
            case Newsletter():
                return self.newsletter(block)
            case Divider():
                return block
            case Table():
                return self.table(block)
            case Preformatted():
                return PreformattedView(
                    verse=block.style == "verse",
                    lines=tuple(block.text.split("\n")),
                    text=block.text,
                    language=block.language,
                )
            case Embed():
                return self.embed(block)
            case _:
                assert_never(block)

    def table(self, block: Table) -> TableView:
        """A table's view: cells padded to the widest row, headers scoped, scrolling on screen."""
        width = max(len(row) for row in (*block.header_rows, *block.rows))
        # Header rows whose first cells are all empty leave a corner over a column of
        # row headings, as in a results table (the candidates down the side).
        row_headers = bool(block.header_rows) and all(not row[0] for row in block.header_rows)

        def scope(cell: Text, column: int, *, head: bool) -> Literal["col", "row"] | None:
            if not cell:
                return None  # a header without text names nothing
            if head:
                return "col"
            return "row" if row_headers and column == 0 else None

        def cells(row: tuple[Text, ...], *, head: bool) -> tuple[CellView, ...]:
            padded = (*row, *(((),) * (width - len(row))))
            return tuple(
                CellView(text=self.inline(cell), header=scope(cell, column, head=head))
                for column, cell in enumerate(padded)
            )

        scroll = self.media == "screen"
        return TableView(
            caption=None if block.caption is None else self.inline(block.caption),
            caption_id=self.ids.claim("table-caption")
            if scroll and block.caption is not None
            else None,
            head=tuple(cells(row, head=True) for row in block.header_rows),
            rows=tuple(cells(row, head=False) for row in block.rows),
            scroll=scroll,
        )

    def embed(self, block: Embed) -> EmbedView:
        """An embed's link card; print and e-books also write its address out."""
        # Paper cannot follow a link, and a reading system may not show where one
        # goes: print and e-books write the address out.
        printed = self.media != "screen"
        return EmbedView(
            url=self.href(block.url),
            title=block.title if block.title is not None else block.url,
            provider=block.provider,
            fallback=None if block.fallback is None else self.inline(block.fallback),
            poster=None if block.poster is None else self.image(block.poster),
            # Without a title the link's text is the URL already.
            view_at=self.phrase("embed_at", url=Slot("url"))
            if printed and block.title is not None
            else None,
            shown_url=block.url,
        )

    def corrections(
        self, corrections: tuple[Correction, ...], headline_id: str | None
    ) -> CorrectionsView | None:
        """The corrections section, or ``None`` for an article without corrections."""
        if not corrections:
            return None
        language = self.labels.lang("corrected") or self.language
        items = tuple(
            CorrectionView(
                corrected=None
                if correction.date is None
                else self.phrase("corrected", date=_day_view(correction.date, language)),
                text=self.inline(correction.text),
            )
            for correction in corrections
        )
        title_id = self.ids.claim("corrections")
        return CorrectionsView(
            title_id=title_id,
            labelled_by=title_id if headline_id is None else f"{title_id} {headline_id}",
            level=min(6, 2 + self.heading_offset),
            items=items,
        )

    def newsletter(self, block: Newsletter) -> NewsletterView:
        """The newsletter box: a form on screen, the sign-up URL in print, a link in a book."""
        signup: Literal["form", "url", "link", "none"]
        signup_url = self.optional_href(block.signup_url)
        match self.media:
            case _ if signup_url is None:
                signup = "none"
            case "screen":
                signup = "form"
            case "print":
                signup = "url"
            case "epub":
                signup = "link"
            case _:
                assert_never(self.media)
        form = signup == "form"
        stem = self.ids.claim("newsletter")
        return NewsletterView(
            title_id=self.ids.claim(f"{stem}-title"),
            email_id=self.ids.claim(f"{stem}-email"),
            title=block.title,
            description=block.description,
            legal=block.legal,
            signup=signup,
            signup_url=signup_url,
            sign_up_at=self.phrase("sign_up_at", url=Slot("url")) if signup == "url" else None,
            button_label=self.button_label(block.button_label),
            success_title=block.success_title if form else None,
            success_message=block.success_message if form else None,
        )

    def button_label(self, label: str) -> str:
        """The article's button label, or the ``sign_up`` label in place of the default."""
        return self.labels.sign_up if label == _DEFAULT_BUTTON else label

    def article(self, article: Article, *, fragment: bool) -> Markup:
        """The ``<article>`` element of *article* (with ``lang`` when a *fragment*)."""
        self.base_url = article.url
        self.set_language(article.language)
        # Views are built in document order, so image_src sees images in reading order.
        masthead = self.masthead(article)
        lead_image = (
            None if article.lead_image is None else self.image(article.lead_image, lead=True)
        )
        anchors = theme.heading_ids(article.body, self.ids)
        for index, anchor in anchors.items():
            heading = article.body[index]
            assert isinstance(heading, Heading)
            self.anchors[anchor] = render_inline(heading.text, xhtml=self.xhtml, in_link=True)
        levels = {
            index: min(6, level + self.heading_offset)
            for index, level in nested_levels(article.body).items()
        }
        blocks = []
        dateline = article.dateline
        for index, block in enumerate(article.body):
            # raises on an unknown type
            view = self.block_view(block, anchors.get(index), levels.get(index))
            if index == 0 and dateline is not None and isinstance(view, ParagraphView):
                view = attrs.evolve(view, dateline=dateline)
                dateline = None  # run in: not on a line of its own
            blocks.append(self.render(BLOCK_TEMPLATES[type(block)], block=view))
        # Among other articles, "Corrections" alone would name several regions alike.
        headline_id = (
            self.ids.claim("headline") if article.corrections and self.heading_offset else None
        )
        article_view = ArticleView(
            lang=article.language if fragment else None,
            dir=theme.text_direction(article.language),
            masthead=masthead,
            section=article.section,
            headline=article.headline,
            subheadline=article.subheadline,
            byline=self.byline(article),
            published=self.date("published", article.published),
            updated=self.date("updated", article.updated),
            lead_image=lead_image,
            blocks=tuple(blocks),
            tags=article.tags,
            rights=article.rights,
            headline_level=1 + self.heading_offset,
            dateline=dateline,
            corrections=self.corrections(article.corrections, headline_id),
            headline_id=headline_id,
        )
        return self.render("article.html", article=article_view)

    def masthead(self, article: Article) -> MastheadView | None:
        """The publication's name, slogan and logo, if the article names a publication."""
        publication = article.publication
        if publication is None:
            return None
        logo = None
        if publication.logo is not None:
            logo = self.image(publication.logo, lead=True)
            if logo.alt is None:
                logo = attrs.evolve(logo, alt="")
        return MastheadView(
            name=publication.name,
            slogan=publication.slogan,
            url=self.optional_href(publication.url),
            logo=logo,
        )

    def byline(self, article: Article) -> PhraseView | None:
        """``By A, B and C`` as one phrase, names joined by CLDR's list pattern."""
        if not article.authors:
            return None
        key = "by" if len(article.authors) == 1 else "by_many"
        english = self.labels.lang(key)
        # Names in an English phrase keep the article's language.
        name_lang = article.language if english else None
        authors = [
            AuthorView(
                name=author.name,
                url=self.optional_href(author.url),
                role=author.role,
                lang=name_lang,
                parts=(_NAME,)
                if author.role is None
                else self.labels.parts("author_role", name=_NAME, role=_ROLE),
            )
            for author in article.authors
        ]
        phrase = self.phrase(key, authors=_AUTHORS)
        joined = join_list(authors, english or self.language)
        parts = [joined if part is _AUTHORS else (part,) for part in phrase.parts]
        return attrs.evolve(phrase, parts=tuple(piece for part in parts for piece in part))

    def date(self, key: str, value: datetime | None) -> PhraseView | None:
        """``Published {date}``: the date in CLDR's long form, in the phrase's language."""
        if value is None:
            return None
        view = DateView(
            datetime=html_datetime(value),
            text=format_date(value, self.labels.lang(key) or self.language),
        )
        return self.phrase(key, date=view)


_NAME: Final = Slot("name")
_ROLE: Final = Slot("role")
_AUTHORS: Final = Slot("authors")

#: The newsletter button's label when the article does not name one.
_DEFAULT_BUTTON: Final = attrs.fields(Newsletter).button_label.default


def _document(
    article: Article,
    rendered: Markup,
    *,
    media: Media,
    style: str | None,
    stylesheet_href: str | None,
) -> DocumentView:
    description = article.summary or article.subheadline
    title = article.headline
    if article.publication is not None:
        title = f"{article.headline} \u2014 {article.publication.name}"
    return DocumentView(
        lang=article.language,
        dir=theme.text_direction(article.language),
        xmlns=media == "epub",
        viewport=media != "epub",
        title=title,
        meta=_meta(article, description, media),
        canonical=article.url if media != "epub" else None,
        stylesheet_href=stylesheet_href,
        style=None if style is None else style_text(style),
        json_ld=None if media == "epub" else script_json(to_jsonld(article)),
        article=rendered,
    )


#: The line and paragraph separators, as spaces: WeasyPrint cannot lay out a space
#: followed by U+2029 (an assertion fails), and the text exporter treats both as
#: white space too.
_PRINT_SEPARATORS = str.maketrans({"\u2028": " ", "\u2029": " "})


def for_media(html: str, media: Media) -> str:
    """Adjust finished markup for the renderer that reads it (WeasyPrint reads print markup)."""
    return html.translate(_PRINT_SEPARATORS) if media == "print" else html


# --- the entry point -------------------------------------------------------------


def to_html(
    article: Article | Edition,
    *,
    fragment: bool = False,
    embed_images: bool = False,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    media: Literal["screen", "print", "epub"] = "screen",
    image_src: Callable[[str], str] | None = None,
    image_base: str | None = None,
    stylesheet_href: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """Render an article as an HTML5 document (or just its ``<article>`` element).

    The document is self-contained: the theme's stylesheet is inlined and
    nothing is loaded from elsewhere. Images are linked by their sources as
    given (relative to the article's folder), unless *embed_images*,
    *image_src* or *image_base* says otherwise (one of them at most); to write
    a page whose images resolve wherever it is saved, use
    :func:`messenger_content.export`, which copies them beside the file.

    Args:
        article: The article to render, or an edition (one page of articles:
            :func:`messenger_content.exporters.editions.html.to_html`; *base_dir*
            is then the edition's folder, and *image_src* maps every article's images).
        fragment: Return only the ``<article>`` element (carrying ``lang`` and
            ``dir``), to embed in another page; *css* and *stylesheet_href* do
            not apply (style the page with :func:`messenger_content.theme.stylesheet`).
        embed_images: Inline every image as a ``data:`` URI, for a single file.
        base_dir: The article's folder, which relative image sources are
            resolved against and may not leave (``None``: the current folder).
        allow_remote: Let http(s) images through the resource policy (and be
            fetched when embedding).
        css: Extra CSS appended after the theme's stylesheet.
        template_dir: A folder whose templates and stylesheets replace the
            theme's, name by name (see ``docs/themes.md``).
        media: ``"screen"`` (browsers), ``"print"`` (the PDF exporter: print
            stylesheet, no form, URLs of related links and the newsletter shown
            as text) or ``"epub"`` (EPUB stylesheet, a sign-up link instead of
            a form, no scripts or social metadata, XHTML namespace).
        image_src: Maps each image's source to the URL written in the markup
            (the EPUB exporter points them at files inside the book); the
            source still goes through the resource policy first.
        image_base: Join each relative image source to this URL, for a site
            that serves the article's images by the same relative paths
            (``"https://cdn.example/a/"`` + ``photo.jpg``).
        stylesheet_href: Link the stylesheet at this URL instead of inlining
            one (the EPUB exporter stores :func:`theme.stylesheet` as a file).
        labels: Replace some of the words the exporter adds, by key
            (:data:`~messenger_content.i18n.LABEL_KEYS`), e.g.
            ``{"by": "Words by {authors}"}``; each phrase keeps the English
            one's placeholders. The others come from the catalog of the
            article's language (see ``docs/i18n.md``).

    Returns:
        The HTML text, ending with a newline.

    Raises:
        ResourceError: an image was refused by the resource policy or unreadable.
        ExportError: the template folder or one of its templates is broken.
        ValueError: *media* or a *labels* key is unknown, a *labels* phrase does
            not hold its label's placeholders, or more than one of
            *embed_images*, *image_src* and *image_base* is given.
    """
    _images.check_choice(embed=embed_images, image_src=image_src, image_base=image_base)
    if isinstance(article, Edition):
        if fragment:
            raise ValueError("an edition renders as a whole page: fragment=True is for articles")
        from .editions.html import to_html as edition_to_html

        return edition_to_html(
            article,
            embed_images=embed_images,
            base_dir=base_dir,
            allow_remote=allow_remote,
            css=css,
            template_dir=template_dir,
            media=media,
            image_src_for=None if image_src is None else (lambda _: image_src),
            image_base=image_base,
            stylesheet_href=stylesheet_href,
            labels=labels,
        )
    if media not in theme.MEDIA:
        raise ValueError(f"unknown media {media!r} (expected one of: {', '.join(theme.MEDIA)})")
    renderer = HtmlRenderer(
        environment=theme.environment(template_dir),
        media=media,
        labels=labels_for(article.language, labels),
        embed_images=embed_images,
        base_dir=base_dir,
        allow_remote=allow_remote,
        image_src=image_src,
        image_base=image_base,
        ids=theme.IdRegistry(),
    )
    rendered = renderer.article(article, fragment=fragment)
    if fragment:
        return for_media(f"{rendered}\n", media)
    style = None
    if stylesheet_href is None:
        style = theme.stylesheet(media, template_dir=template_dir, css=css)
    document = _document(
        article, rendered, media=media, style=style, stylesheet_href=stylesheet_href
    )
    return for_media(f"{renderer.render('document.html', document=document)}\n", media)
