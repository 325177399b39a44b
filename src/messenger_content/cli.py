"""The ``messenger-content`` command: convert, validate and describe articles.

``convert`` renders articles (files, folders of ``*.json``, or ``-`` for
standard input) to one or more formats, in parallel, with a progress bar on a
terminal; ``validate`` checks articles and warns about what a publisher would
want fixed; ``schema`` prints the JSON Schema of the format.

Exit codes: 0 when everything asked for was done; 2 for invalid input or usage
(the other inputs are still converted unless ``--fail-fast``); 1 for anything
else; 130 or 143 when interrupted by ``SIGINT`` or ``SIGTERM`` (the files
written by then are complete, and no temporary file is left behind).

:func:`main` is the whole command as a function; the helpers return results
and only :func:`main` turns them into exit codes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Final, TextIO

import attrs

from . import __version__
from .batch import (
    BatchReport,
    Failure,
    Interrupted,
    Result,
    Source,
    convert,
    convert_many,
)
from .codec import loads
from .errors import ContentError, Problem, ValidationError
from .exporters import FORMATS, format_for
from .models import Article, Image

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "EXIT_OK", "main", "publisher_warnings"]

EXIT_OK: Final = 0
"""Everything asked for was done."""
EXIT_FAILED: Final = 1
"""Something other than the input or the usage went wrong."""
EXIT_INVALID: Final = 2
"""An input was invalid, or the command was used wrongly."""

#: Paper sizes of the PDF exporter (kept equal to ``exporters.pdf.PAPERS`` by a test;
#: spelled out so ``--help`` does not import the PDF exporter).
PAPERS: Final = ("a4", "letter")

_PROG: Final = "messenger-content"

_EPILOG = """\
examples:
  messenger-content convert article.json -o article.pdf
  messenger-content convert article.json -t pdf,epub -o out/
  messenger-content convert archive/ -r -t all -o out/ --skip-existing
  messenger-content convert - -t html -o page.html < article.json
  messenger-content validate examples/*/article.json
  messenger-content validate archive/ -r --json > report.json
  messenger-content schema > article.schema.json

exit codes: 0 done, 2 invalid input or usage, 1 anything else,
            130/143 interrupted (SIGINT/SIGTERM)
"""

_CONVERT_EPILOG = """\
examples:
  messenger-content convert article.json -o article.pdf          (format from the suffix)
  messenger-content convert article.json -t txt --width 60 -o article.txt
  messenger-content convert a.json b.json -t pdf,epub -o out/
  messenger-content convert archive/ -r -t all -o out/ --jobs 4 --skip-existing

Outputs are named from each article's id (made safe as a file name) or the
input's name; when two inputs want the same name the later one gets "-2", "-3"...
Every file is written to a temporary file and renamed, so nothing partial is
ever left behind, even on Ctrl-C or SIGTERM.
"""


class UsageError(Exception):
    """The command was used wrongly (exit code 2)."""


# --- the parser ------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


#: What ``--pdf-timeout none`` and ``--pdf-max-chars none`` parse to: no limit.
_NO_LIMIT: Final = "none"


def _limit(number: Callable[[str], float]) -> Callable[[str], float | str]:
    """An argument type: a number above 0, or ``none`` for no limit."""

    def parse(text: str) -> float | str:
        if text.strip().lower() == _NO_LIMIT:
            return _NO_LIMIT
        try:
            value = number(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number or 'none', got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a number above 0 or 'none', got {text!r}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only: no progress, no summary"
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")

    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Convert news articles (JSON) to HTML, PDF, EPUB, Markdown and plain text.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert_ = commands.add_parser(
        "convert",
        parents=[common],
        help="render articles to one or more formats",
        description="Render articles to one or more formats.",
        epilog=_CONVERT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert_.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="article JSON files, folders (every *.json inside), or - for standard input",
    )
    convert_.add_argument(
        "-t",
        "--to",
        metavar="FORMATS",
        help=f"comma-separated formats ({','.join(FORMATS)}) or 'all'; "
        "optional when -o is a file whose suffix names the format",
    )
    convert_.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the output file (one input, one format, OUT has that format's suffix), "
        "else a folder (created)",
    )
    convert_.add_argument(
        "-r", "--recursive", action="store_true", help="look for *.json in sub-folders too"
    )
    rendering = convert_.add_argument_group("rendering options")
    rendering.add_argument(
        "--width", type=_positive, metavar="N", help="line width of plain text (txt; default 72)"
    )
    rendering.add_argument(
        "--css", metavar="FILE", help="extra CSS after the theme's (html, pdf, epub)"
    )
    rendering.add_argument(
        "--template-dir",
        metavar="DIR",
        help="a theme folder whose templates and CSS replace the default theme's",
    )
    rendering.add_argument("--paper", choices=PAPERS, help="paper size of PDF pages (default a4)")
    rendering.add_argument(
        "--pdf-variant", metavar="NAME", help="a PDF standard to follow, e.g. pdf/ua-1, pdf/a-3u"
    )
    rendering.add_argument(
        "--pdf-timeout",
        type=_limit(float),
        metavar="SECONDS",
        help="stop a PDF whose layout and drawing take longer (default 60; 'none': no limit)",
    )
    rendering.add_argument(
        "--pdf-max-chars",
        type=_limit(int),
        metavar="N",
        help="refuse a PDF of an article whose print markup is longer (default 500000; 'none')",
    )
    rendering.add_argument(
        "--embed-images",
        action="store_true",
        help="put images inside the HTML file as data: URIs (one self-contained file)",
    )
    rendering.add_argument(
        "--allow-remote",
        action="store_true",
        help="fetch http(s) images (by default nothing outside the article's folder is read)",
    )
    running = convert_.add_argument_group("running")
    running.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        metavar="N",
        help="worker processes (default: one per CPU; 0: none, convert in this process)",
    )
    running.add_argument(
        "--fail-fast", action="store_true", help="stop at the first article that fails"
    )
    running.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave output files that exist alone (resume a stopped run)",
    )

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check articles against the format",
        description="Check articles against the format, and warn about missing alt text, "
        "dates and authors (warnings do not change the exit code).",
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="article JSON files, folders, or - for stdin"
    )
    validate.add_argument(
        "-r", "--recursive", action="store_true", help="look for *.json in sub-folders too"
    )
    validate.add_argument(
        "--json", action="store_true", help="print a machine-readable report on standard output"
    )

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the format",
        description="Print the JSON Schema (draft 2020-12) of the article format.",
    )
    schema.add_argument(
        "--edition", action="store_true", help="print the schema of the edition format instead"
    )
    return parser


# --- inputs ------------------------------------------------------------------------------


def _json_files(
    folder: Path, recursive: bool, seen: set[tuple[int, int]] | None = None
) -> Iterator[Path]:
    """``*.json`` files in *folder*, by name, skipping hidden files and folders.

    With *recursive*, sub-folders are searched too (each folder once, so a
    symbolic link that loops back is not followed forever).
    """
    seen = set() if seen is None else seen
    status = folder.stat()
    if (status.st_dev, status.st_ino) in seen:
        return
    seen.add((status.st_dev, status.st_ino))
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if recursive:
                yield from _json_files(Path(entry.path), recursive, seen)
        elif entry.name.lower().endswith(".json") and entry.is_file():
            yield Path(entry.path)


def _expand(names: Sequence[str], recursive: bool, stdin: TextIO) -> list[str | Source]:
    """Turn the INPUT arguments into inputs: folders expanded, ``-`` read from stdin."""
    inputs: list[str | Source] = []
    if list(names).count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    for name in names:
        if name == "-":
            raw = getattr(stdin, "buffer", stdin).read()
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
            inputs.append(Source(name="<stdin>", data=data, stem="stdin"))
        elif Path(name).is_dir():
            found = [os.fspath(path) for path in _json_files(Path(name), recursive)]
            if not found:
                where = "in it or its sub-folders" if recursive else "in it (-r to look deeper)"
                raise UsageError(f"{name}: no *.json files {where}")
            inputs.extend(found)
        else:
            inputs.append(name)
    return inputs


def _formats(spec: str) -> list[str]:
    if spec.strip().lower() == "all":
        return list(FORMATS)
    names: list[str] = []
    for part in spec.split(","):
        if part.strip():
            try:
                name = format_for(part.strip()).name
            except ContentError as error:
                raise UsageError(Exception.__str__(error)) from None
            if name not in names:
                names.append(name)
    if not names:
        raise UsageError("-t: no format given")
    return names


# --- convert -----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Plan:
    """What ``convert`` was asked to do, checked."""

    inputs: list[str | Source]
    formats: list[str]
    output: Path
    single_file: bool
    options: dict[str, Any]
    ignored: tuple[str, ...]


def _output_file_format(output: str, formats: list[str] | None) -> str | None:
    """If -o names a file (not a folder), the format it is for; else ``None``."""
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir() or not path.suffix:
        return None
    try:
        by_suffix = format_for(path.suffix).name
    except ContentError:
        by_suffix = None
    if formats is None:
        if by_suffix is None:
            raise UsageError(f"-o {output}: {path.suffix} names no format; give -t FORMATS")
        return by_suffix
    if len(formats) != 1:
        return None
    if by_suffix != formats[0]:
        raise UsageError(
            f"-o {output}: one input in one format is written to one file, whose name must end"
            f" with {FORMATS[formats[0]].suffix}; end -o with / to write into a folder instead"
        )
    return by_suffix


def _options(
    args: argparse.Namespace, formats: list[str]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The exporter options given, and the flags no requested format takes."""
    given: dict[str, tuple[str, Any]] = {}
    if args.width is not None:
        from .exporters.text import MIN_WIDTH

        if args.width < MIN_WIDTH:
            raise UsageError(f"--width must be at least {MIN_WIDTH}, got {args.width}")
        given["width"] = ("--width", args.width)
    if args.css is not None:
        try:
            css = Path(args.css).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"--css {args.css}: {reason}") from None
        given["css"] = ("--css", css)
    if args.template_dir is not None:
        if not Path(args.template_dir).is_dir():
            raise UsageError(f"--template-dir {args.template_dir}: not a folder")
        given["template_dir"] = ("--template-dir", os.path.abspath(args.template_dir))
    if args.paper is not None:
        given["paper"] = ("--paper", args.paper)
    if args.pdf_variant is not None:
        given["pdf_variant"] = ("--pdf-variant", args.pdf_variant)
    limit_flags = {"--pdf-timeout": args.pdf_timeout, "--pdf-max-chars": args.pdf_max_chars}
    if any(value is not None for value in limit_flags.values()):
        from .exporters.pdf import PdfLimits

        def limit(value: float | str | None, default: float | None) -> Any:
            return default if value is None else None if value == _NO_LIMIT else value

        defaults = PdfLimits()
        limits = PdfLimits(
            seconds=limit(args.pdf_timeout, defaults.seconds),
            max_characters=limit(args.pdf_max_chars, defaults.max_characters),
        )
        flags = "/".join(flag for flag, value in limit_flags.items() if value is not None)
        given["limits"] = (flags, limits)
    if args.embed_images:
        given["embed_images"] = ("--embed-images", True)
    if args.allow_remote:
        given["allow_remote"] = ("--allow-remote", True)
    if not given:
        return {}, ()
    import inspect

    accepted: set[str] = set()
    for name in formats:
        try:
            exporter = FORMATS[name].exporter()
        except ImportError as error:
            raise UsageError(f"format {name} is not available: {error}") from None
        accepted.update(inspect.signature(exporter).parameters)
    options = {key: value for key, (_, value) in given.items() if key in accepted}
    ignored = tuple(flag for key, (flag, _) in given.items() if key not in accepted)
    if "pdf_variant" in options:
        from .exporters.pdf import supported_variants

        supported = supported_variants()
        if options["pdf_variant"].lower() not in supported:
            raise UsageError(
                f"--pdf-variant {options['pdf_variant']}: not one of {', '.join(supported)}"
            )
    return options, ignored


def _plan(args: argparse.Namespace, stdin: TextIO) -> _Plan:
    formats = _formats(args.to) if args.to is not None else None
    one_input = len(args.inputs) == 1 and (
        args.inputs[0] == "-" or not Path(args.inputs[0]).is_dir()
    )
    file_format = _output_file_format(args.output, formats) if one_input else None
    if formats is None:
        if file_format is None:
            raise UsageError("-t FORMATS is needed unless -o is one file named with its suffix")
        formats = [file_format]
    options, ignored = _options(args, formats)
    return _Plan(
        inputs=_expand(args.inputs, args.recursive, stdin),
        formats=formats,
        output=Path(args.output),
        single_file=file_format is not None,
        options=options,
        ignored=ignored,
    )


class _Reporter:
    """Prints each failure as it happens and drives the progress bar, if any."""

    def __init__(self, stderr: TextIO, *, quiet: bool, debug: bool) -> None:
        self.stderr = stderr
        self.quiet = quiet
        self.debug = debug
        self._progress: Any = None
        self._task: Any = None

    @contextlib.contextmanager
    def progress_bar(self, total: int) -> Iterator[None]:
        """Show a progress bar while converting, when on a terminal and not quiet."""
        if self.quiet or total < 2 or not self.stderr.isatty():
            yield
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        with Progress(
            TextColumn("converting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=Console(file=self.stderr),
            # Redrawn on each article rather than by a thread: the worker pool
            # is started by fork when this process runs a single thread.
            auto_refresh=False,
        ) as progress:
            self._progress = progress
            self._task = progress.add_task("converting", total=total)
            try:
                yield
            finally:
                self._progress = None

    def line(self, text: str) -> None:
        """Print one line on standard error, above the progress bar if there is one."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=self.stderr)

    def failure(self, source: str, failure: Failure) -> None:
        """Print a failure, one line per problem (and its traceback with ``--debug``)."""
        where = source if failure.format is None else f"{source}: {failure.format}"
        for message in failure.messages:
            self.line(f"{where}: {message}")
        if self.debug and failure.details:
            self.line(failure.details.rstrip())

    def __call__(self, result: Result) -> None:
        """Report one finished input."""
        for failure in result.failures:
            self.failure(result.source, failure)
        if not self.quiet:
            for note in result.notes:
                self.line(f"{result.source}: note: {note}")
        if self._progress is not None:
            self._progress.advance(self._task)
            self._progress.refresh()


def _convert(args: argparse.Namespace, stdin: TextIO, reporter: _Reporter) -> BatchReport:
    plan = _plan(args, stdin)
    if plan.ignored and not args.quiet:
        flags = ", ".join(plan.ignored)
        reporter.line(f"{_PROG}: warning: {flags} has no effect on {', '.join(plan.formats)}")
    if plan.single_file:
        started = time.perf_counter()
        result = convert(
            plan.inputs[0],
            {plan.formats[0]: plan.output},
            options=plan.options,
            skip_existing=args.skip_existing,
        )
        reporter(result)
        return BatchReport(results=(result,), seconds=time.perf_counter() - started)
    jobs = args.jobs
    if len(plan.inputs) == 1:
        jobs = 0  # one article: a worker pool would only add start-up time
    elif jobs is not None:
        jobs = min(jobs, len(plan.inputs))
    with reporter.progress_bar(len(plan.inputs)):
        return convert_many(
            plan.inputs,
            plan.formats,
            plan.output,
            jobs=jobs,
            progress=reporter,
            options=plan.options,
            fail_fast=args.fail_fast,
            skip_existing=args.skip_existing,
        )


def _summary(report: BatchReport) -> str:
    parts = [
        f"converted {len(report.converted)}",
        f"failed {len(report.failed)}",
        f"skipped {len(report.skipped)}",
    ]
    files = report.files_written
    text = f"{', '.join(parts)} ({files} file{'' if files == 1 else 's'} written)"
    text += f" in {report.seconds:.1f}s"
    if report.stopped:
        text += "; stopped early, some inputs were not attempted"
    return text


def _convert_status(report: BatchReport) -> int:
    kinds = {failure.kind for result in report.failed for failure in result.failures}
    if "error" in kinds or (report.stopped and not kinds):
        return EXIT_FAILED
    if "invalid" in kinds:
        return EXIT_INVALID
    return EXIT_OK


# --- validate ----------------------------------------------------------------------------


def _image_warning(path: str, image: Image) -> list[Problem]:
    return [] if image.alt else [Problem(path, "image has no alt text")]


def publisher_warnings(article: Article) -> tuple[Problem, ...]:
    """Things a valid article lacks that a publisher would want: alt text, a date, authors."""
    warnings: list[Problem] = []
    if article.lead_image is not None:
        warnings += _image_warning("lead_image", article.lead_image)
    for index, block in enumerate(article.body):
        if isinstance(block, Image):
            warnings += _image_warning(f"body[{index}]", block)
    if article.published is None:
        warnings.append(Problem("published", "no published date"))
    if not article.authors:
        warnings.append(Problem("authors", "no authors"))
    return tuple(warnings)


@attrs.frozen(kw_only=True)
class _Checked:
    """The outcome of validating one file."""

    file: str
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    @property
    def valid(self) -> bool:
        return not self.errors


def _check(item: str | Source) -> _Checked:
    name = item.name if isinstance(item, Source) else item
    try:
        data = item.data if isinstance(item, Source) else Path(item).read_bytes()
        article = loads(data)
    except ValidationError as error:
        return _Checked(file=name, errors=error.problems, warnings=())
    except OSError as error:
        return _Checked(file=name, errors=(Problem("", error.strerror or str(error)),), warnings=())
    return _Checked(file=name, errors=(), warnings=publisher_warnings(article))


def _validate(args: argparse.Namespace, stdin: TextIO) -> list[_Checked]:
    return [_check(item) for item in _expand(args.files, args.recursive, stdin)]


def _print_checks(
    checked: list[_Checked], *, as_json: bool, quiet: bool, stdout: TextIO, stderr: TextIO
) -> None:
    if as_json:

        def problems(items: tuple[Problem, ...]) -> list[dict[str, str]]:
            return [{"path": p.path, "message": p.message} for p in items]

        report = {
            "files": [
                {
                    "file": c.file,
                    "valid": c.valid,
                    "errors": problems(c.errors),
                    "warnings": problems(c.warnings),
                }
                for c in checked
            ],
            "valid": sum(c.valid for c in checked),
            "invalid": sum(not c.valid for c in checked),
            "warnings": sum(len(c.warnings) for c in checked),
        }
        json.dump(report, stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        return
    for c in checked:
        for problem in c.errors:
            print(f"{c.file}: {problem}", file=stderr)
        if c.valid and not quiet:
            print(f"{c.file}: valid", file=stdout)
        if not quiet:
            for problem in c.warnings:
                where = f"{c.file}: {problem.path}" if problem.path else c.file
                print(f"{where}: warning: {problem.message}", file=stderr)


# --- main --------------------------------------------------------------------------------


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into :class:`Interrupted`, so it unwinds (and cleans up) like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_INVALID
    debug = getattr(args, "debug", False)
    try:
        with _sigterm_as_interrupt():
            if args.command == "convert":
                reporter = _Reporter(stderr, quiet=args.quiet, debug=debug)
                report = _convert(args, stdin, reporter)
                if not args.quiet:
                    print(_summary(report), file=stderr)
                return _convert_status(report)
            if args.command == "validate":
                checked = _validate(args, stdin)
                _print_checks(
                    checked, as_json=args.json, quiet=args.quiet, stdout=stdout, stderr=stderr
                )
                return EXIT_OK if all(c.valid for c in checked) else EXIT_INVALID
            json.dump(_schema(edition=args.edition), stdout, ensure_ascii=False, indent=2)
            stdout.write("\n")
            return EXIT_OK
    except UsageError as error:
        print(f"{_PROG}: error: {error}", file=stderr)
        return EXIT_INVALID
    except ContentError as error:
        print(f"{_PROG}: error: {' '.join(str(error).split())}", file=stderr)
        return EXIT_INVALID
    except Interrupted as interrupted:
        name = signal.Signals(interrupted.signum).name
        print(f"{_PROG}: stopped by {name}; no partial file was left", file=stderr)
        return 128 + interrupted.signum
    except KeyboardInterrupt:
        print(f"{_PROG}: interrupted; no partial file was left", file=stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:
        # The reader went away (`... | head`): say nothing more, and keep Python's
        # final flush of standard output from failing again.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception as error:  # noqa: BLE001 - one line unless --debug
        if debug:
            traceback.print_exc(file=stderr)
        else:
            print(
                f"{_PROG}: error: {type(error).__name__}: {error} (--debug shows more)", file=stderr
            )
        return EXIT_FAILED


def _schema(*, edition: bool = False) -> dict[str, Any]:
    from .schema import edition_json_schema, json_schema

    return edition_json_schema() if edition else json_schema()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
