"""The network, ridership and scenario pages of the workshop atlas (see :mod:`transit.maps.atlas`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from transit.core import provenance as prov
from transit.demand.loads import compute_loads
from transit.demand.privacy import default_k
from transit.demand.scenarios.feedops import stop_points
from transit.demand.schedule import Schedule
from transit.demand.store.queries import stop_visits
from transit.gtfs.feedio import Feed, read_feed
from transit.maps import handout
from transit.maps.atlas_base import Atlas, Base, Page, nature, page_sketch, save_page
from transit.maps.feed import map_feed, route_colors, route_patterns, trips_per_day
from transit.maps.labels import label
from transit.maps.ridership import map_ridership, segment_loads, stop_counts
from transit.maps.scenario_pair import compare_table, map_scenario_pair
from transit.maps.scenarios import ADDED, KEPT, LOST, REMOVED, segments
from transit.maps.sources import describe


def network_page(base: Base, atlas: Atlas, *, inline: bool) -> None:
    feed, lang = base.feed, base.lang
    fmap = map_feed(
        feed,
        boundary=base.outline,
        outline_name=base.outline_name,
        lang=lang,
        attributions=base.credits,
    )
    title = label("page_network", lang)
    sketch = page_sketch(base, title)
    colors = route_colors(feed)
    weekday_max = 0
    for rid, patterns in route_patterns(feed).items():
        for line, trips in patterns:
            busiest = max(trips_per_day(feed, trips).values())
            weekday_max = max(weekday_max, busiest)
            sketch.lines.append(
                ([(p[1], p[0]) for p in line], colors.get(rid, "#0072B2"), 2 + busiest / 10)
            )
    stops = feed.stops
    for lon, lat in zip(
        pd.to_numeric(stops["stop_lon"], errors="coerce"),
        pd.to_numeric(stops["stop_lat"], errors="coerce"),
        strict=True,
    ):
        if pd.notna(lon) and pd.notna(lat):
            sketch.points.append((float(lon), float(lat), 3.0, "#ffffff"))
    png = save_page(fmap, atlas, "network.html", sketch, inline=inline)
    numbers = (
        (label("n_routes", lang), f"{len(feed.routes)}"),
        (label("n_stops", lang), f"{feed.stops['stop_name'].nunique()}"),
        (label("n_trips", lang), f"{len(feed.trips)}"),
    )
    atlas.pages.append(Page("network", "network.html", title, numbers, ("feed",), png))


def ridership_page(base: Base, store: Path, atlas: Atlas, *, inline: bool) -> None:
    lang = base.lang
    k = default_k()
    schedule = Schedule.load(store / "schedule")
    loads = compute_loads(stop_visits(store), schedule)
    fmap = map_ridership(
        loads,
        schedule,
        k=k,
        lang=lang,
        boundary=base.outline,
        outline_name=base.outline_name,
        attributions=base.credits,
    )
    title = label("page_ridership", lang)
    sketch = page_sketch(base, title)
    pos = {
        str(s): (float(lo), float(la))
        for s, lo, la in schedule.stops[["stop_id", "stop_lon", "stop_lat"]].itertuples(index=False)
    }
    segs = (
        segment_loads(loads)
        .groupby(["stop_id", "next_stop_id"], as_index=False)[["sum", "size"]]
        .sum()
    )
    for a, b, total, runs in segs.itertuples(index=False, name=None):
        if total >= k and a in pos and b in pos:
            sketch.lines.append(([pos[a], pos[b]], "#c05621", max(1.0, min(12.0, total / runs))))
    counts = stop_counts(loads).groupby("stop_id")["boardings"].sum()
    for stop, boards in counts.items():
        if boards >= k and stop in pos:
            sketch.points.append(
                (*pos[str(stop)], max(3.0, min(20.0, float(boards) ** 0.5 / 2)), "#2b6cb0")
            )
    png = save_page(fmap, atlas, "ridership.html", sketch, inline=inline)
    days = loads["date"].nunique() if len(loads) else 0
    numbers = (
        (label("n_boardings", lang), f"{int(loads['boardings'].sum()):,d}"),
        (label("n_days", lang), f"{days}"),
        (label("n_bands", lang), f"{loads['time_band'].nunique()}"),
    )
    atlas.inputs.append(
        describe("store", store / "manifest.json", nature=nature("store", base.inputs))
    )
    atlas.pages.append(Page("ridership", "ridership.html", title, numbers, ("store", "feed"), png))


def _comparison_details(folder: Path) -> dict[str, Any]:
    """The details (``k``, ``scenarios`` with their edits) of the newest comparison recorded in
    ``folder/provenance.json`` (empty when there is none)."""
    for rec in reversed(prov.read_records(folder / prov.FILE_NAME)):
        if "scenarios" in rec.details:
            return dict(rec.details)
    return {}


def scenario_pages(base: Base, folder: Path, atlas: Atlas, *, inline: bool) -> None:
    lang = base.lang
    network = pd.read_csv(folder / "network.csv")
    stops = pd.read_csv(folder / "stops.csv", dtype={"stop_id": str})
    details = _comparison_details(folder)
    k = int(details.get("k", default_k()))
    edits = {s["name"]: s.get("edits", []) for s in details.get("scenarios", [])}
    names = [c for c in network.columns if c not in ("measure", "label_ja")]
    for name in names[1:]:
        feed_path = folder / "feeds" / f"{name}.zip"
        if not feed_path.is_file():
            atlas.note(f"scenario {name}: no edited feed at {feed_path}; its map is left out")
            continue
        after = read_feed(feed_path)
        rows = stops[(stops["scenario"] == name) & stops["riders_lost_from"].notna()]
        lost = {
            str(s): float(v)
            for s, v in zip(rows["stop_id"], rows["riders_lost_from"], strict=True)
            if v >= k
        }
        zones = _zones(base.areas, edits.get(name, []))
        fmap = map_scenario_pair(
            base.feed,
            after,
            title=name,
            lost=lost,
            zones=zones,
            table=compare_table(network, name, lang=lang),
            lang=lang,
            boundary=base.outline,
            outline_name=base.outline_name,
            attributions=base.credits,
        )
        title = label("page_scenario", lang, name=name)
        png = save_page(
            fmap,
            atlas,
            f"scenario-{name}.html",
            _scenario_sketch(base, title, after, lost),
            inline=inline,
        )
        measures = dict(zip(network["measure"], network[name], strict=True))
        numbers = (
            (label("riders_lost_n", lang), f"{int(measures.get('riders_lost', 0)):,d}"),
            (label("riders_on_demand_n", lang), f"{int(measures.get('riders_on_demand', 0)):,d}"),
            (label("vehicles_needed_n", lang), f"{int(measures.get('vehicles_needed', 0))}"),
        )
        atlas.pages.append(
            Page(
                f"scenario-{name}",
                f"scenario-{name}.html",
                title,
                numbers,
                ("scenarios", "feed", "store"),
                png,
            )
        )
    atlas.inputs.append(describe("scenarios", folder / "provenance.json", nature="assumed"))


def _zones(areas: dict[str, Any], edits: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The GeoJSON geometries of the on-demand zones of ``edits`` (by ``area_id``)."""
    wanted = {str(e.get("area_id")) for e in edits if e.get("kind") == "on_demand"}
    return [
        f["geometry"]
        for f in areas.get("features", [])
        if str((f.get("properties") or {}).get("area_id")) in wanted
    ]


def _scenario_sketch(base: Base, title: str, after: Feed, lost: dict[str, float]) -> handout.Sketch:
    sketch = page_sketch(base, title)
    pts = stop_points(base.feed) | stop_points(after)
    before, now = segments(base.feed), segments(after)
    for pairs, color, width in (
        (before & now, KEPT, 2.0),
        (before - now, REMOVED, 5.0),
        (now - before, ADDED, 5.0),
    ):
        for a, b in sorted(pairs):
            if a in pts and b in pts:
                sketch.lines.append(([pts[a][::-1], pts[b][::-1]], color, width))
    for stop, riders in lost.items():
        if stop in pts:
            sketch.points.append(
                (pts[stop][1], pts[stop][0], max(4.0, min(20.0, riders**0.5)), LOST)
            )
    return sketch
