"""The worked provincial example in docs/: a profile file and a rule pack of
one's own, used the two ways README describes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compliance.check import Checker
from compliance.cli import main
from compliance.profiles import active_rules, load_profile
from conftest import AS_OF, ROOT, example_findings

PACK = ROOT / "docs" / "example-pack"


def _findings(*args: str) -> tuple[str, list[tuple[int, str]]]:
    result = CliRunner().invoke(main, ["check", str(PACK / "plan.yaml"), "--as-of", "2024-03-10",
                                       "--format", "json", *args])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    return report["profile"], [(f["line"], f["rule"]) for f in report["findings"]]


def test_profile_file_adds_the_pack_and_sets_options():
    profile, found = _findings("--profile", str(PACK / "profile.yaml"))
    assert profile == "example-province"
    # max_escorts: 2 in the profile makes 3 escorts a finding (SH005).
    assert found == [(6, "PRV001"), (12, "PRV002"), (17, "SH005")]


def test_rules_option_adds_the_pack_to_the_national_profile():
    profile, found = _findings("--rules", str(PACK / "province-rules"))
    assert profile == "national"
    assert found == [(6, "PRV001"), (12, "PRV002")]


def _pack_examples():
    rules, _, _ = active_rules(load_profile(str(PACK / "profile.yaml")))
    return [(rule, outcome, example) for rule in rules if rule.id.startswith("PRV")
            for outcome in ("pass", "fail") for example in rule.examples[outcome]]


@pytest.fixture(scope="module")
def province_checker() -> Checker:
    rules, _, options = active_rules(load_profile(str(PACK / "profile.yaml")))
    return Checker(rules, as_of=AS_OF, options=options)


@pytest.mark.parametrize(("rule", "outcome", "example"), _pack_examples(), ids=lambda v: getattr(v, "id", str(v))[:20])
def test_pack_examples(province_checker, tmp_path, rule, outcome, example):
    fired = {f.rule for f in example_findings(province_checker, rule.subject, example, tmp_path)}
    assert (rule.id in fired) == (outcome == "fail")
