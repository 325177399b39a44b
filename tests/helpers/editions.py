"""Editions for tests of the EPUB, text and Markdown editions: generated articles, images, words."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image as PILImage

import messenger_content as mc

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples"

_WORD = re.compile(r"\w+")

#: Words in several scripts, one list per language; generated articles draw from them.
_VOCABULARY: dict[str, tuple[str, ...]] = {
    "en": ("harbour", "council", "ferry", "night", "market", "river", "bridge"),
    "ar": ("مدينة", "ميناء", "سوق", "نهر", "جسر", "ليل", "مجلس"),
    "hy": ("քաղաք", "նավահանգիստ", "շուկա", "գետ", "կամուրջ", "գիշեր", "խորհուրդ"),
    "de": ("Hafen", "Stadtrat", "Fähre", "Nacht", "Markt", "Fluss", "Brücke"),
    "he": ("עיר", "נמל", "שוק", "נהר", "גשר", "לילה", "מועצה"),
}


def words(text: str) -> set[str]:
    """The words of *text* (runs of letters, digits and underscores), case folded."""
    return {word.casefold() for word in _WORD.findall(text)}


def write_images(folder: Path, count: int) -> list[str]:
    """Write *count* small PNGs of distinct colours into *folder*; return their names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(count):
        name = f"picture-{number}.png"
        colour = (number * 37 % 256, number * 91 % 256, number // 256 * 60 % 256)
        PILImage.new("RGB", (48, 32), colour).save(folder / name)
        names.append(name)
    return names


def generated_article(number: int, image: str | None = None) -> mc.Article:
    """An article whose every word is unique to it (``w<number>x...``), in one of five languages.

    It has a subheadline, an author, nested headings, a list, a quote, a link
    and, given *image*, an image with alt text and a caption.
    """
    languages = list(_VOCABULARY)
    language = languages[number % len(languages)]
    vocabulary = _VOCABULARY[language]

    def phrase(part: str, length: int = 6) -> str:
        chosen = [vocabulary[(number + index) % len(vocabulary)] for index in range(length)]
        return " ".join([f"w{number}{part}", *chosen])

    body: list[mc.Block] = [
        mc.Paragraph(
            text=(
                phrase("intro", 12),
                " ",
                mc.Link(href=f"https://example.org/{number}", text=f"w{number}link"),
                ".",
            )
        ),
        mc.Heading(level=2, text=phrase("first")),
        mc.Paragraph(text=phrase("body", 20)),
        mc.Heading(level=3, text=phrase("sub")),
        mc.ItemList(items=[phrase("itemone", 3), phrase("itemtwo", 3)]),
        mc.Quote(text=phrase("quote"), attribution=f"w{number}speaker"),
        mc.Heading(level=2, text=phrase("second")),
        mc.Paragraph(text=phrase("end", 9)),
    ]
    if image is not None:
        body.insert(3, mc.Image(src=image, alt=phrase("alt", 3), caption=phrase("caption", 3)))
    return mc.Article(
        headline=phrase("headline", 4),
        subheadline=phrase("deck", 5),
        language=language,
        authors=[mc.Author(name=f"Reporter {number % 7}")],
        body=body,
    )


def article_words(article: mc.Article) -> set[str]:
    """Every word of a generated article's text (not its link targets)."""
    parts: list[str] = [article.headline, article.subheadline or ""]
    parts += [author.name for author in article.authors]

    def text(value: mc.Text) -> str:
        pieces = []
        for item in value:
            if isinstance(item, str):
                pieces.append(item)
            elif isinstance(item, mc.Link) and item.text is not None:
                pieces.append(text(item.text))
        return "".join(pieces)

    for block in article.body:
        match block:
            case mc.Paragraph() | mc.Heading():
                parts.append(text(block.text))
            case mc.ItemList():
                parts += [text(item) for item in block.items]
            case mc.Quote():
                parts += [text(block.text), block.attribution or ""]
            case mc.Image():
                parts += [text(block.caption or ()), block.alt or ""]
            case _:
                pass
    return words(" ".join(parts))
