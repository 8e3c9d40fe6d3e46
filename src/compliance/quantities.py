"""Numbers read out of normalised plan text: a target's quantity, a head count.

Rules compare numbers in the engine; this module only reads them. It reads
a number where the sentence leaves no doubt what it measures and returns
None otherwise, since a wrong number would compare wrongly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# Bounded, and starting where a number starts: an unbounded run tried at
# every digit of a long one (1111…) takes quadratic time.
NUMBER = (r"(?<![0-9])[0-9]{1,15}(?:\.[0-9]{1,8})?"
          r"|(?<![零〇一二两三四五六七八九十百千万])[零〇一二两三四五六七八九十百千万]{1,15}")


def number(text: str) -> float | None:
    """An Arabic or Chinese numeral (12, 3.5, 十二, 二十五, 一百零八, 十二万) as a
    number; None for digits strung together without units (二〇二四, 三五:
    a year, or "three or five"), which say no one number."""
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    if not text:
        return None
    # total: what is before 万; section: below 万; current: the digit pending.
    total, section, current, pending = 0, 0, 0, False
    for char in text:
        if char in _DIGITS:
            if pending and _DIGITS[char]:
                return None
            current, pending = _DIGITS[char], bool(_DIGITS[char])
        elif char == "万":
            total = ((total + section + current) or 1) * _UNITS[char]
            section, current, pending = 0, 0, False
        elif char in _UNITS:
            section += (current or 1) * _UNITS[char]
            current, pending = 0, False
        else:
            return None
    return float(total + section + current)


@dataclass(frozen=True)
class Quantity:
    """A target's figure: ``sense`` says which way is stricter."""

    value: float
    unit: str
    sense: str  # "max": a ceiling, lower is stricter; "min": a floor, higher is stricter


# Only the Latin units ignore case, in a scoped flag: under re.IGNORECASE
# every literal is compared case-folded, and re no longer skips at once the
# alternatives whose first character differs (a figure is looked for at
# every numeral of every target).
_UNIT = r"(?P<unit>%|‰|微克/立方米|毫克/立方米|毫克/升|(?i:mg/m3|mg/l|μg/m3|ug/m3)|吨|万吨|立方米|万立方米|平方米|平方公里|" \
        r"公顷|万亩|亩|公里|千米|米|家|个|座|处|台|套|条|万户|户|座|天|项|蒸吨)"
# One unit, however it is spelt; a unit of ten thousand (万吨) is its base
# unit with the value scaled, so 12万吨, 十二万吨 and 120000吨 compare.
_CANONICAL_UNIT = {"mg/m3": "毫克/立方米", "μg/m3": "微克/立方米", "ug/m3": "微克/立方米", "mg/l": "毫克/升",
                   "千米": "公里"}
_CEILING_BEFORE = r"(?:降至|降到|降低到|降低至|下降到|下降至|控制在|控制到|不高于|不超过|不多于|至多|最多|低于|小于|" \
                  r"削减到|削减至|压减到|压减至|≤|<=)"
_FLOOR_BEFORE = r"(?:达到|提高到|提高至|提升到|提升至|不低于|不少于|至少|高于|增加到|增加至|≥|>=|完成|建成|治理|整治|关闭|" \
                r"改造|新建|实施)"
_CEILING_AFTER = r"(?:以下|以内|之内)"
_FLOOR_AFTER = r"(?:以上)"
# A numeral inside another (the 5 of 2.5) or an ordinal (第3家) is no count.
_NOT_A_COUNT = r"(?<![第0-9.零〇一二两三四五六七八九十百千万])"
_FIGURE = re.compile(
    rf"(?P<before>{_CEILING_BEFORE}|{_FLOOR_BEFORE})?[^,;。0-9零〇一二两三四五六七八九十百千万]{{0,2}}"
    rf"{_NOT_A_COUNT}(?P<value>{NUMBER})\s*{_UNIT}(?P<after>{_CEILING_AFTER}|{_FLOOR_AFTER})?")
_DATE_NEAR = re.compile(r"^(?:年|月|日|号|季度|底|前)")
# 一家一策, 一处一档, 一户一码: one per site, a way of working, not a count;
# 逐一, 统一, 唯一 are words, not the number one.
_IDIOM_AFTER = re.compile(r"^一")
_IDIOM_BEFORE = re.compile(r"[逐统唯同万]$")


# What every _FIGURE match holds: a number's last digit, then its unit. Most
# targets (2025年底前完成整治) hold none, and are not scanned for a figure.
_FIGURE_GATE = re.compile(rf"[0-9零〇一二两三四五六七八九十百千万]\s*{_UNIT}")


def target_quantity(norm: str) -> Quantity | None:
    """The one figure a target states, with its direction, or None if it
    states none, several, or one whose direction the words do not give."""
    if not _FIGURE_GATE.search(norm):
        return None
    found = []
    for match in _FIGURE.finditer(norm):
        if _DATE_NEAR.match(norm[match.end("value"):]):
            continue
        if match["value"] == "一" and (_IDIOM_AFTER.match(norm[match.end("unit"):])
                                      or _IDIOM_BEFORE.search(norm[:match.start("value")])):
            continue
        sense = _sense(match["before"], match["after"])
        value = number(match["value"])
        if sense is None or value is None:
            continue
        unit = match["unit"].lower()
        unit = _CANONICAL_UNIT.get(unit, unit)
        if unit.startswith("万") and len(unit) > 1:
            value, unit = round(value * 10000, 6), unit[1:]
        found.append(Quantity(value, unit, sense))
    return found[0] if len(found) == 1 else None


def _sense(before: str | None, after: str | None) -> str | None:
    if after:
        return "max" if re.fullmatch(_CEILING_AFTER, after) else "min"
    if before:
        return "max" if re.fullmatch(_CEILING_BEFORE, before) else "min"
    return None


# A clause about accompanying the team, with the clause after it when that
# only states how many (由属地政府安排专人陪同,人数控制在6人以内).
# From a clause's start only: tried at every character of a long clause it
# would take quadratic time.
_ESCORT_CLAUSE = re.compile(r"(?<![^,;。\n])[^,;。\n]*陪同[^,;。\n]*(?:,(?:陪同)?(?:人数|人员|总人数|规模|每组|每次)[^,;。\n]*)?")
# A head count, not a tally of visits (陪同45人次).
_HEADS = re.compile(rf"(?P<value>{NUMBER})\s*(?:名|人(?!次)|位)")
# The team's own size (督察组一行8人由1名副局长陪同) is not the escort.
_TEAM = re.compile(r"(?:督察组|督察人员|督察组成员|检查组|专家组|一行)[^,;。\n]{0,4}$")


def escort_count(affirmed: str) -> int | None:
    """The largest head count stated in a clause about accompanying the team."""
    counts = [number(m["value"]) for clause in _ESCORT_CLAUSE.findall(affirmed) for m in _HEADS.finditer(clause)
              if not _TEAM.search(clause[:m.start()])]
    counts = [c for c in counts if c is not None]
    return int(max(counts)) if counts else None
