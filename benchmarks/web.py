"""A saved web page to an EPUB book, whole process: ours against trafilatura + pandoc.

The peer is what percollate does, in the shell: trafilatura's command line
extracts the main text as HTML (``trafilatura --html --formatting --links``,
reading the page on standard input) and pandoc makes the book
(``pandoc -f html -o OUT.epub``). Ours is, when ``convert`` has ``--from``,
``python -m messenger_content convert PAGE --from html -t epub -o OUT``;
otherwise (or if that command fails) ``python -c`` calling ``from_html`` and
``to_epub``. The script says which.

Images are left out on both sides: trafilatura's command line leaves them out
unless asked, and a page's images are remote URLs, which neither side may
fetch here (ours refuses them without ``--allow-remote``); the ``python -c``
form drops them from the imported article before writing the book.

For each page in ``tests/data/web/`` prints the median wall time and CPU time
(user + system) of each command over N runs, taken in turns, and the ratio
(goal: at most 1.0x). ``PYTHONDONTWRITEBYTECODE`` is removed from the
environment, as an installed package has its bytecode cached.

Run: ``.venv/bin/python benchmarks/web.py`` (``--runs N``, default 5).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, wall_and_cpu

PAGES = sorted((ROOT / "tests" / "data" / "web").glob("*.html"))

_IN_PROCESS = """
import sys, attrs, messenger_content as mc
from messenger_content.interchange import from_html
article, _ = from_html(open(sys.argv[1], "rb").read())
body = [block for block in article.body if not isinstance(block, mc.Image)]
publication = article.publication and attrs.evolve(article.publication, logo=None)
article = attrs.evolve(article, lead_image=None, publication=publication, body=body)
open(sys.argv[2], "wb").write(mc.to_epub(article))
"""


def ours(page: Path, out: Path) -> tuple[list[str], str]:
    """Our command for *page*, and how it is run."""
    python = sys.executable
    help_text = subprocess.run(
        [python, "-m", "messenger_content", "convert", "--help"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if "--from" in help_text:
        command = [python, "-m", "messenger_content", "convert", str(page), "--from", "html"]
        command += ["-t", "epub", "-o", str(out), "-q"]
        if subprocess.run(command, capture_output=True, check=False).returncode == 0:
            return command, "messenger_content convert --from html"
    return [python, "-c", _IN_PROCESS, str(page), str(out)], "python -c from_html + to_epub"


def peer(page: Path, out: Path) -> list[str]:
    """The percollate-like pipeline for *page*."""
    trafilatura = shutil.which("trafilatura", path=str(Path(sys.executable).parent))
    extract = f"{shlex.quote(trafilatura or 'trafilatura')} --html --formatting --links"
    convert = f"pandoc -f html -o {shlex.quote(str(out))}"
    return ["sh", "-c", f"{extract} < {shlex.quote(str(page))} | {convert}"]


def main() -> None:
    """Measure every saved page and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    runs = parser.parse_args().runs
    if shutil.which("pandoc") is None:
        sys.exit("pandoc is not installed")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        how = ""
        print(f"{'page':32} {'ours':>15} {'trafilatura+pandoc':>20} {'wall':>6} {'cpu':>6}")
        for page in PAGES:
            command, how = ours(page, work / "ours.epub")
            timings = wall_and_cpu([command, peer(page, work / "peer.epub")], cwd=work, runs=runs)
            (our_wall, our_cpu), (peer_wall, peer_cpu) = timings
            ratios.append(our_wall / peer_wall)
            print(
                f"{page.stem[:32]:32} {our_wall * 1e3:>7.0f}/{our_cpu * 1e3:<5.0f}ms"
                f" {peer_wall * 1e3:>11.0f}/{peer_cpu * 1e3:<5.0f}ms"
                f" {our_wall / peer_wall:>5.2f}x {our_cpu / peer_cpu:>5.2f}x"
            )
        print(f"ours: {how}; times are wall/cpu medians of {runs} runs")
        print(f"median wall ratio: {statistics.median(ratios):.2f}x (goal: at most 1.0x)")


if __name__ == "__main__":
    main()
