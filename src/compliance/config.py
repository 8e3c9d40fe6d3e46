"""The configuration file of a plan repository, ``.compliance.yaml``.

Found in the current folder or the nearest one above it (or named with
``--config``); paths in it are relative to it. It says what a CI job
would otherwise repeat on every command line: the profile, extra rule
packs, rules turned off, severity overrides, option values, overrides for
some files by glob, ``fail-on``, waivers kept outside the plans, and the
baseline. The command line wins over it.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UserError
from .read import Document, PathKey, decode, parse, read_bytes
from .resources import json_path, schema_error

CONFIG_NAMES = (".compliance.yaml", ".compliance.yml")
# A configuration is small; a huge one is a mistake or an attack.
MAX_CONFIG_BYTES = 1 << 20


@dataclass(frozen=True)
class Override:
    """Settings for the files matching one of ``files``."""

    files: tuple[str, ...]
    disable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    options: tuple[tuple[str, Any], ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class ConfigWaiver:
    plan: str
    item: str | None
    rule: str
    reason: str | None
    approved_by: str | None
    expires: datetime.date | None
    line: int | None
    fields: tuple[tuple[str, int], ...] = ()    # the line of each field written


@dataclass
class Config:
    file: Path | None = None
    profile: str | None = None
    packs: list[Path] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    fail_on: str | None = None
    lang: str | None = None
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    baseline: Path | None = None
    overrides: list[Override] = field(default_factory=list)
    waivers: list[ConfigWaiver] = field(default_factory=list)
    sha256: str | None = None
    # Where each key and value is written, for error messages.
    lines: dict[PathKey, int] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.file.parent if self.file else Path.cwd()

    def line_of(self, *path: Any) -> int | None:
        return self.lines.get(tuple(path))

    def error(self, message: str, *path: Any) -> UserError:
        return UserError(message, str(self.file) if self.file else None, self.line_of(*path))

    def excluded(self, name: str) -> bool:
        return any(matches(pattern, name, self.folder) for pattern in self.exclude)

    def overrides_for(self, name: str) -> list[Override]:
        return [o for o in self.overrides if any(matches(p, name, self.folder) for p in o.files)]


def find_config(start: Path) -> Path | None:
    """The configuration of ``start`` or of the nearest folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def load_config(path: Path) -> Config:
    path = Path(_shown(path))
    data = read_bytes(str(path))
    if len(data) > MAX_CONFIG_BYTES:
        raise UserError(f"configuration file is larger than the limit of {MAX_CONFIG_BYTES // (1024 * 1024)} MB",
                        str(path))
    text = decode(data, str(path))
    # Only comments (a configuration not filled in yet) is no setting at all.
    blank = all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
    document = Document(str(path), {}) if blank else parse(text, str(path))
    raw = document.value if document.value is not None else {}
    lines = {key: pos[0] for key, pos in {**document.values, **document.keys}.items()}
    config = Config(file=path, sha256=hashlib.sha256(data).hexdigest(), lines=lines)
    error = schema_error("config", raw)
    if error is not None:
        where = tuple(error.absolute_path)
        raise UserError(f"invalid configuration: {json_path(where)}: {error.message}", str(path),
                        config.line_of(*where) or (1 if not where else None))
    _fill(config, raw)
    return config


def _fill(config: Config, raw: dict[str, Any]) -> None:
    folder = config.folder
    config.profile = _profile(raw.get("profile"), folder)
    config.packs = [_pack(name, folder, config, index) for index, name in enumerate(raw.get("packs", []))]
    config.disable = list(raw.get("disable", []))
    config.severity = dict(raw.get("severity", {}))
    config.options = dict(raw.get("options", {}))
    config.fail_on = raw.get("fail-on")
    config.lang = raw.get("lang")
    config.paths = [_shown(folder / name) for name in raw.get("paths", [])]
    config.exclude = list(raw.get("exclude", []))
    config.baseline = folder / raw["baseline"] if raw.get("baseline") else None
    config.overrides = [Override(tuple(o["files"]), tuple(o.get("disable", [])),
                                 tuple(o.get("severity", {}).items()), tuple(o.get("options", {}).items()),
                                 config.line_of("overrides", index))
                        for index, o in enumerate(raw.get("overrides", []))]
    config.waivers = [_waiver(config, index, w) for index, w in enumerate(raw.get("waivers", []))]


def _shown(path: Path) -> str:
    # Reports name files as the user would from here.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):        # not below the current folder
        return str(path)


def _profile(name: str | None, folder: Path) -> str | None:
    # A profile file is relative to the configuration; a bundled one is a name.
    if name and (name.endswith((".yaml", ".yml")) or "/" in name):
        return str(folder / name)
    return name


def _pack(name: str, folder: Path, config: Config, index: int) -> Path:
    from .rules import bundled_packs

    bundled = bundled_packs()
    if name in bundled:
        return bundled[name]
    path = folder / name
    if not path.is_dir():
        raise config.error(f"rule pack {name!r} is neither bundled ({', '.join(bundled)}) nor a folder",
                           "packs", index)
    return path


def _waiver(config: Config, index: int, raw: dict[str, Any]) -> ConfigWaiver:
    expires = raw.get("expires")
    try:
        day = datetime.date.fromisoformat(expires) if expires else None
    except ValueError:
        raise config.error(f"waiver expires {expires!r} is not a date YYYY-MM-DD",
                           "waivers", index, "expires") from None
    item = raw.get("item")
    fields = tuple((name, config.line_of("waivers", index, name)) for name in raw
                   if config.line_of("waivers", index, name))
    return ConfigWaiver(raw["plan"], None if item is None else str(item), raw["rule"], raw.get("reason"),
                        raw.get("approved_by"), day, config.line_of("waivers", index), fields)


def matches(pattern: str, name: str, folder: Path) -> bool:
    """Whether file ``name`` matches glob ``pattern`` relative to ``folder``:
    ``*`` and ``?`` stay within a folder, ``**`` crosses folders, and a
    pattern without a slash matches a file's name at any depth."""
    if name in ("-", "<stdin>"):
        return False
    try:
        relative = Path(name).resolve().relative_to(folder.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return False
    if "/" not in pattern.rstrip("/"):
        pattern = "**/" + pattern
    return _glob(pattern.rstrip("/")).fullmatch(relative) is not None or \
        _glob(pattern.rstrip("/") + "/**").fullmatch(relative) is not None


def _glob(pattern: str) -> re.Pattern[str]:
    out, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out)
