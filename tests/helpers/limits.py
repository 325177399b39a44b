"""Time and memory limits for tests of hostile and oversized input.

:func:`bounded` fails a block that runs too long; :func:`render_pdf_in_child`
renders a PDF in a child process with capped memory and a timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest


class Overrun(BaseException):
    """A test took longer than it was given (a BaseException: no ``except Exception`` hides it)."""


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Fail with :class:`Overrun` if the block runs longer than *seconds* (main thread only)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Overrun(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: Address space a PDF rendering may use, in bytes (WeasyPrint maps fonts, so this is generous).
PDF_MEMORY = 4 * 1024**3

#: Renders a file as PDF in a child process and reports, as JSON, what happened and when.
PDF_CHILD = """
import json, os, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
import messenger_content as mc
from messenger_content.exporters.pdf import to_pdf
article = mc.load(sys.argv[1])
started = time.monotonic()
try:
    data = to_pdf(article, base_dir=os.path.dirname(sys.argv[1]))
except BaseException as error:
    outcome = {"raised": type(error).__name__, "message": str(error)[:300]}
else:
    outcome = {"raised": None, "bytes": len(data)}
outcome["seconds"] = time.monotonic() - started
outcome["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps(outcome))
"""


def render_pdf_in_child(path: Path, seconds: float) -> dict[str, Any]:
    """Render *path* as PDF in a child process under :data:`PDF_MEMORY`; fail past *seconds*."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", PDF_CHILD, str(path), str(PDF_MEMORY)],
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"to_pdf ran for more than {seconds} s on {path.name} without an answer: the PDF"
            " exporter has no time or size limit (WeasyPrint takes about 0.14 s per KB of text)"
        )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return outcome
