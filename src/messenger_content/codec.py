"""JSON in and out: the one place that turns JSON into models and back.

A single cattrs converter, built by :func:`make_converter`, structures JSON
values into the models strictly (unknown keys, wrong types and unknown
``type`` tags are errors) and unstructures them into canonical JSON values.
Every failure becomes a :class:`~messenger_content.errors.ValidationError`
listing each problem with its JSON path.
"""

from __future__ import annotations

import difflib
import inspect
import json
import os
import types
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from . import _rules
from .errors import ParseError, Problem, ValidationError
from .models import (
    BLOCK_CLASSES,
    INLINE_NODE_CLASSES,
    Article,
    Block,
    Inline,
    Rule,
    Text,
)

__all__ = [
    "MAX_INLINE_DEPTH",
    "dump",
    "dumps",
    "load",
    "loads",
    "make_converter",
    "parse_json",
    "structure",
    "unstructure",
]

#: How deep inline nodes may nest (emphasis in a link in strong ...).
MAX_INLINE_DEPTH = _rules.MAX_INLINE_DEPTH

_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _json_type(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def _fail(message: str, path: str = "") -> ValidationError:
    return ValidationError([Problem(path, message)])


def _unknown_key(key: str, known: Iterable[str]) -> str:
    """The message for an unknown *key*: the closest of the *known* keys, if one is close.

    ``unknown key 'headlne' (did you mean 'headline'?)``; without a close one,
    the known keys are listed.
    """
    candidates = sorted(known)
    by_folded = {name.casefold(): name for name in candidates}
    close = difflib.get_close_matches(key.casefold(), by_folded, n=1)
    shown = key if len(key) <= 40 else key[:37] + "..."
    if close:
        return f"unknown key {shown!r} (did you mean {by_folded[close[0]]!r}?)"
    return f"unknown key {shown!r} (expected one of: {', '.join(candidates)})"


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    if not path or path.startswith("["):
        return prefix + path
    return f"{prefix}.{path}"


def problems_of(error: BaseException, path: str = "") -> Iterator[Problem]:
    """Flatten a (cattrs or our own) error into problems with full JSON paths."""
    if isinstance(error, IterableValidationError):
        with_notes, without = error.group_exceptions()
        for inner, note in with_notes:
            yield from problems_of(inner, f"{path}[{note.index}]")
        for inner in without:
            yield from problems_of(inner, path)
    elif isinstance(error, ClassValidationError):
        class_notes, class_rest = error.group_exceptions()
        for inner, attr_note in class_notes:
            yield from problems_of(inner, _join(path, attr_note.name))
        for inner in class_rest:
            yield from problems_of(inner, path)
    elif isinstance(error, ForbiddenExtraKeysError):
        known = [field.name for field in attrs.fields(error.cl)] if attrs.has(error.cl) else []
        for key in sorted(error.extra_fields):
            yield Problem(_join(path, key), _unknown_key(key, known))
    elif isinstance(error, ValidationError):
        for problem in error.problems:
            yield Problem(_join(path, problem.path), problem.message)
    elif isinstance(error, KeyError):
        yield Problem(path, "required key is missing")
    else:
        yield Problem(path, str(error) or type(error).__name__)


# --- structuring hooks ---------------------------------------------------------


def _structure_str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _fail(f"expected a string, got {_json_type(value)}")
    return value


def _integral(value: object) -> object:
    """JSON has one number type: ``2.0`` is the integer 2, as JSON Schema says."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


def _structure_int(value: object, _: object) -> int:
    value = _integral(value)
    if type(value) is not int:
        raise _fail(f"expected an integer, got {_json_type(value)}")
    return value


def _structure_bool(value: object, _: object) -> bool:
    if type(value) is not bool:
        raise _fail(f"expected true or false, got {_json_type(value)}")
    return value


def _structure_datetime(value: object, _: object) -> datetime:
    if not isinstance(value, str):
        raise _fail(f"expected an RFC 3339 date-time string, got {_json_type(value)}")
    try:
        return _rules.parse_datetime(value)
    except ValueError as error:
        raise _fail(str(error)) from None


def _is_date_or_datetime(kind: Any) -> bool:
    return bool(kind == (date | datetime | None) or kind == (date | datetime))


def structure_date(value: object, _: object = None) -> date | datetime:
    """Read a JSON date: ``YYYY-MM-DD``, or an RFC 3339 date-time with its offset.

    Raises:
        ValidationError: not a string, or not a real date.
    """
    if not isinstance(value, str):
        raise _fail(f"expected a date string, got {_json_type(value)}")
    try:
        return _rules.parse_date(value)
    except ValueError as error:
        raise _fail(str(error)) from None


def _unstructure_date_or_datetime(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return _rules.format_datetime(value)
    return value.isoformat()


def _structure_literal(value: object, literal: Any) -> object:
    allowed = get_args(literal)
    value = _integral(value)
    if not any(type(value) is type(a) and value == a for a in allowed):
        shown = ", ".join(json.dumps(a) for a in allowed)
        raise _fail(f"expected one of {shown}, got {json.dumps(value)[:40]}")
    return value


def _structure_tuple_of(item_hook: Callable[[object], Any]) -> Callable[[object, object], Any]:
    def structure(value: object, _: object) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _fail(f"expected an array, got {_json_type(value)}")
        items: list[Any] = []
        problems: list[Problem] = []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item))
            except Exception as error:  # noqa: BLE001 - every failure becomes a problem
                problems.extend(problems_of(error, f"[{index}]"))
        if problems:
            raise ValidationError(problems)
        return tuple(items)

    return structure


class _Dispatch:
    """Structures a ``{"type": ...}`` object into the class its tag names.

    *text* makes the hook for the inline text inside these objects (see
    :func:`_inline_text`); *too_deep*, when given, is the error for any object
    at all here, once its tag is known: inline nodes nested past the limit.
    """

    def __init__(
        self,
        converter: cattrs.Converter,
        classes: tuple[type, ...],
        what: str,
        *,
        text: Callable[[], Callable[[object, object], Text]] | None = None,
        too_deep: str | None = None,
    ) -> None:
        self.hooks = {
            cls.type: _structure_attrs(converter, cls, tagged=True, text=text)  # type: ignore[attr-defined]
            for cls in classes
        }
        self.known = ", ".join(sorted(self.hooks))
        self.what = what
        self.article = "an" if what[0] in "aeiou" else "a"
        self.too_deep = too_deep

    def __call__(self, value: object) -> Any:
        if not isinstance(value, dict):
            raise _fail(f"expected {self.article} {self.what} object, got {_json_type(value)}")
        tag = value.get("type")
        hook = self.hooks.get(tag) if isinstance(tag, str) else None
        if hook is None:
            if tag is None:
                raise _fail(f"required key is missing (one of: {self.known})", "type")
            raise _fail(
                f"unknown {self.what} type {json.dumps(tag)[:40]} (expected one of: {self.known})",
                "type",
            )
        if self.too_deep is not None:
            raise ParseError(self.too_deep)
        return hook(value, None)


def _inline_text(converter: cattrs.Converter) -> Callable[[int], Callable[[object, object], Text]]:
    """The hook for inline text whose nodes sit *depth* nodes deep, for each depth.

    Inline nodes nest; the text inside a node is structured by the hook one
    level deeper, made on first use, so the loader knows how deep it is without
    counting at run time (or sharing a counter between threads). Past
    MAX_INLINE_DEPTH every node is refused, so no document can make the loader
    (or an exporter after it) recurse without limit.
    """
    levels: dict[int, Callable[[object, object], Text]] = {}

    def at(depth: int) -> Callable[[object, object], Text]:
        if depth not in levels:
            too_deep = f"inline content is nested more than {MAX_INLINE_DEPTH} levels deep"
            nodes = _Dispatch(
                converter,
                INLINE_NODE_CLASSES,
                "inline",
                text=lambda: at(depth + 1),
                too_deep=too_deep if depth >= MAX_INLINE_DEPTH else None,
            )
            levels[depth] = _structure_text(nodes)
        return levels[depth]

    return at


def _structure_text(dispatch: _Dispatch) -> Callable[[object, object], Text]:
    """Structure inline text: a string, or an array of strings and inline objects.

    The array is structured and normalised (as :func:`~messenger_content.models.to_text`
    does: adjacent strings merged, empty ones dropped) in one pass, with strings
    checked in line: they are most of an article's values, and a call per
    string was a good part of the loader's time.
    """

    def items(value: list[object]) -> Text:
        result: list[Inline] = []
        problems: list[Problem] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                problem = _rules.text_problem(item)
                if problem is not None:
                    problems.append(Problem(f"[{index}]", problem))
                elif not item:
                    pass
                elif result and isinstance(result[-1], str):
                    result[-1] += item
                else:
                    result.append(item)
            elif isinstance(item, dict):
                try:
                    result.append(dispatch(item))
                except Exception as error:  # noqa: BLE001 - every failure becomes a problem
                    problems.extend(problems_of(error, f"[{index}]"))
            else:
                problems.append(
                    Problem(
                        f"[{index}]",
                        f"expected a string or an inline object, got {_json_type(item)}",
                    )
                )
        if problems:
            raise ValidationError(problems)
        return tuple(result)

    def structure(value: object, _: object) -> Text:
        text: Text
        if isinstance(value, str):
            problem = _rules.text_problem(value)
            if problem is not None:
                raise _fail(problem)
            text = (value,) if value else ()
        elif isinstance(value, list):
            text = items(value)
        else:
            raise _fail(f"expected a string or an array of inline content, got {_json_type(value)}")
        if not text:
            raise _fail("must not be empty")
        return text

    return structure


def _structure_items(
    text: Callable[[object, object], Text],
) -> Callable[[object, object], tuple[Text, ...]]:
    """Structure list items: an array of inline texts, at least one.

    With the text hook checking each item, this is the whole of the list's
    ``items`` rule, so the rule does not check every item a second time.
    """
    items = _structure_tuple_of(lambda item: text(item, None))

    def structure(value: object, _: object) -> tuple[Text, ...]:
        result: tuple[Text, ...] = items(value, None)
        if not result:
            raise _fail("a list needs at least one item")
        return result

    return structure


def _structure_rows(
    text: Callable[[object, object], Text],
) -> Callable[[object, object], tuple[tuple[Text, ...], ...]]:
    """Structure a table's rows: arrays of cells, each inline text that may be empty.

    An empty cell (``""`` or ``[]``) is an empty tuple; any other cell goes
    through the inline text hook. The field's rule then checks the shape.
    """

    def cell(value: object) -> Text:
        if value == "" or value == []:
            return ()
        return text(value, None)

    return _structure_tuple_of(lambda row: _structure_tuple_of(cell)(row, None))


def _checked_by_hook(kind: Any) -> bool:
    """Types whose structure hook enforces the whole field rule (inline text, list items)."""
    if get_origin(kind) in (Union, types.UnionType):
        kinds = [arg for arg in get_args(kind) if arg is not type(None)]
        return len(kinds) == 1 and _checked_by_hook(kinds[0])
    return bool(kind == Text or kind == tuple[Text, ...])


def _without_none(kind: Any) -> Any:
    """``X | None`` as ``X``, any other type as itself.

    The loader refuses ``null`` before a field's hook runs, so cattrs' hook for
    optional types would only add a call that looks up the hook of ``X``.
    """
    args = get_args(kind)
    if get_origin(kind) in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return kind


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """Set field *name* on an instance made without ``__init__`` (frozen classes refuse setattr).

    A slotted class's field is a member descriptor; calling its ``__set__`` is
    about three times as fast as ``object.__setattr__``, which looks it up on
    every call.
    """
    slot = inspect.getattr_static(cls, name, None)
    if isinstance(slot, types.MemberDescriptorType):
        return slot.__set__

    def set_attribute(instance: Any, item: Any) -> None:
        object.__setattr__(instance, name, item)

    return set_attribute


#: How the attrs hook handles one field: name, type, structure hook, rule
#: (``None`` when the hook checks it all), setter, default (``attrs.NOTHING``
#: when the key is required).
_Field = tuple[
    str,
    Any,
    Callable[[Any, Any], Any],
    Callable[[str, Any], None] | None,
    Callable[[Any, Any], None],
    Any,
]

#: Stands for "no such key" (``None`` is a value JSON can hold).
_ABSENT: Any = object()


def _structure_attrs(
    converter: cattrs.Converter,
    cls: type,
    *,
    tagged: bool = False,
    text: Callable[[], Callable[[object, object], Text]] | None = None,
) -> Callable[[object, object], Any]:
    """Structure an attrs model from a JSON object, reporting every problem at once.

    Each field is structured by its hook and checked by its rule (the same
    :class:`~messenger_content.models.Rule` the model's validator runs), with
    the JSON path of any problem. The instance is then made without running
    the validators a second time. *text* makes the hook for inline text fields
    (an inline node's content, one level deeper); by default the converter's.
    """
    attrs.resolve_types(cls)
    required = [field.name for field in attrs.fields(cls) if field.default is attrs.NOTHING]
    allowed = frozenset(field.name for field in attrs.fields(cls)) | ({"type"} if tagged else set())
    article = "an" if cls.__name__[0] in "AEIOU" else "a"
    expected = f"expected {article} {cls.__name__} object"
    new = object.__new__
    # Field hooks are looked up on first use: inline nodes and inline text
    # refer to each other, so not every hook exists when this one is made.
    fields: list[_Field] | None = None

    def field_hooks() -> list[_Field]:
        nonlocal fields
        table: list[_Field] = []
        for field in attrs.fields(cls):
            kind = _without_none(field.type)
            if text is not None and kind == Text:
                hook = text()
            else:
                hook = converter.get_structure_hook(kind)
            rule = None
            if isinstance(field.validator, Rule) and not (
                field.validator.loader_checks and _checked_by_hook(field.type)
            ):
                rule = field.validator.check
            table.append((field.name, kind, hook, rule, _setter(cls, field.name), field.default))
        fields = table  # whole, so that another thread never sees half a table
        return table

    def key_problems(value: dict[str, Any]) -> list[Problem]:
        """Unknown keys (in document order), then missing required ones (in field order)."""
        unknown = [Problem(key, _unknown_key(key, allowed)) for key in value if key not in allowed]
        return unknown + [
            Problem(name, "required key is missing") for name in required if name not in value
        ]

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise _fail(f"{expected}, got {_json_type(value)}")
        problems: list[Problem] = []
        instance: Any = new(cls)
        # Counting the fields found tells whether any key is unknown or any
        # required one missing, without set operations on every object.
        found = 0
        missing = False
        for name, kind, hook, rule, set_field, default in (
            field_hooks() if fields is None else fields
        ):
            item = value.get(name, _ABSENT)
            if item is _ABSENT:
                if default is attrs.NOTHING:
                    missing = True
                else:
                    set_field(instance, default)
                continue
            found += 1
            if item is None:
                problems.append(Problem(name, "null is not allowed (leave the key out instead)"))
                continue
            try:
                item = hook(item, kind)
                if rule is not None:
                    rule("", item)
            except Exception as error:  # noqa: BLE001 - every failure becomes a problem
                problems.extend(problems_of(error, name))
                continue
            set_field(instance, item)
        if missing or found + (tagged and "type" in value) != len(value):
            problems = key_problems(value) + problems
        if problems:
            raise ValidationError(problems)
        return instance

    return structure


def _structure_homogeneous_tuple(
    converter: cattrs.Converter, kind: Any
) -> Callable[[object, object], Any]:
    (item_type, _) = get_args(kind)
    item_hook = converter.get_structure_hook(item_type)
    return _structure_tuple_of(lambda item: item_hook(item, item_type))


def _is_homogeneous_tuple(kind: Any) -> bool:
    args = get_args(kind)
    return get_origin(kind) is tuple and len(args) == 2 and args[1] is Ellipsis


# --- unstructuring hooks -------------------------------------------------------


def _attrs_unstructure(converter: cattrs.Converter, cls: type) -> Callable[[Any], dict[str, Any]]:
    """Unstructure an attrs model to a dict in field order, leaving out unset optional values."""
    attrs.resolve_types(cls)
    hooks = [
        (f.name, converter.get_unstructure_hook(f.type), f.default is attrs.NOTHING)
        for f in attrs.fields(cls)
    ]

    def unstructure(value: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, hook, required in hooks:
            item = getattr(value, name)
            if not required and (item is None or item == ()):
                continue
            result[name] = hook(item)
        return result

    return unstructure


def _tagged(converter: cattrs.Converter) -> Callable[[Any], dict[str, Any]]:
    def unstructure(value: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"type": value.type}
        result.update(converter.unstructure(value, type(value)))
        return result

    return unstructure


def _unstructure_text(inline: Callable[[Any], Any]) -> Callable[[Text], Any]:
    def unstructure(value: Text) -> Any:
        if len(value) == 1 and isinstance(value[0], str):
            return value[0]
        return [item if isinstance(item, str) else inline(item) for item in value]

    return unstructure


def _is_literal(kind: Any) -> bool:
    return get_origin(kind) is Literal


def make_converter() -> cattrs.Converter:
    """Build the strict converter between JSON values and the models."""
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook_factory(
        attrs.has, lambda cls: _structure_attrs(converter, cls)
    )
    converter.register_structure_hook_factory(
        _is_homogeneous_tuple, lambda kind: _structure_homogeneous_tuple(converter, kind)
    )
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, _rules.format_datetime)
    converter.register_structure_hook_func(_is_literal, _structure_literal)
    converter.register_structure_hook_func(_is_date_or_datetime, structure_date)
    converter.register_unstructure_hook_func(_is_date_or_datetime, _unstructure_date_or_datetime)

    text = _inline_text(converter)(0)
    converter.register_structure_hook_func(lambda kind: kind == Text, text)
    converter.register_structure_hook_func(
        lambda kind: kind == tuple[Text, ...], _structure_items(text)
    )
    converter.register_structure_hook_func(
        lambda kind: kind == tuple[tuple[Text, ...], ...], _structure_rows(text)
    )
    block_dispatch = _Dispatch(converter, BLOCK_CLASSES, "block")
    converter.register_structure_hook_func(
        lambda kind: kind == tuple[Block, ...], _structure_tuple_of(block_dispatch)
    )

    tagged = _tagged(converter)
    converter.register_unstructure_hook_factory(
        attrs.has, lambda cls: _attrs_unstructure(converter, cls)
    )
    converter.register_unstructure_hook_func(lambda kind: kind in (Block, Inline), tagged)
    inline_unstructure = _unstructure_text(tagged)
    converter.register_unstructure_hook_func(lambda kind: kind == Text, inline_unstructure)
    converter.register_unstructure_hook_func(
        lambda kind: kind == tuple[Text, ...],
        lambda items: [inline_unstructure(item) for item in items],
    )
    converter.register_unstructure_hook_func(
        lambda kind: kind == tuple[tuple[Text, ...], ...],
        lambda rows: [[inline_unstructure(cell) if cell else "" for cell in row] for row in rows],
    )
    return converter


@lru_cache(maxsize=1)
def _converter() -> cattrs.Converter:
    return make_converter()


# --- public API ----------------------------------------------------------------


def structure(value: object) -> Article:
    """Build an :class:`Article` from a parsed JSON value.

    Raises:
        ValidationError: listing every problem with its JSON path.
    """
    if not isinstance(value, dict):
        raise _fail(f"expected a JSON object holding an article, got {_json_type(value)}")
    fields = dict(value)
    problems: list[Problem] = []
    schema = fields.pop("$schema", "")
    if not isinstance(schema, str):
        problems.append(Problem("$schema", f"expected a string, got {_json_type(schema)}"))
    tag = fields.pop("type", "article")
    if tag == "edition":
        raise _fail(
            '"edition": this is an edition, not an article'
            " (read it with load_edition, or convert it with messenger-content edition)",
            "type",
        )
    if tag != "article":
        problems.append(Problem("type", f'expected "article", got {json.dumps(tag)[:40]}'))
    try:
        article: Article = _converter().structure(fields, Article)
    except Exception as error:  # noqa: BLE001 - every failure becomes a problem
        problems.extend(problems_of(error))
    if problems:
        raise ValidationError(problems)
    return article


def unstructure(article: Article) -> dict[str, Any]:
    """Turn an article into canonical JSON values (``type`` first, unset fields left out)."""
    result: dict[str, Any] = {"type": "article"}
    result.update(_converter().unstructure(article, Article))
    return result


def parse_json(text: str | bytes, *, source: str | None = None) -> object:
    """Parse JSON text (``str``, or UTF-8 ``bytes`` with or without a BOM) into a value.

    Raises:
        ParseError: the text is not JSON this package can read.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ParseError(
                f"not valid UTF-8 (byte 0x{error.object[error.start]:02x} at offset {error.start})",
                source=source,
            ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ParseError("the document is empty; expected a JSON object", source=source)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
            source=source,
        ) from None
    except RecursionError:
        raise ParseError("the document is nested too deeply to read", source=source) from None
    except ValueError as error:  # e.g. numbers with too many digits
        raise ParseError(f"not valid JSON: {error}", source=source) from None


def loads(text: str | bytes, *, source: str | None = None) -> Article:
    """Load an article from JSON text (``str``, or UTF-8 ``bytes`` with or without a BOM).

    Raises:
        ParseError: the text is not JSON this package can read.
        ValidationError: the JSON does not describe a valid article.
    """
    value = parse_json(text, source=source)
    try:
        return structure(value)
    except ValidationError as error:
        raise error if source is None else error.with_source(source) from None


def load(path: str | os.PathLike[str]) -> Article:
    """Load an article from a JSON file.

    Raises:
        ParseError: the file is not JSON this package can read.
        ValidationError: the JSON does not describe a valid article.
        OSError: the file cannot be read.
    """
    data = Path(path).read_bytes()
    return loads(data, source=os.fspath(path))


def dumps(article: Article) -> str:
    """Write an article as canonical JSON text (2-space indent, UTF-8, trailing newline)."""
    return json.dumps(unstructure(article), ensure_ascii=False, indent=2) + "\n"


def dump(article: Article, path: str | os.PathLike[str]) -> None:
    """Write an article as canonical JSON to *path* (atomically: a temporary file renamed)."""
    from ._files import write_atomic

    write_atomic(Path(path), dumps(article).encode("utf-8"))
