"""Checks of a loaded article beyond the format: its images, and hints for likely mistakes.

The codec (:mod:`messenger_content.codec`) enforces the format itself. A valid
article can still fail to render, or render differently from what its author
meant; these checks look for that, and name each finding by its JSON path:

* :func:`image_problems` reads every image the article names
  (``lead_image.src``, ``publication.logo.src``, ``body[6].src``, an embed's
  ``body[8].poster.src``) under the
  resource policy (:func:`~messenger_content.resources.policy_for`), as the
  exporters would: the file exists, stays inside the article's folder, and is
  an image that decodes within the limits. These are errors.
* :func:`link_hints` finds relative links that look like a host name
  (``www.example.com``, ``example.com/page``) or an email address: they are
  valid relative URLs, but a browser resolves them against the page's own
  address, which is rarely what was meant. These are warnings.
* :func:`publisher_warnings` lists what a publisher would want added: alt text,
  a publication date, authors.

:class:`ArticleCheck` bundles the first two for a conversion: the batch runs it
once per article before rendering any format, so an image error is reported
once, not once per format.

Paths inside inline content count the items of the loaded text, in which
adjacent strings are merged and empty ones dropped; for text written as
canonical JSON (what :func:`~messenger_content.codec.dumps` writes) that is
the index in the file.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import attrs
from typing_extensions import assert_never

from .errors import Problem, ResourceError
from .models import (
    Article,
    Code,
    Divider,
    Edition,
    Embed,
    Emphasis,
    Heading,
    Image,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Quote,
    RelatedLink,
    Strong,
    Table,
    Text,
)
from .resources import Limits, policy_for

__all__ = [
    "ArticleCheck",
    "Findings",
    "edition_image_problems",
    "href_hint",
    "image_problems",
    "images",
    "link_hints",
    "links",
    "publisher_warnings",
]


@attrs.frozen(kw_only=True)
class Findings:
    """What checking one article found."""

    errors: tuple[Problem, ...] = ()
    """Problems that stop the article from being rendered (a missing image...)."""
    warnings: tuple[Problem, ...] = ()
    """Likely mistakes that do not stop it (a link that looks like a host name...)."""


# --- images ------------------------------------------------------------------------------


def images(article: Article) -> Iterator[tuple[str, Image]]:
    """Every image of *article* with the JSON path of its object, in document order."""
    if article.publication is not None and article.publication.logo is not None:
        yield "publication.logo", article.publication.logo
    if article.lead_image is not None:
        yield "lead_image", article.lead_image
    for index, block in enumerate(article.body):
        if isinstance(block, Image):
            yield f"body[{index}]", block
        elif isinstance(block, Embed) and block.poster is not None:
            yield f"body[{index}].poster", block.poster


def _shown(folder: Path) -> str:
    """*folder* as a message shows it: relative to the current folder when inside it."""
    try:
        relative = os.path.relpath(folder)
    except ValueError:  # another drive (Windows)
        return os.fspath(folder)
    return os.fspath(folder) if relative.startswith("..") else relative


#: How a refusal's reason starts when it reads on from the image's name without a colon.
_CONTINUES: Final = ("is ", "not ", "has ", "grew ", "cannot ")


def _image_message(error: ResourceError, folder: str) -> str:
    reason = error.reason.replace("the article's folder", folder)
    shown = error.src if len(error.src) <= 80 else error.src[:77] + "..."
    separator = " " if reason.startswith(_CONTINUES) else ": "
    return f"image {shown!r}{separator}{reason}"


def image_problems(
    article: Article,
    base_dir: str | os.PathLike[str] | None = None,
    *,
    allow_remote: bool = False,
    limits: Limits | None = None,
) -> tuple[Problem, ...]:
    """Read every image of *article* under the resource policy; one problem per refusal.

    Each problem's path is that of the ``src`` (``body[6].src``), and its
    message names the image and the folder, e.g. ``image 'harbor.jpg' not
    found in examples/ferry``. A source named in several places is read once
    and reported once, at the first, with the others listed.

    Args:
        article: The article.
        base_dir: The article's folder (relative sources resolve against it);
            ``None`` for the current folder.
        allow_remote: Fetch http(s) images; otherwise they are refused, as
            the exporters refuse them.
        limits: Caps on bytes, pixels and time; ``None`` for the defaults.
    """
    return _read_images(images(article), base_dir, allow_remote=allow_remote, limits=limits)


def edition_image_problems(
    edition: Edition,
    base_dir: str | os.PathLike[str] | None = None,
    *,
    allow_remote: bool = False,
    limits: Limits | None = None,
) -> tuple[Problem, ...]:
    """:func:`image_problems` for every article of *edition*, each in its own folder, and its cover.

    Each problem's path starts with the article's place in the edition
    (``sections[1].articles[0].lead_image.src``; ``cover_image.src`` for the
    edition's own image), and its message names the folder looked in.

    Args:
        edition: The edition.
        base_dir: The edition's folder (its cover image, and the folders of its
            articles, are relative to it); ``None`` for the current folder.
        allow_remote: Fetch http(s) images; otherwise they are refused.
        limits: Caps on bytes, pixels and time; ``None`` for the defaults.
    """
    from .editions import folder_of

    folder = Path.cwd() if base_dir is None else Path(base_dir)
    problems: list[Problem] = []
    if edition.cover_image is not None:
        cover = [("cover_image", edition.cover_image)]
        problems += _read_images(cover, folder, allow_remote=allow_remote, limits=limits)
    if edition.sections:
        groups = [(f"sections[{i}].articles", s.articles) for i, s in enumerate(edition.sections)]
    else:
        groups = [("articles", edition.articles)]
    for where, entries in groups:
        for index, entry in enumerate(entries):
            found = image_problems(
                entry.article,
                folder_of(entry, folder),
                allow_remote=allow_remote,
                limits=limits,
            )
            problems += (Problem(f"{where}[{index}].{p.path}", p.message) for p in found)
    return tuple(problems)


def _read_images(
    found: Iterable[tuple[str, Image]],
    base_dir: str | os.PathLike[str] | None,
    *,
    allow_remote: bool,
    limits: Limits | None,
) -> tuple[Problem, ...]:
    """Read each image of *found* (JSON path, image) under the policy of *base_dir*."""
    folder = Path.cwd() if base_dir is None else Path(base_dir)
    policy = policy_for(folder, allow_remote, limits)
    shown = _shown(folder)
    places: dict[str, list[str]] = {}
    for path, image in found:
        places.setdefault(image.src, []).append(f"{path}.src")
    problems: list[Problem] = []
    for src, paths in places.items():
        try:
            policy.fetch(src)
        except ResourceError as error:
            message = _image_message(error, shown)
            if len(paths) > 1:
                message += f" (also at {', '.join(paths[1:])})"
            problems.append(Problem(paths[0], message))
    return tuple(problems)


# --- links -------------------------------------------------------------------------------


def _text_links(text: Text, path: str) -> Iterator[tuple[str, str]]:
    for index, item in enumerate(text):
        where = f"{path}[{index}]"
        match item:
            case Link():
                yield f"{where}.href", item.href
                if item.text is not None:
                    yield from _text_links(item.text, f"{where}.text")
            case Emphasis() | Strong():
                yield from _text_links(item.text, f"{where}.text")
            case str() | Code() | LineBreak():
                pass
            case _:
                assert_never(item)


def links(article: Article) -> Iterator[tuple[str, str]]:
    """Every link target of *article* that may be relative, with its JSON path.

    Inline links (``body[2].text[1].href``), quote sources and related stories
    (``body[4].url``), newsletter sign-up addresses, links in image captions,
    table cells (``body[5].rows[1][2][0].href``), embeds' fallback texts and
    corrections, and embeds' addresses (absolute, but listed with the others).
    """
    for path, image in images(article):
        if image.caption is not None:
            yield from _text_links(image.caption, f"{path}.caption")
    for index, block in enumerate(article.body):
        where = f"body[{index}]"
        match block:
            case Paragraph() | Heading():
                yield from _text_links(block.text, f"{where}.text")
            case Quote():
                yield from _text_links(block.text, f"{where}.text")
                if block.url is not None:
                    yield f"{where}.url", block.url
            case ItemList():
                for number, item in enumerate(block.items):
                    yield from _text_links(item, f"{where}.items[{number}]")
            case RelatedLink():
                if block.url is not None:
                    yield f"{where}.url", block.url
            case Newsletter():
                if block.signup_url is not None:
                    yield f"{where}.signup_url", block.signup_url
            case Table():
                if block.caption is not None:
                    yield from _text_links(block.caption, f"{where}.caption")
                for name, rows in (("header_rows", block.header_rows), ("rows", block.rows)):
                    for row_index, row in enumerate(rows):
                        for column, cell in enumerate(row):
                            yield from _text_links(cell, f"{where}.{name}[{row_index}][{column}]")
            case Embed():
                yield f"{where}.url", block.url
                if block.fallback is not None:
                    yield from _text_links(block.fallback, f"{where}.fallback")
            case Image() | Divider() | Preformatted():
                pass  # captions are walked with the other images; verbatim text has no links
            case _:
                assert_never(block)
    for index, correction in enumerate(article.corrections):
        yield from _text_links(correction.text, f"corrections[{index}].text")


#: Suffixes of files a relative link commonly names: ``page.html`` is a file, not a host.
_FILE_SUFFIXES: Final = frozenset(
    {
        "asp", "aspx", "atom", "avif", "cgi", "css", "csv", "doc", "docx", "epub", "gif",
        "gz", "htm", "html", "ics", "jpeg", "jpg", "js", "json", "jsp", "md", "mjs", "mov",
        "mp3", "mp4", "odt", "pdf", "php", "png", "ppt", "pptx", "rss", "rtf", "svg", "txt",
        "vcf", "webm", "webp", "xhtml", "xls", "xlsx", "xml", "zip",
    }
)  # fmt: skip
_LABEL: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_EMAIL: Final = re.compile(r"[^@\s/]+@[^@\s/]+\.[a-z]{2,}")


def _looks_like_host(name: str) -> bool:
    """Whether *name* (the first segment of a relative URL) reads as a host name."""
    labels = name.lower().split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    top = labels[-1]
    return labels[0] == "www" or (top.isalpha() and top not in _FILE_SUFFIXES)


def href_hint(href: str) -> str | None:
    """A warning for a relative link that looks like a host name or an email address.

    ``www.example.com`` and ``example.com/news`` are relative URLs: a browser
    appends them to the page's own address. Returns ``None`` for anything else
    (absolute URLs, ``/paths``, ``#fragments``, ``page.html``).
    """
    parts = urllib.parse.urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.path.startswith(("/", ".")):
        return None
    first = parts.path.split("/", 1)[0]
    if _EMAIL.fullmatch(first.lower()):
        return f"{href!r} is a relative link that looks like an email address; write mailto:{href}"
    if _looks_like_host(first):
        return (
            f"{href!r} is a relative link that looks like a host name; "
            f"write https://{href} for a link to that site"
        )
    return None


def link_hints(article: Article) -> tuple[Problem, ...]:
    """Warnings for relative links that look like a host name or an email address."""
    found: list[Problem] = []
    for path, href in links(article):
        hint = href_hint(href)
        if hint is not None:
            found.append(Problem(path, hint))
    return tuple(found)


# --- publisher warnings ----------------------------------------------------------------


def publisher_warnings(article: Article) -> tuple[Problem, ...]:
    """Things a valid article lacks that a publisher would want: alt text, a date, authors."""
    warnings = [
        Problem(path, "image has no alt text") for path, image in images(article) if not image.alt
    ]
    if article.published is None:
        warnings.append(Problem("published", "no published date"))
    if not article.authors:
        warnings.append(Problem("authors", "no authors"))
    return tuple(warnings)


# --- one check for a conversion --------------------------------------------------------


@attrs.frozen(kw_only=True)
class ArticleCheck:
    """What a conversion checks once per article before rendering it (picklable, for workers).

    Calling it returns the article's :class:`Findings`: image errors (when
    :attr:`images` is set) and link hints as warnings, or as errors when
    :attr:`strict` is set.
    """

    images: bool = True
    """Read every image under the resource policy (:func:`image_problems`)."""
    allow_remote: bool = False
    """Fetch http(s) images rather than refuse them."""
    limits: Limits | None = None
    """Caps on bytes, pixels and time; ``None`` for the defaults."""
    strict: bool = False
    """Turn warnings into errors."""

    def __call__(self, article: Article, base_dir: str | os.PathLike[str] | None) -> Findings:
        """Check *article*, whose relative image sources resolve against *base_dir*."""
        errors = (
            image_problems(article, base_dir, allow_remote=self.allow_remote, limits=self.limits)
            if self.images
            else ()
        )
        warnings = link_hints(article)
        if self.strict:
            return Findings(errors=errors + warnings)
        return Findings(errors=errors, warnings=warnings)
