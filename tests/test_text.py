"""text.py: the normalised matching form, negation masking and targeted-enforcement masking."""

from __future__ import annotations

import time

import pytest

from compliance.text import affirmed, normalize, untargeted


def aff(text: str) -> str:
    return affirmed(normalize(text))


def untarg(text: str) -> str:
    return untargeted(aff(text))


# --- normalize -----------------------------------------------------------------

@pytest.mark.parametrize("raw, norm", [
    ("對轄區內小散企業一律關停", "对辖区内小散企业一律关停"),
    ("嚴禁為應付督察採取緊急停工停業停產", "严禁为应付督察采取紧急停工停业停产"),
    ("整改時限，２０２４年６月底前：完成！", "整改时限,2024年6月底前:完成!"),
    ("ＡＢＣ（１）；", "ABC(1);"),
    ("“一刀切”", '"一刀切"'),
    ("「一律关停」", '"一律关停"'),
    ("『先停再说』", '"先停再说"'),
    ("‘一关了之’", '"一关了之"'),
    ("＂一停了之＂", '"一停了之"'),
    ("'单引号'", '"单引号"'),
    ("对 全县 砖瓦窑　一律 关停", "对全县砖瓦窑一律关停"),
    ("hello   world", "hello world"),
    ("PM2.5 在线 监测 system", "PM2.5在线监测system"),
    ("  前后空白\n", "前后空白"),
])
def test_normalize(raw: str, norm: str) -> None:
    assert normalize(raw) == norm


@pytest.mark.parametrize("raw", ["對轄區內 “一刀切” 「關停」，２０２４", "hello   world 对 x", "Ａ　Ｂ", "a\ud800b"])
def test_normalize_idempotent(raw: str) -> None:
    once = normalize(raw)
    assert normalize(once) == once


def test_normalize_lone_surrogate() -> None:
    assert normalize("整改\ud800完成") == "整改\ufffd完成"


def test_normalize_long_whitespace_is_fast() -> None:
    start = time.monotonic()
    assert normalize("对" + " " * 100_000 + "全县") == "对全县"
    assert normalize("a" + " " * 100_000 + "b") == "a b"
    assert normalize(" x" * 50_000) == " ".join(["x"] * 50_000)
    assert time.monotonic() - start < 5


# --- affirmed: negated spans are masked ------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('坚决杜绝"一刀切"', "坚决_______"),
    ('坚决杜绝“一刀切”,采暖季不停炉', "坚决_______,采暖季___"),
    ('不搞"一律关停"', "________"),
    ("一场一策制定粪污治理方案,不搞「一律关停」", "一场一策制定粪污治理方案,________"),
    ('严禁为应付督察采取紧急停工停业停产等简单粗暴行为,以及"一律关停""先停再说"等做法',
     "________________________,_________________"),
    ("严禁在督察进驻期间,以环保为名对企业一律关停", "_________,____________"),
    ('"一刀切"的做法坚决杜绝', "____________"),
    ("一律关停是错误的", "________"),
    ('开展"一刀切"问题专项整治', "开展_______专项整治"),
    ('对于采取"一刀切"方式消极应对督察的,督察组将严肃处理', "__________________,督察组将严肃处理"),
    ("嚴禁層層陪同", "______"),
])
def test_affirmed_masks_negated_spans(text: str, expected: str) -> None:
    assert aff(text) == expected
    assert len(aff(text)) == len(normalize(text))


@pytest.mark.parametrize("text, kept", [
    ("不论大小一律关停", "不论大小一律关停"),
    ("不分规模一律关停", "不分规模一律关停"),
    ("不管规模大小,一律关停", "一律关停"),
    ("不搞形式主义,对全县企业一律关停", "对全县企业一律关停"),
    ("不得不关停", "不得不关停"),
    ("不能不停产", "不能不停产"),
    ("对全县不达标企业一律关停", "对全县不达标企业一律关停"),
    ("严禁一律关停,对全县企业一律关停", ",对全县企业一律关停"),
    ('防止"一刀切",对全县砖厂一律关停', ",对全县砖厂一律关停"),
    ("坚决杜绝一刀切。对全县企业一律关停", "。对全县企业一律关停"),
])
def test_affirmed_keeps_what_is_affirmed(text: str, kept: str) -> None:
    result = aff(text)
    assert result.endswith(kept)
    assert "一律关停" in result or "关停" in result or "停产" in result


@pytest.mark.parametrize("text", ["严禁一刀切\n对全县砖瓦窑一律关停", "严禁铺张浪费\n县四套班子领导全程陪同"])
def test_affirmed_line_break_ends_a_clause(text: str) -> None:
    assert text.split("\n")[1] in aff(text)


@pytest.mark.parametrize("text", [
    "严禁在督察进驻期间组织宴请,对全县砖瓦窑一律关停",
    "严禁在督察期间饮酒,对全县砖瓦窑一律关停",
    "杜绝在工作中搞形式主义,对全县砖瓦窑一律关停",
])
def test_affirmed_negator_with_its_own_object_does_not_carry(text: str) -> None:
    assert aff(text).endswith(",对全县砖瓦窑一律关停")


def test_affirmed_is_linear_in_quoted_segments() -> None:
    start = time.monotonic()
    aff("整治" + '"aaaaaaaaaaaaaaaaaaaaa' * 8000)
    assert time.monotonic() - start < 5


def test_affirmed_many_quoted_words_is_fast() -> None:
    start = time.monotonic()
    aff("整治" + '"a"' * 14_000)
    assert time.monotonic() - start < 1


# --- untargeted: lawful, targeted enforcement is masked ---------------------------

@pytest.mark.parametrize("text", [
    "依法对企业实施停产整治",
    "按照《大气污染防治法》实施处罚",
    "对某某化工有限公司实施停产整治",
    "对超标企业实施停产",
    "对未批先建项目责令停止建设",
    "依据第一百零八条责令停产",
])
def test_untargeted_masks_targeted_clauses(text: str) -> None:
    assert set(untarg(text)) == {"_"}


@pytest.mark.parametrize("text", [
    "对全县所有砖厂全部关停",
    "对各有限公司一律关停",
    "对辖区内小散企业一律关停",
])
def test_untargeted_keeps_untargeted_clauses(text: str) -> None:
    assert untarg(text) == normalize(text)


def test_untargeted_is_per_clause() -> None:
    assert untarg("对某某化工有限公司依法停产,对全县砖厂全部关停") == "_____________,对全县砖厂全部关停"


def test_long_texts_are_not_kept_in_the_caches() -> None:
    """A batch of plans with long values must not keep every one of them."""
    from compliance import text

    long_text = "依法關停某某有限公司" * 200
    assert text.normalize(long_text) == text.normalize.__wrapped__(long_text) == "依法关停某某有限公司" * 200
    cached = text.short_cache(lambda value: [value])
    short, long_ = "短", "长" * 1001
    assert cached(short) is cached(short)            # kept
    assert cached(long_) is not cached(long_)        # computed each time


# Shortcuts that stand in for a regex must answer as the regex would: on
# texts built from the words and characters the regex names, at random.
_WORDS = ["坚决", "严格", "必须", "要", "应当", "应", "杜绝", "禁止", "避免", "纠正", "制止", "反对", "防止", "防范",
          "摒弃", "力戒", "不可取", "要不得", "是错误的", "不被允许", "不允许", "行不通", "走不通", "零容忍", "说", "不",
          '"', ",", ";", ":", "!", "?", "。", "\n", " ", "一刀切", "关停", "公司", "有限公司", "集团", "某", "某某",
          "厂", "矿", "场", "站", "各", "全", "区", "内", "化工", "砖"]


def _random_texts(count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 10))) for _ in range(count)]


def test_post_negation_shortcut_is_the_pattern() -> None:
    from compliance import text

    for clause in _random_texts(20000, 11):
        assert text._post_negated(clause) == bool(text._POST_NEGATION.search(clause)), repr(clause)


def test_enterprise_gate_is_necessary() -> None:
    # names_enterprise skips the regex unless the clause holds 公司, 集团 or 某.
    from compliance import text

    for clause in _random_texts(20000, 12):
        if text._ENTERPRISE.search(clause):
            assert "公司" in clause or "集团" in clause or "某" in clause, repr(clause)
