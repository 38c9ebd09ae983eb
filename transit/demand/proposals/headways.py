"""Rule ``headway``: a time band where buses run often but carry few riders gets a longer
headway (edit ``headway``).

Per route, service and time band of the trips' first departures (早朝 … 夜間, as the ridership
KPIs): with at least ``min_band_trips`` trips (both directions) and a 平均乗車密度 below
``min_band_avg_load``, the band's headway (the median gap between consecutive departures of a
direction) is multiplied by ``headway_factor`` and rounded to ``headway_round_min``. The new
band starts at the band's first departure and ends a minute after its last one (within the
band).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from transit.core.gtfstime import format_hhmm
from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal, slug, strongest
from transit.demand.proposals.params import ProposalParams
from transit.demand.records import DEFAULT_TIME_BANDS

#: ASCII names of the default time bands (for proposal ids).
BAND_IDS = {
    "早朝": "early",
    "朝ピーク": "am_peak",
    "日中": "midday",
    "夕ピーク": "pm_peak",
    "夜間": "night",
}


def headway_proposals(facts: Facts, params: ProposalParams) -> list[Proposal]:
    """One ``headway`` proposal per route, service and band found (at most ``max_per_rule``,
    the lowest loads first)."""
    trips = facts.trips[facts.trips["runs"] > 0]
    bands = {b.name: b for b in DEFAULT_TIME_BANDS}
    band = np.array([_band_name(s) for s in trips["start_s"].to_numpy(dtype=float)], dtype=object)
    trips = trips.assign(band=band)
    found = []
    for (route_id, service, name), g in trips.groupby(
        ["route_id", "service_id", "band"], sort=True
    ):
        if len(g) < params.min_band_trips or not name:
            continue
        avg = float(g["pax_km"].sum() / g["vehicle_km"].sum())
        if avg >= params.min_band_avg_load:
            continue
        now = _headway_min(g)
        new = max(
            params.headway_round_min,
            round(now * params.headway_factor / params.headway_round_min)
            * params.headway_round_min,
        )
        start = int(g["start_s"].min())
        end = min(int(g["start_s"].max()) + 60, int(bands[str(name)].end_h * 3600))
        span = (start, end)
        found.append(
            _proposal(facts, str(route_id), str(service), str(name), g, avg, now, new, span)
        )
    return strongest(found, params.max_per_rule)


def _band_name(seconds: float) -> str:
    h = seconds / 3600.0
    return next((b.name for b in DEFAULT_TIME_BANDS if b.start_h <= h < b.end_h), "")


def _headway_min(g: pd.DataFrame) -> float:
    """Median gap (minutes) between consecutive departures of each direction in the band."""
    gaps = [
        np.diff(np.sort(d["start_s"].to_numpy(dtype=float))) for _, d in g.groupby("direction_id")
    ]
    flat = np.concatenate(gaps) if gaps else np.array([])
    return float(np.median(flat)) / 60.0 if len(flat) else 0.0


def _proposal(
    facts: Facts, route_id: str, service: str, band: str, g: pd.DataFrame, avg: float,
    now: float, new: int, span: tuple[int, int],
) -> Proposal:  # fmt: skip
    src = facts.source("trip KPIs")
    rname, days = facts.route_name(route_id), facts.service_label(service)
    start, end = format_hhmm(span[0]), format_hhmm(span[1])
    evidence = (
        Evidence("band_trips", "時間帯の便数（両方向）", float(len(g)), "便", src),
        Evidence("band_avg_load", "時間帯の平均乗車密度", round(avg, 3), "人（平均）", src),
        Evidence("band_boardings", "時間帯の乗車人員（期間計）", float(g["boardings"].sum()), "人", src),
        Evidence("headway_now_min", "現在の運行間隔", round(now, 1), "分", "timetable (feed)"),
        Evidence("headway_new_min", "提案の運行間隔", float(new), "分", "rule"),
    )  # fmt: skip
    return Proposal(
        id=slug("headway", route_id, service, BAND_IDS.get(band, band)),
        kind="headway",
        title_ja=f"{rname} {days} {band}の減便（{now:.0f}分→{new}分間隔）",
        change_ja=f"{rname}の{days}ダイヤ{start}～{end}を{new}分間隔とする（現在{now:.0f}分間隔）。",
        edits=(
            {
                "kind": "headway",
                "route": route_id,
                "service_ids": [service],
                "bands": [{"start": start, "end": end, "headway_min": new}],
            },
        ),
        evidence=evidence,
        severity=avg,
    )
