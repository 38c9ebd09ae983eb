"""Service dates: calendar + calendar_dates expanded once, for every pipeline."""

from __future__ import annotations

import datetime as dt

from tests.gtfs.factory import df, make_feed
from transit.gtfs.feedio import Feed
from transit.gtfs.service import (
    active_dates,
    expand_service_dates,
    feed_period,
    parse_gtfs_date,
    service_date_table,
    service_dates,
    services_on,
)

CAL_COLS = [
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


def _feed() -> Feed:
    """Weekday service 2026-04-27 .. 2026-05-08 without Golden Week's 4-6 May (holidays), and a
    holiday service that runs on exactly those days."""
    return Feed(
        {
            "calendar": df(
                [
                    CAL_COLS,
                    ["WD", "1", "1", "1", "1", "1", "0", "0", "20260427", "20260508"],
                    ["HOL", "0", "0", "0", "0", "0", "0", "0", "20260427", "20260508"],
                ],
            ),
            "calendar_dates": df(
                [
                    ["service_id", "date", "exception_type"],
                    ["WD", "20260504", "2"],
                    ["WD", "20260505", "2"],
                    ["WD", "20260506", "2"],
                    ["HOL", "20260504", "1"],
                    ["HOL", "20260505", "1"],
                    ["HOL", "20260506", "1"],
                ],
            ),
            "trips": df([["route_id", "service_id", "trip_id"], ["R", "WD", "T1"]]),
        }
    )


def test_holidays_removed_and_added() -> None:
    """A removed weekday is gone; the holiday service has only its added dates."""
    feed = _feed()
    assert services_on(feed, dt.date(2026, 5, 5)) == {"HOL"}
    assert services_on(feed, dt.date(2026, 5, 7)) == {"WD"}
    assert services_on(feed, dt.date(2026, 5, 9)) == set()
    assert len(active_dates(feed)) == 7  # trips use WD only: 10 weekdays minus 3 holidays


def test_service_date_table_is_sorted_and_typed() -> None:
    table = service_date_table(_feed())
    assert list(table.columns) == ["service_id", "date"]
    assert str(table["date"].dtype) == "datetime64[ns]"
    assert len(table) == 10
    assert table.iloc[0].tolist() == ["HOL", dt.datetime(2026, 5, 4)]
    assert table["service_id"].tolist().count("WD") == 7


def test_unreadable_rows_name_their_service_with_no_dates() -> None:
    cal = df([CAL_COLS, ["X", "1", "1", "1", "1", "1", "1", "1", "2026-04-01", "20260430"]])
    dates = df([["service_id", "date", "exception_type"], ["Y", "bad", "1"]])
    assert expand_service_dates(cal, dates) == {"X": set()}
    assert parse_gtfs_date(" 20260401 ") == dt.date(2026, 4, 1)
    assert parse_gtfs_date("2026-04-01") is None


def test_service_dates_apply_exceptions() -> None:
    """Weekdays from calendar minus calendar_dates removals; feed period from feed_info."""
    feed = make_feed(start="20260406", end="20260412", removed_dates=("20260408",))
    dates = service_dates(feed)["weekday"]
    assert sorted(d.isoformat() for d in dates) == [
        "2026-04-06",
        "2026-04-07",
        "2026-04-09",
        "2026-04-10",
    ]
    assert feed_period(feed) == (dt.date(2026, 4, 6), dt.date(2026, 4, 12))
    assert feed_period(make_feed(start="20260406", end="20260412", with_info=False)) == (
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 10),
    )
