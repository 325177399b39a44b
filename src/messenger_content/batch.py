"""Batch conversion: many articles to many formats, in parallel, nothing half-written.

:func:`convert_many` streams its inputs (an iterator of paths is read one at a
time, with a bounded number of articles in flight, so an archive of 100,000
articles is never held in memory) and converts them on a process pool, one
worker per core by default. Inputs go to the workers a few at a time, as many
as a worker converts in about a tenth of a second (one PDF, a dozen HTML
pages), so that handing them out costs little next to the work; a worker
writes its files on two threads, so that waiting for the disk (each file is
flushed before it is renamed) overlaps the rendering of the next one. The
theme's templates are compiled before the workers are forked. Each worker
builds its exporters once; when PDF is requested it keeps one warm
:class:`~messenger_content.exporters.pdf.PdfRenderer` (one WeasyPrint font
configuration and the parsed print stylesheets) for all the articles it
renders, and is replaced by a fresh worker after 100 of them (WeasyPrint's
memory creeps up with every document). Workers notice when the
process that started them is killed outright and stop, cleaning up. Any
:class:`concurrent.futures.Executor` can replace the pool, e.g. a Dask
cluster's (``Client(...).get_executor()``).

Output files are named after the article's ``id``, made safe as a file name
(:func:`safe_stem`), or else after the input's stem. Names are given out in
input order, so two inputs that want the same name get ``name`` and
``name-2`` the same way on every run (and ``skip_existing`` resumes a run
reliably); an input never overwrites another input's output of the same run.
One article's files are rendered in memory and written together, all or none
(:func:`~messenger_content._files.write_all_atomic`): when one format fails,
the others are not written either. HTML and Markdown get their images copied
beside them into ``<stem>_files/`` (or embedded, or linked at a base URL:
:mod:`messenger_content.exporters._images`).

A PDF has a time limit (60 s unless told otherwise). WeasyPrint cannot be
interrupted from outside its code, so the limit is kept by killing the worker
process of a PDF over its time (:class:`_Clock`): that input fails, the
broken pool is replaced and the inputs it had not finished go to the new one.

:func:`convert` does the same for one input and explicit target paths, in the
calling process (a PDF under a time limit in one worker process).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import gc
import importlib
import inspect
import itertools
import json
import os
import signal
import sys
import threading
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from concurrent.futures import Executor, Future
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypeVar

import attrs
from typing_extensions import ParamSpec

from ._files import is_temporary, link_atomic, write_all_atomic, write_atomic
from .codec import loads
from .errors import ContentError, ExportError, Problem, ValidationError
from .exporters import FORMATS, format_for, split_suffix
from .exporters._images import (
    IMAGE_OPTIONS,
    REFERRING_FORMATS,
    ImageFolder,
    ImageMode,
    files_to_write,
    folder_for,
    resolve_mode,
)
from .models import Article, Paragraph

if TYPE_CHECKING:
    import multiprocessing.context

    from .checks import Findings
    from .theme import Media

__all__ = [
    "DEFAULT_PDF_TIMEOUT",
    "BatchReport",
    "Check",
    "Failure",
    "FailureKind",
    "Interrupted",
    "Read",
    "Result",
    "Source",
    "Status",
    "convert",
    "convert_many",
    "safe_stem",
]

FailureKind: TypeAlias = Literal["invalid", "error"]
"""``"invalid"``: bad input or options (a :class:`~messenger_content.errors.ContentError`,
an unreadable input file); ``"error"``: anything else (a bug, a full disk, a dead worker)."""

Status: TypeAlias = Literal["converted", "skipped", "failed"]
"""What happened to one input, as a whole."""

Check: TypeAlias = "Callable[[Article, Path], Findings]"
"""Checks a loaded article (with its folder) before any format is rendered, e.g.
:class:`~messenger_content.checks.ArticleCheck`; picklable to reach pool workers."""

Read: TypeAlias = "Callable[[bytes, str], tuple[Article, tuple[Problem, ...]]]"
"""Reads an input (its bytes and name) into an article and the warnings of its import,
e.g. :class:`~messenger_content.inputs.Reader`; picklable to reach pool workers.
Without one, inputs are articles in this package's format."""

_P = ParamSpec("_P")
_T = TypeVar("_T")

#: Longest file stem, in UTF-8 bytes (file systems allow 255 for the whole name).
_MAX_STEM_BYTES: Final = 120
#: Names Windows reserves whatever the suffix; prefixed with ``_`` to stay portable.
_RESERVED: Final = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{n}" for n in range(1, 10)}
    | {f"lpt{n}" for n in range(1, 10)}
)
#: Formats whose exporters' memory grows a little with every document (WeasyPrint:
#: about 0.15 MiB per article), and how many articles a pool worker converts before
#: it is replaced by a fresh one. Keeps a batch's memory flat however long it runs;
#: a new worker costs well under a second (about 1% of 100 PDFs).
_ARTICLES_PER_WORKER: dict[str, int] = {"pdf": 100}
#: How often a pool worker checks that its parent is still there.
_PARENT_POLL_SECONDS: Final = 0.5
#: Threads a work unit writes its files with, so that waiting for the disk (every
#: file is flushed before it is renamed) overlaps the rendering of the next file.
_WRITERS: Final = 2
#: A work unit holds as many inputs as a worker converts in about this long: few
#: enough that both workers stay busy to the end and progress is reported often,
#: enough that handing them out (pickling, pipes, waking threads) costs little.
_CHUNK_SECONDS: Final = 0.1
#: Most inputs in one work unit.
_MAX_CHUNK: Final = 32
#: Resolved input folders a batch remembers (inputs usually share a few).
_KNOWN_FOLDERS: Final = 256
#: Options every exporter gets from the batch itself, never from the caller.
_PER_INPUT_OPTIONS: Final = frozenset({"base_dir"})


class Interrupted(KeyboardInterrupt):
    """A signal (``SIGTERM``, ``SIGINT``) or Ctrl-C asked the conversion to stop.

    Raised from a signal handler, it unwinds like ``KeyboardInterrupt``: every
    atomic write in progress removes its temporary file on the way out.
    :func:`convert_many` raises it (for Ctrl-C too) with what it did before it
    stopped, so a caller can say "interrupted after 120 of 400".
    """

    def __init__(
        self, signum: int, *, report: BatchReport | None = None, total: int | None = None
    ) -> None:
        super().__init__(signum)
        self.signum = signum
        """The signal's number (``SIGINT`` for Ctrl-C)."""
        self.report = report
        """The inputs handled before the batch stopped (``None`` outside :func:`convert_many`)."""
        self.total = total
        """How many inputs there were, when the inputs had a length."""

    @property
    def done(self) -> int:
        """Inputs converted, or skipped because their files existed, before the stop."""
        return 0 if self.report is None else len(self.report.results) - len(self.report.failed)

    @property
    def failed(self) -> int:
        """Inputs that failed before the stop."""
        return 0 if self.report is None else len(self.report.failed)

    @property
    def not_started(self) -> int | None:
        """Inputs never converted (``None`` when the number of inputs is unknown)."""
        if self.total is None:
            return None
        return self.total - (0 if self.report is None else len(self.report.results))


# --- values ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Source:
    """An article held in memory rather than in a file (standard input, a database row)."""

    name: str
    """How messages name the input, e.g. ``"<stdin>"``."""
    data: bytes
    """The article's JSON, UTF-8 (or what the batch's ``read`` takes: ninjs, a web page...)."""
    base_dir: Path = attrs.field(factory=Path.cwd, converter=Path)
    """The folder relative image sources are resolved against."""
    stem: str = "article"
    """File name stem for the outputs when the article has no ``id``."""


@attrs.frozen(kw_only=True)
class Failure:
    """Why an input, or one of its formats, was not converted."""

    format: str | None
    """The format that failed, or ``None`` when the input itself could not be used."""
    kind: FailureKind
    """``"invalid"`` for bad input or options, ``"error"`` for anything else."""
    messages: tuple[str, ...]
    """One line each, without the input's name: ``"body[3].text[1].href: ..."``."""
    details: str | None = None
    """The traceback of an unexpected error (``kind == "error"``), for debugging."""


@attrs.frozen(kw_only=True)
class Result:
    """What happened to one input."""

    index: int
    """Position of the input in the order given."""
    source: str
    """The input's name (its path as given, or :attr:`Source.name`)."""
    written: tuple[Path, ...] = ()
    """Files written, in the order of the formats."""
    skipped: tuple[Path, ...] = ()
    """Files left alone because they existed (``skip_existing``)."""
    failures: tuple[Failure, ...] = ()
    """What went wrong, if anything."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not failures (e.g. a name taken by an earlier input)."""
    warnings: tuple[Problem, ...] = ()
    """What the import of the input dropped or changed (``read``), then likely mistakes the
    batch's check found in the article (e.g. a link that looks like a host name), each
    with its path."""
    seconds: float = 0.0
    """Time spent converting this input (in the worker)."""

    @property
    def status(self) -> Status:
        """``"failed"`` if anything failed, ``"skipped"`` if nothing needed writing."""
        if self.failures:
            return "failed"
        if self.skipped and not self.written:
            return "skipped"
        return "converted"


@attrs.frozen(kw_only=True)
class BatchReport:
    """The outcome of :func:`convert_many`."""

    results: tuple[Result, ...]
    """One per input handled, in input order."""
    seconds: float
    """Wall-clock time of the whole batch."""
    stopped: bool = False
    """The batch stopped early (``fail_fast``, or the worker pool broke): some inputs
    were never attempted and have no result."""

    def _with(self, status: Status) -> tuple[Result, ...]:
        return tuple(result for result in self.results if result.status == status)

    @property
    def converted(self) -> tuple[Result, ...]:
        """Inputs whose every requested file was written (or existed already)."""
        return self._with("converted")

    @property
    def skipped(self) -> tuple[Result, ...]:
        """Inputs whose every file existed already (``skip_existing``)."""
        return self._with("skipped")

    @property
    def failed(self) -> tuple[Result, ...]:
        """Inputs with at least one failure."""
        return self._with("failed")

    @property
    def files_written(self) -> int:
        """How many files were written."""
        return sum(len(result.written) for result in self.results)

    @property
    def ok(self) -> bool:
        """Whether every input was converted or skipped, and none was left out."""
        return not self.stopped and not self.failed


# --- names ---------------------------------------------------------------------------


def safe_stem(text: str) -> str:
    """Turn *text* (an article ``id``, a file stem) into a safe, portable file name stem.

    Letters and digits of any script, ``-``, ``_`` and ``.`` are kept; every
    other run of characters (slashes, spaces, controls, ``:``) becomes one
    ``-``. Leading dots and dashes go (no hidden files, no ``..``, nothing that
    reads as an option), the result is cut to 120 UTF-8 bytes, and names Windows
    reserves (``CON``, ``NUL``...) get a ``_`` in front. Returns ``""`` when
    nothing usable is left.
    """
    normal = unicodedata.normalize("NFC", text)
    kept = "".join(
        char if char.isalnum() or char in "-_." or unicodedata.category(char)[0] == "M" else "-"
        for char in normal
    )
    stem = "-".join(part for part in kept.split("-") if part)
    stem = stem.lstrip(".-").rstrip(". -")
    encoded = stem.encode("utf-8")
    if len(encoded) > _MAX_STEM_BYTES:
        stem = encoded[:_MAX_STEM_BYTES].decode("utf-8", "ignore").rstrip(". -")
    if stem.split(".", 1)[0].lower() in _RESERVED:
        stem = f"_{stem}"
    return stem


class _Names:
    """Gives out output stems in input order, so that no two inputs share one."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    @staticmethod
    def _key(stem: str) -> str:
        # Case-insensitive file systems (macOS, Windows) see "A" and "a" as one file.
        return unicodedata.normalize("NFC", stem).casefold()

    def claim(self, wanted: str) -> str:
        """Return *wanted*, or ``wanted-2``, ``wanted-3``... if an earlier input holds it."""
        for stem in itertools.chain((wanted,), (f"{wanted}-{n}" for n in itertools.count(2))):
            key = self._key(stem)
            if key not in self._taken:
                self._taken.add(key)
                return stem
        raise AssertionError("unreachable")  # pragma: no cover


def _peek_id(data: bytes) -> str | None:
    """The ``id`` of the article in *data*, if it has a string one (validation comes later)."""
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def _wanted_stem(data: bytes, fallback: str) -> str:
    article_id = _peek_id(data)
    for candidate in (article_id, fallback):
        if candidate:
            stem = safe_stem(candidate)
            if stem:
                return stem
    return "article"


# --- options and exporters ---------------------------------------------------------


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    for name in [formats] if isinstance(formats, str) else formats:
        found = format_for(name).name
        if found not in names:
            names.append(found)
    if not names:
        raise ValueError("no output format given")
    return tuple(names)


@functools.cache
def _accepted(function: Callable[..., Any]) -> frozenset[str]:
    """The keyword options *function* takes (its signature, read once)."""
    return frozenset(
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    )


def _exporter(name: str) -> Callable[..., Any]:
    """The exporter function of format *name*, as imported from the registry."""
    try:
        return FORMATS[name].exporter()
    except ImportError as error:
        raise ExportError(f"format {name!r} is not available: {error}") from error


@attrs.frozen
class _Settings:
    """What every work unit of one batch shares (sent with each, compared cheaply)."""

    formats: tuple[str, ...]
    options: tuple[tuple[str, Any], ...]
    images: ImageMode = "copy"
    image_base: str | None = None
    check: Check | None = None
    read: Read | None = None


def _settings(
    formats: tuple[str, ...],
    options: Mapping[str, Any] | None,
    images: ImageMode | None = None,
    image_base: str | None = None,
    check: Check | None = None,
    read: Read | None = None,
) -> _Settings:
    """Check *options* against the exporters' signatures and freeze them."""
    given = dict(options or {})
    reserved = _PER_INPUT_OPTIONS.intersection(given)
    if reserved:
        raise ValueError(f"option {min(reserved)!r} is set per input by the batch; leave it out")
    chosen = [key for key in IMAGE_OPTIONS if key in given]
    if chosen:
        raise ValueError(
            f"option {chosen[0]!r} is chosen with images='copy'|'embed'|'link' (and image_base)"
        )
    accepted = frozenset().union(*(_accepted(_exporter(name)) for name in formats))
    unknown = sorted(set(given) - accepted)
    if unknown:
        raise ValueError(
            f"option {unknown[0]!r} is not taken by any of the formats {', '.join(formats)}"
        )
    if "labels" in given:
        from .i18n import labels_for

        labels_for("en", given["labels"])  # a bad key or phrase fails here, not per article
    mode = resolve_mode(images, image_base, {})
    return _Settings(formats, tuple(sorted(given.items())), mode, image_base, check, read)


class _Worker:
    """The exporters of one batch in one process, built once, reused for every article."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        options = dict(settings.options)
        self.allow_remote = bool(options.get("allow_remote", False))
        self.copied = _SharedImages()
        """The images this worker has copied (shared by its writer threads)."""
        if settings.images == "embed":
            options["embed_images"] = True
        elif settings.image_base is not None:
            options["image_base"] = settings.image_base
        self.renderers: dict[str, tuple[Callable[..., str | bytes], dict[str, Any], bool]] = {}
        for name in settings.formats:
            render = _exporter(name)
            if name == "pdf":
                # One renderer per process: one WeasyPrint font configuration and
                # one parse of the print stylesheets for every PDF this worker makes.
                from .exporters.pdf import PdfRenderer

                render = PdfRenderer().render
            accepted = _accepted(render)
            kwargs = {key: value for key, value in options.items() if key in accepted}
            self.renderers[name] = (render, kwargs, "base_dir" in accepted)

    def copies_images(self, name: str) -> bool:
        """Whether format *name*'s files get their images copied beside them."""
        return self.settings.images == "copy" and name in REFERRING_FORMATS

    def render(
        self,
        name: str,
        article: Article,
        base_dir: Path,
        image_src: Callable[[str], str] | None = None,
    ) -> bytes:
        """Render *article* in format *name*, as the file's bytes."""
        render, kwargs, takes_base_dir = self.renderers[name]
        if image_src is not None:
            kwargs = {**kwargs, "image_src": image_src}
        with _collected_once() if _in_pool and name == "pdf" else contextlib.nullcontext():
            output = (
                render(article, base_dir=base_dir, **kwargs)
                if takes_base_dir
                else render(article, **kwargs)
            )
        return output.encode("utf-8") if isinstance(output, str) else output

    def warm_up(self) -> bool:
        """Render a tiny article as PDF so fonts and stylesheets are loaded before work arrives.

        Returns whether there was anything to warm up.
        """
        if "pdf" not in self.renderers:
            return False
        warm = Article(headline="Warm-up", body=[Paragraph(text="Warm-up.")])
        # A failure here shows again, reported, on the first real article.
        with contextlib.suppress(Exception):
            self.render("pdf", warm, Path.cwd())
        return True


@contextlib.contextmanager
def _collected_once() -> Iterator[None]:
    """Hold the garbage collector back while this runs, then collect the young objects once.

    A PDF's layout makes and keeps so many objects that the collector would
    run some twenty times per article, each time walking every object still
    in use; afterwards nearly all of them are gone (freed by reference
    counting), and one collection of what is left is cheaper than those
    twenty (see ``docs/performance.md``). Peak memory does not grow (what a
    rendering makes mostly lives until it ends anyway). Only in pool workers,
    whose process is the batch's own.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


# --- the PDF time limit ----------------------------------------------------------------


class _Clock:
    """When each pool worker started its current PDF, shared with the process owning the pool.

    WeasyPrint cannot be stopped from inside without changing its code, so a
    PDF over its time is stopped by killing the worker rendering it. Each
    worker claims one slot of a shared array: its process id, the index of
    the input it renders and when the PDF started (``time.monotonic()``, the
    same clock in every process; ``0`` when it is not rendering one). The
    owner reads the slots while it waits for results and kills the worker of
    an overdue slot, holding the array's lock so that the worker cannot move
    on to another input in between.
    """

    _FIELDS: Final = 3

    def __init__(self, context: multiprocessing.context.BaseContext, workers: int) -> None:
        self.slots = context.Array("d", self._FIELDS * workers)
        self.workers = workers

    def claim(self) -> int:
        """Take a free slot for this process (in a worker's initializer); return its number."""
        with self.slots.get_lock():
            for slot in range(self.workers):
                if self.slots[slot * self._FIELDS] == 0:
                    self.slots[slot * self._FIELDS] = os.getpid()
                    return slot
        raise RuntimeError("more pool workers than clock slots")  # pragma: no cover

    @contextlib.contextmanager
    def timing(self, slot: int, index: int) -> Iterator[None]:
        """Mark this worker as rendering the PDF of input *index* while the block runs."""
        base = slot * self._FIELDS
        with self.slots.get_lock():
            self.slots[base + 1] = index
            self.slots[base + 2] = time.monotonic()
        try:
            yield
        finally:
            with self.slots.get_lock():
                self.slots[base + 2] = 0

    def stop_overdue(self, limit: float) -> set[int]:
        """Kill every worker whose PDF has taken *limit* seconds; return those inputs' indexes."""
        stopped: set[int] = set()
        with self.slots.get_lock():
            now = time.monotonic()
            for slot in range(self.workers):
                base = slot * self._FIELDS
                started = self.slots[base + 2]
                if started and now - started >= limit:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(self.slots[base]), signal.SIGKILL)
                    stopped.add(int(self.slots[base + 1]))
                    self.slots[base + 2] = 0
        return stopped

    def seconds_left(self, limit: float) -> float:
        """Seconds until the first PDF in progress reaches *limit* (*limit* if none is)."""
        with self.slots.get_lock():
            starts: list[float] = [self.slots[n * self._FIELDS + 2] for n in range(self.workers)]
        running = [started for started in starts if started]
        if not running:
            return limit
        return max(0.0, min(running) + limit - time.monotonic())


def _timeout_failure(limit: float) -> Failure:
    return Failure(
        format="pdf",
        kind="invalid",
        messages=(
            f"the PDF took longer than its limit of {limit:g} seconds and was stopped"
            " (raise it with --pdf-timeout, or pdf_timeout= in Python)",
        ),
    )


# --- pool workers ----------------------------------------------------------------------

_worker: _Worker | None = None
#: Set in pool workers (by the initializer), where SIGTERM must end the process.
_in_pool = False
#: Whether a pool worker is converting an article (SIGTERM then unwinds cleanly first).
_busy = False
#: A pool worker's threads that write its files, started once.
_pool_writers: concurrent.futures.ThreadPoolExecutor | None = None
#: A pool worker's clock and slot, when its PDFs have a time limit.
_pool_clock: tuple[_Clock, int] | None = None


def _worker_for(settings: _Settings) -> _Worker:
    global _worker
    if _worker is None or _worker.settings != settings:
        _worker = _Worker(settings)
    return _worker


def _on_sigterm_in_worker(signum: int, frame: FrameType | None) -> None:
    if _busy:
        raise Interrupted(signum)  # unwinds through write_atomic, which removes its file
    os._exit(128 + signum)


def _gone(pid: int) -> bool:
    """Whether process *pid* has ended (or is a zombie, ended but not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _watch_parent(parent: int, owner: int) -> None:
    """Terminate this worker (cleanly, through SIGTERM) once the process that owns the pool ends.

    A pool's workers wait on a pipe they also hold the writing end of, so when
    the owner is killed outright (SIGKILL, a crash) they would wait forever. A
    forkserver's workers keep the server alive, so their parent does not change
    when the owner dies: the owner is watched by its process id too.
    """
    while os.getppid() == parent and not _gone(owner):
        time.sleep(_PARENT_POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)


#: glibc's mallopt() parameters, and what a pool worker sets them to.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_BYTES = 32 << 20
_TRIM_THRESHOLD_BYTES = 64 << 20


def _keep_freed_memory() -> None:
    """Let this process keep the memory it frees, to use again (glibc only).

    By default glibc gives memory back to the kernel as soon as the top of the
    heap is a few megabytes free, and serves every large block (an EPUB cover's
    2 MB image, a PDF's buffers) from fresh pages, which the kernel must zero
    on first touch: a third of the time of a cover went to that. A worker
    makes the same kinds of file again and again, so it keeps up to
    :data:`_TRIM_THRESHOLD_BYTES` free for the next one. Only pool workers do
    this: they are ours; the calling process is the user's.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)
    mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD_BYTES)


def _init_worker(
    settings: _Settings, owner: int, clock: _Clock | None = None, warm: bool = True
) -> None:
    """Pool initializer: signal handling, exporters built, the PDF renderer warm if *warm*."""
    global _in_pool, _pool_writers, _pool_clock
    _in_pool = True
    _pool_writers = _writer_threads()
    # Ctrl-C reaches the whole process group: the parent decides what stops, and
    # lets the articles in progress finish rather than leave them half-done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm_in_worker)
    threading.Thread(
        target=_watch_parent, args=(os.getppid(), owner), name="watch-owner", daemon=True
    ).start()
    _pool_clock = None if clock is None else (clock, clock.claim())
    _keep_freed_memory()
    worker = _worker_for(settings)
    if warm and worker.warm_up():
        gc.collect()  # the warm-up's garbage, so that it is not kept forever below
    # What exists now (modules, the warm renderers, what the parent had) lives as
    # long as the worker: the garbage collector need not look at it again. A
    # PDF's layout makes so many objects that full collections come often, and
    # each would go through all of WeasyPrint's.
    gc.freeze()


# --- one input -------------------------------------------------------------------------


def _message_lines(error: BaseException, *, filename: bool = True) -> tuple[str, ...]:
    """*error* as one-line messages (several for a :class:`ValidationError`)."""
    if isinstance(error, ValidationError):
        return tuple(" ".join(str(problem).split()) for problem in error.problems)
    if isinstance(error, ContentError):
        text = Exception.__str__(error)
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror
        if filename and error.filename is not None:
            text += f": {os.fsdecode(error.filename)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return (" ".join(text.split()) or type(error).__name__,)


def _failure(name: str | None, error: BaseException) -> Failure:
    if isinstance(error, ContentError):
        return Failure(format=name, kind="invalid", messages=_message_lines(error))
    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return Failure(format=name, kind="error", messages=_message_lines(error), details=details)


@attrs.frozen(kw_only=True)
class _Task:
    """One input's work, sent to a worker: the JSON bytes and where each format goes."""

    index: int
    source: str
    data: bytes
    base_dir: Path
    targets: tuple[tuple[str, Path], ...]
    skipped: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class _Rendered:
    """One input rendered in memory: every file it needs, or why it failed."""

    task: _Task
    images: tuple[tuple[Path, bytes], ...] = ()
    """Copied images not on disk yet."""
    files: tuple[tuple[Path, bytes], ...] = ()
    """The formats' files, in the order of the formats."""
    failure: Failure | None = None
    warnings: tuple[Problem, ...] = ()
    """Likely mistakes the batch's check found in the article."""
    seconds: float = 0.0


def _render_task(
    task: _Task, worker: _Worker, before_pdf: Callable[[], object] = lambda: None
) -> _Rendered:
    """Load *task*'s article and render every format in memory, stopping at the first failure.

    *before_pdf* runs just before a PDF starts: in a worker whose PDFs have a
    time limit it waits for the files being written, so that a kill on
    time-out never cuts a write short.
    """
    started = time.perf_counter()
    warnings: tuple[Problem, ...] = ()
    try:
        read = worker.settings.read
        if read is None:
            article = loads(task.data, source=task.source)
        else:
            article, warnings = read(task.data, task.source)
        check = worker.settings.check
        if check is not None:
            # Once per article, before any format: an error is reported once.
            findings = check(article, task.base_dir)
            warnings += findings.warnings
            if findings.errors:
                raise ValidationError(findings.errors)
    except Exception as error:  # noqa: BLE001 - every failure goes in the report
        failure = _failure(None, error)
        return _Rendered(
            task=task, failure=failure, warnings=warnings, seconds=time.perf_counter() - started
        )
    folders: dict[Path, ImageFolder] = {}
    files: list[tuple[Path, bytes]] = []
    for name, target in task.targets:
        image_src = None
        if worker.copies_images(name):
            where = folder_for(target)
            if where not in folders:
                from .resources import policy_for

                policy = policy_for(task.base_dir, worker.allow_remote)
                folders[where] = ImageFolder(where, policy)
            image_src = folders[where].reference
        try:
            if name == "pdf" and _pool_clock is not None:
                before_pdf()
                clock, slot = _pool_clock
                with clock.timing(slot, task.index):
                    data = worker.render(name, article, task.base_dir, image_src)
            else:
                data = worker.render(name, article, task.base_dir, image_src)
        except Exception as error:  # noqa: BLE001 - every failure goes in the report
            return _Rendered(
                task=task,
                failure=_failure(name, error),
                warnings=warnings,
                seconds=time.perf_counter() - started,
            )
        files.append((target, data))
    return _Rendered(
        task=task,
        images=tuple(files_to_write(folders.values()).items()),
        files=tuple(files),
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )


class _SharedImages:
    """The images this process has copied, so that the next article showing one links to it.

    Articles of a batch often show the same image (a logo, an agency photo),
    each in its own ``<stem>_files/`` folder. The first copy is written (and
    flushed to disk); the others are hard links to it, which cost no data
    write. A link is made only while the first copy is still the file this
    process wrote (same device, inode, size and modification time); else, or
    where links are not possible, the image is written again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[str, tuple[Path, tuple[int, int, int, int]]] = {}

    @staticmethod
    def _identity(path: Path) -> tuple[int, int, int, int]:
        info = path.stat()
        return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)

    def put(self, path: Path, data: bytes) -> None:
        """Put image *path* in place (named by its content *data*): a link, or a new file."""
        with self._lock:
            known = self._written.get(path.name)
        if known is not None and self._link(*known, path):
            return
        write_atomic(path, data)
        with self._lock:
            self._written.setdefault(path.name, (path, self._identity(path)))

    def _link(self, source: Path, identity: tuple[int, int, int, int], path: Path) -> bool:
        try:
            if self._identity(source) != identity:
                return False
            link_atomic(source, path)
        except OSError:
            return False
        return True


def _commit(rendered: _Rendered, images: _SharedImages) -> None:
    """Write one input's files, all or none; its copied images first, removed again on failure."""
    created: list[Path] = []
    try:
        for path, data in rendered.images:
            images.put(path, data)
            created.append(path)
        write_all_atomic(rendered.files)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        for folder in {path.parent for path in created}:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty
        raise


def _format_of(error: OSError, targets: Sequence[tuple[str, Path]]) -> str | None:
    """The format whose file *error* is about: the only one, or the one it names."""
    if len(targets) == 1:
        return targets[0][0]
    named = [os.fsdecode(f) for f in (error.filename, error.filename2) if f is not None]
    for name, target in targets:
        for path in map(Path, named):
            if path == target or (is_temporary(path) and path.name.startswith(f".{target.name}.")):
                return name
    return None


def _result(rendered: _Rendered, write: Future[None] | None) -> Result:
    """The result of one input, once its files are in place (or failed)."""
    task = rendered.task
    failure = rendered.failure
    if failure is None and write is not None:
        problem = write.exception()
        if problem is not None:
            name = _format_of(problem, task.targets) if isinstance(problem, OSError) else None
            failure = _failure(name, problem)
    notes = task.notes
    if failure is not None:
        others = [target.name for name, target in task.targets if name != failure.format]
        if others and failure.format is not None:
            notes += (f"not written either, as {failure.format} failed: {', '.join(others)}",)
        return Result(
            index=task.index,
            source=task.source,
            skipped=task.skipped,
            failures=(failure,),
            notes=notes,
            warnings=rendered.warnings,
            seconds=rendered.seconds,
        )
    return Result(
        index=task.index,
        source=task.source,
        written=tuple(target for _, target in task.targets),
        skipped=task.skipped,
        notes=notes,
        warnings=rendered.warnings,
        seconds=rendered.seconds,
    )


def _run(
    tasks: Sequence[_Task], worker: _Worker, writers: concurrent.futures.Executor
) -> list[Result]:
    """Convert *tasks* in turn, writing each one's files on a thread while the next one renders.

    One input's files (its formats and copied images) are written together,
    all or none (:func:`~messenger_content._files.write_all_atomic`); that
    mostly waits on the disk, and the writer threads let the wait overlap the
    rendering. A result is only made once its files are in place (or failed).
    Whatever stops the work (an interruption, a signal), the writes in
    progress finish or clean up before this returns or raises: no temporary
    file is left behind.
    """
    outcomes: list[tuple[_Rendered, Future[None] | None]] = []
    writes: list[Future[None]] = []

    def wait_for_writes() -> None:
        concurrent.futures.wait(writes)

    try:
        for task in tasks:
            rendered = _render_task(task, worker, wait_for_writes)
            write = None
            if rendered.failure is None:
                write = writers.submit(_commit, rendered, worker.copied)
                writes.append(write)
            outcomes.append((rendered, write))
        return [_result(rendered, write) for rendered, write in outcomes]
    finally:
        _settle(writes)


def _settle(writes: Sequence[Future[None]]) -> None:
    """Drop the writes not started, and wait for those in progress (milliseconds each).

    A second interruption while waiting is held back until they are done: leaving
    a write half-way would leave its temporary file behind.
    """
    for write in writes:
        write.cancel()
    held: BaseException | None = None
    while True:
        try:
            concurrent.futures.wait(writes)
        except BaseException as error:  # noqa: BLE001 - raised again below
            held = held or error
        else:
            break
    if held is not None:
        raise held


def _writer_threads() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(_WRITERS, thread_name_prefix="write")


def _work(
    tasks: Sequence[_Task],
    settings: _Settings,
    writers: concurrent.futures.Executor | None = None,
) -> list[Result]:
    """The work unit: convert a few inputs to every format (top-level, so it pickles).

    Files are written by *writers*, else by the pool worker's writer threads,
    else by threads that last as long as the call: a process that keeps threads
    running cannot start its next pool by forking.
    """
    global _busy
    _busy = True
    try:
        worker = _worker_for(settings)
        if writers is None:
            writers = _pool_writers
        if writers is not None:
            return _run(tasks, worker, writers)
        with _writer_threads() as own:
            return _run(tasks, worker, own)
    except Interrupted as interrupted:
        if _in_pool:
            # The temporary files are gone (write_atomic cleaned up on the way out,
            # and the writes in progress were waited for); a pool worker told to
            # terminate now does.
            os._exit(128 + interrupted.signum)
        raise
    finally:
        _busy = False


def _folder(path: Path, known: dict[Path, Path]) -> Path:
    """The resolved folder of file *path* (of its target, for a symbolic link).

    Folders resolved already are in *known* (every input of a batch usually
    shares a few), saving the look-up of each part of the path.
    """
    if path.is_symlink():
        return path.resolve().parent
    found = known.get(path.parent)
    if found is None:
        if len(known) >= _KNOWN_FOLDERS:
            known.clear()
        found = known[path.parent] = path.parent.resolve()
    return found


def _read(
    item: str | os.PathLike[str] | Source, folders: dict[Path, Path]
) -> tuple[str, bytes, Path, str]:
    """Name, bytes, folder and fallback stem of an input (reads a file).

    The stem is the name without the suffix of a format: ``story`` for
    ``story.ninjs.json`` as for ``story.json``.
    """
    if isinstance(item, Source):
        return item.name, item.data, item.base_dir, item.stem
    path = Path(item)
    data = path.read_bytes()
    return os.fspath(item), data, _folder(path, folders), split_suffix(path.name)[0]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _plan(
    index: int,
    item: str | os.PathLike[str] | Source,
    targets_for: Callable[[bytes, str], tuple[tuple[tuple[str, Path], ...], tuple[str, ...]]],
    skip_existing: bool,
    folders: dict[Path, Path],
) -> _Task | Result:
    """Read one input and decide its targets; a :class:`Result` if nothing is left to do."""
    try:
        name, data, base_dir, fallback = _read(item, folders)
    except OSError as error:
        source = item.name if isinstance(item, Source) else os.fspath(item)
        return Result(
            index=index,
            source=source,
            failures=(
                # The input's name is already the message's prefix.
                Failure(
                    format=None, kind="invalid", messages=_message_lines(error, filename=False)
                ),
            ),
        )
    targets, notes = targets_for(data, fallback)
    if not isinstance(item, Source):
        for _, target in targets:
            if _same_file(target, Path(item)):
                message = f"the output {target} would overwrite the input"
                return Result(
                    index=index,
                    source=name,
                    failures=(Failure(format=None, kind="invalid", messages=(message,)),),
                )
    skipped: tuple[Path, ...] = ()
    if skip_existing:
        skipped = tuple(target for _, target in targets if target.exists())
        targets = tuple((fmt, target) for fmt, target in targets if target not in skipped)
        if not targets:
            return Result(index=index, source=name, skipped=skipped, notes=notes)
    return _Task(
        index=index,
        source=name,
        data=data,
        base_dir=base_dir,
        targets=targets,
        skipped=skipped,
        notes=notes,
    )


#: The PDF time limit of :func:`convert` and :func:`convert_many` unless told otherwise.
DEFAULT_PDF_TIMEOUT: Final = 60.0


def convert(
    source: str | os.PathLike[str] | Source,
    targets: Mapping[str, str | os.PathLike[str]],
    *,
    options: Mapping[str, Any] | None = None,
    skip_existing: bool = False,
    images: ImageMode | None = None,
    image_base: str | None = None,
    pdf_timeout: float | None = DEFAULT_PDF_TIMEOUT,
    check: Check | None = None,
    read: Read | None = None,
) -> Result:
    """Convert one input to explicit files, all or none.

    Everything runs in the calling process, except a PDF under a time limit:
    that input is converted in one worker process, which is killed if the
    PDF takes longer.

    Args:
        source: A JSON file, or a :class:`Source` held in memory.
        targets: Output path by format name, e.g. ``{"pdf": "out/a.pdf"}``.
        options: Exporter options (see :func:`convert_many`).
        skip_existing: Leave targets that exist alone.
        images: How HTML and Markdown files refer to images (see :func:`convert_many`).
        image_base: The URL images are linked at (``images="link"``).
        pdf_timeout: Most seconds a PDF may take, or ``None`` for no limit.
        check: Run on the loaded article before any format (see :func:`convert_many`).
        read: Reads the input (see :func:`convert_many`).

    Returns:
        What happened; failures are reported in it, not raised.

    Raises:
        ExportError: a format is unknown or its exporter cannot be imported.
        ValueError: an option is not taken by any of the formats, or the
            image options contradict each other.
    """
    pairs = tuple((format_for(name).name, Path(path)) for name, path in targets.items())
    settings = _settings(tuple(name for name, _ in pairs), options, images, image_base, check, read)
    _check_timeout(pdf_timeout)
    planned = _plan(0, source, lambda data, stem: (pairs, ()), skip_existing, {})
    if isinstance(planned, Result):
        return planned
    if pdf_timeout is None or not any(name == "pdf" for name, _ in planned.targets):
        (result,) = _work((planned,), settings)
        return result
    run = _Batch(settings, workers=1, own_pool=True, pdf_timeout=pdf_timeout, warm=False)
    (result,) = run.run([planned]).results
    return result


def _check_timeout(pdf_timeout: float | None) -> None:
    if pdf_timeout is not None and (isinstance(pdf_timeout, bool) or not pdf_timeout > 0):
        raise ValueError(f"pdf_timeout must be a positive number or None, got {pdf_timeout!r}")


# --- many inputs -------------------------------------------------------------------------


class _InlineExecutor(Executor):
    """Runs each call as it is submitted, in the calling process (``jobs=0``)."""

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Call ``fn(*args, **kwargs)`` now and return a finished future."""
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 - delivered through the future
            future.set_exception(error)
        return future


def _recycle_after(formats: tuple[str, ...]) -> int | None:
    """Articles a pool worker converts before it is replaced, or ``None`` for no limit."""
    limits = [_ARTICLES_PER_WORKER[name] for name in formats if name in _ARTICLES_PER_WORKER]
    return min(limits, default=None)


def _preload(formats: tuple[str, ...]) -> list[str]:
    """Modules a worker needs for *formats*: this one and the exporters (and WeasyPrint)."""
    modules = [__name__]
    for name in formats:
        module, _, _ = FORMATS[name].entry_point.partition(":")
        modules.append(f"{__package__}.exporters{module}")
        if name == "epub":
            modules.append(f"{__package__}.exporters.epub.cover")
        if name == "pdf":
            # Importing WeasyPrint looks its C libraries up: once here, not again
            # in every worker.
            modules.append("weasyprint")
    return modules


def ProcessPoolExecutor(*args: Any, **kwargs: Any) -> Executor:
    """Make a :class:`concurrent.futures.ProcessPoolExecutor` (imported, with multiprocessing)."""
    from concurrent.futures import ProcessPoolExecutor as pool

    return pool(*args, **kwargs)


#: The media of the theme's templates each format renders with.
_TEMPLATE_MEDIA: Final[Mapping[str, Media]] = {"html": "screen", "pdf": "print", "epub": "epub"}


def _warm_templates(settings: _Settings) -> None:
    """Compile the theme's templates here, so forked workers do not each compile them.

    Only templates and stylesheets, all pure Python: never WeasyPrint's fonts or
    the EPUB cover's, whose C libraries hold files and state a forked process
    must not share.
    """
    from .exporters.html import to_html

    template_dir = dict(settings.options).get("template_dir")
    warm = Article(headline="Warm-up", body=[Paragraph(text="Warm-up.")])
    for name in settings.formats:
        media = _TEMPLATE_MEDIA.get(name)
        if media is not None:
            # A failure here shows again, reported, on the first real article.
            with contextlib.suppress(Exception):
                to_html(warm, media=media, template_dir=template_dir)


def _pool_context(settings: _Settings) -> multiprocessing.context.BaseContext:
    """How our pool starts its workers, with the modules they need already imported.

    * On Linux, when the calling process runs a single thread: ``fork``, after
      importing those modules here and compiling the theme's templates, so
      workers start at once with them loaded (forking a process that runs
      other threads can deadlock, hence the condition).
    * Otherwise, where available: ``forkserver``, a clean single-threaded
      process that workers are forked from, told to import them first (this
      takes effect when the server starts, with a process's first pool).
    * Otherwise ``spawn``.
    """
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    modules = _preload(settings.formats)
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        for module in modules:
            # A module that cannot be imported fails in the worker, with a report.
            with contextlib.suppress(ImportError, OSError):
                importlib.import_module(module)
        _warm_templates(settings)
        if "epub" in settings.formats:
            with contextlib.suppress(ImportError, OSError):
                from .exporters.epub import cover

                cover.prepare()
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(modules)
    return context


class _ChunkSizes:
    """How many inputs go in one work unit, learnt from how long inputs have taken so far.

    The first units hold one input each; then as many as a worker converts in
    about :data:`_CHUNK_SECONDS` (a running average), at most *most*.
    """

    def __init__(self, *, most: int) -> None:
        self.most = max(1, most)
        self.seconds: float | None = None
        """Seconds per input, a running average (``None`` until a unit is done)."""

    def learn(self, results: Sequence[Result]) -> None:
        """Take in the results of one work unit."""
        if results:
            seconds = sum(result.seconds for result in results) / len(results)
            self.seconds = seconds if self.seconds is None else (self.seconds + seconds) / 2

    @property
    def size(self) -> int:
        """Inputs in the next unit."""
        if self.seconds is None:
            return 1
        return max(1, min(self.most, int(_CHUNK_SECONDS / max(self.seconds, 1e-6))))


_Planned: TypeAlias = "_Task | Result"
"""An input read and given its targets, or its result already (failed, or nothing to do)."""


class _Batch:
    """One run of work units through an executor, in input order, with a PDF time limit.

    It submits the planned inputs a work unit at a time, keeps at most
    :meth:`limit` of them in flight, records results as they come, replaces
    its own pool after a number of articles (:func:`_recycle_after`) and,
    when a PDF goes over *pdf_timeout*, kills the worker rendering it
    (:class:`_Clock`), fails that input, and sends the others the broken
    pool had not finished to a fresh pool.
    """

    def __init__(
        self,
        settings: _Settings,
        *,
        workers: int,
        own_pool: bool,
        executor: Executor | None = None,
        progress: Callable[[Result], object] | None = None,
        fail_fast: bool = False,
        max_pending: int | None = None,
        pdf_timeout: float | None = None,
        warm: bool = True,
    ) -> None:
        self.settings = settings
        self.workers = workers
        self.progress = progress
        self.fail_fast = fail_fast
        self.max_pending = max_pending
        self.warm = warm
        parallel = max(1, workers)
        self.parallel = parallel
        timed = own_pool and workers > 0 and "pdf" in settings.formats
        self.pdf_timeout = pdf_timeout if timed else None
        self.clock: _Clock | None = None
        self.own: Executor | None = self._new_pool() if own_pool else None
        self.pool: Executor = self.own if self.own is not None else executor or _InlineExecutor()
        # Converting in this process: one set of writer threads for the whole batch.
        self.writers = _writer_threads() if isinstance(self.own, _InlineExecutor) else None
        # Our own workers are replaced by fresh ones after this many articles (all of
        # them at once, after the ones in flight are done), so that an exporter whose
        # memory creeps up with every document cannot grow without bound.
        self.recycle = _recycle_after(settings.formats) if own_pool and workers > 0 else None
        self.sizes = _ChunkSizes(
            most=_MAX_CHUNK if max_pending is None else max_pending // (2 * parallel)
        )
        self.results: list[Result] = []
        self.pending: dict[Future[list[Result]], tuple[_Task, ...]] = {}
        self.in_flight = 0  # inputs submitted, results not yet collected
        self.submitted = 0  # inputs given to the current pool
        self.chunk: list[_Task] = []  # inputs read, not yet submitted
        self.retry: list[_Task] = []  # inputs of a pool broken by a time-out, to do again
        self.timed_out: set[int] = set()  # inputs whose PDF was stopped
        self.killed = False  # a worker of the current pool was killed on time-out
        self.broken = False  # ... and the pool is broken for it
        self.stopped = False

    # the pool

    def _new_pool(self) -> Executor:
        if self.workers == 0:
            return _InlineExecutor()
        context = _pool_context(self.settings)
        self.clock = None if self.pdf_timeout is None else _Clock(context, self.workers)
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(self.settings, os.getpid(), self.clock, self.warm),
        )

    def _replace_pool(self) -> None:
        """Wait for everything in flight, then start a fresh pool of our own."""
        while self.pending:
            self._wait()
        assert self.own is not None
        self.own.shutdown(wait=True)
        self.own = self.pool = self._new_pool()
        self.submitted = 0
        self.killed = self.broken = False

    # results

    def limit(self) -> int:
        """Most inputs read and not yet finished."""
        return self.max_pending or self.parallel * max(4, 2 * self.sizes.size)

    def _record(self, result: Result) -> None:
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)
        if self.fail_fast and result.failures:
            self.stopped = True

    def _failed(self, tasks: Iterable[_Task], error: Exception) -> list[Result]:
        failure = _failure(None, error)
        return [Result(index=t.index, source=t.source, failures=(failure,)) for t in tasks]

    def _lost(self, tasks: Iterable[_Task]) -> list[Result]:
        """The inputs of a pool broken by a time-out: the one stopped fails, the others go again."""
        assert self.pdf_timeout is not None
        results = []
        for task in tasks:
            if task.index in self.timed_out:
                failure = _timeout_failure(self.pdf_timeout)
                rendered = _Rendered(task=task, failure=failure, seconds=float(self.pdf_timeout))
                results.append(_result(rendered, None))
            else:
                self.retry.append(task)
        return results

    def _collect(self, done: Iterable[Future[list[Result]]]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        for future in done:
            tasks = self.pending.pop(future)
            self.in_flight -= len(tasks)
            if future.cancelled():
                continue
            try:
                finished = future.result()
            except BrokenProcessPool as error:
                if self.killed:
                    self.broken = True
                    finished = self._lost(tasks)
                else:  # a worker died on its own: nothing says the next one would not
                    self.stopped = True
                    finished = self._failed(tasks, error)
            except Exception as error:  # noqa: BLE001 - a broken transport
                finished = self._failed(tasks, error)
            else:
                self.sizes.learn(finished)
            for result in finished:
                self._record(result)

    def _wait(self) -> None:
        timeout = None
        if self.clock is not None and self.pdf_timeout is not None:
            timeout = self.clock.seconds_left(self.pdf_timeout)
        done, _ = concurrent.futures.wait(
            self.pending, timeout=timeout, return_when="FIRST_COMPLETED"
        )
        if self.clock is not None and self.pdf_timeout is not None:
            stopped = self.clock.stop_overdue(self.pdf_timeout)
            self.timed_out |= stopped
            self.killed = self.killed or bool(stopped)
        self._collect(done)

    # submitting

    def _wanted(self) -> int:
        """Inputs in the next work unit: never more than a pool may take before it is replaced."""
        if self.recycle is None:
            return self.sizes.size
        return max(1, min(self.sizes.size, self.recycle * self.workers - self.submitted))

    def _submit(self, tasks: tuple[_Task, ...]) -> None:
        """Send *tasks* as one work unit once there is room, to a fresh pool if one is due."""
        while self.pending and self.in_flight + len(tasks) > self.limit() and not self.stopped:
            self._wait()
        recycle = self.recycle is not None and self.submitted >= self.recycle * self.workers
        if (self.broken or recycle) and not self.stopped:
            self._replace_pool()
            retry, self.retry = self.retry, []
            size = max(1, self.sizes.size)
            for start in range(0, len(retry), size):
                self._send(tuple(retry[start : start + size]))
        if tasks and not self.stopped:
            self._send(tasks)

    def _send(self, tasks: tuple[_Task, ...]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        self.submitted += len(tasks)
        try:
            future = self.pool.submit(_work, tasks, self.settings, self.writers)
        except BrokenProcessPool as error:
            if self.killed:  # by us, on time-out: these go to the next pool
                self.broken = True
                self.retry.extend(tasks)
                return
            self.stopped = True
            for result in self._failed(tasks, error):
                self._record(result)
            return
        self.pending[future] = tasks
        self.in_flight += len(tasks)
        # Report what has finished already (at once, with an inline executor).
        self._collect([future for future in self.pending if future.done()])

    def _add(self, planned: _Planned) -> None:
        if isinstance(planned, Result):
            self._record(planned)
            return
        self.chunk.append(planned)
        if len(self.chunk) >= self._wanted():
            tasks = tuple(self.chunk)
            self.chunk.clear()
            self._submit(tasks)

    def _finish(self) -> None:
        """Submit what is left, and wait for everything (again for inputs of a broken pool)."""
        if self.chunk and not self.stopped:
            tasks = tuple(self.chunk)
            self.chunk.clear()
            self._submit(tasks)
        while not self.stopped and (self.pending or self.retry):
            if self.pending:
                self._wait()
            else:
                self._submit(())
        for future in self.pending:
            future.cancel()
        while self.pending:
            self._wait()

    # the whole run

    def run(self, planned: Iterable[_Planned], total: int | None = None) -> BatchReport:
        """Convert every planned input; return the report, in input order.

        Raises:
            Interrupted: Ctrl-C or a signal stopped the run (with the report so far).
        """
        started = time.perf_counter()
        try:
            for item in planned:
                if self.stopped:
                    break
                self._add(item)
            self._finish()
        except KeyboardInterrupt as interrupt:
            for future in self.pending:
                future.cancel()
            self._close()
            self._keep_finished()
            self.stopped = True
            signum = interrupt.signum if isinstance(interrupt, Interrupted) else signal.SIGINT
            raise Interrupted(signum, report=self._report(started), total=total) from interrupt
        except BaseException:
            for future in self.pending:
                future.cancel()
            raise
        finally:
            self._close()
        return self._report(started)

    def _keep_finished(self) -> None:
        """After an interruption: keep the results of the work units that did finish."""
        for future, tasks in list(self.pending.items()):
            if future.done() and not future.cancelled() and future.exception() is None:
                self.results.extend(future.result())
            del self.pending[future]
            self.in_flight -= len(tasks)

    def _close(self) -> None:
        if self.own is not None:
            self.own.shutdown(wait=True, cancel_futures=True)
        if self.writers is not None:
            self.writers.shutdown(wait=True)

    def _report(self, started: float) -> BatchReport:
        results = sorted(self.results, key=lambda result: result.index)
        return BatchReport(
            results=tuple(results), seconds=time.perf_counter() - started, stopped=self.stopped
        )


def convert_many(
    inputs: Iterable[str | os.PathLike[str] | Source],
    formats: Iterable[str],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[Result], object] | None = None,
    options: Mapping[str, Any] | None = None,
    fail_fast: bool = False,
    skip_existing: bool = False,
    max_pending: int | None = None,
    images: ImageMode | None = None,
    image_base: str | None = None,
    pdf_timeout: float | None = DEFAULT_PDF_TIMEOUT,
    check: Check | None = None,
    read: Read | None = None,
) -> BatchReport:
    """Convert many articles to one or more formats, in parallel.

    Inputs are consumed lazily: at most *max_pending* articles are read ahead
    of the workers, so a generator over an archive of any size runs in bounded
    memory. Each output is written into *out_dir* as ``<stem><suffix>``, the
    stem being the article's ``id`` made safe (:func:`safe_stem`) or else the
    input's stem; a stem an earlier input holds gets ``-2``, ``-3``... (and a
    note in the result). One article's files are written all or none: when
    one format fails, the others are not written either.

    Failures never stop the batch (unless *fail_fast*) and are never raised:
    they are in the report, with reasons. Ctrl-C (``KeyboardInterrupt``, or an
    :class:`Interrupted` raised by a signal handler) stops submitting, lets
    the articles in progress finish, and raises :class:`Interrupted` with the
    report so far.

    Args:
        inputs: JSON files (paths) or :class:`Source` values, in the order
            results are reported and names given out.
        formats: Format names (``"html"``, ``"pdf"``...; see
            :data:`~messenger_content.exporters.FORMATS`).
        out_dir: The folder written into (created).
        jobs: Worker processes; default ``os.cpu_count()``. ``0`` converts in
            the calling process, without a pool (except PDFs under a time
            limit: see *pdf_timeout*). With *executor*, only bounds how many
            articles are read ahead.
        executor: Run the work on this executor instead of a process pool of
            our own (it is not shut down). Work units are picklable top-level
            functions, so any :class:`concurrent.futures.Executor` works, e.g.
            Dask's ``client.get_executor()``; its workers must see the input
            folders (images) and *out_dir*. Its workers cannot be stopped, so
            PDFs then need ``pdf_timeout=None``.
        progress: Called in the calling thread with each :class:`Result`, as
            inputs finish.
        options: Exporter options (``width``, ``css`` as CSS text,
            ``template_dir``, ``paper``, ``allow_remote``, ``pdf_variant``...).
            Each exporter gets only those its signature takes; ``base_dir`` is
            always the input's folder, and the image options come from *images*.
        fail_fast: Stop at the first failure (the articles in progress finish).
        skip_existing: Leave outputs that exist alone (resume a stopped run).
        max_pending: Most articles read and not yet finished; default four
            per worker, or two work units per worker when inputs are cheap
            enough to go to the workers several at a time (a unit holds
            about 0.1 s of work, at most 32 inputs).
        images: How HTML and Markdown files refer to their images: ``"copy"``
            (the default: into ``<stem>_files/`` beside them, named by
            content), ``"embed"`` (``data:`` URIs) or ``"link"`` (the sources
            as given, or joined to *image_base*).
        image_base: A URL serving the articles' images by their relative
            sources (implies ``images="link"``).
        pdf_timeout: Most seconds one PDF may take, or ``None`` for no limit.
            A PDF over it has its worker process killed (so with ``jobs=0``
            PDFs go to one worker process); the input fails, and the others
            carry on in a fresh pool.
        check: Called with each loaded article and its folder before any
            format is rendered (e.g. :class:`~messenger_content.checks.ArticleCheck`):
            its errors fail the article once, with no file written; its
            warnings go in :attr:`Result.warnings`. Picklable, for the workers.
        read: Turns each input's bytes (and name) into an article and the
            warnings of its import, e.g. ``Reader(format="auto")`` from
            :mod:`messenger_content.inputs` for ninjs, JSON-LD and web pages;
            the warnings go in :attr:`Result.warnings` (before the check's),
            a :class:`~messenger_content.ContentError` fails the input.
            Picklable, for the workers. Default: the article format.

    Returns:
        A report with one :class:`Result` per input handled, in input order.

    Raises:
        ExportError: a format is unknown or its exporter cannot be imported.
        ValueError: an option is not taken by any of the formats, is set per
            input, or the image or time-limit options do not fit together.
        Interrupted: interrupted by Ctrl-C or a signal; carries the report so
            far and the number of inputs (when *inputs* has a length).
    """
    names = _check_formats(formats)
    settings = _settings(names, options, images, image_base, check, read)
    _check_timeout(pdf_timeout)
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 0:
        raise ValueError(f"jobs must be 0 or more, got {jobs}")
    timed = pdf_timeout is not None and "pdf" in names
    if executor is not None and timed:
        raise ValueError(
            "a caller's executor cannot stop a PDF over its time limit: give pdf_timeout=None"
        )
    # Stopping a PDF on time takes a process of its own; one that converts the few
    # inputs meant for this process need not warm up for a long run.
    warm = not (workers == 0 and timed)
    if workers == 0 and timed:
        workers = 1
    run = _Batch(
        settings,
        workers=workers,
        own_pool=executor is None,
        executor=executor,
        progress=progress,
        fail_fast=fail_fast,
        max_pending=max_pending,
        pdf_timeout=pdf_timeout,
        warm=warm,
    )
    out = Path(out_dir)
    stems = _Names()
    folders: dict[Path, Path] = {}
    suffixes = [(name, FORMATS[name].suffix) for name in names]

    def targets_for(
        data: bytes, fallback: str
    ) -> tuple[tuple[tuple[str, Path], ...], tuple[str, ...]]:
        wanted = _wanted_stem(data, fallback)
        stem = stems.claim(wanted)
        notes = () if stem == wanted else (f"named {stem!r}: {wanted!r} is an earlier input's",)
        return tuple((name, out / f"{stem}{suffix}") for name, suffix in suffixes), notes

    planned = (
        _plan(index, item, targets_for, skip_existing, folders) for index, item in enumerate(inputs)
    )
    total = len(inputs) if isinstance(inputs, Sized) else None
    return run.run(planned, total)
