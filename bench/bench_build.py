"""Benchmark the national build: ``python -m bench.bench_build --mirror ../shared/data``.

Each run is a separate process (clean memory); prints the median wall time of the runs
and the peak resident memory (``ru_maxrss`` of the child), against the targets of
≤ 60 s and ≤ 2 GiB on the 2-core reference machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mirror", default=os.environ.get("DESERTS_MIRROR", "../shared/data"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            target = Path(tmp) / "bench.duckdb"
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "analytics.build",
                    "--mirror",
                    args.mirror,
                    "--db",
                    str(target),
                ],
                cwd=ROOT,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            times.append(time.perf_counter() - t0)
            peaks.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
            print(f"run {i + 1}: {times[-1]:.1f} s")
    print(
        f"national build: median {statistics.median(times):.1f} s over {args.runs} runs "
        f"(min {min(times):.1f} s); peak RSS {max(peaks) / 1024:.0f} MiB "
        "(targets: ≤ 60 s, ≤ 2048 MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
