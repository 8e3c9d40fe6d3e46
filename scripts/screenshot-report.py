#!/usr/bin/env python3
"""Render the example audit report in headless Chromium, screenshot it and
fail on any console error.

    python scripts/screenshot-report.py [--out docs/images/report.png] [--html /tmp/report.html]

Runs ``compliance check examples/ --as-of 2024-03-10 --format html -o HTML
--fail-on never``, then ``chromium --headless`` on the file with network
lookups mapped to nowhere (a report that needed the network would show
broken), logging to stderr. Chromium writes each console message there as
``CONSOLE(...)`` and a load failure as ``Failed to load resource``; any such
line of level ERROR, or any "Uncaught", fails the run (exit 1). Needs
Debian's chromium (apt-get install chromium) and, for the Chinese text,
a CJK font (apt-get install fonts-noto-cjk): the page uses the system's fonts.
When pngquant is installed the PNG is made smaller with it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The page has no script, so any console message at all (an error, a
# blocked load, a policy violation) is a fault; Chromium's other stderr
# lines (D-Bus, GPU on a headless machine) are about the machine.
_PAGE_ERROR = re.compile(r":CONSOLE[:(]|Uncaught|Refused to")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def render(html: Path, out: Path, size: str = "1280,2400") -> tuple[int, list[str], str]:
    """Screenshot ``html`` to ``out``; (exit status, page errors, Chromium's stderr)."""
    browser = chromium()
    if browser is None:
        raise SystemExit("chromium not found: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="report-shot-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
                   "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
                   f"--window-size={size}", f"--screenshot={out}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "LANG": "zh_CN.UTF-8"})
    errors = [line for line in done.stderr.splitlines() if _PAGE_ERROR.search(line)]
    return done.returncode, errors, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "report.png"), help="the PNG to write")
    parser.add_argument("--html", default=None, help="keep the rendered report here (default: a temporary file)")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--size", default="1280,2400", help="window size, WIDTH,HEIGHT")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        html = Path(args.html) if args.html else Path(folder) / "report.html"
        check = subprocess.run([sys.executable, "-m", "compliance.cli", "check", "examples/", "--as-of", "2024-03-10",
                                "--format", "html", "-o", str(html), "--fail-on", "never", "--lang", args.lang],
                               cwd=ROOT, capture_output=True, text=True)
        if check.returncode != 0:
            print(check.stderr, file=sys.stderr)
            return 2
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        status, errors, log = render(html, out, args.size)
    if status != 0 or not out.is_file():
        print(log, file=sys.stderr)
        print(f"chromium failed (exit {status})", file=sys.stderr)
        return 1
    for line in errors:
        print(f"page error: {line}", file=sys.stderr)
    if shutil.which("pngquant"):      # optional: a smaller PNG for the README (apt-get install pngquant)
        subprocess.run(["pngquant", "--quality", "70-95", "--force", "--skip-if-larger", "--output", str(out), str(out)],
                       capture_output=True)
    print(f"{out}: {out.stat().st_size} bytes; {len(errors)} console errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
