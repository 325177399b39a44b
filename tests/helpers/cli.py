"""Running the command line in the test process, or as a user does on a terminal."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

from messenger_content.cli import main

#: The summary line ``convert`` ends with (dropped by ``-q``).
SUMMARY = re.compile(r"^converted \d+, failed \d+, skipped \d+ \(")

#: The installed console script, as a user runs it.
CONSOLE_SCRIPT = Path(sys.executable).parent / "messenger-content"


def run_cli(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command in this process; return its exit code and its standard error lines."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue().splitlines()


def default_sigint() -> None:
    """Give the child SIGINT's default action, even if the tests run with it ignored.

    A shell starts background jobs with SIGINT ignored and the ignoring is
    inherited; a Python started that way never raises KeyboardInterrupt, as is
    right for a background job, but not what these tests are about.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_on_terminal(
    argv: list[str], *, stop_at: bytes | None = None, signal_number: int = signal.SIGINT
) -> tuple[int, str]:
    """Run the console script with standard error on a pseudo-terminal, as in a user's shell.

    Returns its exit code and everything it drew there. With *stop_at*, the
    process is sent *signal_number* as soon as the terminal shows those bytes.
    """
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [str(CONSOLE_SCRIPT), *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
        preexec_fn=default_sigint,
    )
    os.close(terminal)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([controller], [], [], 240)
            if not ready:
                break
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            output += chunk
            if stop_at is not None and stop_at in output:
                process.send_signal(signal_number)
                stop_at = None
        code = process.wait(timeout=240)
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
    return code, output.decode("utf-8", "replace")
