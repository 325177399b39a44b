"""Where compiled templates are kept between processes: Jinja2's own bytecode cache.

A conversion from the command line is one short process, and the first thing
an HTML, PDF or EPUB export does is have Jinja2 compile the theme's templates.
Jinja2 can keep the result in a folder (:class:`jinja2.FileSystemBytecodeCache`);
this module chooses that folder: ``$MESSENGER_CONTENT_CACHE`` if that is set
(an empty value turns the cache off), else ``$XDG_CACHE_HOME/messenger-content``,
else ``~/.cache/messenger-content``. It is created readable by its owner only,
and a folder owned by someone else, or that group or others may write into,
is not used (compiled templates are code).

Jinja2 uses an entry only if it was compiled from the same source by the same
Jinja2 and Python versions, and writes entries atomically. When the folder
cannot be created or written, or an entry is damaged, templates are compiled
again, with the same result.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2
    import jinja2.bccache

__all__ = ["ENVIRONMENT_VARIABLE", "folder", "template_cache"]

ENVIRONMENT_VARIABLE = "MESSENGER_CONTENT_CACHE"
"""Names the cache folder; set to an empty string, it turns the cache off."""


def folder() -> Path | None:
    """Return the cache folder, created if need be, or ``None`` when there is none to use."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        chosen = os.path.join(base, "messenger-content")
    if not chosen:
        return None
    path = Path(chosen)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    # Compiled templates are run: a folder someone else owns or may write into is
    # not used (as Jinja2 decides for the folder it picks itself).
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return path


def template_cache() -> jinja2.BytecodeCache | None:
    """Return Jinja2's bytecode cache in the cache folder (``None`` if there is no folder)."""
    found = folder()
    if found is None:
        return None
    cache: jinja2.BytecodeCache = _template_cache_class()(str(found), "template-%s.cache")
    return cache


@functools.cache
def _template_cache_class() -> type[jinja2.FileSystemBytecodeCache]:
    import jinja2  # here, so the plain-text and Markdown exporters do not load it

    class TemplateCache(jinja2.FileSystemBytecodeCache):
        """Jinja2's file cache, compiling again where an entry is torn.

        Jinja2 raises on a torn entry (its checksum does not unpickle) rather
        than compiling the template again, as it does for a stale one.
        """

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # noqa: BLE001 - whatever the damage, the template is compiled
                bucket.reset()

    return TemplateCache
