"""Tests for compliance.dates: deadlines and exact dates as plans write them."""

from __future__ import annotations

import datetime

import pytest

from compliance import dates
from compliance.dates import Deadline, parse_date, parse_deadline
from compliance.text import normalize

from growth import faster_than_linear

D = datetime.date


def kind_and_date(value: object) -> tuple[str, datetime.date | None]:
    """The two fields every rule looks at, compared exactly."""
    result = parse_deadline(value)
    assert isinstance(result, Deadline)
    return result.kind, result.date


# --- kind "date" ------------------------------------------------------------

DATED = [
    # ISO and its variants
    ("2024-06-30", D(2024, 6, 30)),
    ("2024/06/30", D(2024, 6, 30)),
    ("2024/6/30", D(2024, 6, 30)),
    ("2024.6.30", D(2024, 6, 30)),
    ("2024-6", D(2024, 6, 30)),
    ("2024-02", D(2024, 2, 29)),  # leap year: the month's real last day
    ("2023-02", D(2023, 2, 28)),
    ("2024.11", D(2024, 11, 30)),
    ("20240630", D(2024, 6, 30)),
    ("2024-06-30T00:00:00", D(2024, 6, 30)),
    # Month, month end
    ("2024年6月底前", D(2024, 6, 30)),
    ("2024年6月底", D(2024, 6, 30)),
    ("2024年6月", D(2024, 6, 30)),
    ("2024年6月末", D(2024, 6, 30)),
    ("2024年6月份", D(2024, 6, 30)),
    ("2024年2月底前", D(2024, 2, 29)),
    ("2024年6月下旬", D(2024, 6, 30)),
    ("2024年6月中旬", D(2024, 6, 20)),
    ("2024年6月上旬", D(2024, 6, 10)),
    # Year end
    ("2024年底", D(2024, 12, 31)),
    ("2024年年底", D(2024, 12, 31)),
    ("2024年底前", D(2024, 12, 31)),
    ("2024年末", D(2024, 12, 31)),
    ("2024年12月底前完成", D(2024, 12, 31)),
    ("2024年", D(2024, 12, 31)),
    ("2024年内", D(2024, 12, 31)),
    # Quarters and halves
    ("2025年第一季度", D(2025, 3, 31)),
    ("2025年一季度", D(2025, 3, 31)),
    ("2025年一季度末", D(2025, 3, 31)),
    ("2025年Q1", D(2025, 3, 31)),
    ("2025Q1", D(2025, 3, 31)),
    ("2025年1季度", D(2025, 3, 31)),
    ("2025年第二季度", D(2025, 6, 30)),
    ("2025年二季度", D(2025, 6, 30)),
    ("2025年Q2", D(2025, 6, 30)),
    ("2025年第三季度", D(2025, 9, 30)),
    ("2025年三季度末", D(2025, 9, 30)),
    ("2025年Q3", D(2025, 9, 30)),
    ("2025年第四季度", D(2025, 12, 31)),
    ("2025年四季度", D(2025, 12, 31)),
    ("2025年q4", D(2025, 12, 31)),
    ("2024年上半年", D(2024, 6, 30)),
    ("2024年下半年", D(2024, 12, 31)),
    # Exact days
    ("2025年6月30日前", D(2025, 6, 30)),
    ("2025年6月30日", D(2025, 6, 30)),
    ("2025年6月15号", D(2025, 6, 15)),
    # Ranges and several dates: the latest day wins
    ("2024年6月至2025年12月", D(2025, 12, 31)),
    ("2024-2026年", D(2026, 12, 31)),
    ("2024—2026年", D(2026, 12, 31)),
    ("2024~2026年", D(2026, 12, 31)),
    ("2024-2026", D(2026, 12, 31)),
    ("2024年至2026年", D(2026, 12, 31)),
    ("2024至2026年", D(2026, 12, 31)),
    ("2024-2026年上半年", D(2026, 6, 30)),
    ("2024年6月至12月", D(2024, 12, 31)),
    ("2024-06-30至2024-09-30", D(2024, 9, 30)),
    ("2025年底前完成,2024年6月底前完成阶段任务", D(2025, 12, 31)),
    ("2024年3月底前完成方案,6月底前完成整改", D(2024, 6, 30)),
    ("2024年6月至次年3月", D(2025, 3, 31)),
    ("2024年6月开始,2024年底前完成", D(2024, 12, 31)),
    # Trailing words
    ("2024年6月底前完成", D(2024, 6, 30)),
    ("2024年6月底之前", D(2024, 6, 30)),
    ("2024年6月底以前", D(2024, 6, 30)),
    ("2024年底前基本完成", D(2024, 12, 31)),
    ("2024-06-30前", D(2024, 6, 30)),
    # Chinese numerals
    ("二〇二四年六月底", D(2024, 6, 30)),
    ("二零二四年十二月", D(2024, 12, 31)),
    ("二〇二四年十一月底前", D(2024, 11, 30)),
    ("2024年六月", D(2024, 6, 30)),
    ("2024年十二月底前", D(2024, 12, 31)),
    ("二〇二四年十二月三十一日", D(2024, 12, 31)),
    ("2025年六月二十日前", D(2025, 6, 20)),
    # Boundaries of the plausible year range
    ("1949年", D(1949, 12, 31)),
    ("2100年底", D(2100, 12, 31)),
]

DATED_TRADITIONAL = [
    ("於2024年6月底前完成", D(2024, 6, 30)),
    ("2024年6月底前完成整頓", D(2024, 6, 30)),
    ("2025年第一季度末前完成驗收", D(2025, 3, 31)),
    ("2024年上半年內", D(2024, 6, 30)),
    ("2024年6月至2025年12月間", D(2025, 12, 31)),
    ("二〇二四年十二月底前", D(2024, 12, 31)),
    ("2024年6月中旬以前", D(2024, 6, 20)),
    ("2024年年底前基本完成並銷號", D(2024, 12, 31)),
    ("2024年3月底前完成方案，6月底前完成整改", D(2024, 6, 30)),
    ("2024年至2026年間", D(2026, 12, 31)),
]

DATED_FULL_WIDTH = [
    ("２０２４年６月底前", D(2024, 6, 30)),
    ("２０２４－０６－３０", D(2024, 6, 30)),
    ("２０２４／６／３０", D(2024, 6, 30)),
    ("２０２４．６．３０", D(2024, 6, 30)),
    ("２０２４－６", D(2024, 6, 30)),
    ("２０２４０６３０", D(2024, 6, 30)),
    ("２０２５年Ｑ１", D(2025, 3, 31)),
    ("２０２５年第２季度", D(2025, 6, 30)),
    ("２０２４－２０２６年", D(2026, 12, 31)),
    ("２０２４～２０２６年", D(2026, 12, 31)),
    ("２０２５年６月３０日前", D(2025, 6, 30)),
    ("２０２４年６月中旬", D(2024, 6, 20)),
    ("２０２４ 年 ６ 月 底 前", D(2024, 6, 30)),
]


@pytest.mark.parametrize(("text", "expected"), DATED + DATED_TRADITIONAL + DATED_FULL_WIDTH)
def test_dated_text(text: str, expected: datetime.date) -> None:
    assert kind_and_date(text) == ("date", expected)


def test_dated_text_keeps_original_text() -> None:
    assert parse_deadline("２０２４年６月底前") == Deadline("date", D(2024, 6, 30), "２０２４年６月底前")


@pytest.mark.parametrize(
    ("value", "expected", "text"),
    [
        (D(2024, 6, 30), D(2024, 6, 30), "2024-06-30"),
        (datetime.datetime(2024, 6, 30, 23, 59), D(2024, 6, 30), "2024-06-30T23:59:00"),
    ],
)
def test_date_objects(value: datetime.date, expected: datetime.date, text: str) -> None:
    result = parse_deadline(value)
    assert result == Deadline("date", expected, text)
    assert type(result.date) is datetime.date  # never a datetime


@pytest.mark.parametrize("value", [D(1900, 1, 1), D(2101, 1, 1), datetime.datetime(1, 1, 1)])
def test_date_objects_out_of_range_are_vague(value: datetime.date) -> None:
    assert kind_and_date(value) == ("vague", None)


# --- kind "immediate" -------------------------------------------------------

IMMEDIATE = [
    "立行立改",
    "立即整改",
    "即知即改",
    "马上整改",
    "立查立改",
    "即查即改",
    "immediate",
    "Immediately",
    "IMMEDIATE",
    "已立行立改",
    "立行立改、长期坚持",  # starting now is the stricter promise
    # traditional
    "馬上整改",
    "立即整改到位並長期堅持",
    # full width
    "ｉｍｍｅｄｉａｔｅ",
]


@pytest.mark.parametrize("text", IMMEDIATE)
def test_immediate(text: str) -> None:
    assert kind_and_date(text) == ("immediate", None)


@pytest.mark.parametrize(("text", "end"), [("立行立改,2024年6月底前完成", D(2024, 6, 30)),
                                           ("即查即改，2024年底前銷號", D(2024, 12, 31)),
                                           ("立行立改，2025年底前完成岸线修复复绿", D(2025, 12, 31))])
def test_immediate_start_with_a_later_deadline_is_dated(text: str, end: datetime.date) -> None:
    """Started at once but finished later: the item has a deadline, and an
    owner is needed like any dated item."""
    assert kind_and_date(text) == ("date", end)


# --- kind "ongoing" ---------------------------------------------------------

ONGOING = [
    ("长期坚持", None),
    ("长期推进", None),
    ("持续推进", None),
    ("持续整改", None),
    ("常态化", None),
    ("常态化开展", None),
    ("长期", None),
    ("ongoing", None),
    ("Ongoing", None),
    ("长期坚持,2025年底前取得明显成效", D(2025, 12, 31)),
    ("长期坚持,2024年6月底前完成阶段任务", D(2024, 6, 30)),
    ("2024年起长期坚持", None),  # a start year is not a deadline
    ("持续推进,2024-2026年", D(2026, 12, 31)),
    ("长期坚持,年底前见效", None),  # 年底 with no year
    ("长期坚持,2024年13月", None),  # impossible date: still ongoing, no date
    # traditional
    ("長期堅持", None),
    ("長期推進", None),
    ("持續推進", None),
    ("持續整改", None),
    ("常態化", None),
    ("長期", None),
    ("長期堅持，2025年底前取得明顯成效", D(2025, 12, 31)),
    ("持續推進，二〇二五年六月底前完成", D(2025, 6, 30)),
    # full width
    ("長期堅持，２０２５年底前取得明顯成效", D(2025, 12, 31)),
    ("ｏｎｇｏｉｎｇ", None),
]


@pytest.mark.parametrize(("text", "expected"), ONGOING)
def test_ongoing(text: str, expected: datetime.date | None) -> None:
    assert kind_and_date(text) == ("ongoing", expected)


# --- kind "vague" -----------------------------------------------------------

VAGUE_TEXT = [
    "尽快",
    "适时",
    "近期",
    "年内",
    "年底前",
    "6月底前",
    "六月底前",
    "一季度",
    "上半年",
    "待定",
    "抓紧",
    "限期",
    "限期整改",
    "另行通知",
    "按要求",
    "明年底",  # relative to a year the text never names
    "次年6月",
    "3年内完成",
    "2024年6月起",  # when work starts, not when it must end
    "soon",
    "—",
    "N/A",
    # impossible dates
    "2024年13月",
    "2024年0月",
    "2024-13",
    "2024-02-30",
    "2023-02-29",
    "2024年6月31日",
    "2024年2月30日前",
    "2024年第5季度",
    "2024年Q5",
    "20241301",
    "2024-6-3099",
    "2024年123月",
    "2024年3月底前完成方案,2024年13月完成整改",  # one impossible date spoils the text
    # years outside 1949..2100
    "1900年",
    "1948年底",
    "2101年",
    "3000-01-01",
    "99990101",
    # traditional
    "盡快",
    "適時",
    "近期內",
    "年內",
    "年底前完成",
    "待定",
    "抓緊",
    "限期整改",
    "另行通知",
    "按要求",
    "2024年13月底前",
    # full width
    "６月底前",
    "２０２４年１３月",
    "２０２４－０２－３０",
]


@pytest.mark.parametrize("text", VAGUE_TEXT)
def test_vague_text(text: str) -> None:
    assert kind_and_date(text) == ("vague", None)


def test_vague_keeps_original_text() -> None:
    assert parse_deadline("盡快") == Deadline("vague", None, "盡快")


# --- kind "missing" ---------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", " ", "\t\n", "\u3000", "　　", [], (), {}])
def test_missing(value: object) -> None:
    assert parse_deadline(value) == Deadline("missing", None, "")


# --- odd input never raises ---------------------------------------------------


class _BadStr:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (20240630, "20240630"),  # YAML numbers are not read as dates
        (2024, "2024"),
        (2024.6, "2024.6"),
        (float("nan"), "nan"),
        (True, "True"),
        (0, "0"),
        ({"date": "2024-06-30"}, "{'date': '2024-06-30'}"),
        (["2024-06-30"], "['2024-06-30']"),
        (b"2024-06-30", "b'2024-06-30'"),
        ("\x00", "\x00"),
        ("2024\x00年6月", "2024\x00年6月"),
        ("a\ud800b", "a\ud800b"),  # lone surrogate: OpenCC cannot encode it
    ],
)
def test_odd_input_is_vague(value: object, text: str) -> None:
    assert parse_deadline(value) == Deadline("vague", None, text)


def test_object_with_failing_str_is_vague() -> None:
    assert parse_deadline(_BadStr()) == Deadline("vague", None, "")


def test_huge_string_is_vague_without_raising() -> None:
    huge = "2024年6月底前" + "尽快" * 100_000
    assert kind_and_date(huge) == ("vague", None)


def test_long_but_reasonable_text_is_parsed() -> None:
    text = "长期坚持," + "加强监管," * 500 + "2025年底前取得明显成效"
    assert kind_and_date(text) == ("ongoing", D(2025, 12, 31))


# Inputs that would blow up a backtracking regex with nested quantifiers,
# and the answer each gets: (the repeated unit, the text after it).
PATHOLOGICAL = [
    ("2024", "", ("vague", None)),
    ("2024-", "", ("date", D(2024, 12, 31))),  # a chain of 2024-2024 ranges
    ("1", "年", ("vague", None)),
    ("1", "季度", ("vague", None)),
    ("年", "", ("vague", None)),
    ("2024年", "13月", ("vague", None)),
    ("\u3000", "年底", ("vague", None)),
    ("2024.", "", ("vague", None)),
    # normalize()'s space regex is quadratic in a run of spaces; the parser
    # collapses runs first.
    (" ", "2024年底", ("date", D(2024, 12, 31))),
]


def _uncached(text: str) -> tuple[str, datetime.date | None]:
    # The short text (at most 1,000 characters) would be answered from the
    # caches after its first parse, the long one never: each timed parse starts cold.
    for cached in (dates._parse_deadline_text, dates._normalized, normalize):
        cached.cache_clear()
    return kind_and_date(text)


@pytest.mark.parametrize(("unit", "tail", "expected"), PATHOLOGICAL)
def test_pathological_repetition_grows_linearly(unit: str, tail: str, expected: tuple[str, object]) -> None:
    count = 9000 // len(unit)
    short, long = unit * (count // 10) + tail, unit * count + tail
    assert kind_and_date(short) == kind_and_date(long) == expected
    grown = faster_than_linear(lambda: _uncached(short), lambda: _uncached(long))
    assert grown is None, f"{len(short):,} characters took {grown[0] * 1000:.1f} ms, {len(long):,} took {grown[1] * 1000:.1f} ms"


@pytest.mark.parametrize(
    "text",
    [
        "2024年" + "1" * 5000 + "月",  # int() refuses digit runs this long
        "2024年6月" + "1" * 5000 + "日",
        "2024年" + "1" * 5000 + "季度",
        "2024年1234月",
        "2024年006月",
    ],
)
def test_overlong_numbers_are_vague(text: str) -> None:
    assert kind_and_date(text) == ("vague", None)


def test_result_is_frozen() -> None:
    result = parse_deadline("2024年底")
    with pytest.raises(AttributeError):
        result.kind = "vague"  # type: ignore[misc]


# --- parse_date -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-30", D(2024, 6, 30)),
        ("2024-6-3", D(2024, 6, 3)),
        ("2024/6/30", D(2024, 6, 30)),
        ("2024/06/30", D(2024, 6, 30)),
        ("2024.6.30", D(2024, 6, 30)),
        ("2024年6月30日", D(2024, 6, 30)),
        ("2024年6月30号", D(2024, 6, 30)),
        ("二〇二四年六月三十日", D(2024, 6, 30)),
        ("20240630", D(2024, 6, 30)),
        ("2024-06-30T10:00:00", D(2024, 6, 30)),
        ("2024-06-30 10:00", D(2024, 6, 30)),
        ("2024-06-30T10:00:00+08:00", D(2024, 6, 30)),
        ("  2024-06-30  ", D(2024, 6, 30)),
        ("2024-02-29", D(2024, 2, 29)),
        (D(2024, 6, 30), D(2024, 6, 30)),
        (datetime.datetime(2024, 6, 30, 8, 0), D(2024, 6, 30)),
        # full width and traditional script
        ("２０２４－０６－３０", D(2024, 6, 30)),
        ("２０２４年６月３０日", D(2024, 6, 30)),
        ("二〇二四年六月三十號", D(2024, 6, 30)),
    ],
)
def test_parse_date_exact_days(value: object, expected: datetime.date) -> None:
    result = parse_date(value)
    assert result == expected
    assert type(result) is datetime.date


@pytest.mark.parametrize(
    "value",
    [
        # not a single exact day
        "2024-06",
        "2024年6月",
        "2024年6月底",
        "2024年6月底前",
        "2024年",
        "2024年6月30日前",
        "2024-06-30至2024-07-01",
        "2024-06/30",  # mixed separators
        "立行立改",
        "长期坚持",
        "尽快",
        # impossible
        "2024-02-30",
        "2023-02-29",
        "2024-13-01",
        "2024年6月31日",
        "20241301",
        "1900-01-01",
        "2101-01-01",
        D(1900, 1, 1),
        # missing or odd
        None,
        "",
        "   ",
        20240630,
        2024.6,
        True,
        [],
        {},
        ["2024-06-30"],
        "\x00",
        "a\ud800b",
        "2024-06-30" * 1000,
    ],
)
def test_parse_date_rejects(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(("text", "end"), [("“十四五”期间", datetime.date(2025, 12, 31)),
                                           ("十四五末", datetime.date(2025, 12, 31)),
                                           ("「十五五」時期", datetime.date(2030, 12, 31))])
def test_five_year_plan_periods_end_with_their_last_year(text, end):
    assert parse_deadline(text) == Deadline("date", end, text)


# --- shortcuts: the same text as every rewrite applied --------------------------

def _date_texts(count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    units = list("〇零○一二三四五六七八九十年月日号季度底末\"期间内规划前2024-6 ") + ["十四五", "二〇二四", "三十一", "第一季度"]
    return ["".join(rng.choice(units) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def test_arabic_shortcut_is_every_rewrite() -> None:
    from compliance import dates

    def every_rewrite(text: str) -> str:
        text = dates._CN_YEAR.sub(lambda m: "".join(str(dates._CN_DIGIT[c]) for c in m.group(1)), text)
        text = dates._CN_MONTH.sub(lambda m: dates._cn_small(m.group(1)), text)
        text = dates._CN_DAY.sub(lambda m: dates._cn_small(m.group(1)), text)
        return dates._CN_QUARTER.sub(lambda m: dates._cn_small(m.group(1)), text)

    for text in _date_texts(30000, 41):
        assert dates._arabic(text) == every_rewrite(text), repr(text)


def test_five_year_plan_gate_is_necessary() -> None:
    from compliance import dates

    for text in _date_texts(30000, 42):
        if dates._FIVE_YEAR_PLAN.search(text):
            assert "十" in text, repr(text)
