"""Tap ingest: one file of IC card taps into the store, in two passes with DuckDB in memory.

Pass 1 reads the distinct raw card ids and turns them into keyed pseudonyms and int codes
(:func:`_register_ids`); pass 2 reads every row into the lean tap table ``t`` with ids as int
codes and a reason code per row (:func:`_load_taps`). Once the raw ids are dropped, the checks,
pairing and matching of :mod:`transit.demand.store.rides` run (spilling to the store's disk
allowed from then on) and the rides and rejects are written.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from transit.core.errors import WorkError
from transit.demand.pseudonym import pseudonymize_many
from transit.demand.records import EVENTS, TAP_COLUMNS, TAP_REQUIRED
from transit.demand.schedule import Schedule
from transit.demand.store.db import Connection, connect, sql_str
from transit.demand.store.folder import rejects_part, rides_part
from transit.demand.store.options import IngestOptions, IngestSummary, count_by_reason
from transit.demand.store.rejects import (
    number_rejects,
    parse_rejects,
    rc,
    row_rejects,
    write_rejects,
)
from transit.demand.store.rides import make_rides, write_rides
from transit.demand.store.source import Source, count_lines, open_source

_TS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M")


def ingest_taps(
    path: Path,
    *,
    schedule: Schedule,
    store: Path,
    key: bytes,
    sha256: str,
    options: IngestOptions | None = None,
) -> IngestSummary:
    """Ingest one file of IC card taps into the store (see the module docstring).

    Returns the :class:`IngestSummary`; the rides go to ``rides/<sha12>.parquet`` and every
    rejected row (row number, reason, message, no raw card id) to ``rejects/<sha12>.csv``.
    """
    opts = options or IngestOptions()
    try:
        return _ingest_taps(path, schedule=schedule, store=store, key=key, sha256=sha256, opts=opts)
    except duckdb.OutOfMemoryException as exc:
        raise WorkError(
            f"{path.name}: not enough memory under the limit {opts.memory_limit} "
            "(raise --memory-limit or split the file)"
        ) from exc


def _ingest_taps(
    path: Path, *, schedule: Schedule, store: Path, key: bytes, sha256: str, opts: IngestOptions
) -> IngestSummary:
    src = open_source(path, TAP_REQUIRED, TAP_COLUMNS)
    with connect(opts) as con:
        if src.is_csv and not src.header_ok:
            return _unreadable_header(path, store=store, sha256=sha256)
        parse_rej = _read_taps(con, src, schedule=schedule, key=key)
        store.mkdir(parents=True, exist_ok=True)
        spill = Path(tempfile.mkdtemp(prefix=".duckdb-spill-", dir=store))
        try:
            con.execute(f"SET temp_directory = {sql_str(str(spill))}")
            return _finish_taps(
                con, src, opts, path=path, store=store, sha256=sha256, parse_rej=parse_rej
            )
        finally:
            shutil.rmtree(spill, ignore_errors=True)


def _unreadable_header(path: Path, *, store: Path, sha256: str) -> IngestSummary:
    """A CSV file whose header is not UTF-8: every row is rejected as ``invalid_encoding``."""
    n = count_lines(path)
    rej = pd.DataFrame({"row": np.arange(1, n + 1), "reason": "invalid_encoding", "message": ""})
    write_rejects(store / rejects_part(sha256), rej)
    return IngestSummary(
        file=path.name,
        sha256=sha256,
        kind="taps",
        rows_read=n,
        accepted=0,
        rejected=n,
        rejected_by_reason={"invalid_encoding": n} if n else {},
        rejects_file=rejects_part(sha256),
        notes=("the header is not UTF-8 (Shift_JIS?); save the file as CSV UTF-8",),
    )


def _read_taps(con: Connection, src: Source, *, schedule: Schedule, key: bytes) -> pd.DataFrame:
    """Both passes over the file into the tap table ``t``, then every raw id dropped; returns
    the rows the CSV reader rejected (see :func:`transit.demand.store.rejects.parse_rejects`)."""
    _register_schedule(con, schedule)
    _register_ids(con, src, key)
    _load_taps(con, src)
    parse_rej = parse_rejects(con, src)
    # raw ids gone: the id map, its ENUM type and the CSV reader's reject lines
    con.execute("DROP TABLE pseudo; DROP TYPE card_e")
    if src.is_csv:
        con.execute("DROP TABLE IF EXISTS rej_errors; DROP TABLE IF EXISTS rej_scans")
    return parse_rej


def _finish_taps(
    con: Connection,
    src: Source,
    opts: IngestOptions,
    *,
    path: Path,
    store: Path,
    sha256: str,
    parse_rej: pd.DataFrame,
) -> IngestSummary:
    """Checks, pairing, matching and writing of :func:`ingest_taps`, once raw ids are gone."""
    notes: list[str] = []
    rows_read = _mark_truncated(con, src, parse_rej, notes)
    make_rides(con, opts, store)
    row_rej = row_rejects(con)
    con.execute("DROP TABLE t")
    if "invalid_encoding" in set(parse_rej["reason"]):
        notes.append("some rows are not UTF-8 (Shift_JIS?); save the file as CSV UTF-8")
    n_rides, by_trip = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE by_trip) FROM pw WHERE rc = 0"
    ).fetchall()[0]
    rej = number_rejects(row_rej, parse_rej)
    write_rides(con, sha256, store / rides_part(sha256))
    write_rejects(store / rejects_part(sha256), rej)
    summary = IngestSummary(
        file=path.name,
        sha256=sha256,
        kind="taps",
        rows_read=rows_read,
        accepted=2 * n_rides,
        rejected=len(rej),
        rejected_by_reason=count_by_reason(rej["reason"]),
        matched_by_trip_id=2 * int(by_trip),
        matched_by_vehicle=2 * (int(n_rides) - int(by_trip)),
        rejects_file=rejects_part(sha256),
        notes=tuple(notes),
    )
    if summary.accepted + summary.rejected != summary.rows_read:  # pragma: no cover - invariant
        raise AssertionError(f"row accounting broken: {summary}")
    return summary


def _mark_truncated(con: Connection, src: Source, parse_rej: pd.DataFrame, notes: list[str]) -> int:
    """Rows read (parsed + rejected by the reader); the last row of a file that does not end
    with a line break is rejected as ``truncated_row`` (in ``parse_rej`` or ``t``)."""
    n_good = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    rows_read = int(n_good) + len(parse_rej)
    if not src.ends_with_newline and rows_read > 0:
        notes.append("the file does not end with a line break: its last row is cut off")
        if rows_read in set(parse_rej["row"]):
            parse_rej.loc[parse_rej["row"] == rows_read, "reason"] = "truncated_row"
        else:
            con.execute(f"UPDATE t SET rc = {rc('truncated_row')} WHERE k = (SELECT max(k) FROM t)")
    return rows_read


def _register_schedule(con: Connection, schedule: Schedule) -> None:
    """The schedule as tables with int indices: ``sstops`` (``stop_id``, ``stop_idx``),
    ``strips`` (the trips with ``trip_idx``), ``sst`` (stop times: ``trip_idx``, ``seq``,
    ``stop_idx``, ``arr_s``, ``dep_s``, ``dist_km``), ``sruns`` (``trip_idx``, ``date``)."""
    stops = schedule.stops[["stop_id"]].drop_duplicates().reset_index(drop=True)
    stops = stops[stops["stop_id"] != ""].reset_index(drop=True)
    stops["stop_idx"] = np.arange(len(stops), dtype="int32")
    trips = schedule.trips.drop_duplicates("trip_id").reset_index(drop=True).copy()
    trips["trip_idx"] = np.arange(len(trips), dtype="int32")
    st = schedule.stop_times.merge(trips[["trip_id", "trip_idx"]], on="trip_id")
    st = st.merge(stops, on="stop_id")
    runs = trips[["trip_idx", "service_id"]].merge(schedule.service_dates, on="service_id")
    con.register("_stops", stops)
    con.register("_trips", trips)
    con.register("_st", st[["trip_idx", "seq", "stop_idx", "arr_s", "dep_s", "dist_km"]])
    con.register("_runs", runs[["trip_idx", "date"]])
    con.execute("CREATE TEMP TABLE sstops AS SELECT * FROM _stops")
    con.execute("CREATE TEMP TABLE strips AS SELECT * FROM _trips")
    con.execute("CREATE TEMP TABLE sst AS SELECT * FROM _st")
    con.execute("CREATE TEMP TABLE sruns AS SELECT trip_idx, CAST(date AS DATE) AS date FROM _runs")
    for name in ("_stops", "_trips", "_st", "_runs"):
        con.unregister(name)


def _register_ids(con: Connection, src: Source, key: bytes) -> None:
    """Pass 1 over the file: distinct raw card ids -> int codes and pseudonyms (in memory only),
    distinct vehicle ids -> int codes."""
    rel = src.relation.replace("store_rejects=true", "ignore_errors=true")
    veh = "trim(vehicle_id)" if "vehicle_id" in src.columns else "CAST(NULL AS VARCHAR)"
    got = con.sql(
        f"""
        SELECT trim(card_id) AS c, {veh} AS v, GROUPING(trim(card_id)) AS g
        FROM {rel} GROUP BY GROUPING SETS ((trim(card_id)), ({veh}))
        """
    ).to_arrow_table()
    g = got.column("g").to_numpy()
    cards = [c for c, flag in zip(got.column("c").to_pylist(), g, strict=True) if flag == 0 and c]
    vehicles = [
        v for v, flag in zip(got.column("v").to_pylist(), g, strict=True) if flag == 1 and v
    ]
    del got
    pseud = pa.table(
        {
            "card_raw": pa.array(cards, pa.string()),
            "card": pa.array(np.arange(len(cards), dtype="int32")),
        }
    )
    names = pa.table({"card": pseud.column("card"), "pseudonym": pseudonymize_many(cards, key)})
    del cards
    vt = pa.table(
        {
            "vehicle": pa.array(vehicles, pa.string()),
            "vcode": pa.array(np.arange(len(vehicles), dtype="int32")),
        }
    )
    for name, table in (("pseudo", pseud), ("names", names), ("vehicles", vt)):
        con.register(f"_{name}", table)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _{name}")
        con.unregister(f"_{name}")


def _load_taps(con: Connection, src: Source) -> None:
    """Pass 2: the lean tap table ``t`` (ids as int codes, a reason code per row)."""

    def col(name: str) -> str:
        return f"nullif(trim(r.{name}), '')" if name in src.columns else "CAST(NULL AS VARCHAR)"

    ts_raw = col("ts")
    ts_expr = (
        f"coalesce(CASE WHEN length({ts_raw}) >= 16 THEN try_cast({ts_raw} AS TIMESTAMP) END, "
        + ", ".join(f"try_strptime({ts_raw}, '{f}')" for f in _TS_FORMATS)
        + ")"
    )
    # ids become int codes through ENUM types (much faster than joins on strings)
    for name, query in (
        ("card_e", "SELECT card_raw FROM pseudo ORDER BY card"),
        ("stop_e", "SELECT stop_id FROM sstops ORDER BY stop_idx"),
        ("trip_e", "SELECT trip_id FROM strips ORDER BY trip_idx"),
        ("veh_e", "SELECT vehicle FROM vehicles ORDER BY vcode"),
    ):
        con.execute(f"CREATE TYPE {name} AS ENUM ({query})")
    words = " ".join(f"WHEN {sql_str(w)} THEN {c}" for w, c in EVENTS.items())
    con.execute(
        f"""
        CREATE TEMP TABLE t AS
        WITH r AS (SELECT * FROM {src.relation}),
        q AS (
            SELECT enum_code(try_cast(trim(r.card_id) AS card_e))::INTEGER AS card,
                   {ts_expr} AS ts,
                   CAST(CASE lower({col("event")}) {words} END AS UTINYINT) AS ev,
                   enum_code(try_cast({col("stop_id")} AS stop_e))::INTEGER AS stop_idx,
                   enum_code(try_cast({col("trip_id")} AS trip_e))::INTEGER AS trip_idx,
                   enum_code(try_cast({col("vehicle_id")} AS veh_e))::INTEGER AS vcode,
                   {col("trip_id")} IS NOT NULL AS trip_given,
                   {col("fare_yen")} AS fare_raw
            FROM r
        )
        SELECT card, ts, ev, stop_idx, trip_idx, vcode, try_cast(fare_raw AS INTEGER) AS fare,
               CAST(CASE
                   WHEN card IS NULL THEN {rc("missing_card_id")}
                   WHEN ts IS NULL THEN {rc("bad_timestamp")}
                   WHEN ev IS NULL THEN {rc("bad_event")}
                   WHEN stop_idx IS NULL THEN {rc("unknown_stop")}
                   WHEN NOT trip_given AND vcode IS NULL THEN {rc("no_trip_or_vehicle")}
                   WHEN trip_given AND trip_idx IS NULL THEN {rc("unknown_trip")}
                   WHEN fare_raw IS NOT NULL AND coalesce(try_cast(fare_raw AS INTEGER), -1) < 0
                       THEN {rc("bad_fare")}
                   ELSE 0 END AS UTINYINT) AS rc,
               CAST(ts AS DATE) AS date0,
               CAST(epoch(ts) - epoch(date_trunc('day', ts)) AS INTEGER) AS secs0
        FROM q
        """
    )
    # k: the row's position among the parsed rows (1 = first). The table keeps the reader's
    # order (insertion order is preserved), so it is the row id: numbering rows in the query
    # instead (row_number() OVER ()) would make the whole parse single-threaded
    con.execute("ALTER TABLE t ADD COLUMN k INTEGER; UPDATE t SET k = CAST(rowid + 1 AS INTEGER)")
