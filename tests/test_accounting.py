"""Fact accounting under stress: whatever the engine does with a fact --
takes it for one already seen, loses it, raises -- the item is still
checked, or its plan is reported as not checked (exit 2, one line), never
reported short and clean. The other plans of the run are still checked.
"""

from __future__ import annotations

import json
from pathlib import Path

import durable_rules_engine as durable
import pytest
from durable.engine import MessageObservedException

from compliance import engine as engine_module
from compliance.engine import Engine, EngineError, dumps
from conftest import EXAMPLE, checker_for, plan_yaml, run_cli

AS_OF = ["--as-of", "2024-03-10"]
# Two facts that durable_rules, without an "id", takes for one: the 32-bit
# hash it identifies them by is the same (found among 150,000 facts).
COLLIDING = ({"t": "item", "key": "items[3253]", "sid": "1"}, {"t": "item", "key": "items[29955]", "sid": "1"})


def _seen_by_durable(facts: list[dict]) -> list[str]:
    """The keys durable_rules' catch-all fires for, on facts as given."""
    handle = durable.create_ruleset(f"accounting-probe-{id(facts)}", json.dumps({"s": {"all": [{"m": {"$ex": {"t": 1}}}]}}))
    result = durable.assert_facts(handle, dumps(facts))
    fired = []
    started = durable.start_action_for_state(handle, result[1])
    while started:
        fired.append(started[1])
        while following := durable.complete_and_start_action(handle, result[1]):
            fired.append(following)
        started = durable.start_action_for_state(handle, result[1])
    durable.delete_state(handle, facts[0]["sid"])
    return sorted(json.loads(action)["s"]["m"]["key"] for action in fired)


def test_durable_rules_drops_a_fact_whose_hash_collides():
    """Why every fact is asserted with an id: if this starts to fail,
    durable_rules no longer drops distinct facts as duplicates."""
    assert _seen_by_durable(list(COLLIDING)) == ["items[3253]"]
    with_ids = [{**fact, "id": fact["key"]} for fact in COLLIDING]
    assert _seen_by_durable(with_ids) == ["items[29955]", "items[3253]"]


def test_a_false_duplicate_is_still_checked():
    engine = Engine([])
    prepared = [engine.prepare({"t": fact["t"], "key": fact["key"]}, "1") for fact in COLLIDING]
    assert [fact["id"] for fact in prepared] == ["items[3253]", "items[29955]"]
    assert engine.run_prepared(prepared, "1") == []             # both accounted for
    # Without the ids the engine loses one, and says so rather than go on short.
    bare = [{k: v for k, v in fact.items() if k != "id"} for fact in prepared]
    with pytest.raises(EngineError, match=r"1 of 2 facts were not accounted for \(first: items\[29955\]\)"):
        engine.run_prepared(bare, "1")


def test_many_facts_through_one_state():
    """A plan's facts go to the engine in one batch, one state (there is no
    chunking to lower): 40,000 facts, the colliding pair among them, all
    come back."""
    facts = [{"t": "item", "key": f"items[{n}]"} for n in range(40_000)]
    engine = Engine([])
    accounted = []
    original = engine._account

    def account(prepared, fired):
        accounted.append((len(prepared), len(fired)))
        return original(prepared, fired)

    engine._account = account
    assert engine.run(facts) == []
    assert accounted == [(40_000, 40_000)]


def test_every_item_of_a_big_plan_is_checked(monkeypatch):
    """3,000 items, each with a blanket shutdown: 9,000 facts in one state,
    3,000 findings."""
    items = "".join(f'  - {{id: "{n}", problem: 扬尘, target: 完成治理, measures: [对全县砖瓦窑一律关停, 加强监管], '
                    f'deadline: 2024-12-31, lead_unit: 县局, responsible_units: [某镇]}}\n' for n in range(3000))
    checker = checker_for("national")
    counted = []
    original = checker.engine._account

    def account(prepared, fired):
        counted.append(len(prepared))
        return original(prepared, fired)

    monkeypatch.setattr(checker.engine, "_account", account)
    result = checker.check_text("plan: {id: many, issued: 2024-03-01}\nitems:\n" + items, "many.yaml")
    assert result.error is None
    assert counted[0] >= 9000
    assert sorted(int(f.item) for f in result.findings if f.rule == "NBS001") == list(range(3000))


def test_two_facts_with_one_key_fail_loudly():
    engine = Engine([])
    with pytest.raises(EngineError, match=r"1 of 3 facts were not accounted for \(first: items\[0\]\)"):
        engine.run([{"t": "item", "key": "items[0]"}, {"t": "measure", "key": "items[0]"}, {"t": "plan", "key": "plan"}])


# --- through the command line: the engine misbehaves on one plan of two --------------------------

VICTIM = plan_yaml(items=[{"id": "victim-1", "measures": ["对全县砖瓦窑一律关停"]}])


def _fake_assert_facts(monkeypatch, behave):
    """durable_rules' assert_facts, as engine.py calls it, misbehaving on the
    victim plan's batch (the one with item victim-1)."""
    real = durable.assert_facts

    def fake(handle, written):
        facts = json.loads(written)
        if not any(fact.get("t") == "item" and fact.get("item_id") == "victim-1" for fact in facts):
            return real(handle, written)
        return behave(real, handle, facts)

    monkeypatch.setattr(engine_module.durable, "assert_facts", fake)


def _observed(real, handle, facts):
    raise MessageObservedException(facts[1])


def _vanished(real, handle, facts):
    # The item fact silently disappears; the engine answers as if all went in.
    return real(handle, dumps([fact for fact in facts if fact["key"] != "items[0]"]))


def _duplicated(real, handle, facts):
    # The measure is given the item's id: durable takes it for the item,
    # drops it and answers 2 (observed), as it does for a hash collision.
    ids = {fact["key"]: fact["id"] for fact in facts}
    changed = [{**fact, "id": ids["items[0]"]} if fact["key"] == "items[0].measures[0]" else fact for fact in facts]
    return real(handle, dumps(changed))


@pytest.mark.parametrize(("behave", "message"), [
    (_observed, "durable_rules failed: MessageObservedException: Message has already been observed: "),
    (_vanished, "1 of "),
    (_duplicated, "1 of "),
])
def test_an_engine_fault_fails_that_plan_loudly(tmp_path: Path, monkeypatch, behave, message) -> None:
    victim = tmp_path / "victim.yaml"
    victim.write_text(VICTIM, encoding="utf-8")
    _fake_assert_facts(monkeypatch, behave)
    result = run_cli("check", str(victim), str(EXAMPLE), *AS_OF, "--format", "json", "--jobs", "1")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{victim}: {message}"), lines
    if behave is not _observed:
        assert lines[0].endswith("; the plan was not fully checked")
    report = json.loads(result.stdout)
    plans = {plan["file"]: plan for plan in report["plans"]}
    assert plans[str(victim)]["error"] == lines[0]
    assert plans[str(EXAMPLE)]["error"] is None
    assert {f["file"] for f in report["findings"]} == {str(EXAMPLE)}         # none of the victim's, none lost
    assert "NBS001" in {f["rule"] for f in report["findings"]}
    # In the text report too, the plan is "not checked", never clean.
    text = run_cli("check", str(victim), str(EXAMPLE), *AS_OF, "--jobs", "1")
    assert text.exit_code == 2 and f"未能检查: {victim}: " in text.stdout
    assert text.stdout.rstrip("\n").endswith("检查方案 1 个，未能检查 1 个")
