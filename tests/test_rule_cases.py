"""Rule cases beside the rules: exact rule, item and line for each plan.

A case file names its requirement and, optionally, the profile it runs in
(default national). A case is either one ``plan`` (text), or several
``files`` (name -> text, written to one folder and checked together, as
one command would: a child's plan.parent resolves among them). Each
expected finding gives rule, item and line, and ``file`` when there are
several.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import checker_for
from compliance.parents import Parents

CASES = Path(__file__).parent / "rule_cases"


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            yield pytest.param(spec["requirement"], spec.get("profile", "national"), case,
                               id=f"{path.stem}: {case['name']}")


@pytest.mark.parametrize(("requirement", "profile", "case"), list(_cases()))
def test_rule_case(tmp_path, requirement, profile, case):
    files = case.get("files") or {"plan.yaml": case["plan"]}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    checker = checker_for(profile)
    saved, checker.parents = checker.parents, Parents([tmp_path])
    try:
        results = [checker.check_file(str(tmp_path / name)) for name in case.get("check", list(files))]
    finally:
        checker.parents = saved
    for result in results:
        assert result.error is None, result.error
    found = sorted((Path(f.file).relative_to(tmp_path).as_posix(), f.rule, f.item or "", f.line)
                   for result in results for f in result.findings if f.requirement == requirement)
    default = next(iter(files))
    expected = sorted((e.get("file", default), e["rule"], e.get("item") or "", e["line"]) for e in case["expect"])
    assert found == expected
