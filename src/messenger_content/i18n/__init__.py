"""World-ready wording: labels from gettext catalogs, dates, lists and numbers from CLDR.

Everything an exporter writes around an article's own text speaks the
article's language:

- :func:`labels_for` gives a :class:`Labels` of whole phrases with
  placeholders (``"Published {date}"``, ``"بقلم {authors}"``), read from the
  ``.po`` catalogs in ``locales/`` along :func:`fallback_chain`, with the
  caller's overrides; English phrases standing in for a missing catalog say
  so (:meth:`Labels.lang`);
- :func:`format_date` writes a date and time with CLDR's patterns, in the
  value's own offset (:func:`format_day` the day alone); :func:`join_list`
  and :func:`format_list` join names with CLDR's list patterns;
  :func:`format_number` writes numbers.

Babel is imported on first use, so importing this package is cheap. The
machine-readable forms (RFC 3339) are not made here.
"""

from __future__ import annotations

from ._locales import fallback_chain, locale_for, normalize
from .formats import (
    format_date,
    format_day,
    format_list,
    format_number,
    join_list,
    localize_digits,
)
from .labels import LABEL_KEYS, Labels, catalog_language, labels_for

__all__ = [
    "LABEL_KEYS",
    "Labels",
    "catalog_language",
    "fallback_chain",
    "format_date",
    "format_day",
    "format_list",
    "format_number",
    "join_list",
    "labels_for",
    "locale_for",
    "localize_digits",
    "normalize",
]
