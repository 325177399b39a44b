"""How fast, and how lean, articles become PDF files: against bare WeasyPrint and pandoc.

Three measurements on every ``examples/*/article.json``, peers measured in the
same run, in alternation, so a busy machine slows both sides alike:

* **In process** — the median time of ``PdfRenderer.render(article)`` against
  *bare WeasyPrint*: ``weasyprint.HTML(string=html, base_url=folder).write_pdf(
  font_config=fc, pdf_tags=True)`` on the very HTML our exporter typesets
  (``to_html(article, media="print")``, print stylesheet inline, images linked
  from the article's folder), with one ``FontConfiguration`` reused across
  calls, WeasyPrint's own URL fetcher, and the same tagged output as ours. The
  ratio is our overhead: making the HTML, reading and checking images through
  the resource policy, the URL fetcher, the metadata (goal: at most 1.10).
* **Memory** — the resident set size of one process after 10 renders and after
  300 (``--renders``), round-robin over the examples, through ``to_pdf`` and
  its shared renderer (goal: at most +10 MiB). Run in a child process so the
  other measurements do not count.
* **Whole process** — the median wall time of
  ``messenger-content convert ARTICLE -t pdf -o OUT`` against two peers:
  ``weasyprint --pdf-tags article.html OUT.pdf`` (WeasyPrint's command line on
  the HTML our exporter typesets, tagged as ours is, so the same page: what our
  command adds; goal: at most 1.0) and
  ``pandoc article.md -o OUT.pdf --pdf-engine=weasyprint``. Pandoc is fed the
  Markdown our ``to_markdown`` writes (YAML front matter + CommonMark),
  in a copy of the article's folder so it finds the images; it styles the page
  with its own default CSS (one column, no running header, no hyphenation,
  untagged). Preparing the inputs is not timed. Each command's CPU time (user +
  system, its child processes included) is reported too. Ours runs with its
  template cache warm (the steady state: Jinja2's compiled templates kept in
  ``~/.cache/messenger-content``) and, in the "cold" column, with an empty
  cache folder each time (a machine's very first conversion). With
  ``--baseline SRC``, the same command run from another checkout's ``src``
  (``PYTHONPATH=SRC``, warm cache) is measured in the same turns, so an old and
  a new figure come from one run.

It also says whether WeasyPrint subsets fonts with HarfBuzz (fast) or fontTools.

Run: ``.venv/bin/python benchmarks/pdf.py`` (``--runs N`` timed runs per side,
default 7; ``--renders N`` for the memory test, default 300; ``--only`` one
measurement; ``--baseline /path/to/other/src`` for the whole-process one). The
package measured is the one in this checkout's ``src``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
# Measure this checkout's package, wherever the venv's editable install points.
sys.path.insert(0, str(SOURCE))

import messenger_content as mc  # noqa: E402
from messenger_content.exporters.html import to_html  # noqa: E402
from messenger_content.exporters.markdown import to_markdown  # noqa: E402
from messenger_content.exporters.pdf import PdfRenderer, harfbuzz_subsetting, to_pdf  # noqa: E402

CLI = ROOT / ".venv" / "bin" / "messenger-content"
PYTHON = ROOT / ".venv" / "bin" / "python"
EXAMPLES = sorted(ROOT.glob("examples/*/article.json"))


def rss_mib() -> float:
    """This process's resident set size in MiB (from /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


# --- in process ------------------------------------------------------------------------


def in_process(runs: int) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    print("In process: PdfRenderer.render vs bare WeasyPrint on the same HTML (median)")
    print(f"{'article':34} {'ours ms':>9} {'bare ms':>9} {'ratio':>7}")
    renderer = PdfRenderer()
    fonts = FontConfiguration()
    ratios = []
    for path in EXAMPLES:
        article = mc.load(path)
        folder = path.parent
        html = to_html(article, media="print", base_dir=folder)
        base = f"{folder}/"

        def ours(article: mc.Article = article, folder: Path = folder) -> bytes:
            return renderer.render(article, base_dir=folder)

        def bare(html: str = html, base: str = base) -> bytes:
            pdf: bytes = weasyprint.HTML(string=html, base_url=base).write_pdf(
                font_config=fonts, pdf_tags=True
            )
            return pdf

        ours_s, bare_s = rotate([ours, bare], runs)
        ratios.append(ours_s / bare_s)
        print(
            f"{path.parent.name:34} {ours_s * 1000:9.1f} {bare_s * 1000:9.1f} "
            f"{ours_s / bare_s:7.2f}"
        )
    print(f"{'geometric mean ratio':34} {'':9} {'':9} {statistics.geometric_mean(ratios):7.2f}")
    print("  goal: at most 1.10\n")


# --- memory ----------------------------------------------------------------------------


def memory_child(renders: int) -> None:
    """Render round-robin, print RSS after 10 renders and after *renders* (child process)."""
    articles = [(mc.load(path), path.parent) for path in EXAMPLES]
    marks = {10, renders}
    for count in range(1, renders + 1):
        article, folder = articles[count % len(articles)]
        to_pdf(article, base_dir=folder)
        if count in marks:
            gc.collect()
            print(f"{count} {rss_mib():.1f}", flush=True)


def memory(renders: int) -> None:
    print(f"Memory: one process, to_pdf round-robin over {len(EXAMPLES)} examples")
    start = time.perf_counter()
    result = subprocess.run(
        [str(PYTHON), __file__, "--memory-child", str(renders)],
        env=dict(os.environ, PYTHONPATH=str(SOURCE)),
        capture_output=True,
        text=True,
        check=True,
    )
    after = dict(line.split() for line in result.stdout.split("\n") if line.strip())
    early, late = float(after["10"]), float(after[str(renders)])
    print(f"  RSS after 10 renders:   {early:7.1f} MiB")
    print(f"  RSS after {renders} renders: {late:7.1f} MiB")
    print(f"  growth:                 {late - early:+7.1f} MiB   (goal: at most +10 MiB)")
    print(f"  ({time.perf_counter() - start:.0f} s, {renders} renders)\n")


# --- whole process -----------------------------------------------------------------------


def shell(runs: int, baseline: Path | None) -> None:
    pandoc = shutil.which("pandoc")
    weasyprint_cli = ROOT / ".venv" / "bin" / "weasyprint"
    print("Whole process: messenger-content convert vs two peers (median wall time, s)")
    print("  weasyprint: its command line on the HTML our exporter typesets (same page)")
    print("  pandoc: pandoc article.md --pdf-engine=weasyprint, fed our Markdown (its own page)")
    print("  cold: ours with an empty template cache; cpu: user + system time, children included")
    if baseline is not None:
        print(f"  baseline: the same command from {baseline} (warm cache)")
    print(
        f"{'article':30} {'ours':>5} {'cold':>5} {'weasyprint':>10} {'vs wp':>5}"
        f" {'pandoc':>6} {'vs pandoc':>9} {'cpu ours':>8} {'cpu wp':>6}"
        + (f" {'baseline':>8} {'cpu base':>8}" if baseline is not None else "")
    )
    path_variable = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    environment = dict(os.environ, PATH=path_variable, PYTHONPATH=str(SOURCE))
    with tempfile.TemporaryDirectory() as scratch:
        for path in EXAMPLES:
            article = mc.load(path)
            folder = Path(scratch) / path.parent.name
            shutil.copytree(path.parent, folder)
            (folder / "article.md").write_text(to_markdown(article), encoding="utf-8")
            html = to_html(article, media="print", base_dir=path.parent)
            (folder / "article.html").write_text(html, encoding="utf-8")
            ours = [str(CLI), "convert", str(path), "-t", "pdf", "-o", f"{folder}/ours.pdf"]

            def run(
                command: list[str],
                cold: bool = False,
                source: Path = SOURCE,
                folder: Path = folder,
            ) -> None:
                env = dict(environment, PYTHONPATH=str(source))
                if cold:
                    env["MESSENGER_CONTENT_CACHE"] = tempfile.mkdtemp(dir=scratch)
                subprocess.run(command, check=True, capture_output=True, cwd=folder, env=env)

            functions = [
                partial(run, ours),
                partial(run, ours, cold=True),
                partial(run, [str(weasyprint_cli), "--pdf-tags", "article.html", "weasyprint.pdf"]),
            ]
            if pandoc is not None:
                functions.append(
                    partial(
                        run, [pandoc, "article.md", "-o", "pandoc.pdf", "--pdf-engine=weasyprint"]
                    )
                )
            if baseline is not None:
                functions.append(partial(run, ours, source=baseline))
            times, cpu = rotate_with_cpu(functions, runs)
            cells = [
                f"{times[0]:5.2f}",
                f"{times[1]:5.2f}",
                f"{times[2]:10.2f}",
                f"{times[0] / times[2]:5.2f}",
            ]
            if pandoc is None:
                cells += [f"{'-':>6}", f"{'(no pandoc)':>9}"]
            else:
                cells += [f"{times[3]:6.2f}", f"{times[0] / times[3]:9.2f}"]
            cells += [f"{cpu[0]:8.2f}", f"{cpu[2]:6.2f}"]
            if baseline is not None:
                cells += [f"{times[-1]:8.2f}", f"{cpu[-1]:8.2f}"]
            print(f"{path.parent.name:30} " + " ".join(cells))
    start_up = statistics.median(
        timed(lambda: subprocess.run([str(PYTHON), "-c", "pass"])) for _ in range(5)
    )
    imports = statistics.median(
        timed(lambda: subprocess.run([str(PYTHON), "-c", "import weasyprint"])) for _ in range(3)
    )
    print(
        f"  for scale: python start-up {start_up:.2f} s; python + import weasyprint {imports:.2f} s"
    )
    print("  goal: at most WeasyPrint's command line on the same HTML (vs wp at most 1.0)\n")


def rotate_with_cpu(
    functions: Sequence[Callable[[], object]], runs: int
) -> tuple[list[float], list[float]]:
    """Median wall and CPU seconds (of child processes) of each function, run in turns."""
    for function in functions:
        function()
    walls: list[list[float]] = [[] for _ in functions]
    cpus: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, wall, cpu in zip(functions, walls, cpus, strict=True):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            wall.append(timed(function))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return [statistics.median(w) for w in walls], [statistics.median(c) for c in cpus]


def rotate(functions: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """Median seconds of each function, run in turns after one warm-up call each."""
    for function in functions:
        function()
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, spent in zip(functions, times, strict=True):
            spent.append(timed(function))
    return [statistics.median(spent) for spent in times]


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per side (default 7)")
    parser.add_argument("--renders", type=int, default=300, help="renders for the memory test")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--only", choices=("process", "memory", "shell"), help="run one measurement"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="also time the command from another checkout's src folder (e.g. main's)",
    )
    arguments = parser.parse_args()
    if arguments.memory_child:
        memory_child(arguments.memory_child)
        return
    subsetter = "HarfBuzz (libharfbuzz-subset)" if harfbuzz_subsetting() else "fontTools (slow)"
    print(f"WeasyPrint subsets fonts with: {subsetter}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    if arguments.only in (None, "process"):
        in_process(arguments.runs)
    if arguments.only in (None, "memory"):
        memory(arguments.renders)
    if arguments.only in (None, "shell"):
        shell(arguments.runs, arguments.baseline)
    if not harfbuzz_subsetting():
        sys.exit("WeasyPrint is not using HarfBuzz to subset fonts: install libharfbuzz-subset0")


if __name__ == "__main__":
    main()
