"""The command line of contract.md. UserError is caught here and nowhere else."""

from __future__ import annotations

import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import ExitCode, UserError

FAIL_ON = ("error", "warning", "info", "never")
# The names of formats.FORMATS (kept here so that --help does not load the engine).
FORMAT_NAMES = ("text", "json", "sarif", "junit", "github", "markdown", "html", "xlsx")
LANGS = ("zh", "en")
# The formats that show each item beside its findings (PlanResult.items_view),
# and those that list every item (PlanResult.item_ids).
ITEM_FORMATS = ("html", "xlsx")
ID_FORMATS = ("junit",)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None


def _table_options(command: Any) -> Any:
    """--plan-id and --issued: plan-level fields for Excel, Word and CSV inputs."""
    command = click.option("--issued", metavar="YYYY-MM-DD", callback=_optional_date,
                           help="For .xlsx/.docx/.csv inputs: the plan's issue date (印发日期), over the file's.")(command)
    return click.option("--plan-id", metavar="ID",
                        help="For .xlsx/.docx/.csv inputs: the plan id, over the file's (default: its 方案信息 "
                             "sheet, else the file name).")(command)


def _optional_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return None if value is None else _date(ctx, param, value).isoformat()


def _set_table_options(plan_id: str | None, issued: str | None) -> None:
    if not (plan_id or issued) and "compliance.tables" not in sys.modules:
        return          # nothing to set or clear: spare a one-plan check the import
    from .tables import set_plan_options

    set_plan_options(plan_id, issued)


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

    \b
    Start-up cache: the rule files parsed and checked are kept in
    $XDG_CACHE_HOME/compliance (else ~/.cache/compliance); it never
    changes a result. COMPLIANCE_NO_CACHE=1 turns it off.
    """


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "formats", type=click.Choice(FORMAT_NAMES), multiple=True,
              help="Report format (default text). Repeatable: the n-th --format is written to the n-th --output.")
@click.option("--output", "-o", "outputs", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              multiple=True,
              help="Write the report here, atomically (else stdout; - is stdout). Repeatable, paired with --format "
                   "in order; at most one format may be left for stdout.")
@click.option("--profile", help="Profile: national (default), sichuan-2017, qinghai-2024, anyang-2022, or a "
                                "profile YAML file (packs and option values; see 'compliance rules list --profile').")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files (a rule pack), added to the profile's rules. Repeatable.")
@click.option("--option", "option_values", multiple=True, metavar="NAME=VALUE",
              help="Set a rule option (e.g. max_escorts=3), over the profile and configuration. Repeatable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="Configuration file (default: .compliance.yaml here or in the nearest folder above).")
@click.option("--no-config", is_flag=True, help="Use no configuration file.")
@click.option("--as-of", callback=_date, metavar="YYYY-MM-DD", help="Date for overdue and cadence checks (default: today).")
@click.option("--fail-on", type=click.Choice(FAIL_ON),
              help="Lowest severity that makes the exit status 1 (default: error, or the configuration's fail-on).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Report only findings not in this baseline, and list its entries that are fixed "
                   "(default: the configuration's baseline).")
@click.option("--write-baseline", "write_baseline", type=click.Path(dir_okay=False, writable=True),
              help="Record the findings that stand (by plan, item and rule) as the baseline; exit 0 unless "
                   "an input cannot be used.")
@click.option("--lang", type=click.Choice(LANGS), help="Message language (default zh).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check plans in N processes (default: one per core; 1: in this process). "
                   "The report is the same whatever N is.")
@_table_options
def check(paths: tuple[str, ...], formats: tuple[str, ...], outputs: tuple[str, ...], profile: str | None,
          rule_dirs: tuple[str, ...], option_values: tuple[str, ...], config_file: str | None, no_config: bool,
          as_of: datetime.date, fail_on: str | None, baseline_file: str | None, write_baseline: str | None,
          lang: str | None, jobs: int | None = None, plan_id: str | None = None, issued: str | None = None) -> None:
    """Check plans: PATHS are files, folders (searched for *.yaml, *.yml, *.json, and Excel,
    Word and CSV ledgers: *.xlsx, *.docx, *.csv) or - for stdin; without PATHS, the
    configuration's paths.

    \b
    Formats: text (default), json (the report of contract.md), sarif
    (SARIF 2.1.0, for code scanning), junit (JUnit XML: a testsuite per
    plan, a testcase per item), github (workflow command annotations),
    markdown (tables for a merge-request comment), html (a self-contained
    audit report with charts, to read, print and forward), xlsx (a workbook:
    each item beside its findings, a summary sheet; needs --output or a
    pipe). Every format shows waived findings, marked; json, sarif, junit,
    html and xlsx carry the run manifest.

    \b
    Examples:
      compliance check plan.yaml
      compliance check plans/ --format json --output report.json
      compliance check plans/ --format json -o r.json --format sarif -o r.sarif
      compliance check plans/ --format sarif -o r.sarif --format github
      compliance check plans/ --format html -o report.html --format xlsx -o report.xlsx
      compliance check 整改方案.yaml --as-of 2024-03-10 --lang en
      compliance check county.yaml city.yaml        # county's plan.parent is city.yaml
      compliance check ledgers/ --profile anyang-2022 --as-of 2022-12-31
      compliance check plans/ --write-baseline .compliance-baseline.json
      compliance check plans/ --baseline .compliance-baseline.json
      compliance check 整改台账.xlsx --as-of 2024-03-10   # findings at cells: 整改台账!F12
      compliance check 整改方案.docx 台账.csv --issued 2024-03-01

    \b
    A plan's plan.parent (a path relative to the plan) is resolved among
    the plans given, or read from disk, but never outside the folders given.
    Settings come from the command line, else .compliance.yaml (profile,
    packs, disable, severity, options, overrides, fail-on, waivers,
    baseline, paths, exclude), else the profile.
    """
    from . import baseline as baselines
    from . import timing
    from .check import Run, shown_name
    from .formats import FORMATS
    from .manifest import manifest
    from .parallel import batch_gc, check_files
    from .parents import Parents, roots_of
    from .settings import resolve

    targets = _pair_outputs(formats, outputs)
    _set_table_options(plan_id, issued)
    config = _config(config_file, no_config)
    settings = resolve(config, profile, rule_dirs, fail_on, lang, _option_pairs(option_values))
    paths = paths or tuple(config.paths)
    names = _plan_names(paths, config)
    # Read before the plans are checked: a bad baseline fails fast.
    baseline = None if write_baseline else Path(baseline_file) if baseline_file else config.baseline
    accepted = baselines.read(baseline) if baseline is not None else []
    # A parent plan may be read from the folders given, and from the whole
    # repository a configuration file stands for.
    roots = roots_of(list(paths)) + ([config.folder] if config.file else [])
    run = Run(settings, as_of, Parents(roots))
    report = run.report()
    # In input order, from worker processes unless --jobs 1 (compliance.parallel);
    # each item as written, and the item ids, are kept only for the reports that show them.
    views = any(fmt in ITEM_FORMATS for fmt, _ in targets)
    ids = any(fmt in ID_FORMATS for fmt, _ in targets)
    results = check_files(run, names, jobs, setup=[(_set_table_options, (plan_id, issued))], items_view=views,
                          item_ids=ids)
    with batch_gc():
        report.plans.extend(_with_progress(results, len(names)))
    with timing.stage("report"):
        if write_baseline:
            _emit(baselines.text_of(report.plans), write_baseline)
        elif baseline is not None:
            report.baseline = baselines.apply(report.plans, accepted, shown_name(str(baseline)))
        report.manifest = manifest(settings, report.plans, as_of, baseline)
        # Files first, each renamed into place whole; then the one report for stdout.
        for fmt, output in sorted(targets, key=lambda target: target[1] is None):
            color = output is None and fmt == "text" and sys.stdout.isatty()
            _emit(FORMATS[fmt](report, color=color, lang=settings.lang), output)
    sys.exit(_status(report, "never" if write_baseline else settings.fail_on))


def _with_progress(results: Any, total: int) -> list[Any]:
    """The results, each error line on stderr; on a terminal, a batch shows
    a progress bar there, and its error lines follow the bar."""
    if total < 2 or not sys.stderr.isatty():
        checked = []
        for result in results:
            if result.error:
                click.echo(result.error, err=True)
            checked.append(result)
        return checked
    with click.progressbar(results, length=total, file=sys.stderr, label="compliance",
                           show_pos=True, item_show_func=lambda r: r.file if r else None) as bar:
        checked = list(bar)
    for result in checked:
        if result.error:
            click.echo(result.error, err=True)
    return checked


def _plan_names(paths: tuple[str, ...], config: Any) -> list[str]:
    """The plan files to read: PATHS or the configuration's, less what it
    excludes, less the configuration, baseline and rule-pack files it names."""
    from .check import inputs

    paths = paths or tuple(config.paths)
    if not paths:
        raise UserError("no plans given: name files or folders, or list 'paths' in .compliance.yaml")
    skip = {path.resolve() for path in (config.file, config.baseline) if path}
    packs = [folder.resolve() for folder in config.packs]

    def wanted(name: str) -> bool:
        if name == "-":
            return True
        if config.excluded(name):
            return False
        # Resolved only when there is something to compare with: a national
        # audit's every input would otherwise cost a system call per folder of its path.
        if not (skip or packs):
            return True
        path = Path(name).resolve()
        return path not in skip and not any(path.is_relative_to(p) for p in packs)
    # In the order of their names, whatever order they were given in: the
    # same inputs give the same report, byte for byte.
    return sorted((name for name in dict.fromkeys(inputs(list(paths))) if wanted(name)), key=_input_order)


def _input_order(name: str) -> tuple[tuple[str, ...], str]:
    """Inputs sort by their path's parts as reports show them (a folder's
    files as compliance.read.expand_inputs lists them), the same on every platform."""
    from pathlib import PurePosixPath

    from .check import shown_name

    shown = shown_name(name)
    # A relative name with no empty or "." part (what a folder's listing
    # gives) has its parts as written, without PurePosixPath's parsing.
    parts = tuple(shown.split("/"))
    if shown.startswith("/") or "" in parts or "." in parts:
        parts = PurePosixPath(shown).parts
    return parts, shown


def _config(config_file: str | None, no_config: bool) -> Any:
    from .config import Config, find_config, load_config

    if no_config:
        return Config()
    found = Path(config_file) if config_file else find_config(Path.cwd())
    return load_config(found) if found else Config()


def _option_pairs(values: tuple[str, ...]) -> dict[str, Any]:
    pairs: dict[str, Any] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--option {value!r}: expected NAME=VALUE, such as max_escorts=3")
        pairs[name.strip()] = int(given) if given.strip().isdigit() else given.strip()
    return pairs


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
    if fail_on != "never" and any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on] for f in report.standing):
        return ExitCode.FINDINGS
    return ExitCode.OK


def _emit(text: str | bytes, output: str | None) -> None:
    """A report to stdout or, atomically, to a file; a binary one (xlsx) to a file or a pipe."""
    if output is None:
        if isinstance(text, bytes) and sys.stdout.isatty():
            raise UserError("this format is binary: give it an --output FILE")
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            click.echo(text, nl=False)
        return
    # Written beside the target and renamed over it, so a killed run never
    # leaves half a report.
    target = Path(output)
    try:
        handle, temporary = _temporary_file(target)
    except OSError as error:
        raise UserError(f"cannot write the report: {error.strerror or error}", output) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        # mkstemp makes the file private (0600); a report gets the mode a
        # file written the usual way would (0666 less the umask).
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException as error:
        # Interrupted or failed (Ctrl-C, a full disk): the old report stays, no temporary file does.
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UserError(f"cannot write the report: {error.strerror or error}", output) from None
        raise


# As tempfile.mkstemp opens its file (which would cost every command the
# import of tempfile, shutil and random: a hundredth of a one-plan check).
_TEMPORARY_FLAGS = (os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
                    | getattr(os, "O_BINARY", 0))


def _temporary_file(target: Path) -> tuple[int, str]:
    """A new private (0600) file beside ``target``, named .NAME.RANDOM.tmp, and its descriptor."""
    for _ in range(100):
        name = str((target.parent or Path(".")) / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(name, _TEMPORARY_FLAGS, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name beside {target}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="Configuration file (default: .compliance.yaml here or in the nearest folder above).")
@click.option("--no-config", is_flag=True, help="Use no configuration file.")
@_table_options
def validate(paths: tuple[str, ...], config_file: str | None, no_config: bool, plan_id: str | None = None,
             issued: str | None = None) -> None:
    """Report parse and schema errors only; exit 2 if any input is unusable.
    Without PATHS, the configuration's paths (its exclude applies too).
    Excel, Word and CSV ledgers are read as `check` reads them."""
    from .check import validate_file

    _set_table_options(plan_id, issued)
    config = _config(config_file, no_config)
    failed = 0
    for name in _plan_names(paths, config):
        result = validate_file(name)
        if result.error:
            failed += 1
            click.echo(result.error, err=True)
        else:
            click.echo(f"{result.file}: ok ({result.id}, {result.items} items)")
    sys.exit(ExitCode.USAGE if failed else ExitCode.OK)


@main.command()
@click.argument("file", metavar="FILE")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-",
              help="Write the YAML plan here, atomically (default: stdout).")
@_table_options
def convert(file: str, output: str, plan_id: str | None, issued: str | None) -> None:
    """Write FILE (an Excel ledger, a Word table, a CSV file, or a plan in YAML
    or JSON with Chinese field names) as a YAML plan in contract.md's form.

    \b
    Fields get the contract's English names and values (整改状态 已销号 ->
    status: closed), dates are written YYYY-MM-DD, and a comment says which
    plan-level fields came from the file name or the command line. Checking
    the YAML gives the same findings as checking FILE.

    \b
    Examples:
      compliance convert 整改台账.xlsx -o plans/county-2024.yaml
      compliance convert 整改方案.docx --plan-id county-2024 --issued 2024-03-01 -o plan.yaml
      compliance convert 台账.csv | less
    """
    from .check import load_plan
    from .convert import plan_yaml
    from .read import load

    _set_table_options(plan_id, issued)
    documents: list[Any] = []

    def read() -> Any:
        documents.append(load(file))
        return documents[-1]
    result, plan = load_plan(file, read)
    if plan is None:
        click.echo(result.error, err=True)
        sys.exit(ExitCode.USAGE)
    notes = list(getattr(documents[-1], "derived", []) or [])
    _emit(plan_yaml(plan, Path(file).name, notes), None if output == "-" else output)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, allow_dash=True),
              help="Write the template here (default: stdout for YAML, 整改台账.xlsx for --xlsx).")
@click.option("--xlsx", "as_xlsx", is_flag=True, help="An Excel ledger (整改台账) instead of a YAML plan.")
@click.option("--date", "issued", callback=_optional_date, metavar="YYYY-MM-DD",
              help="The template's issue date, from which its other dates follow (default: today).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(output: str | None, as_xlsx: bool, issued: str | None, force: bool) -> None:
    """Write a template plan: every field of contract.md, commented, with one
    example item that the national profile finds nothing wrong with as of
    its date. With --xlsx, an Excel ledger with the Chinese column names
    compliance reads (a title row, the header, one example row), a 方案信息
    sheet for the plan-level fields, 问责情况 and 督察接待 sheets.

    \b
    Examples:
      compliance init -o plans/county-2024.yaml
      compliance init --xlsx -o 整改台账.xlsx
      compliance init --xlsx --date 2024-03-01 && compliance check 整改台账.xlsx --as-of 2024-03-01
    """
    from .convert import template_xlsx, template_yaml

    day = datetime.date.fromisoformat(issued) if issued else datetime.date.today()
    target = output or ("整改台账.xlsx" if as_xlsx else "-")
    if target != "-" and Path(target).exists() and not force:
        raise UserError(f"{target} exists; give --force to overwrite it")
    if as_xlsx and target == "-" and sys.stdout.isatty():
        raise UserError("an Excel file is binary: give it an --output FILE")
    shown = Path(target).name if target != "-" else "plan.yaml"
    _emit(template_xlsx(day) if as_xlsx else template_yaml(day, shown), None if target == "-" else target)
    if target != "-":
        click.echo(f"wrote {target}", err=True)


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


@main.command()
@click.argument("rule_id")
@click.option("--profile", help="Show option values, and whether the rule is on, in this profile (a name or a "
                                "profile file; default: the configuration's, else national).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files, whose rules can be explained too. Repeatable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True),
              help="Configuration file (default: .compliance.yaml here or in the nearest folder above).")
@click.option("--no-config", is_flag=True, help="Use no configuration file.")
@click.option("--lang", type=click.Choice(LANGS), default="zh", show_default=True,
              help="Which message comes first.")
def explain(rule_id: str, profile: str | None, rule_dirs: tuple[str, ...], config_file: str | None,
            no_config: bool, lang: str) -> None:
    """Explain RULE_ID: why it exists and what it reports.

    \b
    Prints the rule's requirement, pack, severity and messages, its
    rationale in full, the document it cites with the whole paragraph
    the quote is from, its options with their values in the profile
    (profile value or default), and its pass and fail examples.

    \b
    Examples:
      compliance explain NBS001
      compliance explain SH005 --profile docs/example-pack/profile.yaml
      compliance explain PRV002 --rules docs/example-pack/province-rules
      compliance explain PRC001 --profile anyang-2022 --lang en
    """
    from .explain import explain as explanation
    from .profiles import DEFAULT

    # In a plan repository the option values in force are the configuration's.
    config = _config(config_file, no_config)
    click.echo(explanation(rule_id, _example, profile or config.profile or DEFAULT,
                           [*config.packs, *(Path(d) for d in rule_dirs)], lang, config.options), nl=False)


@main.command("test-rules")
@click.argument("packs", nargs=-1, required=True, metavar="PACK...")
@click.option("--profile", default=None,
              help="Run the examples with this profile's rules and option values (a name or a profile file). "
                   "Default: a bundled pack's own profile, else national.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Extra folder of rule files loaded alongside (e.g. a pack whose requirement keys these use). "
                   "Repeatable.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Report format.")
def test_rules_command(packs: tuple[str, ...], profile: str | None, rule_dirs: tuple[str, ...], fmt: str) -> None:
    """Run the pass and fail examples of the rules in each PACK folder.

    \b
    Each example becomes a small plan, checked in a fresh temporary folder
    as of 2024-03-10 with the profile's rules and option values plus the
    pack: a fail example must make its rule fire, a pass example must not.
    Prints a line per case (PASS NBS001 fail[0]; FAIL PRV002 pass[1]: what
    fired, and the rule file) and a summary line.

    \b
    Exit status: 0 every case passes; 1 a case fails; 2 a pack cannot be
    used (not a folder, no rule files, an invalid rule).

    \b
    Examples:
      compliance test-rules rules/national
      compliance test-rules my-office/rules --profile my-office/profile.yaml
      compliance test-rules docs/example-pack/province-rules --format json
    """
    from .ruletests import PackRun, default_profile, json_report, run_pack_tests, text_report

    runs = [PackRun(pack, profile or default_profile(Path(pack)),
                    run_pack_tests(Path(pack), profile, [Path(d) for d in rule_dirs])) for pack in packs]
    click.echo((json_report if fmt == "json" else text_report)(runs), nl=False)
    failed = any(not case.ok for run in runs for case in run.cases)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    main()
