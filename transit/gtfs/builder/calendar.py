"""Day types -> ``calendar.txt`` + ``calendar_dates.txt`` over the whole feed period.

A day type (``[day_types.平日]`` in feed.toml) runs on its weekdays; Japanese national holidays
(jpholiday) are removed (``holidays = "off"``), added (``"on"``) or are the only service days
(``"only"``); with ``new_year_break`` there is no service from 12/29 to 1/3. The exceptions are
written for every date of the feed period, so the calendar is right for the whole feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import jpholiday
import pandas as pd

from transit.gtfs.source.model import WEEKDAYS, DayType

CALENDAR_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def is_new_year_break(day: dt.date) -> bool:
    """True from 12/29 to 1/3 (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_obon(day: dt.date) -> bool:
    """True from 8/13 to 8/16 (お盆)."""
    return day.month == 8 and 13 <= day.day <= 16


def is_holiday(day: dt.date) -> bool:
    """True on a Japanese national holiday (including substitute holidays)."""
    return bool(jpholiday.is_holiday(day))


def _dates(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def runs_on(day_type: DayType, day: dt.date) -> bool:
    """Whether a day type has service on ``day`` (weekday rule, holidays, New-Year break)."""
    if day_type.new_year_break and is_new_year_break(day):
        return False
    if is_holiday(day):
        return day_type.holidays in ("on", "only")
    if day_type.holidays == "only":
        return False
    return WEEKDAYS[day.weekday()] in day_type.days


def _weekly(day_type: DayType, weekday: int) -> bool:
    return day_type.holidays != "only" and WEEKDAYS[weekday] in day_type.days


def build_calendar(
    day_types: Mapping[str, DayType], *, start: dt.date, end: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``calendar`` and ``calendar_dates`` for ``day_types`` from ``start`` to ``end`` (inclusive).

    Returns
    -------
    (DataFrame, DataFrame)
        ``calendar`` (service_id, monday..sunday as ``0``/``1``, start_date, end_date as
        ``YYYYMMDD``) and ``calendar_dates`` (service_id, date, exception_type ``1`` added /
        ``2`` removed) — the dates where :func:`runs_on` differs from the weekly pattern. All text.
    """
    cal_rows: list[dict[str, str]] = []
    exc_rows: list[dict[str, str]] = []
    for _, day_type in sorted(day_types.items(), key=lambda kv: kv[1].service_id):
        row = {"service_id": day_type.service_id}
        for i, col in enumerate(CALENDAR_DAYS):
            row[col] = "1" if _weekly(day_type, i) else "0"
        row["start_date"] = start.strftime("%Y%m%d")
        row["end_date"] = end.strftime("%Y%m%d")
        cal_rows.append(row)
        for day in _dates(start, end):
            weekly = _weekly(day_type, day.weekday())
            actual = runs_on(day_type, day)
            if weekly != actual:
                exc_rows.append(
                    {
                        "service_id": day_type.service_id,
                        "date": day.strftime("%Y%m%d"),
                        "exception_type": "1" if actual else "2",
                    }
                )
    calendar = pd.DataFrame(
        cal_rows, columns=["service_id", *CALENDAR_DAYS, "start_date", "end_date"]
    )
    dates = pd.DataFrame(exc_rows, columns=["service_id", "date", "exception_type"])
    return calendar, dates


def service_days(day_type: DayType, *, start: dt.date, end: dt.date) -> int:
    """Number of dates from ``start`` to ``end`` on which the day type runs."""
    return sum(runs_on(day_type, d) for d in _dates(start, end))
