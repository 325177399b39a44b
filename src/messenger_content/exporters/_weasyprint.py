"""WeasyPrint, imported without the compiler runs cffi makes when a library name misses.

Import this module (``from ._weasyprint import weasyprint``) rather than
``weasyprint`` itself, wherever WeasyPrint is loaded ahead of a PDF (a batch's
pool preloads it too).

WeasyPrint tries several names for each C library (``libgobject-2.0-0``,
``gobject-2.0``, ... ``libgobject-2.0.so.0``), and cffi answers each name the
dynamic loader does not know with :func:`ctypes.util.find_library`, which on
Linux runs ``ldconfig``, ``gcc`` and ``ld``: some twenty processes, over a
second of a PDF conversion from the shell. Every list also holds the library's
soname, which the loader finds by itself, so the first attempt answers misses
at once. If a library is not found that way, the import is tried again the
usual way: nothing is lost, only the time.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from typing import Any

__all__ = ["weasyprint"]


def _no_library(name: str) -> str | None:
    """Stand-in for :func:`ctypes.util.find_library` that finds nothing, at once."""
    return None


def _import() -> Any:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return importlib.import_module("weasyprint")
    ctypes_util: Any = importlib.import_module("ctypes.util")
    find_library = ctypes_util.find_library
    ctypes_util.find_library = _no_library
    try:
        # WeasyPrint prints advice on standard output before it re-raises a miss.
        with contextlib.redirect_stdout(io.StringIO()):
            return importlib.import_module("weasyprint")
    except OSError:
        pass  # a library only find_library knows: try again, the slow way
    finally:
        ctypes_util.find_library = find_library
    return importlib.import_module("weasyprint")


weasyprint: Any = _import()
"""The ``weasyprint`` package."""
