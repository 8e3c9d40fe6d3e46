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

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as durable

from .errors import UserError
from .facts import FIELDS
from .rules import Rule, hit_id, patterns

SEEN = "$seen"
_names = itertools.count()


class EngineError(Exception):
    """The engine lost or refused facts; never a user's fault, never silent."""


@dataclass(frozen=True)
class Match:
    rule: str
    key: str


class Engine:
    """One compiled ruleset for a set of rules; built once per process."""

    def __init__(self, rules: list[Rule], options: dict[str, int] | None = None) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.searches = {kind: {name: [(hit_id(name, p), re.compile(p)) for p in sorted(found)]
                                for name, found in fields.items()}
                         for kind, fields in patterns(rules).items()}
        self.text_fields = {kind: [n for n, t in fields.items() if t == "text"] for kind, fields in FIELDS.items()}
        definition: dict[str, Any] = {rule.id: rule.durable(options) for rule in rules}
        definition[SEEN] = {"all": [{"m": {"$ex": {"t": 1}}}]}
        self.name = f"compliance{next(_names)}"
        try:
            self.handle = durable.create_ruleset(self.name, json.dumps(definition, ensure_ascii=False))
        except durable.error as error:
            raise UserError(f"the engine rejected the rules: {error}; {self._culprit()}") from None
        self._states = itertools.count(1)

    def _culprit(self) -> str:
        # Compile rule by rule to name the file the engine cannot take.
        for rule in self.rules.values():
            try:
                durable.create_ruleset(f"probe{next(_names)}",
                                       json.dumps({rule.id: rule.durable()}, ensure_ascii=False))
            except durable.error:
                return f"first failing rule: {rule.file}"
        return "no single rule fails alone"

    def run(self, facts: list[dict[str, Any]]) -> list[Match]:
        """Every (rule, subject key) that fires on one plan's facts."""
        sid = str(next(self._states))
        facts = [self.prepare(fact, sid) for fact in facts]
        fired: list[dict[str, Any]] = []
        try:
            result = durable.assert_facts(self.handle, json.dumps(facts, ensure_ascii=False))
            self._drain(result[1], fired)
        except durable.error as error:
            raise EngineError(f"durable_rules failed: {error}") from None
        finally:
            self._delete(sid)
        return self._account(facts, fired)

    def prepare(self, fact: dict[str, Any], sid: str) -> dict[str, Any]:
        """The fact as asserted: text fields replaced by the patterns found in them."""
        kind = fact["t"]
        searches = self.searches.get(kind, {})
        prepared = {k: v for k, v in fact.items() if k not in self.text_fields.get(kind, ())}
        prepared["sid"] = sid
        prepared["hits"] = [hit for name, table in searches.items() for hit, pattern in table
                            if pattern.search(fact.get(name) or "")]
        return prepared

    def _drain(self, state_handle: int, fired: list[dict[str, Any]]) -> None:
        while True:
            started = durable.start_action_for_state(self.handle, state_handle)
            if not started:
                return
            fired.append(json.loads(started[1]))
            while True:
                following = durable.complete_and_start_action(self.handle, state_handle)
                if not following:
                    break
                fired.append(json.loads(following))

    def _delete(self, sid: str) -> None:
        try:
            durable.delete_state(self.handle, sid)
        except durable.error:
            pass

    def _account(self, facts: list[dict[str, Any]], fired: list[dict[str, Any]]) -> list[Match]:
        seen: set[str] = set()
        matches: set[Match] = set()
        for message in fired:
            for rule_id, frame in message.items():
                if rule_id == SEEN:
                    seen.add(frame["m"]["key"])
                else:
                    matches.add(Match(rule_id, frame["s"]["key"]))
        missing = [fact["key"] for fact in facts if fact["key"] not in seen]
        if missing:
            raise EngineError(f"{len(missing)} of {len(facts)} facts were not accounted for "
                              f"(first: {missing[0]}); the plan was not fully checked")
        return sorted(matches, key=lambda m: (m.key, m.rule))
