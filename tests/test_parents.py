"""Parent plans a rule case cannot set up: links on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compliance.parents import Parents
from conftest import checker_for

CHILD = """plan: {id: county-2024, level: county, issued: 2024-03-01, parent: %s}
items:
  - {id: "1", implements: "3", target: 完成治理, measures: [一厂一策], deadline: 2024-06-30, lead_unit: 县生态环境分局}
"""
PARENT = """plan: {id: city-2024, level: city, issued: 2024-02-20}
items:
  - {id: "3", target: 完成治理, measures: [一厂一策], deadline: 2024-12-31, lead_unit: 市生态环境局}
"""


def _rules(folder: Path, name: str, roots: list[Path] | None = None) -> list[str]:
    checker = checker_for("national")
    saved, checker.parents = checker.parents, Parents(roots or [folder])
    try:
        result = checker.check_file(str(folder / name))
    finally:
        checker.parents = saved
    assert result.error is None, result.error
    return sorted(f.rule for f in result.findings if f.requirement == "no-deadline-compression")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_loop_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "county.yaml").write_text(CHILD % "loop.yaml", encoding="utf-8")
    assert _rules(tmp_path, "county.yaml") == ["NDC006"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlink_out_of_the_folder_is_outside(tmp_path: Path) -> None:
    checked, elsewhere = tmp_path / "checked", tmp_path / "elsewhere"
    checked.mkdir(), elsewhere.mkdir()
    (elsewhere / "city.yaml").write_text(PARENT, encoding="utf-8")
    (checked / "city.yaml").symlink_to(elsewhere / "city.yaml")
    (checked / "county.yaml").write_text(CHILD % "city.yaml", encoding="utf-8")
    assert _rules(checked, "county.yaml") == ["NDC007"]
    # Given both folders, the same parent is read and the deadline compared.
    assert _rules(checked, "county.yaml", [checked, elsewhere]) == ["NDC001"]


def test_a_plan_that_names_itself_is_compared_with_itself(tmp_path: Path) -> None:
    text = CHILD.replace('implements: "3"', 'implements: "1"') % "plan.yaml"
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    assert _rules(tmp_path, "plan.yaml") == []
