"""The JSON Schema: generated from the models, shipped, and in agreement with the loader."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import messenger_content as mc
from messenger_content.schema import build_schema, render_schema
from tests.helpers.malformed import MALFORMED

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
#: A document holding every block and field of format 1.1 (also a golden-file fixture).
FORMAT_1_1 = ROOT / "tests" / "data" / "text" / "format-1-1.json"
VALIDATOR = Draft202012Validator(mc.json_schema())


def loads_ok(document: Any) -> bool:
    """Whether the loader accepts *document*."""
    try:
        mc.loads(json.dumps(document))
    except mc.ContentError:
        return False
    return True


def test_shipped_schema_is_the_generated_one() -> None:
    """schema.json in the package is exactly what build_schema() generates from the models."""
    shipped = (ROOT / "src/messenger_content/schema.json").read_text(encoding="utf-8")
    assert shipped == render_schema(), (
        "run: python -m messenger_content.schema > src/messenger_content/schema.json"
    )
    assert mc.json_schema() == build_schema()


def test_schema_is_valid_draft_2020_12() -> None:
    """The schema itself is a valid draft 2020-12 schema."""
    Draft202012Validator.check_schema(mc.json_schema())
    assert mc.json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_field_has_a_description() -> None:
    """Every property of every object in the schema carries the field's docstring."""
    schema = mc.json_schema()
    objects = [schema, *(d for d in schema["$defs"].values() if "properties" in d)]
    for definition in objects:
        for name, prop in definition["properties"].items():
            if name != "type" or "description" in prop:
                assert prop.get("description"), f"{definition.get('description')}: {name}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_examples_validate(path: Path) -> None:
    """The bundled examples, and what dumps() writes for them, validate against the schema."""
    document = json.loads(path.read_text(encoding="utf-8"))
    assert not list(VALIDATOR.iter_errors(document))
    assert not list(VALIDATOR.iter_errors(json.loads(mc.dumps(mc.load(path)))))


def test_format_1_1_document_validates() -> None:
    """A document with every format 1.1 block and field, and its dump, validate."""
    document = json.loads(FORMAT_1_1.read_text(encoding="utf-8"))
    assert not list(VALIDATOR.iter_errors(document))
    assert not list(VALIDATOR.iter_errors(json.loads(mc.dumps(mc.load(FORMAT_1_1)))))


def test_a_v1_reader_would_reject_only_the_new_parts() -> None:
    """The schema's title says format 1.1; the v1 blocks and keys are all still there."""
    schema = mc.json_schema()
    assert schema["title"] == "messenger_content article, format version 1.1"
    assert {"dateline", "corrections"} <= set(schema["properties"])
    kinds = {definition["properties"]["type"]["const"] for definition in _block_defs(schema)}
    v1 = {"paragraph", "heading", "quote", "image", "list", "related_link", "newsletter", "divider"}
    assert kinds == v1 | {"table", "preformatted", "embed"}


#: Definitions with a constant ``type`` that are not body blocks.
INLINE_TYPES = {"emphasis", "strong", "link", "code", "line_break", "article"}


def _block_defs(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema definitions of body blocks (those with a constant ``type``)."""
    return [
        definition
        for definition in schema["$defs"].values()
        if "const" in definition.get("properties", {}).get("type", {})
        and definition["properties"]["type"]["const"] not in INLINE_TYPES
    ]


@pytest.mark.parametrize("document", [c[1] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_schema_refuses_what_the_loader_refuses(document: str) -> None:
    """Each malformed case the loader refuses is invalid against the schema too."""
    assert not VALIDATOR.is_valid(json.loads(document))


# --- mutation agreement ----------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=10)
    | st.sampled_from([2.0, 2.5, 1e300])
    | st.text(max_size=8)
    | st.sampled_from(
        [
            "",
            " ",
            "\u2003",
            "x\u0007",
            "\ud800",
            "https://example.org/a",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "#frag",
            "mailto:a@b.c",
            "//host/path",
            "../up.png",
            "2023-07-28T10:00:00Z",
            "2023-07-28T10:00:00",
            "2024-02-29T23:59:59.123456+14:00",
            "2023-02-29T10:00:00Z",
            "en",
            "hy-AM",
            "pull",
            "block",
            "paragraph",
            "emphasis",
            "link",
            "line_break",
            "article",
            "table",
            "preformatted",
            "embed",
            "code",
            "verse",
            "python",
            "c++",
            "java script",
            "2026-12-01",
            "2026-02-30",
            "2026-12-01T10:00:00",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["type", "text", "href", "src", "level", "items", "name", "x", "rows", "url"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=6,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (sequence of keys/indices) to a value inside *value*."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, (*prefix, index)))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """An example document with one value replaced, one key removed or one key added."""
    source = draw(st.sampled_from([*EXAMPLES, FORMAT_1_1]))
    document = json.loads(source.read_text(encoding="utf-8"))
    target = draw(st.sampled_from(paths(document)[1:]))
    parent = document
    for step in target[:-1]:
        parent = parent[step]
    last = target[-1]
    action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
    if action == "replace":
        parent[last] = draw(json_values)
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        keys = ["level", "style", "extra", "alt", "ordered", "text", "language", "poster", "date"]
        parent[draw(st.sampled_from(keys))] = draw(json_values)
    else:
        parent.insert(last, draw(json_values))
    return copy.deepcopy(document)


@settings(
    max_examples=int(os.environ.get("AGREEMENT_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated_documents())
def test_schema_and_loader_agree_on_mutated_documents(document: Any) -> None:
    """For documents one edit away from an example, the schema accepts exactly what loads."""
    assert VALIDATOR.is_valid(document) == loads_ok(document), (
        [e.message for e in VALIDATOR.iter_errors(document)],
        document,
    )
