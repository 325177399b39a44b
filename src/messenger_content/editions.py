"""Editions in JSON and in Python: reading, writing and building them.

An edition file (``"type": "edition"``) names its articles in one of three ways,
each relative to the edition file's folder::

    "night-bus-pilot/article.json"                         a path to an article file
    {"headline": "...", "body": [...]}                      an article inline
    {"folder": "night-bus-pilot", "article": {...}}         an article inline, with its folder

Each article keeps its own folder for images: an article read from a file
keeps that file's folder (as :attr:`EditionArticle.folder`, relative to the
edition's folder); an inline article uses the edition's folder unless it names
its own. :func:`dumps_edition` writes every article inline, in the third form
when its folder is not the edition's, so ``loads_edition(dumps_edition(e)) == e``.

The loader is as strict as the article loader: every problem is reported at
once, with its JSON path (``sections[1].articles[3]: 'missing.json' not found
next to the edition``); a problem inside an article file names the file and
the path inside it. Paths may not leave the edition's folder (no absolute
paths, no ``..``, no symlink out of it).

The same article given twice (the same file, the same ``id``, or the same
article and folder) is included once. Each duplicate left out is a note: a
:class:`~messenger_content.errors.Problem` appended to the ``notes`` list the
caller passes, or, without one, a :class:`DuplicateArticleWarning`.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

import attrs

from . import _rules, codec, models
from ._files import write_atomic
from .errors import Problem, ValidationError
from .models import Article, Edition, EditionArticle, Section

__all__ = [
    "ArticleSource",
    "DuplicateArticleWarning",
    "SectionSource",
    "build_edition",
    "dump_edition",
    "dumps_edition",
    "folder_of",
    "load_edition",
    "loads_edition",
    "read_article",
    "structure_edition",
    "unstructure_edition",
]

#: What :func:`build_edition` takes for one article: an entry, an article (read
#: from the edition's folder) or the path of an article JSON file.
ArticleSource: TypeAlias = EditionArticle | Article | str | os.PathLike[str]
#: What :func:`build_edition` takes for one section: a section, or a title and
#: its articles.
SectionSource: TypeAlias = Section | tuple[str, Iterable[ArticleSource]]

_ABSENT: Any = object()


class DuplicateArticleWarning(UserWarning):
    """An article was given twice in an edition and is included once."""


def folder_of(entry: EditionArticle, base_dir: str | os.PathLike[str]) -> Path:
    """The folder *entry*'s images are read from, for an edition whose folder is *base_dir*."""
    return Path(base_dir) if entry.folder is None else Path(base_dir) / entry.folder


def read_article(path: str | os.PathLike[str]) -> EditionArticle:
    """Load an article file as an edition entry that keeps the file's folder (made absolute).

    Raises:
        ParseError: the file is not JSON this package can read.
        ValidationError: the JSON does not describe a valid article.
        OSError: the file cannot be read.
    """
    file = Path(path)
    return EditionArticle(article=codec.load(file), folder=file.parent.absolute())


def _json_type(value: object) -> str:
    return codec._json_type(value)


def _prefixed(problems: Iterable[Problem], prefix: str) -> list[Problem]:
    return [Problem(codec._join(prefix, problem.path), problem.message) for problem in problems]


# --- reading ----------------------------------------------------------------------

#: One article found: the entry, the real path of its file (when read from one)
#: and how the edition names it (for notes).
_Found: TypeAlias = tuple[EditionArticle, str | None, str | None]


class _Collector:
    """Gathers an edition's articles: reads article files, drops duplicates, keeps problems.

    *base_dir* is the edition's folder. Paths named in JSON must stay inside it,
    and the folders of the files they name are kept relative to it; paths given
    in Python may be anywhere, and their folders are kept absolute.
    """

    def __init__(self, base_dir: str | os.PathLike[str] | None) -> None:
        self.base_dir = None if base_dir is None else os.path.realpath(base_dir)
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self._files: dict[str, str] = {}
        self._ids: dict[str, str] = {}
        self._entries: dict[EditionArticle, str] = {}

    # lists and sections

    def articles(
        self, values: object, where: str, *, in_json: bool, needed: str
    ) -> tuple[EditionArticle, ...] | None:
        """The entries of an ``articles`` list (``None`` if it is not one or is empty)."""
        if in_json and not isinstance(values, list):
            self.problems.append(Problem(where, f"expected an array, got {_json_type(values)}"))
            return None
        assert isinstance(values, Iterable)
        kept: list[EditionArticle] = []
        count = 0
        for index, value in enumerate(values):
            count += 1
            path = f"{where}[{index}]"
            found = self._json_entry(value, path) if in_json else self._python_entry(value, path)
            if found is not None and self._is_new(*found, path):
                kept.append(found[0])
        if not count:
            self.problems.append(Problem(where, needed))
            return None
        return tuple(kept)

    def json_sections(self, values: object) -> tuple[Section, ...]:
        """The ``sections`` of an edition document."""
        if not isinstance(values, list):
            self.problems.append(
                Problem("sections", f"expected an array, got {_json_type(values)}")
            )
            return ()
        if not values:
            self.problems.append(Problem("sections", "an edition needs at least one section"))
        sections: list[Section] = []
        for index, value in enumerate(values):
            where = f"sections[{index}]"
            if not isinstance(value, dict):
                self.problems.append(
                    Problem(where, f"expected a Section object, got {_json_type(value)}")
                )
                continue
            self.problems.extend(
                Problem(codec._join(where, key), "unknown key (check its spelling)")
                for key in value
                if key not in ("title", "articles")
            )
            self.problems.extend(
                Problem(f"{where}.{key}", "required key is missing")
                for key in ("title", "articles")
                if key not in value
            )
            title = self._title(value.get("title", _ABSENT), f"{where}.title")
            entries: tuple[EditionArticle, ...] | None = ()
            if "articles" in value:
                entries = self.articles(
                    value["articles"],
                    f"{where}.articles",
                    in_json=True,
                    needed="a section needs at least one article",
                )
            section = self._section(title, entries, where)
            if section is not None:
                sections.append(section)
        return tuple(sections)

    def python_sections(self, values: Iterable[SectionSource]) -> tuple[Section, ...]:
        """Sections given in Python: sections, or ``(title, articles)`` pairs."""
        sections: list[Section] = []
        for index, value in enumerate(values):
            title, sources = (value.title, value.articles) if isinstance(value, Section) else value
            where = f"sections[{index}]"
            entries = self.articles(
                sources,
                f"{where}.articles",
                in_json=False,
                needed="a section needs at least one article",
            )
            section = self._section(self._title(title, f"{where}.title"), entries, where)
            if section is not None:
                sections.append(section)
        return tuple(sections)

    def _title(self, value: object, where: str) -> str | None:
        if value is _ABSENT:
            return None
        try:
            title: str = codec._converter().structure(value, str)
            _SECTION_TITLE.check("", title)
        except ValidationError as error:
            self.problems.extend(_prefixed(error.problems, where))
            return None
        return title

    def _section(
        self, title: str | None, entries: tuple[EditionArticle, ...] | None, where: str
    ) -> Section | None:
        if title is None or entries is None:
            return None
        if not entries:
            self.notes.append(
                Problem(where, "every article in this section appears earlier; section left out")
            )
            return None
        return Section(title=title, articles=entries)

    # one entry

    def _json_entry(self, value: object, where: str) -> _Found | None:
        if isinstance(value, dict):
            return self._object_entry(value, where)
        if not isinstance(value, str):
            self.problems.append(
                Problem(
                    where,
                    "expected an article object or a path to an article JSON file,"
                    f" got {_json_type(value)}",
                )
            )
            return None
        resolved = self._inside(value, where, folder=False)
        if resolved is None:
            return None
        target, base = resolved
        folder = Path(os.path.relpath(os.path.dirname(target), base))
        entry = self._read(target, value, where, folder, missing="not found next to the edition")
        return None if entry is None else (entry, target, repr(value))

    def _python_entry(self, value: object, where: str) -> _Found | None:
        if isinstance(value, EditionArticle):
            return value, None, None
        if isinstance(value, Article):
            return EditionArticle(article=value), None, None
        if isinstance(value, (str, os.PathLike)):
            file = os.path.abspath(value)
            shown = os.fspath(value)
            entry = self._read(file, shown, where, Path(file).parent, missing="not found")
            return None if entry is None else (entry, os.path.realpath(file), repr(shown))
        self.problems.append(
            Problem(
                where,
                "expected an EditionArticle, an Article or the path of an article file,"
                f" got {type(value).__name__}",
            )
        )
        return None

    def _object_entry(self, value: dict[str, Any], where: str) -> _Found | None:
        """An inline article, or ``{"folder": ..., "article": {...}}``."""
        if "article" not in value:
            return self._inline(value, where, None)
        unknown = [key for key in value if key not in ("folder", "article")]
        self.problems.extend(
            Problem(codec._join(where, key), "unknown key (check its spelling)") for key in unknown
        )
        folder: Path | None = None
        if "folder" in value:
            folder = self._folder(value["folder"], f"{where}.folder")
            if folder is None:
                return None
        if unknown:
            return None
        return self._inline(value["article"], f"{where}.article", folder)

    def _inline(self, document: object, where: str, folder: Path | None) -> _Found | None:
        try:
            article = codec.structure(document)
        except ValidationError as error:
            self.problems.extend(_prefixed(error.problems, where))
            return None
        return EditionArticle(article=article, folder=folder), None, None

    def _folder(self, value: object, where: str) -> Path | None:
        """A folder named in JSON, relative to the edition's folder."""
        if self.base_dir is None:
            # Without a folder to look in, only the path's form can be checked.
            if not isinstance(value, str):
                self.problems.append(
                    Problem(where, f"expected a folder path, got {_json_type(value)}")
                )
                return None
            problem = _rules.relative_path_problem(value)
            if problem is not None:
                self.problems.append(Problem(where, problem))
                return None
            return Path(os.path.normpath(value))
        resolved = self._inside(value, where, folder=True)
        return None if resolved is None else Path(os.path.relpath(*resolved))

    def _inside(self, value: object, where: str, *, folder: bool) -> tuple[str, str] | None:
        """Resolve a path named in JSON inside the edition's folder: ``(real path, real base)``."""
        if not isinstance(value, str):
            self.problems.append(Problem(where, f"expected a folder path, got {_json_type(value)}"))
            return None
        problem = _rules.relative_path_problem(value)
        if problem is not None:
            self.problems.append(Problem(where, problem))
            return None
        if self.base_dir is None:
            self.problems.append(
                Problem(
                    where,
                    f"{value!r}: a path needs the edition's folder"
                    " (load the edition from its file, or pass base_dir=)",
                )
            )
            return None
        base = self.base_dir
        target = os.path.realpath(os.path.join(base, value))
        if os.path.commonpath([base, target]) != base:
            self.problems.append(
                Problem(where, f"{value!r} leads outside the edition's folder (through a link)")
            )
            return None
        if folder and not os.path.isdir(target):
            self.problems.append(Problem(where, f"{value!r} is not a folder next to the edition"))
            return None
        return target, base

    def _read(
        self, file: str, shown: str, where: str, folder: Path, *, missing: str
    ) -> EditionArticle | None:
        """Load the article file *file* (named *shown* in messages), kept with *folder*."""
        if os.path.isdir(file):
            self.problems.append(
                Problem(where, f"{shown!r} is a folder; name the article's JSON file in it")
            )
            return None
        try:
            data = Path(file).read_bytes()
        except FileNotFoundError:
            self.problems.append(Problem(where, f"{shown!r} {missing}"))
            return None
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.problems.append(Problem(where, f"{shown!r} cannot be read: {reason}"))
            return None
        try:
            value = codec.parse_json(data)
            if isinstance(value, dict) and value.get("type") == "edition":
                self.problems.append(
                    Problem(
                        where, f"{shown!r} is an edition, not an article (editions do not nest)"
                    )
                )
                return None
            article = codec.structure(value)
        except ValidationError as error:
            self.problems.extend(
                Problem(where, f"{shown}: {problem}") for problem in error.problems
            )
            return None
        return EditionArticle(article=article, folder=folder)

    def _is_new(
        self, entry: EditionArticle, file: str | None, shown: str | None, where: str
    ) -> bool:
        """Whether *entry* is not one kept before; a repeat is noted and left out."""
        article_id = entry.article.id
        if file is not None and file in self._files:
            why = f"{shown} is the same file as {self._files[file]}"
        elif article_id is not None and article_id in self._ids:
            why = f"the same id {article_id!r} as {self._ids[article_id]}"
        elif (first := self._entries.setdefault(entry, where)) != where:
            why = f"the same article as {first}"
        else:
            if file is not None:
                self._files[file] = where
            if article_id is not None:
                self._ids[article_id] = where
            return True
        self.notes.append(Problem(where, f"{why}; the article is included once"))
        return False


#: The rule a section's title follows (the model's own).
_SECTION_TITLE: models.Rule = attrs.fields(Section).title.validator  # type: ignore[assignment]


def _report(found: Sequence[Problem], notes: list[Problem] | None) -> None:
    """Hand the notes to the caller's list, or warn when there is none."""
    if notes is not None:
        notes.extend(found)
        return
    for note in found:
        warnings.warn(str(note), DuplicateArticleWarning, stacklevel=4)


def structure_edition(
    value: object,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    notes: list[Problem] | None = None,
) -> Edition:
    """Build an :class:`Edition` from a parsed JSON value.

    Args:
        value: The parsed JSON document.
        base_dir: The edition's folder: article paths and folders are relative
            to it. Without it, an article named by path is an error.
        notes: A list the notes about duplicates left out are appended to;
            without one, each is a :class:`DuplicateArticleWarning`.

    Raises:
        ValidationError: listing every problem with its JSON path.
    """
    if not isinstance(value, dict):
        raise ValidationError(
            [Problem("", f"expected a JSON object holding an edition, got {_json_type(value)}")]
        )
    fields = dict(value)
    problems: list[Problem] = []
    schema = fields.pop("$schema", "")
    if not isinstance(schema, str):
        problems.append(Problem("$schema", f"expected a string, got {_json_type(schema)}"))
    tag = fields.pop("type", "edition")
    if tag != "edition":
        problems.append(Problem("type", f'expected "edition", got {json.dumps(tag)[:40]}'))
    articles = fields.pop("articles", _ABSENT)
    sections = fields.pop("sections", _ABSENT)
    head: Edition | None = None
    try:
        head = codec._converter().structure(fields, Edition)
    except Exception as error:  # noqa: BLE001 - every failure becomes a problem
        problems.extend(codec.problems_of(error))
    collector = _Collector(base_dir)
    entries: tuple[EditionArticle, ...] | None = ()
    parts: tuple[Section, ...] = ()
    if articles is _ABSENT and sections is _ABSENT:
        problems.append(
            Problem("articles", "required key is missing (an edition has articles or sections)")
        )
    elif articles is not _ABSENT and sections is not _ABSENT:
        problems.append(Problem("sections", "an edition has articles or sections, not both"))
    elif articles is not _ABSENT:
        entries = collector.articles(
            articles, "articles", in_json=True, needed="an edition needs at least one article"
        )
    else:
        parts = collector.json_sections(sections)
    problems.extend(collector.problems)
    if problems or head is None or entries is None:
        raise ValidationError(problems)
    _report(collector.notes, notes)
    return attrs.evolve(head, articles=entries, sections=parts)


def loads_edition(
    text: str | bytes,
    *,
    base_dir: str | os.PathLike[str] | None = None,
    source: str | None = None,
    notes: list[Problem] | None = None,
) -> Edition:
    """Load an edition from JSON text (``str``, or UTF-8 ``bytes`` with or without a BOM).

    Args:
        text: The edition document.
        base_dir: The edition's folder, which article paths are relative to.
        source: Names the input in error messages.
        notes: Receives the notes about duplicates (see :func:`structure_edition`).

    Raises:
        ParseError: the text is not JSON this package can read.
        ValidationError: the JSON does not describe a valid edition, or an
            article it names is missing or invalid.
    """
    value = codec.parse_json(text, source=source)
    try:
        return structure_edition(value, base_dir=base_dir, notes=notes)
    except ValidationError as error:
        raise error if source is None else error.with_source(source) from None


def load_edition(path: str | os.PathLike[str], *, notes: list[Problem] | None = None) -> Edition:
    """Load an edition from a JSON file; article paths are relative to the file's folder.

    Raises:
        ParseError: the file is not JSON this package can read.
        ValidationError: the JSON does not describe a valid edition, or an
            article it names is missing or invalid.
        OSError: the edition file cannot be read.
    """
    file = Path(path)
    return loads_edition(
        file.read_bytes(), base_dir=file.parent, source=os.fspath(path), notes=notes
    )


def build_edition(
    *,
    title: str,
    articles: Iterable[ArticleSource] = (),
    sections: Iterable[SectionSource] = (),
    notes: list[Problem] | None = None,
    **metadata: Any,
) -> Edition:
    """Build an edition from articles, entries and article files, dropping duplicates.

    An article file keeps its own folder (absolute) for its images; a bare
    :class:`Article` uses the edition's folder. The same file, the same ``id``
    or the same article and folder given twice is included once, with a note.

    Args:
        title: The edition's title.
        articles: The articles, when the edition has no sections.
        sections: Sections or ``(title, articles)`` pairs, when it has.
        notes: Receives the notes about duplicates; without it, each is a
            :class:`DuplicateArticleWarning`.
        **metadata: The edition's other fields (``subtitle``, ``issued`` ...);
            ``issued`` may also be given as its JSON text (``"2026-12-07"``).

    Raises:
        ValidationError: every problem, each naming the article's place
            (``sections[1].articles[0]``) and, for a file, the file and the
            JSON path inside it.
    """
    collector = _Collector(None)
    given, groups = list(articles), list(sections)
    entries: tuple[EditionArticle, ...] | None = ()
    if given or not groups:
        entries = collector.articles(
            given, "articles", in_json=False, needed="an edition needs at least one article"
        )
    parts = collector.python_sections(groups)
    if isinstance(metadata.get("issued"), str):
        try:
            metadata["issued"] = codec.structure_date(metadata["issued"])
        except ValidationError as error:
            collector.problems[:0] = _prefixed(error.problems, "issued")
    if collector.problems:
        raise ValidationError(collector.problems)
    _report(collector.notes, notes)
    return Edition(title=title, articles=entries or (), sections=parts, **metadata)


# --- writing ----------------------------------------------------------------------


def _entry_json(entry: EditionArticle, where: str, base: str | None) -> dict[str, Any]:
    article = codec.unstructure(entry.article)
    folder = entry.folder
    if folder is None:
        return article
    if folder.is_absolute():
        if base is None:
            raise ValidationError(
                [Problem(f"{where}.folder", f"{os.fspath(folder)!r} is absolute; pass base_dir=")]
            )
        relative = os.path.relpath(os.path.realpath(folder), base)
        if relative == ".." or relative.startswith("../") or os.path.isabs(relative):
            raise ValidationError(
                [
                    Problem(
                        f"{where}.folder",
                        f"{os.fspath(folder)!r} is outside the edition's folder {base!r}",
                    )
                ]
            )
        if relative == ".":
            return article
        folder = Path(relative)
    return {"folder": folder.as_posix(), "article": article}


def unstructure_edition(
    edition: Edition, *, base_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """Turn an edition into canonical JSON values, every article inline.

    An article whose folder is not the edition's is written as
    ``{"folder": ..., "article": {...}}``. Absolute folders are written
    relative to *base_dir* (the folder the edition is written to).

    Raises:
        ValidationError: an absolute folder is not inside *base_dir*.
    """
    attrs.resolve_types(Edition)
    converter = codec._converter()
    result: dict[str, Any] = {"type": "edition"}
    for field in attrs.fields(Edition):
        value = getattr(edition, field.name)
        if field.name in ("articles", "sections") or value is None:
            continue
        result[field.name] = converter.unstructure(value, field.type)
    base = None if base_dir is None else os.path.realpath(base_dir)
    if edition.sections:
        result["sections"] = [
            {
                "title": section.title,
                "articles": [
                    _entry_json(entry, f"sections[{s}].articles[{a}]", base)
                    for a, entry in enumerate(section.articles)
                ],
            }
            for s, section in enumerate(edition.sections)
        ]
    else:
        result["articles"] = [
            _entry_json(entry, f"articles[{a}]", base) for a, entry in enumerate(edition.articles)
        ]
    return result


def dumps_edition(edition: Edition, *, base_dir: str | os.PathLike[str] | None = None) -> str:
    """Write an edition as canonical JSON text, every article inline.

    Raises:
        ValidationError: an absolute folder is not inside *base_dir*.
    """
    value = unstructure_edition(edition, base_dir=base_dir)
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def dump_edition(edition: Edition, path: str | os.PathLike[str]) -> None:
    """Write an edition as canonical JSON to *path* (atomically), every article inline.

    Relative folders are written as they are (relative to the new file's
    folder); absolute ones are made relative to it.

    Raises:
        ValidationError: an absolute folder is not inside the file's folder.
        OSError: the file cannot be written.
    """
    file = Path(path)
    write_atomic(file, dumps_edition(edition, base_dir=file.parent).encode("utf-8"))
