"""The plan model: a read Document made canonical, validated and annotated.

Chinese field names become the contract's English ones, shapes are made
regular (a bare measure string is one measure), the plan is validated
against ``schemas/plan.schema.json``, deadlines are parsed and every text a
rule reads gets its normalised, affirmed and untargeted views.
"""

from __future__ import annotations

import re
from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import text as textmod
from .dates import Deadline, parse_deadline
from .errors import UserError
from .read import DEFAULT_LIMITS, Document, Limits, PathKey, Pos
from .resources import json_path, schema_error

# Chinese field names as clerks write them (after normalisation to simplified).
TOP_ALIASES = {"方案": "plan", "整改方案": "plan", "整改任务": "items", "任务清单": "items", "整改清单": "items",
               "问责": "accountability", "问责情况": "accountability", "接待安排": "hosting", "督察接待": "hosting"}
PLAN_ALIASES = {"编号": "id", "方案编号": "id", "标题": "title", "名称": "title", "方案名称": "title",
                "发文单位": "issuer", "印发单位": "issuer", "层级": "level", "地区": "region", "印发日期": "issued",
                "印发时间": "issued", "上级方案": "parent", "督察": "inspection", "领导": "leadership", "信息公开": "disclosure"}
ITEM_ALIASES = {"序号": "id", "编号": "id", "问题": "problem", "问题描述": "problem", "存在问题": "problem",
                "问题来源": "source", "类别": "category", "问题类别": "category", "整改目标": "target", "目标": "target",
                "整改措施": "measures", "措施": "measures", "整改时限": "deadline", "完成时限": "deadline",
                "整改期限": "deadline", "时限": "deadline", "完成期限": "deadline", "时间节点": "deadline",
                "整改完成时限": "deadline", "整改时间": "deadline", "计划完成时间": "deadline",
                "牵头单位": "lead_unit", "牵头部门": "lead_unit", "责任单位": "responsible_units",
                "责任部门": "responsible_units", "责任主体": "responsible_units", "整改责任单位": "responsible_units",
                "配合单位": "cooperating_units", "责任领导": "responsible_leader", "责任领导同志": "responsible_leader",
                "责任人": "responsible_person", "整改状态": "status", "进展情况": "status", "完成情况": "status",
                "整改进展": "status", "完成日期": "completed", "实际完成时间": "completed", "完成时间": "deadline", "核查": "verification",
                "验收": "verification", "上级任务": "implements", "对应上级任务": "implements", "里程碑": "milestones",
                "阶段目标": "milestones", "延期": "extensions", "进展": "progress", "豁免": "waivers",
                "民生领域": "livelihood", "保障措施": "safeguard", "信息公开": "disclosure", "公示": "disclosure",
                "办理结果": "result", "处理结果": "result", "办理情况": "result", "整改结果": "result",
                "回头看": "lookback", "任务类型": "task",
                # Ledger column names (Excel and Word tables, compliance.tables).
                "反馈问题": "problem", "督察反馈问题": "problem", "具体问题": "problem", "问题内容": "problem",
                "主要问题": "problem", "存在的问题": "problem", "问题表现": "problem", "问题类型": "category",
                "来源": "source", "整改举措": "measures", "具体措施": "measures", "主要措施": "measures",
                "工作措施": "measures", "具体整改措施": "measures", "整改进展情况": "status", "整改完成情况": "status",
                "目前进展": "status", "推进情况": "status", "整改情况": "status", "完成进度": "status",
                "牵头领导": "responsible_leader", "分管领导": "responsible_leader",
                "牵头责任领导": "responsible_leader", "牵头责任单位": "lead_unit", "具体责任人": "responsible_person",
                "直接责任人": "responsible_person", "责任人员": "responsible_person",
                "涉及民生领域": "livelihood", "民生保障措施": "safeguard", "验收情况": "verification",
                "核查验收": "verification", "销号公示": "disclosure", "延期情况": "extensions"}
MEASURE_ALIASES = {"内容": "text", "措施": "text", "类型": "kind", "范围": "scope", "法律依据": "legal_basis",
                   "依据": "legal_basis"}
HOSTING_ALIASES = {"内容": "text", "安排": "text"}
ACCOUNTABILITY_ALIASES = {"编号": "id", "整改任务": "items", "对象": "subjects", "问责对象": "subjects",
                          "方式": "action", "问责方式": "action", "依据": "basis", "事实依据": "basis",
                          "序号": "id", "涉及整改任务": "items", "对应整改任务": "items", "涉及问题": "items",
                          "整改任务序号": "items", "被问责对象": "subjects", "问责人员": "subjects",
                          "问责处理": "action", "处理方式": "action", "问责结果": "action", "问责依据": "basis",
                          "认定事实": "basis", "问责事由": "basis"}

STATUS_WORDS = {
    "completed": ("已完成", "完成", "已整改", "整改完成", "已办结", "办结", "已完成整改"),
    "closed": ("已销号", "销号", "已验收销号", "验收销号", "已关闭"),
    "in-progress": ("整改中", "推进中", "进行中", "正在整改", "持续整改", "正在推进", "序时推进", "达到序时进度",
                    "基本完成", "未完成", "整改推进中"),
    "not-started": ("未启动", "未开始", "尚未启动", "尚未开始"),
}
_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}
# A ledger's progress cell is often a sentence (已完成围挡安装,道路硬化正在施工):
# the first of these that it contains decides the status.
_STATUS_CLUES = (
    ("closed", re.compile(r"销号")),
    ("not-started", re.compile(r"未启动|未开始|尚未启动|尚未开始")),
    ("in-progress", re.compile(r"正在|推进中|进行中|整改中|序时|部分完成|未完成|尚未完成|基本完成|未整改|持续推进|"
                               r"尚在|招标|施工中|[0-9]%|占[^,;。]{0,6}任务")),
    ("completed", re.compile(r"已完成|已整改|整改完成|完成整改|已办结|办结|已落实")),
)


@textmod.short_cache      # a plan's statuses are a few words, many times over
def status_of(value: str) -> str:
    """The contract's status for a status cell, or the cell unchanged."""
    norm = textmod.normalize(value)
    if norm in _STATUS:
        return _STATUS[norm]
    for status, clue in _STATUS_CLUES:
        if clue.search(norm):
            return status
    return value

SOURCES = ("feedback", "complaint", "transferred", "lookback", "self-found")
# How ledgers name where a problem came from; the first that matches decides.
_SOURCE_CLUES = (
    ("complaint", re.compile(r"信访|举报|投诉|来信|来电|12345|12369")),
    ("transferred", re.compile(r"交办|转办|移交")),
    ("lookback", re.compile(r"回头看")),
    ("self-found", re.compile(r"自查|排查|自行发现|巡查发现")),
    ("feedback", re.compile(r"反馈|督察|通报")),
)


@textmod.short_cache
def source_of(value: str) -> str:
    """A source written in Chinese (群众信访举报, 督察反馈意见) as its contract value;
    a source no clue recognises is kept as written."""
    norm = textmod.normalize(value).strip()
    if norm.lower() in SOURCES:
        return norm.lower()
    return next((source for source, clue in _SOURCE_CLUES if clue.search(norm)), value)


# The order of an item's fields in the contract: a missing field is located
# where it belongs, at the next field present after it.
ITEM_ORDER = ("id", "implements", "problem", "source", "category", "task", "target", "measures", "deadline",
              "milestones", "lead_unit", "responsible_units", "responsible_leader", "responsible_person",
              "livelihood", "safeguard", "status", "completed", "verification", "result", "disclosure",
              "lookback", "extensions", "progress", "waivers")

_NOT_PROGRESS = r"(?![^,;。]{0,6}(?:进展|情况|整改|表扬|成效|进度))"
_ACCOUNTABILITY_CLAUSE = re.compile(
    r"问责|追责|约谈|处分|免职|撤职|降职|通报批评|诫勉|警告|记过|党纪|政务处分|纪律处分|移送纪检|移交纪检|"
    r"(?:责令|责成).{0,10}检查|作出.{0,4}检查|组织处理|追究.{0,10}责任|责任追究|调整.{0,6}岗位|"
    r"纪委|监委|立案审查|审查调查|提醒谈话|停职|严肃处理|通报" + _NOT_PROGRESS)
# Who is held accountable is often described by what they failed at
# (整改不力的责任人); that description is not a remedy.
_FAILURES = r"不力|不到位|不彻底|滞后|缓慢|不实|不严|失职|失责"
_FAILURE_MODIFIER = re.compile(r"[^,;。]{0,8}(?:" + _FAILURES + r")的"
                               r"|(?:作出)?整改承诺")     # a promise to fix is no fix
# What every match of _ACCOUNTABILITY_CLAUSE or _FAILURE_MODIFIER holds, with
# no lookaround: what a clause of a text matches, the whole text matches too,
# so a text this finds nothing in has no clause naming a sanction.
_ACCOUNTABILITY_HINT = re.compile(_ACCOUNTABILITY_CLAUSE.pattern.replace(_NOT_PROGRESS, "")
                                  + "|" + _FAILURES + "|整改承诺")
# Slogans and closure claims count for neither side.
_NEUTRAL_CLAUSE = re.compile(r"^(?:举一反三|引以为戒|以儆效尤|警示教育|形成震慑|以案促改|以案促治|[、]|\s)+[。]?$"
                             # purpose clauses: 确保问题整改到位, 压实整改责任, 以问责促整改
                             r"|^(?:确保|压实|倒逼|以问责促|以案促|坚决防止|防止类似)")
_CLOSURE_CLAUSE = re.compile(r"销号|视为.{0,6}完成|视同.{0,6}完成|办结|整改完成|已完成整改")
_REMEDIATION_CLAUSE = re.compile(
    r"整改|治理|改造|修复|清理|整治|建设|完成|实施|关停|停产|搬迁|监测|建立|制定|排查|核查|拆除|复绿|提标|升级|"
    r"安装|收集|处置|清运|封堵|疏浚|补植|督促|落实|督办")


@dataclass(slots=True)
class Text:
    """One text a rule reads, in its original and matching views."""

    original: str
    norm: str
    affirmed: str
    untargeted: str

    @classmethod
    def of(cls, value: Any) -> "Text":
        original = "" if value is None else str(value)
        return cls(original, *textmod.views(original))


@dataclass(slots=True)
class Measure:
    path: PathKey
    text: Text
    kind: str
    declared_kind: str | None
    scope: str | None
    legal_basis: str | None


@dataclass(slots=True)
class Item:
    index: int
    id: str
    path: PathKey
    data: dict[str, Any]
    deadline: Deadline
    measures: list[Measure]
    target: Text


@dataclass(slots=True)
class Hosting:
    path: PathKey
    text: Text


@dataclass(slots=True)
class Accountability:
    index: int
    path: PathKey
    data: dict[str, Any]


@dataclass
class Plan:
    file: str
    id: str
    data: dict[str, Any]
    values: Mapping[PathKey, Pos]
    keys: Mapping[PathKey, Pos]
    items: list[Item] = field(default_factory=list)
    hosting: list[Hosting] = field(default_factory=list)
    accountability: list[Accountability] = field(default_factory=list)
    written: dict[PathKey, str] = field(default_factory=dict)
    # Cells of a spreadsheet or rows of a Word table (read.Document.places).
    places: dict[PathKey, str] = field(default_factory=dict)
    _last: dict[PathKey, Pos] | None = field(default=None, repr=False, compare=False)

    def place(self, path: PathKey) -> str | None:
        """The cell or table row of ``path``, or of the nearest part of it
        that has one; None for a YAML or JSON plan."""
        if not self.places:
            return None         # a YAML or JSON plan: asked for every finding and item
        while path:
            if path in self.places:
                return self.places[path]
            path = path[:-1]
        return self.places.get(())

    def locate(self, path: PathKey) -> Pos:
        """Where ``path`` is written, or where it belongs if it is missing.

        A text or number is located at its value; a list or mapping at its
        key, since a block list starts on the line after it.
        """
        if path in self.values and (path not in self.keys or _is_scalar(self.data, path)):
            return self.values[path]
        if path in self.keys:
            return self.keys[path]
        parent, name = path[:-1], path[-1]
        if len(parent) == 2 and parent[0] == "items" and name in ITEM_ORDER:
            for later in ITEM_ORDER[ITEM_ORDER.index(name) + 1:]:
                if parent + (later,) in self.keys:
                    return self.keys[parent + (later,)]
        last = self._last_key(parent)
        if last is not None:
            return last
        return self.locate(parent) if parent else (1, 1)

    def _last_key(self, parent: PathKey) -> Pos | None:
        """The last key written in the mapping at ``parent``, if it has any.

        A YAML or JSON plan's keys are those of its data's mappings, so
        only the mapping in question is looked at (a plan whose positions
        are looked up through renames would otherwise walk them all). A
        table's keys may also hold its empty cells, which the data lacks:
        all its keys are indexed once.
        """
        if self.places:
            return self._last_keys().get(parent)
        mapping = value_at(self.data, parent)
        if not isinstance(mapping, dict):
            return None
        keys, last = self.keys, None
        for name in mapping:
            pos = keys.get(parent + (name,))
            if pos is not None and (last is None or pos > last):
                last = pos
        return last

    def _last_keys(self) -> dict[PathKey, Pos]:
        """The last key written in each mapping, indexed once per plan: a
        plan with many missing fields would otherwise scan every key for each."""
        if self._last is None:
            self._last = {}
            for key, pos in self.keys.items():
                parent = key[:-1]
                if pos > self._last.get(parent, (0, 0)):
                    self._last[parent] = pos
        return self._last


_ABSENT = object()


def value_at(data: Any, path: PathKey, default: Any = None) -> Any:
    """The value at ``path`` in plan data, or ``default`` where there is none."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return default
    return data


def _is_scalar(data: Any, path: PathKey) -> bool:
    value = value_at(data, path, _ABSENT)
    return value is not _ABSENT and not isinstance(value, (list, dict))


# Paths repeat from plan to plan (items[3].measures[1]); a long one (a long
# key) is not kept, and the cache starts over when full.
_PATH_TEXTS: dict[PathKey, str] = {}
_MAX_PATH_TEXTS = 65536


def path_text(path: PathKey) -> str:
    """items[2].measures[1].text"""
    out = _PATH_TEXTS.get(path)
    if out is not None:
        return out
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    if len(out) <= 200 and all(part.__class__ in (str, int) for part in path):
        if len(_PATH_TEXTS) >= _MAX_PATH_TEXTS:
            _PATH_TEXTS.clear()
        _PATH_TEXTS[path] = out
    return out


def build(document: Document, limits: Limits | None = None) -> Plan:
    """The validated, annotated plan of a Document, or a UserError."""
    canonical = _Canonical(document)
    data = canonical.top(document.value)
    _check_item_count(data, document.name, canonical, limits or DEFAULT_LIMITS)
    _validate(data, document.name, canonical)
    plan = Plan(document.name, str(data["plan"]["id"]), data, canonical.values, canonical.keys,
                written=canonical.written, places=canonical.places)
    _check_unique_ids(plan)
    plan.items = [_item(index, raw, canonical.numbers) for index, raw in enumerate(data["items"])]
    plan.hosting = [_hosting(index, raw) for index, raw in enumerate(data.get("hosting") or [])]
    plan.accountability = [Accountability(index, ("accountability", index), raw)
                           for index, raw in enumerate(data.get("accountability") or [])]
    return plan


_LEVEL_ALIASES: dict[tuple[str | None, ...], dict[str, str]] = {
    (): TOP_ALIASES, ("plan",): PLAN_ALIASES, ("items", None): ITEM_ALIASES,
    ("items", None, "measures", None): MEASURE_ALIASES, ("hosting", None): HOSTING_ALIASES,
    ("accountability", None): ACCOUNTABILITY_ALIASES,
}


class _Level:
    """One level of a plan where keys may be aliases, and the levels below it
    (by key, or None for a list's entries); below the last level no key is renamed."""

    __slots__ = ("aliases", "below", "names")

    def __init__(self) -> None:
        self.aliases: dict[str, str] = {}
        self.below: dict[str | None, _Level] = {}
        # Keys seen at this level and their names: field names repeat from
        # mapping to mapping, and normalising each again is most of renaming.
        self.names: dict[str, str] = {}

    def name(self, key: str) -> str:
        """The contract's name of ``key`` at this level."""
        name = self.names.get(key)
        if name is None:
            name = self.aliases.get(textmod.normalize(key), key)
            if len(key) <= _MAX_NAME and len(self.names) < _MAX_NAMES:
                self.names[key] = name
        return name


def _levels() -> _Level:
    root = _Level()
    for shape, aliases in _LEVEL_ALIASES.items():
        level = root
        for part in shape:
            level = level.below.setdefault(part, _Level())
        level.aliases = aliases
    return root


_ROOT = _levels()
_START = (1, 1)


class _Canonical:
    """Renames aliased keys and regularises shapes, carrying positions over."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.values: dict[PathKey, Pos] = {}
        self.keys: dict[PathKey, Pos] = {}
        self.numbers: dict[PathKey, str] = {}
        # Values rewritten to their contract form (已销号 -> closed), as written.
        self.written: dict[PathKey, str] = {}
        self.places: dict[PathKey, str] = {}

    def top(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise UserError("a plan file must be a mapping with 'plan' and 'items'", self.document.name,
                            *self.document.values.get((), (None, None)))
        document = self.document
        if document.places or document.blanks:
            data = self.copy(value, (), ())
        elif _written_canonical(value):
            # The common YAML plan, written with the contract's own names:
            # nothing to rename, so its values and positions serve as they are.
            data = value
            self.values, self.keys, self.numbers = document.values, document.keys, document.numbers
        else:
            # A YAML plan with Chinese field names: its mappings are renamed,
            # and its positions are looked up through the renames when asked
            # (a few per plan) rather than copied (thousands).
            renames = _Renames()
            data = self.rename(value, (), (), _ROOT, renames)
            self.values, self.keys, self.numbers = (_Renamed(document.values, renames),
                                                    _Renamed(document.keys, renames),
                                                    _Renamed(document.numbers, renames))
        items = data.get("items")
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                self.regularise(item, ("items", index))
        return data

    def copy(self, value: Any, source: PathKey, path: PathKey) -> Any:
        """``value`` (at ``source`` in the document) with its keys renamed, at ``path``."""
        level: _Level | None = _ROOT
        for part in path:
            level = level.below.get(None if isinstance(part, int) else part) if level else None
        return self._copy(value, source, path, level)

    def _copy(self, value: Any, source: PathKey, path: PathKey, level: _Level | None) -> Any:
        if level is None:
            # Nothing below is renamed: only its positions are carried over,
            # and the value serves as it is (as a plan without aliases does).
            self._positions(value, source, path)
            return value
        self._position(source, path)
        if isinstance(value, list):
            below = level.below.get(None)
            return [self._copy(child, source + (i,), path + (i,), below) for i, child in enumerate(value)]
        if not isinstance(value, dict):
            return value
        document, aliases, below = self.document, level.aliases, level.below
        out: dict[str, Any] = {}
        for key, child in value.items():
            name = aliases.get(textmod.normalize(key), key) if aliases else key
            if name in out:
                line, column = document.keys.get(source + (key,), (None, None))
                raise UserError(f"field {name!r} given twice (as {key!r})", document.name, line, column)
            at, here = source + (key,), path + (name,)
            self.keys[here] = document.keys.get(at, _START)
            sub = below.get(name)
            if sub is None:
                self._positions(child, at, here)
                out[name] = child
            else:
                out[name] = self._copy(child, at, here, sub)
        self._blanks(out, source, path, aliases)
        return out

    def rename(self, value: Any, source: PathKey, path: PathKey, level: _Level, renames: "_Renames") -> Any:
        """``value`` with its keys renamed, as :meth:`copy` makes it, but
        without positions: ``renames`` records each mapping that renames a key."""
        if isinstance(value, list):
            below = level.below.get(None)
            if below is None:
                return list(value)
            return [self.rename(child, source + (i,), path + (i,), below, renames) for i, child in enumerate(value)]
        if not isinstance(value, dict):
            return value
        aliases, below, names = level.aliases, level.below, level.names
        out: dict[str, Any] = {}
        for key, child in value.items():
            name = (names.get(key) or level.name(key)) if aliases else key
            if name in out:
                line, column = self.document.keys.get(source + (key,), (None, None))
                raise UserError(f"field {name!r} given twice (as {key!r})", self.document.name, line, column)
            sub = below.get(name)
            out[name] = child if sub is None else self.rename(child, source + (key,), path + (name,), sub, renames)
        if aliases and list(out) != list(value):
            renames.add(source, path, dict(zip(value, out)))
        return out

    def _position(self, source: PathKey, path: PathKey) -> None:
        document = self.document
        self.values[path] = document.values.get(source, _START)
        if source in document.places:
            self.places[path] = document.places[source]
        if source in document.numbers:
            self.numbers[path] = document.numbers[source]

    def _positions(self, value: Any, source: PathKey, path: PathKey) -> None:
        """_copy's positions for a part of the plan where no key is renamed
        (most of a plan's values: one call per container, not per value)."""
        document = self.document
        found, keys, places, numbers = document.values, document.keys, document.places, document.numbers
        values = self.values
        values[path] = found.get(source, _START)
        # Most documents have no places and few numbers: no lookup for each value.
        if places and source in places:
            self.places[path] = places[source]
        if numbers and source in numbers:
            self.numbers[path] = numbers[source]
        mapping = isinstance(value, dict)
        if not mapping and not isinstance(value, list):
            return
        new_keys = self.keys
        # One loop for a mapping's keys and a list's indexes: only a mapping
        # has key positions (and blanks).
        for key, child in (value.items() if mapping else enumerate(value)):
            at, here = source + (key,), path + (key,)
            if mapping:
                new_keys[here] = keys.get(at, _START)
            if isinstance(child, (list, dict)):
                self._positions(child, at, here)
                continue
            values[here] = found.get(at, _START)
            if places and at in places:
                self.places[here] = places[at]
            if numbers and at in numbers:
                self.numbers[here] = numbers[at]
        if mapping and document.blanks:
            self._blanks(value, source, path, None)

    def _blanks(self, out: dict[str, Any], source: PathKey, path: PathKey, aliases: dict[str, str] | None) -> None:
        """A table's empty cells: a missing field is located at its own cell."""
        document = self.document
        if source not in document.blanks:
            return
        for key in document.blanks[source]:
            name = aliases.get(textmod.normalize(key), key) if aliases else key
            if name not in out and source + (key,) in document.keys:
                self.keys[path + (name,)] = document.keys[source + (key,)]
                if source + (key,) in document.places:
                    self.places[path + (name,)] = document.places[source + (key,)]

    def regularise(self, item: dict[str, Any], path: PathKey) -> None:
        """One shape per field: ids are text, a bare measure is a list of one, statuses are English."""
        for name in ("id", "implements"):
            if isinstance(item.get(name), (int, float)) and not isinstance(item.get(name), bool):
                item[name] = str(item[name])
        status = item.get("status")
        if isinstance(status, str) and status not in STATUS_WORDS:
            item["status"] = status_of(status)
            self.written[path + ("status",)] = status
            if textmod.normalize(status) not in _STATUS:
                item.setdefault("status_text", status)     # a sentence: keep it for the report
        if isinstance(item.get("source"), str) and item["source"] not in SOURCES:
            self.written[path + ("source",)] = item["source"]
            item["source"] = source_of(item["source"])
        if isinstance(item.get("responsible_units"), str):
            item["responsible_units"] = [item["responsible_units"]]
        if isinstance(item.get("measures"), str):
            item["measures"] = [item["measures"]]
            self.values[path + ("measures", 0)] = self.values[path + ("measures",)]



class _Renames:
    """The mappings of a plan whose keys were renamed: by the plan's path of
    each, its names' keys as written; by the document's path, the reverse."""

    __slots__ = ("keys", "names", "depth")

    def __init__(self) -> None:
        self.keys: dict[PathKey, dict[str, str]] = {}
        self.names: dict[PathKey, dict[str, str]] = {}
        # Below this many parts no mapping is renamed (an item's measures at most).
        self.depth = 0

    def add(self, source: PathKey, path: PathKey, names: dict[str, str]) -> None:
        self.names[source] = names
        self.keys[path] = {name: key for key, name in names.items()}
        self.depth = max(self.depth, len(path) + 1)

    def source(self, path: PathKey) -> PathKey | None:
        """The document's path of a plan's path, or None where the plan has none."""
        keys = self.keys
        out: list[Any] | None = None
        for index in range(min(len(path), self.depth)):
            written = keys.get(path[:index])
            if written is not None:
                part = written.get(path[index], _ABSENT)
                if part is _ABSENT:
                    return None        # a name the mapping does not hold (a key renamed away)
                if out is None:
                    out = list(path)
                out[index] = part
        return path if out is None else tuple(out)

    def path(self, source: PathKey) -> PathKey:
        """The plan's path of a document's path."""
        names = self.names
        return tuple(names[source[:index]].get(part, part) if source[:index] in names else part
                     for index, part in enumerate(source))


class _Renamed(Mapping[PathKey, Any]):
    """A document's positions (or numbers) under the plan's paths, through
    its renames; what the plan adds (a bare measure's list) is held apart."""

    __slots__ = ("found", "renames", "added")

    def __init__(self, found: Mapping[PathKey, Any], renames: _Renames) -> None:
        self.found = found
        self.renames = renames
        self.added: dict[PathKey, Any] = {}

    def get(self, path: PathKey, default: Any = None) -> Any:
        if path in self.added:
            return self.added[path]
        source = self.renames.source(path)
        return default if source is None else self.found.get(source, default)

    def __getitem__(self, path: PathKey) -> Any:
        value = self.get(path, _ABSENT)
        if value is _ABSENT:
            raise KeyError(path)
        return value

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path, _ABSENT) is not _ABSENT

    def __setitem__(self, path: PathKey, value: Any) -> None:
        self.added[path] = value

    def __iter__(self) -> Iterator[PathKey]:
        for path, _ in self._pairs():
            yield path

    def items(self) -> ItemsView[PathKey, Any]:
        return _RenamedItems(self)

    def _pairs(self) -> Iterator[tuple[PathKey, Any]]:
        """Each path and its value, without looking either up again: a plan's
        last keys (Plan._last_keys) walk all its thousands of positions.
        Siblings share their parent's path, which is renamed once."""
        names, added = self.renames.names, self.added
        parents: dict[PathKey, PathKey] = {}
        for source, value in self.found.items():
            if not source:
                path: PathKey = source
            else:
                parent, last = source[:-1], source[-1]
                mapped = parents.get(parent)
                if mapped is None:
                    mapped = parents[parent] = self.renames.path(parent)
                renamed = names.get(parent)
                path = mapped + ((renamed.get(last, last) if renamed is not None else last),)
            if path not in added:
                yield path, value
        yield from added.items()

    def __len__(self) -> int:
        return sum(1 for _ in self._pairs())


class _RenamedItems(ItemsView[PathKey, Any]):
    """A _Renamed's items, each found once."""

    _mapping: _Renamed

    def __iter__(self) -> Iterator[tuple[PathKey, Any]]:
        return self._mapping._pairs()


# Per level, keys known not to be aliases: a plan's keys are checked in one
# set operation per mapping. Field names are short and few; a long key
# (no alias) or a level grown past its bound is checked key by key.
_NOT_ALIASES: dict[tuple[str | None, ...], set[str]] = {shape: set() for shape in _LEVEL_ALIASES}
_MAX_NAME = 64
_MAX_NAMES = 4096


def _canonical_name(shape: tuple[str | None, ...], key: Any) -> bool:
    aliases = _LEVEL_ALIASES[shape]
    return isinstance(key, str) and len(key) <= _MAX_NAME and aliases.get(textmod.normalize(key), key) == key


def _all_canonical(mapping: Any, shape: tuple[str | None, ...]) -> bool:
    if not isinstance(mapping, dict):
        return True
    known = _NOT_ALIASES[shape]
    if mapping.keys() <= known:
        return True
    for key in mapping:
        if key not in known:
            if not _canonical_name(shape, key):
                return False
            if len(known) < _MAX_NAMES:
                known.add(key)
    return True


def _written_canonical(top: dict[str, Any]) -> bool:
    """Whether no key of the plan is an alias (_Canonical.copy would rename none)."""
    if not _all_canonical(top, ()) or not _all_canonical(top.get("plan"), ("plan",)):
        return False
    for name in ("items", "hosting", "accountability"):
        entries = top.get(name)
        if not isinstance(entries, list):
            continue
        shape = (name, None)
        for entry in entries:
            if not _all_canonical(entry, shape):
                return False
            measures = entry.get("measures") if name == "items" and isinstance(entry, dict) else None
            if isinstance(measures, list) and not all(_all_canonical(m, ("items", None, "measures", None))
                                                      for m in measures):
                return False
    return True


def _validate(data: Any, name: str, canonical: _Canonical) -> None:
    error = schema_error("plan", data)
    if error is None:
        return
    path = tuple(error.absolute_path)
    line, column = _nearest(canonical.values, path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        # Point at the unexpected key itself, not at the mapping holding it.
        allowed = error.schema.get("properties", {})
        extra = [key for key in error.instance if key not in allowed]
        if extra and path + (extra[0],) in canonical.keys:
            line, column = canonical.keys[path + (extra[0],)]
    cell = _cell_of(canonical.places, path)
    raise UserError(f"{cell}schema: {json_path(path)}: {_short(error.message)}", name, line, column)


def _cell_of(places: dict[PathKey, str], path: PathKey) -> str:
    """"整改台账!F12: " for a table's value, or nothing for a YAML plan."""
    while path and path not in places:
        path = path[:-1]
    return f"{places[path]}: " if path in places else ""


def _nearest(values: dict[PathKey, Pos], path: PathKey) -> Pos:
    while path and path not in values:
        path = path[:-1]
    return values.get(path, (1, 1))


def _short(message: str) -> str:
    return message if len(message) <= 200 else message[:197] + "..."


def _check_item_count(data: Any, name: str, canonical: _Canonical, limits: Limits) -> None:
    """A UserError at the first item past ``limits.max_items``."""
    items = data.get("items") if isinstance(data, dict) else None
    if isinstance(items, list) and len(items) > limits.max_items:
        path = ("items", limits.max_items)
        line, column = _nearest(canonical.values, path)
        raise UserError(f"{_cell_of(canonical.places, path)}a plan of {len(items):,} items is over the limit of "
                        f"{limits.max_items:,} items", name, line, column)


def _check_unique_ids(plan: Plan) -> None:
    seen: set[str] = set()
    for index, item in enumerate(plan.data["items"]):
        key = str(item["id"])
        if key in seen:
            line, column = plan.locate(("items", index, "id"))
            raise UserError(f"{_cell_of(plan.places, ('items', index, 'id'))}item id {key!r} used twice; "
                            "item ids must be unique in a plan", plan.file, line, column)
        seen.add(key)


def _item(index: int, raw: dict[str, Any], numbers: dict[PathKey, str]) -> Item:
    path = ("items", index)
    measures = [_measure(path + ("measures", i), m) for i, m in enumerate(raw.get("measures") or [])]
    # A deadline YAML took for a number (2024.06, 20240630) is read as written.
    deadline = numbers.get(path + ("deadline",), raw.get("deadline"))
    return Item(index, str(raw["id"]), path, raw, parse_deadline(deadline), measures, Text.of(raw.get("target")))


def _measure(path: PathKey, raw: Any) -> Measure:
    if isinstance(raw, dict):
        text, declared = Text.of(raw.get("text")), raw.get("kind")
        return Measure(path, text, declared or infer_kind(text.affirmed), declared,
                       raw.get("scope"), raw.get("legal_basis"))
    text = Text.of(raw)
    return Measure(path, text, infer_kind(text.affirmed), None, None, None)


def infer_kind(norm: str) -> str:
    """The kind of a measure written without one, from its affirmed text.

    Accountability only when every clause is accountability and none also
    remedies the problem; a clause that only declares the item closed
    (该问题予以销号) counts for neither.
    """
    if not _ACCOUNTABILITY_HINT.search(norm):
        return "other"
    clauses = [_FAILURE_MODIFIER.sub("", c) for c in re.split(r"[,;。\n]", norm) if c.strip()]
    # A clause masked as negated (坚决__________) holds only its adverb.
    substantive = [c for c in clauses if len(c.replace(textmod.MASK, "").strip()) > 2 and not _NEUTRAL_CLAUSE.match(c)
                   and (not _CLOSURE_CLAUSE.search(c) or _ACCOUNTABILITY_CLAUSE.search(c))]
    if substantive and all(_ACCOUNTABILITY_CLAUSE.search(c) and not _REMEDIATION_CLAUSE.search(c)
                           for c in substantive):
        return "accountability"
    return "other"


def _hosting(index: int, raw: Any) -> Hosting:
    if isinstance(raw, dict):
        return Hosting(("hosting", index), Text.of(raw.get("text")))
    return Hosting(("hosting", index), Text.of(raw))
