"""The documentation stays in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import messenger_content as mc

ROOT = Path(__file__).resolve().parent.parent
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")


def documented_tables() -> dict[str, list[str]]:
    """Map each level-3 section of docs/format.md to the keys its table lists."""
    tables: dict[str, list[str]] = {}
    for section in re.split(r"^### ", FORMAT, flags=re.MULTILINE)[1:]:
        name = section.split("`")[1]
        tables[name] = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    return tables


def test_format_reference_lists_every_field() -> None:
    """docs/format.md has a table for every object in the schema, listing exactly its keys."""
    schema = mc.json_schema()
    expected = {"Article": list(schema["properties"])}
    expected.update(
        {name: list(d["properties"]) for name, d in schema["$defs"].items() if "properties" in d}
    )
    assert documented_tables() == expected


def test_format_reference_descriptions_match() -> None:
    """Each documented key's description is the field docstring the schema carries."""
    schema = mc.json_schema()
    definitions = {"Article": schema, **schema["$defs"]}
    for name, keys in documented_tables().items():
        for key in keys:
            description = definitions[name]["properties"][key].get("description", "")
            assert description.replace("|", "\\|") in FORMAT, f"{name}.{key}"


def test_readme_starts_with_two_commands() -> None:
    """The README opens with the two set-up-and-run commands, and CI runs the second."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.DOTALL)
    first, second = blocks[0].strip(), blocks[1].strip()
    assert "scripts/setup" in first
    assert "convert" in first
    assert "scripts/setup --test" in second
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
