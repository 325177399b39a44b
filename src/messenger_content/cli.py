"""The ``messenger-content`` command: convert, validate and describe articles."""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from ._files import write_atomic
from .codec import load, loads
from .errors import ContentError, ValidationError
from .exporters import FORMATS, format_for
from .models import Article
from .schema import json_schema

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2

_EPILOG = """\
examples:
  messenger-content convert article.json -t pdf -o article.pdf
  messenger-content convert article.json -t all -o out/
  messenger-content validate examples/*/article.json
  messenger-content schema > article.schema.json
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="messenger-content",
        description="Convert news articles (JSON) to HTML, PDF, EPUB, Markdown and text.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    convert = commands.add_parser("convert", help="render articles to one or more formats")
    convert.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="article JSON files, or - for stdin"
    )
    convert.add_argument(
        "-t",
        "--to",
        required=True,
        metavar="FORMATS",
        help=f"comma-separated formats ({','.join(FORMATS)}) or 'all'",
    )
    convert.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="output file (one input, one format) or folder",
    )
    convert.add_argument("--allow-remote", action="store_true", help="fetch http(s) images")

    validate = commands.add_parser("validate", help="check articles against the format")
    validate.add_argument("files", nargs="+", metavar="FILE")

    commands.add_parser("schema", help="print the JSON Schema of the format")
    return parser


def _formats(spec: str) -> list[str]:
    if spec.strip().lower() == "all":
        return list(FORMATS)
    return [format_for(name.strip()).name for name in spec.split(",") if name.strip()]


def _read(name: str, stdin: TextIO) -> Article:
    if name == "-":
        return loads(
            stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read(), source="<stdin>"
        )
    return load(name)


def _options_for(exporter: Any, options: dict[str, Any]) -> dict[str, Any]:
    accepted = inspect.signature(exporter).parameters
    return {key: value for key, value in options.items() if key in accepted}


def _convert(args: argparse.Namespace, stdin: TextIO, stderr: TextIO) -> int:
    formats = _formats(args.to)
    out = Path(args.output)
    single = len(args.inputs) == 1 and len(formats) == 1 and not out.is_dir() and out.suffix != ""
    status = EXIT_OK
    for name in args.inputs:
        try:
            article = _read(name, stdin)
        except ValidationError as error:
            print(error, file=stderr)
            status = max(status, EXIT_INVALID)
            continue
        except OSError as error:
            print(f"{name}: {error.strerror or error}", file=stderr)
            status = max(status, EXIT_INVALID)
            continue
        base_dir = Path.cwd() if name == "-" else Path(name).resolve().parent
        stem = article.id or ("article" if name == "-" else Path(name).stem)
        options = {"base_dir": base_dir, "allow_remote": args.allow_remote}
        for format_name in formats:
            fmt = FORMATS[format_name]
            target = out if single else out / f"{stem}{fmt.suffix}"
            try:
                exporter = fmt.exporter()
                output = exporter(article, **_options_for(exporter, options))
                data = output.encode("utf-8") if isinstance(output, str) else output
                write_atomic(target, data)
            except ContentError as error:
                print(f"{name}: {error}", file=stderr)
                status = max(status, EXIT_INVALID)
    return status


def _validate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    status = EXIT_OK
    for name in args.files:
        try:
            load(name)
        except ValidationError as error:
            print(error, file=stderr)
            status = EXIT_INVALID
        except OSError as error:
            print(f"{name}: {error.strerror or error}", file=stderr)
            status = EXIT_INVALID
        else:
            print(f"{name}: valid", file=stdout)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``); return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if args.command == "convert":
            return _convert(args, sys.stdin, sys.stderr)
        if args.command == "validate":
            return _validate(args, sys.stdout, sys.stderr)
        json.dump(json_schema(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    except ContentError as error:
        print(f"messenger-content: {error}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
