"""model.py: Chinese aliases, regular shapes, schema errors with positions, locating, measure kinds."""

from __future__ import annotations

import pytest

from compliance.check import Checker
from compliance.errors import UserError
from compliance.model import Plan, build, infer_kind
from compliance.read import parse

from conftest import EXAMPLE, findings_of, plan_yaml

HEAD = "plan:\n  id: p\n  title: 测试方案\n  level: county\n  issued: 2024-03-01\nitems:\n"   # items start at line 7


def built(items: str, name: str = "p.yaml") -> Plan:
    return build(parse(HEAD + items, name))


def error_of(text: str, name: str = "p.yaml") -> UserError:
    with pytest.raises(UserError) as caught:
        build(parse(text, name))
    return caught.value


SIMPLIFIED = """\
  - 序号: 1
    问题: 某企业废气超标
    整改目标: 稳定达标排放
    整改措施: [实施提标改造]
    整改时限: 2024-12-31
    牵头单位: 县生态环境分局
    责任单位: [某镇人民政府]
    责任领导: 分管副县长
    责任人: 县生态环境分局局长
    整改状态: 整改中
"""
TRADITIONAL = """\
  - 序號: 1
    問題: 某企业废气超标
    整改目標: 稳定达标排放
    整改措施: [实施提标改造]
    整改時限: 2024-12-31
    牽頭單位: 县生态环境分局
    責任單位: [某镇人民政府]
    責任領導: 分管副县长
    責任人: 县生态环境分局局长
    進展情況: 整改中
"""
EXPECTED_ITEM = {"id": "1", "problem": "某企业废气超标", "target": "稳定达标排放", "measures": ["实施提标改造"],
                 "deadline": "2024-12-31", "lead_unit": "县生态环境分局", "responsible_units": ["某镇人民政府"],
                 "responsible_leader": "分管副县长", "responsible_person": "县生态环境分局局长", "status": "in-progress"}


@pytest.mark.parametrize("items", [SIMPLIFIED, TRADITIONAL], ids=["simplified", "traditional"])
def test_chinese_field_aliases(items: str) -> None:
    plan = built(items)
    assert plan.data["items"][0] == EXPECTED_ITEM
    assert plan.keys[("items", 0, "deadline")] == (11, 5)
    assert plan.keys[("items", 0, "status")] == (16, 5)
    assert plan.values[("items", 0, "lead_unit")] == (12, 11)


@pytest.mark.parametrize("alias, field", [("完成时限", "deadline"), ("問題描述", "problem"), ("进展情况", "status")])
def test_more_aliases(alias: str, field: str) -> None:
    value = "已完成" if field == "status" else "x"
    plan = built(f"  - id: '1'\n    {alias}: {value}\n")
    assert field in plan.data["items"][0]
    assert alias not in plan.data["items"][0]


@pytest.mark.parametrize("word, status", [
    ("已完成", "completed"), ("已销号", "closed"), ("已銷號", "closed"), ("整改中", "in-progress"),
    ("未启动", "not-started"), ("未啟動", "not-started"), ("已 完成", "completed"), ("closed", "closed"),
])
def test_chinese_statuses(word: str, status: str) -> None:
    plan = built(f"  - id: '1'\n    整改状态: {word}\n")
    assert plan.data["items"][0]["status"] == status


def test_unknown_status_is_a_schema_error() -> None:
    error = error_of(HEAD + "  - id: '1'\n    status: 差不多\n")
    assert "$.items[0].status" in error.message
    assert (error.line, error.column) == (8, 13)


def test_alias_given_twice() -> None:
    error = error_of(HEAD + "  - id: '1'\n    序号: '2'\n")
    assert "'id' given twice" in error.message
    assert error.line == 8


def test_bare_string_measure_is_one_measure() -> None:
    plan = built("  - id: '1'\n    measures: 实施提标改造\n")
    assert plan.data["items"][0]["measures"] == ["实施提标改造"]
    assert [m.text.original for m in plan.items[0].measures] == ["实施提标改造"]
    assert plan.items[0].measures[0].path == ("items", 0, "measures", 0)
    assert plan.locate(("items", 0, "measures", 0)) == (8, 15)


def test_bare_string_measure_finding_at_its_line(checker: Checker) -> None:
    text = plan_yaml(items=[{"measures": "对全县砖瓦窑一律关停"}])
    line = text.splitlines().index("  measures: 对全县砖瓦窑一律关停") + 1
    found = [(f.requirement, f.line, f.column, f.path) for f in findings_of(checker, text)]
    assert found == [("no-blanket-shutdown", line, 13, "items[0].measures[0]")]


def test_measure_objects() -> None:
    plan = built("  - id: '1'\n    measures:\n      - text: 对某某化工有限公司依法停产整治\n        kind: shutdown\n"
                 "        scope: targeted\n        legal_basis: 《水污染防治法》第八十三条\n      - 建立长效机制\n")
    first, second = plan.items[0].measures
    assert (first.kind, first.declared_kind, first.scope, first.legal_basis) == (
        "shutdown", "shutdown", "targeted", "《水污染防治法》第八十三条")
    assert first.text.original == "对某某化工有限公司依法停产整治"
    assert (second.kind, second.declared_kind, second.path) == ("other", None, ("items", 0, "measures", 1))
    assert plan.locate(("items", 0, "measures", 0, "text")) == (9, 15)     # the value, after "text: "


@pytest.mark.parametrize("raw, expected", [("1", "1"), ("12", "12"), ("'12'", "12"), ("3.5", "3.5")])
def test_ids_become_text(raw: str, expected: str) -> None:
    plan = built(f"  - id: {raw}\n    implements: {raw}\n")
    assert plan.items[0].id == expected
    assert plan.data["items"][0]["id"] == expected
    assert plan.data["items"][0]["implements"] == expected


def test_integer_plan_id() -> None:
    plan = build(parse("plan: {id: 2024}\nitems: []\n", "p.yaml"))
    assert plan.id == "2024"


@pytest.mark.parametrize("items, line", [
    ("  - id: 1\n  - id: 2\n  - id: '1'\n", 9),
    ("  - 序号: 5\n    problem: a\n  - 序号: 5\n", 9),
])
def test_duplicate_item_ids(items: str, line: int) -> None:
    error = error_of(HEAD + items)
    assert "used twice" in error.message
    assert (error.file, error.line) == ("p.yaml", line)


@pytest.mark.parametrize("items, where, line, column", [
    ("  - id: '1'\n    measures: 5\n", "$.items[0].measures", 8, 15),
    ("  - id: '1'\n    measures:\n      - text: x\n        kind: bogus\n", "$.items[0].measures[0].kind", 10, 15),
    ("  - id: '1'\n  - id: '2'\n    deadline: [2024]\n", "$.items[1].deadline", 9, 15),
    ("  - id: '1'\n    source: [群众来信]\n", "$.items[0].source", 8, 13),
    ("  - problem: 没有序号\n", "$.items[0]", 7, 5),
    ("  - 序号: '1'\n    整改措施:\n      - {内容: 1}\n", "$.items[0].measures[0].text", 9, 14),
])
def test_schema_errors_name_path_and_line(items: str, where: str, line: int, column: int) -> None:
    error = error_of(HEAD + items)
    assert error.message.startswith(f"schema: {where}:")
    assert (error.file, error.line, error.column) == ("p.yaml", line, column)


def test_schema_error_top_level() -> None:
    error = error_of("plan:\n  title: 无编号\nitems: []\n")
    assert error.message.startswith("schema: $.plan:")
    assert "'id' is a required property" in error.message
    assert error.line == 2


def test_not_a_mapping() -> None:
    error = error_of("- a\n- b\n")
    assert "must be a mapping" in error.message
    assert error.line == 1


@pytest.mark.parametrize("value", ["5", "true"])
def test_items_wrong_type(value: str) -> None:
    error = error_of(f"plan: {{id: p}}\nitems: {value}\n")
    assert error.message.startswith("schema: $.items:")
    assert error.line == 2


@pytest.mark.parametrize("field", ["id", "problem"])
def test_huge_integer(field: str) -> None:
    text = HEAD + f"  - id: '1'\n    {field}: 0x{'f' * 5000}\n"
    if field == "id":
        text = HEAD + f"  - id: 0x{'f' * 5000}\n"
    # A number no plan holds is kept as the text written, and checked.
    plan = build(parse(text, "p.yaml"))
    assert str(plan.data["items"][0][field]) == "0x" + "f" * 5000


def test_locate_missing_field_at_next_present_field() -> None:
    plan = built("  - id: '1'\n    problem: p\n    measures: [x]\n    lead_unit: u\n    status: in-progress\n")
    lead_unit, status = (10, 5), (11, 5)
    assert plan.locate(("items", 0, "deadline")) == lead_unit
    assert plan.locate(("items", 0, "milestones")) == lead_unit
    assert plan.locate(("items", 0, "responsible_units")) == status
    assert plan.locate(("items", 0, "target")) == (9, 5)        # measures
    assert plan.locate(("items", 0, "verification")) == status   # nothing after it: the last field
    assert plan.locate(("items", 0, "problem")) == (8, 14)      # a present text: its value


def test_example_missing_deadline_is_located_at_lead_unit(checker: Checker) -> None:
    plan = build(parse(EXAMPLE.read_text(encoding="utf-8"), "county-plan.yaml"))
    assert plan.items[6].id == "7" and "deadline" not in plan.items[6].data
    assert plan.locate(("items", 6, "deadline")) == (114, 5)
    assert plan.items[6].deadline is not None


@pytest.mark.parametrize("text, kind", [
    ("对某镇分管负责人进行约谈,给予党内警告处分", "accountability"),
    ("约谈企业负责人,督促完成整改", "other"),
    ("对推进不力的副镇长予以免职,该问题整改销号", "accountability"),
    ("对相关责任人给予通报批评", "accountability"),
    ("该问题予以销号", "other"),
    ("实施提标改造", "other"),
    ("", "other"),
])
def test_infer_kind(text: str, kind: str) -> None:
    assert infer_kind(text) == kind


def test_inferred_kind_uses_affirmed_text() -> None:
    plan = built("  - id: '1'\n    measures:\n      - 对某镇分管负责人进行约谈,给予党内警告处分\n      - 严禁以问责代替整改\n")
    assert [m.kind for m in plan.items[0].measures] == ["accountability", "other"]


def test_ledger_cells_written_as_text_are_records(checker):
    """Ledgers write verification, disclosure and milestones as text cells."""
    from conftest import findings_of
    text = ("plan: {id: x, issuer: 中共某县委 某县人民政府, issued: 2024-03-01,"
            " disclosure: {channel: 县政府网站, interval_days: 30}}\n"
            "items:\n  - 序号: 1\n    问题: 某企业扬尘\n    整改目标: 完成治理\n    整改措施: [完成堆场覆盖]\n"
            "    整改时限: 2024-06-30\n    牵头单位: 县生态环境分局\n    整改状态: 已完成\n    完成日期: 2024-03-05\n"
            "    验收: 2024年3月8日经县整改办现场核查验收\n    公示: 2024年3月9日在县融媒体中心公示\n")
    assert findings_of(checker, text) == []
    unverified = text.replace("    验收: 2024年3月8日经县整改办现场核查验收\n", "")
    assert [(f.rule, f.line) for f in findings_of(checker, unverified)] == [("NPR001", 9)]
