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
value at the end of a text without a final line break, and a
plain scalar inside a flow collection that is empty (``{a: , b: 1}``: the
two place the empty value one column apart) or holds one of ``?:#,[]{}``
(libyaml reads ``[a?b]`` as one scalar, PyYAML stops at the ``?``).
tests/test_read.py compares both composers on every YAML file of the
repository and on mutations of them.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (AliasEvent, DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent, StreamStartEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

AVAILABLE = bool(getattr(yaml, "__with_libyaml__", False))
_RESOLVE = Resolver().resolve
_STR = Resolver.DEFAULT_SCALAR_TAG
# The first characters for which an implicit resolver (bool, int, float,
# null, timestamp...) may apply to a plain scalar; any other plain scalar,
# and every quoted or block one, is a string. (Resolver.resolve, shortened.)
_RESOLVED_FIRST = frozenset(Resolver.yaml_implicit_resolvers)
# A plain scalar inside a flow collection that is empty, or holds a
# character the two scanners treat differently there (libyaml reads
# [a?b] and [a:b] as one scalar each; PyYAML stops at the ?).
_FLOW_DOUBT = re.compile(r"^$|[?:#,\[\]{}]").search


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
        return _build(parser.get_event, max_depth, len(text))
    except Exception:       # noqa: BLE001
        return None
    finally:
        parser.dispose()


def _build(get: Any, max_depth: int, end: int) -> Node | None:
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
            if style is None and nodes and nodes[-1].flow_style and _FLOW_DOUBT(event.value):
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
