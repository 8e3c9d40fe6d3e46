"""compliance explain RULE, and sources.passage: the paragraph a citation quotes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from compliance.cli import _example, main
from compliance.resources import data_dir
from compliance.rules import load_rules
from compliance.sources import MAX_PASSAGE, document_path, passage
from conftest import ROOT

PACK = ROOT / "docs" / "example-pack"
SEEDS = data_dir("rules") / "seeds"
RULES = {rule.id: rule for rule in load_rules()[0]}


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def explain(*args: str) -> Result:
    result = CliRunner().invoke(main, ["explain", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}")
    return result


def _seed_line(name: str, holding: str) -> str:
    """The one line of a shipped seed that holds ``holding``, stripped."""
    lines = [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if holding in line]
    assert len(lines) == 1, lines
    return lines[0]


# --- the command ---------------------------------------------------------------

def test_explain_prints_the_whole_rule_with_the_cited_paragraph():
    result = explain("SH005")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout.splitlines()
    rule = RULES["SH005"]
    assert out[0] == "SH005  too-many-escorts"
    assert out[1] == "requirement: simplified-hosting  督察接待从简，不搞迎来送往、层层陪同"
    assert out[2] == "pack:        national"
    assert out[3] == "severity:    error"
    assert out[5] == "profile:     national  (active in this profile)"
    assert out[6] == f"message:     {rule.message['zh']}"
    assert out[7] == f"             {rule.message['en']}"
    assert f"  {rule.rationale.strip()}" in out
    assert f"citation:    {rule.citation['document']}" in out
    assert f"quote:       「{rule.citation['quote']}」" in out
    # The passage is the whole paragraph of seed 000, not just the quote.
    paragraph = _seed_line("000_858e8a667d8906cd.txt", "不搞迎来送往、层层陪同")
    assert paragraph.startswith("文件明确,中央生态环境保护督察是督察组与有关省共同承担")
    assert len(paragraph) > 2 * len(rule.citation["quote"])
    assert out[out.index("passage:") + 1] == f"  {paragraph}"
    assert "  max_escorts = 4  (default)  陪同督察组的人数上限  [count]" in out


def test_explain_lists_the_examples_pass_then_fail():
    out = explain("SH005").stdout.splitlines()
    rule = RULES["SH005"]
    start = out.index("examples that pass (the rule must not report them):")
    middle = out.index("examples that fail (the rule must report each):")
    assert out[start + 1:middle] == [f"  - {e}" for e in rule.examples["pass"]]
    assert out[middle + 1:middle + 1 + len(rule.examples["fail"])] == [f"  - {e}" for e in rule.examples["fail"]]
    assert out[-1] == f"file:        {rule.file}"


def test_mapping_examples_are_written_as_flow_mappings():
    out = explain("LVP001").stdout.splitlines()
    assert f"  - {_example(RULES['LVP001'].examples['fail'][1])}" in out
    assert '  - {"livelihood": ["heating"], "deadline": "2025-01-31", ' \
           '"measures": [{"text": "对热电厂实施限产", "kind": "production-limit"}]}' in out


def test_options_show_the_profile_value():
    out = explain("SH005", "--profile", str(PACK / "profile.yaml")).stdout.splitlines()
    assert "profile:     example-province  (active in this profile)" in out
    assert "options in profile example-province:" in out
    assert "  max_escorts = 2  (profile value; default 4)  陪同督察组的人数上限  [count]" in out


def test_month_day_options_are_shown_as_month_day(tmp_path):
    profile = tmp_path / "north.yaml"
    profile.write_text("name: north\nextends: national\noptions: {heating_season_start: 11-1}\n", encoding="utf-8")
    out = explain("LVP001", "--profile", str(profile)).stdout.splitlines()
    assert "  heating_season_start = 11-01  (profile value; default 11-15)  采暖季开始（月-日）  [month-day]" in out
    assert "  heating_season_end = 03-15  (default)  采暖季结束（月-日）  [month-day]" in out


def test_a_rule_the_profile_does_not_turn_on_is_explained_and_said_to_be_off():
    result = explain("CDC001")
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    assert "profile:     national  (NOT active in this profile: it does not turn this rule on)" in out
    assert "  complaint_disclosure_days = 3  (default)  信访件办理情况公开的最长间隔（天）  [days]" in out
    on = explain("CDC001", "--profile", "sichuan-2017").stdout.splitlines()
    assert "profile:     sichuan-2017  (active in this profile)" in on
    assert "  complaint_disclosure_days = 3  (profile value; default 3)  信访件办理情况公开的最长间隔（天）  [days]" in on


def test_lang_en_puts_the_english_message_first():
    out = explain("SH005", "--lang", "en").stdout.splitlines()
    rule = RULES["SH005"]
    assert out[6:8] == [f"message:     {rule.message['en']}", f"             {rule.message['zh']}"]


@pytest.mark.parametrize("args", [["NOPE1"], ["PRV002"], ["SH005", "--profile", "no-such-profile"]])
def test_unknown_rule_or_profile_is_one_line_and_exit_2(args):
    result = explain(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("compliance: ")
    if args[0] != "SH005":
        assert result.stderr == f"compliance: unknown rule {args[0]!r}; 'compliance rules list' shows them\n"


def test_a_rule_of_a_custom_pack():
    result = explain("PRV002", "--rules", str(PACK / "province-rules"))
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0] == "PRV002  fine-instead-of-rectification"
    assert out[1] == "requirement: no-fine-substitution  不得以罚代改、一罚了之"
    assert out[2] == f"pack:        {PACK / 'province-rules'}"
    assert "options:     none" in out
    paragraph = _seed_line("002_24b5ebde78caff94.txt", "一关了之等懒政怠政行为")
    assert paragraph.startswith("二、持续抓好问题整改,做到提高整改质量不放松。")
    assert out[out.index("passage:") + 1] == f"  {paragraph}"
    assert "  - 坚决防止以罚代改、一罚了之" in out


def test_a_rule_of_a_profile_pack_with_its_option():
    result = explain("PRV001", "--profile", str(PACK / "profile.yaml"), "--rules", str(PACK / "province-rules"))
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert "profile:     example-province  (active in this profile)" in out
    assert "  province_disclosure_days = 31  (profile value; default 31)  整改进展向社会公开的最长间隔（天）  [days]" in out


def test_a_custom_pack_may_ship_its_own_sources(tmp_path):
    pack = tmp_path / "office"
    shutil.copytree(PACK / "province-rules", pack)
    (pack / "sources").mkdir()
    (pack / "sources" / "notice.txt").write_text(
        "某省整改办通知\n\n各市州:\n  严禁以罚代改。罚款不能代替整改,\n必须督促企业完成治理。\n\n附件\n", encoding="utf-8")
    rule = yaml.safe_load((pack / "PRV002.yaml").read_text(encoding="utf-8"))
    rule["citation"] = {"document": "sources/notice.txt", "quote": "罚款不能代替整改，必須督促企業完成治理"}
    (pack / "PRV002.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    out = explain("PRV002", "--rules", str(pack)).stdout.splitlines()
    start = out.index("passage:")
    assert out[start + 1:start + 4] == ["  各市州:", "  严禁以罚代改。罚款不能代替整改,", "  必须督促企业完成治理。"]


def test_a_document_not_found_falls_back_to_the_quote(tmp_path):
    pack = tmp_path / "office"
    shutil.copytree(PACK / "province-rules", pack)
    rule = yaml.safe_load((pack / "PRV002.yaml").read_text(encoding="utf-8"))
    rule["citation"]["document"] = "../../etc/passwd"
    (pack / "PRV002.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), encoding="utf-8")
    result = explain("PRV002", "--rules", str(pack))
    assert result.exit_code == 0
    out = result.stdout.splitlines()
    start = out.index("passage:     (the document or the quote was not found; the quote:)")
    assert out[start + 1] == f"  {rule['citation']['quote']}"


# --- sources.passage -----------------------------------------------------------

def test_every_bundled_citation_has_a_passage_holding_its_quote():
    from compliance.sources import matching_form

    for rule in RULES.values():
        found = passage(rule.citation, Path(rule.file).parent)
        assert found is not None, rule.id
        assert matching_form(rule.citation["quote"]) in matching_form(found), rule.id


def test_passage_in_traditional_script_for_a_simplified_quote():
    # Seed 004 is in traditional script, with pinyin after some characters.
    found = passage({"document": "seeds/004_dc8f6784746934c4.txt", "quote": "逐项明确整改目标、整改措施、整改时限"}, None)
    line = _seed_line("004_dc8f6784746934c4.txt", "逐項明確整改目標")
    assert found == "二、壓實整改責(zé)任\n" + line
    assert "逐項明確整改目標(biāo)、整改措施、整改時限" in found


def test_passage_through_pinyin_and_a_wrapped_line():
    # Seed 003: 問責(zé), and a title wrapped over two lines.
    found = passage({"document": "seeds/003_5e368ea57139dde9.txt", "quote": "关于加强生态环境常态化监督管理和问责的实施意见"},
                    None)
    lines = (SEEDS / "003_5e368ea57139dde9.txt").read_text(encoding="utf-8").splitlines()
    assert found == f"{lines[6].strip()}\n{lines[7].strip()}"
    assert found == "(受權(quán)發(fā)布)關(guān)于加強生態(tài)環(huán)境常態(tài)化監(jiān)督\n管理和問責(zé)的實施意見"


def test_passage_of_a_quote_with_pinyin_inside_a_long_paragraph():
    found = passage({"document": "seeds/003_5e368ea57139dde9.txt", "quote": "並開展整改“回頭看”,嚴防問題反彈"}, None)
    assert found is not None
    assert "嚴(yán)防問題反彈" in found
    assert found == _seed_line("003_5e368ea57139dde9.txt", "嚴(yán)防問題反彈")


@pytest.mark.parametrize("document", ["../seeds/000_858e8a667d8906cd.txt", "seeds/../seeds/000_858e8a667d8906cd.txt",
                                      "seeds\\..\\..\\rules\\seeds\\000_858e8a667d8906cd.txt",
                                      str(SEEDS / "000_858e8a667d8906cd.txt"), "/etc/passwd", "C:\\seeds\\x.txt",
                                      "seeds/no-such-file.txt", "seeds", ""])
def test_a_document_outside_or_missing_gives_none(document):
    citation = {"document": document, "quote": "能从简的一律从简"}
    assert document_path(citation, SEEDS) is None
    assert passage(citation, SEEDS) is None


def test_the_pack_folder_comes_before_the_bundled_rules(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "000_858e8a667d8906cd.txt").write_text("本省的版本:能从简的一律从简。\n", encoding="utf-8")
    citation = {"document": "seeds/000_858e8a667d8906cd.txt", "quote": "能从简的一律从简"}
    assert passage(citation, tmp_path) == "本省的版本:能从简的一律从简。"
    assert passage(citation, None).startswith("文件明确,")


def test_a_link_out_of_the_pack_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("能从简的一律从简。\n", encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "notice.txt").symlink_to(outside)
    assert passage({"document": "notice.txt", "quote": "能从简的一律从简"}, pack) is None


def test_a_quote_not_in_the_document_gives_none():
    assert passage({"document": "seeds/000_858e8a667d8906cd.txt", "quote": "这句话不在文件里"}, None) is None


def test_a_long_paragraph_is_cut_around_the_quote(tmp_path):
    before, quoted, after = "第一句话说明背景情况。", "引用的关键句子,必须被找到。", "后面还有很多补充说明。"
    (tmp_path / "long.txt").write_text(f"标题\n\n{before * 60}{quoted}{after * 60}\n", encoding="utf-8")
    found = passage({"document": "long.txt", "quote": "引用的关鍵句子，必須被找到"}, tmp_path)
    assert found.startswith("…") and found.endswith("…")
    assert len(found) <= MAX_PASSAGE + 2
    # Whole sentences on both sides of the quote, cut at sentence ends.
    head, tail = found[1:-1].split(quoted)
    assert head == before * (len(head) // len(before)) and len(head) >= 10 * len(before)
    assert tail == after * (len(tail) // len(after)) and len(tail) >= 10 * len(after)


def test_a_quote_may_elide_words():
    found = passage({"document": "seeds/000_858e8a667d8906cd.txt", "quote": "能从简的一律从简…切实减轻基层负担"}, None)
    assert found == _seed_line("000_858e8a667d8906cd.txt", "不搞迎来送往、层层陪同")
