"""Batch conversion: names, streaming, failures, resuming, executors (a pool, threads, Dask)."""

from __future__ import annotations

import _thread
import gc
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import messenger_content as mc
from messenger_content._files import (
    TEMPORARY_SUFFIX,
    is_temporary,
    write_all_atomic,
    write_atomic,
)
from messenger_content.batch import (
    BatchReport,
    Interrupted,
    Result,
    Source,
    convert,
    convert_many,
    safe_stem,
)
from messenger_content.exporters import FORMATS, render
from tests.helpers.articles import (
    PHOTO,
    article_json,
    invalid_article,
    leftovers,
    write_articles,
)

# --- helpers ---------------------------------------------------------------------------


def exported(path: Path, format_name: str, **options: Any) -> bytes:
    """What the format's exporter makes of the article at *path* (its folder as base_dir)."""
    exporter = FORMATS[format_name].exporter()
    if "base_dir" in inspect.signature(exporter).parameters:
        options["base_dir"] = path.parent
    return render(mc.load(path), format_name, **options)


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("harbourton-night-bus-pilot", "harbourton-night-bus-pilot"),
        ("2024/03/council backs buses", "2024-03-council-backs-buses"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", ""),
        ("...hidden", "hidden"),
        ("-rf", "rf"),
        ('a:b*c?d|e<f>g"h\\i', "a-b-c-d-e-f-g-h-i"),
        ("tab\there\nnewline", "tab-here-newline"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Երևան-թատրոն", "Երևան-թատրոն"),
        ("नमस्ते", "नमस्ते"),
        ("日本語の記事", "日本語の記事"),
        ("   ", ""),
    ],
)
def test_safe_stem(text: str, expected: str) -> None:
    """Ids become portable file names: no separators, controls, hidden names or reserved names."""
    assert safe_stem(text) == expected


def test_safe_stem_is_bounded() -> None:
    """Very long ids are cut to at most 120 UTF-8 bytes, at a character boundary."""
    stem = safe_stem("ж" * 500)
    assert len(stem.encode("utf-8")) <= 120
    assert set(stem) == {"ж"}


def test_outputs_are_named_from_the_id_or_the_stem(tmp_path: Path) -> None:
    """The article id names the outputs; without one, the input file's stem does."""
    source = tmp_path / "in"
    source.mkdir()
    with_id = source / "first.json"
    with_id.write_text(json.dumps(article_json(1, article_id="Council / Buses")))
    without_id = source / "second file.json"
    without_id.write_text(json.dumps(article_json(2, article_id=None)))
    report = convert_many([with_id, without_id], ["html", "txt"], tmp_path / "out", jobs=0)
    assert report.ok
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "Council-Buses.html",
        "Council-Buses.txt",
        "second-file.html",
        "second-file.txt",
    ]


def test_name_collisions_are_deterministic_and_never_overwrite(tmp_path: Path) -> None:
    """Inputs wanting one name get name, name-2, name-3 in input order, with a note."""
    paths = []
    for number in range(3):
        path = tmp_path / f"in-{number}.json"
        document = article_json(number, article_id="same")
        path.write_text(json.dumps(document))
        paths.append(path)
    # An input whose own id is what the second one would be renamed to.
    clash = tmp_path / "in-3.json"
    clash.write_text(json.dumps(article_json(3, article_id="same-2")))
    paths.insert(1, clash)
    for jobs in (0, 2):
        out = tmp_path / f"out-{jobs}"
        report = convert_many(paths, ["txt"], out, jobs=jobs)
        assert [r.written for r in report.results] == [
            (out / "same.txt",),
            (out / "same-2.txt",),
            (out / "same-3.txt",),
            (out / "same-4.txt",),
        ]
        assert "Story number 0" in (out / "same.txt").read_text()
        assert "Story number 3" in (out / "same-2.txt").read_text()
        assert "Story number 1" in (out / "same-3.txt").read_text()
        assert report.results[0].notes == ()
        assert report.results[2].notes == ("named 'same-3': 'same' is an earlier input's",)


def test_names_ignore_case(tmp_path: Path) -> None:
    """Ids differing only in case do not share a file (case-insensitive file systems)."""
    paths = []
    for number, article_id in enumerate(["Story", "story"]):
        path = tmp_path / f"{number}.json"
        path.write_text(json.dumps(article_json(number, article_id=article_id)))
        paths.append(path)
    report = convert_many(paths, ["txt"], tmp_path / "out", jobs=0)
    assert [r.written[0].name for r in report.results] == ["Story.txt", "story-2.txt"]


# --- converting -------------------------------------------------------------------------


def test_pool_output_equals_the_exporters(tmp_path: Path) -> None:
    """Files written by a process pool are byte for byte what the exporters return."""
    paths = write_articles(tmp_path / "in", 6, image=True)
    report = convert_many(paths, ["html", "txt", "epub"], tmp_path / "out", jobs=2)
    assert report.ok
    assert len(report.converted) == 6
    assert report.files_written == 18
    assert [r.index for r in report.results] == list(range(6))
    expected = tmp_path / "expected"
    for path, result in zip(paths, report.results, strict=True):
        html, txt, epub = result.written
        # HTML with its image copied beside it, as export() writes it.
        page = mc.export(mc.load(path), expected / html.name, base_dir=path.parent)
        assert html.read_bytes() == page.read_bytes()
        assert txt.read_bytes() == exported(path, "txt")
        assert epub.read_bytes() == exported(path, "epub")
    (copied,) = (tmp_path / "out" / "story-1_files").iterdir()
    assert copied.read_bytes() == PHOTO.read_bytes()


@pytest.mark.slow
def test_pdf_through_the_pool_is_deterministic(tmp_path: Path) -> None:
    """PDFs made by pool workers (warm renderers) are valid and equal to a fresh to_pdf."""
    paths = write_articles(tmp_path / "in", 3, image=True)
    report = convert_many(paths, ["pdf"], tmp_path / "out", jobs=2, options={"paper": "letter"})
    assert report.ok
    for path, result in zip(paths, report.results, strict=True):
        (written,) = result.written
        data = written.read_bytes()
        assert PdfReader(written).pages[0].mediabox.width == 612  # letter: 8.5in
        assert data == exported(path, "pdf", paper="letter")


def test_the_collector_is_held_back_for_one_rendering_only() -> None:
    """A pool worker renders a PDF without the garbage collector, which is on again after."""
    from messenger_content import batch

    seen: list[bool] = []

    def failing() -> None:
        with batch._collected_once():
            seen.append(gc.isenabled())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing()
    assert seen == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        with batch._collected_once():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_options_go_only_to_exporters_that_take_them(tmp_path: Path) -> None:
    """`width` reaches the text exporter and is not passed to HTML (which would refuse it)."""
    (path,) = write_articles(tmp_path / "in", 1)
    report = convert_many([path], ["txt", "html"], tmp_path / "out", jobs=0, options={"width": 30})
    assert report.ok
    text = (tmp_path / "out" / "story-1.txt").read_text()
    assert max(len(line) for line in text.splitlines()) <= 30


def test_unknown_and_reserved_options_are_refused(tmp_path: Path) -> None:
    """A misspelt option, or base_dir (always the input's folder), is a ValueError up front."""
    with pytest.raises(ValueError, match="'widht' is not taken by any of the formats txt"):
        convert_many([], ["txt"], tmp_path, options={"widht": 30})
    with pytest.raises(ValueError, match="base_dir"):
        convert_many([], ["html"], tmp_path, options={"base_dir": "."})
    with pytest.raises(ValueError, match="'embed_images' is chosen with images="):
        convert_many([], ["html"], tmp_path, options={"embed_images": True})


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    """An unknown format is an ExportError before anything runs."""
    with pytest.raises(mc.ExportError, match="unknown format 'docx'"):
        convert_many([], ["docx"], tmp_path)


def test_failures_are_reported_and_the_rest_converted(tmp_path: Path) -> None:
    """Invalid and missing inputs fail with reasons (JSON paths); the others are written."""
    good = write_articles(tmp_path / "in", 2)
    bad = invalid_article(tmp_path / "in")
    missing = tmp_path / "in" / "missing.json"
    out = tmp_path / "out"
    report = convert_many([good[0], bad, missing, good[1]], ["html"], out, jobs=2)
    assert not report.ok
    assert [r.status for r in report.results] == ["converted", "failed", "failed", "converted"]
    (bad_failure,) = report.results[1].failures
    assert bad_failure.kind == "invalid"
    assert bad_failure.format is None
    assert bad_failure.messages[0].startswith("body[1].text[1].href: javascript: links")
    (missing_failure,) = report.results[2].failures
    assert missing_failure.messages == ("No such file or directory",)
    assert sorted(p.name for p in out.iterdir()) == ["story-1.html", "story-2.html"]


def test_a_refused_image_fails_the_whole_article(tmp_path: Path) -> None:
    """An image outside the article's folder fails HTML; the text is not written either."""
    folder = tmp_path / "in"
    folder.mkdir()
    document = article_json(1)
    document["body"].append({"type": "image", "src": "../secret.png", "alt": "x"})
    path = folder / "a.json"
    path.write_text(json.dumps(document))
    report = convert_many([path], ["txt", "html"], tmp_path / "out", jobs=0, images="embed")
    (result,) = report.results
    assert result.written == ()
    (failure,) = result.failures
    assert failure.format == "html"
    assert failure.kind == "invalid"
    assert "../secret.png" in failure.messages[0]
    assert result.notes == ("not written either, as html failed: story-1.txt",)
    assert not (tmp_path / "out").exists()


def test_unexpected_errors_are_errors_with_a_traceback(tmp_path: Path) -> None:
    """A file where the output folder should be is an OSError: kind "error", traceback kept."""
    (path,) = write_articles(tmp_path / "in", 1)
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    report = convert_many([path], ["txt"], blocker, jobs=0)
    (failure,) = report.results[0].failures
    assert failure.kind == "error"
    assert failure.details is not None
    assert "Traceback" in failure.details


def test_a_failed_write_fails_that_input_alone_and_writes_none_of_its_files(
    tmp_path: Path,
) -> None:
    """A file that cannot be put in place (a folder holds its name) fails its input, all formats."""
    paths = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    (out / "story-2.html").mkdir(parents=True)
    report = convert_many(paths, ["txt", "html"], out, jobs=0)
    assert [r.status for r in report.results] == ["converted", "failed", "converted"]
    second = report.results[1]
    assert second.written == ()
    assert not (out / "story-2.txt").exists()
    (failure,) = second.failures
    assert failure.format == "html"
    assert failure.kind == "error"
    assert report.results[2].written == (out / "story-3.txt", out / "story-3.html")
    assert leftovers(tmp_path) == []


def test_many_inputs_through_the_pool_keep_order_and_reasons(tmp_path: Path) -> None:
    """Inputs handed out several at a time: one result each, in order, failures where they were."""
    paths = write_articles(tmp_path / "in", 120)
    bad = [invalid_article(tmp_path / "in", f"bad-{n}.json") for n in range(3)]
    inputs: list[Path] = [*paths[:40], bad[0], *paths[40:80], bad[1], *paths[80:], bad[2]]
    seen: list[int] = []
    report = convert_many(
        iter(inputs),
        ["txt", "md"],
        tmp_path / "out",
        jobs=2,
        progress=lambda result: seen.append(result.index),
    )
    assert [r.index for r in report.results] == list(range(len(inputs)))
    assert sorted(seen) == list(range(len(inputs)))
    failed = [r.index for r in report.failed]
    assert failed == [40, 81, 122]
    assert len(report.converted) == 120
    for path in paths:
        assert (tmp_path / "out" / f"{path.stem}.txt").read_bytes() == exported(path, "txt")
    assert leftovers(tmp_path) == []


def test_work_units_grow_with_cheap_inputs_and_stay_bounded() -> None:
    """One input per unit at first; then about 0.1 s of work per unit, at most the bound."""
    from messenger_content import batch

    sizes = batch._ChunkSizes(most=32)
    assert sizes.size == 1
    sizes.learn([Result(index=0, source="a", seconds=0.01)])
    assert sizes.size == 10
    for _ in range(3):  # a running average: recent units count most
        sizes.learn([Result(index=1, source="b", seconds=0.0001)] * 4)
    assert sizes.size == 32
    slow = batch._ChunkSizes(most=32)
    slow.learn([Result(index=0, source="a", seconds=0.8)])
    assert slow.size == 1
    assert batch._ChunkSizes(most=0).size == 1


def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    """With fail_fast the inputs after a failure are not attempted, and the report says so."""
    good = write_articles(tmp_path / "in", 3)
    bad = invalid_article(tmp_path / "in")
    report = convert_many([bad, *good], ["txt"], tmp_path / "out", jobs=0, fail_fast=True)
    assert report.stopped
    assert len(report.results) == 1
    assert not (tmp_path / "out").exists()


def test_skip_existing_resumes(tmp_path: Path) -> None:
    """A second run with skip_existing writes only what is missing and leaves the rest alone."""
    paths = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    convert_many(paths[:2], ["txt", "html"], out, jobs=0)
    (out / "story-2.html").unlink()
    before = (out / "story-1.txt").stat().st_mtime_ns
    report = convert_many(paths, ["txt", "html"], out, jobs=0, skip_existing=True)
    assert [r.status for r in report.results] == ["skipped", "converted", "converted"]
    assert report.results[1].written == (out / "story-2.html",)
    assert report.results[1].skipped == (out / "story-2.txt",)
    assert (out / "story-1.txt").stat().st_mtime_ns == before
    assert report.ok


def test_inputs_are_streamed_with_bounded_look_ahead(tmp_path: Path) -> None:
    """A generator of inputs is read at most max_pending articles ahead of the results."""
    paths = write_articles(tmp_path / "in", 30)
    pulled = 0
    ahead: list[int] = []

    def inputs() -> Iterator[Path]:
        nonlocal pulled
        for path in paths:
            pulled += 1
            yield path

    seen: list[Result] = []

    def progress(result: Result) -> None:
        seen.append(result)
        ahead.append(pulled - len(seen))

    report = convert_many(
        inputs(), ["txt"], tmp_path / "out", jobs=2, max_pending=4, progress=progress
    )
    assert report.ok
    assert len(seen) == 30
    assert max(ahead) <= 4 + 1


def test_source_in_memory(tmp_path: Path) -> None:
    """A Source (e.g. standard input) converts like a file, images from its base_dir."""
    folder = tmp_path / "images"
    folder.mkdir()
    shutil.copy(PHOTO, folder / "photo.jpg")
    data = json.dumps(article_json(7, article_id=None, image=True)).encode()
    source = Source(name="<stdin>", data=data, base_dir=folder, stem="stdin")
    report = convert_many([source], ["html"], tmp_path / "out", jobs=0, images="embed")
    assert report.ok
    assert "data:image/jpeg;base64," in (tmp_path / "out" / "stdin.html").read_text()


def test_output_never_overwrites_its_input(tmp_path: Path) -> None:
    """An input named like its own output is refused instead of overwritten."""
    path = tmp_path / "story-1.txt"
    path.write_text(json.dumps(article_json(1)))
    report = convert_many([path], ["txt"], tmp_path, jobs=0)
    (failure,) = report.results[0].failures
    assert "would overwrite the input" in failure.messages[0]
    assert json.loads(path.read_text())["id"] == "story-1"


def test_convert_one_to_explicit_targets(tmp_path: Path) -> None:
    """convert() writes one input to the given paths, in this process."""
    (path,) = write_articles(tmp_path / "in", 1)
    result = convert(path, {"md": tmp_path / "x.md", "txt": tmp_path / "y.txt"})
    assert result.status == "converted"
    assert (tmp_path / "x.md").read_text().startswith("---")
    assert (tmp_path / "y.txt").exists()


def test_any_executor_works(tmp_path: Path) -> None:
    """A caller's executor (here threads) runs the work and is left running."""
    paths = write_articles(tmp_path / "in", 5)
    with ThreadPoolExecutor(max_workers=3) as executor:
        report = convert_many(paths, ["html"], tmp_path / "out", executor=executor)
        assert report.ok
        assert executor.submit(lambda: 42).result() == 42


# --- interruption and atomic writes -------------------------------------------------------


def test_interrupt_lets_work_in_progress_finish_and_leaves_no_partial_file(tmp_path: Path) -> None:
    """KeyboardInterrupt mid-batch is raised again; every output present is complete."""
    paths = write_articles(tmp_path / "in", 40, image=True)
    out = tmp_path / "out"

    def progress(result: Result) -> None:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as caught:
        convert_many(paths, ["html", "epub"], out, jobs=2, progress=progress)
    assert caught.value.signum == signal.SIGINT
    assert caught.value.total == 40
    assert caught.value.failed == 0
    assert caught.value.not_started is not None
    assert 1 <= caught.value.done < 40
    assert caught.value.done + caught.value.not_started == 40
    assert caught.value.report is not None
    assert caught.value.report.stopped
    assert leftovers(tmp_path) == []
    written = sorted(path for path in out.iterdir() if path.is_file())
    assert len(written) == 2 * caught.value.done
    for path in written:
        if path.suffix == ".html":
            assert path.read_text().endswith("</html>\n")
            assert (out / f"{path.stem}_files").is_dir()
        else:
            assert path.read_bytes()[:2] == b"PK"
            import zipfile

            with zipfile.ZipFile(path) as book:
                assert book.testzip() is None


def test_ctrl_c_mid_batch_in_this_process_leaves_only_complete_files(tmp_path: Path) -> None:
    """Ctrl-C while files are being written on the writer threads: none is left half-done."""
    paths = write_articles(tmp_path / "in", 400)
    out = tmp_path / "out"

    def press_ctrl_c_once_files_appear() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if out.is_dir() and len(list(out.iterdir())) >= 30:
                break
            time.sleep(0.001)
        _thread.interrupt_main()  # KeyboardInterrupt in the main thread, as SIGINT does

    presser = threading.Thread(target=press_ctrl_c_once_files_appear)
    # Python's own Ctrl-C handler, even if this process was started with SIGINT ignored
    # (as a shell starts background jobs): interrupt_main() does nothing then.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    presser.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            convert_many(paths, ["html", "txt", "md"], out, jobs=0)
    finally:
        presser.join()
        signal.signal(signal.SIGINT, previous)
    assert leftovers(tmp_path) == []
    written = sorted(out.iterdir())
    assert 30 <= len(written) < 3 * 400
    for path in written:
        text = path.read_text()
        if path.suffix == ".html":
            assert text.endswith("</html>\n")
        else:
            assert "Paragraph one of story" in text


def test_write_atomic_keeps_the_old_file_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An interruption while writing leaves the previous file intact and no temporary file."""
    target = tmp_path / "a.txt"
    write_atomic(target, b"old")

    def interrupted(descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_write_atomic_temporary_names() -> None:
    """Temporary files are hidden and end with .part, so they are easy to recognise."""
    assert TEMPORARY_SUFFIX == ".part"
    assert is_temporary(Path(".a.html.0123.part"))
    assert not is_temporary(Path("a.html"))


def test_report_counts() -> None:
    """A report sorts results into converted, skipped and failed."""
    ok = Result(index=0, source="a", written=(Path("a.txt"),))
    skipped = Result(index=1, source="b", skipped=(Path("b.txt"),))
    report = BatchReport(results=(ok, skipped), seconds=1.0)
    assert report.converted == (ok,)
    assert report.skipped == (skipped,)
    assert report.failed == ()
    assert report.ok


# --- Dask ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_dask_distributed_executor(tmp_path: Path) -> None:
    """A 2-worker Dask LocalCluster (processes) converts a handful of articles, same bytes."""
    distributed = pytest.importorskip("distributed")
    paths = write_articles(tmp_path / "in", 6, image=True)
    expected = convert_many(paths, ["html", "epub"], tmp_path / "local", jobs=0)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        report = convert_many(
            paths, ["html", "epub"], tmp_path / "dask", executor=client.get_executor()
        )
        workers = client.run(os.getpid)
    assert report.ok
    assert len(workers) == 2
    for ours, theirs in zip(expected.results, report.results, strict=True):
        for a, b in zip(ours.written, theirs.written, strict=True):
            assert a.name == b.name
            assert a.read_bytes() == b.read_bytes()


# --- a parent killed outright ----------------------------------------------------------------

KILLED_PARENT = """
import sys
import threading
import time
from pathlib import Path
from messenger_content.batch import convert_many

if __name__ == "__main__":
    folder = Path(sys.argv[1])
    if sys.argv[2] == "forkserver":  # a second thread: the pool is started by a forkserver
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    convert_many(sorted((folder / "in").glob("*.json")), ["html", "pdf"], folder / "out", jobs=2)
"""


def _descendants(pid: int) -> set[int]:
    """Every process under *pid*, from /proc (Linux)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_workers_end_when_the_parent_is_killed(tmp_path: Path, start: str) -> None:
    """SIGKILL to the parent: its pool workers notice, clean up their files and exit."""
    write_articles(tmp_path / "in", 40, image=True)
    process = subprocess.Popen([sys.executable, "-c", KILLED_PARENT, str(tmp_path), start])
    out = tmp_path / "out"
    deadline = time.monotonic() + 240
    while not (out.is_dir() and any(p.suffix == ".pdf" for p in out.iterdir())):
        assert process.poll() is None, "the conversion ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    workers = _descendants(process.pid)
    assert len(workers) >= 2
    process.kill()
    process.wait()
    deadline = time.monotonic() + 30
    while any(map(_alive, workers)):
        assert time.monotonic() < deadline, "orphaned workers kept running"
        time.sleep(0.1)
    assert leftovers(tmp_path) == []
    for path in out.glob("*.pdf"):
        assert path.read_bytes().rstrip().endswith(b"%%EOF")


def test_a_worker_keeps_one_pdf_renderer(tmp_path: Path) -> None:
    """A worker's exporters are built once per batch: every PDF goes through one PdfRenderer."""
    from messenger_content import batch
    from messenger_content.exporters.pdf import PdfRenderer

    settings = batch._settings(("pdf",), None)
    worker = batch._worker_for(settings)
    render = worker.renderers["pdf"][0]
    assert isinstance(getattr(render, "__self__", None), PdfRenderer)
    assert batch._worker_for(settings) is worker
    assert batch._worker_for(batch._settings(("pdf",), {"paper": "letter"})) is not worker


def test_workers_are_replaced_after_a_number_of_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A format with a per-worker limit gets fresh pools as the batch goes; nothing is lost."""
    from concurrent.futures import ProcessPoolExecutor

    from messenger_content import batch

    pools: list[ProcessPoolExecutor] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(batch, "ProcessPoolExecutor", CountedPool)
    monkeypatch.setattr(batch, "_ARTICLES_PER_WORKER", {"txt": 2})
    paths = write_articles(tmp_path / "in", 9)
    report = convert_many(paths, ["txt"], tmp_path / "out", jobs=2)
    assert report.ok
    assert [r.index for r in report.results] == list(range(9))
    assert len(pools) == 3  # 4 + 4 + 1 articles
    assert len(list((tmp_path / "out").iterdir())) == 9


def test_pdf_workers_are_recycled() -> None:
    """PDF workers are replaced after 100 articles: WeasyPrint's memory creeps up per document."""
    from messenger_content import batch

    assert batch._recycle_after(("html", "pdf")) == 100
    assert batch._recycle_after(("html", "epub", "txt", "md")) is None


# --- the PDF time limit ---------------------------------------------------------------------

#: Some 190,000 characters of body text: many seconds of WeasyPrint's time, far over a
#: limit of a second or two (and under the PDF exporter's size limit).
SLOW_ARTICLE = mc.Article(
    id="slow",
    headline="A very long read",
    body=[mc.Paragraph(text=f"Paragraph {n} of a long article, " * 60) for n in range(100)],
)


def write_slow_article(folder: Path) -> Path:
    """Write :data:`SLOW_ARTICLE` as ``slow.json`` into *folder*; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "slow.json"
    mc.dump(SLOW_ARTICLE, path)
    return path


@pytest.mark.slow
def test_a_pdf_over_its_time_is_stopped_and_the_others_carry_on(tmp_path: Path) -> None:
    """The worker of a PDF over its time is killed; that input fails, every other one is done."""
    short = write_articles(tmp_path / "in", 5)
    slow = write_slow_article(tmp_path / "in")
    out = tmp_path / "out"
    started = time.monotonic()
    report = convert_many(
        [*short[:2], slow, *short[2:]], ["html", "pdf"], out, jobs=2, pdf_timeout=2
    )
    assert time.monotonic() - started < 60
    assert [r.status for r in report.results] == ["converted"] * 2 + ["failed"] + ["converted"] * 3
    (failure,) = report.results[2].failures
    assert failure.format == "pdf"
    assert failure.kind == "invalid"
    assert failure.messages[0].startswith("the PDF took longer than its limit of 2 seconds")
    assert report.results[2].notes == ("not written either, as pdf failed: slow.html",)
    assert not report.stopped
    assert sorted(path.name for path in out.iterdir()) == sorted(
        f"story-{n}{suffix}" for n in range(1, 6) for suffix in (".html", ".pdf")
    )
    for path in out.glob("*.pdf"):
        assert len(PdfReader(path).pages) == 1
    assert leftovers(tmp_path) == []


@pytest.mark.slow
def test_one_conversion_runs_a_timed_pdf_in_a_worker_it_can_stop(tmp_path: Path) -> None:
    """convert() with a time limit stops a slow PDF (in a worker process) and writes nothing."""
    slow = write_slow_article(tmp_path / "in")
    targets = {"html": tmp_path / "slow.html", "pdf": tmp_path / "slow.pdf"}
    started = time.monotonic()
    result = convert(slow, targets, pdf_timeout=1)
    assert time.monotonic() - started < 30
    (failure,) = result.failures
    assert failure.format == "pdf"
    assert "longer than its limit of 1 seconds" in failure.messages[0]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in"]


def test_time_limit_options_are_checked(tmp_path: Path) -> None:
    """A limit must be positive; a caller's executor cannot stop a PDF, so it needs none."""
    with pytest.raises(ValueError, match="pdf_timeout must be a positive number"):
        convert_many([], ["pdf"], tmp_path, pdf_timeout=0)
    with (
        ThreadPoolExecutor(max_workers=1) as executor,
        pytest.raises(ValueError, match="give pdf_timeout=None"),
    ):
        convert_many([], ["pdf"], tmp_path, executor=executor)


@pytest.mark.slow
def test_command_line_pdf_timeout_fails_the_article_with_all_its_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--pdf-timeout stops the PDF; the article's HTML is not left behind; exit 2 says why."""
    from messenger_content.cli import main

    slow = write_slow_article(tmp_path / "in")
    out = tmp_path / "out"
    argv = ["convert", str(slow), "-t", "html,pdf", "-o", f"{out}/", "--pdf-timeout", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{slow}: pdf: the PDF took longer than its limit of 1 seconds" in err
    assert not out.exists() or list(out.iterdir()) == []


# --- images beside the written files ----------------------------------------------------------


def test_html_and_markdown_share_one_copy_of_each_image(tmp_path: Path) -> None:
    """By default an article's images are copied once into <stem>_files/, where both files point."""
    paths = write_articles(tmp_path / "in", 2, image=True)
    out = tmp_path / "out"
    report = convert_many(paths, ["html", "md"], out, jobs=0)
    assert report.ok
    for stem in ("story-1", "story-2"):
        (copied,) = (out / f"{stem}_files").iterdir()
        assert copied.read_bytes() == PHOTO.read_bytes()
        assert copied.suffix == ".jpg"
        reference = f"{stem}_files/{copied.name}"
        assert f'src="{reference}"' in (out / f"{stem}.html").read_text()
        assert f"]({reference})" in (out / f"{stem}.md").read_text()
    # The second article's copy is the first one's file, linked rather than written again.
    first, second = ((out / f"story-{n}_files").iterdir() for n in (1, 2))
    assert next(first).stat().st_ino == next(second).stat().st_ino


def test_a_copied_image_changed_since_is_not_linked_to(tmp_path: Path) -> None:
    """An image this process copied, then changed by someone else, is written afresh."""
    (path,) = write_articles(tmp_path / "in", 1, image=True)
    assert convert_many([path], ["html"], tmp_path / "one", jobs=0).ok
    (first,) = (tmp_path / "one" / "story-1_files").iterdir()
    first.write_bytes(b"changed")
    assert convert_many([path], ["html"], tmp_path / "two", jobs=0).ok
    (second,) = (tmp_path / "two" / "story-1_files").iterdir()
    assert second.read_bytes() == PHOTO.read_bytes()


def test_images_can_be_linked_at_a_base_url_or_embedded(tmp_path: Path) -> None:
    """image_base links images at the site that serves them; "embed" puts them in the files."""
    (path,) = write_articles(tmp_path / "in", 1, image=True)
    linked = tmp_path / "linked"
    report = convert_many(
        [path], ["html", "md"], linked, jobs=0, image_base="https://cdn.example/story"
    )
    assert report.ok
    assert 'src="https://cdn.example/story/photo.jpg"' in (linked / "story-1.html").read_text()
    assert "](https://cdn.example/story/photo.jpg)" in (linked / "story-1.md").read_text()
    embedded = tmp_path / "embedded"
    assert convert_many([path], ["md"], embedded, jobs=0, images="embed").ok
    assert "](data:image/jpeg;base64," in (embedded / "story-1.md").read_text()
    assert sorted(p.name for p in [*linked.iterdir(), *embedded.iterdir()]) == [
        "story-1.html",
        "story-1.md",
        "story-1.md",
    ]


def test_write_all_atomic_puts_all_files_in_place_or_none(tmp_path: Path) -> None:
    """When one file of a set cannot be renamed into place, the ones renamed before go too."""
    (tmp_path / "b.txt").mkdir()  # a folder holds the second file's name
    with pytest.raises(IsADirectoryError):
        write_all_atomic([(tmp_path / "a.txt", b"a"), (tmp_path / "b.txt", b"b")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.txt"]
    write_all_atomic([(tmp_path / "a.txt", b"a"), (tmp_path / "c.txt", b"c")])
    assert (tmp_path / "a.txt").read_bytes() + (tmp_path / "c.txt").read_bytes() == b"ac"
