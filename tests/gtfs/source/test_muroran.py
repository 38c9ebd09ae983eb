"""The Muroran operator's raw workbooks (道南バス 2017) against the reference feed built from them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from transit.core.notices import Notice, Severity
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.check import check_source
from transit.gtfs.source.model import Source
from transit.gtfs.source.muroran import REFERENCE, compare_with_reference, write_muroran_source
from transit.gtfs.source.read import read_source

pytestmark = pytest.mark.external


@pytest.fixture(scope="module")
def city_lines(
    external: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Source, list[Notice]]:
    """The 78 city-line sheets read with the muroran profile and the reference feed's stops."""
    folder = tmp_path_factory.mktemp("muroran")
    reference = write_muroran_source(folder, external)
    source = read_source(folder, stops_from=reference)
    return source, check_source(source)


def test_city_lines_have_the_reference_trip_counts_and_no_errors(
    city_lines: tuple[Source, list[Notice]],
) -> None:
    source, notices = city_lines
    assert [str(n) for n in notices if n.severity is Severity.ERROR] == []
    assert [n for n in notices if n.code == "unknown_stop"] == []
    tables = build_tables(source)
    assert Counter(tables["trips"]["service_id"]) == {"weekday": 388, "weekend": 318}
    assert len(tables["stop_times"]) == 26408
    assert len(tables["routes"]) == 78
    assert len(tables["fare_attributes"]) > 0 and len(tables["fare_rules"]) > 0
    matched = next(n for n in notices if n.code == "stops_from_feed")
    assert matched.message.endswith("243 of 243 stop names in the timetables matched")


def test_city_lines_agree_with_the_reference_feed(
    city_lines: tuple[Source, list[Notice]], external: Path
) -> None:
    source, _ = city_lines
    reference = read_feed(external / REFERENCE)
    result = compare_with_reference(build_tables(source), dict(reference.tables))
    assert result["reference_trips"] == result["built_trips"] == result["matched_trips"] == 706
    assert result["reference_stop_times"] == result["agreeing_stop_times"] == 26408
    assert result["reference_agreement_pct"] == 100.0
    # poles too; route 130400 (no fare triangle) gets its poles from neighbouring routes
    assert result["same_pole_pct"] == 100.0


def test_full_workbooks_go_through_check(external: Path, tmp_path: Path) -> None:
    reference = write_muroran_source(tmp_path, external, city_lines_only=False)
    source = read_source(tmp_path, stops_from=reference, all_sheets=True)
    notices = check_source(source)
    assert Counter(t.day_type for t in source.trips) == {"平日": 1379, "土日祝": 1158}
    assert len({ts.name for t in source.trips for ts in t.stops}) == 1235
    unknown = [n for n in notices if n.code == "unknown_stop"]
    assert len(unknown) == 1235 - 243  # every name without a position, once
    assert all(n.location.cell and n.location.sheet for n in unknown)
