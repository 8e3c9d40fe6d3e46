"""Checking many plans in parallel processes (``compliance check --jobs N``).

Plans are independent: each is checked in its own engine state, and a
child plan's parent is read from disk when it is not at hand
(compliance.parents), so a plan's findings do not depend on which process
checked it or what that process checked before. Each worker process builds
the run's rules and engines once, in its initializer, then takes plan
file names in chunks; results come back in input order, so the report is
the same, byte for byte, whatever the number of processes.

Plans are streamed: the names are submitted a few chunks at a time (never
all at once), and only the results (a PlanResult: findings, ids, hashes)
come back; no process keeps the plans it has checked.

``--jobs 1``, a single input, or standard input among the inputs (which a
worker cannot read) check in this process, with no pool.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from . import timing
from .errors import UserError

if TYPE_CHECKING:
    from .check import Run
    from .findings import PlanResult

# Plans per task, and tasks in flight per worker: enough to keep every
# worker busy while results are taken in order, few enough that the names
# and results waiting in queues stay small.
CHUNK = 4
AHEAD = 3

Setup = list[tuple[Callable[..., Any], tuple[Any, ...]]]

# How worker processes start: None picks fork where the platform has it
# (quickest: the rules already read come along), else spawn; results do
# not depend on it (tests run both).
START_METHOD: str | None = None


def default_jobs() -> int:
    """The number of processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_files(run: Run, names: list[str], jobs: int | None = None, setup: Setup | None = None,
                chunk: int = CHUNK, items_view: bool = True) -> Iterator[PlanResult]:
    """The result of each input, in input order, checked by ``jobs`` processes
    (default: one per core). ``setup`` holds (function, arguments) pairs each
    worker calls first, to set the module state this process was given
    (e.g. the table options of the command line). Without ``items_view``
    results do not keep each item as written (PlanResult.items_view, which
    only the html and xlsx reports show): a national audit's results then
    stay small."""
    jobs = min(default_jobs() if jobs is None or jobs < 1 else jobs, len(names))
    if jobs <= 1 or "-" in names:
        for name in names:
            yield _slim(run.check_file(name), items_view)
        return
    # Smaller chunks when there are few plans, so that every worker gets some.
    chunk = max(1, min(chunk, len(names) // (jobs * AHEAD)))
    yield from _pool(run, names, jobs, setup or [], chunk, items_view)


def _slim(result: PlanResult, items_view: bool) -> PlanResult:
    if not items_view:
        result.items_view = []
    return result


def _pool(run: Run, names: list[str], jobs: int, setup: Setup, chunk: int,
          items_view: bool) -> Iterator[PlanResult]:
    # Imported here: a one-plan check never starts a pool (start-up time).
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers fastest and they inherit the rules already read;
    # nothing depends on it: a worker builds its own Run from the arguments.
    method = START_METHOD or ("fork" if "fork" in multiprocessing.get_all_start_methods()
                              and sys.platform != "darwin" else "spawn")
    context = multiprocessing.get_context(method)
    chunks = iter([names[start:start + chunk] for start in range(0, len(names), chunk)])
    arguments = (run.settings, run.as_of, run.parents.roots, timing.enabled(), setup)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=arguments) as pool:
        pending: deque[tuple[list[str], Future[Any]]] = deque()

        def submit() -> None:
            names_ = next(chunks, None)
            if names_ is not None:
                pending.append((names_, pool.submit(_check, names_, items_view)))

        for _ in range(jobs * AHEAD):
            submit()
        while pending:
            names_, future = pending.popleft()
            try:
                results, seconds = future.result()
            except BrokenProcessPool:
                raise UserError(f"a worker process stopped while checking {', '.join(names_)}; "
                                "run with --jobs 1 to see which plan stops it") from None
            submit()
            timing.add(seconds)
            yield from _compact(results)


# --- in the worker --------------------------------------------------------

_RUN: Run | None = None


def _start(settings: Any, as_of: Any, roots: list[Any], timed: bool, setup: Setup) -> None:
    global _RUN
    from .check import Run
    from .parents import Parents

    for function, args in setup:
        function(*args)
    if timed:
        timing.enable()
        timing.take()
    _RUN = Run(settings, as_of, Parents(roots))


def _check(names: list[str], items_view: bool) -> tuple[list[PlanResult], dict[str, float]]:
    assert _RUN is not None, "worker used before its initializer ran"
    return [_slim(_RUN.check_file(name), items_view) for name in names], timing.take()


# --- back in this process ---------------------------------------------------

_SHARED: dict[Any, Any] = {}


def _compact(results: Iterable[PlanResult]) -> Iterator[PlanResult]:
    """Results with the texts every finding of a rule repeats (message,
    citation, requirement) shared rather than copied once per chunk."""
    for result in results:
        for finding in result.findings:
            for name in ("rule", "requirement", "severity", "message", "file", "plan"):
                value = getattr(finding, name)
                object.__setattr__(finding, name, _SHARED.setdefault(value, value))
            citation = finding.citation
            key = ("citation", *sorted(citation.items()))
            object.__setattr__(finding, "citation", _SHARED.setdefault(key, citation))
        yield result
