"""The test suite's own rules: test modules do not import each other.

Shared helpers live in ``tests/helpers/`` (a package), ``tests/strategies.py``,
``tests/validators.py`` or ``conftest.py``; a test module imported by another
would run its tests, fixtures and module-level work twice and tie the two
together. Every module of the suite names what it imports absolutely
(``from tests.helpers.x import ...``), never relatively.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def _module_name(path: Path, root: Path) -> str:
    """The dotted name of *path* under *root*: ``tests/helpers/x.py`` is ``tests.helpers.x``."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(tree: ast.AST, module: str, *, package: bool) -> Iterator[tuple[int, str, bool]]:
    """Every module *tree* imports, anywhere in it: (line, absolute dotted name, relative?).

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a module); a string given to
    ``importlib.import_module`` or ``__import__`` counts as an import too.
    """
    here = module if package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, False
        elif isinstance(node, ast.ImportFrom):
            base = here.split(".")
            if node.level > 1:
                base = base[: len(base) - node.level + 1]
            prefix = ".".join(base) if node.level else ""
            name = ".".join(part for part in (prefix, node.module or "") if part)
            relative = node.level > 0
            if node.module is not None:
                yield node.lineno, name, relative
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}", relative
        elif isinstance(node, ast.Call) and node.args:
            called = node.func
            callee = called.attr if isinstance(called, ast.Attribute) else None
            if isinstance(called, ast.Name):
                callee = called.id
            first = node.args[0]
            if (
                callee in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value, False


def _modules(root: Path) -> dict[str, Path]:
    """Every Python module under *root* (the suite's folder), by dotted name."""
    return {_module_name(path, root): path for path in sorted(root.rglob("*.py"))}


def import_problems(root: Path) -> list[str]:
    """Where a module under *root* imports a ``test_*`` module, or imports relatively."""
    modules = _modules(root)
    tests = {name for name in modules if name.rpartition(".")[2].startswith("test_")}
    problems = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = path.name == "__init__.py"
        for line, imported, relative in _imported(tree, name, package=package):
            where = f"{path.relative_to(root.parent)}:{line}"
            if imported in tests:
                problems.append(f"{where}: imports the test module {imported}")
            if relative:
                problems.append(f"{where}: relative import")
    return sorted(set(problems))


def test_no_test_module_imports_another() -> None:
    """No module of the suite imports a test module or imports relatively."""
    modules = _modules(TESTS)
    assert "tests.test_markdown" in modules
    assert "tests.helpers.markdown" in modules
    assert import_problems(TESTS) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("from tests.test_b import x", "imports the test module tests.test_b"),
        ("from tests import test_b", "imports the test module tests.test_b"),
        ("import tests.test_b", "imports the test module tests.test_b"),
        ("from .test_b import x", "relative import"),
        ("def f():\n    from tests.test_b import x", "imports the test module tests.test_b"),
        ("import importlib\nimportlib.import_module('tests.test_b')", "tests.test_b"),
        ("from .helpers import x", "relative import"),
    ],
)
def test_the_check_finds_every_form_of_import(source: str, problem: str, tmp_path: Path) -> None:
    """The scan catches absolute, relative, nested and importlib imports of a test module."""
    root = tmp_path / "tests"
    (root / "helpers").mkdir(parents=True)
    for name in ("__init__.py", "test_b.py", "helpers/__init__.py"):
        (root / name).write_text("", encoding="utf-8")
    (root / "test_a.py").write_text(source + "\n", encoding="utf-8")
    found = import_problems(root)
    assert len(found) >= 1, source
    assert all(line.startswith("tests/test_a.py:") for line in found), found
    assert any(problem in line for line in found), found


@pytest.mark.parametrize(
    "source",
    [
        "from tests.helpers.markdown import parse_body",
        "from tests.helpers import pdfua",
        "from tests.strategies import articles",
        "import pytest\nimport importlib\nimportlib.import_module('tests.helpers.markdown')",
    ],
)
def test_the_check_allows_helpers(source: str, tmp_path: Path) -> None:
    """Absolute imports of helper modules and of other packages are not reported."""
    root = tmp_path / "tests"
    (root / "helpers").mkdir(parents=True)
    for name in ("__init__.py", "test_b.py", "strategies.py", "helpers/__init__.py"):
        (root / name).write_text("", encoding="utf-8")
    (root / "helpers" / "markdown.py").write_text("parse_body = None\n", encoding="utf-8")
    (root / "test_a.py").write_text(source + "\n", encoding="utf-8")
    assert import_problems(root) == []
