"""The image references of a written HTML or Markdown file, shared by both exporters.

A page's ``<img src>`` (or Markdown's ``![alt](src)``) must resolve from where
the file is written. Three ways to make it so (:data:`ImageMode`):

* ``"copy"``: every image is copied into a folder beside the file,
  ``<stem>_files/``, under a name made from its content (the first 16 hex
  digits of its SHA-256 and the suffix of its type, e.g.
  ``3f96dee570885a48.jpg``), and the reference becomes
  ``<stem>_files/<name>``. The HTML and Markdown of one article share the
  folder, and an image is written once however many references it has (a
  batch links other articles' copies to it: :mod:`messenger_content.batch`).
* ``"embed"``: every image becomes a ``data:`` URI inside the file.
* ``"link"``: a relative source is written as given, or joined to a base URL
  (``image_base``) that serves the article's images by the same relative paths.

Every source goes through the resource policy first, whatever the mode.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from .. import urls

if TYPE_CHECKING:
    from ..resources import ResourcePolicy

__all__ = [
    "FOLDER_SUFFIX",
    "IMAGE_MODES",
    "IMAGE_OPTIONS",
    "REFERRING_FORMATS",
    "ImageFolder",
    "ImageMode",
    "check_choice",
    "files_to_write",
    "folder_for",
    "reference",
    "resolve_mode",
]

ImageMode: TypeAlias = Literal["copy", "embed", "link"]
"""How a written file refers to its images: copied beside it, embedded, or linked."""

IMAGE_MODES: Final[tuple[ImageMode, ...]] = ("copy", "embed", "link")

#: Exporter options that choose how images are referred to, set by an ``images`` mode.
IMAGE_OPTIONS: Final = ("embed_images", "image_src", "image_base")

#: Formats whose files refer to images (the others carry them inside, or have none).
REFERRING_FORMATS: Final = frozenset({"html", "md"})

#: What the folder of copied images adds to the written file's stem.
FOLDER_SUFFIX: Final = "_files"

#: Hex digits of the SHA-256 that name a copied image (64 bits: no collisions in practice).
_HASH_DIGITS: Final = 16


def folder_for(path: Path) -> Path:
    """The folder the images of the file at *path* are copied into: ``<stem>_files``."""
    return path.with_name(f"{path.stem}{FOLDER_SUFFIX}")


def reference(
    policy: ResourcePolicy,
    src: str,
    *,
    embed: bool = False,
    image_src: Callable[[str], str] | None = None,
    image_base: str | None = None,
) -> str:
    """The URL a written file uses for the image *src*, once the policy has passed it.

    Args:
        policy: The resource policy of the article's folder.
        src: The image source as the article names it.
        embed: Return a ``data:`` URI.
        image_src: Map the source to a URL (e.g. :meth:`ImageFolder.reference`).
        image_base: Join a relative source to this URL.

    Raises:
        ResourceError: the policy refused the source, or (when its bytes are
            needed) could not read it as an image.
    """
    policy.check(src)
    if embed:
        return policy.data_uri(src)
    if image_src is not None:
        return image_src(src)
    if urls.scheme(src) == "data":
        # The image is in the article: it goes into the page only once the policy
        # has read it as an image (no SVG, no decompression bomb), re-encoded.
        return policy.data_uri(src)
    if image_base is not None and urls.scheme(src) is None:
        return urllib.parse.urljoin(
            image_base if image_base.endswith("/") else f"{image_base}/", src
        )
    return src


def resolve_mode(
    images: ImageMode | None, image_base: str | None, given: Mapping[str, Any]
) -> ImageMode:
    """The image mode of a written file: *images*, else what *given* options chose, else copy.

    Raises:
        ValueError: *images* is unknown, contradicts *image_base*, or is given
            together with one of the exporters' own image options.
    """
    chosen = [key for key in IMAGE_OPTIONS if given.get(key)]
    if images is None:
        if image_base is not None:
            return "link"
        if chosen:
            return "embed" if chosen == ["embed_images"] else "link"
        return "copy"
    if images not in IMAGE_MODES:
        raise ValueError(f"images must be one of {', '.join(IMAGE_MODES)}, got {images!r}")
    if chosen:
        raise ValueError(f"give images={images!r} or {chosen[0]}, not both")
    if image_base is not None and images != "link":
        raise ValueError(f"image_base is for images='link', not {images!r}")
    return images


def check_choice(
    *, embed: bool, image_src: Callable[[str], str] | None, image_base: str | None
) -> None:
    """Refuse more than one way of writing image references at once.

    Raises:
        ValueError: two of *embed*, *image_src* and *image_base* were given.
    """
    chosen = [
        name
        for name, given in (
            ("embed_images", embed),
            ("image_src", image_src is not None),
            ("image_base", image_base is not None),
        )
        if given
    ]
    if len(chosen) > 1:
        raise ValueError(f"choose one of {' and '.join(chosen)}")


class ImageFolder:
    """The images copied beside one written file (``"copy"`` mode).

    :meth:`reference` is an ``image_src`` function for the exporters: it reads
    the image through the policy, keeps its bytes under their content name and
    returns ``<stem>_files/<name>``. Nothing is written until the caller writes
    :attr:`files` (after the file itself has rendered).
    """

    def __init__(self, folder: Path, policy: ResourcePolicy) -> None:
        self.folder = folder
        """Where the images go, beside the written file."""
        self.policy = policy
        """The policy images are read through."""
        self.files: dict[Path, bytes] = {}
        """Image files to write, by path."""
        self._names: dict[str, str] = {}
        self._prefix = urllib.parse.quote(folder.name)

    def reference(self, src: str) -> str:
        """Read *src* through the policy, keep it to be written, and return its relative URL.

        Raises:
            ResourceError: the source is refused or is not an acceptable image.
        """
        name = self._names.get(src)
        if name is None:
            resource = self.policy.fetch(src)
            name = hashlib.sha256(resource.data).hexdigest()[:_HASH_DIGITS] + resource.suffix
            self._names[src] = name
            self.files.setdefault(self.folder / name, resource.data)
        return f"{self._prefix}/{name}"


def files_to_write(folders: Iterable[ImageFolder]) -> dict[Path, bytes]:
    """Every image of *folders* that is not on disk yet, by path (each once)."""
    wanted: dict[Path, bytes] = {}
    for folder in folders:
        for path, data in folder.files.items():
            # The name is the content's hash: a file of that name holds these bytes.
            if path not in wanted and not path.exists():
                wanted[path] = data
    return wanted
