"""Bring an edited feed's GTFS-JP tables back in step with its trips and stop times.

After the edits, :func:`finish` drops what no trip uses any more (routes, stops, shapes,
patterns, fare rules and fares, translations), gives new stop sequences their own
``jp_pattern_id`` (and ``pattern_jp`` row) and a shape when the feed has shapes, prices stop pairs
new to a route from the nearest priced pair on the same trip (an assumption, see
``docs/scenarios.md``), translates new headsigns from the stop names' translations, and marks the
scenario in ``feed_info.feed_version``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transit.core.geo import haversine_m
from transit.demand.scenarios.edits import reshape
from transit.demand.scenarios.feedops import calls_of, column_map, fare_table, stop_points
from transit.demand.scenarios.merge import add_fares
from transit.demand.scenarios.roads import Roads
from transit.gtfs.feedio import Feed


def finish(feed: Feed, baseline: Feed, *, roads: Roads, version: str = "") -> Feed:
    """The edited ``feed`` with every table consistent (see the module docstring)."""
    feed = _shapes_for_new(feed, roads)
    feed = _patterns(feed, baseline)
    feed = _served(feed)
    feed = _fares(feed, baseline)
    feed = _translations(feed)
    if version and feed.has("feed_info") and "feed_version" in feed.feed_info.columns:
        info = feed.feed_info.copy()
        info["feed_version"] = [f"{v} {version}".strip() for v in info["feed_version"].astype(str)]
        feed = feed.replace(feed_info=info)
    return feed


def _sequences(feed: Feed) -> dict[str, tuple[str, ...]]:
    st = feed.stop_times.assign(
        _seq=pd.to_numeric(feed.stop_times["stop_sequence"], errors="coerce")
    )
    st = st.sort_values(["trip_id", "_seq"], kind="stable")
    return {str(t): tuple(g.astype(str)) for t, g in st.groupby("trip_id", sort=False)["stop_id"]}


def _shapes_for_new(feed: Feed, roads: Roads) -> Feed:
    """Trips without a shape (new or re-routed) in a feed with shapes get one along the roads."""
    if not feed.has("shapes"):
        return feed
    known = set(feed.get("shapes")["shape_id"].astype(str))
    shape = feed.column("trips", "shape_id").astype(str)
    missing = feed.trips.loc[~shape.isin(known), "trip_id"].astype(str)
    if missing.empty:
        return feed
    pts = stop_points(feed)
    seqs = _sequences(feed)
    paths = {t: roads.path([pts[s] for s in seqs[t] if s in pts]) for t in missing if t in seqs}
    return reshape(feed, paths, tag="new")


def _patterns(feed: Feed, baseline: Feed) -> Feed:
    """A new ``jp_pattern_id`` (and ``pattern_jp`` row) for each stop sequence that is not its
    pattern's sequence in the baseline."""
    if "jp_pattern_id" not in feed.trips.columns:
        return feed
    before = _sequences(baseline)
    base_seq: dict[str, tuple[str, ...]] = {}
    for t, p in zip(
        baseline.trips["trip_id"].astype(str),
        baseline.column("trips", "jp_pattern_id").astype(str),
        strict=True,
    ):
        if t in before:
            base_seq.setdefault(p, before[t])
    seqs = _sequences(feed)
    trips = feed.trips.copy()
    taken = set(base_seq) | set(trips["jp_pattern_id"].astype(str))
    fresh: dict[tuple[str, tuple[str, ...]], str] = {}
    ids = []
    for t, p in zip(trips["trip_id"].astype(str), trips["jp_pattern_id"].astype(str), strict=True):
        seq = seqs.get(t, ())
        if base_seq.get(p) == seq or not p:
            ids.append(p)
            continue
        if (p, seq) not in fresh:
            k = 2
            while f"{p}_v{k}" in taken:
                k += 1
            fresh[(p, seq)] = f"{p}_v{k}"
            taken.add(fresh[(p, seq)])
        ids.append(fresh[(p, seq)])
    trips["jp_pattern_id"] = ids
    return feed.replace(trips=trips, pattern_jp=_pattern_rows(feed, fresh))


def _pattern_rows(feed: Feed, fresh: dict[tuple[str, tuple[str, ...]], str]) -> pd.DataFrame:
    table = feed.get("pattern_jp")
    if table.empty:
        return table
    names = column_map(feed, "stops", "stop_id", "stop_name")
    rows = []
    for (old, seq), new in fresh.items():
        src = table[table["jp_pattern_id"].astype(str) == old]
        row = src.iloc[0].to_dict() if len(src) else dict.fromkeys(table.columns, "")
        row.update({"jp_pattern_id": new, "origin_stop": names.get(seq[0], ""),
                    "destination_stop": names.get(seq[-1], ""), "via_stop": ""})  # fmt: skip
        rows.append(row)
    return pd.concat([table, pd.DataFrame(rows, columns=table.columns)], ignore_index=True)


def _served(feed: Feed) -> Feed:
    """Drop trips without two calls, and routes, stops, shapes and patterns nobody uses."""
    counts = feed.stop_times["trip_id"].astype(str).value_counts()
    trips = feed.trips[feed.trips["trip_id"].astype(str).map(counts).fillna(0) >= 2]
    st = feed.stop_times[
        feed.stop_times["trip_id"].astype(str).isin(set(trips["trip_id"].astype(str)))
    ]
    tables: dict[str, pd.DataFrame] = {"trips": trips, "stop_times": st}
    routes = feed.routes
    tables["routes"] = routes[
        routes["route_id"].astype(str).isin(set(trips["route_id"].astype(str)))
    ]
    used = set(st["stop_id"].astype(str))
    stops = feed.stops
    parents = set(
        feed.column("stops", "parent_station").astype(str)[stops["stop_id"].astype(str).isin(used)]
    )
    tables["stops"] = stops[stops["stop_id"].astype(str).isin(used | parents)]
    for name, col in (("shapes", "shape_id"), ("pattern_jp", "jp_pattern_id")):
        if feed.has(name):
            keep = set(feed.column("trips", col).astype(str)[trips.index])
            tables[name] = feed.get(name)[feed.get(name)[col].astype(str).isin(keep)]
    return feed.replace(**{k: v.reset_index(drop=True) for k, v in tables.items()})


def _fares(feed: Feed, baseline: Feed) -> Feed:
    """Rules of routes and zones that are gone are dropped, pairs new to a route priced,
    unused fares dropped."""
    rules = feed.get("fare_rules")
    if rules.empty:
        return feed
    zones = set(feed.column("stops", "zone_id").astype(str)) - {""}
    ok = rules["route_id"].astype(str).isin(set(feed.routes["route_id"].astype(str)) | {""})
    for col in ("origin_id", "destination_id", "contains_id"):
        if col in rules.columns:
            ok &= rules[col].astype(str).isin(zones | {""})
    feed = feed.replace(fare_rules=rules[ok].reset_index(drop=True))
    seen = _pairs_on_trips(baseline)
    for route, prices in _new_pairs(feed, seen).items():
        feed = add_fares(feed, route, prices)
    attrs = feed.get("fare_attributes")
    used = set(feed.get("fare_rules")["fare_id"].astype(str))
    return feed.replace(
        fare_attributes=attrs[attrs["fare_id"].astype(str).isin(used)].reset_index(drop=True)
    )


def _pairs_on_trips(feed: Feed) -> set[tuple[str, str, str]]:
    """Every (route, origin zone, destination zone) a rider can ride in ``feed``."""
    zone = column_map(feed, "stops", "stop_id", "zone_id")
    route_of = column_map(feed, "trips", "trip_id", "route_id")
    out: set[tuple[str, str, str]] = set()
    for trip, stops in _sequences(feed).items():
        z = [zone.get(s, "") for s in stops]
        out |= {
            (route_of.get(trip, ""), z[i], z[j])
            for i in range(len(z))
            for j in range(i + 1, len(z))
        }
    return out


def _new_pairs(
    feed: Feed, seen: set[tuple[str, str, str]]
) -> dict[str, dict[tuple[str, str], float]]:
    """For each priced route, its unpriced (origin zone, destination zone) pairs that riders
    could not ride in the baseline (``seen``), priced as the priced pair of the same trip whose
    stops are nearest along it."""
    known: dict[str, dict[tuple[str, str], float]] = {}
    for (r, o, d), price in fare_table(feed).items():
        known.setdefault(r, {})[(o, d)] = price
    zone = column_map(feed, "stops", "stop_id", "zone_id")
    pts = stop_points(feed)
    trips = feed.trips[feed.trips["route_id"].astype(str).isin(set(known))]
    route_of = dict(zip(trips["trip_id"].astype(str), trips["route_id"].astype(str), strict=True))
    out: dict[str, dict[tuple[str, str], float]] = {}
    for trip, c in calls_of(feed, trips["trip_id"].astype(str)).items():
        stops = c["stop_id"].astype(str).tolist()
        z = [zone.get(s, "") for s in stops]
        km = _along(stops, pts)
        have = known[route_of[trip]]
        for i in range(len(z)):
            for j in range(i + 1, len(z)):
                new = (route_of[trip], z[i], z[j]) not in seen
                if z[i] and z[j] and new and (z[i], z[j]) not in have:
                    guess = _nearest_price(have, z, km, i, j)
                    if guess is not None:
                        out.setdefault(route_of[trip], {}).setdefault((z[i], z[j]), guess)
    return out


def _along(stops: list[str], pts: dict[str, tuple[float, float]]) -> list[float]:
    """Straight-line metres along a trip's stops from its first stop."""
    lat = np.array([pts.get(s, (np.nan, np.nan))[0] for s in stops], dtype=np.float64)
    lon = np.array([pts.get(s, (np.nan, np.nan))[1] for s in stops], dtype=np.float64)
    if len(stops) < 2:
        return [0.0] * len(stops)
    step = np.nan_to_num(haversine_m(lat[:-1], lon[:-1], lat[1:], lon[1:]))
    return [0.0, *np.cumsum(step).tolist()]


def _nearest_price(
    have: dict[tuple[str, str], float], z: list[str], km: list[float], i: int, j: int
) -> float | None:
    """The price of the priced pair of the trip nearest to (i, j): one end kept, the other
    moved to the stop ``a`` nearest along the trip; ``None`` when no pair is priced."""
    best: tuple[float, float] | None = None
    for a in range(len(z)):
        for pair, moved in (((z[i], z[a]), abs(km[a] - km[j])), ((z[a], z[j]), abs(km[a] - km[i]))):
            p = have.get(pair)
            if p is not None and np.isfinite(p) and (best is None or moved < best[0]):
                best = (moved, p)
    return None if best is None else best[1]


def _translations(feed: Feed) -> Feed:
    """Translations of records that are gone dropped; headsigns translated like stop names."""
    tr = feed.get("translations")
    if tr.empty:
        return feed
    ids = {"stops": "stop_id", "routes": "route_id", "trips": "trip_id", "agency": "agency_id"}
    keep = pd.Series(True, index=tr.index)
    for table, col in ids.items():
        alive = set(feed.column(table, col).astype(str))
        rows = (tr["table_name"].astype(str) == table) & (tr["record_id"].astype(str) != "")
        keep &= ~rows | tr["record_id"].astype(str).isin(alive)
    heads = set(feed.column("trips", "trip_headsign").astype(str))
    by_value = (tr["table_name"].astype(str) == "trips") & (
        tr["field_name"].astype(str) == "trip_headsign"
    )
    keep &= ~by_value | tr["field_value"].astype(str).isin(heads)
    tr = tr[keep]
    have = set(tr.loc[by_value[keep], "field_value"].astype(str))
    names = stop_names_translations(tr, feed)
    new = [
        {"table_name": "trips", "field_name": "trip_headsign", "language": lang, "translation": text,
         "record_id": "", "field_value": head}
        for head in sorted(heads - have - {""})
        for lang, text in sorted(names.get(head, {}).items())
    ]  # fmt: skip
    return feed.replace(
        translations=pd.concat(
            [tr, pd.DataFrame(new, columns=tr.columns)], ignore_index=True
        ).fillna("")
    )


def stop_names_translations(tr: pd.DataFrame, feed: Feed) -> dict[str, dict[str, str]]:
    """Stop name → {language: translation}, from translations by record or by value."""
    name_of = column_map(feed, "stops", "stop_id", "stop_name")
    rows = tr[
        (tr["table_name"].astype(str) == "stops") & (tr["field_name"].astype(str) == "stop_name")
    ]
    out: dict[str, dict[str, str]] = {}
    for rec, value, lang, text in zip(
        rows["record_id"].astype(str),
        rows["field_value"].astype(str),
        rows["language"].astype(str),
        rows["translation"].astype(str),
        strict=True,
    ):
        name = name_of.get(rec, "") if rec else value
        if name:
            out.setdefault(name, {}).setdefault(lang, text)
    return out
