"""`convert` reads a saved web page: with ``--from html``, by detecting it, and by URL."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("trafilatura", reason="needs messenger-content[web]")

DATA = Path(__file__).parent / "data"
SALON = DATA / "web" / "salon.com.emissions.html"
SALON_HEADLINE = "Despite everything, U.S. emissions dipped in 2019"


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "messenger_content", *argv],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_convert_from_html_to_json(tmp_path: Path) -> None:
    """`convert PAGE.html --from html -t json` writes our article format with its headline."""
    target = tmp_path / "out.json"
    result = _run("convert", str(SALON), "--from", "html", "-t", "json", "-o", str(target))
    assert result.returncode == 0, result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["headline"] == SALON_HEADLINE
    assert data["authors"][0]["name"] == "Nathanael Johnson"


def test_convert_detects_a_page_and_writes_json(tmp_path: Path) -> None:
    """Without --from, an HTML page is detected from its content."""
    target = tmp_path / "out.json"
    result = _run("convert", str(SALON), "-t", "json", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["headline"] == SALON_HEADLINE


def test_convert_detects_a_page_and_writes_epub(tmp_path: Path) -> None:
    """`convert PAGE.html -t epub` makes a book whose title is the page's headline."""
    page = tmp_path / "page.html"
    shutil.copy(DATA / "hostile" / "photo.png", tmp_path / "photo.png")
    paragraph = "<p>The council met on Tuesday to discuss the night bus timetable again.</p>"
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Night buses return to the northern villages",
            "author": {"@type": "Person", "name": "Ana Lopes"},
            "datePublished": "2024-03-01T10:00:00+01:00",
        }
    )
    page.write_text(
        f'<!DOCTYPE html><html lang="en"><head><title>Night buses</title>'
        f'<script type="application/ld+json">{ld}</script></head><body><article>'
        f"<h1>Night buses return to the northern villages</h1>{paragraph * 3}"
        '<figure><img src="photo.png" alt="The 23 at the depot"></figure>'
        f"{paragraph * 3}</article></body></html>",
        encoding="utf-8",
    )
    target = tmp_path / "x.epub"
    result = _run("convert", str(page), "-t", "epub", "-o", str(target))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(target) as book:
        package = book.read("EPUB/content.opf").decode("utf-8")
    assert "Night buses return to the northern villages" in package


def test_a_url_input_needs_allow_remote(tmp_path: Path) -> None:
    """A URL input is not fetched without --allow-remote: exit 2, nothing written."""
    result = _run(
        "convert",
        "https://example.org/news/story.html",
        "-t",
        "json",
        "-o",
        str(tmp_path / "a.json"),
    )
    assert result.returncode == 2
    assert "a URL is fetched only with --allow-remote" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_url_input_follows_the_image_policy(tmp_path: Path) -> None:
    """With --allow-remote a URL input is fetched as images are: a loopback host is refused."""
    target = tmp_path / "a.json"
    result = _run(
        "convert",
        "--allow-remote",
        "http://127.0.0.1:9/story.html",
        "-t",
        "json",
        "-o",
        str(target),
    )
    assert result.returncode == 2
    assert "127.0.0.1" in result.stderr
    assert not target.exists()
