"""Shortcuts in compliance.facts that skip work on a text never seen,
each held to the slower expression it stands for on random texts made
of the characters and words where the two could part."""

from __future__ import annotations

import random
from typing import Any

from compliance import facts
from compliance.model import Text, infer_kind
from compliance.text import affirmed, normalize

# Placeholders and their parts, blanks, format, compatibility and traditional forms.
_OWNER_WORDS = ["无", "暂无", "待定", "有关", "相关", "各", "部门", "單位", "单位", "乡镇", "人員", "略", "同上", "n/a", "N/A",
                "none", "TBD", "-", "—", "/", "_", ".", "。", "、", " ", "\u3000", "\u200b", "\ufeff", "\n", "，", ",",
                "环保局", "縣", "ｎｏｎｅ", "無"]
# Accountability words (infer_kind's hint) and what masks them (negators, inquiry, corrective words).
_EVIDENCE_WORDS = ["问责", "追责", "约谈", "通报", "进展", "不力", "不到位", "整改承诺", "责令", "检查", "追究", "责任",
                   "严禁", "不得", "杜绝", "坚决", "是否", "纠正", "一刀切", "现场核查", "设施正常运行", "滞后", "已",
                   ",", "。", ";", ":", "\n", " ", "_", '"', "問責", "約談", "處分", "紀委", "\u200b", "，"]


def _text(rnd: random.Random, words: list[str], most: int) -> str:
    return "".join(rnd.choice(words) for _ in range(rnd.randint(0, most)))


def test_present_from_the_normal_form_is_present() -> None:
    rnd = random.Random(11)
    for _ in range(20000):
        text = _text(rnd, _OWNER_WORDS, 5)
        facts._PRESENT.clear()
        expected = facts.present(text)
        facts._PRESENT.clear()
        assert facts._present_text(text, normalize(text)) == expected, text
        assert facts._present_text(text, normalize(text)) == expected, text      # as remembered


def test_verification_kind_without_the_affirmed_view() -> None:
    # Evidence with no accountability hint in its normal text is "other"
    # without its affirmed view; whatever the evidence, the answer is
    # infer_kind's of the affirmed text.
    rnd = random.Random(13)

    def expected(verification: Any) -> str:
        evidence = verification.get("evidence") if isinstance(verification, dict) else verification
        return infer_kind(affirmed(normalize(str(evidence or ""))))
    for _ in range(20000):
        text = _text(rnd, _EVIDENCE_WORDS, 8)
        verification = rnd.choice([text, {"evidence": text, "by": "x"}, {"by": text}, None, 0, [text]])
        assert facts._verification_kind(verification) == expected(verification), verification


def test_has_target_and_placeholder_as_present() -> None:
    # An item's has_target and a measure's placeholder read the Text's
    # normal form: the same as present of the value as written.
    rnd = random.Random(17)
    for _ in range(5000):
        value = rnd.choice([_text(rnd, _OWNER_WORDS, 4), None, 0, 12.5, ["无"], ["x", "无"], {"a": 1}, [], ""])
        text = Text.of(value)
        if type(value) is str:
            facts._PRESENT.clear()
            assert facts._present_text(value, text.norm) == facts.present(value), value
        facts._PRESENT.clear()
        assert facts._present_text(text.original, text.norm) == facts.present(text.original), value


def test_facts_for_the_rules_prepare_as_all_facts() -> None:
    # engine.facts leaves out the fields no rule reads (an accountability
    # record's action, an item's task...): what is asserted is the same as
    # from every field worked out.
    from pathlib import Path

    from compliance.check import Run
    from compliance.config import Config
    from compliance.model import build
    from compliance.parents import Parents
    from compliance.read import load
    from compliance.settings import resolve
    import datetime

    names = sorted(str(p) for folder in ("tests/plans", "examples") for p in Path(folder).rglob("*.yaml"))
    as_of = datetime.date(2024, 3, 10)
    engine = Run(resolve(Config()), as_of, Parents([Path.cwd()])).checker("plan.yaml").engine
    checked = 0
    for name in names:
        try:
            plan = build(load(name))
        except Exception:       # noqa: BLE001 - not a plan (a config, a profile)
            continue
        chosen = engine.facts(plan, as_of)[0]
        every = facts.plan_facts(plan, as_of)[0]
        assert [engine.prepare(f, "1") for f in chosen] == [engine.prepare(f, "1") for f in every], name
        checked += 1
    assert checked >= 10
