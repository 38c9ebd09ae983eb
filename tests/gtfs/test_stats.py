"""Service statistics per route and day (gtfs-kit) on the sample city's feed."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from transit.cli import main
from transit.core.errors import InputError
from transit.demo.gtfs import build_source
from transit.gtfs.stats import compute_service_stats, default_dates, read_feed_kit


@pytest.fixture(scope="module")
def sample_feed(tmp_path_factory: pytest.TempPathFactory, sample: Path) -> Path:
    """The sample city's feed, built without a road network (straight shapes)."""
    return build_source(sample / "gtfs", tmp_path_factory.mktemp("stats") / "feed.zip")


def test_sample_weekday_and_saturday(sample_feed: Path) -> None:
    kit = read_feed_kit(sample_feed)
    dates = default_dates(kit)
    assert dates == ["20260408", "20260411"]  # Wednesday and Saturday of the first week
    table = compute_service_stats(kit, dates)
    totals = table[table["route_id"] == "合計"].set_index("date")["num_trips"].to_dict()
    assert totals == {"20260408": 104, "20260411": 79}
    kitaura = table[(table["route_id"] == "kitaura") & (table["date"] == "20260408")].iloc[0]
    assert (kitaura["num_trips"], kitaura["first_departure"], kitaura["last_arrival"]) == (
        14,
        "06:05:00",
        "19:36:00",
    )
    late = table[(table["route_id"] == "south") & (table["date"] == "20260408")].iloc[0]
    assert late["last_arrival"] == "24:12:00"


def test_bad_date_is_input_error(sample_feed: Path) -> None:
    with pytest.raises(InputError, match="'2026-04-08' is not a date"):
        compute_service_stats(read_feed_kit(sample_feed), ["2026-04-08"])


def test_cli_writes_japanese_workbook(sample_feed: Path, tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    assert main(["gtfs", "stats", str(sample_feed), "--date", "20260408", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["系統別運行実績"]
    assert [c.value for c in sheet[1]][:5] == ["日付", "路線ID", "系統番号", "路線名", "運行本数"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [
        "kitagawa",
        "kitakata",
        "kitaura",
        "loop",
        "mukabaki",
        "south",
        "合計",
    ]
    assert rows[-1][4] == 104
