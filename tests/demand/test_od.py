"""OD from taps, linked journeys, and IPF (exact on the hand-made case; margins by property)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.demand.conftest import HEADER, KEY, RIDES, tap_lines
from transit.core.errors import InputError
from transit.demand.ingest import ingest_files
from transit.demand.od import gravity_seed, ipf, ipf_counts_od
from transit.demand.store.queries import linked_journeys, od_counts


def test_od_from_taps(tiny_feed: Path, tiny_taps: Path, tmp_path: Path) -> None:
    """Stop-to-stop OD of the 8 rides."""
    store = tmp_path / "s"
    ingest_files([tiny_taps], store=store, key=KEY, feed=tiny_feed)
    od = od_counts(store)
    assert od[["board_stop_id", "alight_stop_id", "rides"]].values.tolist() == [
        ["SA", "SB", 2],
        ["SA", "SC", 2],
        ["SB", "SC", 4],
    ]


def test_transfer_links_journeys(tiny_feed: Path, tmp_path: Path) -> None:
    """Same card, alighting at SB then boarding at SB 60 min later: one 2-leg journey SA→SC
    with a 90-minute window, two journeys with a 30-minute window; a ride from another stop
    (1 km away) is never a transfer."""
    rides = [
        *RIDES[:2],
        ("JE8", "T1", "SA", "08:00:00", "SB", "08:10:00"),
        ("JE8", "T2", "SB", "09:10:00", "SC", "09:30:00"),
        ("IC000000000003", "T1", "SA", "08:00:30", "SB", "08:10:05"),
        ("IC000000000003", "T2", "SA", "09:00:10", "SB", "09:10:05"),
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join([HEADER, *tap_lines(rides)]) + "\n", encoding="utf-8")
    store = tmp_path / "s"
    ingest_files([path], store=store, key=KEY, feed=tiny_feed)
    cols = ["origin_stop_id", "destination_stop_id", "legs", "journeys"]
    linked = linked_journeys(store, window_min=90)[cols].values.tolist()
    assert linked == [["SA", "SB", 1, 2], ["SA", "SC", 1, 2], ["SA", "SC", 2, 1]]
    short = linked_journeys(store, window_min=30)[cols].values.tolist()
    assert short == [["SA", "SB", 1, 3], ["SA", "SC", 1, 2], ["SB", "SC", 1, 1]]


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
