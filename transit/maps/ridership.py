"""Folium ridership map: stops as circles sized by boardings, segments as lines weighted by load,
one layer per time band with a switch between them (used by ``transit maps``). Values below the
privacy threshold ``k`` are suppressed and drawn as such (a hollow grey circle, a grey dashed
line, "秘匿"), never as a number or as zero. The map has no tiles (it opens offline through
:func:`transit.maps.mapkit.save_map`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
import pandas as pd

from transit.core import provenance as prov
from transit.core.explain import summary
from transit.demand.loads import compute_loads
from transit.demand.privacy import default_k, privacy_note
from transit.demand.schedule import Schedule
from transit.demand.store.queries import stop_visits
from transit.maps import controls, mapkit, markup
from transit.maps.labels import label
from transit.maps.outline import city_boundary

LOAD_COLOR, STOP_COLOR, SUPPRESSED_COLOR = "#c05621", "#2b6cb0", "#9e9e9e"


def segment_loads(loads: pd.DataFrame) -> pd.DataFrame:
    """Riders on board between consecutive stops, per time band: ``time_band, stop_id,
    next_stop_id, sum`` (riders summed over runs), ``size`` (runs)."""
    nxt = loads.groupby(["trip_id", "date"])["stop_id"].shift(-1)
    seg = loads.assign(next_stop_id=nxt).dropna(subset=["next_stop_id"])
    keys = ["time_band", "stop_id", "next_stop_id"]
    return seg.groupby(keys, sort=False)["load"].agg(["sum", "size"]).reset_index()


def stop_counts(loads: pd.DataFrame) -> pd.DataFrame:
    """Boardings and alightings per time band and stop: ``time_band, stop_id, boardings,
    alightings``."""
    keys = ["time_band", "stop_id"]
    return loads.groupby(keys, sort=False)[["boardings", "alightings"]].sum().reset_index()


def map_ridership(
    loads: pd.DataFrame,
    schedule: Schedule,
    *,
    k: int | None = None,
    lang: str = "ja",
    boundary: Mapping[str, Any] | None = None,
    outline_name: str | None = None,
    attributions: Sequence[str] = (),
) -> folium.Map:
    """A map of ``loads`` (:func:`transit.demand.loads.compute_loads`): per time band, stops
    as circles (radius ∝ √boardings) and segments as lines (width ∝ mean load over runs);
    stops with fewer than ``k`` boardings and segments with fewer than ``k`` riders (summed
    over runs) are shown as suppressed. One layer per time band (``時間帯: …``), the first
    shown, a switch to show another; ``boundary`` (GeoJSON) as the base layer. ``k`` defaults
    to :func:`transit.demand.privacy.default_k`."""
    k = default_k() if k is None else k
    stops = schedule.stops.drop_duplicates("stop_id").set_index("stop_id")
    bounds = None
    if len(stops):
        lats, lons = stops["stop_lat"].astype(float), stops["stop_lon"].astype(float)
        bounds = ((float(lats.min()), float(lons.min())), (float(lats.max()), float(lons.max())))
    note = privacy_note(k) if lang == "ja" else f"counts below {k} are suppressed"
    fmap = mapkit.new_map(bounds, title=label("ridership_title", lang, note=note))
    if boundary is not None:
        mapkit.add_outline(fmap, boundary, name=outline_name or label("outline", lang), base=True)
    coords = {
        str(i): (float(la), float(lo))
        for i, la, lo in zip(
            stops.index,
            stops["stop_lat"].to_numpy(dtype=float),
            stops["stop_lon"].to_numpy(dtype=float),
            strict=True,
        )
    }
    names = {str(i): str(n) for i, n in stops["stop_name"].items()}
    segs, per_stop = segment_loads(loads), stop_counts(loads)
    bands = []
    for i, band in enumerate(loads["time_band"].drop_duplicates().tolist()):
        name = markup.text(label("band", lang, band=band))
        layer = folium.FeatureGroup(name=name, show=i == 0, control=False)
        _add_segments(layer, segs[segs["time_band"] == band], coords, names, k=k, lang=lang)
        _add_stops(layer, per_stop[per_stop["time_band"] == band], coords, names, k=k, lang=lang)
        layer.add_to(fmap)
        bands.append((label("band", lang, band=band), layer))
    if bands:
        fmap.add_child(controls.LayerSwitch(label("band_switch", lang), bands))
    controls.add_box(fmap, _legend(k, lang), corner="bottomright", box_id="legend")
    controls.add_attribution(fmap, attributions)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _add_segments(
    layer: folium.FeatureGroup,
    segs: pd.DataFrame,
    coords: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    *,
    k: int,
    lang: str,
) -> None:
    for a, b, total, runs in segs[["stop_id", "next_stop_id", "sum", "size"]].itertuples(
        index=False, name=None
    ):
        if total <= 0 or a not in coords or b not in coords:
            continue
        where = f"{names[a]} → {names[b]}"
        if total < k:
            folium.PolyLine(
                [coords[a], coords[b]],
                weight=1.5,
                color=SUPPRESSED_COLOR,
                dash_array="4 4",
                opacity=0.8,
                popup=markup.popup([where, label("suppressed", lang, k=k)]),
            ).add_to(layer)
            continue
        mean = float(total) / float(runs)
        folium.PolyLine(
            [coords[a], coords[b]],
            weight=max(1.0, min(12.0, mean)),
            color=LOAD_COLOR,
            opacity=0.7,
            popup=markup.popup([where, label("segment_load", lang, mean=mean, runs=int(runs))]),
        ).add_to(layer)


def _add_stops(
    layer: folium.FeatureGroup,
    per_stop: pd.DataFrame,
    coords: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    *,
    k: int,
    lang: str,
) -> None:
    for stop_id, boards, alights in per_stop[["stop_id", "boardings", "alightings"]].itertuples(
        index=False, name=None
    ):
        if boards <= 0 or stop_id not in coords:
            continue
        if boards < k:
            folium.CircleMarker(
                coords[stop_id],
                radius=3.0,
                color=SUPPRESSED_COLOR,
                weight=1.5,
                fill=False,
                popup=markup.popup([names[stop_id], label("suppressed", lang, k=k)]),
            ).add_to(layer)
            continue
        text = label("boardings", lang, n=int(boards))
        if alights >= k:
            text += label("alightings", lang, n=int(alights))
        folium.CircleMarker(
            coords[stop_id],
            radius=max(3.0, min(30.0, math.sqrt(float(boards)))),
            color=STOP_COLOR,
            fill=True,
            fill_opacity=0.6,
            popup=markup.popup([names[stop_id], text]),
        ).add_to(layer)


def _legend(k: int, lang: str) -> str:
    rows = [
        (STOP_COLOR, label("legend_boardings", lang)),
        (LOAD_COLOR, label("legend_load", lang)),
        (SUPPRESSED_COLOR, label("legend_suppressed", lang, k=k)),
    ]
    return controls.legend_html(label("legend", lang), rows)


def write_ridership_map(store: Path, path: Path, *, k: int | None = None) -> Path:
    """Draw the ridership map of ``store`` (:func:`map_ridership`; over the real city boundary,
    credited, when the external data holds it) into ``path`` (offline HTML) with a footer
    saying what it is made from, and its ``provenance.json`` beside it; returns ``path``."""
    k = default_k() if k is None else k
    city = city_boundary()
    inputs = [prov.source("store", store)]
    inputs += [prov.source("boundary", city.path)] if city.path else []
    record = prov.record(
        "乗降実績の地図 / the ridership map",
        inputs=inputs,
        parameters=[prov.from_key("k", k, "privacy.k")],
    )
    schedule = Schedule.load(store / "schedule")
    loads = compute_loads(stop_visits(store), schedule)
    fmap = map_ridership(loads, schedule, k=k, boundary=city.geojson, attributions=city.credits)
    saved = mapkit.save_map(fmap, path, footer=summary(record))
    prov.write(record, [saved.path])
    return saved.path
