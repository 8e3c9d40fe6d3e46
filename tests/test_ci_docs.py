"""docs/ci.md, tried here by running the same commands.

The snippets of docs/ci.md are marked ``<!-- ci-snippet: NAME -->`` just
above their fenced block. From the GitHub Actions workflow (every step's
``run:``) and the GitLab CI jobs (every ``script:`` and ``before_script:``)
each line that starts with ``compliance `` is run, as written, with the
``compliance`` of this environment, in a copy of the example plan repository
``tests/data/repository``; the only other lines those snippets may hold are
``pip install`` lines, which install what is already installed here.

One change is made, and it is the only one: ``compliance check`` commands
get ``--as-of 2024-03-10`` appended. The snippets have no ``--as-of`` (CI
must judge deadlines and waiver expiry as of the day it runs), but the
example repository is frozen in early 2024: its items fall due in 2024 and
its configuration's waiver expires on 2024-06-30, so checked today it fails
(OVD001, WVR002), as ``test_without_as_of_the_fixture_fails_today`` shows.
That failure is what the page says CI is for; the commands are checked as
of the date the example was written for.

The pre-commit hooks (.pre-commit-hooks.yaml) are checked to name real
commands, and run the way pre-commit runs them (entry, then the file names)
on the files the documented ``files:`` pattern selects. The annotated
``.compliance.yaml`` of the page must load to the same data as the
example's.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ci.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
FIXTURE = ROOT / "tests" / "data" / "repository"
COMPLIANCE = Path(sys.executable).parent / "compliance"
AS_OF = "2024-03-10"


# --------------------------------------------------------------------------- the page

def snippet(name: str) -> tuple[str, str]:
    """(language, text) of the fenced block marked ``<!-- ci-snippet: name -->``."""
    found = re.findall(r"<!-- ci-snippet: " + re.escape(name) + r" -->\n```(\w+)\n(.*?)^```",
                       DOC.read_text(encoding="utf-8"), flags=re.DOTALL | re.MULTILINE)
    assert len(found) == 1, f"docs/ci.md: expected one block marked ci-snippet: {name}, found {len(found)}"
    return found[0]


def yaml_snippet(name: str):
    language, text = snippet(name)
    assert language == "yaml"
    return yaml.safe_load(text)


def shell_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def github_lines() -> list[str]:
    workflow = yaml_snippet("github-actions")
    return [line for job in workflow["jobs"].values() for step in job["steps"]
            for line in shell_lines(step.get("run", ""))]


def gitlab_lines() -> list[str]:
    config = yaml_snippet("gitlab-ci")
    lines = []
    for job in config.values():
        if isinstance(job, dict):
            for key in ("before_script", "script", "after_script"):
                for entry in job.get(key, []):
                    lines += shell_lines(entry)
    return lines


def compliance_commands(lines: list[str]) -> list[str]:
    """The lines that invoke compliance; any other line must be a pip install."""
    for line in lines:
        assert line.startswith(("compliance ", "pip install ")), f"a CI command this test does not run: {line}"
    return [line for line in lines if line.startswith("compliance ")]


def outputs(command: str) -> dict[str, str]:
    """format -> output file of a check command (the n-th --format to the n-th --output)."""
    args = shlex.split(command)
    formats = [args[i + 1] for i, arg in enumerate(args) if arg == "--format"]
    files = [args[i + 1] for i, arg in enumerate(args) if arg in ("--output", "-o")]
    return dict(zip(formats, files))


# --------------------------------------------------------------------------- running

@pytest.fixture()
def repository(tmp_path: Path) -> Path:
    copy = tmp_path / "plans-repository"
    shutil.copytree(FIXTURE, copy)
    return copy


def run(command: str, cwd: Path, as_of: bool = True) -> subprocess.CompletedProcess:
    args = shlex.split(command)
    assert args[0] == "compliance"
    if as_of and args[1] == "check":
        args += ["--as-of", AS_OF]
    return subprocess.run([str(COMPLIANCE), *args[1:]], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)


def assert_report(fmt: str, path: Path) -> None:
    assert path.is_file(), f"{path.name} was not written"
    text = path.read_text(encoding="utf-8")
    if fmt == "sarif":
        sarif = json.loads(text)
        assert sarif["version"] == "2.1.0"
        assert sarif["runs"][0]["tool"]["driver"]["name"] == "compliance"
    elif fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag in ("testsuites", "testsuite")
        assert root.iter("testcase")
    elif fmt == "markdown":
        assert text.strip() and "|" in text
    elif fmt == "json":
        assert "findings" in json.loads(text)
    else:
        raise AssertionError(f"no check for format {fmt}")


def test_compliance_is_next_to_the_interpreter():
    assert COMPLIANCE.is_file(), COMPLIANCE
    result = subprocess.run([str(COMPLIANCE), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("check", "validate", "test-rules", "explain"):  # every command the page names
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


# --------------------------------------------------------------------------- GitHub Actions

def test_github_actions_snippet_is_wired_up():
    workflow = yaml_snippet("github-actions")
    assert workflow["permissions"]["security-events"] == "write"
    steps = workflow["jobs"]["compliance"]["steps"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    assert uses["actions/setup-python"]["with"]["python-version"] == "3.11"
    upload = uses["github/codeql-action/upload-sarif"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["if"] == "always()"
    check = next(c for c in compliance_commands(github_lines()) if c.startswith("compliance check"))
    assert outputs(check)["sarif"] == upload["with"]["sarif_file"]
    assert shlex.split(check).count("--format") == 2  # sarif to the file, github to stdout


def test_github_actions_commands(repository: Path):
    commands = compliance_commands(github_lines())
    assert any(c.startswith("compliance check ") for c in commands)
    assert "compliance test-rules rules/office" in commands
    for command in commands:
        result = run(command, repository)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        if command.startswith("compliance check"):
            for fmt, name in outputs(command).items():
                assert_report(fmt, repository / name)
            annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
            assert any(line.startswith("::notice file=plans/shuangqiao.yaml,line=60,") for line in annotations)
        else:
            assert "0 failed" in result.stdout, result.stdout


# --------------------------------------------------------------------------- GitLab CI

def test_gitlab_snippet_is_wired_up():
    config = yaml_snippet("gitlab-ci")
    job = config["compliance"]
    check = next(c for c in compliance_commands(gitlab_lines()) if c.startswith("compliance check"))
    files = outputs(check)
    assert {"junit", "markdown"} <= set(files)
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == files["junit"]
    assert set(files.values()) <= set(job["artifacts"]["paths"])


def test_gitlab_commands(repository: Path):
    commands = compliance_commands(gitlab_lines())
    assert any(c.startswith("compliance check ") for c in commands)
    assert "compliance test-rules rules/office" in commands
    for command in commands:
        result = run(command, repository)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        for fmt, name in outputs(command).items():
            assert_report(fmt, repository / name)
    # what the page says of this repository as of 2024-03-10
    report = json.loads((repository / "compliance.json").read_text(encoding="utf-8"))
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1, "waived": 2}
    assert [f["rule"] for f in report["findings"] if not f.get("waived")] == ["PHL001"]
    assert report["baseline"]["matched"] == 1


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_json_report_recipes(repository: Path):
    check = next(c for c in compliance_commands(gitlab_lines()) if c.startswith("compliance check"))
    assert run(check, repository).returncode == 0
    for line in shell_lines(snippet("json-report")[1]):
        result = subprocess.run(["bash", "-c", line], cwd=repository, capture_output=True, text=True)
        assert result.returncode == 0, f"{line}\n{result.stderr}"
        if "select(.waived == null)" in line:
            assert result.stdout.startswith("plans/shuangqiao.yaml:60  info  PHL001")


def test_without_as_of_the_fixture_fails_today(repository: Path):
    """Why the check commands above get --as-of: today the example's items are overdue and its waiver expired."""
    check = next(c for c in compliance_commands(gitlab_lines()) if c.startswith("compliance check"))
    result = run(check, repository, as_of=False)
    assert result.returncode == 1
    report = json.loads((repository / "compliance.json").read_text(encoding="utf-8"))
    assert {"OVD001", "WVR002"} <= {finding["rule"] for finding in report["findings"]}


# --------------------------------------------------------------------------- baseline

def test_baseline_adoption(repository: Path):
    # a legacy repository: no baseline yet, and the item with a vague deadline (DAO002) fails the run
    config = repository / ".compliance.yaml"
    configured = config.read_text(encoding="utf-8")
    assert "baseline: .compliance-baseline.json\n" in configured
    config.write_text(configured.replace("baseline: .compliance-baseline.json\n", ""), encoding="utf-8")
    (repository / ".compliance-baseline.json").unlink()
    assert run("compliance check", repository).returncode == 1
    language, text = snippet("baseline")
    lines = shell_lines(text)
    assert all(line.startswith(("compliance ", "git ")) for line in lines)
    for command in compliance_commands([line for line in lines if not line.startswith("git ")]):
        result = run(command, repository)
        assert result.returncode == 0, result.stderr
    baseline = json.loads((repository / ".compliance-baseline.json").read_text(encoding="utf-8"))
    assert ("shuangqiao-2024", "2", "DAO002") in {(e["plan"], e["item"], e["rule"]) for e in baseline["findings"]}
    # then the configuration names it, and only new findings fail the run
    config.write_text(configured, encoding="utf-8")
    assert run("compliance check", repository).returncode == 0
    # a baseline that is named but missing is an input that cannot be used
    (repository / ".compliance-baseline.json").rename(repository / "saved.json")
    result = run("compliance check", repository)
    assert result.returncode == 2 and "baseline not found" in result.stderr
    (repository / "saved.json").rename(repository / ".compliance-baseline.json")
    # fixing the item lists the entry as fixed; the run still passes
    plan = repository / "plans" / "shuangqiao.yaml"
    plan.write_text(re.sub(r"deadline: 尽快.*", "deadline: 2024-12-31", plan.read_text(encoding="utf-8")),
                    encoding="utf-8")
    result = run("compliance check --format json", repository)
    assert result.returncode == 0
    fixed = json.loads(result.stdout)["baseline"]["fixed"]
    assert [(e["plan"], e["item"], e["rule"]) for e in fixed] == [("shuangqiao-2024", "2", "DAO002")]


# --------------------------------------------------------------------------- pre-commit

def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def test_pre_commit_hooks_name_real_commands():
    by_id = hooks()
    assert set(by_id) == {"compliance", "compliance-validate"}
    assert by_id["compliance"]["entry"] == "compliance check"
    assert by_id["compliance-validate"]["entry"] == "compliance validate"
    assert by_id["compliance"]["require_serial"] is True
    for hook in by_id.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True
        args = shlex.split(hook["entry"])
        assert args[0] == "compliance"
        result = subprocess.run([str(COMPLIANCE), *args[1:], "--help"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
        for name in ("plans/a.yaml", "plans/a.yml", "ledgers/b.json"):
            assert files.search(name) and not exclude.search(name)
        for name in ("README.md", "report.sarif"):
            assert not files.search(name)
        for name in (".pre-commit-config.yaml", ".gitlab-ci.yml", ".github/workflows/compliance.yml"):
            assert exclude.search(name)


def fixture_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def test_pre_commit_snippet_runs_like_pre_commit(repository: Path):
    """pre-commit runs `entry args... file...` in the repository root with the files that match."""
    config = yaml_snippet("pre-commit")
    (repo,) = config["repos"]
    by_id = hooks()
    for hook in repo["hooks"]:
        manifest = by_id[hook["id"]]
        files = re.compile(hook.get("files", manifest["files"]))
        exclude = re.compile(hook.get("exclude", manifest["exclude"]))
        chosen = [name for name in fixture_files(repository) if files.search(name) and not exclude.search(name)]
        assert "plans/shuangqiao.yaml" in chosen and not any(name.startswith("rules/") for name in chosen)
        command = " ".join([manifest["entry"], *hook.get("args", []), *map(shlex.quote, chosen)])
        result = run(command, repository)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def test_pre_commit_claims_of_the_page(repository: Path):
    # the configuration and the baseline are skipped, and exclude: applies, when passed by name
    result = run("compliance check --format json .compliance.yaml .compliance-baseline.json plans/drafts/wip.yaml",
                 repository)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["plans"] == []
    # so are the files of the configuration's rule packs: --all-files passes them too
    manifest = hooks()["compliance"]
    files, exclude = re.compile(manifest["files"]), re.compile(manifest["exclude"])
    everything = [name for name in fixture_files(repository) if files.search(name) and not exclude.search(name)]
    assert "rules/office/OFF001.yaml" in everything
    result = run("compliance check --format json " + " ".join(everything), repository)
    assert result.returncode == 0, result.stderr
    assert [plan["file"] for plan in json.loads(result.stdout)["plans"]] == [
        "ledgers/shuangqiao-ledger.yaml", "plans/shuangqiao.yaml"]
    # any other YAML that is not a plan is an input that cannot be used: hence files: in the snippet
    (repository / "notes.yaml").write_text("会议纪要: 无\n", encoding="utf-8")
    result = run("compliance check notes.yaml plans/shuangqiao.yaml", repository)
    assert result.returncode == 2
    assert "notes.yaml:1:1: schema: $: 'plan' is a required property" in result.stderr


# --------------------------------------------------------------------------- .compliance.yaml

def test_annotated_configuration_is_the_fixtures():
    documented = yaml_snippet("compliance-yaml")
    fixture = yaml.safe_load((FIXTURE / ".compliance.yaml").read_text(encoding="utf-8"))
    assert documented == fixture
