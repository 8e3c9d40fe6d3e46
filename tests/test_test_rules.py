"""compliance test-rules PACK: a rule pack's pass and fail examples, run as CI would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from compliance import ruletests
from compliance.rules import bundled_packs, load_rules
from compliance.ruletests import CaseResult, run_pack_tests
from conftest import ROOT, run_cli

PACK = ROOT / "docs" / "example-pack"
SUMMARY = "{cases} cases in {packs} pack{s}: {passed} passed, {failed} failed"


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    return run_cli("test-rules", *args)


def expected_lines(folder: Path) -> list[str]:
    """PASS lines for every example of every rule in ``folder``, in order."""
    rules, _ = load_rules([*bundled_packs().values(), folder])
    return [f"PASS {rule.id} {outcome}[{index}]" for rule in rules if Path(rule.file).parent == folder
            for outcome in ("fail", "pass") for index in range(len(rule.examples[outcome]))]


def summary(cases: int, failed: int = 0, packs: int = 1) -> str:
    return SUMMARY.format(cases=cases, packs=packs, s="s" if packs != 1 else "", passed=cases - failed, failed=failed)


def broken_copy(tmp_path: Path, rule: str, outcome: str, index: int, example: object) -> Path:
    """The example pack copied, with one example of ``rule`` replaced."""
    shutil.copytree(PACK, tmp_path / "example-pack")
    path = tmp_path / "example-pack" / "province-rules" / f"{rule}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["examples"][outcome][index] = example
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "example-pack"


@pytest.mark.parametrize("name", sorted(bundled_packs()))
def test_every_bundled_pack_passes(name):
    folder = bundled_packs()[name]
    result = run(str(folder))
    assert result.exit_code == 0, result.stdout
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    # A bundled pack runs in its own profile (rules/profiles/<pack>.yaml).
    assert lines[0] == f"# pack {folder}  (profile {name}, as of 2024-03-10)"
    cases = expected_lines(folder)
    assert len(cases) >= 4
    assert lines[1:] == cases + [summary(len(cases))]


def test_a_bundled_pack_by_name():
    result = run("sichuan-2017", "qinghai-2024")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# pack sichuan-2017  (profile sichuan-2017, as of 2024-03-10)"
    cases = len(expected_lines(bundled_packs()["sichuan-2017"])) + len(expected_lines(bundled_packs()["qinghai-2024"]))
    assert lines[-1] == summary(cases, packs=2)


@pytest.mark.parametrize("profile", [[], ["--profile", str(PACK / "profile.yaml")]])
def test_the_example_pack_passes_with_and_without_its_profile(profile):
    result = run(str(PACK / "province-rules"), *profile)
    assert result.exit_code == 0, result.stdout
    lines = result.stdout.splitlines()
    shown = profile[1] if profile else "national"
    assert lines[0] == f"# pack {PACK / 'province-rules'}  (profile {shown}, as of 2024-03-10)"
    assert lines[1:] == ["PASS PRV001 fail[0]", "PASS PRV001 pass[0]", "PASS PRV002 fail[0]", "PASS PRV002 fail[1]",
                         "PASS PRV002 pass[0]", "PASS PRV002 pass[1]", summary(6)]


def test_a_pass_example_that_fires_fails_naming_rule_case_and_file(tmp_path):
    copy = broken_copy(tmp_path, "PRV002", "pass", 1, "以罚代改后予以销号")
    # With the profile's milestone_span_days of 270, the fixture's item (due
    # 305 days after the plan is issued) fires PHL001 as well.
    for extra, fired in (([], "PRV002"), (["--profile", str(copy / "profile.yaml")], "PHL001, PRV002")):
        result = run(str(copy / "province-rules"), *extra)
        assert result.exit_code == 1
        lines = result.stdout.splitlines()
        assert lines[6] == f"FAIL PRV002 pass[1]: fired {fired}  [{copy / 'province-rules' / 'PRV002.yaml'}]"
        assert [line for line in lines if line.startswith("FAIL")] == [lines[6]]
        assert lines[-1] == summary(6, failed=1)


def test_a_fail_example_that_is_quiet_fails(tmp_path):
    copy = broken_copy(tmp_path, "PRV002", "fail", 0, "依法处罚并督促企业完成整改")
    result = run(str(copy / "province-rules"))
    assert result.exit_code == 1
    assert f"FAIL PRV002 fail[0]: PRV002 did not fire (fired nothing)  [{copy / 'province-rules' / 'PRV002.yaml'}]" \
        in result.stdout.splitlines()


def test_an_example_that_cannot_be_checked_fails(tmp_path):
    copy = broken_copy(tmp_path, "PRV001", "pass", 0, {"disclosure": {"channel": "网站", "interval_days": "每月"}})
    result = run(str(copy / "province-rules"))
    assert result.exit_code == 1
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert line.startswith("FAIL PRV001 pass[0]: the example could not be checked: ")
    assert "interval_days" in line


def test_json_format(tmp_path):
    copy = broken_copy(tmp_path, "PRV002", "pass", 1, "以罚代改后予以销号")
    result = run(str(copy / "province-rules"), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["tool"] == "compliance"
    assert report["as_of"] == "2024-03-10"
    assert report["summary"] == {"packs": 1, "cases": 6, "passed": 5, "failed": 1}
    (pack,) = report["packs"]
    assert pack["pack"] == str(copy / "province-rules")
    assert pack["profile"] == "national"
    assert [(c["rule"], c["case"], c["ok"]) for c in pack["cases"]] == [
        ("PRV001", "fail[0]", True), ("PRV001", "pass[0]", True), ("PRV002", "fail[0]", True),
        ("PRV002", "fail[1]", True), ("PRV002", "pass[0]", True), ("PRV002", "pass[1]", False)]
    failed = pack["cases"][-1]
    assert failed == {"rule": "PRV002", "outcome": "pass", "index": 1, "ok": False, "detail": "fired PRV002",
                      "file": str(copy / "province-rules" / "PRV002.yaml"), "fired": ["PRV002"],
                      "example": "以罚代改后予以销号", "case": "pass[1]"}


def test_json_format_of_a_passing_pack():
    report = json.loads(run(str(PACK / "province-rules"), "--format", "json").stdout)
    assert report["summary"] == {"packs": 1, "cases": 6, "passed": 6, "failed": 0}
    assert all(case["ok"] for case in report["packs"][0]["cases"])


def test_bad_packs_exit_2_with_one_line(tmp_path):
    (tmp_path / "empty").mkdir()
    bad = tmp_path / "bad"
    shutil.copytree(PACK / "province-rules", bad)
    (bad / "PRV002.yaml").write_text((bad / "PRV002.yaml").read_text(encoding="utf-8") + "bogus: 1\n",
                                     encoding="utf-8")
    for folder, expected in ((tmp_path / "missing", "rule pack not found"),
                             (tmp_path / "empty", "no rule files in this folder"),
                             (bad, "Additional properties")):
        result = run(str(folder))
        assert result.exit_code == 2, folder
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert result.stderr.startswith(f"compliance: {folder}")
        assert expected in result.stderr


def test_run_pack_tests_gives_a_case_per_example_each_in_its_own_folder(monkeypatch):
    folders = []
    real = ruletests.tempfile.TemporaryDirectory

    def recording(*args, **kwargs):
        made = real(*args, **kwargs)
        folders.append(made.name)
        return made

    monkeypatch.setattr(ruletests.tempfile, "TemporaryDirectory", recording)
    cases = run_pack_tests(PACK / "province-rules")
    assert len(folders) == len(set(folders)) == len(cases) == 6
    assert not any(Path(folder).exists() for folder in folders)
    assert cases[0] == CaseResult("PRV001", "fail", 0, True, "fired PRV001", str(PACK / "province-rules" / "PRV001.yaml"),
                                  ("PRV001",), {"disclosure": {"channel": "市政府网站", "interval_days": 90}})
    assert cases[1].detail == "PRV001 quiet (fired nothing)"


def test_the_profile_options_are_used(tmp_path):
    # The national SH005 examples assume max_escorts 4; a profile of 2 makes
    # a pass example ("陪同人员不超过3人") fire, and the run says so.
    cases = run_pack_tests(bundled_packs()["national"], str(PACK / "profile.yaml"))
    failed = {(case.rule, case.case) for case in cases if not case.ok}
    assert ("SH005", "pass[0]") in failed
    assert all(case.ok for case in cases if case.rule not in ("SH005", "PHL001"))
