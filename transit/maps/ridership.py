"""Folium ridership map: stops as circles sized by boardings, segments as lines weighted by load,
one layer per time band (used by ``transit maps``). Suppressed (small) values are not drawn.
The map has no tiles (it opens offline through :func:`transit.maps.mapkit.save_map`)."""

from __future__ import annotations

import math

import folium
import pandas as pd

from transit.demand.privacy import DEFAULT_K, privacy_note
from transit.demand.schedule import Schedule
from transit.maps import mapkit, markup


def map_ridership(loads: pd.DataFrame, schedule: Schedule, *, k: int = DEFAULT_K) -> folium.Map:
    """A map of ``loads`` (:func:`transit.demand.loads.compute_loads`): per time band, stops with
    ``boardings >= k`` as circles (radius ∝ √boardings) and segments whose riders on board
    (summed over runs) reach ``k`` as lines (width ∝ mean load). Popups are Japanese."""
    stops = schedule.stops.drop_duplicates("stop_id").set_index("stop_id")
    bounds = None
    if len(stops):
        lats, lons = stops["stop_lat"].astype(float), stops["stop_lon"].astype(float)
        bounds = ((float(lats.min()), float(lons.min())), (float(lats.max()), float(lons.max())))
    fmap = mapkit.new_map(bounds, title=f"乗降人員マップ — {privacy_note(k)}")
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
    nxt = loads.groupby(["trip_id", "date"])["stop_id"].shift(-1)
    seg = loads.assign(next_stop_id=nxt).dropna(subset=["next_stop_id"])
    first_band = str(loads["time_band"].iloc[0]) if len(loads) else ""
    for band in loads["time_band"].drop_duplicates().tolist():
        g = loads[loads["time_band"] == band]
        layer = folium.FeatureGroup(name=markup.text(f"時間帯: {band}"), show=band == first_band)
        sg = seg[seg["time_band"] == band]
        segs = sg.groupby(["stop_id", "next_stop_id"])["load"].agg(["sum", "size"]).reset_index()
        for a, b, total, runs in segs.itertuples(index=False, name=None):
            if total < k or a not in coords or b not in coords:
                continue
            mean = float(total) / float(runs)
            folium.PolyLine(
                [coords[a], coords[b]],
                weight=max(1.0, min(12.0, mean)),
                color="#c05621",
                opacity=0.7,
                popup=markup.popup(
                    [f"{names[a]} → {names[b]}", f"平均乗車人員 {mean:.1f} 人（{int(runs)} 便）"]
                ),
            ).add_to(layer)
        per_stop = g.groupby("stop_id")[["boardings", "alightings"]].sum().reset_index()
        for stop_id, boards, alights in per_stop.itertuples(index=False, name=None):
            if boards < k or stop_id not in coords:
                continue
            folium.CircleMarker(
                coords[stop_id],
                radius=max(3.0, min(30.0, math.sqrt(float(boards)))),
                color="#2b6cb0",
                fill=True,
                fill_opacity=0.6,
                popup=markup.popup(
                    [
                        names[stop_id],
                        f"乗車 {int(boards)} 人"
                        + (f" / 降車 {int(alights)} 人" if alights >= k else ""),
                    ]
                ),
            ).add_to(layer)
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap
