"""The rules' conditions evaluated in plain Python, without durable_rules.

A reference for the engine: :class:`PyEngine` takes the very definition
compiled into durable_rules (compliance.engine.Ruleset: every rule's
``durable()`` JSON, pattern hits by short id) and the very facts asserted
(prepared: the fields rules read, and the patterns found in their text),
and returns the (rule, subject key) matches Engine.run returns. The
benchmarks run it beside the engine on the same facts, and a test holds the
two to the same answers on every rule example and every test plan, so it
can serve as a differential oracle: :class:`Differential` puts the engine
in a Checker with pyeval beside it, :class:`Evaluator` puts pyeval in the
engine's place, :func:`differences` says where two answers part
(tests/test_oracle.py runs them over thousands of generated plans).

What it evaluates, as durable_rules does (src/rules/events.c):

- a rule is ``{"all": [condition, ...]}``; a condition is ``{alias: expr}``,
  where ``s`` is the subject, ``r0``... facts joined to it and
  ``u0$not``... facts that must not exist (a name ending in ``$not``);
  the rule fires once per combination of facts for the positive aliases,
  when no fact matches a negated one;
- ``expr`` is ``{"$and": [...]}``, ``{"$or": [...]}``, ``{field: value}``
  (equality), ``{"$neq"|"$lt"|"$lte"|"$gt"|"$gte": {field: value}}``,
  ``{"$ex"|"$nex": {field: 1}}``, or ``{"$iany": {field: {"$i": value}}}``
  (an array holding the value); ``value`` is a constant or
  ``{alias: field}``, a field of an earlier alias's fact (a join);
- a missing field fails every test but ``$nex``;
- a fact binds at most one alias of a combination, and a fact already
  bound does not count against a negated alias (the "distinct" default);
- values compare as durable_rules compares them: numbers by value, with
  booleans as 0 and 1; null equals only null; strings as written in the
  JSON the engine asserts (compliance.engine.dumps: ASCII, \\uXXXX escapes),
  byte by byte over the longer one's length, so that a string from a fact
  is read as if followed by its closing quote and a literal by a NUL ("ab"
  sorts after "ab!" in a fact, before it in a literal);
  An equality join (``{field: {alias: field}}`` at the head of a
  condition) also needs the two values' texts to agree, because
  durable_rules looks the joined facts up by a hash of that text: true does
  not join 1, nor 40 join 40.0 (text 40.000000). A string compared with a
  number or a boolean is refused (:class:`Undefined`): durable_rules then
  compares texts over a length taken from how the JSON was written, or from
  uninitialised memory for a literal; the facts never hold such a pair.

Facts are evaluated in their final state: the registry refuses an
``unless`` on a fact type asserted after the subject (compliance.facts
ORDER), which is what makes durable_rules' answer order-independent.
Forms the rule compiler never produces (``$mt`` regular expressions, array
tests other than ``$i``) raise :class:`Unsupported` rather than guess.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .engine import SEEN, Engine, EngineError, Match, Ruleset
from .facts import Parent, Subject, plan_facts
from .model import Plan
from .rules import Rule

Fact = dict[str, Any]
Frame = dict[str, Fact]
Test = Callable[[Fact, Frame], bool]

_ORDERING = ("$lt", "$lte", "$gt", "$gte")


class Unsupported(ValueError):
    """A condition form this evaluator does not implement."""


class Undefined(Unsupported):
    """A comparison whose outcome in durable_rules depends on how the JSON
    was written or on uninitialised memory (a string with a number)."""


# --- values, compared as durable_rules compares them ------------------------

def _text(value: Any) -> str:
    """The text durable_rules hashes to look up an equality join."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return "%f" % value
    if isinstance(value, str):
        return value            # two strings hash alike exactly when they are equal
    return str(value)


def _compare(op: str, left: Any, right: Any, literal: bool = False) -> bool:
    """``left`` (a fact's value) OP ``right`` (a literal, or another fact's value)."""
    if left is None or right is None:
        both = left is None and right is None
        return both if op == "$eq" else (not both if op == "$neq" else False)
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        return False                # not a value durable_rules compares (ERR_OPERATION_NOT_SUPPORTED)
    if isinstance(left, str) is not isinstance(right, str):
        raise Undefined(f"durable_rules compares {left!r} with {right!r} by text over an undefined length")
    if isinstance(left, str) and op not in ("$eq", "$neq"):
        # strncmp over the longer length of the written texts, each followed
        # by what follows it in memory: a fact's closing quote, a literal's NUL.
        written_left, written_right = json.dumps(left)[1:-1], json.dumps(right)[1:-1]
        length = max(len(written_left), len(written_right))
        left = (written_left + '"')[:length]
        right = (written_right + ("\0" if literal else '"'))[:length]
    if op == "$eq":
        return left == right
    if op == "$neq":
        return left != right
    if op == "$lt":
        return left < right
    if op == "$lte":
        return left <= right
    if op == "$gt":
        return left > right
    return left >= right


_ABSENT = object()


def _reference(operand: Any) -> tuple[str, str] | None:
    """(alias, field) when ``operand`` names a field of another fact."""
    if isinstance(operand, dict) and len(operand) == 1:
        (alias, name), = operand.items()
        if not alias.startswith("$") and isinstance(name, str):
            return alias, name
    return None


def _is_literal(operand: Any) -> bool:
    return _reference(operand) is None


def _operand(operand: Any) -> Callable[[Frame], Any]:
    reference = _reference(operand)
    if reference is None:
        if isinstance(operand, (dict, list)):
            raise Unsupported(f"operand {operand!r}")
        return lambda frame: operand
    alias, name = reference
    return lambda frame: frame[alias].get(name, _ABSENT) if alias in frame else _ABSENT


def _term(op: str, name: str, operand: Any, hashed: bool = False) -> Test:
    value = _operand(operand)
    literal = _is_literal(operand)

    def test(fact: Fact, frame: Frame) -> bool:
        left = fact.get(name, _ABSENT)
        right = value(frame)
        if left is _ABSENT or right is _ABSENT:
            return False
        if hashed and _text(left) != _text(right):
            return False
        return _compare(op, left, right, literal)
    return test


def _joins(expression: Any) -> bool:
    """Whether an expression refers to another alias's fact anywhere."""
    if isinstance(expression, list):
        return any(_joins(term) for term in expression)
    if not isinstance(expression, dict):
        return False
    for key, argument in expression.items():
        if key in ("$and", "$or"):
            if _joins(argument):
                return True
        elif key.startswith("$"):
            operands = argument.values() if isinstance(argument, dict) else []
            if any(_reference(o) is not None or (isinstance(o, dict) and _reference(o.get("$i")) is not None)
                   for o in operands):
                return True
        elif _reference(argument) is not None:
            return True
    return False


def compile_condition(expression: Any) -> Test:
    """The test of one alias's fact (and the facts bound so far): its
    expression, with the equality joins at its head looked up by text as
    durable_rules looks them up."""
    if not isinstance(expression, dict) or not expression:
        raise Unsupported(f"expression {expression!r}")
    terms = expression["$and"] if list(expression) == ["$and"] else [{k: v} for k, v in expression.items()]
    tests: list[Test] = []
    head = True                     # durable_rules hashes the equality joins before any $or
    for term in terms:
        if isinstance(term, dict) and len(term) == 1:
            (key, argument), = term.items()
            if key == "$or":
                if _joins(argument):
                    raise Unsupported(f"a join inside $or: {term!r}")
                head = False
            elif _joins(term) and not head:
                raise Unsupported(f"a join after $or: {term!r}")
            tests.append(_compile_key(key, argument, hashed=head))
        else:
            tests.append(compile_expression(term))
    return _every(tests)


def _every(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]

    def test(fact: Fact, frame: Frame) -> bool:
        for one in tests:
            if not one(fact, frame):
                return False
        return True
    return test


def compile_expression(expression: Any) -> Test:
    """A test of one fact (and the facts bound so far) for an expression."""
    if not isinstance(expression, dict) or not expression:
        raise Unsupported(f"expression {expression!r}")
    return _every([_compile_key(key, argument) for key, argument in expression.items()])


def _compile_key(key: str, argument: Any, hashed: bool = False) -> Test:
    if key == "$and":
        if _joins(argument):
            raise Unsupported(f"a join inside a nested $and: {argument!r}")
        return _every([compile_expression(term) for term in argument])
    if key == "$or":
        parts = [compile_expression(term) for term in argument]
        return lambda fact, frame: any(part(fact, frame) for part in parts)
    if key in ("$ex", "$nex"):
        names = list(argument)
        if key == "$ex":
            return lambda fact, frame: all(name in fact for name in names)
        return lambda fact, frame: all(name not in fact for name in names)
    if key in ("$neq", *_ORDERING):
        tests = [_term(key, name, operand) for name, operand in argument.items()]
        return tests[0] if len(tests) == 1 else (lambda fact, frame: all(t(fact, frame) for t in tests))
    if key == "$iany":
        (name, inner), = argument.items()
        if not (isinstance(inner, dict) and list(inner) == ["$i"]):
            raise Unsupported(f"$iany {inner!r}")
        wanted = _operand(inner["$i"])

        def any_element(fact: Fact, frame: Frame) -> bool:
            elements = fact.get(name, _ABSENT)
            value = wanted(frame)
            if not isinstance(elements, list) or value is _ABSENT:
                return False
            return any(_compare("$eq", element, value, True) for element in elements)
        return any_element
    if key.startswith("$"):
        raise Unsupported(f"operator {key}")
    return _term("$eq", key, argument, hashed=hashed and _reference(argument) is not None)


# --- rules -------------------------------------------------------------------

class _Condition:
    """One alias of a rule: its test, and an index key for an equality join."""

    def __init__(self, alias: str, expression: Any) -> None:
        self.alias = alias.removesuffix("$not")
        self.negated = alias.endswith("$not")
        self.test = compile_condition(expression)
        terms = expression.get("$and", [expression]) if isinstance(expression, dict) else []
        kinds = [t["t"] for t in terms if isinstance(t, dict) and len(t) == 1 and isinstance(t.get("t"), str)]
        self.kind = kinds[0] if len(kinds) == 1 else None
        # An equality with another alias's field, to look candidates up by
        # value instead of testing every fact (the test still decides).
        self.join: tuple[str, str, str] | None = None
        for term in terms:
            if isinstance(term, dict) and len(term) == 1:
                (name, operand), = term.items()
                reference = None if name.startswith("$") else _reference(operand)
                if reference is not None:
                    self.join = (name, *reference)
                    break


class PyRule:
    def __init__(self, rule_id: str, definition: dict[str, Any]) -> None:
        self.id = rule_id
        conditions = definition.get("all")
        if not isinstance(conditions, list) or set(definition) != {"all"}:
            raise Unsupported(f"{rule_id}: only 'all' rules are evaluated")
        self.conditions = [_Condition(*next(iter(c.items()))) for c in conditions]
        if not self.conditions or self.conditions[0].negated:
            raise Unsupported(f"{rule_id}: the first condition must bind a fact")

    def subjects(self, facts: _Facts) -> set[str]:
        """The keys of the subject facts (alias ``s``) the rule fires on."""
        found: set[str] = set()
        self._extend(0, {}, facts, found)
        return found

    def _extend(self, index: int, frame: Frame, facts: _Facts, found: set[str]) -> None:
        if index == len(self.conditions):
            subject = frame.get("s")
            if subject is not None:
                found.add(subject["key"])
            return
        condition = self.conditions[index]
        candidates = facts.candidates(condition, frame)
        # A fact binds at most one alias of a frame, and one already bound
        # does not count against a negation (durable_rules' "distinct").
        bound = [id(fact) for fact in frame.values()]
        if condition.negated:
            if not any(id(fact) not in bound and condition.test(fact, frame) for fact in candidates):
                self._extend(index + 1, frame, facts, found)
            return
        for fact in candidates:
            if id(fact) not in bound and condition.test(fact, frame):
                frame[condition.alias] = fact
                self._extend(index + 1, frame, facts, found)
                del frame[condition.alias]


class _Facts:
    """One plan's facts, by type, with equality indexes built on demand."""

    def __init__(self, facts: list[Fact]) -> None:
        self.all = facts
        self.by_kind: dict[Any, list[Fact]] = {}
        for fact in facts:
            self.by_kind.setdefault(fact.get("t"), []).append(fact)
        self._indexes: dict[tuple[Any, str], dict[str, list[Fact]] | None] = {}

    def candidates(self, condition: _Condition, frame: Frame) -> list[Fact]:
        pool = self.all if condition.kind is None else self.by_kind.get(condition.kind, [])
        if condition.join is None:
            return pool
        name, alias, other = condition.join
        probe = frame[alias].get(other, _ABSENT) if alias in frame else _ABSENT
        index = self._index(condition.kind, name, pool)
        if index is None or not isinstance(probe, str):
            return pool
        return index.get(probe, [])

    def _index(self, kind: Any, name: str, pool: list[Fact]) -> dict[str, list[Fact]] | None:
        # Only an index of strings: equal strings are equal bytes in
        # durable_rules too, while a number may equal a string's text.
        key = (kind, name)
        if key not in self._indexes:
            index: dict[str, list[Fact]] | None = {}
            for fact in pool:
                value = fact.get(name, _ABSENT)
                if value is _ABSENT:
                    continue
                if not isinstance(value, str):
                    index = None
                    break
                index.setdefault(value, []).append(fact)
            self._indexes[key] = index
        return self._indexes[key]


class PyEngine:
    """The rules of a durable_rules definition, evaluated in Python."""

    def __init__(self, definition: dict[str, Any]) -> None:
        self.rules = [PyRule(rule_id, rule) for rule_id, rule in definition.items() if rule_id != SEEN]

    @classmethod
    def of(cls, rules: list[Rule], options: dict[str, int] | None = None) -> tuple[PyEngine, Ruleset]:
        """An evaluator for ``rules``, and the Ruleset that prepares facts for it."""
        ruleset = Ruleset(rules, options)
        return cls(ruleset.definition), ruleset

    def evaluate(self, facts: list[Fact]) -> list[Match]:
        """Every (rule, subject key) that fires on one plan's prepared facts."""
        indexed = _Facts(facts)
        matches = {Match(rule.id, key) for rule in self.rules for key in rule.subjects(indexed)}
        return sorted(matches, key=lambda m: (m.key, m.rule))


def run(rules: list[Rule], facts: list[Fact], options: dict[str, int] | None = None) -> list[Match]:
    """What Engine(rules, options).run(facts) returns, evaluated in Python."""
    engine, ruleset = PyEngine.of(rules, options)
    return engine.evaluate([ruleset.prepare(fact, "1") for fact in facts])


# --- the differential oracle: the engine and pyeval on the same facts -----------

def differences(engine: Iterable[Match], python: Iterable[Match]) -> tuple[list[Match], list[Match]]:
    """The matches only the engine found and those only pyeval found, each
    sorted as Engine.run sorts them; both empty when the two agree."""
    found, expected = set(engine), set(python)
    return (sorted(found - expected, key=_match_order), sorted(expected - found, key=_match_order))


def _match_order(match: Match) -> tuple[str, str]:
    return match.key, match.rule


class Evaluator:
    """Engine.run answered by pyeval: a drop-in for compliance.check.Checker's
    ``engine``, so a whole check (findings, waivers) can run without
    durable_rules. It is given every fact, unselected (Ruleset.select is the
    engine's shortcut, so the comparison covers it too). It keeps its last
    answer: the same facts again (the same plan checked twice, once with
    each evaluator) are not evaluated again."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.python = PyEngine(ruleset.definition)
        self._last: tuple[list[Fact], list[Fact], list[Match]] | None = None

    def answer(self, facts: list[Fact]) -> tuple[list[Fact], list[Match]]:
        """The facts as prepared, and the matches on them."""
        if self._last is None or self._last[0] != facts:
            prepared = [self.ruleset.prepare(fact, "0") for fact in facts]
            self._last = (facts, prepared, self.python.evaluate(prepared))
        return self._last[1], list(self._last[2])

    def run(self, facts: list[Fact]) -> list[Match]:
        return self.answer(facts)[1]

    def facts(self, plan: Plan, as_of: datetime.date | None = None,
              parent: Parent | None = None) -> tuple[list[Fact], dict[str, Subject]]:
        """Engine.facts' stand-in: every fact, with every field."""
        return plan_facts(plan, as_of, parent)


@dataclass
class Comparison:
    """The engine's and pyeval's answers on one plan's facts. ``engine`` is
    None when the engine failed (``error``: its EngineError)."""

    facts: list[Fact]
    prepared: list[Fact]
    engine: list[Match] | None
    python: list[Match]
    error: str | None = None

    @property
    def agree(self) -> bool:
        return self.error is None and self.engine == self.python

    def describe(self) -> str:
        if self.error is not None:
            return f"the engine failed: {self.error}; pyeval found {_listed(self.python)}"
        only_engine, only_python = differences(self.engine or [], self.python)
        return f"only the engine found {_listed(only_engine)}; only pyeval found {_listed(only_python)}"


def _listed(matches: list[Match]) -> str:
    return ", ".join(f"{m.rule} on {m.key}" for m in matches) or "nothing"


class Differential:
    """An Engine held to pyeval, in its place as Checker.engine: ``run``
    returns the engine's matches (or raises its EngineError) and keeps in
    ``last`` their Comparison with pyeval's on the same facts; ``strict``
    raises AssertionError on any disagreement. tests/test_pyeval.py and
    tests/test_oracle.py compare the two this way."""

    def __init__(self, engine: Engine, strict: bool = False) -> None:
        self.engine = engine
        self.ruleset = engine.ruleset
        self.python = Evaluator(engine.ruleset)
        self.strict = strict
        self.compared = 0
        self.last: Comparison | None = None

    def facts(self, plan: Plan, as_of: datetime.date | None = None,
              parent: Parent | None = None) -> tuple[list[Fact], dict[str, Subject]]:
        """Every fact with every field, for the engine and pyeval alike: the
        comparison covers the fields the engine leaves out too."""
        return plan_facts(plan, as_of, parent)

    def run(self, facts: list[Fact]) -> list[Match]:
        prepared, expected = self.python.answer(facts)
        self.compared += 1
        try:
            found = self.engine.run(facts)
        except EngineError as error:
            self.last = Comparison(facts, prepared, None, expected, str(error))
            if self.strict:
                raise AssertionError(self.last.describe()) from None
            raise
        self.last = Comparison(facts, prepared, found, expected)
        if self.strict and not self.last.agree:
            raise AssertionError(self.last.describe())
        return found
