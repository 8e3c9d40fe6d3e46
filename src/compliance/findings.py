"""Findings: engine matches located in the file and cited, and the run's report.

A finding is serialised once, by :func:`Finding.as_dict`; every output
format starts from that dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .engine import Match
from .facts import Subject
from .model import Plan, Text, path_text, value_at
from .rules import Rule

SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class Finding:
    rule: str
    requirement: str
    severity: str
    file: str
    line: int
    column: int
    plan: str
    item: str | None
    path: str
    message: str
    evidence: str
    citation: dict[str, str]
    # The waiver that accepts this finding (compliance.waivers), if any.
    waived: dict[str, Any] | None = None
    # In a spreadsheet or Word table, the cell or row ("整改台账!F12"); line
    # and column are then its row and column.
    cell: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "requirement": self.requirement, "severity": self.severity,
                "file": self.file, "line": self.line, "column": self.column, "plan": self.plan,
                "item": self.item, "path": self.path, "message": self.message, "evidence": self.evidence,
                "citation": dict(self.citation),
                "waived": dict(self.waived) if self.waived else None, "cell": self.cell}

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.line, self.column, self.rule, self.path)


@dataclass
class PlanResult:
    """One input: the plan it held, or why it could not be checked."""

    file: str
    id: str | None = None
    items: int = 0
    error: str | None = None
    findings: list[Finding] = field(default_factory=list)
    # Not in the JSON report: the item ids in plan order (a JUnit testcase
    # each), and where the error that stopped the plan is, when known.
    item_ids: list[str] = field(default_factory=list)
    error_line: int | None = None
    error_column: int | None = None
    # The input's bytes, for the run manifest.
    sha256: str | None = None
    size: int | None = None
    # Not in the JSON report: each item as written (items_view), for the
    # html and xlsx reports that show findings beside their item.
    items_view: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "id": self.id, "items": self.items, "error": self.error}


def items_view(plan: Plan) -> list[dict[str, Any]]:
    """Each item's id, problem, units, status and deadline as the plan wrote
    them, and where the item is (line, and cell or row of a table)."""
    view = []
    written, locate, place = plan.written, plan.locate, plan.place
    for item in plan.items:
        data = item.data
        # Most values are texts already: they skip _as_text's call and tests.
        problem, lead = data.get("problem") or "", data.get("lead_unit") or ""
        units = data.get("responsible_units") or []
        status = written.get(item.path + ("status",), data.get("status")) if written else data.get("status")
        view.append({"id": item.id, "problem": problem if type(problem) is str else _as_text(problem),
                     "lead_unit": lead if type(lead) is str else _as_text(lead),
                     "responsible_units": ([unit if type(unit) is str else _as_text(unit) for unit in units]
                                           if isinstance(units, list) else [_as_text(units)]),
                     "status": "" if status is None else status if type(status) is str else _as_text(status),
                     "status_key": str(data.get("status") or ""),     # completed, closed, in-progress, ...
                     "deadline": item.deadline.text, "line": locate(item.path)[0],
                     "place": place(item.path)})
    return view


def locate(plan: Plan, matches: list[Match], subjects: dict[str, Subject], rules: dict[str, Rule],
           lang: str) -> list[Finding]:
    """Findings for one plan, one per requirement and place.

    A value that breaks one requirement in several ways (一律关停 across a
    whole county is both blanket wording and an area-wide shutdown) is
    reported once, by the first rule in id order.
    """
    findings: dict[tuple[str, str], Finding] = {}
    # One citation per rule, shared by its findings: they are sent to and
    # kept by a batch's main process once rather than once each.
    citations: dict[str, dict[str, str]] = {}
    for match in sorted(matches, key=lambda m: m.rule):
        rule = rules[match.rule]
        citation = citations.get(rule.id)
        if citation is None:
            citation = citations[rule.id] = _citation(rule)
        subject = subjects[match.key]
        path = _field_path(plan, subject.path, rule.locate)
        line, column = plan.locate(path)
        line, column = _line_within(plan, path, rule, (line, column))
        finding = Finding(rule=rule.id, requirement=rule.requirement, severity=rule.severity, file=plan.file,
                          line=line, column=column, plan=plan.id, item=subject.item, path=path_text(path),
                          message=rule.message.get(lang) or rule.message["zh"],
                          evidence=_evidence(plan, path, subject.path), citation=citation,
                          cell=plan.place(path))
        findings.setdefault((rule.requirement, finding.path), finding)
    return sorted(findings.values(), key=Finding.sort_key)


def _field_path(plan: Plan, subject: tuple[Any, ...], name: str | None) -> tuple[Any, ...]:
    """The path of the subject's field ``name``; a bare-string measure or
    hosting line is its own text."""
    if name is None or (name == "text" and isinstance(value_at(plan.data, subject), str)):
        return subject
    path = subject + tuple(name.split("."))
    # Point at the deepest part that exists: verification.evidence, else verification.
    while len(path) > len(subject) + 1 and value_at(plan.data, path) is None and path not in plan.keys:
        path = path[:-1]
    return path


def _line_within(plan: Plan, path: tuple[Any, ...], rule: Rule, start: tuple[int, int]) -> tuple[int, int]:
    """In a text written over several lines (a YAML block), the line that
    holds what the rule's pattern found, when one line alone holds it."""
    value = value_at(plan.data, path)
    if not isinstance(value, str) or "\n" not in value.strip() or plan.place(path):
        return start          # one line, or a table's cell: its row is the line
    # Each group must hit: a pattern of its own, or one of an ``any`` whose
    # every alternative is a pattern.
    groups = [[c] if "matches" in c else c.get("any", []) for c in rule.when]
    groups = [[(c["field"], re.compile(c["matches"])) for c in group] for group in groups
              if group and all("matches" in c for c in group)]
    if not groups:
        return start
    for offset, line in enumerate(value.split("\n")):
        text = Text.of(line)
        if all(any(pattern.search(_view(text, name)) for name, pattern in group) for group in groups):
            # A literal block's lines share the block's indentation.
            return start[0] + offset, start[1]
    return start


def _view(text: Text, field_name: str) -> str:
    """The view of a text a rule's field names: target_affirmed -> affirmed."""
    name = field_name.removeprefix("target_")
    return {"affirmed": text.affirmed, "untargeted": text.untargeted}.get(name, text.norm)


def _citation(rule: Rule) -> dict[str, str]:
    return {"document": rule.citation["document"], "quote": rule.citation["quote"]}


def _evidence(plan: Plan, path: tuple[Any, ...], subject: tuple[Any, ...]) -> str:
    """The offending value as written; for a missing value, what the subject is about."""
    if path in plan.written:
        return plan.written[path]
    # A plan-level finding about a missing value names the plan, not all of it.
    fallbacks = (subject + ("problem",), subject + ("text",), subject) if subject else (("plan", "title"), ("plan", "id"))
    for candidate in (path, *fallbacks):
        value = value_at(plan.data, candidate)
        if value not in (None, "", [], {}):
            return _as_text(value)
    return ""


def _as_text(value: Any) -> str:
    if isinstance(value, dict):
        if "text" in value:
            return str(value["text"])
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, list):
        return "; ".join(_as_text(v) for v in value)
    return str(value)


def summary(findings: list[Finding]) -> dict[str, int]:
    """Counts by severity of the findings that stand, and how many are waived."""
    counts = {"error": 0, "warning": 0, "info": 0, "waived": 0}
    for finding in findings:
        counts["waived" if finding.waived else finding.severity] += 1
    return counts
