"""Facts: what the rule engine sees of a plan.

Each fact is a flat JSON object with a type ``t`` and a unique ``key`` (the
value's path in the plan). Facts carry only the fields rules use, which are
listed in FIELDS so that the rule registry can reject a condition on a
field that does not exist.
"""

from __future__ import annotations

import datetime
import re
import weakref
from dataclasses import dataclass
from collections.abc import Mapping, Set as AbstractSet
from typing import Any, NamedTuple

from .dates import parse_date
from .literals import gated
from .model import _ACCOUNTABILITY_HINT, Item, Measure, Plan, infer_kind, path_text
from .quantities import escort_count, target_quantity
from .read import PathKey
from .text import _CJK, affirmed, lawful, normalize, short_cache

# Facts are asserted in this order. A rule that requires that *no* fact of
# some type exists ("unless") must name a type asserted before its subject:
# durable_rules loses queued actions when a later fact retracts a negation
# frame inside one batch, and accounting would then fail the run.
ORDER = ("run", "measure", "extension", "parent_item", "item", "link", "accountability", "hosting", "plan")

# Field name -> type, per fact type; "text" fields are strings rules match.
FIELDS: dict[str, dict[str, str]] = {
    "measure": {"item": "key", "item_id": "string", "kind": "string", "declared_kind": "string",
                "scope": "string", "has_legal_basis": "boolean", "lawful": "boolean", "placeholder": "boolean",
                "text": "text", "affirmed": "text", "untargeted": "text"},
    "item": {"item_id": "string", "status": "string", "source": "string", "deadline_kind": "string",
             "deadline": "number", "has_target": "boolean", "has_owner": "boolean", "target": "text",
             "target_affirmed": "text", "target_untargeted": "text", "verified": "boolean",
             "verification_kind": "string", "has_completed": "boolean", "has_milestones": "boolean",
             "span_days": "number", "due": "number", "deadline_md": "number",
             "livelihood": "boolean", "heating": "boolean", "has_safeguard": "boolean",
             "complaint": "boolean", "has_result": "boolean", "has_disclosure": "boolean",
             "has_lookback": "boolean", "progress_age": "number", "task": "string",
             "has_lead_unit": "boolean", "has_responsible_units": "boolean",
             "has_responsible_leader": "boolean", "has_responsible_person": "boolean", "has_measures": "boolean",
             "implements": "string", "parent_loaded": "boolean", "completed_day": "number",
             "target_value": "number", "target_unit": "string", "target_sense": "string"},
    # An item of the plan this one implements (plan.parent), for comparing.
    "parent_item": {"item_id": "string", "due": "number", "target_value": "number", "target_unit": "string",
                    "target_sense": "string"},
    "link": {"accountability": "key", "item_id": "string"},
    # The run itself: the date checks are made as of (--as-of), as a day number.
    "run": {"as_of": "number", "as_of_md": "number"},
    "extension": {"item": "key", "has_reason": "boolean", "has_approval": "boolean", "to": "number"},
    "accountability": {"has_basis": "boolean", "action": "text", "basis": "text"},
    "hosting": {"text": "text", "affirmed": "text", "escort_count": "number"},
    "plan": {"plan_id": "string", "items": "number", "parent": "string", "has_disclosure": "boolean", "disclosure_days": "number",
             "complaint_disclosure_days": "number", "complaints": "number", "has_party_lead": "boolean",
             "has_government_lead": "boolean", "inspection_start": "number"},
}


class Subject(NamedTuple):
    """What a fact stands for in the plan, for locating findings (a named
    tuple: one is made for every fact, and a tuple is made fastest)."""

    path: PathKey
    item: str | None


# What clerks write where they have nothing to write: an owner of 有关部门
# or a basis of 无 answers for nothing.
_PLACEHOLDER = re.compile(r"^(?:[-—–/\\_.。、 ]*|无|暂无|待定|待制定|待明确|不详|略|见上|同上|"
                          r"各?(?:有关|相关)[^,;。]{0,4}(?:部门|单位|乡镇|方面|人员)|责任单位|牵头单位|n/?a|none|null|tbd)$",
                          re.IGNORECASE)
# A basis must say what was found; a bare decision (经研究决定) says nothing.
_FACT_FINDING = re.compile(r"调查|核查|查明|查实|认定|核实|经查|审计|发现|存在|未|不力|违反|导致|造成|不到位|失察|失责|"
                           r"负有|履职|监管|滞后|失职|渎职")


def present(value: Any) -> bool:
    """Whether a field holds something other than blank or a placeholder."""
    if isinstance(value, str):
        known = _PRESENT.get(value)
        return _present_text(value) if known is None else known
    if value is None:
        return False
    if type(value) in _WRITTEN_PRESENT:
        return True
    if isinstance(value, list):
        return any(present(v) for v in value)
    return _present_text(str(value))


# Values whose text (a mapping's "{...}", a number's digits, True, False)
# starts with a character no placeholder holds: present, without writing
# them out (a milestone or a verification record is a mapping).
_WRITTEN_PRESENT = frozenset({dict, int, bool})


# A plan asks this of the same owner or status many times: the answers for
# short texts (at most 1,000 characters, 16,384 of them) are kept, looked up
# by present itself.
_PRESENT: dict[str, bool] = {}
_MAX_PRESENT = 16384


def _present_text(text: str, norm: str | None = None) -> bool:
    """present(text) for a str; ``norm``, when at hand (a Text holds it), is
    normalize(text), so that a measure or target is not normalised again."""
    known = _PRESENT.get(text)
    if known is None:
        known = not _PLACEHOLDER.match((normalize(text) if norm is None else norm).strip())
        if len(text) <= 1000:
            if len(_PRESENT) >= _MAX_PRESENT:
                _PRESENT.clear()
            _PRESENT[text] = known
    return known


def states_facts(basis: Any) -> bool:
    return present(basis) and bool(_FACT_FINDING.search(normalize(str(basis))))


def day_number(date: datetime.date | None) -> int | None:
    return date.toordinal() if date else None


@dataclass(frozen=True)
class Parent:
    """What became of ``plan.parent``: ``status`` is none (no parent named),
    ok, missing, unreadable or outside (beyond the folders being checked)."""

    status: str
    plan: Plan | None = None


def plan_facts(plan: Plan, as_of: datetime.date | None = None, parent: Parent | None = None,
               reads: Mapping[str, AbstractSet[str]] | None = None
               ) -> tuple[list[dict[str, Any]], dict[str, Subject]]:
    """The facts of a plan in assertion ORDER, and what each key stands for.

    ``reads`` (fact type -> field names), when given, says which fields the
    facts are for (compliance.engine.Ruleset.reads): the costlier fields no
    rule reads are then not worked out, and left out. A fact holds no field
    whose value is None; its fields keep one order, a field without a value
    left out where it would stand."""
    as_of = as_of or datetime.date.today()
    parent = parent or Parent("none")
    facts: list[dict[str, Any]] = [{"t": "run", "as_of": day_number(as_of), "as_of_md": as_of.month * 100 + as_of.day,
                                    "key": "run"}]
    subjects: dict[str, Subject] = {"run": Subject(("run",), None)}

    def add(fact: dict[str, Any], key: str, path: PathKey, item: str | None) -> None:
        fact["key"] = key
        subjects[key] = Subject(path, item)
        facts.append(fact)

    item_keys = [_key(item.path) for item in plan.items]
    for item, item_key in zip(plan.items, item_keys):
        for index, measure in enumerate(item.measures):
            add(_measure(item, item_key, measure), _measure_key(item_key, item.path, measure.path, index),
                measure.path, item.id)
    for item, item_key in zip(plan.items, item_keys):
        for index, extension in enumerate(item.data.get("extensions") or []):
            path = item.path + ("extensions", index)
            add(_extension(item_key, extension), _key(path), path, item.id)
    if parent.plan is not None:
        for fact, subject in _parent_facts(parent.plan):
            facts.append(fact)
            subjects[fact["key"]] = subject
    issued = parse_date(plan.data["plan"].get("issued"))
    item_reads = None if reads is None else reads.get("item", frozenset())
    complaints = 0
    for item, item_key in zip(plan.items, item_keys):
        fact = _item_fact(item, issued, as_of, parent, item_reads)
        complaints += fact["complaint"]
        add(fact, item_key, item.path, item.id)
    for record in plan.accountability:
        record_key = _key(record.path)
        for index, item_id in enumerate(record.data.get("items") or []):
            path = record.path + ("items", index)
            add({"t": "link", "accountability": record_key, "item_id": str(item_id)}, _key(path), path, None)
    # An action is a text of its own, not normalised for anything else: left
    # out where no rule reads it.
    action_read = reads is None or "action" in reads.get("accountability", frozenset())
    for record in plan.accountability:
        fact = {"t": "accountability", "has_basis": states_facts(record.data.get("basis"))}
        if action_read:
            fact["action"] = affirmed(normalize(str(record.data.get("action") or "")))
        fact["basis"] = affirmed(normalize(str(record.data.get("basis") or "")))
        add(fact, _key(record.path), record.path, _single_item(record.data))
    for hosting in plan.hosting:
        fact = {"t": "hosting", "text": hosting.text.norm, "affirmed": hosting.text.affirmed}
        _put(fact, "escort_count", escort_count(hosting.text.affirmed))
        add(fact, _key(hosting.path), hosting.path, None)
    add(_plan(plan, parent, complaints), "plan", (), None)
    return facts, subjects


def _put(fact: dict[str, Any], name: str, value: Any) -> None:
    # A fact leaves out a field that has no value.
    if value is not None:
        fact[name] = value


# The text of a path (items[2].measures[1]), kept for the short paths plans
# repeat from one to the next (a few tuples of a name and a number each).
_KEYS: dict[PathKey, str] = {}
_MAX_KEYS = 65536


def _key(path: PathKey) -> str:
    key = _KEYS.get(path)
    if key is None:
        key = path_text(path) or "plan"
        if len(path) <= 6:
            if len(_KEYS) >= _MAX_KEYS:
                _KEYS.clear()
            _KEYS[path] = key
    return key


def _measure_key(item_key: str, item_path: PathKey, path: PathKey, index: int) -> str:
    # A measure's path is its item's and then ("measures", index): its text follows from the item's.
    if path == item_path + ("measures", index):
        return f"{item_key}.measures[{index}]"
    return _key(path)


# The facts of a parent plan's items: the same for every child plan that
# names it, so built once per parent while it lives (a few parents at a time).
_PARENTS: dict[int, tuple[weakref.ref[Plan], list[tuple[dict[str, Any], Subject]]]] = {}
_MAX_PARENTS = 8


def _parent_facts(plan: Plan) -> list[tuple[dict[str, Any], Subject]]:
    cached = _PARENTS.get(id(plan))
    if cached is not None and cached[0]() is plan:
        return cached[1]
    built = []
    for item in plan.items:
        path = ("parent",) + item.path
        fact = _parent_item(item)
        fact["key"] = key = _key(path)
        built.append((fact, Subject(path, None)))
    if len(_PARENTS) >= _MAX_PARENTS:
        del _PARENTS[next(iter(_PARENTS))]
    _PARENTS[id(plan)] = (weakref.ref(plan), built)
    return built


def _measure(item: Item, item_key: str, measure: Measure) -> dict[str, Any]:
    text = measure.text
    fact = {"t": "measure", "item": item_key, "item_id": item.id, "kind": measure.kind}
    _put(fact, "declared_kind", measure.declared_kind)
    _put(fact, "scope", measure.scope)
    fact["has_legal_basis"] = bool(str(measure.legal_basis or "").strip())
    fact["lawful"] = lawful(text.norm)
    fact["placeholder"] = not _present_text(text.original, text.norm)
    fact["text"] = text.norm
    fact["affirmed"] = text.affirmed
    fact["untargeted"] = text.untargeted
    return fact


def _item_fact(item: Item, issued: datetime.date | None, as_of: datetime.date, parent: Parent,
               reads: AbstractSet[str] | None = None) -> dict[str, Any]:
    """An item's fact: what it states, then what its ledger records over
    time; of the costlier fields, only those in ``reads`` (None: all)."""
    get = item.data.get
    deadline = item.deadline.date
    target = item.target
    verification = get("verification")
    verified = _verified(verification)
    has_lead_unit = present(get("lead_unit"))
    has_responsible_units = present(get("responsible_units"))
    fact = {"t": "item", "item_id": item.id, "status": get("status") or "unknown",
            "source": get("source") or "unknown", "deadline_kind": item.deadline.kind}
    if deadline is not None:
        fact["deadline"] = deadline.toordinal()
    written_target = get("target")
    fact["has_target"] = (_present_text(written_target, target.norm) if written_target == target.original
                          and type(written_target) is str
                          else present(written_target))
    fact["has_owner"] = has_lead_unit or has_responsible_units
    fact["target"] = target.norm
    fact["target_affirmed"] = target.affirmed
    fact["target_untargeted"] = target.untargeted
    fact["verified"] = verified
    fact["has_completed"] = present(get("completed"))
    fact["has_milestones"] = present(get("milestones"))
    if issued and deadline:
        fact["span_days"] = (deadline - issued).days
    _put(fact, "due", _due_day(item))
    fact["verification_kind"] = _verification_kind(verification)
    quantity = target_quantity(target.affirmed)
    if quantity is not None:
        fact["target_value"] = quantity.value
        fact["target_unit"] = quantity.unit
        fact["target_sense"] = quantity.sense
    _put(fact, "completed_day", day_number(parse_date(get("completed"))))
    if deadline:
        fact["deadline_md"] = deadline.month * 100 + deadline.day
    fact["livelihood"], fact["heating"] = _livelihood(item)
    fact["has_safeguard"] = _safeguarded(item)
    fact["complaint"] = _complaint(get("source"))
    fact["has_result"] = present(get("result")) or verified
    fact["has_disclosure"] = _recorded(get("disclosure"))
    if reads is None or "has_lookback" in reads:
        fact["has_lookback"] = _recorded(get("lookback"))
    if reads is None or "progress_age" in reads:
        _put(fact, "progress_age", _progress_age(get("progress"), issued, as_of))
    if reads is None or "task" in reads:
        fact["task"] = _task(item.data)
    fact["has_lead_unit"] = has_lead_unit
    fact["has_responsible_units"] = has_responsible_units
    if reads is None or "has_responsible_leader" in reads:
        fact["has_responsible_leader"] = present(get("responsible_leader"))
    if reads is None or "has_responsible_person" in reads:
        fact["has_responsible_person"] = present(get("responsible_person"))
    if reads is None or "has_measures" in reads:
        fact["has_measures"] = any(present(m.text.original) for m in item.measures)
    implements = get("implements")
    if implements is not None and str(implements).strip() != "":
        fact["implements"] = str(implements).strip()
        fact["parent_loaded"] = parent.plan is not None
    return fact


# Sectors touching people's livelihood, when an item does not list them:
# read from what the item is about (problem, target), never from measures
# alone, which name many things they do not touch.
_SECTORS = {
    # 采暖季/供暖期 alone is a season, not the sector: 采暖季涉气企业未落实减排.
    # Loose coal burnt in homes (农村散煤复烧, 民用散煤) and the clean-heating
    # switch (煤改气/煤改电) are how villages keep warm; a cogeneration plant
    # (热电厂) heats a town. A coal yard's dust (散煤销售点扬尘) is not heating.
    "heating": re.compile(r"(?:供热|供暖|采暖|取暖)(?![季期])|热力|热源|暖气|煤改[气电]|热电(?:厂|联产|机组|公司)|"
                          r"(?:农村|居民|民用|家庭|冬季|山区|平原)散煤|散煤(?:复烧|燃烧|散烧|燃用|使用|污染|治理|管控|替代)"),
    "gas": re.compile(r"燃气|供气|天然气|液化气"),
    # A waterworks named only as a landmark (自来水厂取水口上游的排污口) is
    # not what the item acts on.
    "water": re.compile(r"(?:供水|自来水|(?<!污)水厂)(?![^,;。]{0,6}(?:上游|下游|周边|周围|附近))"),
    "power": re.compile(r"供电|电网"),
    "food": re.compile(r"粮油|粮食|食品供应|农贸市场|菜市场"),
    "transport": re.compile(r"公交|客运"),
}
# A safeguard written into a measure counts as one (先立后破, 确保群众温暖过冬,
# 确保城区供水不受影响, 临时供水点), and so does the same order in words
# (管网接入后拆除, 替代到位后淘汰, 新热源投运后关停; 投运前不得拆除, 保留原锅炉)
# or a stop timed outside the heating season (非采暖季, 供暖期结束后). Read on
# the full text: the order is often a prohibition (建成前不得拆除) and 替代
# is also a negator (清洁能源替代到位后予以淘汰).
_SUPPLY = r"(?:供应|供暖|供热|供气|供水|供电|用气|用热|用水|用电|取暖|民生|过冬)"
_STOP = r"(?:拆除|关停|停运|停用|关闭|取缔|淘汰|停炉|停机|停产|退出)"
# The replacement is in service: 新热源投运, 管网接入, 清洁能源替代到位.
_READY = (r"(?:投运|投产|并网|接入|通气|通电|通水|通热|建成|(?:改造|替代|建设)完成|"
          r"(?:替代|热源|气源|电源|水源|供热|供气|供电|管网|改造)[^,;。]{0,4}到位)")
_SAFEGUARD = re.compile(r"先立后破|不立不破|先建后拆|先通后停|先替代后|以(?:供|气|电|热)定改|温暖过冬|"
                        rf"(?:保障|确保|保证)[^,;。]{{0,10}}{_SUPPLY}(?!企业|公司|单位|锅炉|机组|设施|厂|站)|不影响[^,;。]{{0,8}}{_SUPPLY}|{_SUPPLY}[^,;。]{{0,4}}不受影响|"
                        r"(?<!确)保供|稳供|备用|应急[^,;。]{0,4}(?:热源|气源|水源|供)|替代[^,;。]{0,6}(?:热源|气源|能源|方案|设施)|过渡|"
                        r"临时(?:供水|供气|供热|热源|气源|水源|供应)|送水|联网调度|(?:调度|调配)[^,;。]{0,4}(?:供水|供气|供热|水源|气源|热源)|"
                        r"保留(?:原有|原)[^,;。]{0,6}(?:取暖|供暖|供热|锅炉|热源|气源|水源|设施)|"
                        rf"{_READY}(?:后|之后|以后)[^;。]{{0,16}}{_STOP}|"
                        rf"{_READY}(?:前|之前|以前)[^;。]{{0,8}}(?:不得|严禁|禁止|不|暂缓|保留)[^;。]{{0,4}}{_STOP}|"
                        # limited to where the replacement is in: 已完成"煤改电"的村庄
                        r"已(?:经)?(?:完成|实现|实施)[^,;。]{0,10}(?:改造|煤改[气电]|清洁取暖|替代|集中供热|并网|通气|通电)\"?"
                        r"(?:的|后的)(?:村庄|村|社区|小区|区域|农户|用户|片区)|"
                        r"非(?:采暖|供暖|供热)(?:季|期)|(?:采暖|供暖|供热)(?:季|期)(?:结束|过后)|停暖后")
_COMMON_TASK = re.compile(r"^各|全(?:市|县|区|省)|所有")


# Whether an item touches any sector, and whether heating: one search of
# the others together (a match of one alternative is a match of the whole).
# Each behind its literal prefilter: these patterns start with groups, so
# re tries every alternative at every character; most texts name no sector.
_HEATING = gated(_SECTORS["heating"])
_OTHER_SECTORS = gated(re.compile("|".join(f"(?:{p.pattern})" for name, p in _SECTORS.items() if name != "heating")))
_HEATING_NAMES = frozenset({"heating", "供热", "供暖", "采暖"})


def _sectors(item: Item) -> set[str]:
    declared = item.data.get("livelihood")
    if isinstance(declared, list) and present(declared):
        return {normalize(str(s)) for s in declared if present(s)}
    about = normalize(f"{item.data.get('problem') or ''} {item.data.get('target') or ''}")
    return {name for name, pattern in _SECTORS.items() if pattern.search(about)}


# Characters that stay themselves, visible, through normalize (an ideograph
# may become another, never a space): a text ending (or starting) with one
# has no blank there for normalize to join across.
_SOLID = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz。、\"”)）%")


def _solid(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or char in _SOLID


def _about(item: Item) -> str:
    """normalize(f"{problem} {target}"), the target's part taken from its
    Text: normalize works character by character but for blanks, which it
    drops between Chinese characters (text._join_cjk) and strips at the ends;
    between a problem and a target that end and start with solid characters
    the one blank is dropped or kept as that rule says. Saves normalising
    every target a second time, inside a text never seen before."""
    problem = f"{item.data.get('problem') or ''}"
    target = f"{item.data.get('target') or ''}"
    if not (problem and target and target == item.target.original and _solid(problem[-1]) and _solid(target[0])):
        return normalize(f"{problem} {target}")
    head, tail = normalize(problem), item.target.norm
    if not head or not tail:
        return head or tail
    return f"{head}{tail}" if _CJK.match(head[-1]) or _CJK.match(tail[0]) else f"{head} {tail}"


def _livelihood(item: Item) -> tuple[bool, bool]:
    """(livelihood, heating): whether _sectors(item) names any sector, and heating."""
    declared = item.data.get("livelihood")
    if isinstance(declared, list) and present(declared):
        sectors = _sectors(item)
        return bool(sectors), not _HEATING_NAMES.isdisjoint(sectors)
    about = _about(item)
    heating = _HEATING(about)
    return heating or _OTHER_SECTORS(about), heating


_SAFEGUARDED = gated(_SAFEGUARD)


def _safeguarded(item: Item) -> bool:
    return present(item.data.get("safeguard")) or any(_SAFEGUARDED(m.text.norm) for m in item.measures)


_COMPLAINT = re.compile(r"信访|举报|投诉|交办|转办")


def _complaint(source: Any) -> bool:
    text = normalize(str(source or ""))
    return text in ("complaint", "transferred") or _COMPLAINT.search(text) is not None


def _recorded(value: Any) -> bool:
    if isinstance(value, dict):
        return any(present(v) for v in value.values())
    return present(value)


def _progress_age(progress: Any, issued: datetime.date | None, as_of: datetime.date) -> int | None:
    """Days since the last progress record (or since the plan was issued,
    if there is none), as of the check date."""
    dates = [d for d in (parse_date(e.get("date")) for e in progress or [] if isinstance(e, dict)) if d]
    last = max(dates) if dates else issued
    return (as_of - last).days if last else None


def _task(data: dict[str, Any]) -> str:
    """individual (个性, one site) or common (共性, every area): as stated,
    else common when the item falls to every district or to several units."""
    stated = normalize(str(data.get("task") or ""))
    if stated in ("individual", "个性", "个性任务", "个性问题"):
        return "individual"
    if stated in ("common", "共性", "共性任务", "共性问题"):
        return "common"
    units = data.get("responsible_units")
    units = units if isinstance(units, list) else [units] if units else []
    if len(units) >= 3 or any(_COMMON_TASK.search(normalize(str(u))) for u in units):
        return "common"
    return "individual"


def _parent_item(item: Item) -> dict[str, Any]:
    fact = {"t": "parent_item", "item_id": item.id}
    _put(fact, "due", _due_day(item))
    fact.update(_target(item))
    return fact


def _target(item: Item) -> dict[str, Any]:
    """The figure the item's target states, for comparing with a parent's."""
    quantity = target_quantity(item.target.affirmed)
    if quantity is None:
        return {}
    return {"target_value": quantity.value, "target_unit": quantity.unit, "target_sense": quantity.sense}


def _due_day(item: Item) -> int | None:
    return day_number(_due(item)) if item.deadline.kind == "date" else None


_PARTY = re.compile(r"党|书记|中共|县委|市委|区委|省委|州委|旗委")
# A department's or a township's administrative head (局长, 厅长, 镇长) is its
# government-side lead beside the party secretary (党组书记, 镇党委书记).
_GOVERNMENT = re.compile(r"政府|县长|市长|区长|省长|州长|旗长|乡长|镇长|局长|厅长")


def _plan(plan: Plan, parent: Parent, complaints: int) -> dict[str, Any]:
    """The plan's fact; ``complaints``: how many of its items come from complaints."""
    meta = plan.data["plan"]
    disclosure = meta.get("disclosure") if isinstance(meta.get("disclosure"), dict) else {}
    interval = disclosure.get("interval_days")
    roles = [normalize(f"{lead.get('role') or ''} {lead.get('name') or ''}")
             for lead in meta.get("leadership") or [] if isinstance(lead, dict)]
    issuer = normalize(str(meta.get("issuer") or ""))
    party = any(r.startswith("party") or _PARTY.search(r) for r in roles) or bool(_PARTY.search(issuer))
    government = (any(r.startswith("government") or _GOVERNMENT.search(r) for r in roles)
                  or "政府" in issuer)
    fact = {"t": "plan", "plan_id": plan.id, "items": len(plan.items), "parent": parent.status,
            "has_disclosure": _recorded(meta.get("disclosure"))}
    _put(fact, "disclosure_days", _whole(interval))
    _put(fact, "complaint_disclosure_days", _whole(interval if disclosure.get("complaint_interval_days") is None
                                                   else disclosure["complaint_interval_days"]))
    fact["complaints"] = complaints
    fact["has_party_lead"] = party
    fact["has_government_lead"] = government
    _put(fact, "inspection_start", day_number(_inspection_start(meta.get("inspection"))))
    return fact


def _inspection_start(inspection: Any) -> datetime.date | None:
    """When the inspection arrived (stationed.from), else its feedback date."""
    if not isinstance(inspection, dict):
        return None
    stationed = inspection.get("stationed")
    start = parse_date(stationed.get("from")) if isinstance(stationed, dict) else None
    return start or parse_date(inspection.get("feedback"))


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _extension(item_key: str, extension: Any) -> dict[str, Any]:
    extension = extension if isinstance(extension, dict) else {}
    fact = {"t": "extension", "item": item_key, "has_reason": present(extension.get("reason")),
            "has_approval": present(extension.get("approved_by"))}
    _put(fact, "to", day_number(parse_date(extension.get("to"))))
    return fact


def _due(item: Item) -> datetime.date | None:
    """The deadline in force: the latest extension that gives a reason and
    an approval moves it; any other extension does not."""
    due = item.deadline.date
    for extension in item.data.get("extensions") or []:
        if isinstance(extension, dict) and present(extension.get("reason")) and present(extension.get("approved_by")):
            moved = parse_date(extension.get("to"))
            if moved and (due is None or moved > due):
                due = moved
    return due


def _verified(verification: Any) -> bool:
    """A verification says who checked or what they saw, not just a date."""
    if isinstance(verification, dict):
        return present(verification.get("evidence")) or present(verification.get("by"))
    return present(verification)


def _span(issued: datetime.date | None, deadline: datetime.date | None) -> int | None:
    return (deadline - issued).days if issued and deadline else None


def _verification_kind(verification: Any) -> str:
    if isinstance(verification, dict):
        verification = verification.get("evidence")
    norm = normalize(str(verification or ""))
    # infer_kind answers "other" at once when its affirmed text holds no
    # _ACCOUNTABILITY_HINT; masking only hides words (the same text, but for
    # its leading punctuation, with spans turned to MASK, newlines kept), so
    # a hint in the affirmed text is one in the normal text: evidence
    # without one needs no affirmed view (most evidence, each text new).
    if not _ACCOUNTABILITY_HINT.search(norm):
        return "other"
    return _kind_of_evidence(affirmed(norm))


@short_cache
def _kind_of_evidence(text: str) -> str:
    # Evidence is often a stock phrase (现场核查,设施正常运行), or absent.
    return infer_kind(text)


def _single_item(record: dict[str, Any]) -> str | None:
    items = record.get("items") or []
    return str(items[0]) if len(items) == 1 else None
