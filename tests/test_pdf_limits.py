"""The PDF exporter's limits (:class:`PdfLimits`): size before WeasyPrint starts, time during.

The 20 MB paragraph of the malformed corpus is refused by the size limit (see
``tests/test_hardening_malformed.py``); these tests show each limit on its own,
that ``None`` switches it off, and that a renderer stopped by its time limit
goes on rendering other articles as if nothing had happened.
"""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

import messenger_content as mc
from messenger_content.errors import ExportError
from messenger_content.exporters import pdf as pdf_module
from messenger_content.exporters.pdf import PdfLimits, PdfRenderer, to_pdf
from tests.test_hardening_malformed import run_cli

#: About 60,000 characters of body text: some seconds of WeasyPrint's time.
LONG = mc.Article(
    headline="A long read",
    body=[mc.Paragraph(text=f"Paragraph {n} of a long article, " * 60) for n in range(30)],
)
SHORT = mc.Article(headline="A short note", body=[mc.Paragraph(text="Nothing else.")])


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_defaults_are_documented_values() -> None:
    """The defaults are the ones docs/security.md states."""
    assert PdfLimits() == PdfLimits(max_characters=500_000, seconds=60.0)
    assert PdfRenderer().limits == PdfLimits()


@pytest.mark.parametrize(
    "arguments",
    [
        {"max_characters": 0},
        {"max_characters": -5},
        {"max_characters": True},
        {"seconds": 0},
        {"seconds": -1.0},
        {"seconds": float("nan")},
    ],
)
def test_limits_must_be_positive(arguments: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="positive"):
        PdfLimits(**arguments)  # type: ignore[arg-type]


def test_size_limit_refuses_before_weasyprint_starts() -> None:
    """Markup over ``max_characters`` is an ExportError naming the sizes and the option."""
    with pytest.raises(ExportError) as raised:
        to_pdf(SHORT, limits=PdfLimits(max_characters=500))
    message = str(raised.value)
    assert "over the limit of 500" in message
    assert "--pdf-max-chars" in message
    assert "PdfLimits.max_characters" in message


def test_size_limit_can_be_switched_off() -> None:
    """``max_characters=None`` lets a document of any size through."""
    pdf = to_pdf(SHORT, limits=PdfLimits(max_characters=None))
    assert "Nothing else." in _text(pdf)


def test_time_limit_stops_a_long_rendering_and_the_renderer_recovers() -> None:
    """A rendering past ``seconds`` stops with an ExportError; the next one is unaffected."""
    renderer = PdfRenderer(limits=PdfLimits(seconds=0.05))
    with pytest.raises(ExportError, match=r"longer than its limit of 0\.05 seconds"):
        renderer.render(LONG)
    # The same renderer, given time, renders exactly what a fresh one renders.
    generous = PdfLimits(seconds=None)
    assert renderer.render(SHORT, limits=generous) == PdfRenderer().render(SHORT)
    assert "Paragraph 29 of a long article" in _text(renderer.render(LONG, limits=generous))
    assert getattr(pdf_module._deadlines, "value", None) is None


def test_checkpoints_wrap_weasyprint_where_it_calls_them() -> None:
    """Each checkpoint is installed in the module that calls the function (an upgrade check)."""
    to_pdf(SHORT)
    for module_name, name in pdf_module._CHECKPOINTS:
        function = getattr(importlib.import_module(module_name), name)
        assert hasattr(function, "__wrapped__"), f"{module_name}.{name} is not checked"


# --- on the command line -------------------------------------------------------------


@pytest.fixture
def long_article(tmp_path: Path) -> Path:
    path = tmp_path / "long.json"
    path.write_text(mc.dumps(LONG), encoding="utf-8")
    return path


def test_command_line_limits_stop_a_pdf_with_one_line(long_article: Path, tmp_path: Path) -> None:
    """``--pdf-max-chars`` and ``--pdf-timeout`` reach the exporter; no file is left."""
    out = tmp_path / "out.pdf"
    code, lines = run_cli(["convert", str(long_article), "-o", str(out), "--pdf-max-chars", "900"])
    assert code == 2
    assert lines[0].startswith(f"{long_article}: pdf: the article is too long for a PDF")
    assert "over the limit of 900" in lines[0]
    code, lines = run_cli(["convert", str(long_article), "-o", str(out), "--pdf-timeout", "0.05"])
    assert code == 2
    assert "longer than its limit of 0.05 seconds" in lines[0]
    assert not out.exists()


def test_command_line_limits_can_be_lifted(long_article: Path, tmp_path: Path) -> None:
    """``none`` lifts a limit; a limit too small for the article is then no obstacle."""
    out = tmp_path / "out.pdf"
    argv = ["convert", str(long_article), "-o", str(out), "-q", "--pdf-timeout", "none"]
    assert run_cli([*argv, "--pdf-max-chars", "none"]) == (0, [])
    assert "Paragraph 29 of a long article" in _text(out.read_bytes())


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_command_line_refuses_limits_that_are_not_positive(value: str, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    code, lines = run_cli(["convert", "x.json", "-o", str(out), "--pdf-timeout", value])
    assert code == 2
    assert "argument --pdf-timeout: expected a number" in lines[-1]
