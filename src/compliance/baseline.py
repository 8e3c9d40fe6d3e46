"""Baselines: the findings a repository has accepted for now, so CI fails
only on new ones.

An entry is keyed by plan id, item id and rule id, not by line, so edits
elsewhere in a plan do not invalidate it. Entries are counted: two
findings of one rule on one item need two entries. An entry whose finding
is gone is *fixed*, and listed so the baseline can be rewritten smaller.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from . import __version__
from .errors import UserError
from .findings import Finding, PlanResult
from .resources import json_path, schema_error

VERSION = 1
WAIVER = "waiver"          # compliance.waivers.REQUIREMENT
Key = tuple[str, Any, str]


def _key(entry: dict[str, Any]) -> Key:
    return entry["plan"], entry["item"], entry["rule"]


def _entry(finding: Finding) -> dict[str, Any]:
    return {"plan": finding.plan, "item": finding.item, "rule": finding.rule, "requirement": finding.requirement}


def _accepts(finding: Finding) -> bool:
    # A waived finding has its waiver; a waiver that cannot stand is
    # mended in a line, never accepted: an expired waiver must fail the run.
    return not finding.waived and finding.requirement != WAIVER


def text_of(plans: list[PlanResult]) -> str:
    """A baseline of the findings that stand."""
    entries = [_entry(f) for plan in plans for f in plan.findings if _accepts(f)]
    entries.sort(key=lambda e: (e["plan"], e["item"] is not None, str(e["item"]), e["rule"]))
    document = {"compliance_baseline": VERSION, "tool_version": __version__, "findings": entries}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def read(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError("baseline not found; write one with --write-baseline", str(path)) from None
    except OSError as error:
        raise UserError(f"cannot read the baseline: {error.strerror or error}", str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise UserError(f"the baseline is not JSON written by --write-baseline: {error}", str(path), line) from None
    error = schema_error("baseline", data)
    if error is not None:
        raise UserError(f"invalid baseline: {json_path(error.absolute_path)}: {error.message}", str(path))
    return data["findings"]


def apply(plans: list[PlanResult], entries: list[dict[str, Any]], file: str) -> dict[str, Any]:
    """Takes the baselined findings out of ``plans``; says how many, and
    which entries of the plans checked are fixed. Entries of plans not
    checked in this run are neither."""
    left = Counter(_key(entry) for entry in entries)
    matched = 0
    for plan in plans:
        kept = []
        for finding in plan.findings:
            key = _key(_entry(finding))
            if _accepts(finding) and left[key] > 0:
                left[key] -= 1
                matched += 1
            else:
                kept.append(finding)
        plan.findings = kept
    checked = {plan.id for plan in plans if not plan.error}
    fixed = []
    for entry in entries:
        key = _key(entry)
        if entry["plan"] in checked and left[key] > 0:
            left[key] -= 1
            fixed.append({k: entry.get(k) for k in ("plan", "item", "rule", "requirement")})
    return {"file": file, "entries": len(entries), "matched": matched, "fixed": fixed}
