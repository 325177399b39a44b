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
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"


def _fresh(code: str) -> Any:
    """Run *code* in a new interpreter and return what it printed, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    ("format_", "absent"),
    [
        ("txt", {"weasyprint", "ebooklib", "lxml", "rich", "PIL", "jinja2", "multiprocessing"}),
        # Markdown copies the article's images beside it, checked as images by Pillow.
        ("md", {"weasyprint", "ebooklib", "lxml", "rich", "jinja2", "multiprocessing"}),
        ("html", {"weasyprint", "ebooklib", "lxml", "rich", "pyphen", "multiprocessing"}),
        # A PDF under the time limit renders in a worker process: multiprocessing is needed.
        ("pdf", {"ebooklib", "rich"}),
        ("epub", {"weasyprint", "pyphen", "rich", "multiprocessing"}),
    ],
)
def test_each_format_loads_only_the_libraries_it_needs(
    format_: str, absent: set[str], tmp_path: Path
) -> None:
    """Each format loads only its own heavy library: txt and md not even Jinja2, pdf no ebooklib."""
    code = (
        "import json, sys\n"
        "from messenger_content.cli import main\n"
        f"status = main(['convert', {str(EXAMPLE)!r}, '-t', {format_!r},"
        f" '-o', {str(tmp_path / ('out.' + format_))!r}, '-q'])\n"
        "print(json.dumps([status, sorted({m.split('.')[0] for m in sys.modules})]))\n"
    )
    status, loaded = _fresh(code)
    assert status == 0
    assert (tmp_path / f"out.{format_}").stat().st_size > 0
    assert absent.isdisjoint(loaded)


def test_importing_the_package_does_not_build_the_schema() -> None:
    """`import messenger_content` leaves the schema module for json_schema() to load."""
    code = (
        "import json, sys, messenger_content as mc\n"
        "before = 'messenger_content.schema' in sys.modules\n"
        "schema = mc.json_schema()\n"
        "print(json.dumps([before, schema['title'] if 'title' in schema else True]))\n"
    )
    before, _ = _fresh(code)
    assert before is False


def test_the_packaged_print_stylesheet_loads_nothing() -> None:
    """The theme's print.css passes the stylesheet check the PDF renderer skips for it."""
    from messenger_content import theme
    from messenger_content.exporters import pdf

    css = theme.stylesheet("print")
    assert css == pdf._packaged_print_css()
    pdf._check_stylesheet(css)  # raises ResourceError on @import or a font URL
