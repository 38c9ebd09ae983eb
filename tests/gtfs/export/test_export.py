"""Feed -> source folder export, and the round trips export -> build (-> export -> build)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gtfs.factory import df, weekday_calendar
from transit.cli import main
from transit.core.gtfstime import format_cell_time, format_time
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.export.daytypes import infer_day_type
from transit.gtfs.export.folder import export_feed
from transit.gtfs.export.plan import plan_export
from transit.gtfs.export.roundtrip import compare_round_trip
from transit.gtfs.feedio import Feed, read_feed, write_feed
from transit.gtfs.source.daytypes import is_holiday, is_new_year_break
from transit.gtfs.source.read import read_config, read_source


def tiny_feed() -> Feed:
    """3 stops, 1 route with fares by zone, 2 weekday trips (T1 waits 1 min at S2), feed_info."""
    return Feed(
        {
            "agency": df(
                [
                    ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"],
                    [
                        "4000020452033",
                        "延岡市",
                        "https://www.city.nobeoka.miyazaki.jp/",
                        "Asia/Tokyo",
                        "ja",
                    ],
                ]
            ),
            "stops": df(
                [
                    ["stop_id", "stop_name", "stop_lat", "stop_lon", "zone_id", "platform_code"],
                    ["S1", "延岡駅", "32.5889", "131.6636", "Z1", "1"],
                    ["S2", "市役所前", "32.5822", "131.665", "Z2", ""],
                    ["S3", "本町", "32.5844", "131.669", "Z3", ""],
                ]
            ),
            "routes": df(
                [
                    [
                        "route_id",
                        "agency_id",
                        "route_short_name",
                        "route_long_name",
                        "route_type",
                        "route_color",
                    ],
                    ["R1", "4000020452033", "1", "延岡駅～本町線", "3", "0072B2"],
                ]
            ),
            "trips": df(
                [
                    ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"],
                    ["R1", "weekday", "T1", "本町", "0"],
                    ["R1", "weekday", "T2", "本町", "0"],
                ]
            ),
            "stop_times": df(
                [
                    ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
                    ["T1", "07:00:00", "07:00:00", "S1", "1"],
                    ["T1", "07:05:00", "07:06:00", "S2", "2"],
                    ["T1", "07:10:00", "07:10:00", "S3", "3"],
                    ["T2", "24:00:00", "24:00:00", "S1", "1"],
                    ["T2", "24:05:30", "24:05:30", "S2", "2"],
                    ["T2", "24:10:00", "24:10:00", "S3", "3"],
                ]
            ),
            "calendar": weekday_calendar("20260401", "20260630"),
            "calendar_dates": df(
                [
                    ["service_id", "date", "exception_type"],
                    ["weekday", "20260429", "2"],
                    ["weekday", "20260504", "2"],
                    ["weekday", "20260505", "2"],
                    ["weekday", "20260506", "2"],
                ]
            ),
            "fare_attributes": df(
                [
                    ["fare_id", "price", "currency_type", "payment_method", "transfers"],
                    ["F200", "200", "JPY", "0", "0"],
                    ["F300", "300", "JPY", "0", "0"],
                ]
            ),
            "fare_rules": df(
                [
                    ["fare_id", "route_id", "origin_id", "destination_id"],
                    ["F200", "R1", "Z1", "Z2"],
                    ["F200", "R1", "Z2", "Z1"],
                    ["F200", "R1", "Z2", "Z3"],
                    ["F200", "R1", "Z3", "Z2"],
                    ["F300", "R1", "Z1", "Z3"],
                    ["F300", "R1", "Z3", "Z1"],
                ]
            ),
            "feed_info": df(
                [
                    [
                        "feed_publisher_name",
                        "feed_publisher_url",
                        "feed_lang",
                        "feed_start_date",
                        "feed_end_date",
                        "feed_version",
                    ],
                    [
                        "延岡市",
                        "https://www.city.nobeoka.miyazaki.jp/",
                        "ja",
                        "20260401",
                        "20260630",
                        "2026-04-01",
                    ],
                ]
            ),
        }
    )


def _sheet_rows(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_cell_times() -> None:
    """Times as staff write them: H:MM, seconds only when not zero, 24+ after midnight."""
    assert [format_cell_time(s) for s in (25_200, 25_530, 86_400 + 600)] == [
        "7:00",
        "7:05:30",
        "24:10",
    ]


def test_export_writes_the_documented_layout(tmp_path: Path) -> None:
    """feed.toml, stops.csv, routes.csv, one sheet (着/発 rows where times differ), one triangle."""
    draft = export_feed(tiny_feed(), tmp_path / "src")
    assert (draft.trips, draft.stop_times, len(draft.sheets), len(draft.fare_sheets)) == (
        2,
        6,
        1,
        1,
    )
    assert draft.losses == ()
    assert (tmp_path / "src" / "stops.csv").read_text("utf-8").splitlines()[:2] == [
        "stop_id,stop_name,stop_name_kana,stop_name_en,stop_lat,stop_lon,platform_code,parent_station,zone_id,location_type",
        "S1,延岡駅,,,32.5889,131.6636,1,,Z1,",
    ]
    sheets = _sheet_rows(tmp_path / "src" / "timetables" / "R1.xlsx")
    assert list(sheets) == ["1_1_0_weekday"]
    assert sheets["1_1_0_weekday"] == [
        ["系統", "R1", None, None, None],
        ["運行日", "weekday", None, None, None],
        ["方向", "0", None, None, None],
        ["行先", None, None, "本町", "本町"],
        ["備考", None, None, None, None],
        ["停留所", "停留所ID", "着発", "T1", "T2"],
        ["延岡駅", "S1", None, "7:00", "24:00"],
        ["市役所前", "S2", "着", "7:05", "24:05:30"],
        ["市役所前", "S2", "発", "7:06", "24:05:30"],
        ["本町", "S3", None, "7:10", "24:10"],
    ]
    fares = _sheet_rows(tmp_path / "src" / "fares" / "fares.xlsx")
    assert fares["fare_R1"] == [
        ["運賃三角表 R1", None, None, None],
        ["延岡駅", "Z1", None, None],
        ["市役所前", "Z2", "200", None],
        ["本町", "Z3", "300", "200"],
    ]
    config = read_config(tmp_path / "src")
    assert config.feed.start_date == dt.date(2026, 4, 1)
    assert config.agency.id == "4000020452033"
    weekday = config.day_types["weekday"]
    assert (weekday.service_id, weekday.days, weekday.holidays, weekday.new_year_break) == (
        "weekday",
        ["mon", "tue", "wed", "thu", "fri"],
        "off",
        True,
    )


def test_round_trip_through_the_builder_is_lossless_and_stable(tmp_path: Path) -> None:
    """export -> build keeps every stop, trip and stop time; export -> build again is identical."""
    draft = export_feed(tiny_feed(), tmp_path / "src0")
    source = read_source(tmp_path / "src0")
    write_feed(build_tables(source), tmp_path / "f1.zip")
    f1 = read_feed(tmp_path / "f1.zip")
    rt = compare_round_trip(tiny_feed(), f1, id_map=draft.id_map)
    assert rt.as_dict() == {
        "stops_total": 3,
        "stops_kept": 3,
        "trips_total": 2,
        "trips_kept": 2,
        "stop_times_total": 6,
        "stop_times_kept": 6,
    }
    assert sorted(f1["fare_attributes"]["price"]) == ["200", "300"]
    export_feed(f1, tmp_path / "src1")
    write_feed(build_tables(read_source(tmp_path / "src1")), tmp_path / "f2.zip")
    assert (tmp_path / "f1.zip").read_bytes() == (tmp_path / "f2.zip").read_bytes()


def _dates(start: dt.date, end: dt.date, keep: object) -> set[dt.date]:
    out = set()
    d = start
    while d <= end:
        if keep(d):  # type: ignore[operator]
            out.add(d)
        d += dt.timedelta(days=1)
    return out


def test_infer_day_types() -> None:
    """Weekdays without holidays and New Year; weekends with holidays; holidays only."""
    start, end = dt.date(2026, 12, 1), dt.date(2027, 3, 31)
    weekday = _dates(
        start, end, lambda d: d.weekday() < 5 and not is_holiday(d) and not is_new_year_break(d)
    )
    w = infer_day_type(weekday, start=start, end=end)
    assert (w.days, w.holidays, w.new_year_break) == (
        ["mon", "tue", "wed", "thu", "fri"],
        "off",
        True,
    )
    weekend = _dates(start, end, lambda d: d.weekday() >= 5 or is_holiday(d))
    e = infer_day_type(weekend, start=start, end=end)
    assert (e.days, e.holidays, e.new_year_break) == (["sat", "sun"], "on", False)
    only = _dates(start, end, lambda d: is_holiday(d) and not is_new_year_break(d))
    o = infer_day_type(only, start=start, end=end)
    assert (o.days, o.holidays) == ([], "only")


def test_losses_are_counted() -> None:
    """Frequencies, pickup/drop-off types, blank times (interpolated), non-ASCII ids, shapes."""
    feed = tiny_feed()
    st = feed.stop_times.copy()
    st.loc[1, ["arrival_time", "departure_time"]] = ""
    st["pickup_type"] = ["0", "1", "0", "0", "0", "1"]
    trips = feed.trips.assign(service_id="平日")
    cal = feed.calendar.assign(service_id="平日")
    lossy = feed.replace(
        stop_times=st,
        trips=trips,
        calendar=cal,
        calendar_dates=feed.calendar_dates.assign(service_id="平日"),
        frequencies=df(
            [
                ["trip_id", "start_time", "end_time", "headway_secs"],
                ["T1", "07:00:00", "09:00:00", "600"],
            ]
        ),
        shapes=df(
            [
                ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"],
                ["A", "32.5", "131.6", "1"],
                ["A", "32.6", "131.6", "2"],
            ]
        ),
    )
    draft = plan_export(lossy)
    assert draft.loss_counts == {
        "pickup_drop_off_dropped": 2,
        "times_interpolated": 1,
        "frequencies_dropped": 1,
        "shapes_dropped": 2,
        "ids_normalized": 1,
    }
    assert draft.id_map["service"] == {"平日": "svc1"}
    rows = draft.sheets[0].rows
    assert rows[7][3] == "7:05"  # interpolated halfway between 7:00 and 7:10


def test_existing_output_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`transit gtfs export` refuses a non-empty folder (exit 2) unless --overwrite."""
    write_feed(tiny_feed(), tmp_path / "f.zip")
    out = tmp_path / "src"
    out.mkdir()
    (out / "keep.txt").write_text("x", "utf-8")
    assert main(["gtfs", "export", str(tmp_path / "f.zip"), "-o", str(out)]) == 2
    assert "src: output folder exists and is not empty" in capsys.readouterr().err
    assert (
        main(
            [
                "gtfs",
                "export",
                str(tmp_path / "f.zip"),
                "-o",
                str(out),
                "--overwrite",
                "--json",
                str(tmp_path / "e.json"),
            ]
        )
        == 0
    )
    assert not (out / "keep.txt").exists()
    assert json.loads((tmp_path / "e.json").read_text("utf-8"))["trips"] == 2


def test_sample_source_feed_source_feed_identical(sample: Path, tmp_path: Path) -> None:
    """The sample city: source -> feed -> source -> feed gives byte-identical feeds."""
    write_feed(build_tables(read_source(sample / "gtfs")), tmp_path / "f1.zip")
    f1 = read_feed(tmp_path / "f1.zip")
    draft = export_feed(f1, tmp_path / "src1")
    write_feed(build_tables(read_source(tmp_path / "src1")), tmp_path / "f2.zip")
    assert (tmp_path / "f1.zip").read_bytes() == (tmp_path / "f2.zip").read_bytes()
    assert compare_round_trip(f1, read_feed(tmp_path / "f2.zip"), id_map=draft.id_map).lossless


# measured: (stops kept/total, trips kept/total, stop_times kept/total); the large feeds
# (Muroran, Cairns) are measured by benchmarks/bench_gtfs_roundtrip.py instead (too slow here).
REAL_FEEDS = {
    "jp-kyotosangyo-shuttle": (2, 2, 301, 301, 602, 602),
    "jp-mlit-rinko-sample": (41, 41, 6, 6, 129, 129),
    "gtfskit-sample": (9, 9, 11, 11, 28, 28),
    "partridge-caltrain-2017": (64, 64, 188, 188, 2697, 2697),
}


@pytest.mark.parametrize("name", sorted(REAL_FEEDS))
def test_real_feed_round_trip(external: Path, tmp_path: Path, name: str) -> None:
    """Real feeds: export -> build keeps every served stop, trip and stop time, and a second
    export -> build gives the same bytes."""
    original = read_feed(external / "gtfs" / name)
    draft = export_feed(original, tmp_path / "src0")
    write_feed(build_tables(read_source(tmp_path / "src0")), tmp_path / "f1.zip")
    f1 = read_feed(tmp_path / "f1.zip")
    rt = compare_round_trip(original, f1, id_map=draft.id_map)
    s, st_, t, tt, m, mt = REAL_FEEDS[name]
    assert tuple(rt.as_dict().values()) == (st_, s, tt, t, mt, m)
    export_feed(f1, tmp_path / "src1")
    write_feed(build_tables(read_source(tmp_path / "src1")), tmp_path / "f2.zip")
    assert (tmp_path / "f1.zip").read_bytes() == (tmp_path / "f2.zip").read_bytes()


@st.composite
def random_feeds(draw: st.DrawFn) -> Feed:
    """Small random feeds: 2-6 stops, 1-2 routes, trips on contiguous stop runs (either way),
    weekday/weekend, times with dwells (arrival ≠ departure), seconds and past-midnight hours."""
    n = draw(st.integers(2, 6))
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    stops += [
        [f"S{i}", f"停留所{i}", f"{32.55 + i * 0.004:.4f}", f"{131.62 + i * 0.003:.4f}"]
        for i in range(n)
    ]
    n_routes = draw(st.integers(1, 2))
    routes = [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
    routes += [[f"R{r}", "A", str(r + 1), f"{r + 1}号線", "3"] for r in range(n_routes)]
    trips = [["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"]]
    st_rows = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    starts: set[tuple[int, str, int]] = set()
    for k in range(draw(st.integers(1, 6))):
        route = draw(st.integers(0, n_routes - 1))
        service = draw(st.sampled_from(["weekday", "weekend"]))
        start_min = draw(st.integers(300, 1560))
        if (route, service, start_min) in starts:
            continue
        starts.add((route, service, start_min))
        lo = draw(st.integers(0, n - 2))
        hi = draw(st.integers(lo + 1, n - 1))
        seq = list(range(lo, hi + 1))
        direction = draw(st.sampled_from(["0", "1"]))
        if direction == "1":
            seq.reverse()
        trips.append([f"R{route}", service, f"T{k}", "", direction])
        t = start_min * 60 + draw(st.sampled_from([0, 30]))
        for pos, s in enumerate(seq, 1):
            dwell = draw(st.sampled_from([0, 0, 60])) if 1 < pos < len(seq) else 0
            st_rows.append(
                [f"T{k}", format_time(t), format_time(t + dwell), f"S{s}", str(pos * 10)]
            )
            t += dwell + draw(st.integers(1, 15)) * 60
    cal = [
        [
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ]
    ]
    cal += [
        ["weekday", "1", "1", "1", "1", "1", "0", "0", "20260401", "20260630"],
        ["weekend", "0", "0", "0", "0", "0", "1", "1", "20260401", "20260630"],
    ]
    return Feed(
        {
            "agency": df(
                [
                    ["agency_id", "agency_name", "agency_url", "agency_timezone"],
                    ["A", "延岡市", "https://x.jp/", "Asia/Tokyo"],
                ]
            ),
            "stops": df(stops),
            "routes": df(routes),
            "trips": df(trips),
            "stop_times": df(st_rows),
            "calendar": df(cal),
        }
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(feed=random_feeds())
def test_random_feeds_round_trip_losslessly(
    feed: Feed, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """feed -> sheets -> feed keeps every trip and stop time; sheets -> feed -> sheets -> feed is stable."""
    tmp = tmp_path_factory.mktemp("rt")
    draft = export_feed(feed, tmp / "src0")
    write_feed(build_tables(read_source(tmp / "src0")), tmp / "f1.zip")
    f1 = read_feed(tmp / "f1.zip")
    rt = compare_round_trip(feed, f1, id_map=draft.id_map)
    assert (rt.trips_kept, rt.stop_times_kept) == (rt.trips_total, rt.stop_times_total)
    assert rt.stops_kept == rt.stops_total
    export_feed(f1, tmp / "src1")
    write_feed(build_tables(read_source(tmp / "src1")), tmp / "f2.zip")
    assert (tmp / "f1.zip").read_bytes() == (tmp / "f2.zip").read_bytes()
