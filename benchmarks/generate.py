"""Realistic synthetic rectification plans (整改方案) for benchmarks.

    python benchmarks/generate.py OUT --plans 300 --items 100 [--seed 1]

writes plans the way counties and cities write them: varied problems,
targets and measures, deadlines in every form the loader reads, owners,
statuses with verification and disclosure, milestones, extensions and
progress records, accountability records, hosting arrangements, waivers.
About a third of the plans are in traditional characters and a third use
Chinese field names. Roughly one item in eight breaks a rule (a blanket
shutdown, accountability in place of rectification, a vague deadline, a
closure without verification, a lavish reception...), as supervision
offices find in practice.

Texts are composed from parts (town, village or river section, enterprise,
subject, figures, when found, by when) as real plans write them, so that
problems are nearly all distinct, most measures and many targets too: real
plans rarely repeat a text, and a benchmark whose texts repeat would flatter
every per-text cost. Only the phrasings meant to break a rule are fixed.

Plans come in groups: a city plan and the county plans that implement it
(``plan.parent``, items' ``implements``), each group in a folder of its
own, so parent and child plans are checked together. A single plan
(``--plans 1``) has no parent.

Output is deterministic for a given seed, plan count and item count; each
plan depends only on the seed and its number, so any plan can be
regenerated alone.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
from pathlib import Path
from collections.abc import Callable
from typing import Any

GROUP = 10                      # plans per city folder: the city's and nine counties'

# The vocabulary (tests/oracle_plans.py draws on it too): templates whose
# only slots are {s}, the subject (here often with its place before it:
# 柳岗镇砖瓦窑), and {n}, a figure.
PLACES = ["城区", "城郊", "工业园区", "经济开发区", "高新区", "北湖片区", "东部新城", "老城区", "沿江片区", "山区乡镇",
          "某镇", "某乡", "某街道", "某村", "临港物流园", "化工园区", "农业示范园", "水源保护区", "自然保护区", "风景名胜区"]
SUBJECTS = [
    ("air", "砖瓦窑", "无组织排放"), ("air", "燃煤锅炉", "氮氧化物排放超标"), ("air", "建筑工地", "扬尘管控不到位"),
    ("air", "餐饮单位", "油烟直排"), ("air", "水泥厂", "粉尘污染"), ("air", "铸造企业", "废气未经处理直排"),
    ("air", "集中供热锅炉", "颗粒物超标"), ("air", "涉VOCs企业", "挥发性有机物收集率低"),
    ("water", "污水处理厂", "出水总磷超标"), ("water", "配套管网", "雨污混接"), ("water", "入河排污口", "排查整治不到位"),
    ("water", "畜禽养殖场", "粪污直排"), ("water", "黑臭水体", "反弹"), ("water", "饮用水水源地", "保护区内存在违法建筑"),
    ("water", "自来水厂", "取水口上游有排污口"), ("soil", "尾矿库", "渗滤液外溢"), ("soil", "工业固废堆场", "防渗不到位"),
    ("solid-waste", "生活垃圾填埋场", "渗滤液处理能力不足"), ("solid-waste", "河道两岸", "生活垃圾乱堆乱放"),
    ("solid-waste", "危险废物", "贮存不规范"), ("ecology", "矿山", "生态修复进展缓慢"),
    ("ecology", "自然保护区", "违规开发旅游项目"), ("ecology", "湿地", "被侵占"), ("ecology", "林地", "非法占用"),
]
GOALS = ["稳定达标排放", "完成提标改造", "全面完成整治", "完成生态修复", "出水稳定达到一级A标准", "实现雨污分流",
         "建立长效监管机制", "问题清零", "完成规范化建设", "完成清理整治并复绿", "完成搬迁入园", "全部安装在线监测设施"]
QUANTITIES = [("PM2.5年均浓度降至{n}微克/立方米", 30, 45), ("优良天数比例达到{n}%", 75, 90),
              ("完成{n}家企业深度治理", 8, 40), ("城市生活污水集中收集率达到{n}%", 60, 85),
              ("化学需氧量浓度降至{n}毫克/升", 20, 40)]
# Actions fit for each category of problem, and for any.
ACTIONS = {
    "air": ["实施{s}提标改造", "完成{s}除尘设施升级改造", "督促{s}安装在线监测设备并联网", "落实围挡、覆盖、冲洗等扬尘防治措施",
            "对{s}废气收集设施实施密闭改造", "对{s}实施低氮燃烧改造"],
    "water": ["实施{s}提标改造", "对{s}分片区实施雨污分流改造工程", "对{s}实施清淤疏浚", "实施{s}截污纳管工程",
              "督促{s}安装在线监测设备并联网", "新建{s}配套污水管网{n}米"],
    "soil": ["在{s}周边建设渗滤液处理站一座", "对{s}实施防渗改造", "对{s}补植复绿{n}亩", "委托有资质单位规范处置{s}危险废物"],
    "solid-waste": ["在{s}建设渗滤液处理站一座", "对{s}存量垃圾实施清运,清运量约{n}吨", "实施{s}规范化整治工程",
                    "委托有资质单位规范处置危险废物"],
    "ecology": ["对{s}补植复绿{n}亩", "编制{s}生态修复方案并组织实施", "对{s}违规项目逐一核查,依法整改",
                "实施{s}植被恢复工程"],
    "any": ["对{s}逐一排查,一企一策制定整治方案", "开展{s}专项执法检查,依法查处违法行为", "组织第三方对{s}开展环境评估",
            "坚决杜绝\"一刀切\",分类施策、分步实施整改", "建立问题台账,实行销号管理"],
}
REMEDIATION = list(dict.fromkeys(text for texts in ACTIONS.values() for text in texts))
MECHANISM = ["建立河长制巡查保洁长效机制", "制定{s}日常监管办法", "将整改纳入年度目标责任考核",
             "建立网格化环境监管体系", "完善环境风险预警制度", "建立{s}长效管护机制"]
SHUTDOWN = [("对超标排放的{s}依法实施停产整治", "《中华人民共和国大气污染防治法》第九十九条"),
            ("对无证经营的{s}依法予以取缔", "《排污许可管理条例》第三十三条")]
SAFEGUARD = ["改造期间启用备用锅炉,保障居民供暖", "先立后破,新热源投运后再拆除旧锅炉", "确保群众温暖过冬"]
# Faults supervision offices find, with the requirement they break.
BAD_MEASURES = ["为迎接督察,对全县{s}一律关停,先停再说", "督察期间全县{s}停产", "开展运动式集中整治,全部关停",
                "所有企业按统一模式改造", "对辖区内所有{s}先行关停", "督察组离开后视情况恢复生产"]
ACCOUNTABILITY_ONLY = ["对分管负责人进行约谈,给予党内警告处分", "对相关责任人严肃问责", "对整改不力的责任人诫勉谈话"]
VAGUE = ["尽快完成", "适时推进", "近期完成", "待定"]
LEADS = ["县生态环境分局", "县住建局", "县水利局", "县自然资源局", "县农业农村局", "县工信局", "县城管局", "县林业局",
         "县工业园区管委会", "县发展改革局", "县交通运输局", "县卫生健康局"]
UNITS = ["某镇人民政府", "某乡人民政府", "某街道办事处", "县城投公司", "县热力公司", "县水务集团", "某水泥有限公司",
         "各乡镇人民政府", "沿河各乡镇", "县环境监测站"]
LEADERS = ["分管副县长", "县政府副县长", "县委常委、副县长"]
PERSONS = ["局长", "主任", "镇长", "党委书记", "总经理"]
HOSTING_OK = ["工作用餐在机关食堂安排,不安排宴请", "督察组住宿按标准安排,不安排套房", "联络员一名负责对接,不搞层层陪同",
              "严禁悬挂欢迎横幅、组织迎送", "交通工具按规定统一调配", "陪同人员控制在3人以内"]
HOSTING_BAD = ["督察组进驻期间,在县城主干道悬挂欢迎横幅,组织迎送", "县四套班子领导全程陪同,各乡镇主要负责人层层陪同",
               "当晚在县宾馆安排接风宴请", "安排参观县内景区", "陪同人员共12人"]
ACCOUNTABILITY_ACTIONS = ["党内警告", "诫勉谈话", "通报批评", "政务记过", "约谈"]
BASES = ["经调查,该同志对{s}整改工作推进不力", "经核查,存在监管不到位问题", "经研究决定", "一律问责"]

# Texts are composed from these parts with the plan's RNG so that, as in real
# plans, nearly every problem and most measures are written once: a problem
# names its place, enterprise or river section, figures and when it was
# found. The parts' characters form no word a rule or the livelihood search
# reads (no 停, 关, 供, 热, 气, 电, 全, 各, 统, 宴, 迎...): what makes a text
# break a rule stays in the fixed phrasings above, which the rules know.
NAME_CHARS = "东西南北青石柳杨桥龙凤马金银宝安平和兴隆丰泰康宁长新白黄红云山林花梨枣桃松柏竹岩峰溪湾坪岗塘庄"
FIRM_CHARS = "鑫达华恒润宏泰永盛丰顺昌隆荣金利瑞祥嘉德宇晨海天诚信远博"
TOWN_KINDS = ["镇", "镇", "镇", "乡", "街道"]
# Whose each subject is (the industry of the enterprise, or None) and where
# it lies: in a town, a village, on a river section or in an industrial park.
SITES: dict[str, tuple[str | None, str]] = {
    "砖瓦窑": ("新型建材", "village"), "燃煤锅炉": ("纺织", "park"), "建筑工地": ("置业", "town"),
    "餐饮单位": (None, "town"), "水泥厂": ("水泥", "town"), "铸造企业": ("铸造", "park"), "集中供热锅炉": (None, "town"),
    "涉VOCs企业": ("化工", "park"), "污水处理厂": (None, "town"), "配套管网": (None, "town"), "入河排污口": (None, "river"),
    "畜禽养殖场": ("牧业", "village"), "黑臭水体": (None, "river"), "饮用水水源地": (None, "village"),
    "自来水厂": (None, "town"), "尾矿库": ("矿业", "village"), "工业固废堆场": ("冶金", "park"),
    "生活垃圾填埋场": (None, "village"), "河道两岸": (None, "river"), "危险废物": ("化工", "park"),
    "矿山": ("矿业", "village"), "自然保护区": ("旅游开发", "town"), "湿地": (None, "river"), "林地": (None, "village"),
}
# What a problem adds after its subject: figures, extent, when it was found.
DETAILS = {
    "air": ["颗粒物排放浓度最高{f}毫克/立方米", "超过排放标准{r}倍", "距最近居民区约{n}米", "涉及{k}条生产线",
            "二氧化硫浓度{f}毫克/立方米", "现场检查发现{k}处收集设施破损"],
    "water": ["总磷浓度{f}毫克/升,超过地表水Ⅲ类标准{r}倍", "日排放量约{n}吨", "涉及河道{k}公里", "{k}个排口未纳入台账",
              "氨氮浓度{f}毫克/升", "水面面积约{n}平方米"],
    "soil": ["占地约{n}亩", "堆存量约{k}万吨", "周边土壤镉含量超过筛选值{r}倍", "渗滤液收集池容积仅{n}立方米"],
    "solid-waste": ["堆存量约{n}吨", "日处理能力缺口约{n}吨", "涉及{k}个村", "堆放点{k}处"],
    "ecology": ["面积约{n}亩", "涉及{k}处点位", "破坏植被约{n}平方米", "修复率仅{p}%"],
}
FOUND = ["{y}年{m}月督察组现场检查发现", "{y}年{m}月群众反映", "{y}年{m}月暗查暗访发现", "{y}年{m}月督察组交办"]
# Targets many plans write the same way.
STOCK_TARGETS = ["完成整改并销号", "按期完成整改任务", "问题整改到位并通过验收", "完成整改,长效保持", "整改到位,群众满意"]
# What a measure adds: money, extent, who checks it.
MEASURE_DETAILS = ["投资约{n}万元", "完成后委托第三方检测", "每月调度一次进度", "由{lead}组织验收", "安装视频监控{k}套",
                   "配备专职管理人员{k}名", "涉及{k}个点位", "{y}年{m}月起每季度复查一次"]
# Hosting lines' places and head counts, made the plan's own.
HOSTING_PARTS = {"机关食堂": "{unit}机关食堂", "按标准安排": "在{name}宾馆按标准安排", "联络员一名": "联络员{one}名",
                 "交通工具": "督察组在{county}期间,交通工具", "在3人以内": "在{few}人以内", "县城主干道": "{name}大道",
                 "县宾馆": "{name}宾馆", "县内景区": "{name}山景区", "共12人": "共{many}人"}
ACCOUNTABLE = ["{town}分管副{head}", "{lead}副局长", "{town}{name}村党支部书记", "{town}党委副书记", "{lead}{name}股股长"]
SOURCES_EN = ["feedback", "feedback", "feedback", "complaint", "transferred", "lookback", "self-found"]
SOURCES_ZH = ["督察反馈", "群众信访举报", "中央督察组交办", "回头看发现", "自查发现", "12345热线"]
STATUS_ZH = {"in-progress": "整改中", "not-started": "未启动", "completed": "已完成", "closed": "已销号"}

# Chinese field names, as ledgers write them (model.py's aliases).
ZH_TOP = {"plan": "方案", "items": "整改任务", "accountability": "问责情况", "hosting": "接待安排"}
ZH_PLAN = {"id": "编号", "title": "标题", "issuer": "发文单位", "level": "层级", "region": "地区", "issued": "印发日期",
           "parent": "上级方案", "inspection": "督察", "leadership": "领导", "disclosure": "信息公开"}
ZH_ITEM = {"id": "序号", "problem": "问题描述", "source": "问题来源", "target": "整改目标", "measures": "整改措施",
           "deadline": "整改时限", "lead_unit": "牵头单位", "responsible_units": "责任单位",
           "responsible_leader": "责任领导", "responsible_person": "责任人", "status": "整改状态",
           "completed": "完成日期", "verification": "核查", "milestones": "阶段目标", "extensions": "延期",
           "progress": "进展", "implements": "对应上级任务", "disclosure": "公示", "safeguard": "保障措施",
           "category": "问题类别"}


# Benchmarks check as of this date: the plans were issued in the year before it.
AS_OF = datetime.date(2024, 3, 10)
# Share of items that break a rule, and what they break (one fault each).
FAULT_RATE = 0.12
FAULTS = ["blanket-measure", "area-shutdown", "campaign", "uniform", "accountability-only", "vague-deadline",
          "no-deadline", "placeholder-owner", "no-target", "unverified-closure", "no-completion-date",
          "no-milestones", "overdue", "unjustified-extension", "compressed-deadline", "no-safeguard",
          "blanket-target", "undisclosed-complaint"]


def day(base: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    return base + datetime.timedelta(days=rng.randint(low, high))


def name(rng: random.Random, chars: str = NAME_CHARS) -> str:
    """A two-character proper name (a town's, a river's, a firm's)."""
    first, second = rng.sample(chars, 2)
    return first + second


class Places:
    """The county (or city) a plan is about: its name, towns, rivers and
    parks, which its items name again and again, as a real plan's do."""

    def __init__(self, rng: random.Random, county: bool = True) -> None:
        self.rng = rng
        self.county = name(rng) + ("县" if county else "市")
        self.towns = [name(rng) + rng.choice(TOWN_KINDS) for _ in range(rng.randint(8, 16))]
        self.rivers = [name(rng) + rng.choice(["河", "河", "江", "溪"]) for _ in range(rng.randint(3, 6))]
        self.parks = [name(rng) + rng.choice(["工业园区", "经济开发区", "产业园"]) for _ in range(rng.randint(1, 3))]

    def town(self) -> str:
        return self.rng.choice(self.towns)

    def firm(self, industry: str | None = None) -> str:
        """An enterprise, named afresh: real problems rarely name one twice."""
        return f"{name(self.rng, FIRM_CHARS)}{industry or self.rng.choice(['建材', '化工', '纺织', '机械'])}有限公司"

    def where(self, kind: str) -> str:
        rng = self.rng
        if rng.random() < 0.1:
            return rng.choice(PLACES)
        if kind == "village":
            return f"{self.town()}{name(rng)}村"
        if kind == "river":
            return f"{rng.choice(self.rivers)}{self.town()}段"
        if kind == "park":
            return rng.choice(self.parks)
        return self.town()

    def unit(self, unit: str) -> str:
        """One of UNITS, a township or a firm of the plan's own for 某镇, 某水泥有限公司."""
        if not unit.startswith("某"):
            return unit
        if unit.endswith("公司"):
            return self.firm(unit[1:-4])
        town = self.town()
        return town + ("办事处" if town.endswith("街道") else "人民政府")

    def fill(self, template: str, **known: str) -> str:
        """``template`` with its slots filled: the known ones, then places and figures."""
        rng = self.rng
        parts: dict[str, Callable[[], str]] = {
            "town": self.town, "county": lambda: self.county, "firm": self.firm, "name": lambda: name(rng),
            "lead": lambda: rng.choice(LEADS), "unit": lambda: rng.choice([self.county + "委", rng.choice(LEADS)]),
            "y": lambda: str(rng.randint(2022, 2023)), "m": lambda: str(rng.randint(1, 12)),
            "n": lambda: str(rng.randint(10, 500)), "k": lambda: str(rng.randint(2, 30)),
            "f": lambda: f"{rng.uniform(0.5, 80):.1f}", "r": lambda: f"{rng.uniform(0.2, 5):.1f}",
            "p": lambda: str(rng.randint(10, 60)), "one": lambda: rng.choice(["1", "2"]),
            "few": lambda: str(rng.randint(2, 4)), "many": lambda: str(rng.randint(6, 15))}
        return re.sub(r"\{(\w+)\}", lambda m: known[m[1]] if m[1] in known else parts[m[1]](), template)


def plan_data(seed: int, number: int, items: int, parent: dict[str, Any] | None = None,
              parent_file: str | None = None, level: str = "county") -> dict[str, Any]:
    """Plan ``number`` of a run, as plain data (English field names)."""
    rng = random.Random(f"{seed}:{number}")
    county = parent is not None
    issued = day(AS_OF, rng, -360, -60)
    feedback = issued - datetime.timedelta(days=rng.randint(20, 60))
    stationed = feedback - datetime.timedelta(days=rng.randint(40, 80))
    region = f"某省第{number // GROUP + 1}市" + (f"第{number % GROUP}县" if county else "")
    places = Places(rng, county)
    meta: dict[str, Any] = {
        "id": f"plan-{seed}-{number:05d}", "title": f"{region}贯彻落实生态环境保护督察反馈意见整改方案",
        "issuer": rng.choice([f"中共{places.county}委 {places.county}人民政府", f"{places.county}整改工作领导小组"]),
        "level": level, "region": region, "issued": issued.isoformat(),
        "inspection": {"name": rng.choice(["中央第三生态环境保护督察组", "省委第二生态环境保护督察组"]),
                       "kind": rng.choice(["central", "central-lookback", "provincial"]),
                       "stationed": {"from": stationed.isoformat(),
                                     "to": (stationed + datetime.timedelta(days=30)).isoformat()},
                       "feedback": feedback.isoformat()},
        "leadership": [{"role": "party", "name": "县委书记"}, {"role": "government", "name": "县长"}],
    }
    if rng.random() < 0.02:
        meta["leadership"] = meta["leadership"][:1]             # no government lead (LTM002)
    if rng.random() > 0.02:
        meta["disclosure"] = {"channel": "县政府网站", "interval_days": rng.choice([7, 7, 15, 30, 30, 60])}
    if parent_file:
        meta["parent"] = parent_file
    parent_items = parent["items"] if parent else []
    plan: dict[str, Any] = {"plan": meta,
                            "items": [item_data(rng, n, issued, parent_items, places) for n in range(1, items + 1)]}
    plan["accountability"] = accountability(places, plan["items"])
    plan["hosting"] = [hosting(places, rng.choice(HOSTING_BAD) if rng.random() < 0.05 else rng.choice(HOSTING_OK))
                       for _ in range(rng.randint(2, 6))]
    return plan


def hosting(places: Places, line: str) -> str:
    """A hosting line with the plan's own places and head counts (now and then as the stock line)."""
    if places.rng.random() < 0.2:
        return line
    for stock, own in HOSTING_PARTS.items():
        line = line.replace(stock, own)
    return places.fill(line)


def problem(places: Places, category: str, subject: str, issue: str) -> tuple[str, str]:
    """An item's problem and the site it names, e.g. 青石县柳岗镇鑫达新型建材有限公司砖瓦窑无组织排放,
    颗粒物排放浓度最高32.5毫克/立方米,2023年5月督察组现场检查发现."""
    rng = places.rng
    industry, kind = SITES[subject]
    site = places.where(kind)
    firm = places.firm(industry) if industry and rng.random() < 0.7 else ""
    text = f"{places.county if rng.random() < 0.3 else ''}{site}{firm}{subject}{issue}"
    details = rng.sample(DETAILS[category], rng.randint(0, 2))
    if rng.random() < 0.4:
        details.append(rng.choice(FOUND))
    text += "".join("," + places.fill(detail) for detail in details)
    return text + (",群众反映强烈" if rng.random() < 0.1 else ""), firm or site


def item_data(rng: random.Random, number: int, issued: datetime.date, parent_items: list[dict[str, Any]],
              places: Places | None = None) -> dict[str, Any]:
    """Item ``number``; ``places`` those of its plan (a county of its own if not given)."""
    if places is None:
        places = Places(rng)
    fault = rng.choice(FAULTS) if rng.random() < FAULT_RATE else None
    category, subject, issue = rng.choice(SUBJECTS)
    item: dict[str, Any] = {"id": str(number) if rng.random() < 0.8 else number}
    implemented = rng.choice(parent_items) if parent_items and rng.random() < 0.6 else None
    if implemented is not None:
        item["implements"] = str(implemented["id"])
    item["problem"], site = problem(places, category, subject, issue)
    complaint = rng.random() < 0.15 or fault == "undisclosed-complaint"
    item["source"] = (rng.choice(["complaint", "群众信访举报", "12345热线"]) if complaint
                      else rng.choice(["feedback", "feedback", "督察反馈", "transferred", "lookback", "self-found", "自查发现"]))
    item["category"] = category
    item["target"] = target(places, fault, site)
    heating = fault == "no-safeguard" or rng.random() < 0.04
    item["measures"] = measures(places, category, subject, site, fault, heating)
    if fault in ("unverified-closure", "no-completion-date", "undisclosed-complaint"):
        status = "closed" if fault == "no-completion-date" else "completed"
    elif fault in ("no-milestones", "overdue", "unjustified-extension", "compressed-deadline", "no-safeguard"):
        status = "in-progress"
    else:
        status = rng.choices(["in-progress", "not-started", "completed", "closed"], [50, 15, 25, 10])[0]
    span = rng.choice([120, 180, 270, 365, 500, 800]) if fault != "no-milestones" else 800
    due = max(day(issued, rng, span - 30, span), AS_OF + datetime.timedelta(days=rng.randint(30, 400)))
    if fault in ("overdue", "unjustified-extension"):
        due = day(AS_OF, rng, -90, -10)
    if implemented is not None and isinstance(implemented.get("deadline"), str):
        item["deadline"] = implemented["deadline"]             # the parent's deadline, not compressed
    if fault == "compressed-deadline":
        item["deadline"] = day(AS_OF, rng, 20, 40).isoformat()
        if implemented is None and parent_items:
            item["implements"] = str(parent_items[0]["id"])
    elif fault == "vague-deadline":
        item["deadline"] = rng.choice(VAGUE)
    elif fault == "no-deadline":
        pass
    elif "deadline" not in item:
        roll = rng.random()
        if roll < 0.05:
            item["deadline"] = rng.choice(["立行立改", "长期坚持"])
        elif roll < 0.35:
            item["deadline"] = f"{due.year}年{due.month}月底前"
        elif roll < 0.40:
            item["deadline"] = f"{due.year}年第{(due.month - 1) // 3 + 1}季度"
        else:
            item["deadline"] = due.isoformat()
    long = (due - issued).days > 300 or implemented is not None or item.get("deadline") == "长期坚持"
    if long and fault != "no-milestones":
        item["milestones"] = [{"date": day(issued, rng, 90, 180).isoformat(),
                               "goal": rng.choice(["完成方案设计和招标", f"完成{site}方案设计和招标"])},
                              {"date": day(issued, rng, 200, 360).isoformat(),
                               "goal": rng.choice(["完成主体工程", f"完成{site}主体工程"])}]
    item["lead_unit"] = "有关部门" if fault == "placeholder-owner" else rng.choice(LEADS)
    if fault != "placeholder-owner":
        item["responsible_units"] = [places.unit(unit) for unit in rng.sample(UNITS, rng.randint(1, 3))]
    if rng.random() < 0.6:
        item["responsible_leader"] = rng.choice(LEADERS)
        item["responsible_person"] = f"{item['lead_unit'][:4]}{rng.choice(PERSONS)}"
    if heating:
        item["livelihood"] = ["heating"]
        if fault != "no-safeguard":
            item["safeguard"] = rng.choice(SAFEGUARD)
    item["status"] = STATUS_ZH[status] if rng.random() < 0.3 else status
    if status in ("completed", "closed"):
        done = min(day(issued, rng, 10, 200), AS_OF - datetime.timedelta(days=rng.randint(5, 30)))
        if fault != "no-completion-date":
            item["completed"] = done.isoformat()
        if fault != "unverified-closure":
            item["verification"] = {"by": rng.choice(["县整改办", "市生态环境局", "县督查室"]),
                                    "date": (done + datetime.timedelta(days=rng.randint(1, 4))).isoformat(),
                                    "evidence": rng.choice(["现场核查,设施正常运行", f"现场核查{site},设施正常运行",
                                                            "监测报告显示稳定达标",
                                                            "现场抽查{n}家,全部整改到位".format(n=rng.randint(5, 60))])}
        if fault != "undisclosed-complaint":
            item["disclosure"] = {"date": (done + datetime.timedelta(days=5)).isoformat(), "channel": "县政府网站"}
        if complaint:
            item["result"] = "已办结,处理结果已向举报人反馈"
    elif rng.random() < 0.3:
        item["progress"] = [{"date": day(AS_OF, rng, -30, -1).isoformat(),
                             "note": "完成总工程量的{}%".format(rng.randint(10, 90))}]
    if fault == "unjustified-extension" or rng.random() < 0.03:
        extension: dict[str, Any] = {"to": (AS_OF + datetime.timedelta(days=rng.randint(60, 240))).isoformat()}
        if fault != "unjustified-extension":
            extension["reason"] = rng.choice(["受汛期影响无法施工", "资金未及时到位", "用地手续办理周期较长"])
        extension["approved_by"] = "县整改办"
        item["extensions"] = [extension]
    if rng.random() < 0.005:
        item["waivers"] = [{"rule": "PHL001", "reason": "已报上级整改办同意调整", "approved_by": "市整改办",
                            "expires": "2099-12-31"}]
    return item


def target(places: Places, fault: str | None, site: str) -> str:
    """A stock phrase, a figure, or what is to be done by when (and where)."""
    rng = places.rng
    if fault == "blanket-target":
        return rng.choice(["全县砖瓦窑一律关停", "辖区所有养殖场全部关停"])
    if fault == "no-target":
        return ""
    roll = rng.random()
    if roll < 0.25:
        text, low, high = rng.choice(QUANTITIES)
        return text.format(n=rng.randint(low, high))
    if roll < 0.4:
        return rng.choice(STOCK_TARGETS)
    when = f"{rng.randint(2024, 2026)}年{rng.choice(['6', '10', '12'])}月底前"
    if roll < 0.6:
        return f"{when}{rng.choice(GOALS)}"
    # The site, not the subject again: a target naming a waterworks or a
    # heating plant would make the item touch a livelihood sector.
    return f"{when}{site}{rng.choice(GOALS)}" + ("" if rng.random() < 0.5 else "," + rng.choice(STOCK_TARGETS))


def measures(places: Places, category: str, subject: str, site: str, fault: str | None, heating: bool) -> list[Any]:
    rng = places.rng
    if fault == "accountability-only":
        return [{"text": rng.choice(ACCOUNTABILITY_ONLY), "kind": "accountability"}]
    if fault == "no-safeguard":
        return [{"text": rng.choice(["拆除城区分散燃煤锅炉", f"拆除{places.town()}分散燃煤锅炉{rng.randint(3, 40)}台"]),
                 "kind": "shutdown", "scope": "targeted", "legal_basis": "《大气污染防治法》"}]
    found: list[Any] = []
    bad = {"blanket-measure": BAD_MEASURES[0], "area-shutdown": BAD_MEASURES[1], "campaign": BAD_MEASURES[2],
           "uniform": BAD_MEASURES[3]}.get(fault or "")
    if bad:
        found.append(bad.format(s=subject))
    here = f"{site}{subject}" if not site.endswith("公司") else site
    for _ in range(rng.randint(1, 3)):
        pick = rng.random()
        if pick < 0.6 or (heating and pick >= 0.8):
            text = remediation(places, category, here)
            found.append(text if rng.random() < 0.5 else {"text": text, "kind": "remediation"})
        elif pick < 0.8:
            text = rng.choice(MECHANISM)
            text = text.format(s=here) if "{s}" in text else (places.town() if rng.random() < 0.5 else "") + text
            found.append({"text": text, "kind": "mechanism"})
        elif pick < 0.97:
            text, law = rng.choice(SHUTDOWN)
            found.append({"text": text.format(s=places.firm() if "超标" in text else here), "kind": "shutdown",
                          "scope": "targeted", "legal_basis": law})
        else:
            found.append({"text": rng.choice(ACCOUNTABILITY_ONLY), "kind": "accountability"})
    return found


def remediation(places: Places, category: str, here: str) -> str:
    """An action fit for the problem, at its site, by when, with figures and who checks it."""
    rng = places.rng
    text = rng.choice(ACTIONS[category if rng.random() < 0.75 else "any"]).format(s=here, n=rng.randint(10, 500))
    if rng.random() < 0.4:
        text = f"{rng.randint(2024, 2025)}年{rng.randint(1, 12)}月底前" + text
    for detail in rng.sample(MEASURE_DETAILS, rng.choice([0, 1, 1, 2])):
        text += "," + places.fill(detail)
    return text


def accountability(places: Places, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rng = places.rng
    records = []
    for index in range(max(1, len(items) // 25)):
        linked = rng.sample(items, min(len(items), rng.randint(1, 2)))
        basis = rng.choice(BASES[2:]) if rng.random() < 0.1 else BASES[rng.randint(0, 1)]
        town = places.town()
        head = "主任" if town.endswith("街道") else town[-1] + "长"
        category, subject, _ = rng.choice(SUBJECTS)
        records.append({"id": f"A{index + 1}", "items": [str(item["id"]) for item in linked],
                        "subjects": [places.fill(rng.choice(ACCOUNTABLE), town=town, head=head)],
                        "action": rng.choice(ACCOUNTABILITY_ACTIONS),
                        "basis": basis.format(s=places.where(SITES[subject][1]) + subject)})
    return records


# --- YAML, written the way people write it ---------------------------------

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#\n]*$")
_STR = "tag:yaml.org,2002:str"


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if text and _PLAIN.match(text) and text == text.strip() and _resolves_to_text(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _resolves_to_text(text: str) -> bool:
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver
    return Resolver().resolve(ScalarNode, text, (True, False)) == _STR


def flow(value: Any) -> str | None:
    """A short list or mapping of plain scalars in flow style, as clerks write [a, b]."""
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        parts = [scalar(v) for v in value]
    elif isinstance(value, dict) and all(isinstance(v, (str, int)) for v in value.values()):
        parts = [f"{k}: {scalar(v)}" for k, v in value.items()]
    else:
        return None
    if any(p.startswith('"') or "," in p for p in parts) or sum(map(len, parts)) > 60:
        return None
    return ("[" if isinstance(value, list) else "{") + ", ".join(parts) + ("]" if isinstance(value, list) else "}")


def emit(value: Any, indent: int, out: list[str], names: dict[str, str] | None = None) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, child in value.items():
            name = (names or {}).get(key, key)
            short = flow(child)
            if short is not None and child:
                out.append(f"{pad}{name}: {short}")
            elif isinstance(child, (dict, list)) and child:
                out.append(f"{pad}{name}:")
                emit(child, indent + 2, out, None)
            else:
                out.append(f"{pad}{name}: {scalar(child) if child != [] else '[]'}")
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, dict) and child:
                lines: list[str] = []
                emit(child, indent + 2, lines, None)
                out.append(f"{pad}- {lines[0].lstrip()}")
                out.extend(lines[1:])
            else:
                out.append(f"{pad}- {flow(child) or scalar(child)}")


def plan_yaml(plan: dict[str, Any], chinese_keys: bool) -> str:
    out = [f"# {plan['plan']['title']}"]
    top = ZH_TOP if chinese_keys else {}
    for key in ("plan", "items", "accountability", "hosting"):
        out.append(f"{top.get(key, key)}:")
        if key == "plan":
            emit(plan[key], 2, out, ZH_PLAN if chinese_keys else None)
        elif key == "items":
            for item in plan[key]:
                lines: list[str] = []
                emit(item, 4, lines, ZH_ITEM if chinese_keys else None)
                out.append(f"  - {lines[0].lstrip()}")
                out.extend(lines[1:])
                out.append("")
        else:
            emit(plan[key], 2, out)
    return "\n".join(out) + "\n"


_S2T = None
_CHINESE_COMMA = re.compile(r"(?<=[\u4e00-\u9fff]),(?=[\u4e00-\u9fff])")


def traditional(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


def generate(out: Path, plans: int, items: int, seed: int = 1, jobs: int = 1) -> list[Path]:
    """Write ``plans`` plans of ``items`` items under ``out``; their paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    if plans == 1:
        return [_write(out, "plan.yaml", plan_data(seed, 0, items), seed, 0)]
    groups = [(out, seed, start, min(plans, start + GROUP), items) for start in range(0, plans, GROUP)]
    if jobs > 1:
        import multiprocessing
        with multiprocessing.Pool(jobs) as pool:
            return [path for paths in pool.imap(_group, groups) for path in paths]
    return [path for group in groups for path in _group(group)]


def _group(arguments: tuple[Path, int, int, int, int]) -> list[Path]:
    """A city plan (number start) and the county plans that implement it."""
    out, seed, start, stop, items = arguments
    folder = out / f"city-{start // GROUP + 1:04d}"
    parent = plan_data(seed, start, items, level="city")
    written = [_write(folder, "0-city.yaml", parent, seed, start)]
    for number in range(start + 1, stop):
        written.append(_write(folder, f"county-{number % GROUP:02d}.yaml",
                              plan_data(seed, number, items, parent, "0-city.yaml"), seed, number))
    return written


def _write(folder: Path, name: str, data: dict[str, Any], seed: int, number: int) -> Path:
    rng = random.Random(f"{seed}:{number}:form")
    text = plan_yaml(data, chinese_keys=rng.random() < 0.33)
    if rng.random() < 0.5:          # full-width commas inside Chinese text, as Word writes them
        text = _CHINESE_COMMA.sub("，", text)
    if rng.random() < 0.33:
        text = traditional(text)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--plans", type=int, default=1)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="processes to write with")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.plans, args.items, args.seed, args.jobs)
    print(f"{len(paths)} plans, {len(paths) * args.items} items in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
