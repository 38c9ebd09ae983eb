"""From checked taps to rides: taps with a trip id checked against the schedule, duplicates,
each boarding paired with the card's next tap, rides known only by vehicle matched to a trip,
the rides checked and written.

Works on the temporary tables of :mod:`transit.demand.store.taps`: the schedule (``sstops``,
``strips``, ``sst``, ``sruns``), the taps ``t`` and the ids (``names``, ``vehicles``). Makes
``tseq`` (the stop visit of each tap with a trip id), ``pw`` (one row per ride, on its
alighting tap, or per unpaired tap) and ``vm`` (the trip matched to each vehicle-only ride).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transit.core.fileio import atomic_write_with
from transit.demand.records import day_type_of
from transit.demand.store.db import Connection, sql_files, sql_str
from transit.demand.store.folder import ride_files
from transit.demand.store.options import IngestOptions
from transit.demand.store.rejects import rc

#: The columns of a rides file (one row per ride) and their SQL types, in order.
RIDE_SCHEMA: dict[str, str] = {
    "card": "VARCHAR",
    "date": "DATE",
    "day_type": "VARCHAR",
    "trip_id": "VARCHAR",
    "route_id": "VARCHAR",
    "direction_id": "INTEGER",
    "board_stop_id": "VARCHAR",
    "board_seq": "INTEGER",
    "board_ts": "TIMESTAMP",
    "board_s": "INTEGER",
    "alight_stop_id": "VARCHAR",
    "alight_seq": "INTEGER",
    "alight_ts": "TIMESTAMP",
    "alight_s": "INTEGER",
    "km": "DOUBLE",
    "fare_yen": "INTEGER",
    "matched_by": "VARCHAR",
    "source": "VARCHAR",
}
RIDE_COLUMNS = tuple(RIDE_SCHEMA)


def make_rides(con: Connection, opts: IngestOptions, store: Path) -> None:
    """From the checked taps ``t`` to the rides ``pw`` (see the module docstring): taps with a
    trip id checked against the schedule, duplicates and pairing, vehicle-only rides matched,
    then the rides checked (``store``: rides already there are duplicates)."""
    _check_rows(con, opts)
    _pair_rides(con)
    con.execute("DROP TABLE tseq")
    _match_vehicle_rides(con, opts)
    con.execute("DROP TABLE vm")
    _check_rides(con, opts, store)


def _check_rows(con: Connection, opts: IngestOptions) -> None:
    """Taps with a trip id: the trip must serve the stop and run on the tap's service day near
    the tap time. A tap belongs to the service day of its calendar date or, for trips timed
    past midnight (``25:10``), to the day before: both are tried and the running one nearest to
    the schedule wins."""
    tol = float(opts.schedule_tolerance_min) * 60.0
    latest = float(
        con.execute("SELECT coalesce(max(greatest(arr_s, dep_s)), 0) FROM sst").fetchall()[0][0]
    )
    con.execute(
        f"""
        CREATE TEMP TABLE tseq AS
        WITH once AS (
            SELECT trip_idx, stop_idx FROM sst GROUP BY ALL HAVING count(*) = 1
        ),
        simple AS (  -- one visit of the stop, and too late in the day to be yesterday's trip
            SELECT t.k, sst.seq::INTEGER AS seq, 0::UTINYINT AS c, sruns.trip_idx IS NOT NULL AS running,
                   abs(CASE WHEN t.ev = 1 THEN sst.dep_s ELSE sst.arr_s END - t.secs0) AS gap
            FROM t SEMI JOIN once ON once.trip_idx = t.trip_idx AND once.stop_idx = t.stop_idx
            JOIN sst ON t.trip_idx = sst.trip_idx AND t.stop_idx = sst.stop_idx
            LEFT JOIN sruns ON sruns.trip_idx = t.trip_idx AND sruns.date = t.date0
            WHERE t.rc = 0 AND t.secs0 + 86400 > {latest + tol}
        ),
        other AS (
            SELECT t.k, sst.seq, c.c, sruns.trip_idx IS NOT NULL AS running,
                   abs(CASE WHEN t.ev = 1 THEN sst.dep_s ELSE sst.arr_s END
                       - (t.secs0 + 86400 * c.c)) AS gap,
                   gap + CASE WHEN running AND gap <= {tol} THEN 0 ELSE 1e9 END AS score
            FROM t JOIN sst ON t.trip_idx = sst.trip_idx AND t.stop_idx = sst.stop_idx
            CROSS JOIN (VALUES (0), (1)) c(c)
            LEFT JOIN sruns ON sruns.trip_idx = t.trip_idx AND sruns.date = t.date0 - c.c
            WHERE t.rc = 0 AND (c.c = 0 OR t.secs0 + 86400 <= {latest + tol})
              AND NOT (t.secs0 + 86400 > {latest + tol} AND EXISTS (
                  SELECT 1 FROM once o WHERE o.trip_idx = t.trip_idx AND o.stop_idx = t.stop_idx))
        )
        SELECT k, seq, c, running AND gap <= {tol} AS good, gap <= {tol} AS near FROM simple
        UNION ALL  -- the best candidate; ties go to today's run, then the first visit of the stop
        SELECT k, arg_min(seq, struct_pack(score, c, seq))::INTEGER,
               arg_min(c, struct_pack(score, c, seq))::UTINYINT,
               bool_or(running AND gap <= {tol}), bool_or(gap <= {tol})
        FROM other GROUP BY k
        """
    )
    con.execute(
        f"""
        UPDATE t SET rc = CASE WHEN tseq.near THEN {rc("trip_not_running")}
                               ELSE {rc("time_far_from_schedule")} END
        FROM tseq WHERE t.k = tseq.k AND NOT tseq.good;
        UPDATE t SET rc = {rc("stop_not_on_trip")}
        WHERE rc = 0 AND trip_idx IS NOT NULL AND k NOT IN (SELECT k FROM tseq);
        """
    )


def _pair_rides(con: Connection) -> None:
    """Duplicates, then pairing: each boarding with the card's next tap when it alights from
    the same trip (or vehicle) within 12 hours. Table ``pw``: one row per ride (on its
    alighting tap, ``rc`` 0) and one per duplicate or unpaired tap (``rc`` its reason)."""
    near = 43200
    con.execute(
        """
        CREATE TEMP TABLE tdup AS
        SELECT card, ts, ev, stop_idx, min(k) AS keep FROM t WHERE rc = 0
        GROUP BY ALL HAVING count(*) > 1
        """
    )
    con.execute(
        f"""
        UPDATE t SET rc = {rc("duplicate_tap")} FROM tdup d
        WHERE t.rc = 0 AND d.card = t.card AND d.ts = t.ts AND d.ev = t.ev
          AND d.stop_idx = t.stop_idx AND d.keep <> t.k
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE pw AS
        WITH v AS (
            SELECT t.k, t.card, t.ts, t.ev, t.stop_idx, t.trip_idx, t.fare,
                   coalesce(s.c, 0) AS c, s.seq, coalesce(t.trip_idx, -1 - t.vcode) AS pk
            FROM t LEFT JOIN tseq s ON s.k = t.k
            WHERE t.rc = 0
        ),
        o AS (  -- one lag and one lead of a struct: several times faster than one per column
            SELECT *,
                   lag(struct_pack(ev, pk, ts, k, stop_idx, seq, c, fare)) OVER o AS p,
                   lead(struct_pack(ev, pk, ts)) OVER o AS n
            FROM v
            WINDOW o AS (PARTITION BY card ORDER BY ts, ev, k)
        ),
        w AS (
            SELECT *,
                   p.ev AS pev, p.pk AS ppk, epoch(ts) - epoch(p.ts) <= {near} AS pnear,
                   n.ev AS nev, n.pk AS npk, epoch(n.ts) - epoch(ts) <= {near} AS nnear,
                   p.k AS bk, p.stop_idx AS b_stop, p.seq AS b_seq, p.ts AS b_ts,
                   CAST(epoch(p.ts) - epoch(date_trunc('day', p.ts)) AS INTEGER) + 86400 * p.c
                       AS b_secs,
                   p.c AS b_c, CAST(p.ts AS DATE) AS b_date0, p.fare AS b_fare
            FROM o
        ),
        x AS (
            SELECT *,
                   coalesce(ev = 2 AND pev = 1 AND ppk = pk AND pnear, false) AS is_ride,
                   coalesce(ev = 1 AND nev = 2 AND npk = pk AND nnear, false) AS is_board
            FROM w
        )
        SELECT k, CAST(CASE
                   WHEN is_ride THEN 0
                   WHEN ev = 2 AND coalesce(nev = 1 AND npk = pk AND nnear, false)
                       THEN {rc("alight_before_board")}
                   WHEN ev = 2 THEN {rc("alight_without_board")}
                   WHEN coalesce(pev = 2 AND ppk = pk AND pnear, false)
                       THEN {rc("alight_before_board")}
                   ELSE {rc("board_without_alight")} END AS UTINYINT) AS rc,
               CASE WHEN is_ride THEN bk END AS bk, card,
               CASE WHEN is_ride THEN trip_idx END AS trip_idx,
               CASE WHEN is_ride THEN b_date0 - b_c END AS date,
               CASE WHEN is_ride THEN b_date0 END AS date0,
               CASE WHEN is_ride THEN b_stop END AS b_stop,
               CASE WHEN is_ride THEN b_seq END AS b_seq,
               CASE WHEN is_ride THEN b_ts END AS b_ts,
               CASE WHEN is_ride THEN b_secs END AS b_secs,
               stop_idx AS a_stop, seq AS a_seq, ts AS a_ts,
               CASE WHEN is_ride THEN b_secs + epoch(ts) - epoch(b_ts) END AS a_secs,
               coalesce(b_fare, fare) AS fare,
               trip_idx IS NOT NULL AS by_trip
        FROM x WHERE NOT is_board
        """
    )


def _match_vehicle_rides(con: Connection, opts: IngestOptions) -> None:
    """Match rides known only by vehicle to the running scheduled trip serving both stops whose
    times are nearest to the taps (the tap's date or, past midnight, the day before)."""
    tol = float(opts.match_tolerance_min) * 60.0
    width = 2.0 * tol  # departure buckets: a match lies in the tap's bucket or a neighbour
    con.execute(
        f"""
        CREATE TEMP TABLE vm AS
        WITH r AS (
            SELECT r.k, r.b_stop, r.a_stop, r.date0, c.c,
                   r.b_secs + 86400 * c.c AS bs, r.a_secs + 86400 * c.c AS as_
            FROM pw r CROSS JOIN (VALUES (0), (1)) c(c)
            WHERE r.rc = 0 AND NOT r.by_trip AND r.b_stop <> r.a_stop
        ),
        rb AS (
            SELECT r.*, CAST(floor(bs / {width}) AS BIGINT) + d.d AS bucket
            FROM r CROSS JOIN (VALUES (-1), (0), (1)) d(d)
        ),
        sb AS (SELECT *, CAST(floor(dep_s / {width}) AS BIGINT) AS bucket FROM sst)
        SELECT k, arg_min(trip_idx, o) AS trip_idx, arg_min(b_seq, o) AS b_seq,
               arg_min(a_seq, o) AS a_seq, arg_min(c, o) AS c
        FROM (  -- o: the score, ties to today's run, then the first visits (one candidate)
            SELECT *, struct_pack(score, c, b_seq, a_seq) AS o FROM (
            SELECT rb.k, sb.trip_idx, sb.seq AS b_seq, sa.seq AS a_seq, rb.c,
                   (abs(sb.dep_s - rb.bs) + abs(sa.arr_s - rb.as_)) * 1e6 + sb.trip_idx AS score
            FROM rb
            JOIN sb ON sb.stop_idx = rb.b_stop AND sb.bucket = rb.bucket
            JOIN sst sa ON sa.trip_idx = sb.trip_idx AND sa.stop_idx = rb.a_stop
            JOIN sruns ON sruns.trip_idx = sb.trip_idx AND sruns.date = rb.date0 - rb.c
            WHERE abs(sb.dep_s - rb.bs) <= {tol} AND sa.seq > sb.seq
        )) GROUP BY k
        """
    )
    con.execute(
        """
        UPDATE pw SET trip_idx = vm.trip_idx, b_seq = vm.b_seq, a_seq = vm.a_seq,
               date = pw.date0 - vm.c, b_secs = pw.b_secs + 86400 * vm.c,
               a_secs = pw.a_secs + 86400 * vm.c
        FROM vm WHERE pw.k = vm.k
        """
    )


def _check_rides(con: Connection, opts: IngestOptions, store: Path) -> None:
    """Rides (``pw``, ``rc`` 0) that cannot be: same stop, no trip, wrong direction, a ride
    time too long or faster than the bus, or a ride already in the store (a duplicate)."""
    max_s = float(opts.max_ride_min) * 60.0
    con.execute(
        f"""
        UPDATE pw SET rc = CASE
            WHEN b_stop = a_stop THEN {rc("same_stop")}
            WHEN trip_idx IS NULL THEN {rc("no_matching_trip")}
            ELSE {rc("wrong_direction")}
        END WHERE rc = 0 AND (b_stop = a_stop OR trip_idx IS NULL OR a_seq <= b_seq);
        UPDATE pw SET rc = {rc("impossible_ride_time")}
        FROM sst sb, sst sa
        WHERE pw.rc = 0 AND sb.trip_idx = pw.trip_idx AND sb.seq = pw.b_seq
          AND sa.trip_idx = pw.trip_idx AND sa.seq = pw.a_seq
          AND (pw.a_secs - pw.b_secs > {max_s}
               OR pw.a_secs - pw.b_secs < 0.5 * (sa.arr_s - sb.dep_s) - 120);
        """
    )
    existing = [p for p in ride_files(store) if p.is_file()]
    if existing:
        con.execute(
            f"""
            UPDATE pw SET rc = {rc("duplicate_tap")}
            FROM names n, sstops s, read_parquet({sql_files(existing)}) old
            WHERE pw.rc = 0 AND n.card = pw.card AND s.stop_idx = pw.b_stop
              AND old.card = n.pseudonym AND old.board_ts = pw.b_ts
              AND old.board_stop_id = s.stop_id
            """
        )


def write_rides(con: Connection, sha256: str, path: Path) -> None:
    """Stream the accepted rides (:data:`RIDE_COLUMNS`) to a Parquet file, atomically."""
    _register_day_types(con)
    # the order of rides in the file means nothing (every query groups or sorts): writing them
    # in any order lets both threads encode row groups (a quarter faster at 10 M taps)
    con.execute("SET preserve_insertion_order = false")
    atomic_write_with(path, lambda tmp: con.execute(_copy_rides_sql(sha256, tmp)))
    con.execute("SET preserve_insertion_order = true")


def _register_day_types(con: Connection) -> None:
    """Table ``dtypes``: the day type of every service date of an accepted ride."""
    dates = con.execute("SELECT DISTINCT date FROM pw WHERE rc = 0").fetchall()
    dtypes = pd.DataFrame(
        {"date": [d[0] for d in dates], "day_type": [day_type_of(d[0]) for d in dates]}
    )
    con.register("_dtypes", dtypes)
    con.execute(
        "CREATE TEMP TABLE dtypes AS SELECT CAST(date AS DATE) AS date, day_type FROM _dtypes"
    )
    con.unregister("_dtypes")


def _copy_rides_sql(sha256: str, path: Path) -> str:
    return f"""
        COPY (
        SELECT n.pseudonym AS card, r.date, d.day_type, tr.trip_id, tr.route_id,
               tr.direction_id, sb.stop_id AS board_stop_id, r.b_seq::INTEGER AS board_seq,
               r.b_ts AS board_ts, r.b_secs::INTEGER AS board_s,
               sa.stop_id AS alight_stop_id, r.a_seq::INTEGER AS alight_seq,
               r.a_ts AS alight_ts, r.a_secs::INTEGER AS alight_s,
               (xa.dist_km - xb.dist_km)::DOUBLE AS km, r.fare AS fare_yen,
               CASE WHEN r.by_trip THEN 'trip_id' ELSE 'vehicle' END AS matched_by,
               {sql_str(sha256[:12])} AS source
        FROM pw r
        JOIN names n ON n.card = r.card
        JOIN dtypes d ON d.date = r.date
        JOIN strips tr ON tr.trip_idx = r.trip_idx
        JOIN sstops sb ON sb.stop_idx = r.b_stop
        JOIN sstops sa ON sa.stop_idx = r.a_stop
        JOIN sst xb ON xb.trip_idx = r.trip_idx AND xb.seq = r.b_seq
        JOIN sst xa ON xa.trip_idx = r.trip_idx AND xa.seq = r.a_seq
        WHERE r.rc = 0
        ) TO {sql_str(str(path))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)
        """
