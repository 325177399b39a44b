"""messenger_content: typed news-content models with a strict JSON format and exporters.

Load an article, check it, and render it::

    import messenger_content as mc

    article = mc.load("examples/kardashian-armenian-genocide/article.json")
    html = mc.to_html(article)

Several articles make an :class:`Edition` (``load_edition``, ``build_edition``).
IPTC ninjs and schema.org JSON-LD are read and written by ``from_ninjs``,
``to_ninjs``, ``from_jsonld`` and ``to_jsonld`` (:mod:`messenger_content.interchange`).
"""

import importlib
import typing

from .api import export
from .codec import dump, dumps, load, loads
from .editions import (
    DuplicateArticleWarning,
    build_edition,
    dump_edition,
    dumps_edition,
    load_edition,
    loads_edition,
)
from .errors import (
    ContentError,
    ExportError,
    ParseError,
    Problem,
    ResourceError,
    ValidationError,
)
from .models import (
    Article,
    Author,
    Block,
    Code,
    Correction,
    Divider,
    Edition,
    EditionArticle,
    Embed,
    Emphasis,
    Heading,
    Image,
    Inline,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Preformatted,
    Publication,
    Quote,
    RelatedLink,
    Section,
    Strong,
    Table,
    Text,
)

if typing.TYPE_CHECKING:
    from .exporters.epub import to_epub
    from .exporters.html import to_html
    from .exporters.markdown import to_markdown
    from .exporters.pdf import to_pdf
    from .exporters.text import to_text
    from .interchange import Imported, from_jsonld, from_ninjs, to_jsonld, to_ninjs
    from .interchange.web import from_html
    from .schema import edition_json_schema, json_schema

__version__ = "0.1.0"

# Exporters are imported on first use: PDF and EPUB pull in WeasyPrint and
# ebooklib, and a program that only loads JSON should not pay for Jinja2 either.
# The schema is built from the models by introspection (ast, inspect), which a
# conversion never needs. The interchange formats read HTML with lxml (and from_html
# trafilatura when called).
_LAZY = {
    "Imported": ".interchange",
    "edition_json_schema": ".schema",
    "from_html": ".interchange.web",
    "from_jsonld": ".interchange",
    "from_ninjs": ".interchange",
    "json_schema": ".schema",
    "to_epub": ".exporters.epub",
    "to_html": ".exporters.html",
    "to_markdown": ".exporters.markdown",
    "to_pdf": ".exporters.pdf",
    "to_jsonld": ".interchange",
    "to_ninjs": ".interchange",
    "to_text": ".exporters.text",
}


def __getattr__(name: str) -> typing.Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Article",
    "Author",
    "Block",
    "Code",
    "ContentError",
    "Correction",
    "Divider",
    "DuplicateArticleWarning",
    "Edition",
    "EditionArticle",
    "Embed",
    "Emphasis",
    "ExportError",
    "Heading",
    "Image",
    "Imported",
    "Inline",
    "ItemList",
    "LineBreak",
    "Link",
    "Newsletter",
    "Paragraph",
    "ParseError",
    "Preformatted",
    "Problem",
    "Publication",
    "Quote",
    "RelatedLink",
    "ResourceError",
    "Section",
    "Strong",
    "Table",
    "Text",
    "ValidationError",
    "__version__",
    "build_edition",
    "dump",
    "dump_edition",
    "dumps",
    "dumps_edition",
    "edition_json_schema",
    "export",
    "from_html",
    "from_jsonld",
    "from_ninjs",
    "json_schema",
    "load",
    "load_edition",
    "loads",
    "loads_edition",
    "to_epub",
    "to_html",
    "to_jsonld",
    "to_markdown",
    "to_ninjs",
    "to_pdf",
    "to_text",
]
