"""Real public counts: Lausanne (tl) stop counts per line, Madison boardings by stop."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from transit.demand.ingest import ingest_files
from transit.demand.loads import load_profile_from_counts
from transit.demand.od import ipf_counts_od
from transit.demand.schedule import build_schedule
from transit.demand.store.folder import count_files

pytestmark = pytest.mark.external


@pytest.fixture(scope="module")
def lausanne_store(external: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Lausanne stop counts written in our kind (c) format and ingested without a feed."""
    src = external / "ridership" / "lausanne_tl" / "stop_frequentation.csv"
    df = pd.read_csv(src, sep=";", decimal=",", dtype=str)
    ours = pd.DataFrame(
        {
            "route_id": df["code_ligne_theo"],
            "direction_id": df["direction_voy_theo"],
            "stop_id": df["code_arret_theo"],
            "stop_sequence": df["sequence_theo"],
            "boardings": df["montees"],
            "alightings": df["descentes"],
        }
    )
    tmp = tmp_path_factory.mktemp("lausanne")
    path = tmp / "lausanne_counts.csv"
    ours.to_csv(path, index=False, sep=";")  # decimal commas kept as in the source
    store = tmp / "store"
    (s,) = ingest_files([path], store=store)
    assert s.kind == "stop_counts"
    assert (s.rows_read, s.accepted, s.rejected) == (1361, 1361, 0)
    return store


def _counts(store: Path) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(p) for p in count_files(store)], ignore_index=True)


def test_lausanne_load_profiles(lausanne_store: Path) -> None:
    """Per-line load profiles: 85 line-directions; loads are boardings − alightings summed
    along the line; totals are the published ~114.7 M boardings."""
    counts = _counts(lausanne_store)
    assert counts["boardings"].sum() == pytest.approx(114_692_498.77, abs=0.5)
    prof = load_profile_from_counts(counts)
    lines = prof.groupby(["route_id", "direction_id"])
    assert lines.ngroups == 85
    one = prof[(prof["route_id"] == "1") & (prof["direction_id"] == 0)]
    assert one["stop_sequence"].is_monotonic_increasing
    assert one["load"].iloc[0] == pytest.approx(164558.14)
    assert one["load"].iloc[-1] == pytest.approx(one["boardings"].sum() - one["alightings"].sum())


def test_lausanne_ipf_margins(lausanne_store: Path) -> None:
    """IPF OD per line: on every line whose counts are consistent (81 of 85) the OD's row and
    column sums equal the boardings and (balanced) alightings to 1e-6 persons."""
    counts = _counts(lausanne_store)
    od, fits = ipf_counts_od(counts)
    assert len(fits) == 85
    assert int(fits["consistent"].sum()) == 81
    good = fits[fits["consistent"]]
    assert (good["max_error"] <= 1e-6).all()
    # recheck one line's margins from the OD table itself
    line = counts[(counts["route_id"] == "1") & (counts["direction_id"] == 0)].sort_values(
        "stop_sequence"
    )
    od1 = od[(od["route_id"] == "1") & (od["direction_id"] == 0)]
    rows = od1.groupby("origin_stop_id")["riders"].sum()
    b = line.set_index("stop_id")["boardings"].iloc[:-1]
    assert np.abs(rows.reindex(b.index).fillna(0.0) - b).max() <= 1e-6


def test_madison_match_rate(external: Path, tmp_path: Path) -> None:
    """Madison weekday boardings by stop match 2,062 of 2,142 stops of its GTFS (96.3 %)."""
    base = external / "ridership" / "madison_metro"
    src = pd.read_csv(base / "Metro_Transit_Ridership_by_Stop.csv", dtype=str)
    ours = pd.DataFrame({"stop_id": src["StopID"], "day_type": "平日", "boardings": src["Weekday"]})
    path = tmp_path / "madison.csv"
    ours.to_csv(path, index=False)
    stops = pd.read_csv(base / "gtfs_stops.csv", dtype=str)
    schedule = build_schedule({"stops": stops})
    (s,) = ingest_files([path], store=tmp_path / "store", schedule=schedule)
    assert (s.rows_read, s.accepted, s.rejected_by_reason) == (2142, 2062, {"unknown_stop": 80})
    assert s.match_rate == pytest.approx(0.9627, abs=1e-4)
    kept = _counts(tmp_path / "store")
    assert kept["boardings"].sum() == pytest.approx(
        pd.to_numeric(src["Weekday"])[src["StopID"].isin(stops["stop_id"])].sum()
    )
