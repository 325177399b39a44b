"""The public API is deliberate: __all__ lists exactly what the package exports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import messenger_content as mc


def test_all_is_sorted_and_complete() -> None:
    """__all__ is sorted and names every public attribute (modules aside)."""
    assert list(mc.__all__) == sorted(mc.__all__)
    public = {
        name
        for name in dir(mc)
        if not name.startswith("_") and type(getattr(mc, name)).__name__ != "module"
    }
    assert public == set(mc.__all__) - {"__version__"}


def test_contract_names_exist() -> None:
    """The API names DESIGN.md promises are all exported."""
    for name in ("load", "loads", "dump", "dumps", "export", "json_schema", "ContentError"):
        assert name in mc.__all__


def test_import_is_light() -> None:
    """Importing the package does not import WeasyPrint or ebooklib (to_pdf/to_epub load lazily)."""
    code = (
        "import sys, messenger_content\n"
        "heavy = [m for m in ('weasyprint', 'ebooklib') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_export_passes_context_options_only_where_taken(tmp_path: Path) -> None:
    """export() takes base_dir/allow_remote for every format; text formats simply ignore them."""
    article = mc.Article(headline="H", body=[mc.Paragraph(text="Body text.")])
    for name in ("txt", "md", "html"):
        target = mc.export(article, tmp_path / f"a.{name}", base_dir=tmp_path, allow_remote=False)
        assert "Body text." in target.read_text(encoding="utf-8")
    with pytest.raises(TypeError):
        mc.export(article, "txt", widht=40)
