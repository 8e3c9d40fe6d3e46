"""The C writer of the engine's facts (compliance._cjson) writes what the
json module's path (compliance.engine._dumps) writes, byte for byte.

durable_rules compares strings as written, and reads a number only in the
form the Python path gives it: one byte of difference loses a fact or a
match. So the two writers are held to each other on every fact the
engine writes for the bundled examples and the oracle's plans, on
generated values, and on the values the C writer leaves to Python.
"""

from __future__ import annotations

import enum
import math
import shutil
import sysconfig
import tracemalloc
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance import engine
from compliance.check import Checker
from compliance.parents import Parents
from compliance.profiles import active_rules, load_profile
from oracle_plans import OPTIONS_VARIANT, VARIANT_OPTIONS, cases, suffix, text

ROOT = Path(__file__).resolve().parent.parent
cjson = pytest.importorskip("compliance._cjson")
ORACLE_CASES = 400     # case 258 writes a tiny concentration (5.0e-05 and the like)


def agree(value: Any) -> str:
    """The C writer's text of ``value``, asserted equal to the Python path's."""
    written = cjson.dumps(value)
    assert written is not None
    assert written == engine._dumps(value)
    return written


def test_the_c_writer_is_built_where_gcc_and_python_headers_are() -> None:
    # setup.py builds it as optional: a failed build would otherwise go unnoticed.
    if shutil.which("gcc") and Path(sysconfig.get_paths()["include"], "Python.h").is_file():
        assert engine._cjson is not None


# --- the facts the engine writes ------------------------------------------------------------------

@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every value the engine writes while the test runs."""
    seen: list[Any] = []
    dumps = engine.dumps

    def record(value: Any) -> str:
        seen.append(value)
        return dumps(value)

    monkeypatch.setattr(engine, "dumps", record)
    return seen


def test_the_facts_of_the_example_plans(written: list[Any]) -> None:
    rules, _, options = active_rules(load_profile("national"))
    checker = Checker(rules, as_of=engine.datetime.date(2024, 3, 10), options=options,
                      parents=Parents([ROOT / "examples"]))
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        checker.check_file(str(path))
    assert len(written) > 1
    for value in written:
        agree(value)


def test_the_facts_of_the_oracle_plans(written: list[Any], tmp_path: Path) -> None:
    checkers: dict[str, Checker] = {}
    parents = Parents([tmp_path])
    for case in cases(20240310, ORACLE_CASES):
        if case.variant not in checkers:
            rules, _, options = active_rules(load_profile(case.variant.split("/")[0]))
            if case.variant == OPTIONS_VARIANT:
                options = {**options, **VARIANT_OPTIONS}
            checkers[case.variant] = Checker(rules, as_of=case.as_of, options=options, parents=parents)
        checker = checkers[case.variant]
        checker.as_of = case.as_of
        checker.check_text(text(case, case.plan), str(tmp_path / f"case-{case.number}{suffix(case)}"))
    facts = [value for value in written if isinstance(value, list)]
    assert len(facts) > ORACLE_CASES // 2
    assert any("e-" in agree(value) for value in facts)
    for value in written:
        agree(value)


# --- generated values ----------------------------------------------------------------------------

# Any character, lone surrogates included: json escapes them as \udXXX.
characters = st.characters(blacklist_categories=())
strings = st.text(characters, max_size=30) | st.sampled_from(['"', "\\", "\x00\x1f\x7f\x80", "\U0001f600", "e-5"])
numbers = (st.integers() | st.integers(min_value=-10**40, max_value=10**40)
           | st.floats() | st.sampled_from([5e-05, 1e16, -1e-300, 1.5e300, 5e-324, -0.0, 1e22, 123456789.0]))
scalars = strings | numbers | st.booleans() | st.none()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                      | st.dictionaries(strings, inner, max_size=5), max_leaves=30)


@settings(max_examples=600, deadline=None)
@given(values)
def test_generated_values(value: Any) -> None:
    agree(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["t", "key", "sid", "id", "hits", "一", "\n"]), scalars,
                                max_size=6), max_size=8))
def test_generated_facts_with_repeated_keys(value: Any) -> None:
    # Keys are written from the C writer's cache after their first time.
    agree(value)
    agree(value)


@pytest.mark.parametrize("number", [5e-05, -5e-05, 1e16, 1e+300, 2.5e-08, 1.5e-05, 1e-7, 0.0001, 1e15])
def test_an_exponent_follows_a_decimal_point(number: float) -> None:
    written = agree({"v": number, "s": f"{number!r}"})
    value = written.split(",")[0]
    assert "e" not in value or "." in value.split("e")[0]


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_not_finite_floats_as_json_writes_them(number: float) -> None:
    agree([number])


def test_an_int_too_long_to_write_fails_alike() -> None:
    with pytest.raises(ValueError):
        engine._dumps([10**5000])
    with pytest.raises(ValueError):
        cjson.dumps([10**5000])


# --- values left to the Python path --------------------------------------------------------------

class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


class Number(float):
    pass


class Items(list):
    pass


FALLBACKS = [
    [Level.HIGH], {"a": Level.HIGH}, [Text("x")], {Text("k"): 1}, [Number(1.5)], Items([1]),
    OrderedDict(a=1), {1: "a"}, {1.5: "a"}, {True: 1}, {None: 1}, {"a": 1, 2: "b"},
    [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
]


@pytest.mark.parametrize("value", FALLBACKS, ids=range(len(FALLBACKS)))
def test_values_the_c_writer_leaves_to_python(value: Any) -> None:
    assert cjson.dumps(value) is None
    assert engine.dumps(value) == engine._dumps(value)


@pytest.mark.parametrize("value", [object(), [1, {1, 2}], {"a": b"bytes"}, {(1, 2): 3}])
def test_values_json_cannot_write_fail_alike(value: Any) -> None:
    with pytest.raises(TypeError):
        engine._dumps(value)
    with pytest.raises(TypeError):
        engine.dumps(value)


# --- memory --------------------------------------------------------------------------------------

def test_no_memory_is_kept_over_many_calls() -> None:
    facts = [{"t": "item", "key": f"items[{n}]", "deadline": 738955 + n, "limit": 5e-05 * n, "done": n % 2 == 0,
              "owner": None, "text": "整改\u4e00\U0001f600\"" * n, "hits": ["h1", "h2"][: n % 3], "big": 10**30 + n}
             for n in range(20)]
    fallback = [{"a": 1}, {1: 2}]
    for _ in range(100):
        cjson.dumps(facts)
        cjson.dumps(fallback)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(10_000):
            cjson.dumps(facts)
            cjson.dumps(fallback)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert after - before < 10_000
