"""HTML, plain text and Markdown: our exporters against pandoc, measured in the same run.

Two tables, on every bundled example:

* **In process** — the best time of one ``to_html`` / ``to_text`` /
  ``to_markdown`` call per article (pandoc has no in-process mode, so its
  column is its whole run: the honest cost of asking pandoc for one article).
* **Whole process** — median wall time of
  ``messenger-content convert ARTICLE -t FORMAT -o OUT`` against
  ``pandoc INPUT -s -o OUT`` for the same format. Pandoc is fed the Markdown
  our ``to_markdown`` writes (preparing it is not timed), so it does the same
  job: one article in, one standalone document out. The two run in turns, and
  each one's CPU time (user + system) is reported too.

Run: ``.venv/bin/python benchmarks/text_formats.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

import messenger_content as mc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CLI, best_of_interleaved, examples, wall, wall_and_cpu

FORMATS = {"html": ("html", ".html"), "txt": ("plain", ".txt"), "md": ("commonmark", ".md")}


def main() -> None:
    """Measure and print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="shell runs per command")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        sys.exit("pandoc is not installed (scripts/setup --test installs it)")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True)
    print(f"peer: {version.stdout.splitlines()[0]}")

    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        print("\nIn process, per article (best of interleaved runs)")
        print(f"{'article':30} {'format':6} {'ours':>9} {'pandoc run':>11} {'ratio':>7}")
        for name, path, article in examples():
            source = work / f"{name}.md"
            source.write_text(mc.to_markdown(article), encoding="utf-8")
            base = path.parent
            ours = best_of_interleaved(
                {
                    "html": partial(mc.to_html, article, base_dir=base),
                    "txt": partial(mc.to_text, article),
                    "md": partial(mc.to_markdown, article),
                },
                seconds=2.0,
            )
            for fmt, (writer, suffix) in FORMATS.items():
                command = [pandoc, str(source), "-s", "-t", writer, "-o", str(work / f"p{suffix}")]
                theirs = wall(command, cwd=base, runs=args.runs)
                print(
                    f"{name:30} {fmt:6} {ours[fmt] * 1e3:>7.2f}ms {theirs * 1e3:>9.1f}ms"
                    f" {theirs / ours[fmt]:>6.0f}x"
                )

        print("\nWhole process, per article (median wall and CPU time, shell, in turns)")
        print(
            f"{'article':30} {'format':6} {'ours':>9} {'pandoc':>9} {'ours/pandoc':>12}"
            f" {'cpu ours':>9} {'cpu pandoc':>10} {'cpu ratio':>9}"
        )
        for name, path, _ in examples():
            source = work / f"{name}.md"
            for fmt, (writer, suffix) in FORMATS.items():
                mine = [str(CLI), "convert", str(path), "-t", fmt, "-o", str(work / f"o{suffix}")]
                command = [pandoc, str(source), "-s", "-t", writer, "-o", str(work / f"p{suffix}")]
                (mine_wall, mine_cpu), (theirs_wall, theirs_cpu) = wall_and_cpu(
                    [mine, command], cwd=path.parent, runs=args.runs
                )
                print(
                    f"{name:30} {fmt:6} {mine_wall * 1e3:>7.0f}ms {theirs_wall * 1e3:>7.0f}ms"
                    f" {mine_wall / theirs_wall:>11.2f}x {mine_cpu * 1e3:>7.0f}ms"
                    f" {theirs_cpu * 1e3:>8.0f}ms {mine_cpu / theirs_cpu:>8.2f}x"
                )


if __name__ == "__main__":
    main()
