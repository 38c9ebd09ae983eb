"""Scenario measures per network, route and stop (names from the design notes' KPI vocabulary).

Counts are riders (weighted: an observed ride weighs 1, an OD cell its count); sums of service
(trips, vehicle-km, vehicle-hours, driver-hours, cost, revenue) cover every day of the analysis
period (the riders' dates); ``vehicles_needed`` is the largest fleet any day of it needs.
Fares: each bus leg pays the scenario's fare table for its route and zones; a leg on a route
without fare rules pays the rider's tapped fare when the journey is that one leg (else 0); an
on-demand ride pays the zone's fare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from transit.demand.scenarios.feedops import column_map, fare_table
from transit.demand.scenarios.params import CostParams
from transit.gtfs.feedio import Feed

#: Network measures in table order.
NETWORK_MEASURES = (
    "riders", "riders_kept", "riders_lost", "riders_on_demand", "journey_time_change_min",
    "d0", "d1", "d2", "dun", "gen_time_mean_min", "days", "trips", "vehicle_km", "vehicle_hours",
    "vehicles_needed", "driver_hours", "operating_cost_yen", "fare_revenue_yen", "farebox_ratio",
    "pax_km", "avg_load", "pop_total", "pop_within_300m", "pop_within_500m", "pop_unserved",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Parts:
    """What the measures are computed from (see :mod:`.evaluate`).

    ``riders``: the rider table; ``journeys``: one row per rider (``status`` kept / lost /
    on_demand); ``legs``: bus legs with ``km``; ``runs``: every trip run of the period
    (``trip_id``, ``route_id``, ``date``, ``km``, ``hours``); ``days``: per date ``vehicles`` and
    ``driver_hours`` of the buses; ``odt_days``: the on-demand simulations
    (:data:`transit.demand.scenarios.ondemand.KPI_COLUMNS`); ``coverage``: population measures.
    """

    feed: Feed
    baseline: Feed
    riders: pd.DataFrame
    journeys: pd.DataFrame
    legs: pd.DataFrame
    runs: pd.DataFrame
    days: pd.DataFrame
    odt_days: pd.DataFrame
    coverage: dict[str, float]
    costs: CostParams


def leg_fares(feed: Feed, legs: pd.DataFrame) -> pd.Series:
    """The fare (yen) of each leg from the feed's fare tables; NaN where no rule prices it."""
    if not feed.has("fare_rules") or legs.empty:
        return pd.Series(np.nan, index=legs.index)
    zone = column_map(feed, "stops", "stop_id", "zone_id")
    table = fare_table(feed)
    keys = zip(
        legs["route_id"].astype(str),
        legs["board_stop_id"].map(zone),
        legs["alight_stop_id"].map(zone),
        strict=True,
    )
    return pd.Series([table.get(k, np.nan) for k in keys], index=legs.index, dtype=float)


def rider_fares(parts: Parts) -> pd.Series:
    """Bus fare (yen) each rider pays on the chosen journey, by ``rider_id`` (0 when none)."""
    legs = parts.legs
    fares = leg_fares(parts.feed, legs)
    one_leg = legs.groupby("rider_id")["leg"].transform("size") == 1
    tapped = legs["rider_id"].map(
        parts.riders.set_index("rider_id").get("fare_yen", pd.Series(dtype=float))
    )
    fares = fares.where(fares.notna(), tapped.where(one_leg))
    return fares.fillna(0.0).groupby(legs["rider_id"]).sum()


def network_measures(parts: Parts, *, base: pd.DataFrame | None = None) -> dict[str, Any]:
    """The network row (:data:`NETWORK_MEASURES`); ``base`` (the baseline's journeys) gives
    ``journey_time_change_min`` (mean over riders travelling in both; 0 without)."""
    j = parts.journeys.merge(parts.riders[["rider_id", "weight"]], on="rider_id", how="left")
    w = j["weight"].to_numpy(dtype=float)
    status = j["status"].to_numpy()
    total = float(w.sum())
    moving = status != "lost"
    transfers = j["transfers"].fillna(-1).to_numpy(dtype=float)
    pct = lambda m: 100.0 * float(w[m].sum()) / total if total else 0.0  # noqa: E731
    out: dict[str, Any] = {
        "riders": total,
        "riders_kept": float(w[status == "kept"].sum()),
        "riders_lost": float(w[status == "lost"].sum()),
        "riders_on_demand": float(w[status == "on_demand"].sum()),
        "journey_time_change_min": _change(j, base),
        "d0": pct(moving & (transfers == 0)),
        "d1": pct(moving & (transfers == 1)),
        "d2": pct(moving & (transfers >= 2)),
        "dun": pct(~moving),
        "gen_time_mean_min": _mean(j.loc[moving, "gen_cost_min"], w[moving]),
    }
    out.update(_service(parts))
    out.update({k: parts.coverage.get(k, np.nan) for k in NETWORK_MEASURES if k.startswith("pop_")})
    return {k: out[k] for k in NETWORK_MEASURES}


def _mean(values: pd.Series, weights: np.ndarray) -> float:
    ok = values.notna().to_numpy()
    return (
        float(np.average(values[ok].astype(float), weights=weights[ok]))
        if ok.any() and weights[ok].sum() > 0
        else np.nan
    )


def _change(j: pd.DataFrame, base: pd.DataFrame | None) -> float:
    if base is None:
        return 0.0
    both = j.merge(base[["rider_id", "journey_min"]], on="rider_id", suffixes=("", "_base"))
    both = both[both["journey_min"].notna() & both["journey_min_base"].notna()]
    return _mean(
        both["journey_min"] - both["journey_min_base"], both["weight"].to_numpy(dtype=float)
    )


def _service(parts: Parts) -> dict[str, float]:
    """Trips, vehicle-km/-hours, fleet, drivers, cost, revenue, load of the period."""
    odt = parts.odt_days
    bus_km = float(parts.runs["km"].sum())
    per_day = parts.days.set_index("date")["vehicles"].astype(float)
    if len(odt):
        per_day = per_day.add(odt.groupby("date")["vehicles"].max().astype(float), fill_value=0.0)
    cost = bus_km * parts.costs.cost_per_vehicle_km_yen + float(odt["cost_yen"].sum())
    fares = rider_fares(parts)
    weight = parts.riders.set_index("rider_id")["weight"]
    revenue = float((fares * weight.reindex(fares.index).fillna(1.0)).sum()) + float(
        odt["revenue_yen"].sum()
    )
    legs = parts.legs.merge(parts.riders[["rider_id", "weight"]], on="rider_id", how="left")
    pax_km = float((legs["km"] * legs["weight"]).sum())
    return {
        "days": float(parts.days["date"].nunique()),
        "trips": float(len(parts.runs)),
        "vehicle_km": bus_km + float(odt["vehicle_km"].sum()),
        "vehicle_hours": float(parts.runs["hours"].sum()) + float(odt["vehicle_hours"].sum()),
        "vehicles_needed": float(per_day.max()) if len(per_day) else 0.0,
        "driver_hours": float(parts.days["driver_hours"].sum()) + float(odt["driver_hours"].sum()),
        "operating_cost_yen": cost,
        "fare_revenue_yen": revenue,
        "farebox_ratio": revenue / cost if cost > 0 else np.nan,
        "pax_km": pax_km,
        "avg_load": pax_km / bus_km if bus_km > 0 else np.nan,
    }


#: Route table columns.
ROUTE_COLUMNS = (
    "route_id", "route_name", "riders", "riders_kept", "riders_lost", "riders_on_demand",
    "boardings", "pax_km", "trips", "vehicle_km", "vehicle_hours", "avg_load",
    "fare_revenue_yen", "operating_cost_yen", "farebox_ratio",
)  # fmt: skip

#: Stop table columns.
STOP_COLUMNS = (
    "stop_id", "stop_name", "served", "departures", "riders_from", "riders_lost_from",
    "riders_on_demand_from", "boardings", "alightings",
)  # fmt: skip


def _names(feeds: tuple[Feed, ...], table: str, key: str, cols: tuple[str, ...]) -> pd.Series:
    parts = []
    for feed in feeds:
        t = feed.get(table)
        name = pd.Series("", index=t.index, dtype=object)
        for c in reversed(cols):
            if c in t.columns:
                name = t[c].astype(str).where(t[c].astype(str) != "", name)
        parts.append(pd.Series(name.to_numpy(), index=t[key].astype(str).to_numpy()))
    out = pd.concat(parts)
    return pd.Series(out[~out.index.duplicated()])


def _weighted(parts: Parts) -> pd.DataFrame:
    return parts.journeys.merge(
        parts.riders.drop(columns=["date"], errors="ignore"), on="rider_id", how="left"
    )


def route_measures(parts: Parts) -> pd.DataFrame:
    """One row per route of the baseline or the scenario, and one per on-demand zone
    (``ODT<edit number>``): :data:`ROUTE_COLUMNS`."""
    names = _names(
        (parts.feed, parts.baseline), "routes", "route_id", ("route_short_name", "route_long_name")
    )
    out = pd.DataFrame({"route_id": names.index, "route_name": names.to_numpy()}).set_index(
        "route_id"
    )
    j = _weighted(parts)
    if "observed_route_id" in j.columns:
        by = j.pivot_table(
            index="observed_route_id",
            columns="status",
            values="weight",
            aggfunc="sum",
            fill_value=0.0,
        )
        for status, col in (
            ("kept", "riders_kept"),
            ("lost", "riders_lost"),
            ("on_demand", "riders_on_demand"),
        ):
            out[col] = by[status] if status in by.columns else 0.0
        out["riders"] = by.sum(axis=1)
    legs = parts.legs.merge(parts.riders[["rider_id", "weight"]], on="rider_id", how="left")
    fares = leg_fares(parts.feed, legs)
    tapped = legs["rider_id"].map(
        parts.riders.set_index("rider_id").get("fare_yen", pd.Series(dtype=float))
    )
    single = legs.groupby("rider_id")["leg"].transform("size") == 1
    legs["fare"] = fares.where(fares.notna(), tapped.where(single)).fillna(0.0) * legs["weight"]
    legs["pkm"] = legs["km"] * legs["weight"]
    g = legs.groupby("route_id")
    out["boardings"], out["pax_km"], out["fare_revenue_yen"] = (
        g["weight"].sum(),
        g["pkm"].sum(),
        g["fare"].sum(),
    )
    r = parts.runs.groupby("route_id")
    out["trips"], out["vehicle_km"], out["vehicle_hours"] = (
        r.size(),
        r["km"].sum(),
        r["hours"].sum(),
    )
    counted = ROUTE_COLUMNS[2:] if "observed_route_id" in j.columns else ROUTE_COLUMNS[6:]
    out = _numbers(out.reindex(columns=list(ROUTE_COLUMNS[1:])), ROUTE_COLUMNS[2:])
    out = out.fillna(dict.fromkeys(counted, 0.0))
    out["operating_cost_yen"] = out["vehicle_km"] * parts.costs.cost_per_vehicle_km_yen
    out = pd.concat([out, _zone_rows(parts, j)])
    out["avg_load"] = out["pax_km"] / out["vehicle_km"].where(out["vehicle_km"] > 0)
    out["farebox_ratio"] = out["fare_revenue_yen"] / out["operating_cost_yen"].where(
        out["operating_cost_yen"] > 0
    )
    return out.reset_index(names="route_id")[list(ROUTE_COLUMNS)]


def _zone_rows(parts: Parts, j: pd.DataFrame) -> pd.DataFrame:
    odt = parts.odt_days
    if odt.empty:
        return pd.DataFrame(columns=list(ROUTE_COLUMNS[1:]))
    rows = {}
    for zone, g in odt.groupby("zone"):
        mine = (
            j[j.get("zone", pd.Series(np.nan, index=j.index)) == zone]
            if "zone" in j.columns
            else j.iloc[0:0]
        )
        served = float(mine.loc[mine["status"] == "on_demand", "weight"].sum())
        rows[f"ODT{zone}"] = {
            "route_name": f"オンデマンド交通（edit {zone}）", "riders": float(mine["weight"].sum()),
            "riders_kept": 0.0, "riders_lost": float(mine.loc[mine["status"] == "lost", "weight"].sum()),
            "riders_on_demand": served, "boardings": served, "pax_km": np.nan, "trips": float(g["served"].sum()),
            "vehicle_km": float(g["vehicle_km"].sum()), "vehicle_hours": float(g["vehicle_hours"].sum()),
            "fare_revenue_yen": float(g["revenue_yen"].sum()), "operating_cost_yen": float(g["cost_yen"].sum()),
        }  # fmt: skip
    return pd.DataFrame.from_dict(rows, orient="index")


def stop_measures(parts: Parts) -> pd.DataFrame:
    """One row per pole of the baseline or the scenario: :data:`STOP_COLUMNS` (``served``:
    a scenario trip calls there; ``departures``: calls where riders can board, over the
    period)."""
    poles = []
    for feed in (parts.baseline, parts.feed):
        kind = feed.column("stops", "location_type").astype(str)
        poles.append(feed.stops.loc[kind != "1", ["stop_id", "stop_name"]].astype(str))
    out = pd.concat(poles).drop_duplicates("stop_id").set_index("stop_id")
    st = parts.feed.stop_times
    seq = pd.to_numeric(st["stop_sequence"], errors="coerce")
    last = seq == seq.groupby(st["trip_id"]).transform("max")
    runs = parts.runs["trip_id"].value_counts()
    out["served"] = out.index.isin(set(st["stop_id"].astype(str)))
    calls = st.loc[~last, ["trip_id", "stop_id"]].assign(
        n=lambda d: d["trip_id"].map(runs).fillna(0)
    )
    out["departures"] = calls.groupby("stop_id")["n"].sum()
    j = _weighted(parts)
    by = j.pivot_table(
        index="origin_stop_id", columns="status", values="weight", aggfunc="sum", fill_value=0.0
    )
    out["riders_from"] = by.sum(axis=1)
    for status, col in (("lost", "riders_lost_from"), ("on_demand", "riders_on_demand_from")):
        out[col] = by[status] if status in by.columns else 0.0
    legs = parts.legs.merge(parts.riders[["rider_id", "weight"]], on="rider_id", how="left")
    out["boardings"] = legs.groupby("board_stop_id")["weight"].sum()
    out["alightings"] = legs.groupby("alight_stop_id")["weight"].sum()
    out = _numbers(out, STOP_COLUMNS[3:]).fillna(dict.fromkeys(STOP_COLUMNS[3:], 0.0))
    return out.reset_index(names="stop_id")[list(STOP_COLUMNS)]


def _numbers(table: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``table`` with ``columns`` as floats (an empty group-by leaves them without a type)."""
    out = table.copy()
    for col in columns:
        out[col] = (
            pd.to_numeric(out[col], errors="coerce").astype(float) if col in out.columns else np.nan
        )
    return out
