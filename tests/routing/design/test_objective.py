"""Objectives (scores and reported values) and the archive of non-dominated route sets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transit.core.errors import InputError
from transit.routing.design.network import LinkNetwork
from transit.routing.design.objective import Objective, ParetoArchive
from transit.routing.design.problem import make_problem


def test_objective_scores_and_values(line4: LinkNetwork) -> None:
    problem = make_problem(line4, n_routes=2, min_nodes=2, max_nodes=4)  # t_max 15
    passenger = Objective.of("passenger", problem)
    operator = Objective.of("operator", problem)
    weighted = Objective.of("weighted", problem, 0.25)
    assert passenger.value(12.0, 40.0) == 12.0
    assert operator.value(12.0, 40.0) == 40.0
    assert weighted.value(12.0, 40.0) == pytest.approx(0.25 * 12 / 15 + 0.75 * 40 / 30)
    assert passenger.score(12.0, 40.0) < passenger.score(12.0, 41.0) < passenger.score(12.1, 0.0)
    assert operator.score(20.0, 40.0) < operator.score(21.0, 40.0) < operator.score(0.0, 41.0)


@pytest.mark.parametrize(
    ("kind", "weight", "message"),
    [
        ("fast", None, "x, field objective: unknown objective 'fast' (expected one of passenger, operator, weighted)"),
        ("weighted", None, "x, field weight: the weighted objective needs a weight between 0 and 1 (got None)"),
        ("weighted", 1.5, "x, field weight: the weighted objective needs a weight between 0 and 1 (got 1.5)"),
    ],
)  # fmt: skip
def test_bad_objectives(line4: LinkNetwork, kind: str, weight: float | None, message: str) -> None:
    net = LinkNetwork(line4.stops, line4.links, line4.demand, name="x")
    problem = make_problem(net, n_routes=2, min_nodes=2, max_nodes=4)
    with pytest.raises(InputError) as info:
        Objective.of(kind, problem, weight)
    assert str(info.value) == message


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60))
def test_archive_keeps_exactly_the_non_dominated(points: list[tuple[int, int]]) -> None:
    archive = ParetoArchive()
    for k, (att, trt) in enumerate(points):
        archive.offer(float(att), float(trt), [(k, k + 1)])
    front = {
        (a, t)
        for a, t in points
        if not any(a2 <= a and t2 <= t and (a2, t2) != (a, t) for a2, t2 in points)
    }
    assert set(zip(archive.att, archive.trt, strict=True)) == {
        (float(a), float(t)) for a, t in front
    }
    assert archive.trt == sorted(archive.trt)
    assert all(x > y for x, y in zip(archive.att, archive.att[1:], strict=False))
    # the first route set offered of each kept point is the one kept
    for att, trt, routes in zip(archive.att, archive.trt, archive.routes, strict=True):
        first = points.index((int(att), int(trt)))
        assert routes == ((first, first + 1),)
