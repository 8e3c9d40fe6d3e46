"""A batch run shows a progress bar on a terminal, and none in a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COMPLIANCE = str(Path(sys.executable).parent / "compliance")
ARGS = [COMPLIANCE, "check", "examples", "tests/plans", "--as-of", "2024-03-10", "--fail-on", "never",
        "--format", "json"]
ROOT = Path(__file__).resolve().parent.parent


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    primary, secondary = os.openpty()
    with open(tmp_path / "out.json", "wb") as out:
        status = subprocess.run(ARGS, cwd=ROOT, stdout=out, stderr=secondary, timeout=120).returncode
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert status == 0
    assert b"compliance  [" in shown and b"/1" in shown
    piped = subprocess.run(ARGS, cwd=ROOT, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""
    # The report is the same either way.
    assert (tmp_path / "out.json").read_bytes() == piped.stdout
