"""The durable_rules engine: compiled rulesets in, (rule, fact) matches out.

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
from dataclasses import dataclass
from typing import Any

import durable_rules_engine as durable

from .errors import UserError
from .facts import base_key
from .rules import Rule

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

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = {rule.id: rule for rule in rules}
        definition: dict[str, Any] = {rule.id: rule.durable() for rule in rules}
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
        for fact in facts:
            fact["sid"] = sid
        fired: list[dict[str, Any]] = []
        try:
            result = durable.assert_facts(self.handle, json.dumps(facts, ensure_ascii=False))
            self._drain(result[1], fired)
        except durable.error as error:
            raise EngineError(f"durable_rules failed: {error}") from None
        finally:
            self._delete(sid)
        return self._account(facts, fired)

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
                    matches.add(Match(rule_id, base_key(frame["s"]["key"])))
        missing = [fact["key"] for fact in facts if fact["key"] not in seen]
        if missing:
            raise EngineError(f"{len(missing)} of {len(facts)} facts were not accounted for "
                              f"(first: {missing[0]}); the plan was not fully checked")
        return sorted(matches, key=lambda m: (m.key, m.rule))
