"""Run every benchmark script in this folder (``bench_*.py``) with ``--out DIR``; used by ``make bench``.

Each script prints its own table and writes its JSON into DIR. This runner prints a summary of
which scripts ran and their exit codes, and exits non-zero if any failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--only", nargs="*", default=None, help="names like bench_gtfs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    if args.only:
        scripts = [s for s in scripts if s.stem in args.only]
    results: list[tuple[str, int, float]] = []
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script), "--out", str(args.out)])
        results.append((script.stem, rc, time.perf_counter() - t0))
    width = max([len("benchmark"), *(len(name) for name, _, _ in results)])
    print(f"\n{'benchmark':<{width}} exit   wall_s")
    for name, rc, wall in results:
        print(f"{name:<{width}} {rc:>4} {wall:>8.1f}")
    return 0 if all(rc == 0 for _, rc, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
