"""The pipeline: input names in, a Report out.

read -> model -> facts -> engine -> findings; each stage only feeds the
next. A bad input becomes a PlanResult with ``error`` set, and the other
inputs are still checked.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, timing, waivers
from .config import ConfigWaiver
from .engine import Engine, EngineError
from .errors import UserError
from .facts import Parent
from .findings import Finding, PlanResult, items_view, locate
from .model import Plan, build
from .parents import Parents
from .read import Document, expand_inputs, load, parse, read_bytes
from .rules import Rule

if TYPE_CHECKING:
    from .settings import Settings

STDIN_NAME = "<stdin>"

# What a result may keep beyond the JSON report's fields: each item as
# written (PlanResult.items_view: the html and xlsx reports) and the item
# ids (PlanResult.item_ids: JUnit's testcases). A batch keeps only what its
# formats show: less work per plan, and smaller results to send and hold.
DETAILS = frozenset({"items_view", "item_ids"})


def shown_name(name: str, sep: str = os.sep) -> str:
    """A file as every report names it: as given, with forward slashes
    whatever the platform's separator (plans\\a.yaml on Windows is plans/a.yaml),
    so reports are the same on every platform."""
    if name == "-":
        return STDIN_NAME
    return name.replace(sep, "/") if sep != "/" else name


@dataclass
class Report:
    profile: str
    as_of: datetime.date
    plans: list[PlanResult] = field(default_factory=list)
    # The active rules by id: SARIF describes them, other formats may cite them.
    rules: dict[str, Rule] = field(default_factory=dict)
    # What reproduces the run (compliance.manifest), and what --baseline hid.
    manifest: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [finding for plan in self.plans for finding in plan.findings]

    @property
    def standing(self) -> list[Finding]:
        """The findings not waived: the ones --fail-on counts."""
        return [finding for finding in self.findings if not finding.waived]

    @property
    def errors(self) -> list[str]:
        return [plan.error for plan in self.plans if plan.error]

    version: str = __version__


class Checker:
    """Rules compiled once; plans checked one at a time, each in its own engine state."""

    def __init__(self, rules: list[Rule], lang: str = "zh", as_of: datetime.date | None = None,
                 options: dict[str, int] | None = None, parents: Parents | None = None,
                 config_waivers: list[ConfigWaiver] | None = None, config_file: str | None = None,
                 known: set[str] | None = None) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.config_waivers = config_waivers or []
        self.config_file = config_file or ".compliance.yaml"
        # What a waiver may name: more than the active rules when the run knows more.
        self.known = known if known is not None else set(self.rules) | {r.requirement for r in rules}
        self.engine = Engine(rules, options)
        self.lang = lang
        self.as_of = as_of or datetime.date.today()
        # Parent plans resolve inside the current folder unless told otherwise.
        self.parents = parents or Parents([Path.cwd()])

    def check_plan(self, plan: Plan, parent: Parent | None = None) -> list[Finding]:
        with timing.stage("normalise"):
            facts, subjects = self.engine.facts(plan, self.as_of, parent)
        matches = self.engine.run(facts)        # times its pattern search and the engine itself
        with timing.stage("report"):
            found = locate(plan, matches, subjects, self.rules, self.lang)
            given = waivers.plan_waivers(plan) + waivers.config_waivers(plan, self.config_waivers, self.config_file)
            return waivers.apply(found, given, self.as_of, self.known, self.lang) if given else found

    def check_file(self, name: str, keep: frozenset[str] = DETAILS) -> PlanResult:
        return self._check(name, lambda: load(name), keep=keep)

    def check_text(self, text: str, name: str) -> PlanResult:
        """Check a plan held in memory, as if read from a file called ``name``."""
        def read() -> Document:
            document = parse(text, name)
            document.raw = text.encode("utf-8", "surrogatepass")
            return document
        return self._check(name, read, on_disk=False)

    def _check(self, name: str, read: Callable[[], Document], on_disk: bool = True,
               keep: frozenset[str] = DETAILS) -> PlanResult:
        with timing.stage("load"):
            result, plan = load_plan(name, read, keep)
            self.parents.remember(name, plan, on_disk)
            parent = self.parents.of(plan) if plan is not None else None
        if plan is not None:
            try:
                result.findings = self.check_plan(plan, parent)
            except EngineError as error:
                result.error = f"{result.file}: {error}"
        return result


def load_plan(name: str, read: Callable[[], Document],
              keep: frozenset[str] = DETAILS) -> tuple[PlanResult, Plan | None]:
    """The plan of one input, or its result with the error that stopped it;
    the result holds the DETAILS in ``keep``."""
    shown = shown_name(name)
    result = PlanResult(shown)
    try:
        document = read()
        document.name = shown
        plan = build(document)
    except UserError as error:
        error.file = shown if error.file in (None, "-", name) else error.file
        result.error = str(error)
        result.error_line, result.error_column = error.line, error.column
        return result, None
    result.id, result.items = plan.id, len(plan.items)
    if "item_ids" in keep:
        result.item_ids = [item.id for item in plan.items]
    if "items_view" in keep:
        result.items_view = items_view(plan)
    result.sha256, result.size = hashlib.sha256(document.raw).hexdigest(), len(document.raw)
    return result, plan


def input_hash(name: str) -> tuple[str | None, int | None]:
    """The hash and size of an input that could not be loaded, if its bytes can be read."""
    try:
        data = read_bytes(name)
    except UserError:
        return None, None
    return hashlib.sha256(data).hexdigest(), len(data)


def validate_file(name: str) -> PlanResult:
    """Parse and schema errors only: what ``compliance validate`` reports."""
    return load_plan(name, lambda: load(name))[0]


def inputs(paths: list[str]) -> list[str]:
    names = expand_inputs(paths)
    if not names:
        raise UserError("no plan files found (looked for *.yaml, *.yml, *.json, *.xlsx, *.docx, *.csv)")
    return names


class Run:
    """One check command: a Checker per settings variant (a file an
    override matches may have other rules or options), all sharing the
    run's parent plans and date."""

    def __init__(self, settings: "Settings", as_of: datetime.date, parents: Parents) -> None:
        from .rules import bundled_packs, load_rules

        self.settings = settings
        self.as_of = as_of
        self.parents = parents
        self._checkers: dict[Any, Checker] = {}
        bundled = load_rules(list(bundled_packs().values()))[0]
        self.known = ({rule.id for rule in [*settings.available, *bundled]} | set(settings.requirements))

    def checker(self, name: str) -> Checker:
        variant = self.settings.variant(name)
        if variant.key not in self._checkers:
            config = self.settings.config
            self._checkers[variant.key] = Checker(
                list(variant.rules), self.settings.lang, self.as_of, dict(variant.options), self.parents,
                config.waivers, shown_name(str(config.file)) if config.file else None, self.known)
        return self._checkers[variant.key]

    def check_file(self, name: str, keep: frozenset[str] = DETAILS) -> PlanResult:
        result = self.checker(name).check_file(name, keep)
        if result.sha256 is None and name != "-":
            result.sha256, result.size = input_hash(name)
        return result

    def report(self) -> Report:
        """An empty report describing the base rules and the waiver rules."""
        rules = {rule.id: rule for rule in self.settings.base.rules} | waivers.META_RULES
        return Report(profile=self.settings.profile.name, as_of=self.as_of, rules=rules)
