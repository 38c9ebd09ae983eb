"""The sample city's scenario files: each feed `apply` writes passes the independent judge."""

from __future__ import annotations

from pathlib import Path

import pytest

from transit.demand.scenarios.apply import apply_scenario, write_scenario_feed
from transit.demand.scenarios.scenario import load_scenario
from transit.gtfs.validate import validate_feed


@pytest.mark.slow
@pytest.mark.parametrize("name", ["kitagawa_tail", "loop_midday", "mukabaki_ondemand"])
def test_sample_scenario_feeds_pass_the_judge(sample: Path, tmp_path: Path, name: str) -> None:
    applied = apply_scenario(load_scenario(sample / "scenarios" / f"{name}.toml"))
    feed = write_scenario_feed(applied, tmp_path / f"{name}.zip")
    report = validate_feed(feed)
    assert report.errors == 0, report.by_code()
    assert report.system_errors == ()
    assert applied.feed.has("shapes") and applied.feed.has("fare_rules")


def test_sample_scenarios_do_what_they_say(sample: Path) -> None:
    """The tail cut drops 上赤 and 川内名, the midday thinning runs the loop every 2 hours,
    the valley replacement serves 行縢 and 鹿狩瀬 on demand from 祝子."""
    tail = apply_scenario(load_scenario(sample / "scenarios" / "kitagawa_tail.toml"))
    assert set(tail.baseline.stops["stop_id"]) - set(tail.feed.stops["stop_id"]) == {
        "S030_1",
        "S031_1",
    }
    mid = apply_scenario(load_scenario(sample / "scenarios" / "loop_midday.toml"))
    loop = mid.feed.trips[
        (mid.feed.trips["route_id"] == "loop") & (mid.feed.trips["service_id"] == "weekday")
    ]
    assert len(loop) == 16  # 22 before: 6 of 12 hourly trips between 10:00 and 16:00 remain
    valley = apply_scenario(load_scenario(sample / "scenarios" / "mukabaki_ondemand.toml"))
    (zone,) = valley.zones
    assert (zone.stops, zone.hubs) == (("S045_1", "S046_1"), ("S044_1",))
