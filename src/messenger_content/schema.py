"""JSON Schemas (draft 2020-12) of the article and edition formats, generated from the models.

:func:`build_schema` walks the attrs models and their field rules (each rule
carries its own schema fragment) and takes each field's description from the
docstring under it. The result ships in the package as ``schema.json``, which
:func:`json_schema` returns; a test keeps the two identical.
:func:`build_edition_schema` does the same for editions, holding the article
schema's definitions so that it stands alone (``edition.schema.json``,
:func:`edition_json_schema`).

Regenerate both with ``python -m messenger_content.schema`` and
``python -m messenger_content.schema --edition``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import types
from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Literal, Union, get_args, get_origin

import attrs

from . import _rules, models
from .models import BLOCK_CLASSES, INLINE_NODE_CLASSES, Article, Rule, Text

__all__ = [
    "EDITION_SCHEMA_ID",
    "SCHEMA_ID",
    "build_edition_schema",
    "build_schema",
    "edition_json_schema",
    "json_schema",
    "render_edition_schema",
    "render_schema",
]

#: The schema's ``$id``: the name other tools use to refer to format version 1.
SCHEMA_ID = "https://messenger-content.invalid/schema/article-1.json"
#: The edition schema's ``$id``.
EDITION_SCHEMA_ID = "https://messenger-content.invalid/schema/edition-1.json"


def _docstrings(cls: type) -> dict[str, str]:
    """Map each field of *cls* to the docstring written under it."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    found: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value).replace("``", "`")
    return found


def _def_name(cls: type, *, tagged: bool = False) -> str:
    name = cls.__name__
    return f"{name}Block" if tagged and cls is models.Image else name


def _type_schema(kind: Any) -> dict[str, Any]:
    """Schema for a field's type when its rule does not say (nested models, lists)."""
    if get_origin(kind) in (Union, types.UnionType):
        (inner,) = [arg for arg in get_args(kind) if arg is not type(None)]
        return _type_schema(inner)
    if kind == Text:
        return {"$ref": "#/$defs/text"}
    if kind == tuple[models.Block, ...]:
        return {"type": "array", "items": {"$ref": "#/$defs/block"}}
    if get_origin(kind) is tuple:
        (item, _) = get_args(kind)
        return {"type": "array", "items": _type_schema(item)}
    if attrs.has(kind):
        return {"$ref": f"#/$defs/{_def_name(kind)}"}
    if get_origin(kind) is Literal:
        return {"enum": list(get_args(kind))}
    if kind is str:
        return {"type": "string"}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        return {"type": "integer"}
    if kind is datetime:
        return {"type": "string", "format": "date-time"}
    raise TypeError(f"no schema for {kind!r}")  # pragma: no cover - a new field type


def _object_schema(cls: type, *, tagged: bool) -> dict[str, Any]:
    attrs.resolve_types(cls)
    docs = _docstrings(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    if tagged:
        properties["type"] = {"const": cls.type}  # type: ignore[attr-defined]
        required.append("type")
    for field in attrs.fields(cls):
        rule = field.validator
        fragment = dict(rule.schema) if isinstance(rule, Rule) and rule.schema else {}
        if not fragment:
            fragment = _type_schema(field.type)
        if field.name in docs:
            fragment = {"description": docs[field.name], **fragment}
        if field.default is attrs.NOTHING:
            required.append(field.name)
        elif field.default not in (None, ()):
            fragment["default"] = field.default
        properties[field.name] = fragment
    schema: dict[str, Any] = {"type": "object"}
    if cls.__doc__:
        schema["description"] = inspect.cleandoc(cls.__doc__).splitlines()[0].replace("``", "`")
    schema["properties"] = properties
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def build_schema() -> dict[str, Any]:
    """Generate the JSON Schema of format version 1.1 from the models."""
    defs: dict[str, Any] = {}
    parts: tuple[type, ...] = (models.Publication, models.Author, models.Image, models.Correction)
    for part in parts:
        defs[_def_name(part)] = _object_schema(part, tagged=False)
    for block in BLOCK_CLASSES:
        defs[_def_name(block, tagged=True)] = _object_schema(block, tagged=True)
    for node in INLINE_NODE_CLASSES:
        defs[node.__name__] = _object_schema(node, tagged=True)
    defs["block"] = {
        "description": "A body block, discriminated by its `type`.",
        "oneOf": [{"$ref": f"#/$defs/{_def_name(cls, tagged=True)}"} for cls in BLOCK_CLASSES],
    }
    plain = {"type": "string", "pattern": _rules.TEXT_PATTERN}
    defs["inline"] = {
        "description": "A piece of inline content: a string or an inline node.",
        "oneOf": [plain, *({"$ref": f"#/$defs/{cls.__name__}"} for cls in INLINE_NODE_CLASSES)],
    }
    defs["text"] = {
        "description": (
            "Inline content: a non-empty string, or an array of strings and inline nodes"
            " holding at least one non-empty string or node."
        ),
        "oneOf": [
            {**plain, "minLength": 1},
            {
                "type": "array",
                "items": {"$ref": "#/$defs/inline"},
                "contains": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "object"}]},
            },
        ],
    }
    article = _object_schema(Article, tagged=False)
    article["properties"] = {
        "$schema": {"description": "URI of the schema the document follows.", "type": "string"},
        "type": {"description": "Always `article`; optional on input.", "const": "article"},
        **article["properties"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "messenger_content article, format version 1.1",
        **article,
        "$defs": defs,
    }


def _entries_schema(minimum: str) -> dict[str, Any]:
    return {
        "description": f"The articles, in reading order; {minimum}.",
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/articleEntry"},
    }


def build_edition_schema() -> dict[str, Any]:
    """Generate the JSON Schema of the edition format, version 1, from the models."""
    article = build_schema()
    defs: dict[str, Any] = dict(article.pop("$defs"))
    for key in ("$schema", "$id", "title"):
        del article[key]
    defs["Article"] = article
    defs["relativePath"] = {
        "description": (
            "A path relative to the edition's file, with `/` between folders, that stays"
            " inside the edition's folder: not absolute, not a URL, no `..`, no backslash."
        ),
        "type": "string",
        "allOf": [{"pattern": pattern} for pattern in _rules.RELATIVE_PATH_PATTERNS],
    }
    defs["EditionArticle"] = {
        "type": "object",
        "description": "An article inline, with the folder its images are read from.",
        "properties": {
            "folder": {
                "description": (
                    "Folder the article's relative image paths resolve against,"
                    " relative to the edition's folder."
                ),
                "$ref": "#/$defs/relativePath",
            },
            "article": {"description": "The article.", "$ref": "#/$defs/Article"},
        },
        "required": ["article"],
        "additionalProperties": False,
    }
    defs["articleEntry"] = {
        "description": (
            "An article of the edition: the path of an article JSON file, an article"
            " inline, or an article inline with its folder."
        ),
        "oneOf": [
            {"$ref": "#/$defs/relativePath"},
            {"$ref": "#/$defs/Article"},
            {"$ref": "#/$defs/EditionArticle"},
        ],
    }
    section = _object_schema(models.Section, tagged=False)
    section["properties"]["articles"] = _entries_schema("at least one")
    defs["Section"] = section
    edition = _object_schema(models.Edition, tagged=False)
    properties = edition["properties"]
    properties["articles"] = _entries_schema("at least one, when the edition has no sections")
    properties["sections"] = {
        "description": properties["sections"]["description"],
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/Section"},
    }
    edition["properties"] = {
        "$schema": {"description": "URI of the schema the document follows.", "type": "string"},
        "type": {"description": "Always `edition`; optional on input.", "const": "edition"},
        **properties,
    }
    edition["oneOf"] = [{"required": ["articles"]}, {"required": ["sections"]}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": EDITION_SCHEMA_ID,
        "title": "messenger_content edition, format version 1.1",
        **edition,
        "$defs": defs,
    }


@lru_cache(maxsize=2)
def _shipped(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the article format, version 1."""
    value: dict[str, Any] = json.loads(_shipped("schema.json"))
    return value


def edition_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of the edition format, version 1."""
    value: dict[str, Any] = json.loads(_shipped("edition.schema.json"))
    return value


def render_schema() -> str:
    """The schema as the text shipped in ``schema.json``."""
    return json.dumps(build_schema(), ensure_ascii=False, indent=2) + "\n"


def render_edition_schema() -> str:
    """The edition schema as the text shipped in ``edition.schema.json``."""
    return json.dumps(build_edition_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped files
    import sys

    print(render_edition_schema() if "--edition" in sys.argv else render_schema(), end="")
