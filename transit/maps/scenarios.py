"""Workshop map of one reorganization scenario (Folium, offline via :mod:`transit.maps.mapkit`):
the stop-to-stop segments the scenario removes (red) or adds (green) against the baseline, the
segments it keeps (grey), the on-demand zones, and where the riders who lose their journey start
(circles; stops with fewer than ``k`` such riders are not drawn).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import folium
import pandas as pd
from shapely.geometry import mapping

from transit.core import provenance as prov
from transit.core.explain import summary
from transit.demand.privacy import default_k, privacy_note
from transit.demand.scenarios.evaluate import Evaluation
from transit.demand.scenarios.evidence import comparison_record
from transit.demand.scenarios.feedops import stop_names, stop_points
from transit.gtfs.feedio import Feed
from transit.maps import mapkit, markup

REMOVED, ADDED, KEPT, LOST, ZONE = "#c62828", "#2e7d32", "#9e9e9e", "#6a1b9a", "#ef6c00"


def segments(feed: Feed) -> set[tuple[str, str]]:
    """Every pair of consecutive stops of every trip of ``feed``."""
    st = feed.stop_times.assign(_n=pd.to_numeric(feed.stop_times["stop_sequence"], errors="coerce"))
    st = st.sort_values(["trip_id", "_n"], kind="stable")
    nxt = st.groupby("trip_id")["stop_id"].shift(-1)
    pairs = zip(st["stop_id"].astype(str), nxt, strict=True)
    return {(a, str(b)) for a, b in pairs if isinstance(b, str)}


def map_scenario(evaluation: Evaluation, *, k: int | None = None) -> folium.Map:
    """The map of ``evaluation`` (see the module docstring); popups and layer names are
    Japanese, every data string escaped by :mod:`transit.maps.markup`. ``k`` defaults to
    :func:`transit.demand.privacy.default_k`."""
    k = default_k() if k is None else k
    applied = evaluation.applied
    pts = stop_points(applied.baseline) | stop_points(applied.feed)
    names = stop_names(applied.baseline) | stop_names(applied.feed)
    bounds = None
    if pts:
        lats, lons = [p[0] for p in pts.values()], [p[1] for p in pts.values()]
        bounds = ((min(lats), min(lons)), (max(lats), max(lons)))
    title = applied.scenario.title or applied.scenario.name
    fmap = mapkit.new_map(bounds, title=f"{title} — {privacy_note(k)}")
    before, after = segments(applied.baseline), segments(applied.feed)
    for label, pairs, color, weight in (
        ("変更のない区間", before & after, KEPT, 2.0),
        ("廃止される区間", before - after, REMOVED, 4.0),
        ("新設される区間", after - before, ADDED, 4.0),
    ):
        layer = folium.FeatureGroup(name=markup.text(label))
        for a, b in sorted(pairs):
            if a in pts and b in pts:
                folium.PolyLine([pts[a], pts[b]], color=color, weight=weight, opacity=0.8,
                                tooltip=markup.tooltip(f"{names.get(a, a)} → {names.get(b, b)}")).add_to(layer)  # fmt: skip
        layer.add_to(fmap)
    _add_zones(fmap, evaluation)
    _add_lost(fmap, evaluation, pts, names, k=k)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def _add_zones(fmap: folium.Map, evaluation: Evaluation) -> None:
    layer = folium.FeatureGroup(name=markup.text("オンデマンド交通の区域"))
    for zone in evaluation.applied.zones:
        edit = zone.edit
        folium.GeoJson(
            mapping(zone.polygon),
            style_function=lambda _f: {
                "color": ZONE,
                "weight": 2,
                "fillColor": ZONE,
                "fillOpacity": 0.15,
            },
            tooltip=markup.tooltip(
                f"オンデマンド交通: {edit.vehicles}台 {edit.start}–{edit.end} {edit.fare_yen:g}円"
            ),
        ).add_to(layer)
    layer.add_to(fmap)


def _add_lost(
    fmap: folium.Map,
    evaluation: Evaluation,
    pts: dict[str, tuple[float, float]],
    names: dict[str, str],
    *,
    k: int,
) -> None:
    j = evaluation.parts.journeys.merge(
        evaluation.parts.riders[["rider_id", "origin_stop_id", "weight"]], on="rider_id"
    )
    lost = j[j["status"] == "lost"].groupby("origin_stop_id")["weight"].sum()
    layer = folium.FeatureGroup(name=markup.text("移動できなくなる利用者の出発地"))
    for stop, riders in lost.items():
        if riders < k or str(stop) not in pts:
            continue
        folium.CircleMarker(
            pts[str(stop)], radius=max(4.0, min(30.0, float(riders) ** 0.5 * 2)), color=LOST,
            fill=True, fill_opacity=0.6,
            popup=markup.popup([names.get(str(stop), str(stop)), f"移動できなくなる利用者 {riders:.0f} 人"]),
        ).add_to(layer)  # fmt: skip
    layer.add_to(fmap)


def write_scenario_maps(
    evaluations: list[Evaluation],
    out_dir: Path,
    *,
    k: int | None = None,
    riders_from: Path | None = None,
) -> list[Path]:
    """Write ``out_dir/<scenario>.html`` for every evaluation (offline; shared assets), each
    with a footer saying where its numbers come from, and their ``provenance.json``
    (``riders_from``: the store or OD matrix of the riders)."""
    k = default_k() if k is None else k
    record = dataclasses.replace(
        comparison_record(evaluations, k=k, riders_from=riders_from),
        what="路線再編シナリオの地図 / maps of route scenarios",
    )
    footer = summary(record)
    paths = [
        mapkit.save_map(map_scenario(e, k=k), out_dir / f"{e.name}.html", footer=footer).path
        for e in evaluations
    ]
    return [*paths, *prov.write(record, paths)]
