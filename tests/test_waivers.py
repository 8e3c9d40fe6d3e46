"""Waivers: a waived finding is shown, marked, in every format and does
not fail the run; a waiver that cannot stand is itself a finding."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from compliance.check import Checker
from compliance.cli import main
from compliance.config import ConfigWaiver
from compliance.profiles import active_rules, load_profile
from conftest import AS_OF, plan_yaml

VAGUE = {"id": "1", "deadline": "尽快"}       # DAO002, an error


def waived_plan(*waivers: dict[str, Any]) -> str:
    return plan_yaml(items=[{**VAGUE, "waivers": list(waivers)}])


SOUND = {"rule": "DAO002", "reason": "与省级项目同步推进，时限待省厅批复后明确", "approved_by": "县整改办",
         "expires": "2024-06-30"}


def findings(text: str, as_of: datetime.date = AS_OF, config: list[ConfigWaiver] | None = None) -> list[Any]:
    rules, _, options = active_rules(load_profile("national"))
    checker = Checker(rules, as_of=as_of, options=options, config_waivers=config, config_file=".compliance.yaml")
    result = checker.check_text(text, "plan.yaml")
    assert result.error is None, result.error
    return result.findings


def marks(found: list[Any]) -> list[tuple[str, str | None, bool]]:
    return [(f.rule, f.item, bool(f.waived)) for f in found]


def test_a_sound_waiver_marks_the_finding() -> None:
    found = findings(waived_plan(SOUND))
    assert marks(found) == [("DAO002", "1", True)]
    assert found[0].waived == {"reason": SOUND["reason"], "approved_by": "县整改办", "expires": "2024-06-30",
                               "file": "plan.yaml", "line": found[0].waived["line"]}


def test_a_requirement_key_waives_its_rules() -> None:
    assert marks(findings(waived_plan({**SOUND, "rule": "deadline-and-owner"}))) == [("DAO002", "1", True)]


@pytest.mark.parametrize(("change", "problem", "field"), [
    ({"reason": None}, "WVR001", None),
    ({"reason": "  "}, "WVR001", None),
    ({"approved_by": ""}, "WVR003", None),
    ({"expires": "2024-03-09"}, "WVR002", "expires"),
    ({"expires": "明年"}, "WVR002", "expires"),
    ({"rule": "DAO02"}, "WVR004", "rule"),
])
def test_a_waiver_that_cannot_stand_waives_nothing_and_is_a_finding(change, problem, field) -> None:
    waiver = {**SOUND, **change}
    text = waived_plan(waiver)
    found = findings(text)
    assert marks(found) == [("DAO002", "1", False), (problem, "1", False)]
    meta = found[1]
    # Located at the field it is about, else at the waiver, in the plan file as written.
    assert meta.requirement == "waiver" and meta.path == "items[0].waivers[0]" + (f".{field}" if field else "")
    lines = text.splitlines()
    start = next(n for n, line in enumerate(lines, 1) if line.strip().startswith("- rule:"))
    line = start if field in (None, "rule") else next(
        n for n, text_line in enumerate(lines, 1) if n > start and text_line.strip().startswith(f"{field}:"))
    assert meta.line == line


def test_a_waiver_expiring_on_the_day_still_stands() -> None:
    assert marks(findings(waived_plan(SOUND), as_of=datetime.date(2024, 6, 30))) == [("DAO002", "1", True)]
    assert marks(findings(waived_plan(SOUND), as_of=datetime.date(2024, 7, 1))) == [
        ("DAO002", "1", False), ("WVR002", "1", False)]


def test_an_unused_waiver_is_information() -> None:
    found = findings(plan_yaml(items=[{"waivers": [SOUND]}]))
    assert [(f.rule, f.severity) for f in found] == [("WVR005", "info")]


def test_configuration_waivers_by_plan_and_item() -> None:
    waiver = ConfigWaiver("fixture", "1", "DAO002", "理由", "县整改办", None, 7, (("rule", 9),))
    assert marks(findings(plan_yaml(items=[VAGUE]), config=[waiver])) == [("DAO002", "1", True)]
    other_plan = ConfigWaiver("another-plan", "1", "DAO002", "理由", "县整改办", None, 7)
    assert marks(findings(plan_yaml(items=[VAGUE]), config=[other_plan])) == [("DAO002", "1", False)]
    every_item = ConfigWaiver("fixture", "*", "DAO002", "理由", "县整改办", None, 7)
    assert marks(findings(plan_yaml(items=[VAGUE]), config=[every_item])) == [("DAO002", "1", True)]
    expired = ConfigWaiver("fixture", "1", "DAO002", "理由", "县整改办", datetime.date(2024, 1, 1), 7,
                           (("expires", 12),))
    found = findings(plan_yaml(items=[VAGUE]), config=[expired])
    assert sorted((f.rule, f.file, f.line, bool(f.waived)) for f in found) == [
        ("DAO002", "plan.yaml", next(f.line for f in found if f.rule == "DAO002"), False),
        ("WVR002", ".compliance.yaml", 12, False)]


# --- every format shows the waiver; none counts it ---------------------------------

def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.yaml").write_text(waived_plan(SOUND), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "plan.yaml", "--as-of", "2024-03-10", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result


def test_waived_findings_do_not_fail_the_run(tmp_path, monkeypatch) -> None:
    assert cli(tmp_path, monkeypatch).exit_code == 0
    assert cli(tmp_path, monkeypatch, "--fail-on", "info").exit_code == 0


def test_every_format_marks_the_waiver(tmp_path, monkeypatch) -> None:
    reason = SOUND["reason"]
    text = cli(tmp_path, monkeypatch).stdout
    assert "error(已豁免)" in text and reason in text and "另有已豁免 1 个" in text
    report = json.loads(cli(tmp_path, monkeypatch, "--format", "json").stdout)
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 1}
    assert report["findings"][0]["waived"]["reason"] == reason
    sarif = json.loads(cli(tmp_path, monkeypatch, "--format", "sarif").stdout)
    suppression = sarif["runs"][0]["results"][0]["suppressions"]
    assert suppression[0]["kind"] == "inSource" and suppression[0]["justification"] == reason
    junit = ET.fromstring(cli(tmp_path, monkeypatch, "--format", "junit").stdout)
    assert junit.get("failures") == "0" and reason in "".join(junit.itertext())
    github = cli(tmp_path, monkeypatch, "--format", "github").stdout.splitlines()
    assert github[0].startswith("::notice ") and "(已豁免)" in github[0] and reason in github[0]
    markdown = cli(tmp_path, monkeypatch, "--format", "markdown").stdout
    assert "error (已豁免)" in markdown and reason in markdown
