"""Themes: the templates and stylesheets every rendered format shares.

A theme is a folder of Jinja2 templates and CSS files. The package ships one,
``templates/default``::

    document.html            the standalone page: <head> metadata around the article
    article.html             the <article> element: header, body, footer
    partials/figure.html     one image with caption and credit (body images, lead image)
    blocks/<type>.html       one template per block type (paragraph.html, quote.html, ...)
    screen.css               the HTML stylesheet
    print.css                the PDF stylesheet
    epub.css                 the EPUB stylesheet

A user's template folder is searched first, so any file in it with one of
those names replaces the package's (a ``screen.css`` there replaces the screen
stylesheet, a ``blocks/quote.html`` the quote template). Templates only render:
the exporters build a view model in Python and hand it over; the environment
autoescapes every value and refuses undefined names.

:func:`export` copies the default theme into a folder, as a starting point for
one's own (``messenger-content theme export DIR``).

The HTML, PDF and EPUB exporters share this module: :func:`environment`,
:func:`stylesheet`, :func:`text_direction`, and the anchors of headings
(:func:`heading_ids`), which the HTML writes as ``id`` attributes and an EPUB
table of contents can link to. The words they add around an article (labels)
and its dates come from :mod:`messenger_content.i18n`.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Iterable, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

from typing_extensions import assert_never

from . import _cache
from .errors import ExportError
from .models import Block, Code, Emphasis, Heading, LineBreak, Link, Strong, Text

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "DEFAULT_THEME",
    "MEDIA",
    "Direction",
    "IdRegistry",
    "Media",
    "environment",
    "export",
    "heading_ids",
    "plain_text",
    "slug",
    "stylesheet",
    "text_direction",
    "theme_files",
]

Media: TypeAlias = Literal["screen", "print", "epub"]
"""What a document is rendered for: a browser, the PDF renderer or an e-book reader."""

MEDIA: tuple[Media, ...] = get_args(Media)
"""Every media a theme has a stylesheet for."""

Direction: TypeAlias = Literal["ltr", "rtl"]
"""The base direction of a document's text."""

DEFAULT_THEME = Path(__file__).parent / "templates" / "default"
"""The folder holding the package's templates and stylesheets."""


# --- templates -----------------------------------------------------------------


def _folder(template_dir: str | os.PathLike[str] | None) -> str | None:
    return None if template_dir is None else os.path.abspath(os.fspath(template_dir))


@lru_cache(maxsize=16)
def _environment(folder: str | None) -> jinja2.Environment:
    import jinja2  # here, so the plain-text and Markdown exporters do not load it

    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(DEFAULT_THEME, encoding="utf-8")]
    if folder is not None:
        if not os.path.isdir(folder):
            raise ExportError(f"template folder not found: {folder}")
        loaders.insert(0, jinja2.FileSystemLoader(folder, encoding="utf-8"))
    return _environment_class()(
        loader=jinja2.ChoiceLoader(loaders),
        # Compiled templates are kept across processes (each checked against its source).
        bytecode_cache=_cache.template_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The package's own templates do not change while it runs: no need to look
        # at their files' times before every use. A theme folder may be edited.
        auto_reload=folder is not None,
    )


@lru_cache(maxsize=1)
def _environment_class() -> type[jinja2.Environment]:
    import jinja2

    class Environment(jinja2.Environment):
        """Jinja2's environment, giving each template its globals as one plain dict.

        Jinja2 gives a template a ``ChainMap`` of its own globals over the
        environment's, and copies it into a new dict at every render: through
        the ``ChainMap``'s Python-level iteration, a third of the time of an
        article's markup (a template per block). Jinja2 asks that globals not
        change once templates are loaded, and ours never do.
        """

        def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
            return {**self.globals, **(d or {})}

    return Environment


def environment(template_dir: str | os.PathLike[str] | None = None) -> jinja2.Environment:
    """Return the Jinja2 environment for a theme (built once per folder, then reused).

    Args:
        template_dir: A folder whose templates take precedence over the package's,
            name by name; ``None`` for the default theme alone.

    Raises:
        ExportError: *template_dir* is not a folder.
    """
    return _environment(_folder(template_dir))


@lru_cache(maxsize=len(MEDIA))
def _default_stylesheet(media: Media) -> str:
    return (DEFAULT_THEME / f"{media}.css").read_text(encoding="utf-8")


def stylesheet(
    media: Media = "screen",
    *,
    template_dir: str | os.PathLike[str] | None = None,
    css: str | None = None,
) -> str:
    """Return the CSS for *media*: the theme's ``<media>.css`` followed by *css*.

    The package's stylesheets are read once per process. A ``<media>.css`` in
    *template_dir* replaces the package's and is read on each call, so edits show.

    Args:
        media: ``"screen"``, ``"print"`` or ``"epub"``.
        template_dir: A theme folder that may hold its own ``<media>.css``.
        css: Extra CSS appended after the theme's (so its rules win ties).

    Raises:
        ValueError: *media* is not one of :data:`MEDIA`.
        ExportError: *template_dir* is not a folder.
    """
    if media not in MEDIA:
        raise ValueError(f"unknown media {media!r} (expected one of: {', '.join(MEDIA)})")
    folder = _folder(template_dir)
    own = None if folder is None else Path(folder, f"{media}.css")
    if own is not None and own.is_file():
        theme_css = own.read_text(encoding="utf-8")
    else:
        if folder is not None and not os.path.isdir(folder):
            raise ExportError(f"template folder not found: {folder}")
        theme_css = _default_stylesheet(media)
    if not css:
        return theme_css
    return f"{theme_css.rstrip()}\n\n/* extra CSS */\n{css.strip()}\n"


def theme_files() -> list[Path]:
    """The default theme's files (templates and stylesheets), relative to its folder, sorted."""
    return sorted(
        path.relative_to(DEFAULT_THEME)
        for path in DEFAULT_THEME.rglob("*")
        if path.is_file() and path.suffix in (".html", ".css")
    )


def export(folder: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Copy the default theme's templates and stylesheets into *folder*, a theme to edit.

    The folder works as it is with ``template_dir=`` (``--template-dir``) and
    renders exactly what the default theme renders; edit what should change
    and delete the rest (missing files come from the default theme).

    Args:
        folder: Where to write (created with its parents if needed).
        force: Replace files that exist; otherwise nothing is written if any does.

    Returns:
        The files written, in order.

    Raises:
        FileExistsError: A file to write exists and *force* is not set (nothing
            was written).
        NotADirectoryError: *folder* exists and is not a folder.
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"{target} is not a folder")
    names = theme_files()
    if not force:
        existing = [target / name for name in names if (target / name).exists()]
        if existing:
            raise FileExistsError(
                f"{len(existing)} theme file(s) exist already, e.g. {existing[0]}"
            )
    written: list[Path] = []
    for name in names:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULT_THEME / name, destination)
        written.append(destination)
    return written


# --- language ------------------------------------------------------------------

#: Scripts written right to left (ISO 15924 codes, lower case).
_RTL_SCRIPTS = frozenset(
    {
        "adlm", "arab", "aran", "armi", "avst", "chrs", "cprt", "elym", "hatr", "hebr",
        "hung", "khar", "lydi", "mand", "mani", "mend", "merc", "mero", "narb", "nbat",
        "nkoo", "orkh", "ougr", "palm", "phli", "phlp", "phnx", "prti", "rohg", "samr",
        "sarb", "sogd", "sogo", "syrc", "syre", "syrj", "syrn", "thaa", "yezi",
    }
)  # fmt: skip

#: Languages whose default script is written right to left (primary subtags).
_RTL_LANGUAGES = frozenset(
    {
        "ar", "arc", "arz", "apc", "acm", "ary", "aeb", "azb", "bal", "bqi", "ckb", "dv",
        "fa", "glk", "he", "iw", "ji", "khw", "ks", "lrc", "mzn", "nqo", "pnb", "prs",
        "ps", "sd", "sdh", "skr", "syr", "ug", "ur", "yi",
    }
)  # fmt: skip


def text_direction(language: str) -> Direction:
    """Return ``"rtl"`` if *language* (a BCP 47 tag) is written right to left, else ``"ltr"``.

    A script subtag decides when present (``ku-Arab`` is right to left,
    ``az-Latn`` left to right); otherwise the primary language subtag does
    (``ar``, ``he``, ``fa``, ``ur``, ``ps``, ``yi``, ``ckb``, ...).
    """
    subtags = language.lower().replace("_", "-").split("-")
    for subtag in subtags[1:]:
        if len(subtag) == 4 and subtag.isalpha():
            return "rtl" if subtag in _RTL_SCRIPTS else "ltr"
        if len(subtag) == 1:  # an extension or private use: no script after it
            break
    return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"


# --- text and anchors ----------------------------------------------------------


def plain_text(text: Text) -> str:
    """Return inline content as plain text (markup dropped, a line break as a space)."""
    parts: list[str] = []
    for item in text:
        match item:
            case str():
                parts.append(item)
            case Emphasis() | Strong():
                parts.append(plain_text(item.text))
            case Link():
                parts.append(item.href if item.text is None else plain_text(item.text))
            case Code():
                parts.append(item.text)
            case LineBreak():
                parts.append(" ")
            case _:
                assert_never(item)
    return "".join(parts)


#: Character categories kept in a slug: letters, combining marks, decimal digits.
_SLUG_CATEGORIES = frozenset({"Ll", "Lu", "Lt", "Lm", "Lo", "Mn", "Mc", "Nd"})


def slug(text: str) -> str:
    """Turn text into an anchor name: ``"What the pilot includes"`` → ``what-the-pilot-includes``.

    Letters (of any script) and digits are kept, lower-cased; every other run of
    characters becomes one hyphen. The result is a valid HTML ``id`` and XML
    name (it starts with a letter; ``h-`` is put before a leading digit), or
    ``""`` when *text* has no letter or digit.
    """
    words: list[str] = []
    word: list[str] = []
    for char in unicodedata.normalize("NFKC", text).lower():
        if unicodedata.category(char) in _SLUG_CATEGORIES:
            word.append(char)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    result = "-".join(words)
    if result and not unicodedata.category(result[0]).startswith("L"):
        result = f"h-{result}"
    return result


class IdRegistry:
    """Hands out ``id`` values that are unique within one document."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self._taken: set[str] = set()
        # The next number to try for each name: numbers below it are taken (and stay
        # taken), so a thousand headings with one text cost a thousand steps, not a
        # million.
        self._next: dict[str, int] = {}

    def claim(self, name: str) -> str:
        """Return ``prefix + name``, or with ``-2``, ``-3``, ... added if that is taken."""
        base = f"{self.prefix}{name}"
        number = self._next.get(base, 1)
        candidate = base if number == 1 else f"{base}-{number}"
        while candidate in self._taken:
            number += 1
            candidate = f"{base}-{number}"
        self._next[base] = number + 1
        self._taken.add(candidate)
        return candidate


def heading_ids(blocks: Iterable[Block], ids: IdRegistry | None = None) -> dict[int, str]:
    """Give each heading among *blocks* an anchor, keyed by the block's index.

    The anchor is the slug of the heading's text (so ``#what-the-pilot-includes``
    finds "What the pilot includes"), or ``section-N`` for the N-th heading when
    the text has no letter or digit; repeats get ``-2``, ``-3``, ....

    Args:
        blocks: An article's body.
        ids: The document's registry, to keep anchors unique across several
            articles in one document; a fresh one by default.
    """
    registry = IdRegistry() if ids is None else ids
    result: dict[int, str] = {}
    for index, block in enumerate(blocks):
        if isinstance(block, Heading):
            name = slug(plain_text(block.text)) or f"section-{len(result) + 1}"
            result[index] = registry.claim(name)
    return result
