"""Fixtures of the network design tests: the hand-made networks of :mod:`tests.routing.design.networks`."""

from __future__ import annotations

import pytest

from tests.routing.design.networks import grid_network, line4_network
from transit.routing.design.network import LinkNetwork


@pytest.fixture
def line4() -> LinkNetwork:
    """Four stops in a line 1-2-3-4 (5 min per link) with a spur 2-5 (3 min)."""
    return line4_network()


@pytest.fixture
def grid() -> LinkNetwork:
    """A 4×4 grid network with diagonals (see :func:`~tests.routing.design.networks.grid_network`)."""
    return grid_network()
