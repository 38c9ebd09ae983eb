"""Each rule on the hand-made city (tests/demand/proposals/city.py): exact proposals and
evidence; the ranking, the budget and the outputs; hostile names through the TOML writer."""

from __future__ import annotations

import csv
import dataclasses
import json
import tomllib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from transit.core import provenance as prov
from transit.core.paths import sample_dir
from transit.demand.proposals.facts import Facts, read_facts
from transit.demand.proposals.headways import headway_proposals
from transit.demand.proposals.ondemand import ondemand_proposals
from transit.demand.proposals.params import ProposalParams
from transit.demand.proposals.propose import Proposals, find_proposals, propose
from transit.demand.proposals.tails import tail_proposals
from transit.demand.proposals.tomlfile import scenario_toml, toml_string
from transit.demand.proposals.trips import trip_proposals
from transit.demand.proposals.write import write_proposals
from transit.demand.scenarios.scenario import load_scenario
from transit.demand.scenarios.zones import inside

from .city import build_store, write_city

SRC = "(store, 2026-04-01..2026-04-01)"
BAND = ProposalParams(min_band_avg_load=1.0)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("city")
    feed = write_city(folder / "feed")
    return feed, build_store(feed, folder / "store")


@pytest.fixture(scope="module")
def facts(city: tuple[Path, Path]) -> Facts:
    return read_facts(city[1], city[0])


@pytest.fixture(scope="module")
def result(city: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Proposals:
    out = tmp_path_factory.mktemp("out")
    return propose(city[1], city[0], out, budget_vehicle_hours=3.5, params=BAND)


def _evidence(p: object) -> list[tuple[str, float, str, str]]:
    return [(e.measure, e.value, e.unit, e.source) for e in p.evidence]  # type: ignore[attr-defined]


def test_tail_rule_cuts_the_lightly_loaded_end_only(facts: Facts) -> None:
    """C–D carries 2 riders over 8 runs (0.25 < 1.2); B–C 12 over 8 (1.5) stops the tail; A–B
    (9 over 8 = 1.125) is light too but A is served by R2, so that end stays."""
    (p,) = tail_proposals(facts, ProposalParams())
    assert (p.id, p.kind, p.title_ja) == ("tail-R1-D", "tail", "本線 末端区間（停留所D）の短縮")
    assert p.edits == ({"kind": "truncate", "route": "R1", "at_stop": "C", "beyond": "D"},)
    assert p.change_ja == "本線を停留所Cで折り返し、停留所Dを廃止する。"
    assert _evidence(p) == [
        ("tail_mean_load", 0.25, "人（平均）", f"loads {SRC}"),
        ("tail_runs", 8.0, "便", f"loads {SRC}"),
        ("tail_boardings_alightings", 2.0, "人", f"loads {SRC}"),
        ("route_boardings", 14.0, "人", f"loads {SRC}"),
    ]
    assert tail_proposals(facts, ProposalParams(min_tail_load=0.25)) == []
    (longer,) = tail_proposals(facts, ProposalParams(min_tail_load=1.6))
    assert longer.edits == ({"kind": "truncate", "route": "R1", "at_stop": "B", "beyond": "D"},)


def test_trip_rule_removes_the_empty_trip(facts: Facts) -> None:
    (p,) = trip_proposals(facts, ProposalParams())
    assert (p.id, p.change_ja) == ("trips-R1", "本線の平日 12:00発の便を廃止する。")
    assert p.edits == ({"kind": "remove", "route": "R1", "trips": ["T04"]},)
    src = f"trip KPIs {SRC}"
    assert _evidence(p) == [
        ("trips", 1.0, "便", src), ("avg_load", 0.0, "人（平均）", src), ("runs", 1.0, "回", src),
        ("boardings", 0.0, "人", src), ("vehicle_hours", 0.5, "時間", src),
    ]  # fmt: skip
    (two,) = trip_proposals(facts, ProposalParams(min_trip_avg_load=0.5))
    assert two.edits[0]["trips"] == ["U02", "U03", "T04"]  # by departure: 1/3, 1/3, 0 riders per km


def test_headway_rule_doubles_the_light_band(facts: Facts) -> None:
    """8 trips between 9:00 and 12:30 carry 23 pax-km over 24 vehicle-km (0.958)."""
    assert headway_proposals(facts, ProposalParams()) == []
    (p,) = headway_proposals(facts, BAND)
    assert (p.id, p.title_ja) == ("headway-R1-WD-midday", "本線 平日 日中の減便（60分→120分間隔）")
    assert p.change_ja == "本線の平日ダイヤ09:00～12:31を120分間隔とする（現在60分間隔）。"
    assert p.edits == (
        {"kind": "headway", "route": "R1", "service_ids": ["WD"],
         "bands": [{"start": "09:00", "end": "12:31", "headway_min": 120}]},
    )  # fmt: skip
    src = f"trip KPIs {SRC}"
    assert _evidence(p) == [
        ("band_trips", 8.0, "便", src), ("band_avg_load", 0.958, "人（平均）", src),
        ("band_boardings", 14.0, "人", src), ("headway_now_min", 60.0, "分", "timetable (feed)"),
        ("headway_new_min", 120.0, "分", "rule"),
    ]  # fmt: skip
    assert headway_proposals(facts, dataclasses.replace(BAND, min_band_trips=9)) == []


def test_ondemand_rule_zones_the_light_branch(facts: Facts) -> None:
    """C and D are served by R1 only; 2 + 12 boardings and alightings on the one day (≤ 40)."""
    (p,) = ondemand_proposals(facts, ProposalParams())
    assert (p.id, p.kind) == ("ondemand-R1-D", "ondemand")
    assert p.edits == (
        {"kind": "on_demand", "area": "ondemand-R1-D.geojson", "area_id": "ondemand-R1-D",
         "vehicles": 2, "start": "07:00", "end": "19:00"},
    )  # fmt: skip
    assert p.change_ja == (
        "本線の停留所C・停留所Dをオンデマンド交通（2台、07:00～19:00）で運行し、停留所Bでバスに乗り継ぐ。"
    )
    src = f"loads {SRC}"
    assert _evidence(p) == [
        ("zone_stops", 2.0, "停留所", "timetable (feed)"),
        ("zone_boardings_alightings", 14.0, "人", src), ("days", 1.0, "日", src),
    ]  # fmt: skip
    ((name, text),) = p.attachments
    zone = read_zone_text(text)
    stops = facts.schedule.stops.set_index("stop_id")
    covered = {
        s for s in "ABCDE" if inside(zone, [stops.at[s, "stop_lat"]], [stops.at[s, "stop_lon"]])[0]
    }
    assert (name, covered) == ("ondemand-R1-D.geojson", {"C", "D"})
    assert (
        ondemand_proposals(facts, ProposalParams(max_zone_riders_per_day=13)) == []
    )  # D alone is one stop


def read_zone_text(text: str) -> BaseGeometry:
    (feature,) = json.loads(text)["features"]
    return shape(feature["geometry"])


def test_defaults_find_the_tail_the_trip_the_zone_and_the_redesign(facts: Facts) -> None:
    assert [p.id for p in find_proposals(facts)] == [
        "tail-R1-D",
        "trips-R1",
        "ondemand-R1-D",
        "redesign",
    ]


def test_ranking_and_budget(result: Proposals) -> None:
    """Tail: 2 riders lost, 8 runs 10 minutes shorter (1.333 h); headway: 4 of 8 trips go (2 h),
    5 riders lost; trip: nobody lost, 0.5 h; zone: the 13 riders to or from C and D ride the
    cars, whose 2 × 12 hours outweigh the 2.667 bus hours saved. Weekday hours 4.333 before;
    the trip's 3.833 and the zone's 25.667 are over the 3.5 budget, so they rank last. The
    redesign (today's two routes every 140 minutes, 2.667 h a weekday) loses 12 of 16 riders."""
    t = result.ranked.set_index("id")
    assert list(t.index) == [
        "tail-R1-D", "headway-R1-WD-midday", "redesign", "trips-R1", "ondemand-R1-D"
    ]  # fmt: skip
    assert t["riders_lost"].tolist() == [2, 5, 12, 0, 0]
    assert t["riders_on_demand"].tolist() == [0, 0, 0, 0, 13]
    assert t["vehicle_hours_saved"].tolist() == [1.333, 2.0, 1.667, 0.5, -21.333]
    assert t["weekday_vehicle_hours"].tolist() == [3.0, 2.333, 2.667, 3.833, 25.667]
    assert t["hours_saved_per_rider_lost"].tolist() == [0.667, 0.4, 0.139, 0.5, -21.333]
    assert t["within_budget"].tolist() == [True, True, True, False, False]


def test_outputs_suppress_small_counts(result: Proposals, tmp_path: Path) -> None:
    paths = write_proposals(result, tmp_path)
    names = [p.name for p in paths]
    names = [p.name for p in paths]
    assert names == ["proposals.csv", "evidence.csv", "proposals.xlsx", "proposals_ja.txt",
                     "provenance.json", "provenance.json"]  # fmt: skip
    scenarios = result.files[0].parent  # the fixture's: the provenance goes beside them
    assert [p.parent for p in paths[-2:]] == [tmp_path, scenarios]
    rows = list(csv.DictReader((tmp_path / "proposals.csv").read_text("utf-8").splitlines()))
    assert [r["riders_lost"] for r in rows] == ["", "", "12", "", ""]  # below k = 10 blank
    assert [r["riders_on_demand"] for r in rows] == ["", "", "", "", "13"]
    ev = list(csv.DictReader((tmp_path / "evidence.csv").read_text("utf-8").splitlines()))
    assert [(r["id"], r["measure"], r["value"]) for r in ev if r["unit"] == "人"] == [
        ("tail-R1-D", "tail_boardings_alightings", ""), ("tail-R1-D", "route_boardings", "14"),
        ("headway-R1-WD-midday", "band_boardings", "14"), ("redesign", "od_rides", "16"),
        ("trips-R1", "boardings", ""), ("ondemand-R1-D", "zone_boardings_alightings", "14"),
    ]  # fmt: skip
    wb = openpyxl.load_workbook(tmp_path / "proposals.xlsx", read_only=True)
    assert wb.sheetnames == ["提案一覧", "根拠", "出典・前提"]
    header = next(wb["提案一覧"].iter_rows(values_only=True))
    wb.close()
    assert header[:3] == ("順位", "提案ID", "種類")
    text = (tmp_path / "proposals_ja.txt").read_text("utf-8")
    assert "1. 本線 末端区間（停留所D）の短縮（末端区間の短縮）" in text
    assert "移動できなくなる利用者は10人未満" in text
    assert "試算では、期間中の運行時間が1.333時間減り、運行経費が3,994円減り、" in text
    assert "試算では、期間中の運行時間が21.333時間増え、運行経費が78,403円増え、" in text
    (rec,) = prov.read_records(tmp_path / prov.FILE_NAME)
    assert [s.role for s in rec.inputs] == ["baseline", "network", "store"]
    assert rec.inputs[1].path == sample_dir() / "network" / "roads.graphml"
    assert "synthetic_roads" in rec.flags  # the zone's cars ran on the sample city's roads
    assert rec.inputs[2].period == "2026-04-01..2026-04-01"  # the one day of rides
    assert rec.details["riders"] == 16
    assert rec.parameter("budget_vehicle_hours").value == 3.5  # type: ignore[union-attr]
    tail = rec.parameter("proposals.min_tail_load")
    assert tail is not None and (tail.origin, tail.key) == ("default", "proposals.min_tail_load")
    assert [o.path.name for o in rec.outputs] == names[:4]
    (scen,) = prov.read_records(scenarios / prov.FILE_NAME)
    assert [o.path.name for o in scen.outputs] == [
        "base.toml", "tail-R1-D.toml", "trips-R1.toml", "headway-R1-WD-midday.toml",
        "ondemand-R1-D.toml", "redesign.toml", "ondemand-R1-D.geojson",
    ]  # fmt: skip


def test_every_scenario_file_loads(result: Proposals) -> None:
    for path in result.files:
        scenario = load_scenario(path)
        assert scenario.name == path.stem
    assert len(load_scenario(result.files[1]).edits) == 1


HOSTILE = [
    '=HYPERLINK("http://x")',
    'a"b',
    "line\nbreak",
    "tab\there",
    "back\\slash",
    "del\x7f",
    "\r\n",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_round_trip(name: str) -> None:
    text = scenario_toml({"name": "x", "title": name}, [{"kind": "remove", "route": name,
                          "bands": [{"start": name}]}], comment=f"about {name}")  # fmt: skip
    data = tomllib.loads(text)
    assert data["title"] == name and data["edits"][0]["route"] == name
    assert data["edits"][0]["bands"] == [{"start": name}]


@given(st.text())
def test_any_text_round_trips(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


def test_hostile_stop_name_in_a_proposal(tmp_path: Path) -> None:
    """A stop named like a formula with a quote and a newline reaches the scenario file and the
    text unchanged, and stays a text cell in the workbook."""
    name = '=HYPERLINK("x")\n"C"'
    feed = write_city(tmp_path / "feed", stop_name=name)
    store = build_store(feed, tmp_path / "store")
    res = propose(store, feed, tmp_path / "out")
    tail = res.proposals["tail-R1-D"]
    assert tail.change_ja == f"本線を{name}で折り返し、停留所Dを廃止する。"
    assert tomllib.loads(res.files[1].read_text("utf-8"))["edits"][0]["at_stop"] == "C"
    write_proposals(res, tmp_path / "out")
    wb = openpyxl.load_workbook(tmp_path / "out" / "proposals.xlsx")
    cells = [c for row in wb["提案一覧"].iter_rows() for c in row if c.value == tail.change_ja]
    assert cells and all(c.data_type == "s" for c in cells)
