"""How fast, and how lean, an edition becomes one PDF: against bare WeasyPrint on the same HTML.

Two measurements, on editions built from the four example articles cycled
(each copy its own ``id``, read from its own folder):

* **In process** — the median time of ``to_pdf(edition)`` for a 50-article
  edition against *bare WeasyPrint*: ``weasyprint.HTML(string=html).write_pdf(
  font_config=fc, pdf_tags=True, pdf_variant=...)`` on the very HTML our
  exporter typesets (the edition's print page, print stylesheet inline,
  images named by ``file:`` URLs in their articles' folders), with one
  ``FontConfiguration`` reused, WeasyPrint's own URL fetcher and the same
  tagged output. Sides alternate, so a busy machine slows both alike. The ratio
  is our overhead: the page, the images read through each folder's resource
  policy, the URL fetcher, the metadata (goal: at most 1.10).
* **Memory** — the peak resident set size of a child process rendering one
  edition of 50 articles, and of 500 (goal: 500 at most 2x 50).

Run: ``.venv/bin/python benchmarks/edition_pdf.py`` (``--runs N``, default 3;
``--only time`` or ``--only memory``).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import attrs

import messenger_content as mc

ROOT = Path(__file__).parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/article.json"))


def edition(count: int) -> mc.Edition:
    """An edition of *count* articles: the examples cycled, each with its own id."""
    entries = []
    for number in range(count):
        path = EXAMPLES[number % len(EXAMPLES)]
        article = attrs.evolve(mc.load(path), id=f"copy-{number}")
        entries.append(mc.EditionArticle(article=article, folder=path.parent.absolute()))
    return mc.Edition(title=f"{count} articles", articles=entries)


def _time(count: int, runs: int) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from messenger_content.exporters.editions.html import to_html
    from messenger_content.exporters.editions.pdf import edition_variant

    built = edition(count)
    html = to_html(
        built,
        media="print",
        image_src_for=lambda folder: lambda src: (folder / src).as_uri(),
    )
    variant = edition_variant(None, built)
    fonts = FontConfiguration()

    def bare() -> bytes:
        document = weasyprint.HTML(string=html)
        return bytes(document.write_pdf(font_config=fonts, pdf_tags=True, pdf_variant=variant))

    def ours() -> bytes:
        return mc.to_pdf(built)

    ours(), bare()  # warm up: fonts, parsed stylesheets, imports
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(runs):
        for name, side in (("ours", ours), ("bare", bare)):
            start = time.perf_counter()
            side()
            times[name].append(time.perf_counter() - start)
    mine, peer = statistics.median(times["ours"]), statistics.median(times["bare"])
    print(f"{count}-article edition PDF: ours {mine:.2f} s, bare WeasyPrint {peer:.2f} s,"
          f" ratio {mine / peer:.3f} (goal <= 1.10)")  # fmt: skip


def _peak(count: int) -> int:
    """Peak RSS (KiB) of a child process that renders one edition of *count* articles."""
    folder = str(Path(__file__).parent)
    code = (
        f"import sys; sys.path.insert(0, {folder!r}); import edition_pdf as b;"
        f" import messenger_content as mc; mc.to_pdf(b.edition({count})); import resource;"
        " print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1])


def _memory() -> None:
    small, large = _peak(50), _peak(500)
    print(f"peak RSS: 50 articles {small / 1024:.0f} MiB, 500 articles {large / 1024:.0f} MiB,"
          f" ratio {large / small:.2f} (goal <= 2)")  # fmt: skip


def main() -> None:
    """Run the measurements and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("time", "memory"))
    args = parser.parse_args()
    if args.only in (None, "time"):
        _time(50, args.runs)
    if args.only in (None, "memory"):
        _memory()


if __name__ == "__main__":
    main()
