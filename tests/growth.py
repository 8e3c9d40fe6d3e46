"""How a call's time grows with its input: linear, or worse.

Not a speed test: a guard against inputs that make a pattern or a parser
take quadratic (or exponential) time, which anyone who can propose a plan
could use to stall a CI run. Ten times the input may take about ten times
as long; a call is reported only if it takes more than ``LIMIT`` times as
long, and stays so when measured again (a busy machine can stall one
measurement), so the verdict does not hang on this machine's speed.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

LIMIT = 40          # linear growth gives about 10, quadratic about 100
FLOOR = 5e-4        # a short call quicker than this is counted as this long


def best_seconds(call: Callable[[], object], tries: int = 2) -> float:
    """The best of ``tries`` timings of ``call``, with the collector paused
    (a collection during thousands of matches is not the call's own time)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(tries):
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def faster_than_linear(short: Callable[[], object], long: Callable[[], object]) -> tuple[float, float] | None:
    """(short, long) seconds if ``long`` (ten times the input of ``short``)
    takes more than LIMIT times as long on two looks, else None."""
    for tries in (2, 5):
        long_time, short_time = best_seconds(long, tries), best_seconds(short, tries)
        if long_time <= LIMIT * max(short_time, FLOOR):
            return None
    return short_time, long_time
