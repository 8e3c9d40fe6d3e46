"""Plans for the differential oracle (tests/test_oracle.py).

``cases(seed, count)`` yields ``count`` cases, each a plan (English field
names, plain data) to check in one profile as of one date, sometimes with
the parent plan it implements; case ``n`` depends only on the seed and
``n``. The first cases are the bundled rules' own pass and fail examples,
each as compliance.ruletests makes it into a plan, in its pack's profile;
then come plans drawn from three sources and recombined:

- the rules' examples: their items, measures, hosting lines,
  accountability records and plan fields, as fragments;
- benchmarks/generate.py: realistic plans and items (a city plan's
  counties, faults one item in eight) and its vocabulary;
- random values for every field: deadlines in every form the loader
  reads (dates around the issue and check dates, 年月底前, 季度, ranges,
  立行立改, 长期坚持, vague words, YAML numbers), statuses and sources in
  English, Chinese and ledger sentences, placeholders for owners and
  measures, measures of every kind and scope with or without a legal
  basis, targets with figures (tiny concentrations, 万吨) in the units a
  parent item uses, livelihood sectors and safeguards, completion,
  verification, disclosure, results, look-backs, milestones, extensions,
  progress records, task types, waivers, accountability records linked to
  items present and absent, hosting lines, and plan fields (leadership,
  issuer, disclosure intervals, inspection dates, a parent that is there,
  missing, unreadable or outside).

``text(case, plan)`` writes a plan as a clerk might: YAML (libyaml's or
the benchmark generator's, with English or Chinese field names) or JSON,
a third in traditional characters, some with full-width commas.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from compliance.rules import Rule, bundled_packs, load_rules
from compliance.ruletests import AS_OF, BASE_ITEM, BASE_PLAN, fragment_plan

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate as bench  # noqa: E402  (benchmarks/generate.py)

# Its writer asks PyYAML's resolver about every scalar; the same few
# hundred come back again and again.
bench._resolves_to_text = functools.lru_cache(maxsize=None)(bench._resolves_to_text)

# Every bundled profile, and the national one with other option values.
PROFILES = ("national", "sichuan-2017", "anyang-2022", "qinghai-2024")
OPTIONS_VARIANT = "national/options"
VARIANT_OPTIONS = {"max_escorts": 2, "milestone_span_days": 180, "engineering_min_days": 90,
                   "heating_season_start": 1101, "heating_season_end": 331, "mechanism_min_items": 3}
VARIANTS = (*PROFILES, OPTIONS_VARIANT)
# Check dates: inside the heating season and out of it, around the plans' dates.
AS_OF_DATES = (AS_OF, datetime.date(2024, 7, 1), datetime.date(2023, 12, 1), datetime.date(2025, 1, 20),
               datetime.date(2024, 11, 15), datetime.date(2025, 3, 15))
# Where a case's parent reference points (relative to the plan's own folder).
PARENT_FILE = "city.yaml"
BROKEN_PARENT = "../broken-parent.yaml"          # a file on disk that is no plan
PARENT_REFERENCES = {"missing": "no-such-parent.yaml", "unreadable": BROKEN_PARENT,
                     "outside": "../../outside/parent.yaml"}


@dataclass
class Style:
    """How a plan is written: ``writer`` yaml (libyaml), bench (the benchmark
    generator's YAML), bench-zh (the same with Chinese field names) or json."""

    writer: str = "yaml"
    traditional: bool = False
    fullwidth: bool = False

    def __str__(self) -> str:
        extras = [name for name in ("traditional", "fullwidth") if getattr(self, name)]
        return "+".join([self.writer, *extras])


@dataclass
class Case:
    number: int
    variant: str                 # a profile, or OPTIONS_VARIANT
    as_of: datetime.date
    plan: dict[str, Any]
    parent: dict[str, Any] | None = None
    style: Style = field(default_factory=Style)
    origin: str = ""             # what the case was made from, for messages

    def with_plans(self, plan: dict[str, Any], parent: dict[str, Any] | None) -> Case:
        return replace(self, plan=plan, parent=parent)


# --- writing ------------------------------------------------------------------

def suffix(case: Case) -> str:
    return ".json" if case.style.writer == "json" else ".yaml"


def text(case: Case, plan: dict[str, Any]) -> str:
    """A plan of the case as its style writes it."""
    style = case.style
    writer = style.writer
    if writer.startswith("bench") and _has_empty_mapping(plan):
        writer = "yaml"         # the benchmark's writer would write {} as text
    if writer == "json":
        written = json.dumps(plan, ensure_ascii=False, indent=1 if case.number % 2 else None)
    elif writer.startswith("bench"):
        written = _bench_yaml(plan, chinese=writer == "bench-zh")
    else:
        written = yaml.dump(plan, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
    if style.fullwidth:
        written = bench._CHINESE_COMMA.sub("，", written)
    if style.traditional:
        written = bench.traditional(written)
    return written


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def plain_yaml(plan: dict[str, Any]) -> str:
    """A plan as readable YAML, for messages."""
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False, width=1000)


def _bench_yaml(plan: dict[str, Any], chinese: bool) -> str:
    """The plan as benchmarks/generate.py writes one (its emitter, its Chinese
    field names), for whichever top-level parts the plan has."""
    out = [f"# {plan['plan'].get('title') or plan['plan']['id']}"]
    for key, value in plan.items():
        name = (bench.ZH_TOP if chinese else {}).get(key, key)
        if isinstance(value, list) and not value:
            out.append(f"{name}: []")
            continue
        out.append(f"{name}:")
        if key == "items":
            for item in value:
                lines: list[str] = []
                bench.emit(item, 4, lines, bench.ZH_ITEM if chinese else None)
                out.append(f"  - {lines[0].lstrip()}" if lines else "  - {}")
                out.extend(lines[1:])
        else:
            bench.emit(value, 2, out, bench.ZH_PLAN if chinese and key == "plan" else None)
    return "\n".join(out) + "\n"


def _has_empty_mapping(value: Any) -> bool:
    if isinstance(value, dict):
        return not value or any(_has_empty_mapping(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_empty_mapping(v) for v in value)
    return False


# --- the rules' examples ----------------------------------------------------------

@dataclass(frozen=True)
class Example:
    rule: str
    outcome: str
    index: int
    variant: str
    plan: dict[str, Any]
    parent: dict[str, Any] | None


@functools.lru_cache(maxsize=None)
def bundled_rules() -> tuple[Rule, ...]:
    return tuple(load_rules(list(bundled_packs().values()))[0])


def pack_of(rule: Rule) -> str:
    return Path(rule.file).parent.name


@functools.lru_cache(maxsize=None)
def examples() -> tuple[Example, ...]:
    """Every pass and fail example of every bundled rule, as the plan (and
    parent) compliance.ruletests makes of it."""
    found = []
    for rule in bundled_rules():
        variant = pack_of(rule) if pack_of(rule) in PROFILES else "national"
        for outcome in ("fail", "pass"):
            for index, example in enumerate(rule.examples.get(outcome) or []):
                example = plain(example)
                parent = None
                if isinstance(example, dict) and "parent_item" in example:
                    example = dict(example)
                    parent = plain(copy.deepcopy(BASE_PLAN))
                    parent["plan"]["id"] = "parent"
                    parent["items"] = [{**BASE_ITEM, "id": "P1", **example.pop("parent_item")}]
                plan = plain(yaml.safe_load(fragment_plan(rule.subject, example)))
                reference = plan["plan"].get("parent")
                if parent is not None:
                    plan["plan"]["parent"] = PARENT_FILE
                elif reference is not None:
                    plan["plan"]["parent"] = _reference_for(str(reference))
                found.append(Example(rule.id, outcome, index, variant, plan, parent))
    return tuple(found)


def _reference_for(reference: str) -> str:
    """An example's parent reference, as it reads from a case's folder."""
    if "broken" in reference:
        return BROKEN_PARENT
    if "outside" in reference:
        return PARENT_REFERENCES["outside"]
    return PARENT_REFERENCES["missing"]


def plain(value: Any) -> Any:
    """Data with dates as ISO text (as the loader gives them), for every writer."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()[:10]
    return value


@dataclass
class Pools:
    """Fragments of the rules' examples, for recombination."""

    items: list[dict[str, Any]]
    measures: list[Any]
    hosting: list[Any]
    accountability: list[dict[str, Any]]
    metas: list[dict[str, Any]]
    plan_items: list[list[dict[str, Any]]]


@functools.lru_cache(maxsize=None)
def pools() -> Pools:
    items, measures, hosting, accountability, metas, plan_items = [], [], [], [], [], []
    base_meta = plain(BASE_PLAN["plan"])
    for example in examples():
        plan = example.plan
        for item in plan["items"]:
            fragment = {k: v for k, v in item.items() if BASE_ITEM.get(k) != v or k in ("measures", "target")}
            fragment.pop("id", None)
            items.append(fragment)
            measures.extend(item.get("measures") or [])
        hosting.extend(plan.get("hosting") or [])
        accountability.extend(plan.get("accountability") or [])
        meta = {k: v for k, v in plan["plan"].items() if base_meta.get(k) != v and k != "parent"}
        if meta:
            metas.append(meta)
        if len(plan["items"]) > 1:
            plan_items.append(plan["items"])
    return Pools(items, measures, hosting, accountability, metas, plan_items)


# --- values for every field -----------------------------------------------------------

def iso(day: datetime.date) -> str:
    return day.isoformat()


def written_date(rng: random.Random, day: datetime.date) -> Any:
    """A date as plans write one."""
    form = rng.random()
    if form < 0.55:
        return iso(day)
    if form < 0.7:
        return f"{day.year}年{day.month}月{day.day}日"
    if form < 0.8:
        return f"{day.year}/{day.month}/{day.day}"
    if form < 0.9:
        return f"{day.year}年{day.month}月{day.day}日前"
    return int(day.strftime("%Y%m%d"))


def written_deadline(rng: random.Random, day: datetime.date) -> Any:
    """A dated deadline around ``day`` in one of the forms the loader reads."""
    form = rng.random()
    if form < 0.35:
        return iso(day)
    if form < 0.55:
        return f"{day.year}年{day.month}月底前"
    if form < 0.62:
        return f"{day.year}年第{'一二三四'[(day.month - 1) // 3]}季度"
    if form < 0.68:
        return f"{day.year}年{day.month}月{day.day}日前"
    if form < 0.72:
        return f"{day.year}年底" if rng.random() < 0.5 else f"{day.year}年底前"
    if form < 0.77:
        start = day - datetime.timedelta(days=rng.randint(60, 400))
        return f"{start.year}年{start.month}月至{day.year}年{day.month}月"
    if form < 0.8:
        return float(f"{day.year}.{day.month:02d}")          # YAML reads 2024.06 as a number
    if form < 0.83:
        return f"长期坚持,{day.year}年底前完成阶段任务"
    if form < 0.86:
        return "二〇二四年十二月底前"
    if form < 0.9:
        return int(day.strftime("%Y%m%d"))
    return f"{day.year}年{day.month}月{day.day}日"


STATIC_DEADLINES = ["立行立改", "立即整改", "即知即改", "长期坚持", "长期推进", "常态化", "尽快", "尽快完成", "适时",
                    "适时推进", "近期", "近期完成", "年内", "年底前", "待定", "明年底", "\"十四五\"期间", "十四五期间", None, "",
                    "2024年底", "2025年第一季度", "2024年6月至2025年12月", "2025年6月30日前", "2024.06", "2023-12-31",
                    "2024-03-15", "2024年11月30日前", "2025年1月底前", "2024年9月底前"]
STATUSES = ["in-progress", "in-progress", "not-started", "completed", "closed", None, "整改中", "已完成", "已销号",
            "未启动", "序时推进", "已完成围挡安装,道路硬化正在施工", "基本完成", "已办结", "完成", "推进中", "已验收销号",
            "尚未启动", "持续整改", "完成总工程量的60%"]
SOURCES = [*bench.SOURCES_EN, *bench.SOURCES_ZH, None, "群众来电", "上级转办", "信访件", "feedback", "群众投诉",
           "巡查发现"]
OWNER_PLACEHOLDERS = ["有关部门", "相关单位", "各有关部门", "  ", "", None, "待定", "责任单位", "各相关乡镇", "同上", "/"]
PERSON_PLACEHOLDERS = ["待定", "", None, "暂无", "不详", "—"]
PROBLEMS = ["县城集中供热锅炉超标排放", "乡镇供水站消毒不规范", "城区燃气储配站安全距离不足", "农村散煤复烧",
            "热电厂脱硝设施运行不稳定", "自来水厂取水口上游有排污口", "城区公交场站扬尘", "农贸市场污水直排",
            "某化工企业废水超标", "群众信访反映养殖场异味扰民", "煤改气后部分村庄供气不足", "供电所旁废弃物堆放"]
TARGET_TEMPLATES = [("PM2.5年均浓度降至{n}微克/立方米", 30, 45), ("优良天数比例达到{n}%", 75, 90),
                    ("完成{n}家企业深度治理", 8, 40), ("城市生活污水集中收集率达到{n}%以上", 60, 85),
                    ("化学需氧量浓度降至{n}毫克/升", 20, 40), ("氨氮浓度控制在{n}毫克/升以内", 1, 5),
                    ("汞浓度降至0.0000{n}毫克/升", 1, 9), ("镉浓度不超过0.000{n}毫克/升", 1, 9),
                    ("总磷浓度降至0.{n}毫克/升以下", 1, 5), ("完成{n}万吨固废综合利用", 1, 12),
                    ("补植复绿{n}亩", 10, 500), ("关闭{n}个入河排污口", 2, 30), ("拆除{n}台燃煤锅炉", 1, 20),
                    ("完成1{n}.5万立方米清淤", 1, 9), ("二氧化硫排放量削减至{n}吨以下", 100, 900),
                    ("完成十{n}家企业整治", 1, 9), ("完成{n}0000000000000000家企业治理", 1, 9)]
BLANKET_TARGETS = ["全县砖瓦窑一律关停", "辖区所有养殖场全部关停", "督察进驻期间全县砖瓦窑全部关停", "先停再说,确保不出问题",
                   "2024年底前依法关停全县3家未批先建砖厂", "杜绝\"一刀切\",分类整治到位"]
MEASURE_KINDS = ["remediation", "shutdown", "production-limit", "relocation", "accountability", "monitoring",
                 "mechanism", "other"]
LEGAL_BASES = ["《中华人民共和国大气污染防治法》第九十九条", "《水污染防治法》第八十三条", "", None, "依法", "无"]
EVIDENCE = ["现场核查,设施正常运行", "监测报告显示稳定达标", "已对相关责任人问责处理,予以销号", "已对责任人问责,予以销号",
            "约谈相关负责人", "无", "", "现场抽查20家,全部整改到位", "经研究决定予以销号"]
VERIFIERS = ["县整改办", "市生态环境局", "县督查室", "", None, "有关部门"]
RESULTS = ["已办结,处理结果已向举报人反馈", "经核实,已责令停止排污并完成整改", "", None, "无", "已拆除违建并复绿"]
TASKS = ["individual", "common", "个性", "共性", "个性任务", "共性问题", None, "", "其他"]
SECTORS = [["heating"], ["gas"], ["water"], ["power"], ["food"], ["transport"], ["heating", "water"], ["供热"],
           ["供暖"], [], None, ["暂无"]]
SAFEGUARDS = [*bench.SAFEGUARD, "由邻县储配站应急保供", "", None, "暂无", "新建燃气热源投运后再关停"]
LEADERSHIPS = [[{"role": "party", "name": "县委书记"}, {"role": "government", "name": "县长"}],
               [{"role": "party", "name": "县委书记"}], [{"role": "government", "name": "县长"}],
               [{"role": "组长", "name": "局党组书记、局长"}], [{"role": "组长", "name": "县委副书记"}],
               [{"name": "市长"}, {"name": "市委书记"}], [], None]
ISSUERS = ["中共某县委 某县人民政府", "中共某市委 某市人民政府", "某县整改工作领导小组", "某县人民政府", "某市水务局",
           "县委办公室", None]
INTERVALS = [0, 1, 3, 4, 7, 15, 30, 60, 92, 93, 120, None]
HOSTING_EXTRA = ["陪同人员控制在8人以内", "由县生态环境局安排6人陪同督察组下沉检查", "陪同人员不超过3人",
                 "仅安排1名联络员全程陪同对接", "督察组一行8人由县生态环境局1名副局长陪同检查", "陪同人员共2名",
                 "安排3人陪同", "由属地政府安排专人陪同,人数控制在一万万万万万名以内", {"text": "工作用餐在机关食堂安排"}]
BASES = [*bench.BASES, None, "", "按照督察组要求,对存在问题的乡镇一律问责", "经调查认定推进不力"]
CATEGORIES = ["air", "water", "soil", "ecology", "solid-waste", "大气", "水"]


def measure(rng: random.Random, subject: str = "砖瓦窑") -> Any:
    """One measure: from the examples, the benchmark's vocabulary, or a
    random text with a random kind, scope and legal basis."""
    roll = rng.random()
    if roll < 0.4:
        found = copy.deepcopy(rng.choice(pools().measures))
    elif roll < 0.75:
        text = rng.choice(bench.REMEDIATION + bench.MECHANISM + bench.BAD_MEASURES + bench.ACCOUNTABILITY_ONLY
                          + bench.SAFEGUARD + [law[0] for law in bench.SHUTDOWN])
        found = text.format(s=subject, n=rng.randint(10, 500))
    elif roll < 0.85:
        text, law = rng.choice(bench.SHUTDOWN)
        found = {"text": text.format(s=subject), "kind": "shutdown", "scope": "targeted", "legal_basis": law}
    else:
        found = rng.choice(["暂无", "待制定", "", "关停燃煤供热锅炉", "对热电厂实施限产", "对城区水厂实施停产整治",
                            "实施管网改造工程", "编制管网改造方案", "建立长效机制"])
    if rng.random() < 0.3:                 # a declared kind, scope or legal basis, right or wrong
        found = {"text": found["text"] if isinstance(found, dict) else found,
                 **({k: v for k, v in found.items() if k != "text"} if isinstance(found, dict) else {})}
        for name, values in (("kind", MEASURE_KINDS), ("scope", ["targeted", "blanket"]), ("legal_basis", LEGAL_BASES)):
            if rng.random() < 0.4:
                found[name] = rng.choice(values)
            elif rng.random() < 0.2:
                found.pop(name, None)
    return found


def measures(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice([None, [], "实施提标改造", "暂无"])
    return [measure(rng) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]


def target(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.35:
        text, low, high = rng.choice(TARGET_TEMPLATES)
        return text.format(n=rng.randint(low, high))
    if roll < 0.5:
        return rng.choice(BLANKET_TARGETS)
    if roll < 0.6:
        return rng.choice([None, "", "待定", "无"])
    return f"{rng.randint(2023, 2026)}年{rng.choice(['6', '10', '12'])}月底前{rng.choice(bench.GOALS)}"


@dataclass
class Context:
    """What a plan's dates hang on."""

    rng: random.Random
    as_of: datetime.date
    issued: datetime.date
    inspection: datetime.date

    def around(self, low: int, high: int, base: datetime.date | None = None) -> datetime.date:
        return (base or self.as_of) + datetime.timedelta(days=self.rng.randint(low, high))


def deadline(ctx: Context) -> Any:
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(STATIC_DEADLINES)
    if roll < 0.45:        # soon after the plan is issued (engineering in too few days)
        return written_deadline(rng, ctx.around(-5, 120, ctx.issued))
    if roll < 0.65:        # long after it (milestones)
        return written_deadline(rng, ctx.around(300, 900, ctx.issued))
    return written_deadline(rng, ctx.around(-200, 300))   # around the check date (overdue, heating season)


def completed(ctx: Context) -> Any:
    roll = ctx.rng.random()
    if roll < 0.15:
        return ctx.rng.choice([None, "", "待定"])
    if roll < 0.35:        # before the inspection arrived
        return written_date(ctx.rng, ctx.around(-120, -1, ctx.inspection))
    return written_date(ctx.rng, ctx.around(-200, -1))


def verification(ctx: Context) -> Any:
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.15:
        return rng.choice([None, "", "2024年2月28日经县整改办现场核查", "已对责任人问责,予以销号"])
    found: dict[str, Any] = {}
    if rng.random() < 0.7:
        found["by"] = rng.choice(VERIFIERS)
    if rng.random() < 0.6:
        found["date"] = written_date(rng, ctx.around(-100, -1))
    if rng.random() < 0.7:
        found["evidence"] = rng.choice(EVIDENCE)
    return found or None


def item_disclosure(ctx: Context) -> Any:
    rng = ctx.rng
    return rng.choice([None, "", "2023年9月14日在县融媒体中心公示", {"date": iso(ctx.around(-60, -1)), "channel": "县政府网站"},
                       {"channel": None}, {"date": None, "channel": ""}])


def lookback(ctx: Context) -> Any:
    rng = ctx.rng
    return rng.choice([None, iso(ctx.around(10, 200)), {"date": iso(ctx.around(10, 200)), "by": "县整改办"},
                       {"by": ""}, ""])


def milestones(ctx: Context) -> Any:
    rng = ctx.rng
    return rng.choice([[], [{"date": iso(ctx.around(60, 180, ctx.issued)), "goal": "完成方案设计和招标"},
                            {"date": iso(ctx.around(200, 360, ctx.issued)), "goal": "完成主体工程"}],
                       ["2024年6月底前完成一期"], [{"goal": ""}], ["暂无"]])


def extensions(ctx: Context) -> Any:
    rng = ctx.rng
    found = []
    for _ in range(rng.choice([1, 1, 2])):
        extension: dict[str, Any] = {}
        if rng.random() < 0.9:
            extension["to"] = written_date(rng, ctx.around(-60, 300))
        if rng.random() < 0.6:
            extension["reason"] = rng.choice(["受汛期影响无法施工", "资金未及时到位", "", None, "无"])
        if rng.random() < 0.6:
            extension["approved_by"] = rng.choice(["县整改办", "", None, "市整改办"])
        found.append(extension)
    return found


def progress(ctx: Context) -> Any:
    rng = ctx.rng
    return [{"date": written_date(rng, ctx.around(-60, 3)), "note": f"完成总工程量的{rng.randint(10, 90)}%"}
            for _ in range(rng.choice([0, 1, 1, 2]))]


def waivers(ctx: Context) -> Any:
    rng = ctx.rng
    rule = rng.choice([r.id for r in bundled_rules()] + ["phased-ledger", "NOPE001"])
    waiver = {"rule": rule, "reason": rng.choice(["已报上级整改办同意调整", ""]), "approved_by": "市整改办",
              "expires": rng.choice(["2099-12-31", "2023-01-01"])}
    return [waiver]


FIELDS: dict[str, Any] = {
    "problem": lambda ctx: (ctx.rng.choice(PROBLEMS) if ctx.rng.random() < 0.5 else
                            ctx.rng.choice(bench.PLACES) + "".join(ctx.rng.choice(bench.SUBJECTS)[1:])),
    "source": lambda ctx: ctx.rng.choice(SOURCES),
    "category": lambda ctx: ctx.rng.choice(CATEGORIES),
    "task": lambda ctx: ctx.rng.choice(TASKS),
    "target": lambda ctx: target(ctx.rng),
    "measures": lambda ctx: measures(ctx.rng),
    "deadline": deadline,
    "milestones": milestones,
    "lead_unit": lambda ctx: ctx.rng.choice(bench.LEADS + OWNER_PLACEHOLDERS),
    "responsible_units": lambda ctx: ctx.rng.choice([ctx.rng.sample(bench.UNITS, ctx.rng.randint(1, 4)),
                                                     ctx.rng.choice(bench.UNITS), [], None,
                                                     [ctx.rng.choice(OWNER_PLACEHOLDERS) or "有关部门"],
                                                     "各乡镇人民政府", "全县各乡镇"]),
    "responsible_leader": lambda ctx: ctx.rng.choice(bench.LEADERS + PERSON_PLACEHOLDERS),
    "responsible_person": lambda ctx: ctx.rng.choice([f"县生态环境分局{p}" for p in bench.PERSONS] + PERSON_PLACEHOLDERS),
    "livelihood": lambda ctx: ctx.rng.choice(SECTORS),
    "safeguard": lambda ctx: ctx.rng.choice(SAFEGUARDS),
    "status": lambda ctx: ctx.rng.choice(STATUSES),
    "completed": completed,
    "verification": verification,
    "result": lambda ctx: ctx.rng.choice(RESULTS),
    "disclosure": item_disclosure,
    "lookback": lookback,
    "extensions": extensions,
    "progress": progress,
    "waivers": waivers,
}
DROP = object()


def recombine(item: dict[str, Any], ctx: Context, changes: int) -> dict[str, Any]:
    """``item`` with ``changes`` fields given new values or dropped."""
    rng = ctx.rng
    for _ in range(changes):
        name = rng.choice(list(FIELDS))
        if rng.random() < 0.15 and name in item:
            del item[name]
        else:
            item[name] = FIELDS[name](ctx)
    return item


def new_item(ctx: Context, number: int) -> dict[str, Any]:
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.35:
        item = {**BASE_ITEM, **copy.deepcopy(rng.choice(pools().items))}
    elif roll < 0.7:
        item = bench.item_data(rng, number, ctx.issued, [])
    else:
        item = dict(copy.deepcopy(BASE_ITEM))
    return recombine(item, ctx, rng.choice([0, 0, 1, 1, 2, 3, 5, 8]))


def meta(ctx: Context, number: int) -> dict[str, Any]:
    rng = ctx.rng
    roll = rng.random()
    if roll < 0.4:
        found = plain(copy.deepcopy(BASE_PLAN["plan"]))
    elif roll < 0.7:
        found = bench.plan_data(rng.randint(1, 9), number, 0)["plan"]
    else:
        found = {**plain(copy.deepcopy(BASE_PLAN["plan"])), **copy.deepcopy(rng.choice(pools().metas))}
    found["id"] = f"oracle-{number}"
    found["issued"] = iso(ctx.issued) if rng.random() < 0.92 else rng.choice([None, "2024年1月5日"])
    if found["issued"] is None:
        del found["issued"]
    if rng.random() < 0.4:
        found["leadership"] = copy.deepcopy(rng.choice(LEADERSHIPS))
    if rng.random() < 0.3:
        found["issuer"] = rng.choice(ISSUERS)
        if found["issuer"] is None:
            del found["issuer"]
    if rng.random() < 0.5:
        roll = rng.random()
        if roll < 0.15:
            found["disclosure"] = None
        elif roll < 0.2:
            found.pop("disclosure", None)
        else:
            disclosure: dict[str, Any] = {"channel": "县政府网站"}
            for name in ("interval_days", "complaint_interval_days"):
                value = rng.choice(INTERVALS)
                if value is not None:
                    disclosure[name] = value
            found["disclosure"] = disclosure
    if rng.random() < 0.3:
        inspection: dict[str, Any] = {"name": "中央第三生态环境保护督察组",
                                      "kind": rng.choice(["central", "central-lookback", "provincial"])}
        if rng.random() < 0.7:
            inspection["stationed"] = {"from": iso(ctx.inspection), "to": iso(ctx.around(30, 30, ctx.inspection))}
        if rng.random() < 0.6:
            inspection["feedback"] = iso(ctx.around(40, 80, ctx.inspection))
        found["inspection"] = inspection
    return found


def accountability(ctx: Context, ids: list[Any]) -> list[dict[str, Any]]:
    rng = ctx.rng
    records = []
    for index in range(rng.choice([0, 0, 1, 1, 2, 3])):
        if rng.random() < 0.4:
            record = copy.deepcopy(rng.choice(pools().accountability))
        else:
            record = {"id": f"A{index + 1}", "subjects": [rng.choice(["某镇分管副镇长", "县生态环境分局副局长"])],
                      "action": rng.choice(bench.ACCOUNTABILITY_ACTIONS)}
            basis = rng.choice(BASES)
            if basis is not None:
                record["basis"] = basis.format(s=rng.choice(bench.SUBJECTS)[1])
        linked = rng.random()
        if linked < 0.6 and ids:
            record["items"] = [rng.choice(ids) for _ in range(rng.choice([1, 1, 2]))]
        elif linked < 0.75:
            record["items"] = [rng.choice(["99", 99, "P1", " 1", '1"', "{3}"])]
        elif linked < 0.85:
            record["items"] = []
        record["id"] = f"A{index + 1}"
        records.append(record)
    return records


def hosting(ctx: Context) -> list[Any]:
    rng = ctx.rng
    lines = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        roll = rng.random()
        if roll < 0.4:
            lines.append(copy.deepcopy(rng.choice(pools().hosting)))
        elif roll < 0.8:
            lines.append(rng.choice(bench.HOSTING_OK + bench.HOSTING_BAD))
        else:
            lines.append(copy.deepcopy(rng.choice(HOSTING_EXTRA)))
    return lines


def ids(rng: random.Random, count: int) -> list[Any]:
    style = rng.random()
    if style < 0.6:
        return [str(n) for n in range(1, count + 1)]
    if style < 0.8:
        return list(range(1, count + 1))
    if style < 0.85:
        return [f"A-{n}" for n in range(1, count + 1)]
    if style < 0.93:
        return [f"（{'一二三四五六七八九十'[n]}）" for n in range(count)]
    # Ids with what JSON escapes or the engine's accounting reads around.
    odd = ['1"', "a\\b", "{3}", " 4 ", "1.0", "第6项", "7:8", "100000000000000000000"]
    return rng.sample(odd, count) if count <= len(odd) else [str(n) for n in range(1, count + 1)]


def composed(ctx: Context, number: int) -> dict[str, Any]:
    """A plan of items drawn from every source and recombined."""
    rng = ctx.rng
    if rng.random() < 0.1 and pools().plan_items:
        items = [dict(copy.deepcopy(item)) for item in rng.choice(pools().plan_items)]
        items = [recombine(item, ctx, rng.choice([0, 1, 2])) for item in items]
    else:
        items = [new_item(ctx, n) for n in range(1, rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7]) + 1)]
    for item, item_id in zip(items, ids(rng, len(items))):
        item["id"] = item_id
    plan = {"plan": meta(ctx, number), "items": items,
            "accountability": accountability(ctx, [item["id"] for item in items]), "hosting": hosting(ctx)}
    for key in ("accountability", "hosting"):
        if not plan[key] and rng.random() < 0.8:
            del plan[key]
    return plan


def with_parent(ctx: Context, number: int, plan: dict[str, Any]) -> dict[str, Any]:
    """A parent plan for ``plan``, its items implemented by some of plan's
    (deadlines and targets moved either way, ids some missing)."""
    rng = ctx.rng
    parent = composed(ctx, number)
    parent["plan"]["id"] = f"oracle-{number}-parent"
    parent["plan"]["level"] = "city"
    parent["plan"].pop("parent", None)
    for item in plan["items"]:
        roll = rng.random()
        if roll < 0.7 and parent["items"]:
            implemented = rng.choice(parent["items"])
            item["implements"] = implemented["id"] if rng.random() < 0.9 else f" {implemented['id']} "
            if rng.random() < 0.5:               # a figure in the same unit, stricter or not
                text, low, high = rng.choice(TARGET_TEMPLATES)
                implemented["target"] = text.format(n=rng.randint(low, high))
                item["target"] = text.format(n=rng.randint(low, high))
            if rng.random() < 0.5:               # a deadline earlier, equal or later
                due = ctx.around(-100, 500)
                implemented["deadline"] = written_deadline(rng, due)
                item["deadline"] = written_deadline(rng, due + datetime.timedelta(days=rng.choice([-90, -1, 0, 0, 30])))
        elif roll < 0.8:
            item["implements"] = rng.choice(["P9", "99", ""])
    plan["plan"]["parent"] = PARENT_FILE
    return parent


def case(seed: int, number: int) -> Case:
    """Case ``number``: one of the rules' examples first, then generated plans."""
    rng = random.Random(f"oracle:{seed}:{number}")
    style = Style(rng.choice(["yaml", "bench", "bench", "bench-zh", "bench-zh", "json"]),
                  traditional=rng.random() < 0.3, fullwidth=rng.random() < 0.3)
    known = examples()
    if number < len(known):
        example = known[number]
        return Case(number, example.variant, AS_OF, copy.deepcopy(example.plan), copy.deepcopy(example.parent),
                    style, f"{example.rule} {example.outcome}[{example.index}]")
    variant = rng.choices(VARIANTS, [35, 15, 20, 15, 15])[0]
    as_of = rng.choice(AS_OF_DATES)
    issued = as_of - datetime.timedelta(days=rng.randint(-20, 400))
    ctx = Context(rng, as_of, issued, issued - datetime.timedelta(days=rng.randint(60, 140)))
    parent = None
    roll = rng.random()
    if roll < 0.3:                            # the benchmark generator's plans: a city plan and a county's
        items = rng.randint(1, 6)
        bench_seed = rng.randint(1, 1000)
        if rng.random() < 0.4:
            parent = plain(bench.plan_data(bench_seed, number * 10, rng.randint(1, 4), level="city"))
            plan = plain(bench.plan_data(bench_seed, number * 10 + 1, items, parent, PARENT_FILE))
        else:
            plan = plain(bench.plan_data(bench_seed, number * 10 + 1, items))
        for item in plan["items"]:
            recombine(item, ctx, rng.choice([0, 0, 0, 1, 2]))
        origin = "benchmark plan"
    else:
        plan = composed(ctx, number)
        origin = "composed plan"
        if rng.random() < 0.2:
            parent = with_parent(ctx, number, plan)
        elif rng.random() < 0.05:
            plan["plan"]["parent"] = rng.choice(list(PARENT_REFERENCES.values()))
    return Case(number, variant, as_of, plan, parent, style, origin)


def cases(seed: int, count: int) -> Iterator[Case]:
    for number in range(count):
        yield case(seed, number)
