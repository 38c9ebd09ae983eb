"""Reading link networks and route-set files."""

from __future__ import annotations

import pytest

from transit.core.errors import InputError
from transit.routing.design.network import parse_route_set


def test_parse_route_set_names_the_bad_line() -> None:
    assert parse_route_set("# comment\n1-2-3\n\n3-4\n") == ((1, 2, 3), (3, 4))
    with pytest.raises(InputError) as info:
        parse_route_set("1-2\n1-x-3\n", source="plan.txt")
    assert (
        str(info.value)
        == "plan.txt, row 2: '1-x-3' is not a route (expected stop ids joined by '-', e.g. 1-2-3)"
    )
