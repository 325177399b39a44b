"""``messenger-content edition``: an edition from an edition file, or from articles and sections."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import re
import signal
from pathlib import Path

import lxml.html
import pypdf
import pytest

from messenger_content.cli import EXIT_FAILED, EXIT_INVALID, EXIT_OK, main
from tests.helpers.articles import (
    article_json,
    invalid_article,
    leftovers,
    write_article,
    write_articles,
)
from tests.helpers.cli import run_cli, run_on_terminal
from tests.helpers.edition_pages import MORNING, two_folder_edition


def _headlines(html: Path) -> list[str]:
    tree = lxml.html.fromstring(html.read_text(encoding="utf-8"))
    return [h.text_content() for h in tree.find_class("headline")]


def _articles(folder: Path) -> list[Path]:
    """Three articles in folders of their own: a/article.json, b/article.json, c/article.json."""
    return [
        write_article(folder / name / "article.json", article_json(number))
        for number, name in enumerate("abc", start=1)
    ]


def test_edition_file_to_html_and_pdf_in_a_folder(tmp_path: Path) -> None:
    """An edition file renders to every format asked for, named by its id, images copied."""
    code, errors = run_cli(["edition", str(MORNING), "-t", "html,pdf", "-o", f"{tmp_path}/out/"])
    assert code == EXIT_OK, errors
    stem = tmp_path / "out" / "harbourton-morning-2026-12-07"
    assert len(_headlines(stem.with_suffix(".html"))) == 4
    assert len(pypdf.PdfReader(stem.with_suffix(".pdf")).pages) > 4
    tree = lxml.html.fromstring(stem.with_suffix(".html").read_text(encoding="utf-8"))
    for img in tree.iterfind(".//img"):
        assert (stem.parent / img.get("src")).is_file()


def test_built_edition_has_sections_in_the_order_given(tmp_path: Path) -> None:
    """--section NAME starts a section; the inputs after it, files or folders, go into it."""
    a, b, c = _articles(tmp_path)
    out = tmp_path / "week.html"
    code, errors = run_cli(
        ["edition", "--title", "The Week", "--date", "2026-12-07",
         "--section", "First", str(c), str(a.parent),
         "--section", "Second", str(b), "-t", "html", "-o", str(out)]
    )  # fmt: skip
    assert code == EXIT_OK, errors
    assert _headlines(out) == ["Story number 3", "Story number 1", "Story number 2"]
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    sections = [s.text_content() for s in tree.find_class("edition-section-title")]
    assert sections == ["First", "Second"]
    assert tree.find_class("edition-issued")[0].find("time").get("datetime") == "2026-12-07"


def test_built_edition_without_sections_keeps_the_order(tmp_path: Path) -> None:
    """Without --section, the articles follow in the order given, in one PDF."""
    a, b, c = _articles(tmp_path)
    out = tmp_path / "digest.pdf"
    code, errors = run_cli(["edition", "--title", "Digest", str(b), str(c), str(a), "-o", str(out)])
    assert code == EXIT_OK, errors
    reader = pypdf.PdfReader(out)
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "Story number 2",
        "Story number 3",
        "Story number 1",
    ]


def test_the_same_article_twice_is_included_once_with_a_note(tmp_path: Path) -> None:
    """A repeated article is left out where it repeats, and stderr says so."""
    a, b, _ = _articles(tmp_path)
    out = tmp_path / "e.html"
    code, errors = run_cli(
        ["edition", "--title", "T", str(a), str(b), str(a), "-t", "html", "-o", str(out)]
    )
    assert code == EXIT_OK, errors
    assert _headlines(out) == ["Story number 1", "Story number 2"]
    assert any("note:" in line and "same file" in line for line in errors), errors


def test_invalid_articles_fail_with_every_problem_and_nothing_written(tmp_path: Path) -> None:
    """Two bad inputs: exit 2, each named by file and JSON path, and no file written."""
    a, _, _ = _articles(tmp_path)
    bad = invalid_article(tmp_path / "bad")
    out = tmp_path / "out"
    code, errors = run_cli(
        ["edition", "--title", "T", str(a), str(bad), str(tmp_path / "missing.json"),
         "-t", "html,pdf", "-o", f"{out}/"]
    )  # fmt: skip
    assert code == EXIT_INVALID
    problems = [line for line in errors if "error:" in line]
    assert len(problems) == 2, errors
    assert "articles[1]" in problems[0]
    assert "bad.json" in problems[0]
    assert "body[1]" in problems[0]
    assert "articles[2]" in problems[1]
    assert "missing.json" in problems[1]
    assert not out.exists() or list(out.iterdir()) == []


def test_invalid_edition_file_names_the_path(tmp_path: Path) -> None:
    """An edition file naming a missing article: exit 2, the JSON path in the message."""
    edition = tmp_path / "edition.json"
    edition.write_text(json.dumps({"title": "T", "articles": ["gone.json"]}), encoding="utf-8")
    code, errors = run_cli(["edition", str(edition), "-t", "html", "-o", str(tmp_path / "e.html")])
    assert code == EXIT_INVALID
    assert any("articles[0]" in line and "gone.json" in line for line in errors), errors
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "e.html").exists()


def test_one_file_output_must_match_the_format(tmp_path: Path) -> None:
    """-o FILE with a suffix that is not the format's is a usage error (exit 2)."""
    code, errors = run_cli(["edition", str(MORNING), "-t", "pdf", "-o", str(tmp_path / "e.html")])
    assert code == EXIT_INVALID
    assert any(".pdf" in line for line in errors), errors
    assert list(tmp_path.iterdir()) == []


def test_inputs_before_the_first_section_are_refused(tmp_path: Path) -> None:
    """An edition has articles or sections: an input before --section is a usage error."""
    a, b, _ = _articles(tmp_path)
    code, errors = run_cli(
        ["edition", "--title", "T", str(a), "--section", "S", str(b), "-t", "html", "-o", "-"]
    )
    assert code == EXIT_INVALID
    assert any("--section" in line for line in errors), errors


def test_html_goes_to_standard_output(tmp_path: Path) -> None:
    """One format and no -o: the page is written to standard output."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["edition", str(MORNING), "-t", "html"])
    assert code == EXIT_OK
    assert "The Morning Edition" in out.getvalue()


def test_embed_images_makes_one_file(tmp_path: Path) -> None:
    """--embed-images: every image is a data: URI and no folder is written beside the page."""
    source = tmp_path / "in"
    edition = two_folder_edition(source)
    out = tmp_path / "out" / "page.html"
    code, errors = run_cli(["edition", str(edition), "--embed-images", "-o", str(out)])
    assert code == EXIT_OK, errors
    tree = lxml.html.fromstring(out.read_text(encoding="utf-8"))
    assert all(img.get("src").startswith("data:") for img in tree.iterfind(".//img"))
    assert sorted(p.name for p in out.parent.iterdir()) == ["page.html"]


def test_shared_image_is_copied_once_from_the_command_line(tmp_path: Path) -> None:
    """Two articles in two folders with the same photo: one copy beside the page."""
    source = tmp_path / "in"
    edition = two_folder_edition(source)
    out = tmp_path / "out" / "page.html"
    code, errors = run_cli(["edition", str(edition), "-o", str(out)])
    assert code == EXIT_OK, errors
    assert len(list((out.parent / "page_files").iterdir())) == 1


def test_a_refused_image_leaves_nothing_behind(tmp_path: Path) -> None:
    """An image that cannot be read fails the edition (exit 2) and writes no file."""
    source = tmp_path / "in"
    edition = two_folder_edition(source)
    (source / "story-2" / "photo.jpg").unlink()
    out = tmp_path / "out"
    code, _ = run_cli(["edition", str(edition), "-t", "html,pdf", "-o", f"{out}/"])
    assert code == EXIT_INVALID
    assert not out.exists() or list(out.rglob("*")) == []


def test_a_successful_edition_is_silent_and_verbose_names_the_files(tmp_path: Path) -> None:
    """Like convert, a successful edition prints nothing; -v names each file written."""
    code, errors = run_cli(["edition", str(MORNING), "-t", "txt,md", "-o", f"{tmp_path}/a/"])
    assert code == EXIT_OK
    assert errors == []
    code, errors = run_cli(["edition", str(MORNING), "-t", "txt,md", "-o", f"{tmp_path}/b/", "-v"])
    assert code == EXIT_OK
    stem = tmp_path / "b" / "harbourton-morning-2026-12-07"
    assert errors == [
        f"messenger-content: wrote {stem}.txt",
        f"messenger-content: wrote {stem}.md",
    ]


def test_markdown_edition_images_resolve_from_where_it_is_written(tmp_path: Path) -> None:
    """The Markdown edition's images are copied beside it, and every image path exists."""
    out = tmp_path / "out" / "morning.md"
    code, errors = run_cli(["edition", str(MORNING), "-o", str(out)])
    assert code == EXIT_OK, errors
    paths = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", out.read_text(encoding="utf-8"))
    assert paths
    assert all(path.startswith("morning_files/") for path in paths), paths
    assert all((out.parent / path).is_file() for path in paths)


# --- as convert: progress, interruption, standard output, exit codes -------------------


def test_progress_bar_on_a_terminal_names_the_format(tmp_path: Path) -> None:
    """On a terminal, a bar follows the formats, naming the one being rendered."""
    code, text = run_on_terminal(["edition", str(MORNING), "-t", "txt,pdf", "-o", f"{tmp_path}/"])
    assert code == EXIT_OK, text
    assert "rendering pdf" in text
    assert "2/2" in text
    assert "eta" not in text  # an edition's formats take too unequal times to foretell
    assert (tmp_path / "harbourton-morning-2026-12-07.pdf").is_file()


def test_no_progress_bar_off_a_terminal_or_when_quiet(tmp_path: Path) -> None:
    """Off a terminal there is no bar, and -q also drops the note about a repeated article."""
    a, b, _ = _articles(tmp_path)
    argv = ["edition", "--title", "T", str(a), str(b), str(a), "-t", "txt,md", "-o"]
    code, errors = run_cli([*argv, f"{tmp_path}/out/"])
    assert code == EXIT_OK
    assert len(errors) == 1, errors
    assert "note:" in errors[0]
    code, text = run_on_terminal([*argv, f"{tmp_path}/quiet/", "-q"])
    assert code == EXIT_OK
    assert text == ""
    assert len(list((tmp_path / "quiet").glob("edition.*"))) == 2


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signal_number", "said"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "stopped by SIGTERM")],
)
def test_a_signal_while_rendering_leaves_nothing(
    tmp_path: Path, signal_number: int, said: str
) -> None:
    """SIGINT or SIGTERM during the PDF: exit 128 + signal, one line, no file, no temporary file."""
    write_articles(tmp_path / "in", 30, image=True)
    out = tmp_path / "out"
    code, text = run_on_terminal(
        ["edition", "--title", "T", str(tmp_path / "in"), "-t", "txt,pdf", "-o", f"{out}/"],
        stop_at=b"rendering pdf",
        signal_number=signal_number,
    )
    assert code == 128 + signal_number, text
    assert f"messenger-content: {said}; no partial file was left" in text
    assert "Traceback" not in text
    assert not out.exists() or list(out.rglob("*")) == []
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("format_name", ["txt", "md", "html"])
def test_standard_output_holds_the_edition(tmp_path: Path, format_name: str) -> None:
    """-o - writes the one text format to standard output; its images resolve from the edition."""
    out = io.BytesIO()
    with contextlib.redirect_stdout(io.TextIOWrapper(out, encoding="utf-8")) as stdout:
        code = main(["edition", str(MORNING), "-t", format_name, "-o", "-"])
        stdout.flush()
    assert code == EXIT_OK
    file = tmp_path / f"e.{format_name}"
    assert run_cli(["edition", str(MORNING), "-o", str(file)])[0] == EXIT_OK
    if format_name == "txt":
        assert out.getvalue() == file.read_bytes()
        return
    text = out.getvalue().decode("utf-8")
    sources = re.findall(r'!\[[^\]]*\]\(([^)\s]+)|<img [^>]*src="([^"]+)"', text)
    paths = [path for pair in sources for path in pair if path and not path.startswith("data:")]
    assert len(paths) == 4, paths
    assert all((MORNING.parent / path).is_file() for path in paths), paths


def test_pdf_is_not_written_to_a_terminal(tmp_path: Path) -> None:
    """A binary format on standard output that is a terminal: exit 2, and nothing is rendered."""
    controller, terminal = pty.openpty()
    errors = io.StringIO()
    with (
        os.fdopen(terminal, "w") as stdout,
        contextlib.redirect_stdout(stdout),
        contextlib.redirect_stderr(errors),
    ):
        code = main(["edition", str(MORNING), "-t", "pdf", "-o", "-"])
    os.close(controller)
    assert code == EXIT_INVALID
    assert "pdf is a binary format and standard output is a terminal" in errors.getvalue()


def test_every_missing_image_is_listed_by_its_place_and_nothing_written(tmp_path: Path) -> None:
    """Missing images (two articles, the cover): exit 2, each by its JSON path, no file written."""
    source = tmp_path / "in"
    edition = two_folder_edition(source, cover="cover.jpg")
    for number in (1, 2):
        (source / f"story-{number}" / "photo.jpg").unlink()
    out = tmp_path / "out"
    code, errors = run_cli(["edition", str(edition), "-t", "txt,html,pdf", "-o", f"{out}/"])
    assert code == EXIT_INVALID
    assert [line.split(": ")[3] for line in errors] == [
        "cover_image.src",
        "articles[0].body[3].src",
        "articles[1].body[3].src",
    ], errors
    assert all("not found in" in line for line in errors)
    assert not out.exists()


def test_an_unknown_pdf_variant_is_refused_before_rendering(tmp_path: Path) -> None:
    """--pdf-variant is checked as convert checks it: exit 2, the known variants listed, no file."""
    code, errors = run_cli(
        ["edition", str(MORNING), "-t", "txt,pdf", "-o", f"{tmp_path}/", "--pdf-variant", "pdf/z"]
    )
    assert code == EXIT_INVALID
    assert errors[0].startswith("messenger-content: error: --pdf-variant pdf/z: not one of ")
    assert "pdf/ua-1" in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_cannot_be_written_exits_1_in_one_line(tmp_path: Path) -> None:
    """A folder that is a file: exit 1 (as convert), one line naming it, no traceback, no file."""
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    code, errors = run_cli(["edition", str(MORNING), "-t", "txt,md", "-o", f"{blocker}/x/"])
    assert code == EXIT_FAILED
    assert errors == [f"messenger-content: error: {blocker}/x: Not a directory"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]
