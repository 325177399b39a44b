"""The start-up cache: templates compiled by Jinja2, kept across processes in its bytecode cache.

Whatever the cache holds (nothing, good entries, damaged ones) or wherever it
cannot be written, the output is the same bytes; and it holds nothing but
Jinja2's own entries.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from messenger_content import _cache

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "kardashian-armenian-genocide" / "article.json"


def _convert(format_: str, target: Path, cache: str) -> bytes:
    """Convert the example in a fresh process with MESSENGER_CONTENT_CACHE set to *cache*."""
    environment = dict(os.environ, **{_cache.ENVIRONMENT_VARIABLE: cache})
    command = [sys.executable, "-m", "messenger_content", "convert", str(EXAMPLE)]
    command += ["-t", format_, "-o", str(target), "-q"]
    subprocess.run(command, check=True, capture_output=True, env=environment, timeout=300)
    return target.read_bytes()


def _damage(folder: Path) -> list[Path]:
    entries = sorted(folder.iterdir())
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    return entries


def test_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """MESSENGER_CONTENT_CACHE names the folder, empty turns it off, else XDG_CACHE_HOME is used."""
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(tmp_path / "mine"))
    assert _cache.folder() == tmp_path / "mine"
    assert (tmp_path / "mine").stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, "")
    assert _cache.folder() is None
    assert _cache.template_cache() is None
    monkeypatch.delenv(_cache.ENVIRONMENT_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.folder() == tmp_path / "xdg" / "messenger-content"


def test_an_unwritable_place_means_no_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cache folder that cannot be created is not used (no error)."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(blocker / "cache"))
    assert _cache.folder() is None


def test_a_folder_others_may_write_into_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Compiled templates are code: a group- or world-writable folder is not a cache."""
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(shared))
    for mode in (0o777, 0o770, 0o1777):
        shared.chmod(mode)
        assert _cache.folder() is None, oct(mode)
        assert _cache.template_cache() is None
    shared.chmod(0o755)
    assert _cache.folder() == shared


@pytest.mark.parametrize("format_", ["html", "pdf"])
def test_output_is_the_same_with_or_without_the_cache(format_: str, tmp_path: Path) -> None:
    """No cache, a cold cache, a warm cache and a damaged cache give byte-identical files."""
    cache = tmp_path / "cache"
    # One file name in four folders: an HTML page names its images' folder after itself.
    without = _convert(format_, tmp_path / "none" / f"out.{format_}", "")
    cold = _convert(format_, tmp_path / "cold" / f"out.{format_}", str(cache))
    warm = _convert(format_, tmp_path / "warm" / f"out.{format_}", str(cache))
    damaged_entries = _damage(cache)
    damaged = _convert(format_, tmp_path / "damaged" / f"out.{format_}", str(cache))
    assert without == cold == warm == damaged
    # The damaged entries were compiled again and stored whole.
    assert all(entry.stat().st_size > 48 for entry in damaged_entries)


def test_the_cache_holds_only_jinja2_bytecode(tmp_path: Path) -> None:
    """After a PDF and an EPUB, every entry is a template Jinja2 compiled: nothing of ours."""
    jinja2_bccache = pytest.importorskip("jinja2.bccache")
    _convert("pdf", tmp_path / "out.pdf", str(tmp_path / "cache"))
    _convert("epub", tmp_path / "out.epub", str(tmp_path / "cache"))
    entries = sorted((tmp_path / "cache").iterdir())
    assert entries
    for entry in entries:
        assert entry.name.startswith("template-")
        assert entry.name.endswith(".cache")
        assert entry.read_bytes().startswith(jinja2_bccache.bc_magic), entry.name
