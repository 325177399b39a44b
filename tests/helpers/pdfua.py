"""The machine-checkable checkpoints of PDF/UA-1 (the Matterhorn Protocol), read with pypdf.

Each ``check_*`` function looks at one checkpoint of a parsed PDF and returns
its problems as sentences (an empty list: the checkpoint holds), so a test can
assert on each one alone and show what is wrong:

- :func:`check_structure`: a ``/StructTreeRoot`` with a ``/RoleMap``, and every
  structure type standard or mapped to a standard one (Matterhorn 01, 02);
- :func:`check_marked`: ``/MarkInfo /Marked true`` (ISO 14289-1, 7.1);
- :func:`check_language`: the document's ``/Lang`` (11);
- :func:`check_title`: ``/DisplayDocTitle true`` and an XMP ``dc:title`` (06, 07);
- :func:`check_tab_order`: ``/Tabs /S`` on every page (28);
- :func:`check_figures`: ``/Alt`` on every ``Figure`` (13);
- :func:`check_fonts`: every font embedded, with a ``/ToUnicode`` map (31);
- :func:`check_headings`: numbered headings start at ``H1`` and skip no level (14).

:func:`structure_elements` lists the tree in reading order, with the ``/Lang``
of each element, for checks on passages in another language (11).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from typing import Any

import attrs
from pypdf import PdfReader
from pypdf.generic import ArrayObject, BooleanObject, DictionaryObject, IndirectObject

__all__ = [
    "STANDARD_TYPES",
    "Element",
    "check_figures",
    "check_fonts",
    "check_headings",
    "check_language",
    "check_marked",
    "check_structure",
    "check_tab_order",
    "check_title",
    "read",
    "structure_elements",
]

#: The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), which need no mapping.
STANDARD_TYPES = frozenset(
    {
        "/Document",
        "/Part",
        "/Art",
        "/Sect",
        "/Div",
        "/BlockQuote",
        "/Caption",
        "/TOC",
        "/TOCI",
        "/Index",
        "/NonStruct",
        "/Private",
        "/P",
        "/H",
        "/H1",
        "/H2",
        "/H3",
        "/H4",
        "/H5",
        "/H6",
        "/L",
        "/LI",
        "/Lbl",
        "/LBody",
        "/Table",
        "/TR",
        "/TH",
        "/TD",
        "/THead",
        "/TBody",
        "/TFoot",
        "/Span",
        "/Quote",
        "/Note",
        "/Reference",
        "/BibEntry",
        "/Code",
        "/Link",
        "/Annot",
        "/Ruby",
        "/RB",
        "/RT",
        "/RP",
        "/Warichu",
        "/WT",
        "/WP",
        "/Figure",
        "/Formula",
        "/Form",
    }
)


def read(pdf: bytes) -> PdfReader:
    """Parse a PDF's bytes."""
    return PdfReader(io.BytesIO(pdf))


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _is_true(value: Any) -> bool:
    return isinstance(value, BooleanObject) and value.value is True


@attrs.frozen(kw_only=True)
class Element:
    """One structure element, as :func:`structure_elements` lists it."""

    type: str
    """Its structure type (``/P``, ``/H2``, ``/Figure`` ...)."""
    lang: str | None
    """Its own ``/Lang``, if it has one."""
    alt: str | None
    """Its ``/Alt``, if it has one."""
    depth: int
    """How deep in the tree (the ``/Document`` element is at 0)."""


def structure_elements(reader: PdfReader) -> list[Element]:
    """Every structure element, depth first in reading order."""
    root = _resolve(reader.trailer["/Root"])
    tree = _resolve(root.get("/StructTreeRoot"))
    found: list[Element] = []

    def kids(node: DictionaryObject) -> Iterator[DictionaryObject]:
        k = _resolve(node.get("/K"))
        for kid in k if isinstance(k, ArrayObject) else [] if k is None else [k]:
            kid = _resolve(kid)
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                yield kid

    def walk(node: DictionaryObject, depth: int) -> None:
        for kid in kids(node):
            lang, alt = kid.get("/Lang"), kid.get("/Alt")
            found.append(
                Element(
                    type=str(kid["/S"]),
                    lang=None if lang is None else str(lang),
                    alt=None if alt is None else str(alt),
                    depth=depth,
                )
            )
            walk(kid, depth + 1)

    if tree is not None:
        walk(tree, 0)
    return found


def check_structure(reader: PdfReader) -> list[str]:
    """A structure tree with a role map; each type standard or mapped to a standard one."""
    root = _resolve(reader.trailer["/Root"])
    tree = _resolve(root.get("/StructTreeRoot"))
    if tree is None:
        return ["no /StructTreeRoot: the file is not tagged"]
    role_map = _resolve(tree.get("/RoleMap"))
    if not isinstance(role_map, DictionaryObject):
        return ["the structure tree has no /RoleMap"]
    problems = [
        f"standard type {name} is remapped to {target}"
        for name, target in role_map.items()
        if name in STANDARD_TYPES
    ]
    elements = structure_elements(reader)
    if not elements:
        problems.append("the structure tree is empty")
    for kind in sorted({e.type for e in elements} - STANDARD_TYPES):
        if str(role_map.get(kind)) not in STANDARD_TYPES:
            problems.append(f"{kind} is neither standard nor mapped to a standard type")
    return problems


def check_marked(reader: PdfReader) -> list[str]:
    """The catalog says the file is tagged: ``/MarkInfo << /Marked true >>``."""
    mark_info = _resolve(_resolve(reader.trailer["/Root"]).get("/MarkInfo"))
    if mark_info is None or not _is_true(mark_info.get("/Marked")):
        return [f"/MarkInfo is {mark_info!r}, not << /Marked true >>"]
    return []


def check_language(reader: PdfReader, language: str) -> list[str]:
    """The catalog's ``/Lang`` is the article's language."""
    lang = _resolve(reader.trailer["/Root"]).get("/Lang")
    if lang is None or str(lang) == "":
        return ["the document has no /Lang"]
    if str(lang).lower() != language.lower():
        return [f"/Lang is {str(lang)!r}, not {language!r}"]
    return []


def check_title(reader: PdfReader, title: str) -> list[str]:
    """Viewers show the title (``/DisplayDocTitle true``), and the XMP ``dc:title`` is it."""
    problems = []
    preferences = _resolve(_resolve(reader.trailer["/Root"]).get("/ViewerPreferences"))
    if preferences is None or not _is_true(preferences.get("/DisplayDocTitle")):
        problems.append(f"/ViewerPreferences is {preferences!r}, without /DisplayDocTitle true")
    xmp = reader.xmp_metadata
    titles = {} if xmp is None else xmp.dc_title or {}
    if titles.get("x-default") != title:
        problems.append(f"the XMP dc:title is {titles!r}, not {title!r}")
    return problems


def check_tab_order(reader: PdfReader) -> list[str]:
    """Every page moves focus in structure order: ``/Tabs /S``."""
    return [
        f"page {number} has /Tabs {page.get('/Tabs')!r}, not /S"
        for number, page in enumerate(reader.pages, start=1)
        if page.get("/Tabs") != "/S"
    ]


def check_figures(reader: PdfReader) -> list[str]:
    """Every ``Figure`` element has alternative text."""
    return [
        f"Figure #{index} has no /Alt"
        for index, element in enumerate(
            e for e in structure_elements(reader) if e.type == "/Figure"
        )
        if not element.alt
    ]


def _fonts(reader: PdfReader) -> Iterator[tuple[str, DictionaryObject]]:
    """Every font the pages use, with its resource name (form XObjects included)."""
    seen: set[int] = set()

    def from_resources(resources: Any) -> Iterator[tuple[str, DictionaryObject]]:
        resources = _resolve(resources)
        if not isinstance(resources, DictionaryObject):
            return
        for name, font in (_resolve(resources.get("/Font")) or {}).items():
            if id(_resolve(font)) not in seen:
                seen.add(id(_resolve(font)))
                yield str(name), _resolve(font)
        for xobject in (_resolve(resources.get("/XObject")) or {}).values():
            xobject = _resolve(xobject)
            if xobject.get("/Subtype") == "/Form":
                yield from from_resources(xobject.get("/Resources"))

    for page in reader.pages:
        yield from from_resources(page.get("/Resources"))


def check_fonts(reader: PdfReader) -> list[str]:
    """Every font is embedded and maps its glyphs to Unicode (``/ToUnicode``)."""
    problems = []
    for name, font in _fonts(reader):
        base = font.get("/BaseFont", name)
        if "/ToUnicode" not in font:
            problems.append(f"font {base} has no /ToUnicode map")
        if font.get("/Subtype") == "/Type3":
            continue  # its glyphs are drawn by the file itself
        described = _resolve(font["/DescendantFonts"])[0] if "/DescendantFonts" in font else font
        descriptor = _resolve(_resolve(described).get("/FontDescriptor"))
        if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor):
            problems.append(f"font {base} is not embedded")
    if not problems and next(_fonts(reader), None) is None:
        problems.append("no font found on any page")
    return problems


def check_headings(reader: PdfReader) -> list[str]:
    """Numbered headings start at ``H1`` and never skip a level on the way down."""
    levels = [
        int(e.type[2])
        for e in structure_elements(reader)
        if e.type[:2] == "/H" and len(e.type) == 3
    ]
    if not levels:
        return []
    problems = [] if levels[0] == 1 else [f"the first heading is H{levels[0]}, not H1"]
    problems += [
        f"H{after} follows H{before}: a level is skipped"
        for before, after in itertools.pairwise(levels)
        if after > before + 1
    ]
    return problems
