"""The command line: convert, validate, schema; exit codes, messages, progress, interruption."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

import messenger_content as mc
from messenger_content.cli import PAPERS, main
from messenger_content.exporters.pdf import PAPERS as PDF_PAPERS
from tests.helpers.articles import (
    PHOTO,
    ROOT,
    article_json,
    invalid_article,
    leftovers,
    write_articles,
)
from tests.helpers.cli import default_sigint, run_on_terminal

VENV_BIN = Path(sys.executable).parent
CONSOLE_SCRIPT = VENV_BIN / "messenger-content"
EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"


def run(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed console script."""
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- help, version, schema ---------------------------------------------------------------


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    """--help exits 0 and shows example commands for every subcommand."""
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("convert article.json", "validate ", "schema >"):
        assert f"messenger-content {command}" in out
    assert main(["convert", "--help"]) == 0
    assert "--skip-existing" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version."""
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"messenger-content {mc.__version__}\n"


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """`schema` prints the JSON Schema the package ships."""
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == mc.json_schema()


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a command the exit code is 2 and usage is shown."""
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err


def test_paper_choices_match_the_pdf_exporter() -> None:
    """--paper offers exactly the paper sizes the PDF exporter knows."""
    assert PAPERS == PDF_PAPERS


# --- convert ---------------------------------------------------------------------------------


def test_convert_one_file_format_from_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One input and -o with a format suffix writes that file, silently; -t is optional then."""
    out = tmp_path / "night-bus.html"
    assert main(["convert", str(EXAMPLE), "-o", str(out)]) == 0
    assert out.read_text().endswith("</html>\n")
    assert capsys.readouterr() == ("", "")
    assert leftovers(tmp_path) == []


def test_verbose_prints_the_summary_of_a_single_conversion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-v prints the summary line a single conversion otherwise keeps to itself."""
    out = tmp_path / "night-bus.txt"
    assert main(["convert", str(EXAMPLE), "-o", str(out), "-v"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("converted 1, failed 0, skipped 0 (1 file written) in ")


def test_convert_folder_recursive_all_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder with -r finds every article; -t all writes each format, named by id."""
    out = tmp_path / "out"
    assert main(["convert", str(ROOT / "examples"), "-r", "-t", "all", "-o", f"{out}/", "-q"]) == 0
    names = sorted(path.name for path in out.iterdir() if path.is_file())
    stems = [  # the edition file beside them is skipped: it is not an article
        "harbourton-ferry-returns",
        "harbourton-night-bus-pilot",
        "kim-kardashian-urges-biden-to-stop-another-armenian-genocide",
        "riverton-mayor-results",
        "yerevan-book-fair-2026",
    ]
    with_images = [stem for stem in stems if stem != "yerevan-book-fair-2026"]
    assert all((out / f"{stem}_files").is_dir() for stem in with_images)  # the copied images
    assert not (out / "yerevan-book-fair-2026_files").exists()  # no image, no folder
    assert names == sorted(
        f"{stem}{suffix}" for stem in stems for suffix in (".epub", ".html", ".md", ".pdf", ".txt")
    )
    assert capsys.readouterr().err == ""


def test_folder_without_recursion_needs_json_inside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding no *.json (without -r) is a usage error that suggests -r."""
    write_articles(tmp_path / "in" / "deeper", 1)
    assert main(["convert", str(tmp_path / "in"), "-t", "txt", "-o", f"{tmp_path}/"]) == 2
    assert "no files match '*.json' in it (-r to look deeper)" in capsys.readouterr().err


def test_invalid_input_exit_2_names_file_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An invalid article: exit 2, the message names the file and the JSON path, no output."""
    bad = invalid_article(tmp_path)
    out = tmp_path / "bad.html"
    assert main(["convert", str(bad), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: body[1].text[1].href: javascript: links are not allowed" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert leftovers(tmp_path) == []


def test_invalid_input_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The other inputs are still converted, and the summary counts the failure."""
    good = write_articles(tmp_path / "in", 2)
    bad = invalid_article(tmp_path / "in")
    out = tmp_path / "out"
    args = [
        "convert",
        str(good[0]),
        str(bad),
        str(good[1]),
        "-t",
        "txt",
        "-o",
        f"{out}/",
        "-j",
        "2",
    ]
    assert main(args) == 2
    assert sorted(p.name for p in out.iterdir()) == ["story-1.txt", "story-2.txt"]
    err = capsys.readouterr().err
    assert "converted 2, failed 1, skipped 0 (2 files written)" in err


def test_fail_fast(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--fail-fast stops at the first invalid article; the summary says some were left."""
    good = write_articles(tmp_path / "in", 2)
    bad = invalid_article(tmp_path / "in")
    out = tmp_path / "out"
    args = [
        "convert",
        str(bad),
        *map(str, good),
        "-t",
        "txt",
        "-o",
        f"{out}/",
        "--fail-fast",
        "-j",
        "0",
    ]
    assert main(args) == 2
    assert not out.exists()
    assert "stopped early" in capsys.readouterr().err


def test_unexpected_error_exit_1_traceback_only_with_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An output folder that cannot be made is exit 1, one line; --debug adds the traceback."""
    (path,) = write_articles(tmp_path / "in", 1)
    blocker = tmp_path / "file"
    blocker.write_text("")
    args = ["convert", str(path), "-t", "txt", "-o", f"{blocker}/"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{path}: txt: " in err
    assert "Traceback" not in err
    assert main([*args, "--debug"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-t", "docx", "-o", "out/"], "unknown format 'docx'"),
        (["-o", "out/"], "-o out/ is a folder: give the formats with -t FORMATS"),
        (["-t", "pdf", "-o", "out.html"], "whose name must end with .pdf"),
        (["-o", "out.xyz"], ".xyz names no format"),
        (["-t", "txt", "--width", "5", "-o", "out/"], "--width must be at least 20"),
        (["-t", "html", "--css", "missing.css", "-o", "out/"], "--css missing.css: No such file"),
        (["-t", "html", "--template-dir", "nowhere", "-o", "out/"], "--template-dir nowhere: not"),
        (["-t", "pdf", "--pdf-variant", "pdf/zz", "-o", "out/"], "--pdf-variant pdf/zz: not one"),
        (["-t", "pdf", "--paper", "a0", "-o", "out/"], "invalid choice: 'a0'"),
        (["-t", "txt", "-j", "-1", "-o", "out/"], "expected 0 or more"),
    ],
)
def test_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    """Bad options are usage errors: exit 2, a one-line reason, nothing written."""
    monkeypatch.chdir(tmp_path)
    assert main(["convert", str(EXAMPLE), *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_flags_for_other_formats_are_ignored_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--paper with -t txt has no effect: a warning, not an error."""
    out = tmp_path / "a.txt"
    assert (
        main(["convert", str(EXAMPLE), "-o", str(out), "--paper", "letter", "--width", "40"]) == 0
    )
    assert "warning: --paper has no effect on txt" in capsys.readouterr().err
    prose = [line for line in out.read_text().splitlines() if "://" not in line]
    assert max(map(len, prose)) <= 40  # URLs are never broken, so they may overhang


def test_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` reads the article from standard input; images resolve against the current folder."""
    monkeypatch.chdir(EXAMPLE.parent)
    data = EXAMPLE.read_bytes()
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    with open(read, encoding="utf-8") as stream:  # a text stream, as sys.stdin is
        monkeypatch.setattr(sys, "stdin", stream)
        out = tmp_path / "out"
        assert main(["convert", "-", "-t", "html", "-o", f"{out}/", "--embed-images", "-q"]) == 0
    assert "data:image/jpeg;base64," in (out / "harbourton-night-bus-pilot.html").read_text()


def test_collisions_are_renamed_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two inputs with one id: the second output gets -2 and a note says why."""
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    first.write_text(json.dumps(article_json(1, article_id="same")))
    second.write_text(json.dumps(article_json(2, article_id="same")))
    out = tmp_path / "out"
    assert main(["convert", str(first), str(second), "-t", "txt", "-o", f"{out}/", "-j", "0"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["same-2.txt", "same.txt"]
    assert f"{second}: note: named 'same-2'" in capsys.readouterr().err


def test_skip_existing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--skip-existing resumes: existing outputs are counted as skipped and left alone."""
    paths = write_articles(tmp_path / "in", 3)
    out = tmp_path / "out"
    args = ["convert", str(tmp_path / "in"), "-t", "txt", "-o", f"{out}/", "-j", "0"]
    assert main(args) == 0
    (out / "story-2.txt").unlink()
    capsys.readouterr()
    assert main([*args, "--skip-existing"]) == 0
    assert "converted 1, failed 0, skipped 2 (1 file written)" in capsys.readouterr().err
    assert len(paths) == len(list(out.iterdir()))


def test_quiet_and_no_progress_bar_without_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Off a terminal there is no progress bar; -q also drops the summary."""
    write_articles(tmp_path / "in", 4)
    args = ["convert", str(tmp_path / "in"), "-t", "txt", "-o", f"{tmp_path / 'out'}/", "-j", "0"]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert err.startswith("converted 4")
    assert err.count("\n") == 1
    assert main([*args, "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here), multi-file work shows a progress bar."""
    write_articles(tmp_path / "in", 4)
    code, text = run_on_terminal(
        ["convert", str(tmp_path / "in"), "-t", "txt", "-o", f"{tmp_path / 'out'}/", "-j", "0"]
    )
    assert code == 0
    assert "converting" in text
    assert "4/4" in text
    assert "converted 4, failed 0, skipped 0" in text


# --- validate -------------------------------------------------------------------------------


def test_validate_valid_with_publisher_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A valid article is `valid` (exit 0) with warnings for alt text, date and authors."""
    document = article_json(1, image=True)
    del document["published"]
    document["authors"] = []
    document["body"][3].pop("alt")
    document["lead_image"] = {"src": "photo.jpg"}
    path = tmp_path / "a.json"
    path.write_text(json.dumps(document))
    (tmp_path / "photo.jpg").write_bytes(PHOTO.read_bytes())
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path}: valid\n"
    assert captured.err.splitlines() == [
        f"{path}: lead_image: warning: image has no alt text",
        f"{path}: body[3]: warning: image has no alt text",
        f"{path}: published: warning: no published date",
        f"{path}: authors: warning: no authors",
    ]


def test_validate_invalid_and_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each error is `file: path: message`; exit 2 if any file is invalid or unreadable."""
    bad = invalid_article(tmp_path)
    missing = tmp_path / "missing.json"
    assert main(["validate", str(EXAMPLE), str(bad), str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == f"{EXAMPLE}: valid\n"
    assert captured.err.splitlines() == [
        f"{bad}: body[1].text[1].href: javascript: links are not allowed"
        " (use http, https, mailto, a relative URL or a #fragment)",
        f"{missing}: No such file or directory",
    ]


def test_validate_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one machine-readable report on standard output."""
    bad = invalid_article(tmp_path)
    assert main(["validate", "--json", str(EXAMPLE), str(bad)]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] == 1
    assert report["invalid"] == 1
    assert report["files"][1] == {
        "file": str(bad),
        "valid": False,
        "errors": [
            {
                "path": "body[1].text[1].href",
                "message": "javascript: links are not allowed"
                " (use http, https, mailto, a relative URL or a #fragment)",
            }
        ],
        "warnings": [],
    }


def test_validate_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    """Folders can be validated too (-r for sub-folders)."""
    assert main(["validate", "-r", "-q", str(ROOT / "examples")]) == 0
    assert capsys.readouterr().out == ""


def test_broken_json_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed JSON gives one clear line with the position, never a traceback."""
    path = tmp_path / "broken.json"
    path.write_text('{"headline": "x", ')
    assert main(["convert", str(path), "-t", "txt", "-o", str(tmp_path / "x.txt")]) == 2
    err = capsys.readouterr().err
    assert f"{path}: not valid JSON:" in err
    assert "line 1" in err
    assert "Traceback" not in err


# --- through the installed console script ---------------------------------------------------------


def test_console_script_convert_and_invalid(tmp_path: Path) -> None:
    """The installed `messenger-content` converts, and exits 2 on invalid input."""
    result = run("convert", str(EXAMPLE), "-t", "md,txt", "-o", f"{tmp_path / 'out'}/")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if p.is_file()) == [
        "harbourton-night-bus-pilot.md",
        "harbourton-night-bus-pilot.txt",
    ]
    bad = invalid_article(tmp_path)
    result = run("convert", str(bad), "-o", str(tmp_path / "bad.txt"))
    assert result.returncode == 2
    assert f"{bad}: body[1].text[1].href:" in result.stderr
    assert not (tmp_path / "bad.txt").exists()


def test_python_dash_m(tmp_path: Path) -> None:
    """`python -m messenger_content` is the same command, pool included."""
    write_articles(tmp_path / "in", 3)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "messenger_content",
            "convert",
            str(tmp_path / "in"),
            "-t",
            "html",
            "-o",
            f"{tmp_path / 'out'}/",
            "-j",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").iterdir())) == 3


def test_console_script_stdin(tmp_path: Path) -> None:
    """The console script reads `-` from standard input."""
    result = run(
        "convert",
        "-",
        "-t",
        "txt",
        "-o",
        str(tmp_path / "a.txt"),
        stdin=EXAMPLE.read_bytes(),
        cwd=EXAMPLE.parent,
    )
    assert result.returncode == 0, result.stderr
    assert "Harbourton" in (tmp_path / "a.txt").read_text()


# --- interruption -------------------------------------------------------------------------------


def _start(args: list[str], *, new_session: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(CONSOLE_SCRIPT), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=new_session,
        preexec_fn=default_sigint,
    )


#: Articles in a run that a test interrupts: enough that work is left when the first
#: outputs appear.
INTERRUPTED_ARTICLES = 60


def _wait_for_outputs(out: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if out.is_dir() and len([p for p in out.iterdir() if p.suffix == ".pdf"]) >= count:
            return
        assert process.poll() is None, "the conversion ended before it could be interrupted"
        time.sleep(0.02)
    raise AssertionError("no output appeared")


def _assert_complete(out: Path, expected_total: int) -> None:
    """Every file in *out* is complete, there is no temporary file, and the run was cut short."""
    assert leftovers(out) == []
    files = sorted(path for path in out.iterdir() if path.is_file())  # not the image folders
    assert all(not path.name.startswith(".") for path in files)
    assert 0 < len(files) < expected_total
    for path in files:
        if path.suffix == ".html":
            assert path.read_text().endswith("</html>\n")
        else:
            assert path.suffix == ".pdf"
            assert path.read_bytes().rstrip().endswith(b"%%EOF")
            assert len(PdfReader(path).pages) >= 1


def _interrupted(
    tmp_path: Path, signal_number: int, *, jobs: str = "2", group: bool = False
) -> tuple[int, bytes, Path]:
    """Convert a folder, send *signal_number* once two PDFs exist; the exit code, stderr, output.

    With *group*, the signal goes to the whole process group (workers included), as
    Ctrl-C in a terminal or a service manager sends it.
    """
    write_articles(tmp_path / "in", INTERRUPTED_ARTICLES, image=True)
    out = tmp_path / "out"
    process = _start(
        ["convert", str(tmp_path / "in"), "-t", "html,pdf", "-o", f"{out}/", "-j", jobs],
        new_session=group,
    )
    _wait_for_outputs(out, 2, process)
    if group:
        os.killpg(process.pid, signal_number)
    else:
        process.send_signal(signal_number)
    _, err = process.communicate(timeout=120)
    return process.returncode, err, out


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2", "0"])
def test_sigterm_leaves_no_partial_file(tmp_path: Path, jobs: str) -> None:
    """SIGTERM mid-run (pool or in-process): exit 143, complete files only, no temporary files."""
    code, err, out = _interrupted(tmp_path, signal.SIGTERM, jobs=jobs)
    assert code == 128 + signal.SIGTERM, err
    assert re.search(
        rb"stopped by SIGTERM after \d+ of 60 articles; no partial file was left;"
        rb" rerun with --skip-existing to finish",
        err,
    ), err
    assert b"Traceback" not in err
    _assert_complete(out, 2 * INTERRUPTED_ARTICLES)


@pytest.mark.slow
def test_ctrl_c_to_the_process_group_leaves_no_partial_file(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole group, workers included): exit 130, complete files only."""
    code, err, out = _interrupted(tmp_path, signal.SIGINT, group=True)
    assert code == 130, err
    found = re.search(
        rb"interrupted after (\d+) of 60 articles; .* rerun with --skip-existing", err
    )
    assert found is not None, err
    assert int(found.group(1)) < INTERRUPTED_ARTICLES
    assert b"Traceback" not in err
    _assert_complete(out, 2 * INTERRUPTED_ARTICLES)


@pytest.mark.slow
def test_sigterm_to_everyone_leaves_no_partial_file(tmp_path: Path) -> None:
    """SIGTERM to the whole group (as a service manager sends it): no partial file anywhere."""
    code, _, out = _interrupted(tmp_path, signal.SIGTERM, group=True)
    assert code != 0
    _assert_complete(out, 2 * INTERRUPTED_ARTICLES)


def test_recursion_follows_a_looping_link_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-r visits each folder once, even when a symbolic link points back up the tree."""
    folder = tmp_path / "archive" / "2025"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps(article_json(1)))
    (folder / "back").symlink_to(tmp_path / "archive")
    (folder / ".hidden.json").write_text("not even JSON")
    assert main(["validate", "-r", str(tmp_path / "archive")]) == 0
    assert capsys.readouterr().out == f"{folder / 'a.json'}: valid\n"


def test_a_signal_wrapped_by_python_still_counts_as_the_signal() -> None:
    """A signal landing while a class is made comes wrapped in RuntimeError; it is still found."""
    from messenger_content import cli
    from messenger_content.batch import Interrupted

    signal_error = Interrupted(signal.SIGTERM)
    wrapped = RuntimeError("Error calling __set_name__")
    wrapped.__cause__ = signal_error
    assert cli._interruption(wrapped) is signal_error
    assert cli._interruption(RuntimeError("plain")) is None
