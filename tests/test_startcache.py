"""The start-up cache (compliance.startcache): the same results with it,
without it, and whatever state its file is in."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from compliance import startcache
from compliance.config import Config
from compliance.settings import resolve
from conftest import EXAMPLE, ROOT


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own, and the process's cache state forgotten."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(startcache.ENV, raising=False)
    monkeypatch.setattr(startcache, "_STATE", startcache._State())
    _forget_files(monkeypatch)
    return tmp_path / "cache" / "compliance" / startcache.FILE


def _forget_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files and rules this process already read are kept in memory too.
    from compliance import resources, rules

    monkeypatch.setattr(resources, "_READ", {})
    monkeypatch.setattr(rules, "_LOADED", {})


def _rules_seen() -> list[Any]:
    settings = resolve(Config())
    return [(rule, rule.durable(dict(settings.base.options))) for rule in settings.base.rules]


def _command(env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", "from compliance.cli import main; main()", "check", str(EXAMPLE),
                           "--as-of", "2024-03-10", "--format", "json", "--no-config", "--fail-on", "never"],
                          env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, check=True)


def test_commands_report_the_same_with_a_cold_a_warm_and_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "xdg"
    cold = _command({"XDG_CACHE_HOME": str(folder)})
    assert (folder / "compliance" / startcache.FILE).is_file()
    warm = _command({"XDG_CACHE_HOME": str(folder)})
    off = _command({"XDG_CACHE_HOME": str(tmp_path / "off"), startcache.ENV: "1"})
    assert cold.stdout == warm.stdout == off.stdout and not cold.stderr and not warm.stderr
    assert not (tmp_path / "off").exists()


def test_rules_read_from_the_cache_are_the_rules_read_from_their_files(cache: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = _rules_seen()
    assert cache.is_file()
    monkeypatch.setattr(startcache, "_STATE", startcache._State())
    _forget_files(monkeypatch)
    parsed: list[str] = []
    from compliance import resources

    real = resources._parse_yaml
    monkeypatch.setattr(resources, "_parse_yaml", lambda path, *rest: parsed.append(str(path)) or real(path, *rest))
    assert _rules_seen() == first
    assert parsed == []         # every file came from the cache


@pytest.mark.parametrize("damage", [b"", b"not json\n{}", b'{"format": 1, "sha256": "0"}\n{}', None])
def test_a_damaged_or_foreign_cache_file_is_ignored(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                                    damage: bytes | None) -> None:
    expected = _rules_seen()
    if damage is None:          # whole and hashed, but made by other code
        header, _, payload = cache.read_bytes().partition(b"\n")
        body = json.loads(payload)
        body["stamp"] = "other"
        payload = json.dumps(body).encode()
        import hashlib
        damage = json.dumps({"format": 1, "sha256": hashlib.sha256(payload).hexdigest()}).encode() + b"\n" + payload
    cache.write_bytes(damage)
    monkeypatch.setattr(startcache, "_STATE", startcache._State())
    _forget_files(monkeypatch)
    assert _rules_seen() == expected
    assert startcache._STATE.files      # read again, and kept


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(startcache, "_STATE", startcache._State())
    _forget_files(monkeypatch)
    assert _rules_seen()
    assert blocker.read_text() == "not a folder"


def test_the_environment_variable_turns_the_cache_off(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(startcache.ENV, "1")
    assert startcache.folder() is None
    assert _rules_seen() and not cache.parent.exists()
    monkeypatch.setenv(startcache.ENV, "0")
    assert startcache.folder() == cache.parent


def test_a_changed_rule_file_is_read_again(cache: Path, tmp_path: Path) -> None:
    from compliance.rules import load_rules

    pack = tmp_path / "pack"
    source = ROOT / "docs" / "example-pack" / "province-rules"
    pack.mkdir()
    for path in source.iterdir():
        (pack / path.name).write_bytes(path.read_bytes())
    rule_file = next(path for path in sorted(pack.glob("*.yaml")) if path.name != "requirements.yaml")
    before = {rule.id: rule.title for rule in load_rules([pack])[0]}
    text = rule_file.read_text(encoding="utf-8")
    old_title = before[next(rule.id for rule in load_rules([pack])[0] if rule.file == str(rule_file))]
    rule_file.write_text(text.replace(old_title, old_title + " (changed)", 1), encoding="utf-8")
    os.utime(rule_file, ns=(1, 1))
    after = {rule.id: rule.title for rule in load_rules([pack])[0]}
    assert sorted(set(after.values()) - set(before.values())) == [old_title + " (changed)"]


@pytest.mark.parametrize("value", [
    {"a": [1, 2.5, -0.0, True, None, "中文"], "b": {"c": datetime.date(2024, 3, 10)}},
    {1: "int key", 2.5: "float key", True: "bool key", None: "null key", datetime.date(2024, 1, 1): "date key"},
    {"$date": "2024-01-01", "$pairs": [], "x": {"$y": 1}},
    [[], {}, "", 0, float("inf")],
])
def test_values_come_back_exactly(value: Any) -> None:
    back = startcache._decode(json.loads(json.dumps(startcache._encode(value, set()))))
    assert back == value and repr(back) == repr(value)


@pytest.mark.parametrize("value", [datetime.datetime(2024, 1, 1, 8), {1, 2}, b"bytes", ("a", "tuple")])
def test_values_json_cannot_give_back_are_not_cached(value: Any) -> None:
    with pytest.raises(startcache._Uncacheable):
        startcache._encode({"v": value}, set())


def test_a_value_shared_by_an_alias_is_not_cached() -> None:
    shared = {"a": 1}
    with pytest.raises(startcache._Uncacheable):
        startcache._encode([shared, shared], set())


def test_help_and_readme_name_the_cache_and_its_switch() -> None:
    from conftest import run_cli

    assert startcache.ENV in run_cli("--help").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert startcache.ENV in readme and "XDG_CACHE_HOME" in readme
