"""Continuity of a new feed with the published one: no gap, long enough, no day lost."""

from __future__ import annotations

from tests.gtfs.factory import make_feed
from transit.gtfs.continuity import ContinuityCheck, check_continuity


def test_continuity_next_day_is_fine_a_gap_is_not() -> None:
    """New may start the day after old ends; two days later leaves a one-day gap."""
    old = make_feed(start="20260401", end="20260630")
    ok = check_continuity(old, make_feed(start="20260701", end="20260930"))
    assert [c.ok for c in ok] == [True, True, True]
    gap = check_continuity(old, make_feed(start="20260702", end="20260930"))
    assert gap[0] == ContinuityCheck(
        "starts_in_time", False, "新 2026-07-02 開始は旧 2026-06-30 終了の翌日より後 (1 日の空白)"
    )
    assert gap[2] == ContinuityCheck("no_lost_service_day", False, "運行のない日 1 日: 2026-07-01")


def test_continuity_min_days() -> None:
    """27 days is too short; 28 days is enough."""
    old = make_feed()
    short = check_continuity(old, make_feed(start="20260601", end="20260627"))
    assert (short[1].code, short[1].ok) == ("covers_min_days", False)
    assert "27 日" in short[1].message
    assert check_continuity(old, make_feed(start="20260601", end="20260628"))[1].ok


def test_continuity_lost_service_day_in_overlap() -> None:
    """A weekday the old feed serves but the new one (starting earlier) removes is lost."""
    old = make_feed(start="20260401", end="20260630")
    new = make_feed(start="20260601", end="20260930", removed_dates=("20260610",))
    checks = check_continuity(old, new)
    assert [c.ok for c in checks] == [True, True, False]
    assert checks[2].message == "運行のない日 1 日: 2026-06-10"
