"""Round trip of every real feed in ../shared/data/external/gtfs: export -> build (-> export -> build).

For each feed: what the export could not keep (loss codes and counts), how many served stops,
trips and stop times came back unchanged from the build, whether a second export -> build gives
byte-identical zips, and the time taken. Prints a table and writes ``DIR/gtfs_roundtrip.json``.

    .venv/bin/python benchmarks/bench_gtfs_roundtrip.py --out bench-output
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from transit.core.paths import external_data_dir
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.export.folder import export_feed
from transit.gtfs.export.roundtrip import compare_round_trip
from transit.gtfs.feedio import read_feed, write_feed
from transit.gtfs.source.read import read_source


def feeds(base: Path) -> list[Path]:
    """Every feed folder or zip under ``base/gtfs`` except the catalogue."""
    out: list[Path] = []
    for folder in sorted((base / "gtfs").iterdir()):
        if not folder.is_dir() or folder.name.startswith("_"):
            continue
        zips = sorted(folder.glob("*.zip"))
        out.append(zips[0] if zips else folder)
    return out


def run_one(path: Path, work: Path) -> dict[str, object]:
    """Export, build, compare, export again, build again; counts and timings."""
    t0 = time.perf_counter()
    original = read_feed(path)
    draft = export_feed(original, work / "src0")
    t_export = time.perf_counter() - t0
    t1 = time.perf_counter()
    write_feed(build_tables(read_source(work / "src0")), work / "f1.zip")
    t_build = time.perf_counter() - t1
    f1 = read_feed(work / "f1.zip")
    rt = compare_round_trip(original, f1, id_map=draft.id_map)
    export_feed(f1, work / "src1")
    write_feed(build_tables(read_source(work / "src1")), work / "f2.zip")
    stable = (work / "f1.zip").read_bytes() == (work / "f2.zip").read_bytes()
    return {
        **rt.as_dict(),
        "lossless": rt.lossless,
        "second_round_identical": stable,
        "losses": draft.loss_counts,
        "export_s": round(t_export, 2),
        "build_s": round(t_build, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    args = parser.parse_args()
    base = external_data_dir(required=False)
    if base is None:
        print("external data absent: nothing to measure")
        return 0
    results: dict[str, dict[str, object]] = {}
    print(
        f"{'feed':<28} {'stops':>11} {'trips':>11} {'stop_times':>13} {'2nd=':>5} {'exp_s':>6} {'bld_s':>6}"
    )
    for path in feeds(base):
        name = path.parent.name if path.suffix == ".zip" else path.name
        with tempfile.TemporaryDirectory() as tmp:
            r = run_one(path, Path(tmp))
        results[name] = r
        print(
            f"{name:<28} {r['stops_kept']:>5}/{r['stops_total']:<5} {r['trips_kept']:>5}/{r['trips_total']:<5} "
            f"{r['stop_times_kept']:>6}/{r['stop_times_total']:<6} {'yes' if r['second_round_identical'] else 'NO':>5} "
            f"{r['export_s']:>6} {r['build_s']:>6}"
        )
        print(f"{'':<28} not kept: {r['losses']}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gtfs_roundtrip.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8"
    )
    return 0 if all(r["second_round_identical"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
