"""The on-demand pages of the workshop atlas: the candidate areas' overview (``areas.html``) and
one simulated day per area (``area-<id>.html``), from an on-demand study's output folder
(``ranking.csv`` and the days ``maps/<area>.json`` that :func:`transit.maps.areas.write_area_maps`
writes)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape

from transit.core.paths import sample_dir
from transit.maps import handout
from transit.maps.area_overview import INDICATORS, RAMP, area_indicators, map_area_overview, shade
from transit.maps.areaday import AreaDay, read_area_day
from transit.maps.areas import REJECTED_COLOR, VEHICLE_COLORS, day_title, kpi_text, map_area_day
from transit.maps.atlas_base import Atlas, Base, Page, nature, page_sketch, save_page
from transit.maps.labels import label, measure
from transit.maps.sources import ATTRIBUTIONS, describe


def area_pages(base: Base, atlas: Atlas, *, inline: bool) -> None:
    """Write ``areas.html`` and one ``area-<id>.html`` per area with a stored day."""
    folder = base.inputs.areas
    assert folder is not None
    lang = base.lang
    ranking = pd.read_csv(folder / "ranking.csv", dtype={"area_id": str})
    days: list[AreaDay] = []
    for area_id in ranking["area_id"]:
        path = folder / "maps" / f"{area_id}.json"
        if path.is_file():
            days.append(read_area_day(path))
        else:
            atlas.note(f"area {area_id}: no day file at {path}; its map is left out")
    pop_path = base.inputs.population or sample_dir() / "population" / "points.csv"
    population = pd.read_csv(pop_path, dtype={"area_id": str, "point_id": str})
    stops = _feed_stops(base)
    indicators = area_indicators(base.areas, population, stops, ranking)
    credits = base.credits + _road_credits(days)
    atlas.credit(credits)
    inside = _stops_inside(stops, base.areas)
    fmap = map_area_overview(
        base.areas,
        indicators,
        days,
        stops=inside,
        lang=lang,
        boundary=base.outline,
        outline_name=base.outline_name,
        attributions=credits,
    )
    title = label("page_areas", lang)
    png = save_page(
        fmap, atlas, "areas.html", _overview_sketch(base, title, indicators, days), inline=inline
    )
    best = (
        indicators.sort_values("rank").iloc[0] if "rank" in indicators and len(indicators) else None
    )
    numbers: list[tuple[str, str]] = [(label("n_areas", lang), f"{len(indicators)}")]
    if best is not None and pd.notna(best.get("rank")):
        name = best["name_en"] if lang == "en" else best["name_ja"]
        fleet = "—" if pd.isna(best.get("fleet_needed")) else str(int(best["fleet_needed"]))
        text = f"{name}（{fleet}台）" if lang == "ja" else f"{name} ({fleet} vehicles)"
        numbers.append((label("first_ranked", lang), text))
    atlas.pages.append(
        Page(
            "areas",
            "areas.html",
            title,
            tuple(numbers),
            ("areas", "population", "candidate_areas", "feed"),
            png,
        )
    )
    synthetic = any(d.synthetic for d in days) or nature("areas", base.inputs) == "synthetic"
    atlas.inputs.append(
        describe("areas", folder / "ranking.csv", nature="synthetic" if synthetic else "real")
    )
    atlas.inputs.append(describe("population", pop_path, nature=nature("population", base.inputs)))
    for day in days:
        _area_page(base, atlas, day, credits, inline=inline)


def _feed_stops(base: Base) -> pd.DataFrame:
    """The feed's stops with a position: ``name, lon, lat`` (parent stations left out)."""
    st = base.feed.stops
    lt = base.feed.column("stops", "location_type").astype(str).str.strip()
    table = pd.DataFrame(
        {
            "name": st["stop_name"].astype(str),
            "lon": pd.to_numeric(st["stop_lon"], errors="coerce"),
            "lat": pd.to_numeric(st["stop_lat"], errors="coerce"),
        }
    )[lt.isin(["", "0", "nan"]).to_numpy()]
    return table.dropna(subset=["lon", "lat"]).reset_index(drop=True)


def _stops_inside(stops: pd.DataFrame, areas: dict[str, Any]) -> list[dict[str, Any]]:
    geoms = [shape(f["geometry"]) for f in areas.get("features", []) if f.get("geometry")]
    if not geoms or stops.empty:
        return []
    zone = shapely.union_all(geoms)
    inside = shapely.contains_xy(zone, stops["lon"].to_numpy(), stops["lat"].to_numpy())
    records: list[dict[str, Any]] = stops[inside].to_dict("records")
    return records


def _road_credits(days: list[AreaDay]) -> tuple[str, ...]:
    """OpenStreetMap's credit when a day ran on a real (not synthetic) road network."""
    return (ATTRIBUTIONS["osm"],) if any(not d.synthetic for d in days) else ()


def _overview_sketch(
    base: Base, title: str, indicators: pd.DataFrame, days: list[AreaDay]
) -> handout.Sketch:
    sketch = page_sketch(base, title)
    key = next((k for k in INDICATORS if k in indicators.columns), None)
    values = dict(zip(indicators["area_id"], indicators[key], strict=True)) if key else {}
    known = [float(v) for v in values.values() if pd.notna(v)]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    for f in base.areas.get("features", []):
        aid = str((f.get("properties") or {}).get("area_id"))
        sketch.add_geojson(
            f, face=shade(values.get(aid, float("nan")), low, high) if key else RAMP[0]
        )
    for i, day in enumerate(days):
        for t in day.tracks:
            sketch.lines.append((t["coords"], VEHICLE_COLORS[i % len(VEHICLE_COLORS)], 1.5))
        for r in day.requests:
            if r.get("status") != "served":
                sketch.points.append((r["lon"], r["lat"], 3.0, REJECTED_COLOR))
    return sketch


def _area_page(
    base: Base, atlas: Atlas, day: AreaDay, credits: tuple[str, ...], *, inline: bool
) -> None:
    lang = base.lang
    fmap = map_area_day(day, lang=lang, boundary=base.outline, attributions=credits)
    title = day_title(day, lang) or day.area_id
    sketch = handout.Sketch(title, credits=" / ".join(credits))  # at the area's scale
    if day.polygon is not None:
        sketch.add_geojson(day.polygon, face="#fff3e0")
    sketch.lines += [(r, "#b0b7bb", 0.8) for r in day.roads]
    for i, t in enumerate(day.tracks):
        sketch.lines.append((t["coords"], VEHICLE_COLORS[i % len(VEHICLE_COLORS)], 2.5))
    sketch.points += [
        (r["lon"], r["lat"], 3.0, "#2e7d32" if r.get("status") == "served" else REJECTED_COLOR)
        for r in day.requests
    ]
    file = f"area-{day.area_id}.html"
    png = save_page(fmap, atlas, file, sketch, inline=inline)
    numbers = tuple(
        (measure(key, lang), kpi_text(key, day.kpis.get(key), lang))
        for key in ("vehicles", "requests", "served_rate", "wait_p95_min", "cost_per_pax_yen")
    )
    atlas.pages.append(Page(f"area-{day.area_id}", file, title, numbers, ("areas",), png))
