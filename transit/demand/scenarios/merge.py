"""The ``merge`` edit: two routes joined into one through-route at a shared stop.

A trip of one route that ends at the shared stop is joined to the first trip of the other route
that starts there on the same service within ``max_layover_min`` (each trip joined once, in
arrival order; both directions). The through trip keeps the first trip's calls up to the shared
stop (arriving as before) and leaves it at the second trip's time on the second trip's calls.
Trips left unjoined stay as they are, on the merged route. Fares: the merged route keeps both
routes' fares, and a through pair (boarding on the first part, alighting on the second) costs
the sum of the two parts' fares, as riders paid before (an assumption, see ``docs/scenarios.md``).
"""

from __future__ import annotations

import pandas as pd

from transit.demand.scenarios.edits import reshape
from transit.demand.scenarios.feedops import (
    Point,
    calls_of,
    column_map,
    fare_table,
    put_calls,
    route_trips,
    shape_points,
    stop_set,
    with_times,
)
from transit.demand.scenarios.scenario import Merge
from transit.gtfs.feedio import Feed


def merge_routes(feed: Feed, edit: Merge) -> Feed:
    """Join ``edit.routes`` at ``edit.at_stop`` into the route ``edit.route_id`` (default the
    first route): through trips, the other trips moved, the route row, fares, translations."""
    first, second = edit.routes
    merged = edit.route_id or first
    shared = stop_set(feed, edit.at_stop)
    pairs = _pairs(feed, first, second, shared, edit.max_layover_min) + _pairs(
        feed, second, first, shared, edit.max_layover_min
    )
    calls = calls_of(feed, [t for pair in pairs for t in pair])
    trips = feed.trips.copy()
    new: dict[str, pd.DataFrame | None] = {}
    added, paths = [], {}
    for a, b in pairs:
        trip_id = f"{a}__{b}"
        new[a], new[b] = None, None
        new[trip_id] = _join(calls[a], calls[b])
        row = trips[trips["trip_id"].astype(str) == a].iloc[[0]].copy()
        row["trip_id"] = trip_id
        if "trip_headsign" in row.columns:
            row["trip_headsign"] = trips.loc[
                trips["trip_id"].astype(str) == b, "trip_headsign"
            ].iloc[0]
        added.append(row)
        pts = _joined_shape(feed, a, b)
        if pts:
            paths[trip_id] = pts
    trips = pd.concat([trips, *added], ignore_index=True)
    trips.loc[trips["route_id"].astype(str).isin({first, second}), "route_id"] = merged
    out = put_calls(feed, new, trips=trips)
    out = reshape(out, paths, tag="thru")
    out = out.replace(routes=_route_rows(feed, edit, merged))
    out = _merged_fares(out, feed, edit, merged, pairs, calls)
    return _merged_translations(out, feed, edit, merged)


def _ends(calls: pd.DataFrame) -> tuple[str, str, float, float]:
    """First and last stop, first departure and last arrival of a trip."""
    return (
        str(calls["stop_id"].iloc[0]),
        str(calls["stop_id"].iloc[-1]),
        float(calls["dep_s"].iloc[0]),
        float(calls["arr_s"].iloc[-1]),
    )


def _pairs(
    feed: Feed, route_a: str, route_b: str, shared: frozenset[str], max_layover_min: float
) -> list[tuple[str, str]]:
    """Trips of ``route_a`` ending at ``shared`` joined to trips of ``route_b`` starting there."""
    ta, tb = route_trips(feed, route_a), route_trips(feed, route_b)
    service = column_map(feed, "trips", "trip_id", "service_id")
    ca = calls_of(feed, ta["trip_id"].astype(str))
    cb = calls_of(feed, tb["trip_id"].astype(str))
    ends_a = sorted(
        (e[3], t) for t, c in ca.items() if len(c) >= 2 and (e := _ends(c))[1] in shared
    )
    starts_b = sorted(
        (e[2], t) for t, c in cb.items() if len(c) >= 2 and (e := _ends(c))[0] in shared
    )
    used: set[str] = set()
    out: list[tuple[str, str]] = []
    for arrive, a in ends_a:
        for depart, b in starts_b:
            if b in used or service[a] != service[b]:
                continue
            if arrive <= depart <= arrive + max_layover_min * 60.0:
                used.add(b)
                out.append((a, b))
                break
    return out


def _join(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The through trip's calls: ``a`` up to the shared stop (its arrival, ``b``'s departure),
    then ``b`` after it."""
    arr = [*a["arr_s"]]
    dep = [*a["dep_s"].iloc[:-1], float(b["dep_s"].iloc[0])]
    head = with_times(a, arr, dep)
    tail = b.iloc[1:].copy()
    tail["trip_id"] = str(a["trip_id"].iloc[0])
    return pd.concat([head, tail], ignore_index=True)


def _joined_shape(feed: Feed, a: str, b: str) -> list[Point]:
    shape_of = column_map(feed, "trips", "trip_id", "shape_id")
    pa, pb = shape_points(feed, shape_of.get(a, "")), shape_points(feed, shape_of.get(b, ""))
    return pa + pb[1:] if pa and pb else []


def _route_rows(feed: Feed, edit: Merge, merged: str) -> pd.DataFrame:
    routes = feed.routes
    ids = routes["route_id"].astype(str)
    row = routes[ids == edit.routes[0]].iloc[[0]].copy()
    row["route_id"] = merged
    if edit.name:
        row["route_long_name"] = edit.name
    rest = routes[~ids.isin(set(edit.routes))]
    return pd.concat([rest, row], ignore_index=True)


def _merged_fares(
    out: Feed,
    feed: Feed,
    edit: Merge,
    merged: str,
    pairs: list[tuple[str, str]],
    calls: dict[str, pd.DataFrame],
) -> Feed:
    """Both routes' fare rules under the merged id, plus the through pairs (sum of parts)."""
    rules = feed.get("fare_rules")
    if rules.empty:
        return out
    zone = column_map(feed, "stops", "stop_id", "zone_id")
    ids = rules["route_id"].astype(str)
    fare_of = fare_table(feed)
    moved = rules[ids.isin(set(edit.routes))].copy()
    moved["route_id"] = merged
    through: dict[tuple[str, str], float] = {}
    for a, b in pairs:
        ra, rb = _route_of(feed, a), _route_of(feed, b)
        x_a, x_b = (
            zone.get(str(calls[a]["stop_id"].iloc[-1]), ""),
            zone.get(str(calls[b]["stop_id"].iloc[0]), ""),
        )
        for o in {zone.get(str(s), "") for s in calls[a]["stop_id"].iloc[:-1]}:
            for d in {zone.get(str(s), "") for s in calls[b]["stop_id"].iloc[1:]}:
                fa, fb = fare_of.get((ra, o, x_a)), fare_of.get((rb, x_b, d))
                if fa is not None and fb is not None and (o, d) not in through:
                    through[(o, d)] = fa + fb
    return add_fares(
        out.replace(
            fare_rules=pd.concat([rules[~ids.isin(set(edit.routes))], moved], ignore_index=True)
        ),
        merged,
        through,
    )


def _route_of(feed: Feed, trip: str) -> str:
    trips = feed.trips
    return str(trips.loc[trips["trip_id"].astype(str) == trip, "route_id"].iloc[0])


def add_fares(feed: Feed, route: str, prices: dict[tuple[str, str], float]) -> Feed:
    """Fare rules of ``route`` for zone pairs ``(origin, destination) → price`` not yet priced,
    reusing a fare of that price (or adding ``fare_<price>``)."""
    rules, attrs = feed.get("fare_rules"), feed.get("fare_attributes")
    have = set(
        zip(
            rules["route_id"].astype(str),
            rules["origin_id"].astype(str),
            rules["destination_id"].astype(str),
            strict=True,
        )
    )
    by_price = {
        float(p): str(f)
        for f, p in zip(
            attrs["fare_id"], pd.to_numeric(attrs["price"], errors="coerce"), strict=True
        )
    }
    new_rules, new_attrs = [], []
    for (o, d), p in sorted(prices.items()):
        if (route, o, d) in have or not o or not d:
            continue
        if p not in by_price:
            by_price[p] = fid = f"fare_{p:g}"
            row = attrs.iloc[0].to_dict() if len(attrs) else {}
            row.update({"fare_id": fid, "price": f"{p:g}"})
            new_attrs.append(row)
        new_rules.append(
            {"fare_id": by_price[p], "route_id": route, "origin_id": o, "destination_id": d}
        )
    return feed.replace(
        fare_rules=pd.concat(
            [rules, pd.DataFrame(new_rules, columns=rules.columns)], ignore_index=True
        ).fillna(""),
        fare_attributes=pd.concat(
            [attrs, pd.DataFrame(new_attrs, columns=attrs.columns)], ignore_index=True
        ).fillna(""),
    )


def _merged_translations(out: Feed, feed: Feed, edit: Merge, merged: str) -> Feed:
    """The merged route's name translations: the given reading and English name, else the
    first route's (when its name is kept)."""
    tr = feed.get("translations")
    if tr.empty:
        return out
    is_route = (tr["table_name"].astype(str) == "routes") & tr["record_id"].astype(str).isin(
        set(edit.routes)
    )
    keep = tr[~is_route]
    rows = tr[is_route & (tr["record_id"].astype(str) == edit.routes[0])].copy()
    rows["record_id"] = merged
    if edit.name:
        rows = rows.iloc[0:0]
        given = {"ja-Hrkt": edit.name_kana, "en": edit.name_en}
        rows = pd.DataFrame(
            [{"table_name": "routes", "field_name": "route_long_name", "language": lang,
              "translation": text, "record_id": merged, "field_value": ""}
             for lang, text in given.items() if text],
            columns=tr.columns,
        ).fillna("")  # fmt: skip
    return out.replace(translations=pd.concat([keep, rows], ignore_index=True))
