"""Shared helpers: a compiled checker and plans built from small fragments.

The fixture plan and the way a rule example becomes a plan live in
compliance.ruletests (``compliance test-rules`` uses them too); they are
re-exported here under the names the tests import.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from compliance.check import Checker
from compliance.findings import Finding
from compliance.profiles import active_rules, load_profile
from compliance.ruletests import (  # noqa: F401  (re-exported for the tests)
    AS_OF,
    BASE_ITEM,
    BASE_PLAN,
    example_findings,
    fragment_plan,
    plan_of,
    plan_yaml,
)

# The tests' start-up cache (compliance.startcache) is their own, not the
# user's: set before any test reads a rule, and inherited by every command run.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="compliance-test-cache-")
os.environ.pop("COMPLIANCE_NO_CACHE", None)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE = ROOT / "examples" / "county-plan.yaml"


@pytest.fixture(scope="session")
def checker() -> Checker:
    return checker_for("national")


@functools.lru_cache(maxsize=None)
def checker_for(profile: str) -> Checker:
    rules, _, options = active_rules(load_profile(profile))
    return Checker(rules, as_of=AS_OF, options=options)


def findings_of(checker: Checker, text: str, name: str = "plan.yaml") -> list[Finding]:
    result = checker.check_text(text, name)
    assert result.error is None, result.error
    return result.findings


def run_cli(*args: str, stdin: bytes | None = None) -> Result:
    """The command line run in-process: an uncaught exception or a traceback
    in its output fails the test, whatever the command."""
    from compliance.cli import main

    result = CliRunner().invoke(main, list(args), input=stdin)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"uncaught {result.exception!r}")
    assert b"Traceback" not in result.stdout_bytes + result.stderr_bytes
    return result


def durable_actions(handle: int, state: str) -> list[dict[str, Any]]:
    """Every action durable_rules has ready for ``state``, taken and
    completed in turn, for tests that probe the engine without Engine."""
    import durable_rules_engine as durable

    fired = []
    started = durable.start_action_for_state(handle, state)
    while started:
        fired.append(json.loads(started[1]))
        following = durable.complete_and_start_action(handle, state)
        started = (None, following) if following else durable.start_action_for_state(handle, state)
    return fired
