"""Running the command line in the test process."""

from __future__ import annotations

import contextlib
import io
import re

from messenger_content.cli import main

#: The summary line ``convert`` ends with (dropped by ``-q``).
SUMMARY = re.compile(r"^converted \d+, failed \d+, skipped \d+ \(")


def run_cli(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command in this process; return its exit code and its standard error lines."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue().splitlines()
