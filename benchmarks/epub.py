"""How fast articles become EPUB books, in process and from the shell, against pandoc.

Two measurements, both on every ``examples/*/article.json`` and the EPUB test
fixtures (``tests/data/epub/*.json``), in the same run:

* **In process** — the best time of one ``to_epub(article)`` call (goal: at
  most 5 ms), split into what it spends where: rendering the ``<article>`` with
  the HTML exporter, reading and checking the images through the resource
  policy, drawing the typographic cover (articles without a lead image), and
  the rest (XHTML documents, navigation, package document and NCX by ebooklib,
  the reproducible zip). The ratio column compares ``to_epub`` with
  ``to_html(article)`` (the HTML exporter, same article, same run).
  A second column, ``cold``, is the same call with the resource policy's
  memory of checked images emptied first: what a process converting one
  article pays for its images (a batch that shows the same image again pays
  the ``to_epub`` column).
* **Whole process** — the median wall time, and the median CPU time (user +
  system, which depends less on what else the machine runs), of
  ``messenger-content convert ARTICLE -t epub -o OUT`` against
  ``pandoc INPUT -o OUT.epub`` (goal: at most 1.25x pandoc). Pandoc is fed the
  Markdown our ``to_markdown`` writes (YAML front matter + CommonMark, images
  relative to the article's folder, run from that folder so it embeds them), or
  the standalone HTML from ``to_html`` if the Markdown exporter is missing; the
  script says which. Preparing pandoc's input is not timed. Python's own start-up
  and the import times are printed too, since they bound what the CLI can do.
  ``PYTHONDONTWRITEBYTECODE`` is removed from the commands' environment: an
  installed package has its bytecode cached, and compiling every module on
  every run would measure something no user sees.

Run: ``.venv/bin/python benchmarks/epub.py`` (``--runs N`` shell runs per
command, default 7; ``--in-process`` for the first table only).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import messenger_content as mc
from messenger_content import resources
from messenger_content.exporters import epub
from messenger_content.exporters.epub import cover as epub_cover
from messenger_content.exporters.html import to_html
from messenger_content.resources import ResourcePolicy, policy_for
from messenger_content.theme import text_direction

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CLI, ROOT, best_of_interleaved, wall_and_cpu

PYTHON = ROOT / ".venv" / "bin" / "python"


def articles() -> list[tuple[str, Path, mc.Article]]:
    """Every example and EPUB fixture: (name, JSON file, article)."""
    paths = sorted(ROOT.glob("examples/*/article.json"))
    paths += sorted((ROOT / "tests" / "data" / "epub").glob("*.json"))
    found = []
    for path in paths:
        name = path.parent.name if path.name == "article.json" else f"fixture-{path.stem}"
        found.append((name, path, mc.load(path)))
    return found


def images_of(article: mc.Article) -> list[str]:
    """The sources of every image an article shows."""
    images = [article.lead_image, *(b for b in article.body if isinstance(b, mc.Image))]
    if article.publication is not None:
        images.append(article.publication.logo)
    return list(dict.fromkeys(image.src for image in images if image is not None))


def fetch_all(policy: ResourcePolicy, sources: list[str]) -> None:
    """Read every image through the resource policy, as the exporter does."""
    for src in sources:
        policy.fetch(src)


def cold_epub(article: mc.Article, folder: Path) -> bytes:
    """``to_epub`` after the policy forgets every image it checked (a fresh process's cost)."""
    resources.clear_caches()
    return epub.to_epub(article, base_dir=folder)


def in_process() -> None:
    """Print the in-process table."""
    print("In process: best time of one call (ms)")
    header = ("article", "to_epub", "cold", "html", "images", "cover", "rest", "goal", "vs to_html")
    print("{:36} {:>8} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>10}".format(*header))
    for name, path, article in articles():
        folder = path.parent
        sources = images_of(article)
        policy = policy_for(folder)
        functions: dict[str, Callable[[], object]] = {
            "whole": partial(epub.to_epub, article, base_dir=folder),
            "cold": partial(cold_epub, article, folder),
            "fragment": partial(
                to_html, article, fragment=True, media="epub", base_dir=folder, image_src=str
            ),
            "reading": partial(fetch_all, policy, sources),
            "page": partial(to_html, article, base_dir=folder),
        }
        if article.lead_image is None:
            day = article.published or article.updated
            functions["cover"] = partial(
                epub_cover.typographic_cover,
                headline=article.headline,
                publication=article.publication.name if article.publication else None,
                date=None if day is None else f"{day:%Y-%m-%d}",
                language=article.language,
                rtl=text_direction(article.language) == "rtl",
            )
        for function in functions.values():  # warm caches: templates, fonts, policies
            function()
        best = best_of_interleaved(functions)
        whole, fragment, reading, page = (
            best["whole"],
            best["fragment"],
            best["reading"],
            best["page"],
        )
        cover = best.get("cover", 0.0)
        rest = whole - fragment - reading - cover
        verdict = "ok" if whole <= 0.005 else "over"
        print(
            f"{name:36} {whole * 1e3:8.2f} {best['cold'] * 1e3:7.2f} {fragment * 1e3:7.2f}"
            f" {reading * 1e3:7.2f} {cover * 1e3:7.2f} {rest * 1e3:7.2f} {verdict:>6}"
            f" {whole / page:9.1f}x"
        )
    print()


def pandoc_input(article: mc.Article, folder: Path, work: Path) -> tuple[Path, str]:
    """Write the article for pandoc (Markdown if we can, else HTML); return it and its kind."""
    if importlib.util.find_spec("messenger_content.exporters.markdown") is not None:
        from messenger_content.exporters.markdown import to_markdown

        path = work / f"{folder.name}.md"
        path.write_text(to_markdown(article), encoding="utf-8")
        return path, "Markdown (to_markdown)"
    path = work / f"{folder.name}.html"
    path.write_text(to_html(article, base_dir=folder), encoding="utf-8")
    return path, "HTML (to_html)"


def whole_process(runs: int) -> None:
    """Print the shell table."""
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("Whole process: pandoc is not installed (scripts/setup --test); skipped")
        return
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True, check=True)
    print(f"Whole process: median of {runs} runs (s), against {version.stdout.splitlines()[0]}")
    times = {
        name: wall_and_cpu([[str(PYTHON), "-c", code]], cwd=ROOT, runs=runs)[0]
        for name, code in (
            ("start-up", "pass"),
            ("package", "import messenger_content"),
            ("exporter", "import messenger_content.exporters.epub"),
        )
    }
    for column, label in ((0, "wall"), (1, "CPU ")):
        startup, package, exporter = (times[name][column] for name in times)
        print(
            f"  {label} python start-up {startup:.3f}"
            f"   + import messenger_content {package - startup:.3f}"
            f"   + import the EPUB exporter {exporter - package:.3f}"
        )
    header = ("article", "ours", "pandoc", "ratio", "goal", "CPU ours", "pandoc", "ratio")
    print("{:36} {:>7} {:>7} {:>6} {:>5}  {:>8} {:>7} {:>6}  pandoc reads".format(*header))
    with tempfile.TemporaryDirectory() as directory:
        work = Path(directory)
        for name, path, article in articles():
            ((ours, ours_cpu),) = wall_and_cpu(
                [[str(CLI), "convert", str(path), "-t", "epub", "-o", str(work / "ours.epub")]],
                cwd=ROOT,
                runs=runs,
            )
            document, kind = pandoc_input(article, path.parent, work)
            ((theirs, theirs_cpu),) = wall_and_cpu(
                [[pandoc, str(document), "-o", str(work / "pandoc.epub")]],
                cwd=path.parent,
                runs=runs,
            )
            ratio = ours / theirs
            verdict = "ok" if ratio <= 1.25 else "over"
            print(
                f"{name:36} {ours:7.3f} {theirs:7.3f} {ratio:5.2f}x {verdict:>5}"
                f"  {ours_cpu:8.3f} {theirs_cpu:7.3f} {ours_cpu / theirs_cpu:5.2f}x  {kind}"
            )
    print()


def main() -> None:
    """Measure and print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="shell runs per command")
    parser.add_argument(
        "--in-process", action="store_true", help="measure in process only (a short run)"
    )
    arguments = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the commands run (see above)
    print(f"{sys.version.split()[0]} on {os.cpu_count()} CPUs\n")
    in_process()
    if not arguments.in_process:
        whole_process(arguments.runs)


if __name__ == "__main__":
    main()
