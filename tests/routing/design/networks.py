"""Hand-made link networks of the network design tests."""

from __future__ import annotations

from transit.routing.design.network import LinkNetwork


def line4_network() -> LinkNetwork:
    """Four stops in a line 1-2-3-4 (5 min per link) with a spur 2-5 (3 min)."""
    return LinkNetwork(
        stops=(1, 2, 3, 4, 5),
        links={(1, 2): 5.0, (2, 3): 5.0, (3, 4): 5.0, (2, 5): 3.0},
        demand={(1, 4): 10.0, (1, 5): 20.0, (4, 1): 10.0, (3, 4): 60.0},
    )


def grid_network(side: int = 4) -> LinkNetwork:
    """A ``side``×``side`` grid of stops (ids from 1) with one diagonal per cell, integer link
    times 1–4 minutes and demand between most pairs (a few pairs have none)."""
    links: dict[tuple[int, int], float] = {}

    def sid(r: int, c: int) -> int:
        return r * side + c + 1

    for r in range(side):
        for c in range(side):
            if c + 1 < side:
                links[(sid(r, c), sid(r, c + 1))] = float(1 + (r + 2 * c) % 4)
            if r + 1 < side:
                links[(sid(r, c), sid(r + 1, c))] = float(1 + (2 * r + c) % 3)
            if r + 1 < side and c + 1 < side:
                a, b = (
                    (sid(r, c), sid(r + 1, c + 1))
                    if (r + c) % 2
                    else (sid(r, c + 1), sid(r + 1, c))
                )
                links[(min(a, b), max(a, b))] = float(2 + (r * c) % 3)
    n = side * side
    demand = {
        (o, d): float((o * 7 + d * 3) % 11 * 5)
        for o in range(1, n + 1)
        for d in range(1, n + 1)
        if o != d and (o * 7 + d * 3) % 11
    }
    return LinkNetwork(stops=tuple(range(1, n + 1)), links=links, demand=demand, name="grid")
