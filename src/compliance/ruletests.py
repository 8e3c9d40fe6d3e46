"""A rule pack's own tests: each rule's pass and fail examples, checked.

Every example a rule file gives under ``examples`` is made into a small
plan (a complete, compliant fixture whose one measure, item, hosting line,
accountability record or plan fields is the example), written to a fresh
temporary folder, and checked with the rules and option values of a
profile, as of AS_OF. A fail example must make the rule fire, a pass
example must not. ``compliance test-rules`` and the test suite both run
them this way.
"""

from __future__ import annotations

import copy
import datetime
import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .check import Checker
from .errors import UserError
from .findings import Finding
from .parents import Parents
from .profiles import DEFAULT, active_rules, load_profile
from .resources import data_dir
from .rules import Rule, bundled_packs

# The date examples are checked as of; examples about deadlines, overdue
# items and the heating season are written around it.
AS_OF = datetime.date(2024, 3, 10)
OUTCOMES = ("fail", "pass")

# A complete, compliant item: an example is merged over it, so a check sees
# only the findings the example causes.
BASE_ITEM: dict[str, Any] = {
    "id": "1", "problem": "某企业废气超标排放", "source": "feedback", "target": "2024年底前稳定达标排放",
    "measures": ["实施废气治理设施提标改造"], "deadline": "2024-12-31", "lead_unit": "县生态环境分局",
    "responsible_units": ["某镇人民政府"], "status": "in-progress",
}
BASE_PLAN: dict[str, Any] = {
    "plan": {"id": "fixture", "title": "测试方案", "level": "county", "issued": "2024-03-01",
             "leadership": [{"role": "party", "name": "县委书记"}, {"role": "government", "name": "县长"}],
             "disclosure": {"channel": "县政府网站", "interval_days": 7},
             "inspection": {"name": "中央第三生态环境保护督察组", "kind": "central",
                            "stationed": {"from": "2023-11-20", "to": "2023-12-20"}, "feedback": "2024-01-26"}},
    "items": [BASE_ITEM],
}


class ExampleError(Exception):
    """The plan made from an example could not be checked."""


def plan_yaml(items: list[dict[str, Any]] | None = None, hosting: list[Any] | None = None,
              accountability: list[dict[str, Any]] | None = None) -> str:
    """The fixture plan, with ``items`` merged over BASE_ITEM, and hosting
    lines and accountability records if given."""
    plan = copy.deepcopy(BASE_PLAN)
    if items is not None:
        plan["items"] = [{**BASE_ITEM, **item} for item in items]
    if hosting is not None:
        plan["hosting"] = hosting
    if accountability is not None:
        plan["accountability"] = accountability
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def fragment_plan(subject: str, example: Any) -> str:
    """A plan whose one instance of ``subject`` is the rule example ``example``."""
    if subject == "measure":
        # An item mapping gives the measure its item (livelihood, deadline).
        if isinstance(example, dict) and "measures" in example:
            return plan_yaml(items=[example])
        return plan_yaml(items=[{"measures": [example]}])
    if subject == "hosting":
        return plan_yaml(hosting=[example])
    if subject in ("item", "extension"):
        return plan_yaml(items=[example])
    if subject in ("accountability", "link"):
        return plan_yaml(accountability=[example])
    if subject == "plan":
        return plan_of(example)
    return plan_yaml()


def plan_of(fields: dict[str, Any]) -> str:
    """A plan whose metadata has ``fields`` merged in; an ``items`` key
    replaces the items, each merged over BASE_ITEM."""
    plan = copy.deepcopy(BASE_PLAN)
    fields = dict(fields)
    if "items" in fields:
        plan["items"] = [{**BASE_ITEM, "id": str(n), **item} for n, item in enumerate(fields.pop("items"), 1)]
    plan["plan"].update(fields)
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def example_findings(checker: Checker, subject: str, example: Any, folder: Path) -> list[Finding]:
    """Findings for a rule example, written to ``folder`` as a file. An item
    example with ``parent_item`` gets a parent plan holding that item (id
    P1) beside it; a plan example's ``parent`` is left as written, and a
    file called broken-parent.yaml is there, unreadable. ExampleError if
    the plan could not be checked."""
    (folder / "broken-parent.yaml").write_text("plan: [unclosed\n", encoding="utf-8")
    if isinstance(example, dict) and "parent_item" in example:
        example = dict(example)
        parent = copy.deepcopy(BASE_PLAN)
        parent["plan"]["id"] = "parent"
        parent["items"] = [{**BASE_ITEM, "id": "P1", **example.pop("parent_item")}]
        (folder / "parent.yaml").write_text(yaml.safe_dump(parent, allow_unicode=True), encoding="utf-8")
        child = yaml.safe_load(fragment_plan(subject, example))
        child["plan"]["parent"] = "parent.yaml"
        text = yaml.safe_dump(child, allow_unicode=True, sort_keys=False)
    else:
        text = fragment_plan(subject, example)
    path = folder / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    saved, checker.parents = checker.parents, Parents([folder])
    try:
        result = checker.check_file(str(path))
    finally:
        checker.parents = saved
    if result.error is not None:
        raise ExampleError(result.error)
    return result.findings


@dataclass(frozen=True)
class CaseResult:
    """One example of one rule, checked."""

    rule: str
    outcome: str            # what the example must do: "fail" (rule fires) or "pass" (it does not)
    index: int              # its place in the rule's examples[outcome]
    ok: bool
    detail: str             # which rules fired, or why the example could not be checked
    file: str               # the rule file
    fired: tuple[str, ...] = ()
    example: Any = None

    @property
    def case(self) -> str:
        return f"{self.outcome}[{self.index}]"


@dataclass
class PackRun:
    """The cases of one pack, with the profile they ran in."""

    pack: str
    profile: str
    cases: list[CaseResult] = field(default_factory=list)


def pack_folder(pack: Path | str) -> Path:
    """The folder of a pack given on the command line: a folder, or the
    name of a bundled pack (national) when no such folder is here."""
    folder = Path(pack)
    if folder.is_dir():
        return folder
    bundled = bundled_packs()
    if str(pack) in bundled:
        return bundled[str(pack)]
    raise UserError(f"rule pack not found: not a folder, nor a bundled pack ({', '.join(bundled)})", str(pack))


def default_profile(pack: Path) -> str:
    """The profile a pack's examples run in unless one is given: a bundled
    pack's (or a copy's, by folder name) own profile if there is one, else
    the default."""
    pack = pack_folder(pack)
    if pack.name in bundled_packs() and (data_dir("rules") / "profiles" / f"{pack.name}.yaml").is_file():
        return pack.name
    return DEFAULT


def run_pack_tests(pack: Path, profile: str | None = None, extra: Sequence[Path] = (),
                   as_of: datetime.date = AS_OF) -> list[CaseResult]:
    """Check every example of every rule in ``pack``. The rules in force are
    the profile's (default: default_profile) plus the pack and ``extra``
    packs, with the profile's option values; a pack of the profile that is
    the same folder, or has the same folder name (a copy being edited),
    is replaced by ``pack``. UserError if a pack cannot be used."""
    pack = pack_folder(pack)
    chosen = load_profile(profile or default_profile(pack))
    chosen.packs = [p for p in chosen.packs if p.resolve() != pack.resolve() and p.name != pack.name]
    loaded = {p.resolve() for p in [*chosen.packs, pack]}
    rules, _, options = active_rules(chosen, [pack, *(Path(e) for e in extra if Path(e).resolve() not in loaded)])
    own = [rule for rule in rules if Path(rule.file).parent.resolve() == pack.resolve()]
    if not own:
        raise UserError("no rule files in this folder (*.yaml, *.yml besides requirements.yaml)", str(pack))
    checker = Checker(rules, as_of=as_of, options=options)
    return [_case(checker, rule, outcome, index, example)
            for rule in own for outcome in OUTCOMES
            for index, example in enumerate(rule.examples.get(outcome) or [])]


def _case(checker: Checker, rule: Rule, outcome: str, index: int, example: Any) -> CaseResult:
    with tempfile.TemporaryDirectory(prefix="compliance-example-") as folder:
        try:
            fired = tuple(sorted({f.rule for f in example_findings(checker, rule.subject, example, Path(folder))}))
        except ExampleError as error:
            return CaseResult(rule.id, outcome, index, False, f"the example could not be checked: {error}",
                              rule.file, (), example)
        except (TypeError, ValueError, AttributeError) as error:
            return CaseResult(rule.id, outcome, index, False, f"the example cannot be made into a plan: {error}",
                              rule.file, (), example)
    hit = rule.id in fired
    fired_text = ", ".join(fired) or "nothing"
    if outcome == "fail":
        detail = f"fired {fired_text}" if hit else f"{rule.id} did not fire (fired {fired_text})"
    else:
        detail = f"fired {fired_text}" if hit else f"{rule.id} quiet (fired {fired_text})"
    return CaseResult(rule.id, outcome, index, hit == (outcome == "fail"), detail, rule.file, fired, example)


def summary(runs: list[PackRun]) -> dict[str, int]:
    cases = [case for run in runs for case in run.cases]
    passed = sum(case.ok for case in cases)
    return {"packs": len(runs), "cases": len(cases), "passed": passed, "failed": len(cases) - passed}


def text_report(runs: list[PackRun], as_of: datetime.date = AS_OF) -> str:
    """A '#' line per pack, a line per case (PASS/FAIL rule case, and on a
    failure what fired and the rule file), and a summary line."""
    lines = []
    for run in runs:
        lines.append(f"# pack {run.pack}  (profile {run.profile}, as of {as_of.isoformat()})")
        for case in run.cases:
            if case.ok:
                lines.append(f"PASS {case.rule} {case.case}")
            else:
                lines.append(f"FAIL {case.rule} {case.case}: {case.detail}  [{case.file}]")
    total = summary(runs)
    packs = f"{total['packs']} pack" + ("s" if total["packs"] != 1 else "")
    lines.append(f"{total['cases']} cases in {packs}: {total['passed']} passed, {total['failed']} failed")
    return "\n".join(lines) + "\n"


def json_report(runs: list[PackRun], as_of: datetime.date = AS_OF) -> str:
    report = {
        "tool": "compliance", "version": __version__, "as_of": as_of.isoformat(),
        "packs": [{"pack": run.pack, "profile": run.profile,
                   "cases": [{**asdict(case), "case": case.case, "fired": list(case.fired)} for case in run.cases]}
                  for run in runs],
        "summary": summary(runs),
    }
    return json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
