"""The engine: durable_rules' quirks, and that no fact is ever lost silently."""

from __future__ import annotations

import json

import durable_rules_engine as durable
import pytest

from compliance.check import Checker
from compliance.profiles import active_rules, load_profile
from compliance.engine import SEEN, Engine, EngineError
from conftest import durable_actions, findings_of, plan_yaml


def _durable_matches(pattern: str, text: str) -> bool:
    name = f"regex-probe-{abs(hash((pattern, text)))}"
    handle = durable.create_ruleset(name, json.dumps(
        {"r": {"all": [{"m": {"$mt": {"text": pattern}}}]}, "s": {"all": [{"m": {"$ex": {"t": 1}}}]}},
        ensure_ascii=False))
    result = durable.assert_fact(handle, json.dumps({"sid": "1", "t": 1, "text": text}, ensure_ascii=False))
    fired = durable_actions(handle, result[1])
    return any("r" in message for message in fired)


@pytest.mark.parametrize(("pattern", "text"), [(".*(abc|cd).*", "abcc"), (".*aba.*", "abab"),
                                               (".*(宴请|接风|洗尘|酒宴|宴席).*", "安排接风洗尘宴")])
def test_durable_regex_misses_matches_so_patterns_are_searched_in_python(pattern, text):
    """Why engine.py searches patterns with Python's re: if this starts to
    fail, durable_rules fixed its automaton and ``matches`` could move back."""
    assert not _durable_matches(pattern, text)


def test_text_past_the_engine_regex_limit_is_still_checked(checker):
    padded = "为做好督察整改工作" * 9000 + ",对全县砖瓦窑一律关停"     # > 65,535 bytes
    assert len(padded.encode("utf-8")) > 65_535
    found = findings_of(checker, plan_yaml(items=[{"measures": [padded]}]))
    assert [(f.rule, f.item) for f in found if f.requirement == "no-blanket-shutdown"] == [("NBS001", "1")]


def test_plans_do_not_share_state(checker):
    bad = plan_yaml(hosting=["在县城主干道悬挂欢迎横幅"])
    good = plan_yaml(hosting=["工作用餐在机关食堂安排"])
    assert [f.rule for f in findings_of(checker, bad)] == ["SH001"]
    assert findings_of(checker, good) == []
    assert [f.rule for f in findings_of(checker, bad)] == ["SH001"]


def test_identical_items_are_each_checked(checker):
    same = {"measures": ["对全县砖瓦窑一律关停"]}
    found = findings_of(checker, plan_yaml(items=[{**same, "id": "1"}, {**same, "id": "2"}, {**same, "id": "3"}]))
    assert sorted(f.item for f in found) == ["1", "2", "3"]


def test_a_lost_fact_fails_the_run_loudly(monkeypatch):
    rules, _, _ = active_rules(load_profile("national"))
    engine = Engine(rules)
    original = engine._drain

    def drop_one(state_handle, fired):
        original(state_handle, fired)
        fired.remove(next(message for message in fired if SEEN in message))

    monkeypatch.setattr(engine, "_drain", drop_one)
    facts = [{"t": "hosting", "key": "hosting[0]", "text": "x", "affirmed": "x"},
             {"t": "plan", "key": "plan", "plan_id": "p"}]
    with pytest.raises(EngineError, match="not accounted for"):
        engine.run(facts)


def test_an_engine_failure_is_reported_as_the_plan_error(monkeypatch):
    rules, _, _ = active_rules(load_profile("national"))
    checker = Checker(rules)

    def fail(_facts):
        raise EngineError("2 of 9 facts were not accounted for")

    monkeypatch.setattr(checker.engine, "run", fail)
    result = checker.check_text(plan_yaml(), "plan.yaml")
    assert result.error == "plan.yaml: 2 of 9 facts were not accounted for"
    assert result.findings == []


def test_a_comparison_join_without_subject_conditions_does_not_crash(tmp_path):
    """durable_rules segfaults when a join compares against a field the
    subject may lack; the compiler requires the field on the subject. Run in
    a child process so a crash fails this test rather than the suite."""
    import subprocess
    import sys
    import textwrap

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "X1.yaml").write_text(textwrap.dedent("""\
        id: X1
        requirement: overdue
        subject: item
        require: [{fact: run, join: {as_of: {gt: due}}}]
        message: {zh: 逾期, en: overdue}
        citation: {document: seeds/x.txt, quote: q}
        rationale: r
        examples: {pass: [{deadline: 2099-12-31}], fail: [{deadline: 2020-12-31}]}
        """), encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_yaml(items=[{"deadline": "2020-12-31"}, {"id": "2", "deadline": None}]), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "compliance.cli", "check", str(plan), "--rules", str(pack),
                             "--as-of", "2024-03-10", "--format", "json"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert '"rule": "X1"' in result.stdout
