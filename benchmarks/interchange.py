"""How fast ninjs documents go ninjs -> article -> ninjs, per document.

For each IPTC example in ``tests/data/ninjs/`` (and each bundled article,
exported to ninjs first) prints the best time of ``from_ninjs`` and of
``to_ninjs``, in microseconds, and the round trip's ratio to ``json.loads`` +
``json.dumps`` of the same document (what a program that only passes the JSON
on would pay).

Run: ``.venv/bin/python benchmarks/interchange.py``
"""

from __future__ import annotations

import json
import sys
import timeit
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from messenger_content.interchange import from_ninjs, to_ninjs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import examples  # noqa: E402


def best_per_call(function: Callable[[], object], *, repeat: int = 5) -> float:
    """Best time of one call, over *repeat* runs of about 0.2 s each."""
    timer = timeit.Timer(function)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeat, number=number)) / number


def _json_round_trip(text: str) -> str:
    """What passing the document on costs: parse and serialise."""
    return json.dumps(json.loads(text))


def documents() -> list[tuple[str, dict[str, Any]]]:
    """The IPTC examples that are articles, then the bundled examples as ninjs."""
    found = []
    for path in sorted(ROOT.glob("tests/data/ninjs/*/*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        try:
            from_ninjs(document)
        except ValueError:
            continue  # no headline: not an article
        found.append((f"{path.parent.name}/{path.stem}"[:34], document))
    for name, _path, article in examples():
        found.append((f"example/{name}"[:34], to_ninjs(article)))
    return found


def main() -> None:
    """Measure and print the table."""
    header = ("document", "bytes", "from_ninjs", "to_ninjs", "round trip", "vs json")
    print("{:34} {:>7} {:>12} {:>12} {:>12} {:>8}".format(*header))
    totals = []
    for name, document in documents():
        text = json.dumps(document)
        article, _ = from_ninjs(document)
        read = best_per_call(partial(from_ninjs, document))
        write = best_per_call(partial(to_ninjs, article))
        plain = best_per_call(partial(_json_round_trip, text))
        totals.append(read + write)
        print(
            f"{name:34} {len(text.encode()):>7} {read * 1e6:>10.1f}µs {write * 1e6:>10.1f}µs"
            f" {(read + write) * 1e6:>10.1f}µs {(read + write) / plain:>7.1f}x"
        )
    totals.sort()
    print(f"median round trip: {totals[len(totals) // 2] * 1e6:.1f}µs per document")


if __name__ == "__main__":
    main()
