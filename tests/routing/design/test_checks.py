"""Route-set feasibility on plain tuples of stop ids."""

from __future__ import annotations

from transit.routing.design.checks import check_route_set
from transit.routing.design.network import LinkNetwork


def test_check_route_set_lists_every_problem(line4: LinkNetwork) -> None:
    assert check_route_set(line4, [(1, 3), (2, 2)], max_stops=8) == [
        "route 1 uses 1-3, which is not a link",
        "route 2 repeats a stop",
        "route 2 uses 2-2, which is not a link",
        "stops not covered by any route: [4, 5]",
        "the routes do not form one connected network",
    ]
