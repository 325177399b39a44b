"""A per-user cache of start-up work every process would otherwise repeat.

A conversion from the command line is one short process, and part of its
start-up is the same work every time: Jinja2 compiling the theme's templates
to Python code and, for a PDF, pyphen parsing the hyphenation dictionary of
the article's language and cffi parsing WeasyPrint's C declarations (see
``exporters/_weasyprint.py``). Their results are kept in a folder:
``$MESSENGER_CONTENT_CACHE`` if that is set (an empty value turns the cache
off), else ``$XDG_CACHE_HOME/messenger-content``, else
``~/.cache/messenger-content``; it is created readable by its owner only, and
a folder owned by someone else, or that group or others may write into, is
not used (compiled templates are code).

An entry is used only if it was made from what it stands for: a compiled
template carries its source's checksum and Jinja2's version (Jinja2 checks
both); parsed hyphenation patterns are named by pyphen's version and the
dictionary file's path, size and modification time, compiled C declarations
by the declarations and the versions of cffi and Python, and both start with
a SHA-256 digest of the rest. The cache is only an optimisation: when the
folder cannot be created, read or written, or an entry is damaged, the work is
done the slow way, with the same result.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import TEMPORARY_SUFFIX

if TYPE_CHECKING:
    import jinja2
    import jinja2.bccache

__all__ = ["ENVIRONMENT_VARIABLE", "folder", "load_hyphenation", "template_cache", "write"]

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
    # Entries include compiled templates, which are run: a folder someone else owns
    # or may write into is not used (as Jinja2's own bytecode cache decides).
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return path


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path, data: bytes) -> None:
    """Write a cache entry atomically; a failure only means the entry is not kept.

    Unlike an output file the entry is not synced to disk first: after a crash
    it may be missing or torn, which its reader detects (digest, checksum).
    """
    temporary = path.with_name(f".{path.name}.{os.urandom(8).hex()}{TEMPORARY_SUFFIX}")
    try:
        with open(temporary, "xb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


# --- compiled templates ---------------------------------------------------------------


def template_cache() -> jinja2.BytecodeCache | None:
    """Return a Jinja2 bytecode cache in the cache folder (``None`` if there is no folder)."""
    found = folder()
    if found is None:
        return None
    root: Path = found
    import jinja2

    class TemplateCache(jinja2.BytecodeCache):
        """Compiled templates as files, one per template (by name and file)."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            data = _read(root / f"template-{bucket.key}.cache")
            if data is not None:
                try:
                    bucket.bytecode_from_string(data)
                except Exception:  # noqa: BLE001 - a damaged entry is compiled again
                    bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            write(root / f"template-{bucket.key}.cache", bucket.bytecode_to_string())

    return TemplateCache()


# --- hyphenation patterns ---------------------------------------------------------------


def load_hyphenation(language: str) -> None:
    """Load pyphen's patterns for *language* from the cache (parse and store them if absent).

    WeasyPrint hyphenates through pyphen, which keeps every dictionary it has
    parsed in ``pyphen.hdcache``, by file: this puts the language's dictionary
    there ready-made, so WeasyPrint finds it instead of parsing the file.
    Nothing happens for a language pyphen has no dictionary for.
    """
    pyphen: Any = __import__("pyphen")  # untyped
    name = pyphen.language_fallback(language)
    if name is None:
        return
    dictionary = pyphen.LANGUAGES[name]
    if dictionary in pyphen.hdcache:
        return
    root = folder()
    if root is None:
        return
    try:
        status = os.stat(dictionary)
    except (OSError, TypeError):  # a dictionary inside a zip file, say
        return
    key = hashlib.sha256(
        f"{pyphen.__version__}\0{dictionary}\0{status.st_size}\0{status.st_mtime_ns}".encode()
    ).hexdigest()[:32]
    entry = root / f"hyphenation-{key}.marshal"
    stored = _read(entry) or b""
    # Checked by digest rather than by walking some 14,000 patterns.
    digest, payload = stored[:32], stored[32:]
    if not payload or hashlib.sha256(payload).digest() != digest:
        parsed = pyphen.HyphDict(dictionary)
        pyphen.hdcache[dictionary] = parsed
        if _plain(parsed.patterns):
            payload = marshal.dumps((parsed.maxlen, parsed.patterns))
            write(entry, hashlib.sha256(payload).digest() + payload)
        return
    ready = pyphen.HyphDict.__new__(pyphen.HyphDict)
    ready.maxlen, ready.patterns = marshal.loads(payload)
    ready.cache = {}
    pyphen.hdcache[dictionary] = ready


def _plain(patterns: object) -> bool:
    """Whether parsed patterns are exactly ``{str: (int, (int, ...))}`` (what marshal keeps).

    Dictionaries with non-standard hyphenation (``ff=f``) hold ``int``
    subclasses with extra data: those are not cached.
    """
    return (
        isinstance(patterns, dict)
        and bool(patterns)
        and all(
            type(key) is str
            and type(value) is tuple
            and len(value) == 2
            and type(value[0]) is int
            and type(value[1]) is tuple
            and all(type(item) is int for item in value[1])
            for key, value in patterns.items()
        )
    )
