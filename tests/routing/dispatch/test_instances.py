"""Benchmark readers: Cordeau (2006) DARP, Li & Lim PDPTW, best-known values."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from transit.core.errors import InputError
from transit.routing.dispatch.bench import list_instances
from transit.routing.dispatch.instances import (
    gap_pct,
    read_bks,
    read_cordeau,
    read_lilim,
    read_node_routes,
    visits_from_nodes,
)

LILIM = """\
2\t10\t1
0\t0\t0\t0\t0\t100\t0\t0\t0
1\t3\t4\t4\t0\t50\t2\t0\t3
2\t6\t8\t3\t10\t60\t2\t0\t4
3\t0\t8\t-4\t20\t80\t1\t1\t0
4\t6\t0\t-3\t5\t90\t1\t2\t0
"""


@pytest.mark.external
def test_read_cordeau_a2_16(external: Path) -> None:
    """Header, nodes and derived fields of a2-16."""
    problem = read_cordeau(external / "darp" / "cordeau2006" / "a2-16.txt")
    assert problem.name == "a2-16"
    assert (problem.n_nodes, len(problem.requests), len(problem.vehicles)) == (34, 16, 2)
    assert (problem.time_unit, problem.scale, problem.penalty) == ("min", 10_000.0, None)
    r1, r9 = problem.request("1"), problem.request("9")
    assert (r1.pickup, r1.delivery, r1.load, r1.max_ride) == (1, 17, 1, 30.0)
    assert (r1.pickup_window, r1.delivery_window) == ((0.0, 1440.0), (402.0, 417.0))
    assert (r1.pickup_service, r1.delivery_service) == (3.0, 3.0)
    assert (r9.pickup_window, r9.delivery_window) == ((276.0, 291.0), (0.0, 1440.0))
    veh = problem.vehicles[0]
    assert (veh.id, veh.capacity, veh.start, veh.end, veh.shift, veh.max_duration) == (
        "1",
        3,
        0,
        33,
        (0.0, 480.0),
        480.0,
    )
    assert problem.travel_time[0, 1] == pytest.approx(math.hypot(1.198, 5.164), abs=1e-12)
    assert problem.travel_time[0, 33] == 0.0
    assert not problem.travel_time.flags.writeable


@pytest.mark.external
def test_read_bks_and_routes(external: Path) -> None:
    """bks.csv: 48 rows, 30 verified; rf_solutions.json routes map back to visits."""
    folder = external / "darp" / "cordeau2006"
    bks = read_bks(folder / "bks.csv")
    assert len(bks) == 48
    assert sum(b.verified for b in bks.values()) == 30
    assert (bks["a2-16"].cost, bks["a2-16"].verified) == (294.25, True)
    assert (bks["b3-30"].cost, bks["b3-30"].verified) == (531.44, False)
    objective, routes = read_node_routes(folder / "rf_solutions.json")["a4-16"]
    assert objective == pytest.approx(282.677371)
    visits = visits_from_nodes(read_cordeau(folder / "a4-16.txt"), routes)
    assert [(v.request_id, v.kind) for v in visits[0]] == [("6", "pickup"), ("6", "delivery")]


@pytest.mark.external
def test_list_instances_patterns(external: Path) -> None:
    """Natural order and glob patterns; an unknown name is an input error."""
    folder = external / "darp" / "cordeau2006"
    names = [p.stem for p in list_instances(folder, patterns=["a2-*", "a8-96"])]
    assert names == ["a2-16", "a2-20", "a2-24", "a8-96"]
    assert len(list_instances(folder, patterns=["a*"])) == 24
    with pytest.raises(InputError, match="no instance named a9-99"):
        list_instances(folder, patterns=["a9-99"])


def test_read_lilim_tiny(tmp_path: Path) -> None:
    """A hand-made Li & Lim file: two requests 1→3 and 2→4, depot window [0, 100]."""
    path = tmp_path / "tiny.txt"
    path.write_text(LILIM, "utf-8")
    problem = read_lilim(path)
    assert problem.name == "tiny"
    assert [r.id for r in problem.requests] == ["1", "2"]
    r1, r2 = problem.requests
    assert (r1.pickup, r1.delivery, r1.load, r1.pickup_window, r1.delivery_window) == (
        1,
        3,
        4,
        (0.0, 50.0),
        (20.0, 80.0),
    )
    assert (r2.pickup, r2.delivery, r2.load, r2.pickup_service, r2.delivery_service) == (
        2,
        4,
        3,
        2.0,
        1.0,
    )
    assert r1.max_ride is None
    assert [(v.capacity, v.start, v.end, v.shift) for v in problem.vehicles] == [
        (10, 0, 0, (0.0, 100.0))
    ] * 2
    assert problem.distance is not None
    assert problem.distance[0, 1] == 5.0
    assert problem.travel_time[1, 2] == 5.0
    # default fixed cost: 10 x longest depot round trip (2 x 10) x 5 tasks
    assert problem.vehicles[0].fixed_cost == 1000.0


def test_read_lilim_broken_sibling(tmp_path: Path) -> None:
    """A pickup naming a delivery that does not name it back is reported with its row."""
    path = tmp_path / "bad.txt"
    path.write_text(
        LILIM.replace("1\t3\t4\t4\t0\t50\t2\t0\t3", "1\t3\t4\t4\t0\t50\t2\t0\t4"), "utf-8"
    )
    with pytest.raises(InputError, match=r"bad.txt, row 3: pickup 1 names delivery 4"):
        read_lilim(path)


def test_gap_pct() -> None:
    """Gap in percent over the best-known value."""
    assert gap_pct(101.0, 100.0) == pytest.approx(1.0)
    assert math.isnan(gap_pct(5.0, 0.0))
