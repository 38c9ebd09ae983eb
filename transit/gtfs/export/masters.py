"""A feed's stops and routes -> ``stops.csv`` and ``routes.csv`` (columns:
:mod:`transit.gtfs.source.columns`), with readings (ja-Hrkt) and English names from
``translations.txt``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from transit.gtfs.export.draft import ExportLoss
from transit.gtfs.export.fares import has_zonal_fares, name_zones
from transit.gtfs.export.frames import records, text_column
from transit.gtfs.export.names import ExportIds
from transit.gtfs.feedio import Feed
from transit.gtfs.source.columns import ROUTES_CSV, STOPS_CSV

Translations = dict[tuple[str, str, str], str]
"""``(field_name, key, language) -> text``; key is a record_id or a field_value (the text)."""


def translations(feed: Feed) -> Translations:
    """Every translation of ``feed`` by field, record id or text, and language.

    The GTFS-JP v1/v2 layout (``trans_id, lang, translation``) is keyed by the text for both
    ``stop_name`` and ``route_long_name``.
    """
    out: Translations = {}
    tr = feed.get("translations")
    if not len(tr):
        return out
    if {"field_name", "language", "translation"} <= set(tr.columns):
        for rec in records(tr):
            fname = str(rec.get("field_name", ""))
            lang = str(rec.get("language", ""))
            text = str(rec.get("translation", ""))
            for key in (str(rec.get("record_id", "") or ""), str(rec.get("field_value", "") or "")):
                if key:
                    out[(fname, key, lang)] = text
    elif {"trans_id", "lang", "translation"} <= set(tr.columns):
        for rec in records(tr):
            for fname in ("stop_name", "route_long_name"):
                out[(fname, str(rec["trans_id"]), str(rec["lang"]))] = str(rec["translation"])
    return out


def _translated(trans: Translations, field: str, record_id: str, text: str, lang: str) -> str:
    """The translation of a record's field: by its id, else by its text, else ``""``."""
    return trans.get((field, record_id, lang)) or trans.get((field, text, lang), "")


@dataclass(frozen=True)
class StopsPlan:
    """``stops.csv`` as a ``table`` (text), each stop's ``names`` and fare ``zones`` (by the
    feed's stop_id; zones uniform per name when fares are by zone) and the ``losses``."""

    table: pd.DataFrame
    names: dict[str, str]
    zones: dict[str, str]
    losses: list[ExportLoss]


def plan_stops(feed: Feed, ids: ExportIds, trans: Translations) -> StopsPlan:
    """The stop master of ``feed`` (every stop, in feed order)."""
    st = feed.stops
    stop_ids = text_column(st, "stop_id")
    names = dict(zip(stop_ids, text_column(st, "stop_name"), strict=True))
    zones_raw = dict(zip(stop_ids, text_column(st, "zone_id"), strict=True))
    zones = name_zones(st) if has_zonal_fares(feed) else zones_raw
    merged = sum(1 for k, z in zones_raw.items() if z and zones.get(k, "") != z)
    losses = []
    if merged:
        losses.append(
            ExportLoss(
                "zones_merged",
                merged,
                "poles whose fare zone differs from the other poles of the same name; the source "
                "format prices fares by stop name, so each name keeps one zone",
            )
        )
    rows = [_stop_row(rec, zones, ids, trans) for rec in st.to_dict("records")]
    return StopsPlan(pd.DataFrame(rows, columns=list(STOPS_CSV.names)), names, zones, losses)


def _stop_row(
    rec: Mapping[Any, Any], zones: Mapping[str, str], ids: ExportIds, trans: Translations
) -> dict[str, str]:
    sid = str(rec["stop_id"])
    name = str(rec.get("stop_name", "") or "")
    return {
        "stop_id": ids.stop(sid),
        "stop_name": name,
        "stop_name_kana": _translated(trans, "stop_name", sid, name, "ja-Hrkt"),
        "stop_name_en": _translated(trans, "stop_name", sid, name, "en"),
        "stop_lat": str(rec.get("stop_lat", "") or ""),
        "stop_lon": str(rec.get("stop_lon", "") or ""),
        "platform_code": str(rec.get("platform_code", "") or ""),
        "parent_station": ids.stop(str(rec["parent_station"])) if rec.get("parent_station") else "",
        "zone_id": ids.zone(zones[sid]) if zones.get(sid) else "",
        "location_type": str(rec.get("location_type", "") or ""),
    }


def route_records(feed: Feed) -> dict[str, dict[str, Any]]:
    """routes.txt records by route_id, in feed order."""
    return {str(r["route_id"]): r for r in records(feed.routes)}


def routes_table(
    route_recs: Mapping[str, Mapping[str, Any]],
    route_fare: Mapping[str, str],
    ids: ExportIds,
    trans: Translations,
) -> pd.DataFrame:
    """The route master (text): every route, its fare table from ``route_fare``."""
    rows = []
    for rid, rrec in route_recs.items():
        short = str(rrec.get("route_short_name", "") or "")
        long = str(rrec.get("route_long_name", "") or "")
        if not short and not long:
            short = rid
        label = long or short
        rows.append(
            {
                "route_id": ids.route(rid),
                "route_short_name": short,
                "route_long_name": long,
                "route_long_name_kana": _translated(
                    trans, "route_long_name", rid, label, "ja-Hrkt"
                ),
                "route_long_name_en": _translated(trans, "route_long_name", rid, label, "en"),
                "route_type": str(rrec.get("route_type", "") or "3"),
                "route_color": str(rrec.get("route_color", "") or ""),
                "route_text_color": str(rrec.get("route_text_color", "") or ""),
                "fare_table": route_fare.get(rid, ""),
            }
        )
    return pd.DataFrame(rows, columns=list(ROUTES_CSV.names))
