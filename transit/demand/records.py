"""Ridership record formats: column names, accepted aliases, event words, reject reasons
(:data:`REJECTS`).

Three kinds of input (see ``docs/ridership.md``):

``taps``
    (a) IC card taps: ``card_id, ts, event, stop_id`` and ``trip_id`` and/or ``vehicle_id``,
    optional ``fare_yen``.
``trip_counts``
    (b) boardings/alightings per trip and stop (manual survey or APC): ``trip_id, stop_id``
    (or ``stop_sequence``), ``boardings, alightings``, optional ``date`` or ``day_type``.
``stop_counts``
    (c) totals per stop (per day type when ``day_type`` is given): ``stop_id, boardings``,
    optional ``day_type``, ``alightings``,
    ``route_id``, ``direction_id``, ``stop_sequence`` (needed for load profiles and IPF OD).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Literal

import jpholiday

from transit.core.notices import NoticeCatalogue, Severity

Kind = Literal["taps", "trip_counts", "stop_counts"]

TAP_COLUMNS = ("card_id", "ts", "event", "stop_id", "trip_id", "vehicle_id", "fare_yen")
TAP_REQUIRED = ("card_id", "ts", "event", "stop_id")
COUNT_COLUMNS = (
    "trip_id",
    "route_id",
    "direction_id",
    "stop_id",
    "stop_sequence",
    "date",
    "day_type",
    "boardings",
    "alightings",
)

#: Header aliases (after NFKC and lower-casing) -> canonical column name.
ALIASES: dict[str, str] = {
    "カードid": "card_id",
    "カード番号": "card_id",
    "card": "card_id",
    "timestamp": "ts",
    "日時": "ts",
    "time": "ts",
    "datetime": "ts",
    "乗降": "event",
    "乗降区分": "event",
    "停留所id": "stop_id",
    "停留所コード": "stop_id",
    "stop": "stop_id",
    "便id": "trip_id",
    "trip": "trip_id",
    "車両id": "vehicle_id",
    "車両番号": "vehicle_id",
    "vehicle": "vehicle_id",
    "運賃": "fare_yen",
    "fare": "fare_yen",
    "系統id": "route_id",
    "路線id": "route_id",
    "route": "route_id",
    "方向": "direction_id",
    "direction": "direction_id",
    "順序": "stop_sequence",
    "停車順": "stop_sequence",
    "sequence": "stop_sequence",
    "日付": "date",
    "運行日": "day_type",
    "曜日区分": "day_type",
    "乗車数": "boardings",
    "乗車人員": "boardings",
    "降車数": "alightings",
    "降車人員": "alightings",
    "board": "boardings",
    "alight": "alightings",
}

#: Event words -> 1 (boarding) or 2 (alighting).
EVENTS: dict[str, int] = {
    "board": 1,
    "boarding": 1,
    "on": 1,
    "in": 1,
    "乗車": 1,
    "乗": 1,
    "1": 1,
    "alight": 2,
    "alighting": 2,
    "off": 2,
    "out": 2,
    "降車": 2,
    "降": 2,
    "2": 2,
}

_E = Severity.ERROR

#: Every reason an input row can be rejected for: a record-level ERROR each, whose meaning is
#: the message written to the rejects file (``docs/notices.md``, section Ridership rejects).
REJECTS = NoticeCatalogue(
    "Ridership rejects",
    {
        "invalid_encoding": (_E, "bytes that are not UTF-8 (save the file as CSV UTF-8)"),
        "wrong_field_count": (_E, "wrong number of fields for the header"),
        "truncated_row": (_E, "last row cut off (file truncated)"),
        "missing_card_id": (_E, "card id is empty"),
        "bad_timestamp": (_E, "timestamp not understood (use YYYY-MM-DD HH:MM:SS)"),
        "bad_event": (_E, "event is not board/alight (乗車/降車)"),
        "unknown_stop": (_E, "stop id not in the feed"),
        "no_trip_or_vehicle": (_E, "neither trip id nor vehicle id given"),
        "unknown_trip": (_E, "trip id not in the feed"),
        "stop_not_on_trip": (_E, "the trip does not serve this stop"),
        "trip_not_running": (_E, "the trip does not run on this date"),
        "time_far_from_schedule": (
            _E,
            "tap time too far from the trip's scheduled time at this stop",
        ),
        "bad_fare": (_E, "fare is not a whole number of yen >= 0"),
        "duplicate_tap": (
            _E,
            "same card, time, event and stop as an earlier row (or already in the store)",
        ),
        "alight_without_board": (_E, "alighting tap without a boarding tap on the same trip"),
        "alight_before_board": (_E, "alighting tap earlier than the boarding tap on the same trip"),
        "board_without_alight": (_E, "boarding tap without an alighting tap on the same trip"),
        "same_stop": (_E, "boarded and alighted at the same stop"),
        "wrong_direction": (_E, "alighting stop is not after the boarding stop on the trip"),
        "impossible_ride_time": (
            _E,
            "ride time impossible for the trip (too long, or faster than the bus)",
        ),
        "no_matching_trip": (_E, "no scheduled trip serves both stops near the tap times"),
        "bad_count": (_E, "count is not a number >= 0"),
        "missing_field": (_E, "a required field is empty"),
        "duplicate_row": (_E, "same trip/stop/date (or stop/day type) as an earlier row"),
        "unknown_day_type": (_E, "day type not one of 平日, 土曜, 日祝"),
    },
)

DAY_TYPES = ("平日", "土曜", "日祝")
DAY_TYPE_ALIASES = {
    "平日": "平日",
    "weekday": "平日",
    "土曜": "土曜",
    "土曜日": "土曜",
    "saturday": "土曜",
    "日祝": "日祝",
    "日曜": "日祝",
    "日曜祝日": "日祝",
    "休日": "日祝",
    "sunday": "日祝",
    "holiday": "日祝",
}


def normalize_header(name: str) -> str:
    """Canonical column name for a header cell (NFKC, trimmed, lower-cased, aliases resolved)."""
    key = unicodedata.normalize("NFKC", str(name)).strip().lower().replace(" ", "_")
    return ALIASES.get(key, key)


def day_type_of(date: dt.date) -> str:
    """Day type of a service date: ``平日``, ``土曜`` or ``日祝`` (Sundays, national holidays
    and the New-Year break 12/29–1/3)."""
    if jpholiday.is_holiday(date) or date.weekday() == 6:
        return "日祝"
    if (date.month == 12 and date.day >= 29) or (date.month == 1 and date.day <= 3):
        return "日祝"
    return "土曜" if date.weekday() == 5 else "平日"


@dataclass(frozen=True)
class TimeBand:
    """A named time band ``[start_h, end_h)`` in hours after midnight of the service day."""

    name: str
    start_h: float
    end_h: float


DEFAULT_TIME_BANDS: tuple[TimeBand, ...] = (
    TimeBand("早朝", 0, 7),
    TimeBand("朝ピーク", 7, 9),
    TimeBand("日中", 9, 16),
    TimeBand("夕ピーク", 16, 19),
    TimeBand("夜間", 19, 30),
)


def time_band_of(seconds: float, bands: tuple[TimeBand, ...] = DEFAULT_TIME_BANDS) -> str:
    """Name of the band holding ``seconds`` after midnight (``""`` when none does)."""
    h = seconds / 3600.0
    for band in bands:
        if band.start_h <= h < band.end_h:
            return band.name
    return ""
