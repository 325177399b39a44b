"""The IPTC ninjs examples and the ninjs 3.1 JSON Schema kept in tests/data/ninjs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

NINJS = Path(__file__).resolve().parent.parent / "data" / "ninjs"
"""The folder of the IPTC's examples (by ninjs version) and the 3.1 schema."""

SCHEMA: dict[str, Any] = json.loads((NINJS / "ninjs-schema_3.1.json").read_text(encoding="utf-8"))
"""The IPTC's ninjs 3.1 JSON Schema."""

VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
"""A validator of ninjs 3.1 documents, formats (``date-time``, ``uri``) checked."""


def ninjs_errors(document: object) -> list[str]:
    """Every way *document* breaks the ninjs 3.1 schema (empty when it is valid)."""
    return [error.message for error in VALIDATOR.iter_errors(document)]
