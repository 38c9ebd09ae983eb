"""The scenario map: changed segments, zones, lost riders, and every data string escaped."""

from __future__ import annotations

import json
from pathlib import Path

from tests.demand.scenarios.network import RIDES, riders_table, write_city, write_scenario
from transit.demand.scenarios.evaluate import evaluate_scenario
from transit.demand.scenarios.scenario import load_scenario
from transit.maps import mapkit
from transit.maps.scenarios import map_scenario, segments

NASTY = "<img src=x onerror=alert(1)>`${1}`"


def test_map_shows_removed_segments_and_escapes_names(tmp_path: Path) -> None:
    write_city(tmp_path)
    stops = tmp_path / "feed" / "stops.txt"
    stops.write_text(stops.read_text("utf-8").replace("団地", NASTY.replace(",", "")), "utf-8")
    path = write_scenario(tmp_path, "cut", '[[edits]]\nkind = "remove"\nroute = "R2"\n')
    ev = evaluate_scenario(load_scenario(path), riders_table(RIDES))
    assert segments(ev.applied.baseline) - segments(ev.applied.feed) == {("SC", "SD"), ("SD", "SC")}
    html = mapkit.save_map(map_scenario(ev, k=1), tmp_path / "cut.html").path.read_text("utf-8")
    for layer in (
        "廃止される区間",
        "新設される区間",
        "変更のない区間",
        "移動できなくなる利用者の出発地",
    ):
        assert json.dumps(layer)[1:-1] in html  # layer names are JSON-escaped in the page
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "${1}" not in html
    assert html.count("移動できなくなる利用者 1 人") == 3  # b, c and e start at SA, SD and SC
