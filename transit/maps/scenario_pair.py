"""Before and after of one reorganization scenario, side by side (folium's ``DualMap``, two
synchronized maps, offline via :mod:`transit.maps.mapkit`), with the comparison table beside.

Left: today's network, the segments the scenario removes highlighted (red). Right: the edited
network, new segments highlighted (green), the on-demand zones, and the stops where riders who
lose their trip start (circles; counts below ``k`` are suppressed in the published table and not
drawn). Built from what ``transit routes compare`` and the demo write (see
:mod:`transit.maps.atlas`), not from a new evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import pandas as pd
from folium.plugins import DualMap

from transit.demand.scenarios.feedops import stop_names, stop_points
from transit.gtfs.feedio import Feed
from transit.maps import controls, mapkit, markup
from transit.maps.labels import SCENARIO_MEASURES_EN, label
from transit.maps.scenarios import ADDED, KEPT, LOST, REMOVED, ZONE, segments

Bounds = tuple[tuple[float, float], tuple[float, float]]


def dual_map(bounds: Bounds | None, *, panel_pct: int = 0) -> DualMap:
    """Two synchronized tile-less maps (scale bars, plain background) fitted to ``bounds``;
    they leave ``panel_pct`` percent of the width on the right for a panel."""
    center = None
    if bounds is not None:
        (s, w), (n, e) = bounds
        center = ((s + n) / 2, (w + e) / 2)
    dual = DualMap(
        location=list(center) if center else [32.58, 131.66],
        layout="horizontal",
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_start=12,
    )
    half = (100 - panel_pct) / 2
    css = (
        f"<style>.leaflet-container {{ background: {mapkit.BACKGROUND}; }}"
        f"#{dual.m1.get_name()} {{ width: {half}% !important; }}"
        f"#{dual.m2.get_name()} {{ left: {half}% !important; width: {half}% !important;"
        " border-left: 2px solid #888; }</style>"
    )
    root = dual.m1.get_root()
    assert isinstance(root, folium.Figure)
    root.header.add_child(folium.Element(css))
    if bounds is not None:
        for m in (dual.m1, dual.m2):
            m.fit_bounds([list(bounds[0]), list(bounds[1])])
    return dual


def map_scenario_pair(
    baseline: Feed,
    after: Feed,
    *,
    title: str,
    lost: Mapping[str, float],
    zones: Sequence[Mapping[str, Any]] = (),
    table: str = "",
    lang: str = "ja",
    boundary: Mapping[str, Any] | None = None,
    outline_name: str | None = None,
    attributions: Sequence[str] = (),
) -> DualMap:
    """The dual map of a scenario: ``baseline`` on the left, ``after`` on the right.

    ``lost`` maps stop ids to riders who lose their trip starting there (published counts, at
    or above ``k``); ``zones`` are GeoJSON geometries of on-demand zones; ``table`` is markup
    (:func:`transit.maps.markup.table`) shown in a panel on the right."""
    pts = stop_points(baseline) | stop_points(after)
    names = stop_names(baseline) | stop_names(after)
    bounds = _bounds(pts)
    dual = dual_map(bounds, panel_pct=30 if table else 0)
    before_pairs, after_pairs = segments(baseline), segments(after)
    for m, caption in (
        (dual.m1, label("scenario_before", lang)),
        (dual.m2, label("scenario_after", lang, title=title)),
    ):
        if boundary is not None:
            name = outline_name or label("outline", lang)
            mapkit.add_outline(m, boundary, name=name, base=True)
        m.add_child(controls.Caption(caption))
        controls.add_attribution(m, attributions)
    kept = before_pairs & after_pairs
    _segments(dual.m1, kept, pts, names, label("kept", lang), KEPT, 2.0)
    _segments(dual.m1, before_pairs - after_pairs, pts, names, label("removed", lang), REMOVED, 5.0)
    _segments(dual.m2, kept, pts, names, label("kept", lang), KEPT, 2.0)
    _segments(dual.m2, after_pairs - before_pairs, pts, names, label("added", lang), ADDED, 5.0)
    _zones(dual.m2, zones, lang)
    _lost(dual.m2, lost, pts, names, lang)
    if table:
        controls.add_panel(dual.m1, table, shrink=False)
    for m in (dual.m1, dual.m2):
        folium.LayerControl(collapsed=False).add_to(m)
    return dual


def _bounds(pts: Mapping[str, tuple[float, float]]) -> Bounds | None:
    if not pts:
        return None
    lats, lons = [p[0] for p in pts.values()], [p[1] for p in pts.values()]
    return (min(lats), min(lons)), (max(lats), max(lons))


def _segments(
    fmap: folium.Map,
    pairs: set[tuple[str, str]],
    pts: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    name: str,
    color: str,
    weight: float,
) -> None:
    layer = folium.FeatureGroup(name=markup.text(name))
    for a, b in sorted(pairs):
        if a in pts and b in pts:
            folium.PolyLine(
                [pts[a], pts[b]],
                color=color,
                weight=weight,
                opacity=0.85,
                tooltip=markup.tooltip(f"{names.get(a, a)} → {names.get(b, b)}"),
            ).add_to(layer)
    layer.add_to(fmap)


def _zones(fmap: folium.Map, zones: Sequence[Mapping[str, Any]], lang: str) -> None:
    if not zones:
        return
    layer = folium.FeatureGroup(name=markup.text(label("zones", lang)))
    for geometry in zones:
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": dict(geometry)},
            style_function=lambda _f: {
                "color": ZONE,
                "weight": 2,
                "fillColor": ZONE,
                "fillOpacity": 0.15,
            },
            tooltip=markup.tooltip(label("zones", lang)),
        ).add_to(layer)
    layer.add_to(fmap)


def _lost(
    fmap: folium.Map,
    lost: Mapping[str, float],
    pts: Mapping[str, tuple[float, float]],
    names: Mapping[str, str],
    lang: str,
) -> None:
    layer = folium.FeatureGroup(name=markup.text(label("lost_origins", lang)))
    for stop, riders in sorted(lost.items()):
        if stop not in pts:
            continue
        folium.CircleMarker(
            pts[stop],
            radius=max(4.0, min(30.0, float(riders) ** 0.5 * 2)),
            color=LOST,
            fill=True,
            fill_opacity=0.6,
            popup=markup.popup(
                [names.get(stop, stop), label("lost_riders", lang, n=f"{riders:.0f}")]
            ),
        ).add_to(layer)
    layer.add_to(fmap)


def compare_table(network: pd.DataFrame, scenario: str, *, lang: str = "ja") -> str:
    """The comparison table of ``scenario`` against the base (the first scenario column of
    ``network.csv``): measure, base, scenario, difference (escaped markup)."""
    columns = [c for c in network.columns if c not in ("measure", "label_ja")]
    base = columns[0]
    rows = []
    for rec in network.to_dict("records"):
        key = str(rec["measure"])
        name = (
            SCENARIO_MEASURES_EN.get(key, key) if lang == "en" else str(rec.get("label_ja") or key)
        )
        a, b = rec.get(base), rec.get(scenario)
        diff = b - a if isinstance(a, int | float) and isinstance(b, int | float) else None
        rows.append([name, _number(key, a), _number(key, b), _number(key, diff, signed=True)])
    header = [label("measure", lang), base, scenario, "±"]
    return markup.table(rows, header=header, right=[1, 2, 3], title=label("compare_table", lang))


def _number(key: str, value: Any, *, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    v = float(value)
    sign = "+" if signed else ""
    if key == "farebox_ratio":
        return f"{v * 100:{sign}.1f}%"
    if abs(v - round(v)) < 1e-9 and abs(v) >= 1:
        return f"{round(v):{sign},d}"
    return f"{v:{sign},.2f}"
