"""The start-up cache: compiled templates and hyphenation patterns kept across processes.

Whatever the cache holds (nothing, good entries, damaged ones) or wherever it
cannot be written, the output is the same bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    kinds = {entry.name.split("-")[0] for entry in cache.iterdir()}
    assert kinds == ({"template", "hyphenation", "cffi"} if format_ == "pdf" else {"template"})
    warm = _convert(format_, tmp_path / "warm" / f"out.{format_}", str(cache))
    _damage(cache)
    damaged = _convert(format_, tmp_path / "damaged" / f"out.{format_}", str(cache))
    assert without == cold == warm == damaged


def test_cached_hyphenation_patterns_are_pyphens_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Patterns read from the cache equal pyphen's parse of the dictionary and hyphenate alike."""
    pyphen = pytest.importorskip("pyphen")
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(tmp_path))
    dictionary = pyphen.LANGUAGES[pyphen.language_fallback("en")]
    monkeypatch.delitem(pyphen.hdcache, dictionary, raising=False)
    _cache.load_hyphenation("en")  # parses, and stores the patterns
    assert len(list(tmp_path.glob("hyphenation-*"))) == 1
    monkeypatch.delitem(pyphen.hdcache, dictionary)
    _cache.load_hyphenation("en")  # reads them back
    loaded = pyphen.hdcache[dictionary]
    parsed = pyphen.HyphDict(dictionary)
    assert loaded.patterns == parsed.patterns
    assert loaded.maxlen == parsed.maxlen
    words = ["hyphenation", "genocide", "recognition", "Armenian", "extraordinary"]
    assert [loaded.positions(w) for w in words] == [parsed.positions(w) for w in words]
    monkeypatch.delitem(pyphen.hdcache, dictionary)


def test_languages_without_a_dictionary_are_left_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A language pyphen cannot hyphenate stores nothing."""
    monkeypatch.setenv(_cache.ENVIRONMENT_VARIABLE, str(tmp_path))
    _cache.load_hyphenation("ar")
    assert list(tmp_path.iterdir()) == []


_INSPECT_FFI = """
import json, sys
import cffi
real = cffi.FFI
from messenger_content.exporters import pdf
pdf._weasyprint()
from weasyprint.pdf import fonts
from weasyprint.text import ffi
print(json.dumps({
    "ffi": type(getattr(ffi.ffi, "_ffi", ffi.ffi)).__module__,
    "subsetting": type(fonts.ffi).__name__,
    "pycparser": "pycparser" in sys.modules,
    "restored": cffi.FFI is real,
}))
"""


def _inspect_ffi(cache: str) -> Any:
    environment = dict(os.environ, **{_cache.ENVIRONMENT_VARIABLE: cache})
    result = subprocess.run(
        [sys.executable, "-c", _INSPECT_FFI],
        check=True,
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_weasyprint_gets_a_compiled_ffi_from_the_cache(tmp_path: Path) -> None:
    """With a cache, WeasyPrint's C declarations are compiled once, then used without pycparser."""
    cold = _inspect_ffi(str(tmp_path))
    assert len(list(tmp_path.glob("cffi-*"))) == 1
    warm = _inspect_ffi(str(tmp_path))
    compiled = {"ffi": "_cffi_backend", "subsetting": "_FFI", "restored": True}
    assert cold == compiled | {"pycparser": True}
    assert warm == compiled | {"pycparser": False}


def test_without_a_cache_weasyprint_gets_cffis_own_ffi(tmp_path: Path) -> None:
    """Without a cache WeasyPrint's FFI is cffi's (array tweak on); a damaged entry is rebuilt."""
    plain = {"ffi": "cffi.api", "subsetting": "_OpenArrays", "pycparser": True, "restored": True}
    assert _inspect_ffi("") == plain
    _inspect_ffi(str(tmp_path))
    (entry,) = tmp_path.glob("cffi-*")
    data = bytearray(entry.read_bytes())
    data[-100] ^= 0xFF  # one flipped byte in the type tables
    entry.write_bytes(bytes(data))
    rebuilt = _inspect_ffi(str(tmp_path))
    assert rebuilt == {
        "ffi": "_cffi_backend",
        "subsetting": "_FFI",
        "pycparser": True,
        "restored": True,
    }
    assert entry.read_bytes() != bytes(data)  # built again, and stored
