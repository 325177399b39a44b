"""The JSON loader and dumper: strictness, error paths and canonical output."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content import _rules
from tests.helpers.malformed import MALFORMED, minimal, text_of, with_block

EXAMPLES = sorted(Path(__file__).parent.parent.glob("examples/*/article.json"))


@pytest.mark.parametrize(
    ("document", "path", "words"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_input_names_the_path(document: str, path: str, words: str) -> None:
    """Each malformed document raises a ContentError whose problems name the JSON path."""
    with pytest.raises(mc.ContentError) as caught:
        mc.loads(document)
    error = caught.value
    assert isinstance(error, mc.ValidationError)
    matching = [p for p in error.problems if p.path == path]
    assert matching, f"no problem at {path!r}: {error}"
    assert any(words in p.message for p in matching), str(error)
    assert f"{path}: " in str(error)


UNREADABLE: list[tuple[str, bytes, str]] = [
    ("empty-file", b"", "empty"),
    ("only-whitespace", b" \n\t ", "empty"),
    ("syntax-error", b'{"headline": "x",}', "not valid JSON"),
    ("truncated", b'{"headline": "x", "body": [', "not valid JSON"),
    ("invalid-utf8", b'{"headline": "caf\xe9", "body": []}', "not valid UTF-8"),
    ("utf16", '{"headline": "x", "body": []}'.encode("utf-16"), "not valid UTF-8"),
    ("top-level-array", b"[]", "expected a JSON object"),
    ("top-level-string", b'"article"', "expected a JSON object"),
    ("top-level-null", b"null", "expected a JSON object"),
    (
        "deep-array",
        b'{"headline": "x", "body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "nested",
    ),
    (
        "deep-inline",
        b'{"headline": "x", "body": [{"type": "paragraph", "text": '
        + b'[{"type": "emphasis", "text": ' * 200
        + b'"x"'
        + b"}]" * 200
        + b"}]}",
        "nested",
    ),
    ("nan", b'{"headline": "x", "body": [], "tags": [NaN]}', "tags[0]"),
]


@pytest.mark.parametrize(
    ("data", "words"), [c[1:] for c in UNREADABLE], ids=[c[0] for c in UNREADABLE]
)
def test_unreadable_input_is_one_clear_error(data: bytes, words: str) -> None:
    """Documents that are not JSON objects give one ContentError, never a traceback."""
    with pytest.raises(mc.ContentError) as caught:
        mc.loads(data, source="in.json")
    assert words in str(caught.value)
    assert str(caught.value).startswith("in.json: ")


def test_bom_is_accepted() -> None:
    """A UTF-8 byte order mark before the JSON is accepted (bytes and str)."""
    document = text_of(minimal())
    assert mc.loads(b"\xef\xbb\xbf" + document.encode()) == mc.loads(document)
    assert mc.loads("\ufeff" + document) == mc.loads(document)


def test_every_problem_is_reported_at_once() -> None:
    """A document with several problems lists all of them, one per line."""
    document = minimal(
        headline="",
        language="??",
        body=[{"type": "heading", "text": "h", "level": 9}, {"type": "nope"}],
    )
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads(text_of(document))
    paths = [problem.path for problem in caught.value.problems]
    assert sorted(paths) == ["body[0].level", "body[1].type", "headline", "language"]
    assert len(str(caught.value).splitlines()) == 4


def test_problems_come_in_a_fixed_order() -> None:
    """In each object: unknown keys as written, then missing required keys, then fields in order."""
    document = {
        "zz": 1,
        "language": "??",
        "body": [{"type": "quote", "style": "x", "url": "javascript:x", "extra": 2, "text": None}],
        "aa": 2,
        "id": 5,
    }
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads(text_of(document))
    article_keys = (
        "authors, body, corrections, dateline, headline, id, language, lead_image, publication,"
        " published, rights, section, subheadline, summary, tags, updated, url"
    )
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        ("zz", f"unknown key 'zz' (expected one of: {article_keys})"),
        ("aa", f"unknown key 'aa' (expected one of: {article_keys})"),
        ("headline", "required key is missing"),
        ("id", "expected a string, got an integer"),
        ("language", "expected a BCP 47 language tag such as 'en' or 'hy-AM', got '??'"),
        ("body[0].extra", "unknown key 'extra' (did you mean 'text'?)"),
        ("body[0].text", "null is not allowed (leave the key out instead)"),
        (
            "body[0].url",
            "javascript: links are not allowed"
            " (use http, https, mailto, a relative URL or a #fragment)",
        ),
        ("body[0].style", 'expected one of "block", "pull", got "x"'),
    ]


def _nested_links(depth: int) -> Any:
    """Inline text of *depth* links, each holding the next (the innermost holds a string)."""
    node: Any = "x"
    for _ in range(depth):
        node = {"type": "link", "href": "#a", "text": [node]}
    return node


@pytest.mark.parametrize("where", ["paragraph", "list item", "caption"])
def test_inline_depth_limit_holds_in_every_kind_of_text(where: str) -> None:
    """Links nest up to MAX_INLINE_DEPTH deep in any inline text; one more is refused there."""
    from messenger_content.codec import MAX_INLINE_DEPTH

    def document(depth: int) -> str:
        text = [_nested_links(depth)]
        block = {
            "paragraph": {"type": "paragraph", "text": text},
            "list item": {"type": "list", "items": ["first", text]},
            "caption": {"type": "image", "src": "a.png", "caption": text},
        }[where]
        return text_of(minimal(body=[{"type": "divider"}, block]))

    mc.loads(document(MAX_INLINE_DEPTH))
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads(document(MAX_INLINE_DEPTH + 1))
    prefix = {
        "paragraph": "body[1].text",
        "list item": "body[1].items[1]",
        "caption": "body[1].caption",
    }
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        (
            prefix[where] + "[0].text" * MAX_INLINE_DEPTH + "[0]",
            f"inline content is nested more than {MAX_INLINE_DEPTH} levels deep",
        )
    ]


def test_load_names_the_file(tmp_path: Path) -> None:
    """Errors from load() carry the file name as their source."""
    path = tmp_path / "bad.json"
    path.write_text(text_of(minimal(headline=3)))
    with pytest.raises(mc.ValidationError) as caught:
        mc.load(path)
    assert caught.value.source == str(path)
    assert str(caught.value) == f"{path}: headline: expected a string, got an integer"


def test_schema_key_and_type_are_optional_on_input() -> None:
    """The "$schema" key is ignored; "type": "article" is optional on input, always written."""
    plain = mc.loads(text_of(minimal()))
    decorated = mc.loads(text_of(minimal(**{"$schema": "x.json", "type": "article"})))
    assert plain == decorated
    assert json.loads(mc.dumps(plain))["type"] == "article"


def test_integral_floats_are_integers() -> None:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema says)."""
    article = mc.loads(text_of(with_block({"type": "heading", "text": "h", "level": 3.0})))
    heading = article.body[1]
    assert isinstance(heading, mc.Heading)
    assert heading.level == 3
    assert type(heading.level) is int


def test_inline_text_is_normalised() -> None:
    """Adjacent strings merge and empty strings vanish, so equal text gives equal values."""
    article = mc.loads(text_of(with_block({"type": "paragraph", "text": ["a", "", "b"]})))
    assert article.body[1] == mc.Paragraph(text="ab")
    assert json.loads(mc.dumps(article))["body"][1]["text"] == "ab"


def test_dates_keep_their_offset() -> None:
    """Dates keep the offset they were written with; UTC is written as Z."""
    article = mc.loads(
        text_of(minimal(published="2023-07-28T10:05:00-04:00", updated="2023-07-28T15:00:00+00:00"))
    )
    assert article.published == datetime(2023, 7, 28, 10, 5, tzinfo=timezone(timedelta(hours=-4)))
    written = json.loads(mc.dumps(article))
    assert written["published"] == "2023-07-28T10:05:00-04:00"
    assert written["updated"] == "2023-07-28T15:00:00Z"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_examples_are_canonical_after_one_round(path: Path) -> None:
    """dump(load(x)) is canonical: dumping what it loads back gives the same text."""
    first = mc.dumps(mc.load(path))
    assert mc.dumps(mc.loads(first)) == first


def test_dump_writes_atomically(tmp_path: Path) -> None:
    """dump() writes the canonical text and leaves no temporary file behind."""
    article = mc.loads(text_of(minimal()))
    target = tmp_path / "out" / "article.json"
    mc.dump(article, target)
    assert target.read_text(encoding="utf-8") == mc.dumps(article)
    assert [p.name for p in target.parent.iterdir()] == ["article.json"]


def test_twenty_megabyte_paragraph_loads() -> None:
    """A very long paragraph is content, not an attack: it loads."""
    long_text = "word " * 4_000_000
    article = mc.loads(text_of(minimal(body=[{"type": "paragraph", "text": long_text}])))
    assert article.body[0] == mc.Paragraph(text=long_text)


def test_every_forbidden_character_is_caught_by_the_text_rule() -> None:
    """No forbidden character passes text_problem, whose isprintable() shortcut must not see it."""
    every_character = "".join(map(chr, range(0x110000)))
    forbidden = re.findall(f"[{_rules.FORBIDDEN_CHARACTERS}]", every_character)
    assert len(forbidden) > 2000
    for char in forbidden:
        assert not char.isprintable(), f"U+{ord(char):04X}"
        assert _rules.text_problem(f"ok {char} ok") is not None, f"U+{ord(char):04X}"


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        (minimal(headlne="typo"), "headlne", "unknown key 'headlne' (did you mean 'headline'?)"),
        (
            minimal(leadImage={}),
            "leadImage",
            "unknown key 'leadImage' (did you mean 'lead_image'?)",
        ),
        (
            minimal(body=[{"type": "paragraph", "txt": "a", "text": "a"}]),
            "body[0].txt",
            "unknown key 'txt' (did you mean 'text'?)",
        ),
        (
            minimal(authors=[{"name": "A", "Role": "x"}]),
            "authors[0].Role",
            "unknown key 'Role' (did you mean 'role'?)",
        ),
    ],
)
def test_unknown_keys_suggest_the_closest_known_key(
    document: dict[str, Any], path: str, message: str
) -> None:
    """An unknown key close to a known one names it, at the key's JSON path."""
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads(text_of(document))
    assert (path, message) in [(p.path, p.message) for p in caught.value.problems]


def test_unknown_key_without_a_close_one_lists_the_known_keys() -> None:
    """A key like no known one lists the keys the object takes."""
    with pytest.raises(mc.ValidationError) as caught:
        mc.loads(text_of(minimal(body=[{"type": "divider", "zzz": 1}])))
    (problem,) = caught.value.problems
    assert problem.path == "body[0].zzz"
    assert problem.message == "unknown key 'zzz' (expected one of: type)"
