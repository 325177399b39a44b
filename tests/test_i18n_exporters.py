"""Plain text and Markdown in the article's language: labels, CLDR dates and lists, overrides."""

# Phrases in other scripts are the point here, look-alike letters included.
# ruff: noqa: RUF001

from __future__ import annotations

import re

import pytest

from messenger_content import export
from messenger_content.exporters.markdown import to_markdown
from messenger_content.exporters.text import to_text
from messenger_content.i18n import LABEL_KEYS, format_date, labels_for
from messenger_content.models import (
    Article,
    Author,
    Image,
    Link,
    Newsletter,
    Paragraph,
    RelatedLink,
)
from tests.helpers.i18n import (
    DIGITS,
    ENGLISH_WORDS,
    LANGUAGES,
    LOANWORDS,
    PUBLISHED,
    UPDATED,
    cldr_day,
)


def article(language: str, *authors: str) -> Article:
    """An article whose own text holds no English word, with every labelled part."""
    return Article(
        headline="Ani",
        language=language,
        authors=[Author(name=name) for name in authors or ("Ani", "Lilit", "Aram")],
        published=PUBLISHED,
        updated=UPDATED,
        lead_image=Image(src="a.jpg", alt="Ani", credit="AFP"),
        body=[
            Paragraph(text=[Link(href="https://a.example/", text="Ani")]),
            Image(src="b.jpg", credit="AFP"),
            RelatedLink(title="Ani", url="https://a.example/r"),
            Newsletter(title="Ani", signup_url="https://a.example/s"),
        ],
    )


def markdown_lines(markdown: str) -> list[str]:
    """Lines of Markdown with backslash escapes and hard-break backslashes undone."""
    lines = []
    for line in markdown.splitlines():
        line = line.removesuffix("\\")
        lines.append(re.sub(r"\\(.)", r"\1", line))
    return lines


@pytest.mark.parametrize("tag", [tag for tag in LANGUAGES if tag != "en"])
@pytest.mark.parametrize("render", [to_text, to_markdown], ids=["text", "markdown"])
def test_no_english_label(tag: str, render: object) -> None:
    """For each language, neither the text nor the Markdown holds an English label."""
    assert callable(render)
    output = render(article(tag))
    for key, word in ENGLISH_WORDS.items():
        if tag in LOANWORDS.get(key, set()):
            continue
        assert not re.search(word, output), f"{tag}: English {key!r} in\n{output}"


def test_english_has_every_label() -> None:
    """The same article in English shows each English label (so the check above can fail)."""
    output = to_text(article("en")) + to_markdown(article("en"))
    for key, word in ENGLISH_WORDS.items():
        assert re.search(word, output), key


@pytest.mark.parametrize("tag", LANGUAGES)
def test_text_dates_are_cldr_dates(tag: str) -> None:
    """The published line is the language's phrase around Babel's long date, in the own offset."""
    labels = labels_for(tag)
    lines = to_text(article(tag), width=200).splitlines()
    line = labels.format("published", date=format_date(PUBLISHED, tag))
    assert line in lines
    assert cldr_day(tag) in line
    assert "04:00".translate(DIGITS.get(tag, {})) in line  # the article's own offset
    assert labels.format("updated", date=format_date(UPDATED, tag)) in lines


@pytest.mark.parametrize("tag", LANGUAGES)
def test_markdown_dates_are_cldr_dates(tag: str) -> None:
    """The Markdown byline holds the same phrases and CLDR dates as the text."""
    labels = labels_for(tag)
    lines = markdown_lines(to_markdown(article(tag)))
    line = labels.format("published", date=format_date(PUBLISHED, tag))
    assert line in lines
    assert cldr_day(tag) in line


@pytest.mark.parametrize(
    ("tag", "byline"),
    [
        ("en", "By Ani, Lilit, and Aram"),
        ("hy", "Հեղինակներ՝ Ani, Lilit և Aram"),
        ("ru", "Авторы: Ani, Lilit и Aram"),
        ("zh-Hans", "作者：Ani、Lilit和Aram"),
        ("ja", "執筆：Ani、Lilit、Aram"),
        ("ar", "بقلم Ani وLilit وAram"),
    ],
)
def test_authors_joined_by_cldr_lists(tag: str, byline: str) -> None:
    """Several authors take the plural phrase and CLDR's list pattern."""
    assert byline in to_text(article(tag), width=200).splitlines()


def test_one_author_takes_the_singular() -> None:
    """One author takes the singular phrase where the language has one."""
    assert "Автор: Ani" in to_text(article("ru", "Ani")).splitlines()


def test_role_follows_the_language() -> None:
    """A role is set in the language's parentheses (full-width in Chinese)."""
    story = Article(
        headline="標題", language="zh-Hant", authors=[Author(name="林", role="記者")], body=[]
    )
    assert "作者：林（記者）" in to_text(story).splitlines()


@pytest.mark.parametrize(
    ("tag", "names", "by", "published"),
    [
        ("ar", ("ليلى حداد", "سامي"), "بقلم ليلى حداد وسامي", "نُشر في "),
        ("he", ("דנה לוי", "יוסי"), "מאת דנה לוי ויוסי", "פורסם: "),
        ("fa", ("مریم", "علی"), "نویسندگان: مریم و علی", "تاریخ انتشار: "),
    ],
)
def test_right_to_left_lines_in_logical_order(
    tag: str, names: tuple[str, ...], by: str, published: str
) -> None:
    """Right-to-left bylines and date lines start with their own words, names after, no English."""
    text = to_text(article(tag, *names), width=200)
    lines = text.splitlines()
    byline = next(line for line in lines if names[0] in line)
    assert byline == by
    date = next(line for line in lines if line.startswith(published))
    assert date == published + format_date(PUBLISHED, tag)
    assert not re.search("[A-Za-z]{3,}", byline + date.replace("GMT", ""))


def test_language_without_catalog_is_english_throughout() -> None:
    """A Dutch article gets English phrases with English dates, never a mixed line."""
    lines = to_text(article("nl", "Ani"), width=200).splitlines()
    assert "By Ani" in lines
    assert "Published July 28, 2023, 10:05 AM GMT-04:00" in lines


def test_region_finds_its_script() -> None:
    """zh-TW finds the Traditional catalog and zh-CN the Simplified one."""
    assert "發布時間：" in to_text(article("zh-TW"))
    assert "发布时间：" in to_text(article("zh-CN"))


def test_text_labels_in_place() -> None:
    """Image, credit, related link, newsletter button and link list speak the language."""
    text = to_text(article("fr"), width=200)
    for expected in (
        "[Image\u00a0: Ani]",
        "Crédit\u00a0: AFP",
        "Lire aussi\u00a0: Ani <https://a.example/r>",
        "| S’inscrire: <https://a.example/s>",
        "Liens",
    ):
        assert expected in text


def test_markdown_labels_in_place() -> None:
    """Markdown sets the label words of a box in strong emphasis, the rest as given."""
    markdown = to_markdown(article("de"))
    assert "> **Mehr zum Thema:** [Ani](https://a.example/r)" in markdown
    assert "> **Newsletter:** Ani" in markdown
    assert "[**Anmelden**](https://a.example/s)" in markdown
    assert "Bild: AFP" in markdown


def test_explicit_button_label_is_kept() -> None:
    """A newsletter button the article names keeps its words."""
    story = Article(
        headline="X",
        language="fr",
        body=[Newsletter(title="X", signup_url="https://a.example/s", button_label="Go")],
    )
    assert "[**Go**](https://a.example/s)" in to_markdown(story)
    assert "| Go: <https://a.example/s>" in to_text(story)


# --- overrides ---------------------------------------------------------------------


@pytest.mark.parametrize("render", [to_text, to_markdown], ids=["text", "markdown"])
def test_overrides_in_text_and_markdown(render: object) -> None:
    """labels= replaces phrases in both formats."""
    assert callable(render)
    output = render(article("en", "Ani"), labels={"by": "Words: {authors}", "credit": "© {credit}"})
    assert "Words: Ani" in output
    assert "© AFP" in output
    assert "By Ani" not in output


@pytest.mark.parametrize("render", [to_text, to_markdown], ids=["text", "markdown"])
def test_unknown_label_is_an_error(render: object) -> None:
    """An unknown label key is a ValueError naming every known key."""
    assert callable(render)
    with pytest.raises(ValueError, match="unknown label 'byline'") as caught:
        render(article("en"), labels={"byline": "x"})
    assert all(key in str(caught.value) for key in LABEL_KEYS)


def test_export_passes_labels_on() -> None:
    """export() hands labels= to the text and Markdown exporters."""
    for name in ("txt", "md"):
        output = export(article("en"), name, labels={"by": "Words: {authors}"})
        assert isinstance(output, bytes)
        assert "Words: Ani, Lilit, and Aram" in output.decode("utf-8")
