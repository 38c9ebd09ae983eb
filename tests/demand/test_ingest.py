"""Tap ingest on the hand-made feed: matching, idempotence, accounting, corrupt corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.demand.conftest import HEADER, KEY, RIDES, tap_lines
from transit.core.errors import InputError, RefusedError
from transit.demand.ingest import ingest_files
from transit.demand.store.folder import read_manifest


def _rides(store: Path) -> pd.DataFrame:
    files = sorted((store / "rides").glob("*.parquet"))
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def test_clean_taps_become_rides(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """16 good taps make 8 rides with exact stops, positions and km."""
    store = tmp_path / "store"
    (s,) = ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    assert (s.rows_read, s.accepted, s.rejected, s.matched_by_trip_id) == (16, 16, 0, 16)
    rides = _rides(store).sort_values(["trip_id", "board_ts"])
    assert len(rides) == 8
    assert rides["km"].tolist() == [3.0, 3.0, 1.0, 2.0, 2.0, 2.0, 1.0, 2.0]
    assert rides["day_type"].unique().tolist() == ["平日"]
    assert rides["fare_yen"].tolist() == [200] * 8
    assert rides["card"].str.len().unique().tolist() == [20]


def test_same_file_twice_changes_nothing(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """Ingesting the same file again leaves the manifest and the rides byte-identical."""
    store = tmp_path / "store"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    before = {p: p.read_bytes() for p in store.rglob("*") if p.is_file() and "last" not in p.name}
    (again,) = ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    after = {p: p.read_bytes() for p in store.rglob("*") if p.is_file() and "last" not in p.name}
    assert again.already_ingested
    assert (again.rows_read, again.accepted) == (16, 16)
    assert before == after
    assert len(read_manifest(store)["files"]) == 1


def test_rides_already_in_store_are_duplicates(
    tiny_feed: Path, tiny_taps: Path, tmp_path: Path
) -> None:
    """A second file repeating two rides (other bytes) rejects them as duplicate taps."""
    store = tmp_path / "store"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    other = tmp_path / "again.csv"
    other.write_text("\n".join([HEADER, *tap_lines(RIDES[:2])]) + "\n\n", encoding="utf-8")
    (s,) = ingest_files([other], store=store, key=KEY)
    assert (s.rows_read, s.accepted, s.rejected_by_reason) == (4, 0, {"duplicate_tap": 4})
    assert len(_rides(store)) == 8


def test_other_key_is_refused(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """A store built with one key refuses another key (pseudonyms would not link)."""
    store = tmp_path / "store"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    with pytest.raises(RefusedError):
        ingest_files([tiny_taps], store=store, key=b"another-key-0123456789")


def test_vehicle_only_taps_match_the_scheduled_trip(tiny_feed: Path, tmp_path: Path) -> None:
    """Taps with a vehicle id but no trip id are matched by vehicle + time + stop."""
    path = tmp_path / "veh.csv"
    lines = [
        "JE1,2026-04-01 09:09:30,board,SB,,V1,",
        "JE1,2026-04-01 09:31:00,alight,SC,,V1,250",
        "JE2,2026-04-01 08:00:00,board,SA,,V1,",
        "JE2,2026-04-01 08:11:00,alight,SB,,V1,",
    ]
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    assert (s.accepted, s.matched_by_vehicle, s.rejected) == (4, 4, 0)
    rides = _rides(tmp_path / "st").sort_values("board_ts")
    assert rides["trip_id"].tolist() == ["T1", "T2"]
    assert rides["matched_by"].tolist() == ["vehicle", "vehicle"]
    assert rides["fare_yen"].tolist() == [None, 250] or rides["fare_yen"].isna().tolist() == [
        True,
        False,
    ]


def test_missing_column_is_an_input_error(tiny_feed: Path, tmp_path: Path) -> None:
    """A taps file without a required column names it."""
    path = tmp_path / "bad.csv"
    path.write_text("card_id,ts,stop_id\nA,2026-04-01 08:00:00,SA\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        ingest_files([path], store=tmp_path / "s", key=KEY, feed=tiny_feed)


# --------------------------------------------------------------------------- corrupt corpus

#: (row lines, expected reasons of those rows, in order)
CORPUS: list[tuple[list[str], list[str]]] = [
    (
        ["A01,2026-04-01 08:00:00,board,SA,T1,,", "A01,2026-04-01 08:30:00,alight,SC,T1,,"],
        ["ok", "ok"],
    ),
    ([",2026-04-01 08:00:00,board,SA,T1,,"], ["missing_card_id"]),
    (["A02,yesterday,board,SA,T1,,"], ["bad_timestamp"]),
    (["A03,2026-04-01 08:00:00,jump,SA,T1,,"], ["bad_event"]),
    (["A04,2026-04-01 08:00:00,board,S99,T1,,"], ["unknown_stop"]),
    (["A05,2026-04-01 08:00:00,board,SA,,,"], ["no_trip_or_vehicle"]),
    (["A06,2026-04-01 08:00:00,board,SA,T9,,"], ["unknown_trip"]),
    (["A07,2026-04-01 08:00:00,board,SA,T1,,-3"], ["bad_fare"]),
    (["A08,2026-04-04 08:00:00,board,SA,T1,,"], ["trip_not_running"]),
    (["A09,2026-04-01 11:00:00,board,SA,T1,,"], ["time_far_from_schedule"]),
    (
        [
            "A10,2026-04-01 08:00:00,board,SA,T1,,",
            "A10,2026-04-01 08:00:00,board,SA,T1,,",
            "A10,2026-04-01 08:30:00,alight,SC,T1,,",
        ],
        ["ok", "duplicate_tap", "ok"],
    ),
    (["A11,2026-04-01 08:10:00,alight,SB,T1,,"], ["alight_without_board"]),
    (
        ["A12,2026-04-01 08:10:00,alight,SB,T1,,", "A12,2026-04-01 08:30:00,board,SC,T1,,"],
        ["alight_before_board", "alight_before_board"],
    ),
    (["A13,2026-04-01 09:00:00,board,SA,T2,,"], ["board_without_alight"]),
    (
        ["A14,2026-04-01 08:10:00,board,SB,T1,,", "A14,2026-04-01 08:10:30,alight,SB,T1,,"],
        ["same_stop", "same_stop"],
    ),
    (
        ["A15,2026-04-01 09:10:00,board,SB,,V2,", "A15,2026-04-01 09:10:30,alight,SA,,V2,"],
        ["no_matching_trip", "no_matching_trip"],
    ),
    (
        ["A16,2026-04-01 08:00:00,board,SA,T1,,", "A16,2026-04-01 08:01:00,alight,SC,T1,,"],
        ["impossible_ride_time", "impossible_ride_time"],
    ),
    (["A17,2026-04-01 08:00:00,board,SA,T1"], ["wrong_field_count"]),
    (["A18,2026-04-01 08:00:00,board,SA,T1,,,extra"], ["wrong_field_count"]),
]


def test_corrupt_corpus_every_row_counted(tiny_feed: Path, tmp_path: Path) -> None:
    """Each kind of bad row is rejected with its reason and row number; in + rejected = read."""
    lines, expected = [], []
    for rows, reasons in CORPUS:
        lines += rows
        expected += reasons
    path = tmp_path / "corpus.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    rej = pd.read_csv(tmp_path / "st" / s.rejects_file)
    got = dict(zip(rej["row"], rej["reason"], strict=True))
    want = {i + 1: r for i, r in enumerate(expected) if r != "ok"}
    assert got == want
    assert len(set(want.values())) >= 17
    assert s.rows_read == len(expected) == s.accepted + s.rejected
    assert s.accepted == 4
    assert not rej["card"].astype(str).str.startswith("A").any()


def test_truncated_file(tiny_feed: Path, tmp_path: Path) -> None:
    """A file cut off mid-row: the last row is rejected as truncated, the rest is kept."""
    path = tmp_path / "cut.csv"
    body = "\n".join([HEADER, *tap_lines(RIDES[:2])]) + "\nJE9,2026-04-01 08:0"
    path.write_text(body, encoding="utf-8")
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    assert (s.rows_read, s.accepted, s.rejected_by_reason) == (5, 4, {"truncated_row": 1})
    assert any("cut off" in n for n in s.notes)
    cut2 = tmp_path / "cut2.csv"
    cut2.write_text("\n".join([HEADER, *tap_lines(RIDES[2:4])])[:-3], encoding="utf-8")
    (s2,) = ingest_files([cut2], store=tmp_path / "st", key=KEY)
    assert (s2.rows_read, s2.accepted, s2.rejected) == (4, 2, 2)
    assert s2.rejected_by_reason == {"board_without_alight": 1, "truncated_row": 1}


def test_wrong_encoding_file(tiny_feed: Path, tmp_path: Path) -> None:
    """A Shift_JIS file: rows with non-UTF-8 bytes are rejected as invalid_encoding."""
    path = tmp_path / "sjis.csv"
    rows = [
        "JE1,2026-04-01 08:00:00,乗車,SA,T1,,",
        "JE1,2026-04-01 08:30:00,降車,SC,T1,,",
        "JE2,2026-04-01 08:00:00,board,SA,T1,,",
    ]
    path.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("cp932"))
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    assert s.rows_read == 3
    assert s.rejected_by_reason == {"board_without_alight": 1, "invalid_encoding": 2}
    header_sjis = tmp_path / "sjis_header.csv"
    header_sjis.write_bytes(
        ("カードID,日時,乗降,停留所ID,便ID\n" + "\n".join(rows) + "\n").encode("cp932")
    )
    (s2,) = ingest_files([header_sjis], store=tmp_path / "st", key=KEY)
    assert (s2.rows_read, s2.rejected_by_reason) == (3, {"invalid_encoding": 3})


def test_japanese_headers_and_events(tiny_feed: Path, tmp_path: Path) -> None:
    """Japanese headers and 乗車/降車 events (UTF-8 with BOM) are understood."""
    path = tmp_path / "ja.csv"
    text = "カードID,日時,乗降,停留所ID,便ID\nJE1,2026-04-01 08:00:00,乗車,SA,T1\nJE1,2026-04-01 08:30:00,降車,SC,T1\n"
    path.write_text(text, encoding="utf-8-sig")
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    assert (s.accepted, s.rejected) == (2, 0)


def test_parquet_taps(tiny_feed: Path, tmp_path: Path) -> None:
    """Parquet taps ingest like CSV."""
    rows = [ln.split(",") for ln in tap_lines(RIDES)]
    df = pd.DataFrame(rows, columns=HEADER.split(","))
    path = tmp_path / "taps.parquet"
    df.to_parquet(path)
    (s,) = ingest_files([path], store=tmp_path / "st", key=KEY, feed=tiny_feed)
    assert (s.rows_read, s.accepted) == (16, 16)


def test_raw_ids_never_written(tiny_feed: Path, tmp_path: Path) -> None:
    """No file of the store contains a raw card id, not even the rejects."""
    lines = [*tap_lines(RIDES), *[r for rows, _ in CORPUS for r in rows]]
    path = tmp_path / "in.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    store = tmp_path / "st"
    ingest_files([path], store=store, key=KEY, feed=tiny_feed)
    assert not [p for p in store.iterdir() if p.name.startswith(".duckdb-spill")]
    raw = {ln.split(",")[0] for ln in lines if ln.split(",")[0]}
    raw = {r for r in raw if len(r) >= 3}
    for f in store.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert not [r for r in raw if r.encode() in data], f


def test_memory_limit_is_a_work_error(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """Running out of DuckDB memory is reported as a work error naming the limit."""
    from transit.core.errors import WorkError
    from transit.demand.store.options import IngestOptions

    opts = IngestOptions(memory_limit="1KB")
    with pytest.raises(WorkError, match="1KB"):
        ingest_files([tiny_taps], store=tmp_path / "st", key=KEY, feed=tiny_feed, options=opts)
