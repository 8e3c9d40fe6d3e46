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

import contextlib
import gc
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


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """Collect cycles less often while a batch runs: a plan's values are trees
    that reference counting frees, so the frequent young-generation passes
    over them find nothing (5-12% less CPU on hundreds of plans), and what
    was built before the batch (rules, engines) is left out of every pass.
    The collector is as it was afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def default_jobs() -> int:
    """The number of processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def check_files(run: Run, names: list[str], jobs: int | None = None, setup: Setup | None = None,
                chunk: int = CHUNK, items_view: bool = True, item_ids: bool = True) -> Iterator[PlanResult]:
    """The result of each input, in input order, checked by ``jobs`` processes
    (default: one per core). ``setup`` holds (function, arguments) pairs each
    worker calls first, to set the module state this process was given
    (e.g. the table options of the command line). Without ``items_view``
    results do not keep each item as written (PlanResult.items_view, which
    only the html and xlsx reports show), without ``item_ids`` the item ids
    (which only JUnit shows): a national audit's results then stay small,
    and no plan's time goes into them."""
    keep = _keep(items_view, item_ids)
    jobs = min(default_jobs() if jobs is None or jobs < 1 else jobs, len(names))
    if jobs <= 1 or "-" in names:
        for index, name in enumerate(names):
            if index % PREFETCH == 0:
                prefetch(names[index + PREFETCH:index + 2 * PREFETCH] if index else names[:2 * PREFETCH])
            yield run.check_file(name, keep)
        return
    # Smaller chunks when there are few plans, so that every worker gets some.
    chunk = max(1, min(chunk, len(names) // (jobs * AHEAD)))
    yield from _pool(run, names, jobs, setup or [], chunk, keep)


# Plans whose reading is asked of the disk ahead of their check.
PREFETCH = 8


def prefetch(names: Iterable[str]) -> None:
    """Ask the operating system to read these files ahead, while the plans
    before them are checked: on a machine whose page cache is cold (a fresh
    checkout, a virtual machine that reclaims memory early) reading a plan
    can cost as much as checking it. Only a hint: errors are left for the
    read itself to report."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    for name in names:
        if name == "-":
            continue
        try:
            descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue
        try:
            advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def _keep(items_view: bool, item_ids: bool) -> frozenset[str]:
    return frozenset(name for name, wanted in (("items_view", items_view), ("item_ids", item_ids)) if wanted)


def _chunks(names: list[str], size: int) -> list[list[str]]:
    """The names in order, cut into runs of at least ``size`` (but at most
    four times that), each ending where a folder ends when it can: plans of
    one folder (a city's plan and its counties') go to the same worker,
    which then reads a parent plan once rather than once per worker."""
    chunks: list[list[str]] = []
    current: list[str] = []
    folder = None
    for name in names:
        here = os.path.dirname(name)
        if current and ((here != folder and len(current) >= size) or len(current) >= 4 * size):
            chunks.append(current)
            current = []
        current.append(name)
        folder = here
    if current:
        chunks.append(current)
    return chunks


def _fine_tail(chunks: list[list[str]], jobs: int) -> list[list[str]]:
    """The chunks with the last ``jobs`` of them cut into single plans, so
    that the workers finish together: otherwise one may wait out the last
    whole chunk of another (half a chunk's time, on average, of a core
    idle). A child among them may read its parent plan again: the same plan."""
    cut = len(chunks) - jobs
    if cut <= 0:
        return chunks
    return chunks[:cut] + [[name] for last in chunks[cut:] for name in last]


def _pool(run: Run, names: list[str], jobs: int, setup: Setup, chunk: int,
          keep: frozenset[str]) -> Iterator[PlanResult]:
    """Results in input order. A worker that dies (a crash in a native
    library, killed for memory) costs only the plan it was checking: the
    pool is restarted, the chunks it held are checked again one plan at a
    time, and the plan that stops a worker on its own is reported as not
    checked; the other plans are checked as usual."""
    todo: deque[list[str]] = deque(_fine_tail(_chunks(names, chunk), jobs))
    while todo:
        broken = yield from _pool_pass(run, todo, jobs, setup, keep)
        if not broken:
            continue        # all done, or the pool broke between chunks: the rest go to a new one
        if len(broken) > 1:
            todo.extendleft(reversed([[name] for name in broken]))
        # A plan may have been in flight when another worker died: only one
        # that stops a pool of its own is not checked.
        elif (yield from _pool_pass(run, deque([broken]), 1, setup, keep)):
            yield _not_checked(broken[0])


def _not_checked(name: str) -> PlanResult:
    from .findings import PlanResult

    result = PlanResult(name)
    result.error = str(UserError("the process checking this plan stopped (a crash or out of memory); "
                                 "the plan was not checked", name))
    return result


def _pool_pass(run: Run, todo: deque[list[str]], jobs: int, setup: Setup,
               keep: frozenset[str]) -> Iterator[PlanResult]:
    """Results of the chunks in ``todo``, taken from its front as they finish;
    returns None when all are done, or the names of the chunk whose worker
    died (later chunks stay in ``todo``), or no names when the pool broke
    with none of its chunks in flight (the chunks not done stay in ``todo``)."""
    # Imported here: a one-plan check never starts a pool (start-up time).
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork starts workers fastest and they inherit the rules already read;
    # nothing depends on it: a worker builds its own Run from the arguments.
    method = START_METHOD or ("fork" if "fork" in multiprocessing.get_all_start_methods()
                              and sys.platform != "darwin" else "spawn")
    context = multiprocessing.get_context(method)
    arguments = (run.settings, run.as_of, run.parents.roots, timing.enabled(), setup)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=arguments)
    pending: deque[tuple[list[str], Future[Any]]] = deque()

    def submit() -> None:
        if todo:
            prefetch(todo[0])
            try:
                future = pool.submit(_check, todo[0], keep)
            except BrokenProcessPool:
                return      # a worker died since: the chunks in flight say which
            pending.append((todo.popleft(), future))

    try:
        for _ in range(jobs * AHEAD):
            submit()
        while pending:
            names_, future = pending.popleft()
            try:
                results, seconds = future.result()
            except BrokenProcessPool:
                # Every chunk in flight is lost with the pool: back to the queue.
                todo.extendleft(reversed([waiting for waiting, _ in pending]))
                pending.clear()
                return names_
            submit()
            timing.add(seconds)
            yield from _compact(results)
        return [] if todo else None
    finally:
        # Stopped early (an error, Ctrl-C, a dead worker): the chunks not started are dropped.
        pool.shutdown(wait=True, cancel_futures=True)


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
    batch_gc().__enter__()          # a worker only ever runs the batch


def _check(names: list[str], keep: frozenset[str]) -> tuple[list[PlanResult], dict[str, float]]:
    assert _RUN is not None, "worker used before its initializer ran"
    return [_RUN.check_file(name, keep) for name in names], timing.take()


# --- back in this process ---------------------------------------------------

_SHARED: dict[Any, Any] = {}


_TEXTS = ("rule", "requirement", "severity", "message", "file", "plan")


def _compact(results: list[PlanResult]) -> Iterator[PlanResult]:
    """Results with the texts every finding of a rule repeats (message,
    citation, requirement) shared rather than copied once per chunk."""
    # A chunk's findings of one rule hold the same objects (pickle keeps
    # what the worker shared), so each object is looked up once, by
    # identity: ``seen`` keeps them, so no identity is reused meanwhile.
    seen: dict[int, tuple[Any, Any]] = {}
    for result in results:
        for finding in result.findings:
            fields = finding.__dict__       # frozen: set as object.__setattr__ would
            for name in _TEXTS:
                value = fields[name]
                known = seen.get(id(value))
                if known is None:
                    known = seen[id(value)] = (value, _SHARED.setdefault(value, value))
                fields[name] = known[1]
            citation = fields["citation"]
            known = seen.get(id(citation))
            if known is None:
                key = ("citation", *sorted(citation.items()))
                known = seen[id(citation)] = (citation, _SHARED.setdefault(key, citation))
            fields["citation"] = known[1]
        yield result
