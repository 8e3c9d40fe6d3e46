"""Output formats: each a small function from the Report to text, chosen from FORMATS."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from itertools import groupby
from json.encoder import encode_basestring as _quoted       # json's own escaping, in C
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .check import STDIN_NAME, Report
from .findings import Finding, PlanResult, summary
from .rules import Rule

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

# xml.etree, urllib.parse and html are imported by the formats that use them:
# a json report, the common case, is spared their import.


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON report of contract.md; other formats read the same findings."""
    findings = report.findings
    return _report_fields(report, [finding.as_dict() for finding in findings], summary(findings))


def _report_fields(report: Report, findings: list[Any], counts: dict[str, int]) -> dict[str, Any]:
    return {
        "tool": {"name": "compliance", "version": report.version},
        "profile": report.profile,
        "as_of": report.as_of.isoformat(),
        "plans": [plan.as_dict() for plan in report.plans],
        "findings": findings,
        "summary": counts,
        "baseline": report.baseline,
        "manifest": report.manifest,
    }


def as_json(report: Report, color: bool = False, lang: str = "zh") -> str:
    # The findings go in as they are, each written by _finding_json rather
    # than first made a dictionary (Finding.as_dict) for the general writer:
    # they are most of a large report, and its serial tail after the workers.
    findings = report.findings
    return _indented(_report_fields(report, findings, summary(findings)))


def _indented(value: Any) -> str:
    """json.dumps(value, ensure_ascii=False, indent=2) and a line break: the
    same text in 0.5-0.65 of the time. Python's indenting encoder yields
    every token through a chain of generators; here a small container is
    joined at once, strings escaped by json's own (C) function. A large one
    is written element by element, so a national audit's report is never
    also millions of small strings in a list."""
    out = io.StringIO()
    _write_json(value, 0, out.write, {})
    out.write("\n")
    return out.getvalue()


# Containers longer than this, those holding one, and the top two levels are
# written piece by piece rather than joined: a report's list of findings,
# SARIF's results.
_STREAMED = 64
_NEWLINES = ["\n" + "  " * level for level in range(32)]


def _newline(level: int) -> str:
    return _NEWLINES[level] if level < len(_NEWLINES) else "\n" + "  " * level


def _write_json(value: Any, level: int, write: Callable[[str], Any], shared: dict[int, tuple[Any, str]]) -> None:
    """``shared``: the text of each citation already written, by the
    citation's identity (a batch's findings of one rule share one), kept
    with it so that no identity is reused while the text is kept."""
    if isinstance(value, Finding):
        # A subclass may say otherwise in its as_dict.
        write(_finding_json(value, level, shared) if type(value) is Finding
              else _json_text(value.as_dict(), level))
        return
    if not (isinstance(value, (list, tuple, dict)) and value and _streamed(value, level)):
        write(_json_text(value, level))
        return
    inner, pairs = _newline(level + 1), isinstance(value, dict)
    write("{" if pairs else "[")
    separator = inner
    for element in value.items() if pairs else value:
        write(separator)
        if pairs:
            write(_json_key(element[0]) + ": ")
            element = element[1]
        _write_json(element, level + 1, write, shared)
        separator = "," + inner
    write(_newline(level) + ("}" if pairs else "]"))


_CONTAINERS = (list, tuple, dict)

# Finding.as_dict's keys in its order, and the text between its values at
# each depth: a finding is one format of its values' texts.
_FINDING_KEYS = ("rule", "requirement", "severity", "file", "line", "column", "plan", "item", "path",
                 "message", "evidence", "citation", "waived", "cell")
_FINDING_FORMATS: dict[int, str] = {}


def _finding_format(level: int) -> str:
    found = _FINDING_FORMATS.get(level)
    if found is None:
        inner = _newline(level + 1).replace("%", "%%")
        found = _FINDING_FORMATS.setdefault(level, "{" + ",".join(
            f'{inner}"{key}": %s' for key in _FINDING_KEYS) + _newline(level).replace("%", "%%") + "}")
    return found


def _finding_json(finding: Finding, level: int, shared: dict[int, tuple[Any, str]]) -> str:
    """``_json_text(finding.as_dict(), level)``, without the dictionary and
    the general writer's tests of every value's type."""
    below = level + 1
    citation, waived = finding.citation, finding.waived
    written = shared.get(id(citation))
    if written is None or written[0] is not citation:
        written = shared[id(citation)] = (citation, _json_text(dict(citation), below))
    values = (finding.rule, finding.requirement, finding.severity, finding.file, finding.line, finding.column,
              finding.plan, finding.item, finding.path, finding.message, finding.evidence)
    # Texts (most values) and ints skip a call; the rest take _json_text's tests.
    return _finding_format(level) % (
        *[_quoted(v) if (kind := type(v)) is str else int.__repr__(v) if kind is int
          else "null" if v is None else _json_text(v, below) for v in values],
        written[1], _json_text(dict(waived), below) if waived else "null",
        _quoted(finding.cell) if type(finding.cell) is str else _json_text(finding.cell, below))


def _streamed(value: list[Any] | tuple[Any, ...] | dict[Any, Any], level: int) -> bool:
    if level < 2 or len(value) > _STREAMED:
        return True
    # A loop rather than any() over a generator: asked of every finding.
    for child in value.values() if isinstance(value, dict) else value:
        if isinstance(child, _CONTAINERS) and len(child) > _STREAMED:
            return True
    return False


def _json_text(value: Any, level: int) -> str:
    """``value`` as json's indent=2 encoder writes it at depth ``level``
    (the same order of type tests, so subclasses come out alike)."""
    if isinstance(value, str):
        return _quoted(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _json_float(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner, below = _newline(level + 1), level + 1
        # Strings, None and ints (most values: a finding's line, column,
        # cell) skip a call; bools and subclasses take the call's tests.
        return ("[" + inner + ("," + inner).join([
            _quoted(v) if (kind := type(v)) is str else "null" if v is None
            else int.__repr__(v) if kind is int else _json_text(v, below) for v in value])
            + _newline(level) + "]")
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner, below = _newline(level + 1), level + 1
        return ("{" + inner + ("," + inner).join([
            (_quoted(k) if type(k) is str else _json_key(k)) + ": "
            + (_quoted(v) if (kind := type(v)) is str else "null" if v is None
               else int.__repr__(v) if kind is int else _json_text(v, below)) for k, v in value.items()])
            + _newline(level) + "}")
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return _quoted(key)
    if isinstance(key, float):
        return _quoted(_json_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _quoted(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}
_WORDS = {
    "zh": {"item": "整改任务", "plan": "方案层面", "items": "项任务", "source": "依据", "clean": "未发现问题",
           "unchecked": "未能检查", "summary": "{n} 个问题（错误 {error}，警告 {warning}，提示 {info}），"
                                               "检查方案 {plans} 个，未能检查 {bad} 个",
           "location": "位置", "severity": "级别", "rule": "规则", "requirement": "要求", "message": "问题",
           "evidence": "原文", "waived": "已豁免", "waived_count": "，另有已豁免 {n} 个", "approved_by": "批准", "expires": "有效期至",
           "baseline": "基线：{matched} 个已知问题未列出，{fixed} 个已整改", "fixed": "（已整改：{which}）"},
    "en": {"item": "item", "plan": "plan-level", "items": "items", "source": "source", "clean": "no findings",
           "unchecked": "not checked", "summary": "{n} findings ({error} errors, {warning} warnings, {info} info) "
                                                  "in {plans} plans checked, {bad} not checked",
           "location": "location", "severity": "severity", "rule": "rule", "requirement": "requirement",
           "message": "message", "evidence": "evidence", "waived": "waived", "waived_count": "; {n} waived", "approved_by": "approved by",
           "expires": "until", "baseline": "baseline: {matched} known findings not shown, {fixed} fixed", "fixed": " (fixed: {which})"},
}


def as_text(report: Report, color: bool = False, lang: str = "zh") -> str:
    """Findings grouped by plan and item, with the offending text and its source."""
    words = _WORDS[lang]
    style = click.style if color else (lambda text, **_: text)
    lines: list[str] = []
    for plan in report.plans:
        if plan.error:
            lines.append(style(f"{words['unchecked']}: {plan.error}", fg="red"))
            continue
        header = f"{plan.file}  ({plan.id}, {plan.items} {words['items']})"
        lines.append(style(header, bold=True))
        if not plan.findings:
            lines.append(f"  {words['clean']}")
        ordered = sorted(plan.findings, key=lambda f: (f.item is None, _item_order(f), f.line, f.rule))
        for item, group in groupby(ordered, key=lambda f: f.item):
            lines.append(f"  {words['item']} {item}" if item is not None else f"  {words['plan']}")
            for finding in group:
                lines.extend(_finding_lines(finding, style, words, plan.file))
        lines.append("")
    if report.baseline:
        lines.append(_baseline_line(report.baseline, words))
    lines.append(_summary_line(report, words))
    return "\n".join(lines) + "\n"


def _summary_line(report: Report, words: dict[str, str]) -> str:
    counts = summary(report.findings)
    checked = sum(1 for plan in report.plans if not plan.error)
    line = words["summary"].format(n=len(report.standing), plans=checked, bad=len(report.errors), **counts)
    return line + (words["waived_count"].format(n=counts["waived"]) if counts["waived"] else "")


def _baseline_line(baseline: dict[str, Any], words: dict[str, str]) -> str:
    line = words["baseline"].format(matched=baseline["matched"], fixed=len(baseline["fixed"]))
    # plan/item/rule of each entry now fixed, so the baseline can be rewritten smaller.
    which = ", ".join(f"{e['plan']}/{e['item'] if e['item'] is not None else '-'}/{e['rule']}"
                      for e in baseline["fixed"])
    return line + words["fixed"].format(which=which) if which else line


def _waiver_text(waived: dict[str, Any], words: dict[str, str]) -> str:
    """[waived: reason; approved by X; until 2025-06-30]"""
    parts = [str(waived.get("reason") or "")]
    if waived.get("approved_by"):
        parts.append(f"{words['approved_by']} {waived['approved_by']}")
    if waived.get("expires"):
        parts.append(f"{words['expires']} {waived['expires']}")
    return f"[{words['waived']}: {'; '.join(parts)}]"


def _item_order(finding: Finding) -> int:
    return finding.line


def _finding_lines(finding: Finding, style: Callable[..., str], words: dict[str, str], file: str) -> list[str]:
    if finding.waived:
        severity = style(f"{finding.severity}({words['waived']})", dim=True)
    else:
        severity = style(finding.severity, fg=_SEVERITY_COLOR[finding.severity], bold=True)
    # A waiver kept in the configuration is found there, not in the plan.
    where = f"{finding.file}:" if finding.file != file else ""
    # A spreadsheet's or Word table's finding names its cell (整改台账!F12).
    place = finding.cell or f"{finding.line}:{finding.column}"
    lines = [f"    {where}{place}  {severity}  {finding.message}  "
             + style(f"[{finding.requirement} {finding.rule}]", dim=True)]
    if finding.evidence:
        lines.append(f"      > {_clip(finding.evidence)}")
    if finding.waived:
        lines.append(style(f"      {_waiver_text(finding.waived, words)}", dim=True))
    lines.append(style(f"      {words['source']}: {finding.citation['quote']}", dim=True))
    return lines


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- shared by the CI formats ----------------------------------------------------

def _findings(report: Report | PlanResult) -> list[dict[str, Any]]:
    """The findings of the report or of one plan as serialised once, by
    Finding.as_dict: every CI format reads these."""
    return [finding.as_dict() for finding in report.findings]


def _repo_path(file: str) -> str:
    """A file as CI tools want it: relative to the current folder when inside
    it, with forward slashes."""
    if file == STDIN_NAME:
        return file
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
    return str(path).replace(os.sep, "/")


def _error_place(plan: PlanResult) -> tuple[int | None, int | None]:
    return plan.error_line, plan.error_column


def _bare_error(plan: PlanResult) -> str:
    """Why a plan was not checked, without the file:line:column the format gives apart."""
    line, column = _error_place(plan)
    prefix = plan.file + (f":{line}" if line else "") + (f":{column}" if line and column else "") + ": "
    text = plan.error or ""
    return text[len(prefix):] if text.startswith(prefix) else text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _citation_text(citation: dict[str, str], words: dict[str, str]) -> str:
    title = f"{citation['title']} " if citation.get("title") else ""
    return f"{words['source']}: {title}「{citation['quote']}」 ({citation['document']})"


# --- SARIF 2.1.0 -------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def as_sarif(report: Report, color: bool = False, lang: str = "zh") -> str:
    """One SARIF 2.1.0 run: every active rule with its help text and citation,
    one result per finding with its physical location, unloadable plans as
    tool execution notifications."""
    words = _WORDS[lang]
    findings = _findings(report)
    descriptors = {rule_id: _sarif_rule(rule, lang, words) for rule_id, rule in sorted(report.rules.items())}
    for finding in findings:      # a finding of a rule the report does not describe
        descriptors.setdefault(finding["rule"], _sarif_rule_of(finding))
    index = {rule_id: n for n, rule_id in enumerate(descriptors)}
    results = [_sarif_result(finding, index[finding["rule"]]) for finding in findings]
    artifacts = [_sarif_artifact(entry) for entry in report.manifest.get("inputs", []) if entry["sha256"]]
    notifications = [_sarif_notification(plan) for plan in report.plans if plan.error]
    invocation: dict[str, Any] = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "compliance", "version": report.version,
                                "semanticVersion": report.version, "rules": list(descriptors.values())}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
            "properties": {"profile": report.profile, "as_of": report.as_of.isoformat(),
                           "manifest": report.manifest, "baseline": report.baseline},
        }],
    }
    return _indented(log)


def _sarif_rule(rule: Rule, lang: str, words: dict[str, str]) -> dict[str, Any]:
    citation = {"document": rule.citation["document"], "title": rule.citation.get("title", ""),
                "quote": rule.citation["quote"]}
    rationale = _one_line(rule.rationale)
    cited = _citation_text(citation, words)
    descriptor: dict[str, Any] = {"id": rule.id}
    if rule.title:
        descriptor["name"] = rule.title
    descriptor.update({
        "shortDescription": {"text": rule.message.get(lang) or rule.message["zh"]},
        "fullDescription": {"text": f"{rationale} {cited}".strip()},
        "help": {"text": f"{rationale}\n\n{cited}".strip(),
                 "markdown": f"{rationale}\n\n> {_one_line(citation['quote'])}\n\n{words['source']}: "
                             f"{citation['title'] or citation['document']} ({citation['document']})".strip()},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"requirement": rule.requirement, "citation": citation, "tags": [rule.requirement]},
    })
    return descriptor


def _sarif_rule_of(finding: dict[str, Any]) -> dict[str, Any]:
    return {"id": finding["rule"], "shortDescription": {"text": finding["message"]},
            "defaultConfiguration": {"level": _SARIF_LEVEL[finding["severity"]]},
            "properties": {"requirement": finding["requirement"], "citation": finding["citation"],
                           "tags": [finding["requirement"]]}}


def _sarif_location(file: str, line: int | None, column: int | None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if line:
        location["region"] = {"startLine": max(1, line), "startColumn": max(1, column or 1)}
    return {"physicalLocation": location}


def _uri(file: str) -> str:
    """A URI reference for the file: relative and percent-encoded, or file:// when absolute."""
    from urllib.parse import quote

    path = _repo_path(file)
    if file != STDIN_NAME and Path(path).is_absolute():
        return Path(path).as_uri()
    return quote(path, safe="/")


def _sarif_artifact(entry: dict[str, Any]) -> dict[str, Any]:
    return {"location": {"uri": _uri(entry["file"])}, "length": entry["bytes"], "hashes": {"sha-256": entry["sha256"]}}


def _sarif_result(finding: dict[str, Any], rule_index: int) -> dict[str, Any]:
    location = _sarif_location(finding["file"], finding["line"], finding["column"])
    result = _sarif_result_body(finding, rule_index, location)
    waived = finding["waived"]
    if waived:
        # In the plan file, or kept apart in the configuration.
        kind = "inSource" if waived["file"] == finding["file"] else "external"
        result["suppressions"] = [{"kind": kind, "status": "accepted", "justification": waived["reason"] or "",
                                   "properties": waived}]
    return result


def _sarif_result_body(finding: dict[str, Any], rule_index: int, location: dict[str, Any]) -> dict[str, Any]:
    return {
        "ruleId": finding["rule"],
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding["severity"]],
        "message": {"text": finding["message"] + (f" [{finding['cell']}]" if finding.get("cell") else "")},
        "locations": [location],
        "properties": {key: finding[key] for key in ("requirement", "plan", "item", "path", "evidence", "citation")}
        | ({"cell": finding["cell"]} if finding.get("cell") else {}),
    }


def _sarif_notification(plan: PlanResult) -> dict[str, Any]:
    line, column = _error_place(plan)
    return {"level": "error", "message": {"text": _bare_error(plan)},
            "locations": [_sarif_location(plan.file, line, column)]}


# --- JUnit XML ---------------------------------------------------------------------

# XML 1.0 cannot carry these even escaped; a plan can (a stray \x0b).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def as_junit(report: Report, color: bool = False, lang: str = "zh") -> str:
    """One testsuite per plan, one testcase per item plus one for the plan
    level. Errors and warnings are failures, a <failure> element per finding;
    infos are not failures and go in the testcase's system-out. A plan that
    could not be loaded is a testcase with an <error>. The ``failures``
    counts are of failing testcases, as JUnit counts them."""
    import xml.etree.ElementTree as ET

    words = _WORDS[lang]
    root = ET.Element("testsuites", name="compliance")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for plan in report.plans:
        suite = _junit_suite(report, plan, _findings(plan), words)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    _set(root, **totals)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _junit_suite(report: Report, plan: PlanResult, findings: list[dict[str, Any]],
                 words: dict[str, str]) -> ET.Element:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name=_xml(plan.file))
    properties = ET.SubElement(suite, "properties")
    manifest = report.manifest
    entry = next((e for e in manifest.get("inputs", []) if e["file"] == plan.file), {})
    for name, value in (("plan", plan.id or ""), ("profile", report.profile), ("as_of", report.as_of.isoformat()),
                        ("tool_version", report.version), ("rules_sha256", manifest.get("rules", {}).get("sha256")),
                        ("input_sha256", entry.get("sha256"))):
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=_xml(value))
    if plan.error:
        case = ET.SubElement(suite, "testcase", classname=_xml(plan.file), name="load")
        line, column = _error_place(plan)
        where = f"{plan.file}:{line}:{column}" if line else plan.file
        error = ET.SubElement(case, "error", message=_xml(plan.error), type="not-checked")
        error.text = _xml(f"{where}: {words['unchecked']}\n{plan.error}")
        _set(suite, tests=1, failures=0, errors=1, skipped=0)
        return suite
    cases: dict[str | None, list[dict[str, Any]]] = {item: [] for item in plan.item_ids}
    for finding in findings:
        cases.setdefault(finding["item"], []).append(finding)
    cases.pop(None, None)
    cases[None] = [finding for finding in findings if finding["item"] is None]
    failures = 0
    for item, found in cases.items():
        name = f"item {item}" if item is not None else "plan"
        case = ET.SubElement(suite, "testcase", classname=_xml(plan.id or plan.file), name=_xml(name))
        infos = []
        failures += any(_fails(finding) for finding in found)
        for finding in found:
            if not _fails(finding):
                infos.append(_junit_text(finding, words))
                continue
            cell = f" [{finding['cell']}]" if finding.get("cell") else ""
            failure = ET.SubElement(case, "failure", message=_xml(f"{finding['rule']}: {finding['message']}{cell}"),
                                    type=finding["severity"])
            failure.text = _xml(_junit_text(finding, words))
        if infos:
            ET.SubElement(case, "system-out").text = _xml("\n\n".join(infos))
    _set(suite, tests=len(cases), failures=failures, errors=0, skipped=0)
    return suite


def _set(element: ET.Element, **counts: int) -> None:
    for name, count in counts.items():
        element.set(name, str(count))


def _fails(finding: dict[str, Any]) -> bool:
    # Infos inform; a waived finding was accepted.
    return finding["severity"] != "info" and not finding["waived"]


def _junit_text(finding: dict[str, Any], words: dict[str, str]) -> str:
    where = f"{finding['file']}:{finding['line']}:{finding['column']}" + (f" ({finding['cell']})" if finding.get("cell") else "")
    lines = [f"{where}: {finding['severity']} {finding['rule']} "
             f"{finding['requirement']}", finding["message"]]
    if finding["evidence"]:
        lines.append(f"> {finding['evidence']}")
    if finding["waived"]:
        lines.append(_waiver_text(finding["waived"], words))
    lines.append(_citation_text(finding["citation"], words))
    return "\n".join(lines)


# --- GitHub workflow commands --------------------------------------------------------

_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _gh_line(command: str, message: str, **properties: Any) -> str:
    shown = ",".join(f"{key}={_gh_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{command} {shown}::{_gh_data(message)}"


def as_github(report: Report, color: bool = False, lang: str = "zh") -> str:
    """GitHub Actions workflow commands: one annotation line per finding
    (error, warning, notice for info) and per plan not checked, then a summary."""
    words = _WORDS[lang]
    lines = []
    for plan in report.plans:
        if plan.error:
            line, column = _error_place(plan)
            lines.append(_gh_line("error", _bare_error(plan), file=_repo_path(plan.file), line=line, col=column,
                                  title=f"compliance {words['unchecked']}"))
    for finding in _findings(report):
        message = [finding["message"] + (f" [{finding['cell']}]" if finding.get("cell") else "")]
        if finding["evidence"]:
            message.append(f"> {finding['evidence']}")
        if finding["waived"]:
            message.append(_waiver_text(finding["waived"], words))
        message.append(_citation_text(finding["citation"], words))
        # A waived finding is shown, but only as a notice.
        command = "notice" if finding["waived"] else _GITHUB_COMMAND[finding["severity"]]
        title = f"{finding['rule']} {finding['requirement']}" + (f" ({words['waived']})" if finding["waived"] else "")
        lines.append(_gh_line(command, "\n".join(message), file=_repo_path(finding["file"]), line=finding["line"],
                              col=finding["column"], title=title))
    if report.baseline:
        lines.append(f"compliance: {_baseline_line(report.baseline, words)}")
    lines.append(f"compliance: {_summary_line(report, words)}")
    return "\n".join(lines) + "\n"


# --- Markdown, for merge-request comments --------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def _md(text: Any) -> str:
    """Text safe in a Markdown table cell: HTML and Markdown characters
    escaped, '|' escaped, line breaks as <br>."""
    from html import escape

    text = _MD_SPECIAL.sub(r"\\\1", escape(str(text), quote=False))
    return "<br>".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def as_markdown(report: Report, color: bool = False, lang: str = "zh") -> str:
    """A summary line, then per file a table of its findings, for a merge-request comment."""
    words = _WORDS[lang]
    lines = [f"**compliance**: {_md(_summary_line(report, words))}", ""]
    if report.baseline:
        lines += [_md(_baseline_line(report.baseline, words)), ""]
    if not report.findings and not report.errors:
        lines += [f"{_md(words['clean'])}.", ""]
    header = [words[key] for key in ("location", "severity", "rule", "requirement", "message", "evidence")]
    for plan in report.plans:
        if plan.error:
            lines += [f"#### {_md(plan.file)}", "", f"**{_md(words['unchecked'])}**: {_md(plan.error)}", ""]
            continue
        lines += [f"#### {_md(plan.file)} ({_md(plan.id)}, {plan.items} {_md(words['items'])})", ""]
        found = _findings(plan)
        if not found:
            lines += [_md(words["clean"]), ""]
            continue
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for finding in found:
            severity = f"{finding['severity']} ({words['waived']})" if finding["waived"] else finding["severity"]
            message = finding["message"] + (f" {_waiver_text(finding['waived'], words)}" if finding["waived"] else "")
            location = f"{finding['file']}:{finding['cell']}" if finding.get("cell") else f"{finding['file']}:{finding['line']}"
            cells = [location, severity, finding["rule"],
                     finding["requirement"], message, _clip(finding["evidence"])]
            lines.append("| " + " | ".join(_md(cell) for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# The audit reports load Jinja2 and openpyxl only when asked for.
def as_html(report: Report, color: bool = False, lang: str = "zh") -> str:
    """One self-contained page for a supervision office (compliance.report_html)."""
    from .report_html import as_html as render
    return render(report, color=color, lang=lang)


def as_xlsx(report: Report, color: bool = False, lang: str = "zh") -> bytes:
    """A workbook: each finding beside its item, and a summary (compliance.report_xlsx)."""
    from .report_xlsx import as_xlsx as render
    return render(report, color=color, lang=lang)


FORMATS: dict[str, Callable[..., str | bytes]] = {"text": as_text, "json": as_json, "sarif": as_sarif,
                                                  "junit": as_junit, "github": as_github, "markdown": as_markdown,
                                                  "html": as_html, "xlsx": as_xlsx}
