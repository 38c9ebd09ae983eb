"""Request generation (seeded, profile, booking mix) and request-log replay."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transit.core.errors import InputError, InputErrors
from transit.routing.areas.bookings import (
    COLUMNS,
    advance_booked_s,
    generate_requests,
    read_request_log,
    write_request_log,
)
from transit.routing.areas.config import Demand

SHIFT = (8 * 3600.0, 17 * 3600.0)
POP = pd.DataFrame(
    {
        "lon": [131.80, 131.81, 131.82],
        "lat": [32.70, 32.71, 32.72],
        "population": [100.0, 50.0, 0.0],
        "elderly": [40.0, 10.0, 0.0],
    }
)
PLACES = pd.DataFrame(
    {
        "place_id": ["H1", "S1", "B1", "X1"],
        "kind": ["hospital", "supermarket", "bus_hub", "zoo"],
        "lon": [131.805, 131.815, 131.82, 131.83],
        "lat": [32.705, 32.715, 32.71, 32.73],
    }
)


def _gen(seed: int = 1, **changes: object) -> pd.DataFrame:
    demand = dataclasses.replace(Demand(), **changes)  # type: ignore[arg-type]
    return generate_requests(POP, PLACES, demand=demand, shift_s=SHIFT, seed=seed)


def test_same_seed_same_requests_other_seed_differs() -> None:
    """Generation is a pure function of its inputs and seed."""
    a, b, c = _gen(7, requests=40), _gen(7, requests=40), _gen(8, requests=40)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert list(a.columns) == list(COLUMNS)


def test_fixed_request_count_and_fields() -> None:
    """`requests` gives exactly that many rows; times, bookings and hubs are consistent."""
    df = _gen(3, requests=60)
    assert len(df) == 60
    assert df["request_id"].is_unique
    latest = SHIFT[1] - 45 * 60
    assert df["desired_s"].between(SHIFT[0], latest).all()
    adv = df[df["booking"] == "advance"]
    imm = df[df["booking"] == "immediate"]
    assert advance_booked_s() == -6 * 3600.0  # 18:00 the day before
    assert (adv["booked_s"] == advance_booked_s()).all()
    assert ((imm["booked_s"] <= imm["desired_s"]) & (imm["booked_s"] >= SHIFT[0] - 1800)).all()
    assert set(df["purpose"]) <= {"hospital", "supermarket", "bus_hub", "home"}
    assert (df["to_hub"] == (df["purpose"] == "bus_hub")).all()
    out = df[df["direction"] == "outbound"]
    # homes are population points with people; the zero-population point is never drawn
    assert set(zip(out["origin_lon"], out["origin_lat"], strict=True)) <= {
        (131.80, 32.70),
        (131.81, 32.71),
    }
    back = df[df["direction"] == "return"]
    assert (back["purpose"] == "home").all()
    assert list(df["booked_s"]) == sorted(df["booked_s"])


def test_rate_gives_poisson_count_around_the_mean() -> None:
    """With the rate, the count is a Poisson draw: zero residents → zero requests."""
    df = _gen(1, trips_per_1000_residents=0.0)
    assert len(df) == 0
    assert list(df.columns) == list(COLUMNS)
    many = generate_requests(
        POP.assign(population=POP["population"] * 100),
        PLACES,
        demand=Demand(return_share=0.0, trips_per_1000_residents=10.0),
        shift_s=SHIFT,
        seed=5,
    )
    mean = 10.0 / 1000 * (15000 + 50 * 100 * 1.0)  # population + elderly_weight × elderly
    assert abs(len(many) - mean) < 4 * mean**0.5


def test_all_advance_and_all_immediate() -> None:
    """advance_share 1 / 0 gives only advance / only immediate bookings."""
    assert set(_gen(2, requests=20, advance_share=1.0)["booking"]) == {"advance"}
    assert set(_gen(2, requests=20, advance_share=0.0)["booking"]) == {"immediate"}


def test_no_destination_of_a_wanted_kind_is_an_error() -> None:
    """Shares only on kinds absent from the destinations → one clear error."""
    with pytest.raises(InputError, match="no destination of any kind"):
        _gen(1, destination_shares={"school": 1.0})


def test_profile_outside_the_shift_is_an_error() -> None:
    """An outbound profile with no hour inside the shift cannot generate anything."""
    with pytest.raises(InputError, match="no positive hour"):
        _gen(1, outbound_profile={"20": 1.0})


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1), n=st.integers(min_value=0, max_value=25))
def test_request_log_round_trip(
    tmp_path_factory: pytest.TempPathFactory, seed: int, n: int
) -> None:
    """Writing a request table as a log and reading it back gives the same table."""
    df = _gen(seed, requests=n) if n else _gen(seed, trips_per_1000_residents=0.0)
    path = tmp_path_factory.mktemp("log") / "requests.csv"
    write_request_log(df, path)
    back = read_request_log(path)
    pd.testing.assert_frame_equal(
        back.reset_index(drop=True), df.reset_index(drop=True), check_dtype=False
    )


def test_request_log_reports_every_bad_cell(tmp_path: Path) -> None:
    """Bad cells are reported together, each with its row and column."""
    path = tmp_path / "log.csv"
    path.write_text(
        "request_id,booked_at,desired_at,origin_lon,origin_lat,dest_lon,dest_lat,passengers\n"
        "A,08:00,08:30,131.8,32.7,131.81,32.71,1\n"
        "B,8h,08:30,131.8,32.7,131.81,32.71,1\n"
        "A,09:00,08:30,east,32.7,131.81,32.71,0\n",
        "utf-8",
    )
    with pytest.raises(InputErrors) as info:
        read_request_log(path)
    found = [(e.location.row, e.location.column, e.message) for e in info.value.errors]  # type: ignore[union-attr]
    assert found == [
        (3, "booked_at", "not a time HH:MM[:SS]: '8h'"),
        (4, "origin_lon", "not a number: 'east'"),
        (4, "passengers", "must be at least 1, got 0"),
        (4, "booked_at", "booked after the desired pickup time"),
        (4, "request_id", "duplicate request id 'A'"),
    ]


def test_request_log_minimal_columns(tmp_path: Path) -> None:
    """Only the required columns: defaults fill the rest; the day before = advance."""
    path = tmp_path / "log.csv"
    path.write_text(
        "request_id,booked_at,desired_at,origin_lon,origin_lat,dest_lon,dest_lat\n"
        "r2,08:10,08:20:30,131.8,32.7,131.81,32.71\n"
        "r1,-06:00,09:00,131.8,32.7,131.81,32.71\n",
        "utf-8",
    )
    df = read_request_log(path)
    assert df["request_id"].tolist() == ["r1", "r2"]
    assert df["booking"].tolist() == ["advance", "immediate"]
    assert df["booked_s"].tolist() == [-21600.0, 29400.0]
    assert df["desired_s"].tolist() == [32400.0, 30030.0]
    assert df["passengers"].tolist() == [1, 1]
    assert df["to_hub"].tolist() == [False, False]
    with pytest.raises(InputError, match="missing columns: dest_lat"):
        bad = tmp_path / "bad.csv"
        bad.write_text("request_id,booked_at,desired_at,origin_lon,origin_lat,dest_lon\n", "utf-8")
        read_request_log(bad)


def test_request_log_coordinates_must_be_finite(tmp_path: Path) -> None:
    """``nan`` and ``inf`` parse as floats but are no coordinates: each is a bad cell."""
    path = tmp_path / "log.csv"
    path.write_text(
        "request_id,booked_at,desired_at,origin_lon,origin_lat,dest_lon,dest_lat\n"
        "A,08:00,08:30,nan,32.7,131.81,inf\n",
        "utf-8",
    )
    with pytest.raises(InputErrors) as info:
        read_request_log(path)
    found = [(e.location.row, e.location.column, e.message) for e in info.value.errors]  # type: ignore[union-attr]
    assert found == [
        (2, "origin_lon", "not a number: 'nan'"),
        (2, "dest_lat", "not a number: 'inf'"),
    ]


def test_a_negative_seed_is_an_input_error() -> None:
    """NumPy takes seeds from 0 up: a negative one is refused with a message."""
    with pytest.raises(InputError, match=r"^seed must be at least 0, got -1$"):
        _gen(-1, requests=5)
