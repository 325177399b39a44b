"""Which font families an article needs, and whether fontconfig has them.

The print and e-book stylesheets name a face per language with ``:lang()``
(``zh-Hans`` → Noto Serif CJK SC, ``hy`` → Noto Serif Armenian, ...), so text
is never set in whatever face fontconfig happens to try first. This module
holds the same choice in Python:

- :func:`faces_for` gives the serif and sans-serif families a language's own
  script is set in, and the Debian package that ships them;
- :func:`missing_fonts` reads the scripts an article's text is written in
  (Unicode script property, from fontTools' copy of the Unicode data) and asks
  fontconfig (``fc-list``) which of the families they need are not installed,
  so an exporter can warn, naming the script and the package, instead of
  printing boxes.

fontconfig is asked once per configuration (``FONTCONFIG_FILE`` and
``FONTCONFIG_PATH``) and the answer kept for the process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

import attrs

__all__ = [
    "Faces",
    "Missing",
    "MissingFontWarning",
    "faces_for",
    "installed_families",
    "missing_fonts",
]

_CORE = "fonts-noto-core"
_CJK = "fonts-noto-cjk"


class MissingFontWarning(UserWarning):
    """A script of the document has no installed face: its text may come out as boxes."""


@attrs.frozen(kw_only=True)
class Faces:
    """The families one script is set in, and where to get them."""

    script: str
    """The script's name, as a reader would say it (``"Armenian"``, ``"Han (Traditional)"``)."""
    serif: str
    """The serif family (body text, headlines)."""
    sans: str
    """The sans-serif family (bylines, captions, boxes)."""
    package: str
    """The Debian package that installs both families."""


_LATIN = Faces(script="Latin", serif="Noto Serif", sans="Noto Sans", package=_CORE)

#: Faces by ISO 15924 script code, for the scripts whose faces do not depend on the language.
#: Arabic's sans-serif is Noto Kufi Arabic: Noto Sans Arabic's "لى" ligature is extracted
#: backwards from a PDF by poppler (pdftotext), so names would not survive a copy.
_BY_SCRIPT: dict[str, Faces] = {
    "Latn": _LATIN,
    "Grek": attrs.evolve(_LATIN, script="Greek"),
    "Cyrl": attrs.evolve(_LATIN, script="Cyrillic"),
    "Armn": Faces(
        script="Armenian", serif="Noto Serif Armenian", sans="Noto Sans Armenian", package=_CORE
    ),
    "Arab": Faces(
        script="Arabic", serif="Noto Naskh Arabic", sans="Noto Kufi Arabic", package=_CORE
    ),
    "Hebr": Faces(
        script="Hebrew", serif="Noto Serif Hebrew", sans="Noto Sans Hebrew", package=_CORE
    ),
    "Geor": Faces(
        script="Georgian", serif="Noto Serif Georgian", sans="Noto Sans Georgian", package=_CORE
    ),
    "Deva": Faces(
        script="Devanagari",
        serif="Noto Serif Devanagari",
        sans="Noto Sans Devanagari",
        package=_CORE,
    ),
}


def _cjk(region: str, script: str) -> Faces:
    return Faces(
        script=script,
        serif=f"Noto Serif CJK {region}",
        sans=f"Noto Sans CJK {region}",
        package=_CJK,
    )


#: The CJK faces by region: the same character takes a different form in each.
_CJK_FACES = {
    "SC": _cjk("SC", "Han (Simplified)"),
    "TC": _cjk("TC", "Han (Traditional)"),
    "HK": _cjk("HK", "Han (Traditional, Hong Kong)"),
    "JP": _cjk("JP", "Japanese"),
    "KR": _cjk("KR", "Korean"),
}

#: Scripts that need the CJK faces (Han, kana, Hangul, Bopomofo).
_CJK_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})


def _cjk_region(language: str) -> str:
    """Which regional CJK face suits *language*: SC unless the language says otherwise."""
    from .i18n import normalize

    subtags = (normalize(language) or "").lower().split("-")
    code = subtags[0]
    rest = set(subtags[1:])
    if code == "ja" or "jpan" in rest:
        return "JP"
    if code == "ko" or "kore" in rest:
        return "KR"
    if "hant" in rest:
        return "HK" if {"hk", "mo"} & rest else "TC"
    return "SC"


def faces_for(language: str) -> Faces:
    """Return the faces for *language*'s own script (a BCP 47 tag; Latin when unknown).

    The script comes from the tag or CLDR's likely subtags (``zh-TW`` is
    Traditional Han, ``sr`` Cyrillic); Han, kana and Hangul take the CJK face
    of the language's region (``ja`` → Noto Serif CJK JP).
    """
    from .i18n import normalize

    tag = normalize(language) or ""
    subtags = tag.split("-")
    script = next((s for s in subtags[1:] if len(s) == 4 and s.isalpha()), "")
    script = script.title()
    if script in {"Hans", "Hant", "Jpan", "Kore", "Hani"} or script in _CJK_SCRIPTS:
        return _CJK_FACES[_cjk_region(language)]
    return _BY_SCRIPT.get(script, _LATIN)


@attrs.frozen(kw_only=True)
class Missing:
    """A script in the text whose face is not installed."""

    script: str
    """The script's name (``"Armenian"``, ``"Han (Simplified)"``)."""
    family: str
    """The family the stylesheets name for it."""
    package: str
    """The Debian package that installs the family."""

    def __str__(self) -> str:
        return (
            f"no {self.family} font for {self.script} text: "
            f"install the Debian package {self.package}"
        )


@lru_cache(maxsize=8)
def _families(config: tuple[str | None, str | None]) -> frozenset[str] | None:
    del config  # the cache key: fontconfig reads these variables itself
    command = shutil.which("fc-list")
    if command is None:
        return None
    try:
        found = subprocess.run(
            [command, "--format", "%{family}\\n"],
            capture_output=True,
            check=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # A face may give several names, comma-separated ("Noto Sans CJK SC,Noto Sans CJK SC Bold").
    return frozenset(
        name.strip().casefold() for line in found.stdout.splitlines() for name in line.split(",")
    )


def installed_families() -> frozenset[str] | None:
    """Return the installed font families (case-folded), or ``None`` without fontconfig.

    Read with ``fc-list`` once per fontconfig configuration (the
    ``FONTCONFIG_FILE`` and ``FONTCONFIG_PATH`` environment variables).
    """
    return _families((os.environ.get("FONTCONFIG_FILE"), os.environ.get("FONTCONFIG_PATH")))


def _scripts(text: str) -> set[str]:
    """The ISO 15924 codes of the scripts *text* is written in (Common and Inherited left out)."""
    from fontTools import unicodedata

    return {unicodedata.script(char) for char in set(text)} - {"Zyyy", "Zinh", "Zzzz"}


def _needed(text: str, language: str) -> list[Faces]:
    """The faces *text* needs, in the order their scripts first appear in the stylesheet."""
    scripts = _scripts(text)
    needed: list[Faces] = []
    if scripts & _CJK_SCRIPTS:
        if "Hira" in scripts or "Kana" in scripts:
            region = "JP"
        elif "Hang" in scripts and "Hani" not in scripts:
            region = "KR"
        else:
            region = _cjk_region(language)
        needed.append(_CJK_FACES[region])
    for script in sorted(scripts):
        faces = _BY_SCRIPT.get(script)
        if faces is not None and faces not in needed:
            needed.append(faces)
    return needed


def missing_fonts(text: str, language: str) -> list[Missing]:
    """Return the faces *text* (in *language*, a BCP 47 tag) needs that are not installed.

    Each script the text uses (Latin, Greek, Cyrillic, Armenian, Arabic,
    Hebrew, Georgian, Devanagari, Han, kana, Hangul) needs the serif and the
    sans-serif face the stylesheets name for it; Han takes the face of the
    language's region (a ``ja`` article's kanji need Noto Serif CJK JP).
    Scripts the stylesheets name no face for are left to fontconfig and not
    reported. Without fontconfig's ``fc-list`` nothing can be checked and the
    list is empty.

    Args:
        text: All the text that will be set: headline, body, labels.
        language: The article's language.

    Returns:
        One :class:`Missing` per family not installed, serif before sans-serif.
    """
    installed = installed_families()
    if installed is None:
        return []
    missing: list[Missing] = []
    for faces in _needed(text, language):
        for family in (faces.serif, faces.sans):
            if family.casefold() not in installed:
                missing.append(Missing(script=faces.script, family=family, package=faces.package))
    return missing
