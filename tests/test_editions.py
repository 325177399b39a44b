"""Editions: the models, the JSON round trip, each article's folder, duplicates and the schema."""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from jsonschema import Draft202012Validator

import messenger_content as mc
from messenger_content.cli import main
from messenger_content.editions import folder_of, read_article, unstructure_edition
from messenger_content.schema import build_edition_schema, render_edition_schema
from tests.strategies import editions

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "editions"
EXAMPLE = ROOT / "examples" / "morning-edition.json"
VALID = [EXAMPLE, *sorted(DATA.glob("valid-*.json"))]
VALIDATOR = Draft202012Validator(mc.edition_json_schema())


def article(headline: str, **fields: Any) -> mc.Article:
    """A small article."""
    return mc.Article(
        headline=headline, body=[mc.Paragraph(text=f"{headline}, in words.")], **fields
    )


def write_article(folder: Path, document: dict[str, Any]) -> Path:
    """Write an article document as ``folder/article.json``; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "article.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --- the models ------------------------------------------------------------------


def test_edition_needs_articles_or_sections_not_both() -> None:
    """An edition holds articles or sections: neither, or both, is a ValidationError."""
    with pytest.raises(mc.ValidationError, match="at least one article"):
        mc.Edition(title="T")
    with pytest.raises(mc.ValidationError, match="not both"):
        mc.Edition(
            title="T",
            articles=[article("A")],
            sections=[mc.Section(title="S", articles=[article("B")])],
        )


def test_section_needs_an_article() -> None:
    """A section without articles is refused, naming the field."""
    with pytest.raises(mc.ValidationError) as caught:
        mc.Section(title="S", articles=[])
    assert caught.value.path == "articles"


def test_bare_articles_use_the_editions_folder() -> None:
    """An Article given bare becomes an entry without a folder of its own."""
    edition = mc.Edition(title="T", articles=[article("A")])
    assert edition.articles == (mc.EditionArticle(article=article("A")),)
    assert edition.articles[0].folder is None


def test_a_relative_folder_may_not_climb_out() -> None:
    """A relative folder with '..' is refused; '.' is the edition's folder itself."""
    with pytest.raises(mc.ValidationError, match=r"'\.\.'"):
        mc.EditionArticle(article=article("A"), folder="pictures/../..")
    assert mc.EditionArticle(article=article("A"), folder=".").folder is None


def test_all_articles_flattens_sections_in_order() -> None:
    """all_articles lists every article in reading order, sections flattened."""
    edition = mc.Edition(
        title="T",
        sections=[
            mc.Section(title="One", articles=[article("A"), article("B")]),
            mc.Section(title="Two", articles=[article("C")]),
        ],
    )
    assert [entry.article.headline for entry in edition.all_articles] == ["A", "B", "C"]


def test_issued_takes_a_date_or_an_aware_datetime() -> None:
    """An edition is issued on a date or at a datetime with an offset, never a naive one."""
    aware = datetime(2026, 12, 7, 6, tzinfo=timezone(timedelta(hours=1)))
    for issued in (date(2026, 12, 7), aware):
        edition = mc.Edition(title="T", issued=issued, articles=[article("A")])
        assert mc.loads_edition(mc.dumps_edition(edition)).issued == issued
    with pytest.raises(mc.ValidationError, match="offset"):
        mc.Edition(title="T", issued=datetime(2026, 12, 7, 6), articles=[article("A")])


# --- JSON ------------------------------------------------------------------------------


@settings(max_examples=30)
@given(editions())
def test_loads_dumps_round_trip(edition: mc.Edition) -> None:
    """loads_edition(dumps_edition(e)) == e for every edition, and the dump is canonical."""
    text = mc.dumps_edition(edition)
    again = mc.loads_edition(text)
    assert again == edition
    assert mc.dumps_edition(again) == text


@settings(max_examples=15)
@given(editions())
def test_schema_accepts_what_dumps_writes(edition: mc.Edition) -> None:
    """What dumps_edition writes for any edition is valid against the edition schema."""
    document = json.loads(mc.dumps_edition(edition))
    assert VALIDATOR.is_valid(document), [e.message for e in VALIDATOR.iter_errors(document)]


def test_dump_edition_round_trips_through_a_file(tmp_path: Path) -> None:
    """dump_edition then load_edition gives the same edition back (articles written inline)."""
    edition = mc.load_edition(EXAMPLE)
    mc.dump_edition(edition, tmp_path / "edition.json")
    document = json.loads((tmp_path / "edition.json").read_text(encoding="utf-8"))
    assert all(not isinstance(entry, str) for s in document["sections"] for entry in s["articles"])
    # The folders it names are relative: a copy of their contents next to the file is enough.
    for entry in edition.all_articles:
        assert entry.folder is not None
        (tmp_path / entry.folder).mkdir(parents=True, exist_ok=True)
    assert mc.load_edition(tmp_path / "edition.json") == edition


def test_shipped_edition_schema_is_the_generated_one() -> None:
    """edition.schema.json in the package is exactly what build_edition_schema() generates."""
    shipped = (ROOT / "src/messenger_content/edition.schema.json").read_text(encoding="utf-8")
    assert shipped == render_edition_schema(), (
        "run: python -m messenger_content.schema --edition"
        " > src/messenger_content/edition.schema.json"
    )
    assert mc.edition_json_schema() == build_edition_schema()
    Draft202012Validator.check_schema(mc.edition_json_schema())


def test_edition_schema_holds_the_article_schema() -> None:
    """An inline article is checked by the same definitions as the article schema's."""
    article_schema = mc.json_schema()
    definitions = mc.edition_json_schema()["$defs"]
    for name, definition in article_schema["$defs"].items():
        assert definitions[name] == definition
    assert definitions["Article"]["properties"] == article_schema["properties"]


def test_cli_prints_the_edition_schema() -> None:
    """``schema --edition`` prints the edition schema; ``schema`` still the article one."""
    for argv, expected in (
        (["schema", "--edition"], mc.edition_json_schema()),
        (["schema"], mc.json_schema()),
    ):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(argv) == 0
        assert json.loads(out.getvalue()) == expected


@pytest.mark.parametrize("path", VALID, ids=[path.name for path in VALID])
def test_valid_editions_load_and_validate(path: Path) -> None:
    """The example and the valid fixtures load, and they and their dumps validate."""
    edition = mc.load_edition(path)
    assert VALIDATOR.is_valid(json.loads(path.read_text(encoding="utf-8")))
    assert VALIDATOR.is_valid(json.loads(mc.dumps_edition(edition)))


def test_an_article_file_is_not_an_edition() -> None:
    """load() refuses an edition file, naming its type, and load_edition() an article file."""
    with pytest.raises(mc.ValidationError) as caught:
        mc.load(EXAMPLE)
    assert [problem.path for problem in caught.value.problems] == ["type"]
    assert "this is an edition, not an article" in caught.value.problems[0].message
    with pytest.raises(mc.ValidationError, match='expected "edition"'):
        mc.load_edition(ROOT / "examples" / "night-bus-pilot" / "article.json")


# --- each article keeps its folder -----------------------------------------------------------


def test_articles_from_different_folders_keep_their_folders(tmp_path: Path) -> None:
    """Articles read from files in different folders keep each file's folder for images."""
    write_article(tmp_path / "city" / "bus", {"headline": "Bus", "body": []})
    write_article(tmp_path / "world", {"headline": "World", "body": []})
    (tmp_path / "pictures").mkdir()
    (tmp_path / "edition.json").write_text(
        json.dumps(
            {
                "title": "T",
                "articles": [
                    "city/bus/article.json",
                    "./world/article.json",
                    {"headline": "Inline", "body": []},
                    {"folder": "pictures", "article": {"headline": "Wrapped", "body": []}},
                ],
            }
        ),
        encoding="utf-8",
    )
    edition = mc.load_edition(tmp_path / "edition.json")
    assert [entry.folder for entry in edition.articles] == [
        Path("city/bus"),
        Path("world"),
        None,
        Path("pictures"),
    ]
    assert [folder_of(entry, tmp_path) for entry in edition.articles] == [
        tmp_path / "city" / "bus",
        tmp_path / "world",
        tmp_path,
        tmp_path / "pictures",
    ]


def test_example_articles_find_their_images() -> None:
    """Every local image of the example edition is found in its article's folder."""
    edition = mc.load_edition(EXAMPLE)
    found = 0
    for entry in edition.all_articles:
        folder = folder_of(entry, EXAMPLE.parent)
        images = [block for block in entry.article.body if isinstance(block, mc.Image)]
        if entry.article.lead_image is not None:
            images.append(entry.article.lead_image)
        for image in images:
            if ":" not in image.src:
                assert (folder / image.src).is_file(), (entry.article.headline, image.src)
                found += 1
    assert found >= 3


def test_build_edition_from_files_keeps_their_folders(tmp_path: Path) -> None:
    """build_edition reads article files, keeps their folders, and dump_edition writes them."""
    first = write_article(tmp_path / "a", {"headline": "A", "body": []})
    second = write_article(tmp_path / "b" / "c", {"headline": "B", "body": []})
    edition = mc.build_edition(title="Built", sections=[("One", [first]), ("Two", [second])])
    assert [entry.folder for entry in edition.all_articles] == [tmp_path / "a", tmp_path / "b/c"]
    mc.dump_edition(edition, tmp_path / "edition.json")
    again = mc.load_edition(tmp_path / "edition.json")
    assert [folder_of(entry, tmp_path) for entry in again.all_articles] == [
        tmp_path / "a",
        tmp_path / "b" / "c",
    ]
    assert [entry.article for entry in again.all_articles] == [
        entry.article for entry in edition.all_articles
    ]


def test_read_article_keeps_an_absolute_folder(tmp_path: Path) -> None:
    """read_article gives the article with its file's folder, made absolute."""
    path = write_article(tmp_path / "x", {"headline": "X", "body": []})
    entry = read_article(path)
    assert entry.folder == tmp_path / "x"
    assert entry.article == mc.load(path)


def test_an_absolute_folder_outside_is_not_written(tmp_path: Path) -> None:
    """A folder outside the file's folder cannot be written relative to it: a ValidationError."""
    entry = mc.EditionArticle(article=article("A"), folder=tmp_path / "elsewhere")
    edition = mc.Edition(title="T", articles=[entry])
    with pytest.raises(mc.ValidationError) as caught:
        mc.dump_edition(edition, tmp_path / "out" / "edition.json")
    assert caught.value.path == "articles[0].folder"
    assert not (tmp_path / "out" / "edition.json").exists()
    with pytest.raises(mc.ValidationError, match="absolute"):
        unstructure_edition(edition)


# --- duplicates --------------------------------------------------------------------------------


def test_the_same_file_twice_is_included_once(tmp_path: Path) -> None:
    """The same file named twice (even spelt differently) is included once, with a note."""
    write_article(tmp_path / "a", {"headline": "A", "body": []})
    write_article(tmp_path / "b", {"headline": "B", "body": []})
    document = {
        "title": "T",
        "sections": [
            {"title": "One", "articles": ["a/article.json", "b/article.json"]},
            {"title": "Two", "articles": ["./a/article.json", "b//article.json"]},
        ],
    }
    notes: list[mc.Problem] = []
    edition = mc.loads_edition(json.dumps(document), base_dir=tmp_path, notes=notes)
    assert [s.title for s in edition.sections] == ["One"]
    assert [e.article.headline for e in edition.all_articles] == ["A", "B"]
    assert [(note.path, note.message) for note in notes] == [
        (
            "sections[1].articles[0]",
            "'./a/article.json' is the same file as sections[0].articles[0];"
            " the article is included once",
        ),
        (
            "sections[1].articles[1]",
            "'b//article.json' is the same file as sections[0].articles[1];"
            " the article is included once",
        ),
        ("sections[1]", "every article in this section appears earlier; section left out"),
    ]


def test_the_same_id_twice_is_included_once(tmp_path: Path) -> None:
    """Two articles with the same id, one inline and one from a file, make one article."""
    write_article(tmp_path / "a", {"id": "story-1", "headline": "From a file", "body": []})
    document = {
        "title": "T",
        "articles": [
            "a/article.json",
            {"id": "story-1", "headline": "Inline copy", "body": []},
            {"id": "story-2", "headline": "Another", "body": []},
        ],
    }
    notes: list[mc.Problem] = []
    edition = mc.loads_edition(json.dumps(document), base_dir=tmp_path, notes=notes)
    assert [e.article.headline for e in edition.articles] == ["From a file", "Another"]
    assert [note.path for note in notes] == ["articles[1]"]
    assert "the same id 'story-1' as articles[0]" in notes[0].message


def test_a_duplicate_without_a_notes_list_is_a_warning() -> None:
    """Without a notes list, each duplicate left out is a DuplicateArticleWarning."""
    document = {"title": "T", "articles": [{"headline": "A", "body": []}] * 2}
    with pytest.warns(mc.DuplicateArticleWarning, match=r"articles\[1\]: the same article as"):
        edition = mc.loads_edition(json.dumps(document))
    assert len(edition.articles) == 1


def test_no_duplicates_no_notes_no_warnings() -> None:
    """An edition without repeats loads without notes or warnings."""
    notes: list[mc.Problem] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        edition = mc.load_edition(EXAMPLE, notes=notes)
    assert notes == []
    assert len(edition.all_articles) == 4


def test_build_edition_drops_duplicates(tmp_path: Path) -> None:
    """build_edition drops the same file, the same id and the same article, noting each."""
    path = write_article(tmp_path / "a", {"headline": "A", "body": []})
    notes: list[mc.Problem] = []
    edition = mc.build_edition(
        title="T",
        articles=[
            path,
            str(tmp_path / "a" / ".." / "a" / "article.json"),
            article("B", id="b"),
            article("Another B", id="b"),
            article("C"),
            mc.EditionArticle(article=article("C")),
        ],
        notes=notes,
    )
    assert [e.article.headline for e in edition.articles] == ["A", "B", "C"]
    assert [note.path for note in notes] == ["articles[1]", "articles[3]", "articles[5]"]


def test_build_edition_lists_every_bad_file(tmp_path: Path) -> None:
    """build_edition fails with every problem, each naming the place, the file and the path."""
    good = write_article(tmp_path / "good", {"headline": "Good", "body": []})
    bad = write_article(tmp_path / "bad", {"headline": "", "body": "x"})
    with pytest.raises(mc.ValidationError) as caught:
        mc.build_edition(title="T", articles=[good, bad, tmp_path / "missing.json"])
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("articles[1]", f"{bad}: headline: must not be empty"),
        ("articles[1]", f"{bad}: body: expected an array, got a string"),
        ("articles[2]", f"'{tmp_path / 'missing.json'}' not found"),
    ]


def test_build_edition_reads_issued_text_and_takes_sections() -> None:
    """build_edition parses issued given as text (refusing a bad one) and takes Section values."""
    section = mc.Section(title="S", articles=[article("A")])
    edition = mc.build_edition(title="T", issued="2026-12-07", sections=[section])
    assert edition.issued == date(2026, 12, 7)
    assert edition.sections == (section,)
    with pytest.raises(mc.ValidationError) as caught:
        mc.build_edition(title="T", issued="7 December", articles=[article("A")])
    assert caught.value.path == "issued"
