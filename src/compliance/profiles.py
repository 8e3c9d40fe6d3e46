"""Profiles: which rule packs are on, and the option values their rules use.

A profile is a YAML file (``rules/profiles/*.yaml`` for the bundled ones,
or any file given to ``--profile``): a name, the packs it turns on, an
optional profile it extends, and option values. A pack is a folder of rule
files with a ``requirements.yaml``; a bundled pack is named, a pack of
one's own is a path relative to the profile file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .resources import data_dir, read_yaml
from .rules import Requirement, Rule, bundled_packs, load_rules, rule_options

DEFAULT = "national"


@dataclass
class Profile:
    name: str
    title: str
    packs: list[Path]
    options: dict[str, Any]
    file: str
    # Which file set each option, for error messages.
    sources: dict[str, str] = field(default_factory=dict)


def profile_names() -> list[str]:
    return sorted(path.stem for path in (data_dir("rules") / "profiles").glob("*.yaml"))


def load_profile(name: str, chain: tuple[Path, ...] = ()) -> Profile:
    """A bundled profile by name, or a profile file by path; ``chain`` holds
    the profiles that extend it, to refuse a cycle."""
    path = _locate(name)
    raw = read_yaml(path, "profile", "profile")
    extends = raw.get("extends")
    chain = chain + (path.resolve(),)
    base = Profile("", "", [], {}, "")
    if extends:
        try:
            parent = _locate(_relative(extends, path))
            if parent.resolve() in chain:
                raise UserError(f"profiles extend each other in a cycle (extends: {extends})")
            base = load_profile(str(parent), chain)
        except UserError as error:
            # An unknown name in extends is this file's mistake: say which file.
            error.file = error.file or str(path)
            raise
    packs = list(base.packs)
    for pack in raw.get("packs") or []:
        folder = _pack(pack, path)
        if folder not in packs:
            packs.append(folder)
    options = {**base.options, **(raw.get("options") or {})}
    sources = {**base.sources, **{key: str(path) for key in raw.get("options") or {}}}
    return Profile(raw["name"], raw.get("title", ""), packs, options, str(path), sources)


def _locate(name: str) -> Path:
    """The file of a profile: a path as given, else a bundled profile's name."""
    path = Path(name)
    if name.endswith((".yaml", ".yml")) or path.is_file():
        return path
    bundled = data_dir("rules") / "profiles" / f"{name}.yaml"
    if not bundled.is_file():
        raise UserError(f"unknown profile {name!r} (known: {', '.join(profile_names())}, or a profile file)")
    return bundled


def _relative(name: str, profile: Path) -> str:
    if name.endswith((".yaml", ".yml")):
        return str((profile.parent / name))
    return name


def _pack(pack: str, profile: Path) -> Path:
    bundled = bundled_packs()
    if pack in bundled:
        return bundled[pack]
    folder = (profile.parent / pack).resolve()
    if not folder.is_dir():
        raise UserError(f"rule pack {pack!r} is neither bundled ({', '.join(bundled)}) nor a folder", str(profile))
    return folder


def active_rules(profile: Profile, extra: list[Path] | None = None
                 ) -> tuple[list[Rule], dict[str, Requirement], dict[str, int]]:
    """The rules a profile turns on (plus ``extra`` packs), every known
    requirement, and the option values the engine compiles with."""
    rules, requirements = load_rules(profile.packs + list(extra or []))
    declared = rule_options(rules)
    values = {name: option.number(option.default, option.file) for name, option in declared.items()}
    for name, value in profile.options.items():
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise UserError(f"unknown option {name!r} (options of the active rules: {known})",
                            profile.sources.get(name, profile.file))
        values[name] = declared[name].number(value, profile.sources.get(name, profile.file))
    return rules, requirements, values
