"""What a run checks with: the profile, the configuration file and the
command line, resolved into the rules and option values of each file.

The command line wins over the configuration, which wins over the
profile. A file matched by ``overrides`` gets its own variant (rules
turned off, severities, option values); plans sharing a variant share one
compiled engine.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config, Override
from .errors import UserError
from .profiles import DEFAULT, Profile, active_rules, load_profile
from .rules import Requirement, Rule, bundled_packs, load_rules, rule_options


@dataclass(frozen=True)
class Variant:
    """The rules (with their effective severities) and option values one file is checked with."""

    rules: tuple[Rule, ...]
    options: tuple[tuple[str, int], ...]

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple((rule.id, rule.severity) for rule in self.rules), self.options


@dataclass
class Settings:
    profile: Profile
    requirements: dict[str, Requirement]
    config: Config
    fail_on: str
    lang: str
    base: Variant
    # Every rule the profile and packs turn on, before the configuration turns any off.
    available: list[Rule] = field(default_factory=list)

    def variant(self, name: str) -> Variant:
        overrides = self.config.overrides_for(name)
        if not overrides:
            return self.base
        rules, options = list(self.base.rules), dict(self.base.options)
        for override in overrides:
            rules = _severities(_disable(rules, override.disable), dict(override.severity))
            options.update(_values(self.available, dict(override.options), self.config, override))
        return Variant(tuple(rules), tuple(sorted(options.items())))

    def rules_hash(self) -> str:
        """A hash of what decides the findings: each active rule's condition,
        severity, messages and citation, the option values, and the overrides."""
        return _hash({
            "rules": {rule.id: {"when": rule.durable(dict(self.base.options)), "severity": rule.severity,
                                "requirement": rule.requirement, "message": rule.message,
                                "citation": rule.citation} for rule in self.base.rules},
            "options": dict(self.base.options),
            "overrides": [dataclasses.asdict(o) | {"line": None} for o in self.config.overrides],
        })


def resolve(config: Config, profile: str | None = None, rule_dirs: tuple[str, ...] = (),
            fail_on: str | None = None, lang: str | None = None,
            options: dict[str, str] | None = None) -> Settings:
    """Settings from the configuration and the command line's values (None: not given)."""
    chosen = load_profile(profile or config.profile or DEFAULT)
    extra = config.packs + [Path(folder) for folder in rule_dirs]
    rules, requirements, values = active_rules(chosen, extra)
    values.update(_values(rules, config.options, config, None))
    if options:
        values.update(_values(rules, options, config, None, origin="--option"))
    _check_names(config, rules, requirements)
    active = _severities(_disable(rules, config.disable), config.severity)
    return Settings(profile=chosen, requirements=requirements, config=config,
                    fail_on=fail_on or config.fail_on or "error", lang=lang or config.lang or "zh",
                    base=Variant(tuple(active), tuple(sorted(values.items()))), available=rules)


def _disable(rules: list[Rule], names: tuple[str, ...] | list[str]) -> list[Rule]:
    off = set(names)
    return [rule for rule in rules if rule.id not in off and rule.requirement not in off]


def _severities(rules: list[Rule], severity: dict[str, str]) -> list[Rule]:
    # A rule's own id wins over its requirement key.
    return [dataclasses.replace(rule, severity=severity.get(rule.id, severity.get(rule.requirement, rule.severity)))
            for rule in rules]


def _values(rules: list[Rule], given: dict[str, Any], config: Config, override: Override | None,
            origin: str | None = None) -> dict[str, int]:
    declared = rule_options(rules)
    where = origin or (str(config.file) if config.file else None)
    values = {}
    for name, value in given.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UserError(f"unknown option {name!r} (options of the active rules: {known})", where,
                            None if origin else (override.line if override else config.line_of("options", name)))
        values[name] = declared[name].number(value, where or "--option")
    return values


def _check_names(config: Config, rules: list[Rule], requirements: dict[str, Requirement]) -> None:
    """A rule id or requirement key in the configuration that names nothing
    is a typo that would silently do nothing: refuse it."""
    named = [(name, ("disable", index)) for index, name in enumerate(config.disable)]
    named += [(name, ("severity", name)) for name in config.severity]
    for index, override in enumerate(config.overrides):
        named += [(name, ("overrides", index)) for name in (*override.disable, *dict(override.severity))]
    known = {rule.id for rule in rules} | set(requirements)
    unknown = [(name, path) for name, path in named if name not in known]
    # Only then the bundled packs' rules (a rule the profile leaves off may
    # be named): a configuration that names none, the usual one, is spared them.
    bundled = _bundled_rule_ids() if unknown else set()
    for name, path in unknown:
        if name not in bundled:
            raise config.error(f"{name!r} is neither a rule id nor a requirement key "
                               "('compliance rules list' shows them)", *path)


def _bundled_rule_ids() -> set[str]:
    # A configuration may name a rule of a bundled pack its profile leaves off.
    return {rule.id for rule in load_rules(list(bundled_packs().values()))[0]}


def _hash(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
