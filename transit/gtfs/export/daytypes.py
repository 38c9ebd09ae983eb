"""A feed's services -> ``[day_types]`` of feed.toml (weekdays, national holidays, New-Year break).

Each ``service_id`` used by a trip becomes the day type that best reproduces its service dates
in the feed period (:func:`infer_day_type`); the dates no day type can express are counted as the
loss ``calendar_not_representable``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from transit.core.errors import InputError
from transit.gtfs.export.draft import ExportLoss
from transit.gtfs.export.frames import text_column
from transit.gtfs.export.names import AsciiIds
from transit.gtfs.feedio import Feed
from transit.gtfs.service import feed_period, service_dates
from transit.gtfs.source.daytypes import dates_between, is_holiday, is_new_year_break, runs_on
from transit.gtfs.source.model import WEEKDAYS, DayType


def infer_day_type(dates: set[dt.date], *, start: dt.date, end: dt.date) -> DayType:
    """The :class:`DayType` (service_id left empty) that best reproduces ``dates`` in the period.

    Weekdays: those on which the service runs on at least half of the (non-holiday,
    non-New-Year) dates of that weekday; holidays ``on`` when it runs on most national holidays,
    ``only`` when it runs only on holidays; ``new_year_break`` when it never runs 12/29–1/3 on
    its weekdays.
    """
    per_day: dict[int, list[bool]] = defaultdict(list)
    holidays: list[bool] = []
    break_days: list[bool] = []
    for day in dates_between(start, end):
        runs = day in dates
        if is_new_year_break(day):
            break_days.append(runs)
        elif is_holiday(day):
            holidays.append(runs)
        else:
            per_day[day.weekday()].append(runs)
    days = [WEEKDAYS[i] for i in range(7) if per_day[i] and sum(per_day[i]) * 2 >= len(per_day[i])]
    on_holidays = bool(holidays) and sum(holidays) * 2 > len(holidays)
    mode: str = "on" if on_holidays else "off"
    if not days and on_holidays:
        mode = "only"
    new_year_break = not any(break_days) if break_days else True
    return DayType(service_id="", days=days, holidays=mode, new_year_break=new_year_break)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DayTypePlan:
    """The feed ``period`` (first, last day), ``day_types`` by name, each service's day type
    ``names`` (``service_id -> name``, the NFKC-normalized service_id) and the ``losses``."""

    period: tuple[dt.date, dt.date]
    day_types: dict[str, DayType]
    names: dict[str, str]
    losses: list[ExportLoss]


def plan_day_types(feed: Feed, service_ids: AsciiIds) -> DayTypePlan:
    """One day type per ``service_id`` used by a trip (in id order); raises :class:`InputError`
    when the feed has no service dates at all."""
    used_services = sorted(set(text_column(feed.trips, "service_id")))
    sdates = service_dates(feed)
    period = feed_period(feed, dates=sdates)
    if period is None:
        all_dates = [d for s in used_services for d in sdates.get(s, set())]
        if not all_dates:
            raise InputError("the feed has no service dates (calendar, calendar_dates)")
        period = (min(all_dates), max(all_dates))
    day_types: dict[str, DayType] = {}
    names: dict[str, str] = {}
    mismatched = 0
    for sid in used_services:
        names[sid] = unicodedata.normalize("NFKC", sid).strip()
        dates = {d for d in sdates.get(sid, set()) if period[0] <= d <= period[1]}
        guess = infer_day_type(dates, start=period[0], end=period[1])
        dtype = DayType(
            service_id=service_ids(sid),
            days=guess.days,
            holidays=guess.holidays,
            new_year_break=guess.new_year_break,
        )
        day_types[names[sid]] = dtype
        mismatched += sum(
            runs_on(dtype, day) != (day in dates) for day in dates_between(period[0], period[1])
        )
    losses = []
    if mismatched:
        losses.append(
            ExportLoss(
                "calendar_not_representable",
                mismatched,
                "service dates that weekdays + national holidays + the New-Year break cannot "
                "express (e.g. school-term or one-off dates); edit them in feed.toml's day types",
            )
        )
    return DayTypePlan(period, day_types, names, losses)
