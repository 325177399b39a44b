"""Small article documents and files for tests of the batch and the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from messenger_content._files import is_temporary

ROOT = Path(__file__).parent.parent.parent
PHOTO = ROOT / "examples" / "night-bus-pilot" / "depot.jpg"
"""A small JPEG the tests copy next to their articles."""


def article_json(
    number: int, *, article_id: str | None = "", image: bool = False
) -> dict[str, Any]:
    """A small valid article; ``id`` defaults to ``story-<number>`` (``None``: no id)."""
    body: list[dict[str, Any]] = [
        {"type": "paragraph", "text": f"Paragraph one of story {number}, short and plain."},
        {"type": "heading", "text": "A heading"},
        {"type": "quote", "text": "We said it.", "attribution": "Someone"},
    ]
    if image:
        body.append({"type": "image", "src": "photo.jpg", "alt": "A photo", "caption": "Photo"})
    document: dict[str, Any] = {
        "headline": f"Story number {number}",
        "published": "2024-03-01T09:00:00Z",
        "authors": [{"name": "A. Reporter"}],
        "body": body,
    }
    if article_id is not None:
        document["id"] = article_id or f"story-{number}"
    return document


def write_articles(folder: Path, count: int, *, image: bool = False) -> list[Path]:
    """Write *count* small articles (``story-1.json``...) into *folder*; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    if image:
        shutil.copy(PHOTO, folder / "photo.jpg")
    paths = []
    for number in range(1, count + 1):
        path = folder / f"story-{number}.json"
        path.write_text(json.dumps(article_json(number, image=image)), encoding="utf-8")
        paths.append(path)
    return paths


def write_article(path: Path, document: dict[str, Any]) -> Path:
    """Write *document* as JSON to *path* (folders created); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def invalid_article(folder: Path, name: str = "bad.json") -> Path:
    """Write an article whose second block's link is refused; return its path."""
    document = article_json(0, article_id="bad")
    document["body"][1] = {
        "type": "paragraph",
        "text": ["see ", {"type": "link", "href": "javascript:alert(1)", "text": "this"}],
    }
    return write_article(folder / name, document)


def leftovers(folder: Path) -> list[Path]:
    """Temporary files left anywhere under *folder*."""
    return [path for path in folder.rglob("*") if is_temporary(path)]
