"""The PDF exporter's size limit (:class:`PdfLimits`), checked before WeasyPrint starts.

The 20 MB paragraph of the malformed corpus is refused by the size limit (see
``tests/test_hardening_malformed.py``); these tests show the limit on its own,
that ``None`` switches it off, and that it reaches the exporter from the
command line. A time limit is not the exporter's: it is a worker process's,
ended when its time is up (``messenger_content.batch``).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import attrs
import pytest
from pypdf import PdfReader

import messenger_content as mc
from messenger_content.cli import main
from messenger_content.errors import ExportError
from messenger_content.exporters.pdf import PdfLimits, PdfRenderer, to_pdf

#: About 60,000 characters of body text.
LONG = mc.Article(
    headline="A long read",
    body=[mc.Paragraph(text=f"Paragraph {n} of a long article, " * 60) for n in range(30)],
)
SHORT = mc.Article(headline="A short note", body=[mc.Paragraph(text="Nothing else.")])


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _run_cli(argv: list[str]) -> tuple[int, list[str]]:
    """Run the command in this process; return its exit code and its standard error lines."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue().splitlines()


def test_defaults_are_documented_values() -> None:
    """The default size limit is the one docs/security.md states, and the only limit."""
    assert PdfLimits() == PdfLimits(max_characters=500_000)
    assert [field.name for field in attrs.fields(PdfLimits)] == ["max_characters"]
    assert PdfRenderer().limits == PdfLimits()


@pytest.mark.parametrize("value", [0, -5, True])
def test_limits_must_be_positive(value: object) -> None:
    """Zero, negative and boolean sizes are refused when the limits are made."""
    with pytest.raises(ValueError, match="positive"):
        PdfLimits(max_characters=value)  # type: ignore[arg-type]


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


def test_a_renderer_refusing_one_article_renders_the_next_alike() -> None:
    """A refusal leaves the renderer as it was: the next article's bytes are a fresh renderer's."""
    renderer = PdfRenderer(limits=PdfLimits(max_characters=5_000))
    with pytest.raises(ExportError, match="too long"):
        renderer.render(LONG)
    assert renderer.render(SHORT) == PdfRenderer().render(SHORT)


# --- on the command line -------------------------------------------------------------


@pytest.fixture
def long_article(tmp_path: Path) -> Path:
    path = tmp_path / "long.json"
    path.write_text(mc.dumps(LONG), encoding="utf-8")
    return path


def test_command_line_size_limit_stops_a_pdf_with_one_line(
    long_article: Path, tmp_path: Path
) -> None:
    """``--pdf-max-chars`` reaches the exporter: one error line, and no file is left."""
    out = tmp_path / "out.pdf"
    code, lines = _run_cli(["convert", str(long_article), "-o", str(out), "--pdf-max-chars", "900"])
    assert code == 2
    assert lines[0].startswith(f"{long_article}: pdf: the article is too long for a PDF")
    assert "over the limit of 900" in lines[0]
    assert not out.exists()


def test_command_line_size_limit_can_be_lifted(long_article: Path, tmp_path: Path) -> None:
    """``--pdf-max-chars none`` lifts the limit."""
    out = tmp_path / "out.pdf"
    argv = ["convert", str(long_article), "-o", str(out), "-q", "--pdf-max-chars", "none"]
    assert _run_cli(argv) == (0, [])
    assert "Paragraph 29 of a long article" in _text(out.read_bytes())


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_command_line_refuses_sizes_that_are_not_positive(value: str, tmp_path: Path) -> None:
    """``--pdf-max-chars`` takes a positive number or ``none``; anything else is a usage error."""
    out = tmp_path / "out.pdf"
    code, lines = _run_cli(["convert", "x.json", "-o", str(out), "--pdf-max-chars", value])
    assert code == 2
    assert "argument --pdf-max-chars: expected a number" in lines[-1]
