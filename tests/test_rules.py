"""The rule registry and the rules' own examples and citations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from compliance.errors import UserError
from compliance.resources import data_dir
from compliance.rules import backtracking_risk, bundled_packs, load_rules
from compliance.text import normalize
from conftest import SHARED, checker_for, example_findings

RULES, REQUIREMENTS = load_rules()
NAMED_FIRST = ("no-blanket-shutdown", "deadline-and-owner", "no-accountability-substitution", "simplified-hosting")


def _examples(outcome: str) -> list[tuple[str, object]]:
    return [(rule.id, example) for rule in RULES for example in rule.examples[outcome]]


def _fired(rule_id: str, example: object, folder: Path) -> set[str]:
    rule = next(r for r in RULES if r.id == rule_id)
    # A bundled pack's profile has the pack's name.
    checker = checker_for(REQUIREMENTS[rule.requirement].pack)
    return {f.rule for f in example_findings(checker, rule.subject, example, folder)}


@pytest.mark.parametrize(("rule_id", "example"), _examples("fail"), ids=lambda v: str(v)[:30])
def test_fail_example_is_reported(tmp_path, rule_id, example):
    assert rule_id in _fired(rule_id, example, tmp_path)


@pytest.mark.parametrize(("rule_id", "example"), _examples("pass"), ids=lambda v: str(v)[:30])
def test_pass_example_is_quiet(tmp_path, rule_id, example):
    assert rule_id not in _fired(rule_id, example, tmp_path)


def test_every_named_requirement_has_rules():
    assert set(NAMED_FIRST) <= {rule.requirement for rule in RULES}


def _seed_text(document: str) -> str:
    # The copy shipped with the rules (rules/seeds/), which CI has.
    raw = (data_dir("rules") / document).read_text(encoding="utf-8")
    # Seed 003 carries pinyin after some characters: 問責(zé).
    return normalize(re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)", "", raw))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_citation_quotes_the_seed(rule):
    assert rule.citation["document"].startswith("seeds/")
    assert normalize(rule.citation["quote"]) in _seed_text(rule.citation["document"])


SHIPPED_SEEDS = data_dir("rules") / "seeds"


def test_seeds_are_shipped_with_the_rules():
    cited = {rule.citation["document"] for rule in RULES}
    assert cited <= {f"seeds/{path.name}" for path in SHIPPED_SEEDS.glob("*.txt")}
    # A folder of documents, not a rule pack.
    assert "seeds" not in bundled_packs()


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="the shared seed folder is not here")
def test_shipped_seeds_are_the_shared_seeds_byte_for_byte():
    shared = sorted((SHARED / "seeds").glob("*.txt"))
    assert shared, "no seeds in the shared folder"
    assert [path.name for path in sorted(SHIPPED_SEEDS.glob("*.txt"))] == [path.name for path in shared]
    for path in shared:
        assert (SHIPPED_SEEDS / path.name).read_bytes() == path.read_bytes(), path.name


def _pack(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


GOOD_RULE = (data_dir("rules") / "national" / "SH003.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("files", "expected"), [
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1") + "\nbogus: 1\n"}, "Additional properties"),
    ({"X1.yaml": GOOD_RULE}, "duplicate rule id 'SH003'"),
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("requirement: simplified-hosting",
                                                                  "requirement: no-such-key")},
     "unknown requirement key 'no-such-key'"),
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("field: affirmed", "field: colour")},
     "hosting facts have no field 'colour'"),
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("matches: '宴", "matches: '(宴")},
     "invalid pattern"),
    ({"X1.yaml": "id: [unclosed\n"}, "invalid YAML"),
    # Catastrophic backtracking is refused at load time: rule packs come from anyone.
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("matches: '宴", "matches: '(宴+)+$|宴")},
     "could take too long on a long text (an unbounded repeat inside a repeated group)"),
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("matches: '宴", "matches: '(宴|宴请)*$|宴")},
     "could take too long on a long text (alternatives inside an unbounded repeat)"),
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("matches: '宴", "matches: '(宴)\\1|宴")},
     "could take too long on a long text (a back-reference)"),
    # Tried at every character of a long text, 陪同.*[0-9] scans to its end each time.
    ({"X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("matches: '宴", "matches: '陪同.*[0-9]|宴")},
     "(an unbounded repeat that is not anchored at the start of a clause)"),
])
def test_registry_rejects_bad_rules_naming_the_file(tmp_path, files, expected):
    folder = _pack(tmp_path, files)
    with pytest.raises(UserError) as caught:
        load_rules([*bundled_packs().values(), folder])
    assert expected in str(caught.value)
    assert "X1.yaml" in str(caught.value)


def test_unless_must_name_a_fact_asserted_earlier(tmp_path):
    rule = yaml.safe_load((data_dir("rules") / "national" / "DAO005.yaml").read_text(encoding="utf-8"))
    rule.update(id="X1", subject="measure", when=[], unless=[{"fact": "item", "join": {"key": "item"}}])
    rule.pop("locate")
    _pack(tmp_path, {"X1.yaml": yaml.safe_dump(rule, allow_unicode=True)})
    with pytest.raises(UserError, match="asserted after"):
        load_rules([*bundled_packs().values(), tmp_path])


def test_custom_pack_may_define_its_own_requirement(tmp_path):
    _pack(tmp_path, {
        "requirements.yaml": "requirements:\n  banquet-ban: {title: 禁止宴请, severity: warning}\n",
        "X1.yaml": GOOD_RULE.replace("id: SH003", "id: X1").replace("requirement: simplified-hosting",
                                                                    "requirement: banquet-ban"),
    })
    rules, requirements = load_rules([*bundled_packs().values(), tmp_path])
    assert "banquet-ban" in requirements
    assert next(r for r in rules if r.id == "X1").severity == "warning"


def _split_by_comma(value: object) -> list[str]:
    """Keys a flow mapping made from Chinese text cut at an ASCII comma
    ({note: 现场检查,围挡已完成} gives a key 围挡已完成 with no value)."""
    if isinstance(value, dict):
        return [k for k, v in value.items() if v is None and re.search(r"[\u4e00-\u9fff]", str(k))] + \
            [k for v in value.values() for k in _split_by_comma(v)]
    if isinstance(value, list):
        return [k for v in value for k in _split_by_comma(v)]
    return []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_examples_are_not_cut_at_commas(rule):
    assert _split_by_comma(rule.examples) == []


@pytest.mark.parametrize("pattern", [
    r"(?:^|(?<=[,;:。\n]))(?:(?!不得|严禁)[^,;:。\n])*关停",     # from a clause's start, within the clause
    r"^[^\n]*关停", r"陪同[^,;。]{0,60}[0-9]", r"(?<![0-9])[0-9]{1,6}家"])
def test_patterns_that_stay_linear_are_accepted(pattern):
    assert backtracking_risk(pattern) is None


@pytest.mark.parametrize("pattern", [r"(?<=a)a*b", r"(?:^|(?<=[,;]))[^,]*x", r"[0-9]+家", r"《[^》]+》"])
def test_unbounded_repeats_a_long_text_makes_quadratic_are_refused(pattern):
    assert backtracking_risk(pattern) == "an unbounded repeat that is not anchored at the start of a clause"
