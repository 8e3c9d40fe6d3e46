"""compliance.pyeval gives the engine's answers: on every rule's pass and
fail examples, on every test and example plan in every profile, and on the
value semantics of durable_rules itself (probed directly)."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import durable_rules_engine as durable
import pytest

from compliance.check import Checker
from compliance import pyeval
from compliance.engine import SEEN, dumps
from compliance.facts import plan_facts
from compliance.model import build
from compliance.parents import Parents
from compliance.profiles import active_rules, load_profile
from compliance.pyeval import PyEngine, Undefined, Unsupported, run
from compliance.read import load
from compliance.rules import bundled_packs, load_rules
from conftest import AS_OF, durable_actions, example_findings

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ("national", "sichuan-2017", "anyang-2022", "qinghai-2024")
PLANS = sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/plans/*.yaml"),
                *ROOT.glob("tests/data/repository/plans/*.yaml"), *ROOT.glob("tests/data/repository/ledgers/*.yaml")])
RULES, REQUIREMENTS = load_rules()


class Differential:
    """A checker whose engine is held to pyeval's answer on every plan it checks."""

    def __init__(self, profile: str) -> None:
        rules, _, options = active_rules(load_profile(profile))
        self.checker = Checker(rules, as_of=AS_OF, options=options)
        self.engine = self.checker.engine = pyeval.Differential(self.checker.engine, strict=True)

    @property
    def compared(self) -> int:
        return self.engine.compared


@functools.lru_cache(maxsize=None)
def differential(profile: str) -> Differential:
    return Differential(profile)


def _examples() -> list[tuple[str, str, int]]:
    return [(rule.id, outcome, index) for rule in RULES for outcome in ("fail", "pass")
            for index in range(len(rule.examples.get(outcome) or []))]


@pytest.mark.parametrize(("rule_id", "outcome", "index"), _examples(), ids=lambda v: str(v))
def test_rule_examples_agree(tmp_path: Path, rule_id: str, outcome: str, index: int) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    pack = REQUIREMENTS[rule.requirement].pack
    check = differential(pack if pack in PROFILES else "national")
    before = check.compared
    fired = {f.rule for f in example_findings(check.checker, rule.subject, rule.examples[outcome][index], tmp_path)}
    assert check.compared == before + 1
    assert (rule_id in fired) == (outcome == "fail")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_plans_agree(path: Path, profile: str) -> None:
    check = differential(profile)
    saved, check.checker.parents = check.checker.parents, Parents([path.parent])
    try:
        result = check.checker.check_file(str(path))
    finally:
        check.checker.parents = saved
    assert result.error is None or "schema" in result.error or "YAML" in result.error


def test_every_bundled_rule_is_understood() -> None:
    rules = load_rules(list(bundled_packs().values()))[0]
    engine, ruleset = PyEngine.of(rules)
    assert {rule.id for rule in engine.rules} == {rule.id for rule in rules}
    assert SEEN in ruleset.definition


def test_run_matches_the_engine_on_a_parent_and_child(tmp_path: Path) -> None:
    """A join on the parent plan's items (NDC001), through pyeval.run."""
    rules, _, options = active_rules(load_profile("national"))
    (tmp_path / "city.yaml").write_text(
        "plan: {id: city}\nitems:\n  - {id: '1', target: 降至40微克/立方米, measures: [治理], deadline: 2025-12-31,"
        " lead_unit: 局, responsible_units: [镇]}\n", encoding="utf-8")
    (tmp_path / "county.yaml").write_text(
        "plan: {id: county, parent: city.yaml}\nitems:\n  - {id: '1', implements: '1', target: 降至35微克/立方米,"
        " measures: [治理], deadline: 2025-06-30, lead_unit: 局, responsible_units: [镇], status: in-progress}\n",
        encoding="utf-8")
    plan = build(load(str(tmp_path / "county.yaml")))
    facts, _ = plan_facts(plan, AS_OF, Parents([tmp_path]).of(plan))
    found = Checker(rules, as_of=AS_OF, options=options).engine.run(facts)
    assert run(rules, facts, options) == found
    assert {"NDC001", "NDC002"} <= {m.rule for m in found}


# --- value semantics, probed in durable_rules itself ----------------------------

_names = itertools.count()


def durable_fires(definition: dict, facts: list[dict]) -> list[tuple[str, str]]:
    definition = {**definition, SEEN: {"all": [{"m": {"$ex": {"t": 1}}}]}}
    handle = durable.create_ruleset(f"pyeval-probe{next(_names)}", dumps(definition))
    result = durable.assert_facts(handle, dumps([{**f, "sid": "1"} for f in facts]))
    fired = durable_actions(handle, result[1])
    return sorted({(rule, frame["s"]["key"]) for message in fired for rule, frame in message.items() if rule != SEEN})


NUMBERS = [{"t": "x", "key": "a", "v": True}, {"t": "x", "key": "b", "v": 1}, {"t": "x", "key": "d", "v": 12},
           {"t": "x", "key": "f", "v": 2.5}, {"t": "x", "key": "i", "v": 0}, {"t": "x", "key": "j", "v": False},
           {"t": "x", "key": "o", "v": 40}, {"t": "x", "key": "p", "v": 40.0}, {"t": "x", "key": "w"},
           {"t": "y", "key": "m", "v": 40.0}, {"t": "y", "key": "n", "v": True}, {"t": "y", "key": "s", "v": 0},
           {"t": "y", "key": "z", "v": 2}]
TEXTS = [{"t": "x", "key": "g", "v": "a"}, {"t": "x", "key": "h", "v": "c"}, {"t": "x", "key": "q", "v": "c"},
         {"t": "x", "key": "u", "v": "一刀切"}, {"t": "x", "key": "w", "v": "ab"}, {"t": "x", "key": "e", "v": ""},
         {"t": "x", "key": "qq", "v": 'a"b'}, {"t": "x", "key": "hh", "hits": ["h1", "h2"]},
         {"t": "x", "key": "sp", "v": "a "}, {"t": "x", "key": "ex", "v": "a!"}, {"t": "x", "key": "z", "v": "中"},
         {"t": "x", "key": "z2", "v": "中文"}, {"t": "x", "key": "bs", "v": "a\\b"},
         {"t": "y", "key": "r", "v": "a"}, {"t": "y", "key": "k", "v": "b"}, {"t": "y", "key": "rr", "v": 'a"b'}]


def _rule(*conditions: tuple[str, list]) -> dict:
    return {"all": [{alias: {"$and": terms}} for alias, terms in conditions]}


SEMANTICS = {
    "equal-number-bool": (_rule(("s", [{"t": "x"}, {"v": 1}])), NUMBERS),
    "equal-true": (_rule(("s", [{"t": "x"}, {"v": True}])), NUMBERS),
    "equal-float": (_rule(("s", [{"t": "x"}, {"v": 2.5}])), NUMBERS),
    "equal-int-float": (_rule(("s", [{"t": "x"}, {"v": 40}])), NUMBERS),
    "greater": (_rule(("s", [{"t": "x"}, {"$gt": {"v": 0}}])), NUMBERS),
    "at-most": (_rule(("s", [{"t": "x"}, {"$lte": {"v": 12}}])), NUMBERS),
    "not-false-or-missing": (_rule(("s", [{"t": "x"}, {"$neq": {"v": False}}])), NUMBERS),
    "or": (_rule(("s", [{"t": "x"}, {"$or": [{"v": 0}, {"$gte": {"v": 40}}]}])), NUMBERS),
    "exists": (_rule(("s", [{"t": "x"}, {"$ex": {"v": 1}}, {"$nex": {"u": 1}}])), NUMBERS),
    "missing": (_rule(("s", [{"t": "x"}, {"$nex": {"v": 1}}])), NUMBERS),
    "null": (_rule(("s", [{"t": "x"}, {"v": None}])), NUMBERS),
    "join-by-text": (_rule(("s", [{"t": "y"}]), ("r0", [{"t": "x"}, {"v": {"s": "v"}}])), NUMBERS),
    "join-distinct": (_rule(("s", [{"t": "x"}]), ("r0", [{"t": "x"}, {"v": {"s": "v"}}])), NUMBERS),
    "join-greater": (_rule(("s", [{"t": "y"}]), ("r0", [{"t": "x"}, {"$gt": {"v": {"s": "v"}}}])), NUMBERS),
    "unless-equal": (_rule(("s", [{"t": "y"}]), ("u0$not", [{"t": "x"}, {"v": {"s": "v"}}])), NUMBERS),
    "unless-less": (_rule(("s", [{"t": "y"}]), ("u0$not", [{"t": "x"}, {"$lt": {"v": {"s": "v"}}}])), NUMBERS),
    "text-equal": (_rule(("s", [{"t": "x"}, {"v": "c"}])), TEXTS),
    "text-less": (_rule(("s", [{"t": "x"}, {"$lt": {"v": "b"}}])), TEXTS),
    "text-prefix": (_rule(("s", [{"t": "x"}, {"$gt": {"v": "a"}}])), TEXTS),
    "text-prefix-space": (_rule(("s", [{"t": "x"}, {"$lt": {"v": "a "}}])), TEXTS),
    "text-prefix-bang": (_rule(("s", [{"t": "x"}, {"$gte": {"v": "a!"}}])), TEXTS),
    "text-chinese": (_rule(("s", [{"t": "x"}, {"$lt": {"v": "中文"}}])), TEXTS),
    "text-chinese-equal": (_rule(("s", [{"t": "x"}, {"v": "中"}])), TEXTS),
    "text-not": (_rule(("s", [{"t": "x"}, {"$neq": {"v": "一刀切"}}])), TEXTS),
    "text-hits": (_rule(("s", [{"t": "x"}, {"$iany": {"hits": {"$i": "h2"}}}])), TEXTS),
    "text-join": (_rule(("s", [{"t": "y"}]), ("r0", [{"t": "x"}, {"v": {"s": "v"}}])), TEXTS),
    "text-join-distinct": (_rule(("s", [{"t": "x"}]), ("r0", [{"t": "x"}, {"v": {"s": "v"}}])), TEXTS),
    "text-unless": (_rule(("s", [{"t": "y"}]), ("u0$not", [{"t": "x"}, {"v": {"s": "v"}}])), TEXTS),
    "text-join-greater": (_rule(("s", [{"t": "y"}]), ("r0", [{"t": "x"}, {"$gt": {"v": {"s": "v"}}}])), TEXTS),
}


@pytest.mark.parametrize("name", SEMANTICS)
def test_value_semantics_are_durable_rules(name: str) -> None:
    rule, facts = SEMANTICS[name]
    expected = durable_fires({name: rule}, facts)
    found = [(m.rule, m.key) for m in PyEngine({name: rule}).evaluate([{**f, "sid": "1"} for f in facts])]
    assert found == expected


def test_a_string_beside_a_number_is_refused() -> None:
    """durable_rules compares them over an undefined length: no guessing."""
    with pytest.raises(Undefined):
        PyEngine({"r": _rule(("s", [{"t": "x"}, {"v": 1}]))}).evaluate([{"t": "x", "key": "a", "v": "1"}])


def test_forms_the_compiler_never_writes_are_refused() -> None:
    with pytest.raises(Unsupported):
        PyEngine({"r": _rule(("s", [{"t": "x"}, {"$mt": {"v": "a.*"}}]))})
    with pytest.raises(Unsupported):
        PyEngine({"r": _rule(("s", [{"t": "x"}]), ("r0", [{"t": "x"}, {"$or": [{"v": {"s": "v"}}]}]))})
