"""DAISY Ace on a corpus of books: no violation, and the accessibility metadata it wants.

The corpus: both examples (one has every block type, one no lead image),
Arabic and Hebrew (right to left), Armenian, Russian, Chinese and Japanese
books, and an article whose image has no alt text: that book must not claim
conformance, and Ace must agree that it fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import messenger_content as mc
from messenger_content.models import BLOCK_CLASSES
from tests.helpers.checkers import AceReport, missing_tools, run_ace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_tools("ace") is not None, reason=str(missing_tools("ace"))),
]

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
#: The claim a book makes when its checks pass (EPUB Accessibility 1.1).
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
#: The schema.org properties Ace looks for in every book.
SCHEMA_PROPERTIES = {
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
}

CONFORMING = {
    **{path.parent.name: path for path in sorted(ROOT.glob("examples/*/article.json"))},
    "arabic": DATA / "epub" / "arabic.json",
    "armenian": DATA / "epub" / "armenian.json",
    "hebrew": DATA / "a11y" / "hebrew.json",
    "russian": DATA / "pdf" / "cyrillic-greek.json",
    "chinese": DATA / "a11y" / "chinese.json",
    "japanese": DATA / "a11y" / "japanese.json",
}
NO_ALT = DATA / "a11y" / "image-without-alt.json"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, AceReport]:
    """Run Ace on every book of the corpus; return its report by name."""
    books = {
        name: mc.to_epub(mc.load(path), base_dir=path.parent)
        for name, path in [*CONFORMING.items(), ("image-without-alt", NO_ALT)]
    }
    return run_ace(books, tmp_path_factory.mktemp("ace"))


def test_the_corpus_covers_the_required_books() -> None:
    """Every block type, right-to-left and CJK books, and a book without a lead image."""
    articles = [mc.load(path) for path in CONFORMING.values()]
    assert {block.type for a in articles for block in a.body} == {cls.type for cls in BLOCK_CLASSES}
    assert {"ar", "he", "zh", "ja"} <= {a.language.split("-")[0] for a in articles}
    assert any(a.lead_image is None for a in articles)
    assert mc.load(NO_ALT).body[1] == mc.Image(
        src="photo.jpg",
        caption="The crane in its last week on the quay.",
        credit="The Messenger",
        width=48,
        height=32,
    )


@pytest.mark.parametrize("name", sorted(CONFORMING))
def test_ace_finds_no_violation(name: str, reports: dict[str, AceReport]) -> None:
    """Ace reports no violation in the package or any content document."""
    report = reports[name]
    assert report.violations == (), f"Ace on {name}:\n{report.describe()}"
    assert report.outcome == "pass"


@pytest.mark.parametrize("name", sorted(CONFORMING))
def test_ace_finds_the_accessibility_metadata(name: str, reports: dict[str, AceReport]) -> None:
    """The schema.org properties, the conformance claim and who certified it are present."""
    report = reports[name]
    assert not SCHEMA_PROPERTIES & set(report.missing), report.missing
    assert "dcterms:conformsTo" not in report.missing
    assert "a11y:certifiedBy" not in report.missing
    assert report.metadata.get("dcterms:conformsTo") == CONFORMS_TO


def test_a_book_with_an_image_without_alt_claims_nothing(reports: dict[str, AceReport]) -> None:
    """No conformance claim for the book whose image lacks alt text; Ace fails it on that alone."""
    report = reports["image-without-alt"]
    assert "dcterms:conformsTo" not in report.metadata
    assert report.outcome == "fail"
    assert {rule for rule, *_ in report.violations} == {"image-alt"}, report.describe()
