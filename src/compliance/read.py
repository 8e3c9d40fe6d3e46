"""Reading plan files: bytes, encoding, YAML or JSON, and where every value sits.

Input is untrusted. Only the YAML core types are built (no tag constructs an
object or runs code), aliases and nesting are bounded, and every problem
becomes one :class:`UserError` naming the file and line.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import fastyaml
from .errors import UserError

PathKey = tuple[Any, ...]          # ("items", 3, "measures", 0, "text")
Pos = tuple[int, int]              # 1-based line and column


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input may cost; generous for real plans."""

    max_bytes: int = 20 * 1024 * 1024
    max_nodes: int = 2_000_000      # values after alias expansion
    max_depth: int = 64
    max_aliases: int = 10_000
    # One value (or key) of a plan, in characters: a page of text is a few
    # thousand; rule patterns are searched with Python's re, which has no
    # length limit, but nothing in a plan needs more.
    max_string: int = 100_000
    # Items (整改任务) in one plan, counted by compliance.model: a province's
    # ledger holds a few thousand.
    max_items: int = 20_000


DEFAULT_LIMITS = Limits()

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
# Excel ledgers, Word tables and CSV files, read by compliance.tables.
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".csv")


_MISSING = object()


class Positions(MutableMapping[PathKey, Pos]):
    """Where each value (or each key) of a plan read by the C reader is
    written: the dict the Python loop makes, found by path when asked.

    A plan has thousands of values and keys, and a check asks where a few
    hundred of them are (to locate its findings); a tuple for each path and
    each position, and the dicts of them, cost a fifth of reading the plan.
    The C reader keeps the positions in a flat array instead
    (compliance._cyaml.Layout), which a path is walked down. What is set
    here is held apart; anything but a lookup (iterating, counting,
    comparing) makes the dict once, in the same order, and uses it."""

    __slots__ = ("_layout", "_key", "_added", "_table")

    def __init__(self, layout: Any, key: bool) -> None:
        self._layout = layout
        self._key = key
        self._added: dict[PathKey, Pos] | None = None
        self._table: dict[PathKey, Pos] | None = None

    def get(self, path: PathKey, default: Any = None) -> Any:
        if self._table is not None:
            return self._table.get(path, default)
        if self._added and path in self._added:
            return self._added[path]
        found = self._layout.find(path, self._key)
        return default if found is None else found

    def __getitem__(self, path: PathKey) -> Pos:
        found = self.get(path, _MISSING)
        if found is _MISSING:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return self.get(path, _MISSING) is not _MISSING  # type: ignore[arg-type]

    def __setitem__(self, path: PathKey, where: Pos) -> None:
        if self._table is not None:
            self._table[path] = where
        else:
            if self._added is None:
                self._added = {}
            self._added[path] = where

    def __delitem__(self, path: PathKey) -> None:
        del self.table()[path]

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())

    def __repr__(self) -> str:
        return repr(self.table())

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self.table(),)

    def table(self) -> dict[PathKey, Pos]:
        """Every path's position, as a dict (made on first use)."""
        if self._table is None:
            self._table = self._layout.table(self._key)
            if self._added:
                self._table.update(self._added)
            self._added = None
        return self._table


@dataclass
class Document:
    """A parsed file: plain values plus the position of each value and key."""

    name: str
    value: Any
    values: dict[PathKey, Pos] = field(default_factory=dict)
    keys: dict[PathKey, Pos] = field(default_factory=dict)
    raw: bytes = b""
    # Numbers as written: YAML reads deadline 2024.06 as the float 2024.06.
    numbers: dict[PathKey, str] = field(default_factory=dict)
    # For a table (a spreadsheet, a Word table): where each value is as its
    # users name it, "整改台账!F12" or "表1 第3行"; positions hold row and column.
    places: dict[PathKey, str] = field(default_factory=dict)
    # For a table: the empty cells of each row, by column name (keys holds
    # their positions), so a missing field is reported at its cell.
    blanks: dict[PathKey, list[str]] = field(default_factory=dict)


def read_bytes(name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a file, or of standard input for ``-``."""
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limits.max_bytes + 1)
        else:
            path = Path(name)
            if path.is_dir():
                raise UserError("is a folder, not a plan file", name)
            with path.open("rb") as handle:
                data = _read_at_most(handle, limits.max_bytes + 1)
    except UserError:
        raise
    except OSError as error:
        raise UserError(f"cannot read: {error.strerror or error}", name) from None
    if len(data) > limits.max_bytes:
        raise UserError(f"file is larger than the limit of {_size(limits.max_bytes)}", name)
    return data


def _read_at_most(handle: BinaryIO, limit: int) -> bytes:
    """The first ``limit`` bytes of an open file, or all if fewer. Asked for
    ``limit`` bytes at once, Python allocates that much (20 MB) for every
    file; so a file's size, when the system tells it, is read first, and
    anything past it (a file still growing) after."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        size = 0
    if not 0 < size < limit:
        return handle.read(limit)
    data = handle.read(size + 1)
    return data if len(data) <= size else data + handle.read(limit - len(data))


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes, name: str) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16/32 with BOM, or GB18030/GBK.

    Windows editors save Chinese text as GBK; GB18030 is its superset, so one
    codec covers both.
    """
    return _decode(data, name)[0]


def _decode(data: bytes, name: str) -> tuple[str, bool]:
    """:func:`decode`'s text, and whether ``data`` was UTF-8."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return (data[len(bom):].decode(codec), True) if codec == "utf-8" else (data.decode(codec), False)
            except UnicodeDecodeError as error:
                # The line of the bad bytes: the line breaks of the text before them.
                start = error.start + (len(bom) if codec == "utf-8" else 0)
                line = data[:start].decode(codec, "ignore").count("\n") + 1
                raise UserError(f"not valid {codec.upper()} text (byte {start})", name, line) from None
    if b"\x00" in data:
        raise UserError("binary file, not a YAML or JSON plan", name, _line_of(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), False
        except UnicodeDecodeError:
            raise UserError("not UTF-8 or GB18030 text", name, _line_of(data, utf8_error.start)) from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse(text: str, name: str, limits: Limits = DEFAULT_LIMITS, printable: bool = False,
          utf8: bytes | None = None) -> Document:
    """A Document from YAML or JSON text; JSON is read as the YAML it is a
    subset of. ``printable``: the caller has found no character of ``text``
    that YAML refuses (:func:`_printable_utf8`). ``utf8``: ``text`` as UTF-8,
    where the caller holds it (the C reader then need not encode it)."""
    written = text
    if not text.strip():
        raise UserError("empty file: expected a plan with 'plan' and 'items'", name, 1)
    # Characters YAML refuses (Word's manual line break \x0b, other controls)
    # become spaces, one for one, so positions stay as written.
    # Separators YAML counts as line breaks but editors do not (U+2028, NEL)
    # become spaces too, so lines are numbered as the clerk sees them.
    if not printable:
        text = _NON_PRINTABLE.sub(" ", text)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.translate(_EDITOR_INVISIBLE_BREAKS)
    if name.lower().endswith(".json"):
        _check_json_syntax(text, name)
        # Outside strings JSON allows tabs as spacing, YAML does not; inside
        # strings JSON forbids raw tabs. One for one, positions stay.
        text = text.replace("\t", " ")
    else:
        # A tab pasted from Excel inside a value stops PyYAML's scanner;
        # indentation tabs stay, and are reported as YAML reports them.
        text = _tabs_inside_values(text)
    # libyaml when it gives exactly what PyYAML would (compliance.fastyaml), else PyYAML.
    # Each step above returns the very text it was given when it changes nothing.
    document = fastyaml.document(text, _Converter(name, limits, text), utf8 if text is written else None)
    if document is not None:
        return document         # it declines any value over limits.max_string
    root = fastyaml.compose(text, limits.max_depth) or _compose(text, name)
    document = _Converter(name, limits, text).document(root)
    # No value can be longer than the whole text.
    return check_strings(document, limits) if len(text) > limits.max_string else document


def check_strings(document: Document, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The document, or a UserError at its first value or key (in document
    order) longer than ``limits.max_string`` characters. A table's value is
    named by its cell (整改台账!F12), as schema errors are."""
    maximum = limits.max_string

    def fail(what: str, length: int, path: PathKey, positions: dict[PathKey, Pos]) -> UserError:
        line, column = positions.get(path) or document.values.get(path) or (None, None)
        place = document.places.get(path)
        return UserError(f"{place + ': ' if place else ''}{what} of {length:,} characters is over the limit "
                         f"of {maximum:,}", document.name, line, column)

    if not _longer(document.value, maximum):
        return document
    # Where: (path, value, whether the value is the key at the path), in document order.
    stack: list[tuple[PathKey, Any, bool]] = [((), document.value, False)]
    while stack:
        path, value, is_key = stack.pop()
        if isinstance(value, str):
            if len(value) > maximum:
                raise fail("a key" if is_key else "a value", len(value), path,
                           document.keys if is_key else document.values)
        elif isinstance(value, dict):
            for key, child in reversed(value.items()):
                stack += [(path + (key,), child, False), (path + (key,), key, True)]
        elif isinstance(value, list):
            stack.extend((path + (index,), child, False) for index, child in reversed(list(enumerate(value))))
    return document


def _longer(value: Any, maximum: int) -> bool:
    """Whether any string in ``value`` (keys too) is longer than ``maximum``:
    the quick pass over a plan's values, without their paths."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        if isinstance(value, str):
            if len(value) > maximum:
                return True
        elif isinstance(value, dict):
            if any(isinstance(key, str) and len(key) > maximum for key in value):
                return True
            extend(value.values())
        elif isinstance(value, list):
            extend(value)
    return False


def load(name: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    if name != "-" and Path(name).suffix.lower() in TABLE_SUFFIXES:
        from .tables import load_table

        return load_table(name, limits)
    data = read_bytes(name, limits)
    document = _load_utf8(data, name, limits)
    if document is None:
        text, utf8 = _decode(data, name)
        # The bytes are the text's UTF-8 when they were UTF-8 without a BOM (which decoding drops).
        bytes_of_text = data if utf8 and not data.startswith(codecs.BOM_UTF8) else None
        document = parse(text, name, limits, printable=utf8 and _printable_utf8(data), utf8=bytes_of_text)
    document.raw = data
    return document


# Not blank, and no BOM: a BOM can only start the bytes, and a plan that
# starts (after ASCII spacing) with printable ASCII has none.
_STARTS_PRINTABLE = re.compile(b"[ \t\n\r\x0b\x0c]*[!-~]").match


def _load_utf8(data: bytes, name: str, limits: Limits) -> Document | None:
    """parse()'s Document of a YAML plan's bytes, read by the C reader
    without decoding them to a str first (a twentieth of reading a plan), where
    parse() would read the text as it is: not blank, no character it
    replaces or looks at again (fastyaml.cyaml_unchanged: a NUL, a tab, a
    line separator, U+FEFF), none YAML refuses. Else None (and the bytes are
    decoded and parsed as ever); invalid UTF-8 stops libyaml, as it does the
    decoder, before the C reader answers."""
    if (name.lower().endswith(".json") or fastyaml.cyaml_unchanged is None or not _STARTS_PRINTABLE(data)
            or not fastyaml.cyaml_unchanged(data)):
        return None
    return fastyaml.document_utf8(data, _Converter(name, limits))


_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]")


# What _NON_PRINTABLE finds, as UTF-8 (which holds no surrogate): the C0
# controls but tab and line breaks, DEL, the C1 controls but NEL, U+FFFE
# and U+FFFF. Searching the bytes for each is a fraction of the pattern's
# walk over the text, character by character.
_CONTROL_BYTES = tuple(bytes([byte]) for byte in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F))
_C1_UTF8 = re.compile(b"\xc2[\x80-\x84\x86-\x9f]")


def _printable_utf8(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds no character _NON_PRINTABLE replaces."""
    if fastyaml.cyaml_printable is not None:        # one pass in C, a third of the searches below
        return fastyaml.cyaml_printable(data)
    return (not any(byte in data for byte in _CONTROL_BYTES) and _C1_UTF8.search(data) is None
            and b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data)


_EDITOR_INVISIBLE_BREAKS = str.maketrans({"\u2028": " ", "\u2029": " ", "\x85": " "})


def _tabs_inside_values(text: str) -> str:
    if "\t" not in text:
        return text
    lines = text.split("\n")
    for number, line in enumerate(lines):
        body = line.lstrip(" \t")
        if "\t" in body:
            lines[number] = line[:len(line) - len(body)] + body.replace("\t", " ")
    return "\n".join(lines)


def _check_json_syntax(text: str, name: str) -> None:
    # YAML accepts some text that JSON does not; a .json file must be JSON.
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"invalid JSON: {error.msg}", name, error.lineno, error.colno) from None
    except (ValueError, RecursionError) as error:
        raise UserError(f"invalid JSON: {error}", name) from None


class _Composer(yaml.SafeLoader):
    """SafeLoader used only to compose nodes; it never constructs objects."""


def _compose(text: str, name: str) -> Node:
    loader = None
    try:
        loader = _Composer(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if "expected a single document" in str(error.context):
            problem = "several YAML documents in one file; a plan file holds one"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise UserError(f"invalid YAML: {problem}", name, line, column) from None
    except yaml.YAMLError as error:
        raise UserError(f"invalid YAML: {error}", name) from None
    except RecursionError:
        raise UserError("invalid YAML: nesting too deep", name) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        raise UserError("empty file: expected a plan with 'plan' and 'items'", name, 1)
    return node


_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}


class _Converter:
    """Turns composed nodes into plain values, bounded and with positions."""

    def __init__(self, name: str, limits: Limits, text: str = "") -> None:
        self.name = name
        self.text = text
        self.limits = limits
        self.nodes = 0
        self.aliases = 0
        self.seen: dict[int, int] = {}
        self.constructor = SafeConstructor()
        self.values: dict[PathKey, Pos] = {}
        self.keys: dict[PathKey, Pos] = {}
        self.numbers: dict[PathKey, str] = {}

    def document(self, root: Node) -> Document:
        value = self.convert(root, (), 0)
        return Document(self.name, value, self.values, self.keys, numbers=self.numbers)

    def fail(self, node: Node, message: str) -> UserError:
        mark = node.start_mark
        return UserError(message, self.name, mark.line + 1, mark.column + 1)

    def convert(self, node: Node, path: PathKey, depth: int) -> Any:
        self.count(node, depth)
        self.values[path] = self.position(node)
        if isinstance(node, ScalarNode):
            value = self.scalar(node)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                self.numbers[path] = node.value
            return value
        if isinstance(node, SequenceNode):
            self.check_tag(node, f"{_CORE}seq")
            return [self.convert(child, path + (index,), depth + 1) for index, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self.check_tag(node, f"{_CORE}map")
            return self.mapping(node, path, depth)
        raise self.fail(node, "unsupported YAML node")

    def position(self, node: Node) -> Pos:
        """Where a value starts; a block scalar (| or >) starts on the line
        after its indicator, and that is the line a clerk reads."""
        mark = node.start_mark
        if isinstance(node, ScalarNode) and node.style in ("|", ">"):
            line_start = self.text.find("\n", mark.index)
            if line_start != -1:
                following = self.text[line_start + 1:self.text.find("\n", line_start + 1) % (len(self.text) + 1)]
                return mark.line + 2, len(following) - len(following.lstrip(" ")) + 1
        return mark.line + 1, mark.column + 1

    def count(self, node: Node, depth: int) -> None:
        self.nodes += 1
        if depth > self.limits.max_depth:
            raise self.fail(node, f"nesting deeper than {self.limits.max_depth} levels")
        if self.nodes > self.limits.max_nodes:
            raise self.fail(node, f"more than {self.limits.max_nodes} values (an alias bomb?)")
        # The composer returns the same node object for each use of an alias.
        key = id(node)
        if key in self.seen and not isinstance(node, ScalarNode):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise self.fail(node, f"more than {self.limits.max_aliases} alias uses (an alias bomb?)")
        self.seen[key] = 1

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail(node, _unsupported(node.tag))

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise self.fail(node, _unsupported(tag))
        if tag.endswith(":str") or tag.endswith(":timestamp"):
            # Dates stay text; the plan model parses them with the Chinese forms.
            return _whole_characters(node.value)
        if len(node.value) > 40:
            # A number that long is no number a plan holds; Python also
            # refuses to print ints past 4,300 digits.
            return node.value
        try:
            if tag.endswith(":int"):
                return self.constructor.construct_yaml_int(node)
            if tag.endswith(":float"):
                return self.constructor.construct_yaml_float(node)
            if tag.endswith(":bool"):
                return self.constructor.construct_yaml_bool(node)
        except (ValueError, OverflowError):
            return node.value
        return None

    def mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                raise self.fail(key_node, "YAML merge keys (<<) are not supported in plans")
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be plain text")
            key = self.scalar(key_node)
            key = key if isinstance(key, str) else str(key)
            if key in result:
                raise self.fail(key_node, f"duplicate key {key!r}")
            self.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.convert(value_node, path + (key,), depth + 1)
        return result


def _unsupported(tag: str) -> str:
    shown = "!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag
    return f"unsupported YAML tag {shown}: plans hold plain text, numbers, dates, lists and mappings"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(text: str) -> str:
    """Text with escaped surrogate pairs (JSON's \\ud840\\udc13) joined into
    one character, and any lone surrogate replaced, so it can be printed."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def expand_inputs(paths: list[str]) -> list[str]:
    """Files named, plus plan files found in folders named, in a stable order."""
    found: list[str] = []
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            found.extend(str(p) for p in sorted(path.rglob("*"))
                         if p.suffix.lower() in PLAN_SUFFIXES + TABLE_SUFFIXES and p.is_file()
                         # Office's lock file of an open document (~$整改台账.xlsx) is no plan.
                         and not (p.suffix.lower() in TABLE_SUFFIXES and p.name.startswith("~$"))
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(name)
    return found
