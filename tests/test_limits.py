"""Every bound SECURITY.md lists, through the command line: the one-line
message naming the file (and line), exit status 2, and the other inputs of
the same run still checked.

A bound on the run itself (the configuration file, a rule pack) leaves
nothing to check: exit 2 and one line, no report. A parent plan outside the
folders given is by design no error of the run but a finding on the child
(NDC007, README "Parent and child plans"): it is tested here as such.

Already tested elsewhere through the command line, not repeated here:
tags that would run code (tests/test_cli.py BAD_INPUTS "tag"/"name-tag"),
duplicate keys ("duplicate"), and malformed ledgers (tests/test_tables.py
MALFORMED).
"""

from __future__ import annotations

import io
import json
import os
import re
import textwrap
import zipfile
from pathlib import Path

import pytest

import compliance.model
from compliance.config import MAX_CONFIG_BYTES
from compliance.errors import UserError
from compliance.model import build
from compliance.read import DEFAULT_LIMITS, Limits, load, parse
from compliance.rules import MAX_PATTERN
from conftest import EXAMPLE, ROOT, plan_yaml, run_cli
from test_parents import CHILD, PARENT

AS_OF = ["--as-of", "2024-03-10"]
LIMIT = DEFAULT_LIMITS.max_string
LEDGER_HEADER = ["序号", "问题", "整改措施", "整改时限", "牵头单位"]


def check_beside_example(bad: Path, *args: str) -> str:
    """Check ``bad`` with the bundled example; the one error line, after
    asserting exit 2 and that the example was checked all the same."""
    result = run_cli("check", str(bad), str(EXAMPLE), *AS_OF, "--format", "json", "--jobs", "1", *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    report = json.loads(result.stdout)
    plans = {plan["file"]: plan for plan in report["plans"]}
    assert plans[str(bad)]["error"] == lines[0] and plans[str(bad)]["items"] == 0
    assert plans[str(EXAMPLE)] == {"file": str(EXAMPLE), "id": "example-county-2024", "items": 8, "error": None}
    assert ("NBS001", "2") in {(f["rule"], f["item"]) for f in report["findings"] if f["file"] == str(EXAMPLE)}
    assert not [f for f in report["findings"] if f["file"] == str(bad)]
    return lines[0]


def test_the_defaults_are_the_documented_ones() -> None:
    assert Limits() == Limits(max_bytes=20 * 1024 * 1024, max_nodes=2_000_000, max_depth=64, max_aliases=10_000,
                              max_string=100_000, max_items=20_000)
    assert (MAX_CONFIG_BYTES, MAX_PATTERN) == (1024 * 1024, 4000)
    security = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    for name in Limits.__dataclass_fields__:
        assert f"`read.Limits.{name}`" in security, name
    for shown in ("20 MB", "2,000,000", "| 64 |", "10,000", "100,000 characters", "20,000", "1 MB", "4,000 characters"):
        assert shown in security, shown


# --- file size ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["big.yaml", "big.csv", "big.xlsx"])
def test_a_file_over_20_mb(tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(b"#" * (20 * 1024 * 1024 + 1))
    assert check_beside_example(bad) == f"{bad}: file is larger than the limit of 20 MB"


def test_a_ledger_that_unpacks_to_over_100_mb(tmp_path: Path) -> None:
    bad = tmp_path / "bomb.xlsx"
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\x00" * (100 * 1024 * 1024 + 1))
    bad.write_bytes(stream.getvalue())
    assert check_beside_example(bad) == f"{bad}: unpacks to more than 100 MB (a zip bomb?)"


# --- YAML structure: values, depth, aliases --------------------------------------------------

def test_more_than_2_000_000_values_after_alias_expansion(tmp_path: Path) -> None:
    # 2,001 uses (under the 10,000 alias limit) of a list of 1,000 values.
    bad = tmp_path / "bomb.yaml"
    bad.write_text("a: &a [" + ", ".join(["lol"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 2001) + "]\n",
                   encoding="utf-8")
    line = check_beside_example(bad)
    # The alias's values are where the anchor is: line 1.
    assert line == f"{bad}:1:4: more than 2000000 values (an alias bomb?)"


def test_nesting_deeper_than_64_levels(tmp_path: Path) -> None:
    bad = tmp_path / "deep.yaml"
    bad.write_text(plan_yaml().replace("  id: fixture\n", "  id: fixture\n  notes: " + "[" * 70 + "]" * 70 + "\n"),
                   encoding="utf-8")
    line = check_beside_example(bad)
    assert re.fullmatch(rf"{re.escape(str(bad))}:\d+:\d+: nesting deeper than 64 levels", line), line


def test_nesting_too_deep_for_the_parser(tmp_path: Path) -> None:
    bad = tmp_path / "deeper.yaml"
    bad.write_text("plan: " + "[" * 100_000 + "\n", encoding="utf-8")
    line = check_beside_example(bad)
    assert line.startswith(f"{bad}") and "nesting" in line


def test_more_than_10_000_alias_uses(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.yaml"
    bad.write_text("a: &a [x]\nb: [" + ", ".join(["*a"] * 10_001) + "]\n", encoding="utf-8")
    # The composer gives every use of an alias the anchor's place: line 1.
    assert check_beside_example(bad) == f"{bad}:1:4: more than 10000 alias uses (an alias bomb?)"


# --- one value: 100,000 characters ----------------------------------------------------------

def _long_measure(length: int) -> str:
    """A measure of ``length`` characters whose last words break NBS001."""
    tail = ",对全县砖瓦窑一律关停"
    return "为做好督察整改工作" * ((length - len(tail)) // 9) + "整" * ((length - len(tail)) % 9) + tail


def test_a_value_at_the_limit_is_checked_to_its_last_character(tmp_path: Path) -> None:
    """Nothing long is skipped: 100,000 characters are 300,000 bytes, far past
    the 65,535 bytes durable_rules' own regex silently gives up at."""
    measure = _long_measure(LIMIT)
    assert len(measure) == LIMIT and len(measure.encode()) > 65_535
    plan = tmp_path / "long.yaml"
    plan.write_text(plan_yaml(items=[{"measures": [measure]}]), encoding="utf-8")
    result = run_cli("check", str(plan), *AS_OF, "--format", "json")
    assert result.exit_code == 1 and result.stderr == ""
    assert ("NBS001", "1") in {(f["rule"], f["item"]) for f in json.loads(result.stdout)["findings"]}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_value_over_the_limit(tmp_path: Path, suffix: str) -> None:
    text = plan_yaml(items=[{"measures": ["依法整治", _long_measure(LIMIT + 1)]}])
    bad = tmp_path / f"long{suffix}"
    if suffix == ".json":
        import yaml

        text = json.dumps(yaml.safe_load(text), ensure_ascii=False, indent=1, default=str)
    bad.write_text(text, encoding="utf-8")
    line_number = next(n for n, line in enumerate(text.splitlines(), 1) if "为做好督察整改工作" in line)
    line = check_beside_example(bad)
    assert re.fullmatch(rf"{re.escape(str(bad))}:{line_number}:\d+: a value of 100,001 characters is over the limit "
                        r"of 100,000", line), line


def test_a_key_over_the_limit(tmp_path: Path) -> None:
    bad = tmp_path / "key.yaml"
    # An explicit key (?): YAML itself refuses an implicit key over 1,024 characters.
    bad.write_text(plan_yaml().replace("  id: fixture\n", "  id: fixture\n  ? " + "键" * (LIMIT + 5) + "\n  : 1\n"),
                   encoding="utf-8")
    assert check_beside_example(bad) == f"{bad}:3:5: a key of 100,005 characters is over the limit of 100,000"


def test_ids_the_engine_joins_on_may_be_as_long_as_the_limit() -> None:
    """Item ids reach durable_rules as strings and are joined on: at the
    limit they still join (NAS004 fires only for the id not in the plan)."""
    from conftest import checker_for

    long = "甲" * LIMIT
    for named, expected in ((long, set()), (long[:-1] + "乙", {"NAS004"})):
        text = plan_yaml(items=[{"id": long}], accountability=[
            {"id": "A1", "items": [named], "subjects": ["某局长"], "action": "诫勉谈话", "basis": "经调查认定履职不力"}])
        result = checker_for("national").check_text(text, "p.yaml")
        assert result.error is None
        assert {f.rule for f in result.findings} & {"NAS004"} == expected


def _ledger_rows(measure: str) -> list[list[str]]:
    return [LEDGER_HEADER, ["1", "砖瓦窑扬尘", measure, "2024-12-31", "县生态环境分局"]]


def _xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "整改台账"
    for row in rows:
        book.active.append(row)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            book.active.cell(r, c)._value = value   # past openpyxl's writer, which cuts text at Excel's 32,767
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _docx(rows: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    return "".join(",".join(row) + "\n" for row in rows).encode("utf-8")


@pytest.mark.parametrize(("suffix", "make", "cell"), [(".xlsx", _xlsx, "整改台账!C2"), (".docx", _docx, "表1 第2行"),
                                                      (".csv", _csv, "C2")])
def test_a_ledger_cell_over_the_limit(tmp_path: Path, suffix: str, make, cell: str) -> None:
    bad = tmp_path / f"ledger{suffix}"
    bad.write_bytes(make(_ledger_rows("甲" * (LIMIT + 1))))
    assert check_beside_example(bad) == f"{bad}:2:3: {cell}: a value of 100,001 characters is over the limit of 100,000"
    # One character less is a measure like any other.
    fine = tmp_path / f"fine{suffix}"
    fine.write_bytes(make(_ledger_rows("甲" * (LIMIT - 10) + "一律关停")))
    result = run_cli("check", str(fine), *AS_OF, "--format", "json")
    assert result.exit_code == 1 and result.stderr == ""
    assert "NBS001" in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_rows_of_one_item_joined_past_the_limit(tmp_path: Path) -> None:
    """A 序号 written on two rows makes one item whose texts are joined: the
    joined text is bounded too, named at the item's first cell."""
    bad = tmp_path / "joined.csv"
    half = LIMIT * 6 // 10
    bad.write_bytes(_csv([LEDGER_HEADER, ["1", "甲" * half, "治理", "2024-12-31", "县局"],
                          ["1", "乙" * half, "监管", "2024-12-31", "县局"]]))
    assert check_beside_example(bad) == (f"{bad}:2:2: B2: a value of {2 * half + 1:,} characters is over the limit "
                                         "of 100,000")


def test_a_smaller_string_limit_is_honoured() -> None:
    text = "plan: {id: p}\nitems:\n  - {id: '1', problem: " + "长" * 30 + "}\n"
    with pytest.raises(UserError, match="a value of 30 characters is over the limit of 20") as caught:
        parse(text, "p.yaml", Limits(max_string=20))
    assert (caught.value.line, caught.value.column) == (3, 24)
    assert parse(text, "p.yaml", Limits(max_string=30)).value["items"][0]["problem"] == "长" * 30


# --- items per plan: 20,000 --------------------------------------------------------------

def test_a_plan_of_more_than_20_000_items(tmp_path: Path) -> None:
    bad = tmp_path / "many.yaml"
    bad.write_text("plan: {id: many}\nitems:\n" + "".join(f'  - {{id: "{n}", problem: 扬尘}}\n' for n in range(20_001)),
                   encoding="utf-8")
    # The first item past the limit is items[20000], on line 3 + 20000.
    assert check_beside_example(bad) == f"{bad}:20003:5: a plan of 20,001 items is over the limit of 20,000 items"


def test_a_ledger_of_more_items_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Items are counted by compliance.model, so a ledger is bounded alike;
    the limit is lowered here to keep the ledger small."""
    monkeypatch.setattr(compliance.model, "DEFAULT_LIMITS", Limits(max_items=8))     # the example's 8 pass
    rows = [LEDGER_HEADER] + [[str(n), "扬尘", "依法治理", "2024-12-31", "县局"] for n in range(1, 11)]
    bad = tmp_path / "many.csv"
    bad.write_bytes(_csv(rows))
    assert check_beside_example(bad) == f"{bad}:10:1: A10: a plan of 10 items is over the limit of 8 items"
    good = tmp_path / "eight.csv"
    good.write_bytes(_csv(rows[:9]))
    assert len(build(load(str(good))).items) == 8


# --- the configuration: 1 MB -------------------------------------------------------------------

def test_a_configuration_over_1_mb(tmp_path: Path) -> None:
    config = tmp_path / "big.yaml"
    config.write_text("fail-on: never\n" + "# 注释\n" * (1024 * 1024 // 8), encoding="utf-8")
    assert config.stat().st_size > 1024 * 1024
    result = run_cli("check", str(EXAMPLE), *AS_OF, "--config", str(config))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"compliance: {config}: configuration file is larger than the limit of 1 MB\n"


# --- rule packs: pattern length and shape, with --rules or from a configuration ----------------

RULE = """\
id: OFC001
requirement: simplified-hosting
subject: hosting
when:
  - {field: affirmed, matches: '%s'}
message: {zh: 接待安排宴请, en: a banquet}
citation: {document: seeds/000_858e8a667d8906cd.txt, quote: 能从简的一律从简}
rationale: An office's own rule.
examples:
  pass: [工作用餐在机关食堂安排]
  fail: [当晚安排宴请]
"""


def _pack(folder: Path, pattern: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "OFC001.yaml").write_text(RULE % pattern, encoding="utf-8")
    return folder


BAD_PATTERNS = {
    "length": ("宴请" * (MAX_PATTERN // 2 + 1), f"pattern of {MAX_PATTERN + 2} characters; at most {MAX_PATTERN}"),
    "nested-repeat": ("(宴请+)+", "(an unbounded repeat inside a repeated group)"),
    "branch-in-repeat": ("(宴|宴请)*陪同", "(alternatives inside an unbounded repeat)"),
    "back-reference": ("(宴请)\\1", "(a back-reference)"),
}


def _run_with_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, how: str):
    monkeypatch.chdir(tmp_path)
    _pack(tmp_path / "office", pattern)
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_yaml(hosting=["当晚在县宾馆安排宴请"]), encoding="utf-8")
    if how == "--rules":
        return run_cli("check", "plan.yaml", *AS_OF, "--no-config", "--rules", "office")
    (tmp_path / ".compliance.yaml").write_text("packs: [office]\n", encoding="utf-8")
    return run_cli("check", "plan.yaml", *AS_OF)


@pytest.mark.parametrize("how", ["--rules", "config"])
@pytest.mark.parametrize("kind", sorted(BAD_PATTERNS))
def test_a_rule_pattern_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, how: str) -> None:
    pattern, expected = BAD_PATTERNS[kind]
    result = _run_with_pack(tmp_path, monkeypatch, pattern, how)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"compliance: {Path('office') / 'OFC001.yaml'}: "), lines
    assert expected in lines[0]


@pytest.mark.parametrize("how", ["--rules", "config"])
def test_a_sound_pack_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    result = _run_with_pack(tmp_path, monkeypatch, "宴请", how)
    assert result.exit_code == 1 and result.stderr == "", result.output
    assert "OFC001" in result.stdout


# --- parent plans stay in the tree (CHILD and PARENT from test_parents) ------------------------


def _tree(tmp_path: Path, parent: str) -> None:
    (tmp_path / "checked").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "city.yaml").write_text(PARENT, encoding="utf-8")
    (tmp_path / "checked" / "county.yaml").write_text(CHILD % parent, encoding="utf-8")


def _parent_rules(*paths: str) -> list[str]:
    result = run_cli("check", *paths, *AS_OF, "--no-config", "--format", "json")
    assert result.exit_code != 2 and result.stderr == "", result.output
    return sorted(f["rule"] for f in json.loads(result.stdout)["findings"] if f["rule"].startswith("NDC"))


@pytest.mark.parametrize("parent", ["../outside/city.yaml", "../checked/../outside/city.yaml", "ABSOLUTE"])
def test_a_parent_outside_the_folders_given_is_not_read(tmp_path, monkeypatch, parent: str) -> None:
    """A finding on the child (NDC007), not an error of the run: the parent
    would compress the deadline (NDC001) if it were read."""
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, str(tmp_path / "outside" / "city.yaml") if parent == "ABSOLUTE" else parent)
    assert _parent_rules("checked/county.yaml") == ["NDC007"]
    # Given both folders, the same parent is read and the deadline compared.
    assert _parent_rules("checked/county.yaml", "outside") == ["NDC001"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_symlink_out_of_the_tree_is_not_followed(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "city.yaml")
    (tmp_path / "checked" / "city.yaml").symlink_to(tmp_path / "outside" / "city.yaml")
    # The link itself, given as an input, is read (the user named it); as a
    # parent reached from the child it leads outside the tree.
    assert _parent_rules("checked/county.yaml") == ["NDC007"]
    assert _parent_rules("checked/county.yaml", "outside") == ["NDC001"]


def test_a_parent_outside_next_to_a_bad_input(tmp_path, monkeypatch) -> None:
    """In one run: an input over a limit (exit 2, one line), a child whose
    parent is outside (a finding), and the example (its findings)."""
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "../outside/city.yaml")
    bad = tmp_path / "checked" / "long.yaml"
    bad.write_text(plan_yaml(items=[{"problem": "长" * (LIMIT + 1)}]), encoding="utf-8")
    result = run_cli("check", "checked", str(EXAMPLE), *AS_OF, "--no-config", "--format", "json")
    assert result.exit_code == 2
    line = plan_yaml(items=[{"problem": "x"}]).splitlines().index("  problem: x") + 1
    assert result.stderr.splitlines() == [
        f"checked/long.yaml:{line}:12: a value of 100,001 characters is over the limit of 100,000"]
    report = json.loads(result.stdout)
    assert [(p["file"], p["error"] is None) for p in report["plans"]] == [
        (str(EXAMPLE), True), ("checked/county.yaml", True), ("checked/long.yaml", False)]
    assert {f["rule"] for f in report["findings"] if f["file"] == "checked/county.yaml"} >= {"NDC007"}
    assert {f["rule"] for f in report["findings"] if f["file"] == str(EXAMPLE)} >= {"NBS001"}
