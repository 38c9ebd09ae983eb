"""The demand step of the demo: synth → ingest → report → OD on a feed, no printing.

The synthetic taps (with raw card ids) live only in a temporary folder deleted after ingest;
the pseudonym key is ``$TRANSIT_PSEUDONYM_KEY`` when set, else a random key held in memory for
this run only. Nothing written under ``out_dir`` contains a raw card id.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from transit.core import provenance as prov
from transit.demand.ingest import ingest_files
from transit.demand.pseudonym import ENV_KEY
from transit.demand.report import build_od, build_report
from transit.demand.schedule import read_schedule
from transit.demand.synth import SynthOptions, synth_taps, write_taps
from transit.maps.ridership import write_ridership_map


def run(
    feed_path: Path,
    out_dir: Path,
    *,
    rows: int = 20_000,
    seed: int = 1,
    corrupt_share: float = 0.01,
) -> list[Path]:
    """Run the demand pipeline on ``feed_path``; returns the files written under ``out_dir``
    (``store/…``, ``report/…`` with the Excel workbook, charts and tables, ``od/…``,
    ``ridership_map.html``)."""

    out_dir.mkdir(parents=True, exist_ok=True)
    schedule = read_schedule(feed_path)
    key = os.environ.get(ENV_KEY, "").encode("utf-8") or secrets.token_hex(16).encode("ascii")
    store = out_dir / "store"
    with tempfile.TemporaryDirectory(prefix="transit-taps-") as tmp:
        taps = synth_taps(
            schedule, rows=rows, seed=seed, options=SynthOptions(corrupt_share=corrupt_share)
        )
        path = write_taps(
            taps,
            Path(tmp) / f"taps_seed{seed}.csv",
            feed=feed_path,
            parameters=[
                SynthOptions(corrupt_share=corrupt_share),
                prov.setting("rows", rows),
                prov.setting("seed", seed),
            ],
        )
        del taps
        ingest_files([path], store=store, key=key, feed=feed_path, schedule=schedule)
    written = sorted(p for p in store.rglob("*") if p.is_file())
    written += build_report(store, out_dir / "report")
    written += build_od(store, out_dir / "od")
    written.append(write_ridership_map(store, out_dir / "ridership_map.html"))
    return written
