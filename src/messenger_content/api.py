"""``export``: render an article to a file or to bytes, choosing the format by name or suffix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, overload

from ._files import write_atomic
from .exporters import FORMATS, format_for, render
from .models import Article

__all__ = ["export"]


@overload
def export(article: Article, path_or_format: os.PathLike[str], **options: Any) -> Path: ...
@overload
def export(article: Article, path_or_format: str, **options: Any) -> Path | bytes: ...
def export(
    article: Article, path_or_format: str | os.PathLike[str], **options: Any
) -> Path | bytes:
    """Render *article* to a file, or to bytes.

    Args:
        article: The article to render.
        path_or_format: A format name (``"html"``, ``"txt"``, ``"md"``, ``"pdf"``,
            ``"epub"``) to get the rendered bytes back, or a file path whose
            suffix picks the format; the file is written atomically (no partial
            file is ever left behind) and its path returned.
        **options: Passed to the format's exporter (see each ``to_*`` function).

    Raises:
        ExportError: the format is unknown or rendering failed.
        ResourceError: an image was refused by the resource policy.
    """
    if isinstance(path_or_format, str) and path_or_format.lower() in FORMATS:
        return render(article, path_or_format, **options)
    path = Path(path_or_format)
    data = render(article, format_for(path.suffix).name, **options)
    write_atomic(path, data)
    return path
