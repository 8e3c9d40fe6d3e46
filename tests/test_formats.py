"""The output formats: json, sarif, junit, github and markdown agree on the
findings; each is valid for the tool that reads it; --format/--output pairs."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from compliance.waivers import META_RULES
from compliance.check import Report
from compliance.cli import FORMAT_NAMES, main
from compliance.findings import Finding, PlanResult
from compliance.formats import FORMATS, _indented, _md, as_github, as_junit, as_markdown, report_dict
from compliance.profiles import active_rules, load_profile
from conftest import ROOT, plan_yaml, run_cli

EXAMPLE_NAME = "examples/county-plan.yaml"
AS_OF = ["--as-of", "2024-03-10"]
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
CI_FORMATS = ("json", "sarif", "junit", "github")
# The first line of a JUnit failure text or system-out block.
JUNIT_HEAD = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning|info) "
                        r"(?P<rule>\S+) (?P<requirement>\S+)$", re.M)
GITHUB_LINE = re.compile(r"^::(?P<command>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(*args: str) -> Result:
    return run_cli(*args)


def example(fmt: str, *more: str) -> Result:
    return run("check", EXAMPLE_NAME, *AS_OF, "--format", fmt, *more)


# --- reading each format back to (rule, file, line) ------------------------------------

Key = tuple[str, str, int]


def from_json(text: str) -> list[Key]:
    return [(f["rule"], f["file"], f["line"]) for f in json.loads(text)["findings"]]


def from_sarif(text: str) -> list[Key]:
    run_ = json.loads(text)["runs"][0]
    found = []
    for result in run_["results"]:
        location = result["locations"][0]["physicalLocation"]
        found.append((result["ruleId"], urllib.parse.unquote(location["artifactLocation"]["uri"]),
                      location["region"]["startLine"]))
    return found


def junit_blocks(text: str) -> list[dict[str, str]]:
    """Each finding in a JUnit report: failures, and infos in system-out."""
    root = ET.fromstring(text.encode("utf-8"))
    blocks = []
    for case in root.iter("testcase"):
        for failure in case.findall("failure"):
            head = JUNIT_HEAD.search(failure.text or "")
            assert head, failure.text
            assert failure.get("type") == head["severity"] != "info"
            assert failure.get("message", "").startswith(f"{head['rule']}: ")
            blocks.append(head.groupdict())
        for out in case.findall("system-out"):
            blocks.extend(m.groupdict() for m in JUNIT_HEAD.finditer(out.text or ""))
    return blocks


def from_junit(text: str) -> list[Key]:
    return [(b["rule"], b["file"], int(b["line"])) for b in junit_blocks(text)]


def github_props(props: str) -> dict[str, str]:
    unescape = lambda v: urllib.parse.unquote(v)  # noqa: E731  (%25 %0A %3A %2C are percent-encodings)
    return {key: unescape(value) for key, value in (p.split("=", 1) for p in props.split(","))}


def from_github(text: str) -> list[Key]:
    found = []
    for line in text.splitlines():
        match = GITHUB_LINE.match(line)
        if match:
            props = github_props(match["props"])
            found.append((props["title"].split()[0], props["file"], int(props["line"])))
    return found


READERS = {"json": from_json, "sarif": from_sarif, "junit": from_junit, "github": from_github}


# --- the formats agree -----------------------------------------------------------------

def test_formats_are_registered() -> None:
    assert tuple(FORMATS) == FORMAT_NAMES


def test_formats_agree_on_the_example() -> None:
    found = {}
    for fmt in CI_FORMATS:
        result = example(fmt)
        assert result.exit_code == 1, (fmt, result.stderr)
        assert result.stderr == ""
        found[fmt] = READERS[fmt](result.stdout)
    expected = found["json"]
    assert len(expected) >= 8
    assert {f for _, f, _ in expected} == {EXAMPLE_NAME}
    for fmt in CI_FORMATS:
        assert len(found[fmt]) == len(expected), fmt
        assert sorted(found[fmt]) == sorted(expected), fmt
    # The same order as the JSON report in the formats that list findings flat.
    assert found["sarif"] == found["github"] == expected


def test_formats_agree_on_severity_and_text() -> None:
    findings = json.loads(example("json").stdout)["findings"]
    results = json.loads(example("sarif").stdout)["runs"][0]["results"]
    commands = [GITHUB_LINE.match(line) for line in example("github").stdout.splitlines()]
    commands = [c for c in commands if c]
    level = {"error": "error", "warning": "warning", "info": "note"}
    command = {"error": "error", "warning": "warning", "info": "notice"}
    for finding, result, line in zip(findings, results, commands, strict=True):
        assert result["level"] == level[finding["severity"]]
        assert result["message"]["text"] == finding["message"]
        assert result["properties"] == {k: finding[k] for k in
                                        ("requirement", "plan", "item", "path", "evidence", "citation")}
        assert result["locations"][0]["physicalLocation"]["region"]["startColumn"] == finding["column"]
        assert line["command"] == command[finding["severity"]]
        assert github_props(line["props"])["col"] == str(finding["column"])
        assert urllib.parse.unquote(line["message"]).split("\n")[0] == finding["message"]


# --- SARIF -------------------------------------------------------------------------------

def sarif_errors(log: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in Draft4Validator(SARIF_SCHEMA).iter_errors(log)]


def test_schema_is_the_sarif_schema() -> None:
    Draft4Validator.check_schema(SARIF_SCHEMA)
    assert "2.1.0" in SARIF_SCHEMA["title"]
    assert sarif_errors({"version": "2.1.0"}) and sarif_errors({"version": "2.0.0", "runs": []})


def test_sarif_validates() -> None:
    log = json.loads(example("sarif").stdout)
    assert sarif_errors(log) == []
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "compliance"
    rules, _, _ = active_rules(load_profile("national"))
    # The active rules and the waiver rules (WVR), every one described.
    assert [r["id"] for r in driver["rules"]] == sorted([rule.id for rule in rules] + list(META_RULES))
    by_id = {rule.id: rule for rule in rules} | META_RULES
    for descriptor in driver["rules"]:
        rule = by_id[descriptor["id"]]
        assert descriptor["name"] == rule.title
        assert descriptor["shortDescription"]["text"] == rule.message["zh"]
        assert rule.citation["quote"] in descriptor["help"]["text"]
        assert rule.citation["quote"] in descriptor["fullDescription"]["text"]
        assert " ".join(rule.rationale.split()) in descriptor["help"]["text"]
        assert descriptor["properties"]["requirement"] == rule.requirement
        assert descriptor["properties"]["citation"]["document"] == rule.citation["document"]
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                               "info": "note"}[rule.severity]
    for result in run_["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == EXAMPLE_NAME
    assert run_["invocations"] == [{"executionSuccessful": True}]


def test_sarif_unloadable_plan_and_odd_names(tmp_path: Path) -> None:
    bad = tmp_path / "坏 方案.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    clean = tmp_path / "clean.yaml"
    clean.write_text(plan_yaml(), encoding="utf-8")
    result = run("check", str(bad), str(clean), EXAMPLE_NAME, *AS_OF, "--format", "sarif", "--lang", "en")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and "invalid YAML" in note["message"]["text"]
    location = note["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == bad.as_uri()     # outside the current folder: absolute
    assert location["region"]["startLine"] == 2
    assert len(log["runs"][0]["results"]) == len(json.loads(example("json").stdout)["findings"])


def test_sarif_stdin_and_relative_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "子目录").mkdir()
    (tmp_path / "子目录" / "plan one.yaml").write_bytes((ROOT / EXAMPLE_NAME).read_bytes())
    monkeypatch.chdir(tmp_path)
    result = run("check", str(tmp_path / "子目录" / "plan one.yaml"), *AS_OF, "--format", "sarif")
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {urllib.parse.quote("子目录/plan one.yaml")}
    result = CliRunner().invoke(main, ["check", "-", *AS_OF, "--format", "sarif"],
                                input=(ROOT / EXAMPLE_NAME).read_bytes())
    log = json.loads(result.stdout)
    assert sarif_errors(log) == []
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]} == {"%3Cstdin%3E"}


# --- a report built by hand: infos, escaping ------------------------------------------------

def finding(**fields: Any) -> Finding:
    base = dict(rule="NBS001", requirement="no-blanket-shutdown", severity="error", file="plans/a,b:c.yaml",
                line=3, column=7, plan="p1", item="1", path="items[0].measures[0]", message="一律关停",
                evidence="对全县一律关停", citation={"document": "seeds/x.txt", "quote": "严禁一律关停"})
    return Finding(**{**base, **fields})


def hand_report(*findings: Finding, error: str | None = None) -> Report:
    plans = [PlanResult(file="plans/a,b:c.yaml", id="p1", items=2, item_ids=["1", "2"], findings=list(findings))]
    if error:
        plans.append(PlanResult(file="plans/bad.yaml", error=f"plans/bad.yaml:4:2: {error}", error_line=4,
                                error_column=2))
    return Report(profile="national", as_of=datetime.date(2024, 3, 10), plans=plans)


ODD = "超标 100%\n第二行\r含|竖线, 逗号: 冒号 <b>&amp;</b> `代码` *星*"


def test_github_escaping() -> None:
    report = hand_report(finding(message=ODD, evidence="a|b"), finding(severity="warning", line=5, rule="NBS003"),
                         finding(severity="info", item=None, line=9, rule="TRD002"), error="invalid YAML: 50%")
    lines = as_github(report).splitlines()
    assert len(lines) == 5
    assert lines[0] == "::error file=plans/bad.yaml,line=4,col=2,title=compliance 未能检查::invalid YAML: 50%25"
    first = lines[1]
    assert first.startswith("::error file=plans/a%2Cb%3Ac.yaml,line=3,col=7,title=NBS001 no-blanket-shutdown::")
    message = first.split("::", 2)[2]
    assert message.startswith("超标 100%25%0A第二行%0D含|竖线, 逗号: 冒号")
    assert "\n" not in first and "\r" not in first
    assert urllib.parse.unquote(message).startswith(ODD)
    assert lines[2].startswith("::warning ") and lines[3].startswith("::notice ")
    assert lines[4].startswith("compliance: 3 个问题") and lines[4].endswith("未能检查 1 个")


def test_junit_infos_are_not_failures() -> None:
    report = hand_report(finding(), finding(severity="info", rule="TRD001", line=8, message=ODD),
                         finding(severity="warning", item=None, rule="TRD002", line=1), error="bad <&> \x0b")
    text = as_junit(report)
    root = ET.fromstring(text.encode("utf-8"))
    # failures count failing testcases: item 1 (an error) and the plan (a warning), not item 1's info.
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "2", "1")
    suite, bad = root.findall("testsuite")
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == ("plans/a,b:c.yaml", "3", "2")
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [("p1", "item 1"), ("p1", "item 2"), ("p1", "plan")]
    item1 = cases[0]
    assert [f.get("type") for f in item1.findall("failure")] == ["error"]
    assert ODD.replace("\r", "\n") in item1.find("system-out").text
    assert [f.get("type") for f in cases[2].findall("failure")] == ["warning"]
    assert len(cases[1]) == 0
    assert bad.get("errors") == "1" and bad.find("testcase/error").get("message").startswith("plans/bad.yaml:4:2: bad <&>")
    assert {b["rule"] for b in junit_blocks(text)} == {"NBS001", "TRD001", "TRD002"}


def test_junit_example_counts() -> None:
    text = example("junit").stdout
    root = ET.fromstring(text.encode("utf-8"))
    [suite] = root.findall("testsuite")
    assert suite.get("name") == EXAMPLE_NAME
    assert int(suite.get("tests")) == 8 + 1 == len(suite.findall("testcase"))
    findings = json.loads(example("json").stdout)["findings"]
    failed = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert int(suite.get("failures")) == int(root.get("failures")) == len(failed) == len({f["item"] for f in findings})
    failures = suite.findall("testcase/failure")
    assert len(failures) == len(junit_blocks(text)) == len(findings)
    assert {c.get("name") for c in suite.findall("testcase")} == {f"item {n}" for n in range(1, 9)} | {"plan"}


def test_markdown_escaping() -> None:
    text = as_markdown(hand_report(finding(message=ODD, evidence="a|b\nc")), lang="en")
    rows = [line for line in text.splitlines() if line.startswith("| plans")]
    assert len(rows) == 1
    row = rows[0]
    # Every unescaped | is a cell border: 6 cells, 7 borders.
    assert len(re.findall(r"(?<!\\)\|", row)) == 7
    assert r"含\|竖线" in row
    assert row.endswith(r" | a\|b c |")        # evidence is clipped to one line, as in the text report
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in row and r"\`代码\`" in row and r"\*星\*" in row
    assert "\r" not in text
    assert text.splitlines()[0].startswith("**compliance**: 1 findings")
    assert "plans/a,b:c.yaml:3" in row


def test_markdown_clean_and_example(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(plan_yaml(), encoding="utf-8")
    result = run("check", str(clean), *AS_OF, "--format", "markdown", "--lang", "en")
    assert result.exit_code == 0
    assert "no findings" in result.stdout and "| " not in result.stdout
    result = example("markdown")
    findings = json.loads(example("json").stdout)["findings"]
    rows = [line for line in result.stdout.splitlines() if line.startswith(f"| {EXAMPLE_NAME}:")]
    assert [row.split(" | ")[2] for row in rows] == [f["rule"] for f in findings]


# --- the command line: pairs of --format and --output ----------------------------------------

def test_several_outputs(tmp_path: Path) -> None:
    result = run("check", EXAMPLE_NAME, *AS_OF, "--format", "json", "--output", str(tmp_path / "r.json"),
                 "--format", "sarif", "--output", str(tmp_path / "r.sarif"), "--format", "github")
    assert result.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.sarif"]
    report = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert report == example("json").stdout
    assert from_sarif((tmp_path / "r.sarif").read_text(encoding="utf-8")) == from_json(report)
    assert from_github(result.stdout) == from_json(report)


def test_output_without_format_is_text(tmp_path: Path) -> None:
    result = run("check", EXAMPLE_NAME, *AS_OF, "--output", str(tmp_path / "r.txt"))
    assert result.exit_code == 1 and result.stdout == ""
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == run("check", EXAMPLE_NAME, *AS_OF).stdout


@pytest.mark.parametrize("args, fragment", [
    (["--format", "json", "--format", "sarif"], "stdout"),
    (["--format", "json", "-o", "a.json", "--format", "sarif", "--format", "junit"], "stdout"),
    (["--format", "json", "-o", "-", "--format", "sarif"], "stdout"),
    (["-o", "a.json", "-o", "b.json"], "--output"),
    (["--format", "json", "-o", "same", "--format", "sarif", "-o", "same"], "twice"),
])
def test_output_pairing_errors(args: list[str], fragment: str, tmp_path: Path) -> None:
    args = [str(tmp_path / a) if a in ("a.json", "b.json", "same") else a for a in args]
    result = run("check", EXAMPLE_NAME, *AS_OF, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and fragment in lines[0]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_fail_on_never_every_format(fmt: str, tmp_path: Path) -> None:
    result = example(fmt, "--fail-on", "never")
    assert result.exit_code == 0
    assert result.stdout
    result = example(fmt, "--fail-on", "never", "--output", str(tmp_path / "report"))
    assert result.exit_code == 0 and result.stdout == ""
    # Byte for byte, the binary xlsx too (its clock readings are the as-of date).
    assert (tmp_path / "report").read_bytes() == example(fmt).stdout_bytes


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_unloadable_plan_every_format(fmt: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    result = run("check", str(bad), EXAMPLE_NAME, *AS_OF, "--format", fmt)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    shown = xlsx_text(result.stdout_bytes) if fmt == "xlsx" else result.stdout
    assert (_md(str(bad)) if fmt == "markdown" else str(bad)) in shown
    if fmt == "github":
        assert any(line.startswith(f"::error file={bad},line=2,col=1,") for line in result.stdout.splitlines())
    if fmt == "junit":
        assert ET.fromstring(result.stdout.encode("utf-8")).get("errors") == "1"


def xlsx_text(data: bytes) -> str:
    """Every cell of a workbook, one per line."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


# --- the JSON writer ------------------------------------------------------------

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_KEYS = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=80) | st.tuples(inner, inner)
                       | st.dictionaries(_KEYS, inner, max_size=80), max_leaves=400)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_json_writer_writes_what_json_dumps_writes(value: Any) -> None:
    # Every report in JSON or SARIF goes through it: the same text, byte for byte.
    assert _indented(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def test_json_writer_deep_long_and_odd_values() -> None:
    deep: Any = "x"
    for depth in range(40):
        deep = [deep, {"d": depth}] if depth % 2 else {str(depth): deep, "n": None}
    values = [deep, list(range(1000)), {i: [float("nan"), float("inf"), -0.0, 1e300] for i in range(200)},
              {"\ud800\n\x00\"\\ 中文": True, 1.5: False, None: [], False: {}}, [[] for _ in range(70)]]
    for value in values:
        assert _indented(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    for bad in (object(), {("a",): 1}, [datetime.date(2024, 1, 1)]):
        with pytest.raises(TypeError):
            _indented(bad)


_TEXTS = st.text() | st.sampled_from(["", "%s", "%%", "中文\n\"\\", "\ud800"])
_FINDINGS = st.builds(
    finding, rule=_TEXTS, file=_TEXTS, line=st.integers() | st.none(), column=st.integers(min_value=0) | st.none(),
    item=_TEXTS | st.none(), path=_TEXTS, message=_TEXTS, evidence=_TEXTS,
    citation=st.dictionaries(_TEXTS, _TEXTS, max_size=4),
    waived=st.none() | st.dictionaries(_TEXTS, _TEXTS | st.none(), max_size=3),
    cell=st.none() | _TEXTS | st.dictionaries(_TEXTS, st.integers() | _TEXTS, max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(_FINDINGS, max_size=6), st.booleans())
def test_json_report_writes_each_finding_as_its_dictionary(findings: list[Finding], shared: bool) -> None:
    # as_json writes a finding from its fields (formats._finding_json), a
    # rule's shared citation once: the same text as its as_dict through json.
    if shared:
        findings = [dataclasses.replace(one, citation=findings[0].citation) for one in findings]
    report = hand_report(*findings)
    assert FORMATS["json"](report) == json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
