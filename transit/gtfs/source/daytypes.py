"""The Japanese day rules of a day type: national holidays, the New-Year break, Obon.

A day type (``[day_types.平日]`` in feed.toml) runs on its weekdays; Japanese national holidays
(jpholiday, substitute holidays included) are removed (``holidays = "off"``), added (``"on"``) or
are the only service days (``"only"``); with ``new_year_break`` there is no service from 12/29 to
1/3. The source checks, the calendar builder and the export all ask here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import jpholiday

from transit.gtfs.source.model import WEEKDAYS, DayType


def is_new_year_break(day: dt.date) -> bool:
    """True from 12/29 to 1/3 (年末年始)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_obon(day: dt.date) -> bool:
    """True from 8/13 to 8/16 (お盆)."""
    return day.month == 8 and 13 <= day.day <= 16


def is_holiday(day: dt.date) -> bool:
    """True on a Japanese national holiday (including substitute holidays)."""
    return bool(jpholiday.is_holiday(day))


def dates_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every date from ``start`` to ``end``, both included (nothing when ``end < start``)."""
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


def runs_weekly(day_type: DayType, weekday: int) -> bool:
    """Whether a day type's weekly pattern includes ``weekday`` (0 = Monday), before holidays
    and the New-Year break."""
    return day_type.holidays != "only" and WEEKDAYS[weekday] in day_type.days


def service_days(day_type: DayType, *, start: dt.date, end: dt.date) -> int:
    """Number of dates from ``start`` to ``end`` on which the day type runs."""
    return sum(runs_on(day_type, d) for d in dates_between(start, end))
