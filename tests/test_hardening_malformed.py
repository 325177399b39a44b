"""The malformed corpus: every broken input is one clear ContentError that names the JSON path.

``tests/data/bad/`` holds one file per case and ``cases.json``, which gives
for each file the JSON path its problem must name and a few words of the
message (``""`` is the document itself: not JSON, wrong encoding, empty).
Every invalid file has exactly one problem, so the command line reports it on
one line. A UTF-8 byte order mark looks wrong but is valid: it must load.

Inputs too big to keep in the repository are made here: 100,000-deep nesting
and a 20 MB paragraph, which is content rather than an attack and must load
and export to every format (PDF within a bounded time, or a clear ExportError).

For each invalid case:

- the API (:func:`messenger_content.load`) raises a ``ContentError`` whose one
  problem names the path, and whose message names the file;
- the CLI (``convert FILE -t html -o OUT``) exits 2, writes one error line
  naming the file and the path (then its summary line), and leaves no output
  file, not even a temporary one.
"""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content.codec import MAX_INLINE_DEPTH
from messenger_content.exporters.epub import to_epub
from tests.helpers.cli import SUMMARY, run_cli
from tests.helpers.limits import bounded, render_pdf_in_child

BAD = Path(__file__).parent / "data" / "bad"
INDEX: dict[str, Any] = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))
INVALID: dict[str, dict[str, str]] = INDEX["invalid"]
VALID: dict[str, dict[str, str]] = INDEX["valid"]


def expected_line(file: Path, case: dict[str, str]) -> str:
    """How an error line starts: the file, then the JSON path (none for the document)."""
    return f"{file}: {case['path']}: " if case["path"] else f"{file}: "


def assert_refused(file: Path, case: dict[str, str]) -> None:
    """The API refuses *file* with one problem at the case's path, and names the file."""
    with pytest.raises(mc.ContentError) as caught:
        mc.load(file)
    error = caught.value
    assert isinstance(error, mc.ValidationError), repr(error)
    assert [problem.path for problem in error.problems] == [case["path"]], str(error)
    assert case["message"] in error.problems[0].message, str(error)
    assert str(error).startswith(expected_line(file, case)), str(error)


def assert_cli_refuses(file: Path, case: dict[str, str], out: Path) -> None:
    """``convert`` exits 2 with one error line naming file and path, and writes nothing."""
    code, lines = run_cli(["convert", str(file), "-t", "html", "-o", str(out)])
    errors = [line for line in lines if not SUMMARY.match(line)]
    assert code == 2, lines
    assert len(errors) == 1, lines
    assert errors[0].startswith(expected_line(file, case)), errors[0]
    assert case["message"] in errors[0]
    assert "Traceback" not in "\n".join(lines)
    assert not out.exists()
    assert list(out.parent.iterdir()) == [], "a file was left behind"


# --- the corpus --------------------------------------------------------------------------


def test_corpus_has_fifty_cases_each_indexed() -> None:
    """At least 50 invalid files; every file in the folder is in the index and vice versa."""
    assert len(INVALID) >= 50
    files = {path.name for path in BAD.iterdir()} - {"cases.json"}
    assert files == set(INVALID) | set(VALID)


@pytest.mark.parametrize("name", sorted(INVALID))
def test_api_refuses_with_the_path(name: str) -> None:
    """load() raises a ContentError with one problem that names the JSON path and the file."""
    assert_refused(BAD / name, INVALID[name])


@pytest.mark.parametrize("name", sorted(INVALID))
def test_cli_exits_2_with_one_line(name: str, tmp_path: Path) -> None:
    """Convert exits 2 with one line naming the file and the path; no output file exists."""
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    assert_cli_refuses(BAD / name, INVALID[name], out_folder / "article.html")


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_look_alikes_load_and_convert(name: str, tmp_path: Path) -> None:
    """A UTF-8 byte order mark is accepted by the API and the CLI."""
    assert mc.load(BAD / name).headline == VALID[name]["headline"]
    out = tmp_path / "article.html"
    code, lines = run_cli(["convert", str(BAD / name), "-t", "html", "-o", str(out)])
    assert code == 0, lines
    assert VALID[name]["headline"] in out.read_text(encoding="utf-8")


# --- nesting, generated ----------------------------------------------------------------

DEPTH = 100_000


def _deep_arrays() -> bytes:
    return b'{"headline": "x", "body": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"


def _deep_objects() -> bytes:
    opening = b'{"logo": ' * DEPTH
    return b'{"headline": "x", "body": [], "publication": ' + opening + b"{}" + b"}" * DEPTH + b"}"


def _deep_inline(depth: int) -> bytes:
    node = b'"x"'
    opening = b'[{"type": "emphasis", "text": ' * depth
    closing = b"}]" * depth
    return b'{"headline": "x", "body": [{"type": "paragraph", "text": ' + (
        opening + node + closing + b"}]}"
    )


#: name -> (JSON bytes, path of the problem, words of its message)
NESTED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "arrays-100000-deep": (_deep_arrays, "", "nested too deeply"),
    "objects-100000-deep": (_deep_objects, "", "nested too deeply"),
    "inline-100000-deep": (lambda: _deep_inline(DEPTH), "", "nested too deeply"),
    "inline-one-past-the-limit": (
        lambda: _deep_inline(MAX_INLINE_DEPTH + 1),
        "body[0]" + ".text[0]" * (MAX_INLINE_DEPTH + 1),
        f"nested more than {MAX_INLINE_DEPTH} levels deep",
    ),
}


@pytest.mark.parametrize("name", sorted(NESTED))
def test_deep_nesting_is_one_clear_error(name: str, tmp_path: Path) -> None:
    """Nesting past what the format allows is one ContentError, from the API and the CLI."""
    make, path, words = NESTED[name]
    file = tmp_path / f"{name}.json"
    file.write_bytes(make())
    case = {"path": path, "message": words}
    with bounded(30):
        assert_refused(file, case)
        out_folder = tmp_path / "out"
        out_folder.mkdir()
        assert_cli_refuses(file, case, out_folder / "article.html")


def test_inline_nesting_at_the_limit_loads_and_exports() -> None:
    """Exactly MAX_INLINE_DEPTH nested inline nodes is valid, and every text exporter takes it."""
    article = mc.loads(_deep_inline(MAX_INLINE_DEPTH))
    assert "x" in mc.to_text(article)
    assert "x" in mc.to_markdown(article)
    assert "<em>x</em>" in mc.to_html(article)


def test_models_refuse_what_the_loader_refuses() -> None:
    """Inline nodes built in Python nest no deeper than the loader allows (regression)."""
    # Before the fix a model built in code could nest without limit, and every exporter
    # (and dumps) failed on it with RecursionError.
    node: mc.Inline = "x"
    for _ in range(MAX_INLINE_DEPTH):
        node = mc.Emphasis(text=node)
    article = mc.Article(headline="h", body=[mc.Paragraph(text=node)])
    assert mc.loads(mc.dumps(article)) == article
    too_deep = f"text: inline content is nested more than {MAX_INLINE_DEPTH} levels deep"
    for make in (
        lambda text: mc.Emphasis(text=text),
        lambda text: mc.Strong(text=text),
        lambda text: mc.Link(href="#a", text=text),
    ):
        with pytest.raises(mc.ValidationError) as caught:
            make(node)
        assert str(caught.value) == too_deep
    # Deeper still is refused at the first level too many, whatever the depth asked for.
    deep: mc.Inline = "x"
    levels = 0
    with contextlib.suppress(mc.ValidationError):
        for _ in range(100_000):
            deep = mc.Emphasis(text=deep)
            levels += 1
    assert levels == MAX_INLINE_DEPTH


def test_the_deepest_valid_text_exports_as_a_pull_quote_and_a_caption() -> None:
    """Markdown emphasises pull quotes and captions of the deepest valid text (regression)."""
    # Before the fix the Markdown exporter wrapped them in a model node, one level too
    # deep for text already at the limit.
    node: mc.Inline = "deep"
    for _ in range(MAX_INLINE_DEPTH):
        node = mc.Strong(text=node)
    article = mc.Article(
        headline="h",
        body=[mc.Quote(text=node, style="pull"), mc.Image(src="a.png", caption=node)],
    )
    assert mc.to_markdown(article).count("deep") == 2


# --- a 20 MB paragraph, generated -----------------------------------------------------------

WORDS = 2_000_000
#: 20 MB of text: 2,000,000 words of ten bytes, between two markers.
BIG_TEXT = "BEGINMARKER " + "paragraph " * WORDS + "ENDMARKER"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An article whose one paragraph is 20 MB of text, as a file."""
    folder = tmp_path_factory.mktemp("big")
    document = {"headline": "A long paragraph", "body": [{"type": "paragraph", "text": BIG_TEXT}]}
    path = folder / "big.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert path.stat().st_size > 20_000_000
    return path


def _epub_text(book: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return archive.read("EPUB/article.xhtml").decode("utf-8")


def _whole(output: str) -> None:
    """The output holds the paragraph from its first word to its last, every word of it."""
    assert "BEGINMARKER" in output
    assert "ENDMARKER" in output
    assert output.count("paragraph") >= WORDS


@pytest.mark.slow
def test_twenty_megabyte_paragraph_loads_and_exports(big_file: Path) -> None:
    """20 MB of text is content: it loads and exports to HTML, text, Markdown and EPUB, whole."""
    with bounded(20):
        article = mc.load(big_file)
    paragraph = article.body[0]
    assert isinstance(paragraph, mc.Paragraph)
    assert paragraph.text == (BIG_TEXT,)
    with bounded(15):
        _whole(mc.to_html(article))
    with bounded(60):
        _whole(mc.to_text(article))
    with bounded(15):
        _whole(mc.to_markdown(article))
    with bounded(30):
        _whole(_epub_text(to_epub(article)))


@pytest.mark.slow
def test_twenty_megabyte_paragraph_converts_on_the_command_line(
    big_file: Path, tmp_path: Path
) -> None:
    """The command converts the 20 MB article to HTML and exits 0."""
    out = tmp_path / "big.html"
    with bounded(30):
        code, lines = run_cli(["convert", str(big_file), "-o", str(out), "-q"])
    assert (code, lines) == (0, [])
    _whole(out.read_text(encoding="utf-8"))


#: Seconds the PDF exporter may take on the 20 MB article before saying it will not make it.
PDF_BOUND = 90


@pytest.mark.slow
def test_twenty_megabyte_paragraph_pdf_is_refused_quickly(big_file: Path) -> None:
    """A PDF of 20 MB of text fails soon with a clear ExportError, not after hours."""
    # WeasyPrint sets about 0.14 s per KB of text on this machine (hours for 20 MB),
    # and its own documentation warns that untrusted documents can loop or exhaust
    # memory: the exporter stops at a documented limit (PdfLimits).
    outcome = render_pdf_in_child(big_file, PDF_BOUND)
    assert outcome["raised"] == "ExportError", outcome
    assert "over the limit of 500,000" in outcome["message"], outcome
    assert outcome["seconds"] < 30, outcome
