"""One benchmark row in a fresh process (run by benchmarks/run.py).

Kept apart from run.py and importing little, so that the pipeline row's
wall time is the command's own: interpreter start, imports, the check,
the report written.
"""

import sys
import threading
import time


class TreePeak(threading.Thread):
    """The largest resident memory of this process and its children together,
    sampled every 50 ms from /proc (Linux; zero elsewhere)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.cpu = 0.0          # this thread's own CPU seconds: not the command's
        self.stop = threading.Event()

    def run(self) -> None:
        import os

        me, page = os.getpid(), os.sysconf("SC_PAGE_SIZE")
        while not self.stop.wait(0.05):
            try:
                pids = [me] + _children(me)
                total = sum(_resident(p) for p in pids) * page
            except OSError:
                continue
            self.peak = max(self.peak, total)
            self.cpu = time.thread_time()


def _children(me: int) -> list[int]:
    """The processes ``me`` started: from each of its threads' children list
    (a few small reads), or, where the kernel keeps no such list, from a
    scan of /proc (a read per process on the machine, which over a long run
    takes CPU from the workers being measured)."""
    import os

    try:
        found: list[int] = []
        for task in os.listdir(f"/proc/{me}/task"):
            with open(f"/proc/{me}/task/{task}/children", "rb") as handle:
                found += [int(pid) for pid in handle.read().split()]
        return found
    except (OSError, ValueError):
        return [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(p) == me]


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return int(handle.read().rsplit(b")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _resident(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def main() -> None:
    row, folder, jobs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    sampler = TreePeak()
    if jobs > 1:            # alone, the process's own peak (ru_maxrss) is exact
        sampler.start()
    if row == "pipeline":
        from compliance import timing

        timing.enable()
        from compliance.cli import main as cli

        report = out + ".report.json"
        code = 0
        try:
            cli(["check", folder, "--as-of", sys.argv[5], "--format", "json", "-o", report, "--no-config",
                 "--fail-on", "never", "--jobs", str(jobs)], standalone_mode=False)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        stats = {"code": code, "stages": timing.totals(), "report": report}
    else:
        sys.path.insert(0, __file__.rsplit("/", 1)[0])
        from run import reference

        stats = reference(folder, jobs)
    import json
    import resource

    sampler.stop.set()
    stats["rss_tree_mb"] = sampler.peak / 2**20
    stats["rss_main_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats["rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    # The CPU seconds of the whole command, its workers included (a pool's
    # workers are waited for when it shuts down, so they are counted here):
    # the pipeline's throughput per CPU second, comparable with the stages'.
    stats["cpu"] = sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                          resource.getrusage(resource.RUSAGE_CHILDREN))) - sampler.cpu
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(stats, handle)


if __name__ == "__main__":
    main()
