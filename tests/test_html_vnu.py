"""The W3C Nu HTML Checker (vnu) on every example and fixture, in every variant.

vnu starts slowly, so every document is written to one folder and checked in a
single run; each test then looks at its own document's messages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content.exporters.html import to_html
from tests.validators import run_vnu

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))
FIXTURES = sorted((Path(__file__).parent / "data" / "html").glob("*.json"))

FRAGMENT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A page embedding an article</title>
</head>
<body>
{}</body>
</html>
"""

Render = Callable[[mc.Article, dict[str, Any]], str]

#: Each variant: (file suffix, how to render). vnu parses ``.xhtml`` files as XML.
VARIANTS: dict[str, tuple[str, Render]] = {
    "screen": (".html", lambda article, options: to_html(article, **options)),
    "embedded": (".html", lambda article, options: to_html(article, embed_images=True, **options)),
    # The print stylesheet uses CSS Paged Media/GCPM properties for WeasyPrint
    # (string-set, bookmark-level) that vnu's CSS checker does not know, so the
    # print markup is checked with its stylesheet linked rather than inlined.
    "print": (
        ".html",
        lambda article, options: to_html(
            article, media="print", stylesheet_href="print.css", **options
        ),
    ),
    "epub": (".xhtml", lambda article, options: to_html(article, media="epub", **options)),
    "fragment": (
        ".html",
        lambda article, options: FRAGMENT_PAGE.format(to_html(article, fragment=True, **options)),
    ),
}


def _documents() -> dict[str, tuple[Path, dict[str, Any], str]]:
    """Every document to check: name -> (article file, render options, variant)."""
    documents: dict[str, tuple[Path, dict[str, Any], str]] = {}
    for path in EXAMPLES:
        for variant in VARIANTS:
            options: dict[str, Any] = {"base_dir": path.parent}
            documents[f"{path.parent.name}-{variant}"] = (path, options, variant)
    for path in FIXTURES:
        for variant in VARIANTS:
            if variant == "embedded":
                continue  # fixtures link remote images, which are never fetched in tests
            options = {"base_dir": path.parent, "allow_remote": True}
            documents[f"{path.stem}-{variant}"] = (path, options, variant)
    return documents


DOCUMENTS = _documents()


@pytest.fixture(scope="module")
def vnu_messages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Run vnu once on every document; return its messages by document name."""
    files: dict[str, str] = {}
    texts: dict[str, str] = {}
    for name, (path, options, variant) in DOCUMENTS.items():
        suffix, render = VARIANTS[variant]
        files[f"{name}{suffix}"] = name
        texts[f"{name}{suffix}"] = render(mc.load(path), options)
    found = run_vnu(texts, tmp_path_factory.mktemp("vnu"))
    return {files[file]: messages for file, messages in found.items()}


def _describe(message: dict[str, Any]) -> str:
    kind = message.get("subType") or message["type"]
    return f"  line {message.get('lastLine', '?')}: {kind}: {message['message']}"


def test_every_example_is_checked() -> None:
    """Both examples and the fixtures are in the checked set, in every variant."""
    assert len(EXAMPLES) >= 2
    assert {name.rsplit("-", 1)[1] for name in DOCUMENTS} == set(VARIANTS)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_vnu_reports_no_errors_or_warnings(
    name: str, vnu_messages: dict[str, list[dict[str, Any]]]
) -> None:
    """The checker finds no error and no warning in the document (infos are allowed)."""
    messages = vnu_messages[name]
    problems = [
        m for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType")
    ]
    listing = "\n".join(map(_describe, messages))
    assert problems == [], f"vnu on {name}:\n{listing}"
