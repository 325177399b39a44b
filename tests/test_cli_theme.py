"""`messenger-content theme export DIR`: the default theme as a starting point."""

from __future__ import annotations

from pathlib import Path

import pytest

from messenger_content import theme
from messenger_content.cli import main
from tests.helpers.articles import ROOT

EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"


def test_export_writes_every_template_and_stylesheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every template and stylesheet of the default theme is copied, byte for byte."""
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder)]) == 0
    written = sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
    assert written == theme.theme_files()
    assert {"document.html", "screen.css", "print.css", "epub.css"} <= {p.name for p in written}
    for name in written:
        assert (folder / name).read_bytes() == (theme.DEFAULT_THEME / name).read_bytes()
    assert f"use them with --template-dir {folder}" in capsys.readouterr().err


@pytest.mark.parametrize("format_", ["html", "epub"])
def test_the_exported_theme_renders_the_same(format_: str, tmp_path: Path) -> None:
    """Converting with --template-dir pointing at the export gives the same bytes."""
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder), "-q"]) == 0
    plain = tmp_path / f"plain.{format_}"
    themed = tmp_path / f"themed.{format_}"
    assert main(["convert", str(EXAMPLE), "-o", str(plain), "--embed-images"]) == 0
    args = ["convert", str(EXAMPLE), "-o", str(themed), "--embed-images"]
    assert main([*args, "--template-dir", str(folder)]) == 0
    assert themed.read_bytes() == plain.read_bytes()


def test_an_edited_export_changes_the_output(tmp_path: Path) -> None:
    """The exported files are the ones used: an edit to screen.css shows in the page."""
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder), "-q"]) == 0
    (folder / "screen.css").write_text("body { color: rebeccapurple }\n", encoding="utf-8")
    out = tmp_path / "a.html"
    assert main(["convert", str(EXAMPLE), "-o", str(out), "--template-dir", str(folder)]) == 0
    assert "rebeccapurple" in out.read_text(encoding="utf-8")


def test_export_refuses_to_overwrite_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Existing theme files are left alone (exit 2, nothing written) unless --force."""
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder), "-q"]) == 0
    (folder / "screen.css").write_text("/* mine */\n", encoding="utf-8")
    (folder / "print.css").unlink()
    assert main(["theme", "export", str(folder)]) == 2
    assert "--force replaces them" in capsys.readouterr().err
    assert (folder / "screen.css").read_text(encoding="utf-8") == "/* mine */\n"
    assert not (folder / "print.css").exists()
    assert main(["theme", "export", str(folder), "--force", "-q"]) == 0
    assert (folder / "screen.css").read_bytes() == (theme.DEFAULT_THEME / "screen.css").read_bytes()
    assert (folder / "print.css").exists()


def test_export_into_a_file_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A DIR that is a file: exit 2, one line, the file left alone."""
    blocker = tmp_path / "blocker"
    blocker.write_text("mine")
    assert main(["theme", "export", str(blocker)]) == 2
    assert f"{blocker}: not a folder" in capsys.readouterr().err
    assert blocker.read_text() == "mine"
