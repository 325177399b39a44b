"""Editions in every format: what the exporters of an edition share.

One module per format renders an edition (``html``, ``pdf``, ``epub``,
``text``, ``markdown``); each article exporter hands an ``Edition`` to its
module here. This module holds what several of them need:

* :func:`places`: every article in reading order, with its section, its
  number and the anchors an edition gives it (``article-3``, ids prefixed
  ``a3-``), so one page (HTML, PDF) keeps every ``id`` unique;
* :class:`EditionImages`: the images of a written HTML (or Markdown) edition
  copied beside it, each article's read from its own folder, every image
  stored once by content;
* :func:`folder_url` and :func:`rebased`: an image source of an article in a
  folder of its own, as seen from the edition's folder, for an HTML page or a
  Markdown file that names each image by its source (no image option).
"""

from __future__ import annotations

import importlib
import inspect
import os
import posixpath
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ... import urls
from ...models import Article, Edition, EditionArticle
from ...resources import policy_for
from .._images import ImageFolder

__all__ = [
    "EditionImages",
    "Place",
    "edition_folder",
    "folder_of",
    "folder_url",
    "places",
    "rebased",
    "render",
    "section_anchor",
]


@attrs.frozen(kw_only=True)
class Place:
    """Where an article stands in an edition."""

    number: int
    """Its position in reading order, from 1."""
    section: int | None
    """The index of its section (from 0), or ``None`` in an edition without sections."""
    first_in_section: bool
    """Whether it opens its section."""
    entry: EditionArticle
    """The article and its folder."""

    @property
    def article(self) -> Article:
        """The article."""
        return self.entry.article

    @property
    def anchor(self) -> str:
        """The ``id`` of the article's place in a one-page edition (``article-3``)."""
        return f"article-{self.number}"

    @property
    def id_prefix(self) -> str:
        """What the article's own ids start with in a one-page edition (``a3-``)."""
        return f"a{self.number}-"


def section_anchor(index: int) -> str:
    """The ``id`` of section *index* (from 0) in a one-page edition (``section-1``)."""
    return f"section-{index + 1}"


def edition_folder(base_dir: str | os.PathLike[str] | None) -> Path:
    """The edition's folder (its cover image is read from it): *base_dir*, or the current folder."""
    return Path.cwd() if base_dir is None else Path(base_dir)


def folder_of(entry: EditionArticle, base_dir: str | os.PathLike[str] | None) -> Path:
    """The folder *entry*'s images are read from; *base_dir* ``None`` is the current folder."""
    from ...editions import folder_of as edition_folder_of

    return edition_folder_of(entry, edition_folder(base_dir))


def folder_url(entry: EditionArticle, base_dir: str | os.PathLike[str] | None) -> str | None:
    """The folder of *entry*'s images as a URL path from the edition's folder *base_dir*.

    ``None`` when the article has no folder of its own (its images are the
    edition's); else the folder, relative to *base_dir* when it is given,
    percent-encoded (a folder's name may hold ``a b`` or ``{``): ``night-bus-pilot``.
    """
    if entry.folder is None:
        return None
    folder = entry.folder
    if folder.is_absolute() and base_dir is not None:
        folder = Path(os.path.relpath(folder, base_dir))
    return urllib.parse.quote(folder.as_posix(), safe="/")


def rebased(src: str, prefix: str | None) -> str:
    """The image source *src* of an article as named from the edition's folder.

    A relative path is joined to *prefix*, the article's :func:`folder_url`
    (``depot.jpg`` becomes ``night-bus-pilot/depot.jpg``); a URL, a ``data:``
    URI, an absolute path, or any source when *prefix* is ``None``, stays as it is.
    """
    if prefix is None or urls.scheme(src) is not None or src.startswith("/"):
        return src
    return posixpath.join(prefix, src)


def places(edition: Edition) -> Iterator[Place]:
    """Every article of *edition* in reading order, with its place."""
    number = 0
    if not edition.sections:
        for entry in edition.articles:
            number += 1
            yield Place(number=number, section=None, first_in_section=False, entry=entry)
        return
    for index, section in enumerate(edition.sections):
        for position, entry in enumerate(section.articles):
            number += 1
            yield Place(number=number, section=index, first_in_section=position == 0, entry=entry)


class EditionImages:
    """The images of one written edition file copied into one folder beside it (``"copy"`` mode).

    Each article's images are read through the resource policy of its own
    folder; they land in *folder* under their content's name, so an image used
    by several articles is copied once. :meth:`image_src_for` gives the
    exporters the ``image_src`` function of one article's folder.
    """

    def __init__(self, folder: Path, *, allow_remote: bool = False) -> None:
        self.folder = folder
        """Where the images go, beside the written file (``<stem>_files``)."""
        self.allow_remote = allow_remote
        """Whether the policies fetch http(s) images."""
        self._folders: dict[Path, ImageFolder] = {}

    def image_src_for(self, article_folder: Path) -> Callable[[str], str]:
        """The ``image_src`` function for the images of an article read from *article_folder*."""
        key = Path(os.path.abspath(article_folder))
        copies = self._folders.get(key)
        if copies is None:
            copies = ImageFolder(self.folder, policy_for(key, self.allow_remote))
            self._folders[key] = copies
        return copies.reference

    @property
    def folders(self) -> list[ImageFolder]:
        """The copies made so far, one :class:`ImageFolder` per article folder."""
        return list(self._folders.values())


#: The edition modules that take ``image_src_for`` (one ``image_src`` per article
#: folder), by format: ``module:function`` under this package.
_PER_FOLDER_IMAGES = {"html": ".html:to_html", "md": ".markdown:edition_to_markdown"}


def render(edition: Edition, format_name: str, **options: Any) -> bytes:
    """Render *edition* in the named format and return the file's bytes.

    As :func:`messenger_content.exporters.render`, with one more option for
    HTML and Markdown: ``image_src_for`` (given an article's folder, the
    ``image_src`` for its images), which :class:`EditionImages` provides.
    """
    from .. import CONTEXT_OPTIONS, format_for
    from .. import render as render_format

    name = format_for(format_name).name
    if "image_src_for" not in options:
        return render_format(edition, name, **options)
    if name not in _PER_FOLDER_IMAGES:
        raise ValueError(f"image_src_for is for {' and '.join(_PER_FOLDER_IMAGES)}, not {name}")
    module_name, _, function = _PER_FOLDER_IMAGES[name].partition(":")
    exporter = getattr(importlib.import_module(module_name, __package__), function)
    accepted = inspect.signature(exporter).parameters
    options = {
        key: value
        for key, value in options.items()
        if key not in CONTEXT_OPTIONS or key in accepted
    }
    output = exporter(edition, **options)
    return output.encode("utf-8") if isinstance(output, str) else bytes(output)
