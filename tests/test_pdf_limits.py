"""The PDF exporter's limits (:class:`PdfLimits`): size before WeasyPrint starts, time during.

The 20 MB paragraph of the malformed corpus is refused by the size limit (see
``tests/test_hardening_malformed.py``); these tests show each limit on its own,
that ``None`` switches it off, and that a renderer stopped by its time limit
goes on rendering other articles as if nothing had happened.
"""

from __future__ import annotations

import importlib
import io

import pytest
from pypdf import PdfReader

import messenger_content as mc
from messenger_content.errors import ExportError
from messenger_content.exporters import pdf as pdf_module
from messenger_content.exporters.pdf import PdfLimits, PdfRenderer, to_pdf

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
