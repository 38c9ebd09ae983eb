"""Shared builders of the network design tests: a hand-made line network."""

from __future__ import annotations

import pytest

from transit.routing.design.network import LinkNetwork


@pytest.fixture
def line4() -> LinkNetwork:
    """Four stops in a line 1-2-3-4 (5 min per link) with a spur 2-5 (3 min)."""
    return LinkNetwork(
        stops=(1, 2, 3, 4, 5),
        links={(1, 2): 5.0, (2, 3): 5.0, (3, 4): 5.0, (2, 5): 3.0},
        demand={(1, 4): 10.0, (1, 5): 20.0, (4, 1): 10.0, (3, 4): 60.0},
    )
