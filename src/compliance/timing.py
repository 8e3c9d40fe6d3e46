"""Optional stage timing, for benchmarks/run.py.

Off unless :func:`enable` is called; then the pipeline's stages (load and
validate, normalise, engine, report) add the CPU seconds they take to a
per-process total. CPU time, not wall time: on a shared machine another
process's load would otherwise be counted in whichever stage it
interrupted (benchmarks/run.py times its reference rows the same way). Worker processes (compliance.parallel) send theirs back
with their results, so a parallel run's totals are summed over processes.
When off, :func:`stage` costs one global lookup.
"""

from __future__ import annotations

import time
from typing import Any

STAGES = ("load", "normalise", "engine", "report")

_totals: dict[str, float] | None = None


class _Stage:
    __slots__ = ("name", "start")

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        self.start = time.process_time()

    def __exit__(self, *_: Any) -> None:
        if _totals is not None:
            _totals[self.name] = _totals.get(self.name, 0.0) + time.process_time() - self.start


class _Off:
    __slots__ = ()

    def __enter__(self) -> None:
        pass

    def __exit__(self, *_: Any) -> None:
        pass


_OFF = _Off()


def stage(name: str) -> Any:
    """A context manager adding its duration to stage ``name`` (when timing is on)."""
    return _OFF if _totals is None else _Stage(name)


def enable() -> None:
    global _totals
    if _totals is None:
        _totals = {}


def enabled() -> bool:
    return _totals is not None


def take() -> dict[str, float]:
    """This process's totals since the last take, and start again from zero."""
    global _totals
    if _totals is None:
        return {}
    found, _totals = _totals, {}
    return found


def add(totals: dict[str, float]) -> None:
    """Add another process's totals to this one's."""
    if _totals is not None:
        for name, seconds in totals.items():
            _totals[name] = _totals.get(name, 0.0) + seconds


def totals() -> dict[str, float]:
    return dict(_totals or {})
