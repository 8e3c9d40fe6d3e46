"""The audit report as an Excel workbook (``--format xlsx``), returned as bytes.

Sheets:

- 汇总 / Summary: the run (date, profile, tool, rules hash), counts by
  severity, by requirement, by plan and by lead unit, and the inputs' hashes.
- one sheet per plan checked, named after its id: every item of the plan,
  one row per finding beside its item (序号, 问题, 牵头单位, 责任单位, 整改时限,
  整改状态, then 级别, 规则, 整改要求, 问题说明, 原文, 依据, 位置, 豁免). An item
  with several findings has several rows, each repeating the item's cells
  so that filtering and sorting keep them together; an item with none has
  one row with the finding cells empty; plan-level findings come last.
  The words a rule matched are red and bold in 原文.
- 未能检查 / Not checked: each input that could not be checked and why.

Plans are untrusted: every text is written as a string (never a formula,
even one starting with = + - @), with characters XML cannot hold replaced,
and sheet names are made legal and unique.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from .findings import Finding, PlanResult, summary
from .report_html import (SEVERITIES, WORDS, counts_by, grouped, marked, requirement_titles, status_of,
                          unit_of)

if TYPE_CHECKING:
    from .check import Report

XWORDS: dict[str, dict[str, str]] = {
    "zh": {"summary_sheet": "汇总", "unchecked_sheet": "未能检查", "title": "整改方案合规审查报告",
           "plan_title": "{id}（{file}，{n} 项任务）", "severity_col": "级别", "rule": "规则",
           "requirement": "整改要求", "requirement_key": "要求编号", "message": "问题说明", "evidence": "原文",
           "citation": "依据", "location": "位置", "waiver": "豁免", "total": "合计", "plan": "方案",
           "sheet": "工作表", "items": "任务数", "line": "行", "column": "列", "error": "错误原因",
           "none": "无", "run": "检查信息", "waived_note": "已豁免（不计入）", "by_unit": "按牵头单位",
           "baseline": "基线"},
    "en": {"summary_sheet": "Summary", "unchecked_sheet": "Not checked", "title": "Rectification plan compliance report",
           "plan_title": "{id} ({file}, {n} items)", "severity_col": "Severity", "rule": "Rule",
           "requirement": "Requirement", "requirement_key": "Key", "message": "Finding", "evidence": "Evidence",
           "citation": "Source", "location": "Location", "waiver": "Waiver", "total": "Total", "plan": "Plan",
           "sheet": "Sheet", "items": "Items", "line": "Line", "column": "Column", "error": "Why",
           "none": "none", "run": "Run", "waived_note": "Waived (not counted)", "by_unit": "By lead unit",
           "baseline": "Baseline"},
}
FILLS = {"error": "FADBD8", "warning": "FDEBD0", "info": "D6EAF8", "waived": "E5E7E9"}
HEADER_FILL = "1B4F72"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
MAX_CELL = 32767


def clean(value: Any) -> Any:
    """A cell value: numbers as they are, text with what XML cannot hold
    replaced and clipped to Excel's limit."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _ILLEGAL.sub("\ufffd", str(value))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A legal sheet name: no []:*?/\\, not starting or ending with an
    apostrophe, at most 31 characters, unique (Excel ignores case)."""
    base = _SHEET_BAD.sub("_", wanted).strip().strip("'").strip() or "plan"
    if base.lower() == "history":            # reserved by Excel
        base = f"{base}_"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f"~{n}"
        name = base[:31 - len(suffix)].rstrip("'") + suffix
    taken.add(name.lower())
    return name


class _Writer:
    """Cells written as values, never formulas, with the report's styles."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.sheet = sheet
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.bold = Font(bold=True)
        self.header_font = Font(bold=True, color="FFFFFF")
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.fills = {key: PatternFill("solid", fgColor=color) for key, color in FILLS.items()}
        thin = Side(style="thin", color="D9DEE3")
        self.border = Border(bottom=thin)
        self.title_font = Font(bold=True, size=14, color=HEADER_FILL)
        self.section_font = Font(bold=True, size=12, color=HEADER_FILL)

    def cell(self, row: int, column: int, value: Any, **style: Any) -> Any:
        cell = self.sheet.cell(row=row, column=column)
        value = clean(value) if not _is_rich(value) else value
        cell.value = value
        if isinstance(value, str):
            # openpyxl takes a string starting with '=' for a formula: a plan
            # text must stay text. quotePrefix keeps it text when edited, too.
            cell.data_type = "s"
            if value[:1] in ("=", "+", "-", "@"):
                cell.quotePrefix = True
        for name, given in style.items():
            setattr(cell, name, given)
        return cell

    def header(self, row: int, names: list[str]) -> None:
        for column, name in enumerate(names, 1):
            self.cell(row, column, name, font=self.header_font, fill=self.header_fill, alignment=self.wrap)

    def widths(self, widths: list[float]) -> None:
        from openpyxl.utils import get_column_letter

        for column, width in enumerate(widths, 1):
            self.sheet.column_dimensions[get_column_letter(column)].width = width


def fit_rows(sheet: Any, first: int = 1) -> None:
    """Row heights for wrapped text, from the text's width in the column:
    Excel and LibreOffice do not grow a row for wrapped text they did not type."""
    import unicodedata

    from openpyxl.utils import get_column_letter

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    for row in sheet.iter_rows(min_row=first):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            room = max(4.0, (sheet.column_dimensions[get_column_letter(cell.column)].width or 10) - 1.5)
            text = str(cell.value)
            lines = max(lines, sum(max(1, -(-width(part) // int(room))) for part in text.split("\n")))
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = min(409, 15 * lines + 3)


def _is_rich(value: Any) -> bool:
    return type(value).__name__ == "CellRichText"


def _rich(evidence: str, rule: Any) -> Any:
    """The evidence with what the rule matched in red bold, or plain text."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    segments = marked(evidence, rule)
    if not any(hit for _, hit in segments):
        return evidence
    font = InlineFont(b=True, color="FFC0392B")
    return CellRichText([TextBlock(font, clean(text)) if hit else clean(text) for text, hit in segments])


def as_xlsx(report: "Report", color: bool = False, lang: str = "zh") -> bytes:
    from openpyxl import Workbook

    words, xw = WORDS[lang], XWORDS[lang]
    titles = requirement_titles(report)
    book = Workbook()
    taken: set[str] = set()
    overview = book.active
    overview.title = sheet_name(xw["summary_sheet"], taken)
    plan_sheets: dict[int, str] = {}
    unchecked_name = sheet_name(xw["unchecked_sheet"], taken)
    for index, plan in enumerate(report.plans):
        if not plan.error:
            plan_sheets[index] = sheet_name(plan.id or plan.file, taken)
    _summary(_Writer(overview), report, words, xw, titles, plan_sheets, lang)
    for index, plan in enumerate(report.plans):
        if index in plan_sheets:
            _plan_sheet(_Writer(book.create_sheet(plan_sheets[index])), report, plan, index, words, xw, titles, lang)
    _unchecked(_Writer(book.create_sheet(unchecked_name)), report, words, xw)
    book.properties.title = xw["title"]
    book.properties.creator = f"compliance {report.version}"
    out = io.BytesIO()
    book.save(out)
    return reproducible(out.getvalue(), report.as_of.isoformat())


_STAMP = re.compile(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible(data: bytes, day: str) -> bytes:
    """The workbook with its clock readings (zip entry times, the document's
    created and modified) set to the report's as-of date, so that the same
    run gives the same bytes."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    year, month, date = (int(part) for part in day.split("-"))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(lambda m: f"{m[1]}{day}T00:00:00Z{m[2]}", content.decode("utf-8")).encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=(max(year, 1980), month, date, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def _requirement(titles: dict[str, str], key: str, lang: str) -> str:
    return titles.get(key, key) if lang == "zh" else key


def _summary(w: _Writer, report: "Report", words: dict[str, Any], xw: dict[str, str], titles: dict[str, str],
             plan_sheets: dict[int, str], lang: str) -> None:
    counts = summary(report.findings)
    manifest = report.manifest or {}
    row = 1
    w.cell(row, 1, xw["title"], font=w.title_font)
    row += 2
    w.cell(row, 1, xw["run"], font=w.section_font)
    row += 1
    run = [(words["as_of"], report.as_of.isoformat()), (words["profile"], report.profile),
           (words["tool"], f"compliance {report.version}"),
           (words["rules_hash"], (manifest.get("rules") or {}).get("sha256") or ""),
           (words["plans_checked"], sum(1 for p in report.plans if not p.error)),
           (words["not_checked"], sum(1 for p in report.plans if p.error))]
    if manifest.get("config"):
        run.append((words["config"], f"{manifest['config'].get('file')} {manifest['config'].get('sha256')}"))
    if report.baseline:
        run.append((xw["baseline"], words["baseline"].format(
            file=report.baseline.get("file", ""), matched=report.baseline.get("matched", 0),
            fixed=len(report.baseline.get("fixed", [])))))
    for key, value in run:
        w.cell(row, 1, key, font=w.bold)
        w.cell(row, 2, value, alignment=w.wrap)
        row += 1

    row += 1
    w.cell(row, 1, words["by_severity"], font=w.section_font)
    row += 1
    w.header(row, [xw["severity_col"], words["count"]])
    row += 1
    for severity in SEVERITIES:
        w.cell(row, 1, words["severity"][severity], fill=w.fills[severity])
        w.cell(row, 2, counts[severity])
        row += 1
    w.cell(row, 1, xw["total"], font=w.bold)
    w.cell(row, 2, len(report.standing), font=w.bold)
    row += 1
    w.cell(row, 1, xw["waived_note"], fill=w.fills["waived"])
    w.cell(row, 2, counts["waived"])
    row += 2

    w.cell(row, 1, words["by_requirement"], font=w.section_font)
    row += 1
    w.header(row, [xw["requirement"], xw["requirement_key"], *(words["severity"][s] for s in SEVERITIES), xw["total"]])
    row += 1
    for key, counter in counts_by(report, lambda plan, f: f.requirement):
        values = [_requirement(titles, key, lang), key, *(counter.get(s, 0) for s in SEVERITIES),
                  sum(counter.values())]
        for column, value in enumerate(values, 1):
            w.cell(row, column, value, alignment=w.wrap)
        row += 1
    row += 1

    w.cell(row, 1, words["plans"], font=w.section_font)
    row += 1
    w.header(row, [xw["plan"], words["file"], xw["items"], *(words["severity"][s] for s in SEVERITIES),
                   words["waived"], xw["sheet"]])
    row += 1
    for index, plan in enumerate(report.plans):
        plan_counts = summary(plan.findings)
        values = [plan.id or "", plan.file, plan.items if not plan.error else "",
                  *(plan_counts[s] if not plan.error else "" for s in SEVERITIES),
                  plan_counts["waived"] if not plan.error else "", plan_sheets.get(index, xw["unchecked_sheet"])]
        for column, value in enumerate(values, 1):
            w.cell(row, column, value, alignment=w.wrap)
        if plan.error:
            w.cell(row, 1, plan.id or "", fill=w.fills["error"])
        row += 1
    row += 1

    w.cell(row, 1, xw["by_unit"], font=w.section_font)
    row += 1
    w.header(row, [words["unit"], words["count"], *(words["severity"][s] for s in SEVERITIES)])
    row += 1
    for key, counter in counts_by(report, unit_of):
        label = {"\x00plan": words["plan_level"], "\x00none": words["no_unit"]}.get(key, key)
        for column, value in enumerate([label, sum(counter.values()), *(counter.get(s, 0) for s in SEVERITIES)], 1):
            w.cell(row, column, value, alignment=w.wrap)
        row += 1
    row += 1

    w.cell(row, 1, words["by_status"], font=w.section_font)
    row += 1
    w.header(row, [words["item_status"], words["count"]])
    row += 1
    for key, counter in counts_by(report, status_of):
        w.cell(row, 1, words["status"].get(key, key))
        w.cell(row, 2, sum(counter.values()))
        row += 1
    row += 1

    w.cell(row, 1, words["inputs"], font=w.section_font)
    row += 1
    w.header(row, [words["file"], words["sha256"], words["bytes"]])
    row += 1
    for entry in manifest.get("inputs", []):
        w.cell(row, 1, entry.get("file"))
        w.cell(row, 2, entry.get("sha256") or "")
        w.cell(row, 3, entry.get("bytes"))
        row += 1
    w.widths([34, 44, 12, 10, 10, 10, 10, 22])
    fit_rows(w.sheet, 2)
    w.sheet.freeze_panes = "A2"
    w.sheet.page_setup.fitToWidth = 1
    w.sheet.page_setup.fitToHeight = 0
    w.sheet.sheet_properties.pageSetUpPr.fitToPage = True


ITEM_COLUMNS = ("id", "problem", "lead_unit", "responsible_units", "deadline", "item_status")


def _plan_sheet(w: _Writer, report: "Report", plan: PlanResult, index: int, words: dict[str, Any],
                xw: dict[str, str], titles: dict[str, str], lang: str) -> None:
    w.cell(1, 1, xw["plan_title"].format(id=plan.id, file=plan.file, n=plan.items), font=w.section_font)
    names = [words[key] for key in ITEM_COLUMNS] + [xw[key] for key in (
        "severity_col", "rule", "requirement", "message", "evidence", "citation", "location", "waiver")]
    w.header(2, names)
    by_item = {group.item["id"] if group.item else None: group.findings for group in grouped(plan, index)}
    rows: list[tuple[dict[str, Any] | None, Finding | None]] = []
    for item in plan.items_view:
        found = by_item.pop(item["id"], [])
        rows += [(item, finding) for finding in found] or [(item, None)]
    # Findings of items the plan does not list (a configuration waiver), then the plan level.
    for key, found in sorted(by_item.items(), key=lambda kv: (kv[0] is None, str(kv[0]))):
        item = None if key is None else {"id": key}
        rows += [(item, finding) for finding in found]
    row = 3
    for item, finding in rows:
        _item_cells(w, row, item, words)
        if finding is not None:
            _finding_cells(w, row, finding, report, words, titles, lang)
        row += 1
    w.widths([7, 30, 16, 18, 14, 14, 10, 9, 22, 40, 40, 56, 26, 24])
    fit_rows(w.sheet, 2)
    w.sheet.freeze_panes = "C3"
    if row > 3:
        from openpyxl.utils import get_column_letter

        w.sheet.auto_filter.ref = f"A2:{get_column_letter(len(names))}{row - 1}"
    w.sheet.print_title_rows = "2:2"
    w.sheet.page_setup.orientation = "landscape"
    w.sheet.page_setup.fitToWidth = 1
    w.sheet.page_setup.fitToHeight = 0
    w.sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _item_cells(w: _Writer, row: int, item: dict[str, Any] | None, words: dict[str, Any]) -> None:
    if item is None:
        w.cell(row, 1, words["plan_level"], alignment=w.wrap, font=w.bold)
        return
    status = item.get("status", "")
    if status and status == item.get("status_key"):
        status = words["status"].get(status, status)
    values = [item.get("id", ""), item.get("problem", ""), item.get("lead_unit", ""),
              "、".join(item.get("responsible_units") or []), item.get("deadline", ""), status]
    for column, value in enumerate(values, 1):
        w.cell(row, column, value, alignment=w.wrap, border=w.border)


def _finding_cells(w: _Writer, row: int, finding: Finding, report: "Report", words: dict[str, Any],
                   titles: dict[str, str], lang: str) -> None:
    rule = report.rules.get(finding.rule)
    severity = words["severity"][finding.severity] + (f"（{words['waived']}）" if finding.waived else "")
    title = (rule.citation.get("title") or "") if rule else ""
    citation = (f"{title}：" if title else "") + f"「{finding.citation['quote']}」（{finding.citation['document']}）"
    location = f"{finding.file}:{finding.line}:{finding.column}" + (f" ({finding.cell})" if finding.cell else "")
    waiver = ""
    if finding.waived:
        parts = [str(finding.waived.get("reason") or "")]
        if finding.waived.get("approved_by"):
            parts.append(f"{words['approved_by']} {finding.waived['approved_by']}")
        if finding.waived.get("expires"):
            parts.append(f"{words['expires']} {finding.waived['expires']}")
        waiver = "；".join(parts)
    values = [severity, finding.rule, _requirement(titles, finding.requirement, lang), finding.message,
              _rich(finding.evidence, rule), citation, location, waiver]
    for column, value in enumerate(values, 7):
        w.cell(row, column, value, alignment=w.wrap, border=w.border)
    w.sheet.cell(row=row, column=7).fill = w.fills["waived" if finding.waived else finding.severity]


def _unchecked(w: _Writer, report: "Report", words: dict[str, Any], xw: dict[str, str]) -> None:
    w.header(1, [words["file"], xw["line"], xw["column"], xw["error"]])
    row = 2
    for plan in report.plans:
        if not plan.error:
            continue
        for column, value in enumerate([plan.file, plan.error_line, plan.error_column, plan.error], 1):
            w.cell(row, column, value, alignment=w.wrap)
        row += 1
    if row == 2:
        w.cell(row, 1, xw["none"])
    w.widths([40, 8, 8, 90])
    fit_rows(w.sheet, 2)
    w.sheet.freeze_panes = "A2"
