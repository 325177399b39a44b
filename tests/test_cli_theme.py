"""`messenger-content theme export DIR`: the default theme as a starting point."""

from __future__ import annotations

import zipfile
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


def _convert(folder: Path, name: str, *theme_args: str) -> Path:
    out = folder / name
    assert main(["convert", str(EXAMPLE), "-o", str(out), "--embed-images", *theme_args]) == 0
    return out


def test_the_exported_theme_renders_the_same_html(tmp_path: Path) -> None:
    """Converting with --template-dir pointing at the export gives the same page."""
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder), "-q"]) == 0
    plain = _convert(tmp_path, "plain.html")
    themed = _convert(tmp_path, "themed.html", "--template-dir", str(folder))
    assert themed.read_bytes() == plain.read_bytes()


def test_the_exported_theme_renders_the_same_book_without_the_claim(tmp_path: Path) -> None:
    """With the exported theme the book is the same, but claims no conformance it cannot vouch for.

    A theme of one's own can change what the checks behind the claim cannot see
    (colours, hidden text), so the EPUB exporter makes the claim for its own theme only.
    """
    folder = tmp_path / "my-theme"
    assert main(["theme", "export", str(folder), "-q"]) == 0
    plain = zipfile.ZipFile(_convert(tmp_path, "plain.epub"))
    themed = zipfile.ZipFile(_convert(tmp_path, "themed.epub", "--template-dir", str(folder)))
    assert themed.namelist() == plain.namelist()
    package = "EPUB/content.opf"
    for name in plain.namelist():
        if name != package:
            assert themed.read(name) == plain.read(name), name
    assert b"dcterms:conformsTo" in plain.read(package)
    assert b"dcterms:conformsTo" not in themed.read(package)


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
