"""The pipeline: input names in, a Report out.

read -> model -> facts -> engine -> findings; each stage only feeds the
next. A bad input becomes a PlanResult with ``error`` set, and the other
inputs are still checked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .engine import Engine, EngineError
from .errors import UserError
from .facts import Parent, plan_facts
from .findings import Finding, PlanResult, locate
from .model import Plan, build
from .parents import Parents
from .read import Document, expand_inputs, load, parse
from .rules import Rule

STDIN_NAME = "<stdin>"


@dataclass
class Report:
    profile: str
    as_of: datetime.date
    plans: list[PlanResult] = field(default_factory=list)
    # The active rules by id: SARIF describes them, other formats may cite them.
    rules: dict[str, Rule] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [finding for plan in self.plans for finding in plan.findings]

    @property
    def errors(self) -> list[str]:
        return [plan.error for plan in self.plans if plan.error]

    version: str = __version__


class Checker:
    """Rules compiled once; plans checked one at a time, each in its own engine state."""

    def __init__(self, rules: list[Rule], lang: str = "zh", as_of: datetime.date | None = None,
                 options: dict[str, int] | None = None, parents: Parents | None = None) -> None:
        self.rules = {rule.id: rule for rule in rules}
        self.engine = Engine(rules, options)
        self.lang = lang
        self.as_of = as_of or datetime.date.today()
        # Parent plans resolve inside the current folder unless told otherwise.
        self.parents = parents or Parents([Path.cwd()])

    def check_plan(self, plan: Plan, parent: Parent | None = None) -> list[Finding]:
        facts, subjects = plan_facts(plan, self.as_of, parent)
        matches = self.engine.run(facts)
        return locate(plan, matches, subjects, self.rules, self.lang)

    def check_file(self, name: str) -> PlanResult:
        return self._check(name, lambda: load(name))

    def check_text(self, text: str, name: str) -> PlanResult:
        """Check a plan held in memory, as if read from a file called ``name``."""
        return self._check(name, lambda: parse(text, name))

    def _check(self, name: str, read: Callable[[], Document]) -> PlanResult:
        result, plan = load_plan(name, read)
        self.parents.remember(name, plan)
        if plan is not None:
            try:
                result.findings = self.check_plan(plan, self.parents.of(plan))
            except EngineError as error:
                result.error = f"{result.file}: {error}"
        return result


def load_plan(name: str, read: Callable[[], Document]) -> tuple[PlanResult, Plan | None]:
    """The plan of one input, or its result with the error that stopped it."""
    shown = STDIN_NAME if name == "-" else name
    result = PlanResult(shown)
    try:
        document = read()
        document.name = shown
        plan = build(document)
    except UserError as error:
        error.file = error.file if error.file not in (None, "-") else shown
        result.error = str(error)
        result.error_line, result.error_column = error.line, error.column
        return result, None
    result.id, result.items = plan.id, len(plan.items)
    result.item_ids = [item.id for item in plan.items]
    return result, plan


def validate_file(name: str) -> PlanResult:
    """Parse and schema errors only: what ``compliance validate`` reports."""
    return load_plan(name, lambda: load(name))[0]


def inputs(paths: list[str]) -> list[str]:
    names = expand_inputs(paths)
    if not names:
        raise UserError("no plan files found (looked for *.yaml, *.yml, *.json)")
    return names
