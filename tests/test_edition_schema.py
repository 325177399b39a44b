"""The edition schema and the edition loader agree, on documents one edit away from valid ones.

The schema cannot look at the file system: a path to a missing file, a folder
that is not there, or an article file with its own errors is well formed to it
and refused by the loader. Every other judgement must be the same.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import messenger_content as mc
from messenger_content import _rules

DATA = Path(__file__).parent / "data" / "editions"
BASES = sorted(DATA.glob("valid-*.json"))
VALIDATOR = Draft202012Validator(mc.edition_json_schema())

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-1, max_value=3)
    | st.text(max_size=6)
    | st.sampled_from(
        [
            "",
            " ",
            "articles/good/article.json",
            "articles/other/article.json",
            "./articles/good/article.json",
            "articles/broken/article.json",
            "articles/good",
            "articles",
            "missing.json",
            "../valid-flat.json",
            "articles/../valid-flat.json",
            "/etc/hostname",
            "C:/x.json",
            "https://example.org/a.json",
            "a\\b.json",
            "a\u0007.json",
            "2026-12-07",
            "2026-02-30",
            "2026-12-07T06:00:00Z",
            "2026-12-07T06:00:00",
            "en",
            "ar",
            "edition",
            "article",
            "paragraph",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                ["title", "articles", "article", "folder", "headline", "body", "type", "x"]
            ),
            children,
            max_size=3,
        )
    ),
    max_leaves=5,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indices) to a value inside *value*."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(paths(item, (*prefix, index)))
    return found


@st.composite
def mutated_editions(draw: st.DrawFn) -> Any:
    """A valid edition with one value replaced, one key removed or one key or item added."""
    document = json.loads(draw(st.sampled_from(BASES)).read_text(encoding="utf-8"))
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
        key = draw(st.sampled_from(["folder", "article", "articles", "sections", "issued", "x"]))
        parent[key] = draw(json_values)
    else:
        parent.insert(last, draw(json_values))
    return copy.deepcopy(document)


def value_at(document: Any, path: str) -> Any:
    """The value a problem's JSON path (``sections[1].articles[0]``) names, or None."""
    value = document
    for token in re.findall(r"\[(\d+)\]|([^.\[\]]+)", path):
        index, key = token
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def only_the_files_say_no(document: Any, error: mc.ValidationError) -> bool:
    """Whether every problem is about a well-formed path or folder the file system refuses."""
    for problem in error.problems:
        value = value_at(document, problem.path)
        if not isinstance(value, str) or _rules.relative_path_problem(value) is not None:
            return False
        if not (problem.path.endswith("]") or problem.path.endswith(".folder")):
            return False
    return True


@settings(
    max_examples=int(os.environ.get("AGREEMENT_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated_editions())
def test_schema_and_loader_agree_on_mutated_editions(document: Any) -> None:
    """The schema accepts what loads, and refuses what does not (file-system refusals aside)."""
    valid = VALIDATOR.is_valid(document)
    refused: mc.ValidationError | None = None
    try:
        mc.loads_edition(json.dumps(document), base_dir=DATA, notes=[])
    except mc.ValidationError as error:
        refused = error
    if refused is None:
        assert valid, ([e.message for e in VALIDATOR.iter_errors(document)], document)
    else:
        assert not valid or only_the_files_say_no(document, refused), (str(refused), document)
