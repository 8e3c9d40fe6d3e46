"""The differential oracle: durable_rules and pyeval give the same answer.

Thousands of generated plans (tests/oracle_plans.py) are checked in every
bundled profile, and one with other option values. Each plan goes through
the product's path (read, model, parent plans, facts, the durable_rules
engine, findings, waivers) with compliance.pyeval.Differential in the
engine's place, which holds the engine's matches to pyeval's on the very
same facts; the same plan is then checked with pyeval in the engine's place
(compliance.pyeval.Evaluator), and the two checks' findings must be equal
too. A disagreement fails with the smallest plan that still shows it
(delta debugging: items dropped, then list entries, then fields) as YAML,
and both sides' matches and findings.

A coverage test holds the corpus to its purpose: every rule of every
bundled pack fires somewhere, and somewhere stays silent on a subject it
applies to (for a rule that joins other facts, a subject meeting all its
own conditions; for any other, one meeting some of them).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from compliance.check import Checker, load_plan
from compliance.engine import SEEN, Engine, EngineError, Match
from compliance.facts import plan_facts
from compliance.findings import Finding
from compliance.model import build
from compliance.parents import Parents
from compliance.profiles import active_rules, load_profile
from compliance.pyeval import (Comparison, Differential, Evaluator, compile_condition, compile_expression,
                               differences)
from compliance.read import Document, parse
from oracle_plans import (AS_OF, OPTIONS_VARIANT, PARENT_FILE, VARIANT_OPTIONS, VARIANTS, Case, Style,
                          bundled_rules, cases, examples, pack_of, plain_yaml, suffix, text)

SEED = 20240310
CASES = 1750                # a case with a parent checks two plans: over 2,000 plans in all
SHRINK_BUDGET = 600         # re-checks the shrinking of one disagreement may take


@dataclass
class Outcome:
    """One plan of a case, checked both ways."""

    name: str
    variant: str
    items: int = 0
    load_error: str | None = None
    comparison: Comparison | None = None
    found: list[Finding] | None = None          # the product's findings (None: the engine failed)
    expected: list[Finding] = field(default_factory=list)   # with pyeval in the engine's place

    @property
    def disagrees(self) -> bool:
        if self.load_error is not None or self.comparison is None:
            return False
        return not self.comparison.agree or self.found != self.expected


class Oracle:
    """A Checker per variant, built once, its engine held to pyeval; and a
    twin of it that evaluates with pyeval alone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "broken-parent.yaml").write_text("plan: [unclosed\n", encoding="utf-8")
        self.parents = Parents([root])
        self.checkers: dict[str, tuple[Checker, Checker]] = {}
        for variant in VARIANTS:
            rules, _, options = active_rules(load_profile(variant.split("/")[0]))
            if variant == OPTIONS_VARIANT:
                options = {**options, **VARIANT_OPTIONS}
            product = Checker(rules, as_of=AS_OF, options=options, parents=self.parents)
            product.engine = Differential(product.engine)
            python = copy.copy(product)
            python.engine = product.engine.python      # the Differential's own Evaluator: one evaluation a plan
            self.checkers[variant] = (product, python)

    def check(self, case: Case) -> list[Outcome]:
        folder = self.root / f"case-{case.number}"
        plans = [(folder / PARENT_FILE, case.parent)] if case.parent is not None else []
        plans.append((folder / f"plan{suffix(case)}", case.plan))
        return [self._check(case, str(path), plan) for path, plan in plans]

    def _check(self, case: Case, name: str, data: dict[str, Any]) -> Outcome:
        written = text(case, data)

        def read() -> Document:
            document = parse(written, name)
            document.raw = written.encode("utf-8", "surrogatepass")
            return document

        result, plan = load_plan(name, read)
        self.parents.remember(name, plan, on_disk=False)
        if plan is None:
            return Outcome(name, case.variant, load_error=result.error)
        parent = self.parents.of(plan)
        product, python = self.checkers[case.variant]
        product.as_of = python.as_of = case.as_of
        try:
            found: list[Finding] | None = product.check_plan(plan, parent)
        except EngineError:
            found = None
        comparison = product.engine.last
        expected = python.check_plan(plan, parent)
        return Outcome(name, case.variant, len(plan.items), None, comparison, found, expected)

    def disagrees(self, case: Case) -> bool:
        return any(outcome.disagrees for outcome in self.check(case))


# --- coverage: every rule fires, and is silent where it applies -----------------------------------

class Coverage:
    def __init__(self, oracle: Oracle) -> None:
        self.fired: set[str] = set()
        self.silent: set[str] = set()
        # variant -> rule id -> (subject type, near-miss test of a subject it did not fire on)
        self.rules: dict[str, dict[str, tuple[str, Callable[[dict], bool]]]] = {}
        for variant, (product, _) in oracle.checkers.items():
            definition = product.engine.ruleset.definition
            self.rules[variant] = {rule_id: _near_miss(rule) for rule_id, rule in definition.items()
                                   if rule_id != SEEN}

    def add(self, outcome: Outcome) -> None:
        comparison = outcome.comparison
        if comparison is None or comparison.engine is None:
            return
        fired = {(m.rule, m.key) for m in comparison.engine}
        self.fired.update(rule for rule, _ in fired)
        for rule_id, (kind, near_miss) in self.rules[outcome.variant].items():
            if rule_id in self.silent:
                continue
            if any(fact["t"] == kind and (rule_id, fact["key"]) not in fired and near_miss(fact)
                   for fact in comparison.prepared):
                self.silent.add(rule_id)


def _near_miss(rule: dict[str, Any]) -> tuple[str, Callable[[dict], bool]]:
    subject = rule["all"][0]["s"]
    terms = subject["$and"]
    kind = next(term["t"] for term in terms if list(term) == ["t"])
    if len(rule["all"]) > 1:
        # It joins other facts: a subject meeting all its own conditions.
        test = compile_condition(subject)
        return kind, lambda fact: test(fact, {})
    own = [compile_expression(term) for term in terms if list(term) != ["t"] and "$ex" not in term]
    if len(own) <= 1:
        return kind, lambda fact: True
    # A subject meeting some of its conditions (not all, or it would have fired).
    return kind, lambda fact: any(test(fact, {}) for test in own)


# --- shrinking --------------------------------------------------------------------------------------

def shrink(case: Case, failing: Callable[[Case], bool], budget: int = SHRINK_BUDGET) -> Case:
    """The smallest case found that still fails: the plain style if it still
    fails, then, greedily and repeatedly, items (halves first), records and
    hosting lines dropped, then any list entry, then any field."""
    plain_style = replace(case, style=Style())
    if failing(plain_style):
        case = plain_style
    spent = 0
    progress = True
    while progress and spent < budget:
        progress = False
        for candidate in _smaller(case):
            spent += 1
            if failing(candidate):
                case, progress = candidate, True
                break
            if spent >= budget:
                break
    return case


Path_ = tuple[Any, ...]
_KEPT = {("plan",), ("items",), ("plan", "id")}


def _smaller(case: Case) -> list[Case]:
    """Cases with one part removed, the coarsest first."""
    candidates: list[tuple[int, int, Case]] = []
    for which in ("plan", "parent"):
        data = getattr(case, which)
        if data is None:
            continue
        for rank, path in _removable(data):
            smaller = _without(data, path)
            plans = (smaller, case.parent) if which == "plan" else (case.plan, smaller)
            candidates.append((rank, len(candidates), case.with_plans(*plans)))
        items = data.get("items") or []
        if len(items) > 3:       # halves of the items first
            half = len(items) // 2
            for kept in (items[:half], items[half:]):
                smaller = {**data, "items": copy.deepcopy(kept)}
                plans = (smaller, case.parent) if which == "plan" else (case.plan, smaller)
                candidates.append((-1, len(candidates), case.with_plans(*plans)))
    if case.parent is not None:
        candidates.append((3, len(candidates), case.with_plans(case.plan, None)))
    return [candidate for _, _, candidate in sorted(candidates, key=lambda c: (c[0], c[1]))]


def _removable(data: Any, path: Path_ = ()) -> list[tuple[int, Path_]]:
    """Paths that may be removed, ranked: 0 an item, record or hosting line;
    1 a list entry; 2 a field."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            child = path + (key,)
            if child not in _KEPT and not (len(child) == 3 and child[0] == "items" and key == "id"):
                found.append((2, child))
            found.extend(_removable(value, child))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            child = path + (index,)
            found.append((0 if len(child) == 2 else 1, child))
            found.extend(_removable(value, child))
    return found


def _without(data: dict[str, Any], path: Path_) -> dict[str, Any]:
    copied = copy.deepcopy(data)
    holder = copied
    for part in path[:-1]:
        holder = holder[part]
    del holder[path[-1]]
    return copied


def report(oracle: Oracle, case: Case, original: Case) -> str:
    """What a disagreement looks like: the minimal plan and both sides' answers."""
    lines = [f"engine and pyeval disagree on case {original.number} ({original.origin}), "
             f"profile {case.variant}, as of {case.as_of}, written as {case.style}; the smallest plan showing it:",
             "", plain_yaml(case.plan)]
    if case.parent is not None:
        lines += [f"with its parent ({PARENT_FILE}):", "", plain_yaml(case.parent)]
    for outcome in oracle.check(case):
        if not outcome.disagrees:
            continue
        comparison = outcome.comparison
        assert comparison is not None
        lines.append(f"{Path(outcome.name).name}: {comparison.describe()}")
        lines.append(f"  engine: {_matches(comparison.engine) if comparison.engine is not None else comparison.error}")
        lines.append(f"  pyeval: {_matches(comparison.python)}")
        if outcome.found != outcome.expected:
            found, expected = outcome.found or [], outcome.expected
            for label, only in (("only the engine's findings", [f for f in found if f not in expected]),
                                ("only pyeval's findings", [f for f in expected if f not in found])):
                lines += [f"  {label}: {f.rule} item {f.item} line {f.line}: {f.message}" for f in only]
    return "\n".join(lines)


def _matches(matches: list[Match]) -> str:
    return ", ".join(f"{m.rule}@{m.key}" for m in matches) or "nothing"


# --- the run -------------------------------------------------------------------------------------------

@dataclass
class Run:
    oracle: Oracle
    coverage: Coverage
    failing: list[Case]
    plans: int
    items: int
    facts: int
    unloadable: list[str]
    seconds: float


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> Oracle:
    return Oracle(tmp_path_factory.mktemp("oracle"))


@pytest.fixture(scope="module")
def corpus(oracle: Oracle) -> Run:
    start = time.perf_counter()
    coverage = Coverage(oracle)
    failing: list[Case] = []
    plans = items = facts = 0
    unloadable: list[str] = []
    for case in cases(SEED, CASES):
        for outcome in oracle.check(case):
            if outcome.load_error is not None:
                unloadable.append(f"case {case.number} ({case.origin}): {outcome.load_error}")
                continue
            plans += 1
            items += outcome.items
            facts += len(outcome.comparison.facts) if outcome.comparison else 0
            coverage.add(outcome)
            if outcome.disagrees and (not failing or failing[-1] is not case):
                failing.append(case)
    seconds = time.perf_counter() - start
    print(f"\noracle: {plans} plans, {items} items, {facts} facts compared in {seconds:.1f} s; "
          f"{len(unloadable)} not loadable; {len(failing)} disagreeing; of {len(bundled_rules())} rules, "
          f"{len(coverage.fired)} fired and {len(coverage.silent)} stayed silent where they apply")
    return Run(oracle, coverage, failing, plans, items, facts, unloadable, seconds)


def test_engine_and_pyeval_agree_on_generated_plans(corpus: Run) -> None:
    if corpus.failing:
        original = corpus.failing[0]
        minimal = shrink(original, corpus.oracle.disagrees)
        pytest.fail(f"{len(corpus.failing)} of {CASES} cases disagree (cases "
                    f"{', '.join(str(c.number) for c in corpus.failing[:10])}...)\n\n"
                    + report(corpus.oracle, minimal, original), pytrace=False)


def test_every_bundled_rule_fires_and_stays_silent(corpus: Run) -> None:
    every = {rule.id for rule in bundled_rules()}
    never_fired = sorted(every - corpus.coverage.fired)
    never_silent = sorted(every - corpus.coverage.silent)
    if never_fired or never_silent:
        print(f"never fired: {never_fired}\nnever silent where they apply: {never_silent}")
    assert not never_fired and not never_silent, (never_fired, never_silent)


def test_the_corpus_is_large_and_valid(corpus: Run) -> None:
    assert corpus.plans >= 2000
    assert corpus.items >= 5000
    # Random recombination may write a plan the schema refuses; few do.
    assert len(corpus.unloadable) <= corpus.plans // 50, corpus.unloadable[:5]
    packs = {pack_of(rule) for rule in bundled_rules()}
    assert packs <= {variant.split("/")[0] for variant in VARIANTS}


def test_cases_are_deterministic() -> None:
    count = len(examples()) + 60
    first = [text(c, c.plan) for c in cases(SEED, count)]
    assert first == [text(c, c.plan) for c in cases(SEED, count)]
    assert [text(c, c.plan) for c in cases(SEED + 1, count)][-60:] != first[-60:]
    assert {c.origin for c in cases(SEED, count)} >= {"composed plan", "benchmark plan", "NBS001 fail[0]"}


def test_shrinking_finds_the_smallest_plan(oracle: Oracle) -> None:
    """A stand-in disagreement (the engine's NBS001 on any measure) shrinks
    to one item with one measure and no other field."""
    case = next(c for c in cases(SEED, CASES) if c.origin == "composed plan" and len(c.plan["items"]) >= 4
                and oracle_fires(oracle, c, "NBS001") and c.parent is None)

    def failing(candidate: Case) -> bool:
        return oracle_fires(oracle, candidate, "NBS001")

    minimal = shrink(case, failing)
    assert failing(minimal)
    assert len(minimal.plan["items"]) == 1
    item = minimal.plan["items"][0]
    assert set(item) == {"id", "measures"} and len(item["measures"]) == 1
    assert set(minimal.plan) == {"plan", "items"} and set(minimal.plan["plan"]) == {"id"}


def oracle_fires(oracle: Oracle, case: Case, rule: str) -> bool:
    outcome = oracle.check(case)[-1]
    return outcome.comparison is not None and any(m.rule == rule for m in outcome.comparison.engine or [])


# --- regressions the oracle found ----------------------------------------------------------------------

def test_a_figure_written_with_an_exponent_reaches_the_engine(tmp_path: Path) -> None:
    """Python writes 0.00005 as 5e-05, which durable_rules' JSON reader
    takes for the number 5 followed by garbage: the item's fact was lost
    and the plan reported as not checked. A mercury limit of 0.00005 mg/L
    is an ordinary target (NDC002 compares it with the parent's)."""
    rules, _, options = active_rules(load_profile("national"))
    (tmp_path / "city.yaml").write_text(
        "plan: {id: city}\nitems:\n  - {id: '1', target: 汞浓度降至0.0001毫克/升, measures: [治理], deadline: 2025-12-31,"
        " lead_unit: 局, responsible_units: [镇]}\n", encoding="utf-8")
    (tmp_path / "county.yaml").write_text(
        "plan: {id: county, parent: city.yaml}\nitems:\n  - {id: '1', implements: '1', target: 汞浓度降至0.00005毫克/升,"
        " measures: [治理], deadline: 2025-12-31, lead_unit: 局, responsible_units: [镇], status: in-progress}\n"
        "  - {id: '2', target: 完成10000000000000000000家企业治理, measures: [治理], deadline: 2025-12-31,"
        " lead_unit: 局, responsible_units: [镇]}\n", encoding="utf-8")
    from compliance.read import load
    plan = build(load(str(tmp_path / "county.yaml")))
    facts, _ = plan_facts(plan, AS_OF, Parents([tmp_path]).of(plan))
    assert any(fact.get("target_value") == 5e-05 for fact in facts)
    engine = Engine(rules, options)
    found = engine.run(facts)                       # no fact lost
    assert not any(differences(found, Evaluator(engine.ruleset).run(facts)))
    assert Match("NDC002", "items[0]") in found
