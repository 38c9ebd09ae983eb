"""Service dates: which ``service_id`` runs on which day (``calendar`` + ``calendar_dates``).

The one place where a feed's calendar is expanded into dates: the diff and continuity checks,
the export, the ridership schedule and the bus departures at on-demand hubs all ask here, so a
national holiday removed in ``calendar_dates.txt`` is removed for every one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from transit.gtfs.feedio import Feed

CALENDAR_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""``calendar.txt`` day columns in :meth:`datetime.date.weekday` order."""


def parse_gtfs_date(value: str) -> dt.date | None:
    """``YYYYMMDD`` → a date; ``None`` when blank or not a date."""
    try:
        return dt.datetime.strptime(value.strip(), "%Y%m%d").date()
    except ValueError:
        return None


def expand_service_dates(
    calendar: pd.DataFrame, calendar_dates: pd.DataFrame
) -> dict[str, set[dt.date]]:
    """The dates each ``service_id`` runs, from the two tables (GTFS text columns).

    Returns ``{service_id: {date, …}}``: every weekday marked ``1`` between ``start_date`` and
    ``end_date``, then ``exception_type`` 1 adds a date and 2 removes it. A calendar row with an
    unreadable period or no day marked still names its service (with no dates).
    """
    out: dict[str, set[dt.date]] = {}
    for rec in calendar.to_dict("records"):
        start = parse_gtfs_date(str(rec.get("start_date", "")))
        end = parse_gtfs_date(str(rec.get("end_date", "")))
        days = {i for i, name in enumerate(CALENDAR_DAYS) if str(rec.get(name, "0")).strip() == "1"}
        dates = out.setdefault(str(rec["service_id"]), set())
        if start is None or end is None or not days:
            continue
        d = start
        while d <= end:
            if d.weekday() in days:
                dates.add(d)
            d += dt.timedelta(days=1)
    for rec in calendar_dates.to_dict("records"):
        day = parse_gtfs_date(str(rec.get("date", "")))
        if day is None:
            continue
        dates = out.setdefault(str(rec["service_id"]), set())
        kind = str(rec.get("exception_type", "")).strip()
        if kind == "1":
            dates.add(day)
        elif kind == "2":
            dates.discard(day)
    return out


def service_dates(feed: Feed) -> dict[str, set[dt.date]]:
    """:func:`expand_service_dates` of a feed's ``calendar`` and ``calendar_dates``."""
    return expand_service_dates(feed.get("calendar"), feed.get("calendar_dates"))


def service_date_table(feed: Feed) -> pd.DataFrame:
    """The service dates as a table: ``service_id`` (str) and ``date`` (datetime64[ns],
    midnight), one row per service and day, sorted by both."""
    rows = sorted((sid, d) for sid, dates in service_dates(feed).items() for d in dates)
    out = pd.DataFrame(rows, columns=["service_id", "date"])
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out


def services_on(feed: Feed, day: dt.date) -> set[str]:
    """The ``service_id`` values that run on ``day``."""
    return {sid for sid, dates in service_dates(feed).items() if day in dates}


def active_dates(feed: Feed, *, dates: Mapping[str, set[dt.date]] | None = None) -> set[dt.date]:
    """Dates on which at least one trip of the feed runs (``dates``: the feed's
    :func:`service_dates` when already expanded)."""
    used = set(feed.column("trips", "service_id").tolist())
    out: set[dt.date] = set()
    for sid, days in (service_dates(feed) if dates is None else dates).items():
        if sid in used:
            out |= days
    return out


def feed_period(
    feed: Feed, *, dates: Mapping[str, set[dt.date]] | None = None
) -> tuple[dt.date, dt.date] | None:
    """``(first, last)`` day of a feed: ``feed_info`` start/end when given, else the first and
    last active service dates; ``None`` when the feed has neither (``dates``: the feed's
    :func:`service_dates` when already expanded)."""
    info = feed.feed_info
    if len(info) and {"feed_start_date", "feed_end_date"} <= set(info.columns):
        start = parse_gtfs_date(str(info["feed_start_date"].iloc[0]))
        end = parse_gtfs_date(str(info["feed_end_date"].iloc[0]))
        if start and end:
            return start, end
    active = active_dates(feed, dates=dates)
    if not active:
        return None
    return min(active), max(active)
