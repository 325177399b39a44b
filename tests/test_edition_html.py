"""An edition as one HTML page: contents linked to anchors, each article its own ``<article>``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import lxml.html
import pytest

import messenger_content as mc
from messenger_content.editions import read_article
from messenger_content.exporters.editions.html import to_html as edition_to_html
from tests.helpers.checkers import Page, describe_axe, missing_tools, run_axe
from tests.helpers.edition_pages import ARABIC, MORNING, missing_words, two_folder_edition
from tests.validators import describe_vnu, run_vnu, vnu_problems


def _morning() -> mc.Edition:
    return mc.load_edition(MORNING)


def _mixed() -> mc.Edition:
    """The morning edition's articles and an Arabic one, without sections."""
    morning = _morning()
    return mc.Edition(
        title="Mixed",
        language="en",
        articles=[
            *(mc.EditionArticle(article=e.article, folder=MORNING.parent / e.folder)
              if e.folder is not None else e for e in morning.all_articles),
            mc.EditionArticle(article=mc.load(ARABIC), folder=ARABIC.parent),
        ],
    )  # fmt: skip


def _tree(html: str) -> Any:
    return lxml.html.fromstring(html)


def test_page_holds_header_contents_and_every_article_in_main() -> None:
    """<main> holds the header, a <nav> of contents, then one <article> per article."""
    tree = _tree(mc.to_html(_morning(), base_dir=MORNING.parent))
    main = tree.find(".//main")
    assert main.find("header").findtext("h1") == "The Morning Edition"
    assert main.find("nav") is not None
    headlines = [h.text_content() for h in main.find_class("headline")]
    assert headlines == [e.article.headline for e in _morning().all_articles]


def test_contents_lists_sections_then_articles_linked_to_their_places() -> None:
    """Each contents link points at an id on the page, sections then articles in order."""
    tree = _tree(mc.to_html(_morning(), base_dir=MORNING.parent))
    nav = tree.find(".//nav")
    sections = nav.findall("ol/li")
    assert [li.find("a").text_content() for li in sections] == ["City", "World"]
    ids = set(tree.xpath("//@id"))
    for link in nav.iterfind(".//a"):
        assert link.get("href")[1:] in ids
    first = sections[1].find("ol/li/a")
    target = tree.get_element_by_id(first.get("href")[1:])
    assert target.find_class("headline")[0].text_content() == first.text_content()


def test_ids_are_unique_and_in_page_links_stay_within_their_article(tmp_path: Path) -> None:
    """Two articles with the same heading get distinct ids; each links to its own heading."""
    edition = mc.load_edition(two_folder_edition(tmp_path))
    tree = _tree(mc.to_html(edition, base_dir=tmp_path))
    ids = Counter(tree.xpath("//@id"))
    assert all(count == 1 for count in ids.values()), ids
    for number, article in enumerate(tree.iterfind(".//article"), start=1):
        heading = article.find(".//h3")
        link = [a for a in article.iterfind(".//a") if a.text_content() == "A heading"]
        assert heading.get("id") == f"a{number}-a-heading"
        assert [a.get("href") for a in link] == [f"#a{number}-a-heading"]


def test_each_article_keeps_its_language_and_direction() -> None:
    """The Armenian article is lang=hy, the Arabic one right to left, the page en."""
    tree = _tree(mc.to_html(_mixed()))
    assert tree.get("lang") == "en"
    found = {a.get("lang"): a.get("dir") for a in tree.iterfind(".//article")}
    assert found["hy"] == "ltr"
    assert found[mc.load(ARABIC).language] == "rtl"


def test_json_ld_is_an_item_list_of_news_articles() -> None:
    """The JSON-LD lists every article, in order, as a NewsArticle."""
    tree = _tree(mc.to_html(_morning(), base_dir=MORNING.parent))
    data = json.loads(tree.find(".//script[@type='application/ld+json']").text)
    assert data["@type"] == "ItemList"
    assert data["numberOfItems"] == 4
    items = data["itemListElement"]
    assert [i["position"] for i in items] == [1, 2, 3, 4]
    assert {i["item"]["@type"] for i in items} == {"NewsArticle"}
    assert [i["item"]["headline"] for i in items] == [
        e.article.headline for e in _morning().all_articles
    ]


def test_every_word_of_every_article_is_on_the_page() -> None:
    """No article loses a word in the edition page."""
    edition = _mixed()
    text = _tree(mc.to_html(edition)).text_content()
    for entry in edition.all_articles:
        assert missing_words(entry.article, text) == set(), entry.article.headline


def test_rebuilds_are_identical() -> None:
    """The same edition gives the same page."""
    assert mc.to_html(_morning(), base_dir=MORNING.parent) == mc.to_html(
        _morning(), base_dir=MORNING.parent
    )


def test_images_are_read_from_each_article_folder() -> None:
    """Embedded, every article's images come from its own folder (none is missing)."""
    tree = _tree(mc.to_html(_morning(), base_dir=MORNING.parent, embed_images=True))
    sources = [img.get("src") for img in tree.iterfind(".//img")]
    assert sources
    assert all(src.startswith("data:image/") for src in sources)


@pytest.mark.parametrize(
    ("name", "base_dir"),
    [("morning", MORNING.parent), ("another folder", MORNING.parent / "yerevan-book-fair")],
)
def test_images_named_by_their_sources_resolve_from_the_editions_folder(
    name: str, base_dir: Path
) -> None:
    """Without an image option, each article's image sources are written from base_dir."""
    edition = _morning()
    if name == "another folder":  # read from a folder beside base_dir: ../night-bus-pilot/
        entry = read_article(MORNING.parent / "night-bus-pilot" / "article.json")
        edition = mc.Edition(title="One", articles=[entry])
    found = [img.get("src") for img in _tree(mc.to_html(edition, base_dir=base_dir)).iter("img")]
    sources = [src for src in found if not src.startswith("data:")]
    assert len(sources) >= 2, found
    for src in sources:
        assert (base_dir / unquote(src)).is_file(), src


@pytest.mark.parametrize("same", [True, False])
def test_copy_mode_copies_a_shared_image_once(tmp_path: Path, same: bool) -> None:
    """Written as a file, the same photo used twice is copied once; different photos twice."""
    source = tmp_path / "in"
    edition = mc.load_edition(two_folder_edition(source, same_photo=same))
    out = mc.export(edition, tmp_path / "out" / "page.html", base_dir=source)
    copied = sorted((tmp_path / "out" / "page_files").iterdir())
    assert len(copied) == (1 if same else 2)
    tree = _tree(out.read_text(encoding="utf-8"))
    for img in tree.iterfind(".//img"):
        assert (out.parent / img.get("src")).is_file()


def test_fragment_of_an_edition_is_refused() -> None:
    """An edition is a whole page: fragment=True raises."""
    with pytest.raises(ValueError, match="whole page"):
        mc.to_html(_morning(), fragment=True, base_dir=MORNING.parent)


def test_two_image_options_are_refused() -> None:
    """embed_images and image_base together raise, as for an article."""
    with pytest.raises(ValueError, match="choose one"):
        edition_to_html(_morning(), embed_images=True, image_base="https://cdn.example/")


@pytest.mark.slow
def test_vnu_finds_no_error_or_warning(tmp_path: Path) -> None:
    """vnu: 0 errors on the screen, embedded and print pages, sections or none, RTL included."""
    documents = {
        "morning.html": mc.to_html(_morning(), base_dir=MORNING.parent),
        "embedded.html": mc.to_html(_morning(), base_dir=MORNING.parent, embed_images=True),
        "print.html": mc.to_html(
            _morning(), base_dir=MORNING.parent, media="print", stylesheet_href="print.css"
        ),
        "mixed.html": mc.to_html(_mixed()),
        "two.html": mc.to_html(
            mc.load_edition(two_folder_edition(tmp_path / "two")), base_dir=tmp_path / "two"
        ),
    }
    folder = tmp_path / "vnu"
    folder.mkdir()
    messages = run_vnu(documents, folder)
    for name, found in messages.items():
        assert vnu_problems(found) == [], f"{name}:\n{describe_vnu(found)}"


@pytest.mark.slow
@pytest.mark.skipif(missing_tools("axe") is not None, reason=str(missing_tools("axe")))
def test_axe_reports_no_violation(tmp_path: Path) -> None:
    """axe-core finds nothing on the edition page, light and dark."""
    page = tmp_path / "edition.html"
    page.write_text(mc.to_html(_mixed(), embed_images=True), encoding="utf-8")
    violations = run_axe({"light": Page(path=page), "dark": Page(path=page, color_scheme="dark")})
    for name, found in violations.items():
        assert found == [], f"{name}: {describe_axe(found)}"


def test_cover_image_is_read_from_the_edition_folder(tmp_path: Path) -> None:
    """The edition's cover image, relative to the edition's folder, is on the title page."""
    source = tmp_path / "in"
    edition_file = two_folder_edition(source, cover="story-1/photo.jpg")
    tree = _tree(mc.to_html(mc.load_edition(edition_file), base_dir=source, embed_images=True))
    cover = tree.find(".//header[@class='edition-header']//img")
    assert cover.get("alt") == "The cover"
    assert cover.get("src").startswith("data:image/jpeg")
