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


@pytest.mark.parametrize(
    ("format_", "absent"),
    [
        ("txt", {"weasyprint", "ebooklib", "lxml", "rich", "PIL", "jinja2", "multiprocessing"}),
        # Markdown copies the article's images beside it, checked as images by Pillow.
        ("md", {"weasyprint", "ebooklib", "lxml", "rich", "jinja2", "multiprocessing"}),
        ("html", {"weasyprint", "ebooklib", "lxml", "rich", "pyphen", "multiprocessing"}),
    ],
)
def test_cheap_formats_load_no_heavy_library(
    format_: str, absent: set[str], tmp_path: Path
) -> None:
    """txt, md, html load no WeasyPrint, ebooklib, rich or process pool; txt, md no Jinja2."""
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


def test_a_pdf_leaves_fonttools_subsetter_and_instancer_unimported(tmp_path: Path) -> None:
    """WeasyPrint's fontTools fallbacks load on first use only, and are then the real ones."""
    code = (
        "import json, sys\n"
        "from messenger_content.cli import main\n"
        f"status = main(['convert', {str(EXAMPLE)!r}, '-o', {str(tmp_path / 'a.pdf')!r}, '-q'])\n"
        "deferred = ('fontTools.subset', 'fontTools.varLib.instancer')\n"
        "loaded = [name for name in deferred if name in sys.modules]\n"
        "from weasyprint.pdf import fonts\n"
        "import fontTools.subset, fontTools.varLib.instancer as instancer\n"
        "same = fonts.subset.Subsetter is fontTools.subset.Subsetter\n"
        "errors = []\n"
        "for function in (fonts.instantiateVariableFont, instancer.instantiateVariableFont):\n"
        "    try:\n"
        "        function(None, {})\n"
        "    except Exception as error:\n"
        "        errors.append(type(error).__name__)\n"
        "print(json.dumps([status, loaded, same, errors]))\n"
    )
    status, loaded, same, errors = _fresh(code)
    assert status == 0
    assert loaded == []
    assert same is True
    assert len(errors) == 2
    assert errors[0] == errors[1]
