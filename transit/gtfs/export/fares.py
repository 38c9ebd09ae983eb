"""Fares by origin/destination zone -> fare triangles (``fares/fares.xlsx``).

One triangle per route whose ``fare_rules`` price pairs of zones: the route's stop names down
(longest pattern first), column B the zone, row *k* the fares in yen from each earlier stop. The
source format prices fares by stop name, so the poles of one name share one zone (the smallest
``zone_id`` among them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from transit.gtfs.export.draft import ExportLoss, SheetDraft
from transit.gtfs.export.frames import records, text_column
from transit.gtfs.export.names import AsciiIds, ExportIds, sheet_name
from transit.gtfs.export.trips import PatternKey
from transit.gtfs.feedio import Feed

OdPrices = dict[str, dict[tuple[str, str], str]]
"""``route_id ("" for every route) -> {(origin zone, destination zone): yen text}``."""


@dataclass(frozen=True)
class FarePlan:
    """The fare ``sheets``, the fare table of each route (``route_fare``: route_id -> sheet
    name) and the ``losses``."""

    sheets: list[SheetDraft]
    route_fare: dict[str, str]
    losses: list[ExportLoss]


def has_zonal_fares(feed: Feed) -> bool:
    """True when some fare rule prices an origin and destination zone."""
    rules = feed.get("fare_rules")
    return bool(len(rules)) and any(
        o and d
        for o, d in zip(
            text_column(rules, "origin_id"), text_column(rules, "destination_id"), strict=True
        )
    )


def name_zones(stops: pd.DataFrame) -> dict[str, str]:
    """Each stop's zone made uniform per stop name: the smallest zone_id among its poles."""
    by_name: dict[str, list[str]] = defaultdict(list)
    ids = text_column(stops, "stop_id")
    names, zones = text_column(stops, "stop_name"), text_column(stops, "zone_id")
    for name, z in zip(names, zones, strict=True):
        if z:
            by_name[name].append(z)
    return {
        sid: (min(by_name[name]) if by_name.get(name) else "")
        for sid, name in zip(ids, names, strict=True)
    }


def yen_text(value: str) -> str:
    """A price as a whole number of yen (``"200"``), ``""`` when it is not one."""
    try:
        f = float(value)
    except ValueError:
        return ""
    return str(int(f)) if f.is_integer() and f >= 0 else ""


def fare_sheets(
    feed: Feed,
    groups: Mapping[PatternKey, list[str]],
    *,
    names: Mapping[str, str],
    zones: Mapping[str, str],
    ids: ExportIds,
) -> FarePlan:
    """One triangle per route priced by origin/destination zones; rows = the route's stops.

    ``names`` maps stop_id -> stop name, ``zones`` stop_id -> the zone of its name.
    """
    rules = feed.get("fare_rules")
    attrs = feed.get("fare_attributes")
    if not len(rules) or not len(attrs):
        if len(attrs):
            return FarePlan(
                [], {}, [ExportLoss("fares_dropped", len(attrs), "fares without zone rules")]
            )
        return FarePlan([], {}, [])
    price = {str(r["fare_id"]): str(r.get("price", "")) for r in attrs.to_dict("records")}
    if any(yen_text(v) == "" for v in price.values()):
        loss = ExportLoss(
            "fares_dropped",
            len(rules),
            "fare_rules: fares that are not whole yen cannot go into a fare triangle",
        )
        return FarePlan([], {}, [loss])
    od, losses = _od_prices(feed, rules, price, zones)
    by_route: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for (rid, _dir, _svc, pattern), _t in sorted(groups.items()):
        by_route[rid].append(pattern)
    sheets: list[SheetDraft] = []
    route_fare: dict[str, str] = {}
    used: set[str] = set()
    unpriced = 0
    for rid in sorted(by_route):
        table = od.get(rid) or od.get("") or {}
        order = _stop_order(by_route[rid], names, zones) if table else []
        if not any(z for _n, z in order):
            continue
        tid = sheet_name(f"fare_{ids.route(rid)}", used)
        rows, missing = _triangle(rid, order, table, ids.zone)
        unpriced += missing
        sheets.append(SheetDraft("fares.xlsx", tid, rows))
        route_fare[rid] = tid
    if unpriced:
        losses.append(
            ExportLoss("fare_pairs_unpriced", unpriced, "stop pairs of a route without a fare")
        )
    return FarePlan(sheets, route_fare, losses)


def _od_prices(
    feed: Feed, rules: pd.DataFrame, price: Mapping[str, str], zones: Mapping[str, str]
) -> tuple[OdPrices, list[ExportLoss]]:
    """The price of each pair of name zones per route (the first price of a pair is kept), and
    the rules that could not be kept (no origin/destination zones, another price)."""
    raw = dict(
        zip(text_column(feed.stops, "stop_id"), text_column(feed.stops, "zone_id"), strict=True)
    )
    to_name_zone: dict[str, str] = {}
    for sid, z in raw.items():
        if z and zones.get(sid):
            to_name_zone.setdefault(z, zones[sid])
    od: OdPrices = defaultdict(dict)
    not_zonal = 0
    conflicts = 0
    for rec in records(rules):
        o, d = str(rec.get("origin_id", "") or ""), str(rec.get("destination_id", "") or "")
        if not o or not d or str(rec.get("contains_id", "") or ""):
            not_zonal += 1
            continue
        key = (to_name_zone.get(o, o), to_name_zone.get(d, d))
        yen = price.get(str(rec["fare_id"]), "")
        table = od[str(rec.get("route_id", "") or "")]
        if key in table and table[key] != yen:
            conflicts += 1
            continue
        table[key] = yen
    losses: list[ExportLoss] = []
    if not_zonal:
        losses.append(
            ExportLoss(
                "fare_rules_dropped",
                not_zonal,
                "fare_rules without origin and destination zones",
            )
        )
    if conflicts:
        losses.append(
            ExportLoss(
                "fare_conflicts",
                conflicts,
                "fare_rules giving another price to a pair of stop names (poles of one name "
                "priced differently, or direction-dependent fares); the first price is kept",
            )
        )
    return od, losses


def _stop_order(
    patterns: list[tuple[str, ...]], names: Mapping[str, str], zones: Mapping[str, str]
) -> list[tuple[str, str]]:
    """``(stop name, zone)`` of a route's stops, each name once, longest pattern first."""
    order: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pattern in sorted(patterns, key=lambda p: (-len(p), p)):
        for sid in pattern:
            name = names.get(sid, sid)
            if name not in seen:
                seen.add(name)
                order.append((name, zones.get(sid, "")))
    return order


def _triangle(
    route_id: str,
    order: list[tuple[str, str]],
    table: Mapping[tuple[str, str], str],
    zone_ids: AsciiIds,
) -> tuple[tuple[tuple[str, ...], ...], int]:
    """The rows of one triangle (title, then one row per stop), and how many pairs of stops in
    different zones have no price."""
    rows: list[tuple[str, ...]] = [(f"運賃三角表 {route_id}",)]
    unpriced = 0
    for j, (name, zone) in enumerate(order):
        cells = [name, zone_ids(zone) if zone else ""]
        for i in range(j):
            zi = order[i][1]
            yen = table.get((zi, zone)) or table.get((zone, zi)) or ""
            if not yen and zi and zone and zi != zone:
                unpriced += 1
            cells.append(yen_text(yen))
        rows.append(tuple(cells))
    return tuple(rows), unpriced
