"""Text normalisation for matching.

Reports always show the original text; rules match the normalised form, in
which traditional characters are simplified, full-width forms are
half-width, every quote style is one ASCII double quote and spaces inside
Chinese text are gone. The same plan written in either script, by any
editor, therefore matches the same way.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import opencc

from . import _t2s_keys

_Result = TypeVar("_Result")


def short_cache(function: Callable[[str], _Result]) -> Callable[[str], _Result]:
    """``function`` cached for short texts only: plans repeat owners,
    statuses and stock measures, but a cache of every text would hold a
    batch's long ones (up to 100,000 characters each) for good. At most
    16,384 texts of at most 1,000 characters: a few tens of MB at worst."""
    cached = functools.lru_cache(maxsize=16384)(function)

    @functools.wraps(function)
    def wrapper(text: str) -> _Result:
        return cached(text) if len(text) <= 1000 else function(text)
    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]  # as functools' caches have it
    return wrapper

_T2S = opencc.OpenCC("t2s")

# Every quote style clerks and editors produce, folded to one.
_QUOTE_STYLES = "“”„‟〝〞〟＂「」『』‘’‚‛'`´«»‹›﹁﹂﹃﹄"
_QUOTES = str.maketrans({c: '"' for c in _QUOTE_STYLES})
# str.translate looks every character up in a dict: a search first costs a
# fifth of that, and most texts hold no quote at all.
_ANY_QUOTE = re.compile(f"[{_QUOTE_STYLES}]")

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"\s+")
_SURROGATES = r"\ud800-\udfff"
_FORMAT = "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_FORMAT_CHARS = re.compile(f"[{_FORMAT}]")
# Either of the two, in one search: NFKC makes no format character of any
# other (tests/test_text.py checks every code point), so a text without
# them needs neither substitution.
_SURROGATE_OR_FORMAT = re.compile(f"[{_SURROGATES}{_FORMAT}]")


def _t2s_keys_hold() -> bool:
    """Whether _t2s_keys lists the keys of the dictionaries OpenCC loaded
    (the same files, byte for byte, as scripts/t2s_keys.py read)."""
    share = Path(_T2S.config).parent
    try:
        return all(hashlib.sha256((share / name).read_bytes()).hexdigest() == digest
                   for name, digest in _t2s_keys.DIGESTS.items())
    except OSError:
        return False


# OpenCC replaces only where a dictionary key occurs and copies every other
# character, so a text in which no key occurs converts to itself: every
# ASCII text (no key holds an ASCII character) and most simplified ones. A
# search for where a key may begin (a regex of _t2s_keys) and a look at the
# phrases from there cost a third of converting; but compiling the regex
# costs as much as some 15,000 conversions it spares, so a run converts that
# many texts first (a check of a plan or two never compiles it).
_CONVERSIONS_BEFORE_SEARCH = 15000
_conversions = 0
_PHRASE_STARTS: dict[str, tuple[str, ...]] = {}
for _phrase in _t2s_keys.PHRASES:
    _PHRASE_STARTS[_phrase[0]] = _PHRASE_STARTS.get(_phrase[0], ()) + (_phrase,)
_T2S_CANDIDATE: re.Pattern[str] | None = None


def _t2s_converting(text: str) -> str:
    """_T2S.convert(text) but for ASCII texts, until the search pays."""
    global _conversions, _t2s, _T2S_CANDIDATE
    if text.isascii():
        return text
    _conversions += 1
    if _conversions >= _CONVERSIONS_BEFORE_SEARCH:
        _T2S_CANDIDATE = re.compile(_t2s_keys.CANDIDATE)
        _t2s = _t2s_searching
    return _T2S.convert(text)


def _t2s_searching(text: str) -> str:
    """_T2S.convert(text), without converting a text no key occurs in."""
    search = _T2S_CANDIDATE.search  # type: ignore[union-attr]  # compiled before this is used
    match = search(text)
    while match:
        start = match.start()
        # One character: a key itself. Two: a phrase's first character
        # (never a key itself, or the first branch had matched) and a
        # phrase's second; convert if a phrase begins there.
        if match.end() - start == 1 or text.startswith(_PHRASE_STARTS[text[start]], start):
            return _T2S.convert(text)
        match = search(text, start + 1)
    return text


# What normalize converts with: another OpenCC's dictionaries than those
# _t2s_keys lists leave no shortcut.
_t2s: Callable[[str], str] = _t2s_converting if _t2s_keys_hold() else _T2S.convert


def _join_cjk(match: re.Match[str]) -> str:
    # A run of spaces touching Chinese text on either side goes; a single
    # linear pass, since input is untrusted and may be long.
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if "\n" in match.group():
        return "\n"      # a line break ends a clause; keep it
    return "" if _CJK.match(before or " ") or _CJK.match(after or " ") else " "


@short_cache
def normalize(text: str) -> str:
    """The matching form of ``text``; idempotent."""
    if _SURROGATE_OR_FORMAT.search(text):
        folded = unicodedata.normalize("NFKC", _SURROGATE.sub("\ufffd", text))
        # Zero-width and direction marks (Cf) hide nothing from a reader; they
        # must hide nothing from a rule either: 一刀\u200b切.
        folded = _FORMAT_CHARS.sub("", folded)
    else:
        folded = unicodedata.normalize("NFKC", text)
    folded = _t2s(folded)
    if _ANY_QUOTE.search(folded):
        folded = folded.translate(_QUOTES)
    return _SPACES.sub(_join_cjk, folded).strip()


# --- Negation -------------------------------------------------------------
#
# Plans quote the very prohibitions they obey: 坚决杜绝"一刀切", 不搞"一律关停",
# 严禁层层陪同. Rules match the *affirmed* view of a text, in which every
# span that is said not to happen is masked, so a rule's vocabulary only
# meets what the plan actually commits to doing.

MASK = "_"

# Clause boundaries after normalisation (full-width forms are half-width).
_CLAUSE = re.compile(r"[^,;:!?。\n]+[,;:!?。\n]*")

# Words that put what follows them, to the end of the clause, out of force.
# 不论/不分/不管/无论 are deliberately absent: "不论大小一律关停" is blanket.
# A bare 不 is absent too (不达标企业, 不出问题); 不 counts only before the
# verbs plans use to rule an arrangement out, or before a quoted practice
# (不"一刀切"). "不得不" and "不能不" affirm.
_NEGATOR_WORDS = (
    "严禁", "禁止", "杜绝", "防止", "防范", "严防", "避免", "不得", "不准", "不许", "不要", "不能", "不应", "不宜",
    "不可", "不会", "不再", "不存在", "不出现", "没有", "决不", "绝不", "坚决反对", "反对", "拒绝", "谢绝", "切忌",
    "制止", "遏制", "纠正", "严查", "摒弃", "力戒", "戒除", "勿", "而非", "而不是", "并非", "不是", "警惕", "谨防",
    "规避", "破除", "克服", "取代", "代替", "替代", "告别", "不以",
    r"变(?=\")", r"从(?=\"[^\"]{1,20}\"转向)", r"不(?=一律|一刀切|一关了之|简单)",
    r"不(?:搞|采取|实行|实施|安排|组织|举行|举办|设|摆|摆放|赠|赠送|送|收|收受|接受|允许|提倡|悬挂|挂|张贴|"
    r"布置|铺设|铺|上|出面|邀请|请|陪同|用|使用|提供|开展|进行|准备|设置|派|配备|停|关|封|喝|饮|宴|住|发|做|"
    r"搞|走|打|到(?!位))",
    r"不(?=\")", r"无(?=警车|迎送|宴|陪同|横幅|鲜花|礼品|标语)",
)
# Not after 不得/不能 (不得不 affirms). The check follows each word's first
# character, not the match's start: a pattern whose every branch begins with
# a character lets the regex engine skip to where one occurs, where a
# look-behind in front would make it try every branch at every position.
_NEGATOR = re.compile(
    "(?:" + "|".join(f"{word[0]}(?<!不得{word[0]})(?<!不能{word[0]}){word[1:]}" for word in _NEGATOR_WORDS) + ")(?!不)")
# A clause that continues the previous one's negation: 严禁…,以及"一律关停"等做法.
_CONTINUES = re.compile(r'^"?(?:以及|及(?!时)|和|或者|或|与|乃至|甚至|更不|也不|亦不|等)')
# A clause that only sets time, place or pretext, so a negator's object is
# still to come: 严禁在督察进驻期间,以环保为名,…一律关停.
_ADVERBIAL = re.compile(
    r"^(?:(?:在|于|从)?[^,;:!?。\n]{0,16}(?:期间|之际|过程中|时候|时|中|前|后)|以[^,;:!?。\n]{0,10}(?:为名|为由|名义)"
    r"|以下[^,;:!?。\n]{0,8})?[,;:!?。\n]*$")
# The thing named first, then rejected: "一刀切"的做法坚决杜绝 / 一律关停是错误的.
_POST_NEGATION = re.compile(
    r"(?:坚决|严格|必须|要|应当|应)?(?:杜绝|禁止|避免|纠正|制止|反对|防止|防范|摒弃|力戒)[,;:!?。\n]*$"
    r"|(?:不可取|要不得|是错误的|不被允许|不允许|行不通|走不通|零容忍|说\"?不\"?)[,;:!?。\n]*$"
)
# What _POST_NEGATION can end with, before trailing punctuation: a clause
# (which holds no punctuation but at its end) matches it when it ends so.
_POST_NEGATION_ENDS = ("杜绝", "禁止", "避免", "纠正", "制止", "反对", "防止", "防范", "摒弃", "力戒",
                       "不可取", "要不得", "是错误的", "不被允许", "不允许", "行不通", "走不通", "零容忍",
                       "说不", '说"不', '说不"', '说"不"')


def _post_negated(clause: str) -> bool:
    """Whether _POST_NEGATION.search(clause) finds a match, without the regex
    (whose optional adverb in front leaves it no literal to skip to)."""
    return clause.rstrip(",;:!?。\n").endswith(_POST_NEGATION_ENDS)


# Quoted practices named as problems: "一刀切""一律关停"等问题, "一刀切"等…形式主义问题.
# The words between a quote and its noun may not order the practice: in
# 对"小散养殖户"采取一律关停的方式 the quote names the target, not a problem;
# nor may a verb before the quote (采取"大呼隆"方式集中整治 does it).
# (Written to begin with one class of characters, so that the regex engine
# skips to where a match may begin: a quote, whose look-behinds follow it,
# or the first character of a word, whose second is checked after.)
_MENTION = re.compile(r'["查严纠整排防督通曝]'
                      r'(?:(?<=")(?<!采取")(?<!采用")(?<!实行")(?<!实施")(?<!运用")(?<!搞")'
                      r'[^"]{1,20}"(?:"[^"]{1,20}"){0,5}(?:(?!采取|实行|实施|一律)[^,;:!?。"]){0,24}?'
                      r'(?:问题|现象|行为|做法|倾向|方式|影响|情况|思维|式)'
                      r'|[处查正治范报光](?<=查处|严查|纠正|整治|排查|防范|督查|通报|曝光)'
                      r'[^,;:!?。"]{0,2}(?:"[^"]{1,20}"){1,6})')
_CORRECTIVE = re.compile(r"整治|排查|查处|纠正|纠治|查纠|自查|自纠|治理|整改|督查|督办|检查|防范|通报|曝光|盯住|纳入|"
                         r"核实|处理|问责|追责|举报|监督|受理|消除|调查|严处|回头看")
# A clause naming wrongdoers, by a quoted practice, as the topic of a sanction in the next clause:
# 对于采取"一刀切"方式消极应对督察的,督察组将严肃处理 / 对…关停养殖场的乡镇,责令纠正.
_TOPIC = re.compile(r'^(?:对于|对)(?:[^,;:!?。]*"[^,;:!?。]*的[^,;:!?。]{0,8}'
                    r'|[^,;:!?。]*的(?:问题|行为|现象|做法|情况))[,;:]?$')
# An investigation of the practice: 调查核实个别乡镇…集中停产的情况.
_INQUIRY = re.compile(r'^[^,;:!?。]{0,4}(?:调查|核实|核查|排查|查处|严查|督查|摸排|清查)[^,;:!?。]*(?:的|等)(?:情况|问题|行为|现象|做法)')


# Cached: plans repeat stock measures (建立长效机制) from item to item, and
# counties copy their city's wording.
@short_cache
def affirmed(norm: str) -> str:
    """``norm`` with every negated span replaced by MASK characters."""
    clauses = _CLAUSE.findall(norm)
    out: list[str] = []
    negated = False        # the previous clause was negated
    open_object = False    # ...by a negator whose object is still to come
    listing = False        # ...by a negator introducing a list (严禁以下做法:)
    for index, clause in enumerate(clauses):
        following = clauses[index + 1] if index + 1 < len(clauses) else ""
        carried = negated and (open_object or listing or bool(_CONTINUES.match(clause)))
        negator = _NEGATOR.search(clause)
        out.append(_affirmed_clause(clause, carried, following, negator))
        if carried:
            open_object = open_object and bool(_ADVERBIAL.match(clause))
        else:
            open_object = bool(negator and _ADVERBIAL.match(clause[negator.end():]))
            listing = bool(negator and clause.rstrip().endswith(":"))
        listing = listing and not clause.rstrip().endswith("。")
        negated = carried or bool(negator)
    return "".join(out)


def _affirmed_clause(clause: str, negated_before: bool, following: str, match: re.Match[str] | None) -> str:
    """``clause`` masked; ``match`` is its first negator (affirmed searches
    for it anyway: a search of _NEGATOR is most of a clause's cost)."""
    if negated_before or _INQUIRY.search(clause):
        return _mask(clause, 0, len(clause))
    if _post_negated(clause):
        return _mask(clause, _post_negation_start(clause), len(clause))
    if _TOPIC.match(clause) and _CORRECTIVE.search(following):
        return _mask(clause, 0, len(clause))
    # Whether the practice is named to be corrected is read before negators
    # are masked: in 建立"一刀切"问题纠正机制 the 纠正 is both.
    corrective = _CORRECTIVE.search(clause) or _CORRECTIVE.search(following)
    if match:
        clause = _mask(clause, match.start(), _scope_end(clause, match))
    if corrective:
        for mention in _MENTION.finditer(clause):
            clause = _mask(clause, mention.start(), mention.end())
    return clause


# 避免/防止 + 发生/出现 takes an event as its object; a whole-area subject
# after it starts a new predicate even without a comma:
# 为避免督察期间发生环境信访全市养殖场一律关停.
_EVENT_NEGATOR = re.compile(r"(?:避免|防止|防范|严防)[^,;:!?。]{0,12}(?:发生|出现)")
_NEW_SUBJECT = re.compile(r"全市|全县|全区|全省|全镇|全乡|所有|辖区内")


def _scope_end(clause: str, negator: re.Match[str]) -> int:
    event = _EVENT_NEGATOR.match(clause, negator.start())
    if event:
        subject = _NEW_SUBJECT.search(clause, event.end())
        if subject:
            return subject.start()
    return len(clause)


def _post_negation_start(clause: str) -> int:
    """Where the object of a trailing 坚决杜绝 begins: the whole clause when
    it lists quoted practices ("一刀切"、"一律关停"的做法坚决杜绝), else the
    last 、-separated part (一律关停到位、死灰复燃坚决杜绝)."""
    parts = clause.split("、")
    if len(parts) == 1 or all(part.rstrip().endswith('"') for part in parts[:-1]):
        return 0
    return len(clause) - len(parts[-1])


def _mask(text: str, start: int, end: int) -> str:
    # Keep clause punctuation so clause-level patterns still see boundaries.
    span = "".join(ch if ch in ",;:!?。\n" else MASK for ch in text[start:end])
    return text[:start] + span + text[end:]


# --- Targeted, lawful enforcement --------------------------------------------
#
# 依法对某某化工有限公司实施停产整治 is enforcement, not a blanket shutdown. The
# *untargeted* view also masks clauses that name a specific enterprise or
# give a legal basis or a violation that the measure is limited to.

# A legal basis or a list alone (依法, 列入…计划) does not make an order over a
# whole area targeted: 依法依规对全市所有砖瓦窑实施关停 is still blanket.
_LEGAL_BASIS = re.compile(
    r"依法|依规|依纪|依据|根据.{0,12}(?:法|条例|规定|办法)|按照.{0,12}(?:法|条例|规定)|《[^《》]{1,80}》|第.{1,6}条|"
    r"列入.{0,12}(?:名单|清单|计划|名录)|纳入.{0,12}(?:名单|清单|计划|名录)")   # no group first: see _MENTION
_ALL_SCOPE = re.compile(r"所有|全部|一律|全县|全市|全区|全省|全镇|全乡|辖区内")
# What limits a measure to violators, a list, a policy or a past state.
_QUALIFIER = re.compile(
    r"未[^,;。]{1,10}的|违法|违规|超标|不达标|未达标|未批先建|无证|无照|手续不全|逾期未|拒不|偷排|漏排|屡查屡犯|涉事|"
    r"淘汰类|落后产能|散乱污|"
    r"应急减排|重污染天气|预警|错峰|差异化|绩效分级|分级管控|突发环境事件|应急预案|检修|"
    r"非法|擅自|未经.{0,6}(?:环评|审批|许可|批准)|手续齐全|达标排放|禁采期|禁渔期|"
    # Not a new shutdown at all: sites already closed, firms under lawful 停产整治.
    r"已(?:经|被|依法)?(?:关停|关闭|停产|停业|取缔|拆除)|停产整治(?:的)?企业"
)
# A named enterprise: a company form after a name (某某化工有限公司), or a
# works named as such (某某砖厂). A class noun (养殖场, 砖厂) names none.
_ENTERPRISE = re.compile(
    r"(?<![各全所有等])[^\s,;:!?。、\"]{2,30}?(?:有限责任公司|股份有限公司|有限公司|集团|公司)(?![区内外])"
    r"|某{1,2}[^\s,;:!?。、\"]{0,12}?(?:厂|矿|场|站)"
)
_COLLECTIVE = re.compile(r"各类|各个|各家|所有|全部|一律|全县|全市|全区|全省|全镇|全乡|辖区|区域内|全域|一批|所属")


def lawful(norm: str) -> bool:
    """Whether the text gives a legal basis or limits itself to violators."""
    return bool(_LEGAL_BASIS.search(norm) or _QUALIFIER.search(norm))


def _targeted(clause: str) -> bool:
    if _QUALIFIER.search(clause) or names_enterprise(clause):
        return True
    return bool(_LEGAL_BASIS.search(clause)) and not _ALL_SCOPE.search(clause)


def names_enterprise(clause: str) -> bool:
    """Whether the clause names one specific enterprise rather than a class."""
    if _COLLECTIVE.search(clause):
        return False
    # Every match of _ENTERPRISE holds one of these; most clauses hold none,
    # and the regex tries a 30-character span at each of their positions.
    if "公司" not in clause and "集团" not in clause and "某" not in clause:
        return False
    return bool(_ENTERPRISE.search(clause)) and "某些" not in clause


@short_cache
def untargeted(affirmed_text: str) -> str:
    """``affirmed_text`` with clauses of targeted or lawful enforcement masked."""
    out: list[str] = []
    for clause in _CLAUSE.findall(affirmed_text):
        if _targeted(clause):
            clause = _mask(clause, 0, len(clause))
        out.append(clause)
    return "".join(out)


@short_cache
def views(text: str) -> tuple[str, str, str]:
    """The normalised, affirmed and untargeted views of ``text`` (one
    lookup where a plan repeats a text: a Text needs all three)."""
    norm = normalize(text)
    affirmed_text = affirmed(norm)
    return norm, affirmed_text, untargeted(affirmed_text)
