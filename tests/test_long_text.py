"""No pattern the tool searches takes quadratic time on a long text.

Python's ``re`` has no time limit. A pattern such as ``陪同.*[0-9]`` is
tried at every character of a text and scans to its end each time, so a
plan with a 100,000-character value made of 陪同 would take minutes: a
hang, for anyone who can propose a plan. Custom packs are refused such
patterns at load time (rules.backtracking_risk, tests/test_rules.py); this
checks the bundled rules' patterns and the tool's own (text views, counts,
dates, tables) by how their time grows: ten times the text may take about
ten times as long, not a hundred.
"""

from __future__ import annotations

import datetime
import importlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from compliance.check import Run
from compliance.config import Config
from compliance.parents import Parents
from compliance.settings import resolve

from growth import best_seconds, faster_than_linear

MODULES = ("text", "facts", "model", "quantities", "dates", "tables", "waivers", "findings", "read")
SHORT, LONG = 1_000, 10_000


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    run = Run(resolve(Config()), datetime.date(2024, 3, 10), Parents([Path.cwd()]))
    for kind, tables in run.checker("plan.yaml").engine.ruleset.searches.items():
        for field, table in tables:
            for hit, pattern in table:
                found[f"rule pattern {kind}.{field} {hit}"] = pattern
    for name in MODULES:
        module = importlib.import_module(f"compliance.{name}")
        for attribute, value in vars(module).items():
            pattern = getattr(value, "__self__", value)     # a bound pattern.search kept as a function
            if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
                found[f"{name}.{attribute}"] = pattern
            elif isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, re.Pattern):
                        found[f"{name}.{attribute}[{key}]"] = item
    return found


PATTERNS = _patterns()


def _units(pattern: str) -> list[str]:
    """The texts to repeat: each character the pattern names, the start of
    each word it names (陪同陪同…), and the usual suspects (digits, spaces,
    quotes, list marks)."""
    words = {word[:2] for word in re.findall(r"[^\x00-\x7f]{2,}", pattern)}
    return sorted({*(ch for ch in pattern if ord(ch) > 127), *words, "1", "a", " ", '"', "1名", "、甲", "《法"})


def _search(pattern: re.Pattern[str], text: str) -> Callable[[], object]:
    return lambda: (pattern.search(text), pattern.findall(text))


def test_patterns_were_found() -> None:
    assert len([n for n in PATTERNS if n.startswith("rule pattern")]) >= 15
    assert {"text._NEGATOR", "quantities._HEADS", "tables._MARK"} <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_time_grows_linearly_with_the_text(name: str) -> None:
    pattern = PATTERNS[name]
    slow = []
    for unit in _units(pattern.pattern):
        long_text = (unit * (LONG // len(unit) + 1))[:LONG]
        if best_seconds(_search(pattern, long_text), tries=1) < 0.003:     # too quick to be quadratic at this length
            continue
        grown = faster_than_linear(_search(pattern, long_text[:SHORT]), _search(pattern, long_text))
        if grown:
            slow.append(f"{unit!r}: {grown[0] * 1000:.1f} ms for {SHORT:,} characters, "
                        f"{grown[1] * 1000:.1f} ms for {LONG:,}")
    assert not slow, f"{name} ({pattern.pattern[:80]}...) grows faster than the text: {slow}"
