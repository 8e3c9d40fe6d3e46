"""The same inputs, the same report bytes: whatever order the inputs are
named in or found on disk, whatever the platform's path separator; and a
report file is replaced whole or not at all. (Across --jobs and repeated
runs over many plans: tests/test_parallel.py.)
"""

from __future__ import annotations

import io
import json
import os
import pathlib
import shutil
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from compliance import check, cli
from compliance.check import shown_name
from compliance.errors import UserError
from conftest import EXAMPLE, ROOT, run_cli

AS_OF = ["--as-of", "2024-03-10"]
OFFICE = ROOT / "tests" / "data" / "office"
FORMATS = {"json": "r.json", "sarif": "r.sarif", "junit": "r.xml", "github": "r.github", "markdown": "r.md",
           "html": "r.html", "xlsx": "r.xlsx"}
CONFIG = """\
waivers:
  - {plan: example-county-2024, item: "5", rule: NAS001, reason: 问责后整改已启动, approved_by: 县整改办, expires: 2099-12-31}
  - {plan: example-county-2024, item: "1", rule: SH001, reason: 无此问题, approved_by: 县整改办, expires: 2099-12-31}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """YAML plans, the three kinds of ledger, and a file that cannot be read."""
    plans = tmp_path / "plans"
    (plans / "ledgers").mkdir(parents=True)
    for source in [*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/plans/*.yaml")][:6]:
        shutil.copy(source, plans / source.name)
    for name in ("county-plan.xlsx", "county-plan.docx", "county-plan-utf8.csv"):
        shutil.copy(OFFICE / name, plans / "ledgers" / name)
    (plans / "broken.yaml").write_text("plan: {id: broken\nitems: [\n", encoding="utf-8")
    return tmp_path


def reports(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, bytes]:
    """Every format's report of one run (text on stdout, the others to files)."""
    monkeypatch.chdir(folder)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    outputs = [arg for fmt, name in FORMATS.items() for arg in ("--format", fmt, "-o", str(out / name))]
    result = run_cli("check", *args, *AS_OF, "--no-config", *outputs, "--format", "text")
    assert result.exit_code == 2 and result.stderr.startswith("plans/broken.yaml:"), result.output
    found = {name: (out / name).read_bytes() for name in FORMATS.values()}
    found["text"] = result.stdout_bytes
    return found


def _names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in (folder / "plans").rglob("*") if p.is_file())


def test_the_order_on_the_command_line_changes_no_byte(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = reports(folder, monkeypatch, "plans", "--jobs", "1")
    report = json.loads(first["r.json"])
    files = [plan["file"] for plan in report["plans"]]
    assert files == sorted(files, key=lambda name: name.split("/")) and len(files) == 10
    names = _names(folder)
    assert reports(folder, monkeypatch, *names, "--jobs", "1") == first
    assert reports(folder, monkeypatch, *reversed(names), "--jobs", "2") == first
    assert reports(folder, monkeypatch, "plans/ledgers", *names[4:], *names[:4], "plans/ledgers/county-plan.xlsx",
                   "--jobs", "1") == first


def test_the_order_found_on_disk_changes_no_byte(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever order the file system lists a folder in."""
    first = reports(folder, monkeypatch, "plans", "--jobs", "1")
    real = pathlib.Path.rglob

    def backwards(self: Path, pattern: str):
        return reversed(list(real(self, pattern)))

    monkeypatch.setattr(pathlib.Path, "rglob", backwards)
    assert [str(p) for p in Path("plans").rglob("*")] == [str(p) for p in reversed(list(real(Path("plans"), "*")))]
    assert reports(folder, monkeypatch, "plans", "--jobs", "1") == first


# --- forward slashes ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "sep", "shown"), [
    ("plans\\sub\\county.yaml", "\\", "plans/sub/county.yaml"),
    (str(PureWindowsPath("plans") / "sub" / "整改台账.xlsx"), "\\", "plans/sub/整改台账.xlsx"),
    ("C:\\plans\\a.yaml", "\\", "C:/plans/a.yaml"),
    ("plans/sub/county.yaml", "/", "plans/sub/county.yaml"),
    ("odd\\name.yaml", "/", "odd\\name.yaml"),        # on POSIX a backslash is part of the name
    ("-", "\\", "<stdin>"),
])
def test_shown_name(name: str, sep: str, shown: str) -> None:
    assert shown_name(name, sep) == shown


def _every_text(found: dict[str, bytes]) -> str:
    """Every report as text, the workbook's XML parts included."""
    texts = [data.decode("utf-8") for name, data in found.items() if name != "r.xlsx"]
    with zipfile.ZipFile(io.BytesIO(found["r.xlsx"])) as book:
        texts += [book.read(part).decode("utf-8") for part in book.namelist() if part.endswith(".xml")]
    return "\n".join(texts)


def test_reports_use_forward_slashes_whatever_the_separator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on Windows: the separator made a backslash, and files whose names
    hold one (which POSIX allows) standing for files in folders."""
    monkeypatch.setattr(check.shown_name, "__defaults__", ("\\",))
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "plans\\county.yaml")
    (tmp_path / "conf\\compliance.yaml").write_text(CONFIG, encoding="utf-8")
    common = ["plans\\county.yaml", *AS_OF, "--config", "conf\\compliance.yaml"]
    written = run_cli("check", *common, "--write-baseline", "base\\line.json")
    assert written.exit_code == 0, written.output
    out = tmp_path / "out"
    out.mkdir()
    outputs = [arg for fmt, name in FORMATS.items() for arg in ("--format", fmt, "-o", str(out / name))]
    result = run_cli("check", *common, "--baseline", "base\\line.json", *outputs, "--format", "text")
    # The baseline hides what stands; the waived finding and the waiver that
    # matches nothing (WVR005, at the configuration) are never baselined.
    assert result.exit_code == 0, result.output
    found = {name: (out / name).read_bytes() for name in FORMATS.values()} | {"text": result.stdout_bytes}
    report = json.loads(found["r.json"])
    assert [plan["file"] for plan in report["plans"]] == ["plans/county.yaml"]
    assert {f["file"] for f in report["findings"]} == {"plans/county.yaml", "conf/compliance.yaml"}
    assert {f["waived"]["file"] for f in report["findings"] if f["waived"]} == {"conf/compliance.yaml"}
    manifest = report["manifest"]
    assert (manifest["config"]["file"], manifest["baseline"]["file"]) == ("conf/compliance.yaml", "base/line.json")
    assert report["baseline"]["file"] == "base/line.json"
    everything = _every_text(found)
    for name in ("plans", "conf", "base"):
        assert f"{name}/" in everything
        assert f"{name}\\" not in everything and f"{name}\\\\" not in everything, name


# --- atomic writes ------------------------------------------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "report.json")


_REAL_FDOPEN = os.fdopen


class _Breaking(io.RawIOBase):
    """A file that takes some bytes, then fails the way it is told to."""

    def __init__(self, handle: int, failure: BaseException) -> None:
        self.real = _REAL_FDOPEN(handle, "wb")
        self.failure = failure

    def write(self, data) -> int:
        self.real.write(bytes(data)[:100])
        self.real.flush()
        raise self.failure

    def close(self) -> None:
        self.real.close()
        super().close()


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), RuntimeError("the renderer failed"), MemoryError()])
def test_a_report_interrupted_while_written_leaves_the_old_one(tmp_path: Path, monkeypatch, failure) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda handle, mode="r", *a, **k: _Breaking(handle, failure)
                        if mode == "wb" else real_fdopen(handle, mode, *a, **k))
    with pytest.raises(type(failure)):
        cli._emit("x" * 10_000, str(target))
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert _leftovers(tmp_path) == []


def _disk_full(*_: object) -> None:
    raise OSError(28, "No space left on device")


def test_a_report_that_cannot_be_renamed_into_place(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")

    monkeypatch.setattr(cli.os, "replace", _disk_full)
    with pytest.raises(UserError, match="cannot write the report: No space left on device"):
        cli._emit(b"new", str(target))
    assert target.read_text(encoding="utf-8") == '{"old": true}\n' and _leftovers(tmp_path) == []


def test_the_command_line_keeps_the_old_report_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    """One line and exit 2, not a traceback; the old report, no temporary file."""
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")

    monkeypatch.setattr(cli.os, "replace", _disk_full)
    result = run_cli("check", str(EXAMPLE), *AS_OF, "--format", "json", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"compliance: {target}: cannot write the report: No space left on device\n"
    assert target.read_text(encoding="utf-8") == '{"old": true}\n' and _leftovers(tmp_path) == []


def test_ctrl_c_while_the_command_line_writes(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda handle, mode="r", *a, **k: _Breaking(handle, KeyboardInterrupt())
                        if mode == "wb" else real_fdopen(handle, mode, *a, **k))
    result = run_cli("check", str(EXAMPLE), *AS_OF, "--format", "json", "-o", str(target))
    monkeypatch.undo()
    assert result.exit_code != 0 and "Aborted" in result.stderr
    assert target.read_text(encoding="utf-8") == '{"old": true}\n' and _leftovers(tmp_path) == []


def test_a_report_gets_the_mode_of_a_file_written_the_usual_way(tmp_path: Path) -> None:
    """Not mkstemp's private 0600: a CI job's reports are read by others."""
    target = tmp_path / "report.json"
    mask = os.umask(0o022)
    try:
        cli._emit("{}\n", str(target))
    finally:
        os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o644
