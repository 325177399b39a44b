"""``-t json``: this package's own format, as canonical JSON text.

An article is written as :func:`messenger_content.dumps` writes it, an edition
as :func:`messenger_content.dumps_edition` (every article inline). It is how an
imported ninjs item, JSON-LD document or web page is saved as an article.
"""

from __future__ import annotations

from ..models import Article, Edition

__all__ = ["to_json"]


def to_json(article: Article | Edition) -> str:
    """*article* (or an edition) as canonical JSON text: 2-space indent, UTF-8, final newline.

    Raises:
        ValidationError: an edition article's folder is absolute (write an edition
            with :func:`~messenger_content.dump_edition`, which makes it relative).
    """
    if isinstance(article, Edition):
        from ..editions import dumps_edition

        return dumps_edition(article)
    from ..codec import dumps

    return dumps(article)
