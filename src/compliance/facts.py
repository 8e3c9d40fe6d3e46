"""Facts: what the rule engine sees of a plan.

Each fact is a flat JSON object with a type ``t`` and a unique ``key`` (the
value's path in the plan). Facts carry only the fields rules use, which are
listed in FIELDS so that the rule registry can reject a condition on a
field that does not exist.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from .dates import parse_date
from .model import Item, Measure, Plan, infer_kind, path_text
from .read import PathKey
from .text import affirmed, lawful, normalize

# Facts are asserted in this order. A rule that requires that *no* fact of
# some type exists ("unless") must name a type asserted before its subject:
# durable_rules loses queued actions when a later fact retracts a negation
# frame inside one batch, and accounting would then fail the run.
ORDER = ("run", "measure", "extension", "item", "link", "accountability", "hosting", "plan")

# Field name -> type, per fact type; "text" fields are strings rules match.
FIELDS: dict[str, dict[str, str]] = {
    "measure": {"item": "key", "item_id": "string", "kind": "string", "declared_kind": "string",
                "scope": "string", "has_legal_basis": "boolean", "lawful": "boolean", "placeholder": "boolean",
                "text": "text", "affirmed": "text", "untargeted": "text"},
    "item": {"item_id": "string", "status": "string", "source": "string", "deadline_kind": "string",
             "deadline": "number", "has_target": "boolean", "has_owner": "boolean", "target": "text",
             "target_affirmed": "text", "target_untargeted": "text", "verified": "boolean",
             "verification_kind": "string", "has_completed": "boolean", "has_milestones": "boolean",
             "span_days": "number", "due": "number"},
    "link": {"accountability": "key", "item_id": "string"},
    # The run itself: the date checks are made as of (--as-of), as a day number.
    "run": {"as_of": "number"},
    "extension": {"item": "key", "has_reason": "boolean", "has_approval": "boolean", "to": "number"},
    "accountability": {"has_basis": "boolean", "action": "text", "basis": "text"},
    "hosting": {"text": "text", "affirmed": "text"},
    "plan": {"plan_id": "string"},
}


@dataclass(frozen=True)
class Subject:
    """What a fact stands for in the plan, for locating findings."""

    path: PathKey
    item: str | None


# What clerks write where they have nothing to write: an owner of 有关部门
# or a basis of 无 answers for nothing.
_PLACEHOLDER = re.compile(r"^(?:[-—–/\\_.。、 ]*|无|暂无|待定|待制定|待明确|不详|略|见上|同上|"
                          r"各?(?:有关|相关)[^,;。]{0,4}(?:部门|单位|乡镇|方面|人员)|责任单位|牵头单位|n/?a|none|null|tbd)$",
                          re.IGNORECASE)
# A basis must say what was found; a bare decision (经研究决定) says nothing.
_FACT_FINDING = re.compile(r"调查|核查|查明|查实|认定|核实|经查|审计|发现|存在|未|不力|违反|导致|造成|不到位|失察|失责|"
                           r"负有|履职|监管|滞后|失职|渎职")


def present(value: Any) -> bool:
    """Whether a field holds something other than blank or a placeholder."""
    if isinstance(value, list):
        return any(present(v) for v in value)
    return value is not None and not _PLACEHOLDER.match(normalize(str(value)).strip())


def states_facts(basis: Any) -> bool:
    return present(basis) and bool(_FACT_FINDING.search(normalize(str(basis))))


def day_number(date: datetime.date | None) -> int | None:
    return date.toordinal() if date else None


def plan_facts(plan: Plan, as_of: datetime.date | None = None) -> tuple[list[dict[str, Any]], dict[str, Subject]]:
    """The facts of a plan in assertion ORDER, and what each key stands for."""
    facts: list[dict[str, Any]] = []
    subjects: dict[str, Subject] = {}

    def add(fact: dict[str, Any], path: PathKey, item: str | None) -> None:
        key = path_text(path) or "plan"
        fact["key"] = key
        subjects[key] = Subject(path, item)
        facts.append({k: v for k, v in fact.items() if v is not None})

    add({"t": "run", "as_of": day_number(as_of or datetime.date.today())}, ("run",), None)
    for item in plan.items:
        for measure in item.measures:
            add(_measure(item, measure), measure.path, item.id)
    for item in plan.items:
        for index, extension in enumerate(item.data.get("extensions") or []):
            add(_extension(item, extension), item.path + ("extensions", index), item.id)
    issued = parse_date(plan.data["plan"].get("issued"))
    for item in plan.items:
        add(_item(item, issued), item.path, item.id)
    for record in plan.accountability:
        for index, item_id in enumerate(record.data.get("items") or []):
            add({"t": "link", "accountability": path_text(record.path), "item_id": str(item_id)},
                record.path + ("items", index), None)
    for record in plan.accountability:
        add({"t": "accountability", "has_basis": states_facts(record.data.get("basis")),
             "action": affirmed(normalize(str(record.data.get("action") or ""))),
             "basis": affirmed(normalize(str(record.data.get("basis") or "")))}, record.path, _single_item(record.data))
    for hosting in plan.hosting:
        add({"t": "hosting", "text": hosting.text.norm, "affirmed": hosting.text.affirmed}, hosting.path, None)
    add({"t": "plan", "plan_id": plan.id}, (), None)
    return facts, subjects


def _measure(item: Item, measure: Measure) -> dict[str, Any]:
    return {"t": "measure", "item": path_text(item.path), "item_id": item.id, "kind": measure.kind,
            "declared_kind": measure.declared_kind, "scope": measure.scope,
            "has_legal_basis": bool(str(measure.legal_basis or "").strip()), "lawful": lawful(measure.text.norm),
            "placeholder": not present(measure.text.original),
            "text": measure.text.norm, "affirmed": measure.text.affirmed, "untargeted": measure.text.untargeted}


def _item(item: Item, issued: datetime.date | None) -> dict[str, Any]:
    data = item.data
    return {"t": "item", "item_id": item.id, "status": data.get("status") or "unknown",
            "source": data.get("source"), "deadline_kind": item.deadline.kind,
            "deadline": day_number(item.deadline.date), "has_target": present(data.get("target")),
            "has_owner": present(data.get("lead_unit")) or present(data.get("responsible_units")),
            "target": item.target.norm, "target_affirmed": item.target.affirmed,
            "target_untargeted": item.target.untargeted,
            "verified": _verified(data.get("verification")),
            "has_completed": present(data.get("completed")),
            "has_milestones": present(data.get("milestones")),
            "span_days": _span(issued, item.deadline.date),
            "due": day_number(_due(item)) if item.deadline.kind == "date" else None,
            "verification_kind": infer_kind(_evidence_text(data.get("verification")))}


def _extension(item: Item, extension: Any) -> dict[str, Any]:
    extension = extension if isinstance(extension, dict) else {}
    return {"t": "extension", "item": path_text(item.path), "has_reason": present(extension.get("reason")),
            "has_approval": present(extension.get("approved_by")), "to": day_number(parse_date(extension.get("to")))}


def _due(item: Item) -> datetime.date | None:
    """The deadline in force: the latest extension that gives a reason and
    an approval moves it; any other extension does not."""
    due = item.deadline.date
    for extension in item.data.get("extensions") or []:
        if isinstance(extension, dict) and present(extension.get("reason")) and present(extension.get("approved_by")):
            moved = parse_date(extension.get("to"))
            if moved and (due is None or moved > due):
                due = moved
    return due


def _verified(verification: Any) -> bool:
    """A verification says who checked or what they saw, not just a date."""
    if isinstance(verification, dict):
        return present(verification.get("evidence")) or present(verification.get("by"))
    return present(verification)


def _span(issued: datetime.date | None, deadline: datetime.date | None) -> int | None:
    return (deadline - issued).days if issued and deadline else None


def _evidence_text(verification: Any) -> str:
    if isinstance(verification, dict):
        verification = verification.get("evidence")
    return affirmed(normalize(str(verification or "")))


def _single_item(record: dict[str, Any]) -> str | None:
    items = record.get("items") or []
    return str(items[0]) if len(items) == 1 else None
