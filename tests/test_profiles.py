"""Profiles: the bundled ones, a profile file of one's own that extends one,
the errors a profile file can make, and `compliance rules list --profile`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compliance.check import Checker
from compliance.cli import main
from compliance.errors import UserError
from compliance.profiles import active_rules, load_profile, profile_names
from conftest import AS_OF, ROOT, plan_of

RULES = ROOT / "rules"
REGIONAL = {"sichuan-2017": {"CDC001", "CDC002"},
            "anyang-2022": {"FOW001", "FOW002", "FOW003", "FOW004", "FOW005", "FOW006", "FOW007", "PRC001", "PRC002"},
            "qinghai-2024": {"QDS001", "LBK001"}}
NATIONAL_OPTIONS = {"engineering_min_days": 60, "max_escorts": 4, "milestone_span_days": 365}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(name: str | Path) -> UserError:
    with pytest.raises(UserError) as caught:
        load_profile(str(name))
    return caught.value


def _active_error(name: str | Path) -> UserError:
    with pytest.raises(UserError) as caught:
        active_rules(load_profile(str(name)))
    return caught.value


# --- the bundled profiles ----------------------------------------------------------

def test_bundled_profile_names() -> None:
    assert profile_names() == ["anyang-2022", "national", "qinghai-2024", "sichuan-2017"]


def test_national() -> None:
    profile = load_profile("national")
    assert (profile.name, profile.options) == ("national", {})
    assert profile.packs == [RULES / "national"]
    rules, requirements, values = active_rules(profile)
    ids = {rule.id for rule in rules}
    assert not ids & set().union(*REGIONAL.values())
    assert {"NDC001", "NDC008", "SH005", "OVD001"} <= ids
    assert {rule.requirement for rule in rules} == {key for key, r in requirements.items() if r.pack == "national"}
    assert {name: values[name] for name in NATIONAL_OPTIONS} == NATIONAL_OPTIONS


@pytest.mark.parametrize(("name", "options"), [
    ("sichuan-2017", {"complaint_disclosure_days": 3}),
    ("anyang-2022", {"individual_progress_days": 7, "common_progress_days": 31}),
    ("qinghai-2024", {"disclosure_max_days": 92}),
])
def test_regional(name: str, options: dict[str, int]) -> None:
    profile = load_profile(name)
    assert profile.name == name and profile.title
    assert profile.packs == [RULES / "national", RULES / name]
    assert profile.options == options
    assert profile.file == str(RULES / "profiles" / f"{name}.yaml")
    rules, _, values = active_rules(profile)
    ids = {rule.id for rule in rules}
    assert REGIONAL[name] <= ids
    for other, regional in REGIONAL.items():
        if other != name:
            assert not ids & regional
    # The national rules and their options come along, the regional values on top.
    assert "NBS001" in ids
    assert {key: values[key] for key in options} == options
    assert {key: values[key] for key in NATIONAL_OPTIONS} == NATIONAL_OPTIONS


def test_a_bundled_profile_by_its_file() -> None:
    by_name, by_file = load_profile("anyang-2022"), load_profile(str(RULES / "profiles" / "anyang-2022.yaml"))
    assert (by_file.name, by_file.packs, by_file.options) == (by_name.name, by_name.packs, by_name.options)


# --- a profile of one's own ----------------------------------------------------------

# An individual task (one site) whose last site check was 10 days before AS_OF.
STALE_TEN_DAYS = plan_of({"id": "anyang-ledger", "issued": "2024-01-15", "items": [{
    "problem": "殷都区某铸造企业无组织排放", "task": "individual", "target": "完成车间密闭改造",
    "measures": ["实施车间密闭和集气改造"], "deadline": "2024-06-30", "lead_unit": "市生态环境局",
    "responsible_units": ["殷都区政府"], "responsible_leader": "分管副市长", "responsible_person": "市生态环境局局长",
    "progress": [{"date": "2024-02-29", "note": "现场检查，集气罩安装完成一半"}]}]})


def _fired(profile: str) -> list[str]:
    rules, _, options = active_rules(load_profile(profile))
    result = Checker(rules, as_of=AS_OF, options=options).check_text(STALE_TEN_DAYS, "plan.yaml")
    assert result.error is None, result.error
    return sorted(f.rule for f in result.findings if f.requirement in ("progress-cadence", "full-ownership"))


def test_extends_and_overrides_an_option(tmp_path: Path) -> None:
    path = _write(tmp_path, "linzhou.yaml",
                  "# 林州市：个性任务每两周现场检查一次\n"
                  "name: linzhou-2024\ntitle: 林州市\nextends: anyang-2022\noptions:\n  individual_progress_days: 14\n")
    profile = load_profile(str(path))
    assert profile.name == "linzhou-2024"
    assert profile.packs == load_profile("anyang-2022").packs
    assert profile.options == {"individual_progress_days": 14, "common_progress_days": 31}
    assert profile.sources == {"individual_progress_days": str(path),
                               "common_progress_days": str(RULES / "profiles" / "anyang-2022.yaml")}
    assert active_rules(profile)[2]["individual_progress_days"] == 14
    assert _fired("anyang-2022") == ["PRC001"]
    assert _fired(str(path)) == []


def test_extends_a_profile_file_relative_to_this_one(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    _write(tmp_path / "base", "henan.yaml", "name: henan\nextends: anyang-2022\noptions: {individual_progress_days: 10}\n")
    path = _write(tmp_path, "city.yaml", "name: city\nextends: base/henan.yaml\noptions: {common_progress_days: 20}\n")
    profile = load_profile(str(path))
    assert profile.options == {"individual_progress_days": 10, "common_progress_days": 20}
    assert profile.packs[-1] == RULES / "anyang-2022"


def test_extending_and_naming_a_pack_again_keeps_it_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "p.yaml", "name: p\nextends: anyang-2022\npacks: [national, anyang-2022, qinghai-2024]\n")
    assert load_profile(str(path)).packs == [RULES / "national", RULES / "anyang-2022", RULES / "qinghai-2024"]


# --- errors, each naming the file --------------------------------------------------------

def test_unknown_option_names_the_profile_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "typo.yaml", "name: typo\nextends: anyang-2022\noptions: {individual_progress_dayz: 14}\n")
    error = _active_error(path)
    assert error.file == str(path)
    assert "individual_progress_dayz" in error.message
    assert "individual_progress_days" in error.message      # the known ones are listed


def test_an_option_of_a_pack_not_turned_on_is_unknown(tmp_path: Path) -> None:
    # disclosure_max_days belongs to qinghai-2024's rules, not anyang-2022's.
    path = _write(tmp_path, "mixed.yaml", "name: mixed\nextends: anyang-2022\noptions: {disclosure_max_days: 92}\n")
    error = _active_error(path)
    assert error.file == str(path) and "disclosure_max_days" in error.message


def test_an_option_of_the_wrong_type(tmp_path: Path) -> None:
    path = _write(tmp_path, "text.yaml", "name: text\nextends: anyang-2022\noptions: {individual_progress_days: 两周}\n")
    error = _active_error(path)
    assert error.file == str(path) and "individual_progress_days" in error.message


def test_unknown_pack(tmp_path: Path) -> None:
    path = _write(tmp_path, "henan.yaml", "name: henan\nextends: national\npacks: [henan-2023]\n")
    error = _error(path)
    assert error.file == str(path)
    assert "henan-2023" in error.message and "anyang-2022" in error.message


def test_unknown_profile_name() -> None:
    error = _error("anyang-2023")
    assert "anyang-2023" in error.message and "anyang-2022" in error.message


def test_extends_an_unknown_profile_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "henan.yaml", "name: henan\nextends: anyang-2023\n")
    error = _error(path)
    assert error.file == str(path) and "anyang-2023" in error.message


def test_missing_profile_file(tmp_path: Path) -> None:
    error = _error(tmp_path / "nowhere.yaml")
    assert error.file == str(tmp_path / "nowhere.yaml")


def test_invalid_yaml(tmp_path: Path) -> None:
    path = _write(tmp_path, "broken.yaml", "name: broken\noptions: {individual_progress_days: 14\n")
    error = _error(path)
    assert (error.file, error.line) == (str(path), 3)
    assert error.message.startswith("invalid YAML")


@pytest.mark.parametrize(("text", "where"), [
    ("name: p\npacks: national\n", "$.packs"),
    ("name: p\npacks: [national, 7]\n", "$.packs[1]"),
    ("name: p\noptions: {individual_progress_days: [14]}\n", "$.options.individual_progress_days"),
    ("name: p\noption: {individual_progress_days: 14}\n", "$"),       # a misspelt key
    ("title: 没有名称\n", "$"),
    ("", "$"),
    ("- national\n", "$"),
])
def test_schema_error_names_the_json_path(tmp_path: Path, text: str, where: str) -> None:
    path = _write(tmp_path, "p.yaml", text)
    error = _error(path)
    assert error.file == str(path)
    assert error.message.startswith(f"invalid profile: {where}: ")


@pytest.mark.parametrize("files", [
    {"a.yaml": "name: a\nextends: b.yaml\n", "b.yaml": "name: b\nextends: a.yaml\n"},
    {"a.yaml": "name: a\nextends: a.yaml\n"},
])
def test_extends_cycle(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        _write(tmp_path, name, text)
    error = _error(tmp_path / "a.yaml")
    assert "cycle" in error.message
    assert Path(error.file).parent == tmp_path


# --- compliance rules list --profile ------------------------------------------------------

def _list(*args: str) -> Result:
    result = CliRunner().invoke(main, ["rules", "list", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def _listed(result: Result) -> tuple[dict[str, str], set[str]]:
    lines = result.stdout.splitlines()
    options = dict(line.removeprefix("# option:").split("(")[0].strip().split(" = ")
                   for line in lines if line.startswith("# option:"))
    ids = {line.split()[0] for line in lines if line.strip() and not line.startswith("#")}
    return options, ids


@pytest.mark.parametrize("name", ["national", "sichuan-2017", "anyang-2022", "qinghai-2024"])
def test_rules_list_profile(name: str) -> None:
    result = _list("--profile", name)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith(f"# profile: {name}")
    options, ids = _listed(result)
    for other, regional in REGIONAL.items():
        assert (regional <= ids) if other == name else not (regional & ids)
    assert {"NDC001", "NBS001", "DAO001"} <= ids
    assert options["engineering_min_days"] == "60"
    expected = {"sichuan-2017": {"complaint_disclosure_days": "3"},
                "anyang-2022": {"individual_progress_days": "7", "common_progress_days": "31"},
                "qinghai-2024": {"disclosure_max_days": "92"}}.get(name, {})
    assert {key: options[key] for key in expected} == expected
    regional_options = {"complaint_disclosure_days", "individual_progress_days", "common_progress_days",
                        "disclosure_max_days"}
    assert set(options) & regional_options == set(expected)


def test_rules_list_profile_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "linzhou.yaml",
                  "name: linzhou-2024\ntitle: 林州市\nextends: anyang-2022\noptions: {individual_progress_days: 14}\n")
    result = _list("--profile", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "# profile: linzhou-2024  林州市"
    assert "# packs:   national, anyang-2022" in result.stdout.splitlines()
    options, ids = _listed(result)
    assert (options["individual_progress_days"], options["common_progress_days"]) == ("14", "31")
    assert REGIONAL["anyang-2022"] <= ids


def test_rules_list_bad_profile_is_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "typo.yaml", "name: typo\nextends: anyang-2022\noptions: {individual_progress_dayz: 14}\n")
    result = _list("--profile", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert str(path) in result.stderr and "individual_progress_dayz" in result.stderr


def test_check_reports_the_profile_name(tmp_path: Path) -> None:
    plan = _write(tmp_path, "plan.yaml", STALE_TEN_DAYS)
    profile = _write(tmp_path, "linzhou.yaml", "name: linzhou-2024\nextends: anyang-2022\n"
                                               "options: {individual_progress_days: 14}\n")
    for name, shown, fired in (("anyang-2022", "anyang-2022", ["PRC001"]), (str(profile), "linzhou-2024", [])):
        result = CliRunner().invoke(main, ["check", str(plan), "--profile", name, "--as-of", "2024-03-10",
                                           "--format", "json"])
        report = json.loads(result.stdout)
        assert report["profile"] == shown
        assert [f["rule"] for f in report["findings"] if f["requirement"] == "progress-cadence"] == fired
