"""The rule registry: rule files in, validated Rules with durable_rules conditions out.

A rule is one small YAML file (see ``schemas/rule.schema.json``). Loading
rejects, naming the file, anything a maintainer could get wrong: an unknown
field, a duplicate id, an unknown requirement key, a condition on a field
that facts do not have, a pattern the engine cannot run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .errors import UserError
from .facts import FIELDS, ORDER
from .resources import data_dir, load_schema

SEVERITIES = ("error", "warning", "info")
REQUIREMENTS_FILE = "requirements.yaml"


@dataclass(frozen=True)
class Requirement:
    key: str
    title: str
    severity: str
    profiles: tuple[str, ...]


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
    extra: dict[str, Any] = field(default_factory=dict)

    def durable(self) -> dict[str, Any]:
        """The rule's condition in durable_rules' JSON ruleset form."""
        subject = _fact(self.subject, self.when)
        # durable_rules crashes (SIGSEGV) when a join compares against a
        # subject field the subject fact may lack; only subjects holding it
        # can be compared, so require it on the subject.
        subject["$and"].extend({"$ex": {name: 1}} for name in self.compared_fields())
        conditions: list[dict[str, Any]] = [{"s": subject}]
        for index, joined in enumerate(self.require):
            conditions.append({f"r{index}": _fact(joined["fact"], joined.get("when", ()), joined.get("join"))})
        for index, joined in enumerate(self.unless):
            conditions.append({f"u{index}$not": _fact(joined["fact"], joined.get("when", ()), joined.get("join"))})
        return {"all": conditions}


    def compared_fields(self) -> list[str]:
        """Subject fields that a join compares with lt/lte/gt/gte."""
        return sorted({next(iter(target.values())) for joined in self.require + self.unless
                       for target in (joined.get("join") or {}).values() if isinstance(target, dict)})


def hit_id(field_name: str, pattern: str) -> str:
    """How a fact records that ``pattern`` was found in its field ``field_name``."""
    return f"{field_name}:{pattern}"


def patterns(rules: list["Rule"]) -> dict[str, dict[str, set[str]]]:
    """Fact type -> text field -> the patterns rules search it for."""
    found: dict[str, dict[str, set[str]]] = {}
    for rule in rules:
        parts = [(rule.subject, rule.when)] + [(j["fact"], j.get("when") or ()) for j in rule.require + rule.unless]
        for kind, conditions in parts:
            for condition in conditions:
                if "matches" in condition:
                    found.setdefault(kind, {}).setdefault(condition["field"], set()).add(condition["matches"])
    return found


def _fact(kind: str, when: Any, on: dict[str, str] | None = None) -> dict[str, Any]:
    terms: list[dict[str, Any]] = [{"t": kind}]
    for own, subject_field in (on or {}).items():
        if isinstance(subject_field, dict):      # {as_of: {gt: due}}: a comparison
            (op, name), = subject_field.items()
            terms.append({f"${op}": {own: {"s": name}}})
        else:
            terms.append({own: {"s": subject_field}})
    terms.extend(_condition(c) for c in when)
    return {"$and": terms}


def _condition(condition: dict[str, Any]) -> dict[str, Any]:
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
            return {f"${op}": {name: condition[op]}}
    raise ValueError(f"no operator in {condition}")




def load_requirements(folder: Path) -> dict[str, Requirement]:
    path = folder / REQUIREMENTS_FILE
    if not path.is_file():
        return {}
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("requirements"), dict):
        raise UserError("expected a mapping 'requirements' of key -> {title, severity}", str(path))
    found = {}
    for key, spec in raw["requirements"].items():
        if not isinstance(spec, dict) or spec.get("severity") not in SEVERITIES:
            raise UserError(f"requirement {key!r} needs a title and a severity ({', '.join(SEVERITIES)})", str(path))
        found[key] = Requirement(key, str(spec.get("title", "")), spec["severity"],
                                 tuple(spec.get("profiles") or ()))
    return found


def load_rules(folders: list[Path] | None = None) -> tuple[list[Rule], dict[str, Requirement]]:
    """Rules and requirements from the bundled folder plus ``folders``."""
    folders = [data_dir("rules")] + list(folders or [])
    requirements: dict[str, Requirement] = {}
    for folder in folders:
        if not folder.is_dir():
            raise UserError("rule folder not found", str(folder))
        requirements.update(load_requirements(folder))
    rules: dict[str, Rule] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.y*ml")):
            if path.name == REQUIREMENTS_FILE:
                continue
            rule = load_rule(path, requirements)
            if rule.id in rules:
                raise UserError(f"duplicate rule id {rule.id!r} (also in {rules[rule.id].file})", str(path))
            rules[rule.id] = rule
    return sorted(rules.values(), key=lambda r: r.id), requirements


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read rule file: {error}", str(path)) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise UserError(f"invalid YAML: {getattr(error, 'problem', error)}", str(path),
                        mark.line + 1 if mark else None) from None


def load_rule(path: Path, requirements: dict[str, Requirement]) -> Rule:
    raw = _read_yaml(path)
    error = best_match(Draft202012Validator(load_schema("rule")).iter_errors(raw))
    if error is not None:
        where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        raise UserError(f"invalid rule: {where}: {error.message}", str(path))
    if raw["requirement"] not in requirements:
        raise UserError(f"unknown requirement key {raw['requirement']!r}", str(path))
    rule = Rule(id=raw["id"], requirement=raw["requirement"],
                severity=raw.get("severity") or requirements[raw["requirement"]].severity,
                subject=raw["subject"], when=tuple(raw.get("when") or ()), require=tuple(raw.get("require") or ()),
                unless=tuple(raw.get("unless") or ()), locate=raw.get("locate"), message=raw["message"],
                citation=raw["citation"], rationale=raw["rationale"], examples=raw.get("examples") or {},
                file=str(path), title=raw.get("title", ""))
    _check_fields(rule, path)
    return rule


def _check_fields(rule: Rule, path: Path) -> None:
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
    for condition in conditions:
        name = condition["field"]
        if name not in FIELDS[kind]:
            known = ", ".join(sorted(FIELDS[kind]))
            raise UserError(f"{kind} facts have no field {name!r} (known: {known})", str(path))
        pattern = condition.get("matches")
        if pattern is not None:
            if FIELDS[kind][name] != "text":
                raise UserError(f"'matches' needs a text field; {kind}.{name} is a {FIELDS[kind][name]}", str(path))
            _check_pattern(pattern, path)


def _check_pattern(pattern: str, path: Path) -> None:
    try:
        re.compile(pattern)
    except re.error as error:
        raise UserError(f"invalid pattern {pattern!r}: {error}", str(path)) from None
