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


# --- normalize's shortcuts: the same result as doing every step ------------------

def _normalize_every_step(text: str) -> str:
    """normalize as written before its shortcuts: every pass on every text."""
    import unicodedata

    from compliance import text as module

    folded = unicodedata.normalize("NFKC", module._SURROGATE.sub("\ufffd", text))
    folded = module._FORMAT_CHARS.sub("", folded)
    folded = module._T2S.convert(folded)
    folded = folded.translate(module._QUOTES)
    return module._SPACES.sub(module._join_cjk, folded).strip()


def _mixed_texts(count: int, seed: int) -> list[str]:
    """Texts of dictionary keys, their pieces, phrases' first characters,
    simplified and traditional words, quotes, blanks, format characters,
    surrogates, compatibility ideographs, astral characters and ASCII."""
    import random

    from compliance import _t2s_keys

    rng = random.Random(seed)
    phrases = list(_t2s_keys.PHRASES)
    pieces = ["一律关停", "整改", "不", "一", "水", "年", "有", "的", "乾", "于", "著", "后", "發", "對轄區",
              "“", "”", "「", "'", "`", "＂", " ", "　", "\n", "\t", "\u200b", "\ufeff", "\u00ad", "\ud800",
              "\uf900", "\ufa10", "𠀀", "𢡊", "😀", "a", "PM2.5", "２０２４", "ｆｉ", "\u2126", "\x00"]

    def piece() -> str:
        kind = rng.random()
        if kind < 0.25:
            return rng.choice(phrases)
        if kind < 0.4:
            phrase = rng.choice(phrases)
            cut = rng.randint(1, len(phrase) - 1)
            return phrase[:cut] if rng.random() < 0.5 else phrase[cut:]
        if kind < 0.55:
            return rng.choice(_t2s_keys.SINGLES)
        if kind < 0.7:
            return chr(rng.randint(0x4E00, 0x9FFF))
        return rng.choice(pieces)
    return ["".join(piece() for _ in range(rng.randint(0, 8))) for _ in range(count)]


def test_normalize_is_every_step() -> None:
    from compliance import text as module

    for raw in _mixed_texts(30000, 21):
        assert module.normalize.__wrapped__(raw) == _normalize_every_step(raw), repr(raw)


def test_t2s_shortcut_is_convert() -> None:
    import re

    from compliance import _t2s_keys
    from compliance import text as module

    module._T2S_CANDIDATE = re.compile(_t2s_keys.CANDIDATE)
    for t2s in (module._t2s_converting, module._t2s_searching):
        for raw in _mixed_texts(30000, 22):
            raw = raw.replace("\ud800", "\ufffd")    # normalize replaces surrogates first
            assert t2s(raw) == module._T2S.convert(raw), repr(raw)
        for phrase in _t2s_keys.PHRASES:
            for raw in (phrase, "整改" + phrase, phrase + "整改", phrase[1:], phrase[:-1]):
                assert t2s(raw) == module._T2S.convert(raw), repr(raw)
        for code in range(0x10000):      # _t2s_searching converts every astral character
            if not 0xD800 <= code <= 0xDFFF:
                raw = chr(code)
                assert t2s(raw) == module._T2S.convert(raw), hex(code)
    for key in _t2s_keys.SINGLES + "".join(_t2s_keys.PHRASES):
        assert not key.isascii(), key      # _t2s_converting keeps ASCII texts as they are


def test_normalize_switches_to_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    from compliance import text as module

    monkeypatch.setattr(module, "_conversions", module._CONVERSIONS_BEFORE_SEARCH - 2)
    monkeypatch.setattr(module, "_t2s", module._t2s_converting)
    texts = ["對轄區", "整改一律", "水污染", "abc", "後"]
    assert [module.normalize.__wrapped__(raw) for raw in texts] == ["对辖区", "整改一律", "水污染", "abc", "后"]
    assert module._t2s is module._t2s_searching and module._T2S_CANDIDATE is not None


def test_t2s_keys_are_the_installed_dictionaries() -> None:
    # Another OpenCC's dictionaries turn the shortcut off (and this test
    # fails): rerun scripts/t2s_keys.py.
    from compliance import text as module

    assert module._t2s_keys_hold()
    assert module._t2s is not module._T2S.convert


def _t2s_script():  # type: ignore[no-untyped-def]
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "scripts" / "t2s_keys.py"
    spec = importlib.util.spec_from_file_location("t2s_keys_script", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_t2s_candidate_is_built_from_the_keys() -> None:
    import re

    from compliance import _t2s_keys

    assert _t2s_keys.CANDIDATE == _t2s_script().candidate_pattern(_t2s_keys.SINGLES, list(_t2s_keys.PHRASES))
    candidate = re.compile(_t2s_keys.CANDIDATE)
    for key in list(_t2s_keys.SINGLES) + list(_t2s_keys.PHRASES):
        assert candidate.match(key), key
        assert candidate.match(key + "整改"), key


def test_t2s_keys_read_again() -> None:
    """The listed keys are those scripts/t2s_keys.py reads now (where the
    marisa trie reader is installed)."""
    pytest.importorskip("marisa_trie")
    from pathlib import Path

    from compliance import _t2s_keys
    from compliance import text as module

    script = _t2s_script()
    share = Path(module._T2S.config).parent
    keys = {key for name in script.dictionary_files(share / "t2s.json") for key in script.read_keys(share / name)}
    assert "".join(sorted(key for key in keys if len(key) == 1)) == _t2s_keys.SINGLES
    assert tuple(sorted(key for key in keys if len(key) > 1)) == _t2s_keys.PHRASES


def test_nfkc_makes_no_format_character() -> None:
    # normalize skips the surrogate and format-character passes when a text
    # holds neither; NFKC must not make one of any other character.
    import unicodedata

    from compliance import text as module

    for code in range(0x110000):
        raw = chr(code)
        if not module._SURROGATE_OR_FORMAT.match(raw):
            assert not module._FORMAT_CHARS.search(unicodedata.normalize("NFKC", raw)), hex(code)


# --- Patterns rewritten so that every branch begins with a character ------------
#
# The regex engine skips to where such a branch may begin; a look-behind or a
# group in front made it try every branch at every position. Each must find
# exactly what the pattern as first written found.

_NEGATOR_AS_WRITTEN = (
    r"(?<!不得)(?<!不能)(?:严禁|禁止|杜绝|防止|防范|严防|避免|不得|不准|不许|不要|不能|不应|不宜|不可|不会|不再|"
    r"不存在|不出现|没有|决不|绝不|坚决反对|反对|拒绝|谢绝|切忌|制止|遏制|纠正|严查|摒弃|力戒|戒除|勿|"
    r"而非|而不是|并非|不是|警惕|谨防|规避|破除|克服|取代|代替|替代|告别|不以|"
    r"变(?=\")|从(?=\"[^\"]{1,20}\"转向)|不(?=一律|一刀切|一关了之|简单)|"
    r"不(?:搞|采取|实行|实施|安排|组织|举行|举办|设|摆|摆放|赠|赠送|送|收|收受|接受|允许|提倡|悬挂|挂|张贴|"
    r"布置|铺设|铺|上|出面|邀请|请|陪同|用|使用|提供|开展|进行|准备|设置|派|配备|停|关|封|喝|饮|宴|住|发|做|"
    r"搞|走|打|到(?!位))|不(?=\")|无(?=警车|迎送|宴|陪同|横幅|鲜花|礼品|标语))(?!不)")
_MENTION_AS_WRITTEN = (
    r'(?<!采取)(?<!采用)(?<!实行)(?<!实施)(?<!运用)(?<!搞)'
    r'(?:"[^"]{1,20}"){1,6}(?:(?!采取|实行|实施|一律)[^,;:!?。"]){0,24}?'
    r'(?:问题|现象|行为|做法|倾向|方式|影响|情况|思维|式)'
    r'|(?:查处|严查|纠正|整治|排查|防范|督查|通报|曝光)[^,;:!?。"]{0,2}(?:"[^"]{1,20}"){1,6}')
_LEGAL_BASIS_AS_WRITTEN = (
    r"依法|依规|依纪|依据|根据.{0,12}(?:法|条例|规定|办法)|按照.{0,12}(?:法|条例|规定)|《[^《》]{1,80}》|第.{1,6}条|"
    r"(?:列入|纳入).{0,12}(?:名单|清单|计划|名录)")


@pytest.mark.parametrize("name, written, seed", [
    ("_NEGATOR", _NEGATOR_AS_WRITTEN, 31), ("_MENTION", _MENTION_AS_WRITTEN, 32),
    ("_LEGAL_BASIS", _LEGAL_BASIS_AS_WRITTEN, 33)])
def test_rewritten_pattern_finds_what_it_found(name: str, written: str, seed: int) -> None:
    import random
    import re

    from compliance import text as module

    old, new = re.compile(written), getattr(module, name)
    # Its characters, its words, their pairs across a boundary, and what its
    # look-behinds and classes are about.
    units = sorted({c for c in written if ord(c) > 127} | set(re.findall(r"[^\x00-\x7f]{2,}", written))
                   | {'"', '"一刀切"', "a", ",", "\n", "不得", "不能", "不得不", "到位", "采取", "搞", "《", "》"})
    rng = random.Random(seed)
    for _ in range(100000):
        raw = "".join(rng.choice(units) for _ in range(rng.randint(0, 14)))
        assert [m.span() for m in new.finditer(raw)] == [m.span() for m in old.finditer(raw)], repr(raw)
