"""How fast, and in how much memory, an edition of many articles becomes one EPUB, against pandoc.

The corpus is made in a temporary folder: N articles, each the copy of a
bundled example (``examples/*/article.json``, in turn) with its own ``id`` and
headline, in its own folder with the example's images, plus one generated JPEG
(about 20 kB) of its own (article *i* shows picture ``i % 200``, so at most 200
distinct pictures). An edition file lists the N article files.

* **Whole process, 200 articles** — median wall and CPU time (user + system)
  of our side against ``pandoc a000.md ... a199.md -o book.epub --toc``, fed
  the same 200 articles as the Markdown ``to_markdown`` writes (images given
  relative to the corpus folder, where pandoc runs). The ``messenger-content
  edition`` command is not in this branch, so our side is a ``python -c`` that
  loads the edition file and writes ``to_epub(edition)``: the same work a
  command would do (start-up, imports, loading, rendering, writing), without
  its argument parsing. Goal: at most 1.0x pandoc. Preparing the inputs is
  not timed.
* **Peak memory, 500 against 50 articles** — the peak resident set
  (``ru_maxrss``) of that same ``python -c`` process for an edition of 50 and
  one of 500 articles (200 distinct pictures). Goal: at most 2x.

Run: ``.venv/bin/python benchmarks/edition.py`` (``--runs N`` timed runs per
command, default 5).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs
from PIL import Image as PILImage

import messenger_content as mc

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import examples, wall_and_cpu

PYTHON = sys.executable

BUILD = """
import sys, resource
import messenger_content as mc
edition = mc.load_edition(sys.argv[1])
with open(sys.argv[2], "wb") as out:
    out.write(mc.to_epub(edition, base_dir=sys.argv[3]))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
"""Our side: load the edition file, write the book; print the peak resident set (kB)."""

_PICTURES = 200


def _picture(path: Path, number: int) -> None:
    """A JPEG of its own for picture *number*: a colour field with noise, about 20 kB."""
    noise = random.Random(number)
    image = PILImage.new("RGB", (480, 320), (number * 37 % 256, number * 91 % 256, 120))
    pixels = image.load()
    assert pixels is not None
    for _ in range(6000):
        x, y = noise.randrange(480), noise.randrange(320)
        pixels[x, y] = (noise.randrange(256), noise.randrange(256), noise.randrange(256))
    image.save(path, "JPEG", quality=80)


def make_corpus(folder: Path, count: int) -> tuple[Path, list[Path]]:
    """Write *count* articles and an edition listing them; return the edition and Markdown files."""
    pictures = folder / "pictures"
    pictures.mkdir(parents=True, exist_ok=True)
    bundled = examples()
    entries: list[str] = []
    markdown: list[Path] = []
    for number in range(count):
        name, path, article = bundled[number % len(bundled)]
        own = folder / f"a{number:03d}"
        shutil.copytree(path.parent, own, dirs_exist_ok=True)
        picture = f"picture-{number % _PICTURES}.jpg"
        if not (own / picture).exists():
            source = pictures / picture
            if not source.exists():
                _picture(source, number % _PICTURES)
            shutil.copyfile(source, own / picture)
        body = (
            *article.body,
            mc.Image(src=picture, alt=f"Picture {number % _PICTURES}", caption="A picture."),
        )
        copy = attrs.evolve(
            article,
            id=f"{name}-{number}",
            headline=f"{article.headline} ({number})",
            body=body,
        )
        mc.dump(copy, own / "article.json")
        entries.append(f"{own.name}/article.json")
        text = mc.to_markdown(copy, base_dir=own, image_base=own.name)
        page = folder / f"a{number:03d}.md"
        page.write_text(text, encoding="utf-8")
        markdown.append(page)
    edition = folder / "edition.json"
    document = {"type": "edition", "title": f"{count} articles", "articles": entries}
    edition.write_text(json.dumps(document), encoding="utf-8")
    return edition, markdown


def _ours(edition: Path, out: Path) -> list[str]:
    return [PYTHON, "-c", BUILD, str(edition), str(out), str(edition.parent)]


def peak_kilobytes(edition: Path, out: Path) -> int:
    """The peak resident set of our side building *edition*, in kB."""
    result = subprocess.run(_ours(edition, out), check=True, capture_output=True, text=True)
    return int(result.stdout.strip())


def main() -> int:
    """Print the timings against pandoc and the peak memory at 500 and 50 articles."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    if shutil.which("pandoc") is None:
        print("pandoc is not installed: the comparison needs it")
        return 1
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as temporary:
        root = Path(temporary)
        edition, pages = make_corpus(root / "200", 200)
        out = root / "ours.epub"
        pandoc = ["pandoc", *(page.name for page in pages), "-o", str(root / "pandoc.epub")]
        pandoc.append("--toc")
        (ours_wall, ours_cpu), (pandoc_wall, pandoc_cpu) = wall_and_cpu(
            [_ours(edition, out), pandoc], cwd=edition.parent, runs=arguments.runs
        )
        print("200 articles into one EPUB, whole process (median of", arguments.runs, "runs)")
        print(
            f"  ours   (python -c: load_edition + to_epub)  {ours_wall:6.3f} s wall"
            f"  {ours_cpu:6.3f} s CPU  {out.stat().st_size / 1e6:5.1f} MB"
        )
        size = (root / "pandoc.epub").stat().st_size / 1e6
        print(
            f"  pandoc (*.md -o book.epub --toc)           {pandoc_wall:6.3f} s wall"
            f"  {pandoc_cpu:6.3f} s CPU  {size:5.1f} MB"
        )
        print(
            f"  ratio ours / pandoc: {ours_wall / pandoc_wall:.2f}x wall,"
            f" {ours_cpu / pandoc_cpu:.2f}x CPU (goal <= 1.0x)"
        )

        peaks = {}
        for count in (50, 500):
            edition, _ = make_corpus(root / str(count), count)
            peaks[count] = min(peak_kilobytes(edition, root / f"{count}.epub") for _ in range(3))
            book = (root / f"{count}.epub").stat().st_size / 1e6
            print(
                f"peak memory, {count:3d} articles: {peaks[count] / 1024:6.1f} MB"
                f" (book {book:.1f} MB)"
            )
        print(f"  ratio 500 / 50: {peaks[500] / peaks[50]:.2f}x (goal <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
