"""Composing YAML nodes with libyaml, exactly as PyYAML's SafeLoader would.

Composing a big plan with PyYAML's pure-Python scanner and parser was most
of the time a check took. libyaml parses about ten times faster, but its
own composer (``CSafeLoader.get_single_node``) recurses in C without a
bound, so a file of a hundred thousand ``[`` crashes the interpreter. Here
libyaml only produces events, and the nodes are built from them in a loop
whose depth is bounded.

This is a fast path, never a second opinion: :func:`compose` returns the
very nodes (tags, values, styles, start and end marks) PyYAML composes, or
None, and the caller then composes with PyYAML, which reports any error
with its own messages. It returns None for every input where the two are
known to differ or might: an error of any kind, more than one document,
a duplicate or undefined anchor, nesting beyond the depth limit, a
byte-order mark inside the text (counted differently in columns), an empty
value at the end of a text without a final line break, a block scalar
whose header PyYAML would refuse (``|#``), and a
plain scalar inside a flow collection that is empty after a colon
(``{a: , b: 1}``: the two place the empty value one column apart) or holds
one of ``?:#,[]{}``
(libyaml reads ``[a?b]`` as one scalar, PyYAML stops at the ``?``).
tests/test_read.py compares both composers on every YAML file of the
repository and on mutations of them.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

AVAILABLE = bool(getattr(yaml, "__with_libyaml__", False))
try:                    # the C reader, built where libyaml's headers were found (setup.py)
    from . import _cyaml
except ImportError:     # pragma: no cover - depends on the build
    _cyaml = None
# The C reader's check for characters YAML refuses (read._printable_utf8), or None.
cyaml_printable = getattr(_cyaml, "printable", None)
# Its check for those and the characters read.parse changes or looks at again (read._load_utf8), or None.
cyaml_unchanged = getattr(_cyaml, "unchanged", None)
# Set (COMPLIANCE_PURE_YAML=1, or by tests) to read with the Python loop only.
PURE = os.environ.get("COMPLIANCE_PURE_YAML", "") not in ("", "0")
_RESOLVE = Resolver().resolve


def _plain_tag(value: str) -> str:
    """The tag of a plain scalar without one (dates and numbers recur, so
    short ones are cached; a cache of long ones would keep them for good)."""
    return _cached_tag(value) if len(value) <= 64 else _RESOLVE(ScalarNode, value, (True, False))


@functools.lru_cache(maxsize=8192)
def _cached_tag(value: str) -> str:
    return _RESOLVE(ScalarNode, value, (True, False))
_STR = Resolver.DEFAULT_SCALAR_TAG
# The first characters for which an implicit resolver (bool, int, float,
# null, timestamp...) may apply to a plain scalar; any other plain scalar,
# and every quoted or block one, is a string. (Resolver.resolve, shortened.)
_RESOLVED_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
# The same, as the C reader takes it ('' is the empty scalar, which it always resolves).
_FIRST = "".join(sorted(first for first in _RESOLVED_FIRST if first))


def _matches_ascii_only(pattern: re.Pattern[str]) -> bool:
    r"""Whether ``pattern`` can match only ASCII text, by its source: ASCII,
    case-sensitive, no negated class, no ``.`` and no escape but ``\.``,
    ``\*`` and ``\t`` (PyYAML's resolvers are written so)."""
    source = pattern.pattern
    rest = source.replace("\\.", "").replace("\\*", "").replace("\\t", "")
    return (source.isascii() and not pattern.flags & re.IGNORECASE and "[^" not in source
            and "\\" not in rest and "." not in rest)


# Then a plain scalar holding any other character is a string, which the C
# reader tells without asking (Chinese deadlines often start with a year).
_ASCII_RESOLVERS = all(_matches_ascii_only(regexp) for regexp in
                       {id(regexp): regexp for resolvers in Resolver.yaml_implicit_resolvers.values()
                        for _tag, regexp in resolvers}.values())
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
# Whether a plain scalar written 2024-06-30 is a timestamp to the resolver,
# as PyYAML's are (float and int come first for a digit, and match no dash
# inside): a timestamp stays text, which the C reader then tells without
# asking (plans' deadlines are so written, and few of them repeat).
_ISO_DATES = (all([tag for tag, _regexp in Resolver.yaml_implicit_resolvers.get(digit, [])]
                  == ["tag:yaml.org,2002:float", "tag:yaml.org,2002:int", _TIMESTAMP] for digit in "0123456789")
              and all(_RESOLVE(ScalarNode, date, (True, False)) == _TIMESTAMP
                      for date in ("2024-06-30", "0000-00-00", "9999-99-99", "1000-01-01")))
# A plain scalar inside a flow collection that is empty, or holds a
# character the two scanners treat differently there (libyaml reads
# [a?b] and [a:b] as one scalar each; PyYAML stops at the ?).
_FLOW_DOUBT = re.compile(r"[?:#,\[\]{}]").search


def _flow_doubt(value: str, text: str, index: int, is_value: bool) -> bool:
    """Whether the two parsers may disagree on a plain scalar inside a flow
    collection. An empty one is safe only as the missing value of a key
    written without a colon ({a: 1, b}): both place it where the next token
    starts. After a colon ({a: , b: 1}) PyYAML places it right after the colon."""
    if value:
        return _FLOW_DOUBT(value) is not None
    if not is_value:
        return True
    before = index - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    return before < 0 or text[before] in ":?,[]{}#\r\n"
# A block scalar's header as PyYAML reads it: indicators, then spaces and a
# comment, or the end of the line (libyaml also takes "|#").
_BLOCK_HEADER = re.compile(r"[|>](?:[-+][1-9]?|[1-9][-+]?)?(?:[ \t]+(?:#[^\r\n]*)?)?(?:\r\n|\r|\n|$)").match


def compose(text: str, max_depth: int) -> Node | None:
    """The root node of ``text`` as yaml.SafeLoader composes it, or None
    when this fast path cannot vouch for it (see the module's docstring)."""
    if not AVAILABLE or "\ufeff" in text:
        return None
    try:
        parser = yaml.CSafeLoader(text)
    except Exception:       # noqa: BLE001 - any doubt goes to the PyYAML path
        return None
    try:
        return _build(parser.get_event, max_depth, text)
    except Exception:       # noqa: BLE001
        return None
    finally:
        parser.dispose()


def _build(get: Any, max_depth: int, text: str) -> Node | None:
    end = len(text)
    anchors: dict[str, Node] = {}
    root: Node | None = None
    documents = 0
    # Open collections: the node, and for a mapping the key waiting for its value.
    nodes: list[Any] = []
    keys: list[Any] = []
    no_key = keys
    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent:
            tag = event.tag
            if tag is None or tag == "!":
                value = event.value
                if event.implicit[0] and (not value or value[0] in _RESOLVED_FIRST or None in _RESOLVED_FIRST):
                    tag = _RESOLVE(ScalarNode, value, event.implicit)
                else:
                    tag = _STR
            style = event.style or None
            if event.start_mark.index >= end:
                # An empty value at the very end: libyaml moves the end of a
                # text without a final line break to a new line, PyYAML does not.
                return None
            node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style)
            if (style == "|" or style == ">") and not _BLOCK_HEADER(text, event.start_mark.index):
                return None
            if (style is None and nodes and nodes[-1].flow_style
                    and _flow_doubt(event.value, text, event.start_mark.index,
                                    nodes[-1].__class__ is MappingNode and keys[-1] is not no_key)):
                return None
            if event.anchor is not None:
                if event.anchor in anchors:
                    return None
                anchors[event.anchor] = node
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(nodes) >= max_depth:
                return None
            tag = event.tag
            cls = MappingNode if kind is MappingStartEvent else SequenceNode
            if tag is None or tag == "!":
                tag = _RESOLVE(cls, None, event.implicit)
            node = cls(tag, [], event.start_mark, None, flow_style=event.flow_style)
            if event.anchor is not None:
                if event.anchor in anchors:
                    return None
                anchors[event.anchor] = node
            nodes.append(node)
            keys.append(no_key)
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            node = nodes.pop()
            if keys.pop() is not no_key:
                return None
            node.end_mark = event.end_mark
        elif kind is AliasEvent:
            node = anchors.get(event.anchor)
            if node is None:
                return None
        elif kind is StreamStartEvent or kind is DocumentEndEvent:
            continue
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                return None
            continue
        elif kind is StreamEndEvent:
            return root
        else:
            return None
        if not nodes:
            if root is not None:
                return None
            root = node
        elif nodes[-1].__class__ is SequenceNode:
            nodes[-1].value.append(node)
        elif keys[-1] is no_key:
            keys[-1] = node
        else:
            nodes[-1].value.append((keys[-1], node))
            keys[-1] = no_key


_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


def document(text: str, converter: Any, utf8: bytes | None = None) -> Any:
    """The Document that ``converter`` (read._Converter) makes of ``text``,
    built straight from libyaml's events without composing nodes first; or
    None when this fast path cannot vouch for it: everything :func:`compose`
    declines, any anchor or alias, and anything the converter would refuse
    (a tag, a merge key, a duplicate key, a limit), so that the slow path
    reports it exactly as it always has. ``utf8``: ``text`` encoded, if the
    caller has it."""
    if "\ufeff" in text:
        return None
    if _cyaml is not None and not PURE and None not in _RESOLVED_FIRST:
        return _document_c(text, converter, utf8)
    if not AVAILABLE:
        return None
    try:
        parser = yaml.CSafeLoader(text)
    except Exception:       # noqa: BLE001
        return None
    try:
        value = _values(parser.get_event, converter, text)
    except Exception:       # noqa: BLE001 - a UserError too: the slow path reports it in order
        return None
    finally:
        parser.dispose()
    if value is _NONE:
        return None
    from .read import Document

    return Document(converter.name, value, converter.values, converter.keys, numbers=converter.numbers)


_NONE = object()


def _document_c(text: str, converter: Any, utf8: bytes | None = None) -> Any:
    """:func:`document` by the C reader (compliance._cyaml): the same loop as
    :func:`_values`, asking this module only about the values that need
    PyYAML's resolver, a block scalar's header or a flow collection's doubt."""
    data = utf8
    if data is None:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:          # a lone surrogate: PyYAML's reader refuses it too
            return None
    limits = converter.limits
    made = _cyaml.values(data, len(text), limits.max_depth, limits.max_nodes, limits.max_string, _FIRST,
                         functools.partial(_other, converter), functools.partial(_block, converter, text),
                         functools.partial(_doubt, text), _ASCII_RESOLVERS, _ISO_DATES)
    if made is None:
        return None
    from .read import Document, Positions

    value, layout, numbers = made
    return Document(converter.name, value, Positions(layout, False), Positions(layout, True), numbers=numbers)


def document_utf8(data: bytes, converter: Any) -> Any:
    """:func:`_document_c` of UTF-8 ``data`` (no BOM) without its text, which
    the C reader needs only for a block scalar's header or an empty value in
    a flow collection: it is decoded then (into ``converter.text``, where
    block positions are read); a plan read whole needs no str of it. None
    where there is no C reader, or it declines (the caller decodes and reads
    as before: invalid UTF-8 stops libyaml as it would the decoder)."""
    if _cyaml is None or PURE or None in _RESOLVED_FIRST:
        return None
    decoded: list[str] = []

    def text() -> str:
        if not decoded:
            decoded.append(data.decode("utf-8"))
            converter.text = decoded[0]
        return decoded[0]

    limits = converter.limits
    # end -1: the C reader counts the characters (len of the text) itself.
    made = _cyaml.values(data, -1, limits.max_depth, limits.max_nodes, limits.max_string, _FIRST,
                         functools.partial(_other, converter),
                         lambda index, line, column: _block(converter, text(), index, line, column),
                         lambda raw, index, is_value: _doubt(text(), raw, index, is_value), _ASCII_RESOLVERS,
                         _ISO_DATES)
    if made is None:
        return None
    from .read import Document, Positions

    value, layout, numbers = made
    return Document(converter.name, value, Positions(layout, False), Positions(layout, True), numbers=numbers)


class _Decline(Exception):
    """Raised in a callback of the C reader: the Python path takes the text."""


def _other(converter: Any, tag: str | None, raw: str, plain: int, quoted: int, style: str, index: int,
           line: int, column: int, is_key: int) -> tuple[Any, bool]:
    """A scalar that is not plain text, as :func:`_values` converts it: the
    value and whether it is a number (kept as written)."""
    if tag is None:
        implicit = (bool(plain), bool(quoted))
        tag = _plain_tag(raw) if implicit == (True, False) else _RESOLVE(ScalarNode, raw, implicit)
    if tag == _STR:
        return (_whole(raw) if style == '"' else raw), False
    if is_key and tag == _MERGE:
        raise _Decline
    mark = yaml.Mark(converter.name, index, line, column, None, None)
    value = converter.scalar(ScalarNode(tag, raw, mark, mark, style or None))
    return value, isinstance(value, (int, float)) and not isinstance(value, bool)


def _block(converter: Any, text: str, index: int, line: int, column: int) -> tuple[int, int] | None:
    """A block scalar's position, or None if PyYAML would refuse its header."""
    if not _BLOCK_HEADER(text, index):
        return None
    mark = yaml.Mark(converter.name, index, line, column, None, None)
    return converter.position(ScalarNode(_STR, "", mark, mark, "|"))


def _doubt(text: str, raw: str, index: int, is_value: int) -> bool:
    return _flow_doubt(raw, text, index, bool(is_value))


def _whole(text: str) -> str:
    from .read import _whole_characters

    return _whole_characters(text)


def _values(get: Any, converter: Any, text: str) -> Any:
    from .read import _whole_characters as whole

    end = len(text)
    limits = converter.limits
    max_depth, max_nodes, max_string = limits.max_depth, limits.max_nodes, limits.max_string
    scalar, position = converter.scalar, converter.position
    values, keys, numbers = converter.values, converter.keys, converter.numbers
    nodes = 0
    documents = 0
    root: Any = _NONE
    # The open collection, in locals (the loop's hot path): the container,
    # its path, whether a mapping, whether in flow style, and the key waiting
    # for its value (None: a key comes next) or the next index. Enclosing
    # ones wait on the stack.
    container: Any = None
    path: tuple[Any, ...] = ()
    mapping = flow = False
    pending: Any = None
    stack: list[tuple[Any, ...]] = []
    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent:
            raw = event.value
            tag = event.tag
            style = event.style or None
            mark = event.start_mark
            if event.anchor is not None or mark.index >= end or len(raw) > max_string:
                return _NONE        # a value too long: the slow path says where
            if tag is None or tag == "!":
                implicit = event.implicit
                if implicit[0] and (not raw or raw[0] in _RESOLVED_FIRST or None in _RESOLVED_FIRST):
                    tag = _plain_tag(raw) if implicit == (True, False) else _RESOLVE(ScalarNode, raw, implicit)
                else:
                    tag = _STR
            block = style == "|" or style == ">"
            if block and not _BLOCK_HEADER(text, mark.index):
                return _NONE
            if tag == _STR:
                # A string (the common case) as the converter makes it, without a
                # node. libyaml took the text, so it has no lone surrogate: only an
                # escape in double quotes can make one (read._whole_characters).
                node = None
                value = whole(raw) if style == '"' else raw
            else:
                node = ScalarNode(tag, raw, mark, event.end_mark, style)
            if container is None:
                if root is not _NONE:
                    return _NONE
                here: tuple[Any, ...] = ()
            elif mapping:
                if flow and style is None and _flow_doubt(raw, text, mark.index, pending is not None):
                    return _NONE
                if pending is None:                 # a key
                    if node is not None:
                        if tag == _MERGE:
                            return _NONE
                        value = scalar(node)
                        value = value if isinstance(value, str) else str(value)
                    if value in container:
                        return _NONE
                    keys[path + (value,)] = (mark.line + 1, mark.column + 1)
                    pending = value
                    continue
                here = path + (pending,)
            else:
                if flow and style is None and _flow_doubt(raw, text, mark.index, False):
                    return _NONE
                here = path + (pending,)
            nodes += 1
            if len(here) > max_depth or nodes > max_nodes:
                return _NONE
            if node is None:
                values[here] = (position(ScalarNode(tag, raw, mark, event.end_mark, style)) if block
                                else (mark.line + 1, mark.column + 1))
            else:
                values[here] = position(node)
                value = scalar(node)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    numbers[here] = raw
            if container is None:
                root = value
            elif mapping:
                container[pending] = value
                pending = None
            else:
                container.append(value)
                pending += 1
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None:
                return _NONE
            opens_mapping = kind is MappingStartEvent
            tag = event.tag
            if tag is None or tag == "!":
                tag = _MAP if opens_mapping else _SEQ
            if tag != (_MAP if opens_mapping else _SEQ):
                return _NONE
            new: Any = {} if opens_mapping else []
            if container is None:
                if root is not _NONE:
                    return _NONE
                here = ()
                root = new
            elif mapping:
                if pending is None:                 # a collection as a key
                    return _NONE
                here = path + (pending,)
                container[pending] = new
                pending = None
            else:
                here = path + (pending,)
                container.append(new)
                pending += 1
            nodes += 1
            if len(here) > max_depth or nodes > max_nodes:
                return _NONE
            mark = event.start_mark
            values[here] = (mark.line + 1, mark.column + 1)
            stack.append((container, path, mapping, flow, pending))
            container, path, mapping, flow = new, here, opens_mapping, bool(event.flow_style)
            pending = None if opens_mapping else 0
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if mapping and pending is not None:
                return _NONE
            container, path, mapping, flow, pending = stack.pop()
        elif kind is StreamStartEvent or kind is DocumentEndEvent:
            continue
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                return _NONE
        elif kind is StreamEndEvent:
            return root
        else:                                        # an alias
            return _NONE
