"""Hypothesis strategies for tests/test_fuzz.py: untrusted plan files.

Three families of input, each ending as the bytes of a file:

- anything: arbitrary bytes, arbitrary text in any encoding, YAML and JSON
  dumped from arbitrary nested data;
- plan-shaped: a real plan (tests/plans, examples) cut down to a few items
  and mutated: wrong types in any field, fields removed, unknown and
  aliased fields added, huge strings (past the 65,535 bytes durable_rules'
  matcher handles), deep nesting, odd Unicode (NUL, lone surrogates,
  right-to-left marks, zero-width spaces, full-width digits in dates,
  traditional characters), odd parent references;
- written out as YAML or JSON in mixed encodings: UTF-8 with and without
  BOM, UTF-16/32, GB18030, latin-1 bytes, a stray invalid byte.
"""

from __future__ import annotations

import codecs
import copy
import datetime
import json
import re
from pathlib import Path
from typing import Any

import opencc
import yaml
from hypothesis import strategies as st

from compliance.read import parse

ROOT = Path(__file__).resolve().parent.parent

# --- characters and strings ---------------------------------------------------

FULL_WIDTH = str.maketrans("0123456789-./:", "０１２３４５６７８９－．／：")

ODD_CHARS = [
    "\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\xa0", "\ufeff", "\ufffe", "\uffff", "\ufffd",
    "\ud800", "\udbff", "\udc00", "\udfff",                     # lone surrogates
    "\u200b", "\u200c", "\u200d", "\u2060",                     # zero-width
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069",   # bidi
    "\u2028", "\u2029", "\u3000", "\U0010ffff", "\U0001f600", "\U00021413",
    "０", "１", "２", "９", "－", "．", "／", "年", "月", "日", "底", "前", "立行立改", "长期坚持",
    "一律关停", "先停再说", "一刀切", "問責", "關停", "國", "县", "：", "，", "。", "；", "、",
    "\t", "\r", "\n", "\r\n", " ", "#", "&", "*", "!", "|", ">", "'", '"', "{", "}", "[", "]", ",", "-",
    "?", ":", "%", "@", "`", "\\", "<<", "---", "...", "~", "null", "true", "0x1F", "1e999", ".nan",
]

odd_text = st.lists(st.one_of(st.sampled_from(ODD_CHARS), st.characters(codec=None), st.text(max_size=3)),
                    max_size=12).map("".join)


@st.composite
def date_text(draw: st.DrawFn) -> str:
    """A date as clerks write it, its digits half- or full-width."""
    day = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
    form = draw(st.sampled_from([
        "{y}-{m:02d}-{d:02d}", "{y}年{m}月底前", "{y}年{m}月{d}日前", "{y}年底前", "{y}.{m}", "{y}/{m}/{d}",
        "{y}年{m}月", "{y}年第{q}季度", "{y}{m:02d}{d:02d}", "{y}年{m}月{d}日", "{y}年{m}月中旬前",
        "{y}-{m}-{d}", "{y}年{m}月底前完成", "{y}年{m}月前,长期坚持",
    ]))
    written = form.format(y=day.year, m=day.month, d=day.day, q=(day.month - 1) // 3 + 1)
    if draw(st.booleans()):
        # Some or all digits full-width: ２０２４年６月底前, 2０24-06-3０.
        every = draw(st.booleans())
        written = "".join(c.translate(FULL_WIDTH) if every or draw(st.booleans()) else c for c in written)
    return written


HUGE_SEEDS = ["一律关停", "a", "关", "先停再说,", "\u200b", "整改 ", "\ufffd", "２０２４年", "\u202e"]
HUGE_SIZES = [21_845, 21_846, 65_535, 65_536, 70_000, 99_999, 100_000, 100_001]
_HUGE = re.compile(r"HUGE_(\d+)_(\d+)_")


@st.composite
def huge_text(draw: st.DrawFn) -> str:
    """A string past the 65,535 bytes durable_rules' matcher handles, or near
    it, or near the loader's limit of 100,000 characters. Drawn as a marker
    (HUGE_<seed>_<size>_), written out by expand_huge once the plan is
    serialised: PyYAML's emitter takes a third of a second over such a string."""
    return f"HUGE_{draw(st.integers(0, len(HUGE_SEEDS) - 1))}_{draw(st.sampled_from(HUGE_SIZES))}_"


def expand_huge(text: str) -> str:
    def expand(match: re.Match[str]) -> str:
        seed, size = HUGE_SEEDS[int(match.group(1))], int(match.group(2))
        return (seed * (size // len(seed) + 1))[:size]
    return _HUGE.sub(expand, text)


@st.composite
def nested(draw: st.DrawFn, value: Any = None) -> Any:
    """A value wrapped in lists and mappings, sometimes past the 64-level limit."""
    depth = draw(st.sampled_from([1, 2, 10, 40, 62, 63, 64, 65, 66, 100, 300]))
    kind = draw(st.sampled_from(["list", "dict", "mixed"]))
    for level in range(depth):
        if kind == "list" or (kind == "mixed" and level % 2):
            value = [value]
        else:
            value = {"k": value}
    return value


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30, max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True), odd_text, st.text(max_size=20), date_text(),
)

# Arbitrary nested data: what yaml.safe_dump and json.dumps can write.
any_data = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.one_of(st.text(max_size=8), odd_text), children, max_size=4)),
    max_leaves=20,
)

wrong_values = st.one_of(
    scalars,
    st.builds(list), st.builds(dict), st.lists(scalars, max_size=3),
    st.dictionaries(odd_text, scalars, max_size=3),
    huge_text(), nested(), any_data,
)

# --- plans ----------------------------------------------------------------------

PLAN_FILES = sorted((ROOT / "tests" / "plans").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def base_plans() -> list[dict[str, Any]]:
    """Each bundled plan as plain data (dates as text, as the loader reads them)."""
    return [_plain(parse(path.read_text("utf-8"), path.name).value) for path in PLAN_FILES]


BASES = base_plans()
PARENTS = ["parent.yaml", "./parent.yaml", "case.yaml", "case.json", "../outside.yaml", "/etc/passwd",
           "missing.yaml", ".", "..", "", " ", "\x00", "a\x00b.yaml", "x" * 5000, "parent.yaml\u202e",
           "~/plan.yaml", "sub/../parent.yaml", "\ud800.yaml", "parent.yaml/", "/", "c:\\plans\\p.yaml"]

ALIASES = {"id": "序号", "problem": "问题", "measures": "整改措施", "deadline": "整改时限", "lead_unit": "牵头单位",
           "responsible_units": "责任单位", "status": "整改状态", "target": "整改目标", "plan": "方案",
           "items": "整改任务", "text": "内容", "title": "标题"}

T2S = opencc.OpenCC("s2t")


@st.composite
def plan_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid plan: one of the bundled plans with one to three of its items."""
    base = copy.deepcopy(draw(st.sampled_from(BASES)))
    items = base.get("items") or []
    if items:
        start = draw(st.integers(0, len(items) - 1))
        base["items"] = items[start:start + draw(st.integers(1, 3))]
    return base


def paths_of(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths_of(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths_of(child, path + (index,))
    return found


def _holds(value: Any, target: Any) -> bool:
    """Whether ``target`` is ``value`` or inside it (by identity)."""
    stack, seen = [value], set()
    while stack:
        current = stack.pop()
        if current is target:
            return True
        if id(current) in seen:
            continue
        seen.add(id(current))
        stack.extend(current.values() if isinstance(current, dict) else current if isinstance(current, list) else [])
    return False


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    _get(data, path[:-1])[path[-1]] = value
    return data


MUTATIONS = ("retype", "delete", "add", "odd", "huge", "deep", "date", "traditional", "alias", "parent",
             "duplicate", "empty", "number", "share")


@st.composite
def mutated_plan(draw: st.DrawFn) -> Any:
    """A plan with up to four mutations, each at any place in it."""
    data: Any = draw(plan_data())
    for _ in range(draw(st.integers(0, 4))):
        mutation = draw(st.sampled_from(MUTATIONS))
        path = draw(st.sampled_from(paths_of(data)))
        value = _get(data, path)
        if mutation == "retype":
            data = _set(data, path, draw(wrong_values))
        elif mutation == "delete" and path:
            del _get(data, path[:-1])[path[-1]]
        elif mutation == "add" and isinstance(value, dict):
            key = draw(st.one_of(odd_text, st.sampled_from(list(ALIASES.values()) + list(ALIASES) + ["<<", ""])))
            value[key] = draw(wrong_values)
        elif mutation == "add" and isinstance(value, list):
            value.insert(draw(st.integers(0, len(value))), draw(st.one_of(wrong_values, plan_item())))
        elif mutation == "odd" and isinstance(value, str):
            at = draw(st.integers(0, len(value)))
            data = _set(data, path, value[:at] + draw(odd_text) + value[at:])
        elif mutation == "huge":
            data = _set(data, path, draw(huge_text()))
        elif mutation == "deep":
            data = _set(data, path, draw(nested(value)))
        elif mutation == "date":
            data = _set(data, path, draw(date_text()))
        elif mutation == "traditional" and isinstance(value, str):
            data = _set(data, path, T2S.convert(value.encode("utf-8", "replace").decode("utf-8")))
        elif mutation == "alias" and path and isinstance(path[-1], str) and path[-1] in ALIASES:
            parent = _get(data, path[:-1])
            keep = draw(st.booleans())          # both names: the field is given twice
            parent[ALIASES[path[-1]]] = value if keep else parent.pop(path[-1])
        elif mutation == "parent" and isinstance(data, dict) and isinstance(data.get("plan"), dict):
            data["plan"]["parent"] = draw(st.one_of(st.sampled_from(PARENTS), odd_text))
        elif mutation == "duplicate" and path and isinstance(_get(data, path[:-1]), list):
            _get(data, path[:-1]).append(copy.deepcopy(value))
        elif mutation == "empty":
            empty = draw(st.sampled_from(["", " ", None, "[]", "{}", "\u200b", "\u3000"]))
            data = _set(data, path, {"[]": [], "{}": {}}.get(empty, empty))      # a new list or mapping each time
        elif mutation == "share" and path:
            # The same value in two places: YAML writes an anchor and an alias (&id001, *id001).
            there = draw(st.sampled_from([p for p in paths_of(data) if p and p[:len(path)] != path
                                          and path[:len(p)] != p] or [path]))
            # Not into the value itself by another way to it (a value shared
            # already): a plan is a tree with shared parts, never a cycle.
            if there != path and not _holds(value, _get(data, there[:-1])):
                data = _set(data, there, value)
        elif mutation == "number" and path:
            data = _set(data, path, draw(st.one_of(st.integers(), st.floats(), st.sampled_from(
                [20240630, 2024.06, 2024.1, -1, 0, 10**400, 1e308, float("inf")]))))
    return data


@st.composite
def plan_item(draw: st.DrawFn) -> dict[str, Any]:
    items = [item for base in BASES for item in base.get("items") or []]
    item = copy.deepcopy(draw(st.sampled_from(items)))
    item["id"] = draw(st.one_of(st.text(min_size=1, max_size=4), st.integers(), odd_text))
    return item


# --- files ----------------------------------------------------------------------

ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32",
             "gb18030", "gbk", "big5", "latin-1")


def encode(text: str, encoding: str) -> bytes:
    """The text in an encoding; text it cannot hold (a lone surrogate, Chinese
    in latin-1) is written as UTF-8 bytes, surrogates as invalid bytes."""
    try:
        if encoding == "utf-16-le-bom":
            return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        if encoding == "utf-16-be-bom":
            return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        return text.encode(encoding)
    except UnicodeEncodeError:
        if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
            try:
                return text.encode(encoding.removesuffix("-le-bom").removesuffix("-be-bom"), "surrogatepass")
            except UnicodeEncodeError:
                pass
        return text.encode("utf-8", "surrogatepass")


@st.composite
def serialised(draw: st.DrawFn, data: Any) -> tuple[str, str]:
    """(suffix, text): data as YAML in any style, or as JSON."""
    form = draw(st.sampled_from(["yaml-block", "yaml-flow", "yaml-ascii", "json", "json-ascii", "json-as-yaml"]))
    if form.startswith("yaml"):
        text = yaml.safe_dump(data, allow_unicode=form != "yaml-ascii", sort_keys=False,
                              default_flow_style=form == "yaml-flow", width=draw(st.sampled_from([80, 10**6])))
        return ".yaml", expand_huge(text)
    try:
        text = json.dumps(data, ensure_ascii=form == "json-ascii",
                          indent=draw(st.sampled_from([None, 2, "\t"])))
    except (ValueError, RecursionError):
        text = "{}"
    return (".yaml" if form == "json-as-yaml" else ".json"), expand_huge(text)


@st.composite
def encoded(draw: st.DrawFn, text: str) -> bytes:
    """Text as bytes in some encoding, now and then with a stray byte in it."""
    data = encode(text, draw(st.sampled_from(ENCODINGS)))
    if draw(st.integers(0, 5)) == 0:
        at = draw(st.integers(0, len(data)))
        stray = draw(st.sampled_from([b"\x80", b"\xff", b"\xc0", b"\xe9", b"\xa0", b"\xed\xa0\x80", b"\xfe\xff",
                                      b"\x00", b"\x81\x30", b"\xef\xbb\xbf"]))
        data = data[:at] + stray + data[at:]
    return data


@st.composite
def plan_file(draw: st.DrawFn) -> tuple[str, bytes, Any, str]:
    """(suffix, bytes, data, text): a mutated plan written as a file."""
    data = draw(mutated_plan())
    suffix, text = draw(serialised(data))
    return suffix, draw(encoded(text)), data, text


# Text of YAML's and JSON's pieces, a plan's lines among them.
PIECES = ["plan:\n  id: x\n", "items:\n", "  - id: 1\n", "    measures: ", "    deadline: ", "\n    status: ",
          "  - ", "plan", "items", "id", "  ", "\n- ", ": ", "\n  ", '{"plan": {"id": "x"}, "items": [',
          '{"id": "1", "problem": ', "]}", "&a ", "*a", "!!str ", "!!python/none ", "? ", "|\n  ", ">-\n  "]
yaml_ish_text = st.lists(st.one_of(st.sampled_from(ODD_CHARS + PIECES), st.characters(codec=None)),
                         max_size=60).map("".join)


# --- ledgers ----------------------------------------------------------------------

LEDGER_COLUMNS = ["序号", "问题", "整改目标", "整改措施", "整改时限", "牵头单位", "责任单位", "责任领导", "责任人",
                  "整改状态", "完成日期", "问题来源", "涉及民生领域", "民生保障措施", "问责对象", "备注", "序号", "整改時限",
                  "问题\n描述", ""]

cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.dates(), st.datetimes(), date_text(), odd_text, st.text(max_size=30),
    st.sampled_from(["=1/0", "=HYPERLINK(\"http://x\",\"y\")", "=A1", "已完成", "整改中", "已销号", "立行立改",
                     "1. 一律关停\n2. 先停再说", "①关停②搬迁", "一是关停;二是搬迁", "~$", "#N/A", "#DIV/0!"]),
    huge_text().map(lambda marker: expand_huge(marker)[:32_767]),       # Excel's longest cell
)


@st.composite
def ledger(draw: st.DrawFn) -> list[list[Any]]:
    """A ledger's rows: maybe a title row, a header of ledger column names, rows of any cells."""
    header = draw(st.lists(st.sampled_from(LEDGER_COLUMNS), min_size=1, max_size=8))
    if draw(st.booleans()):         # the columns a ledger needs, so that rows are read as items
        header = ["序号", "问题", "整改措施", "整改时限"] + header
    rows = [header] + draw(st.lists(st.lists(cell_values, max_size=len(header) + 1), max_size=4))
    if draw(st.booleans()):
        rows.insert(0, [draw(st.one_of(st.just("某县生态环境保护督察反馈问题整改台账"), odd_text))])
    return rows


def _cell_text(value: Any) -> str:
    return "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)


def ledger_csv(rows: list[list[Any]], encoding: str) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_cell_text(value) for value in row] for row in rows])
    return encode(buffer.getvalue(), encoding)


def _printable(text: str) -> str:
    # What Office files can hold: no controls but tab and line breaks, no lone surrogates.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "".join(c if c in "\t\n\r" or (c >= " " and c not in "\x7f\ufffe\uffff") else " " for c in text)


def ledger_xlsx(rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "整改台账"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if isinstance(value, datetime.datetime):
                value = value.replace(tzinfo=None)
            sheet.cell(r, c, _printable(value) if isinstance(value, str) else value)
    for top, left, height, width in merges:
        sheet.merge_cells(start_row=top, start_column=left, end_row=top + height, end_column=left + width)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger_docx(rows: list[list[Any]]) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("整改台账")
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = _printable(_cell_text(value))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@st.composite
def ledger_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes): a ledger of odd cells as CSV, Excel or Word."""
    rows = draw(ledger())
    suffix = draw(st.sampled_from([".csv", ".xlsx", ".docx"]))
    if suffix == ".csv":
        return suffix, ledger_csv(rows, draw(st.sampled_from(ENCODINGS)))
    if suffix == ".docx":
        return suffix, ledger_docx(rows)
    merges = draw(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 8), st.integers(0, 3), st.integers(0, 2)),
                           max_size=2, unique_by=lambda m: (m[0], m[1])))
    return suffix, ledger_xlsx(rows, merges)
