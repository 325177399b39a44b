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

WeasyPrint also declares those libraries to cffi in "in-line ABI mode": a
long ``ffi.cdef()`` that cffi parses with pycparser, in Python, at every
import, and again for each new C type WeasyPrint names later
(``ffi.new("PangoRectangle *")``): about a quarter of a second of every PDF
conversion. While WeasyPrint is imported, ``cffi.FFI`` stands for
:class:`_FFI`, whose ``cdef()`` makes the same declarations into an
"out-of-line" FFI object instead (cffi's own compiled form, which parses types
in C) and keeps it in the cache (:mod:`messenger_content._cache`), keyed by the
declarations and the versions of cffi and Python. Without a cache folder, or if
anything about that fails, ``cdef()`` is cffi's own.

Last, WeasyPrint imports fontTools' subsetter and variable-font instancer at
once (about a quarter of a second), though it calls them only to subset fonts
without HarfBuzz or to set a variable font's axes. While WeasyPrint is
imported they are stand-ins (:class:`_Deferred`) that import the real modules
on first use, and WeasyPrint's ``instantiateVariableFont`` is a function that
imports the real one when called.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib
import io
import marshal
import platform
import sys
import tempfile
import threading
import types
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from .. import _cache
from . import _deflate

__all__ = ["weasyprint"]


def _no_library(name: str) -> str | None:
    """Stand-in for :func:`ctypes.util.find_library` that finds nothing, at once."""
    return None


class _FFI:
    """What ``cffi.FFI()`` makes while WeasyPrint is imported: a cffi FFI, compiled if possible.

    Every attribute is the underlying FFI object's; ``cdef()``, called once,
    chooses that object. An attribute read once is kept on this object, so
    that later reads skip :meth:`__getattr__`: WeasyPrint reads ``ffi.new``,
    ``ffi.NULL``, ``ffi.gc``... some 12,000 times per PDF.
    """

    #: Attributes that change after they are read (cffi's ``errno``): never kept.
    _LIVE: Final = frozenset({"errno"})

    def __init__(self, real: Any, *args: Any, **kwargs: Any) -> None:
        self._real = real
        self._arguments = (args, kwargs)
        self._ffi: Any = None

    def _make(self) -> Any:
        args, kwargs = self._arguments
        return self._real(*args, **kwargs)

    def cdef(self, csource: str, **options: Any) -> None:
        """Declare *csource*: to a compiled FFI from the cache when possible, else to cffi's."""
        if self._ffi is None and not options and self._arguments == ((), {}):
            with contextlib.suppress(Exception):  # any trouble: cffi's own way, below
                self._ffi = _compiled(csource, self._real)
            if self._ffi is not None:
                return
        if self._ffi is None:
            self._ffi = self._make()
        self._ffi.cdef(csource, **options)  # a compiled FFI has no cdef: the import fails

    def __getattr__(self, name: str) -> Any:
        if self._ffi is None:
            self._ffi = self._make()
        value = getattr(self._ffi, name)
        if name not in self._LIVE:
            setattr(self, name, value)
        return value


def _compiled(csource: str, real: Any) -> Any:
    """Return an out-of-line FFI object for *csource*, built once and then read from the cache."""
    folder = _cache.folder()
    if folder is None:
        return None
    backend: Any = importlib.import_module("_cffi_backend")
    cffi: Any = importlib.import_module("cffi")
    key = hashlib.sha256(
        "\0".join(
            (
                csource,
                cffi.__version__,
                backend.__version__,
                sys.version,
                platform.machine(),
            )
        ).encode()
    ).hexdigest()[:32]
    entry = folder / f"cffi-{key}.marshal"
    try:
        stored = entry.read_bytes()
    except OSError:
        stored = b""
    # The type tables are checked whole (a damaged one could describe wrong C
    # types, not just fail to load): the entry starts with its payload's digest.
    digest, payload = stored[:32], stored[32:]
    if payload and hashlib.sha256(payload).digest() == digest:
        name, keywords = marshal.loads(payload)
    else:
        name, keywords = _build(real, csource)
        payload = marshal.dumps((name, keywords))
        _cache.write(entry, hashlib.sha256(payload).digest() + payload)
    return backend.FFI(name, **keywords)


def _build(real: Any, csource: str) -> tuple[str, dict[str, Any]]:
    """Compile *csource* the way ``set_source(name, None)`` does; return the FFI's arguments.

    cffi writes the compiled form as a Python module whose one statement calls
    ``_cffi_backend.FFI(...)`` with literal arguments: those are read back as
    literals (nothing is executed) and stored.
    """
    builder = real()
    builder.cdef(csource)
    builder.set_source("_messenger_content_weasyprint_ffi", None)
    with tempfile.TemporaryDirectory() as scratch, contextlib.redirect_stdout(io.StringIO()):
        module = Path(scratch) / "ffi.py"
        builder.emit_python_code(str(module))  # prints "generating ..."
        tree = ast.parse(module.read_text(encoding="utf-8"))
    calls = [node.value for node in tree.body if isinstance(node, ast.Assign)]
    if len(calls) != 1 or not isinstance(calls[0], ast.Call) or len(calls[0].args) != 1:
        raise ValueError("unexpected compiled FFI module")
    name = ast.literal_eval(calls[0].args[0])
    keywords = {
        keyword.arg: ast.literal_eval(keyword.value)
        for keyword in calls[0].keywords
        if keyword.arg is not None
    }
    return name, keywords


@contextlib.contextmanager
def _compiled_declarations() -> Iterator[None]:
    """Let ``cffi.FFI()`` make :class:`_FFI` objects, for the time of WeasyPrint's import."""
    cffi: Any = importlib.import_module("cffi")
    real = cffi.FFI
    cffi.FFI = functools.partial(_FFI, real)
    try:
        yield
    finally:
        cffi.FFI = real


@contextlib.contextmanager
def _quick_find_library() -> Iterator[None]:
    """Let :func:`ctypes.util.find_library` find nothing, at once, for the time of the import."""
    ctypes_util: Any = importlib.import_module("ctypes.util")
    find_library = ctypes_util.find_library
    ctypes_util.find_library = _no_library
    try:
        yield
    finally:
        ctypes_util.find_library = find_library


#: fontTools modules WeasyPrint imports whole but uses only now and then.
_DEFERRED = ("fontTools.subset", "fontTools.varLib.instancer")


class _Deferred(types.ModuleType):
    """Stands for a module while WeasyPrint is imported; the real one is imported on first use."""

    def __getattr__(self, name: str) -> Any:
        if sys.modules.get(self.__name__) is self:  # still importing WeasyPrint
            raise AttributeError(name)
        return getattr(importlib.import_module(self.__name__), name)


def instantiate_variable_font(*args: Any, **kwargs: Any) -> Any:
    """Call fontTools' ``instantiateVariableFont``, imported on first call."""
    instancer = importlib.import_module("fontTools.varLib.instancer")
    return instancer.instantiateVariableFont(*args, **kwargs)


@contextlib.contextmanager
def _deferred_font_tools() -> Iterator[None]:
    """Let WeasyPrint's import bind fontTools' subsetter and instancer without importing them."""
    stubs = {name: _Deferred(name) for name in _DEFERRED if name not in sys.modules}
    if "fontTools.varLib.instancer" in stubs:
        # WeasyPrint imports this one function from it by name.
        stubs["fontTools.varLib.instancer"].instantiateVariableFont = instantiate_variable_font  # type: ignore[attr-defined]
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]  # the real module is imported on first use


def _import() -> Any:
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return importlib.import_module("weasyprint")
    try:
        # WeasyPrint prints advice on standard output before it re-raises a miss.
        with (
            _compiled_declarations(),
            _quick_find_library(),
            _deferred_font_tools(),
            contextlib.redirect_stdout(io.StringIO()),
        ):
            return importlib.import_module("weasyprint")
    except Exception:  # noqa: BLE001 - whatever went wrong, the plain import says it again
        for name in [m for m in sys.modules if m.partition(".")[0] == "weasyprint"]:
            del sys.modules[name]
    return importlib.import_module("weasyprint")


weasyprint: Any = _import()
"""The ``weasyprint`` package."""


# --- deflate ---------------------------------------------------------------------


_OUR_DOCUMENT = threading.local()


class _PydyfZlib:
    """What pydyf (WeasyPrint's PDF writer) sees as :mod:`zlib`.

    pydyf deflates every stream (page content, fonts) with zlib at level 9.
    While this thread writes one of our PDFs, ISA-L's deflate is used instead
    (see :mod:`._deflate`: about four times as fast, for streams a few per cent
    larger); otherwise, and for everything else, it is zlib itself.
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:
        if getattr(_OUR_DOCUMENT, "writing", False) and not args and not kwargs:
            return _deflate.compressor()
        return zlib.compressobj(level, *args, **kwargs)

    def compress(self, data: bytes, /, level: int = -1, **kwargs: Any) -> bytes:
        if getattr(_OUR_DOCUMENT, "writing", False) and not kwargs:
            return _deflate.compress(data)
        return zlib.compress(data, level, **kwargs)


@contextlib.contextmanager
def fast_deflate() -> Iterator[None]:
    """Have pydyf deflate with ISA-L in this thread for the duration (a PDF being written)."""
    pydyf = sys.modules.get("pydyf")
    if pydyf is not None and not isinstance(getattr(pydyf, "zlib", None), _PydyfZlib):
        setattr(pydyf, "zlib", _PydyfZlib())  # noqa: B010 - a module attribute mypy cannot see
    _OUR_DOCUMENT.writing = True
    try:
        yield
    finally:
        _OUR_DOCUMENT.writing = False
