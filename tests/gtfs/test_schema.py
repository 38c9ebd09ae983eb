"""The GTFS / GTFS-JP schema: consistent keys, canonical column order, GTFS-JP v3 tables."""

from __future__ import annotations

from transit.gtfs.schema import REQUIRED_TABLES, TABLE_ORDER, TABLES, canonical_columns, table


def test_keys_name_existing_columns() -> None:
    """Every primary-key and foreign-key column is a column of its table."""
    for t in TABLES.values():
        names = set(t.column_names)
        assert set(t.primary_key) <= names, t.name
        for fk in t.foreign_keys:
            assert set(fk.columns) <= names, (t.name, fk)
            ref = TABLES[fk.ref_table]
            assert set(fk.ref_columns) <= set(ref.column_names), (t.name, fk)
            assert len(fk.columns) == len(fk.ref_columns)


def test_no_duplicate_columns_and_required_first_file() -> None:
    """Column names are unique per table; the canonical file order starts with agency."""
    for t in TABLES.values():
        assert len(t.column_names) == len(set(t.column_names)), t.name
    assert TABLE_ORDER[:3] == ("agency", "agency_jp", "stops")


def test_required_tables() -> None:
    """The files a GTFS-JP feed must hold (calendar/calendar_dates are checked apart)."""
    assert REQUIRED_TABLES == ("agency", "stops", "routes", "trips", "stop_times", "feed_info")


def test_gtfs_jp_v3_tables_and_columns() -> None:
    """GTFS-JP v3: agency_jp, office_jp, pattern_jp and the jp_* trip columns."""
    assert {"agency_jp", "office_jp", "pattern_jp", "translations"} <= set(TABLES)
    trips = TABLES["trips"].column_names
    assert trips[-4:] == ("jp_trip_desc", "jp_trip_desc_symbol", "jp_office_id", "jp_pattern_id")
    assert TABLES["translations"].column_names == (
        "table_name",
        "field_name",
        "language",
        "translation",
        "record_id",
        "record_sub_id",
        "field_value",
    )
    assert TABLES["stop_times"].primary_key == ("trip_id", "stop_sequence")
    assert TABLES["stop_times"].kind("stop_sequence") == "int"
    assert TABLES["stops"].required_columns == ("stop_id", "stop_name", "stop_lat", "stop_lon")


def test_canonical_columns_schema_order_then_extras_sorted() -> None:
    """Known columns in schema order, unknown ones after them sorted; absent ones not added."""
    assert canonical_columns("stops", ["zz", "stop_name", "platform_code", "stop_id", "aa"]) == [
        "stop_id",
        "stop_name",
        "platform_code",
        "aa",
        "zz",
    ]
    assert canonical_columns("unknown_table", ["b", "a"]) == ["a", "b"]


def test_table_lookup() -> None:
    """``table`` accepts a name with or without .txt and returns None for unknown files."""
    assert table("stops.txt") is TABLES["stops"]
    assert table("stops") is TABLES["stops"]
    assert table("rider_categories") is None
    assert TABLES["stops"].filename == "stops.txt"
    assert TABLES["stops"].kind("no_such_column") == "text"
