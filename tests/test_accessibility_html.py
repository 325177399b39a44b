"""axe-core on every HTML test page: WCAG 2.1 A/AA and best practice, light and dark.

All pages are written to one folder and checked in one headless Chromium; each
test then looks at its own page's violations. The pages: both examples, every
block type, right-to-left (Arabic, Hebrew) and CJK articles, each in the light
and the dark colour scheme, and the article as a fragment in a host page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import messenger_content as mc
from messenger_content import theme
from messenger_content.exporters.html import to_html
from messenger_content.models import BLOCK_CLASSES
from tests.helpers.checkers import Page, describe_axe, missing_tools, run_axe

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_tools("axe") is not None, reason=str(missing_tools("axe"))),
]

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
#: Every article with a page to check (the ones with remote images link them: never fetched).
ARTICLES = sorted(
    [
        *ROOT.glob("examples/*/article.json"),
        DATA / "text" / "every-block.json",
        *(DATA / "html").glob("*.json"),
        *(DATA / "pdf").glob("*.json"),
        *(DATA / "epub").glob("*.json"),
        DATA / "a11y" / "hebrew.json",
        DATA / "a11y" / "chinese.json",
        DATA / "a11y" / "japanese.json",
    ]
)
NO_ALT = DATA / "a11y" / "image-without-alt.json"

#: A host page around a fragment: the host gives the landmarks, the fragment its language.
HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A page embedding an article</title>
<style>{css}</style>
</head>
<body>
<main>
{article}</main>
</body>
</html>
"""


def _name(path: Path) -> str:
    """``night-bus-pilot`` for an example, ``pdf-arabic`` for a fixture."""
    return path.parent.name if path.name == "article.json" else f"{path.parent.name}-{path.stem}"


def _render(path: Path, *, fragment: bool = False) -> str:
    # Images are linked, not embedded: some fixtures name remote or absent files,
    # and axe judges the markup (alt text, landmarks, contrast of text), not the pixels.
    article = mc.load(path)
    options: dict[str, Any] = {"base_dir": path.parent, "allow_remote": True}
    if fragment:
        return HOST_PAGE.format(
            css=theme.stylesheet("screen"), article=to_html(article, fragment=True, **options)
        )
    return to_html(article, **options)


def _pages(folder: Path) -> dict[str, Page]:
    pages: dict[str, Page] = {}
    for path in [*ARTICLES, NO_ALT]:
        target = folder / f"{_name(path)}.html"
        target.write_text(_render(path), encoding="utf-8")
        pages[f"{_name(path)}-light"] = Page(path=target)
        pages[f"{_name(path)}-dark"] = Page(path=target, color_scheme="dark")
        fragment = folder / f"{_name(path)}-fragment.html"
        fragment.write_text(_render(path, fragment=True), encoding="utf-8")
        pages[f"{_name(path)}-fragment"] = Page(path=fragment)
    return pages


PAGE_NAMES = sorted(
    f"{_name(path)}-{variant}" for path in ARTICLES for variant in ("light", "dark", "fragment")
)


@pytest.fixture(scope="module")
def violations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Run axe once on every page; return the violations by page name."""
    return run_axe(_pages(tmp_path_factory.mktemp("axe")))


def test_the_corpus_covers_the_required_pages() -> None:
    """Both examples, every block type, Arabic, Hebrew and CJK articles are checked."""
    languages = {mc.load(path).language.split("-")[0] for path in ARTICLES}
    assert {"en", "ar", "he", "zh", "ja", "hy"} <= languages
    assert len(list(ROOT.glob("examples/*/article.json"))) >= 2
    types = {block.type for path in ARTICLES for block in mc.load(path).body}
    assert types == {cls.type for cls in BLOCK_CLASSES}


def _lacks_alt(path: Path) -> bool:
    """Whether the article has a described (captioned) image without alt text."""
    article = mc.load(path)
    images = [article.lead_image, *(b for b in article.body if isinstance(b, mc.Image))]
    return any(i is not None and i.alt is None and i.caption is not None for i in images)


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_axe_reports_no_violation(name: str, violations: dict[str, list[dict[str, Any]]]) -> None:
    """axe-core finds nothing against WCAG 2.1 A/AA or best practice (landmarks included).

    An image the author described only by a caption has no alt text; that is the
    content's failure, which axe must report, and nothing else.
    """
    path = next(p for p in ARTICLES if name.startswith(f"{_name(p)}-"))
    found = [v for v in violations[name] if not (_lacks_alt(path) and v["id"] == "image-alt")]
    assert found == [], f"axe on {name}:\n{describe_axe(found)}"


def test_axe_reports_an_image_without_alt_text(
    violations: dict[str, list[dict[str, Any]]],
) -> None:
    """A captioned image without alt text is caught: the checker is not silent on failures."""
    assert _lacks_alt(NO_ALT)
    for variant in ("light", "dark", "fragment"):
        found = violations[f"a11y-image-without-alt-{variant}"]
        assert {v["id"] for v in found} == {"image-alt"}, describe_axe(found)
