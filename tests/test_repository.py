"""A plan repository run the way its CI job runs it: a configuration file,
a waiver on an item and one in the configuration, a baseline, a custom
rule pack with its own tests, a ledger folder with an override, a draft
excluded. The commands are the ones a CI job types."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).parent / "data" / "repository"
COMPLIANCE = str(Path(sys.executable).parent / "compliance")
BEFORE_EXPIRY = "2024-03-10"      # the configuration's waiver runs to 2024-06-30


@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    folder = tmp_path / "plans-repo"
    shutil.copytree(REPOSITORY, folder)
    return folder


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([COMPLIANCE, *args], cwd=folder, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr
    return result


def test_the_ci_commands_run_green(repository: Path) -> None:
    assert run(repository, "test-rules", "rules/office").returncode == 0
    assert run(repository, "validate").returncode == 0
    result = run(repository, "check", "--as-of", BEFORE_EXPIRY, "--format", "sarif", "--output", "compliance.sarif",
                 "--format", "github")
    assert result.returncode == 0, result.stdout + result.stderr
    sarif = json.loads((repository / "compliance.sarif").read_text(encoding="utf-8"))
    results = sarif["runs"][0]["results"]
    # The draft is excluded; the baselined DAO002 is not reported; the two
    # OFF001 findings are shown, suppressed; PHL001 is an info by the
    # configuration's severity; the ledger's closure rule is off by override.
    shown = sorted((r["ruleId"], r["properties"]["item"], bool(r.get("suppressions"))) for r in results)
    assert shown == [("OFF001", "3", True), ("OFF001", "5", True), ("PHL001", "4", False)]
    assert {r["ruleId"]: r["level"] for r in results}["PHL001"] == "note"
    kinds = {r["properties"]["item"]: r["suppressions"][0]["kind"] for r in results if r.get("suppressions")}
    assert kinds == {"3": "external", "5": "inSource"}
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert [line.split(" ", 1)[0] for line in annotations] == ["::notice"] * 3


def test_the_report_shows_what_the_configuration_did(repository: Path) -> None:
    report = json.loads(run(repository, "check", "--as-of", BEFORE_EXPIRY, "--format", "json").stdout)
    # In the order of their names, not of the configuration's paths (plans, ledgers).
    assert [plan["file"] for plan in report["plans"]] == ["ledgers/shuangqiao-ledger.yaml", "plans/shuangqiao.yaml"]
    assert report["baseline"] == {"file": ".compliance-baseline.json", "entries": 1, "matched": 1, "fixed": []}
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1, "waived": 2}
    waived = {f["item"]: f["waived"] for f in report["findings"] if f["waived"]}
    assert waived["3"]["file"] == ".compliance.yaml" and waived["3"]["expires"] == "2024-06-30"
    assert waived["5"] == {"reason": "立行立改事项已由城关镇完成并经县整改办核查，无需另设责任人",
                           "approved_by": "县整改办", "expires": None, "file": "plans/shuangqiao.yaml", "line": 80}
    manifest = report["manifest"]
    assert manifest["config"]["file"] == ".compliance.yaml"
    assert manifest["options"]["max_escorts"] == 3
    assert manifest["baseline"]["file"] == ".compliance-baseline.json"


def test_without_the_configuration_the_same_plans_fail(repository: Path) -> None:
    result = run(repository, "check", "plans/shuangqiao.yaml", "ledgers", "--no-config", "--as-of", BEFORE_EXPIRY,
                 "--format", "json")
    assert result.returncode == 1
    rules = sorted((f["rule"], f["item"]) for f in json.loads(result.stdout)["findings"])
    # The waiver in the plan names the office pack's requirement, unknown without it.
    assert rules == [("DAO002", "2"), ("NPR001", "1"), ("PHL001", "4"), ("WVR004", "5")]


def test_an_expired_waiver_fails_the_run(repository: Path) -> None:
    result = run(repository, "check", "--as-of", "2024-07-01", "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    expired = [f for f in findings if f["rule"] == "WVR002"]
    assert [(f["file"], f["line"], f["plan"], f["item"]) for f in expired] == [
        (".compliance.yaml", 23, "shuangqiao-2024", "3")]
    # The finding it waived stands again.
    assert any(f["rule"] == "OFF001" and f["item"] == "3" and not f["waived"] for f in findings)


def test_a_new_finding_fails_and_a_fixed_one_is_listed(repository: Path) -> None:
    plan = repository / "plans" / "shuangqiao.yaml"
    text = plan.read_text(encoding="utf-8")
    # Fix the baselined deadline, and add lines above it: the baseline is not keyed by line.
    text = text.replace("    deadline: 尽快 ", "    deadline: 2024-12-31 ")
    text = text.replace("items:\n", "items:\n  # 2024年3月修订\n\n", 1)
    text = text.replace("    target: 立即清理\n", "    target: 立即清理\n    measures: [对沿河砖厂一律关停]\n")
    text = text.replace("      - 组织人员清运河道两侧垃圾并建立日常保洁机制\n", "")
    plan.write_text(text.replace("    measures:\n    deadline: 立行立改", "    deadline: 立行立改"), encoding="utf-8")
    result = run(repository, "check", "--as-of", BEFORE_EXPIRY, "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["rule"], f["item"]) for f in report["findings"] if not f["waived"] and f["severity"] != "info"] == [
        ("NBS001", "5")]
    assert report["baseline"]["fixed"] == [{"plan": "shuangqiao-2024", "item": "2", "rule": "DAO002",
                                            "requirement": "deadline-and-owner"}]


def test_fail_on_never_exits_0(repository: Path) -> None:
    assert run(repository, "check", "--as-of", "2024-07-01", "--fail-on", "never").returncode == 0
