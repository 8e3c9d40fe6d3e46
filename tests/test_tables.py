"""Excel ledgers, Word tables and CSV files read as plans (compliance.tables).

The shared example plan, written by scripts/make_office_fixtures.py as an
Excel ledger (merged cells, Chinese headers under a title row, numbered
measures in one cell, dates typed both ways, a 方案信息 sheet) and as a
Word document, gives the same findings as its YAML form, each located at
its cell or table row; malformed files are one line and exit 2.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from compliance.check import Checker
from compliance.model import build
from compliance.read import Limits, expand_inputs, load
from compliance.tables import set_plan_options, split_list, split_measures
from conftest import EXAMPLE, ROOT, checker_for, run_cli

OFFICE = ROOT / "tests" / "data" / "office"
XLSX = OFFICE / "county-plan.xlsx"
DOCX = OFFICE / "county-plan.docx"
CSVS = [OFFICE / "county-plan-utf8.csv", OFFICE / "county-plan-gb18030.csv"]
AS_OF = ["--as-of", "2024-03-10"]
XLSX_CELL = re.compile(r"^(?P<sheet>[^!]+)!(?P<col>[A-Z]+)(?P<row>\d+)(?::[A-Z]+\d+)?$")
DOCX_ROW = re.compile(r"^表(?P<table>\d+) 第(?P<row>\d+)(?:-\d+)?行$")


@pytest.fixture(autouse=True)
def _reset_plan_options() -> Any:
    set_plan_options()
    yield
    set_plan_options()


def run(*args: str) -> Result:
    return run_cli(*args)


def pairs(findings: list[Any]) -> set[tuple[str, str | None]]:
    return {(f.rule, f.item) if hasattr(f, "rule") else (f["rule"], f["item"]) for f in findings}


@pytest.fixture(scope="module")
def national() -> Checker:
    return checker_for("national")


@pytest.fixture(scope="module")
def expected(national: Checker) -> set[tuple[str, str | None]]:
    result = national.check_file(str(EXAMPLE))
    assert result.error is None
    return pairs(result.findings)


def check(checker: Checker, path: Path) -> Any:
    result = checker.check_file(str(path))
    assert result.error is None, result.error
    return result


# --- the example as a ledger -------------------------------------------------------------

@pytest.mark.parametrize("path", [XLSX, DOCX], ids=lambda p: p.suffix)
def test_office_example_gives_the_yaml_findings(national: Checker, expected: set[Any], path: Path) -> None:
    result = check(national, path)
    assert result.id == "example-county-2024" and result.items == 8
    assert pairs(result.findings) == expected
    assert len(result.findings) == len(expected)


def test_xlsx_findings_are_located_at_their_cells(national: Checker) -> None:
    findings = check(national, XLSX).findings
    assert findings and all(f.cell for f in findings)
    for finding in findings:
        match = XLSX_CELL.match(finding.cell)
        assert match, finding.cell
        assert finding.line == int(match["row"])
    cells = {(f.rule, f.item): f.cell for f in findings}
    # Rows 3.. hold items 1, 6, 2, 3, 4, 5, 7, 8; F is 整改措施, G 整改时限, N 整改状态.
    assert cells[("NBS001", "2")] == "整改台账!F5"
    assert cells[("DAO002", "4")] == "整改台账!G7"
    assert cells[("DAO001", "7")] == "整改台账!G9"          # the empty deadline cell itself
    assert cells[("NAS001", "5")] == "整改台账!F8"
    assert cells[("PHL001", "6")] == "整改台账!G4"
    assert cells[("NPR001", "8")] == "整改台账!N10"
    assert cells[("SH001", None)] == "督察接待!B2"
    assert cells[("SH002", None)] == "督察接待!B3"


def test_docx_findings_are_located_at_their_table_rows(national: Checker) -> None:
    findings = check(national, DOCX).findings
    assert findings and all(f.cell for f in findings)
    for finding in findings:
        match = DOCX_ROW.match(finding.cell)
        assert match, finding.cell
        assert finding.line == int(match["row"])
    cells = {(f.rule, f.item): f.cell for f in findings}
    assert cells[("NBS001", "2")] == "表2 第4行"
    assert cells[("DAO001", "7")] == "表2 第8行"
    assert cells[("SH001", None)] == "表4 第2行"


def test_xlsx_reads_merged_cells_measures_and_dates() -> None:
    plan = build(load(str(XLSX)))
    items = {item.id: item for item in plan.items}
    data = {key: item.data for key, item in items.items()}
    # 牵头单位 merged over the rows of items 1 and 6: both are led by it.
    assert data["1"]["lead_unit"] == data["6"]["lead_unit"] == "县住建局"
    assert plan.place(("items", 1, "lead_unit")) == "整改台账!H3:H4"
    assert plan.locate(("items", 1, "lead_unit")) == (4, 8)         # the row read, in the merged cell
    # 问题来源 merged over the first four rows.
    assert [data[key]["source"] for key in ("1", "6", "2", "3")] == ["feedback"] * 4
    # Two numbered measures in one cell.
    assert [m.text.original for m in items["3"].measures] == ["对超标排放的某某化工有限公司依法实施停产整治",
                                                              "园区污水处理厂实施提标改造"]
    assert plan.place(("items", 3, "measures", 1)) == "整改台账!F6"
    # An Excel date, an ISO date typed as text, Chinese text.
    assert data["1"]["deadline"] == "2024-10-31"
    assert data["2"]["deadline"] == "2024-04-15"
    assert data["3"]["deadline"] == "2024年12月底前"
    assert items["3"].deadline.date.isoformat() == "2024-12-31"
    assert data["8"]["status"] == "closed" and data["8"]["completed"] == "2024-02-20"
    assert data["1"]["livelihood"] == ["供热"]


def test_plan_level_fields_come_from_the_plan_sheet() -> None:
    for path in (XLSX, DOCX):
        plan = build(load(str(path))).data["plan"]
        assert plan["id"] == "example-county-2024"
        assert plan["issued"] == "2024-03-01"
        assert plan["level"] == "county"
        assert plan["inspection"] == {"name": "中央第三生态环境保护督察组", "kind": "central",
                                      "stationed": {"from": "2023-11-20", "to": "2023-12-20"},
                                      "feedback": "2024-01-26"}
        assert plan["leadership"] == [{"role": "party", "name": "县委书记"}, {"role": "government", "name": "县长"}]
        assert plan["disclosure"] == {"channel": "县政府网站", "interval_days": 7}


def test_accountability_and_hosting_sheets() -> None:
    for path in (XLSX, DOCX):
        data = build(load(str(path))).data
        assert data["accountability"] == [{"id": "A1", "items": ["5"], "subjects": ["某镇分管副镇长"],
                                           "action": "党内警告", "basis": "经调查,该同志对矿山生态修复工作推进不力"}]
        assert len(data["hosting"]) == 3


@pytest.mark.parametrize("path", CSVS, ids=lambda p: p.name)
def test_csv_in_utf8_and_gb18030(national: Checker, expected: set[Any], path: Path) -> None:
    set_plan_options(issued="2024-03-01")
    result = check(national, path)
    assert result.id == path.stem                     # no plan sheet: the id is the file name
    items = {pair for pair in pairs(result.findings) if pair[1] is not None}
    assert items == {pair for pair in expected if pair[1] is not None}
    for finding in result.findings:
        assert re.fullmatch(r"[A-Z]+\d+", finding.cell), finding.cell
        assert finding.line == int(re.sub(r"[A-Z]", "", finding.cell))
    plan = build(load(str(path))).data["plan"]
    assert plan["title"] == "某县中央生态环境保护督察反馈问题整改台账"      # the title row


def test_both_csv_encodings_read_alike() -> None:
    first, second = (build(load(str(path))).data for path in CSVS)
    first["plan"].pop("id"), second["plan"].pop("id")
    assert first == second


# --- the command line -----------------------------------------------------------------------

def test_check_text_shows_cells() -> None:
    result = run("check", str(XLSX), *AS_OF)
    assert result.exit_code == 1 and result.stderr == ""
    assert "    整改台账!F5  error  " in result.stdout
    assert "    督察接待!B2  error  " in result.stdout


def test_check_json_has_cells(expected: set[Any]) -> None:
    for path in (XLSX, DOCX):
        report = json.loads(run("check", str(path), *AS_OF, "--format", "json").stdout)
        assert pairs(report["findings"]) == expected
        assert all(finding["cell"] for finding in report["findings"])


def test_check_sarif_has_cells() -> None:
    log = json.loads(run("check", str(XLSX), *AS_OF, "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    assert results
    for result in results:
        cell = result["properties"]["cell"]
        assert XLSX_CELL.match(cell)
        assert result["message"]["text"].endswith(f"[{cell}]")
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == int(XLSX_CELL.match(cell)["row"])


def test_check_github_junit_markdown_name_cells() -> None:
    github = run("check", str(XLSX), *AS_OF, "--format", "github").stdout
    assert "[整改台账!F5]" in github
    junit = run("check", str(XLSX), *AS_OF, "--format", "junit").stdout
    assert "[整改台账!F5]" in junit
    markdown = run("check", str(DOCX), *AS_OF, "--format", "markdown").stdout
    assert "county-plan.docx:表2 第4行" in markdown


def test_validate_reads_tables() -> None:
    result = run("validate", str(XLSX), str(DOCX))
    assert result.exit_code == 0, result.stderr
    assert "county-plan.xlsx: ok (example-county-2024, 8 items)" in result.stdout
    assert "county-plan.docx: ok (example-county-2024, 8 items)" in result.stdout


def test_plan_id_and_issued_options_override() -> None:
    report = json.loads(run("check", str(XLSX), *AS_OF, "--format", "json", "--plan-id", "county-x",
                            "--issued", "2024-01-01").stdout)
    assert report["plans"][0]["id"] == "county-x"
    result = run("validate", str(CSVS[0]), "--plan-id", "county-csv")
    assert "ok (county-csv, 8 items)" in result.stdout
    assert run("check", str(XLSX), "--issued", "2024-13-01").exit_code == 2


def test_folders_pick_up_tables(tmp_path: Path) -> None:
    for name in ("a.xlsx", "b.docx", "c.csv", "d.yaml", "~$a.xlsx", "e.txt"):
        (tmp_path / name).write_bytes(b"")
    found = [Path(name).name for name in expand_inputs([str(tmp_path)])]
    assert found == ["a.xlsx", "b.docx", "c.csv", "d.yaml"]


# --- malformed files ---------------------------------------------------------------------------

def _zip_of_text() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("notes.txt", "不是表格")
        archive.writestr("more.txt", "也不是")
    return stream.getvalue()


def _empty_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("只有一段文字,没有表格")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _headerless_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本表填写说明"
    book.active["B4"] = "名称"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


MALFORMED = {
    "no-header.xlsx": (_headerless_xlsx, "no header row with 问题/整改措施/整改时限… found in the first 20 rows of sheet 说明"),
    "locked.xlsx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8,
                    "password-protected, or an old .xls file"),
    "locked.docx": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password-protected, or an old .doc file"),
    "text-zip.xlsx": (_zip_of_text, "not an Excel workbook (.xlsx): a zip archive without xl/workbook.xml"),
    "not-a-zip.xlsx": (lambda: "整改台账".encode() * 20, "not an Excel workbook (.xlsx): the file is not a zip archive"),
    "empty.docx": (_empty_docx, "no table in the document"),
    "junk.csv": (lambda: bytes(range(256)) * 16, "binary data, not CSV text"),
    "no-header.csv": (lambda: "名称,数量\n甲,1\n".encode(), "no header row with 问题/整改措施/整改时限…"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_file_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    make, message = MALFORMED[name]
    bad = tmp_path / name
    bad.write_bytes(make())
    result = run("check", str(bad), str(EXAMPLE), *AS_OF, "--format", "json")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{bad}: ") and message in lines[0]
    report = json.loads(result.stdout)
    # Plans come in the order of their paths, which depends on where the test runs.
    plans = {plan["file"]: plan for plan in report["plans"]}
    assert plans[str(bad)]["error"] is not None and plans[str(EXAMPLE)]["error"] is None
    assert plans[str(EXAMPLE)]["id"] == "example-county-2024" and report["findings"]


def test_too_large_a_table_is_refused(tmp_path: Path) -> None:
    from compliance.errors import UserError
    from compliance.tables import load_table

    with pytest.raises(UserError, match="larger than the limit"):
        load_table(str(XLSX), Limits(max_bytes=1000))


# --- ledgers written other ways -----------------------------------------------------------------

def _workbook(rows: list[list[Any]], merges: tuple[str, ...] = (), title: str = "台账") -> Any:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    return book


def _read(tmp_path: Path, book: Any, name: str = "ledger.xlsx") -> Any:
    path = tmp_path / name
    book.save(path)
    return build(load(str(path)))


def test_two_row_header_section_rows_and_notes(tmp_path: Path) -> None:
    rows = [
        ["某市整改台账（截至2024年3月10日）"],
        ["序 号", "存在问题", "整改措施", "整改时限\n（完成时限）", "责任落实", None, "整改进展"],
        [None, None, None, None, "牵头单位", "责任单位", None],
        ["一、大气污染问题"],
        [1, "城区餐饮油烟直排", "一是逐户排查；二是建立长效机制", "2024年6月底前", "市城管局", "各区政府、开发区管委会",
         "已完成排查"],
        [2, "工地扬尘", "（1）检查工地\n（2）督促落实围挡", "2024-06-30", "市住建局", "各区政府", "整改中"],
        [3],
        ["填表人：张三", None, None, None, None, None, "填表日期：2024年3月10日"],
    ]
    book = _workbook(rows, merges=("A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3", "A4:G4"))
    plan = _read(tmp_path, book)
    assert plan.data["plan"]["title"] == "某市整改台账（截至2024年3月10日）"
    assert plan.data["plan"]["id"] == "ledger"
    assert [item.id for item in plan.items] == ["1", "2"]
    first, second = (item.data for item in plan.items)
    assert first["lead_unit"] == "市城管局"
    assert first["responsible_units"] == ["各区政府", "开发区管委会"]
    assert first["measures"] == ["逐户排查", "建立长效机制"]
    assert second["measures"] == ["检查工地", "督促落实围挡"]
    assert first["status"] == "completed" and second["status"] == "in-progress"
    assert plan.place(("items", 1, "deadline")) == "台账!D6"


def test_rows_of_one_item_under_a_merged_number(tmp_path: Path, national: Checker) -> None:
    rows = [
        ["序号", "问题", "整改措施", "整改时限", "牵头单位", "责任单位"],
        [1, "某河流域入河排污口整治不到位", "逐一溯源", "2024-06-30", "市生态环境局", "甲县政府"],
        [None, None, "分类整治排污口", "2024-12-31", None, "乙县政府"],
        [2, "某工业园区污水直排", "对某某公司依法实施停产整治", "2024-09-30", "市工信局", "园区管委会"],
    ]
    book = _workbook(rows, merges=("A2:A3", "B2:B3", "E2:E3"))
    plan = _read(tmp_path, book)
    assert [item.id for item in plan.items] == ["1", "2"]
    item = plan.items[0].data
    assert item["measures"] == ["逐一溯源", "分类整治排污口"]
    assert item["responsible_units"] == ["甲县政府", "乙县政府"]
    assert item["deadline"] == "2024-12-31"                  # the latest of its rows
    assert plan.place(("items", 0, "measures", 1)) == "台账!C3"


def test_header_variants_traditional_script_and_blank_ids(tmp_path: Path) -> None:
    rows = [
        ["編號", "問題描述", "整改目標", "具體措施", "完成時限（年月日）", "牽頭部門", "責任領導同志", "責任人", "备注"],
        [None, "某礦山生態修復滯後", "完成修復", "①編制方案②分區修復", "2024年底", "縣自然資源局", "副縣長", "局長", "無"],
    ]
    plan = _read(tmp_path, _workbook(rows))
    item = plan.items[0]
    assert item.id == "第2行"
    assert item.data["measures"] == ["編制方案", "分區修復"]
    assert item.data["responsible_leader"] == "副縣長"
    assert item.data["备注"] == "無"
    assert item.deadline.date.isoformat() == "2024-12-31"


def test_duplicate_columns_and_completion_dates(tmp_path: Path) -> None:
    from compliance.errors import UserError

    rows = [["序号", "问题", "整改措施", "整改时限", "完成时间"], [1, "问题", "措施", "2024-06-30", "2024-05-20"]]
    plan = _read(tmp_path, _workbook(rows))
    assert plan.items[0].data["deadline"] == "2024-06-30" and plan.items[0].data["completed"] == "2024-05-20"
    rows = [["序号", "问题", "整改措施", "整改时限", "完成时限"], [1, "问题", "措施", "2024-06-30", "2024-05-20"]]
    with pytest.raises(UserError, match=r"台账!E1: columns D and E both give the deadline"):
        _read(tmp_path, _workbook(rows), "dup.xlsx")


def test_schema_errors_name_the_cell(tmp_path: Path) -> None:
    rows = [["序号", "问题", "整改措施", "整改状态"], [1, "问题", "措施", "搁置"]]
    (tmp_path / "bad.xlsx").write_bytes(b"")
    _workbook(rows).save(tmp_path / "bad.xlsx")
    result = run("validate", str(tmp_path / "bad.xlsx"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{tmp_path / 'bad.xlsx'}:2:4: 台账!D2: schema: $.items[0].status: '搁置' is not one of " \
        "['not-started', 'in-progress', 'completed', 'closed', None]"


def test_docx_numbered_paragraphs_and_merged_rows(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某县整改方案")
    table = document.add_table(rows=3, cols=4)
    for col, name in enumerate(["序号", "问题", "整改措施", "牵头单位"]):
        table.cell(0, col).text = name
    for row, (number, problem) in enumerate([("1", "问题一"), ("2", "问题二")], start=1):
        table.cell(row, 0).text, table.cell(row, 1).text = number, problem
    cell = table.cell(1, 2)
    cell.paragraphs[0].text = "排查"
    cell.paragraphs[0].style = "List Number"
    cell.add_paragraph("整治", style="List Number")
    table.cell(2, 2).text = "监测"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "县生态环境分局"
    path = tmp_path / "方案.docx"
    document.save(path)
    plan = build(load(str(path)))
    assert plan.data["plan"]["title"] == "某县整改方案" and plan.data["plan"]["id"] == "方案"
    assert [item.data["measures"] for item in plan.items] == [["排查", "整治"], ["监测"]]
    assert [item.data["lead_unit"] for item in plan.items] == ["县生态环境分局"] * 2
    assert plan.place(("items", 1, "lead_unit")) == "表1 第2-3行"


@pytest.mark.parametrize("text, measures", [
    ("1. 排查\n2. 整治", ["排查", "整治"]),
    ("1、排查；2、整治；3、验收", ["排查", "整治", "验收"]),
    ("(1)排查(2)整治", ["排查", "整治"]),
    ("（1）排查；（2）整治", ["排查", "整治"]),
    ("①排查②整治", ["排查", "整治"]),
    ("一是排查；二是整治", ["排查", "整治"]),
    ("采取以下措施：1.排查 2.整治", ["排查", "整治"]),
    ("完成1.5万吨处置", ["完成1.5万吨处置"]),
    ("降至40微克,2024年完成", ["降至40微克,2024年完成"]),
    ("1.排查\n3.整治", ["排查\n3.整治"]),
    ("逐一排查\n分类整治", ["逐一排查\n分类整治"]),
    ("", []),
])
def test_split_measures(text: str, measures: list[str]) -> None:
    assert split_measures(text) == measures


def test_split_list() -> None:
    assert split_list("殷都区政府、龙安区政府，文峰区政府\n北关区政府") == ["殷都区政府", "龙安区政府", "文峰区政府",
                                                                     "北关区政府"]


# --- the fixtures ------------------------------------------------------------------------------

def test_fixture_script_rebuilds_the_committed_files(tmp_path: Path) -> None:
    """The committed fixtures are what scripts/make_office_fixtures.py
    writes from examples/county-plan.yaml (compared as read: zip archives
    carry the time they were written)."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_office_fixtures.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for path in (XLSX, DOCX, *CSVS):
        fresh, committed = load(str(tmp_path / path.name)), load(str(path))
        assert fresh.value == committed.value, path.name
        assert fresh.places == committed.places, path.name
    for path in CSVS:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_sarif_with_cells_validates() -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(run("check", str(XLSX), str(DOCX), *AS_OF, "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(log)


def test_a_compliance_report_is_no_plan(tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    assert run("check", str(EXAMPLE), *AS_OF, "--format", "xlsx", "-o", str(report)).exit_code == 1
    result = run("check", str(tmp_path), *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{report}: a compliance report (--format xlsx), not a plan: write reports "
                                          "outside the folders checked, or exclude them in .compliance.yaml"]


def test_section_rows_in_the_id_column_are_skipped(tmp_path: Path) -> None:
    rows = [["序号", "问题", "整改措施", "整改时限"],
            ["一、大气污染问题"],
            [1, "扬尘", "覆盖", "2024-06-30"],
            ["二、水污染问题", "二、水污染问题"],
            ["(二)", "排污口", "封堵", "2024-06-30"],
            ["说明：本表由县整改办汇总"]]
    plan = _read(tmp_path, _workbook(rows, merges=("A4:B4",)))
    assert [item.id for item in plan.items] == ["1", "(二)"]


def test_plan_table_of_four_columns_and_a_heading_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("基本信息")
    info = document.add_table(rows=4, cols=4)
    for row, cells in enumerate([("项目", "内容", "", ""), ("方案编号", "xian-2024", "印发日期", "2024年3月1日"),
                                 ("督察类型", "中央生态环境保护督察“回头看”", "进驻时间", "2023年11月20日至12月20日"),
                                 ("公开周期", "每周", "联系人", "王某")]):
        for col, text in enumerate(cells):
            info.cell(row, col).text = text
    table = document.add_table(rows=2, cols=3)
    for col, (name, value) in enumerate([("序号", "1"), ("问题", "问题"), ("整改措施", "措施")]):
        table.cell(0, col).text, table.cell(1, col).text = name, value
    path = tmp_path / "plan.docx"
    document.save(path)
    plan = build(load(str(path))).data["plan"]
    assert plan["id"] == "xian-2024" and plan["issued"] == "2024年3月1日"
    assert plan["inspection"] == {"kind": "central-lookback",
                                  "stationed": {"from": "2023年11月20日", "to": "2023年12月20日"}}
    assert plan["disclosure"] == {"interval_days": 7}
    assert "项目" not in plan and "联系人" not in plan          # a heading row; an unknown label beyond column A
    assert "title" not in plan                                   # 基本信息 heads a table; it is no title
