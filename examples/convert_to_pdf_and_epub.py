"""Convert a JSON article to PDF and EPUB.

Loading checks the whole article first: an invalid one is reported with the
JSON path of every problem and nothing is written. Images are read from the
article's own folder (``base_dir``) and nowhere else; each file is written
atomically, so a failure never leaves a partial file behind.

Run: ``.venv/bin/python examples/convert_to_pdf_and_epub.py [ARTICLE.json] [OUT_DIR]``
(defaults: the Messenger example article, ``out/``). The command line does the
same with ``messenger-content convert ARTICLE.json -t pdf,epub -o OUT_DIR/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import messenger_content as mc

EXAMPLE = Path(__file__).resolve().parent / "kardashian-armenian-genocide" / "article.json"


def convert(source: Path, out: Path) -> list[Path]:
    """Write ``<id>.pdf`` and ``<id>.epub`` for the article in *source* into *out*."""
    article = mc.load(source)
    stem = article.id or source.stem
    return [
        mc.export(article, out / f"{stem}{suffix}", base_dir=source.parent)
        for suffix in (".pdf", ".epub")
    ]


def main() -> int:
    """Convert, and say what was written (or why not)."""
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("out")
    try:
        written = convert(source, out)
    except mc.ContentError as error:  # invalid JSON, a refused image, a rendering failure
        print(error, file=sys.stderr)
        return 2
    except OSError as error:  # the article could not be read, or a file not written
        print(f"{error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
