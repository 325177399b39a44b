"""Embedding: the library leaves the host process as it found it, and declares what it uses.

A CMS, a scraper or a web service imports ``messenger_content`` into its own
process. After the import and a PDF, an EPUB and an HTML render there, every
module the host had loaded is still the same object, with the same attributes,
and the settings a host may have chosen (Pillow's limits, warnings filters,
WeasyPrint's options and loggers, the environment) are as it left them. A
second test reads the source for the statements that would break that; a third
checks that every package the source imports is declared, within a range the
pinned versions in ``constraints.txt`` satisfy.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "messenger_content"
EXAMPLES = sorted((ROOT / "examples").glob("*/article.json"))

#: The package's own name: what it does to its own modules is its business.
OWN = "messenger_content"

#: Statements the source scan accepts, as ``"path: statement"``. A process we own
#: may take one documented start-up shortcut; none is taken (docs/performance.md
#: says where WeasyPrint's start-up goes instead), so nothing is accepted.
ALLOWED: frozenset[str] = frozenset()

# --- the host process, before and after ------------------------------------------------------

#: Renders every example in-process and prints the modules that loaded, but ours.
_DISCOVER = """
import json, sys
from pathlib import Path
before = set(sys.modules)
import messenger_content as mc
for path in map(Path, sys.argv[1:]):
    article = mc.load(path)
    mc.to_pdf(article, base_dir=path.parent)
    mc.to_epub(article, base_dir=path.parent)
    mc.to_html(article, base_dir=path.parent)
print(json.dumps([name for name in sys.modules if name not in before
                  and name.partition(".")[0] != "messenger_content"]))
"""

#: A host: loads those modules and picks its own settings, then snapshots its
#: modules and settings, imports messenger_content, renders, and compares.
_HOST = """
import copy, importlib, json, logging, os, sys, types, warnings
from pathlib import Path

for name in json.loads(sys.argv[1]):
    importlib.import_module(name)

from PIL import Image, ImageFile
import weasyprint
from babel.core import get_global

Image.init()  # Pillow registers its plugins on first use; a host may well have used it
get_global("likely_subtags")  # Babel loads CLDR's global data on first use; likewise
Image.MAX_IMAGE_PIXELS = 123_456_789
ImageFile.LOAD_TRUNCATED_IMAGES = False
warnings.filterwarnings("default", message="a filter of the host's own")
logging.getLogger("weasyprint").setLevel(logging.CRITICAL)

def modules():
    return {
        name: (module, dict(vars(module)))
        for name, module in list(sys.modules.items())
        if isinstance(module, types.ModuleType) and name != "__main__"
    }

def logger(name):
    found = logging.getLogger(name)
    return [found.level, [id(h) for h in found.handlers], found.propagate, found.disabled]

def settings():
    return {
        "PIL.Image.MAX_IMAGE_PIXELS": Image.MAX_IMAGE_PIXELS,
        "PIL.ImageFile.LOAD_TRUNCATED_IMAGES": ImageFile.LOAD_TRUNCATED_IMAGES,
        "warnings.filters": repr(warnings.filters),
        "weasyprint.DEFAULT_OPTIONS": repr(weasyprint.DEFAULT_OPTIONS),
        "logging: weasyprint": logger("weasyprint"),
        "logging: weasyprint.progress": logger("weasyprint.progress"),
        "logging: root": logger(None),
        "os.environ": dict(os.environ),
    }

before, chosen = modules(), settings()

import messenger_content as mc

for path in map(Path, sys.argv[2:]):
    article = mc.load(path)
    mc.to_pdf(article, base_dir=path.parent)
    mc.to_epub(article, base_dir=path.parent)
    mc.to_html(article, base_dir=path.parent)

changed = []
for name, (module, attributes) in before.items():
    if sys.modules.get(name) is not module:
        changed.append(f"sys.modules[{name!r}]")
        continue
    now = vars(module)
    changed += [f"{name}.{key}" for key, old in attributes.items() if now.get(key, now) is not old]
    changed += [f"{name}.{key} (added)" for key in now.keys() - attributes.keys()]
after = settings()
print(json.dumps({
    "modules": changed,
    "settings": {key: [chosen[key], after[key]] for key in chosen if chosen[key] != after[key]},
}))
"""


def _python(code: str, *arguments: str) -> Any:
    """Run *code* in a fresh interpreter; return what it printed last, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.slow
def test_import_and_every_exporter_leave_the_host_as_it_was() -> None:
    """After a PDF, an EPUB and an HTML render, the host's modules and settings are untouched."""
    examples = [str(path) for path in EXAMPLES]
    loaded = _python(_DISCOVER, *examples)
    assert "weasyprint" in loaded
    assert "ebooklib" in loaded
    outcome = _python(_HOST, json.dumps(loaded), *examples)
    assert outcome == {"modules": [], "settings": {}}


# --- the source, read ---------------------------------------------------------------------


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _is_ours(module: str | None, level: int = 0) -> bool:
    return level > 0 or module is None or module.partition(".")[0] == OWN


def _imported_by(call: ast.Call) -> str | None:
    """The module ``importlib.import_module("x")`` or ``__import__("x")`` imports, else None."""
    function = ast.unparse(call.func)
    if function in ("importlib.import_module", "__import__") and call.args:
        name = call.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            return name.value
    return None


def _origin(value: ast.expr) -> str | None:
    """Where a module that *value* evaluates to comes from, if it is one: a name or a guess."""
    if isinstance(value, ast.Subscript) and ast.unparse(value.value) == "sys.modules":
        return "sys.modules"
    if not isinstance(value, ast.Call):
        return None
    function = ast.unparse(value.func)
    if function == "sys.modules.get":
        return "sys.modules"
    if function not in ("importlib.import_module", "__import__"):
        return None
    named = _imported_by(value)
    if named is not None:
        return OWN if named.startswith(".") else named
    # A name computed at run time: ours only if resolved against our package.
    return OWN if len(value.args) > 1 else "a module named at run time"


def _foreign_names(tree: ast.Module) -> dict[str, str]:
    """Names a module binds to another package's module, class or function: name -> origin."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_ours(alias.name):
                    bound = alias.asname or alias.name.partition(".")[0]
                    names[bound] = alias.name if alias.asname else bound
        elif isinstance(node, ast.ImportFrom) and not _is_ours(node.module, node.level):
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            # name = importlib.import_module(...) / __import__(...) / sys.modules.get(...)
            origin = _origin(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if origin is not None and not _is_ours(origin):
                names.update({t.id: origin for t in targets if isinstance(t, ast.Name)})
    return names


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


#: Calls that change a setting of the whole process.
_GLOBAL_SETTERS = frozenset(
    {
        "warnings.filterwarnings",
        "warnings.simplefilter",
        "warnings.resetwarnings",
        "warnings.catch_warnings",
        "logging.basicConfig",
        "logging.disable",
        "contextlib.redirect_stdout",
        "contextlib.redirect_stderr",
        "sys.setrecursionlimit",
        "socket.setdefaulttimeout",
        "os.putenv",
        "os.unsetenv",
    }
)

#: Methods that change a mapping in place.
_MAPPING_EDITS = frozenset({"update", "pop", "popitem", "setdefault", "clear", "__setitem__"})


def _patches(tree: ast.Module) -> Iterator[ast.AST]:
    """Statements that change another package's modules, ``sys.modules`` or process settings."""
    foreign = _foreign_names(tree)

    def is_foreign(node: ast.expr) -> bool:
        root = _root(node)
        return isinstance(root, ast.Name) and root.id in foreign

    def is_process_mapping(node: ast.expr) -> bool:
        return ast.unparse(node) in ("sys.modules", "os.environ")

    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            if (isinstance(target, ast.Attribute) and is_foreign(target)) or (
                isinstance(target, ast.Subscript) and is_process_mapping(target.value)
            ):
                yield node
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            head, dot, rest = function.partition(".")
            resolved = foreign.get(head, head) + dot + rest
            if (
                (function in ("setattr", "delattr") and node.args and is_foreign(node.args[0]))
                or resolved in _GLOBAL_SETTERS
                or (
                    isinstance(node.func, ast.Attribute)
                    and node.func.attr in _MAPPING_EDITS
                    and is_process_mapping(node.func.value)
                )
            ):
                yield node


def _found(tree_source: str) -> list[str]:
    return [ast.unparse(node).splitlines()[0] for node in _patches(ast.parse(tree_source))]


@pytest.mark.parametrize(
    "code",
    [
        "import pydyf\npydyf.zlib = None",
        "import ctypes.util\nctypes.util.find_library = len",
        "from weasyprint.pdf import fonts\nfonts.ffi = None",
        "import importlib\nm = importlib.import_module('weasyprint.layout')\nm.x = 1",
        "import importlib\nm = importlib.import_module(name)\nsetattr(m, 'f', None)",
        "import sys\npydyf = sys.modules.get('pydyf')\nsetattr(pydyf, 'zlib', None)",
        "from PIL import ImageFile\nImageFile.LOAD_TRUNCATED_IMAGES = True",
        "import cffi\nsetattr(cffi, 'FFI', object)",
        "import sys\nsys.modules['fontTools.subset'] = None",
        "import sys\nsys.modules.update({})",
        "import sys\ndel sys.modules['x']",
        "import os\nos.environ['X'] = '1'",
        "import warnings\nwarnings.filterwarnings('ignore')",
        "import contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n    pass",
        "from contextlib import redirect_stdout\nredirect_stdout(None)",
    ],
)
def test_the_scan_finds_each_kind_of_patch(code: str) -> None:
    """Each kind of statement the source scan exists for is found in a one-line example."""
    assert len(_found(code)) == 1


@pytest.mark.parametrize(
    "code",
    [
        "from . import theme\ntheme.x = 1",
        "from messenger_content import theme\ntheme.x = 1",
        "import importlib\nm = importlib.import_module(name, __package__)\nm.x = 1",
        "import attrs\nclass A:\n    pass\na = A()\na.x = 1",
        "import sys\nx = sys.modules.get('weasyprint')",
        "import os\nvalue = os.environ.get('HOME')",
    ],
)
def test_the_scan_leaves_ordinary_statements_alone(code: str) -> None:
    """Our own modules, our own objects and reading process state are not patches."""
    assert _found(code) == []


def test_the_source_patches_nothing_it_does_not_own() -> None:
    """No statement in src/ changes another package's module, sys.modules or a process setting."""
    found = [
        f"{path}: {ast.unparse(node).splitlines()[0]}"
        for path, tree in _sources()
        for node in _patches(tree)
    ]
    assert [statement for statement in found if statement not in ALLOWED] == []


# --- declared dependencies --------------------------------------------------------------------


def _optional(tree: ast.Module) -> set[int]:
    """Line numbers of imports inside ``try: ... except ImportError``."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            handler.type is not None
            and {"ImportError", "ModuleNotFoundError"}
            & {ast.unparse(t) for t in ast.walk(handler.type) if isinstance(t, ast.Name)}
            for handler in node.handlers
        ):
            lines |= {n.lineno for b in node.body for n in ast.walk(b) if hasattr(n, "lineno")}
    return lines


def _imported_packages() -> dict[str, str]:
    """Top-level packages src/ imports unconditionally, but the standard library: name -> where."""
    found: dict[str, str] = {}
    for path, tree in _sources():
        optional = _optional(tree)
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Call) and _imported_by(node) is not None:
                modules = [str(_imported_by(node))]
            for module in modules:
                top = module.partition(".")[0]
                if top in sys.stdlib_module_names or top in (OWN, "__future__"):
                    continue
                if getattr(node, "lineno", 0) not in optional:
                    found.setdefault(top, f"{path}:{getattr(node, 'lineno', 0)}")
    return found


def _project() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib")
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return project


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version
    return pins


def test_every_imported_package_is_declared_with_a_bounded_range() -> None:
    """Each package src/ imports is a dependency in pyproject.toml, with a lower and upper bound."""
    declared = {
        canonicalize_name(requirement.name): requirement
        for requirement in map(Requirement, _project()["project"]["dependencies"])
    }
    providers = importlib.metadata.packages_distributions()
    missing = []
    for package, where in _imported_packages().items():
        names = {canonicalize_name(name) for name in providers.get(package, [package])}
        if not names & declared.keys():
            missing.append(f"{package} ({where})")
    assert missing == []
    for name, requirement in declared.items():
        operators = {spec.operator for spec in requirement.specifier}
        assert {">=", "<"} <= operators, f"{name}: {requirement.specifier or 'no range'}"


def test_the_pinned_versions_are_within_the_declared_ranges() -> None:
    """constraints.txt pins every dependency, and each pin satisfies pyproject.toml's range."""
    project = _project()["project"]
    requirements = [*project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += extra
    pins = _pins()
    outside = []
    for requirement in map(Requirement, requirements):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            outside.append(f"{requirement} (pinned: {pinned})")
    assert outside == []
    assert OWN.replace("_", "-") not in pins


@pytest.mark.skipif(not os.environ.get("CI"), reason="the venv matches the pins on CI only")
def test_the_installed_versions_are_the_pinned_ones() -> None:
    """On CI, every installed distribution that is pinned is at its pinned version."""
    pins = _pins()
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
    }
    assert {n: v for n, v in installed.items() if n in pins and pins[n] != v} == {}
