"""Source folder -> GTFS-JP tables and zip: content, determinism, calendar, fares, CLI."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gtfs.factory import INBOUND, OUTBOUND, make_source
from transit.cli import main
from transit.core.gtfstime import format_hmm, format_time
from transit.gtfs.builder.calendar import build_calendar
from transit.gtfs.builder.tables import build_tables, write_tables
from transit.gtfs.export.folder import export_feed
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.check import check_source
from transit.gtfs.source.daytypes import runs_on, service_days
from transit.gtfs.source.model import DayType
from transit.gtfs.source.read import read_source
from transit.gtfs.validate import validate_feed


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """The tiny valid source folder of tests/gtfs/factory.py."""
    return make_source(tmp_path / "src")


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [dict(r) for r in df.to_dict("records")]


def test_tiny_source_reads_without_problems(tiny: Path) -> None:
    source = read_source(tiny)
    assert [n.code for n in check_source(source)] == ["time_rollover"]
    assert len(source.trips) == 3
    assert [len(t.stops) for t in source.trips] == [4, 3, 4]


def test_stop_times_pair_arrival_and_departure_rows_and_skip_pass_marks(tiny: Path) -> None:
    tables = build_tables(read_source(tiny))
    st_ = tables["stop_times"]
    first = st_[st_["trip_id"] == "R1_weekday_1"]
    assert first[
        ["stop_id", "arrival_time", "departure_time", "stop_sequence", "timepoint"]
    ].values.tolist() == [
        ["S001_1", "07:00:00", "07:00:00", "1", "1"],
        ["S002_1", "07:05:00", "07:05:00", "2", "1"],
        ["S003_1", "07:10:00", "07:12:00", "3", "1"],
        ["S004_1", "07:45:00", "07:45:00", "4", "1"],
    ]
    second = st_[st_["trip_id"] == "R1_weekday_2"]
    assert second["stop_id"].tolist() == ["S001_1", "S003_1", "S004_1"]  # ↓ at 市役所前
    night = st_[st_["trip_id"] == "R1_weekend_1"]
    assert night["departure_time"].tolist() == ["23:30:00", "23:59:00", "24:03:00", "24:08:00"]
    assert night["stop_id"].tolist()[-1] == "S001_2"  # the pole written in column B


def test_trips_routes_stops_and_translations(tiny: Path) -> None:
    tables = build_tables(read_source(tiny))
    assert _rows(tables["trips"]) == [
        {
            "route_id": "R1",
            "service_id": "weekday",
            "trip_id": "R1_weekday_1",
            "trip_headsign": "北浦総合支所",
            "direction_id": "0",
            "shape_id": "R1_p1",
            "jp_pattern_id": "R1_p1",
        },
        {
            "route_id": "R1",
            "service_id": "weekday",
            "trip_id": "R1_weekday_2",
            "trip_headsign": "北浦総合支所",
            "direction_id": "0",
            "shape_id": "R1_p2",
            "jp_pattern_id": "R1_p2",
        },
        {
            "route_id": "R1",
            "service_id": "weekend",
            "trip_id": "R1_weekend_1",
            "trip_headsign": "延岡駅",
            "direction_id": "1",
            "shape_id": "R1_p3",
            "jp_pattern_id": "R1_p3",
        },
    ]
    stops = tables["stops"].set_index("stop_id")
    assert stops.loc["S001_2", "platform_code"] == "2"
    assert stops.loc["S001_2", "zone_id"] == "S001_1"  # the poles of one name share a zone
    tr = tables["translations"]
    assert len(tr) == 2 * (5 + 1 + 2)  # 5 stops, 1 route, 2 headsigns
    assert set(tr["language"]) == {"ja-Hrkt", "en"}
    kana = tr[(tr["record_id"] == "S004_1") & (tr["language"] == "ja-Hrkt")]["translation"]
    assert kana.tolist() == ["きたうらそうごうししょ"]
    assert tables["routes"]["route_color"].tolist() == ["0066CC"]
    assert all(v.isascii() for col in ("stop_id", "zone_id") for v in tables["stops"][col])
    assert all(v.isascii() for v in tables["trips"]["trip_id"])


def test_fares_from_the_triangle(tiny: Path) -> None:
    tables = build_tables(read_source(tiny))
    assert tables["fare_attributes"][["fare_id", "price"]].values.tolist() == [
        ["fare_150", "150"],
        ["fare_450", "450"],
        ["fare_500", "500"],
    ]
    rules = {
        (o, d): f
        for f, o, d in tables["fare_rules"][["fare_id", "origin_id", "destination_id"]].values
    }
    assert len(rules) == 12  # 4 zones, both directions
    assert rules[("S001_1", "S004_1")] == rules[("S004_1", "S001_1")] == "fare_500"
    assert rules[("S002_1", "S004_1")] == "fare_450"


def test_feed_info_and_calendar(tiny: Path) -> None:
    tables = build_tables(read_source(tiny))
    info = _rows(tables["feed_info"])[0]
    assert (info["feed_start_date"], info["feed_end_date"], info["feed_lang"]) == (
        "20260401",
        "20270331",
        "ja",
    )
    cal = tables["calendar"].set_index("service_id")
    assert cal.loc["weekday", ["monday", "friday", "saturday"]].tolist() == ["1", "1", "0"]
    dates = tables["calendar_dates"]
    weekday_off = dates[(dates["service_id"] == "weekday") & (dates["exception_type"] == "2")][
        "date"
    ].tolist()
    assert "20260429" in weekday_off  # 昭和の日
    assert "20261229" in weekday_off and "20261231" in weekday_off  # New-Year break
    assert len(weekday_off) == 20
    weekend_on = dates[(dates["service_id"] == "weekend") & (dates["exception_type"] == "1")][
        "date"
    ].tolist()
    assert "20260504" in weekend_on and "20270111" in weekend_on  # holidays on a weekday
    assert "20270101" not in weekend_on  # 元日 is inside the New-Year break


def test_calendar_rules_for_holidays_only() -> None:
    only = DayType("holiday", [], holidays="only", new_year_break=False)
    assert runs_on(only, dt.date(2026, 5, 5))
    assert not runs_on(only, dt.date(2026, 5, 9))
    cal, dates = build_calendar({"祝日": only}, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 31))
    assert cal.iloc[0][["monday", "sunday"]].tolist() == ["0", "0"]
    assert dates["date"].tolist() == ["20260429", "20260503", "20260504", "20260505", "20260506"]
    assert service_days(only, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 31)) == 5


def test_output_is_byte_identical_for_the_same_input(tiny: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    write_tables(build_tables(read_source(tiny)), a)
    write_tables(build_tables(read_source(tiny)), b)
    assert a.read_bytes() == b.read_bytes()
    names = zipfile.ZipFile(io.BytesIO(a.read_bytes())).namelist()
    assert names == [
        "agency.txt",
        "stops.txt",
        "routes.txt",
        "trips.txt",
        "stop_times.txt",
        "calendar.txt",
        "calendar_dates.txt",
        "fare_attributes.txt",
        "fare_rules.txt",
        "shapes.txt",
        "feed_info.txt",
        "translations.txt",
        "pattern_jp.txt",
    ]


def test_cli_build_check_and_init(
    tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "feed.zip"
    assert main(["gtfs", "build", str(tiny), "-o", str(out)]) == 0
    assert out.is_file()
    assert "wrote" in capsys.readouterr().out
    assert main(["gtfs", "check", str(tiny)]) == 0
    fresh = tmp_path / "new"
    assert main(["gtfs", "init", str(fresh)]) == 0
    assert (fresh / "feed.toml").is_file() and (fresh / "timetables" / "timetable.xlsx").is_file()
    assert main(["gtfs", "init", str(fresh)]) == 1  # refuses to overwrite
    assert main(["gtfs", "check", str(fresh)]) == 2  # the empty template has no trips yet


def test_cli_force_writes_despite_errors(tmp_path: Path) -> None:
    rows = [list(r) for r in OUTBOUND]
    rows[7][3] = "7:65"
    src = make_source(
        tmp_path / "src", sheets={"R1_北浦行_平日": rows, "R1_延岡駅行_土日祝": INBOUND}
    )
    out = tmp_path / "feed.zip"
    assert main(["gtfs", "build", str(src), "-o", str(out)]) == 2
    assert not out.exists()
    assert main(["gtfs", "build", str(src), "-o", str(out), "--force"]) == 0
    with zipfile.ZipFile(out) as zf, zf.open("trips.txt") as fh:
        trips = pd.read_csv(fh, dtype=str)
    assert trips["trip_id"].tolist() == [
        "R1_weekday_1",
        "R1_weekend_1",
    ]  # the bad column is left out


def test_sample_city_builds(sample: Path, tmp_path: Path) -> None:
    src = sample / "gtfs"
    if not (src / "feed.toml").is_file():
        pytest.skip("data/sample/gtfs is not there yet")
    source = read_source(src)
    notices = check_source(source)
    assert [str(n) for n in notices if n.severity.name == "ERROR"] == []
    tables = build_tables(source)
    assert len(tables["trips"]) == len(source.trips)
    write_tables(tables, tmp_path / "sample.zip")


# ------------------------------------------------------------------ sheet -> feed round trip

STOP_NAMES = ["延岡駅", "市役所前", "本町"]
STOP_IDS = ["S001_1", None, None]


@st.composite
def timetables(draw: st.DrawFn) -> list[list[int | None]]:
    """Trips over 3 stops: first and last stop always served, increasing minutes."""
    starts = draw(
        st.lists(
            st.integers(min_value=5 * 60, max_value=23 * 60), min_size=1, max_size=5, unique=True
        )
    )
    trips = []
    for start in starts:
        t = start
        times: list[int | None] = []
        for i in range(len(STOP_NAMES)):
            t += draw(st.integers(min_value=0, max_value=20))
            served = i in (0, len(STOP_NAMES) - 1) or draw(st.booleans())
            times.append(t * 60 if served else None)
        trips.append(times)
    return trips


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(trips=timetables(), notation=st.sampled_from(["h:mm", "hmm", "full", "excel"]))
def test_sheet_to_feed_round_trip(
    tmp_path_factory: pytest.TempPathFactory, trips: list[list[int | None]], notation: str
) -> None:
    folder = tmp_path_factory.mktemp("rt")
    header: list[list[Any]] = [
        ["系統", "R1"],
        ["運行日", "平日"],
        ["方向", "0"],
        ["行先"],
        ["備考"],
        ["停留所", "停留所ID", "着発", *[str(i + 1) for i in range(len(trips))]],
    ]

    def cell(t: int | None) -> Any:
        if t is None:
            return "↓"
        if notation == "hmm":
            return f"{t // 3600}{t // 60 % 60:02d}"
        if notation == "full":
            return format_hmm(t).translate(str.maketrans("0123456789:", "０１２３４５６７８９："))
        if notation == "excel":
            return dt.timedelta(seconds=t) if t >= 86400 else dt.time(t // 3600, t // 60 % 60)
        return format_hmm(t)

    body = [
        [name, STOP_IDS[i], None, *[cell(tr[i]) for tr in trips]]
        for i, name in enumerate(STOP_NAMES)
    ]
    src = make_source(folder, sheets={"R1_平日": header + body})
    source = read_source(src)
    assert [n.code for n in check_source(source) if n.severity.name != "INFO"] == []
    st_ = build_tables(source)["stop_times"]
    got = sorted(g["departure_time"].tolist() for _, g in st_.groupby("trip_id"))
    assert got == sorted([format_time(t) for t in tr if t is not None] for tr in trips)
    firsts = [g["departure_time"].iloc[0] for _, g in st_.groupby("trip_id", sort=False)]
    ids = sorted(set(st_["trip_id"]), key=lambda x: int(x.rsplit("_", 1)[1]))
    assert [st_[st_["trip_id"] == i]["departure_time"].iloc[0] for i in ids] == sorted(firsts)


@settings(max_examples=10, deadline=None)
@given(trips=timetables())
def test_sheet_to_feed_to_sheet_to_feed_is_byte_identical(trips: list[list[int | None]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        header: list[list[Any]] = [
            ["系統", "R1"],
            ["運行日", "平日"],
            ["方向", "0"],
            ["行先"],
            ["備考"],
            ["停留所", "停留所ID", "着発", *[str(i + 1) for i in range(len(trips))]],
        ]
        body = [
            [
                name,
                STOP_IDS[i],
                None,
                *[format_hmm(t[i]) if t[i] is not None else "↓" for t in trips],
            ]
            for i, name in enumerate(STOP_NAMES)
        ]
        src = make_source(folder / "src", sheets={"R1_平日": header + body})
        write_tables(build_tables(read_source(src)), folder / "f1.zip")
        export_feed(read_feed(folder / "f1.zip"), folder / "src2")
        again = read_source(folder / "src2")
        assert [str(n) for n in check_source(again) if n.severity.name != "INFO"] == []
        write_tables(build_tables(again), folder / "f2.zip")
        assert (folder / "f1.zip").read_bytes() == (folder / "f2.zip").read_bytes()


def test_sample_city_feed_passes_the_judge(sample: Path, tmp_path: Path) -> None:
    src = sample / "gtfs"
    if not (src / "feed.toml").is_file():
        pytest.skip("data/sample/gtfs is not there yet")
    out = tmp_path / "sample.zip"
    write_tables(build_tables(read_source(src)), out)
    report = validate_feed(out)
    assert report.errors == 0
    assert report.unexplained_warnings() == []


def test_headsigns_are_translated_by_value(tiny: Path) -> None:
    tr = build_tables(read_source(tiny))["translations"]
    heads = tr[tr["table_name"] == "trips"]
    assert heads[
        ["field_name", "language", "translation", "record_id", "field_value"]
    ].values.tolist() == [
        ["trip_headsign", "ja-Hrkt", "きたうらそうごうししょ", "", "北浦総合支所"],
        ["trip_headsign", "en", "Kitaura Branch Office", "", "北浦総合支所"],
        ["trip_headsign", "ja-Hrkt", "のべおかえき", "", "延岡駅"],
        ["trip_headsign", "en", "Nobeoka Station", "", "延岡駅"],
    ]


def test_reading_suggestions() -> None:
    from transit.gtfs.source.readings import suggest_english, suggest_reading

    assert suggest_reading("延岡駅") == "のべおかえき"
    assert suggest_english("延岡駅") == "Nobeoka Eki"
    assert suggest_english("市内循環（右回り）") == "Shinaijunkan (Migimawari)"
