"""Property-based tests: whatever a plan file holds, the answer is findings or
one line on stderr naming the file, exit status 2 -- never a traceback, an
uncaught exception or a hang (SECURITY.md, "Plans are untrusted").

Inputs (tests/fuzz_strategies.py): arbitrary bytes and text as .yaml/.json
files, YAML and JSON dumped from arbitrary nested data, the bundled plans
mutated (wrong types, fields removed, unknown fields, huge strings, deep
nesting, odd Unicode, full-width dates, traditional characters, odd parent
references) in mixed encodings, ledgers (.csv, .xlsx, .docx) of anything,
and runs over several files of which one is bad.

Most cases go through ``Checker.check_file``, the path ``compliance check``
takes for each input (check.Run.check_file), for speed; the command line
itself, in process (conftest.run_cli), checks the whole pipeline: the exit
status, the JSON report and stderr.

Profiles: ``make test`` runs a bounded number of cases (derandomized when
CI is set, so a CI failure reproduces); ``make fuzz``
(HYPOTHESIS_PROFILE=fuzz) runs over 10^5.
"""

from __future__ import annotations

import codecs
import contextlib
import ctypes
import ctypes.util
import gc
import io
import itertools
import json
import os
import re
import shutil
import signal
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import fuzz_strategies as fs
from compliance.check import Checker
from compliance.errors import UserError
from compliance.findings import PlanResult
from compliance.parents import Parents
from compliance.profiles import active_rules, load_profile
from compliance.read import decode
from conftest import AS_OF, run_cli

# --- profiles -------------------------------------------------------------------

CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture]
# bounded: make test; ci: make test with CI set (the same cases every run, so
# a CI failure reproduces); fuzz: make fuzz. The number of cases is each
# test's own (cases()); a failing case is kept in .hypothesis/ and replayed
# first the next time, except in CI.
settings.register_profile("bounded", deadline=None, suppress_health_check=_QUIET, print_blob=True,
                          database=settings.default.database)
settings.register_profile("ci", parent=settings.get_profile("bounded"), derandomize=True, database=None)
settings.register_profile("fuzz", parent=settings.get_profile("bounded"))
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if CI else "bounded")
settings.load_profile(PROFILE)
FUZZ = PROFILE == "fuzz"


def cases(bounded: int, fuzz: int) -> settings:
    """A test's number of cases: bounded for ``make test``, its share of the
    10^5 for ``make fuzz`` (see FUZZ_CASES)."""
    return settings(max_examples=fuzz if FUZZ else bounded)


# The shares of make fuzz's run, by test; test_fuzz_budget checks they add up.
FUZZ_CASES = {
    "test_bytes": 12_000, "test_text": 12_000, "test_any_data": 12_000, "test_plan_shaped": 35_000,
    "test_plan_encodings": 12_000, "test_tables": 4_000, "test_cli_one_file": 8_000, "test_cli_several_files": 5_000,
}


def test_fuzz_budget() -> None:
    assert sum(FUZZ_CASES.values()) >= 100_000


# --- the oracle -----------------------------------------------------------------

# A case (a small plan, or a huge string in one) takes milliseconds, at most
# about a second; one that takes this long hangs.
HANG_SECONDS = 30

# Errors about a file as a whole: no line to point at.
WHOLE_FILE = ("file is larger than the limit", "cannot read", "is a folder")
# The engine's own failures are never the user's fault: a plan that loads must check.
INTERNAL = ("durable_rules failed", "were not accounted for", "Traceback")


def assert_error_line(line: str, name: str, suffix: str) -> None:
    """One line naming the file, with a line number where the problem has one."""
    assert line.strip(), "an empty error message"
    assert len(line.splitlines()) == 1, f"the error is not one line: {line!r}"
    assert line.startswith(name + ":"), f"the error does not start with the file name: {line!r}"
    assert not any(fault in line for fault in INTERNAL), f"an internal failure reported as bad input: {line!r}"
    rest = line[len(name):]
    if suffix in (".yaml", ".yml", ".json") and not any(whole in rest for whole in WHOLE_FILE):
        assert re.match(r":\d+(:\d+)?: \S", rest), f"no line number: {line!r}"


def items_given(data: Any) -> int | None:
    """How many items a plan's data holds, when that is plain to see."""
    if not isinstance(data, dict):
        return None
    lists = [data[key] for key in ("items", "整改任务", "任务清单", "整改清单") if key in data]
    return len(lists[0]) if len(lists) == 1 and isinstance(lists[0], list) else None


def assert_outcome(result: PlanResult, name: str, suffix: str, data: Any = None) -> None:
    """Findings for every item, or one error line for the file."""
    if result.error is not None:
        assert_error_line(result.error, name, suffix)
        assert not result.findings
        return
    assert result.file == name
    assert result.items == len(result.item_ids) == len(set(result.item_ids))
    expected = items_given(data)
    if expected is not None:
        assert result.items == expected
    known = set(result.item_ids)
    for finding in result.findings:
        assert finding.file == name
        # An accountability record's finding names the item the record concerns, which may be missing.
        assert finding.item is None or finding.item in known or finding.path.startswith("accountability"), finding
        assert finding.line >= 1 and finding.column >= 1, finding
        json.dumps(finding.as_dict(), ensure_ascii=False)
        finding.message.encode("utf-8")                 # printable: no lone surrogate
        finding.evidence.encode("utf-8")


# --- the library path ---------------------------------------------------------------

@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="compliance-fuzz-"))
    # A parent plan the mutated plans may name (plan.parent: parent.yaml).
    shutil.copy(fs.ROOT / "examples" / "county-plan.yaml", folder / "parent.yaml")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def checker(workdir: Path) -> Checker:
    # Its own Checker (conftest's is shared): check_bytes resets its parents.
    rules, _, options = active_rules(load_profile("national"))
    return Checker(rules, as_of=AS_OF, options=options, parents=Parents([workdir]))


class Hang(BaseException):
    """A BaseException, so that no ``except Exception`` of the code under test
    (a ledger reader's, the engine's) can take it for an error of the input."""


@contextlib.contextmanager
def time_limit(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """A case that runs longer than this is a hang, and fails."""
    def stop(_signum: int, _frame: Any) -> None:
        raise Hang(f"a case ran longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_bytes(checker: Checker, workdir: Path, data: bytes, suffix: str, parsed: Any = None) -> PlanResult:
    """Checks ``data`` as the file case<suffix>, the way compliance check does."""
    path = workdir / f"case{suffix}"
    path.write_bytes(data)
    # Parent plans resolve inside the folder, and no plan of an earlier case is remembered.
    checker.parents = Parents([workdir])
    with time_limit():
        result = checker.check_file(str(path))
    assert_outcome(result, str(path), suffix, parsed)
    return result


suffixes = st.sampled_from([".yaml", ".json", ".yml"])


@cases(150, FUZZ_CASES["test_bytes"])
@given(data=st.binary(max_size=400), suffix=suffixes)
@example(data=b"\xef\xbb\xbf", suffix=".yaml")
@example(data=b"\xff\xfe", suffix=".json")
@example(data=b"\xff\xfe\x00", suffix=".yaml")
@example(data=b"\xfe\xff\xd8\x00", suffix=".yaml")
@example(data=b"plan: {id: x}\nitems: []\n\xff", suffix=".yaml")
def test_bytes(checker: Checker, workdir: Path, data: bytes, suffix: str) -> None:
    check_bytes(checker, workdir, data, suffix)


@cases(150, FUZZ_CASES["test_text"])
@given(text=fs.yaml_ish_text, suffix=suffixes,
       encoding=st.sampled_from(fs.ENCODINGS))
def test_text(checker: Checker, workdir: Path, text: str, suffix: str, encoding: str) -> None:
    check_bytes(checker, workdir, fs.encode(text, encoding), suffix)


@cases(100, FUZZ_CASES["test_any_data"])
@given(value=fs.any_data, as_plan=st.booleans(), data=st.data())
def test_any_data(checker: Checker, workdir: Path, value: Any, as_plan: bool, data: st.DataObject) -> None:
    if as_plan:          # past the first check: a mapping with plan and items
        value = {"plan": value, "items": value} if data.draw(st.booleans()) else {"plan": {"id": "x"}, "items": value}
    suffix, text = data.draw(fs.serialised(value))
    check_bytes(checker, workdir, data.draw(fs.encoded(text)), suffix)


@cases(250, FUZZ_CASES["test_plan_shaped"])
@given(plan=fs.mutated_plan(), data=st.data())
def test_plan_shaped(checker: Checker, workdir: Path, plan: Any, data: st.DataObject) -> None:
    suffix, text = data.draw(fs.serialised(plan))
    check_bytes(checker, workdir, text.encode("utf-8", "surrogatepass"), suffix, plan)


@cases(100, FUZZ_CASES["test_plan_encodings"])
@given(case=fs.plan_file())
def test_plan_encodings(checker: Checker, workdir: Path, case: tuple[str, bytes, Any, str]) -> None:
    suffix, data, plan, text = case
    try:
        intact = decode(data, "case") == text       # no stray byte changed what it says
    except UserError:
        intact = False
    check_bytes(checker, workdir, data, suffix, plan if intact else None)


def test_valid_plans_in_every_encoding(checker: Checker, workdir: Path) -> None:
    """A valid plan gives the same findings in every encoding the loader reads."""
    text = (fs.ROOT / "examples" / "county-plan.yaml").read_text("utf-8")
    expected = None
    for encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "gb18030"):
        result = check_bytes(checker, workdir, fs.encode(text, encoding), ".yaml")
        assert result.error is None, (encoding, result.error)
        found = [(f.rule, f.line, f.column, f.item) for f in result.findings]
        assert expected is None or found == expected, encoding
        expected = found


CSV_HEADER = "序号,问题,整改措施,整改时限,牵头单位,责任单位,整改状态\n"


@st.composite
def table_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes): a ledger of odd cells (CSV, Excel, Word), a CSV file of
    any text under a real header, an Office file of any bytes, or a zip
    holding Office's part names and anything in them."""
    kind = draw(st.sampled_from(["ledger", "ledger", "ledger", "csv", "bytes", "zip"]))
    suffix = draw(st.sampled_from([".csv", ".xlsx", ".docx"]))
    if kind == "ledger":
        return draw(fs.ledger_file())
    if kind == "csv":
        return ".csv", fs.encode(CSV_HEADER + draw(fs.yaml_ish_text), draw(st.sampled_from(fs.ENCODINGS)))
    if kind == "zip" and suffix != ".csv":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", draw(st.binary(max_size=100)))
            archive.writestr("xl/workbook.xml" if suffix == ".xlsx" else "word/document.xml",
                             draw(fs.yaml_ish_text).encode("utf-8", "surrogatepass"))
        return suffix, buffer.getvalue()
    return suffix, draw(st.binary(max_size=300))


@cases(30, FUZZ_CASES["test_tables"])
@given(case=table_file())
def test_tables(checker: Checker, workdir: Path, case: tuple[str, bytes]) -> None:
    """Ledgers of anything: findings for every row read as an item, or one line for the file."""
    suffix, data = case
    check_bytes(checker, workdir, data, suffix)


# --- regressions: plain tests for what the fuzzing found --------------------------------

@pytest.mark.parametrize("data, line, offset", [
    (b"\xff\xfe\x00", 1, 2),                                            # UTF-16 BOM, half a character
    (codecs.BOM_UTF8 + b"plan:\n  id: \xff\n", 2, 15),
    ("plan:\n  id: x\n".encode("utf-16") + b"\x00\xd8", 3, 30),          # UTF-16, a lone surrogate
    (codecs.BOM_UTF32_LE + "a\nb\n".encode("utf-32-le") + b"\xff\xff\xff\xff", 3, 20),
])
def test_bad_text_after_a_bom_has_its_line(data: bytes, line: int, offset: int) -> None:
    # Was "case.yaml: not valid UTF-16 text (byte 2)", with no line.
    with pytest.raises(UserError) as caught:
        decode(data, "case.yaml")
    assert caught.value.line == line
    assert caught.value.message.endswith(f" text (byte {offset})")     # counted from the file's start


def test_a_dropped_engine_frees_its_ruleset(monkeypatch: pytest.MonkeyPatch) -> None:
    # Was: each Engine's compiled ruleset (about 1 MB of durable_rules' C
    # heap) stayed until the process ended; make fuzz's in-process command
    # lines grew past 20 GB and were killed for want of memory.
    from compliance import engine as engine_module

    deleted: list[int] = []
    delete = engine_module.durable.delete_ruleset

    def recording(handle: int) -> None:
        deleted.append(handle)
        delete(handle)
    monkeypatch.setattr(engine_module.durable, "delete_ruleset", recording)
    rules, _, options = active_rules(load_profile("national"))
    engine = engine_module.Engine(rules, options)
    handle = engine.handle
    del engine
    gc.collect()
    assert deleted == [handle]


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident size from /proc")
def test_engines_built_and_dropped_do_not_grow_memory() -> None:
    from compliance.engine import Engine

    def resident() -> int:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    rules, _, options = active_rules(load_profile("national"))
    Engine(rules, options)
    before = resident()
    for _ in range(30):
        Engine(rules, options)
    gc.collect()
    assert resident() - before < 12 * 2**20       # 30 leaked rulesets were about 26 MB


# --- the whole pipeline: the command line --------------------------------------------

def _malloc_trim() -> Callable[[], None]:
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):       # not glibc
        return lambda: None
    return lambda: trim(0) and None


_TRIM = _malloc_trim()
_RUNS = itertools.count(1)


def cli(*args: str, stdin: bytes | None = None, seconds: float = HANG_SECONDS) -> Any:
    """conftest.run_cli, in a time limit. Every so often, garbage is
    collected and the C heap's free memory goes back to the system: click's
    CliRunner leaves each run in a reference cycle (the SystemExit's
    traceback holds the frames that hold it), with the run's engine and its
    compiled ruleset (about 1 MB of C memory), and the collector's oldest
    generation comes round rarely; glibc then keeps what was freed. Without
    this make fuzz's 10^4 in-process runs grew to over 20 GB; a run of the
    command is a process of its own and never does."""
    if next(_RUNS) % 25 == 0:
        gc.collect()
        _TRIM()
    with time_limit(seconds):
        return run_cli(*args, stdin=stdin)


def run_json(*paths: str, stdin: bytes | None = None) -> tuple[Any, int, list[str]]:
    """compliance check --format json, in process: the report, the status, stderr's lines."""
    result = cli("check", *paths, "--format", "json", "--as-of", AS_OF.isoformat(), "--no-config", "--jobs", "1",
                 stdin=stdin, seconds=HANG_SECONDS * len(paths))
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr)
    report = json.loads(result.stdout)
    return report, result.exit_code, result.stderr.splitlines()


def assert_report(report: Any, status: int, stderr: list[str], names: list[str],
                  expected: dict[str, PlanResult]) -> None:
    """The report accounts for every input and every item; stderr has one line per bad input."""
    assert sorted(plan["file"] for plan in report["plans"]) == sorted(names)
    bad = [plan for plan in report["plans"] if plan["error"]]
    assert len(stderr) == len(bad), stderr
    for line, plan in zip(stderr, bad):
        assert line == plan["error"]
        assert_error_line(line, plan["file"], Path(plan["file"]).suffix)
    for plan in report["plans"]:
        library = expected[plan["file"]]
        assert plan["error"] == library.error
        if not plan["error"]:
            assert plan["items"] == library.items
            found = sorted((f["rule"], f["line"], f["column"], f["item"]) for f in report["findings"]
                           if f["file"] == plan["file"])
            assert found == sorted((f.rule, f.line, f.column, f.item) for f in library.findings)
    errors = [f for f in report["findings"] if f["severity"] == "error" and not f.get("waived")]
    assert sum(report["summary"][s] for s in ("error", "warning", "info")) == \
        len([f for f in report["findings"] if not f.get("waived")])
    assert status == (2 if bad else 1 if errors else 0), (status, stderr)


OTHER_FORMATS = ("text", "sarif", "junit", "github", "markdown", "html", "xlsx")


@cases(30, FUZZ_CASES["test_cli_one_file"])
@given(case=st.one_of(fs.plan_file(), st.tuples(suffixes, st.binary(max_size=200))),
       fmt=st.sampled_from(OTHER_FORMATS))
def test_cli_one_file(checker: Checker, workdir: Path, case: tuple[Any, ...], fmt: str) -> None:
    """The command line on one file: the JSON report, and another format, from the same plan."""
    suffix, data = case[:2]
    expected = check_bytes(checker, workdir, data, suffix)
    name = str(workdir / f"case{suffix}")
    report, status, stderr = run_json(name)
    assert_report(report, status, stderr, [name], {name: expected})
    if suffix != ".json":
        # The same bytes on standard input (read as YAML): the same plan, or the same error.
        piped, piped_status, piped_stderr = run_json("-", stdin=data)
        [plan] = piped["plans"]
        assert plan["file"] == "<stdin>"
        assert (plan["items"], piped_stderr) == (expected.items, [line.replace(name, "<stdin>", 1) for line in stderr])
        assert piped_status == 2 if stderr else piped_status in (0, 1)
    output = workdir / "report.out"
    result = cli("check", name, "--format", fmt, "--output", str(output), "--as-of", AS_OF.isoformat(),
                 "--no-config", "--jobs", "1")
    assert (result.exit_code, result.stderr.splitlines()) == (status, stderr)
    written = output.read_bytes()
    if fmt == "sarif":
        json.loads(written)
    elif fmt == "junit":
        ElementTree.fromstring(written)
    elif fmt == "xlsx":
        assert written.startswith(b"PK")
    else:
        written.decode("utf-8")


BAD_FILES = st.one_of(
    st.tuples(suffixes, st.binary(max_size=100)),
    st.tuples(suffixes, st.sampled_from([b"", b"plan: [\n", b"{\"plan\": 1,}", b"\x00\x01", b"plan: !!python/name:os.system\n",
                                         b"- 1\n- 2\n", b"plan: {id: x}\nitems: [{id: 1}, {id: 1}]\n",
                                         "plan: {id: x}\nitems: [{id: '\udc80'}]\n".encode("utf-8", "surrogatepass")])),
    fs.plan_file().map(lambda case: case[:2]),
)


@cases(20, FUZZ_CASES["test_cli_several_files"])
@given(good=st.lists(fs.plan_data(), min_size=1, max_size=3), bad=BAD_FILES, at=st.integers(0, 3))
def test_cli_several_files(checker: Checker, workdir: Path, good: list[Any], bad: tuple[str, bytes],
                           at: int) -> None:
    """One bad file among good ones: the others are still checked and reported."""
    folder = Path(tempfile.mkdtemp(dir=workdir))
    try:
        files = [(f"good{i}.yaml", yaml.safe_dump(plan, allow_unicode=True).encode("utf-8"))
                 for i, plan in enumerate(good)]
        files.insert(min(at, len(files)), (f"bad{bad[0]}", bad[1]))
        names, expected = [], {}
        for file, data in files:
            checker.parents = Parents([folder])
            path = folder / file
            path.write_bytes(data)
            names.append(str(path))
            expected[str(path)] = checker.check_file(str(path))
            assert_outcome(expected[str(path)], str(path), path.suffix)
        for name in names:
            if Path(name).name.startswith("good"):
                assert expected[name].error is None, expected[name].error
        report, status, stderr = run_json(*names)
        assert_report(report, status, stderr, names, expected)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
