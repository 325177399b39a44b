"""An edition as one PDF: a title page, a contents page with real page numbers, then the articles.

The edition's print page (:mod:`messenger_content.exporters.editions.html`,
``media="print"``) typeset by WeasyPrint with the theme's ``print.css``, whose
"Editions" rules make:

* a title page (title, subtitle, issue date, publication), without running
  header or page number;
* a contents page whose page numbers WeasyPrint takes from the layout itself
  (``target-counter``), so each is the page the article's headline is on;
* each article starting on a new page (``run_on=True`` runs them on), with
  the current article's headline in the running header (``string-set``) and
  page numbers counted across the edition;
* a PDF outline section → article → heading (``bookmark-level``).

Each article's images are read through the resource policy of its own folder
before WeasyPrint starts; an image used by several articles is written once.
The same input gives byte-identical files. Everything else (fonts, the URL
fetcher, metadata, limits) is the article exporter's
(:mod:`messenger_content.exporters.pdf`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..._rules import format_datetime
from ...errors import ExportError
from ...models import Edition
from ...resources import ResourcePolicy, policy_for
from ..pdf import (
    PAPERS,
    THEME_HREF,
    Paper,
    PdfLimits,
    PdfRenderer,
    PdfResources,
    choose_variant,
    hyphenates,
    warn_missing_alt,
    warn_missing_fonts,
)
from . import places

__all__ = ["edition_variant", "render_edition"]


class _EditionResources(PdfResources):
    """What one edition's rendering may load: each article's images through its folder's policy."""

    def __init__(self, policy: ResourcePolicy, allow_remote: bool) -> None:
        super().__init__(policy)
        self.allow_remote = allow_remote
        self.by_content: dict[bytes, str] = {}
        self.policies: dict[Path, ResourcePolicy] = {}

    def image_src_for(self, folder: Path) -> Callable[[str], str]:
        """The ``image_src`` hook for the images of an article read from *folder*."""
        key = Path(os.path.abspath(folder))
        policy = self.policies.get(key)
        if policy is None:
            policy = self.policies[key] = policy_for(key, self.allow_remote)
        chosen = policy

        def image_url(src: str) -> str:
            name = f"{key}\0{src}"
            url = self.urls.get(name)
            if url is None:
                resource = chosen.fetch(src)
                digest = hashlib.sha256(resource.data).digest()
                url = self.by_content.get(digest)
                if url is None:
                    url = self.by_content[digest] = self.add(resource)
                self.urls[name] = url
            return url

        return image_url


def edition_variant(pdf_variant: str | None, edition: Edition) -> str | None:
    """The standard an edition PDF claims: the one asked for, else PDF/UA-1 if images are described.

    Raises:
        ExportError: an unknown variant, or PDF/X for an edition without ``issued``.
    """
    from ...checks import images

    return choose_variant(
        pdf_variant,
        described=all(image.alt for place in places(edition) for _, image in images(place.article)),
        dated=edition.issued is not None,
        date_field="the edition's `issued` date",
    )


def _set_metadata(metadata: Any, edition: Edition, generator: str) -> None:
    """Fill the PDF's metadata from the edition: its title, language and date, the authors."""
    authors: dict[str, None] = {}
    for place in places(edition):
        for author in place.article.authors:
            authors.setdefault(author.name)
    metadata.title = edition.title
    metadata.authors = list(authors)
    metadata.description = edition.description or edition.subtitle
    metadata.keywords = []
    metadata.generator = generator
    metadata.lang = edition.language
    issued = edition.issued
    if issued is None:
        stamp = None
    elif isinstance(issued, datetime):
        stamp = format_datetime(issued)
    else:
        stamp = f"{issued.isoformat()}T00:00:00Z"
    metadata.created = stamp
    metadata.modified = stamp


def render_edition(
    renderer: PdfRenderer,
    edition: Edition,
    *,
    paper: Paper = "a4",
    pdf_variant: str | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    allow_remote: bool = False,
    css: str | None = None,
    template_dir: str | os.PathLike[str] | None = None,
    limits: PdfLimits | None = None,
    run_on: bool = False,
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """Render *edition* as one PDF with *renderer* (its fonts and parsed stylesheets).

    The arguments are :func:`to_pdf`'s.
    """
    from ... import __version__
    from .html import render_edition as render_page

    if paper not in PAPERS:
        raise ExportError(f"unknown paper size {paper!r} (expected one of: {', '.join(PAPERS)})")
    variant = edition_variant(pdf_variant, edition)
    for place in places(edition):
        warn_missing_alt(place.article, variant)
    limits = renderer.limits if limits is None else limits
    resources = _EditionResources(
        policy_for(Path.cwd() if base_dir is None else base_dir, allow_remote), allow_remote
    )
    html = render_page(
        edition,
        media="print",
        base_dir=base_dir,
        allow_remote=allow_remote,
        template_dir=template_dir,
        image_src_for=resources.image_src_for,
        stylesheet_href=THEME_HREF,
        run_on=run_on,
        labels=labels,
        ragged=lambda language: not hyphenates(language),
        article_markup=limits.check,
    )
    warn_missing_fonts(html, edition.language)
    return renderer.typeset(
        html,
        resources,
        template_dir=template_dir,
        css=css,
        paper=paper,
        variant=variant,
        base_url=None,  # an edition's page has no one URL of its own
        ragged=False,  # per article, by the page (``ragged=`` above)
        metadata=lambda fields: _set_metadata(fields, edition, f"messenger-content {__version__}"),
    )
