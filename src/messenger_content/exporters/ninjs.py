"""``-t ninjs``: an article as an IPTC ninjs 3.1 news item, in JSON text.

The mapping is :func:`messenger_content.interchange.to_ninjs` (see
docs/interchange.md); this module writes it as the package writes its own
JSON: 2-space indent, characters as they are (not escaped), keys in the order
written, a final newline.
"""

from __future__ import annotations

import json

from ..errors import ExportError
from ..models import Article, Edition

__all__ = ["to_ninjs_text"]


def to_ninjs_text(article: Article | Edition) -> str:
    """*article* as a ninjs 3.1 document, JSON text.

    Raises:
        ExportError: *article* is an edition: a ninjs item is one story (write
            an edition as ``json`` or ``jsonld``).
    """
    if isinstance(article, Edition):
        raise ExportError(
            "ninjs holds one news item, not an edition; write an edition as json or jsonld"
        )
    from ..interchange import to_ninjs

    return json.dumps(to_ninjs(article), ensure_ascii=False, indent=2) + "\n"
