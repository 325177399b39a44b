"""Writing files so that a failure never leaves a partial one behind.

:func:`write_atomic` writes to a temporary file next to the target (named
``.<name>.<random>.part``) and renames it over the target once every byte is on
disk. Whatever stops the write — an exception, ``KeyboardInterrupt``, or a
signal handler that raises — the temporary file is removed and the target is
either untouched or complete. Only a hard kill (``SIGKILL``, power loss) can
leave a ``.part`` file behind, never a truncated target.

:func:`write_all_atomic` does the same for a set of files that belong together
(one article's formats): all of them are put in place, or none.
:func:`link_atomic` puts a hard link to an existing file in place the same way.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "TEMPORARY_SUFFIX",
    "is_temporary",
    "link_atomic",
    "write_all_atomic",
    "write_atomic",
]

#: Suffix of the temporary files :func:`write_atomic` writes before renaming them.
TEMPORARY_SUFFIX = ".part"

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def is_temporary(path: Path) -> bool:
    """Say whether *path* is named like one of :func:`write_atomic`'s temporary files."""
    return path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX)


def _temporary_for(path: Path) -> Path:
    """A new temporary name beside *path* (its folder created)."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    # 128 random bits (what secrets.token_hex reads, without importing it): no
    # other file can have this name, so removing it on failure never removes
    # someone else's file. The name is chosen before the file is created, so an
    # interruption at any point still finds it.
    return folder / f".{path.name}.{os.urandom(16).hex()}{TEMPORARY_SUFFIX}"


def _write_temporary(path: Path, data: bytes) -> Path:
    """Write *data* to a new temporary file beside *path*, flushed to disk; return its path."""
    temporary = _temporary_for(path)
    try:
        descriptor = os.open(temporary, _FLAGS, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file in the same folder, then rename it.

    The folder is created if needed.

    Raises:
        OSError: the folder or the file could not be written.
    """
    write_all_atomic(((path, data),))


def write_all_atomic(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write every ``(path, data)`` of *files*, all or none.

    Each file is first written in full to a temporary file beside its target;
    only when all of them are on disk are they renamed into place. If anything
    fails (or is interrupted) before that, every temporary file is removed and
    no target is touched; if a rename fails, the targets renamed already are
    removed again, so no incomplete set is left.

    Raises:
        OSError: a folder or a file could not be written.
    """
    temporaries: list[tuple[Path, Path]] = []
    renamed: list[Path] = []
    try:
        for path, data in files:
            temporaries.append((_write_temporary(path, data), path))
        for temporary, path in temporaries:
            os.replace(temporary, path)
            renamed.append(path)
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        for path in renamed:
            path.unlink(missing_ok=True)
        raise


def link_atomic(source: Path, path: Path) -> None:
    """Make *path* a hard link to the file *source*, replacing what *path* was, atomically.

    Raises:
        OSError: the link could not be made (another file system, no hard links).
    """
    temporary = _temporary_for(path)
    try:
        os.link(source, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
