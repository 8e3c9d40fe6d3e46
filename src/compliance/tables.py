"""Excel ledgers (.xlsx), Word tables (.docx) and CSV files read as plans.

Most rectification offices keep their plan as an Excel ledger (整改台账) or
a table in a Word document. This module reads one into the same raw shape
a YAML plan has -- ``{"plan": {...}, "items": [...], "accountability":
[...], "hosting": [...]}`` with the ledger's Chinese column names kept as
item keys, so model.py's aliases map them -- and a :class:`Document` whose
positions are (row, column) of the cell each value came from and whose
``places`` name the cell as its users do: ``整改台账!F12``, ``表2 第5行``,
or ``F12`` in a CSV file.

What is read:

- the **header row** is found by its Chinese column names (序号, 问题,
  整改措施, 整改时限…, see model.ITEM_ALIASES) in the first
  HEADER_ROWS rows; title rows above it are skipped (the first gives the
  plan's title), and a second header row under it (责任单位 over 牵头单位
  and 配合单位) is read as the columns' names;
- **merged cells**: the top-left value applies to each cell of the range,
  so a 牵头单位 merged over two rows is the lead unit of both items. A
  序号 merged over several rows makes them one item (a problem with a
  measure per row): lists (measures, units) are joined, texts that differ
  are joined by lines, and the latest deadline is the item's;
- **measures**: a cell of numbered measures (1. 2. / 1、 / (1)(2) / ①② /
  一是…二是…) is one measure per number; an unnumbered cell is one measure;
- **dates** typed as Excel dates become ISO dates; dates typed as text
  are left for dates.py (2024年6月底前, 2024/6/30);
- **rows skipped**: empty rows, a row holding only a 序号 (a pre-numbered
  template row), a row that is one cell merged across the table (a section
  title such as 一、大气污染问题) and a note under the table (填表人：…);
- **plan-level fields** from a sheet or Word table named 方案信息/基本信息
  (or a two-column table of such labels: 方案编号, 方案名称, 印发日期,
  督察组, 进驻时间, 党委负责人, 信息公开渠道…), else the plan id from the
  file name and the title from the title row; ``--plan-id`` and
  ``--issued`` (set_plan_options) override them;
- a sheet or table named for 问责 (问责对象, 问责方式, 事实依据…) holds
  accountability records, and one named for 接待 (接待安排) hosting.

Nothing in a file is executed: formulas are read as their saved values,
macros and external links are ignored. A file that cannot be used is one
UserError naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import text as textmod
from .errors import UserError
from .read import (DEFAULT_LIMITS, TABLE_SUFFIXES, Document, Limits, PathKey, Pos, check_strings, decode,
                   read_bytes)


# The header row must be within the first rows of a sheet or table.
HEADER_ROWS = 20
# An Excel file saved with a password (and an old .xls or .doc) is an OLE2
# compound file, not a zip.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A sheet keeps formatting far below its data; reading stops after this
# many empty rows in a row.
_EMPTY_RUN = 500
# The titles compliance gives its own --format xlsx reports (report_xlsx.py).
_REPORT_TITLES = ("整改方案合规审查报告", "Rectification plan compliance report")
# What an .xlsx or .docx may unpack to: real ledgers are a few MB.
_MAX_UNPACKED = 100 * 1024 * 1024

# Plan-level options of the command line (--plan-id, --issued): they apply
# to table inputs only, over what the file says.
_PLAN_OPTIONS: dict[str, str] = {}


def set_plan_options(plan_id: str | None = None, issued: str | None = None) -> None:
    """Plan id and issue date for the table inputs of this run (None: from the file)."""
    _PLAN_OPTIONS.clear()
    if plan_id:
        _PLAN_OPTIONS["id"] = plan_id
    if issued:
        _PLAN_OPTIONS["issued"] = issued


def is_table(name: str) -> bool:
    return Path(name).suffix.lower() in TABLE_SUFFIXES


def load_table(name: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """A Document from an .xlsx, .docx or .csv file, or a UserError."""
    data = read_bytes(name, limits)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        grids, title = _csv_grids(data, name, limits), None
    elif suffix == ".docx":
        grids, title = _docx_grids(data, name, limits)
    else:
        grids, title = _xlsx_grids(data, name, limits), None
    _check_cells(grids, name, limits)
    # Rows of one item join their texts: the joined value is bounded too.
    document = check_strings(_Assembler(name, grids, title, suffix).document(), limits)
    document.raw = data
    return document


def _check_cells(grids: list[Grid], name: str, limits: Limits) -> None:
    """A UserError at the first cell holding more than ``limits.max_string`` characters."""
    for grid in grids:
        over = [cell for cell, value in grid.values.items() if isinstance(value, str) and len(value) > limits.max_string]
        if over:
            row, col = min(over)
            raise UserError(f"{grid.label(row, col)}: a value of {len(grid.values[row, col]):,} characters is over "
                            f"the limit of {limits.max_string:,}", name, row, col)


# --- grids: a sheet, a Word table or a CSV file as cells ------------------------------

@dataclass
class Grid:
    """One sheet or table: its values by (row, column), merged ranges filled."""

    name: str                   # 整改台账 (sheet), 表2 (Word table), "" (CSV)
    hint: str                   # the sheet name, or the paragraph before a Word table
    kind: str                   # sheet | table | csv
    values: dict[tuple[int, int], Any] = field(default_factory=dict)
    # A cell inside a merged range -> the range's top-left and bottom-right.
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = field(default_factory=dict)
    rows: int = 0
    cols: int = 0

    def value(self, row: int, col: int) -> Any:
        return self.values.get((row, col))

    def origin(self, row: int, col: int) -> tuple[int, int]:
        span = self.merged.get((row, col))
        return (span[0], span[1]) if span else (row, col)

    def label(self, row: int, col: int) -> str:
        """The cell as its users name it; a merged cell as its range."""
        span = self.merged.get((row, col))
        if self.kind == "table":
            first, last = (span[0], span[2]) if span else (row, row)
            return f"{self.name} 第{first}行" if first == last else f"{self.name} 第{first}-{last}行"
        where = f"{_a1(span[0], span[1])}:{_a1(span[2], span[3])}" if span else _a1(row, col)
        return f"{_sheet_ref(self.name)}!{where}" if self.kind == "sheet" else where


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _column(col: int) -> str:
    return _a1(1, col)[:-1]


def _sheet_ref(name: str) -> str:
    # As Excel writes it in a formula: quoted when it holds spaces or punctuation.
    return name if re.fullmatch(r"\w+", name) else "'" + name.replace("'", "''") + "'"


def _check_zip(data: bytes, name: str, part: str, what: str, save_as: str) -> None:
    """A clear line for what is not an Office file of the kind its name says."""
    if data.startswith(_OLE2):
        old = {".xlsx": ".xls", ".docx": ".doc"}.get(save_as, save_as)
        raise UserError(f"password-protected, or an old {old} file: open it and save it as {save_as} "
                        "without a password", name)
    if not data:
        raise UserError(f"empty file: expected {what}", name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise UserError(f"not {what}: the file is not a zip archive", name) from None
    if part not in names:
        raise UserError(f"not {what}: a zip archive without {part}", name)
    if unpacked > _MAX_UNPACKED:
        raise UserError(f"unpacks to more than {_MAX_UNPACKED // (1024 * 1024)} MB (a zip bomb?)", name)


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


def _xlsx_grids(data: bytes, name: str, limits: Limits) -> list[Grid]:
    _check_zip(data, name, "xl/workbook.xml", "an Excel workbook (.xlsx)", ".xlsx")
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # read_only=False is what keeps the merged ranges; data_only reads
            # formulas as the values Excel saved, never evaluating anything.
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True, keep_links=False)
    except Exception as error:       # whatever the parser trips on, in a file we did not write
        raise UserError(f"cannot read as an Excel workbook: {_reason(error)}", name) from None
    properties = book.properties
    if str(properties.creator or "").startswith("compliance ") and properties.title in _REPORT_TITLES:
        raise UserError("a compliance report (--format xlsx), not a plan: write reports outside the folders "
                        "checked, or exclude them in .compliance.yaml", name)
    grids = []
    count = 0
    for sheet in book.worksheets:
        grid = Grid(sheet.title, sheet.title, "sheet")
        cells = getattr(sheet, "_cells", {})
        count += len(cells)
        if count > limits.max_nodes:
            raise UserError(f"more than {limits.max_nodes} cells", name)
        for (row, col), cell in cells.items():
            value = _cell_value(cell.value)
            if value is not None:
                grid.values[(row, col)] = value
        _trim(grid)
        for span in sheet.merged_cells.ranges:
            _merge(grid, span.min_row, span.min_col, span.max_row, span.max_col)
        grids.append(grid)
    return grids


def _trim(grid: Grid) -> None:
    """The grid's size, up to the last value before a long run of empty rows."""
    rows = sorted({row for row, _ in grid.values})
    last = 0
    for row in rows:
        if last and row - last > _EMPTY_RUN:
            break
        last = row
    grid.values = {pos: value for pos, value in grid.values.items() if pos[0] <= last}
    grid.rows = last
    grid.cols = max((col for _, col in grid.values), default=0)


def _merge(grid: Grid, top: int, left: int, bottom: int, right: int) -> None:
    # Clipped to the data: a format merged down a whole column holds nothing more.
    bottom, right = min(bottom, max(grid.rows, top)), min(right, max(grid.cols, left))
    value = grid.values.get((top, left))
    for row in range(top, bottom + 1):
        for col in range(left, right + 1):
            grid.merged[(row, col)] = (top, left, bottom, right)
            if value is None:
                grid.values.pop((row, col), None)
            else:
                grid.values[(row, col)] = value


def _cell_value(value: Any) -> Any:
    """A cell as plain data: text stripped, Excel dates as ISO dates, empty as None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    text = "\n".join(line.strip() for line in text.strip().split("\n"))
    return text or None


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u2028\u2029\ufeff]")


def _docx_grids(data: bytes, name: str, limits: Limits) -> tuple[list[Grid], str | None]:
    _check_zip(data, name, "word/document.xml", "a Word document (.docx)", ".docx")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        grids: list[Grid] = []
        title: str | None = None
        hint = ""
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = " ".join(Paragraph(child, document).text.split())
                if text:
                    if title is None and not grids and not _HEADING.search(text):
                        title = text
                    hint = text
            elif tag == "tbl":
                grids.append(_docx_grid(Table(child, document), f"表{len(grids) + 1}", hint, limits, name))
                hint = ""
    except UserError:
        raise
    except Exception as error:       # python-docx and lxml on a file we did not write
        raise UserError(f"cannot read as a Word document: {_reason(error)}", name) from None
    return grids, title


# A paragraph heading a table (一、方案信息, 表1), not the document's title.
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十\d]+[)）.]|表\s*\d|附件)|^(?:方案信息|基本信息)$")


def _docx_grid(table: Any, name: str, hint: str, limits: Limits, file: str) -> Grid:
    grid = Grid(name, hint, "table")
    # A vertically merged cell is the same <w:tc> as the one above it,
    # a horizontally merged one the same repeated: remember where each began.
    began: dict[Any, tuple[int, int]] = {}
    spans: dict[tuple[int, int], list[int]] = {}
    for row_number, row in enumerate(table.rows, start=1):
        col = 1 + (getattr(row, "grid_cols_before", 0) or 0)
        for cell in row.cells:
            tc = cell._tc
            if tc not in began:
                began[tc] = (row_number, col)
                value = _cell_value(_docx_text(cell))
                if value is not None:
                    grid.values[(row_number, col)] = value
            top = began[tc]
            spans.setdefault(top, [top[0], top[1], row_number, col])
            span = spans[top]
            span[2], span[3] = max(span[2], row_number), max(span[3], col)
            col += 1
        if len(grid.values) > limits.max_nodes:
            raise UserError(f"more than {limits.max_nodes} cells", file)
    grid.rows = max((span[2] for span in spans.values()), default=0)
    grid.cols = max((span[3] for span in spans.values()), default=0)
    for top, (r0, c0, r1, c1) in spans.items():
        if (r0, c0) != (r1, c1):
            _merge(grid, r0, c0, r1, c1)
    return grid


def _docx_text(cell: Any) -> str:
    """A Word cell's paragraphs, one a line; a list Word numbers itself gets
    its numbers written, so numbered measures split as typed ones do."""
    paragraphs = list(cell.paragraphs)
    numbered = [p for p in paragraphs if _numbered(p)]
    if len(numbered) < 2:
        return "\n".join(p.text for p in paragraphs)
    lines, number = [], 0
    for paragraph in paragraphs:
        if any(paragraph is p for p in numbered):
            number += 1
            lines.append(f"{number}. {paragraph.text}")
        else:
            lines.append(paragraph.text)
    return "\n".join(lines)


def _numbered(paragraph: Any) -> bool:
    """Whether Word numbers the paragraph: numbering of its own, or of its
    style (列表编号 / List Number) or the style that one is based on."""
    if paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return True
    style = paragraph.style
    for _ in range(3):
        if style is None:
            return False
        ppr = style.element.pPr
        if ppr is not None and ppr.numPr is not None:
            return True
        style = style.base_style
    return False


def _csv_grids(data: bytes, name: str, limits: Limits) -> list[Grid]:
    if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError("binary data, not CSV text", name)
    text = decode(data, name)
    if not text.strip():
        raise UserError("empty file: expected a CSV ledger with a header row", name)
    sample = text[:8192]
    delimiter = max((",", "\t", ";"), key=lambda d: (sample.count(d), d == ","))
    grid = Grid("", Path(name).stem, "csv")
    try:
        for row_number, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            for col, cell in enumerate(row, start=1):
                value = _cell_value(cell)
                if value is not None:
                    grid.values[(row_number, col)] = value
            if len(grid.values) > limits.max_nodes:
                raise UserError(f"more than {limits.max_nodes} cells", name)
    except csv.Error as error:
        raise UserError(f"invalid CSV: {error}", name) from None
    _trim(grid)
    return [grid]


# --- column names ----------------------------------------------------------------------

def _clean_header(text: Any) -> str:
    """A header cell as a key: whitespace, required-marks and colons gone, simplified."""
    norm = textmod.normalize(str(text))
    return re.sub(r"[\s*★※:：]+", "", norm).strip()


def _variants(cleaned: str) -> list[str]:
    """整改时限(完成时限) -> 整改时限(完成时限), 整改时限, 完成时限."""
    out = [cleaned]
    outside = re.sub(r"[(（\[【][^)）\]】]*[)）\]】]", "", cleaned)
    if outside and outside != cleaned:
        out.append(outside)
    out += re.findall(r"[(（\[【]([^)）\]】]+)[)）\]】]", cleaned)
    return out


def _field(text: Any, aliases: dict[str, str], names: tuple[str, ...]) -> tuple[str | None, str]:
    """The contract field a header names, and the key to keep (an alias the model knows)."""
    cleaned = _clean_header(text)
    for variant in _variants(cleaned):
        if variant in aliases:
            return aliases[variant], variant
        if variant.lower() in names:
            return variant.lower(), variant.lower()
    return None, cleaned


def _aliases() -> tuple[dict[str, str], dict[str, str]]:
    from .model import ACCOUNTABILITY_ALIASES, ITEM_ALIASES

    return ITEM_ALIASES, ACCOUNTABILITY_ALIASES


_ITEM_FIELDS = ("id", "implements", "problem", "source", "category", "task", "target", "measures", "deadline",
                "milestones", "lead_unit", "responsible_units", "cooperating_units", "responsible_leader",
                "responsible_person", "livelihood", "safeguard", "status", "completed", "verification", "result",
                "disclosure", "lookback", "extensions", "progress")
_ACCOUNTABILITY_FIELDS = ("id", "items", "subjects", "action", "basis")
# Columns whose cell is a list.
_LISTS = {"responsible_units", "cooperating_units", "livelihood", "subjects", "items"}
_DATES = {"deadline", "completed"}
_HOSTING_HEADERS = {"接待安排", "安排内容", "内容", "安排", "接待要求", "具体安排", "工作安排", "督察接待", "接待"}

_PLAN_LABELS: dict[str, tuple[str, ...]] = {
    **{k: ("id",) for k in ("方案编号", "编号", "方案代码", "id")},
    **{k: ("title",) for k in ("方案名称", "名称", "标题", "方案标题", "title")},
    **{k: ("issuer",) for k in ("印发单位", "发文单位", "制定单位", "发文机关", "印发机关", "issuer")},
    **{k: ("level",) for k in ("层级", "方案层级", "行政层级", "level")},
    **{k: ("region",) for k in ("地区", "行政区域", "区域", "所属地区", "region")},
    **{k: ("issued",) for k in ("印发日期", "印发时间", "发文日期", "发文时间", "报送日期", "issued")},
    **{k: ("parent",) for k in ("上级方案", "parent")},
    **{k: ("inspection", "name") for k in ("督察组", "督察组名称", "督察名称", "督察")},
    **{k: ("inspection", "kind") for k in ("督察类型", "督察类别", "督察种类")},
    **{k: ("inspection", "stationed") for k in ("进驻时间", "进驻期间", "督察进驻时间", "进驻日期")},
    **{k: ("inspection", "stationed", "from") for k in ("进驻开始", "进驻开始日期", "进驻开始时间")},
    **{k: ("inspection", "stationed", "to") for k in ("进驻结束", "进驻结束日期", "进驻结束时间", "撤离日期")},
    **{k: ("inspection", "feedback") for k in ("反馈日期", "反馈时间", "督察反馈日期", "督察反馈时间", "反馈")},
    **{k: ("leadership", "party") for k in ("党委负责人", "党委主要负责同志", "党委主要负责人", "党委领导", "党委责任人")},
    **{k: ("leadership", "government") for k in ("政府负责人", "政府主要负责同志", "政府主要负责人", "政府领导",
                                                 "政府责任人")},
    **{k: ("disclosure", "channel") for k in ("信息公开渠道", "公开渠道", "信息公开", "公开方式", "公开平台")},
    **{k: ("disclosure", "interval_days") for k in ("公开周期", "信息公开周期", "公开频次", "公开周期天",
                                                    "公开间隔")},
    **{k: ("disclosure", "complaint_interval_days") for k in ("信访件公开周期", "信访公开周期", "信访件公开周期天")},
}
_LEVELS = (("province", r"省"), ("city", r"市|州|盟"), ("county", r"县|区|旗"), ("department", r"部门|厅|局|委"),
           ("enterprise", r"企业|公司"))
_PLAN_SHEET = re.compile(r"方案信息|基本信息|方案概况|plan")
_ACCOUNTABILITY_SHEET = re.compile(r"问责")
_HOSTING_SHEET = re.compile(r"接待")


def _plan_label(text: Any) -> tuple[str, ...] | None:
    for variant in _variants(_clean_header(text)):
        if variant in _PLAN_LABELS:
            return _PLAN_LABELS[variant]
        if variant.lower() in _PLAN_LABELS:
            return _PLAN_LABELS[variant.lower()]
    return None


# --- measures and lists in one cell -----------------------------------------------------

_CN_NUMBERS = {c: n for n, c in enumerate("一二三四五六七八九十", start=1)}
_CN = "一二三四五六七八九十"
# 1. and 一是 count only at the start of a line or clause (1.5万吨 is no
# number); (1), ① and （一） count anywhere.
_MARK = re.compile(
    # A mark after at most a few spaces: [ \t]* tried after every space of a
    # long run of them would take quadratic time.
    r"(?:(?:^|(?<=[\n；;。，,：:\s]))[ \t]{0,8}"
    rf"(?:(?P<arabic>\d{{1,2}})[.．、)）](?![\d.．])|(?P<cn>[{_CN}]{{1,2}})(?:是|、)))"
    r"|[（(](?P<paren>\d{1,2})[)）]"
    r"|(?P<circled>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"
    rf"|[（(](?P<pcn>[{_CN}]{{1,2}})[)）]")


def _cn_number(text: str) -> int:
    if len(text) == 1:
        return _CN_NUMBERS[text]
    if text[0] == "十":
        return 10 + _CN_NUMBERS.get(text[1], 0)
    return _CN_NUMBERS[text[0]] * 10 + (_CN_NUMBERS.get(text[1], 0) if text[1] != "十" else 0)


def _mark_number(match: re.Match[str]) -> tuple[str, int]:
    for style in ("arabic", "paren"):
        if match.group(style):
            return style, int(match.group(style))
    if match.group("circled"):
        return "circled", "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(match.group("circled")) + 1
    if match.group("cn"):
        return "cn", _cn_number(match.group("cn"))
    return "pcn", _cn_number(match.group("pcn"))


def split_measures(text: str) -> list[str]:
    """Numbered measures in one cell, one per number: 1. 2. / 1、 / (1)(2) /
    ①② / 一是…二是…; the numbers must run 1, 2, 3 in one style. A lead-in
    before the first number (采取以下措施：) is dropped, other text before it
    is a measure of its own. An unnumbered cell is one measure."""
    marks: list[tuple[int, int]] = []
    style, expected = None, 1
    for match in _MARK.finditer(text):
        kind, number = _mark_number(match)
        if number == expected and (style is None or kind == style):
            marks.append((match.start(), match.end()))
            style, expected = kind, number + 1
    if not marks or (len(marks) == 1 and text[:marks[0][0]].strip()):
        return [text.strip()] if text.strip() else []
    pieces = []
    lead = text[:marks[0][0]].strip()
    if lead and not lead.endswith((":", "：")):
        pieces.append(lead)
    for (_, end), (start, _) in zip(marks, marks[1:] + [(len(text), len(text))]):
        piece = text[end:start].strip().rstrip("；;，,").strip()
        if piece:
            pieces.append(piece)
    return pieces


def split_list(text: str) -> list[str]:
    """Units and names in one cell: 殷都区政府、龙安区政府; one a line; 第5项 -> 5."""
    parts = [part.strip() for part in re.split(r"[、，,；;\n/]+", text)]
    return [part for part in parts if part]


def _item_ref(text: str) -> str:
    return re.sub(r"^第\s*|\s*[项号条]$", "", text.strip())


# --- the plan ----------------------------------------------------------------------------

@dataclass
class _Header:
    row: int                          # the last header row; data follows it
    columns: dict[int, tuple[str | None, str]]   # column -> (field, key kept)
    first: int = 0                    # the first header row; title rows are above it


class _Assembler:
    """Grids in, one Document out: plan, items, accountability, hosting."""

    def __init__(self, name: str, grids: list[Grid], title: str | None, suffix: str) -> None:
        self.name = name
        self.grids = grids
        self.title = title
        self.suffix = suffix
        self.values: dict[PathKey, Pos] = {}
        self.keys: dict[PathKey, Pos] = {}
        self.places: dict[PathKey, str] = {}
        self.numbers: dict[PathKey, str] = {}
        self.blanks: dict[PathKey, list[str]] = {}
        self.derived: list[str] = []
        self.plan_last: tuple[Pos, str] | None = None
        self.item_aliases, self.accountability_aliases = _aliases()

    # positions ---------------------------------------------------------------

    def put(self, path: PathKey, grid: Grid, row: int, col: int, *, key: bool = True) -> None:
        """Record that the value at ``path`` is the cell (row, col) of ``grid``."""
        self.values[path] = (row, col)
        if key:
            self.keys[path] = (row, col)
        self.places[path] = grid.label(row, col)

    # the whole --------------------------------------------------------------

    def document(self) -> Document:
        plan: dict[str, Any] = {}
        items: list[dict[str, Any]] = []
        accountability: list[Any] = []
        hosting: list[Any] = []
        headerless: list[Grid] = []
        first_items: tuple[Grid, _Header] | None = None
        for grid in self.grids:
            if not grid.values:
                continue
            kind, header = self.classify(grid)
            if kind == "items":
                assert header is not None
                first_items = first_items or (grid, header)
                self.read_items(grid, header, items)
            elif kind == "accountability":
                assert header is not None
                self.read_accountability(grid, header, accountability)
            elif kind == "hosting":
                self.read_hosting(grid, header, hosting)
            elif kind == "plan":
                self.read_plan(grid, plan)
            else:
                headerless.append(grid)
        if first_items is None:
            raise UserError(self.no_header(headerless), self.name)
        self.finish_plan(plan, *first_items)
        value: dict[str, Any] = {"plan": plan, "items": items}
        self.values[("items",)] = self.keys[("items",)] = (first_items[1].row, 1)
        self.places[("items",)] = first_items[0].label(first_items[1].row, 1)
        for key, found in (("accountability", accountability), ("hosting", hosting)):
            if found:
                value[key] = found
        self.values[()] = (1, 1)
        self.places.setdefault((), first_items[0].label(first_items[1].row, 1))
        document = Document(self.name, value, self.values, self.keys, numbers=self.numbers, places=self.places)
        document.blanks = self.blanks
        document.derived = self.derived        # type: ignore[attr-defined]  (for convert's notes)
        return document

    def no_header(self, grids: list[Grid]) -> str:
        wanted = "问题/整改措施/整改时限…"
        if self.suffix == ".docx":
            if not self.grids:
                return f"no table in the document: expected a table with {wanted} columns"
            names = "、".join(grid.name for grid in grids) or "、".join(grid.name for grid in self.grids)
            return f"no header row with {wanted} found in the first {HEADER_ROWS} rows of any table ({names})"
        if self.suffix == ".csv":
            return f"no header row with {wanted} found in the first {HEADER_ROWS} rows"
        names = [grid.name for grid in grids] or [grid.name for grid in self.grids]
        where = f"sheet {names[0]}" if len(names) == 1 else f"any sheet ({'、'.join(names)})"
        return f"no header row with {wanted} found in the first {HEADER_ROWS} rows of {where}"

    def classify(self, grid: Grid) -> tuple[str, _Header | None]:
        hint = textmod.normalize(grid.hint)
        items = self.header(grid, self.item_aliases, _ITEM_FIELDS, _is_item_header)
        accountability = self.header(grid, self.accountability_aliases, _ACCOUNTABILITY_FIELDS,
                                     _is_accountability_header)
        hosting = self.hosting_header(grid, loose=bool(_HOSTING_SHEET.search(hint)))
        if _PLAN_SHEET.search(hint) and not items:
            return "plan", None
        if _ACCOUNTABILITY_SHEET.search(hint) and accountability:
            return "accountability", accountability
        if _HOSTING_SHEET.search(hint) and not items:
            return "hosting", hosting
        if items and (not accountability or items.row <= accountability.row):
            return "items", items
        if accountability:
            return "accountability", accountability
        if hosting:
            return "hosting", hosting
        if self.plan_rows(grid) >= 2:
            return "plan", None
        return "none", None

    def header(self, grid: Grid, aliases: dict[str, str], names: tuple[str, ...],
               accept: Callable[[set[str]], bool]) -> _Header | None:
        for row in range(1, min(grid.rows, HEADER_ROWS) + 1):
            columns = {}
            for col in range(1, grid.cols + 1):
                value = grid.value(row, col)
                if isinstance(value, str) and len(value) <= 40:
                    columns[col] = _field(value, aliases, names)
            if not accept({f for f, _ in columns.values() if f}):
                continue
            header = _Header(row, {col: named for col, named in columns.items()}, row)
            self.sub_header(grid, header, aliases, names)
            return header
        return None

    def sub_header(self, grid: Grid, header: _Header, aliases: dict[str, str], names: tuple[str, ...]) -> None:
        """A second header row (责任单位 over 牵头单位 | 配合单位) names the columns it holds."""
        row = header.row + 1
        if row > grid.rows:
            return
        below: dict[int, tuple[str | None, str]] = {}
        for col in range(1, grid.cols + 1):
            value = grid.value(row, col)
            if value is None:
                continue
            if grid.origin(row, col)[0] < row:          # a header cell merged down over both rows
                continue
            named = _field(value, aliases, names) if isinstance(value, str) else (None, "")
            if named[0] is None:
                return
            below[col] = named
        if below:
            header.columns.update(below)
            header.row = row

    def hosting_header(self, grid: Grid, loose: bool) -> _Header | None:
        """The column of hosting arrangements: headed 接待安排, or 内容/安排 in
        a sheet or table named for 接待."""
        wanted = _HOSTING_HEADERS if loose else {name for name in _HOSTING_HEADERS if "接待" in name}
        for row in range(1, min(grid.rows, HEADER_ROWS) + 1):
            for col in range(1, grid.cols + 1):
                value = grid.value(row, col)
                if isinstance(value, str) and any(v in wanted for v in _variants(_clean_header(value))):
                    return _Header(row, {col: ("text", "text")})
        return None

    def plan_rows(self, grid: Grid) -> int:
        return sum(1 for row in range(1, grid.rows + 1) for col in (1, 2) if _plan_label(grid.value(row, col) or "")
                   and grid.value(row, col + 1) is not None)

    # items ------------------------------------------------------------------

    def columns(self, grid: Grid, header: _Header) -> dict[int, tuple[str, str]]:
        """Column -> (field or "", key), one field per column. A header merged
        across columns gives each of them the field; another column for a
        field already given is an error at its header, except 完成时间 or
        完成日期 beside a deadline (the completion date) and 进展 where no
        column gives the status."""
        taken: dict[str, int] = {}
        out: dict[int, tuple[str, str]] = {}
        has_status = any(f == "status" for f, _ in header.columns.values())
        for col, (name, key) in sorted(header.columns.items()):
            if not key:
                continue
            if name == "progress" and not has_status:
                name, key, has_status = "status", "整改进展", True     # a ledger's 进展 is its status
            if name == "deadline" and "deadline" in taken and key in ("完成时间", "完成日期") and "completed" not in taken:
                name, key = "completed", "完成日期"
            if name and name in taken:
                first = taken[name]
                if grid.origin(header.row, col) == grid.origin(header.row, first) or header.columns.get(first) == (
                        name, key) and (header.first, col) in grid.merged:
                    out[col] = out[first]
                    continue
                raise UserError(f"{grid.label(header.row, col)}: columns {_column(first)} and {_column(col)} both "
                                f"give the {name} ({header.columns[first][1]}, {key}); keep one",
                                self.name, header.row, col)
            if name:
                taken[name] = col
            elif key in {k for _, k in out.values()}:
                continue               # a repeated unknown column: the first is kept
            out[col] = (name or "", key)
        return out

    def read_items(self, grid: Grid, header: _Header, items: list[dict[str, Any]]) -> None:
        columns = self.columns(grid, header)
        id_col = next((col for col, (name, _) in columns.items() if name == "id"), None)
        problem_col = next((col for col, (name, _) in columns.items() if name == "problem"), None)
        header_values = [grid.value(header.row, col) for col in columns]
        groups: list[list[int]] = []
        last_id: Any = None
        for row in range(header.row + 1, grid.rows + 1):
            cells = {col: grid.value(row, col) for col in columns if grid.value(row, col) is not None}
            if not cells or self.skipped(grid, row, cells, columns, id_col, problem_col):
                continue
            if [grid.value(row, col) for col in columns] == header_values:
                continue                # the header repeated (a page break in a pasted table)
            previous = groups[-1][-1] if groups else None

            def merged_up(col: int | None) -> bool:
                return (col is not None and previous is not None and (row, col) in grid.merged
                        and grid.origin(row, col) == grid.origin(previous, col))
            ident = cells.get(id_col) if id_col is not None else None
            if previous is None:
                same = False
            elif ident is not None:
                # 序号 merged over the rows, or written again on each: one item.
                same = merged_up(id_col) or ident == last_id
            else:
                # No 序号: the item above goes on while its 问题 does (blank or merged).
                same = problem_col is not None and (problem_col not in cells or merged_up(problem_col))
            if same:
                groups[-1].append(row)
            else:
                groups.append([row])
            last_id = ident if ident is not None else last_id
        for rows in groups:
            self.read_item(grid, columns, rows, id_col, items)

    def skipped(self, grid: Grid, row: int, cells: dict[int, Any], columns: dict[int, tuple[str, str]],
                id_col: int | None, problem_col: int | None) -> bool:
        """A section title merged across the row, a template row with only its
        序号, or a note under the table (填表人：…)."""
        origins = {grid.origin(row, col) for col in cells}
        if len(origins) == 1 and len(cells) > 1:        # one cell merged across: a title, not an item
            return True
        if id_col is not None and set(cells) == {id_col}:
            return True
        first = min(columns)
        ident = cells.get(id_col) if id_col is not None else cells.get(first)
        if ident is not None and not _id_like(ident):
            substantive = {col for col, (name, _) in columns.items() if name in ("problem", "measures", "target")}
            if not substantive & set(cells):
                return True
        return False

    def read_item(self, grid: Grid, columns: dict[int, tuple[str, str]], rows: list[int], id_col: int | None,
                  items: list[dict[str, Any]]) -> None:
        index = len(items)
        path: PathKey = ("items", index)
        item: dict[str, Any] = {}
        first_col = id_col or min(columns)
        self.put(path, grid, rows[0], first_col, key=False)
        by_key: dict[str, list[int]] = {}
        for col, (name, key) in columns.items():
            by_key.setdefault(key, []).append(col)
        for key, cols in by_key.items():
            name = columns[cols[0]][0]
            found: list[tuple[int, int, Any]] = []
            seen: set[tuple[int, int]] = set()
            for row in rows:
                for col in cols:
                    value = grid.value(row, col)
                    if value is None or grid.origin(row, col) in seen:
                        continue
                    seen.add(grid.origin(row, col))
                    if all(value != earlier for _, _, earlier in found):
                        found.append((row, col, value))
            if not found:
                self.keys[path + (key,)] = (rows[0], cols[0])
                self.places[path + (key,)] = grid.label(rows[0], cols[0])
                self.blanks.setdefault(path, []).append(key)
                continue
            self.cell_field(item, path, key, name, found, grid)
        id_key = next((key for col, (name, key) in columns.items() if name == "id"), None)
        if id_key is None:                 # no 序号 column: numbered in order
            item["id"] = str(index + 1)
            self.put(path + ("id",), grid, rows[0], first_col)
        elif id_key not in item:           # a blank 序号: named by its row
            item[id_key] = f"第{rows[0]}行"
            self.put(path + (id_key,), grid, rows[0], first_col)
            self.blanks[path].remove(id_key)
        items.append(item)

    def cell_field(self, item: dict[str, Any], path: PathKey, key: str, name: str,
                   found: list[tuple[int, int, Any]], grid: Grid) -> None:
        """One item field from the cells (row, column, value) of its rows."""
        here = path + (key,)
        self.put(here, grid, found[0][0], found[0][1])
        if name == "measures":
            measures: list[str] = []
            for row, col, value in found:
                for measure in split_measures(_text(value)):
                    self.put(here + (len(measures),), grid, row, col, key=False)
                    measures.append(measure)
            item[key] = measures
        elif name in _LISTS or name == "milestones":
            parts: list[str] = []
            for row, col, value in found:
                for part in (split_list(_text(value)) if name in _LISTS else _lines(_text(value))):
                    if part not in parts:
                        self.put(here + (len(parts),), grid, row, col, key=False)
                        parts.append(part)
            item[key] = parts
        elif name == "id":
            value = found[0][2]
            item[key] = value if isinstance(value, int) else _text(value)
        elif name in _DATES:
            row, col, value = _latest(found)
            self.put(here, grid, row, col)
            if isinstance(value, (int, float)):
                self.numbers[here] = str(value)
            item[key] = value
        elif name in ("progress", "extensions"):
            entries: list[dict[str, Any]] = []
            for row, col, value in found:
                for line in _lines(_text(value)):
                    self.put(here + (len(entries),), grid, row, col, key=False)
                    entries.append((_progress if name == "progress" else _extension)(line))
            item[key] = entries
        else:
            item[key] = "\n".join(_text(value) for _, _, value in found)

    # accountability and hosting -------------------------------------------------------

    def read_accountability(self, grid: Grid, header: _Header, records: list[Any]) -> None:
        columns = {col: named for col, named in header.columns.items() if named[1]}
        for row in range(header.row + 1, grid.rows + 1):
            cells = {col: grid.value(row, col) for col in columns if grid.value(row, col) is not None}
            if not cells or (len({grid.origin(row, col) for col in cells}) == 1 and len(cells) > 1):
                continue
            path: PathKey = ("accountability", len(records))
            record: dict[str, Any] = {}
            self.put(path, grid, row, min(cells), key=False)
            for col, (name, key) in columns.items():
                value = cells.get(col)
                if value is None:
                    continue
                self.put(path + (key,), grid, row, col)
                if name in _LISTS:
                    parts = split_list(_text(value))
                    record[key] = [_item_ref(p) for p in parts] if name == "items" else parts
                    for number in range(len(parts)):
                        self.put(path + (key, number), grid, row, col, key=False)
                elif name == "id" and isinstance(value, int):
                    record[key] = value
                else:
                    record[key] = _text(value)
            records.append(record)

    def read_hosting(self, grid: Grid, header: _Header | None, hosting: list[Any]) -> None:
        start = header.row + 1 if header else 1
        for row in range(start, grid.rows + 1):
            if header:
                col = next(iter(header.columns))
                value = grid.value(row, col)
            else:        # no header: the row's longest text
                texts = [(len(str(v)), c) for c in range(1, grid.cols + 1)
                         if isinstance(v := grid.value(row, c), str)]
                col = max(texts)[1] if texts else 1
                value = grid.value(row, col) if texts else None
            if value is None or (isinstance(value, int)) or grid.origin(row, col)[0] < row:
                continue
            self.put(("hosting", len(hosting)), grid, row, col)
            hosting.append(_text(value))

    # plan-level fields ------------------------------------------------------------------

    def read_plan(self, grid: Grid, plan: dict[str, Any]) -> None:
        """Label and value pairs: a label cell, its value in the next cell (two or four columns)."""
        for row in range(1, grid.rows + 1):
            col = 1
            while col <= grid.cols:
                label = grid.value(row, col)
                target = _plan_label(label) if isinstance(label, str) else None
                value_col = self.next_cell(grid, row, col)
                if label is None or value_col is None:
                    col += 1
                    continue
                value = grid.value(row, value_col)
                if target is None:
                    # An office's own field, in a two-column table; a heading row is no field.
                    if col == 1 and isinstance(label, str) and not _is_heading_pair(label, value):
                        key = _clean_header(label)
                        self.put(("plan", key), grid, row, value_col)
                        self.keys[("plan", key)] = (row, col)
                        plan[key] = value if isinstance(value, (int, float)) else _text(value)
                        self.plan_last = ((row, col), grid.label(row, col))
                    col = value_col + 1
                    continue
                self.plan_field(plan, target, value, grid, row, col, value_col)
                self.plan_last = ((row, col), grid.label(row, col))
                col = value_col + 1

    @staticmethod
    def next_cell(grid: Grid, row: int, col: int) -> int | None:
        """The column of the next cell after (row, col) that is not part of it."""
        origin = grid.origin(row, col)
        for later in range(col + 1, grid.cols + 1):
            if grid.origin(row, later) != origin:
                return later if grid.value(row, later) is not None else None
        return None

    def plan_field(self, plan: dict[str, Any], target: tuple[str, ...], value: Any, grid: Grid, row: int,
                   col: int, value_col: int) -> None:
        def at(path: PathKey) -> None:
            self.put(path, grid, row, value_col)
            self.keys[path] = (row, col)

        text = _text(value)
        head = target[0]
        if head == "leadership":
            leaders = plan.setdefault("leadership", [])
            self.keys.setdefault(("plan", "leadership"), (row, col))
            self.values.setdefault(("plan", "leadership"), (row, value_col))
            self.places.setdefault(("plan", "leadership"), grid.label(row, value_col))
            for name in split_list(text):
                at(("plan", "leadership", len(leaders)))
                at(("plan", "leadership", len(leaders), "name"))
                leaders.append({"role": target[1], "name": name})
            return
        if head in ("inspection", "disclosure"):
            section = plan.setdefault(head, {})
            if ("plan", head) not in self.keys:
                at(("plan", head))
            if target[1:] == ("stationed",):
                start, end = _period(text)
                section["stationed"] = {"from": start} | ({"to": end} if end else {})
                at(("plan", head, "stationed"))
                at(("plan", head, "stationed", "from"))
                if end:
                    at(("plan", head, "stationed", "to"))
                return
            if target[1] == "stationed":
                section.setdefault("stationed", {})[target[2]] = text
                if ("plan", head, "stationed") not in self.keys:
                    at(("plan", head, "stationed"))
                at(("plan", head, "stationed", target[2]))
                return
            name = target[1]
            if name.endswith("interval_days"):
                section[name] = _days(value)
            elif name == "kind":
                section[name] = _inspection_kind(text)
            else:
                section[name] = text
            at(("plan", head, name))
            return
        if head == "level":
            plan[head] = _level(text)
        elif head == "id" and isinstance(value, int):
            plan[head] = value
        else:
            plan[head] = text
        at(("plan", head))

    def finish_plan(self, plan: dict[str, Any], grid: Grid, header: _Header) -> None:
        """The plan's id and title when no sheet gave them, and the command line's options."""
        where = self.title_cell(grid, header)
        row, col = where if where else (header.row, 1)
        if "title" not in plan and where and self.title is None:
            plan["title"] = _text(grid.value(row, col))
            self.put(("plan", "title"), grid, row, col)
        elif "title" not in plan and self.title:
            plan["title"] = self.title
            self.derived.append("plan.title from the document's first paragraph")
        if "id" not in plan:
            plan["id"] = Path(self.name).stem or "plan"
            self.derived.append("plan.id from the file name")
            self.put(("plan", "id"), grid, row, col)
        for key, value in _PLAN_OPTIONS.items():
            plan[key] = value
            self.derived.append(f"plan.{key} from --{'plan-id' if key == 'id' else key}")
            if ("plan", key) not in self.values:
                self.put(("plan", key), grid, row, col)
        if ("plan",) not in self.values:
            # Where a missing plan field is reported: the last row of the 方案信息
            # sheet, else the title row (or the header).
            if self.plan_last:
                (last, label) = self.plan_last
                self.values[("plan",)] = self.keys[("plan",)] = last
                self.places[("plan",)] = label
            else:
                self.values[("plan",)] = self.keys[("plan",)] = (row, col)
                self.places[("plan",)] = grid.label(row, col)

    def title_cell(self, grid: Grid, header: _Header) -> tuple[int, int] | None:
        """The first text above the header: the ledger's title row."""
        for row in range(1, header.first):
            for col in range(1, grid.cols + 1):
                value = grid.value(row, col)
                if isinstance(value, str) and grid.origin(row, col) == (row, col):
                    return row, col
        return None


def _is_item_header(fields: set[str]) -> bool:
    return len(fields) >= 2 and bool(fields & {"problem", "measures"})


def _is_accountability_header(fields: set[str]) -> bool:
    return len(fields) >= 2 and bool(fields & {"subjects", "action", "basis"})


def _is_heading_pair(label: str, value: Any) -> bool:
    words = {"项目", "内容", "字段", "值", "信息", "说明", "事项", "名目", "填写内容", "栏目"}
    return _clean_header(label) in words and (value is None or _clean_header(value) in words)


_ID = re.compile(r"[第(（]?[0-9A-Za-z一二三四五六七八九十百零〇.．\-—_()（）、]{1,10}[)）项号条]?")


def _id_like(value: Any) -> bool:
    """1, 1-2, A3, (一), 第5项: a 序号; 一、大气污染问题 or 填表人：张三 is not."""
    return isinstance(value, (int, float)) or bool(_ID.fullmatch(str(value).strip()))


def _text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _latest(found: list[tuple[int, int, Any]]) -> tuple[int, int, Any]:
    """Of the dates an item's rows give, the latest (the item is done when every row is)."""
    if len(found) == 1:
        return found[0]
    from .dates import parse_deadline

    known = [(date, number) for number, (_, _, value) in enumerate(found)
             if (date := parse_deadline(value).date) is not None]
    return found[max(known)[1]] if known else found[0]


_DATE_TEXT = re.compile(r"\d{4}\s*(?:年|[-/.])\s*\d{1,2}\s*(?:月|[-/.])\s*(?:\d{1,2}\s*日?)?")


def _progress(text: str) -> dict[str, Any]:
    match = _DATE_TEXT.match(text)
    if match:
        return {"date": match.group(0).strip(), "note": text[match.end():].strip(" ：:,，") or text}
    return {"note": text}


def _extension(text: str) -> dict[str, Any]:
    """延期至2024年6月30日，因汛期无法施工，经县整改办批准"""
    out: dict[str, Any] = {}
    date = _DATE_TEXT.search(text)
    if date:
        out["to"] = date.group(0).strip()
    approval = re.search(r"经\s*([^,，;；。]{1,30}?)\s*(?:批准|同意|审批)|(?:批准|审批)(?:单位|人)?[:：]\s*([^,，;；。]+)", text)
    if approval:
        out["approved_by"] = (approval.group(1) or approval.group(2)).strip()
    reason = re.search(r"(?:理由|原因|因)[:：]?\s*([^;；。]+?)(?=[,，]\s*经|[;；。]|$)", text)
    out["reason"] = reason.group(1).strip(" ,，") if reason else None
    return out


def _days(value: Any) -> Any:
    if isinstance(value, int):
        return value
    text = textmod.normalize(str(value))
    match = re.search(r"\d+", text)
    if match:
        return int(match.group(0)) * (7 if re.search(r"周", text) else 30 if re.search(r"月", text) else 1)
    for words, days in (("每日|每天", 1), ("每周", 7), ("每旬", 10), ("半月", 15), ("每月", 30), ("每季", 92),
                        ("每半年", 183), ("每年", 365)):
        if re.search(words, text):
            return days
    return str(value)


def _level(text: str) -> str:
    norm = textmod.normalize(text).strip()
    if norm.lower() in ("province", "city", "county", "department", "enterprise"):
        return norm.lower()
    return next((level for level, pattern in _LEVELS if re.search(pattern, norm)), text)


def _inspection_kind(text: str) -> str:
    norm = textmod.normalize(text).strip()
    if norm.lower() in ("central", "central-lookback", "provincial"):
        return norm.lower()
    if "回头看" in norm and "中央" in norm:
        return "central-lookback"
    if "中央" in norm:
        return "central"
    if "省" in norm:
        return "provincial"
    return text


def _period(text: str) -> tuple[str, str]:
    """2023-11-20至2023-12-20, 2023年11月20日至12月20日 (the end takes the
    start's year), 2023.11.20-2023.12.20: its start and end."""
    parts = re.split(r"\s*(?:至|到|~|～|—|–|--)\s*", text.strip(), maxsplit=1)
    if len(parts) == 1:
        parts = re.split(r"(?<=\d)\s*-\s*(?=\d{4}\D)", text.strip(), maxsplit=1)
    start, end = parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""
    year = re.match(r"\s*(\d{4})\s*年", start)
    if year and re.match(r"\s*\d{1,2}\s*月", end):
        end = f"{year.group(1)}年{end}"
    return start, end
