"""Malformed editions: each is one ContentError naming the file and the JSON path.

``tests/data/editions/`` holds one edition file per case and ``cases.json``,
which gives for each the JSON path its one problem must name, a few words of
the message, and whether the JSON Schema can refuse it too (a missing file or
an error inside an article file is known only to the loader). The article
files the cases name are in ``tests/data/editions/articles/``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import messenger_content as mc

DATA = Path(__file__).parent / "data" / "editions"
INDEX: dict[str, Any] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
INVALID: dict[str, dict[str, Any]] = INDEX["invalid"]
VALIDATOR = Draft202012Validator(mc.edition_json_schema())


def test_there_are_enough_cases() -> None:
    """The corpus has at least 15 cases, and a file for each (and a case for each file)."""
    assert len(INVALID) >= 15
    assert sorted(INVALID) == sorted(path.name for path in DATA.glob("bad-*.json"))


@pytest.mark.parametrize("name", sorted(INVALID))
def test_malformed_edition_names_file_and_path(name: str) -> None:
    """The loader refuses the case with one problem at its path, in a message naming the file."""
    case = INVALID[name]
    file = DATA / name
    with pytest.raises(mc.ContentError) as caught:
        mc.load_edition(file)
    error = caught.value
    assert isinstance(error, mc.ValidationError), repr(error)
    assert [problem.path for problem in error.problems] == [case["path"]], str(error)
    assert case["message"] in error.problems[0].message, str(error)
    where = f"{file}: {case['path']}: " if case["path"] else f"{file}: "
    assert str(error).startswith(where), str(error)


@pytest.mark.parametrize("name", sorted(n for n, case in INVALID.items() if case["schema"]))
def test_schema_refuses_the_malformed_edition(name: str) -> None:
    """Each case the schema can judge (no file system needed) is invalid against it too."""
    document = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert not VALIDATOR.is_valid(document)


@pytest.mark.parametrize(
    "name", sorted(n for n, case in INVALID.items() if case["schema"] is False)
)
def test_schema_accepts_what_only_the_files_refuse(name: str) -> None:
    """A case refused for what is on disk (a missing or broken file) is valid to the schema."""
    document = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert VALIDATOR.is_valid(document), [e.message for e in VALIDATOR.iter_errors(document)]


def test_every_problem_is_listed(tmp_path: Path) -> None:
    """An edition with several bad articles lists every problem, each at its own path."""
    (tmp_path / "broken.json").write_text(
        json.dumps({"headline": "", "body": [{"type": "paragraph", "text": ""}]}),
        encoding="utf-8",
    )
    edition = {
        "title": "",
        "sections": [
            {"title": "One", "articles": ["missing.json", "broken.json"]},
            {"title": "Two", "articles": [{"headline": "H", "body": [], "x": 1}]},
        ],
    }
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads_edition(json.dumps(edition), base_dir=tmp_path, source="e.json")
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        ("title", "must not be empty"),
        ("sections[0].articles[0]", "'missing.json' not found next to the edition"),
        ("sections[0].articles[1]", "broken.json: headline: must not be empty"),
        ("sections[0].articles[1]", "broken.json: body[0].text: must not be empty"),
        (
            "sections[1].articles[0].x",
            "unknown key 'x' (expected one of: authors, body, corrections, dateline, headline, id,"
            " language, lead_image, publication, published, rights, section, subheadline, summary,"
            " tags, updated, url)",
        ),
    ]
    assert str(caught.value).startswith("e.json: title: must not be empty\n")


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A path that leaves the edition's folder through a symbolic link is refused."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "article.json").write_text('{"headline": "H", "body": []}', encoding="utf-8")
    folder = tmp_path / "edition"
    folder.mkdir()
    try:
        (folder / "link").symlink_to(outside, target_is_directory=True)
    except OSError as error:
        pytest.skip(f"cannot make a symbolic link here: {error}")
    (folder / "edition.json").write_text(
        json.dumps({"title": "T", "articles": ["link/article.json"]}), encoding="utf-8"
    )
    with pytest.raises(mc.ValidationError) as caught:
        mc.load_edition(folder / "edition.json")
    assert [problem.path for problem in caught.value.problems] == ["articles[0]"]
    assert "leads outside the edition's folder" in caught.value.problems[0].message


def test_a_path_needs_the_editions_folder() -> None:
    """Text loaded without base_dir cannot name articles by path: the error says so."""
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads_edition(json.dumps({"title": "T", "articles": ["a/article.json"]}))
    assert caught.value.path == "articles[0]"
    assert "base_dir=" in caught.value.problems[0].message
