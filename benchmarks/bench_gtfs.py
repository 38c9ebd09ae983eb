"""Benchmark: build the Muroran city-line feed from the operator's raw workbooks, then judge it.

Times the whole build (read both .xls workbooks, fare triangles and the reference feed's stops,
check, build tables, write the zip) and the independent judge (gtfs-validator), and compares the
built feed with the reference feed built by another project from the same workbooks.

Writes ``DIR/muroran.zip`` and ``DIR/gtfs.json`` (build_s, peak_mb, judge_s, judge_errors,
trips_by_service, unmatched_stops, reference_agreement_pct, …) and prints a table.
Usage: ``python benchmarks/bench_gtfs.py --out DIR``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from transit.cli.common import print_table, write_json
from transit.core.notices import Severity
from transit.core.paths import external_data_dir
from transit.gtfs.builder.tables import build_tables, write_tables
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.check import check_source
from transit.gtfs.source.muroran import REFERENCE, compare_with_reference, write_muroran_source
from transit.gtfs.source.read import read_source
from transit.gtfs.validate import validate_feed

TARGET_BUILD_S = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    external = external_data_dir(required=False)
    if external is None:
        print("bench_gtfs: external data absent (../shared/data/external); skipped")
        write_json(out / "gtfs.json", {"skipped": "external data absent"})
        return 0
    feed_path = out / "muroran.zip"
    with tempfile.TemporaryDirectory(prefix="bench-gtfs-") as tmp:
        source_dir = Path(tmp) / "muroran"
        reference = write_muroran_source(source_dir, external)
        start = time.perf_counter()
        source = read_source(source_dir, stops_from=reference)
        read_s = time.perf_counter() - start
        notices = check_source(source)
        tables = build_tables(source)
        write_tables(tables, feed_path)
        build_s = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    errors = [n for n in notices if n.severity is Severity.ERROR]
    unmatched = sorted({n.message.split("'")[1] for n in notices if n.code == "unknown_stop"})
    agreement = compare_with_reference(tables, dict(read_feed(external / REFERENCE).tables))
    report = validate_feed(feed_path)
    result = {
        "feed": str(feed_path),
        "read_s": round(read_s, 3),
        "build_s": round(build_s, 3),
        "build_target_s": TARGET_BUILD_S,
        "peak_mb": round(peak_mb, 1),
        "judge_s": round(report.seconds, 3),
        "judge_errors": report.errors,
        "judge_warnings": report.warnings,
        "judge_by_code": report.by_code(),
        "source_errors": len(errors),
        "trips_by_service": dict(sorted(Counter(tables["trips"]["service_id"]).items())),
        "stop_times": len(tables["stop_times"]),
        "unmatched_stops": len(unmatched),
        "unmatched_stop_names": unmatched,
        "reference_agreement_pct": agreement["reference_agreement_pct"],
        "reference": {k: v for k, v in agreement.items() if k != "reference_agreement_pct"},
    }
    write_json(out / "gtfs.json", result)
    print_table(
        "bench_gtfs: Muroran city lines (道南バス 2017, raw operator workbooks)",
        ["measure", "value"],
        [
            (
                "build_s (read + check + build + write)",
                f"{build_s:.2f} (target ≤ {TARGET_BUILD_S:.0f})",
            ),
            ("  of which read_s", f"{read_s:.2f}"),
            ("peak_mb (process RSS)", f"{peak_mb:.0f}"),
            ("judge_s (gtfs-validator)", f"{report.seconds:.2f}"),
            ("judge errors / warnings", f"{report.errors} / {report.warnings}"),
            ("trips_by_service", result["trips_by_service"]),
            ("stop_times", result["stop_times"]),
            ("unmatched_stops", len(unmatched)),
            (
                "reference trips matched",
                f"{agreement['matched_trips']} / {agreement['reference_trips']}",
            ),
            ("reference_agreement_pct (stop_times)", agreement["reference_agreement_pct"]),
            ("same pole (of agreeing stop_times) %", agreement["same_pole_pct"]),
        ],
    )
    ok = report.errors == 0 and not errors and build_s <= TARGET_BUILD_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
