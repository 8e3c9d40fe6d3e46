"""The quick schema check agrees with jsonschema: it never calls an invalid
value valid, and calls every valid plan of the suite valid."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from compliance import fastschema
from compliance.model import _Canonical
from compliance.read import load
from compliance.resources import load_schema

ROOT = Path(__file__).resolve().parent.parent
PLANS = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/plans/*.yaml"),
                *ROOT.glob("tests/data/repository/plans/*.yaml"), *ROOT.glob("tests/data/repository/ledgers/*.yaml")])
SCHEMAS = ("plan", "rule", "config", "profile", "baseline")

# Values a mutation puts anywhere: every JSON type, and the edge cases of
# jsonschema's equality and types (True is not 1, 1.0 is an integer).
ODD = [None, True, False, 0, 1, -1, 1.0, 2.5, float("nan"), "", "x", "2024-01-01", "central", "county",
       [], ["a"], [1], {}, {"a": 1}, {"text": "措施"}, 10**30]


def canonical(path: Path) -> dict:
    document = load(str(path))
    return _Canonical(document).top(document.value)


def agree(schema_name: str, value: object) -> None:
    schema = load_schema(schema_name)
    quick = fastschema.is_valid(fastschema.validator(schema), value)
    valid = Draft202012Validator(schema).is_valid(value)
    # Exact on JSON's own types: never valid when jsonschema says invalid,
    # and valid whenever jsonschema says so (else it would save nothing).
    assert quick == valid, f"quick {quick}, jsonschema {valid}: {value!r}"[:2000]


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_bundled_schema_compiles(name: str) -> None:
    assert fastschema.validator(load_schema(name)) is not None


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_valid_plans_are_valid(path: Path) -> None:
    data = canonical(path)
    assert Draft202012Validator(load_schema("plan")).is_valid(data)
    assert fastschema.is_valid(fastschema.validator(load_schema("plan")), data)


def _paths(value: object, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, path + (index,))
    return found


def _mutate(data: object, rng: random.Random) -> object:
    data = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(_paths(data))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = rng.random()
        if action < 0.6:
            parent[path[-1]] = copy.deepcopy(rng.choice(ODD))
        elif action < 0.8 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "id", "kind", "status", "items", "plan"])] = copy.deepcopy(rng.choice(ODD))
    return data


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_mutated_plans_agree(path: Path) -> None:
    rng = random.Random(path.name)
    data = canonical(path)
    for _ in range(60):
        agree("plan", _mutate(data, rng))


def test_verdicts_on_types() -> None:
    schema = {"type": "object", "properties": {
        "n": {"type": "integer"}, "e": {"enum": [1, "a", None]}, "m": {"minimum": 0}, "s": {"minLength": 2}}}
    check = fastschema.validator(schema)
    for value, expected in [({"n": 1.0}, True), ({"n": True}, False), ({"e": True}, False), ({"e": 1.0}, True),
                            ({"e": None}, True), ({"m": -1}, False), ({"m": True}, True), ({"s": "一"}, False),
                            ({"s": 5}, True), ({"n": float("nan")}, False)]:
        assert fastschema.is_valid(check, value) is expected, value
        assert Draft202012Validator(schema).is_valid(value) is expected, value


def test_unknown_types_and_keywords_defer_to_jsonschema() -> None:
    import datetime

    check = fastschema.validator({"type": "object", "properties": {"d": {"type": "string"}}})
    assert not fastschema.is_valid(check, {"d": datetime.date(2024, 1, 1)})
    assert fastschema.validator({"type": "object", "unevaluatedProperties": False}) is None
    assert not fastschema.is_valid(None, {})
