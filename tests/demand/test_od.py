"""IPF OD from counts (exact on the hand-made case; margins by property). The OD from taps and
linked journeys are queries of the store: tests/demand/store/test_queries.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.core.errors import InputError
from transit.demand.od import gravity_seed, ipf, ipf_counts_od


def test_ipf_recovers_the_three_stop_od() -> None:
    """Boardings (3, 3, 0) and alightings (0, 1, 5) have one OD: SA→SB 1, SA→SC 2, SB→SC 3."""
    res = ipf(np.array([3.0, 3.0, 0.0]), np.array([0.0, 1.0, 5.0]))
    assert res.od == pytest.approx(np.array([[0, 1, 2], [0, 0, 3], [0, 0, 0]]), abs=1e-9)
    assert res.scale == 1.0
    assert res.max_error <= 1e-6


def test_ipf_with_ic_seed_keeps_zero_cells() -> None:
    """A seed's zero cells stay zero and the margins still hold."""
    b = np.array([4.0, 2.0, 1.0, 0.0])
    a = np.array([0.0, 0.0, 3.0, 4.0])
    seed = np.triu(np.ones((4, 4)), 1)
    seed[0, 1] = 0.0
    res = ipf(b, a, seed=seed)
    assert res.od[0, 1] == 0.0
    assert res.od.sum(axis=1) == pytest.approx(b, abs=1e-6)
    assert res.od.sum(axis=0) == pytest.approx(a, abs=1e-6)


def test_ipf_scales_unbalanced_alightings() -> None:
    """Alightings totalling 10 against 5 boardings are halved, and that factor is reported."""
    res = ipf(np.array([5.0, 0.0]), np.array([0.0, 10.0]))
    assert res.scale == 0.5
    assert res.od[0, 1] == pytest.approx(5.0)


def test_ipf_rejects_impossible_counts() -> None:
    """Boardings at the last stop with nowhere to go raise an input error."""
    with pytest.raises(InputError):
        ipf(np.array([0.0, 2.0]), np.array([0.0, 2.0]))


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=9).flatmap(
        lambda n: st.lists(
            st.integers(min_value=1, max_value=200),
            min_size=n * (n - 1) // 2,
            max_size=n * (n - 1) // 2,
        ).map(lambda v: (n, v))
    ),
    st.floats(min_value=0.0, max_value=0.5),
)
def test_ipf_margins_property(case: tuple[int, list[int]], beta: float) -> None:
    """For counts made from any OD on i < j, IPF (any gravity seed) reproduces both margins to 1e-6."""
    n, values = case
    od = np.zeros((n, n))
    od[np.triu_indices(n, 1)] = values
    b, a = od.sum(axis=1), od.sum(axis=0)
    res = ipf(b, a, seed=gravity_seed(np.arange(n, dtype=float), beta=beta))
    assert np.abs(res.od.sum(axis=1) - b).max() <= 1e-6
    assert np.abs(res.od.sum(axis=0) - a).max() <= 1e-6
    assert np.allclose(np.tril(res.od), 0.0)


def test_ipf_counts_od_per_line() -> None:
    """Per-line IPF from stop counts (kind c) matches the margins of each line."""
    counts = pd.DataFrame(
        {
            "route_id": ["1"] * 3 + ["2"] * 2,
            "direction_id": [0] * 5,
            "stop_sequence": [1, 2, 3, 1, 2],
            "stop_id": ["a", "b", "c", "x", "y"],
            "boardings": [3.0, 3.0, 0.0, 7.0, 0.0],
            "alightings": [0.0, 1.0, 5.0, 0.0, 7.0],
        }
    )
    od, fits = ipf_counts_od(counts)
    assert od[["route_id", "origin_stop_id", "destination_stop_id"]].values.tolist() == [
        ["1", "a", "b"],
        ["1", "a", "c"],
        ["1", "b", "c"],
        ["2", "x", "y"],
    ]
    assert od["riders"].tolist() == pytest.approx([1.0, 2.0, 3.0, 7.0])
    assert fits["max_error"].max() <= 1e-6
