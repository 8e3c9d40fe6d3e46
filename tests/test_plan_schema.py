"""The JSON Schema of a plan (schemas/plan.schema.json) is itself valid, accepts
the shared county example, and points at the right place for typical faults."""

import copy
import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from jsonschema.exceptions import best_match

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "schemas" / "plan.schema.json"
EXAMPLE_PATH = Path("/work/shared/examples/county-plan.yaml")


def _iso_dates(value):
    """Turn datetime.date values (as yaml.safe_load produces them) into ISO strings,
    as the loader does before validation."""
    if isinstance(value, dict):
        return {k: _iso_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso_dates(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schema():
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def validator(schema):
    return jsonschema.Draft202012Validator(schema)


def _minimal():
    return {
        "plan": {"id": "p1", "level": "county"},
        "items": [
            {
                "id": "1",
                "measures": [{"text": "逐一核查", "kind": "remediation"}],
                "status": "in-progress",
            }
        ],
        "hosting": ["工作用餐在机关食堂安排"],
    }


def test_schema_is_valid_draft_2020_12(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/schemas/plan.schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)


def test_county_example_is_valid(validator):
    if not EXAMPLE_PATH.exists():
        pytest.skip(f"{EXAMPLE_PATH} not present")
    with EXAMPLE_PATH.open(encoding="utf-8") as fh:
        doc = _iso_dates(yaml.safe_load(fh))
    errors = sorted(validator.iter_errors(doc), key=lambda e: e.json_path)
    assert errors == [], [f"{e.json_path}: {e.message}" for e in errors]


def test_minimal_plan_is_valid(validator):
    validator.validate(_minimal())


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param({"plan": {"id": 7}, "items": []}, id="integer-id-empty-items"),
        pytest.param(
            {
                "plan": {"id": "p", "custom_meta": {"x": 1}, "disclosure": None},
                "items": [
                    {
                        "id": 1,
                        "measures": "一条措施",
                        "deadline": "立行立改",
                        "responsible_units": "县政府",
                        "status": None,
                        "extra_column": "备注",
                    },
                    {"id": "2", "deadline": "2024年6月底前", "livelihood": None,
                     "measures": ["文字措施", {"text": "t", "scope": "blanket", "note": 1}]},
                ],
                "accountability": [{"id": "A1", "items": ["1", 2], "subjects": [], "basis": None}],
                "hosting": [{"text": "不搞层层陪同"}],
            },
            id="loose-but-valid",
        ),
    ],
)
def test_accepted_variants(validator, doc):
    validator.validate(doc)


def _without(key):
    doc = _minimal()
    del doc[key]
    return doc


_DELETE = object()


def _with_item(**changes):
    doc = _minimal()
    item = doc["items"][0]
    for k, v in changes.items():
        if v is _DELETE:
            item.pop(k, None)
        else:
            item[k] = v
    return doc



def _with(path, value):
    doc = _minimal()
    target = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return doc


INVALID_CASES = [
    ("missing-plan", _without("plan"), "$", "required"),
    ("missing-items", _without("items"), "$", "required"),
    ("item-without-id", _with_item(id=_DELETE), "$.items[0]", "required"),
    ("measures-as-number", _with_item(measures=5), "$.items[0].measures", None),
    ("measure-without-text", _with_item(measures=[{"kind": "shutdown"}]),
     "$.items[0].measures[0]", None),
    ("bad-level", _with(["plan", "level"], "village"), "$.plan.level", "enum"),
    ("bad-status", _with_item(status="已完成"), "$.items[0].status", "enum"),
    ("hosting-as-number", _with(["hosting"], 3), "$.hosting", "type"),
    ("unknown-top-level-key", _with(["extras"], {}), "$", "additionalProperties"),
]


@pytest.mark.parametrize(
    "doc, expected_path, expected_validator",
    [pytest.param(d, p, v, id=name) for name, d, p, v in INVALID_CASES],
)
def test_invalid_documents(validator, doc, expected_path, expected_validator):
    doc = copy.deepcopy(doc)
    errors = list(validator.iter_errors(doc))
    assert errors, "document should be invalid"
    best = best_match(errors)
    assert best is not None
    # best_match descends into oneOf alternatives to the most specific error.
    paths = {e.json_path for e in errors} | {best.json_path}
    assert best.json_path == expected_path, (
        f"best match at {best.json_path} ({best.message}); all: {sorted(paths)}"
    )
    if expected_validator is not None:
        assert best.validator == expected_validator, best.message
