"""Waivers (豁免): a finding accepted on purpose, with a reason and who approved it.

A waiver is written on an item (``waivers: [{rule, reason, approved_by,
expires}]``) or in the configuration by plan and item. A waived finding
stays in the report, marked, and does not count toward ``--fail-on``. A
waiver that cannot stand (no reason, no approver, expired on ``--as-of``,
naming no known rule) waives nothing and is itself a finding; a sound
waiver that matches nothing is reported as information, so stale ones get
removed.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from .config import ConfigWaiver
from .dates import parse_date
from .findings import Finding
from .model import Plan, path_text
from .rules import Rule

REQUIREMENT = "waiver"
_CITATION = {"document": "compliance: waivers",
             "quote": "A waiver names a rule, a reason, who approved it and, optionally, an expiry date."}


def _meta(rule_id: str, severity: str, title: str, zh: str, en: str) -> Rule:
    # Described like a rule (SARIF lists it), but checked here, not by the engine.
    return Rule(id=rule_id, requirement=REQUIREMENT, severity=severity, subject="plan", when=(), require=(),
                unless=(), locate=None, message={"zh": zh, "en": en}, citation=_CITATION,
                rationale="A finding may be accepted only with a recorded reason and approval, and only "
                          "for as long as the approval runs.",
                examples={"fail": [], "pass": []}, file="compliance/waivers.py", title=title)


META_RULES = {rule.id: rule for rule in (
    _meta("WVR001", "error", "waiver without reason", "豁免未写明理由，不予豁免", "waiver gives no reason; nothing is waived"),
    _meta("WVR002", "error", "waiver expired", "豁免已过失效日期（或日期无法识别），不予豁免",
          "waiver has expired (or its expiry is not a date); nothing is waived"),
    _meta("WVR003", "error", "waiver without approver", "豁免未写明批准单位，不予豁免",
          "waiver names no one who approved it; nothing is waived"),
    _meta("WVR004", "warning", "waiver of unknown rule", "豁免所列规则不存在", "waiver names no known rule or requirement"),
    _meta("WVR005", "info", "waiver unused", "豁免未匹配任何问题，可删除", "waiver matches no finding; it can be removed"),
)}


@dataclass(frozen=True)
class Waiver:
    plan: str
    item: str | None          # None: plan-level findings; "*": every finding of the plan
    rule: str
    reason: str | None
    approved_by: str | None
    expires: Any              # as written
    file: str
    line: int
    column: int
    path: str                 # where in the plan file, or "waivers[n]" in the configuration
    # Where each field is written; a missing one is located at the waiver.
    fields: tuple[tuple[str, int, int], ...] = ()

    def place(self, name: str) -> tuple[int, int, str]:
        """Line, column and path of field ``name`` of the waiver."""
        for field_name, line, column in self.fields:
            if field_name == name:
                return line, column, f"{self.path}.{name}"
        return self.line, self.column, self.path

    def covers(self, finding: Finding) -> bool:
        return (finding.plan == self.plan and self.rule in (finding.rule, finding.requirement)
                and (self.item == "*" or finding.item == self.item))

    def problems(self, as_of: datetime.date, known: set[str]) -> list[str]:
        found = []
        if not _given(self.reason):
            found.append("WVR001")
        if not _given(self.approved_by):
            found.append("WVR003")
        if _given(self.expires):
            day = self.expires if isinstance(self.expires, datetime.date) else parse_date(self.expires)
            if day is None or day < as_of:
                found.append("WVR002")
        if self.rule not in known:
            found.append("WVR004")
        return found

    def record(self) -> dict[str, Any]:
        """How a waived finding shows its waiver in every format."""
        expires = self.expires.isoformat() if isinstance(self.expires, datetime.date) else self.expires
        return {"reason": self.reason, "approved_by": self.approved_by, "expires": expires,
                "file": self.file, "line": self.line}


_FIELDS = ("rule", "reason", "approved_by", "expires")
# The field each problem is about: an expired waiver points at its date.
_PROBLEM_FIELD = {"WVR002": "expires", "WVR004": "rule"}


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def plan_waivers(plan: Plan) -> list[Waiver]:
    found = []
    for item in plan.items:
        for index, raw in enumerate(item.data.get("waivers") or []):
            path = item.path + ("waivers", index)
            line, column = plan.locate(path + ("rule",))
            fields = tuple((name, *plan.values[path + (name,)]) for name in _FIELDS if path + (name,) in plan.values)
            found.append(Waiver(plan.id, item.id, str(raw.get("rule")), raw.get("reason"), raw.get("approved_by"),
                                raw.get("expires"), plan.file, line, column, path_text(path), fields))
    return found


def config_waivers(plan: Plan, waivers: list[ConfigWaiver], file: str) -> list[Waiver]:
    return [Waiver(w.plan, w.item, w.rule, w.reason, w.approved_by, w.expires, file, w.line or 1, 1,
                   f"waivers[{index}]", tuple((name, line, 1) for name, line in w.fields))
            for index, w in enumerate(waivers) if w.plan == plan.id]


def apply(findings: list[Finding], waivers: list[Waiver], as_of: datetime.date, known: set[str],
          lang: str) -> list[Finding]:
    """The findings with waived ones marked, plus a finding for each waiver
    that cannot stand or is unused."""
    sound = []
    meta = []
    for waiver in waivers:
        problems = waiver.problems(as_of, known)
        meta += [_finding(rule_id, waiver, lang) for rule_id in problems]
        if not problems:
            sound.append(waiver)
    used: set[Waiver] = set()
    marked = []
    for finding in findings:
        waiver = next((w for w in sound if w.covers(finding)), None)
        if waiver is not None:
            used.add(waiver)
            finding = dataclasses.replace(finding, waived=waiver.record())
        marked.append(finding)
    meta += [_finding("WVR005", waiver, lang) for waiver in sound if waiver not in used]
    return sorted(marked + meta, key=Finding.sort_key)


def _finding(rule_id: str, waiver: Waiver, lang: str) -> Finding:
    rule = META_RULES[rule_id]
    evidence = "; ".join(f"{key}: {value}" for key, value in (
        ("rule", waiver.rule), ("reason", waiver.reason), ("approved_by", waiver.approved_by),
        ("expires", waiver.expires)) if _given(value))
    line, column, path = waiver.place(_PROBLEM_FIELD.get(rule_id, ""))
    return Finding(rule=rule.id, requirement=REQUIREMENT, severity=rule.severity, file=waiver.file,
                   line=line, column=column, plan=waiver.plan,
                   item=None if waiver.item == "*" else waiver.item, path=path,
                   message=rule.message.get(lang) or rule.message["zh"], evidence=evidence,
                   citation=dict(_CITATION))
