"""Rectification deadlines (整改时限) and dates as plans write them.

Plans give deadlines as YAML dates, ISO strings, or Chinese text such as
"2024年6月底前", "2025年一季度", "立行立改" or "长期坚持". Rules need to know which
of these a deadline is, and for a dated deadline the last calendar day it
allows, so that "2024年6月底前" and "2024-06-30" compare equal.

The parser never raises and never looks at today's date: relative text such
as "明年底" or "年底前" with no year in it is "vague", because the same plan
must give the same answer whenever it is checked.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from compliance.text import normalize, short_cache

__all__ = [
    "Deadline",
    "IMMEDIATE",
    "DATE",
    "MISSING",
    "ONGOING",
    "VAGUE",
    "parse_date",
    "parse_deadline",
]

DATE = "date"
IMMEDIATE = "immediate"
ONGOING = "ongoing"
VAGUE = "vague"
MISSING = "missing"

# Years a rectification plan can plausibly name; anything else is a typo.
MIN_YEAR = 1949
MAX_YEAR = 2100

# A deadline field this long is prose, not a deadline; refusing it early also
# keeps huge untrusted strings out of normalize()'s cache.
MAX_TEXT = 10_000


@dataclass(frozen=True, slots=True)
class Deadline:
    """What a deadline field says.

    ``kind`` is one of "date", "immediate", "ongoing", "vague", "missing".
    ``date`` is the last day the text allows: always set for "date", set for
    "ongoing" when the text also names a date, otherwise None.
    ``text`` is the value as the plan wrote it ("" when missing).
    """

    kind: str
    date: datetime.date | None
    text: str


# --- keywords ---------------------------------------------------------------

# Matched against normalised (simplified) text, so traditional input works.
_IMMEDIATE = re.compile(r"立行立改|立即整改|即知即改|马上整改|立查立改|即查即改|immediate", re.I)
_ONGOING = re.compile(r"长期坚持|长期推进|持续推进|持续整改|常态化|长期|ongoing", re.I)

# A date followed by one of these starts a period rather than ending it.
_START_MARKERS = ("起", "开始", "以来")

# --- Chinese numerals -------------------------------------------------------

_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○一二三四五六七八九十"

# Each pattern is a flat alternation with fixed-width lookarounds, so the
# numeral rewrite stays linear on untrusted input.
_CN_YEAR = re.compile(rf"(?<![{_CN}])([〇零○一二三四五六七八九]{{4}})(?=年)")
_CN_MONTH = re.compile(rf"(?<![{_CN}])(十[一二]|十|[一二三四五六七八九])(?=月)")
_CN_DAY = re.compile(r"(?<=月)(三十一|三十|二十[一二三四五六七八九]|二十|十[一二三四五六七八九]|十|[一二三四五六七八九])(?=[日号])")
_CN_QUARTER = re.compile(rf"(?<![{_CN}])([一二三四五六七八九])(?=季度)")


def _cn_small(numeral: str) -> str:
    """Digits for a Chinese numeral 1..39 written with 十 (三十一 → 31)."""
    if "十" not in numeral:
        return str(_CN_DIGIT[numeral])
    tens, _, ones = numeral.partition("十")
    return str((_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0))


# Every rewrite replaces Chinese numerals; most dates are written in digits,
# and one search spares the four passes (each a look-behind at every position).
_CN_ANY = re.compile(f"[{_CN}]")


def _arabic(text: str) -> str:
    """Rewrite Chinese-numeral years, months, days and quarters as digits."""
    if not _CN_ANY.search(text):
        return text
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGIT[c]) for c in m.group(1)), text)
    text = _CN_MONTH.sub(lambda m: _cn_small(m.group(1)), text)
    text = _CN_DAY.sub(lambda m: _cn_small(m.group(1)), text)
    return _CN_QUARTER.sub(lambda m: _cn_small(m.group(1)), text)


# --- date tokens ------------------------------------------------------------

_CONNECTOR = r"\s{0,3}(?:-|~|—|–|至|到)\s{0,3}"
_RELATIVE = "次年|明年|翌年|来年|后年|今年|当年|同年|本年"
_RELATIVE_OFFSET = {"次年": 1, "明年": 1, "翌年": 1, "来年": 1, "后年": 2}


def _part(tag: str, after_year: bool) -> str:
    """The part of a year a date names (month, quarter, half, year end).

    Group names carry ``tag`` because the pattern is used twice in one regex.
    Without a year in front, 年底 needs its 年 (a lone 底 is just a character).
    """
    year_end = "年?" if after_year else "年"
    month_lead = "" if after_year else r"(?<!\d)"
    return (
        rf"{month_lead}(?P<m{tag}>\d+)月"
        rf"(?:(?P<d{tag}>\d+)[日号]|(?P<mp{tag}>上旬|中旬|下旬|初|底|末))?"
        rf"|{year_end}(?P<ye{tag}>底|末)"
        rf"|(?P<h{tag}>上|下)半年"
        rf"|第?(?<!\d)(?P<q{tag}>\d+)季度"
        rf"|(?<![A-Za-z])[Qq](?P<qq{tag}>\d)(?!\d)"
    )


# Leftmost-first alternation: earlier, more specific forms win at a position.
_TOKEN = re.compile(
    # 2024-06-30, 2024/6/30, 2024.6.30 and 2024-6 (same separator throughout)
    r"(?<!\d)(?P<iy>\d{4})(?P<sep>[-/.])(?P<im>\d{1,2})(?!\d)"
    r"(?:(?P=sep)(?P<id>\d{1,2})(?!\d)|(?!(?P=sep)\d))"
    # 20240630
    r"|(?<!\d)(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})(?!\d)"
    # 2025Q1, 2025-Q1
    r"|(?<!\d)(?P<qy>\d{4})[-\s]?[Qq](?P<qyq>\d)(?!\d)"
    # 2024-2026年 / 2024至2026年: the start; the end is read as its own token
    rf"|(?<!\d)(?P<rs>\d{{4}}){_CONNECTOR}(?=\d{{4}}年)"
    # 2024-2026 with no 年 anywhere: the end year is the deadline
    rf"|(?<!\d)(?P<r1>\d{{4}}){_CONNECTOR}(?P<r2>\d{{4}})(?!\d)"
    # 2024年…, 次年…: a year, optionally narrowed to part of it
    rf"|(?:(?<!\d)(?P<y>\d{{4}})年|(?P<rel>{_RELATIVE}))(?:{_part('a', True)})?"
    # 6月底, 年底, 上半年 … with the year taken from earlier in the text
    rf"|(?:{_part('b', False)})"
)


class _Invalid(Exception):
    """The text names a date that does not exist (2024年13月, 2024-02-30)."""


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _day(year: int, month: int, day: int | None = None) -> datetime.date:
    """The given day, or the month's last day; raises _Invalid if impossible."""
    if not MIN_YEAR <= year <= MAX_YEAR or not 1 <= month <= 12:
        raise _Invalid
    # calendar.monthrange, without the weekday it also works out.
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]
    if day is None:
        return datetime.date(year, month, last)
    if not 1 <= day <= last:
        raise _Invalid
    return datetime.date(year, month, day)


def _year(text: str) -> int:
    """A four-digit year, checked against the plausible range."""
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _Invalid
    return year


def _small(digits: str) -> int:
    """A month or day number; a long digit run is no such number (and int()
    refuses runs over 4300 digits)."""
    if len(digits) > 2:
        raise _Invalid
    return int(digits)


def _quarter_end(year: int, quarter: str) -> datetime.date:
    """Last day of a quarter; a fifth quarter is a typo, not a date."""
    if quarter not in ("1", "2", "3", "4"):
        raise _Invalid
    return _day(year, int(quarter) * 3)


_TEN_DAY_END = {"上旬": 10, "初": 10, "中旬": 20}


def _part_end(m: re.Match[str], tag: str, year: int) -> datetime.date:
    """Last day of the part of ``year`` the token names (whole year if none)."""
    month = m.group(f"m{tag}")
    if month is not None:
        day = m.group(f"d{tag}")
        if day is not None:
            return _day(year, _small(month), _small(day))
        return _day(year, _small(month), _TEN_DAY_END.get(m.group(f"mp{tag}") or ""))
    if m.group(f"h{tag}") == "上":
        return _day(year, 6)
    quarter = m.group(f"q{tag}") or m.group(f"qq{tag}")
    if quarter is not None:
        return _quarter_end(year, quarter)
    return _day(year, 12)  # 年底, 年末, 下半年, or the bare year


def _latest_date(text: str) -> datetime.date | None:
    """The last day any date in ``text`` allows; None when it names none.

    Taking the latest resolves ranges (2024年6月至2025年12月) and lists of
    milestones alike. Raises _Invalid if any date in the text is impossible,
    since then the plan's real deadline is unknown.
    """
    latest: datetime.date | None = None
    anchor: int | None = None  # last year written out; 次年 counts from it
    carry: int | None = None  # year for a following 6月底 that gives none
    for m in _TOKEN.finditer(text):
        end: datetime.date | None
        if m.group("iy"):
            carry = anchor = _year(m.group("iy"))
            day = m.group("id")
            end = _day(carry, int(m.group("im")), int(day) if day else None)
        elif m.group("cy"):
            carry = anchor = _year(m.group("cy"))
            end = _day(carry, int(m.group("cm")), int(m.group("cd")))
        elif m.group("qy"):
            carry = anchor = _year(m.group("qy"))
            end = _quarter_end(carry, m.group("qyq"))
        elif m.group("rs"):
            carry = anchor = _year(m.group("rs"))
            continue  # a start year; the end token follows
        elif m.group("r1"):
            _year(m.group("r1"))
            carry = anchor = _year(m.group("r2"))
            end = _day(carry, 12)
        elif m.group("y"):
            carry = anchor = _year(m.group("y"))
            end = _part_end(m, "a", carry)
        elif m.group("rel"):
            if anchor is None:
                continue  # 明年底 with no year to count from
            carry = anchor + _RELATIVE_OFFSET.get(m.group("rel"), 0)
            end = _part_end(m, "a", carry)
        else:
            if carry is None:
                continue  # 6月底前 with no year anywhere
            end = _part_end(m, "b", carry)
        if text.startswith(_START_MARKERS, m.end()):
            continue  # 2024年6月起: when work starts, not when it must end
        if latest is None or end > latest:
            latest = end
    return latest


# --- public API -------------------------------------------------------------


def _as_text(value: object) -> str:
    """``value`` as text for reports, even if its __str__ misbehaves."""
    try:
        return str(value)
    except Exception:  # an odd object must not stop the check
        return ""


def _date_of(value: datetime.date) -> datetime.date:
    """The calendar day of a YAML date or datetime."""
    return value.date() if isinstance(value, datetime.datetime) else value


# normalize()'s space-near-Chinese regex rescans a run of spaces from each of
# its positions; one space per run gives the same result in linear time.
_SPACE_RUN = re.compile(r"\s+")


# Five-year-plan periods: "十四五"期间 ends with 2025.
_FIVE_YEAR_PLAN = re.compile(r'"?十([一二三四五六七八九])五"?(?:规划)?(?:期间|时期|末|内)?')
_DIGIT = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


@short_cache
def _normalized(value: str) -> str:
    """The matching form of ``value`` with Chinese numerals as digits
    (remembered: a plan writes the same dates and deadlines many times)."""
    text = normalize(_SPACE_RUN.sub(" ", value))
    if "十" in text:    # in every match; the pattern's optional quote in front defeats the engine's skip
        text = _FIVE_YEAR_PLAN.sub(lambda m: f"{2005 + 5 * _DIGIT[m.group(1)]}年底", text)
    return _arabic(text)


def parse_deadline(value: object) -> Deadline:
    """Classify a plan's deadline field; never raises."""
    try:
        return _parse_deadline(value)
    except Exception:  # a bug here must flag one field, not stop the check
        return Deadline(VAGUE, None, value if isinstance(value, str) else _as_text(value))


def _parse_deadline(value: object) -> Deadline:
    """parse_deadline without the safety net."""
    if value is None:
        return Deadline(MISSING, None, "")
    if isinstance(value, datetime.date):  # datetime is a subclass
        day = _date_of(value)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            return Deadline(VAGUE, None, value.isoformat())
        return Deadline(DATE, day, value.isoformat())
    if isinstance(value, str):
        return _parse_deadline_text(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)) and not value:
        return Deadline(MISSING, None, "")
    # Numbers, lists, mappings: a YAML number like 2024.10 is really 2024.1,
    # so guessing a date from one would be wrong more often than right.
    return Deadline(VAGUE, None, _as_text(value))


@short_cache
def _parse_deadline_text(value: str) -> Deadline:
    """parse_deadline for a string (remembered: a Deadline cannot change, and
    a plan gives the same deadline to many items)."""
    if not value.strip():
        return Deadline(MISSING, None, "")
    if len(value) > MAX_TEXT:
        return Deadline(VAGUE, None, value)
    try:
        text = _normalized(value)
    except Exception:  # e.g. lone surrogates OpenCC cannot encode
        return Deadline(VAGUE, None, value)
    if not text:
        return Deadline(MISSING, None, "")
    try:
        latest = _latest_date(text)
    except _Invalid:  # an impossible date leaves the real deadline unknown
        latest = None
    # Immediate wins over ongoing ("立行立改、长期坚持" means start now); with
    # a later date ("立行立改,2025年底前完成") the item is dated.
    if _IMMEDIATE.search(text):
        return Deadline(DATE, latest, value) if latest else Deadline(IMMEDIATE, None, value)
    if _ONGOING.search(text):
        return Deadline(ONGOING, latest, value)
    if latest is None:
        return Deadline(VAGUE, None, value)
    return Deadline(DATE, latest, value)


# One exact day and nothing else; the separator repeats so 2024-06/30 fails.
_EXACT_DAY = re.compile(
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<cy>\d{4})年(?P<cm>\d{1,2})月(?P<cd>\d{1,2})[日号]"
    r"|(?P<ky>\d{4})(?P<km>\d{2})(?P<kd>\d{2})"
)


def parse_date(value: object) -> datetime.date | None:
    """A single exact day (issue, completion, verification dates); else None.

    Unlike parse_deadline this accepts no month, quarter or surrounding words:
    a completion date of "2024年6月" is not a day, so it is not a date.
    """
    if isinstance(value, datetime.date):
        day = _date_of(value)
        return day if MIN_YEAR <= day.year <= MAX_YEAR else None
    if not isinstance(value, str) or len(value) > 100:
        return None
    try:
        m = _EXACT_DAY.fullmatch(_normalized(value))
        if m is None:
            return None
        y, mo, d = (m.group("y", "m", "d") if m.group("y")
                    else m.group("cy", "cm", "cd") if m.group("cy")
                    else m.group("ky", "km", "kd"))
        return _day(int(y), int(mo), int(d))
    except Exception:  # _Invalid, or text OpenCC cannot encode
        return None
