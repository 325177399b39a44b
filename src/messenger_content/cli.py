"""The ``messenger-content`` command: convert, validate and describe articles.

``convert`` renders articles (files, folders of ``*.json``, or ``-`` for
standard input) to one or more formats, in parallel, with a progress bar on a
terminal; like pandoc, one input in one format goes to standard output when
no ``-o`` is given (or ``-o -``). Its inputs may also be IPTC ninjs items,
schema.org JSON-LD documents or saved web pages (``--from``, detected by
default; :mod:`messenger_content.inputs`), and its outputs the article format
itself, ninjs or JSON-LD (``-t json|ninjs|jsonld``). ``validate`` checks
articles, their images included, and warns about what a publisher would want
fixed; ``schema`` prints the JSON Schema of the format; ``theme export``
copies the default theme into a folder to start one's own.

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
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from types import FrameType
from typing import Any, BinaryIO, Final, TextIO

import attrs

from . import __version__
from .batch import (
    DEFAULT_PDF_TIMEOUT,
    BatchReport,
    Failure,
    Interrupted,
    Result,
    Source,
    convert,
    convert_many,
)
from .checks import ArticleCheck, image_problems, link_hints, publisher_warnings
from .codec import loads
from .errors import ContentError, Problem, ValidationError
from .exporters import FORMATS, READING_FORMATS, format_for, format_of_path, render
from .exporters._images import REFERRING_FORMATS, ImageMode
from .inputs import INPUT_FORMATS, InputFormat, Reader, html_reader, is_url
from .models import Edition

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

#: Which files of a folder are inputs, unless ``--glob`` says otherwise.
_DEFAULT_GLOB: Final = "*.json"
#: Which files of a folder are inputs with ``--from html``.
_HTML_GLOBS: Final = ("*.html", "*.htm")

_EPILOG = """\
examples:
  messenger-content convert article.json -o article.pdf
  messenger-content convert article.json -t html > article.html
  messenger-content convert article.json -t pdf,epub -o out/
  messenger-content convert archive/ -r -t all -o out/ --skip-existing
  messenger-content convert - -t html --base-dir photos/ < article.json
  messenger-content convert story.ninjs.json -t json -o story.json
  messenger-content validate examples/*/article.json
  messenger-content validate archive/ -r --json > report.json
  messenger-content schema > article.schema.json
  messenger-content theme export my-theme/

exit codes: 0 done, 2 invalid input or usage, 1 anything else,
            130/143 interrupted (SIGINT/SIGTERM)
"""

_CONVERT_EPILOG = """\
examples:
  messenger-content convert article.json -o article.pdf          (format from the suffix)
  messenger-content convert article.json -t md                   (to standard output)
  messenger-content convert article.json -t txt --width 60 -o article.txt
  messenger-content convert a.json b.json -t pdf,epub -o out/
  messenger-content convert archive/ -r -t all -o out/ --jobs 4 --skip-existing
  messenger-content convert agency-item.json -t html -o item.html  (ninjs, detected)
  messenger-content convert article.json -t ninjs -o article.ninjs.json
  messenger-content convert article.json -t all,json,ninjs,jsonld -o out/

-t all is the five formats to read (html, txt, md, pdf, epub); json (the article
format), ninjs and jsonld are named to be written. A file suffix names a format:
.ninjs.json (or .ninjs) is ninjs, .jsonld JSON-LD, any other .json the article format.

Inputs are articles, IPTC ninjs items, schema.org JSON-LD documents or saved web
pages (--from, detected from the content by default); what an import drops or
changes is printed as a warning (an error with --strict). A folder's inputs are
its *.json files (with --from html its *.html and *.htm files), or --glob's.

-o is standard output when it is - or left out (one input, one format), a
folder when it names one or ends with /, and else one file, whose suffix names
its format. In a folder, outputs are named from each article's id (made safe as
a file name) or the input's name; when two inputs want the same name the later
one gets "-2", "-3"... Every file is written to a temporary file and renamed, so
nothing partial is ever left behind, even on Ctrl-C or SIGTERM.
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


_EDITION_EPILOG = """\
examples:
  messenger-content edition examples/morning-edition.json -t pdf -o morning.pdf
  messenger-content edition morning.json -t html,pdf,epub -o out/
  messenger-content edition --title "The Week" --date 2026-12-07 \\
      --section City a/article.json b/ --section World c/article.json -t pdf -o week.pdf

The same article given twice is included once, with a note. One invalid article
fails the edition: every problem is listed by file and JSON path, and nothing is
written. All files (and copied images) are written together, or none.
"""


def _add_input_options(parser: argparse.ArgumentParser) -> None:
    """Options of every command that reads articles: folders, globs, the image folder."""
    parser.add_argument(
        "-r", "--recursive", action="store_true", help="look for inputs in sub-folders too"
    )
    parser.add_argument(
        "--glob",
        metavar="PATTERN",
        help="which files of a folder are articles, matched against their path inside it "
        f"without regard to case (default {_DEFAULT_GLOB!r}; for convert --from html "
        f"{' and '.join(map(repr, _HTML_GLOBS))}; e.g. '*/article.json')",
    )
    parser.add_argument(
        "--base-dir",
        metavar="DIR",
        help="the folder image sources are relative to (default: each input's folder; "
        "for standard input, the current folder)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat warnings as errors (exit code 2), an import's warnings too",
    )


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
        help="article JSON files (or ninjs, JSON-LD, HTML: see --from), folders (the files "
        "--glob matches), - for standard input, or an http(s) URL (with --allow-remote)",
    )
    convert_.add_argument(
        "-f",
        "--from",
        dest="from_",
        choices=INPUT_FORMATS,
        default="auto",
        metavar="FORMAT",
        help="what the inputs are: article (this package's JSON), ninjs (IPTC), jsonld "
        "(schema.org), html (a saved web page; needs the web extra), or auto (the default): "
        "detected from each input's content",
    )
    convert_.add_argument(
        "-t",
        "--to",
        metavar="FORMATS",
        help=f"comma-separated formats ({','.join(FORMATS)}); 'all' is "
        f"{','.join(READING_FORMATS)}; optional when -o is a file whose suffix names the format",
    )
    convert_.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="a file whose suffix names its format (one input, one format); a folder "
        "(one that exists, or a name ending with /; created); or - for standard output, "
        "the default for one input in one format",
    )
    convert_.add_argument(
        "-v", "--verbose", action="store_true", help="print the summary of a single conversion too"
    )
    _add_input_options(convert_)
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
        help="a theme folder whose templates and CSS replace the default theme's "
        "(start one with `theme export DIR`)",
    )
    rendering.add_argument(
        "--label",
        action="append",
        metavar="KEY=TEXT",
        help="replace one of the words the exporters add, e.g. --label 'by=Words by {authors}'"
        " (repeatable; keys and placeholders: docs/i18n.md)",
    )
    rendering.add_argument(
        "--labels",
        metavar="FILE",
        help="a JSON object of label key to phrase, like --label (a --label wins over the file)",
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
    images = rendering.add_mutually_exclusive_group()
    images.add_argument(
        "--embed-images",
        action="store_true",
        help="put images inside HTML and Markdown files as data: URIs (one self-contained file);"
        " by default they are copied beside each file, into <stem>_files/",
    )
    images.add_argument(
        "--image-base",
        metavar="URL",
        help="refer to images as URL/<source>, for a site that serves the article's images",
    )
    rendering.add_argument(
        "--allow-remote",
        action="store_true",
        help="fetch http(s) images and URL inputs (by default nothing outside the article's "
        "folder is read)",
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

    edition = commands.add_parser(
        "edition",
        parents=[common],
        allow_abbrev=False,
        help="render several articles as one edition, with a table of contents",
        description="Render an edition (several articles in one document with a table of "
        "contents) from an edition file, or from article files and folders in the order given "
        "(--title; --section NAME starts a section holding the inputs after it).",
        epilog=_EDITION_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    edition.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="an edition JSON file; or, with --title, article JSON files and folders "
        "(the files --glob matches)",
    )
    edition.add_argument(
        "-v", "--verbose", action="store_true", help="name each file written (else silent)"
    )
    edition.add_argument("--title", metavar="TITLE", help="build an edition with this title")
    edition.add_argument("--subtitle", metavar="TEXT", help="the line under the title")
    edition.add_argument(
        "--date", metavar="DATE", help="the issue date: 2026-12-07, or an RFC 3339 date-time"
    )
    edition.add_argument(
        "--section",
        action="append",
        metavar="NAME",
        help="start a section: the inputs after it go into it (repeat for more)",
    )
    edition.add_argument(
        "-t",
        "--to",
        metavar="FORMATS",
        help=f"comma-separated formats ({','.join(f for f in FORMATS if f != 'ninjs')}); "
        f"'all' is {','.join(READING_FORMATS)}; json is the edition format, jsonld an ItemList",
    )
    edition.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="a file whose suffix names its format (one format); a folder (one that exists, "
        "or a name ending with /); or - for standard output (the default, for one format)",
    )
    edition.add_argument(
        "-r", "--recursive", action="store_true", help="look for articles in sub-folders too"
    )
    edition.add_argument(
        "--glob",
        metavar="PATTERN",
        help=f"which files of a folder are articles (default {_DEFAULT_GLOB!r})",
    )
    edition_rendering = edition.add_argument_group("rendering options")
    edition_rendering.add_argument(
        "--run-on", action="store_true", help="PDF: run the articles on instead of new pages"
    )
    edition_rendering.add_argument(
        "--css", metavar="FILE", help="extra CSS after the theme's (html, pdf, epub)"
    )
    edition_rendering.add_argument(
        "--template-dir", metavar="DIR", help="a theme folder replacing the default theme's files"
    )
    edition_rendering.add_argument(
        "--paper", choices=PAPERS, help="paper size of PDF pages (default a4)"
    )
    edition_rendering.add_argument(
        "--pdf-variant", metavar="NAME", help="a PDF standard to follow, e.g. pdf/ua-1"
    )
    edition_images = edition_rendering.add_mutually_exclusive_group()
    edition_images.add_argument(
        "--embed-images",
        action="store_true",
        help="put images inside HTML and Markdown as data: URIs; by default they are copied "
        "beside the file, into <stem>_files/",
    )
    edition_images.add_argument(
        "--image-base", metavar="URL", help="refer to images as URL/<source>"
    )
    edition_rendering.add_argument(
        "--allow-remote", action="store_true", help="fetch http(s) images"
    )

    validate = commands.add_parser(
        "validate",
        parents=[common],
        help="check articles against the format, and their images",
        description="Check articles against the format and read their images as the exporters "
        "would; warn about missing alt text, dates and authors and about links that look like "
        "host names (warnings do not change the exit code unless --strict).",
    )
    validate.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="article JSON files, folders (the files --glob matches), or - for standard input",
    )
    _add_input_options(validate)
    validate.add_argument(
        "--no-resources", action="store_true", help="do not read the images (format only)"
    )
    validate.add_argument(
        "--allow-remote", action="store_true", help="fetch http(s) images to check them"
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

    theme = commands.add_parser(
        "theme",
        help="work with themes (templates and CSS)",
        description="Work with themes: folders of Jinja2 templates and CSS.",
    )
    theme_commands = theme.add_subparsers(dest="theme_command", required=True, metavar="ACTION")
    export = theme_commands.add_parser(
        "export",
        parents=[common],
        help="copy the default theme into a folder, to start one's own",
        description="Copy the default theme's templates and stylesheets into DIR (created). "
        "Edit them and pass --template-dir DIR to convert; files you delete come from the "
        "default theme.",
    )
    export.add_argument("folder", metavar="DIR", help="where to write the theme")
    export.add_argument("--force", action="store_true", help="replace theme files that exist")
    return parser


# --- inputs ------------------------------------------------------------------------------


@attrs.frozen
class _Skipped:
    """A file of a folder that was left out because it holds no article."""

    file: str
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.file} (not an article: {self.reason})"


_JSON_KINDS: Final = {list: "a JSON array", str: "a JSON string", bool: "a JSON boolean"}


def _not_an_article(data: bytes, read_as: InputFormat = "article") -> str | None:
    """Why *data* holds no article (a JSON Schema, no headline or body), or ``None``.

    Broken JSON is not skipped: it is reported like any invalid article. Most
    articles name a headline and no schema, and are passed without parsing.
    Read as ``"auto"``, a ninjs item or a JSON-LD document is an article too
    (and text that is no JSON at all may be a web page); read as ``"ninjs"``
    or ``"jsonld"``, only JSON Schemas and editions are skipped, and nothing
    read as ``"html"``.
    """
    if read_as == "html":
        return None
    if b'"headline"' in data and b'"$schema"' not in data and b'"edition"' not in data:
        return None
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict) and "$schema" in value and "properties" in value:
        return "a JSON Schema"
    if isinstance(value, dict) and value.get("type") == "edition":
        return "an edition"
    if read_as in ("ninjs", "jsonld"):
        return None
    if read_as == "auto":
        from .inputs import detect_input

        if detect_input(value) is not None:
            return None
    if not isinstance(value, dict):
        return _JSON_KINDS.get(type(value), "a JSON value other than an object")
    if "headline" not in value and "body" not in value:
        return "no headline or body"
    return None


def _globs(args: argparse.Namespace) -> tuple[str, ...]:
    """The patterns a folder's inputs match: ``--glob``, else what ``--from`` reads."""
    if args.glob is not None:
        return (args.glob,)
    return _HTML_GLOBS if getattr(args, "from_", None) == "html" else (_DEFAULT_GLOB,)


def _shown_globs(patterns: Sequence[str]) -> str:
    return " or ".join(map(repr, patterns))


def _matches(relative: PurePosixPath, patterns: Sequence[str]) -> bool:
    lowered = PurePosixPath(relative.as_posix().lower())
    return any(lowered.match(pattern.lower()) for pattern in patterns)


def _folder_files(
    root: Path,
    pattern: Sequence[str],
    recursive: bool,
    folder: Path | None = None,
    seen: set[tuple[int, int]] | None = None,
) -> Iterator[Path]:
    """Files in *root* matching *pattern*, by name, skipping hidden files and folders.

    With *recursive*, sub-folders are searched too (each folder once, so a
    symbolic link that loops back is not followed forever).
    """
    folder = root if folder is None else folder
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
                yield from _folder_files(root, pattern, recursive, Path(entry.path), seen)
        elif entry.is_file():
            path = Path(entry.path)
            if _matches(PurePosixPath(path.relative_to(root).as_posix()), pattern):
                yield path


@attrs.frozen(kw_only=True)
class _Inputs:
    """The INPUT arguments, expanded: what to read, and what folders held besides."""

    items: list[str | Source]
    skipped: list[_Skipped]


def _expand(
    names: Sequence[str],
    *,
    recursive: bool,
    pattern: Sequence[str],
    base_dir: Path | None,
    stdin: TextIO,
    read_as: InputFormat = "article",
    allow_remote: bool = False,
) -> _Inputs:
    """Turn the INPUT arguments into inputs: folders expanded, ``-`` read from stdin.

    A folder's files that hold no article (a JSON Schema saved beside the
    articles) are skipped; files named on the command line never are. An
    http(s) URL (a web page, or a ninjs or JSON-LD document) is fetched under
    the image policy, and only with ``--allow-remote``.
    """
    if list(names).count("-") > 1:
        raise UsageError("standard input (-) can be read only once")
    items: list[str | Source] = []
    skipped: list[_Skipped] = []
    for name in names:
        if name == "-":
            raw = getattr(stdin, "buffer", stdin).read()
            data = raw.encode("utf-8") if isinstance(raw, str) else raw
            folder = Path.cwd() if base_dir is None else base_dir
            items.append(Source(name="<stdin>", data=data, stem="stdin", base_dir=folder))
        elif is_url(name):
            items.append(_fetched(name, allow_remote=allow_remote, base_dir=base_dir))
        elif Path(name).is_dir():
            files = articles = 0
            for path in _folder_files(Path(name), pattern, recursive):
                files += 1
                try:
                    reason = _not_an_article(path.read_bytes(), read_as)
                except OSError:
                    reason = None  # reported when it is read as an input
                if reason is None:
                    articles += 1
                    items.append(os.fspath(path))
                else:
                    skipped.append(_Skipped(os.fspath(path), reason))
            where = "in it or its sub-folders" if recursive else "in it (-r to look deeper)"
            if not files:
                raise UsageError(f"{name}: no files match {_shown_globs(pattern)} {where}")
            if not articles:
                raise UsageError(f"{name}: no articles {where}; {files} file(s) skipped")
        else:
            items.append(name)
    return _Inputs(items=items, skipped=skipped)


#: What a URL input is asked for: a page first, then the JSON formats.
_ACCEPT_INPUT: Final = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.5"


def _fetched(url: str, *, allow_remote: bool, base_dir: Path | None) -> Source:
    """The input at *url*, fetched as remote images are (deadline, size cap, public hosts).

    Raises:
        UsageError: ``--allow-remote`` was not given.
        ResourceError: the fetch was refused or failed.
    """
    if not allow_remote:
        raise UsageError(f"{url}: a URL is fetched only with --allow-remote")
    from .resources import ResourcePolicy

    folder = Path.cwd() if base_dir is None else base_dir
    data = ResourcePolicy(base_dir=folder, allow_remote=True).download(url, accept=_ACCEPT_INPUT)
    stem = PurePosixPath(urllib.parse.urlsplit(url).path).stem or "page"
    return Source(name=url, data=data, base_dir=folder, stem=stem)


def _base_dir(text: str | None) -> Path | None:
    if text is None:
        return None
    folder = Path(text)
    if not folder.is_dir():
        raise UsageError(f"--base-dir {text}: not a folder")
    return folder.absolute()


def _with_base_dir(items: Iterable[str | Source], base_dir: Path) -> Iterator[str | Source]:
    """Inputs whose images resolve against *base_dir*: each file read as it is needed.

    A file that cannot be read is passed on as its path, for the batch to report.
    """
    for item in items:
        if isinstance(item, Source):
            yield item
            continue
        try:
            data = Path(item).read_bytes()
        except OSError:
            yield item
        else:
            yield Source(name=item, data=data, base_dir=base_dir, stem=Path(item).stem)


def _formats(spec: str) -> list[str]:
    """The formats ``-t`` names; ``all`` (alone or in the list) is every reading format."""
    names: list[str] = []
    for part in spec.split(","):
        if part.strip().lower() == "all":
            names.extend(name for name in READING_FORMATS if name not in names)
        elif part.strip():
            try:
                name = format_for(part.strip()).name
            except ContentError as error:
                raise UsageError(Exception.__str__(error)) from None
            if name not in names:
                names.append(name)
    if not names:
        raise UsageError("-t: no format given")
    return names


# --- convert: where the output goes ------------------------------------------------------

#: What ``-o`` names once read (see :func:`_destination`).
_STDOUT: Final = "stdout"
_FILE: Final = "file"
_FOLDER: Final = "folder"


def _destination(
    output: str | None, formats: list[str] | None, *, one_input: bool, stdout: TextIO
) -> tuple[str, list[str]]:
    """Read ``-o`` as pandoc does: standard output, one file, or a folder; and the formats.

    * ``-`` or no ``-o``: standard output, for one input in one format (given
      by ``-t``); a binary format is not written to a terminal.
    * A folder that exists, or a name ending with ``/``: a folder.
    * Anything else is one file, for one input in one format; the suffix names
      the format when ``-t`` does not, and must agree with it when it does.
    """
    if output is None or output == "-":
        given = "-o -" if output == "-" else "without -o, the output"
        if not one_input:
            raise UsageError(
                f"{given} goes to standard output, which takes one input;"
                " give -o FOLDER/ for several"
            )
        if formats is None:
            raise UsageError(f"{given} goes to standard output: give its format with -t FORMAT")
        if len(formats) != 1:
            raise UsageError(
                f"{given} goes to standard output, which takes one format;"
                " give -o FOLDER/ for several"
            )
        chosen = FORMATS[formats[0]]
        if chosen.binary and stdout.isatty():
            raise UsageError(
                f"{chosen.name} is a binary format and standard output is a terminal;"
                f" give -o FILE{chosen.suffix}, or redirect standard output (> file{chosen.suffix})"
            )
        return _STDOUT, formats
    path = Path(output)
    if output.endswith(("/", os.sep)) or path.is_dir():
        if formats is None:
            raise UsageError(f"-o {output} is a folder: give the formats with -t FORMATS")
        return _FOLDER, formats
    if not one_input:
        raise UsageError(
            f"-o {output}: several inputs are written into a folder;"
            f" end -o with / ({output}/) to make one"
        )
    if formats is not None and len(formats) > 1:
        raise UsageError(
            f"-o {output}: several formats are written into a folder;"
            f" end -o with / ({output}/) to make one"
        )
    try:
        by_suffix: str | None = format_of_path(path).name if path.suffix else None
    except ContentError:
        by_suffix = None
    if formats is None:
        if by_suffix is None:
            what = f"{path.suffix} names no format" if path.suffix else "it has no suffix"
            raise UsageError(f"-o {output}: {what}; give -t FORMAT, or end -o with / for a folder")
        return _FILE, [by_suffix]
    if by_suffix != formats[0]:
        raise UsageError(
            f"-o {output}: one input in one format is written to one file, whose name must end"
            f" with {FORMATS[formats[0]].suffix}; end -o with / to write into a folder instead"
        )
    return _FILE, formats


@attrs.frozen(kw_only=True)
class _Plan:
    """What ``convert`` was asked to do, checked."""

    inputs: list[str | Source]
    skipped: list[_Skipped]
    formats: list[str]
    destination: str
    output: Path | None
    base_dir: Path | None
    options: dict[str, Any]
    ignored: tuple[str, ...]
    check: ArticleCheck
    reader: Reader
    """Reads each input (``--from``), its import's warnings errors with ``--strict``."""


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
    labels = _labels(args.labels, args.label or [])
    if labels:
        given["labels"] = ("--label" if args.label else "--labels", labels)
    if args.paper is not None:
        given["paper"] = ("--paper", args.paper)
    if args.pdf_variant is not None:
        given["pdf_variant"] = ("--pdf-variant", args.pdf_variant)
    if args.pdf_max_chars is not None:
        from .exporters.pdf import PdfLimits

        limit = None if args.pdf_max_chars == _NO_LIMIT else args.pdf_max_chars
        given["limits"] = ("--pdf-max-chars", PdfLimits(max_characters=limit))
    if args.allow_remote:
        given["allow_remote"] = ("--allow-remote", True)
    ignored: tuple[str, ...] = ()
    if args.pdf_timeout is not None and "pdf" not in formats:
        ignored += ("--pdf-timeout",)
    if not REFERRING_FORMATS.intersection(formats):
        image_flags = (("--embed-images", args.embed_images), ("--image-base", args.image_base))
        ignored += tuple(flag for flag, value in image_flags if value)
    if not given:
        return {}, ignored
    import inspect

    accepted: set[str] = set()
    for name in formats:
        try:
            exporter = FORMATS[name].exporter()
        except ImportError as error:
            raise UsageError(f"format {name} is not available: {error}") from None
        accepted.update(inspect.signature(exporter).parameters)
    options = {key: value for key, value in given.items() if key in accepted}
    ignored += tuple(flag for key, (flag, _) in given.items() if key not in accepted)
    if "pdf_variant" in options:
        _check_pdf_variant(options["pdf_variant"][1])
    return {key: value for key, (_, value) in options.items()}, ignored


def _check_pdf_variant(variant: str) -> None:
    """Refuse a ``--pdf-variant`` the installed WeasyPrint does not know, before any work."""
    from .exporters.pdf import supported_variants

    supported = supported_variants()
    if variant.lower() not in supported:
        raise UsageError(f"--pdf-variant {variant}: not one of {', '.join(supported)}")


def _labels(path: str | None, pairs: Sequence[str]) -> dict[str, str]:
    """The phrases of ``--labels FILE`` and ``--label KEY=TEXT`` (which win), checked.

    Raises:
        UsageError: the file is unreadable or not a JSON object of strings, a
            ``--label`` has no ``=``, or a key or phrase is not valid (the
            message names the key and the known keys).
    """
    from .i18n import labels_for

    def check(where: str, phrases: dict[str, str]) -> dict[str, str]:
        try:
            labels_for("en", phrases)
        except ValueError as error:
            raise UsageError(f"{where}: {error}") from None
        return phrases

    labels: dict[str, str] = {}
    if path is not None:
        import json

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"--labels {path}: {reason}") from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise UsageError(f"--labels {path}: expected a JSON object of key to phrase (strings)")
        labels.update(check(f"--labels {path}", data))
    for pair in pairs:
        key, equals, text = pair.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"--label {pair!r}: expected KEY=TEXT")
        labels.update(check(f"--label {pair!r}", {key.strip(): text}))
    return labels


def _reads_images(name: str) -> bool:
    """Whether format *name* reads the article's images (its exporter takes ``base_dir``)."""
    import inspect

    return "base_dir" in inspect.signature(FORMATS[name].exporter()).parameters


def _plan(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> _Plan:
    formats = _formats(args.to) if args.to is not None else None
    one_input = len(args.inputs) == 1 and (
        args.inputs[0] == "-" or not Path(args.inputs[0]).is_dir()
    )
    destination, formats = _destination(args.output, formats, one_input=one_input, stdout=stdout)
    options, ignored = _options(args, formats)
    base_dir = _base_dir(args.base_dir)
    if args.from_ == "html":
        try:
            html_reader()
        except ContentError as error:
            raise UsageError(f"--from html: {Exception.__str__(error)}") from None
    inputs = _expand(
        args.inputs,
        recursive=args.recursive,
        pattern=_globs(args),
        base_dir=base_dir,
        stdin=stdin,
        read_as=args.from_,
        allow_remote=args.allow_remote,
    )
    check = ArticleCheck(
        images=any(_reads_images(name) for name in formats),
        allow_remote=args.allow_remote,
        strict=args.strict,
    )
    return _Plan(
        inputs=inputs.items,
        skipped=inputs.skipped,
        formats=formats,
        destination=destination,
        output=None if destination == _STDOUT else Path(args.output),
        base_dir=base_dir,
        options=options,
        ignored=ignored,
        check=check,
        reader=Reader(format=args.from_, strict=args.strict),
    )


# --- convert: running --------------------------------------------------------------------


class _Reporter:
    """Prints each failure and warning as it happens, counts, and drives the progress bar."""

    def __init__(self, stderr: TextIO, *, quiet: bool, debug: bool) -> None:
        self.stderr = stderr
        self.quiet = quiet
        self.debug = debug
        self.total: int | None = None
        """Inputs of the run, once known."""
        self.finished = 0
        """Inputs reported so far."""
        self._progress: Any = None
        self._task: Any = None

    @contextlib.contextmanager
    def progress_bar(
        self, total: int, doing: str = "converting", *, steps_differ: bool = False
    ) -> Iterator[None]:
        """Show a progress bar while *doing* *total* steps, when on a terminal and not quiet.

        Many alike steps (articles) show a bar from two on, with the time left.
        Steps that differ (an edition's formats: a PDF takes far longer than a
        text) show one from the first, and no time left, which they cannot
        foretell; the elapsed time then moves on by itself, through a long step,
        as no worker process is started by fork while the bar is drawn.
        """
        if self.quiet or total < (1 if steps_differ else 2) or not self.stderr.isatty():
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

        columns: list[Any] = [
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        if not steps_differ:
            columns += [TextColumn("eta"), TimeRemainingColumn()]
        with Progress(
            *columns,
            console=Console(file=self.stderr),
            # Alike steps are redrawn on each article rather than by a thread: the
            # worker pool is started by fork when this process runs a single thread.
            auto_refresh=steps_differ,
        ) as progress:
            self._progress = progress
            self._task = progress.add_task(doing, total=total)
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
        self.finished += 1
        for failure in result.failures:
            self.failure(result.source, failure)
        if not self.quiet:
            for problem in result.warnings:
                self.line(_warning_line(result.source, problem))
            for note in result.notes:
                self.line(f"{result.source}: note: {note}")
        self.advance()

    def doing(self, description: str) -> None:
        """Say what the progress bar (if there is one) is doing now (``rendering pdf``)."""
        if self._progress is not None:
            self._progress.update(self._task, description=description)

    def advance(self) -> None:
        """Move the progress bar (if there is one) one step on."""
        if self._progress is not None:
            self._progress.advance(self._task)
            self._progress.refresh()


def _warning_line(source: str, problem: Problem) -> str:
    where = f"{source}: {problem.path}" if problem.path else source
    return f"{where}: warning: {problem.message}"


def _message_lines(error: Exception) -> tuple[str, ...]:
    if isinstance(error, ValidationError):
        return tuple(" ".join(str(problem).split()) for problem in error.problems)
    if isinstance(error, OSError) and error.strerror:
        return (error.strerror,)
    return (" ".join(Exception.__str__(error).split()) or type(error).__name__,)


def _running(args: argparse.Namespace) -> dict[str, Any]:
    """How the batch runs, beside the exporters' options: the PDF time limit and images."""
    running: dict[str, Any] = {"pdf_timeout": DEFAULT_PDF_TIMEOUT}
    if args.pdf_timeout is not None:
        running["pdf_timeout"] = None if args.pdf_timeout == _NO_LIMIT else args.pdf_timeout
    if args.embed_images:
        running["images"] = "embed"
    if args.image_base is not None:
        running["image_base"] = args.image_base
    return running


def _to_stdout(plan: _Plan, stdout: TextIO, running: Mapping[str, Any]) -> Result:
    """Convert the one input to the one format on *stdout*; failures in the result.

    Nothing is written unless the whole output was made. Image sources stay as
    the article gives them (relative to its folder), unless ``--embed-images``
    or ``--image-base``: no folder of images can go with standard output. The
    PDF time limit does not apply here (the render runs in this process).
    """
    (item,) = plan.inputs
    (name,) = plan.formats
    source = item.name if isinstance(item, Source) else item
    imported: tuple[Problem, ...] = ()
    try:
        data, base_dir = _read_input(item, plan.base_dir)
        article, imported = plan.reader(data, source)
        findings = plan.check(article, base_dir)
        if findings.errors:
            raise ValidationError(findings.errors)
    except (ContentError, OSError) as error:
        failure = Failure(format=None, kind="invalid", messages=_message_lines(error))
        return Result(index=0, source=source, failures=(failure,), warnings=imported)
    warnings = imported + findings.warnings
    try:
        images: dict[str, Any] = {}
        if name in REFERRING_FORMATS:
            if running.get("images") == "embed":
                images["embed_images"] = True
            if "image_base" in running:
                images["image_base"] = running["image_base"]
        output = render(article, name, base_dir=base_dir, **plan.options, **images)
    except ContentError as error:
        failure = Failure(format=name, kind="invalid", messages=_message_lines(error))
        return Result(index=0, source=source, failures=(failure,), warnings=warnings)
    binary: BinaryIO | None = getattr(stdout, "buffer", None)
    if binary is None:
        stdout.write(output.decode("utf-8"))
    else:
        stdout.flush()
        binary.write(output)
        binary.flush()
    return Result(index=0, source=source, warnings=warnings)


def _convert(
    args: argparse.Namespace, stdin: TextIO, stdout: TextIO, reporter: _Reporter
) -> BatchReport:
    plan = _plan(args, stdin, stdout)
    reporter.total = len(plan.inputs)
    if not args.quiet:
        for skipped in plan.skipped:
            reporter.line(str(skipped))
        if plan.ignored:
            flags = ", ".join(plan.ignored)
            reporter.line(f"{_PROG}: warning: {flags} has no effect on {', '.join(plan.formats)}")
    running = _running(args)
    started = time.perf_counter()
    if plan.destination == _STDOUT:
        result = _to_stdout(plan, stdout, running)
        reporter(result)
        return BatchReport(results=(result,), seconds=time.perf_counter() - started)
    assert plan.output is not None
    # The article format is read as it always was; any other through the reader.
    read = None if plan.reader.format == "article" else plan.reader
    inputs: Iterable[str | Source] = plan.inputs
    if plan.base_dir is not None:
        inputs = _with_base_dir(plan.inputs, plan.base_dir)
    if plan.destination == _FILE:
        result = convert(
            next(iter(inputs)),
            {plan.formats[0]: plan.output},
            options=plan.options,
            skip_existing=args.skip_existing,
            check=plan.check,
            read=read,
            **running,
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
            inputs,
            plan.formats,
            plan.output,
            jobs=jobs,
            progress=reporter,
            options=plan.options,
            fail_fast=args.fail_fast,
            skip_existing=args.skip_existing,
            check=plan.check,
            read=read,
            **running,
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


@attrs.frozen(kw_only=True)
class _Checked:
    """The outcome of validating one file."""

    file: str
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    strict: bool = False

    @property
    def valid(self) -> bool:
        """No errors (and, with ``--strict``, no warnings)."""
        return not self.errors and not (self.strict and self.warnings)


def _read_input(item: str | Source, base_dir: Path | None) -> tuple[bytes, Path]:
    """An input's JSON and the folder its images are in (``--base-dir``, else the file's)."""
    if isinstance(item, Source):
        return item.data, item.base_dir
    return Path(item).read_bytes(), base_dir or Path(item).resolve().parent


def _check(item: str | Source, args: argparse.Namespace, base_dir: Path | None) -> _Checked:
    name = item.name if isinstance(item, Source) else item
    try:
        data, folder = _read_input(item, base_dir)
        article = loads(data)
    except ValidationError as error:
        return _Checked(file=name, errors=error.problems, warnings=())
    except OSError as error:
        return _Checked(file=name, errors=(Problem("", error.strerror or str(error)),), warnings=())
    errors = (
        () if args.no_resources else image_problems(article, folder, allow_remote=args.allow_remote)
    )
    return _Checked(
        file=name,
        errors=errors,
        warnings=publisher_warnings(article) + link_hints(article),
        strict=args.strict,
    )


def _validate(args: argparse.Namespace, stdin: TextIO) -> tuple[list[_Checked], list[_Skipped]]:
    base_dir = _base_dir(args.base_dir)
    inputs = _expand(
        args.files,
        recursive=args.recursive,
        pattern=_globs(args),
        base_dir=base_dir,
        stdin=stdin,
    )
    return [_check(item, args, base_dir) for item in inputs.items], inputs.skipped


def _print_checks(
    checked: list[_Checked],
    skipped: list[_Skipped],
    *,
    as_json: bool,
    quiet: bool,
    stdout: TextIO,
    stderr: TextIO,
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
            "skipped": [{"file": s.file, "reason": f"not an article: {s.reason}"} for s in skipped],
            "valid": sum(c.valid for c in checked),
            "invalid": sum(not c.valid for c in checked),
            "warnings": sum(len(c.warnings) for c in checked),
        }
        json.dump(report, stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        return
    if not quiet:
        for item in skipped:
            print(item, file=stderr)
    for c in checked:
        for problem in c.errors:
            print(f"{c.file}: {problem}", file=stderr)
        if c.valid and not quiet:
            print(f"{c.file}: valid", file=stdout)
        if not quiet or c.strict:
            for problem in c.warnings:
                print(_warning_line(c.file, problem), file=stderr)


# --- theme -------------------------------------------------------------------------------


def _theme_export(args: argparse.Namespace, stderr: TextIO) -> None:
    from .theme import export

    try:
        written = export(args.folder, force=args.force)
    except FileExistsError as error:
        raise UsageError(f"{args.folder}: {error}; --force replaces them") from None
    except NotADirectoryError:
        raise UsageError(f"{args.folder}: not a folder") from None
    if not args.quiet:
        print(
            f"{args.folder}: wrote {len(written)} theme files;"
            f" use them with --template-dir {args.folder}",
            file=stderr,
        )


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


def _progress_note(reporter: _Reporter | None, interrupted: Interrupted | None = None) -> str:
    """How far an interrupted run got, and how to finish it.

    The batch's own counts (on *interrupted*) come first; else what the reporter saw.
    """
    if interrupted is not None and interrupted.total is not None:
        finished, total = interrupted.done + interrupted.failed, interrupted.total
    elif reporter is not None and reporter.total is not None:
        finished, total = reporter.finished, reporter.total
    else:
        return "; no partial file was left"
    return (
        f" after {finished} of {total} articles; no partial file was left;"
        " rerun with --skip-existing to finish"
    )


def _run(
    args: argparse.Namespace,
    reporter: _Reporter | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    if args.command == "convert":
        assert reporter is not None
        report = _convert(args, stdin, stdout, reporter)
        if not args.quiet and (args.verbose or len(report.results) > 1 or report.stopped):
            print(_summary(report), file=stderr)
        return _convert_status(report)
    if args.command == "validate":
        checked, skipped = _validate(args, stdin)
        _print_checks(
            checked, skipped, as_json=args.json, quiet=args.quiet, stdout=stdout, stderr=stderr
        )
        return EXIT_OK if all(c.valid for c in checked) else EXIT_INVALID
    if args.command == "theme":
        _theme_export(args, stderr)
        return EXIT_OK
    if args.command == "edition":
        return _edition(args, stdout, stderr)
    json.dump(_schema(edition=args.edition), stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    stdin, stdout, stderr = sys.stdin, sys.stdout, sys.stderr
    parser = _parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        args, extra = parser.parse_known_args(arguments)
        if extra and getattr(args, "command", None) == "edition":
            # argparse takes one run of inputs; the inputs after a later --section
            # come back unparsed, and _edition_groups puts them in order.
            args.inputs += [item for item in extra if item == "-" or not item.startswith("-")]
            extra = [item for item in extra if item != "-" and item.startswith("-")]
        if extra:
            parser.parse_args(arguments)  # reports the unknown arguments, as argparse does
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else EXIT_INVALID
    args.argv = arguments
    debug = getattr(args, "debug", False)
    reporter = (
        _Reporter(stderr, quiet=args.quiet, debug=debug) if args.command == "convert" else None
    )
    try:
        with _sigterm_as_interrupt():
            return _run(args, reporter, stdin, stdout, stderr)
    except UsageError as error:
        print(f"{_PROG}: error: {error}", file=stderr)
        return EXIT_INVALID
    except ContentError as error:
        print(f"{_PROG}: error: {' '.join(str(error).split())}", file=stderr)
        return EXIT_INVALID
    except KeyboardInterrupt as interrupted:
        return _stopped(interrupted, reporter, stderr)
    except BrokenPipeError:
        # The reader went away (`... | head`): say nothing more, and keep Python's
        # final flush of standard output from failing again.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stdout.fileno())
        return 128 + signal.SIGPIPE
    except Exception as error:  # noqa: BLE001 - one line unless --debug
        behind = _interruption(error)
        if behind is not None:
            return _stopped(behind, reporter, stderr)
        if debug:
            traceback.print_exc(file=stderr)
        else:
            print(
                f"{_PROG}: error: {type(error).__name__}: {error} (--debug shows more)", file=stderr
            )
        return EXIT_FAILED


def _interruption(error: BaseException) -> KeyboardInterrupt | None:
    """The interruption behind *error*, if a signal arrived where Python wraps exceptions.

    A signal handler raises :class:`Interrupted` wherever the program is; while
    a class is being made (a module imported on first use), Python reports it
    as a ``RuntimeError`` caused by it.
    """
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _stopped(interrupted: KeyboardInterrupt, reporter: _Reporter | None, stderr: TextIO) -> int:
    """Say that a signal or Ctrl-C stopped the command; the exit code is 128 + the signal."""
    if isinstance(interrupted, Interrupted):
        note = _progress_note(reporter, interrupted)
        if interrupted.signum != signal.SIGINT:
            name = signal.Signals(interrupted.signum).name
            print(f"{_PROG}: stopped by {name}{note}", file=stderr)
            return 128 + interrupted.signum
        print(f"{_PROG}: interrupted{note}", file=stderr)
        return 128 + signal.SIGINT
    print(f"{_PROG}: interrupted{_progress_note(reporter)}", file=stderr)
    return 128 + signal.SIGINT


# --- edition -------------------------------------------------------------------------

#: Options of ``edition`` that take a value (the next argument, unless written ``--x=v``).
_EDITION_VALUED: Final = frozenset(
    {
        "-t", "--to", "-o", "--output", "--title", "--subtitle", "--date", "--section",
        "--glob", "--css", "--template-dir", "--paper", "--pdf-variant", "--image-base",
    }
)  # fmt: skip


def _edition_groups(argv: Sequence[str]) -> list[tuple[str | None, list[str]]]:
    """The INPUT arguments in order, grouped by the ``--section`` that precedes them.

    argparse keeps the inputs and the sections apart; their order is read from
    the arguments themselves. The first group's name is ``None``: inputs before
    any ``--section``.
    """
    tokens = list(argv)
    start = tokens.index("edition") + 1
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    index = start
    positional_only = False
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if positional_only or token == "-" or not token.startswith("-"):
            groups[-1][1].append(token)
        elif token == "--":
            positional_only = True
        elif token == "--section" and index < len(tokens):
            groups.append((tokens[index], []))
            index += 1
        elif token.startswith("--section="):
            groups.append((token.partition("=")[2], []))
        elif token in _EDITION_VALUED:
            index += 1
    return groups


def _edition_inputs(names: Sequence[str], args: argparse.Namespace) -> list[Path]:
    """Article files named, folders expanded (the files --glob matches that hold an article)."""
    files: list[Path] = []
    for name in names:
        path = Path(name)
        if not path.is_dir():
            files.append(path)
            continue
        found = 0
        for file in _folder_files(path, _globs(args), args.recursive):
            try:
                reason = _not_an_article(file.read_bytes())
            except OSError:
                reason = None  # reported when it is read
            if reason is None:
                files.append(file)
                found += 1
        if not found:
            raise UsageError(f"{name}: no articles match {_shown_globs(_globs(args))} in it")
    return files


def _read_edition(
    args: argparse.Namespace, notes: list[Problem]
) -> tuple[Edition, Path | None, str]:
    """The edition asked for, its folder and how to name it in messages.

    Raises:
        ValidationError: the edition or one of its articles is invalid (every problem).
        UsageError: the arguments do not describe an edition.
    """
    from .editions import build_edition, load_edition

    if args.title is None:
        if len(args.inputs) != 1 or args.section or args.subtitle or args.date:
            raise UsageError(
                "without --title, give one edition file (and no --section, --subtitle or --date);"
                " with --title, give the articles"
            )
        path = Path(args.inputs[0])
        try:
            return load_edition(path, notes=notes), path.parent, args.inputs[0]
        except OSError as error:
            raise UsageError(f"{args.inputs[0]}: {error.strerror or error}") from None
    groups = _edition_groups(args.argv)
    loose, sections = groups[0][1], groups[1:]
    if loose and sections:
        raise UsageError(
            "an edition has articles or sections, not both: put every input after a --section"
        )
    metadata: dict[str, Any] = {}
    if args.subtitle is not None:
        metadata["subtitle"] = args.subtitle
    if args.date is not None:
        metadata["issued"] = args.date
    if sections:
        empty = [name for name, names in sections if not names]
        if empty:
            raise UsageError(f"--section {empty[0]}: no inputs follow it")
        built = build_edition(
            title=args.title,
            sections=[(name or "", _edition_inputs(names, args)) for name, names in sections],
            notes=notes,
            **metadata,
        )
    else:
        built = build_edition(
            title=args.title, articles=_edition_inputs(loose, args), notes=notes, **metadata
        )
    return built, None, "edition"


def _edition_name(edition: Edition) -> str:
    """The stem of the files written into a folder: the edition's id, made safe, or ``edition``."""
    import re

    stem = re.sub(r"[^\w.-]+", "-", edition.id or "").strip(".-")
    return stem or "edition"


def _edition_options(args: argparse.Namespace, name: str) -> dict[str, Any]:
    """The exporter options of the ``edition`` command for format *name*."""
    options: dict[str, Any] = {}
    if args.allow_remote:
        options["allow_remote"] = True
    if args.css is not None and name in ("html", "pdf", "epub"):
        try:
            options["css"] = Path(args.css).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"--css {args.css}: {reason}") from None
    if args.template_dir is not None and name in ("html", "pdf", "epub"):
        if not Path(args.template_dir).is_dir():
            raise UsageError(f"--template-dir {args.template_dir}: not a folder")
        options["template_dir"] = os.path.abspath(args.template_dir)
    if name == "pdf":
        if args.paper is not None:
            options["paper"] = args.paper
        if args.pdf_variant is not None:
            _check_pdf_variant(args.pdf_variant)
            options["pdf_variant"] = args.pdf_variant
        if args.run_on:
            options["run_on"] = True
    return options


def _edition(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Build and write the edition; print every problem of an invalid one, write nothing then.

    As ``convert`` does for an article, every image of every article is read
    before anything is rendered, so a missing or refused image is listed (with
    the others) by its place in the edition, and nothing is written.
    """
    from ._files import write_all_atomic
    from .checks import edition_image_problems
    from .exporters.editions import render as render_edition

    formats = _formats(args.to) if args.to is not None else None
    destination, formats = _destination(args.output, formats, one_input=True, stdout=stdout)
    if "ninjs" in formats:
        raise UsageError(
            "-t ninjs: a ninjs item is one story, not an edition;"
            " write the edition as json (the edition format) or jsonld (an ItemList)"
        )
    options = {name: _edition_options(args, name) for name in formats}
    notes: list[Problem] = []
    source = args.inputs[0] if args.title is None else "edition"
    try:
        edition, base_dir, source = _read_edition(args, notes)
        problems = edition_image_problems(edition, base_dir, allow_remote=args.allow_remote)
        if problems:
            raise ValidationError(problems)
    except ValidationError as error:
        for problem in error.problems:
            print(f"{_PROG}: error: {source}: {' '.join(str(problem).split())}", file=stderr)
        return EXIT_INVALID
    for note in notes if not args.quiet else ():
        print(f"{_PROG}: note: {source}: {' '.join(str(note).split())}", file=stderr)
    if destination == _STDOUT:
        if formats[0] == "json":
            data = _edition_json(edition, Path.cwd())
        else:
            data = render_edition(edition, formats[0], base_dir=base_dir, **options[formats[0]])
        if hasattr(stdout, "buffer"):
            stdout.flush()
            stdout.buffer.write(data)
            stdout.buffer.flush()
        else:
            stdout.write(data.decode("utf-8"))
            stdout.flush()
        return EXIT_OK
    assert args.output is not None
    if destination == _FOLDER:
        folder = Path(args.output)
        stem = _edition_name(edition)
        targets = [(name, folder / f"{stem}{FORMATS[name].suffix}") for name in formats]
    else:
        targets = [(formats[0], Path(args.output))]
    files: list[tuple[Path, bytes]] = []
    progress = _Reporter(stderr, quiet=args.quiet, debug=False)
    with progress.progress_bar(len(targets), "rendering", steps_differ=True):
        for name, target in targets:
            progress.doing(f"rendering {name}")
            files.extend(_edition_files(args, edition, base_dir, name, target, options[name]))
            progress.advance()
        progress.doing("rendered")
    try:
        write_all_atomic(files)
    except OSError as error:
        where = error.filename if error.filename is not None else args.output
        print(f"{_PROG}: error: {where}: {error.strerror or error}", file=stderr)
        return EXIT_FAILED
    if args.verbose:
        for _, target in targets:
            print(f"{_PROG}: wrote {target}", file=stderr)
    return EXIT_OK


def _edition_files(
    args: argparse.Namespace,
    edition: Edition,
    base_dir: Path | None,
    name: str,
    target: Path,
    options: Mapping[str, Any],
) -> list[tuple[Path, bytes]]:
    """The files one format of the edition writes: the document, and any images it copies."""
    from .api import export
    from .exporters.editions import render as render_edition

    files: list[tuple[Path, bytes]] = []
    if name == "json":
        files.append((target, _edition_json(edition, target.parent)))
    elif name in REFERRING_FORMATS and (args.embed_images or args.image_base):
        images: ImageMode = "embed" if args.embed_images else "link"
        exported = export(
            edition, name, images=images, image_base=args.image_base,
            base_dir=base_dir, **options,
        )  # fmt: skip
        assert isinstance(exported, bytes)
        files.append((target, exported))
    elif name in REFERRING_FORMATS:
        from .exporters._images import files_to_write, folder_for
        from .exporters.editions import EditionImages

        copies = EditionImages(folder_for(target), allow_remote=args.allow_remote)
        data = render_edition(
            edition, name, base_dir=base_dir, image_src_for=copies.image_src_for, **options
        )
        files.extend(files_to_write(copies.folders).items())
        files.append((target, data))
    else:
        files.append((target, render_edition(edition, name, base_dir=base_dir, **options)))
    return files


def _edition_json(edition: Edition, folder: Path) -> bytes:
    """The edition format's JSON of *edition*, its article folders relative to *folder*.

    *folder* is where the file is written (standard output: the current folder).
    """
    from .editions import dumps_edition

    return dumps_edition(edition, base_dir=folder.absolute()).encode("utf-8")


def _schema(*, edition: bool = False) -> dict[str, Any]:
    from .schema import edition_json_schema, json_schema

    return edition_json_schema() if edition else json_schema()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
