"""Rule cases beside the rules: exact rule, item and line for each plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import findings_of

CASES = Path(__file__).parent / "rule_cases"


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec["requirement"], case, id=f"{path.stem}: {case['name']}")


@pytest.mark.parametrize(("requirement", "case"), list(_cases()))
def test_rule_case(checker, requirement, case):
    found = sorted((f.rule, f.item, f.line) for f in findings_of(checker, case["plan"]) if f.requirement == requirement)
    expected = sorted((e["rule"], e["item"], e["line"]) for e in case["expect"])
    assert found == expected
