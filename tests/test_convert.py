"""compliance convert (a ledger or a Chinese-keyed plan as contract YAML) and
compliance init (the YAML and Excel templates)."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from compliance.model import ITEM_ORDER, build
from compliance.read import load
from compliance.resources import schema_error
from compliance.tables import set_plan_options
from conftest import ROOT, run_cli

OFFICE = ROOT / "tests" / "data" / "office"
AS_OF = ["--as-of", "2024-03-10"]


@pytest.fixture(autouse=True)
def _reset_plan_options() -> Any:
    set_plan_options()
    yield
    set_plan_options()


def run(*args: str) -> Result:
    return run_cli(*args)


def findings(*args: str) -> list[dict[str, Any]]:
    result = run("check", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def pairs(found: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return sorted(((f["rule"], f["item"]) for f in found), key=str)


@pytest.mark.parametrize("name, options", [
    ("county-plan.xlsx", []),
    ("county-plan.docx", []),
    ("county-plan-gb18030.csv", ["--plan-id", "county-csv", "--issued", "2024-03-01"]),
])
def test_converting_and_checking_give_the_same_findings(tmp_path: Path, name: str, options: list[str]) -> None:
    source = str(OFFICE / name)
    target = tmp_path / "plan.yaml"
    result = run("convert", source, "-o", str(target), *options)
    assert result.exit_code == 0, result.stderr
    converted = findings(str(target), *AS_OF)
    assert pairs(converted) == pairs(findings(source, *AS_OF, *options))
    assert all(f["cell"] is None for f in converted)


def test_converted_yaml_is_the_contract_form(tmp_path: Path) -> None:
    text = run("convert", str(OFFICE / "county-plan.xlsx")).stdout
    assert text.startswith("# Converted by `compliance convert` from county-plan.xlsx.\n")
    data = yaml.safe_load(text)
    assert list(data) == ["plan", "items", "accountability", "hosting"]
    assert list(data["plan"])[:6] == ["id", "title", "issuer", "level", "region", "issued"]
    assert "issued: 2024-03-01\n" in text                    # dates unquoted, YYYY-MM-DD
    assert "deadline: 2024-10-31\n" in text
    for item in data["items"]:
        assert set(item) <= set(ITEM_ORDER)
        keys = [key for key in item if key in ITEM_ORDER]
        assert keys == sorted(keys, key=ITEM_ORDER.index)
    item = next(item for item in data["items"] if item["id"] == "1")
    assert item["livelihood"] == ["heating"] and item["status"] == "in-progress"
    as_text = json.loads(json.dumps(data, default=str))
    assert schema_error("plan", as_text) is None


def test_convert_says_what_came_from_the_file_name(tmp_path: Path) -> None:
    text = run("convert", str(OFFICE / "county-plan-utf8.csv"), "--issued", "2024-03-01").stdout
    assert "# plan.id from the file name.\n" in text
    assert "# plan.issued from --issued.\n" in text
    assert yaml.safe_load(text)["plan"]["id"] == "county-plan-utf8"


def test_convert_a_chinese_keyed_yaml_ledger(tmp_path: Path) -> None:
    ledger = ROOT / "examples" / "city-ledger.yaml"
    target = tmp_path / "city.yaml"
    assert run("convert", str(ledger), "-o", str(target)).exit_code == 0
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert list(data)[:2] == ["plan", "items"] and "problem" in data["items"][0]
    assert pairs(findings(str(target), *AS_OF)) == pairs(findings(str(ledger), *AS_OF))


def test_convert_a_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    result = run("convert", str(bad))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [f"{bad}: not an Excel workbook (.xlsx): the file is not a zip archive"]


# --- init --------------------------------------------------------------------------------

def test_init_yaml_checks_clean_as_of_its_date(tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    assert run("init", "-o", str(target), "--date", "2024-03-01").exit_code == 0
    text = target.read_text(encoding="utf-8")
    for name in ITEM_ORDER:
        if name not in ("result", "lookback", "task"):       # ledger fields beyond the contract's outline
            assert re.search(rf"^\s+#?\s*(?:- )?{name}:", text, re.MULTILINE), name
    for name in ("id:", "title:", "issuer:", "level:", "region:", "issued:", "inspection:", "parent:",
                 "leadership:", "disclosure:", "accountability:", "hosting:"):
        assert name in text
    result = run("check", str(target), "--as-of", "2024-03-01", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_init_today_checks_clean_today(tmp_path: Path) -> None:
    text = run("init").stdout
    target = tmp_path / "plan.yaml"
    target.write_text(text, encoding="utf-8")
    today = datetime.date.today().isoformat()
    assert f"issued: {today}" in text
    assert json.loads(run("check", str(target), "--format", "json").stdout)["findings"] == []


def test_init_xlsx_reads_back_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "整改台账.xlsx"
    result = run("init", "--xlsx", "-o", str(target), "--date", "2024-03-01")
    assert result.exit_code == 0, result.stderr
    import openpyxl

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["整改台账", "方案信息", "问责情况", "督察接待"]
    header = [cell.value for cell in book["整改台账"][2]]
    assert header[:9] == ["序号", "对应上级任务", "问题", "问题来源", "问题类别", "任务类型", "整改目标", "整改措施", "整改时限"]
    assert book["整改台账"].max_row == 3                       # title, header, one example row
    plan = build(load(str(target)))
    assert plan.id == "example-2024-03-01" and len(plan.items) == 1
    assert plan.items[0].data["measures"] == ["逐一排查雨污混接点,一点一策制定改造方案", "建立管网巡查养护长效机制"]
    result = run("check", str(target), "--as-of", "2024-03-01", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["findings"] == []


def test_init_does_not_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("keep", encoding="utf-8")
    result = run("init", "-o", str(target))
    assert result.exit_code == 2 and "give --force" in result.stderr
    assert target.read_text(encoding="utf-8") == "keep"
    assert run("init", "-o", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# 整改方案模板")
