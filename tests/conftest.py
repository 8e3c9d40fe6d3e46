"""Shared helpers: a compiled checker and plans built from small fragments."""

from __future__ import annotations

import copy
import functools
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.check import Checker
from compliance.profiles import active_rules, load_profile
from compliance.findings import Finding
from compliance.parents import Parents

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "county-plan.yaml"
# The date the shared example is checked as of; fixtures are dated around it.
AS_OF = datetime.date(2024, 3, 10)

# A complete, compliant item: a fragment is merged over it, so a test sees
# only the findings its fragment causes.
BASE_ITEM: dict[str, Any] = {
    "id": "1", "problem": "某企业废气超标排放", "source": "feedback", "target": "2024年底前稳定达标排放",
    "measures": ["实施废气治理设施提标改造"], "deadline": "2024-12-31", "lead_unit": "县生态环境分局",
    "responsible_units": ["某镇人民政府"], "status": "in-progress",
}
BASE_PLAN: dict[str, Any] = {
    "plan": {"id": "fixture", "title": "测试方案", "level": "county", "issued": "2024-03-01",
             "leadership": [{"role": "party", "name": "县委书记"}, {"role": "government", "name": "县长"}],
             "disclosure": {"channel": "县政府网站", "interval_days": 7},
             "inspection": {"name": "中央第三生态环境保护督察组", "kind": "central",
                            "stationed": {"from": "2023-11-20", "to": "2023-12-20"}, "feedback": "2024-01-26"}},
    "items": [BASE_ITEM],
}


def plan_yaml(items: list[dict[str, Any]] | None = None, hosting: list[Any] | None = None,
              accountability: list[dict[str, Any]] | None = None) -> str:
    plan = copy.deepcopy(BASE_PLAN)
    if items is not None:
        plan["items"] = [{**BASE_ITEM, **item} for item in items]
    if hosting is not None:
        plan["hosting"] = hosting
    if accountability is not None:
        plan["accountability"] = accountability
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def fragment_plan(subject: str, example: Any) -> str:
    """A plan whose one instance of ``subject`` is the rule example ``example``."""
    if subject == "measure":
        # An item mapping gives the measure its item (livelihood, deadline).
        if isinstance(example, dict) and "measures" in example:
            return plan_yaml(items=[example])
        return plan_yaml(items=[{"measures": [example]}])
    if subject == "hosting":
        return plan_yaml(hosting=[example])
    if subject in ("item", "extension"):
        return plan_yaml(items=[example])
    if subject in ("accountability", "link"):
        return plan_yaml(accountability=[example])
    if subject == "plan":
        return plan_of(example)
    return plan_yaml()


def plan_of(fields: dict[str, Any]) -> str:
    """A plan whose metadata has ``fields`` merged in; an ``items`` key
    replaces the items, each merged over BASE_ITEM."""
    plan = copy.deepcopy(BASE_PLAN)
    fields = dict(fields)
    if "items" in fields:
        plan["items"] = [{**BASE_ITEM, "id": str(n), **item} for n, item in enumerate(fields.pop("items"), 1)]
    plan["plan"].update(fields)
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def example_findings(checker: Checker, subject: str, example: Any, folder: Path) -> list[Finding]:
    """Findings for a rule example, written to ``folder`` as a file. An item
    example with ``parent_item`` gets a parent plan holding that item (id
    P1) beside it; a plan example's ``parent`` is left as written, and a
    file called broken-parent.yaml is there, unreadable."""
    (folder / "broken-parent.yaml").write_text("plan: [unclosed\n", encoding="utf-8")
    if isinstance(example, dict) and "parent_item" in example:
        example = dict(example)
        parent = copy.deepcopy(BASE_PLAN)
        parent["plan"]["id"] = "parent"
        parent["items"] = [{**BASE_ITEM, "id": "P1", **example.pop("parent_item")}]
        (folder / "parent.yaml").write_text(yaml.safe_dump(parent, allow_unicode=True), encoding="utf-8")
        child = yaml.safe_load(fragment_plan(subject, example))
        child["plan"]["parent"] = "parent.yaml"
        text = yaml.safe_dump(child, allow_unicode=True, sort_keys=False)
    else:
        text = fragment_plan(subject, example)
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    saved, checker.parents = checker.parents, Parents([folder])
    try:
        result = checker.check_file(str(path))
    finally:
        checker.parents = saved
    assert result.error is None, result.error
    return result.findings


@pytest.fixture(scope="session")
def checker() -> Checker:
    return checker_for("national")


@functools.lru_cache(maxsize=None)
def checker_for(profile: str) -> Checker:
    rules, _, options = active_rules(load_profile(profile))
    return Checker(rules, as_of=AS_OF, options=options)


def findings_of(checker: Checker, text: str, name: str = "plan.yaml") -> list[Finding]:
    result = checker.check_text(text, name)
    assert result.error is None, result.error
    return result.findings
