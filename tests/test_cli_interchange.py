"""The command line speaks ninjs, JSON-LD and (with the web extra) HTML: `--from` and `-t`."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content import interchange
from messenger_content.cli import main
from messenger_content.exporters import READING_FORMATS
from messenger_content.inputs import detect_input
from messenger_content.theme import plain_text
from tests.helpers.articles import PHOTO, article_json, leftovers, write_article
from tests.helpers.cli import run_cli
from tests.helpers.ninjs import NINJS, ninjs_errors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"
SIMPLE = NINJS / "3.1" / "004_simple_text_article.json"
COMPLEX = NINJS / "3.1" / "005_complex_text_article.json"
REAL_ITEMS = [
    NINJS / "3.1" / "001_simple_example.json",
    SIMPLE,
    COMPLEX,
    NINJS / "3.1" / "007_multimedia.json",
    NINJS / "3.0" / "aap-anti-doping-nitf.json",
    NINJS / "3.0" / "dpa_text.json",
    NINJS / "2.x" / "2.1-ntb_text.json",
]
WEB_EXTRA = "HTML import needs the web extra: pip install 'messenger-content[web]'"
WEB_MISSING = importlib.util.find_spec("messenger_content.interchange.web") is None
#: Flip when the web import (`messenger_content.interchange.web`) is merged.
needs_no_web = pytest.mark.skipif(
    not WEB_MISSING, reason="the web import is installed: these check the message without it"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command in this process: exit code, standard output, standard error."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def paragraphs(article: mc.Article) -> list[str]:
    """The plain text of the article's paragraphs, white space collapsed."""
    return [
        " ".join(plain_text(block.text).split())
        for block in article.body
        if isinstance(block, mc.Paragraph)
    ]


def jsonld_file(folder: Path) -> Path:
    """A stand-alone schema.org NewsArticle, as news sites embed it."""
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://example.org/#site", "name": "Example"},
            {
                "@type": "NewsArticle",
                "headline": "Harbour ferry returns after a year",
                "datePublished": "2026-03-01T08:00:00+01:00",
                "author": {"@type": "Person", "name": "Ana Costa"},
                "articleBody": "The ferry is back.\n\nIt runs every hour.",
            },
        ],
    }
    return write_article(folder / "ferry.jsonld", document)


# --- --from, every value ------------------------------------------------------------


@pytest.mark.parametrize("path", REAL_ITEMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_real_ninjs_item_is_detected_and_imported(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An IPTC example, given without --from, becomes the article from_ninjs makes of it."""
    code, out, err = run(capsys, "convert", str(path), "-t", "json")
    assert code == 0, err
    expected, _ = mc.from_ninjs(read_json(path))
    assert mc.loads(out) == expected


@pytest.mark.parametrize("given", ["auto", "ninjs"])
def test_from_ninjs_and_auto_agree(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--from ninjs and detection read a ninjs item the same way, into a file named by -o."""
    out = tmp_path / "item.json"
    code, _, err = run(capsys, "convert", str(COMPLEX), "--from", given, "-o", str(out))
    assert code == 0, err
    assert mc.load(out) == mc.from_ninjs(read_json(COMPLEX)).article


@pytest.mark.parametrize("given", ["auto", "jsonld"])
def test_a_jsonld_document_is_imported(
    given: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON-LD file (an @graph) becomes its NewsArticle's article, detected or named."""
    path = jsonld_file(tmp_path)
    code, out, err = run(capsys, "convert", str(path), "-f", given, "-t", "json")
    assert code == 0, err
    article = mc.loads(out)
    assert article.headline == "Harbour ferry returns after a year"
    assert [author.name for author in article.authors] == ["Ana Costa"]
    assert mc.to_text(article).count("It runs every hour.") == 1


@pytest.mark.parametrize("given", ["auto", "article"])
def test_an_article_reads_as_it_always_did(given: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Our own format, detected or named, converts to the same text as before."""
    code, out, err = run(capsys, "convert", str(EXAMPLE), "--from", given, "-t", "txt")
    assert code == 0, err
    assert out == mc.to_text(mc.load(EXAMPLE))


def test_from_names_the_format_over_detection(capsys: pytest.CaptureFixture[str]) -> None:
    """--from article on a ninjs item reads it as an article: its own errors, exit 2."""
    code, out, err = run(capsys, "convert", str(SIMPLE), "--from", "article", "-t", "json")
    assert code == 2
    assert out == ""
    assert f"{SIMPLE}: headline: " in err


def test_from_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --from value is a usage error that lists the known ones."""
    code, _, err = run(capsys, "convert", str(EXAMPLE), "--from", "nitf", "-t", "json")
    assert code == 2
    assert "article" in err
    assert "ninjs" in err
    assert "jsonld" in err
    assert "html" in err


# --- HTML without the web extra ------------------------------------------------------


@needs_no_web
def test_from_html_without_the_web_extra_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--from html without the web import: exit 2, the install command, no output file."""
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><title>T</title><p>Hello</p>", encoding="utf-8")
    out = tmp_path / "page.json"
    code, _, err = run(capsys, "convert", str(page), "--from", "html", "-o", str(out))
    assert code == 2
    assert WEB_EXTRA in err
    assert not out.exists()


@needs_no_web
@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("saved.html", "\ufeff  <!-- saved -->\n<html><body><p>Hi</p></body></html>"),
        ("page.txt", "<!DOCTYPE html><p>Hi</p>"),
        ("page.htm", "Hi, no markup at the start"),
    ],
)
def test_a_detected_page_needs_the_web_extra(
    name: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page is recognised by its first tag (after a BOM and a comment) or its .html/.htm name."""
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "convert", str(page), "-t", "json")
    assert code == 2
    assert out == ""
    assert f"{page}: {WEB_EXTRA}" in err


# --- what is not any of them --------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['{"title": "A memo", "text": "No article here."}', "{}", '{"@id": "#x"}']
)
def test_an_undetectable_input_fails_naming_the_file(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON object neither an article, ninjs nor JSON-LD: exit 2, the file named, no output."""
    path = tmp_path / "memo.json"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run(capsys, "convert", str(path), "-t", "json,html", "-o", f"{out}/")
    assert code == 2
    assert f"{path}: not an article, ninjs or JSON-LD document; give --from" in err
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just some words.", "not valid JSON: Expecting value (line 1, column 1)"),
        ("[1, 2]", "expected a JSON object holding an article, got an array"),
    ],
)
def test_what_is_no_json_object_gets_the_reading_error(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Text that is not JSON, or JSON but no object, fails as a broken article would."""
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "convert", str(path), "-t", "json")
    assert code == 2
    assert out == ""
    assert f"{path}: {message}" in err


def test_a_broken_article_still_names_its_json_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document meant as an article (a headline, no body) gets the article's own errors."""
    path = write_article(tmp_path / "a.json", {"headline": "H", "bodyy": []})
    code, _, err = run(capsys, "convert", str(path), "-t", "txt")
    assert code == 2
    assert "body: " in err
    assert "bodyy: " in err


# --- standard input and folders --------------------------------------------------------


def test_standard_input_is_detected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ninjs item on standard input (-) is detected and imported, its warnings named <stdin>."""
    item = naive_item(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(item.read_bytes())))
    code, out, err = run(capsys, "convert", "-", "-t", "json")
    assert code == 0, err
    assert mc.loads(out) == mc.from_ninjs(read_json(item)).article
    assert "<stdin>: firstCreated: warning: " in err


def test_a_folder_of_mixed_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder's *.json of every kind convert, in parallel; what is none of them is skipped."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_article(folder / "ours.json", article_json(1))
    shutil.copy(SIMPLE, folder / "agency.ninjs.json")
    shutil.copy(COMPLEX, folder / "complex.json")
    write_article(folder / "site.json", read_json(jsonld_file(tmp_path)))
    write_article(folder / "memo.json", {"title": "not a story"})
    (folder / "page.html").write_text("<p>Not read: *.json only</p>", encoding="utf-8")
    out = tmp_path / "out"
    code, lines = run_cli(["convert", str(folder), "-t", "json,txt", "-o", f"{out}/", "-j", "2"])
    assert code == 0, lines
    assert sorted(p.name for p in out.iterdir()) == [
        "agency.json", "agency.txt", "complex.json", "complex.txt",
        "site.json", "site.txt", "story-1.json", "story-1.txt",
    ]  # fmt: skip
    assert f"skipped {folder / 'memo.json'} (not an article: no headline or body)" in lines
    assert mc.load(out / "agency.json") == mc.from_ninjs(read_json(SIMPLE)).article


@needs_no_web
def test_a_folder_read_as_html_takes_its_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--from html reads a folder's *.html and *.htm files (here: each fails without the extra)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("a.html", "b.htm", "c.json"):
        (folder / name).write_text("<p>x</p>", encoding="utf-8")
    code, _, err = run(capsys, "convert", str(folder), "--from", "html", "-t", "json", "-o", "o/")
    assert code == 2
    assert WEB_EXTRA in err


# --- the data formats written -----------------------------------------------------------


def test_ninjs_output_is_valid_ninjs_31(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-t ninjs writes to_ninjs of the article, valid by the IPTC's ninjs 3.1 schema."""
    code, out, err = run(capsys, "convert", str(EXAMPLE), "-t", "ninjs")
    assert code == 0, err
    document = json.loads(out)
    assert ninjs_errors(document) == []
    assert document == mc.to_ninjs(mc.load(EXAMPLE))
    assert out == json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def test_jsonld_output_is_the_article_with_its_body(capsys: pytest.CaptureFixture[str]) -> None:
    """-t jsonld writes to_jsonld(article, with_body=True), as the package writes JSON."""
    code, out, err = run(capsys, "convert", str(EXAMPLE), "-t", "jsonld")
    assert code == 0, err
    expected = mc.to_jsonld(mc.load(EXAMPLE), with_body=True)
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert "articleBody" in json.loads(out)


def test_json_output_is_canonical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-t json of an article is dumps(load(it)): the canonical article format."""
    loose = write_article(tmp_path / "loose.json", article_json(3))
    code, out, err = run(capsys, "convert", str(loose), "-t", "json")
    assert code == 0, err
    assert out == mc.dumps(mc.load(loose))
    assert out != loose.read_text(encoding="utf-8")


def test_ninjs_round_trip_keeps_headline_and_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An article -t ninjs, then that file -t json: the headline and the body's words come back."""
    item = tmp_path / "story.ninjs.json"
    back = tmp_path / "back.json"
    assert run(capsys, "convert", str(EXAMPLE), "-t", "ninjs", "-o", str(item))[0] == 0
    code, _, err = run(capsys, "convert", str(item), "-o", str(back))
    assert code == 0, err
    original, again = mc.load(EXAMPLE), mc.load(back)
    assert again.headline == original.headline
    assert paragraphs(original)
    assert set(paragraphs(original)) <= set(paragraphs(again))


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.ninjs.json", lambda text: ninjs_errors(json.loads(text)) == []),
        ("OUT.NINJS", lambda text: ninjs_errors(json.loads(text)) == []),
        ("out.jsonld", lambda text: json.loads(text)["@type"] == "NewsArticle"),
        ("out.jsonld.json", lambda text: json.loads(text)["@type"] == "NewsArticle"),
        ("out.json", lambda text: json.loads(text)["type"] == "article"),
    ],
)
def test_o_suffix_names_the_data_format(
    name: str, check: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o without -t: .ninjs.json and .ninjs are ninjs, .jsonld JSON-LD, other .json ours."""
    out = tmp_path / name
    code, _, err = run(capsys, "convert", str(EXAMPLE), "-o", str(out))
    assert code == 0, err
    assert check(out.read_text(encoding="utf-8"))


def test_o_suffix_must_agree_with_t(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-t json with -o x.ninjs.json is a usage error naming the suffix json wants."""
    out = tmp_path / "x.ninjs.json"
    code, _, err = run(capsys, "convert", str(EXAMPLE), "-t", "json", "-o", str(out))
    assert code == 2
    assert "must end with .json" in err
    assert not out.exists()


def test_a_folder_gets_each_data_format_by_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-t json,ninjs,jsonld -o out/ writes <id>.json, <id>.ninjs.json and <id>.jsonld."""
    out = tmp_path / "out"
    code, _, err = run(capsys, "convert", str(EXAMPLE), "-t", "json,ninjs,jsonld", "-o", f"{out}/")
    assert code == 0, err
    stem = mc.load(EXAMPLE).id
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{stem}.json", f"{stem}.ninjs.json", f"{stem}.jsonld"]
    )


def test_export_follows_the_data_formats(tmp_path: Path) -> None:
    """export() picks ninjs by a .ninjs path and gives JSON-LD bytes by name."""
    article = mc.load(EXAMPLE)
    written = mc.export(article, tmp_path / "x.ninjs")
    assert read_json(written) == mc.to_ninjs(article)
    data = mc.export(article, "jsonld")
    assert isinstance(data, bytes)
    assert json.loads(data) == mc.to_jsonld(article, with_body=True)


# --- warnings, --strict, images, all or nothing ------------------------------------------


def naive_item(folder: Path) -> Path:
    """A ninjs item whose date has no offset (read as UTC, with a warning)."""
    document = {
        "uri": "urn:example:1",
        "type": "text",
        "firstCreated": "2024-03-01T10:00:00",
        "headlines": [{"role": "main", "value": "Night buses start"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "They run."}],
    }
    return write_article(folder / "naive.json", document)


def test_import_warnings_go_to_standard_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What an import changes is a warning line FILE: path: warning: message; exit 0."""
    item = naive_item(tmp_path)
    out = tmp_path / "naive.txt"
    code, lines = run_cli(["convert", str(item), "-o", str(out)])
    assert code == 0
    assert lines == [
        f"{item}: firstCreated: warning: the date-time '2024-03-01T10:00:00' has no offset;"
        " read as UTC"
    ]
    assert out.exists()


def test_strict_fails_an_import_with_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--strict turns the import's warnings into errors: exit 2 and nothing written."""
    item = naive_item(tmp_path)
    out = tmp_path / "out"
    code, lines = run_cli(["convert", str(item), "--strict", "-t", "json,txt", "-o", f"{out}/"])
    assert code == 2
    assert any(line.startswith(f"{item}: firstCreated: the date-time ") for line in lines)
    assert not out.exists() or list(out.iterdir()) == []


def picture_item(folder: Path, href: str) -> Path:
    """A ninjs item whose lead picture's rendition is *href*."""
    document = {
        "uri": "urn:example:2",
        "type": "text",
        "headlines": [{"role": "main", "value": "Depot opens"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "It opened."}],
        "associations": [
            {
                "name": "lead",
                "type": "picture",
                "headlines": [{"value": "The depot"}],
                "renditions": [{"name": "original", "href": href, "width": 800, "height": 600}],
            }
        ],
    }
    return write_article(folder / "depot.json", document)


def test_an_imported_image_is_read_from_the_input_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A relative rendition resolves against the ninjs file's folder; HTML copies it beside."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PHOTO, folder / "depot.jpg")
    item = picture_item(folder, "depot.jpg")
    out = tmp_path / "out" / "depot.html"
    code, _, err = run(capsys, "convert", str(item), "-o", str(out))
    assert code == 0, err
    copied = list((tmp_path / "out" / "depot_files").iterdir())
    assert [p.read_bytes() for p in copied] == [PHOTO.read_bytes()]


def test_a_remote_imported_image_needs_allow_remote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An http(s) rendition is not fetched without --allow-remote: exit 2, nothing written."""
    item = picture_item(tmp_path, "https://images.example.org/depot.jpg")
    out = tmp_path / "depot.html"
    code, _, err = run(capsys, "convert", str(item), "-o", str(out))
    assert code == 2
    assert "https://images.example.org/depot.jpg" in err
    assert "--allow-remote" in err
    assert not out.exists()


def test_one_failing_format_writes_none_of_an_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All or nothing holds for imports: md fails on the missing image, so no json either."""
    item = picture_item(tmp_path, "missing.jpg")
    out = tmp_path / "out"
    code, _, err = run(capsys, "convert", str(item), "-t", "json,md", "-o", f"{out}/")
    assert code == 2
    assert "missing.jpg" in err
    assert not out.exists() or (leftovers(out) == [] and list(out.iterdir()) == [])


# --- -t all, README command 1, editions ----------------------------------------------------


def test_t_all_is_still_the_five_reading_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-t all writes html, txt, md, pdf and epub, and no data format."""
    out = tmp_path / "out"
    source = ROOT / "examples" / "yerevan-book-fair" / "article.json"
    code, _, err = run(capsys, "convert", str(source), "-t", "all", "-o", f"{out}/")
    assert code == 0, err
    suffixes = sorted(p.name.split(".", 1)[1] for p in out.iterdir() if p.is_file())
    assert suffixes == sorted(READING_FORMATS)


def test_readme_command_one_writes_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's first command writes the five reading formats and json, ninjs, jsonld."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.DOTALL)[0]
    command = shlex.split(first.split("&&", 1)[1])
    assert command[0].endswith("messenger-content")
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    argv = [f"{out}/" if arg == "out/" else arg for arg in command[1:]]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    article = mc.load(ROOT / argv[1])
    names = {p.name for p in out.iterdir() if p.is_file()}
    suffixes = [".html", ".txt", ".md", ".pdf", ".epub", ".json", ".ninjs.json", ".jsonld"]
    assert names == {f"{article.id}{suffix}" for suffix in suffixes}
    assert ninjs_errors(read_json(out / f"{article.id}.ninjs.json")) == []
    assert mc.load(out / f"{article.id}.json") == article


def test_an_edition_as_json_and_jsonld(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`edition -t json` is the edition format (it loads back); -t jsonld its ItemList."""
    monkeypatch.chdir(ROOT / "examples")
    code, out, err = run(capsys, "edition", "morning-edition.json", "-t", "json")
    assert code == 0, err
    edition = mc.loads_edition(out, base_dir=ROOT / "examples")
    assert edition == mc.load_edition(ROOT / "examples" / "morning-edition.json")
    code, out, err = run(capsys, "edition", "morning-edition.json", "-t", "jsonld")
    assert code == 0, err
    data = json.loads(out)
    assert data["@type"] == "ItemList"
    assert data["numberOfItems"] == len(data["itemListElement"]) > 1


def test_an_edition_is_not_ninjs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`edition -t ninjs` is a usage error that says what to use instead; nothing written."""
    out = tmp_path / "e.ninjs.json"
    edition = str(ROOT / "examples" / "morning-edition.json")
    code, _, err = run(capsys, "edition", edition, "-o", str(out))
    assert code == 2
    assert "not an edition" in err
    assert "json" in err
    assert not out.exists()


# --- the Python API ----------------------------------------------------------------------


def test_the_interchange_functions_are_top_level() -> None:
    """mc.from_ninjs, to_ninjs, from_jsonld, to_jsonld and Imported are the interchange's."""
    for name in ("from_ninjs", "to_ninjs", "from_jsonld", "to_jsonld", "Imported"):
        assert getattr(mc, name) is getattr(interchange, name), name
        assert name in mc.__all__
    imported = mc.from_ninjs(read_json(SIMPLE))
    assert isinstance(imported, mc.Imported)


@pytest.mark.parametrize(
    "path",
    [*sorted(NINJS.glob("*/*.json")), *sorted(ROOT.glob("examples/*/article.json"))],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_detection_without_lxml_agrees_with_detect(path: Path) -> None:
    """The reader's own test for an article names every document as interchange.detect does."""
    value = read_json(path)
    assert detect_input(value) == interchange.detect(value)
    assert detect_input(value) in ("article", "ninjs")
    as_jsonld = {"@context": "https://schema.org", **value}
    assert detect_input(as_jsonld) == interchange.detect(as_jsonld) == "jsonld"
