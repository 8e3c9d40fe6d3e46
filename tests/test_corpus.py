"""Sentences from the seeds and from real plans: compliant ones stay clean,
violations are found. A false alarm costs a clerk's trust, so the clean
corpus is as much a test as the violations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import findings_of, plan_yaml

CORPUS = Path(__file__).parent / "corpus"
NAMED = ("no-blanket-shutdown", "simplified-hosting", "no-accountability-substitution", "deadline-and-owner")


def _entries(name: str) -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / name).read_text(encoding="utf-8"))


def _plan(entry: dict[str, Any]) -> str:
    if entry["field"] == "hosting":
        return plan_yaml(hosting=[entry["text"]])
    if entry["field"] == "target":
        return plan_yaml(items=[{"target": entry["text"]}])
    return plan_yaml(items=[{"measures": [entry["text"]]}])


@pytest.mark.parametrize("entry", _entries("known_good.yaml") + _entries("review_good.yaml") + _entries("review2_good.yaml"), ids=lambda e: e["text"][:40])
def test_known_good_is_clean(checker, entry):
    found = [f"{f.rule} {f.path}" for f in findings_of(checker, _plan(entry)) if f.requirement in NAMED]
    assert found == []


@pytest.mark.parametrize("entry", _entries("known_bad.yaml") + _entries("review_bad.yaml") + _entries("review2_bad.yaml"), ids=lambda e: e["text"][:40])
def test_known_bad_is_found(checker, entry):
    found = {f.requirement for f in findings_of(checker, _plan(entry))}
    assert entry["requirement"] in found


# issue3_*.yaml: case-by-case and livelihood-protection. An entry may carry
# `item` (fields merged over the base item: problem, livelihood, deadline,
# safeguard…), which the livelihood rules read, and `kind` for its measure.
# A `hosting` entry is a line of the plan's hosting arrangements. A clean
# entry may name, as `requirement`, one more requirement it must stay clean
# of (no-deadline-compression for an item due soon after the plan's issue).
ISSUE3 = ("case-by-case", "livelihood-protection")


def _item_plan(entry: dict[str, Any]) -> str:
    item = dict(entry.get("item") or {})
    if entry["field"] == "hosting":
        return plan_yaml(hosting=[entry["text"]])
    if entry["field"] == "target":
        item["target"] = entry["text"]
    else:
        item["measures"] = [{"text": entry["text"], "kind": entry["kind"]} if "kind" in entry else entry["text"]]
    return plan_yaml(items=[item])


@pytest.mark.parametrize("entry", _entries("issue3_good.yaml"), ids=lambda e: e["text"][:40])
def test_issue3_good_is_clean(checker, entry):
    clean_of = ISSUE3 + NAMED + ((entry["requirement"],) if "requirement" in entry else ())
    found = [f"{f.rule} {f.path}" for f in findings_of(checker, _item_plan(entry))
             if f.requirement in clean_of]
    assert found == []


@pytest.mark.parametrize("entry", _entries("issue3_bad.yaml"), ids=lambda e: e["text"][:40])
def test_issue3_bad_is_found(checker, entry):
    found = {f.requirement for f in findings_of(checker, _item_plan(entry))}
    assert entry["requirement"] in found
