"""Plans written out: a plan as contract YAML (``compliance convert``), the
templates of ``compliance init``, and an Excel ledger of a plan.

``plan_yaml`` writes the canonical plan model.build made, with the
contract's English field names in the contract's order, so that a ledger
kept in Excel or Word can move into a plan repository and give the same
findings there. ``ledger_workbook`` writes the other way, for the Excel
template and the test fixtures: Chinese column names, one row per item,
numbered measures in one cell, ISO dates as Excel dates.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import yaml

from .model import ITEM_ORDER, Plan

PLAN_ORDER = ("id", "title", "issuer", "level", "region", "issued", "inspection", "parent", "leadership",
              "disclosure")
_TOP_ORDER = ("plan", "items", "accountability", "hosting")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- YAML ------------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key as contract.md writes
    them; a text of several lines as a literal block (|)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value.strip() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value.strip() if style else value, style=style)


_Dumper.add_representer(str, _text_representer)


def _ordered(value: Any, order: tuple[str, ...]) -> dict[str, Any]:
    first = [key for key in order if key in value]
    return {key: value[key] for key in first + [key for key in value if key not in first]}


def _plain(value: Any) -> Any:
    """Dates as dates, so YAML writes 2024-10-31 unquoted (read.py reads it back as text)."""
    if isinstance(value, dict):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_plain(child) for child in value]
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# Livelihood sectors as ledgers name them, in the contract's words.
_SECTOR_NAMES = {"供热": "heating", "供暖": "heating", "采暖": "heating", "取暖": "heating", "供气": "gas",
                 "燃气": "gas", "天然气": "gas", "供水": "water", "自来水": "water", "供电": "power", "电力": "power",
                 "粮油": "food", "粮食": "food", "食品供应": "food", "公交": "transport", "客运": "transport",
                 "交通": "transport"}


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan's canonical data in the contract's order and words."""
    data = _ordered(plan.data, _TOP_ORDER)
    data["plan"] = _ordered(data["plan"], PLAN_ORDER)
    items = []
    for item in data["items"]:
        item = _ordered(item, ITEM_ORDER[:ITEM_ORDER.index("status") + 1] + ("status_text",) + ITEM_ORDER)
        if isinstance(item.get("livelihood"), list):
            item["livelihood"] = [_SECTOR_NAMES.get(str(s).strip(), s) for s in item["livelihood"]]
        items.append(item)
    data["items"] = items
    return data


def plan_yaml(plan: Plan, source: str | None = None, notes: list[str] | None = None) -> str:
    """The plan as YAML in the contract's field names, with a comment saying where it came from."""
    header = []
    if source:
        header.append(f"# Converted by `compliance convert` from {source}.")
    header += [f"# {note}." for note in notes or []]
    body = yaml.dump(_plain(plan_data(plan)), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1000)
    return "\n".join(header + [body]) if header else body


# --- Excel ledgers --------------------------------------------------------------------------

SOURCE_WORDS = {"feedback": "督察反馈", "complaint": "群众信访举报", "transferred": "交办", "lookback": "回头看",
                "self-found": "自查发现"}
STATUS_WORDS = {"not-started": "未启动", "in-progress": "整改中", "completed": "已完成", "closed": "已销号"}
LIVELIHOOD_WORDS = {"heating": "供热", "gas": "供气", "water": "供水", "power": "供电", "food": "粮油",
                    "transport": "公交"}
LEVEL_WORDS = {"province": "省级", "city": "市级", "county": "县级", "department": "部门", "enterprise": "企业"}
KIND_WORDS = {"central": "中央生态环境保护督察", "central-lookback": "中央生态环境保护督察\"回头看\"",
              "provincial": "省级生态环境保护督察"}
# Item columns of a ledger, in order: (column name, field, always written).
ITEM_COLUMNS = (("序号", "id", True), ("对应上级任务", "implements", False), ("问题", "problem", True),
                ("问题来源", "source", True), ("问题类别", "category", True), ("任务类型", "task", False),
                ("整改目标", "target", True), ("整改措施", "measures", True), ("整改时限", "deadline", True),
                ("阶段目标", "milestones", False), ("牵头单位", "lead_unit", True),
                ("责任单位", "responsible_units", True), ("责任领导", "responsible_leader", True),
                ("责任人", "responsible_person", True), ("涉及民生领域", "livelihood", False),
                ("民生保障措施", "safeguard", False), ("整改状态", "status", True), ("完成日期", "completed", False),
                ("验收情况", "verification", False), ("办理结果", "result", False), ("销号公示", "disclosure", False),
                ("回头看", "lookback", False), ("延期情况", "extensions", False), ("进展", "progress", False))
ACCOUNTABILITY_COLUMNS = (("编号", "id"), ("涉及整改任务", "items"), ("问责对象", "subjects"), ("问责方式", "action"),
                          ("事实依据", "basis"))


def _cell(field: str, value: Any) -> Any:
    """An item field as a ledger cell: Chinese words, lists joined, ISO dates as dates."""
    if value is None or value == [] or value == {}:
        return None
    if field == "measures":
        texts = [m.get("text", "") if isinstance(m, dict) else str(m) for m in (value if isinstance(value, list)
                                                                               else [value])]
        return texts[0] if len(texts) == 1 else "\n".join(f"{n}. {t}" for n, t in enumerate(texts, start=1))
    if field == "source":
        return SOURCE_WORDS.get(value, value)
    if field == "status":
        return STATUS_WORDS.get(value, value)
    if field == "livelihood":
        return "、".join(LIVELIHOOD_WORDS.get(v, v) for v in value)
    if field in ("responsible_units", "subjects", "items"):
        return "、".join(str(v) for v in value) if isinstance(value, list) else value
    if field == "milestones":
        return "\n".join(f"{m.get('date', '')} {m.get('goal', '')}".strip() if isinstance(m, dict) else str(m)
                         for m in value)
    if field == "extensions":
        return "\n".join("，".join(part for part in (f"延期至{e.get('to')}" if e.get("to") else "",
                                                     f"理由：{e['reason']}" if e.get("reason") else "",
                                                     f"经{e['approved_by']}批准" if e.get("approved_by") else "")
                                   if part) for e in value)
    if field == "progress":
        return "\n".join(f"{e.get('date', '')} {e.get('note', '')}".strip() for e in value)
    if isinstance(value, dict):
        return "，".join(str(_date_or_text(v)) for v in value.values() if v not in (None, ""))
    return _date_or_text(value)


def _date_or_text(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _plan_rows(plan: dict[str, Any]) -> list[tuple[str, Any]]:
    """The 方案信息 sheet: one label and value a row."""
    inspection = plan.get("inspection") or {}
    stationed = inspection.get("stationed") or {}
    disclosure = plan.get("disclosure") or {}
    leaders = {entry.get("role"): entry.get("name") for entry in plan.get("leadership") or [] if isinstance(entry, dict)}
    rows = [("方案编号", plan.get("id")), ("方案名称", plan.get("title")), ("印发单位", plan.get("issuer")),
            ("方案层级", LEVEL_WORDS.get(plan.get("level"), plan.get("level"))), ("地区", plan.get("region")),
            ("印发日期", _date_or_text(plan.get("issued"))), ("上级方案", plan.get("parent")),
            ("督察组", inspection.get("name")), ("督察类型", KIND_WORDS.get(inspection.get("kind"), inspection.get("kind"))),
            ("进驻时间", f"{stationed['from']}至{stationed['to']}" if stationed.get("from") and stationed.get("to")
             else stationed.get("from")),
            ("反馈日期", _date_or_text(inspection.get("feedback"))), ("党委负责人", leaders.get("party")),
            ("政府负责人", leaders.get("government")), ("信息公开渠道", disclosure.get("channel")),
            ("公开周期（天）", disclosure.get("interval_days")),
            ("信访件公开周期（天）", disclosure.get("complaint_interval_days"))]
    return [(label, value) for label, value in rows if value not in (None, "")]


def ledger_workbook(data: dict[str, Any], merge: tuple[str, ...] = (), all_columns: bool = False) -> Any:
    """An openpyxl Workbook of a plan's canonical data: 整改台账 (a title row,
    the header, a row per item), 方案信息, and 问责情况 and 督察接待 when the
    plan has them. ``merge`` names item fields whose equal values in
    consecutive rows are merged into one cell, as clerks do."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    items = data.get("items") or []
    columns = [(name, field) for name, field, always in ITEM_COLUMNS
               if always or all_columns or any(item.get(field) not in (None, [], {}) for item in items)]
    wrap = Alignment(wrap_text=True, vertical="center")
    title = (data.get("plan") or {}).get("title") or "整改台账"
    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for col, (name, _) in enumerate(columns, start=1):
        cell = sheet.cell(2, col, name)
        cell.font = Font(bold=True)
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(col)].width = 30 if name in ("问题", "整改目标", "整改措施") else 14
    for row, item in enumerate(items, start=3):
        for col, (_, field) in enumerate(columns, start=1):
            value = _cell(field, item.get(field))
            cell = sheet.cell(row, col, value)
            cell.alignment = wrap
            if isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for field in merge:
        col = next((c for c, (_, f) in enumerate(columns, start=1) if f == field), None)
        if col is None:
            continue
        start = 3
        for row in range(4, len(items) + 4):
            if row < len(items) + 3 and sheet.cell(row, col).value == sheet.cell(start, col).value is not None:
                continue
            if row - 1 > start:
                sheet.merge_cells(start_row=start, start_column=col, end_row=row - 1, end_column=col)
            start = row
    info = book.create_sheet("方案信息")
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 50
    for row, (label, value) in enumerate(_plan_rows(data.get("plan") or {}), start=1):
        info.cell(row, 1, label).font = Font(bold=True)
        cell = info.cell(row, 2, value)
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
    records = data.get("accountability")
    if records is not None:
        sheet = book.create_sheet("问责情况")
        for col, (name, _) in enumerate(ACCOUNTABILITY_COLUMNS, start=1):
            sheet.cell(1, col, name).font = Font(bold=True)
        for row, record in enumerate(records, start=2):
            for col, (_, field) in enumerate(ACCOUNTABILITY_COLUMNS, start=1):
                sheet.cell(row, col, _cell(field, record.get(field))).alignment = wrap
    hosting = data.get("hosting")
    if hosting is not None:
        sheet = book.create_sheet("督察接待")
        sheet.cell(1, 1, "序号").font = Font(bold=True)
        sheet.cell(1, 2, "接待安排").font = Font(bold=True)
        sheet.column_dimensions["B"].width = 60
        for row, entry in enumerate(hosting, start=2):
            sheet.cell(row, 1, row - 1)
            sheet.cell(row, 2, entry.get("text") if isinstance(entry, dict) else entry).alignment = wrap
    return book


def workbook_bytes(book: Any) -> bytes:
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


# --- compliance init ----------------------------------------------------------------------

def _month_end(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    first_of_next = datetime.date(day.year + year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def template_dates(issued: datetime.date) -> dict[str, str]:
    return {"issued": issued.isoformat(),
            "stationed_from": (issued - datetime.timedelta(days=120)).isoformat(),
            "stationed_to": (issued - datetime.timedelta(days=90)).isoformat(),
            "feedback": (issued - datetime.timedelta(days=45)).isoformat(),
            "milestone": _month_end(issued, 3).isoformat(),
            "deadline": _month_end(issued, 6).isoformat(),
            "deadline_text": f"{_month_end(issued, 6).year}年{_month_end(issued, 6).month}月底前"}


TEMPLATE = """\
# 整改方案模板 (rectification plan template), written by `compliance init` on {issued}.
# The format is the one in contract.md; field names may also be written in
# Chinese (序号, 问题, 整改措施, 整改时限, 牵头单位, 责任单位, 责任领导, 责任人, 整改状态).
# Check it with:  compliance check {name} --as-of {issued}
plan:
  id: example-{issued}              # required: unique in a plan repository
  title: 某县贯彻落实中央生态环境保护督察反馈意见整改方案
  issuer: 中共某县委 某县人民政府     # a joint party-government issuer (党政同责)
  level: county                     # province | city | county | department | enterprise
  region: 某省某市某县
  issued: {issued}                  # date the plan is issued or submitted (印发日期)
  inspection:
    name: 中央第三生态环境保护督察组
    kind: central                   # central | central-lookback | provincial
    stationed: {{from: {stationed_from}, to: {stationed_to}}}
    feedback: {feedback}
  # parent: ../city/plan.yaml       # the plan this one implements (上级方案), relative to this file
  leadership:                       # 党政主要负责同志
    - {{role: party, name: 县委书记}}
    - {{role: government, name: 县长}}
  disclosure: {{channel: 县政府网站, interval_days: 7}}   # 信息公开: where, and every how many days

items:                              # 整改任务, one per problem
  - id: "1"                         # 序号, unique in the plan
    # implements: "3"               # the item of the parent plan this one carries out
    problem: 县城部分区域污水管网雨污混接,污水直排河道
    source: feedback                # feedback | complaint | transferred | lookback | self-found
    category: water
    target: {deadline_text}完成老城区雨污混接点改造,消除污水直排
    measures:                       # one per measure; a bare string is one measure
      - text: 逐一排查雨污混接点,一点一策制定改造方案
        kind: remediation           # remediation | shutdown | production-limit | relocation
                                    # | accountability | monitoring | mechanism | other
      - text: 建立管网巡查养护长效机制
        kind: mechanism
      # A shutdown names whom it targets and its legal basis:
      # - {{text: 对超标排放的某某公司依法实施停产整治, kind: shutdown, scope: targeted,
      #    legal_basis: 《中华人民共和国水污染防治法》第八十三条}}
    deadline: {deadline}            # a date, 立行立改, 长期坚持, or 2024年6月底前
    milestones:                     # 阶段目标
      - {{date: {milestone}, goal: 完成全部混接点排查}}
    lead_unit: 县住建局               # 牵头单位
    responsible_units: [县城投公司]     # 责任单位
    responsible_leader: 分管副县长      # 责任领导
    responsible_person: 县住建局局长    # 责任人
    livelihood: []                  # heating, gas, water, power, food, transport
    safeguard: null                 # how supply is kept when a livelihood sector is limited
    status: in-progress             # not-started | in-progress | completed | closed
    completed: null                 # completion date
    verification: null              # {{by, date, evidence}}: who checked, and what they saw
    disclosure: null                # {{date, channel}}: completion made public (销号公示)
    extensions: []                  # [{{to, reason, approved_by}}]
    progress:                       # [{{date, note}}]
      - {{date: {issued}, note: 方案印发，启动排查}}
    waivers: []                     # [{{rule, reason, approved_by, expires}}]

accountability: []                  # 问责 records, e.g.
#  - id: A1
#    items: ["1"]
#    subjects: [某镇分管副镇长]
#    action: 诫勉谈话
#    basis: 经调查,该同志对管网排查工作推进不力

hosting:                            # 督察接待安排
  - 督察组进驻期间不搞迎来送往、层层陪同,工作用餐在机关食堂安排
"""


def template_yaml(issued: datetime.date, name: str = "plan.yaml") -> str:
    return TEMPLATE.format(name=name, **template_dates(issued))


def template_data(issued: datetime.date) -> dict[str, Any]:
    """The template plan as data, for the Excel ledger."""
    document = yaml.safe_load(template_yaml(issued))
    return _as_text(document)


def _as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _as_text(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_as_text(child) for child in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def template_xlsx(issued: datetime.date) -> bytes:
    """The Excel ledger template: 整改台账 with every column and one example row,
    方案信息, 问责情况 (its header) and 督察接待."""
    return workbook_bytes(ledger_workbook(template_data(issued), all_columns=True))
