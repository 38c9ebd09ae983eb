"""Continuity of a new feed with the published one: no gap, long enough, no day of service lost.

:func:`check_continuity` checks that the new feed takes over without a gap: it starts no later
than the day after the old one ends, it covers at least ``min_days`` days, and no day the old feed
served (from the new feed's start to the old feed's end) is left without service. Messages are
Japanese, for staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from transit.gtfs.feedio import Feed
from transit.gtfs.service import active_dates, feed_period, service_dates

#: A new feed must cover at least this many days.
MIN_DAYS = 28


@dataclass(frozen=True)
class ContinuityCheck:
    """One continuity rule: ``code``, ``ok`` and a ``message`` (Japanese, for staff)."""

    code: str
    ok: bool
    message: str


def check_continuity(
    old: Feed, new: Feed, *, min_days: int = MIN_DAYS
) -> tuple[ContinuityCheck, ...]:
    """Check that ``new`` takes over from ``old`` without a gap.

    Returns three checks (always in this order):

    - ``starts_in_time``: NEW starts no later than the day after OLD ends;
    - ``covers_min_days``: NEW covers at least ``min_days`` days (its period, first to last day);
    - ``no_lost_service_day``: every day OLD served from NEW's start to OLD's end, and every
      day between them when NEW starts late, has service in NEW.
    """
    return continuity_checks(FeedDates.of(old), FeedDates.of(new), min_days=min_days)


@dataclass(frozen=True)
class FeedDates:
    """A feed's period and the dates on which it runs (its calendar expanded once)."""

    period: tuple[dt.date, dt.date] | None
    active: set[dt.date]

    @classmethod
    def of(cls, feed: Feed) -> FeedDates:
        """The period and active dates of ``feed``."""
        dates = service_dates(feed)
        return cls(feed_period(feed, dates=dates), active_dates(feed, dates=dates))


def continuity_checks(
    old: FeedDates, new: FeedDates, *, min_days: int = MIN_DAYS
) -> tuple[ContinuityCheck, ...]:
    """:func:`check_continuity` of two feeds whose dates are already expanded."""
    old_p, new_p = old.period, new.period
    if new_p is None:
        return (
            ContinuityCheck("starts_in_time", False, "新しいフィードに運行日がありません"),
            ContinuityCheck("covers_min_days", False, "新しいフィードに運行日がありません"),
            ContinuityCheck("no_lost_service_day", False, "新しいフィードに運行日がありません"),
        )
    days = (new_p[1] - new_p[0]).days + 1
    covers = ContinuityCheck(
        "covers_min_days",
        days >= min_days,
        f"新フィードの期間 {days} 日 ({new_p[0].isoformat()}–{new_p[1].isoformat()}),"
        f" 必要 {min_days} 日以上",
    )
    if old_p is None:
        return (
            ContinuityCheck("starts_in_time", True, "旧フィードに期間がありません"),
            covers,
            ContinuityCheck("no_lost_service_day", True, "旧フィードに期間がありません"),
        )
    return (_starts_in_time(old_p, new_p), covers, _no_lost_service_day(old, new, old_p, new_p))


def _starts_in_time(
    old_p: tuple[dt.date, dt.date], new_p: tuple[dt.date, dt.date]
) -> ContinuityCheck:
    latest = old_p[1] + dt.timedelta(days=1)
    ok = new_p[0] <= latest
    msg = (
        f"新 {new_p[0].isoformat()} 開始 ≤ 旧 {old_p[1].isoformat()} 終了の翌日"
        if ok
        else f"新 {new_p[0].isoformat()} 開始は旧 {old_p[1].isoformat()} 終了の翌日より後"
        f" ({(new_p[0] - latest).days} 日の空白)"
    )
    return ContinuityCheck("starts_in_time", ok, msg)


def _no_lost_service_day(
    old: FeedDates, new: FeedDates, old_p: tuple[dt.date, dt.date], new_p: tuple[dt.date, dt.date]
) -> ContinuityCheck:
    lost = [d for d in old.active if new_p[0] <= d <= old_p[1] and d not in new.active]
    gap = [
        old_p[1] + dt.timedelta(days=i)
        for i in range(1, (new_p[0] - old_p[1]).days)
        if old_p[1] + dt.timedelta(days=i) not in new.active
    ]
    missing = sorted(set(lost) | set(gap))
    if missing:
        shown = ", ".join(d.isoformat() for d in missing[:5])
        more = f" ほか {len(missing) - 5} 日" if len(missing) > 5 else ""
        msg = f"運行のない日 {len(missing)} 日: {shown}{more}"
    else:
        msg = "旧フィードの運行日はすべて新フィードでも運行"
    return ContinuityCheck("no_lost_service_day", not missing, msg)
