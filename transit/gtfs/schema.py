"""One declarative description of the GTFS + GTFS-JP v3 tables the project reads and writes.

Readers, writers and generic checks all derive from :data:`TABLES`: each :class:`Table` lists its
columns in the canonical order (the order :func:`transit.gtfs.feedio.write_feed` writes), each
column's kind (how its text is parsed and sorted), whether it is required, the table's primary key
and its foreign keys.

Sources: the GTFS reference (gtfs.org/schedule/reference) and 国土交通省「標準的なバス情報フォーマット」
第3版 (GTFS-JP v3: ``agency_jp``, ``office_jp``, ``pattern_jp`` and the ``jp_*`` trip columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

#: How a column's text is interpreted. ``int``/``float`` columns sort numerically; ``date`` is
#: ``YYYYMMDD``; ``time`` is ``H:MM:SS`` (may exceed 24:00:00); ``color`` is 6 hex digits.
Kind = Literal["id", "text", "int", "float", "date", "time", "color", "url", "enum"]


@dataclass(frozen=True)
class Column:
    """One column: ``name``, ``kind``, ``required`` (must be present and non-empty)."""

    name: str
    kind: Kind = "text"
    required: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """``columns`` of this table refer to ``ref_columns`` of ``ref_table`` (empty values allowed)."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One GTFS file: ``name`` (without ``.txt``), ``columns`` (canonical order), ``primary_key``,
    ``foreign_keys``, and ``required`` (the file must be present in a GTFS-JP feed)."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    required: bool = False

    @property
    def filename(self) -> str:
        """The file name inside a feed, e.g. ``stops.txt``."""
        return f"{self.name}.txt"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Names of the columns that must be present (and non-empty)."""
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column | None:
        """The column called ``name``, or ``None`` when the schema does not know it."""
        for col in self.columns:
            if col.name == name:
                return col
        return None

    def kind(self, name: str) -> Kind:
        """The kind of column ``name`` (``"text"`` for columns the schema does not know)."""
        col = self.column(name)
        return col.kind if col is not None else "text"


def _c(name: str, kind: Kind = "text", required: bool = False) -> Column:
    return Column(name, kind, required)


def _fk(cols: str, table: str, ref: str | None = None) -> ForeignKey:
    names = tuple(cols.split(","))
    return ForeignKey(names, table, tuple(ref.split(",")) if ref else names)


_TABLE_LIST: tuple[Table, ...] = (
    Table(
        "agency",
        (
            _c("agency_id", "id", True),
            _c("agency_name", "text", True),
            _c("agency_url", "url", True),
            _c("agency_timezone", "text", True),
            _c("agency_lang", "text"),
            _c("agency_phone", "text"),
            _c("agency_fare_url", "url"),
            _c("agency_email", "text"),
        ),
        primary_key=("agency_id",),
        required=True,
    ),
    Table(
        "agency_jp",
        (
            _c("agency_id", "id", True),
            _c("agency_official_name", "text"),
            _c("agency_zip_number", "text"),
            _c("agency_address", "text"),
            _c("agency_president_pos", "text"),
            _c("agency_president_name", "text"),
        ),
        primary_key=("agency_id",),
        foreign_keys=(_fk("agency_id", "agency"),),
    ),
    Table(
        "stops",
        (
            _c("stop_id", "id", True),
            _c("stop_code", "text"),
            _c("stop_name", "text", True),
            _c("stop_desc", "text"),
            _c("stop_lat", "float", True),
            _c("stop_lon", "float", True),
            _c("zone_id", "id"),
            _c("stop_url", "url"),
            _c("location_type", "enum"),
            _c("parent_station", "id"),
            _c("stop_timezone", "text"),
            _c("wheelchair_boarding", "enum"),
            _c("platform_code", "text"),
        ),
        primary_key=("stop_id",),
        foreign_keys=(_fk("parent_station", "stops", "stop_id"),),
        required=True,
    ),
    Table(
        "routes",
        (
            _c("route_id", "id", True),
            _c("agency_id", "id", True),
            _c("route_short_name", "text"),
            _c("route_long_name", "text"),
            _c("route_desc", "text"),
            _c("route_type", "enum", True),
            _c("route_url", "url"),
            _c("route_color", "color"),
            _c("route_text_color", "color"),
            _c("route_sort_order", "int"),
            _c("jp_parent_route_id", "id"),
        ),
        primary_key=("route_id",),
        foreign_keys=(_fk("agency_id", "agency"),),
        required=True,
    ),
    Table(
        "trips",
        (
            _c("route_id", "id", True),
            _c("service_id", "id", True),
            _c("trip_id", "id", True),
            _c("trip_headsign", "text"),
            _c("trip_short_name", "text"),
            _c("direction_id", "enum"),
            _c("block_id", "id"),
            _c("shape_id", "id"),
            _c("wheelchair_accessible", "enum"),
            _c("bikes_allowed", "enum"),
            _c("jp_trip_desc", "text"),
            _c("jp_trip_desc_symbol", "text"),
            _c("jp_office_id", "id"),
            _c("jp_pattern_id", "id"),
        ),
        primary_key=("trip_id",),
        foreign_keys=(
            _fk("route_id", "routes"),
            _fk("shape_id", "shapes"),
            _fk("jp_office_id", "office_jp", "office_id"),
            _fk("jp_pattern_id", "pattern_jp"),
        ),
        required=True,
    ),
    Table(
        "stop_times",
        (
            _c("trip_id", "id", True),
            _c("arrival_time", "time"),
            _c("departure_time", "time"),
            _c("stop_id", "id", True),
            _c("stop_sequence", "int", True),
            _c("stop_headsign", "text"),
            _c("pickup_type", "enum"),
            _c("drop_off_type", "enum"),
            _c("shape_dist_traveled", "float"),
            _c("timepoint", "enum"),
        ),
        primary_key=("trip_id", "stop_sequence"),
        foreign_keys=(_fk("trip_id", "trips"), _fk("stop_id", "stops")),
        required=True,
    ),
    Table(
        "calendar",
        (
            _c("service_id", "id", True),
            _c("monday", "enum", True),
            _c("tuesday", "enum", True),
            _c("wednesday", "enum", True),
            _c("thursday", "enum", True),
            _c("friday", "enum", True),
            _c("saturday", "enum", True),
            _c("sunday", "enum", True),
            _c("start_date", "date", True),
            _c("end_date", "date", True),
        ),
        primary_key=("service_id",),
    ),
    Table(
        "calendar_dates",
        (
            _c("service_id", "id", True),
            _c("date", "date", True),
            _c("exception_type", "enum", True),
        ),
        primary_key=("service_id", "date"),
    ),
    Table(
        "fare_attributes",
        (
            _c("fare_id", "id", True),
            _c("price", "float", True),
            _c("currency_type", "text", True),
            _c("payment_method", "enum", True),
            _c("transfers", "enum"),
            _c("agency_id", "id"),
            _c("transfer_duration", "int"),
        ),
        primary_key=("fare_id",),
        foreign_keys=(_fk("agency_id", "agency"),),
    ),
    Table(
        "fare_rules",
        (
            _c("fare_id", "id", True),
            _c("route_id", "id"),
            _c("origin_id", "id"),
            _c("destination_id", "id"),
            _c("contains_id", "id"),
        ),
        primary_key=("fare_id", "route_id", "origin_id", "destination_id", "contains_id"),
        foreign_keys=(
            _fk("fare_id", "fare_attributes"),
            _fk("route_id", "routes"),
            _fk("origin_id", "stops", "zone_id"),
            _fk("destination_id", "stops", "zone_id"),
            _fk("contains_id", "stops", "zone_id"),
        ),
    ),
    Table(
        "shapes",
        (
            _c("shape_id", "id", True),
            _c("shape_pt_lat", "float", True),
            _c("shape_pt_lon", "float", True),
            _c("shape_pt_sequence", "int", True),
            _c("shape_dist_traveled", "float"),
        ),
        primary_key=("shape_id", "shape_pt_sequence"),
    ),
    Table(
        "frequencies",
        (
            _c("trip_id", "id", True),
            _c("start_time", "time", True),
            _c("end_time", "time", True),
            _c("headway_secs", "int", True),
            _c("exact_times", "enum"),
        ),
        primary_key=("trip_id", "start_time"),
        foreign_keys=(_fk("trip_id", "trips"),),
    ),
    Table(
        "feed_info",
        (
            _c("feed_publisher_name", "text", True),
            _c("feed_publisher_url", "url", True),
            _c("feed_lang", "text", True),
            _c("default_lang", "text"),
            _c("feed_start_date", "date"),
            _c("feed_end_date", "date"),
            _c("feed_version", "text"),
            _c("feed_contact_email", "text"),
            _c("feed_contact_url", "url"),
        ),
        required=True,
    ),
    Table(
        "translations",
        (
            _c("table_name", "enum", True),
            _c("field_name", "text", True),
            _c("language", "text", True),
            _c("translation", "text", True),
            _c("record_id", "id"),
            _c("record_sub_id", "id"),
            _c("field_value", "text"),
        ),
        primary_key=(
            "table_name",
            "field_name",
            "language",
            "record_id",
            "record_sub_id",
            "field_value",
        ),
    ),
    Table(
        "office_jp",
        (
            _c("office_id", "id", True),
            _c("office_name", "text", True),
            _c("office_url", "url"),
            _c("office_phone", "text"),
        ),
        primary_key=("office_id",),
    ),
    Table(
        "pattern_jp",
        (
            _c("jp_pattern_id", "id", True),
            _c("route_update_date", "date"),
            _c("origin_stop", "text"),
            _c("via_stop", "text"),
            _c("destination_stop", "text"),
        ),
        primary_key=("jp_pattern_id",),
    ),
)

#: Every table the project knows, by name, in the canonical file order of a written feed.
TABLES: Mapping[str, Table] = {t.name: t for t in _TABLE_LIST}

#: The canonical order of files in a written feed (unknown files follow, sorted by name).
TABLE_ORDER: tuple[str, ...] = tuple(TABLES)

#: Files a GTFS-JP v3 feed must contain (``calendar`` or ``calendar_dates`` is checked apart).
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.required)


def table(name: str) -> Table | None:
    """The schema of table ``name`` (``"stops"`` or ``"stops.txt"``), or ``None`` if unknown."""
    return TABLES.get(name.removesuffix(".txt"))


def canonical_columns(name: str, present: list[str] | tuple[str, ...]) -> list[str]:
    """Order the ``present`` columns of table ``name``: schema order first, then extras sorted.

    Columns of the schema that are not present are not added.
    """
    known = table(name)
    schema_cols = known.column_names if known is not None else ()
    have = set(present)
    first = [c for c in schema_cols if c in have]
    extras = sorted(have.difference(schema_cols))
    return first + extras
