"""Image references that work where a file is written: copied beside it, embedded, or linked."""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest

import messenger_content as mc
from messenger_content.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "kardashian-armenian-genocide"
ARTICLE = EXAMPLE / "article.json"
PHOTO = EXAMPLE / "photo.jpg"

#: A Markdown image: ``![alt](destination)`` or ``![alt](<destination>)``.
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(<?([^)>\s]+)>?\)")


class _Images(HTMLParser):
    """Collects the ``src`` of every ``<img>``."""

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.sources += [value for name, value in attrs if name == "src" and value]


def img_sources(html: str) -> list[str]:
    """The ``src`` of every ``<img>`` in *html*."""
    parser = _Images()
    parser.feed(html)
    return parser.sources


def resolves(page: Path, reference: str) -> bool:
    """Whether a relative *reference* in the file *page* names an existing file."""
    parts = urllib.parse.urlsplit(reference)
    if parts.scheme or parts.netloc:
        return False
    return (page.parent / urllib.parse.unquote(parts.path)).is_file()


def test_the_readmes_first_command_writes_pages_whose_images_resolve(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`convert <example> -t all -o out/`: every HTML <img src> and Markdown image exists."""
    out = tmp_path / "out"
    assert main(["convert", str(ARTICLE), "-t", "all", "-o", f"{out}/"]) == 0, capsys.readouterr()
    (html,) = out.glob("*.html")
    (markdown,) = out.glob("*.md")
    sources = img_sources(html.read_text(encoding="utf-8"))
    destinations = MARKDOWN_IMAGE.findall(markdown.read_text(encoding="utf-8"))
    assert sources
    assert destinations
    for page, references in ((html, sources), (markdown, destinations)):
        for reference in references:
            assert resolves(page, reference), f"{page.name}: {reference}"
    assert set(sources) == set(destinations)  # one folder for both files
    (copied,) = (out / f"{html.stem}_files").iterdir()
    assert copied.read_bytes() == PHOTO.read_bytes()


def test_export_copies_images_beside_the_file_by_default(tmp_path: Path) -> None:
    """export() to a path: images go into <stem>_files/ by content hash, written once."""
    article = mc.load(ARTICLE)
    page = mc.export(article, tmp_path / "page.html", base_dir=EXAMPLE)
    notes = mc.export(article, tmp_path / "page.md", base_dir=EXAMPLE)
    (copied,) = (tmp_path / "page_files").iterdir()
    assert re.fullmatch(r"[0-9a-f]{16}\.jpg", copied.name)
    for path in (page, notes):
        assert f"page_files/{copied.name}" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html", "page.md", "page_files"]


def test_export_embeds_or_links_on_request(tmp_path: Path) -> None:
    """images="embed" makes one file; image_base links at a site; neither copies anything."""
    article = mc.load(ARTICLE)
    page = mc.export(article, tmp_path / "page.html", base_dir=EXAMPLE, images="embed")
    assert all(src.startswith("data:image/jpeg;base64,") for src in img_sources(page.read_text()))
    notes = mc.export(article, tmp_path / "notes.md", base_dir=EXAMPLE, image_base="/media/a")
    assert MARKDOWN_IMAGE.findall(notes.read_text()) == ["/media/a/photo.jpg"]
    linked = mc.export(article, tmp_path / "linked.md", base_dir=EXAMPLE, images="link")
    assert MARKDOWN_IMAGE.findall(linked.read_text()) == ["photo.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked.md", "notes.md", "page.html"]


def test_export_to_bytes_links_and_refuses_copying() -> None:
    """A format name returns bytes with the sources as given; copying needs a path."""
    article = mc.load(ARTICLE)
    data = mc.export(article, "md", base_dir=EXAMPLE)
    assert isinstance(data, bytes)
    assert MARKDOWN_IMAGE.findall(data.decode()) == ["photo.jpg"]
    with pytest.raises(ValueError, match="needs a file path"):
        mc.export(article, "html", images="copy")
    with pytest.raises(ValueError, match="image_base is for images='link'"):
        mc.export(article, "html", images="embed", image_base="https://cdn.example/")


def test_to_html_and_to_markdown_link_images_at_a_base_url() -> None:
    """image_base joins relative sources to the URL, after the resource policy has passed them."""
    article = mc.load(ARTICLE)
    base = "https://cdn.example/2023/kardashian/"
    html = mc.to_html(article, base_dir=EXAMPLE, image_base=base)
    assert img_sources(html) == [f"{base}photo.jpg"]
    markdown = mc.to_markdown(article, base_dir=EXAMPLE, image_base=base.rstrip("/"))
    assert MARKDOWN_IMAGE.findall(markdown) == [f"{base}photo.jpg"]


def test_to_markdown_checks_images_only_when_asked_to_place_them(tmp_path: Path) -> None:
    """With an image option, Markdown's sources go through the policy (no ../ escapes)."""
    article = mc.Article(headline="h", body=[mc.Image(src="../secret.jpg", alt="x")])
    assert "](../secret.jpg)" in mc.to_markdown(article)
    with pytest.raises(mc.ResourceError, match="secret"):
        mc.to_markdown(article, base_dir=tmp_path, embed_images=True)
    with pytest.raises(mc.ResourceError, match="secret"):
        mc.to_markdown(article, base_dir=tmp_path, image_base="https://cdn.example/")


def test_one_way_of_placing_images_at_a_time() -> None:
    """embed_images, image_src and image_base exclude each other."""
    article = mc.load(ARTICLE)
    with pytest.raises(ValueError, match="choose one of embed_images and image_base"):
        mc.to_html(article, embed_images=True, image_base="https://cdn.example/")
    with pytest.raises(ValueError, match="choose one of image_src and image_base"):
        mc.to_markdown(article, image_src=str, image_base="https://cdn.example/")


def test_command_line_embeds_or_links_images_on_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--embed-images puts data: URIs in Markdown too; --image-base links at the site."""
    embedded = tmp_path / "embedded.md"
    assert main(["convert", str(ARTICLE), "-o", str(embedded), "--embed-images"]) == 0
    (destination,) = MARKDOWN_IMAGE.findall(embedded.read_text(encoding="utf-8"))
    assert destination.startswith("data:image/jpeg;base64,")
    linked = tmp_path / "linked.html"
    argv = ["convert", str(ARTICLE), "-o", str(linked), "--image-base", "https://cdn.example/a"]
    assert main(argv) == 0
    assert img_sources(linked.read_text(encoding="utf-8")) == ["https://cdn.example/a/photo.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["embedded.md", "linked.html"]
    assert main(["convert", str(ARTICLE), "-o", str(tmp_path / "a.txt"), "--image-base", "x"]) == 0
    assert "--image-base has no effect on txt" in capsys.readouterr().err
