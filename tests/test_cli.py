"""The command line of contract.md, through click's CliRunner, plus the repo-root cli.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from compliance.rules import load_rules
from conftest import EXAMPLE, ROOT, plan_yaml, run_cli

EXAMPLE_NAME = "examples/county-plan.yaml"
AS_OF = ["--as-of", "2024-03-10"]
NAMED = {"no-blanket-shutdown", "deadline-and-owner", "no-accountability-substitution", "simplified-hosting"}
EXPECTED = [(45, "no-blanket-shutdown", "2"), (76, "deadline-and-owner", "4"),
            (85, "no-accountability-substitution", "5"), (114, "deadline-and-owner", "7"),
            (139, "simplified-hosting", None), (140, "simplified-hosting", None)]
FINDING_KEYS = {"rule", "requirement", "severity", "file", "line", "column", "plan", "item", "path", "message",
                "evidence", "citation", "waived", "cell"}
RULES = {rule.id: rule for rule in load_rules()[0]}


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str, stdin: bytes | None = None) -> Result:
    return run_cli(*args, stdin=stdin)


def report(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def named(findings: list[dict[str, Any]], file: str | None = None) -> list[tuple[int, str, str | None]]:
    return sorted((f["line"], f["requirement"], f["item"]) for f in findings
                  if f["requirement"] in NAMED and (file is None or f["file"] == file))


# --- check: the example ------------------------------------------------------------

def test_check_text() -> None:
    result = run("check", EXAMPLE_NAME, *AS_OF)
    assert result.exit_code == 1
    assert result.stderr == ""
    findings = report(run("check", EXAMPLE_NAME, *AS_OF, "--format", "json"))["findings"]
    for finding in findings:
        assert f"{finding['line']}:{finding['column']}" in result.stdout
        assert f"[{finding['requirement']} {finding['rule']}]" in result.stdout
    for rule in ("NBS001", "DAO001", "DAO002", "NAS001", "SH001", "SH002"):
        assert rule in result.stdout
    lines = result.stdout.rstrip("\n").split("\n")
    assert re.fullmatch(rf"{len(findings)} 个问题（错误 \d+，警告 \d+，提示 \d+），检查方案 1 个，未能检查 0 个", lines[-1])
    assert lines[0].startswith(f"{EXAMPLE_NAME}  (example-county-2024, 8 ")


def test_check_json_contract() -> None:
    result = run("check", EXAMPLE_NAME, *AS_OF, "--format", "json")
    assert result.exit_code == 1
    data = report(result)
    # The contract's keys first, in its order; baseline and manifest extend it.
    assert list(data) == ["tool", "profile", "as_of", "plans", "findings", "summary", "baseline", "manifest"]
    assert data["baseline"] is None
    assert data["tool"]["name"] == "compliance" and set(data["tool"]) == {"name", "version"}
    assert (data["profile"], data["as_of"]) == ("national", "2024-03-10")
    assert data["plans"] == [{"file": EXAMPLE_NAME, "id": "example-county-2024", "items": 8, "error": None}]
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert set(finding["citation"]) == {"document", "quote"}
        assert (finding["file"], finding["plan"]) == (EXAMPLE_NAME, "example-county-2024")
        assert finding["severity"] in ("error", "warning", "info")
        rule = RULES[finding["rule"]]
        assert (finding["requirement"], finding["severity"]) == (rule.requirement, rule.severity)
        assert finding["message"] == rule.message["zh"]
        assert finding["citation"] == {"document": rule.citation["document"], "quote": rule.citation["quote"]}
    assert named(data["findings"]) == EXPECTED
    by_line = {f["line"]: f for f in data["findings"] if f["requirement"] in NAMED}
    assert (by_line[45]["column"], by_line[45]["path"], by_line[45]["evidence"]) == (
        9, "items[1].measures[0]", "为迎接督察回头看,对全县砖瓦窑一律关停,先停再说")
    assert by_line[139]["path"] == "hosting[0]"
    counts = {s: sum(f["severity"] == s for f in data["findings"]) for s in ("error", "warning", "info")}
    assert data["summary"] == {**counts, "waived": 0}


def test_check_lang_en() -> None:
    data = report(run("check", EXAMPLE_NAME, *AS_OF, "--format", "json", "--lang", "en"))
    assert named(data["findings"]) == EXPECTED
    for finding in data["findings"]:
        assert finding["message"] == RULES[finding["rule"]].message["en"]
        assert re.search(r"[A-Za-z]{4}", finding["message"])
    text = run("check", EXAMPLE_NAME, *AS_OF, "--lang", "en").stdout
    assert "item 2" in text
    assert re.search(r"^\d+ findings \(", text.rstrip("\n").split("\n")[-1])


@pytest.mark.parametrize("fail_on, plan, code", [
    ("never", "example", 0), ("error", "example", 1), ("warning", "example", 1), ("info", "example", 1),
    ("warning", "clean", 0), ("info", "clean", 0),
])
def test_fail_on(fail_on: str, plan: str, code: int, tmp_path: Path) -> None:
    name = EXAMPLE_NAME
    if plan == "clean":
        name = str(tmp_path / "clean.yaml")
        Path(name).write_text(plan_yaml(), encoding="utf-8")
    assert run("check", name, *AS_OF, "--fail-on", fail_on).exit_code == code


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = run("check", EXAMPLE_NAME, *AS_OF, "--format", "json", "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert named(json.loads(target.read_text(encoding="utf-8"))["findings"]) == EXPECTED
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_into_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "report.json"
    result = run("check", EXAMPLE_NAME, *AS_OF, "--format", "json", "--output", str(target))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "report.json" in lines[0]


def test_stdin() -> None:
    result = run("check", "-", *AS_OF, "--format", "json", stdin=EXAMPLE.read_bytes())
    assert result.exit_code == 1
    data = report(result)
    assert data["plans"][0]["file"] == "<stdin>"
    assert {f["file"] for f in data["findings"]} == {"<stdin>"}
    assert named(data["findings"]) == EXPECTED


def test_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "county.yaml").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "clean.yml").write_text(plan_yaml(), encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "broken.yaml").write_text("plan: [\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("plan: [\n", encoding="utf-8")
    result = run("check", str(tmp_path), *AS_OF, "--format", "json")
    assert result.exit_code == 1
    data = report(result)
    assert [p["file"] for p in data["plans"]] == [str(tmp_path / "clean.yml"), str(tmp_path / "sub" / "county.yaml")]
    assert named(data["findings"], str(tmp_path / "sub" / "county.yaml")) == EXPECTED
    assert named(data["findings"], str(tmp_path / "clean.yml")) == []


def test_empty_folder(tmp_path: Path) -> None:
    result = run("check", str(tmp_path))
    assert result.exit_code == 2
    assert "no plan files found" in result.stderr


def test_gb18030_copy_same_findings(tmp_path: Path) -> None:
    copy = tmp_path / "county-gbk.yaml"
    copy.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    utf8 = report(run("check", EXAMPLE_NAME, *AS_OF, "--format", "json"))["findings"]
    result = run("check", str(copy), *AS_OF, "--format", "json")
    assert result.exit_code == 1
    gbk = report(result)["findings"]
    strip = lambda findings: [{k: v for k, v in f.items() if k != "file"} for f in findings]  # noqa: E731
    assert strip(gbk) == strip(utf8)
    assert {f["file"] for f in gbk} == {str(copy)}


# --- check: bad inputs next to the good example ---------------------------------------

def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


BAD_INPUTS = {
    "broken": (b"plan:\n  id: x\n  title: a: b\nitems: []\n", 3),
    "empty": (b"", 1),
    "whitespace": (b"  \n\n", 1),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", None),
    "schema": (b"plan:\n  id: x\nitems:\n  - id: '1'\n    measures: 5\n", 5),
    "items5": (b"plan:\n  id: x\nitems: 5\n", 3),
    "bomb": (_alias_bomb().encode(), 1),
    "tag": (b'plan:\n  id: !!python/object/apply:os.system ["touch MARKER"]\nitems: []\n', 2),
    "name-tag": (b"plan:\n  id: !!python/name:os.system\nitems: []\n", 2),
    "duplicate": (b"plan:\n  id: x\nitems:\n  - id: '1'\n  - id: '1'\n", 5),
    "huge-int": (b"plan:\n  id: p\n  disclosure: {interval_days: 0x" + b"f" * 5000 + b"}\nitems: []\n", 3),
    "missing": (None, None),
}


@pytest.mark.parametrize("kind", [
    kind for kind in BAD_INPUTS])
def test_bad_input_next_to_good(kind: str, tmp_path: Path) -> None:
    data, line = BAD_INPUTS[kind]
    bad = tmp_path / f"{kind}.yaml"
    marker = tmp_path / "hacked"
    if data is not None:
        bad.write_bytes(data.replace(b"MARKER", str(marker).encode()))
    result = run("check", str(bad), EXAMPLE_NAME, *AS_OF, "--format", "json")
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{bad}:" if line is None else f"{bad}:{line}:")
    assert not marker.exists()
    data_out = report(result)
    assert named(data_out["findings"], EXAMPLE_NAME) == EXPECTED
    assert not [f for f in data_out["findings"] if f["file"] == str(bad)]
    plans = {p["file"]: p for p in data_out["plans"]}
    assert plans[str(bad)]["error"] and plans[EXAMPLE_NAME]["error"] is None


def test_bad_input_text_format(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    result = run("check", str(bad), EXAMPLE_NAME, *AS_OF)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "NBS001" in result.stdout
    assert result.stdout.rstrip("\n").split("\n")[-1].endswith("检查方案 1 个，未能检查 1 个")


def test_control_character_next_to_good(tmp_path: Path) -> None:
    # Was a ReaderError traceback (fixed during testing): a stray \x0b is read as a space.
    odd = tmp_path / "odd.yaml"
    odd.write_bytes(EXAMPLE.read_bytes().replace("砖瓦窑一律关停".encode(), "砖瓦窑\x0b一律关停".encode()))
    result = run("check", str(odd), EXAMPLE_NAME, *AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == ""
    assert named(report(result)["findings"], str(odd)) == EXPECTED


def test_json_plan_with_astral_character(tmp_path: Path) -> None:
    # Was lone surrogates and a UnicodeEncodeError traceback (fixed during testing).
    plan = yaml.safe_load(plan_yaml(items=[{"measures": ["对全县砖瓦窑𡐓一律关停"]}]))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, default=str), encoding="ascii")
    assert "\\ud845\\udc13" in path.read_text(encoding="ascii")
    result = run("check", str(path), *AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert report(result)["findings"][0]["evidence"] == "对全县砖瓦窑𡐓一律关停"


# --- validate, rules, options -----------------------------------------------------

def test_validate() -> None:
    result = run("validate", EXAMPLE_NAME)
    assert result.exit_code == 0
    assert result.stdout == f"{EXAMPLE_NAME}: ok (example-county-2024, 8 items)\n"


def test_validate_bad(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan:\n  id: x\nitems:\n  - id: '1'\n    measures: 5\n", encoding="utf-8")
    result = run("validate", str(bad), EXAMPLE_NAME)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{bad}:5:15: schema: $.items[0].measures: 5 is not valid under any of the given schemas"]
    assert f"{EXAMPLE_NAME}: ok" in result.stdout


def test_rules_list() -> None:
    result = run("rules", "list")
    assert result.exit_code == 0
    ids = [line.split()[0] for line in result.stdout.splitlines() if line.strip() and not line.startswith("#")]
    for rule in ("NBS001", "DAO001", "NAS001", "SH001"):
        assert rule in ids
    assert ids == sorted(ids)


def test_rules_show() -> None:
    result = run("rules", "show", "NBS001")
    assert result.exit_code == 0
    citation = RULES["NBS001"].citation
    assert citation["quote"] in result.stdout
    assert citation["document"] in result.stdout
    assert "no-blanket-shutdown" in result.stdout


@pytest.mark.parametrize("args, fragment", [
    (["rules", "show", "NOPE"], "NOPE"),
    (["check", EXAMPLE_NAME, "--profile", "nope"], "nope"),
])
def test_one_line_usage_errors(args: list[str], fragment: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and fragment in lines[0]


def test_check_without_paths_or_configuration_says_so(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("compliance: no plans given: name files or folders, "
                                     "or list 'paths' in .compliance.yaml")


@pytest.mark.parametrize("args", [
    ["check", EXAMPLE_NAME, "--as-of", "2024-13-01"],
    ["check", EXAMPLE_NAME, "--as-of", "yesterday"],
    ["check", EXAMPLE_NAME, "--fail-on", "sometimes"],
    ["check", EXAMPLE_NAME, "--lang", "fr"],
    ["frobnicate"],
])
def test_bad_options_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Error" in result.stderr


def test_help() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for command in ("check", "validate", "rules"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M)


def test_repo_root_cli_py() -> None:
    args = ["check", EXAMPLE_NAME, *AS_OF, "--format", "json"]
    proc = subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr.decode()
    assert proc.stderr == b""
    assert json.loads(proc.stdout.decode("utf-8")) == report(run(*args))
