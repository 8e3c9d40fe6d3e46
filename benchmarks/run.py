"""Benchmarks: the whole command against the engine's ceiling and plain Python.

    python benchmarks/run.py [--sizes S,M,L] [--jobs N] [--million] [--data .bench]

Sizes: S = 1 plan of 1,000 items; M = 300 plans of 100 items; L = 3,000
plans of 100 items; XL (--million) = 10,000 plans of 100 items, 10^6 items.
Plans come from benchmarks/generate.py (deterministic, seed 1), written once
under .bench/ and reused.

Every row runs in a fresh process, so that its peak memory is its own:

- the pipeline: ``compliance check DIR --format json`` exactly as a user
  runs it (wall time from starting the interpreter to the report written),
  with compliance.timing on, which adds up the CPU time of each stage (load and
  validate, normalise, engine, report) in every process;
- the durable_rules ceiling: the same compiled ruleset fed the same facts,
  prepared beforehand (loading, normalising and JSON are not timed), with
  assert_facts, draining the actions and deleting the state: what the
  engine alone costs;
- plain Python: compliance.pyeval evaluating the same conditions over the
  same prepared facts; its matches are compared with the engine's, plan by
  plan, and any difference is printed.

Then the ratios: engine stage / ceiling, pipeline throughput / engine stage
throughput (both per CPU second: the command's CPU seconds, workers
included, against the engine stage's), ceiling / plain Python. No timing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {"S": (1, 1000), "M": (300, 100), "L": (3000, 100), "XL": (10_000, 100)}
SEED = 1
AS_OF = "2024-03-10"
STAGES = ("load", "normalise", "engine", "report")


# --- data ---------------------------------------------------------------------

def data_for(size: str, root: Path, jobs: int) -> Path:
    """The folder of a size's plans, generated unless already there."""
    plans, items = SIZES[size]
    folder = root / f"{size}-seed{SEED}"
    stamp = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]
    marker = folder / ".generated"
    if marker.is_file() and marker.read_text() == stamp:
        return folder
    sys.path.insert(0, str(HERE))
    import shutil

    from generate import generate

    if folder.exists():
        shutil.rmtree(folder)
    print(f"generating {size}: {plans:,} plans of {items:,} items in {folder} ...", file=sys.stderr, flush=True)
    generate(folder, plans, items, SEED, jobs)
    marker.write_text(stamp)
    return folder


def plan_files(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*.yaml"))


# --- rows, each in a child process ------------------------------------------------

def reference(folder: str, jobs: int) -> dict[str, Any]:
    names = plan_files(Path(folder))
    if jobs <= 1:
        return _reference_part(folder, names)
    import multiprocessing
    parts = [names[index::jobs] for index in range(jobs)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.starmap(_reference_part, [(folder, part) for part in parts])
    total: dict[str, Any] = {}
    for result in results:
        for key, value in result.items():
            total[key] = total.get(key, 0) + value if not isinstance(value, list) else total.get(key, []) + value
    return total


def _reference_part(folder: str, names: list[str]) -> dict[str, Any]:
    """Ceiling and plain-Python timings over ``names``; only those parts are timed."""
    import datetime

    import durable_rules_engine as durable

    from compliance.check import Run, load_plan
    from compliance.config import Config
    from compliance.engine import SEEN, Match, dumps
    from compliance.facts import plan_facts
    from compliance.parents import Parents
    from compliance.pyeval import PyEngine, differences
    from compliance.read import load
    from compliance.settings import resolve

    settings = resolve(Config())
    run = Run(settings, datetime.date.fromisoformat(AS_OF), Parents([Path(folder)]))
    engines: dict[int, PyEngine] = {}
    ceiling = python = 0.0
    facts_total = items = 0
    mismatches: list[str] = []
    for index, name in enumerate(names):
        checker = run.checker(name)
        engine = checker.engine
        python_engine = engines.setdefault(id(engine), PyEngine(engine.ruleset.definition))
        _, plan = load_plan(name, lambda: load(name))
        if plan is None:
            continue
        facts, _ = plan_facts(plan, run.as_of, run.parents.of(plan))
        sid = f"ref{index}"
        prepared = [engine.ruleset.prepare(fact, sid) for fact in engine.ruleset.select(facts)]
        payload = dumps(prepared)
        items += len(plan.items)
        facts_total += len(prepared)
        # The ceiling: assert, drain the actions (their JSON as returned), delete the state.
        start = time.process_time()
        result = durable.assert_facts(engine.handle, payload)
        actions = []
        started = durable.start_action_for_state(engine.handle, result[1])
        while started:
            actions.append(started[1])
            following = durable.complete_and_start_action(engine.handle, result[1])
            while following:
                actions.append(following)
                following = durable.complete_and_start_action(engine.handle, result[1])
            started = durable.start_action_for_state(engine.handle, result[1])
        durable.delete_state(engine.handle, sid)
        ceiling += time.process_time() - start
        # Plain Python on the same prepared facts.
        start = time.process_time()
        found = python_engine.evaluate(prepared)
        python += time.process_time() - start
        fired = {Match(rule, frame["s"]["key"]) for action in actions
                 for rule, frame in json.loads(action).items() if rule != SEEN}
        if any(differences(fired, found)):
            mismatches.append(name)
    return {"ceiling": ceiling, "python": python, "facts": facts_total, "items": items, "mismatches": mismatches}


def run_row(row: str, folder: Path, jobs: int) -> dict[str, Any]:
    """Run one row in a fresh process (benchmarks/row.py); what it measured, with its wall time."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    command = [sys.executable, str(HERE / "row.py"), row, str(folder), str(jobs), out, AS_OF]
    start = time.perf_counter()
    finished = subprocess.run(command, env=_environment(), cwd=ROOT)
    wall = time.perf_counter() - start
    if finished.returncode != 0:
        raise SystemExit(f"the {row} row failed ({finished.returncode})")
    stats = json.loads(Path(out).read_text())
    os.unlink(out)
    stats["wall"] = wall
    if row == "pipeline":
        report = json.loads(Path(stats["report"]).read_text(encoding="utf-8"))
        os.unlink(stats["report"])
        stats.update(plans=len(report["plans"]), items=sum(p["items"] for p in report["plans"]),
                     errors=[p["error"] for p in report["plans"] if p["error"]], findings=len(report["findings"]))
    return stats


def command_wall(folder: Path, repeat: int = 5) -> float:
    """The median wall time of the plain command, as a clerk runs it."""
    script = Path(sys.executable).parent / "compliance"
    base = [str(script)] if script.is_file() else [sys.executable, str(ROOT / "cli.py")]
    with tempfile.TemporaryDirectory() as scratch:
        command = base + ["check", *plan_files(folder), "--as-of", AS_OF, "--format", "json",
                          "-o", str(Path(scratch) / "report.json"), "--no-config", "--fail-on", "never"]
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(command, env=_environment(), cwd=ROOT, check=True)
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}


# --- the table ------------------------------------------------------------------

def _n(value: float) -> str:
    return f"{value:,.0f}"


def measure(size: str, folder: Path, jobs: int, references: bool, repeat: int = 1) -> dict[str, Any]:
    """The rows of one size; with ``repeat``, each row's fastest run (a shared
    machine only ever makes a run slower)."""
    plans, _ = SIZES[size]
    used = 1 if plans == 1 else jobs
    pipeline = min((run_row("pipeline", folder, used) for _ in range(repeat)), key=lambda r: r["wall"])
    reference = min((run_row("reference", folder, used) for _ in range(repeat)),
                    key=lambda r: r["ceiling"]) if references else None
    command = min(command_wall(folder) for _ in range(repeat)) if plans == 1 else None
    return {"size": size, "jobs": used, "pipeline": pipeline, "reference": reference, "command": command}


def _peak(stats: dict[str, Any]) -> float:
    """The command's peak memory: the largest sampled total of the process
    and its workers, or at least the main process's own peak."""
    return max(stats.get("rss_tree_mb", 0.0), stats["rss_main_mb"])


def _compile_package() -> None:
    """Byte-compile the package first, as ``pip install`` does: a user's
    command starts from bytecode, and with PYTHONDONTWRITEBYTECODE set (some
    CI images set it) every timed start would compile the source again."""
    import compileall

    import compliance

    compileall.compile_dir(str(Path(compliance.__file__).parent), quiet=1)


def _reader() -> str:
    """Which YAML reader the pipeline rows used (the C one is optional at install)."""
    from compliance import fastyaml

    if fastyaml._cyaml is not None and not fastyaml.PURE:
        return "the C reader (compliance._cyaml)"
    return "the Python loop over libyaml's events"


def table(results: list[dict[str, Any]]) -> str:
    lines = [f"compliance benchmarks: {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"as of {AS_OF}, seed {SEED}, plans read by {_reader()}",
             "cpu s, stage and reference seconds are CPU seconds, summed over processes (with N jobs they can add up to N x wall); peak MB is the "
             "largest resident memory of the command and its workers together, sampled every 50 ms", ""]
    header = (f"{'size':<4} {'plans':>6} {'items':>9} {'jobs':>4} {'wall s':>7} {'cpu s':>7} {'items/s':>9} {'peak MB':>8}  "
              + " ".join(f"{stage:>9}" for stage in STAGES) + f" {'findings':>9}")
    lines += [header, "-" * len(header)]
    for result in results:
        p = result["pipeline"]
        stages = " ".join(f"{p['stages'].get(stage, 0.0):>9.2f}" for stage in STAGES)
        lines.append(f"{result['size']:<4} {p['plans']:>6,} {p['items']:>9,} {result['jobs']:>4} {p['wall']:>7.2f} {p['cpu']:>7.2f} "
                     f"{_n(p['items'] / p['wall']):>9} {_peak(p):>8.0f}  {stages} {p['findings']:>9,}")
    if any(r["reference"] for r in results):
        lines += ["", "reference rows, on the same prepared facts (only the evaluation is timed):",
                  f"{'size':<4} {'row':<24} {'s':>8} {'items/s':>10} {'facts/s':>10}  agreement"]
        for result in results:
            r = result["reference"]
            if not r:
                continue
            agreement = "pyeval = engine on every plan" if not r["mismatches"] else \
                f"{len(r['mismatches'])} plans differ: {r['mismatches'][:3]}"
            for label, seconds in (("durable_rules ceiling", r["ceiling"]), ("plain Python (pyeval)", r["python"])):
                lines.append(f"{result['size']:<4} {label:<24} {seconds:>8.2f} {_n(r['items'] / seconds):>10} "
                             f"{_n(r['facts'] / seconds):>10}  {agreement if 'Python' in label else ''}")
    lines += ["", "ratios:"]
    for result in results:
        p, r, size = result["pipeline"], result["reference"], result["size"]
        engine = p["stages"].get("engine", 0.0)
        parts = []
        if r:
            parts.append(f"engine stage / ceiling {engine / r['ceiling']:.2f}x (target <= 1.5)")
            parts.append(f"plain Python / ceiling {r['python'] / r['ceiling']:.1f}x")
        if engine:
            # Both per CPU second: the stage seconds are summed over the
            # workers, so dividing them by the wall time of N workers would
            # flatter the pipeline N-fold.
            parts.append(f"pipeline / engine-stage throughput {engine / p['cpu']:.2f} per CPU second (target >= 0.5)")
        if result["command"]:
            parts.append(f"whole command (median of 5) {result['command']:.2f} s = {result['command'] / 0.5:.2f} "
                         f"of the 0.5 s target")
        if size == "L":
            parts.append(f"wall {p['wall']:.1f} s = {p['wall'] / 30:.2f} of the 30 s target; "
                         f"peak {_peak(p):.0f} MB = {_peak(p) / 500:.2f} of 500 MB (main alone {p['rss_main_mb']:.0f}, "
                         f"largest worker {p['rss_worker_mb']:.0f})")
        if size == "XL":
            parts.append(f"{p['items']:,} items in {p['plans']:,} plans, {len(p['errors'])} not checked; "
                         f"wall {p['wall']:.1f} s, peak {_peak(p):.0f} MB")
        lines.append(f"  {size}: " + "; ".join(parts))
        if p["errors"]:
            lines.append(f"  {size}: plans not checked: {p['errors'][:3]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--million", action="store_true", help="also run XL: 10,000 plans, 10^6 items")
    parser.add_argument("--no-reference", action="store_true", help="skip the ceiling and plain-Python rows")
    parser.add_argument("--repeat", type=int, default=1, help="run each row this many times, keep the fastest")
    parser.add_argument("--data", type=Path, default=ROOT / ".bench")
    args = parser.parse_args(argv)
    sizes = [s.strip().upper() for s in args.sizes.split(",") if s.strip()] + (["XL"] if args.million else [])
    _compile_package()
    results = []
    for size in sizes:
        folder = data_for(size, args.data, args.jobs)
        print(f"running {size} ...", file=sys.stderr, flush=True)
        results.append(measure(size, folder, args.jobs, not args.no_reference and size != "XL", args.repeat))
    print(table(results))
    expected = {size: SIZES[size][0] * SIZES[size][1] for size in sizes}
    bad = [r["size"] for r in results if r["pipeline"]["errors"] or r["pipeline"]["items"] != expected[r["size"]]
           or (r["reference"] and r["reference"]["mismatches"])]
    if bad:
        print(f"\nNOT ALL ITEMS ACCOUNTED FOR, or pyeval disagrees: {bad}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
