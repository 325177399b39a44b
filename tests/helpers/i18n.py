"""The languages the project ships label catalogs for, and the words they share with English."""

from __future__ import annotations

#: The languages of issue #15, each with a catalog.
LANGUAGES = (
    "en", "hy", "ar", "he", "fa", "fr", "de", "es", "it", "pt",
    "ru", "uk", "tr", "el", "ka", "zh-Hans", "zh-Hant", "ja", "ko", "hi",
)  # fmt: skip

#: Labels whose word a language shares with English because it is that
#: language's own word on news sites: German, Italian and Portuguese say
#: "Newsletter", French "image", Brazilian Portuguese "links".
LOANWORDS = {
    "newsletter": {"de", "it", "pt"},
    "image": {"fr"},
    "image_alt": {"fr"},
    "links": {"pt"},
}
