"""--format xlsx: a workbook with each finding beside its item. It opens in
openpyxl and holds every finding of the example; plan texts never become
formulas; sheet names are legal and unique; it goes to a file or a pipe but
not to a terminal; LibreOffice (when installed) reads every sheet."""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from compliance.check import Report
from compliance.cli import main
from compliance.findings import Finding, PlanResult
from compliance.report_xlsx import as_xlsx, clean, sheet_name
from conftest import ROOT, run_cli

AS_OF = ["--as-of", "2024-03-10"]
HEADER = ["序号", "问题", "牵头单位", "责任单位", "整改时限", "整改状态", "级别", "规则", "整改要求", "问题说明",
          "原文", "依据", "位置", "豁免"]


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    return run_cli(*args)


@pytest.fixture(scope="module")
def example() -> tuple[bytes, dict]:
    runner = CliRunner()
    book = runner.invoke(main, ["check", "examples/", *AS_OF, "--format", "xlsx", "--fail-on", "never"])
    report = runner.invoke(main, ["check", "examples/", *AS_OF, "--format", "json", "--fail-on", "never"])
    assert book.exit_code == 0 and report.exit_code == 0
    return book.stdout_bytes, json.loads(report.stdout)


def rows(sheet: object) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_workbook_holds_every_finding_beside_its_item(example: tuple[bytes, dict]) -> None:
    data, report = example
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["汇总", "example-city-ledger-2022", "example-county-2024", "未能检查"]
    found = []
    for plan in report["plans"]:
        sheet = book[plan["id"]]
        table = rows(sheet)
        assert table[1] == HEADER
        assert sheet.freeze_panes == "C3"
        for row in table[2:]:
            if row[7]:
                found.append((row[7], row[12], row[0], row[9]))
        # Every item is listed, findings or not.
        assert {row[0] for row in table[2:]} >= {str(n) for n in range(1, plan["items"] + 1)}
    expected = [(f["rule"], f"{f['file']}:{f['line']}:{f['column']}", f["item"] or "方案层面", f["message"])
                for f in report["findings"]]
    assert sorted(found) == sorted(expected)
    county = rows(book["example-county-2024"])
    nbs = next(row for row in county if row[7] == "NBS001")
    assert nbs[:6] == ["2", "城郊砖瓦窑无组织排放", "县生态环境分局", "各乡镇人民政府", "2024-04-15", "整改中"]
    assert nbs[6] == "错误" and "先停再说" in nbs[10] and "一律关停" in nbs[11]
    # Several findings of one item are several rows, each with the item's cells.
    city = rows(book["example-city-ledger-2022"])
    assert [row[7] for row in city if row[0] == "4"] == ["OVD001", "EXT001"]
    assert all(row[2] == "市住建局" for row in city if row[0] == "4")


def test_summary_sheet_counts(example: tuple[bytes, dict]) -> None:
    data, report = example
    table = rows(load_workbook(io.BytesIO(data))["汇总"])
    pairs = {row[0]: row[1] for row in table if row[0]}
    counts = report["summary"]
    assert (pairs["错误"], pairs["警告"], pairs["提示"]) == (counts["error"], counts["warning"], counts["info"])
    assert pairs["合计"] == counts["error"] + counts["warning"] + counts["info"]
    assert pairs["检查日期"] == "2024-03-10" and pairs["规则哈希"] == report["manifest"]["rules"]["sha256"]
    requirement_rows = [row for row in table if row[1] in {f["requirement"] for f in report["findings"]}]
    assert sum(row[5] for row in requirement_rows) == len(report["findings"])
    by_plan = {row[0]: row for row in table if row[0] in {p["id"] for p in report["plans"]}}
    assert by_plan["example-county-2024"][2:6] == [8, 7, 1, 0]


def test_matched_words_are_red_and_bold(example: tuple[bytes, dict]) -> None:
    data, _ = example
    book = load_workbook(io.BytesIO(data), rich_text=True)
    cell = next(row[10] for row in book["example-county-2024"].iter_rows(min_row=3) if row[7].value == "NBS001")
    runs = [(str(part.text), part.font.b) for part in cell.value if hasattr(part, "font")]
    assert ("先停再说", True) in runs


HOSTILE_ID = 'evil[1]:*?/\\plan-whose-id-is-far-longer-than-31'


def hostile_plan(tmp_path: Path, name: str = "hostile.yaml") -> Path:
    text = (ROOT / "examples" / "county-plan.yaml").read_text(encoding="utf-8")
    text = text.replace("城郊砖瓦窑无组织排放", '"=HYPERLINK(\\"http://evil.example/\\",\\"点击\\")"', 1)
    text = text.replace("lead_unit: 县生态环境分局", "lead_unit: \"+cmd|' /C calc'!A0\"", 1)
    text = text.replace("problem: 河道两岸生活垃圾乱堆乱放", 'problem: "@SUM(1+1)\\x0b"', 1)
    text = text.replace("problem: 县城污水管网雨污混接", 'problem: "-2+3"', 1)
    text = text.replace("id: example-county-2024", f"id: '{HOSTILE_ID}'", 1)
    plan = tmp_path / name
    plan.write_text(text, encoding="utf-8")
    return plan


def test_plan_text_never_becomes_a_formula(tmp_path: Path) -> None:
    plan = hostile_plan(tmp_path)
    out = tmp_path / "report.xlsx"
    result = run("check", str(plan), *AS_OF, "--format", "xlsx", "-o", str(out), "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    book = load_workbook(out)
    sheet = book.worksheets[1]
    values = {}
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.data_type == "s", cell.coordinate
                assert cell.quotePrefix
                values[cell.value] = cell.coordinate
    assert '=HYPERLINK("http://evil.example/","点击")' in values
    assert "+cmd|' /C calc'!A0" in values and "-2+3" in values
    assert "@SUM(1+1)\ufffd" in values          # \x0b cannot be stored: replaced, not a crash


def test_sheet_names_are_legal_and_unique(tmp_path: Path) -> None:
    first = hostile_plan(tmp_path, "one.yaml")
    second = hostile_plan(tmp_path, "two.yaml")
    result = run("check", str(first), str(second), *AS_OF, "--format", "xlsx", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    names = load_workbook(io.BytesIO(result.stdout_bytes)).sheetnames
    assert len(names) == 4 and len({name.lower() for name in names}) == 4
    for name in names:
        assert len(name) <= 31 and not set("[]:*?/\\") & set(name)
    assert names[1].startswith("evil_1___") and names[2].endswith("~2")
    taken: set[str] = set()
    assert [sheet_name(n, taken) for n in ("'汇总'", "History", "", "x" * 40, "X" * 40)] == \
        ["汇总", "History_", "plan", "x" * 31, "X" * 29 + "~2"]


def test_unloadable_plan_on_its_own_sheet(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    result = run("check", str(bad), "examples/county-plan.yaml", *AS_OF, "--format", "xlsx")
    assert result.exit_code == 2
    book = load_workbook(io.BytesIO(result.stdout_bytes))
    table = rows(book["未能检查"])
    assert table[1][0] == str(bad) and table[1][1] == 2 and str(bad) in table[1][3]
    assert book.sheetnames == ["汇总", "example-county-2024", "未能检查"]


def test_waived_findings_are_marked() -> None:
    base = dict(rule="NBS001", requirement="no-blanket-shutdown", severity="error", file="plans/a.yaml",
                line=3, column=7, plan="p1", item="1", path="items[0].measures[0]", message="一律关停",
                evidence="对全县一律关停", citation={"document": "seeds/x.txt", "quote": "严禁一律关停"})
    waived = Finding(**{**base, "waived": {"reason": "已报批", "approved_by": "县整改办", "expires": None,
                                            "file": "plans/a.yaml", "line": 9}})
    plan = PlanResult(file="plans/a.yaml", id="p1", items=1, findings=[waived], items_view=[])
    report = Report(profile="national", as_of=datetime.date(2024, 3, 10), plans=[plan])
    book = load_workbook(io.BytesIO(as_xlsx(report)))
    row = rows(book["p1"])[2]
    assert row[0] == "1" and row[6] == "错误（已豁免）" and row[13] == "已报批；批准单位 县整改办"
    assert {r[0]: r[1] for r in rows(book["汇总"]) if r[0]}["已豁免（不计入）"] == 1
    assert as_xlsx(report) == as_xlsx(report)            # the same run, the same bytes
    assert load_workbook(io.BytesIO(as_xlsx(report, lang="en"))).sheetnames == ["Summary", "p1", "Not checked"]


def test_clean() -> None:
    assert clean("a\x00b") == "a\ufffdb" and clean(3) == 3 and clean(None) is None
    assert len(clean("x" * 40000)) == 32767


def test_not_to_a_terminal(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "compliance.cli", "check", "examples/county-plan.yaml", *AS_OF,
               "--format", "xlsx", "--fail-on", "never"]
    leader, follower = os.openpty()
    try:
        done = subprocess.run(command, cwd=ROOT, stdout=follower, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert b"binary" in done.stderr and b"--output" in done.stderr
    piped = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"
    out = tmp_path / "r.xlsx"
    to_file = subprocess.run(command + ["-o", str(out)], cwd=ROOT, capture_output=True, timeout=120)
    assert to_file.returncode == 0 and to_file.stdout == b"" and out.read_bytes() == piped.stdout


# --- LibreOffice ----------------------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_reads_every_sheet(tmp_path: Path) -> None:
    plan = hostile_plan(tmp_path)
    book = tmp_path / "report.xlsx"
    result = run("check", "examples/county-plan.yaml", str(plan), *AS_OF, "--format", "xlsx", "-o", str(book),
                 "--fail-on", "never")
    assert result.exit_code == 0
    # Every sheet to its own CSV (the last field, -1); formulas would be written as their results.
    csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--convert-to", csv, "--outdir", str(tmp_path / "csv"), str(book)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    sheets = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "csv").glob("*.csv")}
    assert len(sheets) == 4, (sheets.keys(), done.stdout, done.stderr)
    county = next(text for name, text in sheets.items() if "example-county-2024" in name)
    assert "NBS001" in county and "先停再说" in county and "县生态环境分局" in county
    hostile = next(text for name, text in sheets.items() if name.startswith("report-evil"))
    # Written as text, so LibreOffice shows the formula's words, not a link it computed.
    assert '=HYPERLINK(""http://evil.example/"",""点击"")' in hostile
    assert "+cmd|' /C calc'!A0" in hostile and "-2+3" in hostile
    summary = next(text for name, text in sheets.items() if "汇总" in name)
    assert "example-county-2024" in summary
