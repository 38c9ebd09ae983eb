"""Who travels: observed rides from the ridership store, or an OD matrix with time bands, as the
rider table the journey search re-routes (:data:`transit.demand.scenarios.assign.RIDER_COLUMNS`).

The one module of the scenario package that reads the store. Riders carry pseudonymous ids only:
the store's card pseudonym and the ride's number on that card (``<card>-<n>``); raw card ids never
reach the store, so they never reach here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.errors import InputError, Location
from transit.core.gtfstime import parse_clock
from transit.demand.records import DEFAULT_TIME_BANDS, TimeBand, day_type_of
from transit.demand.store.queries import query_rides

#: Columns of an observed rider table beyond the search's (what the riders did in the baseline).
OBSERVED_COLUMNS = ("day_type", "observed_route_id", "observed_trip_id", "observed_min", "fare_yen")


def read_riders(store: Path) -> pd.DataFrame:
    """Every ride of the store as a rider asking to leave its boarding stop at its boarding time.

    Returns the search's columns (``rider_id``, ``date`` datetime64, ``origin_stop_id``,
    ``destination_stop_id``, ``desired_lo_s`` = ``desired_hi_s`` = boarding time (s),
    ``weight`` 1) and :data:`OBSERVED_COLUMNS` (``observed_min``: riding time, minutes;
    ``fare_yen``: the fare tapped, NaN when none), sorted by card and boarding time.
    """
    rides = query_rides(
        store,
        """
        SELECT card, date, day_type, trip_id, route_id, board_stop_id, board_s,
               alight_stop_id, alight_s, fare_yen
        FROM rides ORDER BY card, date, board_s, trip_id
        """,
    )
    number = rides.groupby("card", sort=False).cumcount() + 1
    board = rides["board_s"].astype(float)
    return pd.DataFrame(
        {
            "rider_id": rides["card"].astype(str) + "-" + number.astype(str),
            "date": pd.to_datetime(rides["date"]).astype("datetime64[ns]"),
            "origin_stop_id": rides["board_stop_id"].astype(str),
            "destination_stop_id": rides["alight_stop_id"].astype(str),
            "desired_lo_s": board,
            "desired_hi_s": board,
            "weight": 1.0,
            "day_type": rides["day_type"].astype(str),
            "observed_route_id": rides["route_id"].astype(str),
            "observed_trip_id": rides["trip_id"].astype(str),
            "observed_min": (rides["alight_s"].astype(float) - board) / 60.0,
            "fare_yen": pd.to_numeric(rides["fare_yen"], errors="coerce").astype(float),
        }
    )


def riders_from_od(
    od: pd.DataFrame,
    *,
    dates: Iterable[dt.date],
    bands: tuple[TimeBand, ...] = DEFAULT_TIME_BANDS,
    source: str = "od",
) -> pd.DataFrame:
    """OD cells as riders: one rider row per cell, weighted by its count.

    ``od`` has ``origin_stop_id``, ``destination_stop_id``, ``riders`` (a count, may be
    fractional), a day (``date`` YYYY-MM-DD, or ``day_type`` 平日/土曜/日祝: the first of
    ``dates`` of that day type) and a time band (``time_band``, a name of ``bands``, or
    ``start``/``end`` as ``HH:MM``). A cell's rider may leave anywhere in its band.

    Raises
    ------
    InputError
        A missing column, an unknown day type or band, or a time that is not ``HH:MM``
        (located by ``source`` and row).
    """
    need = {"origin_stop_id", "destination_stop_id", "riders"}
    missing = sorted(need - set(od.columns))
    if missing:
        raise InputError(f"missing columns {', '.join(missing)}", Location(file=source))
    days = _days(od, sorted(dates), source)
    lo, hi = _band_seconds(od, bands, source)
    return pd.DataFrame(
        {
            "rider_id": [f"od{i + 1}" for i in range(len(od))],
            "date": days,
            "origin_stop_id": od["origin_stop_id"].astype(str).to_numpy(),
            "destination_stop_id": od["destination_stop_id"].astype(str).to_numpy(),
            "desired_lo_s": lo,
            "desired_hi_s": hi,
            "weight": pd.to_numeric(od["riders"], errors="coerce")
            .fillna(0.0)
            .to_numpy(dtype=float),
            "day_type": [day_type_of(d.date()) for d in days],
        }
    )


def _days(od: pd.DataFrame, dates: list[dt.date], source: str) -> pd.DatetimeIndex:
    if "date" in od.columns:
        days = pd.to_datetime(od["date"], errors="coerce")
        bad = np.flatnonzero(days.isna().to_numpy())
        if len(bad):
            raise InputError(
                "not a date YYYY-MM-DD", Location(file=source, row=int(bad[0]) + 2, column="date")
            )
        return pd.DatetimeIndex(days.astype("datetime64[ns]"))
    if "day_type" not in od.columns:
        raise InputError("give a date or a day_type column", Location(file=source))
    first: dict[str, dt.date] = {}
    for d in dates:
        first.setdefault(day_type_of(d), d)
    out = []
    for i, kind in enumerate(od["day_type"].astype(str)):
        if kind not in first:
            raise InputError(
                f"no service day of day type {kind!r} in the feed",
                Location(file=source, row=i + 2, column="day_type"),
            )
        out.append(first[kind])
    return pd.DatetimeIndex(pd.to_datetime(out).astype("datetime64[ns]"))


def _band_seconds(
    od: pd.DataFrame, bands: tuple[TimeBand, ...], source: str
) -> tuple[np.ndarray, np.ndarray]:
    if "time_band" in od.columns:
        by_name = {b.name: b for b in bands}
        lo, hi = [], []
        for i, name in enumerate(od["time_band"].astype(str)):
            if name not in by_name:
                known = ", ".join(by_name)
                raise InputError(
                    f"unknown time band {name!r} (known: {known})",
                    Location(file=source, row=i + 2, column="time_band"),
                )
            lo.append(by_name[name].start_h * 3600.0)
            hi.append(by_name[name].end_h * 3600.0)
        return np.array(lo), np.array(hi)
    out = []
    for col in ("start", "end"):
        if col not in od.columns:
            raise InputError("give a time_band column or start and end", Location(file=source))
        vals = []
        for i, text in enumerate(od[col].astype(str)):
            try:
                vals.append(float(parse_clock(text)))
            except ValueError as exc:
                raise InputError(str(exc), Location(file=source, row=i + 2, column=col)) from exc
        out.append(np.array(vals))
    return out[0], out[1]


def read_od(path: Path, *, dates: Iterable[dt.date]) -> pd.DataFrame:
    """:func:`riders_from_od` of an OD CSV file (columns as there)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return riders_from_od(table, dates=dates, source=path.name)
