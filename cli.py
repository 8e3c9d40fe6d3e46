#!/usr/bin/env python3
"""Runs the same command line as the installed ``compliance`` command, from a checkout."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from compliance.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
