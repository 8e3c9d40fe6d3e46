"""What ``compliance explain RULE`` prints: a rule with its reasons.

The rule's requirement and messages, its rationale, the paragraph of the
source document it cites (sources.passage), its options with the values
the chosen profile gives them, and its pass and fail examples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import UserError
from .profiles import DEFAULT, active_rules, load_profile
from .rules import Option, Rule, bundled_packs, load_rules
from .sources import passage

LANGS = ("zh", "en")


def option_text(option: Option, number: int) -> str:
    """An option's value as the engine has it (Option.number), as a profile
    writes it: a month-day (1115) as 11-15."""
    return f"{number // 100:02d}-{number % 100:02d}" if option.type == "month-day" else str(number)


def _pack_name(folder: Path) -> str:
    bundled = {path.resolve(): name for name, path in bundled_packs().items()}
    return bundled.get(folder.resolve(), str(folder))


def _indented(text: str, indent: str) -> list[str]:
    return [indent + line for line in text.splitlines() if line.strip()]


def explain(rule_id: str, example: Callable[[Any], str], profile: str = DEFAULT,
            rule_dirs: Sequence[Path] = (), lang: str = "zh", options: dict[str, Any] | None = None) -> str:
    """The explanation of ``rule_id`` as text. The rule may be in any bundled
    pack, a pack of the profile or one of ``rule_dirs``; if the profile does
    not turn it on, that is said and its options show their defaults.
    ``example`` writes one example as text; ``options`` are values set over
    the profile's (by the configuration file). UserError for an unknown rule."""
    chosen = load_profile(profile)
    # A --rules folder that is one of the profile's packs is loaded once.
    extra = [Path(d) for d in rule_dirs if Path(d).resolve() not in {p.resolve() for p in chosen.packs}]
    known, requirements = load_rules(list(dict.fromkeys([*bundled_packs().values(), *chosen.packs, *extra])))
    rule = next((r for r in known if r.id == rule_id), None)
    if rule is None:
        raise UserError(f"unknown rule {rule_id!r}; 'compliance rules list' shows them")
    active, _, values = active_rules(chosen, extra)
    given = {name: value for name, value in (options or {}).items() if name in rule.options}
    values.update({name: rule.options[name].number(value, "configuration") for name, value in given.items()})
    on = any(r.id == rule.id for r in active)
    requirement = requirements[rule.requirement]
    messages = [rule.message[lang]] + [rule.message[other] for other in LANGS if other != lang]

    lines = [
        f"{rule.id}  {rule.title}".rstrip(),
        f"requirement: {rule.requirement}  {requirement.title}".rstrip(),
        f"pack:        {_pack_name(Path(rule.file).parent)}",
        f"severity:    {rule.severity}",
        f"subject:     {rule.subject}",
        f"profile:     {chosen.name}  " + ("(active in this profile)" if on else
                                          "(NOT active in this profile: it does not turn this rule on)"),
        f"message:     {messages[0]}",
    ] + [f"             {other}" for other in messages[1:]]
    lines += ["rationale:"] + _indented(rule.rationale, "  ")
    lines += _citation(rule)
    set_by = {**{name: "profile" for name in chosen.options}, **{name: "configuration" for name in given}}
    lines += _options(rule, chosen.name, set_by, values if on else None)
    for outcome, meaning in (("pass", "the rule must not report them"), ("fail", "the rule must report each")):
        lines.append(f"examples that {outcome} ({meaning}):")
        lines += [f"  - {example(value)}" for value in rule.examples.get(outcome) or []]
    lines.append(f"file:        {rule.file}")
    return "\n".join(lines) + "\n"


def _citation(rule: Rule) -> list[str]:
    citation = rule.citation
    lines = [f"citation:    {citation['document']}"]
    if citation.get("title"):
        lines.append(f"             {citation['title']}")
    lines.append(f"quote:       「{citation['quote']}」")
    found = passage(citation, Path(rule.file).parent)
    if found is None:
        lines += ["passage:     (the document or the quote was not found; the quote:)", f"  {citation['quote']}"]
    else:
        lines += ["passage:"] + _indented(found, "  ")
    return lines


def _options(rule: Rule, profile: str, set_by: dict[str, str], values: dict[str, int] | None) -> list[str]:
    """Each option: the value in force and where it comes from. ``values``
    is None when the profile does not turn the rule on."""
    if not rule.options:
        return ["options:     none"]
    lines = [f"options in profile {profile}:"]
    for name, option in rule.options.items():
        default = option_text(option, option.number(option.default, option.file))
        if values is not None and name in set_by:
            shown = f"{option_text(option, values[name])}  ({set_by[name]} value; default {default})"
        else:
            shown = f"{default}  (default)"
        described = f"  {option.description}" if option.description else ""
        lines.append(f"  {name} = {shown}{described}  [{option.type}]")
    return lines
