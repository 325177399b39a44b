"""Interchange formats: IPTC ninjs and schema.org JSON-LD, and HTML turned into blocks.

Each import returns an :class:`Imported` pair, ``(article, warnings)``: the
article is valid by the models' rules, and ``warnings`` names, as
:class:`~messenger_content.Problem` values with the path of the input value,
everything that was dropped or changed on the way (a field the model cannot
carry yet, a ``javascript:`` link, a date without an offset read as UTC). Input
that cannot become an article at all raises a
:class:`~messenger_content.ContentError`.

A saved web page is read by :func:`from_html` (the ``web`` extra: trafilatura).

Example::

    from messenger_content.interchange import from_ninjs, to_ninjs

    article, warnings = from_ninjs(json.loads(text))
    document = to_ninjs(article)
"""

from ._common import Imported, detect
from .html_blocks import Converted, html_to_blocks
from .jsonld import from_jsonld, to_jsonld
from .ninjs import from_ninjs, to_ninjs
from .web import from_html, load_page

__all__ = [
    "Converted",
    "Imported",
    "detect",
    "from_html",
    "from_jsonld",
    "from_ninjs",
    "html_to_blocks",
    "load_page",
    "to_jsonld",
    "to_ninjs",
]
