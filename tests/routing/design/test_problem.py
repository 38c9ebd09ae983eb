"""The optimizer's index view of a network, and the bounds a route set must meet."""

from __future__ import annotations

import pytest

from transit.core.errors import InputError
from transit.routing.design.network import LinkNetwork
from transit.routing.design.problem import make_problem


def test_index_view_of_a_network(line4: LinkNetwork) -> None:
    problem = make_problem(line4, n_routes=2, min_nodes=2, max_nodes=4)
    assert problem.node_ids == (1, 2, 3, 4, 5)
    assert problem.neighbours == ((1,), (0, 2, 4), (1, 3), (2,), (1,))
    assert problem.scale == 1
    assert problem.shortest_path(0, 3) == (0, 1, 2, 3)
    assert problem.shortest_path(4, 0) == (4, 1, 0)
    assert problem.route_time((4, 1, 2)) == 8
    assert problem.t_max == 15.0
    assert problem.demand[0, 3] == 10.0
    assert problem.to_ids([(4, 1, 2)]) == ((5, 2, 3),)
    assert problem.from_ids(((5, 2, 3),)) == [(4, 1, 2)]
    with pytest.raises(ValueError, match="read-only"):
        problem.demand[0, 0] = 1.0


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ((0, 2, 4), "line4, field routes: a route set needs at least 1 route (got 0)"),
        ((2, 1, 4), "line4, field min_nodes: a route needs at least 2 stops (got min_nodes 1)"),
        ((2, 4, 3), "line4, field max_nodes: max_nodes 3 is below min_nodes 4"),
        (
            (2, 6, 8),
            "line4, field min_nodes: routes of at least 6 stops cannot be built on 5 stops",
        ),
        (
            (2, 2, 2),
            "line4, field max_nodes: 2 connected routes of at most 2 stops cover at most 3 stops; "
            "line4 has 5",
        ),
    ],
)
def test_bounds_that_cannot_be_met(
    line4: LinkNetwork, bounds: tuple[int, int, int], message: str
) -> None:
    net = LinkNetwork(line4.stops, line4.links, line4.demand, name="line4")
    n_routes, lo, hi = bounds
    with pytest.raises(InputError) as info:
        make_problem(net, n_routes=n_routes, min_nodes=lo, max_nodes=hi)
    assert str(info.value) == message


def test_disconnected_links_are_rejected() -> None:
    net = LinkNetwork(
        stops=(1, 2, 3, 4), links={(1, 2): 1.0, (3, 4): 1.0}, demand={(1, 2): 1.0}, name="split"
    )
    with pytest.raises(InputError) as info:
        make_problem(net, n_routes=2, min_nodes=2, max_nodes=3)
    assert str(info.value) == (
        "split, field links: the links do not connect every stop "
        "(stop 3 cannot be reached from stop 1)"
    )
