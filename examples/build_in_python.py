"""Build an article in Python code and export it to HTML, Markdown and plain text.

Every part of a news page is a typed, immutable model; the article checks its
own rules as it is built (a ``javascript:`` link or an empty paragraph raises
``mc.ValidationError`` at once), and every exporter renders every part.

Run: ``.venv/bin/python examples/build_in_python.py [OUT_DIR]`` (default ``out/``).
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import messenger_content as mc

#: The photo used below lives next to another example article.
IMAGES = Path(__file__).resolve().parent / "night-bus-pilot"


def build() -> mc.Article:
    """The article, written as code."""
    return mc.Article(
        id="riverside-library-reopens",
        headline="Riverside library reopens after two-year rebuild",
        subheadline="Longer hours, a makerspace and a reading room on the roof",
        language="en-GB",
        publication=mc.Publication(name="The Harbourton Courier", slogan="Local news."),
        authors=[mc.Author(name="Priya Natarajan", role="Community Reporter")],
        published=datetime(2025, 4, 2, 8, 30, tzinfo=timezone.utc),
        section="Community",
        tags=["libraries", "Riverside"],
        body=[
            mc.Paragraph(
                text=[
                    "The library on Quay Street opened its doors on ",
                    mc.Strong(text="Wednesday"),
                    " for the first time since the ",
                    mc.Link(href="https://example.org/flood", text="2023 flood"),
                    ".",
                ]
            ),
            mc.Quote(
                text="We built it for the people who kept asking when it would be back.",
                attribution="Head librarian Tomás Ferreira",
                style="pull",
            ),
            mc.Heading(text="What is new"),
            mc.ItemList(
                items=[
                    "Open until 9 pm on weekdays",
                    ["A makerspace with ", mc.Code(text="3D"), " printers"],
                    "A roof-top reading room",
                ]
            ),
            mc.Image(
                src="depot.jpg",
                alt="A brick building at dusk with its lights on",
                caption=[mc.Emphasis(text="Stand-in photo"), " from the examples folder"],
                credit="Courier staff",
            ),
            mc.RelatedLink(
                title="How the flood closed the library", url="https://example.org/flood"
            ),
            mc.Divider(),
            mc.Newsletter(
                title="Courier Mornings",
                description="Local news in your inbox at 7 am.",
                signup_url="https://example.org/signup",
            ),
        ],
    )


def main() -> None:
    """Build the article, show its JSON round trip, and write three formats."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
    article = build()
    assert mc.loads(mc.dumps(article)) == article  # the JSON format keeps everything
    mc.dump(article, out / "riverside-library-reopens.json")
    written = [
        # Images are read from IMAGES; "embed" makes one self-contained HTML file, and
        # Markdown gets a copy of them beside it, in riverside_files/.
        mc.export(article, out / "riverside.html", base_dir=IMAGES, images="embed"),
        mc.export(article, out / "riverside.md", base_dir=IMAGES),
        mc.export(article, out / "riverside.txt", width=66),
    ]
    try:
        mc.Paragraph(text=[mc.Link(href="javascript:alert(1)", text="click")])
    except mc.ValidationError as error:
        print(f"refused as expected: {error}")
    for path in written:
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
