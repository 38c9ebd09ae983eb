"""The typed model of a source folder: feed.toml settings, stops, routes, trips and fare tables.

Everything here is a frozen dataclass; :mod:`transit.gtfs.source.read` builds it, :mod:`transit.gtfs.source.check`
checks it and :mod:`transit.gtfs.builder.tables` turns it into GTFS-JP tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from transit.core.errors import Location
from transit.core.notices import Notice
from transit.gtfs.source.profiles import LayoutProfile

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class FeedSection:
    """``[feed]``: version, explicit dates and publisher of the feed."""

    version: str
    start_date: dt.date
    end_date: dt.date
    publisher_name: str
    publisher_url: str
    contact_email: str = ""
    lang: str = "ja"


@dataclass(frozen=True)
class AgencySection:
    """``[agency]``: the operator; ``id`` is the 13-digit 法人番号 as text."""

    id: str
    name: str
    url: str
    phone: str = ""
    fare_url: str = ""
    email: str = ""
    timezone: str = "Asia/Tokyo"
    lang: str = "ja"


@dataclass(frozen=True)
class AgencyJpSection:
    """``[agency_jp]``: GTFS-JP ``agency_jp.txt`` fields (optional)."""

    official_name: str = ""
    zip_number: str = ""
    address: str = ""
    president_pos: str = ""
    president_name: str = ""


@dataclass(frozen=True)
class DayType:
    """``[day_types.NAME]``: a named day type (as written in sheets) -> service_id and days."""

    service_id: str
    days: list[str]
    holidays: Literal["off", "on", "only"] = "off"
    new_year_break: bool = True


@dataclass(frozen=True)
class FaresSection:
    """``[fares]``: fare_attributes settings shared by every fare."""

    payment_method: int = 0
    transfers: int = 0
    currency: str = "JPY"


@dataclass(frozen=True)
class ChecksSection:
    """``[checks]``: thresholds of the spreadsheet checks.

    ``service_area`` is ``[min_lat, min_lon, max_lat, max_lon]`` (default: Japan).
    """

    max_speed_kmh: float = 80.0
    service_area: list[float] = field(default_factory=lambda: [20.0, 122.0, 46.0, 154.0])


@dataclass(frozen=True)
class FeedConfig:
    """The whole of ``feed.toml``."""

    feed: FeedSection
    agency: AgencySection
    day_types: dict[str, DayType]
    agency_jp: AgencyJpSection | None = None
    layout: dict[str, Any] = field(default_factory=dict)
    fares: FaresSection = field(default_factory=FaresSection)
    checks: ChecksSection = field(default_factory=ChecksSection)
    sheets: dict[str, str] = field(default_factory=dict)
    """``[sheets]``: sheet name -> route_id, for timetable sheets without a route cell."""
    workbooks: dict[str, str] = field(default_factory=dict)
    """``[workbooks]``: workbook file name (in ``timetables/``) -> route_id of all its sheets."""


@dataclass(frozen=True)
class Stop:
    """One pole (標柱) of the stop master. ``lat``/``lon`` are ``None`` when missing."""

    stop_id: str
    name: str
    name_kana: str
    name_en: str
    lat: float | None
    lon: float | None
    platform_code: str = ""
    parent_station: str = ""
    zone_id: str = ""
    location_type: str = ""
    location: Location = field(default_factory=Location, compare=False)
    bad_coordinates: bool = field(default=False, compare=False)
    """A coordinate cell held something that is not a number (already reported)."""


@dataclass(frozen=True)
class Route:
    """One route of the route master."""

    route_id: str
    short_name: str
    long_name: str
    long_name_kana: str
    long_name_en: str
    route_type: str = "3"
    color: str = ""
    text_color: str = ""
    fare_table: str = ""
    location: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class TripStop:
    """One stop of a trip: the name as written, the resolved ``stop_id`` ("" when unknown),
    arrival and departure in seconds after midnight, and where the time cell is."""

    name: str
    stop_id: str
    arrival: int
    departure: int
    index: int
    """1-based position of the stop row in the sheet's stop list (for pole hints)."""
    name_location: Location = field(default_factory=Location, compare=False)
    time_location: Location = field(default_factory=Location, compare=False)
    given_id: str = ""
    """The stop_id written in the sheet, if any."""


@dataclass(frozen=True)
class Trip:
    """One trip (one column of a timetable sheet)."""

    route_id: str
    day_type: str
    direction_id: str
    headsign: str
    note: str
    label: str
    stops: tuple[TripStop, ...]
    file: str
    sheet: str
    column: str
    sheet_index: int = 0
    """Position of the sheet in the folder's reading order (for stable trip ids)."""
    pattern_name: str = ""
    location: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class FareTable:
    """A fare triangle: ``keys`` (stop names, or stop_ids for ``fare_key = "stop_id"``), their
    optional zones, and ``fares[(i, j)]`` in yen from stop ``i`` to a later stop ``j`` (0-based)."""

    table_id: str
    names: tuple[str, ...]
    keys: tuple[str, ...]
    fares: dict[tuple[int, int], int]
    file: str
    location: Location = field(default_factory=Location, compare=False)


@dataclass(frozen=True)
class Source:
    """A source folder read into memory, with every notice found while reading it."""

    config: FeedConfig
    stops: tuple[Stop, ...]
    routes: tuple[Route, ...]
    trips: tuple[Trip, ...]
    fare_tables: tuple[FareTable, ...]
    notices: tuple[Notice, ...]
    profile: LayoutProfile = field(default_factory=LayoutProfile)
