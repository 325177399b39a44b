"""How fast articles load: parse + validate + build models, against plain ``json.loads``.

Prints articles loaded per second for each example and the ratio to ``json.loads``
of the same text, measured in the same run (goal: loading costs at most 10x).

Run: ``.venv/bin/python benchmarks/load.py``
"""

from __future__ import annotations

import json
import timeit
from pathlib import Path

import messenger_content as mc

ROOT = Path(__file__).resolve().parent.parent


def best_per_call(function: object, *, repeat: int = 7, seconds: float = 0.3) -> float:
    """Best time of one call, over *repeat* runs of about *seconds* each."""
    timer = timeit.Timer(function)  # type: ignore[arg-type]
    number, _ = timer.autorange()
    number = max(1, int(number * seconds / 0.2))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def main() -> None:
    """Measure and print the table."""
    header = ("example", "bytes", "json.loads", "mc.loads", "per s", "ratio")
    print("{:32} {:>7} {:>12} {:>12} {:>9} {:>6}".format(*header))
    for path in sorted(ROOT.glob("examples/*/article.json")):
        text = path.read_text(encoding="utf-8")
        mc.loads(text)  # warm the converter's hooks
        plain = best_per_call(lambda text=text: json.loads(text))
        ours = best_per_call(lambda text=text: mc.loads(text))
        print(
            f"{path.parent.name:32} {len(text.encode()):>7} {plain * 1e6:>10.1f}µs"
            f" {ours * 1e6:>10.1f}µs {1 / ours:>9.0f} {ours / plain:>5.1f}x"
        )


if __name__ == "__main__":
    main()
