"""Writing files so that a failure never leaves a partial one behind.

:func:`write_atomic` writes to a temporary file next to the target (named
``.<name>.<random>.part``) and renames it over the target once every byte is on
disk. Whatever stops the write — an exception, ``KeyboardInterrupt``, or a
signal handler that raises — the temporary file is removed and the target is
either untouched or complete. Only a hard kill (``SIGKILL``, power loss) can
leave a ``.part`` file behind, never a truncated target.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["TEMPORARY_SUFFIX", "is_temporary", "write_atomic"]

#: Suffix of the temporary files :func:`write_atomic` writes before renaming them.
TEMPORARY_SUFFIX = ".part"

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def is_temporary(path: Path) -> bool:
    """Say whether *path* is named like one of :func:`write_atomic`'s temporary files."""
    return path.name.startswith(".") and path.name.endswith(TEMPORARY_SUFFIX)


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file in the same folder, then rename it.

    The folder is created if needed. The temporary file's name is chosen before
    it is created, so an interruption at any point (even between creating the
    file and returning from ``open``) still finds it and removes it.

    Raises:
        OSError: the folder or the file could not be written.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    # 128 random bits (what secrets.token_hex reads, without importing it): no
    # other file can have this name, so removing it on failure never removes
    # someone else's file.
    temporary = folder / f".{path.name}.{os.urandom(16).hex()}{TEMPORARY_SUFFIX}"
    try:
        descriptor = os.open(temporary, _FLAGS, 0o666)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
