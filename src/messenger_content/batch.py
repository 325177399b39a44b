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
Every file is written atomically (:func:`~messenger_content._files.write_atomic`).

:func:`convert` does the same for one input and explicit target paths, in the
calling process.
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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypeVar

import attrs
from typing_extensions import ParamSpec

from ._files import write_atomic
from .codec import loads
from .errors import ContentError, ExportError, ValidationError
from .exporters import FORMATS, format_for
from .models import Article, Paragraph

if TYPE_CHECKING:
    import multiprocessing.context

    from .theme import Media

__all__ = [
    "BatchReport",
    "Failure",
    "FailureKind",
    "Interrupted",
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
    """A signal (``SIGTERM``, ``SIGINT``) asked the conversion to stop.

    Raised from a signal handler, it unwinds like ``KeyboardInterrupt``: every
    atomic write in progress removes its temporary file on the way out.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        """The signal's number."""


# --- values ------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Source:
    """An article held in memory rather than in a file (standard input, a database row)."""

    name: str
    """How messages name the input, e.g. ``"<stdin>"``."""
    data: bytes
    """The article's JSON, UTF-8."""
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


def _settings(formats: tuple[str, ...], options: Mapping[str, Any] | None) -> _Settings:
    """Check *options* against the exporters' signatures and freeze them."""
    given = dict(options or {})
    reserved = _PER_INPUT_OPTIONS.intersection(given)
    if reserved:
        raise ValueError(f"option {min(reserved)!r} is set per input by the batch; leave it out")
    accepted = frozenset().union(*(_accepted(_exporter(name)) for name in formats))
    unknown = sorted(set(given) - accepted)
    if unknown:
        raise ValueError(
            f"option {unknown[0]!r} is not taken by any of the formats {', '.join(formats)}"
        )
    return _Settings(formats, tuple(sorted(given.items())))


class _Worker:
    """The exporters of one batch in one process, built once, reused for every article."""

    def __init__(self, settings: _Settings) -> None:
        self.settings = settings
        options = dict(settings.options)
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

    def render(self, name: str, article: Article, base_dir: Path) -> bytes:
        """Render *article* in format *name*, as the file's bytes."""
        render, kwargs, takes_base_dir = self.renderers[name]
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
    in use; afterwards, nearly all of them are gone (freed by reference
    counting), and one collection of what is left (some ten thousand objects
    of the document held in cycles) takes half the time of those twenty:
    about 11 ms of CPU per article instead of 24. Peak memory does not grow
    (what a rendering makes mostly lives until it ends anyway). Only in pool
    workers, whose process is the batch's own.
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


_worker: _Worker | None = None
#: Set in pool workers (by the initializer), where SIGTERM must end the process.
_in_pool = False
#: Whether a pool worker is converting an article (SIGTERM then unwinds cleanly first).
_busy = False
#: A pool worker's threads that write its files, started once.
_pool_writers: concurrent.futures.ThreadPoolExecutor | None = None


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


def _init_worker(settings: _Settings, owner: int) -> None:
    """Pool initializer: own signal handling, exporters built and the PDF renderer warm."""
    global _in_pool, _pool_writers
    _in_pool = True
    _pool_writers = _writer_threads()
    # Ctrl-C reaches the whole process group: the parent decides what stops, and
    # lets the articles in progress finish rather than leave them half-done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm_in_worker)
    threading.Thread(
        target=_watch_parent, args=(os.getppid(), owner), name="watch-owner", daemon=True
    ).start()
    _keep_freed_memory()
    worker = _worker_for(settings)
    if worker.warm_up():
        gc.collect()  # the warm-up's garbage, so that it is not kept forever below
    # What exists now (modules, the warm renderers, what the parent had) lives as
    # long as the worker: the garbage collector need not look at it again. A
    # PDF's layout makes so many objects that full collections come often, and
    # each went through all of WeasyPrint's (about 15% of the rendering time).
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


_Write: TypeAlias = tuple[str, Path, "Future[None]"]
"""A file being written: its format, its path, and the writer thread's future."""


def _run(
    tasks: Sequence[_Task], worker: _Worker, writers: concurrent.futures.Executor
) -> list[Result]:
    """Convert *tasks* in turn, writing each file on a thread while the next one renders.

    Every file is flushed to disk before it is renamed into place
    (:func:`~messenger_content._files.write_atomic`), which mostly waits on the
    disk; the writer threads let that wait overlap the rendering. A result is
    only made once its files are in place (or failed). Whatever stops the work
    (an interruption, a signal), the writes in progress finish or clean up
    before this returns or raises: no temporary file is left behind.
    """
    outcomes: list[tuple[_Task, list[Failure | _Write], float]] = []
    writes: list[Future[None]] = []
    try:
        for task in tasks:
            started = time.perf_counter()
            # Per format, in order: a failure, or the write of its file.
            steps: list[Failure | _Write] = []
            try:
                article = loads(task.data, source=task.source)
            except Exception as error:  # noqa: BLE001 - every failure goes in the report
                steps.append(_failure(None, error))
            else:
                for name, target in task.targets:
                    try:
                        data = worker.render(name, article, task.base_dir)
                    except Exception as error:  # noqa: BLE001 - every failure goes in the report
                        steps.append(_failure(name, error))
                    else:
                        writes.append(writers.submit(write_atomic, target, data))
                        steps.append((name, target, writes[-1]))
            outcomes.append((task, steps, time.perf_counter() - started))
        results = []
        for task, steps, seconds in outcomes:
            written: list[Path] = []
            failures: list[Failure] = []
            for step in steps:
                if isinstance(step, Failure):
                    failures.append(step)
                    continue
                name, target, write = step
                problem = write.exception()
                if problem is None:
                    written.append(target)
                else:
                    failures.append(_failure(name, problem))
            results.append(
                Result(
                    index=task.index,
                    source=task.source,
                    written=tuple(written),
                    skipped=task.skipped,
                    failures=tuple(failures),
                    notes=task.notes,
                    seconds=seconds,
                )
            )
        return results
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
    """Name, bytes, folder and fallback stem of an input (reads a file)."""
    if isinstance(item, Source):
        return item.name, item.data, item.base_dir, item.stem
    path = Path(item)
    data = path.read_bytes()
    return os.fspath(item), data, _folder(path, folders), path.stem


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


def convert(
    source: str | os.PathLike[str] | Source,
    targets: Mapping[str, str | os.PathLike[str]],
    *,
    options: Mapping[str, Any] | None = None,
    skip_existing: bool = False,
) -> Result:
    """Convert one input to explicit files, in the calling process.

    Args:
        source: A JSON file, or a :class:`Source` held in memory.
        targets: Output path by format name, e.g. ``{"pdf": "out/a.pdf"}``.
        options: Exporter options (see :func:`convert_many`).
        skip_existing: Leave targets that exist alone.

    Returns:
        What happened; failures are reported in it, not raised.

    Raises:
        ExportError: a format is unknown or its exporter cannot be imported.
        ValueError: an option is not taken by any of the formats.
    """
    pairs = tuple((format_for(name).name, Path(path)) for name, path in targets.items())
    settings = _settings(tuple(name for name, _ in pairs), options)
    planned = _plan(0, source, lambda data, stem: (pairs, ()), skip_existing, {})
    if isinstance(planned, Result):
        return planned
    (result,) = _work((planned,), settings)
    return result


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
            # in every worker (and through the module that does it quickly).
            modules.append(f"{__package__}.exporters._weasyprint")
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
) -> BatchReport:
    """Convert many articles to one or more formats, in parallel.

    Inputs are consumed lazily: at most *max_pending* articles are read ahead
    of the workers, so a generator over an archive of any size runs in bounded
    memory. Each output is written atomically into *out_dir* as
    ``<stem><suffix>``, the stem being the article's ``id`` made safe
    (:func:`safe_stem`) or else the input's stem; a stem an earlier input holds
    gets ``-2``, ``-3``... (and a note in the result).

    Failures never stop the batch (unless *fail_fast*) and are never raised:
    they are in the report, with reasons. Ctrl-C (``KeyboardInterrupt``, or an
    :class:`Interrupted` raised by a signal handler) stops submitting, lets
    the articles in progress finish, and is raised again.

    Args:
        inputs: JSON files (paths) or :class:`Source` values, in the order
            results are reported and names given out.
        formats: Format names (``"html"``, ``"pdf"``...; see
            :data:`~messenger_content.exporters.FORMATS`).
        out_dir: The folder written into (created).
        jobs: Worker processes; default ``os.cpu_count()``. ``0`` converts in
            the calling process, without a pool. With *executor*, only bounds
            how many articles are read ahead.
        executor: Run the work on this executor instead of a process pool of
            our own (it is not shut down). Work units are picklable top-level
            functions, so any :class:`concurrent.futures.Executor` works, e.g.
            Dask's ``client.get_executor()``; its workers must see the input
            folders (images) and *out_dir*.
        progress: Called in the calling thread with each :class:`Result`, as
            inputs finish.
        options: Exporter options (``width``, ``css`` as CSS text,
            ``template_dir``, ``paper``, ``embed_images``, ``allow_remote``,
            ``pdf_variant``...). Each exporter gets only those its signature
            takes; ``base_dir`` is always the input's folder.
        fail_fast: Stop at the first failure (the articles in progress finish).
        skip_existing: Leave outputs that exist alone (resume a stopped run).
        max_pending: Most articles read and not yet finished; default four
            per worker, or two work units per worker when inputs are cheap
            enough to go to the workers several at a time (a unit holds
            about 0.1 s of work, at most 32 inputs).

    Returns:
        A report with one :class:`Result` per input handled, in input order.

    Raises:
        ExportError: a format is unknown or its exporter cannot be imported.
        ValueError: an option is not taken by any of the formats, or is set per input.
        KeyboardInterrupt: interrupted (:class:`Interrupted` for a signal).
    """
    from concurrent.futures.process import BrokenProcessPool  # with multiprocessing: lazily

    started = time.perf_counter()
    names = _check_formats(formats)
    settings = _settings(names, options)
    workers = (os.cpu_count() or 1) if jobs is None else jobs
    if workers < 0:
        raise ValueError(f"jobs must be 0 or more, got {jobs}")
    parallel = max(1, workers)
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

    def new_pool() -> Executor:
        if workers == 0:
            return _InlineExecutor()
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_pool_context(settings),
            initializer=_init_worker,
            initargs=(settings, os.getpid()),
        )

    own: Executor | None = None
    if executor is None:
        own = pool = new_pool()
    else:
        pool = executor
    # Converting in this process: one set of writer threads for the whole batch.
    writers = _writer_threads() if isinstance(own, _InlineExecutor) else None
    # Our own workers are replaced by fresh ones after this many articles (all of
    # them at once, after the ones in flight are done), so that an exporter whose
    # memory creeps up with every document cannot grow without bound.
    recycle = _recycle_after(names) if own is not None and workers > 0 else None
    submitted = 0
    results: list[Result] = []
    pending: dict[Future[list[Result]], tuple[_Task, ...]] = {}
    in_flight = 0  # inputs submitted, results not yet collected
    chunk: list[_Task] = []  # inputs read, not yet submitted
    sizes = _ChunkSizes(most=_MAX_CHUNK if max_pending is None else max_pending // (2 * parallel))
    stopped = False

    def limit() -> int:
        return max_pending or parallel * max(4, 2 * sizes.size)

    def record(result: Result) -> None:
        nonlocal stopped
        results.append(result)
        if progress is not None:
            progress(result)
        if fail_fast and result.failures:
            stopped = True

    def failed(tasks: Iterable[_Task], error: Exception) -> list[Result]:
        failure = _failure(None, error)
        return [Result(index=t.index, source=t.source, failures=(failure,)) for t in tasks]

    def collect(done: Iterable[Future[list[Result]]]) -> None:
        nonlocal stopped, in_flight
        for future in done:
            tasks = pending.pop(future)
            in_flight -= len(tasks)
            if future.cancelled():
                continue
            try:
                finished = future.result()
            except Exception as error:  # noqa: BLE001 - a broken worker or transport
                if isinstance(error, BrokenProcessPool):
                    stopped = True
                finished = failed(tasks, error)
            else:
                sizes.learn(finished)
            for result in finished:
                record(result)

    def wait() -> None:
        done, _ = concurrent.futures.wait(pending, return_when="FIRST_COMPLETED")
        collect(done)

    def wanted() -> int:
        """Inputs in the next work unit: never more than a pool may take before it is replaced."""
        if recycle is None:
            return sizes.size
        return max(1, min(sizes.size, recycle * workers - submitted))

    def submit() -> None:
        nonlocal own, pool, submitted, stopped, in_flight
        tasks = tuple(chunk)
        chunk.clear()
        while pending and in_flight + len(tasks) > limit() and not stopped:
            wait()
        if recycle is not None and submitted >= recycle * workers and not stopped:
            while pending:
                wait()
            assert own is not None
            own.shutdown(wait=True)
            own = pool = new_pool()
            submitted = 0
        if stopped:
            return
        submitted += len(tasks)
        try:
            pending[pool.submit(_work, tasks, settings, writers)] = tasks
        except BrokenProcessPool as error:
            stopped = True
            for result in failed(tasks, error):
                record(result)
            return
        in_flight += len(tasks)
        # Report what has finished already (at once, with an inline executor).
        collect([future for future in pending if future.done()])

    try:
        for index, item in enumerate(inputs):
            if stopped:
                break
            planned = _plan(index, item, targets_for, skip_existing, folders)
            if isinstance(planned, Result):
                record(planned)
                continue
            chunk.append(planned)
            if len(chunk) >= wanted():
                submit()
        if chunk and not stopped:
            submit()
        if stopped:
            for future in pending:
                future.cancel()
        while pending:
            wait()
    except BaseException:
        for future in pending:
            future.cancel()
        raise
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)
        if writers is not None:
            writers.shutdown(wait=True)
    results.sort(key=lambda result: result.index)
    return BatchReport(
        results=tuple(results), seconds=time.perf_counter() - started, stopped=stopped
    )
