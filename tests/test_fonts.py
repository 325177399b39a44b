"""fonts: the faces each language needs, and the warning when fontconfig lacks one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from messenger_content import fonts
from messenger_content.fonts import Missing, faces_for, missing_fonts

#: A font folder every Debian machine with fontconfig has: DejaVu only, no Noto.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

needs_fontconfig = pytest.mark.skipif(
    shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed"
)


@pytest.fixture
def dejavu_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point fontconfig at a configuration that knows the DejaVu fonts and nothing else."""
    if not DEJAVU.is_dir():
        pytest.skip(f"{DEJAVU} is missing (Debian package fonts-dejavu-core)")
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{DEJAVU}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    monkeypatch.delenv("FONTCONFIG_PATH", raising=False)


@pytest.mark.parametrize(
    ("language", "serif", "sans"),
    [
        ("zh-Hans", "Noto Serif CJK SC", "Noto Sans CJK SC"),
        ("zh", "Noto Serif CJK SC", "Noto Sans CJK SC"),
        ("zh-CN", "Noto Serif CJK SC", "Noto Sans CJK SC"),
        ("zh-Hant", "Noto Serif CJK TC", "Noto Sans CJK TC"),
        ("zh-TW", "Noto Serif CJK TC", "Noto Sans CJK TC"),
        ("zh-HK", "Noto Serif CJK HK", "Noto Sans CJK HK"),
        ("zh-Hans-HK", "Noto Serif CJK SC", "Noto Sans CJK SC"),
        ("ja", "Noto Serif CJK JP", "Noto Sans CJK JP"),
        ("ko-KR", "Noto Serif CJK KR", "Noto Sans CJK KR"),
        ("hy", "Noto Serif Armenian", "Noto Sans Armenian"),
        ("ar", "Noto Naskh Arabic", "Noto Kufi Arabic"),
        ("fa-IR", "Noto Naskh Arabic", "Noto Kufi Arabic"),
        ("he", "Noto Serif Hebrew", "Noto Sans Hebrew"),
        ("iw", "Noto Serif Hebrew", "Noto Sans Hebrew"),
        ("ka", "Noto Serif Georgian", "Noto Sans Georgian"),
        ("hi", "Noto Serif Devanagari", "Noto Sans Devanagari"),
        ("ru", "Noto Serif", "Noto Sans"),
        ("en", "Noto Serif", "Noto Sans"),
        ("az-Arab", "Noto Naskh Arabic", "Noto Kufi Arabic"),
        ("x-private", "Noto Serif", "Noto Sans"),
    ],
)
def test_faces_follow_the_language_and_its_script(language: str, serif: str, sans: str) -> None:
    """Each language gets its script's faces, the CJK ones by region (zh-TW is Traditional)."""
    faces = faces_for(language)
    assert (faces.serif, faces.sans) == (serif, sans)


def test_cjk_faces_come_from_fonts_noto_cjk_and_the_rest_from_core() -> None:
    """The package named for a face is the Debian package that ships it."""
    assert faces_for("ja").package == "fonts-noto-cjk"
    assert faces_for("hy").package == "fonts-noto-core"


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_a_missing_face_names_its_script_and_package() -> None:
    """Without Noto, Armenian text reports Noto Serif/Sans Armenian and fonts-noto-core."""
    missing = missing_fonts("Գյումրիի թատրոնը", "hy")
    assert missing == [
        Missing(script="Armenian", family="Noto Serif Armenian", package="fonts-noto-core"),
        Missing(script="Armenian", family="Noto Sans Armenian", package="fonts-noto-core"),
    ]
    assert "Armenian" in str(missing[0])
    assert "fonts-noto-core" in str(missing[0])


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_han_wants_the_face_of_the_articles_region() -> None:
    """The same Han characters want the TC face in zh-TW and the JP face in ja."""
    assert {m.family for m in missing_fonts("圖書館", "zh-TW")} == {
        "Noto Serif CJK TC",
        "Noto Sans CJK TC",
    }
    assert {m.family for m in missing_fonts("図書館", "ja")} == {
        "Noto Serif CJK JP",
        "Noto Sans CJK JP",
    }
    assert {m.package for m in missing_fonts("圖書館", "zh-TW")} == {"fonts-noto-cjk"}


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_kana_in_another_language_wants_the_japanese_face() -> None:
    """Japanese quoted in an English article still needs the JP face (kana say so)."""
    families = {m.family for m in missing_fonts("He said “ありがとう”.", "en")}
    assert "Noto Serif CJK JP" in families
    assert "Noto Serif" in families  # the Latin text's own face is missing too


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_every_script_of_the_text_is_checked() -> None:
    """An English article quoting Arabic and Hebrew needs their faces as well as Latin's."""
    scripts = {m.script for m in missing_fonts("Salaam سلام, Shalom שלום", "en")}
    assert scripts == {"Latin", "Arabic", "Hebrew"}


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_digits_and_punctuation_need_no_face_of_their_own() -> None:
    """Common characters (digits, punctuation, spaces) name no script to warn about."""
    assert missing_fonts("2024 — 10:30, «»!", "hy") == []


@needs_fontconfig
def test_installed_faces_are_not_reported() -> None:
    """On a machine with the Noto packages, the text of every issue-15 language is covered."""
    samples = {
        "hy": "Գյումրի",
        "ar": "مكتبة",
        "he": "מוזיאון",
        "ka": "თეატრი",
        "hi": "पुस्तकालय",
        "zh-Hans": "图书馆",
        "zh-Hant": "圖書館",
        "ja": "図書館です",
        "ko": "도서관",
        "el": "Αθήνα",
        "ru": "Москва",
    }
    installed = fonts.installed_families()
    assert installed is not None
    wanted = {
        family for lang in samples for family in (faces_for(lang).serif, faces_for(lang).sans)
    }
    if not {family.casefold() for family in wanted} <= installed:
        pytest.skip("the Noto fonts are not all installed (fonts-noto-core, fonts-noto-cjk)")
    for language, text in samples.items():
        assert missing_fonts(text, language) == [], language


def test_without_fontconfig_nothing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fc-list cannot be found, nothing can be checked and nothing is claimed."""
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv("FONTCONFIG_FILE", "/nonexistent/for-this-test.conf")
    assert fonts.installed_families() is None
    assert missing_fonts("Գյումրի", "hy") == []


_RENDER_ARMENIAN = """
import warnings
import messenger_content as mc
article = mc.Article(
    headline="Հայոց ցեղասպանություն",
    language="hy",
    body=[mc.Paragraph(text="Երևան")],
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    mc.to_pdf(article)
for warning in caught:
    print(type(warning.message).__name__, warning.message)
"""


@needs_fontconfig
@pytest.mark.usefixtures("dejavu_only")
def test_a_pdf_with_a_missing_face_warns_naming_script_and_package() -> None:
    """An Armenian PDF with only DejaVu installed warns, naming the script and the package."""
    result = subprocess.run(
        [sys.executable, "-c", _RENDER_ARMENIAN],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("MissingFontWarning")]
    assert any("Armenian" in line and "fonts-noto-core" in line for line in lines), result.stdout
