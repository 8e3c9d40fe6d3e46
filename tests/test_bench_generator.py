"""benchmarks/generate.py: deterministic, valid and realistic plans (no timings here)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from compliance.check import Run
from compliance.config import Config
from compliance.facts import plan_facts
from compliance.model import build
from compliance.parents import Parents
from compliance.pyeval import PyEngine
from compliance.read import load
from compliance.settings import resolve
from conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate.generate(tmp_path_factory.mktemp("generated"), 20, 40, seed=3)


def test_deterministic(tmp_path: Path, plans: list[Path]) -> None:
    again = generate.generate(tmp_path / "again", 20, 40, seed=3, jobs=2)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in plans]
    other = generate.generate(tmp_path / "other", 20, 40, seed=4)
    assert [p.read_bytes() for p in other] != [p.read_bytes() for p in plans]


def test_single_plan(tmp_path: Path) -> None:
    (path,) = generate.generate(tmp_path, 1, 30)
    plan = build(load(str(path)))
    assert len(plan.items) == 30 and plan.data["plan"].get("parent") is None


def test_plans_are_valid_and_realistic(plans: list[Path]) -> None:
    assert generate.AS_OF == AS_OF
    run = Run(resolve(Config()), AS_OF, Parents([plans[0].parent.parent]))
    results = [run.check_file(str(path)) for path in plans]
    assert [r.error for r in results] == [None] * len(plans)
    assert sum(r.items for r in results) == 20 * 40
    with_findings = {(r.id, f.item) for r in results for f in r.findings if f.item}
    assert 0.05 < len(with_findings) / 800 < 0.3                 # about one item in eight breaks a rule
    rules = {f.rule for r in results for f in r.findings}
    assert {"NBS001", "NAS001", "NPR001", "DAO002", "OVD001", "NDC001"} <= rules
    texts = [p.read_text(encoding="utf-8") for p in plans]
    assert any("縣" in t for t in texts) and any("县" in t for t in texts)          # both scripts
    assert any("整改任务" in t or "整改任務" in t for t in texts) and any("\nitems:" in t for t in texts)
    counties = [t for t in texts if re.search(r"(?:parent|上[级級]方案): 0-city\.yaml", t)]
    assert len(counties) == 18 and all(re.search(r"implements|[对對][应應]上[级級]任[务務]", t) for t in counties)
    assert any("accountability:" in t or "问责情况" in t or "問責情況" in t for t in texts)


def test_the_engine_and_pyeval_agree_on_generated_plans(plans: list[Path]) -> None:
    run = Run(resolve(Config()), AS_OF, Parents([plans[0].parent.parent]))
    for path in plans[:10]:
        engine = run.checker(str(path)).engine
        plan = build(load(str(path)))
        facts, _ = plan_facts(plan, AS_OF, run.parents.of(plan))
        prepared = [engine.ruleset.prepare(fact, "0") for fact in facts]
        assert PyEngine(engine.ruleset.definition).evaluate(prepared) == engine.run(facts)


def _group_data(seed: int, start: int, items: int) -> list[dict[str, Any]]:
    """A city plan and its county plans, as generate._group makes them (not written)."""
    parent = generate.plan_data(seed, start, items, level="city")
    return [parent] + [generate.plan_data(seed, number, items, parent, "0-city.yaml")
                       for number in range(start + 1, start + generate.GROUP)]


def _share_distinct(texts: list[str]) -> float:
    return len(set(texts)) / len(texts)


def test_texts_vary_as_in_real_plans() -> None:
    # Real plans rarely repeat a problem and seldom a measure, and text costs
    # (normalising, rule searches) are only measured right on texts seen once:
    # in 100 plans of 100 items, problems nearly all distinct, most measures,
    # a good share of targets; owners from a pool, as counties name them.
    plans = [plan for start in range(0, 100, generate.GROUP) for plan in _group_data(1, start, 100)]
    items = [item for plan in plans for item in plan["items"]]
    measures = [m["text"] if isinstance(m, dict) else m for item in items for m in item["measures"]]
    assert _share_distinct([item["problem"] for item in items]) >= 0.9
    assert _share_distinct(measures) >= 0.7
    assert _share_distinct([item["target"] for item in items]) >= 0.3
    assert _share_distinct([line for plan in plans for line in plan["hosting"]]) >= 0.3
    assert len({item["lead_unit"] for item in items}) <= 30


# The phrasings that break a text rule on purpose (generate.py's faults, and
# the targeted shutdowns of items touching heating, which want a safeguard),
# with their slots as wildcards: every text-rule finding must quote one, so a
# composed text that is meant to be compliant never trips a rule.
def _fault_patterns() -> list[re.Pattern[str]]:
    hosting = list(generate.HOSTING_BAD)
    for line in generate.HOSTING_BAD:
        for stock, own in generate.HOSTING_PARTS.items():
            line = line.replace(stock, own)
        hosting.append(line)
    phrasings = (generate.BAD_MEASURES + hosting + generate.ACCOUNTABILITY_ONLY + generate.BASES[2:]
                 + [text for text, _ in generate.SHUTDOWN]
                 + ["全县砖瓦窑一律关停", "辖区所有养殖场全部关停", "拆除{town}分散燃煤锅炉{n}台", "拆除城区分散燃煤锅炉"])
    return [re.compile(re.sub(r"\\\{\w+\\\}", ".+?", re.escape(p))) for p in phrasings]


TEXT_RULES = re.compile(r"^(?:CBC|NBS|SH|LVP|NAS00[126])")


def test_only_fault_phrasings_break_text_rules(plans: list[Path]) -> None:
    import opencc
    simplified = opencc.OpenCC("t2s")
    patterns = _fault_patterns()
    run = Run(resolve(Config()), AS_OF, Parents([plans[0].parent.parent]))
    quoted = [f.evidence for path in plans for f in run.check_file(str(path)).findings if TEXT_RULES.match(f.rule)]
    assert quoted
    for evidence in quoted:
        for text in simplified.convert(evidence).replace("，", ",").split("; "):
            assert any(p.fullmatch(text) for p in patterns), text
