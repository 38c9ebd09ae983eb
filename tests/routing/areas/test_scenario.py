"""An area's files as a simulated day: requests generated or replayed, bus departures of its date."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from transit.routing.areas.config import AreaConfig


def test_area_replays_a_request_log(tiny_areas: list[AreaConfig], tmp_path: Path) -> None:
    """With demand.request_log, the day replays the logged requests instead of generating."""
    from transit.routing.areas.bookings import write_request_log
    from transit.routing.areas.prepare import prepare_area

    cfg = tiny_areas[0]
    generated = prepare_area(cfg, seed=4).requests
    log = tmp_path / "log.csv"
    write_request_log(generated, log)
    replay = cfg.with_changes(demand={"request_log": str(log)})
    again = prepare_area(replay, seed=99).requests
    pd.testing.assert_frame_equal(again, generated, check_dtype=False)


def test_a_holiday_area_day_times_rides_to_the_holiday_buses(sample: Path, tmp_path: Path) -> None:
    """``[area] date`` on a national holiday: the day's hub departures are the holiday
    timetable's (the weekday-only buses at 08:00 and 09:00 are not used)."""
    from tests.routing.areas.test_hubs import _holiday_feed
    from tests.routing.areas.tiny import TINY
    from transit.routing.areas.config import load_area
    from transit.routing.areas.prepare import prepare_area

    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")
    feed = tmp_path / "feed"
    feed.mkdir()
    _holiday_feed(feed)
    text = TINY.format(id="kitaura", name="北浦", sample=sample, n=4).replace(
        "[fleet]", f'gtfs = "{feed}"\nhub_stops = ["H"]\ndate = "2026-05-04"\n\n[fleet]'
    )
    toml = tmp_path / "kitaura.toml"
    toml.write_text(text, "utf-8")
    holiday = prepare_area(load_area(toml), seed=1)
    assert dict(holiday.hub_departures) == {"H": (8 * 3600.0 + 1800, 10 * 3600.0 + 1800)}
    toml.write_text(text.replace('date = "2026-05-04"', 'date = "2026-05-11"'), "utf-8")
    weekday = prepare_area(load_area(toml), seed=1)
    assert dict(weekday.hub_departures) == {"H": (8 * 3600.0, 9 * 3600.0)}
