"""Numbers read out of plan text: a target's figure and direction, a head count.

A wrong number compares wrongly (NDC002/NDC003, SH005), so every doubt
must read as None. Texts go through the model's Text views, as facts do.
"""

from __future__ import annotations

import pytest

from compliance.model import Text
from compliance.quantities import Quantity, escort_count, number, target_quantity


def target(text: str) -> Quantity | None:
    return target_quantity(Text.of(text).affirmed)


def escorts(text: str) -> int | None:
    return escort_count(Text.of(text).affirmed)


# --- number -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("12", 12.0), ("3.5", 3.5), ("0", 0.0), ("2024", 2024.0),
    ("十", 10.0), ("十二", 12.0), ("二十", 20.0), ("二十五", 25.0), ("一百零八", 108.0), ("一百一十", 110.0),
    ("二百五十", 250.0), ("两千", 2000.0), ("一千零一", 1001.0), ("百", 100.0), ("两", 2.0), ("零", 0.0), ("〇", 0.0),
    ("一万二千", 12000.0), ("一万零五百", 10500.0), ("十二万", 120000.0), ("二十万", 200000.0),
    ("一百二十万", 1200000.0), ("万", 10000.0),
])
def test_number(text: str, value: float) -> None:
    assert number(text) == value


@pytest.mark.parametrize("text", [
    "", "3.", ".5", "12家", "十二家", "abc", "1,000", "３",
    "二〇二四",   # a year written digit by digit, not a count
    "三五",       # "three or five": no one number
])
def test_number_none(text: str) -> None:
    assert number(text) is None


# --- target_quantity: what the target states ----------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # ceilings: lower is stricter
    ("PM2.5年均浓度降至35微克/立方米以下", Quantity(35.0, "微克/立方米", "max")),
    ("2025年PM2.5年均浓度降至45微克/立方米", Quantity(45.0, "微克/立方米", "max")),
    ("PM2.5年均浓度控制在45微克/立方米以内", Quantity(45.0, "微克/立方米", "max")),
    ("PM10年均浓度不高于70微克/立方米", Quantity(70.0, "微克/立方米", "max")),
    ("重污染天数控制在10天以内", Quantity(10.0, "天", "max")),
    ("出水总氮浓度不超过15毫克/升", Quantity(15.0, "毫克/升", "max")),
    ("化学需氧量排放量削减至1.2万吨以下", Quantity(12000.0, "吨", "max")),
    # floors: higher is stricter
    ("优良天数比例达到80%以上", Quantity(80.0, "%", "min")),
    ("优良天数比例不低于80%", Quantity(80.0, "%", "min")),
    ("城市生活污水集中收集率提高到70%", Quantity(70.0, "%", "min")),
    ("完成12家铸造企业深度治理", Quantity(12.0, "家", "min")),
    ("完成农村清洁取暖改造2.5万户", Quantity(25000.0, "户", "min")),
    ("2023年底前完成12家铸造企业深度治理", Quantity(12.0, "家", "min")),
    ("2024年6月底前完成二十五家散乱污企业整治", Quantity(25.0, "家", "min")),
    ("完成一百零八家砖瓦窑企业综合整治", Quantity(108.0, "家", "min")),
    ("建成3座乡镇污水处理站", Quantity(3.0, "座", "min")),
    ("完成12处废弃矿山生态修复", Quantity(12.0, "处", "min")),
    ("完成不少于十五家企业清洁生产审核", Quantity(15.0, "家", "min")),
    ("优良天数达到300天以上", Quantity(300.0, "天", "min")),
    ("完成造林绿化不少于十二万亩", Quantity(120000.0, "亩", "min")),
])
def test_target_quantity(text: str, expected: Quantity) -> None:
    assert target(text) == expected


@pytest.mark.parametrize("text", [
    "2024年底前完成",                          # a date, no figure
    "2024年6月底前完成整改",
    "完成铸造企业深度治理",                    # no figure
    "立行立改",
    "",
    "完成12家企业治理,建成3座污水处理站",       # two figures: which one?
    "PM2.5年均浓度降至35微克/立方米,优良天数比例达到80%以上",
    "PM2.5浓度下降3个百分点",                  # a change, not a level
    "PM2.5浓度比2023年下降10%",
    "共排查出12家企业",                        # a count, with no direction
    "完成第3家企业治理",                       # an ordinal, not a count
    "完成第十二家企业整改",
    "做到一家一策",                            # a way of working, not one enterprise
    "完成整治,做到一处一档",
    "逐一处置到位",
])
def test_target_quantity_none(text: str) -> None:
    assert target(text) is None


def test_after_word_decides_over_before_word() -> None:
    # 达到 is a floor word, but 以下 makes the figure a ceiling.
    assert target("PM2.5年均浓度达到35微克/立方米以下") == Quantity(35.0, "微克/立方米", "max")


def test_a_slogan_beside_the_figure_is_no_second_figure() -> None:
    assert target("完成12家企业深度治理,做到一家一策") == Quantity(12.0, "家", "min")


def test_negated_clause_is_not_read() -> None:
    # 不得超过2家停产 is masked as a negated clause; the 12家 alone remains.
    assert target("完成12家铸造企业深度治理,不得超过2家停产") == Quantity(12.0, "家", "min")


@pytest.mark.parametrize("text", [
    "PM2.5年均浓度降至35微克/立方米以下", "PM2.5年均浓度降至35μg/m³以下", "PM2.5年均浓度降至35 ug/m3以下",
    "PM2.5年均濃度降至35微克/立方米以下", "PM2.5年均浓度降至３５微克／立方米以下", "PM2.5 年均浓度 降至 35 微克/立方米 以下",
])
def test_one_unit_however_written(text: str) -> None:
    assert target(text) == Quantity(35.0, "微克/立方米", "max")


@pytest.mark.parametrize("text", ["削减至12万吨", "削减至十二万吨", "削减至120000吨"])
def test_ten_thousands_compare(text: str) -> None:
    assert target(text) == Quantity(120000.0, "吨", "max")


def test_traditional_script() -> None:
    assert target("優良天數比例達到80%以上") == Quantity(80.0, "%", "min")
    assert target("完成12家鑄造企業深度治理") == Quantity(12.0, "家", "min")


# --- escort_count ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "count"), [
    ("陪同人员不超过3人", 3),
    ("陪同人员控制在两名以内", 2),
    ("督察组下沉期间由1名县领导陪同", 1),
    ("现场检查由县生态环境分局局长等5人陪同", 5),
    ("不搞层层陪同,陪同人员不超过五人", 5),
    ("陪同人员为3至5人", 5),
    ("县委书记一人陪同,全程陪同不超过十人", 10),
    ("陪同人員不超過3人", 3),
    ("由属地政府安排专人陪同,人数控制在6人以内", 6),   # the count in the clause after
])
def test_escort_count(text: str, count: int) -> None:
    assert escorts(text) == count


@pytest.mark.parametrize("text", [
    "严禁层层陪同",                    # negated: no escort at all
    "不搞迎来送往、层层陪同",
    "由分管副县长陪同",                # no head count
    "工作用餐安排4人一桌",             # a count, but not about accompanying
    "",
])
def test_escort_count_none(text: str) -> None:
    assert escorts(text) is None


def test_escort_count_reads_clause_by_clause() -> None:
    # The 20 people of the meeting are not escorts; the 2 are.
    assert escorts("召开20人座谈会,由2名工作人员陪同") == 2
