"""Queries over the store's rides: any SQL over the view ``rides``, and the tables the report
and the OD outputs need (stop visits, stop-to-stop OD, linked journeys, totals)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from transit.core.assumptions import value
from transit.core.geo import EARTH_RADIUS_M
from transit.demand.store.db import connect, sql_files, sql_str
from transit.demand.store.folder import ride_files
from transit.demand.store.options import IngestOptions
from transit.demand.store.rides import RIDE_SCHEMA


def query_rides(store: Path, sql: str, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Run ``sql`` with the view ``rides`` over the store's rides; returns the result frame.

    With no rides yet, ``rides`` is an empty table with the columns of
    :data:`transit.demand.store.rides.RIDE_SCHEMA`.
    """
    files = [p for p in ride_files(store) if p.is_file()]
    with (
        tempfile.TemporaryDirectory(prefix="transit-duckdb-") as spill,
        connect(options, spill_dir=Path(spill)) as con,
    ):
        if files:
            con.execute(f"CREATE VIEW rides AS SELECT * FROM read_parquet({sql_files(files)})")
        else:
            cols = ", ".join(f"{name} {kind}" for name, kind in RIDE_SCHEMA.items())
            con.execute(f"CREATE TABLE rides ({cols})")
        return con.execute(sql).fetchdf()


def stop_visits(store: Path, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Boardings and alightings of every observed trip run at every stop position.

    Returns ``trip_id``, ``date``, ``day_type``, ``seq``, ``boardings``, ``alightings``,
    ``fare_yen`` (fares paid by the riders boarding there, yen), sorted by trip run and seq.
    """
    return query_rides(
        store,
        """
        WITH b AS (SELECT trip_id, date, day_type, board_seq AS seq, count(*) AS n,
                          sum(coalesce(fare_yen, 0)) AS fare
                   FROM rides GROUP BY ALL),
             a AS (SELECT trip_id, date, day_type, alight_seq AS seq, count(*) AS n
                   FROM rides GROUP BY ALL)
        SELECT coalesce(b.trip_id, a.trip_id) AS trip_id, coalesce(b.date, a.date) AS date,
               coalesce(b.day_type, a.day_type) AS day_type, coalesce(b.seq, a.seq) AS seq,
               coalesce(b.n, 0)::BIGINT AS boardings, coalesce(a.n, 0)::BIGINT AS alightings,
               coalesce(b.fare, 0)::BIGINT AS fare_yen
        FROM b FULL JOIN a ON b.trip_id = a.trip_id AND b.date = a.date AND b.seq = a.seq
        ORDER BY trip_id, date, seq
        """,
        options=options,
    )


def od_counts(store: Path, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Stop-to-stop rides: ``board_stop_id``, ``alight_stop_id``, ``day_type``, ``rides``."""
    return query_rides(
        store,
        """
        SELECT board_stop_id, alight_stop_id, day_type, count(*)::BIGINT AS rides
        FROM rides GROUP BY ALL ORDER BY ALL
        """,
        options=options,
    )


def linked_journeys(
    store: Path,
    *,
    window_min: float | None = None,
    radius_m: float | None = None,
    options: IngestOptions | None = None,
) -> pd.DataFrame:
    """Link a card's rides into journeys: a ride boarding within ``window_min`` minutes after the
    card's previous ride alighted, within ``radius_m`` metres of that stop (straight line), on
    the same service day and another trip, is a transfer continuing the journey.

    Returns one row per (origin, destination, day type, number of rides): ``origin_stop_id``,
    ``destination_stop_id``, ``day_type``, ``legs`` (rides in the journey, 1 = no transfer),
    ``journeys``. Defaults: ``demand.journeys.transfer_window_min`` and ``…transfer_radius_m``
    of the assumptions table.
    """
    if window_min is None:
        window_min = float(value("demand.journeys.transfer_window_min"))
    if radius_m is None:
        radius_m = float(value("demand.journeys.transfer_radius_m"))
    w = float(window_min) * 60.0
    stops = store / "schedule" / "stops.parquet"

    def links(p: dict[str, str], n: dict[str, str]) -> str:
        return _continues(p, n, window_s=w, radius_m=float(radius_m))

    # one sort of the rides by card and time tells, for each ride, whether it continues the
    # card's previous ride and whether the next ride continues it: single-ride journeys (most)
    # are counted from there, and only the rides of multi-ride journeys are numbered into
    # journeys (a second, small sort) and grouped
    cur = {c: c for c in _LINK_COLUMNS}
    prev = {c: f"lag({c}) OVER w" for c in _LINK_COLUMNS}
    nxt = {c: f"lead({c}) OVER w" for c in _LINK_COLUMNS}
    return query_rides(
        store,
        f"""
        WITH st AS (SELECT stop_id, radians(stop_lat) AS la, radians(stop_lon) AS lo
                    FROM read_parquet({sql_str(str(stops))})),
        r AS (SELECT rides.card, rides.date, rides.day_type, rides.trip_id,
                     rides.board_stop_id, rides.alight_stop_id, rides.board_ts,
                     rides.alight_ts, sb.la AS bla, sb.lo AS blo, sa.la AS ala, sa.lo AS alo
              FROM rides LEFT JOIN st sb ON sb.stop_id = rides.board_stop_id
              LEFT JOIN st sa ON sa.stop_id = rides.alight_stop_id),
        s AS (
            SELECT card, day_type, board_stop_id, alight_stop_id, board_ts, alight_ts,
                   row_number() OVER w AS rn,
                   {links(prev, cur)} AS cont_prev,
                   {links(cur, nxt)} AS cont_next
            FROM r WINDOW w AS (PARTITION BY card ORDER BY board_ts, alight_ts)
        ),
        m AS (
            SELECT *, sum(CASE WHEN cont_prev THEN 0 ELSE 1 END)
                          OVER (PARTITION BY card ORDER BY rn ROWS UNBOUNDED PRECEDING) AS jn
            FROM s WHERE cont_prev OR cont_next
        ),
        journeys AS (
            SELECT board_stop_id AS origin_stop_id, alight_stop_id AS destination_stop_id,
                   day_type, 1 AS legs
            FROM s WHERE NOT cont_prev AND NOT cont_next
            UNION ALL
            SELECT arg_min(board_stop_id, rn), arg_max(alight_stop_id, rn),
                   min(day_type), count(*)::INTEGER
            FROM m GROUP BY card, jn
        )
        SELECT origin_stop_id, destination_stop_id, day_type, legs::INTEGER AS legs,
               count(*)::BIGINT AS journeys
        FROM journeys GROUP BY ALL ORDER BY ALL
        """,
        options=options,
    )


#: Columns of a ride that tell whether the next ride continues its journey.
_LINK_COLUMNS = ("date", "trip_id", "board_stop_id", "alight_stop_id", "board_ts", "alight_ts",
                 "bla", "blo", "ala", "alo")  # fmt: skip


def _continues(p: dict[str, str], n: dict[str, str], *, window_s: float, radius_m: float) -> str:
    """SQL: ride ``n`` continues the journey of the same card's previous ride ``p`` (columns of
    :data:`_LINK_COLUMNS` as SQL expressions; stop coordinates in radians, distances on the
    sphere of :func:`transit.core.geo.haversine_m`)."""
    return f"""coalesce({p["alight_ts"]} IS NOT NULL AND {n["board_ts"]} IS NOT NULL
                   AND {p["date"]} = {n["date"]} AND {p["trip_id"]} <> {n["trip_id"]}
                   AND epoch({n["board_ts"]}) - epoch({p["alight_ts"]}) BETWEEN 0 AND {window_s}
                   AND ({p["alight_stop_id"]} = {n["board_stop_id"]}
                        OR 2 * {EARTH_RADIUS_M} * asin(sqrt(
                             pow(sin(({n["bla"]} - {p["ala"]}) / 2), 2)
                             + cos({n["bla"]}) * cos({p["ala"]})
                               * pow(sin(({n["blo"]} - {p["alo"]}) / 2), 2)))
                           <= {radius_m}), false)"""


def ride_totals(store: Path, *, options: IngestOptions | None = None) -> dict[str, Any]:
    """Totals over all rides: ``rides``, ``cards``, ``pax_km``, ``fare_yen``, ``first_date``,
    ``last_date`` (dates as :class:`datetime.date` or None)."""
    df = query_rides(
        store,
        """
        SELECT count(*)::BIGINT AS rides, count(DISTINCT card)::BIGINT AS cards,
               coalesce(sum(km), 0) AS pax_km, coalesce(sum(fare_yen), 0)::BIGINT AS fare_yen,
               min(date) AS first_date, max(date) AS last_date
        FROM rides
        """,
        options=options,
    )
    rec: dict[str, Any] = {str(k): v for k, v in df.iloc[0].to_dict().items()}
    for key in ("first_date", "last_date"):
        val = rec[key]
        rec[key] = None if pd.isna(val) else pd.Timestamp(val).date()
    rec["rides"] = int(rec["rides"])
    rec["cards"] = int(rec["cards"])
    rec["fare_yen"] = int(rec["fare_yen"])
    rec["pax_km"] = float(rec["pax_km"])
    return rec
