"""The generator of Mumford2/3-size stand-ins (benchmarks/tndp_generator.py): sizes, determinism."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from transit.routing.design.network import read_link_network
from transit.routing.design.problem import make_problem


def _generator() -> ModuleType:
    path = Path(__file__).parents[3] / "benchmarks" / "tndp_generator.py"
    spec = importlib.util.spec_from_file_location("tndp_generator", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tndp_generator", module)
    spec.loader.exec_module(module)
    return module


def test_standins_have_the_published_sizes_and_are_reproducible(tmp_path: Path) -> None:
    gen = _generator()
    assert gen.STANDINS["gen110"][:5] == (110, 385, 56, 10, 22)
    assert gen.STANDINS["gen127"][:5] == (127, 425, 60, 12, 25)
    prefix = gen.standin("gen110", tmp_path / "a")
    again = gen.standin("gen110", tmp_path / "b")
    for kind in ("nodes", "links", "demand"):
        first = (prefix.parent / f"gen110_{kind}.txt").read_bytes()
        assert first == (again.parent / f"gen110_{kind}.txt").read_bytes(), kind
    net = read_link_network(prefix.parent, prefix.name)
    assert (len(net.stops), len(net.links), len(net.demand)) == (110, 385, 110 * 109)
    assert all(net.demand[(o, d)] == net.demand[(d, o)] for o, d in net.demand)
    assert {q % 5 for q in net.demand.values()} == {0.0}
    assert min(net.demand.values()) >= 5 and max(net.demand.values()) <= 800
    problem = make_problem(net, n_routes=56, min_nodes=10, max_nodes=22)  # connected
    assert min(len(nb) for nb in problem.neighbours) >= 2
    assert max(len(nb) for nb in problem.neighbours) <= 10
