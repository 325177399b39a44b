"""The runnable scripts in examples/: each runs from a clean folder and writes what it says."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from pypdf import PdfReader

import messenger_content as mc

EXAMPLES = Path(__file__).parent.parent / "examples"


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run examples/<name> with this interpreter in *cwd*."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_build_in_python(tmp_path: Path) -> None:
    """build_in_python.py writes the article's JSON, a self-contained HTML, Markdown and text."""
    result = run_script("build_in_python.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "riverside-library-reopens.json",
        "riverside.html",
        "riverside.md",
        "riverside.txt",
        "riverside_files",  # the Markdown's images
    ]
    article = mc.load(out / "riverside-library-reopens.json")
    assert article.headline == "Riverside library reopens after two-year rebuild"
    assert "data:image/jpeg;base64," in (out / "riverside.html").read_text()
    assert "refused as expected: href: javascript:" in result.stdout


@pytest.mark.slow
def test_convert_to_pdf_and_epub(tmp_path: Path) -> None:
    """convert_to_pdf_and_epub.py writes a PDF and an EPUB of the Messenger article."""
    result = run_script("convert_to_pdf_and_epub.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    stem = "kim-kardashian-urges-biden-to-stop-another-armenian-genocide"
    pdf = tmp_path / "out" / f"{stem}.pdf"
    assert len(PdfReader(pdf).pages) >= 1
    with zipfile.ZipFile(tmp_path / "out" / f"{stem}.epub") as book:
        assert book.read("mimetype") == b"application/epub+zip"


def test_convert_to_pdf_and_epub_invalid(tmp_path: Path) -> None:
    """Given an invalid article, the script names the problem, exits 2 and writes nothing."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"headline": "", "body": []}))
    result = run_script("convert_to_pdf_and_epub.py", str(bad), "out", cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: headline: must not be empty" in result.stderr
    assert not (tmp_path / "out").exists()


def test_embed_in_a_cms(tmp_path: Path) -> None:
    """embed_in_a_cms.py writes schema-valid JSON for good records and reports the bad one."""
    result = run_script("embed_in_a_cms.py", str(tmp_path / "json"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "imported 2, skipped 1" in result.stdout
    assert "cms:sponsored: body[0].text[0].href: javascript: links are not allowed" in result.stderr
    written = sorted((tmp_path / "json").iterdir())
    assert [p.name for p in written] == ["council-meets.json", "harbour-ferry-timetable.json"]
    validator = jsonschema.Draft202012Validator(mc.json_schema())
    for path in written:
        document = json.loads(path.read_text())
        validator.validate(document)
        assert mc.dumps(mc.load(path)) == path.read_text()
