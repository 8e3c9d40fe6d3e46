"""--jobs N: the same report, byte for byte, whatever N is."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from compliance import parallel
from compliance.check import Run
from compliance.cli import main
from compliance.config import Config
from compliance.parents import Parents
from compliance.settings import resolve
from conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

CITY = """\
plan: {id: city-2024, title: 某市整改方案, issued: 2024-03-01, leadership: [{role: party, name: 市委书记}, {role: government, name: 市长}],
       disclosure: {channel: 市政府网站, interval_days: 7}}
items:
  - {id: "1", problem: 城区扬尘, target: PM2.5年均浓度降至40微克/立方米, measures: [落实扬尘防治措施], deadline: 2025-12-31,
     lead_unit: 市住建局, responsible_units: [各区人民政府], status: in-progress}
  - {id: "2", problem: 黑臭水体, target: 完成治理, measures: [实施截污纳管工程], deadline: 2025-06-30,
     lead_unit: 市水务局, responsible_units: [各区人民政府], status: in-progress}
"""
COUNTY = """\
plan: {id: county-2024, title: 某县整改方案, issued: 2024-03-01, parent: ../city/plan.yaml,
       leadership: [{role: party, name: 县委书记}, {role: government, name: 县长}], disclosure: {channel: 县政府网站, interval_days: 7}}
items:
  - {id: "1", implements: "1", problem: 县城扬尘, target: PM2.5年均浓度降至35微克/立方米, measures: [落实扬尘防治措施],
     deadline: 2025-06-30, lead_unit: 县住建局, responsible_units: [各乡镇人民政府], status: in-progress}
  - id: "2"
    implements: "9"
    problem: 黑臭水体
    target: 完成治理
    measures: [对全县养殖场一律关停]
    deadline: 2025-06-30
    lead_unit: 县水务局
    responsible_units: [某镇人民政府]
    status: in-progress
    waivers: [{rule: NBS001, reason: 已报市整改办, approved_by: 市整改办, expires: 2099-12-31}]
"""
CONFIG = """\
waivers:
  - {plan: example-county-2024, item: "5", rule: NAS001, reason: 问责后整改已启动, approved_by: 县整改办, expires: 2099-12-31}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About twenty plans: examples, test plans, generated ones, a parent and
    child in different folders, waivers in a plan and in the configuration,
    and a file that cannot be read."""
    from generate import generate

    root = tmp_path_factory.mktemp("many")
    plans = _mkdir(root / "plans")
    for source in [*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/plans/*.yaml")]:
        shutil.copy(source, plans / source.name)
    _mkdir(plans / "city").joinpath("plan.yaml").write_text(CITY, encoding="utf-8")
    _mkdir(plans / "county").joinpath("plan.yaml").write_text(COUNTY, encoding="utf-8")
    (plans / "broken.yaml").write_text("plan: {id: broken\nitems: [\n", encoding="utf-8")
    generate(plans / "generated", 3, 12, seed=7)
    (root / ".compliance.yaml").write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    return root


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


# Every format but text, which goes to stdout: format -> report file name.
FILES = {"json": "r.json", "sarif": "r.sarif", "junit": "r.xml", "github": "r.github", "markdown": "r.md",
         "html": "r.html", "xlsx": "r.xlsx"}


def _reports(folder: Path, jobs: int, monkeypatch: pytest.MonkeyPatch, *inputs: str) -> dict[str, bytes]:
    """Every format's report of one run over ``inputs`` (default: the folder plans)."""
    monkeypatch.chdir(folder)
    out = folder / f"out-{jobs}"
    out.mkdir(exist_ok=True)
    outputs = [arg for fmt, name in FILES.items() for arg in ("--format", fmt, "-o", str(out / name))]
    result = CliRunner().invoke(main, ["check", *(inputs or ["plans"]), "--as-of", AS_OF.isoformat(),
                                       "--jobs", str(jobs), *outputs, "--format", "text"])
    assert result.exit_code == 2, result.output          # the broken plan
    assert "broken.yaml" in result.stderr
    reports = {name: (out / name).read_bytes() for name in FILES.values()}
    reports["text"] = result.stdout.encode("utf-8")
    return reports


def test_the_report_does_not_depend_on_jobs(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _reports(folder, 1, monkeypatch)
    assert b'"no-deadline-compression"' in one["r.json"] and b"NDC004" in one["r.json"]
    assert one["r.json"].count(b'"waived": {') >= 2           # the plan's waiver and the configuration's
    assert one["r.xlsx"][:2] == b"PK" and b"<mark>" in one["r.html"]
    for jobs in (2, 3):
        assert _reports(folder, jobs, monkeypatch) == one
    assert _reports(folder, 1, monkeypatch) == one             # and run again


def test_the_report_does_not_depend_on_the_order_of_the_inputs(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files named one by one, in reverse or shuffled, give the bytes the
    folder gives, whatever --jobs."""
    import random

    one = _reports(folder, 1, monkeypatch)
    names = sorted(str(p.relative_to(folder)) for p in (folder / "plans").rglob("*.yaml"))
    shuffled = names[:]
    random.Random(3).shuffle(shuffled)
    assert _reports(folder, 1, monkeypatch, *reversed(names)) == one
    assert _reports(folder, 2, monkeypatch, *shuffled) == one
    # Folders and files mixed, the same file named twice.
    assert _reports(folder, 3, monkeypatch, "plans/generated", *names[:3], "plans", names[0]) == one


def test_results_come_in_input_order_without_fork(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers started by spawn build their run from the arguments alone."""
    monkeypatch.chdir(folder)
    names = sorted(str(p.relative_to(folder)) for p in (folder / "plans").rglob("*.yaml"))
    run = Run(resolve(Config()), AS_OF, Parents([folder / "plans"]))
    expected = [run.check_file(name) for name in names]
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")
    found = list(parallel.check_files(Run(resolve(Config()), AS_OF, Parents([folder / "plans"])), names, jobs=2))
    assert [r.file for r in found] == names
    assert [(r.error, [f.as_dict() for f in r.findings]) for r in found] == \
           [(r.error, [f.as_dict() for f in r.findings]) for r in expected]


def test_one_input_or_standard_input_is_checked_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*_: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(parallel, "_pool", no_pool)
    run = Run(resolve(Config()), AS_OF, Parents([ROOT]))
    example = str(ROOT / "examples" / "county-plan.yaml")
    assert [r.id for r in parallel.check_files(run, [example], jobs=4)] == ["example-county-2024"]
    assert len(list(parallel.check_files(run, [example, example], jobs=1))) == 2


def _stop_on(doomed: str) -> None:
    """Run in each worker: the process dies, as a crash in a native library
    would, when it is given the plan ``doomed``."""
    import os

    original = Run.check_file

    def check_file(self: Run, name: str, *rest):  # type: ignore[no-untyped-def]
        if name == doomed:
            os._exit(70)
        return original(self, name, *rest)

    Run.check_file = check_file  # type: ignore[method-assign]


def test_a_worker_that_dies_costs_only_its_plan(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    names = sorted(str(p.relative_to(folder)) for p in (folder / "plans").rglob("*.yaml"))
    doomed = names[len(names) // 2]
    run = Run(resolve(Config()), AS_OF, Parents([folder / "plans"]))
    expected = {name: run.check_file(name) for name in names}
    monkeypatch.setattr(parallel, "START_METHOD", "fork")
    found = list(parallel.check_files(Run(resolve(Config()), AS_OF, Parents([folder / "plans"])), names,
                                      jobs=2, chunk=3, setup=[(_stop_on, (doomed,))]))
    assert [r.file for r in found] == names
    for result in found:
        if result.file == doomed:
            assert result.error == f"{doomed}: the process checking this plan stopped (a crash or out of memory); " \
                                   "the plan was not checked"
            assert not result.findings
        else:
            assert (result.error, [f.as_dict() for f in result.findings]) == \
                   (expected[result.file].error, [f.as_dict() for f in expected[result.file].findings])


def test_results_keep_only_the_details_asked_for(folder: Path) -> None:
    # Item views (html, xlsx) and item ids (junit) are left out when no
    # format shows them; the findings are the same.
    names = sorted(str(p) for p in (folder / "plans").rglob("*.yaml"))
    run = Run(resolve(Config()), AS_OF, Parents([folder / "plans"]))
    for jobs in (1, 2):
        full = list(parallel.check_files(run, names, jobs=jobs))
        slim = list(parallel.check_files(run, names, jobs=jobs, items_view=False, item_ids=False))
        assert any(r.item_ids and r.items_view for r in full)
        assert all(not r.item_ids and not r.items_view for r in slim)
        assert [(r.file, r.items, r.error, r.sha256, r.findings) for r in full] == \
               [(r.file, r.items, r.error, r.sha256, r.findings) for r in slim]


def test_prefetch_is_only_a_hint(tmp_path: Path) -> None:
    """Reading ahead never fails nor blocks: a missing file, a folder, stdin
    and a FIFO with no writer are passed over, left for the read to report."""
    import os

    from compliance.parallel import prefetch

    plan = tmp_path / "plan.yaml"
    plan.write_text("plan: {}\n", encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    prefetch([str(plan), str(tmp_path / "missing.yaml"), str(tmp_path), "-", str(fifo)])
