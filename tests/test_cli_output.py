"""Where `convert` writes, as pandoc does: standard output, one file, or a folder."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from messenger_content.cli import main
from tests.helpers.articles import ROOT, write_articles

EXAMPLE = ROOT / "examples" / "night-bus-pilot" / "article.json"
CONSOLE_SCRIPT = Path(sys.executable).parent / "messenger-content"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the installed console script, standard output to a pipe."""
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], cwd=cwd, capture_output=True, timeout=300, check=False
    )


def files_under(folder: Path) -> list[str]:
    """Every file and folder below *folder*, relative, sorted."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


# --- standard output -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("format_", "start"),
    [("txt", "The Harbourton Courier"), ("html", "<!DOCTYPE html>"), ("md", "---\ntitle:")],
)
def test_one_input_one_format_without_o_goes_to_stdout(
    format_: str,
    start: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No -o with one input and one format writes the document to standard output, nothing else."""
    monkeypatch.chdir(tmp_path)
    assert main(["convert", str(EXAMPLE), "-t", format_]) == 0
    captured = capsys.readouterr()
    assert captured.out.lstrip().startswith(start)
    assert "Harbourton" in captured.out
    assert captured.err == ""
    assert list(tmp_path.iterdir()) == []


def test_dash_o_is_stdout_not_a_folder(tmp_path: Path) -> None:
    """`-o -` writes to standard output and creates no folder named `-`."""
    result = run("convert", str(EXAMPLE), "-t", "html", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"<!DOCTYPE html>")
    assert result.stdout.endswith(b"</html>\n")
    assert result.stderr == b""
    assert not (tmp_path / "-").exists()


def test_stdout_is_the_same_bytes_as_the_file(tmp_path: Path) -> None:
    """What goes to standard output is what -o FILE writes (images embedded in both)."""
    out = tmp_path / "a.md"
    assert main(["convert", str(EXAMPLE), "-o", str(out), "--embed-images"]) == 0
    result = run("convert", str(EXAMPLE), "-t", "md", "--embed-images")
    assert result.stdout == out.read_bytes()
    assert b"](data:image/" in result.stdout


def test_binary_format_goes_to_a_pipe(tmp_path: Path) -> None:
    """A PDF goes to standard output when that is not a terminal (a pipe, a file)."""
    result = run("convert", str(EXAMPLE), "-t", "pdf", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"%PDF-")
    assert result.stdout.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("output", [[], ["-o", "-"]])
def test_binary_format_refuses_a_terminal(output: list[str], tmp_path: Path) -> None:
    """EPUB to standard output on a terminal: exit 2 with a clear reason, nothing written."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [str(CONSOLE_SCRIPT), "convert", str(EXAMPLE), "-t", "epub", *output],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            timeout=300,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert process.returncode == 2
    assert b"epub is a binary format and standard output is a terminal" in process.stderr
    assert b"give -o FILE.epub" in process.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "-"], "-o - goes to standard output: give its format with -t FORMAT"),
        ([], "without -o, the output goes to standard output: give its format with -t FORMAT"),
        (["-t", "txt,md"], "standard output, which takes one format; give -o FOLDER/"),
        ([str(EXAMPLE), "-t", "txt", "-o", "-"], "standard output, which takes one input"),
    ],
)
def test_stdout_needs_one_input_and_one_format(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Standard output takes one input in one format named by -t; else exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    assert main(["convert", str(EXAMPLE), *args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


# --- files and folders ---------------------------------------------------------------------------


def test_a_file_name_with_several_inputs_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o both.pdf` with two inputs: exit 2, a reason, and nothing created."""
    inputs = write_articles(tmp_path / "in", 2)
    before = files_under(tmp_path)
    out = tmp_path / "both.pdf"
    assert main(["convert", *map(str, inputs), "-t", "pdf", "-o", str(out)]) == 2
    assert f"-o {out}: several inputs are written into a folder; end -o with /" in (
        capsys.readouterr().err
    )
    assert files_under(tmp_path) == before


def test_a_file_name_for_a_folder_input_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder of inputs with `-o out` (no trailing /, no such folder): exit 2, nothing made."""
    write_articles(tmp_path / "in", 2)
    before = files_under(tmp_path)
    assert main(["convert", str(tmp_path / "in"), "-t", "txt", "-o", str(tmp_path / "out")]) == 2
    assert "several inputs are written into a folder" in capsys.readouterr().err
    assert files_under(tmp_path) == before


def test_a_name_without_a_suffix_needs_t(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o article` (forgotten suffix, no -t) is an error that says so; no folder appears."""
    out = tmp_path / "article"
    assert main(["convert", str(EXAMPLE), "-o", str(out)]) == 2
    assert f"-o {out}: it has no suffix; give -t FORMAT" in capsys.readouterr().err
    assert not out.exists()


def test_several_formats_into_one_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two formats cannot share one file name: exit 2, nothing created."""
    out = tmp_path / "a.html"
    assert main(["convert", str(EXAMPLE), "-t", "html,txt", "-o", str(out)]) == 2
    assert "several formats are written into a folder" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_a_folder(tmp_path: Path) -> None:
    """`-o DIR` naming an existing folder writes into it, even without a trailing /."""
    out = tmp_path / "site"
    out.mkdir()
    assert main(["convert", str(EXAMPLE), "-t", "txt", "-o", str(out)]) == 0
    assert files_under(out) == ["harbourton-night-bus-pilot.txt"]


def test_a_name_ending_with_a_slash_is_a_new_folder(tmp_path: Path) -> None:
    """`-o new/` creates the folder and names the file after the article."""
    assert main(["convert", str(EXAMPLE), "-t", "txt", "-o", f"{tmp_path / 'new'}/"]) == 0
    assert files_under(tmp_path / "new") == ["harbourton-night-bus-pilot.txt"]


def test_batch_keeps_its_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Several inputs still end with the summary line (a single one is quiet)."""
    inputs = write_articles(tmp_path / "in", 2)
    out = f"{tmp_path / 'out'}/"
    assert main(["convert", *map(str, inputs), "-t", "txt", "-o", out, "-j", "0"]) == 0
    assert capsys.readouterr().err.startswith("converted 2, failed 0, skipped 0 (2 files written)")


def test_stdin_to_stdout(tmp_path: Path) -> None:
    """`convert - -t txt` reads standard input and writes standard output, like a filter."""
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "convert", "-", "-t", "txt"],
        input=json.dumps(document).encode(),
        cwd=EXAMPLE.parent,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Harbourton" in result.stdout
    assert result.stderr == b""
