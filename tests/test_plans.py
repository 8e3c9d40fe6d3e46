"""Whole plans written the way real ones are, marked like the shared example:
a trailing ``# expect: <requirement>`` names what a correct checker reports
on that line. For the four requirements users named first, the findings
must be exactly the marked lines: no miss, no false alarm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance.parents import Parents
from conftest import EXAMPLE, findings_of

NAMED = {"no-blanket-shutdown", "deadline-and-owner", "no-accountability-substitution", "simplified-hosting"}
EXAMPLES = sorted(EXAMPLE.parent.glob("*.yaml"))
PLANS = sorted((Path(__file__).parent / "plans").glob("*.yaml")) + EXAMPLES
_EXPECT = re.compile(r"#\s*expect:\s*([\w\-, ]+)")


def _expected(text: str) -> set[tuple[int, str]]:
    marked = set()
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            marked |= {(number, key) for key in re.split(r"[,\s]+", match.group(1)) if key in NAMED}
    return marked


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_marked_lines_are_exactly_the_findings(checker, path):
    text = path.read_text(encoding="utf-8-sig")
    found = {(f.line, f.requirement) for f in findings_of(checker, text, path.name) if f.requirement in NAMED}
    assert sorted(found) == sorted(_expected(text))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_findings_are_exactly_its_marked_lines(checker, path):
    """The bundled examples (the shared county plan, the city ledger) mark
    every finding a correct checker reports, of any requirement; unmarked
    items are compliant."""
    text = path.read_text(encoding="utf-8")
    marked = {(number, match.group(1).split()[0]) for number, line in enumerate(text.splitlines(), start=1)
              if (match := _EXPECT.search(line))}
    assert sorted((f.line, f.requirement) for f in findings_of(checker, text)) == sorted(marked)


REVIEW3 = sorted((Path(__file__).parent / "plans").glob("review3-*.yaml"))


def _all_marked(text: str) -> set[tuple[int, str]]:
    """Every (line, requirement) a line's ``# expect:`` names, of any requirement."""
    return {(number, key) for number, line in enumerate(text.splitlines(), start=1)
            if (match := _EXPECT.search(line)) for key in re.split(r"[,\s]+", match.group(1)) if key}


@pytest.mark.parametrize("path", REVIEW3, ids=lambda p: p.name)
def test_review3_findings_are_exactly_its_marked_lines(checker, path):
    """The third held-out review's plans (a province, a city implementing it,
    a county ledger implementing the city, a department) mark every finding
    of every requirement, as the bundled examples do. Each is checked as a
    file in its folder, so that its parent plan resolves beside it."""
    text = path.read_text(encoding="utf-8")
    saved, checker.parents = checker.parents, Parents([path.parent])
    try:
        found = {(f.line, f.requirement) for f in findings_of(checker, text, str(path))}
    finally:
        checker.parents = saved
    assert sorted(found) == sorted(_all_marked(text))
