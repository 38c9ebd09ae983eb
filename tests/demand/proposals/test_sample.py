"""The sample city: the demo's store yields six proposals of six kinds, with their evidence,
and the top three are compared next to the baseline (the demo's proposals step)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from transit.demand.proposals.facts import read_facts
from transit.demand.proposals.propose import find_proposals
from transit.demo import demand as demand_demo
from transit.demo import gtfs as gtfs_demo
from transit.demo import proposals as proposals_demo

pytestmark = pytest.mark.slow

RANKED = [
    ("trips-south", "trips"), ("headway-south-weekend-midday", "headway"),
    ("tail-kitakata-S025_1", "tail"), ("redesign", "redesign"),
    ("overlap-south-0-weekday-loop", "overlap"), ("ondemand-kitakata-S025_1", "ondemand"),
]  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    gtfs_demo.run(out)
    demand_demo.run(out / "gtfs" / "sample-feed-2026.zip", out / "demand")
    files = proposals_demo.run(
        out / "gtfs" / "sample-feed-2026.zip", out / "demand" / "store", out / "proposals"
    )
    assert out / "proposals" / "scenarios" / "ondemand-kitakata-S025_1.geojson" in files
    return out


def test_sample_city_proposals_and_their_numbers(demo: Path) -> None:
    table = pd.read_csv(demo / "proposals" / "proposals.csv", keep_default_na=False)
    assert list(zip(table["id"], table["kind"], strict=True)) == RANKED
    t = table.set_index("id")
    assert t["riders_lost"].tolist() == ["", "13", "231", "5387", "33", "187"]  # below k blank
    assert t["riders_on_demand"].tolist() == ["", "", "", "", "", "487"]
    assert t["vehicle_hours_saved"].tolist() == [12.4, 24.8, 17.6, 224.6, 0.0, -615.067]
    assert t["cost_saved_yen"].tolist() == [131398, 262784, 284879, 1431647, 0, -1477605]
    assert t.loc["overlap-south-0-weekday-loop", "revenue_change_yen"] == 53010
    ev = pd.read_csv(demo / "proposals" / "evidence.csv", keep_default_na=False, dtype=str)
    key = {(i, m): v for i, m, v in zip(ev["id"], ev["measure"], ev["value"], strict=True)}
    assert key["trips-south", "avg_load"] == "0.081"
    assert (key["headway-south-weekend-midday", "band_trips"], key["headway-south-weekend-midday", "band_avg_load"]) == ("14", "0.278")  # fmt: skip
    assert (key["tail-kitakata-S025_1", "tail_mean_load"], key["tail-kitakata-S025_1", "tail_runs"]) == ("0.875", "264")  # fmt: skip
    assert key["tail-kitakata-S025_1", "tail_boardings_alightings"] == "231"
    assert key["ondemand-kitakata-S025_1", "zone_boardings_alightings"] == "814"
    redesign = [key["redesign", m] for m in ("od_rides", "od_pairs", "att_now_min", "att_new_min",
                "d1_new_pct", "route_time_now_min", "route_time_new_min")]  # fmt: skip
    assert redesign == ["9822", "460", "12.96", "15.09", "8.93", "239.5", "253"]
    overlap = [key["overlap-south-0-weekday-loop", m] for m in ("shared_stops", "bunched_trips",
               "bunch_gap_min", "headway_min", "shift_min", "moved_boardings")]  # fmt: skip
    assert overlap == ["3", "5", "0", "60", "30", "335"]
    assert (demo / "proposals" / "scenarios" / "ondemand-kitakata-S025_1.geojson").is_file()


def test_the_top_three_are_compared_next_to_the_baseline(demo: Path) -> None:
    network = pd.read_csv(demo / "proposals" / "compare" / "network.csv").set_index("measure")
    assert list(network.columns) == ["label_ja", "base", *[i for i, _ in RANKED[:3]]]
    assert network.loc["riders_lost"].tolist()[1:] == [0, 2, 13, 231]
    assert network.loc["vehicle_hours", "base"] == pytest.approx(1742.6)


def test_default_rules_on_the_sample_city(demo: Path) -> None:
    """Without the demo's cap of one per rule: four tails, four trip removals, two headways,
    four on-demand zones, the overlap and the redesign."""
    facts = read_facts(demo / "demand" / "store", demo / "gtfs" / "sample-feed-2026.zip")
    kinds = [p.kind for p in find_proposals(facts)]
    kinds_in_order = ("tail", "trips", "headway", "ondemand", "overlap", "redesign")
    assert [kinds.count(k) for k in kinds_in_order] == [4, 4, 2, 4, 1, 1]
