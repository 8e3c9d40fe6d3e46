"""A quick yes for a document that is valid against a JSON schema.

jsonschema walks a plan of a thousand items in most of a second (it builds
a validator object per keyword and value), which made schema validation
the largest cost of checking a big plan. Almost every plan is valid, so
:func:`validator` compiles a schema once into plain Python closures that
only answer *valid or not*; jsonschema still produces every error message.

The closures agree with jsonschema's Draft 2020-12 validator on the
keywords they know (type, enum, const, required, properties,
additionalProperties, items, oneOf, anyOf, allOf, not, local $ref,
minimum/maximum, minLength/maxLength, minItems/maxItems, min/maxProperties,
pattern, propertyNames). A schema using
any other keyword gets no fast validator, and a value of a type JSON does
not have (a date, a subclass of str) makes the quick check give up, so a
"no" or a doubt always goes to jsonschema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that never make an instance invalid (formats are annotations
# unless a format checker is given, and schema_error gives none).
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title", "description",
                          "examples", "default", "deprecated", "readOnly", "writeOnly", "format",
                          "contentMediaType", "contentEncoding"})


class Unsure(Exception):
    """The quick check cannot vouch for this value; ask jsonschema."""


class Unsupported(Exception):
    """The schema uses a keyword the quick check does not implement."""


def _kind(value: Any) -> str:
    cls = value.__class__
    if cls is str:
        return "string"
    if cls is dict:
        return "object"
    if cls is list:
        return "array"
    if cls is bool:
        return "boolean"
    if cls is int:
        return "integer"
    if cls is float:
        return "float"
    if value is None:
        return "null"
    raise Unsure


def _is_type(value: Any, name: str) -> bool:
    kind = _kind(value)
    if kind == name:
        return True
    if name == "number":
        return kind in ("integer", "float")
    if name == "integer" and kind == "float":
        return value.is_integer()
    return False


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's equality for scalars: True is not 1, "1" is not 1."""
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        raise Unsure
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    return one == two


def validator(schema: Any) -> Check | None:
    """A function telling whether a value is valid against ``schema``
    (raising :class:`Unsure` when it cannot tell), or None when the schema
    uses a keyword this module does not implement."""
    refs: dict[str, Check | None] = {}

    def resolve(pointer: str) -> Any:
        if not pointer.startswith("#"):
            raise Unsupported(pointer)
        target = schema
        for part in [p for p in pointer[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                raise Unsupported(pointer)
        return target

    def reference(pointer: str) -> Check:
        if pointer not in refs:
            refs[pointer] = None            # being built: a recursive $ref looks it up when called
            refs[pointer] = build(resolve(pointer))
        built = refs[pointer]
        if built is not None:
            return built
        return lambda value: refs[pointer](value)  # type: ignore[misc]

    def domain(node: Any, depth: int = 0) -> frozenset[type] | None:
        """The classes a value valid against ``node`` can have, if its type says."""
        if not isinstance(node, dict) or depth > 8:
            return None
        if "type" in node:
            names = [node["type"]] if isinstance(node["type"], str) else list(node["type"])
            if any(name not in _CLASSES for name in names):
                return None
            # A float can be an integer (1.0).
            return frozenset(cls for name in names for cls in _CLASSES[name] | ({float} if name == "integer" else set()))
        if "$ref" in node:
            return domain(resolve(node["$ref"]), depth + 1)
        return None

    def build(node: Any) -> Check:
        if node is True:
            return lambda value: True
        if node is False:
            return lambda value: False
        if not isinstance(node, dict):
            raise Unsupported(repr(node))
        checks: list[Check] = []
        # "type": "object" (or "array") beside the keywords that walk one is
        # folded into that walk: one call per value, not three.
        shape = node.get("type") if node.get("type") in ("object", "array") else None
        for key, argument in node.items():
            if key in _ANNOTATIONS:
                continue
            if key == "type":
                if not (shape == "object" and any(k in node for k in ("required", "properties",
                                                                       "additionalProperties"))
                        or shape == "array" and "items" in node and "prefixItems" not in node):
                    checks.append(_type(argument))
            elif key == "enum":
                checks.append(_enum(list(argument)))
            elif key == "const":
                checks.append(_enum([argument]))
            elif key in ("required", "properties", "additionalProperties"):
                if key == "additionalProperties" and "patternProperties" in node:
                    raise Unsupported(key)
                if key == next(k for k in node if k in ("required", "properties", "additionalProperties")):
                    additional = node.get("additionalProperties", True)
                    checks.append(_object(list(node.get("required", ())),
                                          {name: build(sub) for name, sub in node.get("properties", {}).items()},
                                          None if additional is True else build(additional),
                                          strict=shape == "object"))
            elif key == "items":
                if "prefixItems" in node:
                    raise Unsupported(key)
                checks.append(_items(build(argument), strict=shape == "array"))
            elif key in ("oneOf", "anyOf", "allOf"):
                subs = [build(sub) for sub in argument]
                domains = [domain(sub) for sub in argument] if key != "allOf" else []
                checks.append(_by_class(subs, domains) if _disjoint(domains) else _combine(key, subs))
            elif key == "not":
                inner = build(argument)
                checks.append(lambda value, inner=inner: not inner(value))
            elif key == "$ref":
                checks.append(reference(argument))
            elif key in _BOUNDS:
                checks.append(_bound(key, argument))
            elif key == "pattern":
                checks.append(_pattern(re.compile(argument)))
            elif key == "propertyNames":
                checks.append(_names(build(argument)))
            else:
                raise Unsupported(key)
        if not checks:
            return _yes
        if len(checks) == 1:
            return checks[0]
        return _all(checks)

    try:
        return build(schema)
    except Unsupported:
        return None


def _yes(value: Any) -> bool:
    return True


# What a check vouches for without being called: the classes of which every
# value is valid (``accepts``) and the texts that are valid (``members``).
# A walk over an object or a list asks these first; a value they do not
# vouch for is given to the check itself, so they only save calls.
_NOTHING: frozenset[Any] = frozenset()


def _outright(check: Check) -> tuple[frozenset[type], frozenset[str]] | None:
    accepts = getattr(check, "accepts", _NOTHING)
    members = getattr(check, "members", _NOTHING)
    return (accepts, members) if accepts or members else None


def _branches(check: Check) -> dict[type, Check]:
    """For a oneOf or anyOf of disjoint types (_by_class), the branch taking
    each class: a walk calls that branch itself, one call fewer per value
    (a measure list, each measure). Empty for any other check."""
    return getattr(check, "branches", {})


def _all(checks: list[Check]) -> Check:
    if len(checks) == 2:
        # Most often a type and a bound ("type": "string", "minLength": 1): no loop.
        first, second = checks

        def check(value: Any) -> bool:
            return first(value) and second(value)
    else:
        def check(value: Any) -> bool:
            for one in checks:
                if not one(value):
                    return False
            return True
    check.parts = checks            # type: ignore[attr-defined]
    return check


def _given(check: Check, cls: type) -> Check:
    """``check`` for values of class ``cls`` only, without the parts of an
    allOf that are a type taking ``cls`` (they hold for every such value):
    an id's text branch is its minLength alone."""
    parts = getattr(check, "parts", None)
    if parts is None:
        return check
    rest = [part for part in parts if not (getattr(part, "only_type", False) and cls in part.accepts)]
    if len(rest) == len(parts):
        return check
    return rest[0] if len(rest) == 1 else _all(rest) if rest else _yes


# The classes each JSON type takes (exact classes: a subclass is unsure).
_CLASSES = {"string": {str}, "object": {dict}, "array": {list}, "boolean": {bool}, "integer": {int},
            "number": {int, float}, "null": {type(None)}}
_KNOWN = frozenset({str, dict, list, bool, int, float, type(None)})
_yes.accepts = _KNOWN        # type: ignore[attr-defined]


def _type(argument: Any) -> Check:
    names = [argument] if isinstance(argument, str) else list(argument)
    if any(name not in _CLASSES for name in names):
        raise Unsupported(f"type {argument!r}")
    accepted = frozenset(cls for name in names for cls in _CLASSES[name])
    integral = "integer" in names and float not in accepted

    def check(value: Any) -> bool:
        cls = value.__class__
        if cls in accepted:
            return True
        if cls not in _KNOWN:
            raise Unsure
        return integral and cls is float and value.is_integer()
    check.accepts = accepted        # type: ignore[attr-defined]
    check.only_type = True          # type: ignore[attr-defined]
    return check


def _enum(members: list[Any]) -> Check:
    def slow(value: Any) -> bool:
        return any(_equal(member, value) for member in members)
    if not members or not all(member is None or member.__class__ is str for member in members):
        return slow
    texts = frozenset(member for member in members if member is not None)
    null = None in members

    def check(value: Any) -> bool:
        cls = value.__class__
        if cls is str:
            return value in texts
        if value is None:
            return null
        if cls in _KNOWN:
            return False    # text and null equal no number, list or mapping
        return slow(value)
    check.members = texts           # type: ignore[attr-defined]
    check.accepts = frozenset({type(None)}) if null else _NOTHING   # type: ignore[attr-defined]
    return check


def _object(required: list[str], properties: dict[str, Check], additional: Check | None,
            strict: bool = False) -> Check:
    """required, properties and additionalProperties in one pass over the
    object; ``strict`` when the value must be an object ("type": "object")."""
    if additional is not None and _outright(additional) == (_KNOWN, _NOTHING):
        additional = None           # true, or a schema that takes anything
    # Per property, in one lookup: the classes and texts vouched for without
    # a call, the branch for each class, and the check itself.
    known = {name: (*(_outright(sub) or (_NOTHING, _NOTHING)), _branches(sub), sub)
             for name, sub in properties.items()}

    def check(value: Any) -> bool:
        cls = value.__class__
        if cls is not dict:
            if cls not in _KNOWN:
                raise Unsure
            return not strict
        for name in required:
            if name not in value:
                return False
        for name, child in value.items():
            if name.__class__ is not str:
                raise Unsure
            entry = known.get(name)
            if entry is None:
                if additional is not None and not additional(child):
                    return False
                continue
            accepts, members, table, sub = entry
            kind = child.__class__
            if kind in accepts or kind is str and child in members:
                continue
            if not table.get(kind, sub)(child):
                return False
        return True
    return check


def _items(sub: Check, strict: bool = False) -> Check:
    """items; ``strict`` when the value must be a list ("type": "array")."""
    accepts, members = _outright(sub) or (_NOTHING, _NOTHING)
    table = _branches(sub)

    def check(value: Any) -> bool:
        cls = value.__class__
        if cls is not list:
            if cls not in _KNOWN:
                raise Unsure
            return not strict
        for element in value:
            kind = element.__class__
            if kind in accepts or kind is str and element in members:
                continue
            if not table.get(kind, sub)(element):
                return False
        return True
    return check


def _disjoint(domains: list[frozenset[type] | None]) -> bool:
    if not domains or any(one is None for one in domains):
        return False
    seen: set[type] = set()
    for one in domains:
        if seen & one:  # type: ignore[operator]
            return False
        seen |= one  # type: ignore[operator]
    return True


def _by_class(subs: list[Check], domains: list[frozenset[type] | None]) -> Check:
    """oneOf or anyOf of schemas that take disjoint types: only the one
    taking the value's class can hold, so oneOf is anyOf and the others
    need not be asked."""
    # Each branch is called only with values of its class: a type it
    # states for that class need not be checked again.
    table = {cls: _given(sub, cls) for sub, one in zip(subs, domains) for cls in one or ()}
    # A class its schema takes whole (null, or text of any content) is vouched for.
    accepts = frozenset(cls for cls, sub in table.items() if cls in getattr(sub, "accepts", ()))

    def check(value: Any) -> bool:
        cls = value.__class__
        sub = table.get(cls)
        if sub is None:
            if cls not in _KNOWN:
                raise Unsure
            return False
        return sub(value)
    check.accepts = accepts         # type: ignore[attr-defined]
    check.branches = table          # type: ignore[attr-defined]
    return check


def _combine(key: str, subs: list[Check]) -> Check:
    if key == "allOf":
        return _all(subs)
    if key == "anyOf":
        def any_of(value: Any) -> bool:
            for sub in subs:
                if sub(value):
                    return True
            return False
        return any_of

    def one_of(value: Any) -> bool:
        found = False
        for sub in subs:
            if sub(value):
                if found:
                    return False
                found = True
        return found
    return one_of


_BOUNDS = {
    "minimum": ("number", lambda value, bound: not value < bound),
    "maximum": ("number", lambda value, bound: not value > bound),
    "exclusiveMinimum": ("number", lambda value, bound: not value <= bound),
    "exclusiveMaximum": ("number", lambda value, bound: not value >= bound),
    "minLength": ("string", lambda value, bound: not len(value) < bound),
    "maxLength": ("string", lambda value, bound: not len(value) > bound),
    "minItems": ("array", lambda value, bound: not len(value) < bound),
    "maxItems": ("array", lambda value, bound: not len(value) > bound),
    "minProperties": ("object", lambda value, bound: not len(value) < bound),
    "maxProperties": ("object", lambda value, bound: not len(value) > bound),
}


def _bound(key: str, bound: Any) -> Check:
    applies, holds = _BOUNDS[key]
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        raise Unsupported(key)
    classes = _CLASSES[applies]
    if applies == "string":
        # A text's length bound (an id's minLength) without a call to ``holds``.
        shorter = key == "minLength"

        def length(value: Any) -> bool:
            cls = value.__class__
            if cls is str:
                return not len(value) < bound if shorter else not len(value) > bound
            if cls not in _KNOWN:
                raise Unsure
            return True
        return length

    def check(value: Any) -> bool:
        cls = value.__class__
        if cls in classes:
            return holds(value, bound)
        if cls not in _KNOWN:
            raise Unsure
        return True
    return check


def _pattern(pattern: re.Pattern[str]) -> Check:
    return lambda value: _kind(value) != "string" or pattern.search(value) is not None


def _names(sub: Check) -> Check:
    def check(value: Any) -> bool:
        if _kind(value) != "object":
            return True
        return all(sub(name) for name in value)
    return check


def is_valid(check: Check | None, value: Any) -> bool:
    """True only when ``check`` vouches that ``value`` is valid."""
    if check is None:
        return False
    try:
        return check(value)
    except (Unsure, RecursionError):
        return False
