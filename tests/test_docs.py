"""The documentation stays in step with the code.

- docs/format.md has one table per object of the format (articles and
  editions), named after its class, listing exactly the keys of the JSON
  Schemas with their descriptions.
- Every signature written in the docs (the API tables of docs/api.md, and any
  code span elsewhere with a ``*`` or ``->``) names every parameter of the real
  function, of the same kind and with the same default; every call written in a
  code span fits the real signature.
- Every ```python block of README.md and docs/*.md runs (see
  :func:`test_python_blocks_run`), except a block deliberately not runnable,
  which says so with ``<!-- not-run: REASON -->`` on the line before its fence.
- Every ``messenger-content`` command in a shell block uses sub-commands and
  options that its ``--help`` lists.
- The example scripts need nothing beyond the base install.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import inspect
import pkgutil
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import messenger_content as mc

ROOT = Path(__file__).resolve().parent.parent
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: A fenced block: the line before it (for a marker), its language and its text.
FENCE = re.compile(
    r"(?:^(?P<before>[^\n]*)\n)?^```(?P<lang>[\w-]*)\n(?P<code>.*?)^```", re.M | re.S
)
#: The marker that keeps a ```python block from running, on the line before it.
NOT_RUN = re.compile(r"<!--\s*not-run:\s*(?P<reason>.+?)\s*-->")
#: An inline code span (outside fenced blocks; it may wrap over lines).
SPAN = re.compile(r"(?<!`)`([^`]+)`(?!`)")
#: A written signature or call: a dotted name, its parameters, maybe a return type.
CALL = re.compile(r"(?P<name>[A-Za-z_][\w.]*)\((?P<params>.*)\)(?:\s*->\s*[\w\[\], .|]+)?")


# --- docs/format.md ------------------------------------------------------------


def documented_tables() -> dict[tuple[str, str], list[str]]:
    """Map (level-2 section, name in the level-3 heading) of docs/format.md to its table's keys."""
    tables: dict[tuple[str, str], list[str]] = {}
    for group in re.split(r"^## ", FORMAT, flags=re.MULTILINE)[1:]:
        title = group.split("\n", 1)[0].strip()
        for section in re.split(r"^### ", group, flags=re.MULTILINE)[1:]:
            name = section.split("`")[1]
            assert (title, name) not in tables, f"two sections for {name} under {title}"
            tables[title, name] = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    return tables


def schema_objects() -> dict[tuple[str, str], dict[str, Any]]:
    """Every object of the JSON Schema, keyed as docs/format.md files it.

    Blocks and inline nodes go under "Blocks" and "Inline nodes", named after
    the public class whose ``type`` they carry; the article and its parts
    (publication, author, image) under "Reference".
    """
    schema = mc.json_schema()
    definitions = schema["$defs"]
    by_type = {
        getattr(mc, name).type: name
        for name in mc.__all__
        if isinstance(getattr(getattr(mc, name), "type", None), str)
    }
    objects: dict[tuple[str, str], dict[str, Any]] = {("Reference", "Article"): schema}
    tagged: set[str] = set()
    for title, union in (("Blocks", "block"), ("Inline nodes", "inline")):
        for choice in definitions[union]["oneOf"]:
            if "$ref" in choice:
                name = choice["$ref"].rsplit("/", 1)[1]
                tagged.add(name)
                definition = definitions[name]
                objects[title, by_type[definition["properties"]["type"]["const"]]] = definition
    for name, definition in definitions.items():
        if "properties" in definition and name not in tagged:
            objects["Reference", name] = definition
    edition = mc.edition_json_schema()
    objects["Editions", "Edition"] = edition
    for name in ("Section", "EditionArticle"):
        objects["Editions", name] = edition["$defs"][name]
    return objects


def test_format_reference_lists_every_field() -> None:
    """docs/format.md has a table for every object in the schema, listing exactly its keys."""
    expected = {key: list(d["properties"]) for key, d in schema_objects().items()}
    assert documented_tables() == expected


def test_format_reference_names_the_classes() -> None:
    """Each table is named after the public class that holds those keys, with its fields."""
    for (_, name), keys in documented_tables().items():
        assert name in mc.__all__, f"docs/format.md names {name}, which is not mc.{name}"
        fields = [field.name for field in attrs.fields(getattr(mc, name))]
        assert [key for key in keys if key not in ("$schema", "type")] == fields, name


def test_format_reference_descriptions_match() -> None:
    """Each documented key's description is the field docstring the schema carries."""
    sections = {
        (group.split("\n", 1)[0].strip(), section.split("`")[1]): section
        for group in re.split(r"^## ", FORMAT, flags=re.MULTILINE)[1:]
        for section in re.split(r"^### ", group, flags=re.MULTILINE)[1:]
    }
    for key, definition in schema_objects().items():
        for field, fragment in definition["properties"].items():
            description = fragment.get("description", "").replace("|", "\\|")
            row = f"| `{field}` |"
            (line,) = [line for line in sections[key].splitlines() if line.startswith(row)]
            assert description in line, f"{key[1]}.{field}"


def test_format_json_examples_load() -> None:
    """Each JSON example of docs/format.md that is a whole article or edition loads."""
    articles = [
        match["code"]
        for match in FENCE.finditer(FORMAT)
        if match["lang"] == "json" and '"headline"' in match["code"]
    ]
    assert articles
    for text in articles:
        if '"type": "edition"' in text:
            mc.loads_edition(text, base_dir=ROOT / "examples")
        else:
            mc.loads(text)


def test_readme_starts_with_two_commands() -> None:
    """The README opens with the two set-up-and-run commands, and CI runs the second."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.DOTALL)
    first, second = blocks[0].strip(), blocks[1].strip()
    assert "scripts/setup" in first
    assert "convert" in first
    assert "scripts/setup --test" in second
    assert second in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# --- signatures and calls written in the docs ------------------------------------


@functools.cache
def public_names() -> dict[str, object]:
    """Every public name of the package's public modules (``__all__``), the package's first."""
    found: dict[str, object] = {}
    modules = [mc.__name__]
    for info in pkgutil.walk_packages(mc.__path__, f"{mc.__name__}."):
        parts = info.name.split(".")
        if not any(part.startswith("_") for part in parts):
            modules.append(info.name)
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            found.setdefault(name, getattr(module, name))
    return found


def resolve(dotted: str) -> object | None:
    """The object a name in the docs means (``mc.x``, ``messenger_content.a.x``, ``x``, ``a.x``)."""
    parts = dotted.split(".")
    if parts[0] in ("mc", "messenger_content"):
        parts = parts[1:]
    elif len(parts) == 1:
        return public_names().get(parts[0])
    target: object = mc
    for index, part in enumerate(parts):
        if not hasattr(target, part):
            module = ".".join([mc.__name__, *parts[: index + 1]])
            try:
                importlib.import_module(module)
            except ImportError:
                return None
        target = getattr(target, part, None)
        if target is None:
            return None
    return target


def prose(text: str) -> str:
    """A Markdown text without its fenced blocks."""
    return FENCE.sub(lambda match: (match["before"] or "") + "\n", text)


def code_spans(text: str) -> Iterator[str]:
    """The inline code spans of a Markdown text, fenced blocks left out, white space collapsed."""
    for span in SPAN.findall(prose(text)):
        yield " ".join(span.split())


def table_signatures(text: str) -> list[str]:
    """The code spans opening the rows of the tables of a Markdown text."""
    return [
        " ".join(match.split())
        for match in re.findall(r"^\| `([^`]+)` \|", prose(text), flags=re.M)
    ]


#: One parameter: its name, its kind's name (``inspect.Parameter.kind.name``), its default.
Parameter = tuple[str, str, object]


def parameters_of(params: str) -> list[Parameter]:
    """The (name, kind, default) of each parameter in a written parameter list."""
    tree = ast.parse(f"def f({params}): pass").body[0]
    assert isinstance(tree, ast.FunctionDef)
    arguments = tree.args
    empty = inspect.Parameter.empty
    found: list[Parameter] = []
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[object] = [empty] * (len(positional) - len(arguments.defaults))
    defaults += [literal(d) for d in arguments.defaults]
    for index, (argument, default) in enumerate(zip(positional, defaults, strict=True)):
        only = index < len(arguments.posonlyargs)
        found.append(
            (argument.arg, "POSITIONAL_ONLY" if only else "POSITIONAL_OR_KEYWORD", default)
        )
    if arguments.vararg:
        found.append((arguments.vararg.arg, "VAR_POSITIONAL", empty))
    for argument, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        found.append(
            (argument.arg, "KEYWORD_ONLY", empty if kw_default is None else literal(kw_default))
        )
    if arguments.kwarg:
        found.append((arguments.kwarg.arg, "VAR_KEYWORD", empty))
    return found


class _Unwritten:
    """A default written as an expression, not a literal: not compared."""


UNWRITTEN = _Unwritten()


def literal(node: ast.expr) -> object:
    """The value of a written default, or UNWRITTEN if it is not a literal."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        return UNWRITTEN


def real_parameters(target: object) -> list[Parameter]:
    """The (name, kind, default) of each parameter of a function or class, ``self`` left out."""
    assert callable(target)
    signature = inspect.signature(target)
    return [
        (p.name, p.kind.name, p.default) for p in signature.parameters.values() if p.name != "self"
    ]


def signature_problems(written: str) -> list[str]:
    """How a written signature differs from the real one (empty when they agree)."""
    match = CALL.fullmatch(written)
    if match is None:
        return [f"not a signature: {written}"]
    target = resolve(match["name"])
    if target is None:
        return [f"{match['name']} does not exist: {written}"]
    documented = parameters_of(match["params"])
    real = real_parameters(target)
    problems = []
    if [(n, k) for n, k, _ in documented] != [(n, k) for n, k, _ in real]:
        shown = ", ".join(f"{n} ({k.lower().replace('_', ' ')})" for n, k, _ in real)
        problems.append(f"{written}: the real parameters are {shown}")
    real_defaults = {name: default for name, _, default in real}
    for name, _, default in documented:
        if default is not UNWRITTEN and name in real_defaults and default != real_defaults[name]:
            problems.append(f"{written}: {name} defaults to {real_defaults[name]!r}")
    return problems


def is_signature(written: str) -> bool:
    """Whether a code span is a full signature (a return type, a bare ``*`` or ``**``)."""
    match = CALL.fullmatch(written)
    if match is None or "..." in written:
        return False
    if "->" in written:
        return True
    try:
        kinds = [kind for _, kind, _ in parameters_of(match["params"])]
    except SyntaxError:
        return False
    return any(kind.startswith(("VAR", "KEYWORD")) for kind in kinds)


def call_problems(written: str) -> list[str]:
    """How a written call does not fit the real signature (empty if it fits or is not ours)."""
    try:
        tree = ast.parse(written, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(tree, ast.Call) or any(isinstance(a, ast.Starred) for a in tree.args):
        return []
    name = ast.unparse(tree.func)
    if not re.fullmatch(r"[\w.]+", name):
        return []
    target = resolve(name)
    if target is None or not callable(target):
        return []
    args = [a for a in tree.args if not (isinstance(a, ast.Constant) and a.value is ...)]
    keywords = {k.arg: None for k in tree.keywords if k.arg is not None}
    try:
        inspect.signature(target).bind(*([None] * len(args)), **keywords)
    except TypeError as error:
        if any(isinstance(a, ast.Constant) and a.value is ... for a in tree.args):
            return []  # "(article, ...)": the rest left out on purpose
        return [f"{written}: {error}"]
    return []


def test_api_tables_list_every_parameter() -> None:
    """Each row of docs/api.md's tables gives the function's real parameters, kinds and defaults."""
    rows = [row for row in table_signatures(API) if CALL.fullmatch(row)]
    assert rows
    problems = [problem for row in rows for problem in signature_problems(row)]
    assert problems == []


def test_api_tables_cover_every_public_function() -> None:
    """Every public function of the package has a row in docs/api.md's tables."""
    rows = {match["name"] for row in table_signatures(API) if (match := CALL.fullmatch(row))}
    functions = {f"mc.{name}" for name in mc.__all__ if inspect.isfunction(getattr(mc, name))}
    assert functions - rows == set()


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_signatures_in_docs_are_real(path: Path) -> None:
    """Each signature in a code span of the page has the real parameters, kinds and defaults."""
    spans = [span for span in code_spans(path.read_text(encoding="utf-8")) if is_signature(span)]
    problems = [problem for span in spans for problem in signature_problems(span)]
    assert problems == []


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_calls_in_docs_fit(path: Path) -> None:
    """Each call in a code span of the page (``to_html(article, labels=...)``) fits."""
    problems = [
        p for span in code_spans(path.read_text(encoding="utf-8")) for p in call_problems(span)
    ]
    assert problems == []


def test_api_names_exist() -> None:
    """Every ``mc.name`` docs/api.md mentions is part of the public API."""
    names = set(re.findall(r"\bmc\.(\w+)", prose(API)))
    assert names
    assert names - set(mc.__all__) == set()


def test_signature_check_catches_a_missing_parameter() -> None:
    """The checks report a dropped keyword, a wrong default, a wrong kind and an unknown option."""
    assert signature_problems("mc.to_text(article, *, width=72, labels=None)") == []
    assert signature_problems("mc.loads(text, *, source=None)") == []
    assert signature_problems("mc.to_text(article, *, labels=None)")
    assert signature_problems("mc.to_text(article, *, width=80, labels=None)")
    assert signature_problems("mc.to_text(article, width=72, labels=None)")
    assert signature_problems("mc.no_such(article)")
    assert call_problems("mc.to_html(article, labels=None)") == []
    assert call_problems("mc.to_html(article, colour=None)")


# --- code blocks -------------------------------------------------------------------


def blocks(path: Path, *languages: str) -> list[tuple[str, str | None]]:
    """The fenced blocks of a page in the given languages: (code, reason it is not run)."""
    found = []
    for match in FENCE.finditer(path.read_text(encoding="utf-8")):
        if match["lang"] in languages:
            marker = NOT_RUN.search(match["before"] or "")
            found.append((match["code"], marker["reason"] if marker else None))
    return found


def test_not_run_marker_is_read(tmp_path: Path) -> None:
    """A block with the not-run marker before it carries its reason; the others carry none."""
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```python\nx = 1\n```\n\n<!-- not-run: needs a cluster -->\n"
        "```python\nconnect()\n```\n\n```sh\nls\n```\n"
    )
    assert blocks(page, "python") == [("x = 1\n", None), ("connect()\n", "needs a cluster")]


PYTHON_PAGES = [path for path in DOCS if blocks(path, "python")]


@pytest.mark.slow
@pytest.mark.parametrize("path", PYTHON_PAGES, ids=[p.name for p in PYTHON_PAGES])
def test_python_blocks_run(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every ```python block of the page runs, in order, in one namespace.

    They run in a temporary folder holding a copy of examples/, as from the
    repository's root, so files they write go there. The names the prose leaves
    to the reader are given: ``paths`` (the example articles) and ``article`` (an
    article without images). A block that must not run (a cluster, a network)
    has ``<!-- not-run: REASON -->`` on the line before it.
    """
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {
        "paths": sorted(Path("examples").glob("*/article.json")),
        "article": mc.Article(headline="A short article", body=[mc.Paragraph(text="Its text.")]),
    }
    ran = 0
    for index, (code, not_run) in enumerate(blocks(path, "python")):
        if not_run is not None:
            continue
        compiled = compile(code, f"{path.name}, python block {index + 1}", "exec")
        exec(compiled, namespace)
        ran += 1
    capsys.readouterr()
    assert ran


def shell_commands(code: str) -> Iterator[list[str]]:
    """The arguments of each ``messenger-content`` command in a shell block."""
    code = re.sub(r"\\\n", " ", code)
    for line in code.splitlines():
        line = line.removeprefix("$ ")
        if "messenger-content" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
        command: list[str] | None = None
        for token in [*tokens, ";"]:
            if token and set(token) <= set("();<>|&"):
                if command is not None:
                    yield command
                command = None
                if token in ("<", ">", ">>"):
                    command = None
                continue
            if command is not None:
                command.append(token)
            elif token.rsplit("/", 1)[-1] == "messenger-content":
                command = []


@functools.cache
def help_text(*command: str) -> str:
    """``messenger-content COMMAND... --help``, as printed."""
    result = subprocess.run(
        [sys.executable, "-m", "messenger_content", *command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"messenger-content {' '.join(command)} --help: {result.stderr}"
    return result.stdout


def subcommands(help_: str) -> set[str]:
    """The sub-commands a help text lists (argparse indents them under the positionals)."""
    section = help_.split("positional arguments:", 1)[-1].split("\n\n", 1)[0]
    return set(re.findall(r"^ {4}(\w[\w-]*)", section, flags=re.MULTILINE))


def command_problems(arguments: list[str]) -> list[str]:
    """The sub-commands and options of a command that ``--help`` does not list."""
    path: list[str] = []
    expected = subcommands(help_text())
    problems = []
    for argument in arguments:
        if argument.startswith("-") and argument != "-":
            option = argument.split("=", 1)[0]
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text(*path)):
                problems.append(f"{' '.join(arguments)}: {option} is not an option of {path}")
        elif expected:
            if argument not in expected:
                problems.append(f"{' '.join(arguments)}: no sub-command {argument!r}")
                return problems
            path.append(argument)
            expected = subcommands(help_text(*path))
        else:
            expected = set()
    return problems


SHELL = ("sh", "bash", "shell", "console")
SHELL_PAGES = [p for p in DOCS if any(list(shell_commands(c)) for c, _ in blocks(p, *SHELL))]


@pytest.mark.parametrize("path", SHELL_PAGES, ids=[p.name for p in SHELL_PAGES])
def test_shell_commands_use_real_options(path: Path) -> None:
    """Each messenger-content command in the page's shell blocks uses listed options."""
    commands = [c for code, _ in blocks(path, *SHELL) for c in shell_commands(code)]
    assert commands
    problems = [problem for command in commands for problem in command_problems(command)]
    assert problems == []


def test_shell_check_catches_a_wrong_option() -> None:
    """The command check reports an unknown option and an unknown sub-command."""
    (command,) = shell_commands(".venv/bin/messenger-content convert a.json --colour -o out/ # x")
    assert command == ["convert", "a.json", "--colour", "-o", "out/"]
    assert command_problems(command) == [
        "convert a.json --colour -o out/: --colour is not an option of ['convert']"
    ]
    assert command_problems(["frobnicate"]) == ["frobnicate: no sub-command 'frobnicate'"]
    assert command_problems(["schema"]) == []


# --- example scripts ---------------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
    """The top-level modules a script imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def base_install_modules() -> set[str]:
    """What a script may import on the base install: the standard library, us, our dependencies."""
    requirements = importlib.metadata.requires("messenger-content") or []
    base = {
        re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in requirements
        if "extra ==" not in requirement
    }
    modules = set(sys.stdlib_module_names) | {"messenger_content"}
    for module, distributions in importlib.metadata.packages_distributions().items():
        if any(d.lower().replace("_", "-") in base for d in distributions):
            modules.add(module)
    return modules


EXAMPLE_SCRIPTS = sorted((ROOT / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLE_SCRIPTS, ids=[p.name for p in EXAMPLE_SCRIPTS])
def test_example_scripts_need_only_the_base_install(path: Path) -> None:
    """An example script imports only the standard library, this package and its dependencies."""
    assert imported_modules(path) - base_install_modules() == set()


def test_base_install_check_refuses_a_test_only_package(tmp_path: Path) -> None:
    """A script importing jsonschema (a test extra) is caught."""
    script = tmp_path / "uses_jsonschema.py"
    script.write_text("import json\nimport jsonschema\nimport messenger_content as mc\n")
    assert imported_modules(script) - base_install_modules() == {"jsonschema"}
