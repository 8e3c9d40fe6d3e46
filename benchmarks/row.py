"""One benchmark row in a fresh process (run by benchmarks/run.py).

Kept apart from run.py and importing little, so that the pipeline row's
wall time is the command's own: interpreter start, imports, the check,
the report written.
"""

import sys


def main() -> None:
    row, folder, jobs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
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

    stats["rss_main_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stats["rss_worker_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(stats, handle)


if __name__ == "__main__":
    main()
