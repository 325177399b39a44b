"""The PDF exporter: the HTML exporter's print markup, typeset by WeasyPrint.

:func:`to_pdf` renders one article; a :class:`PdfRenderer` renders many, keeping
what is expensive to build (the font configuration and the parsed print
stylesheets) from one document to the next, so a batch pays for it once and
its memory stays flat. :func:`to_pdf` uses one such renderer per process.

What goes into the PDF:

* The markup of :func:`~messenger_content.exporters.html.to_html` with
  ``media="print"``, styled by the theme's ``print.css``: A4 (or Letter) pages,
  a masthead on the first page, a running header and ``n / N`` page numbers.
* Bookmarks (the outline) from the headline and the headings, a tagged
  (accessible) structure, the article's language, and metadata taken from the
  article, never from the clock: title, authors, subject, keywords, creation
  and modification dates. The same input gives byte-identical files.

What WeasyPrint may load: nothing on its own. The article's images are read
through its :class:`~messenger_content.resources.ResourcePolicy` before
WeasyPrint starts; stylesheets may not ``@import`` or load fonts by URL; and
WeasyPrint is handed a URL fetcher that sends every other URL (``url()`` in
CSS) through the same policy, which accepts images only. Any refusal stops the
rendering with a :class:`~messenger_content.errors.ResourceError`, instead of
the warning WeasyPrint would log while leaving the image out.

Relative links in the article resolve against its ``url``, so a reader of the
PDF lands on the web page they name.

WeasyPrint is imported the first time a PDF is made, never when
``messenger_content`` is imported. It is used through its public API only:
rendering changes none of its settings nor anything else in the process.

A rendering in the caller's process is bounded in size (:class:`PdfLimits`),
not in time: WeasyPrint offers no way to stop a layout part-way. A caller who
needs a time limit renders in a worker process and ends the process when the
time is up, as :mod:`messenger_content.batch` and the command line do.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib
import logging
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any, ClassVar, Final, Literal, TypeAlias, get_args
from xml.etree import ElementTree

import attrs

from .._rules import format_datetime
from ..css import loads as stylesheet_loads
from ..errors import ContentError, ExportError, ResourceError
from ..models import Article, Edition
from ..resources import Resource, ResourcePolicy, policy_for

__all__ = [
    "PAPERS",
    "THEME_HREF",
    "Paper",
    "PdfLimits",
    "PdfRenderer",
    "PdfResources",
    "choose_variant",
    "harfbuzz_subsetting",
    "hyphenates",
    "supported_variants",
    "to_pdf",
    "warn_missing_alt",
    "warn_missing_fonts",
]

Paper: TypeAlias = Literal["a4", "letter"]
"""The paper sizes the exporter lays pages out for."""

PAPERS: tuple[Paper, ...] = get_args(Paper)
"""Every paper size, the default first."""

#: Extra CSS per paper size, after the theme's (which sets A4).
_PAPER_CSS: Final[dict[Paper, str]] = {"a4": "", "letter": "@page { size: letter }"}

#: Extra CSS for languages WeasyPrint cannot hyphenate (no dictionary in pyphen):
#: justified narrow columns without hyphens open wide gaps, so set them ragged.
_UNHYPHENATED_CSS: Final = ".article-body { text-align: start }"

THEME_HREF: Final = "messenger-content:theme/print.css"
"""Where print markup links the theme's stylesheet (``stylesheet_href``): served empty,
as the renderer applies its own parsed copy instead of parsing it again for every document."""

#: Images are written into the markup under these URLs, one per source.
_IMAGE_URL: Final = "messenger-content:image/{}"
#: Stylesheets resolve relative URLs against this base; what lands under it is a
#: path in the article's folder. Escapes (``../``, absolute paths) leave it.
_CSS_BASE: Final = "file:///messenger-content/article/"
#: WeasyPrint log messages that mean something named by the document was left out.
_DROPPED = re.compile(r"Failed to (load|render)|Relative URI reference without a base URI")
#: How many parsed stylesheets (themes, user CSS) a renderer keeps.
_SHEET_CACHE_SIZE: Final = 16


# --- WeasyPrint, imported on first use ------------------------------------------


def _weasyprint() -> Any:
    """Import WeasyPrint, turning a missing library into an :class:`ExportError`."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or HarfBuzz missing
        raise ExportError(f"PDF export needs WeasyPrint and its libraries: {error}") from error
    return weasyprint


def supported_variants() -> tuple[str, ...]:
    """Return the PDF variants the installed WeasyPrint can write (``pdf/a-3u``, ``pdf/ua-1``...).

    Raises:
        ExportError: WeasyPrint cannot be imported.
    """
    _weasyprint()
    from weasyprint.pdf import VARIANTS

    return tuple(sorted(name for name in VARIANTS if name.startswith("pdf/")))


def harfbuzz_subsetting() -> bool:
    """Say whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow).

    WeasyPrint uses ``libharfbuzz-subset`` when it is installed, at version 4.1
    or later; otherwise it falls back to fontTools, many times slower.

    Raises:
        ExportError: WeasyPrint cannot be imported.
    """
    _weasyprint()
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


# --- limits ----------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PdfLimits:
    """How large an article one PDF rendering takes on, so untrusted input cannot exhaust a process.

    WeasyPrint lays out text in Python, at roughly 0.1-0.2 s per thousand
    characters of body text on a small machine, and its documentation warns
    that untrusted documents can make it loop or exhaust memory. The size
    limit stops a rendering before WeasyPrint starts, with an
    :class:`~messenger_content.errors.ExportError` that names it; ``None``
    switches it off.

    There is no time limit here: WeasyPrint cannot be stopped part-way through
    a layout from inside its process. To bound the time, render in a worker
    process and end it when the time is up, as :func:`messenger_content.batch.convert_many`
    and the command line (``--pdf-timeout``) do.

    Example::

        to_pdf(article, limits=PdfLimits(max_characters=2_000_000))
    """

    max_characters: int | None = attrs.field(default=500_000)
    """Most characters of print markup WeasyPrint is given: the article's text and
    markup plus about 600 for the page. Checked before WeasyPrint starts, it
    bounds memory too (some 110 MB of peak RSS at 200,000 characters)."""

    @max_characters.validator
    def _check_characters(self, attribute: attrs.Attribute[int | None], value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or value < 1):
            raise ValueError(f"max_characters must be a positive number, got {value!r}")

    def check(self, markup: str) -> None:
        """Refuse an article's print *markup* over :attr:`max_characters`.

        An edition checks each of its articles' ``<article>`` elements.

        Raises:
            ExportError: the markup is over the limit (the message says how to raise it).
        """
        if self.max_characters is not None and len(markup) > self.max_characters:
            raise ExportError(
                f"the article is too long for a PDF: its print markup has {len(markup):,}"
                f" characters, over the limit of {self.max_characters:,}"
                " (raise PdfLimits.max_characters, or --pdf-max-chars on the command line)"
            )


# --- resources -------------------------------------------------------------------


class PdfResources:
    """What one rendering may load, every piece of it through the resource policy.

    Images are read before WeasyPrint starts and named in the markup by private
    URLs (:meth:`image_url`, the HTML exporter's ``image_src`` hook); WeasyPrint's
    URL fetcher is served from here (:meth:`load`). An edition's rendering
    subclasses it to read each article's images through its own folder.
    """

    def __init__(self, policy: ResourcePolicy) -> None:
        self.policy = policy
        """The policy of the document's folder (images not named by the markup, CSS ``url()``)."""
        self.urls: dict[str, str] = {}
        """The private URL given to each image source."""
        self.images: dict[str, Resource] = {}
        """The images read, by private URL."""
        self.refused: list[ResourceError] = []
        """What the policy refused when WeasyPrint asked for it."""

    def add(self, resource: Resource) -> str:
        """Keep *resource* for WeasyPrint, under a new private URL, and return the URL."""
        url = _IMAGE_URL.format(len(self.images))
        self.images[url] = resource
        return url

    def image_url(self, src: str) -> str:
        """Read an image of the article now, and name it in the markup by a private URL.

        This is the HTML exporter's ``image_src`` hook: every image is read (and
        refused, if need be) before WeasyPrint starts, with the source as the
        article names it in the error.
        """
        url = self.urls.get(src)
        if url is None:
            url = self.urls[src] = self.add(self.policy.fetch(src))
        return url

    def load(self, url: str) -> tuple[bytes, str]:
        """Return the bytes and media type WeasyPrint asked for, or raise ResourceError."""
        if url == THEME_HREF:
            return b"", "text/css"
        resource = self.images.get(url)
        if resource is None:
            source = url[len(_CSS_BASE) :] if url.startswith(_CSS_BASE) else url
            try:
                resource = self.policy.fetch(source)
            except ResourceError as error:
                self.refused.append(error)
                raise
        return resource.data, resource.media_type


def _check_stylesheet(css: str) -> None:
    """Refuse the loads a stylesheet asks for that are not images: ``@import``, fonts by URL.

    The URL fetcher refuses them too (the policy accepts images only), but it
    cannot tell a stylesheet or a font from an image that happens to be
    allowed; this says what was refused, and why, before anything is read.

    Raises:
        ResourceError: the stylesheet has an ``@import`` rule, or a ``@font-face``
            whose ``src`` names a URL (``local()`` fonts are fine).
    """
    for load in stylesheet_loads(css):
        if load.kind == "import":
            raise ResourceError(load.url, "stylesheets may not @import other stylesheets")
        if load.kind == "font":
            raise ResourceError(
                load.url, "fonts are not loaded from URLs; name an installed font instead"
            )


def _packaged_print_css() -> str:
    """The print stylesheet the package ships (which loads nothing, as a test checks)."""
    from .. import theme

    return theme.stylesheet("print")


@functools.cache
def _fetcher_class() -> type:
    """Build the URL fetcher class (WeasyPrint's base class exists only once it is imported)."""
    _weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PolicyFetcher(URLFetcher):  # type: ignore[misc]  # untyped base class
        """Serves WeasyPrint from :class:`PdfResources`; opens no file or connection itself."""

        def __init__(self, resources: PdfResources) -> None:
            # fail_on_errors: a refusal stops the rendering (WeasyPrint would log it
            # and leave the image out). No protocol is allowed to the base opener.
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)
            self.resources = resources

        def fetch(self, url: str, headers: object = None) -> Any:
            data, media_type = self.resources.load(url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type})

    return PolicyFetcher


class _DroppedResources(logging.Handler):
    """Collects WeasyPrint's reports of resources it left out, in this thread."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            message = record.getMessage()
            if _DROPPED.match(message):
                self.messages.append(message)


@contextlib.contextmanager
def _rendering(resources: PdfResources) -> Iterator[_DroppedResources]:
    """Turn what WeasyPrint raises or logs about the document into our errors."""
    from weasyprint.urls import FatalURLFetchingError

    logger = logging.getLogger("weasyprint")
    dropped = _DroppedResources()
    logger.addHandler(dropped)
    try:
        yield dropped
    except FatalURLFetchingError as error:
        cause = error.__cause__
        if isinstance(cause, ResourceError):
            raise cause from None
        if resources.refused:
            raise resources.refused[-1] from None
        raise ExportError(f"a resource could not be loaded: {cause or error}") from None
    except ContentError:
        raise
    except Exception as error:  # a WeasyPrint failure must not surface as a traceback
        raise ExportError(f"WeasyPrint could not render the article: {error}") from error
    finally:
        logger.removeHandler(dropped)
    if dropped.messages:
        raise ExportError("the PDF would miss part of the document: " + dropped.messages[0])


# --- metadata --------------------------------------------------------------------


def _set_metadata(metadata: Any, article: Article, generator: str) -> None:
    """Fill WeasyPrint's document metadata from the article (not from the HTML head)."""
    metadata.title = article.headline
    metadata.authors = [author.name for author in article.authors]
    metadata.description = article.summary or article.subheadline
    metadata.keywords = list(article.tags)
    metadata.generator = generator
    metadata.lang = article.language
    created = article.published
    modified = article.updated or article.published
    metadata.created = None if created is None else format_datetime(created)
    metadata.modified = None if modified is None else format_datetime(modified)


@functools.cache
def _metadata_class() -> type:
    """Build the metadata class (WeasyPrint's base class exists only once it is imported)."""
    _weasyprint()
    from weasyprint.document import DocumentMetadata

    class StableMetadata(DocumentMetadata):  # type: ignore[misc]  # untyped base class
        """WeasyPrint's document metadata, with a PDF/X-4 DocumentID drawn from the document.

        WeasyPrint writes a random ``uuid4`` there; a DocumentID only has to be
        unique to the document, so one derived from its content keeps rebuilds
        byte-identical.
        """

        def __init__(self, *, document_id: str, **fields: Any) -> None:
            super().__init__(**fields)
            self.document_id = document_id

        def generate_rdf_metadata(self, variant: Any, version: Any, conformance: Any) -> bytes:
            rdf: bytes = super().generate_rdf_metadata(variant, version, conformance)
            tree = ElementTree.fromstring(rdf)
            for element in tree.iter(_XMP_DOCUMENT_ID):
                if element.text:
                    rdf = rdf.replace(element.text.encode(), self.document_id.encode())
            return rdf

    return StableMetadata


#: Where PDF/X-4's XMP metadata holds the document's identifier.
_XMP_DOCUMENT_ID: Final = "{http://ns.adobe.com/xap/1.0/mm/}DocumentID"


def _document_id(seed: bytes) -> str:
    """An XMP DocumentID (``xmp.did:`` and a UUID's form) made from *seed*."""
    digest = hashlib.sha256(seed).hexdigest()
    return f"xmp.did:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _add_role_map(document: Any, pdf: Any) -> None:
    """Give the structure tree a role map, which PDF/UA checkers look for (a finisher).

    It is empty: WeasyPrint tags with PDF 1.7's standard structure types only,
    so no type needs mapping to one.
    """
    pydyf = importlib.import_module("pydyf")  # WeasyPrint's PDF writer (untyped)
    for pdf_object in pdf.objects:
        if isinstance(pdf_object, dict) and pdf_object.get("Type") == "/StructTreeRoot":
            pdf_object.setdefault("RoleMap", pydyf.Dictionary())


def warn_missing_fonts(markup: str, language: str) -> None:
    """Warn about each script of *markup* whose face is not installed (never silent boxes)."""
    from ..fonts import MissingFontWarning, missing_fonts

    for missing in missing_fonts(markup, language):
        warnings.warn(str(missing), MissingFontWarning, stacklevel=4)


def warn_missing_alt(article: Article, variant: str | None) -> None:
    """Warn, for a PDF/UA file, about each image that reaches it without alt text.

    WeasyPrint tags every image as a ``Figure``, and PDF/UA wants alternative
    text on each one; it cannot mark a decorative image as an artifact instead.
    """
    if variant is None or not variant.startswith("pdf/ua"):
        return
    from ..checks import images

    for where, image in images(article):
        if not image.alt:
            warnings.warn(
                f"{where}: image {image.src!r} has no alt text, so its Figure in this "
                f"{variant} file has none either (the file does not conform)",
                UserWarning,
                stacklevel=4,
            )


# --- the renderer ------------------------------------------------------------------


class PdfRenderer:
    """Renders articles to PDF, reusing fonts and parsed stylesheets across documents.

    One renderer holds one WeasyPrint font configuration and the print
    stylesheets it has parsed (the theme's, the paper sizes', recent user CSS),
    so rendering many articles does not pay for them again. It is safe to share
    between threads (renderings take turns); use one per process.

    Example::

        renderer = PdfRenderer()
        for path in paths:
            article = load(path)
            pdf = renderer.render(article, base_dir=path.parent)
    """

    name: ClassVar[str] = "pdf"
    """The format's name."""
    suffix: ClassVar[str] = ".pdf"
    """The file name suffix."""

    def __init__(self, *, limits: PdfLimits | None = None) -> None:
        self.limits = PdfLimits() if limits is None else limits
        """The limits each rendering keeps to, unless one is given its own."""
        self._lock = threading.RLock()
        self._font_config: Any = None
        self._sheets: dict[tuple[str, str], Any] = {}

    # cached WeasyPrint objects

    def _fonts(self) -> Any:
        if self._font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            self._font_config = FontConfiguration()
        return self._font_config

    def _sheet(self, kind: str, css: str, resources: PdfResources) -> Any:
        """Parse *css* once (by content), through the resource policy for anything it imports."""
        key = (kind, css)
        sheet = self._sheets.get(key)
        if sheet is None:
            if css != _packaged_print_css():  # the package's own is checked by a test
                _check_stylesheet(css)
            weasyprint = _weasyprint()
            sheet = weasyprint.CSS(
                string=css,
                base_url=_CSS_BASE,
                url_fetcher=_fetcher_class()(resources),
                font_config=self._fonts(),
                media_type="print",
            )
            if len(self._sheets) >= _SHEET_CACHE_SIZE:
                del self._sheets[next(iter(self._sheets))]
            self._sheets[key] = sheet
        return sheet

    # rendering

    def render(
        self,
        article: Article,
        *,
        paper: Paper = "a4",
        pdf_variant: str | None = None,
        base_dir: str | os.PathLike[str] | None = None,
        allow_remote: bool = False,
        css: str | None = None,
        template_dir: str | os.PathLike[str] | None = None,
        limits: PdfLimits | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> bytes:
        """Render *article* as a PDF document.

        Args:
            article: The article to render.
            paper: ``"a4"`` (the default) or ``"letter"``.
            pdf_variant: A PDF standard to follow, e.g. ``"pdf/ua-1"`` or
                ``"pdf/a-3u"`` (see :func:`supported_variants`). ``None`` (the
                default): PDF/UA-1 when every image has alt text, so the claim
                holds; else a tagged PDF that claims no standard.
            base_dir: The article's folder: relative image sources resolve
                against it and may not leave it (``None``: the current folder).
            allow_remote: Let the resource policy fetch http(s) images.
            css: Extra CSS applied after the theme's print stylesheet. It may not
                load anything but images allowed by the policy.
            template_dir: A theme folder whose templates and ``print.css``
                replace the default theme's, name by name.
            limits: The size of article this rendering takes on (``None``: the
                renderer's :attr:`limits`). For a time limit, render in a worker
                process (see :class:`PdfLimits`).
            labels: Replace some of the words the exporter adds, by key
                (:data:`~messenger_content.i18n.LABEL_KEYS`), e.g.
                ``{"by": "Words by {authors}"}``; see ``docs/i18n.md``.

        Returns:
            The PDF file's bytes.

        Raises:
            ResourceError: an image, or a URL named by a stylesheet, was refused
                by the resource policy or could not be read.
            ExportError: an unknown *paper* or *pdf_variant*, the size limit of
                :class:`PdfLimits` was reached, or WeasyPrint failed.
            ValueError: a *labels* key is unknown, or a phrase does not hold its
                label's placeholders.

        Warns:
            UserWarning: a PDF/UA *pdf_variant*, and an image without alt text
                (its ``Figure`` has no ``/Alt``, so the file does not conform).
            MissingFontWarning: a script of the text has no installed face
                (:mod:`messenger_content.fonts`); the warning names the package.
        """
        from .. import __version__
        from .html import to_html

        if paper not in PAPERS:
            raise ExportError(
                f"unknown paper size {paper!r} (expected one of: {', '.join(PAPERS)})"
            )
        variant = _check_variant(pdf_variant, article)
        warn_missing_alt(article, variant)
        resources = PdfResources(policy_for(base_dir, allow_remote))
        html = to_html(
            article,
            media="print",
            base_dir=base_dir,
            allow_remote=allow_remote,
            template_dir=template_dir,
            image_src=resources.image_url,
            stylesheet_href=THEME_HREF,
            labels=labels,
        )
        limits = self.limits if limits is None else limits
        limits.check(html)
        warn_missing_fonts(html, article.language)
        return self.typeset(
            html,
            resources,
            template_dir=template_dir,
            css=css,
            paper=paper,
            variant=variant,
            base_url=article.url,
            ragged=not hyphenates(article.language),
            metadata=lambda fields: _set_metadata(
                fields, article, f"messenger-content {__version__}"
            ),
        )

    def typeset(
        self,
        html: str,
        resources: PdfResources,
        *,
        template_dir: str | os.PathLike[str] | None,
        css: str | None,
        paper: Paper,
        variant: str | None,
        base_url: str | None,
        ragged: bool,
        metadata: Callable[[Any], None],
    ) -> bytes:
        """Typeset print markup (an article's or an edition's) with this renderer's fonts.

        *resources* is what the markup may load; *ragged* adds the unjustified
        style for a language WeasyPrint cannot hyphenate; *metadata* fills the
        document's metadata from the article or the edition. The file's
        identifiers derive from the inputs, so the same input gives the same bytes.
        """
        from .. import theme

        theme_css = theme.stylesheet("print", template_dir=template_dir)
        options: dict[str, Any] = {"pdf_tags": True, "pdf_variant": variant}
        weasyprint = _weasyprint()
        with self._lock, _rendering(resources):
            stylesheets = [self._sheet("theme", theme_css, resources)]
            if ragged:
                stylesheets.append(self._sheet("ragged", _UNHYPHENATED_CSS, resources))
            if _PAPER_CSS[paper]:
                stylesheets.append(self._sheet("paper", _PAPER_CSS[paper], resources))
            if css:
                stylesheets.append(self._sheet("user", css, resources))
            document = weasyprint.HTML(
                string=html, base_url=base_url, url_fetcher=_fetcher_class()(resources)
            ).render(font_config=self._fonts(), stylesheets=stylesheets, **options)
            seed = hashlib.sha256(
                "\0".join((html, theme_css, css or "", paper, variant or "")).encode()
            )
            for image in resources.images.values():
                seed.update(hashlib.sha256(image.data).digest())
            document.metadata = _metadata_class()(
                document_id=_document_id(seed.digest()), **vars(document.metadata)
            )
            metadata(document.metadata)
            pdf: bytes = document.write_pdf(finisher=_add_role_map, **options)
        return pdf


def hyphenates(language: str) -> bool:
    """Say whether WeasyPrint has a hyphenation dictionary for *language* (it uses pyphen's)."""
    pyphen = importlib.import_module("pyphen")  # WeasyPrint's hyphenation library (untyped)
    return pyphen.language_fallback(language) is not None


#: The standard a PDF claims by default, when the article lets it hold.
_ACCESSIBLE: Final = "pdf/ua-1"


def _check_variant(pdf_variant: str | None, article: Article) -> str | None:
    from ..checks import images

    return choose_variant(
        pdf_variant,
        described=all(image.alt for _, image in images(article)),
        dated=article.published is not None,
        date_field="the article's `published` date",
    )


def choose_variant(
    pdf_variant: str | None, *, described: bool, dated: bool, date_field: str
) -> str | None:
    """The PDF standard a document claims: the one asked for, else PDF/UA-1 when it holds.

    The default claim is computed, never assumed: PDF/UA wants alternative text
    on every Figure, and WeasyPrint tags every image as one (*described*: every
    image has alt text). PDF/X needs a date (*dated*, naming *date_field*), as
    WeasyPrint would stamp the file with the current time instead.

    Raises:
        ExportError: an unknown variant, or PDF/X without a date.
    """
    if pdf_variant is None:
        return _ACCESSIBLE if described and _ACCESSIBLE in supported_variants() else None
    supported = supported_variants()
    variant = pdf_variant.lower()
    if variant not in supported:
        raise ExportError(
            f"unknown PDF variant {pdf_variant!r}; this WeasyPrint supports: {', '.join(supported)}"
        )
    if variant.startswith("pdf/x") and not dated:
        raise ExportError(f"{variant} needs {date_field} (it dates the file)")
    return variant


_default_renderer: PdfRenderer | None = None
_default_lock = threading.Lock()


def _renderer() -> PdfRenderer:
    global _default_renderer
    with _default_lock:
        if _default_renderer is None:
            _default_renderer = PdfRenderer()
            # Let WeasyPrint's font configuration clean up its temporary folder while
            # the interpreter can still run that code (not during module teardown).
            atexit.register(_drop_renderer)
        return _default_renderer


def _drop_renderer() -> None:
    global _default_renderer
    _default_renderer = None


def to_pdf(
    article: Article | Edition,
    *,
    paper: Paper = "a4",
    pdf_variant: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    limits: PdfLimits | None = None,
    labels: Mapping[str, str] | None = None,
    run_on: bool = False,
) -> bytes:
    """Render *article* as a PDF document, with the process's shared :class:`PdfRenderer`.

    See :meth:`PdfRenderer.render` for the arguments; *limits* defaults to
    :class:`PdfLimits`'s defaults. An :class:`~messenger_content.models.Edition`
    renders as one PDF (:func:`messenger_content.exporters.editions.pdf.render_edition`:
    *base_dir* is the edition's folder, *limits* apply to each article, and
    *run_on* runs its articles on instead of starting each on a new page);
    *run_on* is for editions only.

    Raises:
        ResourceError: an image, or a URL named by a stylesheet, was refused by
            the resource policy or could not be read.
        ExportError: an unknown *paper* or *pdf_variant*, the size limit of
            :class:`PdfLimits` was reached, or WeasyPrint failed.
        ValueError: a *labels* key is unknown, or a phrase does not hold its
            label's placeholders.
    """
    if isinstance(article, Edition):
        from .editions.pdf import render_edition

        return render_edition(
            _renderer(),
            article,
            paper=paper,
            pdf_variant=pdf_variant,
            base_dir=base_dir,
            allow_remote=allow_remote,
            css=css,
            template_dir=template_dir,
            limits=limits,
            run_on=run_on,
            labels=labels,
        )
    if run_on:
        raise ValueError("run_on is for editions: an article is one piece")
    return _renderer().render(
        article,
        paper=paper,
        pdf_variant=pdf_variant,
        base_dir=base_dir,
        allow_remote=allow_remote,
        css=css,
        template_dir=template_dir,
        limits=limits,
        labels=labels,
    )
