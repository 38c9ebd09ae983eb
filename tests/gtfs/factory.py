"""Shared builders of the GTFS tests: a tiny valid source folder (4 stops, 1 route, 2 sheets)
written with openpyxl and ways to break it; tiny feeds (``tiny_common``, ``make_feed``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd

from transit.gtfs.feedio import Feed
from transit.gtfs.source.columns import ROUTES_CSV, STOPS_CSV, CsvFile

FEED_TOML = """\
[feed]
version = "2026-04-01"
start_date = 2026-04-01
end_date = 2027-03-31
publisher_name = "延岡市"
publisher_url = "https://www.city.nobeoka.miyazaki.jp/"

[agency]
id = "4000020452033"
name = "延岡市"
url = "https://www.city.nobeoka.miyazaki.jp/"

[day_types."平日"]
service_id = "weekday"
days = ["mon", "tue", "wed", "thu", "fri"]

[day_types."土日祝"]
service_id = "weekend"
days = ["sat", "sun"]
holidays = "on"
"""


def _master(spec: CsvFile, records: list[dict[str, str]]) -> list[list[str]]:
    """A master as CSV rows: the header of a new file (``spec.template``), then ``records``."""
    return [list(spec.template), *([str(v) for v in row] for row in spec.template_rows(records))]


def _stop(
    sid: str, name: str, kana: str, en: str, lat: str, lon: str, platform: str = ""
) -> dict[str, str]:
    return {
        "stop_id": sid,
        "stop_name": name,
        "stop_name_kana": kana,
        "stop_name_en": en,
        "stop_lat": lat,
        "stop_lon": lon,
        "platform_code": platform,
    }


STOPS = _master(
    STOPS_CSV,
    [
        _stop("S001_1", "延岡駅", "のべおかえき", "Nobeoka Station", "32.5889", "131.6636", "1"),
        _stop("S001_2", "延岡駅", "のべおかえき", "Nobeoka Station", "32.5890", "131.6639", "2"),
        _stop("S002_1", "市役所前", "しやくしょまえ", "City Hall", "32.5822", "131.6650"),
        _stop("S003_1", "本町", "ほんまち", "Honmachi", "32.5844", "131.6690"),
        _stop(
            "S004_1",
            "北浦総合支所",
            "きたうらそうごうししょ",
            "Kitaura Branch Office",
            "32.7130",
            "131.8120",
        ),
    ],
)
"""stops.csv: 5 poles (延岡駅 has two), columns of a new stop master."""

ROUTES = _master(
    ROUTES_CSV,
    [
        {
            "route_id": "R1",
            "route_short_name": "1",
            "route_long_name": "延岡駅～北浦線",
            "route_long_name_kana": "のべおかえき～きたうらせん",
            "route_long_name_en": "Nobeoka Station - Kitaura Line",
            "route_color": "0066CC",
            "fare_table": "R1",
        }
    ],
)
"""routes.csv: route R1 with fare table R1 (``fare_table`` is the last column)."""

# Sheet "R1_北浦行_平日": rows 1-6 header, stops from row 7, trips in D and E.
OUTBOUND: list[list[Any]] = [
    ["系統", "R1"],
    ["運行日", "平日"],
    ["方向", "0"],
    ["行先", None, None, "北浦総合支所", None],
    ["備考", None, None, None, None],
    ["停留所", "停留所ID", "着発", "1", "2"],
    ["延岡駅", "S001_1", None, "7:00", "8:30"],
    ["市役所前", None, None, "7:05", "↓"],
    ["本町", None, "着", "7:10", "8:40"],
    ["本町", None, "発", "7:12", "8:41"],
    ["北浦総合支所", None, None, "7:45", "9:15"],
]

INBOUND: list[list[Any]] = [
    ["系統", "R1"],
    ["運行日", "土日祝"],
    ["方向", "1"],
    ["行先", None, None, None],
    ["備考", None, None, None],
    ["停留所", "停留所ID", "着発", "1"],
    ["北浦総合支所", None, None, "23:30"],
    ["本町", None, None, "23:59"],
    ["市役所前", None, None, "0:03"],
    ["延岡駅", "S001_2", None, "0:08"],
]

FARES = [
    ["運賃三角表 1号線"],
    ["延岡駅", None],
    ["市役所前", None, 150],
    ["本町", None, 150, 150],
    ["北浦総合支所", None, 500, 450, 450],
]


def _csv(rows: list[list[str]]) -> str:
    return "".join(",".join(r) + "\n" for r in rows)


def write_sheet(ws: Any, rows: list[list[Any]]) -> None:
    """Write ``rows`` into an openpyxl worksheet from A1."""
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)


def make_source(
    folder: Path,
    *,
    feed_toml: str = FEED_TOML,
    stops: list[list[str]] | None = None,
    routes: list[list[str]] | None = None,
    sheets: dict[str, list[list[Any]]] | None = None,
    fares: list[list[Any]] | None = None,
    edit: Callable[[openpyxl.Workbook], None] | None = None,
) -> Path:
    """Write the tiny source folder into ``folder`` (changed parts given as arguments)."""
    (folder / "timetables").mkdir(parents=True, exist_ok=True)
    (folder / "fares").mkdir(parents=True, exist_ok=True)
    (folder / "feed.toml").write_text(feed_toml, encoding="utf-8")
    (folder / "stops.csv").write_text(_csv(stops if stops is not None else STOPS), encoding="utf-8")
    (folder / "routes.csv").write_text(
        _csv(routes if routes is not None else ROUTES), encoding="utf-8"
    )
    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in (
        sheets
        if sheets is not None
        else {"R1_北浦行_平日": OUTBOUND, "R1_延岡駅行_土日祝": INBOUND}
    ).items():
        write_sheet(wb.create_sheet(name), rows)
    if edit is not None:
        edit(wb)
    wb.save(folder / "timetables" / "R1.xlsx")
    fb = openpyxl.Workbook()
    ws = fb.active
    assert ws is not None
    ws.title = "R1"
    write_sheet(ws, fares if fares is not None else FARES)
    fb.save(folder / "fares" / "fares.xlsx")
    return folder


def df(rows: list[list[str]]) -> pd.DataFrame:
    """A string DataFrame from a header row and body rows."""
    head, *body = rows
    return pd.DataFrame(body, columns=head, dtype=str)


def tiny_common() -> dict[str, pd.DataFrame]:
    """Agency (延岡市), 3 stops (S1 延岡駅, S2 市役所前, S3 本町) and route R1 of the tiny test feeds."""
    return {
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
                ["stop_id", "stop_name", "stop_lat", "stop_lon"],
                ["S1", "延岡駅", "32.5889", "131.6636"],
                ["S2", "市役所前", "32.5822", "131.6650"],
                ["S3", "本町", "32.5844", "131.6690"],
            ]
        ),
        "routes": df(
            [
                ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
                ["R1", "4000020452033", "1", "延岡駅～本町線", "3"],
            ]
        ),
    }


def weekday_calendar(start: str, end: str) -> pd.DataFrame:
    """calendar.txt with one service ``weekday`` (Monday–Friday) from ``start`` to ``end``."""
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return df(
        [
            ["service_id", *days, "start_date", "end_date"],
            ["weekday", "1", "1", "1", "1", "1", "0", "0", start, end],
        ]
    )


def one_trip_tables(
    *,
    start: str = "20260401",
    end: str = "20260630",
    version: str = "2026-04-01",
    last_stop: str = "S3",
) -> dict[str, pd.DataFrame]:
    """:func:`tiny_common` plus weekday trip T1 (S1 7:00, S2 7:05, ``last_stop`` 7:10, every one a
    timepoint), a weekday calendar and feed_info for ``start``–``end`` (the judge finds no error
    in it unless ``last_stop`` is not a stop)."""
    return {
        **tiny_common(),
        "trips": df([["route_id", "service_id", "trip_id"], ["R1", "weekday", "T1"]]),
        "stop_times": df(
            [
                [
                    "trip_id",
                    "arrival_time",
                    "departure_time",
                    "stop_id",
                    "stop_sequence",
                    "timepoint",
                ],
                ["T1", "07:00:00", "07:00:00", "S1", "1", "1"],
                ["T1", "07:05:00", "07:05:00", "S2", "2", "1"],
                ["T1", "07:10:00", "07:10:00", last_stop, "3", "1"],
            ]
        ),
        "calendar": weekday_calendar(start, end),
        "feed_info": df(
            [
                [
                    "feed_publisher_name",
                    "feed_publisher_url",
                    "feed_lang",
                    "feed_start_date",
                    "feed_end_date",
                    "feed_version",
                    "feed_contact_email",
                ],
                [
                    "延岡市",
                    "https://www.city.nobeoka.miyazaki.jp/",
                    "ja",
                    start,
                    end,
                    version,
                    "bus@example.jp",
                ],
            ]
        ),
    }


def make_feed(
    *,
    start: str = "20260401",
    end: str = "20260630",
    s2_lat: str = "32.5822",
    t2_times: tuple[str, str, str] = ("08:00:00", "08:05:00", "08:10:00"),
    route_name: str = "延岡駅～本町線",
    fare: str = "200",
    extra_trip: bool = False,
    removed_dates: tuple[str, ...] = (),
    with_info: bool = True,
) -> Feed:
    """A small feed: 3 stops, 1 route, weekday trips T1, T2 (and T3 on a shorter pattern)."""
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon", "zone_id"]]
    stops += [
        ["S1", "延岡駅", "32.5889", "131.6636", "Z1"],
        ["S2", "市役所前", s2_lat, "131.6650", "Z2"],
    ]
    stops += [["S3", "本町", "32.5844", "131.6690", "Z3"]]
    trips = [
        ["route_id", "service_id", "trip_id"],
        ["R1", "weekday", "T1"],
        ["R1", "weekday", "T2"],
    ]
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    st += [
        ["T1", t, t, s, str(i)]
        for i, (s, t) in enumerate(
            zip(("S1", "S2", "S3"), ("07:00:00", "07:05:00", "07:10:00"), strict=True), 1
        )
    ]
    st += [
        ["T2", t, t, s, str(i)]
        for i, (s, t) in enumerate(zip(("S1", "S2", "S3"), t2_times, strict=True), 1)
    ]
    if extra_trip:
        trips.append(["R1", "weekday", "T3"])
        st += [["T3", "09:00:00", "09:00:00", "S1", "1"], ["T3", "09:10:00", "09:10:00", "S3", "2"]]
    tables = {
        "agency": df(
            [
                ["agency_id", "agency_name", "agency_url", "agency_timezone"],
                ["A", "延岡市", "https://x.jp/", "Asia/Tokyo"],
            ]
        ),
        "stops": df(stops),
        "routes": df(
            [
                ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
                ["R1", "A", "1", route_name, "3"],
            ]
        ),
        "trips": df(trips),
        "stop_times": df(st),
        "calendar": weekday_calendar(start, end),
        "calendar_dates": df(
            [
                ["service_id", "date", "exception_type"],
                *[["weekday", d, "2"] for d in removed_dates],
            ]
        ),
        "fare_attributes": df(
            [["fare_id", "price", "currency_type", "payment_method"], ["F", fare, "JPY", "0"]]
        ),
        "fare_rules": df(
            [["fare_id", "route_id", "origin_id", "destination_id"], ["F", "R1", "Z1", "Z3"]]
        ),
    }
    if with_info:
        tables["feed_info"] = df(
            [
                [
                    "feed_publisher_name",
                    "feed_publisher_url",
                    "feed_lang",
                    "feed_start_date",
                    "feed_end_date",
                ],
                ["延岡市", "https://x.jp/", "ja", start, end],
            ]
        )
    return Feed(tables)
