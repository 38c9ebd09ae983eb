"""Day types -> ``calendar.txt`` + ``calendar_dates.txt`` over the whole feed period.

Each day type becomes one ``calendar`` row (its weekly pattern) and, for every date of the feed
period where :func:`~transit.gtfs.source.daytypes.runs_on` differs from that pattern (national
holidays, the New-Year break), a ``calendar_dates`` exception, so the calendar is right for the
whole feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from transit.gtfs.service import CALENDAR_DAYS
from transit.gtfs.source.daytypes import dates_between, runs_on, runs_weekly
from transit.gtfs.source.model import DayType


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
            row[col] = "1" if runs_weekly(day_type, i) else "0"
        row["start_date"] = start.strftime("%Y%m%d")
        row["end_date"] = end.strftime("%Y%m%d")
        cal_rows.append(row)
        for day in dates_between(start, end):
            weekly = runs_weekly(day_type, day.weekday())
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
