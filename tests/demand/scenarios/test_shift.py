"""The ``shift`` edit on the 4-stop network: exact stop times, located problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from transit.core.errors import InputErrors
from transit.demand.scenarios.apply import apply_scenario
from transit.demand.scenarios.scenario import load_scenario

from .network import write_city, write_scenario
from .test_edits import _apply, _calls


@pytest.fixture
def city(tmp_path: Path) -> Path:
    write_city(tmp_path)
    return tmp_path


def test_shift_moves_the_chosen_trips_at_every_stop(city: Path) -> None:
    feed = _apply(city, '[[edits]]\nkind = "shift"\nroute = "R1"\nminutes = 15\ntrips = ["T1"]\n')
    calls = _calls(feed)
    assert calls["T1"] == [
        ("SA", "08:15:00", "08:15:00"), ("SB", "08:25:00", "08:25:00"),
        ("SC", "08:35:00", "08:35:00"),
    ]  # fmt: skip
    assert calls["T2"][0] == ("SA", "09:00:00", "09:00:00")  # not chosen: as before
    assert calls["T3"][0] == ("SC", "08:30:00", "08:30:00")


def test_shift_problems_are_located(city: Path) -> None:
    bad = (
        '[[edits]]\nkind = "shift"\nroute = "R9"\nminutes = 5\n'
        '[[edits]]\nkind = "shift"\nroute = "R1"\nminutes = 0\ntrips = ["U1"]\n'
        'service_ids = ["SAT"]\n'
    )
    with pytest.raises(InputErrors) as info:
        apply_scenario(load_scenario(write_scenario(city, "bad", bad)))
    assert [str(e) for e in info.value.errors] == [
        "bad.toml, field edits[1].route: no route 'R9' in the feed",
        "bad.toml, field edits[2].trips: no trip 'U1' on route R1",
        "bad.toml, field edits[2].service_ids: no service 'SAT' in the feed",
        "bad.toml, field edits[2].minutes: a shift of 0 minutes changes nothing",
    ]
