"""Output formats: each a small function from the Report to text, chosen from FORMATS."""

from __future__ import annotations

import json
from collections.abc import Callable
from itertools import groupby
from typing import Any

import click

from .check import Report
from .findings import Finding, summary


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON report of contract.md; other formats read the same findings."""
    findings = report.findings
    return {
        "tool": {"name": "compliance", "version": report.version},
        "profile": report.profile,
        "as_of": report.as_of.isoformat(),
        "plans": [plan.as_dict() for plan in report.plans],
        "findings": [finding.as_dict() for finding in findings],
        "summary": summary(findings),
    }


def as_json(report: Report, color: bool = False, lang: str = "zh") -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}
_WORDS = {
    "zh": {"item": "整改任务", "plan": "方案层面", "items": "项任务", "source": "依据", "clean": "未发现问题",
           "unchecked": "未能检查", "summary": "{n} 个问题（错误 {error}，警告 {warning}，提示 {info}），"
                                               "检查方案 {plans} 个，未能检查 {bad} 个"},
    "en": {"item": "item", "plan": "plan-level", "items": "items", "source": "source", "clean": "no findings",
           "unchecked": "not checked", "summary": "{n} findings ({error} errors, {warning} warnings, {info} info) "
                                                  "in {plans} plans checked, {bad} not checked"},
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
                lines.extend(_finding_lines(finding, style, words))
        lines.append("")
    counts = summary(report.findings)
    checked = sum(1 for plan in report.plans if not plan.error)
    lines.append(words["summary"].format(n=len(report.findings), plans=checked, bad=len(report.errors), **counts))
    return "\n".join(lines) + "\n"


def _item_order(finding: Finding) -> int:
    return finding.line


def _finding_lines(finding: Finding, style: Callable[..., str], words: dict[str, str]) -> list[str]:
    severity = style(finding.severity, fg=_SEVERITY_COLOR[finding.severity], bold=True)
    lines = [f"    {finding.line}:{finding.column}  {severity}  {finding.message}  "
             + style(f"[{finding.requirement} {finding.rule}]", dim=True)]
    if finding.evidence:
        lines.append(f"      > {_clip(finding.evidence)}")
    lines.append(style(f"      {words['source']}: {finding.citation['quote']}", dim=True))
    return lines


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


FORMATS: dict[str, Callable[..., str]] = {"text": as_text, "json": as_json}
