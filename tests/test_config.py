"""The configuration file: found upwards, validated with clear errors,
resolved with the command line winning, overrides by glob."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compliance.cli import main
from compliance.config import Config, find_config, load_config, matches
from compliance.errors import UserError
from compliance.settings import resolve
from conftest import EXAMPLE

AS_OF = ("--as-of", "2024-03-10")


def run(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def write(folder: Path, text: str, name: str = ".compliance.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def repo(tmp_path: Path, config: str) -> Path:
    write(tmp_path, config)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "county.yaml").write_bytes(EXAMPLE.read_bytes())
    return tmp_path


def rules_of(result: Result) -> list[tuple[str, str]]:
    return [(f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"]]


def test_found_in_a_folder_above(tmp_path: Path) -> None:
    path = write(tmp_path, "fail-on: never\n")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_config(tmp_path / "a" / "b") == path.resolve()


def test_none_found(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("profil: national\n", ".compliance.yaml:1: invalid configuration: $: Additional properties are not allowed "
                           "('profil' was unexpected)"),
    ("fail-on: sometimes\n", ".compliance.yaml:1: invalid configuration: $.fail-on: 'sometimes' is not one of "
                             "['error', 'warning', 'info', 'never']"),
    ("severity:\n  SH003: fatal\n", ".compliance.yaml:2: invalid configuration: $.severity.SH003: 'fatal' is not "
                                    "one of ['error', 'warning', 'info']"),
    ("overrides:\n  - disable: [SH003]\n", ".compliance.yaml:2: invalid configuration: $.overrides[0]: "
                                           "'files' is a required property"),
    ("waivers:\n  - plan: p\n    rule: SH003\n    expires: next year\n",
     ".compliance.yaml:4: waiver expires 'next year' is not a date YYYY-MM-DD"),
    ("packs: [no-such-folder]\n", ".compliance.yaml:1: rule pack 'no-such-folder' is neither bundled"),
    ("- just a list\n", ".compliance.yaml:1: invalid configuration: $: ['just a list'] is not of type 'object'"),
    ("profile: [unclosed\n", ".compliance.yaml:2:1: invalid YAML"),
])
def test_bad_configuration_is_one_clear_line(tmp_path, monkeypatch, text, expected) -> None:
    repo(tmp_path, text)
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert result.stderr.startswith("compliance: " + expected), result.stderr


@pytest.mark.parametrize(("text", "expected"), [
    ("disable: [SH03]\n", ".compliance.yaml:1: 'SH03' is neither a rule id nor a requirement key"),
    ("severity: {no-such-key: info}\n", ".compliance.yaml:1: 'no-such-key' is neither a rule id nor a requirement"),
    ("options: {max_escort: 3}\n", ".compliance.yaml:1: unknown option 'max_escort'"),
    ("options:\n  max_escorts: many\n", ".compliance.yaml: option 'max_escorts' must be a whole number"),
    ("overrides:\n  - files: ['*.yaml']\n    options: {max_escort: 3}\n",
     ".compliance.yaml:2: unknown option 'max_escort'"),
    ("profile: nowhere\n", "unknown profile 'nowhere'"),
])
def test_names_that_name_nothing_are_refused(tmp_path, monkeypatch, text, expected) -> None:
    repo(tmp_path, text)
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith("compliance: " + expected), result.stderr


def test_disable_severity_and_fail_on(tmp_path, monkeypatch) -> None:
    repo(tmp_path, "disable: [simplified-hosting, NAS001]\nseverity: {DAO002: info, deadline-and-owner: warning}\n"
                   "fail-on: warning\npaths: [plans]\n")
    result = run(tmp_path, monkeypatch, "check", *AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert rules_of(result) == [("NBS001", "error"), ("DAO002", "info"), ("PHL001", "warning"),
                                ("DAO001", "warning"), ("NPR001", "error")]


def test_command_line_wins(tmp_path, monkeypatch) -> None:
    repo(tmp_path, "fail-on: never\nlang: en\nprofile: qinghai-2024\n")
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--fail-on", "error", "--profile", "national",
                 "--lang", "zh", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and report["profile"] == "national"
    assert all("\u4e00" <= f["message"][0] <= "\u9fff" for f in report["findings"])


def test_no_config_and_config_option(tmp_path, monkeypatch) -> None:
    repo(tmp_path, "fail-on: never\n")
    write(tmp_path, "disable: [NBS001]\nfail-on: never\n", "other.yaml")
    assert run(tmp_path, monkeypatch, "check", "plans", *AS_OF).exit_code == 0
    assert run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--no-config").exit_code == 1
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--config", "other.yaml", "--format", "json")
    assert result.exit_code == 0 and "NBS001" not in {rule for rule, _ in rules_of(result)}


def test_options_from_configuration_and_command_line(tmp_path, monkeypatch) -> None:
    plan = EXAMPLE.read_text(encoding="utf-8").replace(
        "县四套班子领导全程陪同,各乡镇主要负责人层层陪同", "安排3名工作人员陪同")
    repo(tmp_path, "options: {max_escorts: 2}\n")
    (tmp_path / "plans" / "county.yaml").write_text(plan, encoding="utf-8")
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--format", "json")
    assert "SH005" in {rule for rule, _ in rules_of(result)}
    result = run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--format", "json", "--option", "max_escorts=3")
    assert "SH005" not in {rule for rule, _ in rules_of(result)}
    assert json.loads(result.stdout)["manifest"]["options"]["max_escorts"] == 3
    bad = run(tmp_path, monkeypatch, "check", "plans", *AS_OF, "--option", "max_escorts")
    assert bad.exit_code == 2 and "expected NAME=VALUE" in bad.stderr


def test_overrides_apply_by_glob_and_in_order(tmp_path, monkeypatch) -> None:
    repo(tmp_path, "overrides:\n  - files: ['plans/**']\n    disable: [NBS001]\n"
                   "  - files: ['county.yaml']\n    severity: {NPR001: info}\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "town.yaml").write_bytes(EXAMPLE.read_bytes())
    report = json.loads(run(tmp_path, monkeypatch, "check", "plans", "other", *AS_OF, "--format", "json").stdout)
    by_file = {}
    for finding in report["findings"]:
        by_file.setdefault(finding["file"], {})[finding["rule"]] = finding["severity"]
    assert "NBS001" not in by_file["plans/county.yaml"] and by_file["plans/county.yaml"]["NPR001"] == "info"
    assert by_file["other/town.yaml"]["NBS001"] == "error" and by_file["other/town.yaml"]["NPR001"] == "error"


def test_paths_and_exclude(tmp_path, monkeypatch) -> None:
    repo(tmp_path, "paths: [plans]\nexclude: ['plans/drafts/**', '*.tmp.yaml']\nfail-on: never\n")
    write(tmp_path / "plans", "plan: [broken\n", "drafts/x.yaml")
    write(tmp_path / "plans", "plan: [broken\n", "a.tmp.yaml")
    result = run(tmp_path, monkeypatch, "check", "--format", "json", *AS_OF)
    assert result.exit_code == 0
    assert [plan["file"] for plan in json.loads(result.stdout)["plans"]] == ["plans/county.yaml"]
    # The configuration file itself is never read as a plan, even when named.
    result = run(tmp_path, monkeypatch, "check", ".compliance.yaml", "plans/county.yaml", *AS_OF, "--format", "json")
    assert [plan["file"] for plan in json.loads(result.stdout)["plans"]] == ["plans/county.yaml"]


@pytest.mark.parametrize(("pattern", "name", "expected"), [
    ("plans/**", "plans/a/b.yaml", True),
    ("plans/**", "plansx/b.yaml", False),
    ("plans", "plans/a/b.yaml", True),
    ("*.json", "a/b/c.json", True),
    ("plans/*.yaml", "plans/a/b.yaml", False),
    ("plans/**/b.yaml", "plans/b.yaml", True),
    ("p?ans/b.yaml", "plans/b.yaml", True),
    ("[abc].yaml", "[abc].yaml", True),
])
def test_glob(tmp_path, pattern, name, expected) -> None:
    assert matches(pattern, str(tmp_path / name), tmp_path) is expected


def test_outside_the_folder_matches_nothing(tmp_path) -> None:
    assert not matches("**", str(tmp_path.parent / "x.yaml"), tmp_path)
    assert not matches("**", "-", tmp_path)


def test_resolve_without_a_file_is_the_profile() -> None:
    settings = resolve(Config())
    assert settings.profile.name == "national" and settings.fail_on == "error" and settings.lang == "zh"


def test_empty_configuration_is_fine(tmp_path) -> None:
    path = write(tmp_path, "# nothing yet\n")
    assert load_config(path).profile is None
    with pytest.raises(UserError):
        load_config(write(tmp_path, "fail-on: [x]\n"))


def test_a_parent_may_be_read_from_anywhere_in_the_repository(tmp_path, monkeypatch) -> None:
    from conftest import plan_yaml

    write(tmp_path, "fail-on: never\n")
    write(tmp_path, plan_yaml(), "city/plan.yaml")
    write(tmp_path, plan_yaml().replace("  id: fixture\n", "  id: county\n  parent: ../city/plan.yaml\n"),
          "county/plan.yaml")
    shown = run(tmp_path, monkeypatch, "check", "county/plan.yaml", *AS_OF, "--format", "json")
    assert [f["rule"] for f in json.loads(shown.stdout)["findings"] if f["rule"].startswith("NDC")] == []
    # Without a configuration, only the folders given: the parent lies outside them.
    alone = run(tmp_path, monkeypatch, "check", "county/plan.yaml", *AS_OF, "--format", "json", "--no-config")
    assert [f["rule"] for f in json.loads(alone.stdout)["findings"] if f["rule"].startswith("NDC")] == ["NDC007"]
