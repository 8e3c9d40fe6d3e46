"""Text normalisation for matching.

Reports always show the original text; rules match the normalised form, in
which traditional characters are simplified, full-width forms are
half-width, every quote style is one ASCII double quote and spaces inside
Chinese text are gone. The same plan written in either script, by any
editor, therefore matches the same way.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Every quote style clerks and editors produce, folded to one.
_QUOTES = str.maketrans({c: '"' for c in "“”„‟〝〞〟＂「」『』‘’‚‛'`´«»‹›﹁﹂﹃﹄"})

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _join_cjk(match: re.Match[str]) -> str:
    # A run of spaces touching Chinese text on either side goes; a single
    # linear pass, since input is untrusted and may be long.
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if _CJK.match(before or " ") or _CJK.match(after or " ") else " "


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The matching form of ``text``; idempotent."""
    folded = unicodedata.normalize("NFKC", _SURROGATE.sub("\ufffd", text))
    folded = _T2S.convert(folded)
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
# "不得不" and "不能不" are double negatives and affirm.
_NEGATOR = re.compile(
    r"(?<!不得)(?<!不能)(?:严禁|禁止|杜绝|防止|防范|严防|避免|不得|不准|不许|不要|不能|不应|不宜|不可|不会|不再|"
    r"不搞|不采取|不实行|不实施|不安排|不组织|不举行|不举办|不设|不摆|不赠|不送|不收|不接受|不允许|"
    r"不提倡|不存在|不出现|没有|决不|绝不|坚决反对|反对|拒绝|谢绝|切忌|制止|遏制|纠正|严查|"
    r"不[停关]|勿)(?!不)"
)
# A clause that continues the previous one's negation: 严禁…,以及"一律关停"等做法.
_CONTINUES = re.compile(r'^"?(?:以及|及|和|或者|或|与|乃至|甚至|更不|也不|亦不|等)')
# The thing named first, then rejected: "一刀切"的做法坚决杜绝 / 一律关停是错误的.
_POST_NEGATION = re.compile(
    r"(?:坚决|严格|必须|要|应当|应)?(?:杜绝|禁止|避免|纠正|制止|反对|防止)[,;:!?。\n]*$"
    r"|(?:不可取|要不得|是错误的|不被允许|不允许)[,;:!?。\n]*$"
)
# A quoted practice named as a problem to correct: 开展"一刀切"问题专项整治.
_MENTION = re.compile(r'"[^"]{1,20}"(?:等)?(?:问题|现象|行为|做法|倾向)')
_CORRECTIVE = re.compile(r"整治|排查|查处|纠正|治理|整改|督查|检查|防范|通报|曝光")


def affirmed(norm: str) -> str:
    """``norm`` with every negated span replaced by MASK characters."""
    out: list[str] = []
    negating = False
    for clause in _CLAUSE.findall(norm):
        negating = bool(negating and _CONTINUES.match(clause))
        out.append(_affirmed_clause(clause, negating))
        negating = negating or bool(_NEGATOR.search(clause))
    return "".join(out)


def _affirmed_clause(clause: str, negated_before: bool) -> str:
    if negated_before or _POST_NEGATION.search(clause):
        return _mask(clause, 0, len(clause))
    match = _NEGATOR.search(clause)
    if match:
        clause = _mask(clause, match.start(), len(clause))
    if _CORRECTIVE.search(clause):
        for mention in _MENTION.finditer(clause):
            clause = _mask(clause, mention.start(), mention.end())
    return clause


def _mask(text: str, start: int, end: int) -> str:
    # Keep clause punctuation so clause-level patterns still see boundaries.
    span = "".join(ch if ch in ",;:!?。\n" else MASK for ch in text[start:end])
    return text[:start] + span + text[end:]


# --- Targeted, lawful enforcement --------------------------------------------
#
# 依法对某某化工有限公司实施停产整治 is enforcement, not a blanket shutdown. The
# *untargeted* view also masks clauses that name a specific enterprise or
# give a legal basis or a violation that the measure is limited to.

_LAWFUL = re.compile(
    r"依法|依规|依纪|依据|根据.{0,12}(?:法|条例|规定|办法)|按照.{0,12}(?:法|条例|规定)|《[^》]+》|第.{1,6}条|"
    r"违法|违规|超标|不达标|未达标|未批先建|无证|无照|手续不全|逾期未|拒不|偷排|漏排|屡查屡犯"
)
# A named enterprise: a name of at least two characters before the form of
# business, and not a collective word (各/所有/全部/辖区…) in front of it.
_ENTERPRISE = re.compile(
    r"(?<![各全所有等])(?:[^\s,;:!?。、\"]{2,30}?)(?:有限责任公司|股份有限公司|有限公司|集团|公司|厂|矿|场|站)(?![区内外])"
)
_COLLECTIVE = re.compile(r"各类|各个|各家|所有|全部|一律|全县|全市|全区|全省|全镇|全乡|辖区|区域内|全域|一批|所属")


def lawful(norm: str) -> bool:
    """Whether the text gives a legal basis or limits itself to violators."""
    return bool(_LAWFUL.search(norm))


def names_enterprise(clause: str) -> bool:
    """Whether the clause names one specific enterprise rather than a class."""
    if _COLLECTIVE.search(clause):
        return False
    return bool(_ENTERPRISE.search(clause)) and "某些" not in clause


def untargeted(affirmed_text: str) -> str:
    """``affirmed_text`` with clauses of targeted or lawful enforcement masked."""
    out: list[str] = []
    for clause in _CLAUSE.findall(affirmed_text):
        if _LAWFUL.search(clause) or names_enterprise(clause):
            clause = _mask(clause, 0, len(clause))
        out.append(clause)
    return "".join(out)
