"""A feed's agency, feed_info, day types and fares -> the text of ``feed.toml``.

``[feed]`` from feed_info (or the service period), ``[agency]`` (+ ``[agency_jp]``), one
``[day_types.NAME]`` per service, ``[layout]`` transit, ``[checks] service_area`` around the
feed's stops and ``[fares]`` from the first fare.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from transit.gtfs.export.frames import records, text_column
from transit.gtfs.feedio import Feed
from transit.gtfs.service import parse_gtfs_date
from transit.gtfs.source.model import DayType

_AGENCY_JP = (
    ("official_name", "agency_official_name"),
    ("zip_number", "agency_zip_number"),
    ("address", "agency_address"),
    ("president_pos", "agency_president_pos"),
    ("president_name", "agency_president_name"),
)


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def feed_toml(feed: Feed, period: tuple[dt.date, dt.date], day_types: Mapping[str, DayType]) -> str:
    """The whole ``feed.toml`` (``period``: the feed's first and last day when feed_info does
    not give them)."""
    ag = feed.agency.to_dict("records")[0]
    parts = [
        "# Exported from a GTFS feed by `transit gtfs export`; see docs/source-format.md.\n\n",
        _feed_section(feed, ag, period),
        _agency_sections(feed, ag),
        *(_day_type_section(name, dtype) for name, dtype in day_types.items()),
        '\n[layout]\nprofile = "transit"\n',
        _checks_section(feed),
        _fares_section(feed),
    ]
    return "".join(parts)


def _feed_section(feed: Feed, ag: Mapping[Any, Any], period: tuple[dt.date, dt.date]) -> str:
    info = records(feed.feed_info)
    fi: dict[str, Any] = info[0] if info else {}
    start = parse_gtfs_date(str(fi.get("feed_start_date", "") or "")) or period[0]
    end = parse_gtfs_date(str(fi.get("feed_end_date", "") or "")) or period[1]
    version = str(fi.get("feed_version", "") or "") or start.isoformat()
    publisher = str(fi.get("feed_publisher_name", "") or ag.get("agency_name", ""))
    url = str(fi.get("feed_publisher_url", "") or ag.get("agency_url", ""))
    return (
        "[feed]\n"
        f"version = {_toml_str(version)}\n"
        f"start_date = {start.isoformat()}\n"
        f"end_date = {end.isoformat()}\n"
        f"publisher_name = {_toml_str(publisher)}\n"
        f"publisher_url = {_toml_str(url)}\n"
        f"contact_email = {_toml_str(str(fi.get('feed_contact_email', '') or ''))}\n"
    )


def _agency_sections(feed: Feed, ag: Mapping[Any, Any]) -> str:
    out = (
        "\n[agency]\n"
        f"id = {_toml_str(str(ag.get('agency_id', '') or 'agency'))}\n"
        f"name = {_toml_str(str(ag.get('agency_name', '')))}\n"
        f"url = {_toml_str(str(ag.get('agency_url', '')))}\n"
        f"phone = {_toml_str(str(ag.get('agency_phone', '') or ''))}\n"
        f"fare_url = {_toml_str(str(ag.get('agency_fare_url', '') or ''))}\n"
        f"timezone = {_toml_str(str(ag.get('agency_timezone', '') or 'Asia/Tokyo'))}\n"
        f"lang = {_toml_str(str(ag.get('agency_lang', '') or 'ja'))}\n"
    )
    jp = feed.get("agency_jp").to_dict("records")
    if jp:
        j = jp[0]
        out += "\n[agency_jp]\n"
        out += "".join(
            f"{key} = {_toml_str(str(j.get(col, '') or ''))}\n" for key, col in _AGENCY_JP
        )
    return out


def _day_type_section(name: str, dtype: DayType) -> str:
    return (
        f"\n[day_types.{_toml_str(name)}]\n"
        f"service_id = {_toml_str(dtype.service_id)}\n"
        f"days = [{', '.join(_toml_str(d) for d in dtype.days)}]\n"
        f"holidays = {_toml_str(dtype.holidays)}\n"
        f"new_year_break = {'true' if dtype.new_year_break else 'false'}\n"
    )


def _checks_section(feed: Feed) -> str:
    area = service_area(feed)
    if area is None:
        return ""
    return f"\n[checks]\nservice_area = [{', '.join(f'{v:.4f}' for v in area)}]\n"


def _fares_section(feed: Feed) -> str:
    attrs = feed.get("fare_attributes").to_dict("records")
    if not attrs:
        return ""
    a = attrs[0]
    pm = str(a.get("payment_method", "") or "0")
    tr = str(a.get("transfers", "") or "0")
    cur = str(a.get("currency_type", "") or "JPY")
    return (
        "\n[fares]\n"
        f"payment_method = {int(pm) if pm.isdigit() else 0}\n"
        f"transfers = {int(tr) if tr.isdigit() else 0}\n"
        f"currency = {_toml_str(cur)}\n"
    )


def service_area(feed: Feed) -> list[float] | None:
    """``[min_lat, min_lon, max_lat, max_lon]`` of the feed's stops, widened by 0.1°."""
    lat = pd.to_numeric(pd.Series(text_column(feed.stops, "stop_lat")), errors="coerce").dropna()
    lon = pd.to_numeric(pd.Series(text_column(feed.stops, "stop_lon")), errors="coerce").dropna()
    if not len(lat) or not len(lon):
        return None
    return [
        float(lat.min()) - 0.1,
        float(lon.min()) - 0.1,
        float(lat.max()) + 0.1,
        float(lon.max()) + 0.1,
    ]
