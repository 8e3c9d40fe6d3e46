"""The durable_rules engine: compiled rulesets in, (rule, fact) matches out.

Text patterns are the one thing the engine does not evaluate itself:
durable_rules' ``matches`` builds an automaton that misses matches once a
partial match restarts (``.*(abc|cd).*`` fails on "abcc", ``.*aba.*`` on
"abab"; tests/test_engine.py keeps the proof), and silently fails on
strings over 65,535 bytes. So each rule pattern is searched with Python's
``re`` and the fact carries the patterns that hit (``hits``); every other
condition, and every join between facts, runs in the Rete network.

We drive durable_rules' C engine directly rather than through its Host,
whose timer thread may run actions late. Each plan is asserted as one
batch in its own state, its actions are drained at once, and the state is
deleted. A catch-all rule sees every fact, so every fact put in is
accounted for: if any is missing, the run fails loudly instead of
reporting a plan as clean.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import json
import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as durable

from . import timing
from .errors import UserError
from .facts import FIELDS, Parent, Subject, plan_facts
from .literals import joint_prefilter
from .model import Plan
from .rules import Rule, hit_id, patterns

SEEN = "$seen"
# The ruleset and the facts are written alike, as compact ASCII JSON (the C
# encoder's fastest form): durable_rules compares strings as written, so a
# literal written as UTF-8 would never equal a fact's escaped \uXXXX.
# Facts hold no cycles, so the encoder keeps no record of the containers it is in.
_json = functools.partial(json.dumps, separators=(",", ":"), check_circular=False)
# durable_rules reads an exponent only after a decimal point: Python writes
# 0.00005 (a mercury limit in mg/L) as 5e-05, which it reads as 5 followed
# by garbage, and the fact is lost. Such numbers get their ".0" (5.0e-05);
# strings are matched whole, so nothing inside one is touched.
_BARE_EXPONENT = re.compile(r'("(?:[^"\\]|\\.)*")|(?<![\d.])(-?\d+)(?=e[-+])')

try:
    # The C writer (src/compliance/_cjson.c, optional in setup.py) writes the
    # same bytes in a seventh of the instructions (1.6M instead of 11M a
    # 100-item plan): the json module's encoder escapes every key again and
    # joins many small pieces.
    from . import _cjson
except ImportError:       # pragma: no cover - where the extension is not built
    _cjson = None


def dumps(value: Any) -> str:
    """``value`` as compact ASCII JSON, every number as durable_rules reads it."""
    if _cjson is not None:
        written = _cjson.dumps(value)
        if written is not None:
            return written
    return _dumps(value)


def _dumps(value: Any) -> str:
    """:func:`dumps` by the json module: what the C writer writes, and the
    values it leaves to Python (subclasses, keys that are not str)."""
    written = _json(value)
    if "e-" in written or "e+" in written:
        written = _BARE_EXPONENT.sub(lambda m: m[1] or m[2] + ".0", written)
    return written

# The key of a catch-all action, read from its text: the action holds the
# fact as it was written, its type first and its key second (keys are paths
# without quotes). Matched at the action's start only, so reading a key
# costs the same however long the fact; an action of any other form is parsed.
_SEEN_KEY = re.compile(r'\{"\$seen":\{"m":\{"t":"[a-z_]*","key":"([^"\\]*)"')
_key_of = operator.itemgetter("key")
_names = itertools.count()


class EngineError(Exception):
    """The engine lost or refused facts; never a user's fault, never silent."""


@dataclass(frozen=True)
class Match:
    rule: str
    key: str


class Ruleset:
    """What a set of rules needs of facts: the durable_rules definition, the
    patterns to search before assertion, and the fields rules read.

    Facts are asserted with only the fields some condition or join of the
    rules reads (plus ``t``, ``key`` and ``sid``): less JSON to write, parse
    and return with every action, and no change to what any rule sees. A
    pattern hit is recorded by a short id (``h3``) rather than the pattern
    itself, for the same reason. And a fact that can only ever be joined,
    by equality, to a field of another fact (a parent plan's item, joined
    on the child item's ``implements``) is not asserted when no fact holds
    that value: it could match nothing. compliance.pyeval evaluates the
    same definition over the same prepared facts (tests/test_pyeval.py
    gives it every fact, unselected, and expects the engine's answer).
    """

    def __init__(self, rules: list[Rule], options: dict[str, int] | None = None) -> None:
        found = patterns(rules)
        names = sorted(hit_id(name, p) for fields in found.values() for name, ps in fields.items() for p in ps)
        self.short = {name: f"h{index}" for index, name in enumerate(names)}
        self.searches = {kind: [(name, [(self.short[hit_id(name, p)], re.compile(p)) for p in sorted(ps)])
                                for name, ps in sorted(fields.items())]
                         for kind, fields in found.items()}
        self.definition: dict[str, Any] = {rule.id: _shorten(rule.durable(options), self.short) for rule in rules}
        self.definition[SEEN] = {"all": [{"m": {"$ex": {"t": 1}}}]}
        used = fields_used(self.definition)
        self.keep = None if used is None else {kind: tuple(sorted(used.get(kind, set()) - {"hits"}))
                                               for kind in FIELDS}
        self.text_fields = {kind: {n for n, t in fields.items() if t == "text"} for kind, fields in FIELDS.items()}
        # What facts must hold for these rules (compliance.facts.plan_facts' reads):
        # the fields kept, the texts searched, and the type and key.
        self.reads: dict[str, frozenset[str]] | None = None if self.keep is None else {
            kind: frozenset({"t", "key", *self.keep.get(kind, ()), *(name for name, _ in self.searches.get(kind, ()))})
            for kind in FIELDS}
        self.joined_only = _joined_only(self.definition)
        # Per fact type, once: the fields kept (besides "t" and "key", written
        # first) and each text field's searches, its patterns behind their
        # literal prefilters, which tell far more cheaply when a pattern cannot
        # match (compliance.literals): all of a field's prefilters in one scan
        # of its text, not one scan per pattern (5 of a measure's affirmed text).
        self._gated = {kind: tuple((name, joint_prefilter([pattern for _, pattern in table]),
                                    tuple((1 << index, hit, pattern.search)
                                          for index, (hit, pattern) in enumerate(table)))
                                   for name, table in tables)
                       for kind, tables in self.searches.items()}
        self._prepared: dict[str, tuple[tuple[str, ...], tuple[Any, ...]]] = {} if self.keep is None else {
            kind: (tuple(name for name in keep if name not in ("t", "key")), self._gated.get(kind, ()))
            for kind, keep in self.keep.items()}

    def select(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The facts that some condition could match: all but those of a
        joined-only type whose join value no fact offers."""
        if not self.joined_only:
            return facts
        wanted: dict[tuple[str, str], set[str] | None] = {}
        for joins in self.joined_only.values():
            for _, kind, name in joins:
                if (kind, name) not in wanted:
                    offered = [f[name] for f in facts if f.get("t") == kind and name in f]
                    # Only strings: a number may equal a string's text in durable_rules.
                    wanted[kind, name] = set(offered) if all(isinstance(v, str) for v in offered) else None

        def could_match(fact: dict[str, Any]) -> bool:
            joins = self.joined_only.get(fact.get("t"))
            if joins is None:
                return True
            for own, kind, name in joins:
                values, value = wanted[kind, name], fact.get(own)
                if values is None or not isinstance(value, str) or value in values:
                    return True
            return False
        # Only a joined-only fact can be left out: the others (nearly all) are
        # kept without a call each.
        joined = self.joined_only
        return [fact for fact in facts if fact.get("t") not in joined or could_match(fact)]

    def prepare(self, fact: dict[str, Any], sid: str) -> dict[str, Any]:
        """The fact as asserted: the fields rules read, and the patterns found in its text."""
        kind = fact["t"]
        key = fact["key"]
        how = self._prepared.get(kind)
        if how is None:
            text_fields = self.text_fields.get(kind, ())
            prepared = {k: v for k, v in fact.items() if k not in text_fields}
            searches = self._gated.get(kind, ())
        else:
            keep, searches = how
            prepared = {"t": kind, "key": key}
            for name in keep:
                if name in fact:
                    prepared[name] = fact[name]
        prepared["sid"] = sid
        # Without an "id" durable_rules identifies a fact by a 32-bit hash of
        # its content and drops a second fact with the same hash as "already
        # observed": about one fact in a state of 100,000 (tests/test_engine.py
        # keeps a colliding pair). The key is unique in a plan, so it is the id.
        prepared["id"] = key
        if searches:
            hits = []
            for name, may_match, table in searches:
                text = fact.get(name) or ""
                candidates = may_match(text)
                if candidates:
                    for bit, hit, search in table:
                        if candidates & bit and search(text) is not None:
                            hits.append(hit)
            prepared["hits"] = hits
        return prepared


def _shorten(value: Any, short: dict[str, str]) -> Any:
    """A rule's definition with pattern hit ids replaced by their short ids."""
    if isinstance(value, dict):
        return {k: (short.get(v, v) if k == "$i" and isinstance(v, str) else _shorten(v, short))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v, short) for v in value]
    return value


def _joined_only(definition: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """Fact types that no rule takes as its subject and that every condition
    naming them joins, by equality at its head, to a field of the subject:
    type -> [(own field, subject type, subject field)]."""
    joins: dict[str, list[tuple[str, str, str]]] = {}
    refused: set[str] = set()
    for rule_id, rule in definition.items():
        if rule_id == SEEN:
            continue            # the catch-all: accounting, not a condition
        conditions = [next(iter(c.items())) for c in rule["all"]]
        kinds = {alias: _kind_of(expression) for alias, expression in conditions}
        for alias, expression in conditions:
            kind = kinds[alias]
            if kind is None:
                return {}
            head = _head_join(expression)
            if alias == "s" or head is None or head[1] != "s" or kinds.get("s") is None:
                refused.add(kind)
            else:
                joins.setdefault(kind, []).append((head[0], kinds["s"], head[2]))
    return {kind: found for kind, found in joins.items() if kind not in refused}


def _head_join(expression: dict[str, Any]) -> tuple[str, str, str] | None:
    """(own field, alias, field) of an equality join among a condition's top-level terms."""
    for term in expression.get("$and", [expression]):
        if isinstance(term, dict) and len(term) == 1:
            (name, operand), = term.items()
            if (not name.startswith("$") and isinstance(operand, dict) and len(operand) == 1
                    and not next(iter(operand)).startswith("$") and isinstance(next(iter(operand.values())), str)):
                (alias, other), = operand.items()
                return name, alias, other
    return None


def fields_used(definition: dict[str, Any]) -> dict[str, set[str]] | None:
    """Fact type -> the fields the definition's conditions and joins read;
    None when a condition's fact type cannot be told (then keep everything)."""
    used: dict[str, set[str]] = {}
    for name, rule in definition.items():
        conditions = [next(iter(c.items())) for c in rule["all"]]
        kinds = {alias: _kind_of(expression) for alias, expression in conditions}
        for alias, expression in conditions:
            if kinds[alias] is None:
                if name == SEEN:
                    continue
                return None
            if not _collect(expression, kinds[alias], kinds, used):
                return None
    return used


def _kind_of(expression: dict[str, Any]) -> str | None:
    terms = expression.get("$and", [expression])
    kinds = [term["t"] for term in terms if isinstance(term, dict) and isinstance(term.get("t"), str)]
    return kinds[0] if len(kinds) == 1 else None


def _collect(expression: Any, kind: str, kinds: dict[str, str | None], used: dict[str, set[str]]) -> bool:
    if not isinstance(expression, dict):
        return False
    for key, value in expression.items():
        if key in ("$and", "$or"):
            if not all(_collect(term, kind, kinds, used) for term in value):
                return False
            continue
        operands = value.items() if key.startswith("$") and isinstance(value, dict) else [(key, value)]
        for field_name, operand in operands:
            used.setdefault(kind, set()).add(field_name)
            if isinstance(operand, dict) and len(operand) == 1 and not next(iter(operand)).startswith("$"):
                (alias, other), = operand.items()
                if kinds.get(alias) is None:
                    return False
                used.setdefault(kinds[alias], set()).add(other)
    return True


class Engine:
    """One compiled ruleset for a set of rules; built once per process."""

    def __init__(self, rules: list[Rule], options: dict[str, int] | None = None) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.ruleset = Ruleset(rules, options)
        self.name = f"compliance{next(_names)}"
        try:
            self.handle = durable.create_ruleset(self.name, dumps(self.ruleset.definition))
        except durable.error as error:
            raise UserError(f"the engine rejected the rules: {error}; {self._culprit()}") from None
        self._states = itertools.count(1)

    def __del__(self) -> None:
        # The compiled ruleset lives in durable_rules' C heap (about 1 MB for
        # the national profile) until deleted: a process that runs many
        # checks (the command line called in-process, a service) would grow
        # by that much with every Engine it drops.
        handle = getattr(self, "handle", None)
        if handle is not None:
            try:
                durable.delete_ruleset(handle)
            except Exception:       # noqa: BLE001 - at interpreter exit the module may be gone
                pass

    def _culprit(self) -> str:
        # Compile rule by rule to name the file the engine cannot take.
        for rule in self.rules.values():
            try:
                durable.create_ruleset(f"probe{next(_names)}",
                                       dumps({rule.id: rule.durable()}))
            except durable.error:
                return f"first failing rule: {rule.file}"
        return "no single rule fails alone"

    def facts(self, plan: Plan, as_of: datetime.date | None = None,
              parent: Parent | None = None) -> tuple[list[dict[str, Any]], dict[str, Subject]]:
        """plan_facts for these rules: the fields no rule reads are not worked out."""
        return plan_facts(plan, as_of, parent, self.ruleset.reads)

    def run(self, facts: list[dict[str, Any]]) -> list[Match]:
        """Every (rule, subject key) that fires on one plan's facts."""
        sid = str(next(self._states))
        # Normalising ends with the facts as the engine takes them: selected,
        # prepared (fields, pattern hits) and written as JSON.
        with timing.stage("normalise"):
            facts = [self.ruleset.prepare(fact, sid) for fact in self.ruleset.select(facts)]
            written = dumps(facts)
        with timing.stage("engine"):
            return self.run_prepared(facts, sid, written)

    def run_prepared(self, facts: list[dict[str, Any]], sid: str, written: str | None = None) -> list[Match]:
        """Every (rule, subject key) that fires on facts already prepared for
        state ``sid`` (``written``: the same as JSON, if already written)."""
        fired: list[str] = []
        try:
            result = durable.assert_facts(self.handle, written if written is not None else dumps(facts))
            self._drain(result[1], fired)
        except durable.error as error:
            raise EngineError(f"durable_rules failed: {error}") from None
        except Exception as error:      # noqa: BLE001 - e.g. durable's MessageObservedException
            # Whatever the engine raises, the plan is reported as not checked,
            # never as a traceback (and never as exit status 1).
            detail = " ".join(str(getattr(error, "message", error)).split())     # one line
            raise EngineError(f"durable_rules failed: {type(error).__name__}: {detail}") from None
        finally:
            self._delete(sid)
        return self._account(facts, fired)

    def prepare(self, fact: dict[str, Any], sid: str) -> dict[str, Any]:
        """The fact as asserted: the fields rules read, and the patterns found in its text."""
        return self.ruleset.prepare(fact, sid)

    def _drain(self, state_handle: int, fired: list[str]) -> None:
        """The JSON of every action the state has, as durable_rules returns it."""
        while True:
            started = durable.start_action_for_state(self.handle, state_handle)
            if not started:
                return
            fired.append(started[1])
            while True:
                following = durable.complete_and_start_action(self.handle, state_handle)
                if not following:
                    break
                fired.append(following)

    def _delete(self, sid: str) -> None:
        try:
            durable.delete_state(self.handle, sid)
        except durable.error:
            pass

    def _account(self, facts: list[dict[str, Any]], fired: list[str]) -> list[Match]:
        # Most actions are the catch-all's, one per fact: their keys are read
        # from the text; every other action is parsed.
        seen: set[str] = set()
        others: list[str] = []
        read_key, add, other = _SEEN_KEY.match, seen.add, others.append
        for action in fired:
            found = read_key(action)
            if found is None:
                other(action)
            else:
                add(found[1])
        matches: set[Match] = set()
        for action in others:
            for rule_id, frame in json.loads(action).items():
                if rule_id == SEEN:
                    seen.add(frame["m"]["key"])
                else:
                    matches.add(Match(rule_id, frame["s"]["key"]))
        if len(seen) < len(facts) or not seen.issuperset(map(_key_of, facts)):
            missing = [fact["key"] for fact in facts if fact["key"] not in seen]
            if not missing:
                # Two facts with one key (the fact's id): the engine kept one of them.
                missing = [next(key for key, count in Counter(f["key"] for f in facts).items() if count > 1)]
            raise EngineError(f"{len(missing)} of {len(facts)} facts were not accounted for "
                              f"(first: {missing[0]}); the plan was not fully checked")
        return sorted(matches, key=lambda m: (m.key, m.rule))
