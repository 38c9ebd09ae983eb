"""Ride requests for a simulated service day: generated from population and destinations, or
replayed from a request log.

A request table (``pandas.DataFrame``) has one row per ride request, sorted by ``booked_s``:

=================  =====================================================================
column             meaning
=================  =====================================================================
``request_id``     ``R0001``, … (str)
``booking``        ``"advance"`` (booked the day before) or ``"immediate"``
``booked_s``       when the dispatcher learns of it (seconds after midnight; negative = the
                   day before)
``desired_s``      desired pickup time (seconds after midnight)
``origin_lon``,    pickup point (WGS84 degrees)
``origin_lat``
``dest_lon``,      drop-off point (WGS84 degrees)
``dest_lat``
``passengers``     seats (1 or 2)
``purpose``        destination kind (``hospital``, ``supermarket``, ``bus_hub``, …) for outbound
                   trips, ``home`` for returns
``place_id``       the destination (outbound) or the place left (return)
``direction``      ``"outbound"`` (home → place) or ``"return"`` (place → home)
``to_hub``         true when the ride goes to a bus hub (timed to a bus departure)
=================  =====================================================================

:func:`write_request_log` / :func:`read_request_log` store the same table as CSV with times as
``HH:MM:SS`` (a log from a real booking system can be replayed in that format).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from transit.core.assumptions import value
from transit.core.errors import InputError, InputErrors, Location
from transit.core.fileio import atomic_write_text
from transit.core.gtfstime import format_clock, parse_clock
from transit.routing.areas.config import Demand, profile_hours
from transit.routing.areas.read import read_csv_table

COLUMNS = (
    "request_id",
    "booking",
    "booked_s",
    "desired_s",
    "origin_lon",
    "origin_lat",
    "dest_lon",
    "dest_lat",
    "passengers",
    "purpose",
    "place_id",
    "direction",
    "to_hub",
)
#: Columns a request log must have (the others get defaults).
LOG_REQUIRED = (
    "request_id",
    "booked_at",
    "desired_at",
    "origin_lon",
    "origin_lat",
    "dest_lon",
    "dest_lat",
)
HUB_KIND = "bus_hub"


def advance_booked_s() -> float:
    """When advance bookings are known, in seconds from the service day's midnight (negative:
    the day before; ``drt.demand.advance_booked_h`` of the assumptions table, 18:00)."""
    return float(value("drt.demand.advance_booked_h")) * 3600.0


def generate_requests(
    population: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    demand: Demand,
    shift_s: tuple[float, float],
    seed: int,
    last_pickup_min: float | None = None,
) -> pd.DataFrame:
    """Draw one weekday's ride requests.

    Outbound requests: a Poisson draw with mean ``trips_per_1000_residents / 1000 ×
    Σ(population + elderly_weight × elderly)``; or, when ``demand.requests`` is positive, trips
    are drawn until exactly that many requests (outbound and return) exist. Each picks a
    home point with probability ∝ its weighted population, a destination kind by
    ``destination_shares`` (kinds absent from ``destinations`` are left out and the shares
    renormalized), a place of that kind uniformly, and a desired time: an hour by
    ``outbound_profile`` and a uniform minute. A share ``return_share`` gets a return trip home
    after a uniform dwell, if it still starts before the shift ends. Booking: advance with
    probability ``advance_share`` (known at 18:00 the day before), else immediate, booked a uniform
    ``lead_min_min``–``lead_max_min`` before the desired time (not before the shift starts).

    Parameters
    ----------
    population
        Columns ``lon``, ``lat``, ``population`` (and optionally ``elderly``).
    destinations
        Columns ``place_id``, ``kind``, ``lon``, ``lat``.
    demand
        The demand assumptions.
    shift_s
        Service start and end (seconds after midnight); desired times fall between the start
        and ``last_pickup_min`` minutes before the end (trips wanted later are not generated;
        default: ``drt.shift.last_pickup_min`` of the assumptions table).
    seed
        Random seed: same inputs and seed give the same table.

    Returns
    -------
    pandas.DataFrame
        The request table (columns :data:`COLUMNS`), sorted by ``booked_s`` then ``request_id``.
    """
    check_seed(seed)
    rng = np.random.default_rng(seed)
    start, end = shift_s
    if last_pickup_min is None:
        last_pickup_min = float(value("drt.shift.last_pickup_min"))
    latest = end - last_pickup_min * 60.0
    if latest <= start:
        raise InputError("the shift is shorter than last_pickup_min: no time for any ride")
    weights = population["population"].to_numpy(dtype=float)
    if "elderly" in population.columns:
        weights = weights + demand.elderly_weight * population["elderly"].to_numpy(dtype=float)
    if weights.sum() <= 0:
        raise InputError("population weights sum to zero")
    target = int(demand.requests)
    n_out = (
        10**9
        if target > 0
        else int(rng.poisson(demand.trips_per_1000_residents / 1000.0 * weights.sum()))
    )
    rows = _trips(rng, population, destinations, demand, weights, n_out, target, (start, latest))
    if target > 0:
        rows = rows[:target]
    _book(rng, rows, demand, start)
    return _finish(rows)


def check_seed(seed: int) -> None:
    """Refuse a negative random seed (NumPy's generators take seeds from 0 up)."""
    if seed < 0:
        raise InputError(f"seed must be at least 0, got {seed}")


def _trips(
    rng: np.random.Generator,
    population: pd.DataFrame,
    destinations: pd.DataFrame,
    demand: Demand,
    weights: np.ndarray,
    n_out: int,
    target: int,
    window: tuple[float, float],
) -> list[dict[str, object]]:
    """Draw ``n_out`` outbound trips (or until ``target`` rows exist), each maybe with its
    return; desired times between the ``window`` ends."""
    start, latest = window
    kinds, kind_p = kind_shares(demand.destination_shares, destinations)
    hours, hour_p = _profile(demand.outbound_profile, start, latest)
    home_p = weights / weights.sum()
    rows: list[dict[str, object]] = []
    by_kind = {k: destinations[destinations["kind"] == k].reset_index(drop=True) for k in kinds}
    i = 0
    while i < n_out and (target <= 0 or len(rows) < target):
        i += 1
        home = population.iloc[int(rng.choice(len(population), p=home_p))]
        kind = kinds[int(rng.choice(len(kinds), p=kind_p))]
        hour = hours[int(rng.choice(len(hours), p=hour_p))]
        places = by_kind[kind]
        place = places.iloc[int(rng.integers(len(places)))]
        desired = float(np.clip(hour * 3600.0 + rng.uniform(0.0, 3600.0), start, latest))
        pax = 2 if rng.random() < demand.group_share else 1
        home_xy = (float(home["lon"]), float(home["lat"]))
        place_xy = (float(place["lon"]), float(place["lat"]))
        place_id = str(place["place_id"])
        rows.append(
            _row(desired, home_xy, place_xy, pax, kind, place_id, "outbound", kind == HUB_KIND)
        )
        if rng.random() < demand.return_share:
            back = desired + rng.uniform(demand.dwell_min_min, demand.dwell_max_min) * 60.0
            if back <= latest:
                rows.append(
                    _row(float(back), place_xy, home_xy, pax, "home", place_id, "return", False)
                )
    return rows


def _book(
    rng: np.random.Generator, rows: list[dict[str, object]], demand: Demand, start: float
) -> None:
    """Booking of each row: advance (known the day before) or immediate (a lead before the
    desired time, not before half an hour ahead of the shift)."""
    for row in rows:
        desired = float(row["desired_s"])  # type: ignore[arg-type]
        if rng.random() < demand.advance_share:
            row["booking"], row["booked_s"] = "advance", advance_booked_s()
        else:
            lead = rng.uniform(demand.lead_min_min, demand.lead_max_min) * 60.0
            row["booking"], row["booked_s"] = "immediate", max(start - 1800.0, desired - lead)
            row["booked_s"] = min(float(row["booked_s"]), desired)  # type: ignore[arg-type]


def _row(
    desired: float,
    origin: tuple[float, float],
    dest: tuple[float, float],
    pax: int,
    purpose: str,
    place_id: str,
    direction: str,
    to_hub: bool,
) -> dict[str, object]:
    return {
        "request_id": "",
        "booking": "",
        "booked_s": 0.0,
        "desired_s": round(desired),
        "origin_lon": origin[0],
        "origin_lat": origin[1],
        "dest_lon": dest[0],
        "dest_lat": dest[1],
        "passengers": pax,
        "purpose": purpose,
        "place_id": place_id,
        "direction": direction,
        "to_hub": to_hub,
    }


def _finish(rows: list[dict[str, object]]) -> pd.DataFrame:
    if not rows:
        return empty_requests()
    df = pd.DataFrame(rows)
    df["booked_s"] = df["booked_s"].astype(float).round()
    df["desired_s"] = df["desired_s"].astype(float)
    df = df.sort_values(["desired_s", "booked_s"], kind="stable").reset_index(drop=True)
    df["request_id"] = [f"R{i + 1:04d}" for i in range(len(df))]
    df = df.sort_values(["booked_s", "request_id"], kind="stable").reset_index(drop=True)
    return df.loc[:, list(COLUMNS)].astype({"passengers": int, "to_hub": bool})


def empty_requests() -> pd.DataFrame:
    """A request table with no rows (the columns of :data:`COLUMNS`)."""
    return pd.DataFrame(
        {
            "request_id": pd.Series([], dtype=object),
            "booking": pd.Series([], dtype=object),
            "booked_s": pd.Series([], dtype=float),
            "desired_s": pd.Series([], dtype=float),
            "origin_lon": pd.Series([], dtype=float),
            "origin_lat": pd.Series([], dtype=float),
            "dest_lon": pd.Series([], dtype=float),
            "dest_lat": pd.Series([], dtype=float),
            "passengers": pd.Series([], dtype=int),
            "purpose": pd.Series([], dtype=object),
            "place_id": pd.Series([], dtype=object),
            "direction": pd.Series([], dtype=object),
            "to_hub": pd.Series([], dtype=bool),
        }
    )


def kind_shares(
    shares: Mapping[str, float], destinations: pd.DataFrame
) -> tuple[list[str], np.ndarray]:
    """The destination kinds with a positive share that ``destinations`` has, and their shares
    renormalized to sum to 1; raises :class:`InputError` when there is none."""
    present = set(destinations["kind"].astype(str))
    kinds = sorted(k for k, v in shares.items() if v > 0 and k in present)
    if not kinds:
        raise InputError(
            "no destination of any kind with a positive share "
            f"(kinds present: {', '.join(sorted(present))}; shares: {dict(shares)})"
        )
    p = np.array([shares[k] for k in kinds], dtype=float)
    return kinds, p / p.sum()


def _profile(
    profile: Mapping[str, float], start: float, end: float
) -> tuple[list[int], np.ndarray]:
    hours = profile_hours(profile, start, end)
    if not hours:
        raise InputError("the outbound profile has no positive hour inside the shift")
    p = np.array([profile[str(h)] for h in hours], dtype=float)
    return hours, p / p.sum()


# --- request logs ----------------------------------------------------------------------------


def write_request_log(requests: pd.DataFrame, path: Path) -> None:
    """Write a request table as a CSV log (UTF-8; times ``HH:MM:SS``, negative = day before)."""
    out = requests.loc[:, list(COLUMNS)].copy()
    out.insert(2, "booked_at", [format_clock(v) for v in out.pop("booked_s")])
    out.insert(3, "desired_at", [format_clock(v) for v in out.pop("desired_s")])
    out["to_hub"] = out["to_hub"].map(lambda b: "1" if b else "0")
    atomic_write_text(path, out.to_csv(index=False, lineterminator="\n"))


def read_request_log(path: Path) -> pd.DataFrame:
    """Read a request log CSV into a request table.

    Required columns: ``request_id``, ``booked_at``, ``desired_at`` (``HH:MM`` or ``HH:MM:SS``;
    ``-HH:MM`` = the day before), ``origin_lon``, ``origin_lat``, ``dest_lon``, ``dest_lat``.
    Optional: ``booking`` (default ``advance`` when booked before the desired day, else
    ``immediate``), ``passengers`` (1), ``purpose`` (""), ``place_id`` (""), ``direction``
    (``outbound``), ``to_hub`` (``0``/``1``, default 0). Every bad cell is reported at once.
    """
    path = Path(path)
    raw = read_csv_table(path, required=LOG_REQUIRED, what="request log")
    errors: list[InputError] = []
    rows: list[dict[str, object]] = []
    for i, rec in enumerate(raw.to_dict("records")):
        row_no = i + 2

        def bad(col: str, msg: str, row_no: int = row_no) -> None:
            errors.append(InputError(msg, Location.of(path, row=row_no, column=col)))

        rows.append(_log_row(rec, bad))
    seen: set[object] = set()
    for i, rid in enumerate(r["request_id"] for r in rows):
        if rid in seen:
            errors.append(
                InputError(
                    f"duplicate request id {rid!r}",
                    Location.of(path, row=i + 2, column="request_id"),
                )
            )
        seen.add(rid)
    if errors:
        raise InputErrors(errors)
    if not rows:
        return empty_requests()
    df = pd.DataFrame(rows)
    df = df.sort_values(["booked_s", "request_id"], kind="stable").reset_index(drop=True)
    return df.loc[:, list(COLUMNS)].astype({"passengers": int, "to_hub": bool})


def _log_row(rec: Mapping[Any, str], bad: Callable[[str, str], None]) -> dict[str, object]:
    """One request log row as request table values; each bad cell is reported to ``bad``."""
    values: dict[str, object] = {"request_id": rec["request_id"].strip()}
    if not values["request_id"]:
        bad("request_id", "empty request id")
    times: dict[str, float] = {}
    for col, key in (("booked_at", "booked_s"), ("desired_at", "desired_s")):
        try:
            times[key] = float(parse_clock(rec[col]))
        except ValueError:
            bad(col, f"not a time HH:MM[:SS]: {rec[col]!r}")
            times[key] = 0.0
    values.update(times)
    for col in ("origin_lon", "origin_lat", "dest_lon", "dest_lat"):
        try:
            values[col] = float(rec[col])
        except ValueError:
            values[col] = math.nan
        if not math.isfinite(float(values[col])):  # type: ignore[arg-type]
            bad(col, f"not a number: {rec[col]!r}")
            values[col] = 0.0
    pax_text = rec.get("passengers", "") or "1"
    try:
        pax = int(pax_text)
        if pax < 1:
            bad("passengers", f"must be at least 1, got {pax_text}")
    except ValueError:
        bad("passengers", f"not an integer: {pax_text!r}")
        pax = 1
    values["passengers"] = pax
    booking = (rec.get("booking", "") or "").strip()
    if booking not in ("", "advance", "immediate"):
        bad("booking", f"expected advance or immediate, got {booking!r}")
    values["booking"] = booking or ("advance" if times["booked_s"] < 0 else "immediate")
    hub = (rec.get("to_hub", "") or "0").strip().lower()
    if hub not in ("0", "1", "true", "false"):
        bad("to_hub", f"expected 0 or 1, got {hub!r}")
    values["to_hub"] = hub in ("1", "true")
    values["purpose"] = rec.get("purpose", "") or ""
    values["place_id"] = rec.get("place_id", "") or ""
    values["direction"] = rec.get("direction", "") or "outbound"
    if times["booked_s"] > times["desired_s"]:
        bad("booked_at", "booked after the desired pickup time")
    return values
