"""The words an exporter adds around an article's own text, from gettext catalogs.

Each label is a whole phrase with named placeholders (``"Published {date}"``),
so a translation puts the words where its language wants them, right-to-left
languages included: ``"نُشر في {date}"``. The English phrases below are the
catalogs' message ids; each message's context (``msgctxt``) is the label's
key, so two labels may share English words.

Catalogs are the ``.po`` files in ``locales/<tag>/LC_MESSAGES/messages.po``
(``zh_Hans`` for ``zh-Hans``), read with Babel the first time a language is
asked for and kept. A language without a catalog gets the English phrases,
and :meth:`Labels.lang` says so, so a document can mark them ``lang="en"``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Final, TypeVar

import attrs

from ._locales import ENGLISH, fallback_chain

__all__ = ["LABEL_KEYS", "LOCALES", "Labels", "catalog_language", "labels_for"]

_T = TypeVar("_T")

LOCALES: Final = Path(__file__).parent / "locales"
"""The folder holding one ``<tag>/LC_MESSAGES/messages.po`` catalog per language."""

_DOMAIN: Final = "messages"

_META: Final = frozenset({"language", "english"})


@attrs.frozen(kw_only=True)
class Labels:
    """The phrases of one language; each may hold ``{placeholders}`` filled in by the exporter.

    Read a phrase as an attribute (``labels.published``), fill it in with
    :meth:`format` (text) or :meth:`parts` (rich content, such as links in a
    byline), and ask :meth:`lang` whether it is in another language than the
    document's.
    """

    by: str = "By {authors}"
    """The byline of one author: ``By Jane Doe``."""
    by_many: str = "By {authors}"
    """The byline of several authors, joined by CLDR's list pattern."""
    author_role: str = "{name} ({role})"
    """An author with their role, in the byline."""
    published: str = "Published {date}"
    """The publication date and time."""
    updated: str = "Updated {date}"
    """The date and time of the last update."""
    related: str = "Related"
    """Over a related-story box."""
    related_link: str = "Related: {title}"
    """A related story on one line (plain text and Markdown)."""
    topics: str = "Topics"
    """Over the article's tags."""
    newsletter: str = "Newsletter: {title}"
    """Starts a newsletter box where no box can be drawn (Markdown)."""
    email: str = "Email address"
    """Label of the newsletter form's email field."""
    sign_up: str = "Sign up"
    """The newsletter button, when the article does not name it."""
    sign_up_at: str = "Sign up at {url}"
    """The sign-up address where no form can be shown (print)."""
    image: str = "Image"
    """Stands for an image without a text alternative (plain text)."""
    image_alt: str = "Image: {alt}"
    """Stands for an image, with its text alternative (plain text)."""
    credit: str = "Credit: {credit}"
    """Who made an image."""
    links: str = "Links"
    """Over the list of link targets at the end of a plain text."""
    contents: str = "Contents"
    """Heading of a table of contents."""
    cover: str = "Cover"
    """Name of a book's cover page."""
    corrections: str = "Corrections"
    """Heading over the corrections listed at the end of an article."""
    corrected: str = "Corrected {date}"
    """Starts a dated correction."""
    embed_at: str = "View online: {url}"
    """Where embedded content (a video, a post) can be seen, where it cannot be shown."""
    language: str = ENGLISH
    """BCP 47 tag of the catalog the phrases came from (``en`` when none matched)."""
    english: frozenset[str] = frozenset()
    """Keys of phrases that are English standing in for a missing translation."""

    def lang(self, key: str) -> str | None:
        """Return ``"en"`` if the phrase *key* is English standing in for another language."""
        _check_key(key)
        return ENGLISH if key in self.english else None

    def parts(self, key: str, **values: _T) -> tuple[str | _T, ...]:
        """Return the phrase *key* as literal text and the *values* of its placeholders, in order.

        Empty literals are left out. ``parts("by", authors=link)`` gives
        ``("By ", link)`` in English and ``("بقلم ", link)`` in Arabic.

        Raises:
            ValueError: *key* is unknown, or *values* do not name its placeholders.
        """
        _check_key(key)
        template = getattr(self, key)
        pieces = _parse(template)
        names = {piece for piece in pieces if isinstance(piece, _Field)}
        wanted = {field.name for field in names}
        if set(values) != wanted:
            expected = ", ".join(sorted(wanted)) or "none"
            raise ValueError(f"label {key!r} takes the values: {expected}")
        return tuple(
            values[piece.name] if isinstance(piece, _Field) else piece for piece in pieces if piece
        )

    def format(self, key: str, **values: str) -> str:
        """Return the phrase *key* with its placeholders filled in by *values*.

        Raises:
            ValueError: *key* is unknown, or *values* do not name its placeholders.
        """
        return "".join(self.parts(key, **values))


LABEL_KEYS: Final[tuple[str, ...]] = tuple(
    field.name for field in attrs.fields(Labels) if field.name not in _META
)
"""Every label's key, in the order of :class:`Labels`' fields."""

_ENGLISH: Final = Labels()
_MESSAGES: Final[dict[str, str]] = {key: getattr(_ENGLISH, key) for key in LABEL_KEYS}


def _check_key(key: str) -> None:
    if key not in _MESSAGES:
        raise ValueError(f"unknown label {key!r} (known: {', '.join(sorted(_MESSAGES))})")


@attrs.frozen
class _Field:
    """A placeholder in a phrase."""

    name: str


@lru_cache(maxsize=1024)
def _parse(template: str) -> tuple[str | _Field, ...]:
    """Split a phrase into literal text and placeholders (``{{`` and ``}}`` are braces).

    Raises:
        ValueError: the phrase is malformed, or a placeholder is not a plain name.
    """
    pieces: list[str | _Field] = [""]
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if isinstance(pieces[-1], str):
            pieces[-1] += literal  # "{{" ends a literal of its own
        else:
            pieces.append(literal)
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} in {template!r} is not a plain {{name}}")
        pieces.append(_Field(name))
    return tuple(pieces)


def _placeholders(template: str) -> frozenset[str]:
    return frozenset(piece.name for piece in _parse(template) if isinstance(piece, _Field))


def _problem(key: str, phrase: str) -> str | None:
    """Why *phrase* cannot stand for the label *key*, or ``None`` if it can."""
    try:
        found = _placeholders(phrase)
    except ValueError as error:
        return f"label {key!r}: {error}"
    wanted = _placeholders(_MESSAGES[key])
    if found != wanted:
        expected = ", ".join(f"{{{name}}}" for name in sorted(wanted)) or "no placeholder"
        return f"label {key!r} must hold {expected}, got {phrase!r}"
    return None


def _folder_name(tag: str) -> str:
    return tag.replace("-", "_")


@lru_cache(maxsize=1)
def _available() -> frozenset[str]:
    """Tags of the shipped catalogs (``zh-Hans``, not the folder's ``zh_Hans``)."""
    return frozenset(
        path.parent.parent.name.replace("_", "-")
        for path in LOCALES.glob(f"*/LC_MESSAGES/{_DOMAIN}.po")
    )


def catalog_language(language: str) -> str | None:
    """Return the tag of the catalog *language* uses (``zh-TW`` → ``zh-Hant``), or ``None``.

    ``None`` means no catalog matched and the labels are English; a request
    for English itself gives ``"en"``.
    """
    available = _available()
    chain = fallback_chain(language)
    # The chain ends with English for everyone; only English readers have it as their own.
    own = chain if chain[0].split("-")[0] == ENGLISH else chain[:-1]
    for tag in own:
        if tag in available:
            return tag
    return None


def _read_po(source: bytes) -> dict[str, str]:
    """The usable translations of a catalog: untranslated, fuzzy or broken entries are left out."""
    from io import BytesIO

    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(source), domain=_DOMAIN)
    phrases: dict[str, str] = {}
    for key, msgid in _MESSAGES.items():
        message = catalog.get(msgid, context=key)
        if message is None or message.fuzzy or not isinstance(message.string, str):
            continue
        if message.string and _problem(key, message.string) is None:
            phrases[key] = message.string
    return phrases


def _translations(path: Path) -> dict[str, str]:
    """The usable translations of the catalog at *path*, read with Babel."""
    return _read_po(path.read_bytes())


@lru_cache(maxsize=64)
def _catalog(tag: str) -> Labels:
    """Read one catalog; untranslated, fuzzy or broken entries keep the English phrase."""
    phrases = _translations(LOCALES / _folder_name(tag) / "LC_MESSAGES" / f"{_DOMAIN}.po")
    missing = frozenset(_MESSAGES) - frozenset(phrases)
    english = frozenset() if tag == ENGLISH else missing
    return attrs.evolve(_ENGLISH, language=tag, english=english, **phrases)


@lru_cache(maxsize=256)
def _labels(language: str) -> Labels:
    tag = catalog_language(language)
    if tag is None:
        return attrs.evolve(_ENGLISH, english=frozenset(_MESSAGES))
    return _catalog(tag)


def labels_for(language: str, overrides: Mapping[str, str] | None = None) -> Labels:
    """Return the phrases for *language* (a BCP 47 tag), with some replaced by *overrides*.

    The catalog is found along :func:`~messenger_content.i18n.fallback_chain`
    (``zh-Hant-TW`` → ``zh-Hant`` → ``zh-TW`` → ``en``). An overriding phrase
    is taken to be in the document's language and must hold the same
    placeholders as the English one (``{authors}`` for ``by``). Overriding
    ``by`` alone overrides ``by_many`` too.

    Args:
        language: The document's language.
        overrides: Phrases by key (see :data:`LABEL_KEYS`), e.g. ``{"by": "Words by {authors}"}``.

    Raises:
        ValueError: A key of *overrides* names no label (the message lists the
            known keys), or a phrase does not hold the label's placeholders.
    """
    labels = _labels(language)
    if not overrides:
        return labels
    changes: dict[str, str] = {}
    for key, phrase in overrides.items():
        _check_key(key)
        if not isinstance(phrase, str):
            raise ValueError(f"label {key!r} must be a string, got {type(phrase).__name__}")
        problem = _problem(key, phrase)
        if problem is not None:
            raise ValueError(problem)
        changes[key] = phrase
    if "by" in changes and "by_many" not in overrides:
        # One wording for the byline is what a caller who names only "by" means.
        changes["by_many"] = changes["by"]
    return attrs.evolve(labels, **changes, english=labels.english - frozenset(changes))
