"""Embed the models in another tool: a CMS export becomes articles in the stable JSON format.

A content-management system hands over records in its own shape (below, a
made-up but typical one: ``title``, ``slug``, ``byline``, ``date_gmt``, and a
list of ``blocks``). This script maps each record onto format version 1 in one
function, lets :func:`messenger_content.loads` validate it, and writes the
canonical JSON, which reads back as the same article, so any other tool that
reads the format can take it. It needs nothing beyond the base install; a tool
that wants to check the files with a JSON Schema validator of its own gets the
schema from ``messenger-content schema`` or :func:`messenger_content.json_schema`.

A record that breaks a rule is not half-imported: every problem is reported
with its JSON path, and the record is skipped.

Run: ``.venv/bin/python examples/embed_in_a_cms.py [OUT_DIR]`` (default ``out/``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import messenger_content as mc

#: What the CMS exported: two good records and one with a dangerous link.
CMS_RECORDS: list[dict[str, Any]] = [
    {
        "slug": "harbour-ferry-timetable",
        "title": "Harbour ferry adds an early sailing",
        "standfirst": "The 6:10 departure starts on Monday",
        "byline": ["Sam Okoro"],
        "date_gmt": "2025-05-12 06:00:00",
        "section": "Transport",
        "blocks": [
            {"kind": "text", "html_free_text": "The ferry operator confirmed the change."},
            {"kind": "pullquote", "text": "Commuters asked, we listened.", "who": "Operator"},
            {"kind": "subhead", "text": "What changes"},
            {"kind": "bullets", "items": ["6:10 from the harbour", "6:40 back"]},
            {"kind": "promo", "headline": "Ferry fares frozen", "link": "https://example.org/f"},
        ],
    },
    {
        "slug": "council-meets",
        "title": "Council meets on Thursday",
        "byline": [],
        "date_gmt": None,
        "blocks": [{"kind": "text", "html_free_text": "The agenda is online."}],
    },
    {
        "slug": "sponsored",
        "title": "Click here",
        "byline": ["Advertiser"],
        "date_gmt": "2025-05-12 07:00:00",
        "blocks": [
            {"kind": "link", "text": "Win a prize", "href": "javascript:steal()"},
        ],
    },
]


def _block(block: dict[str, Any]) -> dict[str, Any]:
    """One CMS block in format version 1."""
    kind = block["kind"]
    if kind == "text":
        return {"type": "paragraph", "text": block["html_free_text"]}
    if kind == "subhead":
        return {"type": "heading", "text": block["text"], "level": 2}
    if kind == "pullquote":
        return {
            "type": "quote",
            "text": block["text"],
            "attribution": block["who"],
            "style": "pull",
        }
    if kind == "bullets":
        return {"type": "list", "items": block["items"]}
    if kind == "promo":
        return {"type": "related_link", "title": block["headline"], "url": block["link"]}
    if kind == "link":
        link = {"type": "link", "href": block["href"], "text": block["text"]}
        return {"type": "paragraph", "text": [link]}
    raise ValueError(f"unknown CMS block kind {kind!r}")


def to_document(record: dict[str, Any]) -> dict[str, Any]:
    """Map a CMS record onto the JSON format (no validation here: the loader does it)."""
    document: dict[str, Any] = {
        "id": record["slug"],
        "headline": record["title"],
        "authors": [{"name": name} for name in record["byline"]],
        "body": [_block(block) for block in record["blocks"]],
    }
    if record.get("standfirst"):
        document["subheadline"] = record["standfirst"]
    if record.get("section"):
        document["section"] = record["section"]
    if record.get("date_gmt"):
        # The CMS stores UTC without an offset; the format requires one.
        document["published"] = record["date_gmt"].replace(" ", "T") + "Z"
    return document


def main() -> int:
    """Import every record; write the valid ones; report the others (exit 0 either way)."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    imported = skipped = 0
    for record in CMS_RECORDS:
        try:
            article = mc.loads(json.dumps(to_document(record)), source=f"cms:{record['slug']}")
        except mc.ValidationError as error:
            print(f"skipped: {error}", file=sys.stderr)
            skipped += 1
            continue
        path = out / f"{article.id}.json"
        mc.dump(article, path)
        # What another tool will read: loading the written file gives the same article.
        assert mc.load(path) == article
        print(f"wrote {path}: {article.headline!r}, {len(article.body)} blocks")
        imported += 1
    print(f"imported {imported}, skipped {skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
