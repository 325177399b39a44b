"""``export``: render an article to a file or to bytes, choosing the format by name or suffix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, overload

from ._files import write_all_atomic, write_atomic
from .exporters import FORMATS, format_of_path, render
from .exporters._images import (
    REFERRING_FORMATS,
    ImageFolder,
    ImageMode,
    files_to_write,
    folder_for,
    resolve_mode,
)
from .models import Article, Edition

__all__ = ["export"]


@overload
def export(
    article: Article | Edition,
    path_or_format: os.PathLike[str],
    *,
    images: ImageMode | None = None,
    image_base: str | None = None,
    **options: Any,
) -> Path: ...
@overload
def export(
    article: Article | Edition,
    path_or_format: str,
    *,
    images: ImageMode | None = None,
    image_base: str | None = None,
    **options: Any,
) -> Path | bytes: ...
def export(
    article: Article | Edition,
    path_or_format: str | os.PathLike[str],
    *,
    images: ImageMode | None = None,
    image_base: str | None = None,
    **options: Any,
) -> Path | bytes:
    """Render *article* (or an :class:`~messenger_content.models.Edition`) to a file, or to bytes.

    A written HTML or Markdown file's images resolve from where it is written:
    by default they are copied into ``<stem>_files/`` beside it, named by
    their content, and referred to there.

    Args:
        article: The article to render.
        path_or_format: A format name (``"html"``, ``"txt"``, ``"md"``, ``"pdf"``,
            ``"epub"``, ``"json"``, ``"ninjs"``, ``"jsonld"``) to get the rendered
            bytes back, or a file path whose suffix picks the format
            (``.ninjs.json`` or ``.ninjs`` is ninjs, ``.jsonld`` JSON-LD, any
            other ``.json`` the article format); the file (with its copied images) is
            written atomically (no partial file is ever left behind) and its
            path returned.
        images: How HTML and Markdown refer to images: ``"copy"`` (beside a
            written file; the default for a path), ``"embed"`` (``data:`` URIs,
            one self-contained file) or ``"link"`` (the sources as given, or
            joined to *image_base*; the default for a format name). Other
            formats always carry their images inside.
        image_base: A URL that serves the article's images by their relative
            sources (implies ``images="link"``).
        **options: Passed to the format's exporter (see each ``to_*`` function);
            ``base_dir`` is the article's folder, where images are read from
            (for an edition, the edition's folder: each article's images are
            read from its own, and copied into one folder, each image once);
            ``labels`` replaces words the exporters add, in every format.

    Raises:
        ExportError: the format is unknown or rendering failed.
        ResourceError: an image was refused by the resource policy.
        ValueError: *images* is unknown, is ``"copy"`` without a path, or
            contradicts *image_base* or an exporter's image option.
    """
    if isinstance(path_or_format, str) and path_or_format.lower() in FORMATS:
        to_bytes, name = True, path_or_format.lower()
    else:
        to_bytes, name = False, format_of_path(Path(path_or_format)).name
    if to_bytes and images == "copy":
        raise ValueError("images='copy' needs a file path to copy the images beside")
    mode = resolve_mode(images, image_base, options)
    if to_bytes and mode == "copy":
        mode = "link"
    if isinstance(article, Edition) and mode == "copy" and name in REFERRING_FORMATS:
        return _export_edition_copying(article, name, Path(path_or_format), options)
    folder: ImageFolder | None = None
    if name in REFERRING_FORMATS:
        if mode == "embed":
            options["embed_images"] = True
        elif mode == "link" and image_base is not None:
            options["image_base"] = image_base
        elif mode == "copy":
            from .resources import policy_for

            policy = policy_for(options.get("base_dir"), options.get("allow_remote", False))
            folder = ImageFolder(folder_for(Path(path_or_format)), policy)
            options["image_src"] = folder.reference
    data = render(article, name, **options)
    if to_bytes:
        return data
    path = Path(path_or_format)
    if folder is None:
        write_atomic(path, data)
        return path
    copied = files_to_write([folder])
    write_all_atomic([*copied.items(), (path, data)])
    return path


def _export_edition_copying(
    edition: Edition, name: str, path: Path, options: dict[str, Any]
) -> Path:
    """Write an edition's HTML or Markdown with every article's images copied beside it."""
    from .exporters.editions import EditionImages
    from .exporters.editions import render as render_edition

    images = EditionImages(folder_for(path), allow_remote=options.get("allow_remote", False))
    data = render_edition(edition, name, image_src_for=images.image_src_for, **options)
    copied = files_to_write(images.folders)
    write_all_atomic([*copied.items(), (path, data)])
    return path
