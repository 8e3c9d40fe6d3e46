"""Baselines and the run manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from compliance.cli import main
from compliance.profiles import active_rules, load_profile
from conftest import EXAMPLE

AS_OF = ("--as-of", "2024-03-10")


def cli(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "county.yaml").write_bytes(EXAMPLE.read_bytes())
    return tmp_path


def test_write_then_check_against_the_baseline(folder, monkeypatch) -> None:
    written = cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--write-baseline", "base.json")
    assert written.exit_code == 0
    baseline = json.loads((folder / "base.json").read_text(encoding="utf-8"))
    keys = [(e["plan"], e["item"], e["rule"]) for e in baseline["findings"]]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1] is not None, str(k[1]), k[2]))
    assert ("example-county-2024", "2", "NBS001") in keys and ("example-county-2024", None, "SH001") in keys
    result = cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--baseline", "base.json", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0 and report["findings"] == []
    assert report["baseline"] == {"file": "base.json", "entries": len(keys), "matched": len(keys), "fixed": []}


def test_keyed_by_item_not_line(folder, monkeypatch) -> None:
    cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--write-baseline", "base.json")
    text = (folder / "county.yaml").read_text(encoding="utf-8")
    # Ten lines of notes on top, and item 2's shutdown fixed.
    text = "# 修订说明\n" * 10 + text.replace("对全县砖瓦窑一律关停,先停再说", "对超标砖瓦窑依法限期治理")
    (folder / "county.yaml").write_text(text, encoding="utf-8")
    report = json.loads(cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--baseline", "base.json",
                            "--format", "json").stdout)
    assert report["baseline"]["fixed"] == [{"plan": "example-county-2024", "item": "2", "rule": "NBS001",
                                            "requirement": "no-blanket-shutdown"}]
    assert report["baseline"]["matched"] == report["baseline"]["entries"] - 1


def test_a_second_finding_of_a_baselined_kind_is_new(folder, monkeypatch) -> None:
    cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--write-baseline", "base.json")
    text = (folder / "county.yaml").read_text(encoding="utf-8")
    text = text.replace("        kind: remediation\n", "        kind: remediation\n      - 全镇砖厂一律关停\n", 1)
    (folder / "county.yaml").write_text(text, encoding="utf-8")
    result = cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--baseline", "base.json", "--format", "json")
    new = [(f["rule"], f["item"]) for f in json.loads(result.stdout)["findings"]]
    assert result.exit_code == 1 and len(new) == 1 and new[0][0] == "NBS001"


@pytest.mark.parametrize(("content", "expected"), [
    (None, "base.json: baseline not found; write one with --write-baseline"),
    ("{not json", "base.json:1: the baseline is not JSON written by --write-baseline"),
    ('{"compliance_baseline": 2, "findings": []}', "base.json: invalid baseline: $.compliance_baseline"),
    ('{"compliance_baseline": 1, "findings": [{"plan": "p"}]}', "base.json: invalid baseline: $.findings[0]"),
])
def test_a_bad_baseline_is_one_line_and_exit_2(folder, monkeypatch, content, expected) -> None:
    if content is not None:
        (folder / "base.json").write_text(content, encoding="utf-8")
    result = cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--baseline", "base.json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("compliance: " + expected) and result.stderr.count("\n") == 1


def test_the_manifest_reproduces_the_run(folder, monkeypatch) -> None:
    (folder / "broken.yaml").write_text("plan: [unclosed\n", encoding="utf-8")
    result = cli(folder, monkeypatch, "check", "county.yaml", "broken.yaml", *AS_OF, "--format", "json")
    manifest = json.loads(result.stdout)["manifest"]
    assert manifest["tool"]["name"] == "compliance" and manifest["as_of"] == "2024-03-10"
    assert manifest["profile"] == {"name": "national", "file": None, "sha256": None}
    assert manifest["engine"]["durable_rules"] == "2.0.28"
    assert manifest["inputs"] == [
        {"file": name, "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(),
         "bytes": (folder / name).stat().st_size} for name in ("broken.yaml", "county.yaml")]   # by name
    assert manifest["rules"]["count"] == len(active_rules(load_profile("national"))[0]) and len(manifest["rules"]["sha256"]) == 64
    again = json.loads(cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--format", "json").stdout)
    assert again["manifest"]["rules"] == manifest["rules"]
    changed = json.loads(cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--format", "json",
                             "--option", "max_escorts=2").stdout)
    assert changed["manifest"]["rules"]["sha256"] != manifest["rules"]["sha256"]


def test_sarif_and_junit_carry_the_manifest(folder, monkeypatch) -> None:
    digest = hashlib.sha256((folder / "county.yaml").read_bytes()).hexdigest()
    sarif = json.loads(cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--format", "sarif").stdout)
    run = sarif["runs"][0]
    assert run["artifacts"] == [{"location": {"uri": "county.yaml"}, "length": (folder / "county.yaml").stat().st_size,
                                 "hashes": {"sha-256": digest}}]
    assert run["properties"]["manifest"]["inputs"][0]["sha256"] == digest
    junit = cli(folder, monkeypatch, "check", "county.yaml", *AS_OF, "--format", "junit").stdout
    assert f'<property name="input_sha256" value="{digest}" />' in junit
