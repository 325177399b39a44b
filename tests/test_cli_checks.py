"""What `validate` and `convert` check beyond the format: images, folders, hints, --strict."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content.checks import href_hint, image_problems, link_hints
from messenger_content.cli import main
from tests.helpers.articles import PHOTO, article_json, leftovers, write_article


def with_image(folder: Path, src: str, *, where: str = "body") -> Path:
    """Write an article naming image *src* (in the body, as the lead image, or as the logo)."""
    document = article_json(1)
    image = {"src": src, "alt": "A photo"}
    if where == "body":
        document["body"].append({"type": "image", **image})
    elif where == "lead_image":
        document["lead_image"] = image
    else:
        document["publication"] = {"name": "The Courier", "logo": image}
    return write_article(folder / "article.json", document)


def with_link(folder: Path, href: str) -> Path:
    """Write an article whose first paragraph links to *href*."""
    document = article_json(1)
    document["body"][0]["text"] = ["Read ", {"type": "link", "href": href, "text": "this"}, "."]
    return write_article(folder / "article.json", document)


# --- images --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("src", "where", "path", "message"),
    [
        ("harbor.jpg", "body", "body[3].src", "image 'harbor.jpg' not found in {folder}"),
        ("harbor.jpg", "lead_image", "lead_image.src", "image 'harbor.jpg' not found in {folder}"),
        (
            "harbor.jpg",
            "logo",
            "publication.logo.src",
            "image 'harbor.jpg' not found in {folder}",
        ),
        ("../photo.jpg", "body", "body[3].src", "the path leads outside {folder}"),
        ("%2e%2e/photo.jpg", "body", "body[3].src", "the path leads outside {folder}"),
        ("notes.jpg", "body", "body[3].src", "is not a PNG, JPEG, GIF or WebP image"),
        ("empty.png", "body", "body[3].src", "image 'empty.png' is empty"),
        ("https://example.com/a.jpg", "body", "body[3].src", "remote images are not fetched"),
    ],
)
def test_validate_reads_every_image(
    src: str,
    where: str,
    path: str,
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bad image is an error with its JSON path and the folder it was looked for in: exit 2."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "story"
    (tmp_path / "photo.jpg").write_bytes(PHOTO.read_bytes())
    folder.mkdir()
    (folder / "notes.jpg").write_text("not an image")
    (folder / "empty.png").write_bytes(b"")
    article = with_image(folder, src, where=where)
    assert main(["validate", str(article)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"{article}: {path}: image {src!r}")
    assert message.format(folder="story") in line


def test_an_absolute_image_path_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An absolute path names a file outside the article's folder: an error even if it exists."""
    (tmp_path / "photo.jpg").write_bytes(PHOTO.read_bytes())
    article = with_image(tmp_path / "story", str(tmp_path / "photo.jpg"))
    assert main(["validate", str(article)]) == 2
    assert f"{article}: body[3].src: image '{tmp_path / 'photo.jpg'}'" in capsys.readouterr().err


def test_no_resources_checks_the_format_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--no-resources leaves the images alone: a missing one does not make the article invalid."""
    article = with_image(tmp_path, "harbor.jpg")
    assert main(["validate", "--no-resources", str(article)]) == 0
    assert capsys.readouterr().out == f"{article}: valid\n"


def test_base_dir_for_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """From standard input images resolve against the current folder, or --base-dir."""
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "photo.jpg").write_bytes(PHOTO.read_bytes())
    article = with_image(tmp_path / "text", "photo.jpg")
    monkeypatch.chdir(tmp_path)

    def validate(*args: str) -> int:
        with article.open(encoding="utf-8") as stream:
            monkeypatch.setattr(sys, "stdin", stream)
            return main(["validate", "-", *args])

    assert validate() == 2
    assert "<stdin>: body[3].src: image 'photo.jpg' not found in ." in capsys.readouterr().err
    assert validate("--base-dir", "photos") == 0
    assert capsys.readouterr().out == "<stdin>: valid\n"


def test_base_dir_for_files_and_convert(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--base-dir works for files too, and for convert from standard input."""
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "photo.jpg").write_bytes(PHOTO.read_bytes())
    article = with_image(tmp_path / "text", "photo.jpg")
    assert main(["validate", "-q", str(article)]) == 2
    assert main(["validate", "-q", str(article), "--base-dir", str(tmp_path / "photos")]) == 0
    out = tmp_path / "page.html"
    with article.open(encoding="utf-8") as stream:
        monkeypatch.setattr(sys, "stdin", stream)
        args = ["convert", "-", "-o", str(out), "--embed-images"]
        assert main([*args, "--base-dir", str(tmp_path / "photos")]) == 0
    assert "data:image/jpeg;base64," in out.read_text(encoding="utf-8")
    folder = f"{tmp_path / 'out'}/"
    args = ["convert", str(article), "-t", "html", "-o", folder, "--embed-images", "-q"]
    assert main([*args, "--base-dir", str(tmp_path / "photos")]) == 0


def test_convert_reports_an_image_error_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One missing image and three formats: one error line with the JSON path, exit 2, no file."""
    article = with_image(tmp_path / "in", "harbor.jpg")
    out = tmp_path / "out"
    assert main(["convert", str(article), "-t", "html,epub,pdf", "-o", f"{out}/"]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert errors == [f"{article}: body[3].src: image 'harbor.jpg' not found in {tmp_path}/in"]
    assert not out.exists() or list(out.iterdir()) == []
    assert leftovers(tmp_path) == []


def test_convert_to_text_does_not_read_images(tmp_path: Path) -> None:
    """Plain text shows no image, so a missing one does not stop it."""
    article = with_image(tmp_path / "in", "harbor.jpg")
    assert main(["convert", str(article), "-o", str(tmp_path / "a.txt")]) == 0


def test_a_source_named_twice_is_reported_once(tmp_path: Path) -> None:
    """The same missing source in two places: one problem at the first, naming the other."""
    document = article_json(1)
    document["lead_image"] = {"src": "gone.png"}
    document["body"].append({"type": "image", "src": "gone.png"})
    document["body"].append({"type": "image", "src": "other.png"})
    article = mc.loads(json.dumps(document))
    problems = image_problems(article, tmp_path)
    assert [(problem.path, problem.message[-29:]) for problem in problems] == [
        ("lead_image.src", f"{tmp_path} (also at body[3].src)"[-29:]),
        ("body[4].src", f"image 'other.png' not found in {tmp_path}"[-29:]),
    ]


# --- folders -------------------------------------------------------------------------------------


def test_folder_mode_skips_a_json_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema saved beside the articles is skipped with one line; the articles are checked."""
    folder = tmp_path / "archive"
    article = write_article(folder / "a.json", article_json(1))
    schema = folder / "article.schema.json"
    schema.write_text(json.dumps(mc.json_schema()), encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{article}: valid\n"
    assert captured.err == f"skipped {schema} (not an article: a JSON Schema)\n"
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-t", "txt", "-o", f"{out}/"]) == 0
    assert capsys.readouterr().err.startswith(f"skipped {schema} (not an article: a JSON Schema)\n")
    assert sorted(path.name for path in out.iterdir()) == ["story-1.txt"]


def test_folder_mode_skips_json_without_headline_or_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Other JSON (settings, a list) is skipped too; a broken article is still an error."""
    folder = tmp_path / "archive"
    write_article(folder / "a.json", article_json(1))
    write_article(folder / "settings.json", {"theme": "dark"})
    (folder / "list.json").write_text("[1, 2]")
    (folder / "broken.json").write_text('{"headline": "x",')
    assert main(["validate", "--json", str(folder)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["skipped"] == [
        {"file": str(folder / "list.json"), "reason": "not an article: a JSON array"},
        {"file": str(folder / "settings.json"), "reason": "not an article: no headline or body"},
    ]
    assert [entry["file"] for entry in report["files"]] == [
        str(folder / "a.json"),
        str(folder / "broken.json"),
    ]


def test_a_named_file_is_never_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A schema named on the command line is validated as an article (and fails)."""
    schema = tmp_path / "article.schema.json"
    schema.write_text(json.dumps(mc.json_schema()), encoding="utf-8")
    assert main(["validate", str(schema)]) == 2
    assert "skipped" not in capsys.readouterr().err


def test_glob_chooses_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--glob matches paths inside the folder, e.g. one article.json per sub-folder."""
    folder = tmp_path / "archive"
    first = write_article(folder / "one" / "article.json", article_json(1))
    second = write_article(folder / "two" / "article.json", article_json(2))
    write_article(folder / "two" / "notes.json", {"todo": []})
    assert main(["validate", "-r", "--glob", "*/article.json", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{first}: valid\n{second}: valid\n"
    assert captured.err == ""
    assert main(["validate", "-r", "--glob", "*.md", str(folder)]) == 2
    assert "no files match '*.md' in it or its sub-folders" in capsys.readouterr().err


# --- hints ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("href", "hint"),
    [
        ("www.example.com", "looks like a host name; write https://www.example.com"),
        ("example.com/news/today", "looks like a host name; write https://example.com/news/today"),
        ("WWW.Example.org", "looks like a host name"),
        ("news.bbc.co.uk", "looks like a host name"),
        ("jane@example.com", "looks like an email address; write mailto:jane@example.com"),
        ("page.html", None),
        ("docs/page.html", None),
        ("index.php?id=3", None),
        ("/about", None),
        ("./www.example.com", None),
        ("#top", None),
        ("https://www.example.com", None),
        ("mailto:jane@example.com", None),
        ("v1.2/notes", None),
    ],
)
def test_href_hints(href: str, hint: str | None) -> None:
    """Relative links that read as a host name or an email address get a hint; others none."""
    found = href_hint(href)
    if hint is None:
        assert found is None
    else:
        assert found is not None
        assert hint in found


def test_link_hints_name_the_json_path() -> None:
    """Hints carry the path of the link: inline (nested too), quote and related-story URLs."""
    document: dict[str, Any] = article_json(1)
    document["body"][0]["text"] = [
        "See ",
        {"type": "strong", "text": [{"type": "link", "href": "www.a.com", "text": "a"}]},
    ]
    document["body"][2]["url"] = "b.org/quote"
    document["body"].append({"type": "related_link", "title": "More", "url": "www.c.net"})
    document["body"].append({"type": "list", "items": ["x", [{"type": "link", "href": "d.io"}]]})
    article = mc.loads(json.dumps(document))
    assert [problem.path for problem in link_hints(article)] == [
        "body[0].text[1].text[0].href",
        "body[2].url",
        "body[3].url",
        "body[4].items[1][0].href",
    ]


def test_warnings_do_not_change_the_exit_code_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`validate` and `convert` warn on stderr and exit 0; with --strict they exit 2."""
    article = with_link(tmp_path, "www.example.com")
    warning = (
        f"{article}: body[0].text[1].href: warning: 'www.example.com' is a relative link"
        " that looks like a host name; write https://www.example.com for a link to that site"
    )
    assert main(["validate", str(article)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{article}: valid\n"
    assert captured.err == f"{warning}\n"
    assert main(["validate", "--strict", str(article)]) == 2
    assert capsys.readouterr().out == ""

    out = tmp_path / "a.html"
    assert main(["convert", str(article), "-o", str(out)]) == 0
    assert capsys.readouterr().err == f"{warning}\n"
    assert out.exists()
    out.unlink()
    assert main(["convert", str(article), "-o", str(out), "--strict"]) == 2
    assert "looks like a host name" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_key_suggestion_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A misspelt key names the key it probably is, at its JSON path."""
    document = article_json(1)
    document["headlne"] = document.pop("headline")
    article = write_article(tmp_path / "a.json", document)
    assert main(["validate", str(article)]) == 2
    err = capsys.readouterr().err
    assert f"{article}: headlne: unknown key 'headlne' (did you mean 'headline'?)" in err


def test_relative_messages_name_folders_relative_to_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from a parent folder, the message names the article's folder as typed."""
    article = with_image(tmp_path / "examples" / "ferry", "harbor.jpg")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", os.path.relpath(article)]) == 2
    assert capsys.readouterr().err == (
        "examples/ferry/article.json: body[3].src: image 'harbor.jpg' not found in examples/ferry\n"
    )


def test_the_batch_runs_the_check_once_per_article(tmp_path: Path) -> None:
    """convert_many(check=ArticleCheck()): one failure without a format, warnings in the result."""
    from messenger_content.batch import convert_many
    from messenger_content.checks import ArticleCheck

    broken = with_image(tmp_path / "broken", "harbor.jpg")
    linked = with_link(tmp_path / "linked", "www.example.com")
    out = tmp_path / "out"
    report = convert_many(
        [broken, linked], ["html", "epub"], out, jobs=0, check=ArticleCheck(), skip_existing=False
    )
    first, second = report.results
    (failure,) = first.failures
    assert (failure.format, failure.kind) == (None, "invalid")
    assert failure.messages == (f"body[3].src: image 'harbor.jpg' not found in {broken.parent}",)
    assert first.written == ()
    assert [problem.path for problem in second.warnings] == ["body[0].text[1].href"]
    assert len(second.written) == 2
