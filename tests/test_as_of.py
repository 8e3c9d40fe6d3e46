"""--as-of drives the date checks: the heating season, overdue, cadence."""

from __future__ import annotations

import datetime

import pytest

from compliance.check import Checker
from compliance.profiles import active_rules, load_profile
from conftest import plan_yaml

HEATING = plan_yaml(items=[{"problem": "县城集中供热锅炉超标排放", "deadline": "2024-10-31",
                            "measures": ["关停燃煤供热锅炉"]}])


def _rules(profile: str = "national", **options: object) -> list[str]:
    rules, _, values = active_rules(load_profile(profile))
    values.update(options)
    return rules, values


@pytest.mark.parametrize(("as_of", "options", "expected"), [
    ("2024-03-10", {}, "LVP002"),                          # inside the default season (11-15 to 03-15)
    ("2023-11-20", {}, "LVP002"),
    ("2024-07-01", {}, "LVP003"),                          # outside: the general livelihood rule
    ("2024-03-10", {"heating_season_end": 228}, "LVP003"),  # a season ending 02-28
])
def test_heating_season_follows_as_of(as_of, options, expected):
    rules, values = _rules(**options)
    checker = Checker(rules, as_of=datetime.date.fromisoformat(as_of), options=values)
    found = [f.rule for f in checker.check_text(HEATING, "plan.yaml").findings
             if f.requirement == "livelihood-protection"]
    assert found == [expected]


def test_overdue_follows_as_of():
    plan = plan_yaml(items=[{"deadline": "2024-06-30"}])
    rules, values = _rules()
    before = Checker(rules, as_of=datetime.date(2024, 6, 30), options=values).check_text(plan, "p.yaml")
    after = Checker(rules, as_of=datetime.date(2024, 7, 1), options=values).check_text(plan, "p.yaml")
    assert [f.rule for f in before.findings if f.requirement == "overdue"] == []
    assert [f.rule for f in after.findings if f.requirement == "overdue"] == ["OVD001"]
