"""Compare two feeds (OLD, the published one, and NEW) and check that NEW continues OLD.

:func:`diff_feeds` reports what a rider would notice: stops added, removed or moved (more than
``move_threshold_m``), routes and stop patterns changed, trips per route and day type before
and after, timetable changes per route, fare changes, and the continuity checks of
:mod:`transit.gtfs.continuity` (no gap, at least ``min_days`` days, no day of service lost).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from transit.core.geo import haversine_m
from transit.core.gtfstime import normalize_gtfs_time
from transit.gtfs.continuity import MIN_DAYS, ContinuityCheck, FeedDates, continuity_checks
from transit.gtfs.feedio import Feed

#: A stop whose position changed by more than this many metres is reported as moved.
MOVE_THRESHOLD_M = 20.0


# ------------------------------------------------------------------------------ result types


@dataclass(frozen=True)
class StopChange:
    """A stop ``added``, ``removed`` or ``moved`` (``distance_m`` between old and new position)."""

    stop_id: str
    stop_name: str
    change: str
    distance_m: float | None = None


@dataclass(frozen=True)
class RouteChange:
    """A route ``added``, ``removed`` or ``changed`` (``fields``: ``{column: (old, new)}``)."""

    route_id: str
    name: str
    change: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class PatternChange:
    """A stop pattern (sequence of stop ids) of ``route_id`` ``added`` or ``removed``."""

    route_id: str
    change: str
    stops: tuple[str, ...]


@dataclass(frozen=True)
class TripCount:
    """Trips of ``route_id`` on day type ``service_id``: ``old`` and ``new`` counts."""

    route_id: str
    service_id: str
    old: int
    new: int


@dataclass(frozen=True)
class TimetableChange:
    """Timetable of ``route_id`` × ``service_id``: trips ``unchanged``, ``added`` (in NEW only)
    and ``removed`` (in OLD only), compared by stop sequence and times; ``added_first`` and
    ``removed_first`` list the first departure times (HH:MM:SS) of those trips."""

    route_id: str
    service_id: str
    unchanged: int
    added: int
    removed: int
    added_first: tuple[str, ...] = ()
    removed_first: tuple[str, ...] = ()


@dataclass(frozen=True)
class FareChange:
    """A fare that changed: ``key`` names it (``fare_id`` or ``route origin→destination``);
    ``old``/``new`` prices in yen (``None`` when absent on that side)."""

    key: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class FeedDiff:
    """Everything :func:`diff_feeds` found; ``as_dict()`` for JSON, ``lines()`` for text."""

    stops: tuple[StopChange, ...]
    routes: tuple[RouteChange, ...]
    patterns: tuple[PatternChange, ...]
    trip_counts: tuple[TripCount, ...]
    timetables: tuple[TimetableChange, ...]
    fares: tuple[FareChange, ...]
    continuity: tuple[ContinuityCheck, ...]
    old_period: tuple[dt.date, dt.date] | None
    new_period: tuple[dt.date, dt.date] | None
    move_threshold_m: float = MOVE_THRESHOLD_M

    @property
    def continuity_ok(self) -> bool:
        """True when every continuity check passed."""
        return all(c.ok for c in self.continuity)

    @property
    def changed(self) -> bool:
        """True when the feeds differ in stops, routes, patterns, timetables or fares."""
        return bool(
            self.stops
            or self.routes
            or self.patterns
            or self.fares
            or any(t.added or t.removed for t in self.timetables)
        )

    def counts(self) -> dict[str, int]:
        """Numbers of changes by kind (keys as in :meth:`as_dict`)."""
        kinds = Counter(s.change for s in self.stops)
        rkinds = Counter(r.change for r in self.routes)
        pkinds = Counter(p.change for p in self.patterns)
        return {
            "stops_added": kinds["added"],
            "stops_removed": kinds["removed"],
            "stops_moved": kinds["moved"],
            "routes_added": rkinds["added"],
            "routes_removed": rkinds["removed"],
            "routes_changed": rkinds["changed"],
            "patterns_added": pkinds["added"],
            "patterns_removed": pkinds["removed"],
            "trips_old": sum(t.old for t in self.trip_counts),
            "trips_new": sum(t.new for t in self.trip_counts),
            "trips_added": sum(t.added for t in self.timetables),
            "trips_removed": sum(t.removed for t in self.timetables),
            "fares_changed": len(self.fares),
        }

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: counts, each change list, continuity checks and feed periods."""

        def period(p: tuple[dt.date, dt.date] | None) -> list[str] | None:
            return [p[0].isoformat(), p[1].isoformat()] if p else None

        return {
            "counts": self.counts(),
            "continuity_ok": self.continuity_ok,
            "old_period": period(self.old_period),
            "new_period": period(self.new_period),
            "stops": [
                {
                    "stop_id": s.stop_id,
                    "stop_name": s.stop_name,
                    "change": s.change,
                    "distance_m": None if s.distance_m is None else round(s.distance_m, 1),
                }
                for s in self.stops
            ],
            "routes": [
                {
                    "route_id": r.route_id,
                    "name": r.name,
                    "change": r.change,
                    "fields": {k: list(v) for k, v in r.fields.items()},
                }
                for r in self.routes
            ],
            "patterns": [
                {"route_id": p.route_id, "change": p.change, "stops": list(p.stops)}
                for p in self.patterns
            ],
            "trip_counts": [
                {"route_id": t.route_id, "service_id": t.service_id, "old": t.old, "new": t.new}
                for t in self.trip_counts
            ],
            "timetables": [
                {
                    "route_id": t.route_id,
                    "service_id": t.service_id,
                    "unchanged": t.unchanged,
                    "added": t.added,
                    "removed": t.removed,
                    "added_first": list(t.added_first),
                    "removed_first": list(t.removed_first),
                }
                for t in self.timetables
            ],
            "fares": [{"key": f.key, "old": f.old, "new": f.new} for f in self.fares],
            "continuity": [
                {"code": c.code, "ok": c.ok, "message": c.message} for c in self.continuity
            ],
        }

    def lines(self, *, limit: int = 40) -> list[str]:
        """A text report for staff (Japanese labels, ids as in the feeds).

        Each detail section lists at most ``limit`` items, then how many more there are (the
        JSON of :meth:`as_dict` has them all).
        """
        c = self.counts()
        out = [
            f"停留所: 追加 {c['stops_added']}, 廃止 {c['stops_removed']}, "
            f"移設 {c['stops_moved']} (> {self.move_threshold_m:g} m)",
            f"路線: 追加 {c['routes_added']}, 廃止 {c['routes_removed']}, 変更 {c['routes_changed']}",
            f"系統 (停車パターン): 追加 {c['patterns_added']}, 廃止 {c['patterns_removed']}",
            f"便数: {c['trips_old']} → {c['trips_new']} "
            f"(新規 {c['trips_added']}, 廃止・変更 {c['trips_removed']})",
            f"運賃: 変更 {c['fares_changed']}",
        ]
        sections: list[list[str]] = [
            [
                f"  停留所 {_LABEL[s.change]}: {s.stop_id} {s.stop_name}"
                + (f" {s.distance_m:.0f} m" if s.distance_m is not None else "")
                for s in self.stops
            ],
            [
                f"  路線 {_LABEL[r.change]}: {r.route_id} {r.name} "
                + ", ".join(f"{k}: {a!r} → {b!r}" for k, (a, b) in r.fields.items())
                for r in self.routes
            ],
            [
                f"  系統 {_LABEL[p.change]}: {p.route_id} [{' '.join(p.stops)}]"
                for p in self.patterns
            ],
            [
                f"  便数 {t.route_id} {t.service_id}: {t.old} → {t.new}"
                for t in self.trip_counts
                if t.old != t.new
            ],
            [
                f"  時刻 {tt.route_id} {tt.service_id}: 同じ {tt.unchanged}, "
                f"新 {tt.added} ({' '.join(tt.added_first[:6])}), "
                f"旧 {tt.removed} ({' '.join(tt.removed_first[:6])})"
                for tt in self.timetables
                if tt.added or tt.removed
            ],
            [f"  運賃 {f.key}: {_yen(f.old)} → {_yen(f.new)}" for f in self.fares],
        ]
        for section in sections:
            out += [line.rstrip() for line in section[:limit]]
            if len(section) > limit:
                out.append(f"  … ほか {len(section) - limit} 件")
        out.append("継続性: " + ("OK" if self.continuity_ok else "NG"))
        for chk in self.continuity:
            out.append(f"  [{'OK' if chk.ok else 'NG'}] {chk.code}: {chk.message}")
        return out


_LABEL = {"added": "追加", "removed": "廃止", "moved": "移設", "changed": "変更"}


def _yen(v: float | None) -> str:
    return "なし" if v is None else f"{v:g}円"


# ---------------------------------------------------------------------------------- diffing


def _float(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _records(df: pd.DataFrame, key: str) -> dict[str, dict[str, str]]:
    if key not in df.columns:
        return {}
    return {str(r[key]): {str(k): str(v) for k, v in r.items()} for r in df.to_dict("records")}


def diff_stops(
    old: Feed, new: Feed, *, move_threshold_m: float = MOVE_THRESHOLD_M
) -> list[StopChange]:
    """Stops added, removed, or moved by more than ``move_threshold_m`` metres (by ``stop_id``)."""
    a, b = _records(old.stops, "stop_id"), _records(new.stops, "stop_id")
    out = [StopChange(s, b[s].get("stop_name", ""), "added") for s in sorted(b.keys() - a.keys())]
    out += [
        StopChange(s, a[s].get("stop_name", ""), "removed") for s in sorted(a.keys() - b.keys())
    ]
    for sid in sorted(a.keys() & b.keys()):
        lat1, lon1 = _float(a[sid].get("stop_lat")), _float(a[sid].get("stop_lon"))
        lat2, lon2 = _float(b[sid].get("stop_lat")), _float(b[sid].get("stop_lon"))
        if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
            continue
        dist = haversine_m(lat1, lon1, lat2, lon2)
        if dist > move_threshold_m:
            out.append(StopChange(sid, b[sid].get("stop_name", ""), "moved", dist))
    order = {"added": 0, "removed": 1, "moved": 2}
    return sorted(out, key=lambda s: (order[s.change], s.stop_id))


_ROUTE_FIELDS = (
    "route_short_name",
    "route_long_name",
    "route_type",
    "route_color",
    "route_text_color",
    "agency_id",
)


def _route_name(rec: dict[str, str]) -> str:
    return " ".join(
        x for x in (rec.get("route_short_name", ""), rec.get("route_long_name", "")) if x
    )


def diff_routes(old: Feed, new: Feed) -> list[RouteChange]:
    """Routes added, removed, or changed in name, type, colour or agency (by ``route_id``)."""
    a, b = _records(old.routes, "route_id"), _records(new.routes, "route_id")
    out = [RouteChange(r, _route_name(b[r]), "added") for r in sorted(b.keys() - a.keys())]
    out += [RouteChange(r, _route_name(a[r]), "removed") for r in sorted(a.keys() - b.keys())]
    for rid in sorted(a.keys() & b.keys()):
        changed = {
            f: (a[rid].get(f, ""), b[rid].get(f, ""))
            for f in _ROUTE_FIELDS
            if a[rid].get(f, "") != b[rid].get(f, "")
        }
        if changed:
            out.append(RouteChange(rid, _route_name(b[rid]), "changed", changed))
    return out


def _trip_table(feed: Feed) -> pd.DataFrame:
    """One row per trip: route_id, service_id, trip_id, stops (tuple), times (tuple), first."""
    st = feed.stop_times
    trips = feed.trips
    if not len(trips) or not len(st):
        return pd.DataFrame(
            columns=["route_id", "service_id", "trip_id", "stops", "times", "first"]
        )
    st = st.assign(_seq=pd.to_numeric(st["stop_sequence"], errors="coerce")).sort_values(
        ["trip_id", "_seq"], kind="mergesort"
    )
    arr = st["arrival_time"] if "arrival_time" in st.columns else pd.Series("", index=st.index)
    dep = st["departure_time"] if "departure_time" in st.columns else pd.Series("", index=st.index)
    st = st.assign(_arr=arr.map(normalize_gtfs_time), _dep=dep.map(normalize_gtfs_time))
    st = st.assign(_t=st["_arr"] + "/" + st["_dep"])
    grouped = st.groupby("trip_id", sort=False)
    stops = grouped["stop_id"].agg(tuple)
    times = grouped["_t"].agg(tuple)
    first = grouped["_dep"].first()
    table = trips[["route_id", "service_id", "trip_id"]].copy()
    table["stops"] = table["trip_id"].map(stops)
    table["times"] = table["trip_id"].map(times)
    table["first"] = table["trip_id"].map(first).fillna("")
    return table[table["stops"].notna()]


def diff_patterns(old_trips: pd.DataFrame, new_trips: pd.DataFrame) -> list[PatternChange]:
    """Stop patterns (distinct stop sequences) added or removed per route."""

    def patterns(t: pd.DataFrame) -> dict[str, set[tuple[str, ...]]]:
        out: dict[str, set[tuple[str, ...]]] = {}
        for rid, stops in zip(t["route_id"], t["stops"], strict=True):
            out.setdefault(str(rid), set()).add(tuple(stops))
        return out

    a, b = patterns(old_trips), patterns(new_trips)
    out: list[PatternChange] = []
    for rid in sorted(a.keys() | b.keys()):
        pa, pb = a.get(rid, set()), b.get(rid, set())
        out += [PatternChange(rid, "added", p) for p in sorted(pb - pa)]
        out += [PatternChange(rid, "removed", p) for p in sorted(pa - pb)]
    return out


def diff_timetables(
    old_trips: pd.DataFrame, new_trips: pd.DataFrame
) -> tuple[list[TripCount], list[TimetableChange]]:
    """Trips per route × service before/after, and trips added/removed by stops and times."""

    def by_key(t: pd.DataFrame) -> dict[tuple[str, str], Counter[tuple[Any, ...]]]:
        out: dict[tuple[str, str], Counter[tuple[Any, ...]]] = {}
        for rid, sid, stops, times, first in zip(
            t["route_id"], t["service_id"], t["stops"], t["times"], t["first"], strict=True
        ):
            out.setdefault((str(rid), str(sid)), Counter())[(first, stops, times)] += 1
        return out

    a, b = by_key(old_trips), by_key(new_trips)
    counts: list[TripCount] = []
    changes: list[TimetableChange] = []
    for key in sorted(a.keys() | b.keys()):
        ca, cb = a.get(key, Counter()), b.get(key, Counter())
        counts.append(TripCount(key[0], key[1], sum(ca.values()), sum(cb.values())))
        added, removed = cb - ca, ca - cb
        same = sum((ca & cb).values())
        changes.append(
            TimetableChange(
                key[0],
                key[1],
                same,
                sum(added.values()),
                sum(removed.values()),
                tuple(sorted(k[0] for k in added.elements())),
                tuple(sorted(k[0] for k in removed.elements())),
            )
        )
    return counts, changes


def _fare_map(feed: Feed) -> dict[str, float | None]:
    prices = {
        str(r["fare_id"]): _float(r.get("price"))
        for r in feed.get("fare_attributes").to_dict("records")
        if "fare_id" in r
    }
    rules = feed.get("fare_rules")
    if not len(rules):
        return {f"fare {k}": v for k, v in prices.items()}
    out: dict[str, float | None] = {}
    for r in rules.to_dict("records"):
        parts = [
            str(r.get(c, "") or "")
            for c in ("route_id", "origin_id", "destination_id", "contains_id")
        ]
        key = f"{parts[0] or '*'} {parts[1] or '*'}→{parts[2] or '*'}"
        if parts[3]:
            key += f" via {parts[3]}"
        out[key] = prices.get(str(r.get("fare_id", "")))
    return out


def diff_fares(old: Feed, new: Feed) -> list[FareChange]:
    """Fares that changed, by route and origin→destination zone (or by fare_id without rules)."""
    a, b = _fare_map(old), _fare_map(new)
    return [
        FareChange(k, a.get(k), b.get(k))
        for k in sorted(a.keys() | b.keys())
        if a.get(k) != b.get(k)
    ]


def diff_feeds(
    old: Feed,
    new: Feed,
    *,
    move_threshold_m: float = MOVE_THRESHOLD_M,
    min_days: int = MIN_DAYS,
) -> FeedDiff:
    """Compare OLD (published) and NEW feeds; see :class:`FeedDiff` for what comes back."""
    old_trips, new_trips = _trip_table(old), _trip_table(new)
    counts, tables = diff_timetables(old_trips, new_trips)
    old_dated, new_dated = FeedDates.of(old), FeedDates.of(new)
    return FeedDiff(
        stops=tuple(diff_stops(old, new, move_threshold_m=move_threshold_m)),
        routes=tuple(diff_routes(old, new)),
        patterns=tuple(diff_patterns(old_trips, new_trips)),
        trip_counts=tuple(counts),
        timetables=tuple(tables),
        fares=tuple(diff_fares(old, new)),
        continuity=continuity_checks(old_dated, new_dated, min_days=min_days),
        old_period=old_dated.period,
        new_period=new_dated.period,
        move_threshold_m=move_threshold_m,
    )
