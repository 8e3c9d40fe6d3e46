"""The rule registry: rule files in, validated Rules with durable_rules conditions out.

A rule is one small YAML file (see ``schemas/rule.schema.json``). Loading
rejects, naming the file, anything a maintainer could get wrong: an unknown
field, a duplicate id, an unknown requirement key, a condition on a field
that facts do not have, a pattern the engine cannot run.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as _sre, _parser as _sre_parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import startcache
from .errors import UserError
from .facts import FIELDS, ORDER
from .resources import data_dir, read_yaml

SEVERITIES = ("error", "warning", "info")
REQUIREMENTS_FILE = "requirements.yaml"
OPTION_TYPES = ("days", "count", "month-day")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class Option:
    """A value a rule's conditions take from the profile (a duration, a head count)."""

    name: str
    type: str
    default: Any
    description: str
    file: str

    def number(self, value: Any, where: str) -> int:
        """The value as the engine compares it: days and counts as they are,
        a month-day (11-15) as 1115."""
        if self.type == "month-day":
            found = _MONTH_DAY.match(str(value))
            if found and 1 <= int(found[1]) <= 12 and 1 <= int(found[2]) <= 31:
                return int(found[1]) * 100 + int(found[2])
            raise UserError(f"option {self.name!r} must be a month-day such as 11-15, not {value!r}", where)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UserError(f"option {self.name!r} must be a whole number ({self.type}), not {value!r}", where)
        return value


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    severity: str
    pack: str


@dataclass(frozen=True)
class Rule:
    id: str
    requirement: str
    severity: str
    subject: str
    when: tuple[dict[str, Any], ...]
    require: tuple[dict[str, Any], ...]
    unless: tuple[dict[str, Any], ...]
    locate: str | None
    message: dict[str, str]
    citation: dict[str, str]
    rationale: str
    examples: dict[str, list[Any]]
    file: str
    title: str = ""
    options: dict[str, Option] = field(default_factory=dict)

    def durable(self, values: dict[str, int] | None = None) -> dict[str, Any]:
        """The rule's condition in durable_rules' JSON ruleset form, with
        option references replaced by ``values`` (else the defaults)."""
        values = {**{name: option.number(option.default, self.file) for name, option in self.options.items()},
                  **(values or {})}
        subject = _fact(self.subject, self.when, values)
        # durable_rules crashes (SIGSEGV) when a join compares against a
        # subject field the subject fact may lack; only subjects holding it
        # can match, so require it on the subject. (key is always there.)
        subject["$and"].extend({"$ex": {name: 1}} for name in self.compared_fields())
        conditions: list[dict[str, Any]] = [{"s": subject}]
        for index, joined in enumerate(self.require):
            conditions.append({f"r{index}": _fact(joined["fact"], joined.get("when", ()), values, joined.get("join"))})
        for index, joined in enumerate(self.unless):
            conditions.append({f"u{index}$not": _fact(joined["fact"], joined.get("when", ()), values,
                                                      joined.get("join"))})
        return {"all": conditions}


    def compared_fields(self) -> list[str]:
        """Subject fields that a join refers to, by equality or comparison."""
        return sorted({next(iter(target.values())) if isinstance(target, dict) else target
                       for joined in self.require + self.unless
                       for target in (joined.get("join") or {}).values()} - {"key"})


def hit_id(field_name: str, pattern: str) -> str:
    """How a fact records that ``pattern`` was found in its field ``field_name``."""
    return f"{field_name}:{pattern}"


def patterns(rules: list["Rule"]) -> dict[str, dict[str, set[str]]]:
    """Fact type -> text field -> the patterns rules search it for."""
    found: dict[str, dict[str, set[str]]] = {}
    for rule in rules:
        parts = [(rule.subject, rule.when)] + [(j["fact"], j.get("when") or ()) for j in rule.require + rule.unless]
        for kind, conditions in parts:
            for condition in _flat(conditions):
                if "matches" in condition:
                    found.setdefault(kind, {}).setdefault(condition["field"], set()).add(condition["matches"])
    return found


def _flat(conditions: Any) -> list[dict[str, Any]]:
    """Conditions with those inside ``any`` brought up to the same level."""
    flat = []
    for condition in conditions:
        flat.extend(_flat(condition["any"]) if "any" in condition else [condition])
    return flat


def _fact(kind: str, when: Any, values: dict[str, int], on: dict[str, str] | None = None) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{"t": kind}]
    for own, subject_field in (on or {}).items():
        if isinstance(subject_field, dict):      # {as_of: {gt: due}}: a comparison
            (op, name), = subject_field.items()
            terms.append({f"${op}": {own: {"s": name}}})
        else:
            terms.append({own: {"s": subject_field}})
    terms.extend(_condition(c, values) for c in when)
    return {"$and": terms}


def _condition(condition: dict[str, Any], values: dict[str, int]) -> dict[str, Any]:
    if "any" in condition:
        return {"$or": [_condition(c, values) for c in condition["any"]]}
    name = condition["field"]
    if "equals" in condition:
        return {name: condition["equals"]}
    if "not" in condition:
        return {"$neq": {name: condition["not"]}}
    if "in" in condition:
        return {"$or": [{name: value} for value in condition["in"]]}
    if "not-in" in condition:
        return {"$and": [{"$neq": {name: value}} for value in condition["not-in"]]}
    if "matches" in condition:
        # The engine's own regex is unreliable (see engine.py); patterns are
        # searched in Python and the engine tests which ones hit.
        return {"$iany": {"hits": {"$i": hit_id(name, condition["matches"])}}}
    if "exists" in condition:
        return {"$ex" if condition["exists"] else "$nex": {name: 1}}
    for op in ("lt", "lte", "gt", "gte"):
        if op in condition:
            value = condition[op]
            return {f"${op}": {name: values[value["option"]] if isinstance(value, dict) else value}}
    raise ValueError(f"no operator in {condition}")




def load_requirements(folder: Path) -> dict[str, Requirement]:
    path = folder / REQUIREMENTS_FILE
    if not path.is_file():
        return {}
    raw = read_yaml(path, "requirements file")
    if not isinstance(raw, dict) or not isinstance(raw.get("requirements"), dict):
        raise UserError("expected a mapping 'requirements' of key -> {title, severity}", str(path))
    found = {}
    for key, spec in raw["requirements"].items():
        if not isinstance(spec, dict) or spec.get("severity") not in SEVERITIES:
            raise UserError(f"requirement {key!r} needs a title and a severity ({', '.join(SEVERITIES)})", str(path))
        found[key] = Requirement(key, str(spec.get("title", "")), spec["severity"], folder.name)
    return found


def bundled_packs() -> dict[str, Path]:
    """The rule packs shipped with the tool, by name."""
    root = data_dir("rules")
    return {path.name: path for path in sorted(root.iterdir())
            if path.is_dir() and (path / REQUIREMENTS_FILE).is_file()}


def load_rules(packs: list[Path] | None = None) -> tuple[list[Rule], dict[str, Requirement]]:
    """The rules of ``packs`` (default: every bundled pack), and every
    requirement key any bundled or given pack defines."""
    bundled = list(bundled_packs().values())
    packs = bundled if packs is None else list(packs)
    requirements: dict[str, Requirement] = {}
    for folder in dict.fromkeys(bundled + packs):
        if not folder.is_dir():
            raise UserError("rule folder not found", str(folder))
        requirements.update(load_requirements(folder))
    rules: dict[str, Rule] = {}
    options: dict[str, Option] = {}
    for folder in dict.fromkeys(packs):
        for path in sorted(folder.glob("*.y*ml")):
            if path.name == REQUIREMENTS_FILE:
                continue
            rule = load_rule(path, requirements)
            if rule.id in rules:
                raise UserError(f"duplicate rule id {rule.id!r} (also in {rules[rule.id].file})", str(path))
            _merge_options(options, rule, path)
            rules[rule.id] = rule
    startcache.save()       # what this run read and checked, for the next
    return sorted(rules.values(), key=lambda r: r.id), requirements


def _merge_options(known: dict[str, Option], rule: Rule, path: Path) -> None:
    # Rules may share an option (the heating season); they must agree on it.
    for name, option in rule.options.items():
        other = known.setdefault(name, option)
        if (other.type, other.default) != (option.type, option.default):
            raise UserError(f"option {name!r} is declared differently in {other.file}", str(path))


def rule_options(rules: list[Rule]) -> dict[str, Option]:
    """Every option the rules declare, by name."""
    return {name: option for rule in rules for name, option in rule.options.items()}


def load_rule(path: Path, requirements: dict[str, Requirement]) -> Rule:
    # A command loads the bundled packs more than once (the active rules, the
    # ids a configuration may name): a rule file unchanged since is not checked again.
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size,
               tuple(sorted((name, r.severity) for name, r in requirements.items())))
    except OSError:
        return _load_rule(path, requirements)
    if key not in _LOADED:
        _LOADED[key] = _load_rule(path, requirements)
    return _LOADED[key]


_LOADED: dict[tuple[Any, ...], Rule] = {}


def _load_rule(path: Path, requirements: dict[str, Requirement]) -> Rule:
    raw = read_yaml(path, "rule", "rule")
    if raw["requirement"] not in requirements:
        raise UserError(f"unknown requirement key {raw['requirement']!r}", str(path))
    rule = Rule(id=raw["id"], requirement=raw["requirement"],
                severity=raw.get("severity") or requirements[raw["requirement"]].severity,
                subject=raw["subject"], when=tuple(raw.get("when") or ()), require=tuple(raw.get("require") or ()),
                unless=tuple(raw.get("unless") or ()), locate=raw.get("locate"), message=raw["message"],
                citation=raw["citation"], rationale=raw["rationale"], examples=raw.get("examples") or {},
                file=str(path), title=raw.get("title", ""), options=_options(raw.get("options") or {}, path))
    _check_fields(rule, path)
    return rule


def _options(raw: dict[str, Any], path: Path) -> dict[str, Option]:
    options = {name: Option(name, spec["type"], spec["default"], spec.get("description", ""), str(path))
               for name, spec in raw.items()}
    for option in options.values():
        option.number(option.default, str(path))
    return options


def _check_fields(rule: Rule, path: Path) -> None:
    used = {c[op]["option"] for c in _flat(rule.when) + [c for j in rule.require + rule.unless
                                                          for c in _flat(j.get("when") or ())]
            for op in ("lt", "lte", "gt", "gte") if isinstance(c.get(op), dict)}
    for name in sorted(used - set(rule.options)):
        raise UserError(f"condition uses option {name!r}, which the rule does not declare under 'options'", str(path))
    _check_conditions(rule.subject, rule.when, path)
    for section, joins in (("require", rule.require), ("unless", rule.unless)):
        for joined in joins:
            _check_conditions(joined["fact"], joined.get("when") or (), path)
            for own, subject_field in (joined.get("join") or {}).items():
                if isinstance(subject_field, dict):
                    subject_field = next(iter(subject_field.values()))
                for kind, name in ((joined["fact"], own), (rule.subject, subject_field)):
                    if name != "key" and name not in FIELDS[kind]:
                        raise UserError(f"{section}: {kind} facts have no field {name!r}", str(path))
            if section == "unless" and ORDER.index(joined["fact"]) >= ORDER.index(rule.subject):
                raise UserError(f"unless: {joined['fact']} facts are asserted after {rule.subject} facts, "
                                f"so 'unless' cannot wait for them; reverse the rule's subject", str(path))


def _check_conditions(kind: str, conditions: Any, path: Path) -> None:
    for condition in _flat(conditions):
        name = condition["field"]
        if name not in FIELDS[kind]:
            known = ", ".join(sorted(FIELDS[kind]))
            raise UserError(f"{kind} facts have no field {name!r} (known: {known})", str(path))
        pattern = condition.get("matches")
        if pattern is not None:
            if FIELDS[kind][name] != "text":
                raise UserError(f"'matches' needs a text field; {kind}.{name} is a {FIELDS[kind][name]}", str(path))
            _check_pattern(pattern, path)


MAX_PATTERN = 4000


def _check_pattern(pattern: str, path: Path) -> None:
    if len(pattern) > MAX_PATTERN:
        raise UserError(f"pattern of {len(pattern)} characters; at most {MAX_PATTERN}", str(path))
    try:
        re.compile(pattern)
    except re.error as error:
        raise UserError(f"invalid pattern {pattern!r}: {error}", str(path)) from None
    if startcache.safe_pattern(pattern):
        return
    risk = backtracking_risk(pattern)
    if risk:
        raise UserError(f"pattern {pattern[:60]!r} could take too long on a long text ({risk}); "
                        "rewrite it with bounded repeats such as .{0,10}", str(path))
    startcache.add_safe_pattern(pattern)


def backtracking_risk(pattern: str) -> str | None:
    """Why ``pattern`` could take exponential or high-polynomial time, or None.

    Rule packs are data from anyone, and Python's ``re`` has no time limit,
    so the constructs behind catastrophic backtracking are refused: an
    unbounded repeat inside a repeated group ((a+)+, (.*a){12}),
    alternatives inside an unbounded repeat ((a|ab)*), back-references, and
    unbounded repeats not anchored at a clause's start (quadratic time on a
    long text). Bounded gaps (.{0,10}) and alternations outside repeats are fine.
    """
    parsed = _sre_parser.parse(pattern)
    return _risk(parsed, outer=None) or _unanchored(parsed, None)


def _unanchored(items: Any, clause: frozenset[int] | None) -> str | None:
    """An unbounded repeat (*, +, {n,}) that a search would try at every
    character of a long text, scanning to its end each time (quadratic
    time: 陪同.*[0-9] on 陪同陪同…). Allowed only after a clause-start anchor
    (^ or (?:^|(?<=[,;。\n]))) and over characters that stop at those
    delimiters, so each try ends where its clause does. ``clause`` is the
    set of delimiters of the anchor in force, if any."""
    for op, av in items:
        anchor = _clause_anchor(op, av)
        if anchor is not None:
            clause = anchor
            continue
        if op in _REPEATS:
            _, most, body = av
            if most == _sre.MAXREPEAT and (clause is None or not _within(body, clause)):
                return "an unbounded repeat that is not anchored at the start of a clause"
            found = _unanchored(body, clause)
        elif op is _sre.SUBPATTERN:
            found = _unanchored(av[-1], clause)
        elif op is _sre.BRANCH:
            found = next((r for r in (_unanchored(alt, clause) for alt in av[1]) if r), None)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found = _unanchored(av[1], clause)
        else:
            found = None
        if found:
            return found
    return None


_NEWLINE = frozenset({ord("\n")})


def _clause_anchor(op: Any, av: Any) -> frozenset[int] | None:
    """The delimiters a clause-start anchor stops at: ^ (a line), a
    lookbehind for a set of characters, or a group of such alternatives."""
    if op is _sre.AT and av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING):
        return _NEWLINE
    if op is _sre.ASSERT and av[0] == -1 and len(av[1]) == 1:
        return _literals(*av[1][0])
    if op is _sre.SUBPATTERN and len(av[-1]) == 1:
        return _clause_anchor(*av[-1][0])
    if op is _sre.BRANCH:
        sets = [_clause_anchor(*alt[0]) if len(alt) == 1 else None for alt in av[1]]
        if all(found is not None for found in sets):
            return frozenset().union(*sets)  # type: ignore[arg-type]
    return None


def _literals(op: Any, av: Any) -> frozenset[int] | None:
    if op is _sre.LITERAL:
        return frozenset({av})
    if op is _sre.IN and all(kind is _sre.LITERAL for kind, _ in av):
        return frozenset(value for _, value in av)
    return None


def _within(body: Any, clause: frozenset[int]) -> bool:
    """Whether a repeat's body takes one character that is none of ``clause``
    (lookarounds aside): [^,;。\n], or (?:(?!不得)[^,;。\n])."""
    taking = [(op, av) for op, av in body if op not in (_sre.ASSERT, _sre.ASSERT_NOT)]
    if len(taking) != 1:
        return False
    if taking[0][0] is _sre.NOT_LITERAL:
        return clause <= {taking[0][1]}
    if taking[0][0] is not _sre.IN:
        return False
    members = taking[0][1]
    if not members or members[0] != (_sre.NEGATE, None):
        return False
    excluded = _literals(_sre.IN, members[1:])
    return excluded is not None and clause <= excluded


_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT} | ({_sre.POSSESSIVE_REPEAT} if hasattr(_sre, "POSSESSIVE_REPEAT") else set())


def _risk(items: Any, outer: int | None) -> str | None:
    """``outer`` is the largest count of the enclosing repeat, if any."""
    for op, av in items:
        if op in _REPEATS:
            _, most, body = av
            if outer is not None and outer > 1 and most == _sre.MAXREPEAT:
                return "an unbounded repeat inside a repeated group"
            if most == _sre.MAXREPEAT and _has_branch(body):
                return "alternatives inside an unbounded repeat"
            found = _risk(body, most if most > 1 else outer)
        elif op is _sre.SUBPATTERN:
            found = _risk(av[-1], outer)
        elif op is _sre.BRANCH:
            found = next((r for r in (_risk(alt, outer) for alt in av[1]) if r), None)
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            found = _risk(av[1], outer)
        elif op in (_sre.GROUPREF, _sre.GROUPREF_EXISTS):
            found = "a back-reference"
        else:
            found = None
        if found:
            return found
    return None


def _has_branch(items: Any) -> bool:
    for op, av in items:
        if op is _sre.BRANCH or (op is _sre.SUBPATTERN and _has_branch(av[-1])):
            return True
    return False
