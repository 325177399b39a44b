"""The accessibility checkers the field trusts, run in batches from the tests.

- :func:`run_axe`: axe-core (WCAG 2.1 A/AA and best practice) on many HTML
  pages in one headless Chromium, through ``tests/helpers/axe.js``;
- :func:`run_ace`: DAISY Ace on EPUB books, through its puppeteer runner.

``scripts/setup --test`` installs both in ``.tools`` (npm) and Chromium from
Debian; :func:`missing_tools` says what is missing so a test can skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

__all__ = [
    "ACE",
    "AceReport",
    "Page",
    "describe_axe",
    "missing_tools",
    "run_ace",
    "run_axe",
]

ROOT = Path(__file__).parent.parent.parent
NODE_MODULES = ROOT / ".tools" / "node_modules"
#: The Ace command line that drives Chromium through puppeteer (no Electron).
ACE = NODE_MODULES / ".bin" / "ace-puppeteer"
AXE_SCRIPT = Path(__file__).parent / "axe.js"
#: Debian's Chromium, which setup installs; puppeteer downloads none (--ignore-scripts).
CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")


def missing_tools(tool: Literal["axe", "ace"]) -> str | None:
    """Why *tool* cannot run here (a reason to skip with), or ``None`` if it can."""
    if shutil.which("node") is None:
        return "Node.js is not installed: run scripts/setup --test"
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not at {CHROMIUM}: run scripts/setup --test"
    needed = (
        [NODE_MODULES / "axe-core", NODE_MODULES / "puppeteer-core"] if tool == "axe" else [ACE]
    )
    for path in needed:
        if not path.exists():
            return f"{path.relative_to(ROOT)} is missing: run scripts/setup --test"
    return None


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "NODE_PATH": str(NODE_MODULES),
        "PUPPETEER_EXECUTABLE_PATH": CHROMIUM,
        "PUPPETEER_SKIP_DOWNLOAD": "1",
    }


@attrs.frozen(kw_only=True)
class Page:
    """One page for axe: an HTML file and the colour scheme Chromium emulates."""

    path: Path
    """The page on disk (images it links are next to it, or missing)."""
    color_scheme: Literal["light", "dark"] = "light"
    """``prefers-color-scheme`` while axe runs."""


def run_axe(pages: Mapping[str, Page]) -> dict[str, list[dict[str, Any]]]:
    """Run axe-core on every page in one Chromium; return the violations by page name.

    Each violation is ``{"id", "impact", "help", "targets"}``; an empty list
    means axe found nothing against WCAG 2.1 A/AA and best practice.
    """
    if not pages:
        return {}
    jobs = [
        {"name": name, "path": str(page.path), "colorScheme": page.color_scheme}
        for name, page in pages.items()
    ]
    folder = next(iter(pages.values())).path.parent
    listing = folder / "axe-pages.json"
    listing.write_text(json.dumps(jobs), encoding="utf-8")
    result = subprocess.run(
        ["node", str(AXE_SCRIPT), str(listing)],
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"axe.js failed:\n{result.stderr}"
    found: dict[str, list[dict[str, Any]]] = json.loads(result.stdout)["pages"]
    return found


def describe_axe(violations: list[dict[str, Any]]) -> str:
    """Describe axe's violations as lines: rule, impact, help and the elements concerned."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}: {', '.join(v['targets'])}" for v in violations
    )


@attrs.frozen(kw_only=True)
class AceReport:
    """What DAISY Ace says about one book."""

    outcome: str
    """``pass`` or ``fail``: Ace's verdict."""
    violations: tuple[tuple[str, str, str, str], ...]
    """Each violation: (rule, impact, document, description)."""
    missing: tuple[str, ...]
    """Accessibility metadata Ace looked for and did not find (``dcterms:conformsTo`` ...)."""
    metadata: dict[str, Any]
    """The package metadata as Ace read it (``dcterms:conformsTo`` if claimed)."""

    def describe(self) -> str:
        """The violations as lines."""
        return "\n".join(
            f"  {rule} ({impact}) in {document}: {text}"
            for rule, impact, document, text in self.violations
        )


def _read_ace(report: dict[str, Any]) -> AceReport:
    violations = []
    for document in report.get("assertions", []):
        where = document["earl:testSubject"]["url"]
        for assertion in document.get("assertions", []):
            test = assertion["earl:test"]
            violations.append(
                (
                    test["dct:title"],
                    test["earl:impact"],
                    where,
                    assertion["earl:result"]["dct:description"],
                )
            )
    return AceReport(
        outcome=report["earl:result"]["earl:outcome"],
        violations=tuple(violations),
        missing=tuple(report["a11y-metadata"]["missing"]),
        metadata=report["earl:testSubject"].get("metadata", {}),
    )


def run_ace(books: Mapping[str, bytes], folder: Path) -> dict[str, AceReport]:
    """Check every book with DAISY Ace; return its report by name.

    Args:
        books: The ``.epub`` files' bytes, by a name usable as a file stem.
        folder: An empty folder for the books and Ace's reports.
    """
    reports: dict[str, AceReport] = {}
    for name, book in books.items():
        path = folder / f"{name}.epub"
        path.write_bytes(book)
        out = folder / f"{name}-ace"
        result = subprocess.run(
            [str(ACE), "--silent", "--force", "--outdir", str(out), str(path)],
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        report = out / "report.json"
        assert report.is_file(), f"Ace wrote no report for {name}:\n{result.stderr}"
        reports[name] = _read_ace(json.loads(report.read_text(encoding="utf-8")))
    return reports
