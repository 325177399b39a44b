"""messenger_content: typed news-content models with a strict JSON format and exporters.

Load an article, check it, and render it::

    import messenger_content as mc

    article = mc.load("examples/kardashian-armenian-genocide/article.json")
    html = mc.to_html(article)
"""

from .api import export
from .codec import dump, dumps, load, loads
from .errors import (
    ContentError,
    ExportError,
    ParseError,
    Problem,
    ResourceError,
    ValidationError,
)
from .exporters.html import to_html
from .exporters.markdown import to_markdown
from .exporters.text import to_text
from .models import (
    Article,
    Author,
    Block,
    Code,
    Divider,
    Emphasis,
    Heading,
    Image,
    Inline,
    ItemList,
    LineBreak,
    Link,
    Newsletter,
    Paragraph,
    Publication,
    Quote,
    RelatedLink,
    Strong,
    Text,
)
from .schema import json_schema

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Author",
    "Block",
    "Code",
    "ContentError",
    "Divider",
    "Emphasis",
    "ExportError",
    "Heading",
    "Image",
    "Inline",
    "ItemList",
    "LineBreak",
    "Link",
    "Newsletter",
    "Paragraph",
    "ParseError",
    "Problem",
    "Publication",
    "Quote",
    "RelatedLink",
    "ResourceError",
    "Strong",
    "Text",
    "ValidationError",
    "__version__",
    "dump",
    "dumps",
    "export",
    "json_schema",
    "load",
    "loads",
    "to_html",
    "to_markdown",
    "to_text",
]
