"""A cache of what every command reads before its first plan: the tool's own
YAML files (rules, requirements, profiles) parsed and validated, and the
rule patterns found safe from catastrophic backtracking.

Entries are keyed by the bytes of the file (or the pattern) and by a stamp
of the code that reads them (this package's source, its schemas, Python's
and PyYAML's versions), so an entry can only ever say what reading the
same bytes with the same code would say: the cache never changes a result,
it only spares the work (about a twentieth of a one-plan check).

The cache is one JSON file in the user's cache folder
($XDG_CACHE_HOME/compliance, else ~/.cache/compliance), holding plain
data only (no pickle, nothing executed); it is written atomically, checked
against its own hash and the stamp when read, and ignored when it cannot
be read or written. COMPLIANCE_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__

ENV = "COMPLIANCE_NO_CACHE"
FILE = "start-up.json"
FORMAT = 1
# At most this many files and patterns: beyond, only those of the last run are kept.
LIMIT = 4096

MISSING = object()


class _Uncacheable(Exception):
    """A value the cache's JSON cannot give back exactly."""


class _State:
    def __init__(self) -> None:
        self.loaded = False
        self.stamp = ""
        self.files: dict[str, Any] = {}      # key -> encoded value
        self.patterns: set[str] = set()
        self.used: set[str] = set()
        self.used_patterns: set[str] = set()
        self.dirty = False


_STATE = _State()


def folder() -> Path | None:
    """Where the cache is kept, or None when it is turned off."""
    if os.environ.get(ENV, "").strip() not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG specification: a relative path is to be ignored.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "compliance"


def get(data: bytes, kind: str) -> Any:
    """The value cached for a file of ``kind`` holding ``data``, else MISSING."""
    state = _load()
    if state is None:
        return MISSING
    key = _key(state, kind, data)
    encoded = state.files.get(key, MISSING)
    if encoded is MISSING:
        return MISSING
    try:
        value = _decode(encoded)
    except (TypeError, ValueError, AttributeError, RecursionError):
        return MISSING          # not what this code writes: read the file
    state.used.add(key)
    return value


def put(data: bytes, kind: str, value: Any) -> None:
    """Remember ``value``, what reading ``data`` as ``kind`` gave."""
    state = _load()
    if state is None:
        return
    try:
        encoded = _encode(value, set())
    except (_Uncacheable, RecursionError):
        return
    key = _key(state, kind, data)
    state.files[key] = encoded
    state.used.add(key)
    state.dirty = True


def safe_pattern(pattern: str) -> bool:
    """Whether ``pattern`` was found safe before (rules.backtracking_risk)."""
    state = _load()
    if state is None or pattern not in state.patterns:
        return False
    state.used_patterns.add(pattern)
    return True


def add_safe_pattern(pattern: str) -> None:
    state = _load()
    if state is not None and pattern not in state.patterns:
        state.patterns.add(pattern)
        state.used_patterns.add(pattern)
        state.dirty = True


def save() -> None:
    """Write what this process added, if anything; never fails."""
    state = _STATE
    where = folder()
    if not state.loaded or not state.dirty or where is None:
        return
    files, patterns = state.files, state.patterns
    if len(files) > LIMIT:
        files = {key: files[key] for key in state.used}
    if len(patterns) > LIMIT:
        patterns = set(state.used_patterns)
    payload = json.dumps({"stamp": state.stamp, "files": files, "patterns": sorted(patterns)},
                         ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = json.dumps({"format": FORMAT, "sha256": hashlib.sha256(payload).hexdigest()}).encode("ascii")
    try:
        where.mkdir(parents=True, exist_ok=True)
        _replace(where / FILE, header + b"\n" + payload)
    except OSError:
        return
    state.dirty = False


def _replace(target: Path, data: bytes) -> None:
    """``data`` written beside ``target`` and renamed over it, so that a
    reader sees the old file or the new one, never half of one."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _load() -> _State | None:
    state = _STATE
    if state.loaded:
        return state if state.stamp else None
    state.loaded = True
    where = folder()
    if where is None:
        return None
    try:
        state.stamp = _stamp()
    except OSError:
        return None
    try:
        header, _, payload = (where / FILE).read_bytes().partition(b"\n")
        found = _read(header, payload, state.stamp)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        found = None
    if found is not None:
        state.files, state.patterns = found
    return state


def _read(header: bytes, payload: bytes, stamp: str) -> tuple[dict[str, Any], set[str]] | None:
    """The entries of a cache file made by this code, or None."""
    head = json.loads(header)
    if head.get("format") != FORMAT or head.get("sha256") != hashlib.sha256(payload).hexdigest():
        return None
    body = json.loads(payload)
    if body.get("stamp") != stamp:
        return None
    files, patterns = body["files"], body["patterns"]
    if not isinstance(files, dict) or not isinstance(patterns, list) or \
            not all(isinstance(pattern, str) for pattern in patterns):
        return None
    return files, set(patterns)


def _stamp() -> str:
    """What the cached results depend on besides the files' bytes: the code
    that parses and validates them, and the schemas it validates against."""
    import yaml

    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{yaml.__version__}\0".encode())
    package = Path(__file__).resolve().parent
    from .resources import data_dir

    for path in [*sorted(package.glob("*.py")), *sorted(data_dir("schemas").glob("*.json"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # A compiled extension of the package (a YAML reader in C) by its size
    # and time: rebuilt, it may read differently.
    for path in sorted([*package.rglob("*.so"), *package.rglob("*.pyd")]):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _key(state: _State, kind: str, data: bytes) -> str:
    return hashlib.sha256(state.stamp.encode() + b"\0" + kind.encode() + b"\0" + data).hexdigest()


# --- values as JSON, exactly ----------------------------------------------------
#
# YAML gives str, int, float, bool, None, lists, mappings (keys of any of
# those) and dates; anything else (a datetime, a set, bytes, a value shared
# by an alias) is not cached. A mapping whose keys are not all plain
# strings, or any key starting with "$", is written as {"$pairs": [...]};
# a date as {"$date": "YYYY-MM-DD"}.

_SCALARS = (str, int, float, bool, type(None))


def _encode(value: Any, seen: set[int]) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is datetime.date:
        return {"$date": value.isoformat()}
    if kind not in (list, dict) or id(value) in seen:
        raise _Uncacheable(kind.__name__)
    seen.add(id(value))
    if kind is list:
        return [_encode(item, seen) for item in value]
    if all(type(key) is str and not key.startswith("$") for key in value):
        return {key: _encode(item, seen) for key, item in value.items()}
    return {"$pairs": [[_encode(key, seen), _encode(item, seen)] for key, item in value.items()]}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$date" in value:
        return datetime.date.fromisoformat(value["$date"])
    if "$pairs" in value:
        return {_decode(key): _decode(item) for key, item in value["$pairs"]}
    return {key: _decode(item) for key, item in value.items()}
