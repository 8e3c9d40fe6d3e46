"""benchmarks/generate.py: deterministic, valid and realistic plans (no timings here)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

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
