"""Literal prefilters (compliance.literals) never change a search's answer.

A prefilter may only skip a search that would have found nothing: every
string it requires must be in every match. Checked on hand-made patterns
for each construct the analysis reads, and on every pattern the rules and
the facts search, over texts made of the patterns' own words.
"""

from __future__ import annotations

import datetime
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from compliance import facts, quantities
from compliance.check import Run
from compliance.config import Config
from compliance.literals import gated, joint_prefilter, prefilter, required
from compliance.parents import Parents
from compliance.settings import resolve


@pytest.mark.parametrize(("pattern", "need"), [
    ("abc", {"abc"}),
    ("a|bc", {"a", "bc"}),
    ("x(?:ab|cd)y", {"xaby", "xcdy"}),
    ("[ab]c", {"ac", "bc"}),
    ("a.b", {"a", "b"}),                     # either is needed; the analysis keeps one
    ("(?<!x)abc(?!d)", {"abc"}),
    ("a{2,3}", {"aa"}),
    ("(?:^|(?<=[,;]))[^,;]*(?:关停|停产)[^,;]*", {"关停", "停产"}),
    ("关停|停产|停产整治", {"关停", "停产"}),    # 停产整治 holds 停产
    (r"(a)\1", {"a"}),                      # the group's own text is needed; what it repeats is not read
    ("(?i:ab)c|d", {"c", "d"}),              # the part that ignores case is not read
])
def test_required_strings(pattern: str, need: set[str]) -> None:
    found = required(pattern)
    assert found is not None
    if pattern == "a.b":
        assert found in ({"a"}, {"b"})
    else:
        assert found == need


@pytest.mark.parametrize("pattern", [
    "a*", "a?b?", "(?i)abc", "(?i:ab)", "[^a]", ".", r"\d+", r"(a)?\1", "a|b*", "(?:)", "(a)?(?(1)a|b)", "",
])
def test_no_prefilter_where_no_literal_is_needed(pattern: str) -> None:
    # Case-insensitive parts, repeats that may be empty, classes of any
    # character, back-references: the pattern can match without a literal
    # the analysis could name, so every text is searched.
    assert required(pattern) is None


def test_prefilter_skips_only_texts_without_the_words() -> None:
    pattern = re.compile(r"(?:^|(?<=[,;:。\n]))(?:(?!违法)[^,;:。\n])*(?:关停|取缔)[^,;:。\n]*")
    gate = prefilter(pattern)
    assert gate is not None
    assert gate("全部关停") and gate("违法企业予以取缔") and not gate("加强监管")
    search = gated(pattern)
    for text in ("全部关停", "违法企业予以取缔", "加强监管", "", "关,停"):
        assert search(text) == bool(pattern.search(text))


def _searched_patterns() -> list[re.Pattern[str]]:
    run = Run(resolve(Config()), datetime.date(2024, 3, 10), Parents([Path.cwd()]))
    found = [pattern for tables in run.checker("plan.yaml").engine.ruleset.searches.values()
             for _, table in tables for _, pattern in table]
    found += [facts._SAFEGUARD, *facts._SECTORS.values(), quantities._FIGURE]
    return found


PATTERNS = _searched_patterns()


def _words(pattern: re.Pattern[str]) -> list[str]:
    """The pattern's own words and characters, and the marks that end clauses."""
    words = re.findall(r"[^\x00-\x7f]{1,6}", pattern.pattern)
    return sorted({*words, *(w[:1] for w in words), *(w[-1:] for w in words), ",", "。", ";", "\n", " ", "1", '"'})


@pytest.mark.parametrize("index", range(len(PATTERNS)))
def test_gated_search_answers_as_the_pattern(index: int) -> None:
    pattern = PATTERNS[index]
    words = _words(pattern)
    search = gated(pattern)
    rng = random.Random(index)
    for _ in range(3000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        assert search(text) == bool(pattern.search(text)), (pattern.pattern[:60], text)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(PATTERNS), st.text(alphabet=st.sampled_from(sorted(set("关停产一律全县所有,;。陪同名人5%吨以下达到"))),
                                          max_size=30))
def test_gated_search_on_arbitrary_text(pattern: re.Pattern[str], text: str) -> None:
    assert gated(pattern)(text) == bool(pattern.search(text))


def test_figure_gate_is_necessary() -> None:
    # target_quantity skips texts where _FIGURE_GATE finds nothing: every
    # figure _FIGURE reads must be found by the gate.
    rng = random.Random(7)
    words = ["降至", "不超过", "达到", "以下", "以上", "12", "3.5", "十二", "万", "吨", "万吨", "%", "mg/m3", "MG/L",
             "家", " ", ",", "第", "一", "年", "底前"]
    for _ in range(5000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        if quantities._FIGURE.search(text):
            assert quantities._FIGURE_GATE.search(text), text


def _one_by_one(patterns: list[re.Pattern[str]], text: str) -> int:
    """joint_prefilter's answer, pattern by pattern: each one's own prefilter."""
    mask = 0
    for index, pattern in enumerate(patterns):
        gate = prefilter(pattern)
        if gate is None or gate(text) is not None:
            mask |= 1 << index
    return mask


def test_joint_prefilter_on_strings_inside_one_another() -> None:
    # Strings that begin, end or sit inside one another at one place: each
    # pattern's own prefilter decides, however the scan meets them.
    patterns = [re.compile(p) for p in ("停产", "停产整治", "产整", "整治", "(?i:x)", "治|停", "治理")]
    may_match = joint_prefilter(patterns)
    for text in ("", "停产整治", "停产整", "产整治", "整治理", "治理", "停", "x", "停产停产整治", "产整产整治理"):
        assert may_match(text) == _one_by_one(patterns, text), text
    assert joint_prefilter([re.compile("(?i:x)")])("abc") == 1       # no prefilter: always searched
    assert joint_prefilter([])("abc") == 0


@pytest.mark.parametrize("kind_field", sorted({(kind, name) for kind, tables in
                                                Run(resolve(Config()), datetime.date(2024, 3, 10), Parents([Path.cwd()]))
                                                .checker("plan.yaml").engine.ruleset.searches.items()
                                                for name, _ in tables}))
def test_joint_prefilter_answers_as_each_prefilter(kind_field: tuple[str, str]) -> None:
    # The patterns the engine searches in one field, over texts of their own words.
    kind, field = kind_field
    run = Run(resolve(Config()), datetime.date(2024, 3, 10), Parents([Path.cwd()]))
    patterns = [pattern for name, table in run.checker("plan.yaml").engine.ruleset.searches[kind]
                if name == field for _, pattern in table]
    words = sorted({word for pattern in patterns for word in _words(pattern)})
    may_match = joint_prefilter(patterns)
    rng = random.Random(field)
    for _ in range(3000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 12)))
        assert may_match(text) == _one_by_one(patterns, text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abc", min_size=1, max_size=4), min_size=1, max_size=6),
       st.text(alphabet="abcd", max_size=30))
def test_joint_prefilter_on_arbitrary_strings(alternatives: list[str], text: str) -> None:
    patterns = [re.compile(re.escape(a) + "|" + re.escape(a[::-1] + "d")) for a in alternatives]
    assert joint_prefilter(patterns)(text) == _one_by_one(patterns, text)
