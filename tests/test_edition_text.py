"""Text and Markdown editions: a contents list, then every article in order with its own links."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from hypothesis import given
from lxml import html as lxml_html  # type: ignore[import-untyped,unused-ignore]
from markdown_it import MarkdownIt

import messenger_content as mc
from messenger_content.editions import read_article
from messenger_content.models import Embed, Image
from tests.helpers.editions import EXAMPLES, article_words, generated_article, words
from tests.strategies import editions

MORNING = EXAMPLES / "morning-edition.json"


def _linked(number: int) -> mc.Article:
    return mc.Article(
        headline=f"Linked story {number}",
        body=[
            mc.Paragraph(
                text=(
                    "See ",
                    mc.Link(href=f"https://example.org/story-{number}/a", text="the first"),
                    " and ",
                    mc.Link(href=f"https://example.org/story-{number}/b", text="the second"),
                    ".",
                )
            )
        ],
    )


@pytest.fixture(scope="module")
def generated() -> mc.Edition:
    """Twenty generated articles in five languages, in two sections."""
    articles = [generated_article(number) for number in range(20)]
    return mc.Edition(
        title="Generated",
        language="en",
        sections=[
            mc.Section(title="Evens", articles=articles[0::2]),
            mc.Section(title="Odds", articles=articles[1::2]),
        ],
    )


def _markdown_shown(markdown: str) -> str:
    """What a CommonMark reader shows of *markdown*: its text and images' alt text."""
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    root = lxml_html.fromstring(f"<div>{MarkdownIt('commonmark').render(body)}</div>")
    alts = [image.get("alt") or "" for image in root.iter("img")]
    return " ".join(["".join(root.itertext()), *alts])


def test_every_word_of_every_generated_article_is_in_the_text_and_markdown(
    generated: mc.Edition,
) -> None:
    """Text (at two widths) and Markdown hold every word of every article."""
    text = words(mc.to_text(generated))
    narrow = words(mc.to_text(generated, width=30))
    shown = words(_markdown_shown(mc.to_markdown(generated)))
    for entry in generated.all_articles:
        expected = article_words(entry.article)
        assert not expected - text, entry.article.headline
        assert not expected - narrow, entry.article.headline
        assert not expected - shown, entry.article.headline


def test_every_word_of_the_example_articles_is_in_the_edition() -> None:
    """The morning edition holds every word each article's own text and Markdown hold."""
    edition = mc.load_edition(MORNING)
    text = words(mc.to_text(edition))
    shown = words(_markdown_shown(mc.to_markdown(edition)))
    for entry in edition.all_articles:
        assert not words(mc.to_text(entry.article)) - text, entry.article.headline
        alone = words(_markdown_shown(mc.to_markdown(entry.article)))
        assert not alone - shown, entry.article.headline


def _text_contents(text: str) -> list[str]:
    """The contents block of an edition's text: from "Contents" to the first rule of "#"."""
    block = text.split("\nContents\n", 1)[1].split("\n#", 1)[0]
    return [line for line in block.split("\n")[1:] if line]


def test_text_contents_lists_every_article_in_order(generated: mc.Edition) -> None:
    """The text's contents has each section, then its articles numbered 1 to n in reading order."""
    lines = _text_contents(mc.to_text(generated, width=200))
    expected: list[str] = []
    number = 0
    for section in generated.sections:
        expected.append(section.title)
        for entry in section.articles:
            number += 1
            expected.append(f"  {number:>2}. {entry.article.headline}")
    assert lines == expected


def test_text_articles_follow_the_contents_in_order(generated: mc.Edition) -> None:
    """After the contents, the headlines come in reading order, each once."""
    text = mc.to_text(generated, width=200)
    after = text.split("\nContents\n", 1)[1].split("\n#", 1)[1]
    positions = [after.find(f"\n{entry.article.headline}\n") for entry in generated.all_articles]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_markdown_contents_lists_every_article_in_order(generated: mc.Edition) -> None:
    """The Markdown contents is a list of sections, each with its articles numbered on."""
    markdown = mc.to_markdown(generated)
    tokens = MarkdownIt("commonmark").parse(markdown)
    opening = [index for index, token in enumerate(tokens) if token.type == "heading_open"]
    contents = next(index for index in opening if tokens[index + 1].content == "Contents")
    end = next(index for index in opening if index > contents)
    labels = [token.content for token in tokens[contents + 2 : end] if token.type == "inline"]
    expected: list[str] = []
    for section in generated.sections:
        expected.append(section.title)
        expected += [entry.article.headline for entry in section.articles]
    assert labels == expected
    starts = [
        token.attrGet("start")
        for token in tokens[contents:end]
        if token.type == "ordered_list_open"
    ]
    assert starts == [None, 11]


def test_markdown_articles_follow_in_order_under_their_sections(generated: mc.Edition) -> None:
    """After the contents, level-1 headings are the sections and their articles, in order."""
    tokens = MarkdownIt("commonmark").parse(mc.to_markdown(generated))
    top = [
        tokens[index + 1].content
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h1"
    ]
    expected = [generated.title]
    for section in generated.sections:
        expected.append(section.title)
        expected += [entry.article.headline for entry in section.articles]
    assert top == expected


def test_each_article_keeps_its_own_text_links() -> None:
    """Each article lists only its own link targets, numbered from [1]."""
    edition = mc.Edition(title="Links", articles=[_linked(1), _linked(2)])
    text = mc.to_text(edition)
    first, second = text.split("\nLinked story 2\n", 1)
    assert "[1] https://example.org/story-1/a" in first
    assert "[2] https://example.org/story-1/b" in first
    assert "story-2" not in first.split("Contents", 1)[1]
    assert "[1] https://example.org/story-2/a" in second
    assert "[2] https://example.org/story-2/b" in second
    assert "story-1" not in second


def test_each_article_keeps_its_own_markdown_links() -> None:
    """Each article's links stay in its own part of the Markdown, with its own text."""
    edition = mc.Edition(title="Links", articles=[_linked(1), _linked(2)])
    markdown = mc.to_markdown(edition)
    parts = markdown.split("\n# Linked story ")
    assert len(parts) == 3
    assert "[the first](https://example.org/story-1/a)" in parts[1]
    assert "story-2" not in parts[1]
    assert "[the second](https://example.org/story-2/b)" in parts[2]
    assert "story-1" not in parts[2]


def test_markdown_has_one_front_matter_for_the_edition() -> None:
    """Only the edition's front matter opens the file; articles' front matter is left out."""
    edition = mc.load_edition(MORNING)
    markdown = mc.to_markdown(edition)
    assert markdown.startswith('---\ntitle: "The Morning Edition"\n')
    assert markdown.count("\nlanguage: ") == 1


def test_markdown_images_resolve_from_the_editions_folder() -> None:
    """Every image path in the edition's Markdown names a file next to the edition."""
    edition = mc.load_edition(MORNING)
    markdown = mc.to_markdown(edition)
    sources = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert len(sources) >= 3
    for src in sources:
        assert (EXAMPLES / unquote(src)).is_file(), src


def test_markdown_images_of_absolute_folders_resolve_from_the_given_folder() -> None:
    """An article read from another folder has its images written relative to base_dir."""
    entry = read_article(EXAMPLES / "night-bus-pilot" / "article.json")
    edition = mc.Edition(title="One", articles=[entry])
    markdown = mc.to_markdown(edition, base_dir=EXAMPLES)
    for src in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown):
        assert (EXAMPLES / unquote(src)).is_file(), src


def test_markdown_embed_posters_resolve_from_the_editions_folder() -> None:
    """An embed's poster, like any image, is written relative to the edition's folder."""
    poster = Image(src="night-bus.jpg", alt="The night bus")
    article = mc.Article(
        headline="Watch the pilot", body=[Embed(url="https://video.example/1", poster=poster)]
    )
    edition = mc.Edition(
        title="One", articles=[mc.EditionArticle(folder="night-bus-pilot", article=article)]
    )
    sources = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", mc.to_markdown(edition))
    assert sources == ["night-bus-pilot/night-bus.jpg"]
    assert (EXAMPLES / unquote(sources[0])).is_file()


def test_markdown_embeds_each_articles_images_from_its_own_folder() -> None:
    """With embed_images, each article's images are read from its own folder."""
    edition = mc.load_edition(MORNING)
    markdown = mc.to_markdown(edition, base_dir=EXAMPLES, embed_images=True)
    sources = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)
    assert sources
    assert all(src.startswith("data:image/") for src in sources)


@pytest.mark.parametrize("form", ["text", "markdown"])
def test_output_is_the_same_each_time(form: str, generated: mc.Edition) -> None:
    """The same edition gives the same text each time, ending with one newline."""
    make = mc.to_text if form == "text" else mc.to_markdown
    first = make(generated)
    assert make(generated) == first
    assert first.endswith("\n")
    assert not first.endswith("\n\n")


def test_text_of_an_edition_keeps_to_its_width(generated: mc.Edition) -> None:
    """No line of the title block or the contents is wider than the width asked for."""
    text = mc.to_text(generated, width=40)
    head = text.split("\n#", 1)[0]
    assert max(len(line) for line in head.split("\n")) <= 40


def test_an_edition_refuses_a_width_too_small() -> None:
    """The text of an edition needs the same minimum width as an article's."""
    edition = mc.Edition(title="T", articles=[_linked(1)])
    with pytest.raises(ValueError, match="width"):
        mc.to_text(edition, width=5)


def test_issued_date_is_written_in_the_editions_language() -> None:
    """The date line follows CLDR for the edition's language."""
    from datetime import date

    edition = mc.Edition(title="T", language="de", issued=date(2026, 12, 7), articles=[_linked(1)])
    assert "7. Dezember 2026" in mc.to_text(edition)
    assert "7. Dezember 2026" in _markdown_shown(mc.to_markdown(edition))


@given(editions())
def test_every_valid_edition_renders_the_same_way_twice(edition: mc.Edition) -> None:
    """Any valid edition gives text and Markdown, the same twice, with one contents entry each."""
    text = mc.to_text(edition)
    assert mc.to_text(edition) == text
    markdown = mc.to_markdown(edition)
    assert mc.to_markdown(edition) == markdown
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.DOTALL)
    tokens = MarkdownIt("commonmark").parse(body)
    opening = [index for index, token in enumerate(tokens) if token.type == "heading_open"]
    contents = next(
        index
        for index in opening
        if tokens[index + 2].type == "heading_close" and tokens[index].tag == "h2"
    )
    end = next(index for index in opening if index > contents)
    numbered = [
        token
        for token in tokens[contents:end]
        if token.type == "list_item_open" and token.info.isdigit()
    ]
    assert [int(token.info) for token in numbered] == list(range(1, len(edition.all_articles) + 1))
