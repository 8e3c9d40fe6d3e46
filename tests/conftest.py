"""Shared helpers: a compiled checker and plans built from small fragments."""

from __future__ import annotations

import copy
import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from compliance.check import Checker
from compliance.profiles import active_rules, load_profile
from compliance.findings import Finding

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
             "disclosure": {"channel": "县政府网站", "interval_days": 7}},
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
        return plan_yaml(items=[{"measures": [example]}])
    if subject == "hosting":
        return plan_yaml(hosting=[example])
    if subject in ("item", "extension"):
        return plan_yaml(items=[example])
    if subject in ("accountability", "link"):
        return plan_yaml(accountability=[example])
    return plan_yaml()


@pytest.fixture(scope="session")
def checker() -> Checker:
    return checker_for("national")


def checker_for(profile: str) -> Checker:
    rules, _, options = active_rules(load_profile(profile))
    return Checker(rules, as_of=AS_OF, options=options)


def findings_of(checker: Checker, text: str, name: str = "plan.yaml") -> list[Finding]:
    result = checker.check_text(text, name)
    assert result.error is None, result.error
    return result.findings
