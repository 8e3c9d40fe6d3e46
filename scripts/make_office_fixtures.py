"""Write the shared example plan (examples/county-plan.yaml) as the Excel
ledger, Word document and CSV files that tests/test_tables.py checks.

    .venv/bin/python scripts/make_office_fixtures.py [OUT_DIR]   (default tests/data/office)

Each is written the way an office keeps its plan:

- county-plan.xlsx: a 整改台账 sheet with a title row above the Chinese
  header, 牵头单位 merged over the two rows of 县住建局 and 问题来源 over
  the first four, item 3's two measures numbered in one cell, deadlines
  typed as Excel dates and as text; 方案信息, 问责情况 and 督察接待 sheets;
- county-plan.docx: a title paragraph, then tables headed 一、方案信息 (two
  columns), 二、整改任务清单 (牵头单位 merged down two rows, item 3's
  measures as numbered paragraphs), 三、问责情况 and 四、督察接待安排;
- county-plan-utf8.csv (UTF-8 with BOM, as Excel saves "CSV UTF-8") and
  county-plan-gb18030.csv: the items alone, under a title row. A CSV file
  has no plan sheet: give --plan-id and --issued.

The rows are in the order 1, 6, 2, 3, 4, 5, 7, 8, so that the two items led
by 县住建局 sit together, as a clerk groups them. The files hold the
example's findings: checked as of 2024-03-10 they give the same (rule,
item) pairs as the YAML.
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from compliance.convert import (  # noqa: E402
    ACCOUNTABILITY_COLUMNS,
    _cell,
    _plan_rows,
    ledger_workbook,
)
from compliance.model import build  # noqa: E402
from compliance.read import load  # noqa: E402

EXAMPLE = ROOT / "examples" / "county-plan.yaml"
ORDER = ["1", "6", "2", "3", "4", "5", "7", "8"]
# A fixed time in the files' properties, so that regenerating changes nothing that matters.
STAMP = datetime.datetime(2024, 3, 10, 9, 0, 0)
ITEM_COLUMNS = (("序号", "id"), ("问题", "problem"), ("问题来源", "source"), ("问题类别", "category"),
                ("整改目标", "target"), ("整改措施", "measures"), ("整改时限", "deadline"), ("牵头单位", "lead_unit"),
                ("责任单位", "responsible_units"), ("责任领导", "responsible_leader"), ("责任人", "responsible_person"),
                ("涉及民生领域", "livelihood"), ("民生保障措施", "safeguard"), ("整改状态", "status"),
                ("完成日期", "completed"))
TITLE = "某县中央生态环境保护督察反馈问题整改台账"


def example_data() -> dict[str, Any]:
    data = build(load(str(EXAMPLE))).data
    by_id = {item["id"]: item for item in data["items"]}
    data["items"] = [by_id[key] for key in ORDER]
    return data


def write_xlsx(data: dict[str, Any], path: Path) -> None:
    book = ledger_workbook(data, merge=("lead_unit", "source"))
    sheet = book["整改台账"]
    sheet.cell(1, 1).value = TITLE
    header = {sheet.cell(2, col).value: col for col in range(1, sheet.max_column + 1)}
    # Item 2's deadline typed as text, not as an Excel date.
    row = 3 + ORDER.index("2")
    sheet.cell(row, header["整改时限"]).value = "2024-04-15"
    sheet.cell(row, header["整改时限"]).number_format = "@"
    book.properties.creator = "compliance fixtures"
    book.properties.created = book.properties.modified = STAMP
    book.save(path)


def write_docx(data: dict[str, Any], path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.author = "compliance fixtures"
    document.core_properties.created = document.core_properties.modified = STAMP
    document.add_paragraph(data["plan"]["title"], style="Title")
    document.add_paragraph("一、方案信息")
    rows = _plan_rows(data["plan"])
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for (label, value), row in zip(rows, table.rows):
        row.cells[0].text = label
        row.cells[1].text = value.isoformat() if isinstance(value, datetime.date) else str(value)

    document.add_paragraph("二、整改任务清单")
    items = data["items"]
    table = document.add_table(rows=len(items) + 1, cols=len(ITEM_COLUMNS))
    table.style = "Table Grid"
    for col, (name, _) in enumerate(ITEM_COLUMNS):
        table.cell(0, col).text = name
    for number, item in enumerate(items, start=1):
        for col, (_, field) in enumerate(ITEM_COLUMNS):
            value = _cell(field, item.get(field))
            cell = table.cell(number, col)
            if field == "measures" and isinstance(value, str) and "\n" in value:
                first, *more = value.split("\n")
                cell.text = first
                for line in more:
                    cell.add_paragraph(line)
            else:
                cell.text = "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)
    # 县住建局 leads items 1 and 6, the first two rows: one merged cell.
    lead = [field for _, field in ITEM_COLUMNS].index("lead_unit")
    merged = table.cell(1, lead).merge(table.cell(2, lead))
    merged.text = items[0]["lead_unit"]

    document.add_paragraph("三、问责情况")
    records = data["accountability"]
    table = document.add_table(rows=len(records) + 1, cols=len(ACCOUNTABILITY_COLUMNS))
    table.style = "Table Grid"
    for col, (name, _) in enumerate(ACCOUNTABILITY_COLUMNS):
        table.cell(0, col).text = name
    for number, record in enumerate(records, start=1):
        for col, (_, field) in enumerate(ACCOUNTABILITY_COLUMNS):
            table.cell(number, col).text = str(_cell(field, record.get(field)) or "")

    document.add_paragraph("四、督察接待安排")
    hosting = data["hosting"]
    table = document.add_table(rows=len(hosting) + 1, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "接待安排"
    for number, entry in enumerate(hosting, start=1):
        table.cell(number, 0).text = str(number)
        table.cell(number, 1).text = entry if isinstance(entry, str) else entry["text"]
    document.save(path)


def csv_text(data: dict[str, Any]) -> str:
    stream = io.StringIO(newline="")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([TITLE])
    writer.writerow([name for name, _ in ITEM_COLUMNS])
    for item in data["items"]:
        row = []
        for _, field in ITEM_COLUMNS:
            value = _cell(field, item.get(field))
            row.append("" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value))
        writer.writerow(row)
    return stream.getvalue()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = example_data()
    write_xlsx(data, out / "county-plan.xlsx")
    write_docx(data, out / "county-plan.docx")
    text = csv_text(data)
    (out / "county-plan-utf8.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (out / "county-plan-gb18030.csv").write_bytes(text.encode("gb18030"))
    for name in ("county-plan.xlsx", "county-plan.docx", "county-plan-utf8.csv", "county-plan-gb18030.csv"):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "office")
