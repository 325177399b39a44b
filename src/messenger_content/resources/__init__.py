"""The one policy every exporter follows to read an image source.

An article names its images by ``src``. Exporters never open a ``src``
themselves: they ask a :class:`ResourcePolicy` (usually from :func:`policy_for`)
to :meth:`~ResourcePolicy.check` it, :meth:`~ResourcePolicy.fetch` it or turn it
into a :meth:`~ResourcePolicy.data_uri`, so HTML, PDF and EPUB output obey the
same rules. Every refusal is a :class:`~messenger_content.errors.ResourceError`
naming the source and the reason; bad input never escapes as another exception.

The package, by concern:

* :mod:`.policy`: the policy, its :class:`Limits`, the :class:`Resource` it
  returns, the address check and the resolver;
* :mod:`.transport`: the HTTP(S) transport that sends one GET to checked
  addresses (a policy takes another as ``transport``, as it takes a ``resolver``);
* :mod:`.images`: what counts as an acceptable image.

URL syntax (schemes, hosts, IP literals, relative paths) comes from
:mod:`messenger_content.urls`.

Where a source may point:

* **A path relative to the article's folder** (``base_dir``), read as a URL
  path: percent-escapes are decoded (``my%20photo.png``) and a query or fragment
  is ignored. The path is resolved with :func:`os.path.realpath`, following
  every symlink, and must stay inside the resolved folder, so absolute paths,
  ``../`` escapes (also spelled ``%2e%2e/``) and symlinks that lead outside are
  refused, as are ``//host/...`` references and backslashes. Only regular files
  are read (no FIFOs, devices or folders), and their size is checked with
  ``fstat`` before reading.
* **A** ``data:`` **URI**, base64 or percent-encoded.
* **An** ``http:`` **or** ``https:`` **URL**, only when ``allow_remote`` is set.

Any other scheme (``file:``, ``javascript:``, ``ftp:`` ...) is refused.

How a remote image is fetched, when allowed:

* The whole fetch, redirects included, has one deadline (``Limits.timeout``),
  enforced by a watchdog that shuts the connection down, so a server that
  sends one byte a second cannot hold it open.
* The body is capped while it streams (``Limits.max_bytes``): a larger
  ``Content-Length`` is refused before the body is read, and a body that keeps
  coming (chunked, or with a ``Content-Length`` that lies) is cut off as soon as
  it passes the cap.
* Redirects are followed by hand, at most ``Limits.max_redirects``, and each hop
  is checked like the first: http(s) only, no credentials in the URL, a host
  that is an IP address or a domain name IDNA 2008 accepts.
* Every hop's host is resolved and refused if *any* of its addresses is not
  public (:func:`is_public_address`: private, loopback, link-local including
  ``169.254.169.254``, multicast, reserved, unspecified, shared, and IPv6 forms
  embedding such an IPv4 address). Hosts written as numbers (``2130706433``,
  ``0x7f.1``) and ``localhost`` names are judged by the address they mean,
  before any request. The connection is then made to a checked address, with
  the ``Host`` header and the TLS server name (and certificate check) naming
  the original host: a DNS answer that changes between the check and the
  connection (DNS rebinding) cannot point the request elsewhere.
* Proxy settings from the environment are ignored on purpose: a proxy would
  resolve the name again, out of reach of the address check. Nothing is sent
  but a plain ``GET`` (no cookies, no credentials).

What is accepted as an image: PNG, JPEG, GIF and WebP, identified from the
bytes by Pillow (a PNG named ``.jpg`` is a PNG; a text file named ``.png`` is
refused). SVG is refused because it can carry script. Width times height is
checked against ``Limits.max_pixels`` from the header, before any decoding;
the image is then verified and its first frame decoded, so truncated and
corrupt files are refused, whatever the host set Pillow's global
``ImageFile.LOAD_TRUNCATED_IMAGES`` to. No global setting of Pillow (or of
anything else) is changed. A JPEG is decoded at 1/8 scale (Pillow's
``draft``): every byte of its entropy-coded data is still read and
Huffman-decoded, which is where truncation and damage show.

An image that passed is remembered for the life of the process by the SHA-256
of its bytes, and a folder's real path while the folder as named and the
remembered path still lead to the same directory (device and inode); a source
below it that is a plain path (no symlink, ``.`` or ``..`` on the way) is then
checked with one ``lstat`` per component. :func:`clear_caches` forgets both.

Known limits:

* Name resolution uses the system resolver and cannot be interrupted: its own
  timeouts apply. The time it takes still counts against the deadline.
* The folder check and the ``open`` are two steps: the last path component is
  opened with ``O_NOFOLLOW``, but someone who can rewrite the article's folder
  while it is being exported could swap an intermediate folder for a symlink.
  The folder's owner is trusted not to race the exporter.
* Only the first frame of an animated GIF, PNG or WebP is decoded.
* When the host set ``ImageFile.LOAD_TRUNCATED_IMAGES``, Pillow ignores a
  decoder error inside pixel data whose file structure is intact (a PNG whose
  compressed data ends early yet is followed by a valid ``IEND``, every chunk
  checksum right): such an image passes with its missing rows blank. A file
  cut short is refused either way.
"""

from __future__ import annotations

from ..urls import IPAddress
from .images import MediaType, Suffix
from .policy import (
    Limits,
    Resource,
    ResourcePolicy,
    clear_caches,
    is_public_address,
    policy_for,
    resolve_host,
)
from .transport import Redirect, Request, Transport, TransportError

__all__ = [
    "IPAddress",
    "Limits",
    "MediaType",
    "Redirect",
    "Request",
    "Resource",
    "ResourcePolicy",
    "Suffix",
    "Transport",
    "TransportError",
    "clear_caches",
    "is_public_address",
    "policy_for",
    "resolve_host",
]
