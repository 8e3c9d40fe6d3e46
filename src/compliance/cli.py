"""The command line of contract.md. UserError is caught here and nowhere else."""

from __future__ import annotations

import datetime
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExitCode, UserError

FAIL_ON = ("error", "warning", "info", "never")
# The names of formats.FORMATS (kept here so that --help does not load the engine).
FORMAT_NAMES = ("text", "json", "sarif", "junit", "github", "markdown")
LANGS = ("zh", "en")


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None


class _Group(click.Group):
    """Turns a UserError from any command into one stderr line and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as error:
            click.echo(f"compliance: {error}", err=True)
            ctx.exit(ExitCode.USAGE)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compliance")
def main() -> None:
    """Check rectification plans (整改方案) against the rules on how rectification may be done.

    \b
    Exit status: 0 no finding at or above --fail-on; 1 findings at or
    above it; 2 an input or the command could not be used.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "formats", type=click.Choice(FORMAT_NAMES), multiple=True,
              help="Report format (default text). Repeatable: the n-th --format is written to the n-th --output.")
@click.option("--output", "-o", "outputs", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              multiple=True,
              help="Write the report here, atomically (else stdout; - is stdout). Repeatable, paired with --format "
                   "in order; at most one format may be left for stdout.")
@click.option("--profile", default="national", show_default=True,
              help="Profile: national, sichuan-2017, qinghai-2024, anyang-2022, or a profile YAML file "
                   "(packs and option values; see 'compliance rules list --profile').")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files (a rule pack), added to the profile's rules. Repeatable.")
@click.option("--as-of", callback=_date, metavar="YYYY-MM-DD", help="Date for overdue and cadence checks (default: today).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="error", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True, help="Message language.")
def check(paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...], profile: str,
          rule_dirs: tuple[str, ...], as_of: datetime.date, fail_on: str, lang: str) -> None:
    """Check plans: PATHS are files, folders (searched for *.yaml, *.yml, *.json) or - for stdin.

    \b
    Formats: text (default), json (the report of contract.md), sarif
    (SARIF 2.1.0, for code scanning), junit (JUnit XML: a testsuite per
    plan, a testcase per item), github (workflow command annotations),
    markdown (tables for a merge-request comment).

    \b
    Examples:
      compliance check plan.yaml
      compliance check plans/ --format json --output report.json
      compliance check plans/ --format json -o r.json --format sarif -o r.sarif
      compliance check plans/ --format sarif -o r.sarif --format github
      compliance check 整改方案.yaml --as-of 2024-03-10 --lang en
      compliance check county.yaml city.yaml        # county's plan.parent is city.yaml
      compliance check ledgers/ --profile anyang-2022 --as-of 2022-12-31

    
    A plan's plan.parent (a path relative to the plan) is resolved among
    the plans given, or read from disk, but never outside the folders given.
    """
    from .check import Checker, Report, inputs
    from .formats import FORMATS
    from .parents import Parents, roots_of
    from .profiles import active_rules, load_profile

    targets = _pair_outputs(formats, outputs)
    chosen = load_profile(profile)
    rules, _, options = active_rules(chosen, [Path(d) for d in rule_dirs])
    checker = Checker(rules, lang, as_of, options, Parents(roots_of(list(paths))))
    report = Report(profile=chosen.name, as_of=as_of, rules=dict(checker.rules))
    for name in dict.fromkeys(inputs(list(paths))):
        result = checker.check_file(name)
        if result.error:
            click.echo(result.error, err=True)
        report.plans.append(result)
    # Files first, each renamed into place whole; then the one report for stdout.
    for fmt, output in sorted(targets, key=lambda target: target[1] is None):
        color = output is None and fmt == "text" and sys.stdout.isatty()
        _emit(FORMATS[fmt](report, color=color, lang=lang), output)
    sys.exit(_status(report, fail_on))


def _pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) pairs: the n-th --format with the
    n-th --output; formats beyond the outputs go to stdout, at most one."""
    formats = formats or ("text",)
    if len(outputs) > len(formats):
        raise UserError(f"{len(outputs)} --output for {len(formats)} --format: give a --format for each --output")
    files = [None if output == "-" else output for output in outputs]
    targets = list(zip(formats, files + [None] * (len(formats) - len(files))))
    to_stdout = [fmt for fmt, output in targets if output is None]
    if len(to_stdout) > 1:
        raise UserError(f"{len(to_stdout)} formats ({', '.join(to_stdout)}) would go to stdout; "
                        "give each but one an --output FILE")
    named = [str(Path(output).resolve()) for output in files if output is not None]
    if len(set(named)) < len(named):
        raise UserError("the same --output file is given twice")
    return targets


def _status(report: Any, fail_on: str) -> int:
    from .findings import SEVERITY_RANK

    if report.errors:
        return ExitCode.USAGE
    if fail_on != "never" and any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in report.findings):
        return ExitCode.FINDINGS
    return ExitCode.OK


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    # Written beside the target and renamed over it, so a killed run never
    # leaves half a report.
    target = Path(output)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise UserError(f"cannot write the report: {error.strerror or error}", output) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@main.command()
@click.argument("paths", nargs=-1, required=True)
def validate(paths: tuple[str, ...]) -> None:
    """Report parse and schema errors only; exit 2 if any input is unusable."""
    from .check import inputs, validate_file

    failed = 0
    for name in inputs(list(paths)):
        result = validate_file(name)
        if result.error:
            failed += 1
            click.echo(result.error, err=True)
        else:
            click.echo(f"{result.file}: ok ({result.id}, {result.items} items)")
    sys.exit(ExitCode.USAGE if failed else ExitCode.OK)


@main.group()
def rules() -> None:
    """List and show the rules."""


@rules.command("list")
@click.option("--profile", default="national", show_default=True,
              help="Show what this profile (a name or a profile file) turns on.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files.")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True)
def list_rules(profile: str, rule_dirs: tuple[str, ...], lang: str) -> None:
    """One line per rule the profile turns on, after '#' lines naming its packs and option values."""
    from .profiles import active_rules, load_profile
    from .rules import rule_options

    chosen = load_profile(profile)
    found, _, values = active_rules(chosen, [Path(d) for d in rule_dirs])
    packs = [str(p) if p.parent.name != "rules" else p.name for p in chosen.packs] + list(rule_dirs)
    click.echo(f"# profile: {chosen.name}  {chosen.title}".rstrip())
    click.echo(f"# packs:   {', '.join(packs)}")
    for name, option in sorted(rule_options(found).items()):
        shown = _option_text(option.type, values[name])
        click.echo(f"# option:  {name} = {shown}  ({option.description or option.type})")
    for rule in found:
        click.echo(f"{rule.id:<8} {rule.severity:<8} {rule.requirement:<31} {rule.title:<30} {rule.message[lang]}")


def _option_text(kind: str, value: int) -> str:
    return f"{value // 100:02d}-{value % 100:02d}" if kind == "month-day" else str(value)


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files.")
def show_rule(rule_id: str, rule_dirs: tuple[str, ...]) -> None:
    """The whole rule: requirement, pack, messages, citation, rationale, options, examples."""
    from .rules import bundled_packs, load_rules

    found, requirements = load_rules(list(bundled_packs().values()) + [Path(d) for d in rule_dirs])
    by_id = {rule.id: rule for rule in found}
    if rule_id not in by_id:
        raise UserError(f"unknown rule {rule_id!r}; 'compliance rules list' shows them")
    rule = by_id[rule_id]
    lines = [
        f"{rule.id}  {rule.title}",
        f"requirement: {rule.requirement}  {requirements[rule.requirement].title}",
        f"pack:        {requirements[rule.requirement].pack}",
        f"severity:    {rule.severity}",
        f"subject:     {rule.subject}",
        f"message:     {rule.message['zh']}",
        f"             {rule.message['en']}",
        f"citation:    {rule.citation['document']}",
    ]
    if rule.citation.get("title"):
        lines.append(f"             {rule.citation['title']}")
    lines += [f"             「{rule.citation['quote']}」", f"rationale:   {' '.join(rule.rationale.split())}"]
    lines += [f"option:      {o.name} = {o.default} (default; {o.description or o.type})" for o in rule.options.values()]
    lines += [
              "examples that fail:"] + [f"  - {_example(e)}" for e in rule.examples["fail"]]
    lines += ["examples that pass:"] + [f"  - {_example(e)}" for e in rule.examples["pass"]]
    lines.append(f"file:        {rule.file}")
    click.echo("\n".join(lines))


def _example(example: Any) -> str:
    # As a rule file would write it: a flow mapping, dates as dates.
    if isinstance(example, (dict, list)):
        return json.dumps(example, ensure_ascii=False, default=str)
    return str(example)


if __name__ == "__main__":  # pragma: no cover
    main()
