"""What a command loads: each conversion imports what its format needs, and nothing else.

These check which modules a fresh process holds (``sys.modules``) and which
helpers it calls, not how long anything takes: the timings live in
``benchmarks/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"


def _fresh(code: str) -> object:
    """Run *code* in a new interpreter and return what it printed, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_weasyprint_is_imported_without_asking_find_library() -> None:
    """Importing WeasyPrint for a PDF runs no ctypes.util.find_library (gcc, ld) and restores it."""
    code = (
        "import ctypes.util, json\n"
        "calls = []\n"
        "real = ctypes.util.find_library\n"
        "def spy(name):\n"
        "    calls.append(name)\n"
        "    return real(name)\n"
        "ctypes.util.find_library = spy\n"
        "from messenger_content.exporters.pdf import harfbuzz_subsetting\n"
        "subsetting = harfbuzz_subsetting()\n"
        "print(json.dumps([calls, ctypes.util.find_library is spy, subsetting]))\n"
    )
    assert _fresh(code) == [[], True, True]
