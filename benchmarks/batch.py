"""Batch conversion speed and memory, against a shell loop of pandoc over the same articles.

Generates varied articles (deterministically: every block and inline type,
lengths from a few blocks to long reads, images from two small local JPEGs),
converts them to EPUB, HTML and PDF with :func:`messenger_content.batch.convert_many`
at ``jobs=1`` and ``jobs=2``, and times a ``for f in *.md; do pandoc ...; done``
loop over the same articles. Pandoc is fed the Markdown our own
``to_markdown`` writes (YAML front matter + CommonMark, images referenced
relative to the article's folder); PDF goes through ``--pdf-engine=weasyprint``,
the same typesetter we use. Preparing pandoc's Markdown is not timed. Our times
include starting the worker pool and warming its renderers.

Two tables: wall-clock time, and CPU time (user + system of every process of
the run: ours, the pool's workers; bash, pandoc and the WeasyPrint it starts).
On a machine shared with other work, wall-clock ratios (and the gain from a
second worker) depend on how many cores are free; CPU time does not.

Memory: each run of ``--memory N`` converts N articles to all three formats
with ``jobs=2`` in a fresh interpreter, while a thread samples every 20 ms the
resident set of that process and of every process under it (the forkserver and
the pool's workers), read from ``/proc`` (Linux only). Two numbers per run:

* **peak sum of RSS**: the largest total over all the processes at one sample
  (counts pages shared between processes once per process, so it overstates);
* **max peak RSS of one process**: the largest ``VmHWM`` (the kernel's own
  high-water mark of resident memory) of any one process.

Run: ``.venv/bin/python benchmarks/batch.py`` (200 articles; memory at 200 and
2,000), or ``--quick`` (40 articles; memory at 40 and 400).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs

from messenger_content.batch import convert_many
from messenger_content.codec import load
from messenger_content.exporters.markdown import to_markdown

ROOT = Path(__file__).resolve().parent.parent
IMAGES = {
    "depot.jpg": ROOT / "examples" / "night-bus-pilot" / "depot.jpg",
    "photo.jpg": ROOT / "examples" / "kardashian-armenian-genocide" / "photo.jpg",
}
FORMATS = ("epub", "html", "pdf")

_WORDS = str.split(
    "council transport harbour night bus route pilot residents evening service depot "
    "drivers funding budget vote meeting report survey shift workers hospital station "
    "timetable ticket fare passengers community library river bridge weather storm "
    "election candidate campaign policy school teachers parents health clinic housing "
    "rent market traders festival museum archive photograph history memorial statement "
    "spokesperson minister committee evidence inquiry court ruling appeal decision"
)


# --- articles ---------------------------------------------------------------------------


def _sentence(rng: random.Random, low: int = 6, high: int = 22) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _inline(rng: random.Random, sentences: int) -> list[Any]:
    parts: list[Any] = []
    for _ in range(sentences):
        parts.append(_sentence(rng) + " ")
        roll = rng.random()
        if roll < 0.15:
            parts.append({"type": "emphasis", "text": rng.choice(_WORDS)})
        elif roll < 0.3:
            parts.append({"type": "strong", "text": rng.choice(_WORDS)})
        elif roll < 0.45:
            url = f"https://example.org/{rng.choice(_WORDS)}/{rng.randint(1, 999)}"
            parts.append({"type": "link", "href": url, "text": rng.choice(_WORDS)})
        elif roll < 0.5:
            parts.append({"type": "code", "text": f"route-{rng.randint(1, 99)}"})
        elif roll < 0.55:
            parts.append({"type": "line_break"})
        parts.append(" ")
    return parts


def _image(rng: random.Random) -> dict[str, Any]:
    image: dict[str, Any] = {"src": rng.choice(sorted(IMAGES)), "alt": _sentence(rng, 3, 8)}
    if rng.random() < 0.8:
        image["caption"] = _sentence(rng, 5, 14)
        image["credit"] = "Staff photographer"
    return image


def _block(kind: str, rng: random.Random) -> dict[str, Any]:
    if kind == "paragraph":
        return {"type": "paragraph", "text": _inline(rng, rng.randint(1, 6))}
    if kind == "heading":
        return {"type": "heading", "text": _sentence(rng, 2, 7)[:-1], "level": rng.choice([2, 3])}
    if kind == "quote":
        quote: dict[str, Any] = {
            "type": "quote",
            "text": _sentence(rng, 8, 30),
            "style": rng.choice(["block", "pull"]),
        }
        if rng.random() < 0.7:
            quote["attribution"] = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}"
        return quote
    if kind == "image":
        return {"type": "image", **_image(rng)}
    if kind == "list":
        items = [_inline(rng, 1) for _ in range(rng.randint(2, 6))]
        return {"type": "list", "items": items, "ordered": rng.random() < 0.4}
    if kind == "related_link":
        return {
            "type": "related_link",
            "title": _sentence(rng, 4, 10),
            "url": f"https://example.org/related/{rng.randint(1, 9999)}",
        }
    if kind == "newsletter":
        return {
            "type": "newsletter",
            "title": "The Morning Briefing",
            "description": _sentence(rng),
            "signup_url": "https://example.org/newsletters",
            "legal": "By signing up you accept the terms.",
        }
    if kind == "divider":
        return {"type": "divider"}
    raise AssertionError(kind)


def article(number: int) -> dict[str, Any]:
    """Article *number* of the benchmark set: the same every run."""
    rng = random.Random(number)
    # Lengths vary from a brief to a long read; most are ordinary news stories.
    paragraphs = rng.choice([3, 5, 8, 8, 12, 12, 16, 24, 40])
    kinds = ["paragraph"] * paragraphs + ["heading", "quote", "image", "list", "related_link"]
    kinds += rng.choices(["heading", "quote", "image", "list", "divider"], k=paragraphs // 4)
    rng.shuffle(kinds)
    body = [_block(kind, rng) for kind in ["paragraph", *kinds, "divider", "newsletter"]]
    document: dict[str, Any] = {
        "id": f"bench-{number:05d}",
        "headline": _sentence(rng, 5, 14)[:-1],
        "publication": {"name": "The Benchmark Courier", "slogan": "Measured news."},
        "authors": [
            {"name": f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS).title()}"}
            for _ in range(rng.randint(0, 3))
        ],
        "section": rng.choice(_WORDS).title(),
        "tags": rng.sample(_WORDS, 3),
        "body": body,
    }
    if rng.random() < 0.8:
        document["published"] = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00Z"
    if rng.random() < 0.6:
        document["subheadline"] = _sentence(rng)
    if rng.random() < 0.5:
        document["lead_image"] = _image(rng)
    return document


def write_articles(folder: Path, count: int) -> list[Path]:
    """Write articles 0..count-1 and the two images into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in IMAGES.items():
        shutil.copy(source, folder / name)
    paths = []
    for number in range(count):
        path = folder / f"bench-{number:05d}.json"
        path.write_text(json.dumps(article(number), indent=1), encoding="utf-8")
        paths.append(path)
    return paths


# --- memory ---------------------------------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of *pid*, in KiB (empty if it is gone)."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    found[line[:5]] = int(line.split()[1])
    except OSError:
        pass
    return found


def _descendants(pid: int) -> list[int]:
    """*pid* and every process under it (children listed by the kernel, walked recursively)."""
    found = [pid]
    index = 0
    while index < len(found):
        current = found[index]
        index += 1
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as children:
                    found.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


class MemorySampler:
    """Samples the memory of this process and its descendants on a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_sum_kib = 0
        self.peak_process_kib: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for pid in _descendants(os.getpid()):
                status = _status(pid)
                total += status.get("VmRSS", 0)
                if "VmHWM" in status:
                    self.peak_process_kib[pid] = max(
                        self.peak_process_kib.get(pid, 0), status["VmHWM"]
                    )
            self.peak_sum_kib = max(self.peak_sum_kib, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure_memory(count: int, work: Path, formats: list[str]) -> dict[str, float]:
    """Convert *count* articles with jobs=2, sampling memory (in this process)."""
    paths = write_articles(work / "articles", count)
    with MemorySampler() as sampler:
        started = time.perf_counter()
        report = convert_many(iter(paths), formats, work / "out", jobs=2)
        seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"{len(report.failed)} articles failed: {report.failed[0]}")
    return {
        "articles": count,
        "seconds": seconds,
        "peak_sum_mib": sampler.peak_sum_kib / 1024,
        "max_process_mib": max(sampler.peak_process_kib.values()) / 1024,
        "processes": len(sampler.peak_process_kib),
    }


def memory_in_subprocess(count: int, work: Path, formats: list[str]) -> dict[str, float]:
    """Run :func:`measure_memory` in a fresh interpreter, so nothing earlier counts."""
    folder = work / f"memory-{count}"
    result = subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure-memory",
            str(count),
            "--work",
            str(folder),
            "--memory-formats",
            ",".join(formats),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    value: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    shutil.rmtree(folder)
    return value


# --- speed ------------------------------------------------------------------------------------


@attrs.frozen
class Timing:
    """How long a run took on the clock, and how much CPU time all its processes used."""

    wall: float
    cpu: float


def _cpu_seconds() -> float:
    """User + system time of this process and of every child it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def time_ours(paths: list[Path], fmt: str, jobs: int, out: Path) -> Timing:
    """Time convert_many writing every article in *fmt* (pool start-up included)."""
    cpu, started = _cpu_seconds(), time.perf_counter()
    report = convert_many(paths, [fmt], out, jobs=jobs)
    timing = Timing(time.perf_counter() - started, _cpu_seconds() - cpu)
    if not report.ok:
        failed = report.failed[0]
        raise SystemExit(f"{len(report.failed)} failed, e.g. {failed.source}: {failed.failures}")
    shutil.rmtree(out)
    return timing


def pandoc_loop(folder: Path, fmt: str, out: Path) -> Timing:
    """Time a shell loop running pandoc once per article (Markdown in)."""
    out.mkdir(parents=True)
    extra = "--pdf-engine=weasyprint" if fmt == "pdf" else ""
    script = (
        f'for f in *.md; do pandoc "$f" -s {extra} --metadata lang=en '
        f'-o "{out}/${{f%.md}}.{fmt}" || exit 1; done'
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cpu, started = _cpu_seconds(), time.perf_counter()
    subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    timing = Timing(time.perf_counter() - started, _cpu_seconds() - cpu)
    shutil.rmtree(out)
    return timing


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="40 articles (memory: 40 and 400)")
    parser.add_argument("--articles", type=int, help="articles for the speed table (default 200)")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="formats of the speed tables (default all)"
    )
    parser.add_argument("--no-pandoc", action="store_true", help="skip the pandoc loops")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed tables")
    parser.add_argument(
        "--memory-formats", default=",".join(FORMATS), help="formats of the memory runs"
    )
    parser.add_argument(
        "--memory-sizes", help="articles in the two memory runs (default 200,2000; quick 40,400)"
    )
    parser.add_argument("--measure-memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_memory:
        formats = args.memory_formats.split(",")
        print(json.dumps(measure_memory(args.measure_memory, args.work, formats)))
        return
    count = args.articles or (40 if args.quick else 200)
    with tempfile.TemporaryDirectory(prefix="mc-bench-") as temporary:
        work = Path(temporary)
        paths = write_articles(work / "articles", count)
        for path in paths:  # pandoc's input, next to the JSON so images resolve alike
            path.with_suffix(".md").write_text(to_markdown(load(path)), encoding="utf-8")
        blocks = sum(len(json.loads(p.read_text())["body"]) for p in paths)
        print(f"{count} articles, {blocks} blocks ({blocks / count:.0f} per article on average)")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start\n")
        rows = []
        for fmt in () if args.no_speed else args.formats.split(","):
            one = time_ours(paths, fmt, 1, work / "ours")
            two = time_ours(paths, fmt, 2, work / "ours")
            peer = None if args.no_pandoc else pandoc_loop(work / "articles", fmt, work / "pandoc")
            rows.append((fmt, peer, one, two, os.getloadavg()[0]))
            print(f"{fmt}: pandoc {peer}, -j1 {one}, -j2 {two}", file=sys.stderr, flush=True)
        if rows:
            print(f"wall-clock time (load average {os.getloadavg()[0]:.1f} at the end):\n")
            print("| format | pandoc loop |  ours -j1 |  ours -j2 | vs pandoc | -j2/-j1 | load |")
            print("|--------|------------:|----------:|----------:|----------:|--------:|-----:|")
            for fmt, peer, one, two, load_after in rows:
                shown = "-" if peer is None else f"{peer.wall:.1f}s"
                ratio = "-" if peer is None else f"{peer.wall / two.wall:.1f}x"
                print(
                    f"| {fmt:6} | {shown:>11} | {one.wall:>8.1f}s | {two.wall:>8.1f}s"
                    f" | {ratio:>9} | {one.wall / two.wall:>6.2f}x | {load_after:>4.1f} |"
                )
            print("\nCPU time, user + system, every process of the run:\n")
            print("| format | pandoc loop |  ours -j1 |  ours -j2 | vs pandoc (-j1) |")
            print("|--------|------------:|----------:|----------:|----------------:|")
            for fmt, peer, one, two, _ in rows:
                shown = "-" if peer is None else f"{peer.cpu:.1f}s"
                ratio = "-" if peer is None else f"{peer.cpu / one.cpu:.1f}x"
                print(
                    f"| {fmt:6} | {shown:>11} | {one.cpu:>8.1f}s | {two.cpu:>8.1f}s"
                    f" | {ratio:>15} |",
                    flush=True,
                )
        if args.no_memory:
            return
        formats = args.memory_formats.split(",")
        print(f"\nmemory, {', '.join(formats)}, -j2 (MiB):\n")
        print("| articles | time | peak sum of RSS | max peak RSS of one process | processes |")
        print("|---------:|-----:|----------------:|----------------------------:|----------:|")
        sizes = args.memory_sizes or ("40,400" if args.quick else "200,2000")
        small, large = map(int, sizes.split(","))
        runs = [memory_in_subprocess(n, work, formats) for n in (small, large)]
        for run in runs:
            print(
                f"| {run['articles']:>8.0f} | {run['seconds']:>4.0f}s"
                f" | {run['peak_sum_mib']:>15.0f} | {run['max_process_mib']:>27.0f}"
                f" | {run['processes']:>9.0f} |"
            )
        peak_sum = runs[1]["peak_sum_mib"] / runs[0]["peak_sum_mib"]
        peak_one = runs[1]["max_process_mib"] / runs[0]["max_process_mib"]
        print(f"\nratio {large} / {small}: peak sum {peak_sum:.2f}x, max process {peak_one:.2f}x")


if __name__ == "__main__":
    main()
