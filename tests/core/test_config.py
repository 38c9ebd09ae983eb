"""Declared ranges of configuration fields: the loader's messages, structure first, built
instances checked."""

from __future__ import annotations

import dataclasses
import math

import pytest

from transit.core.config import (
    OutOfRange,
    Range,
    bounded,
    check_ranges,
    format_number,
    from_mapping,
    range_problems,
    share,
)
from transit.core.errors import InputErrors


@dataclasses.dataclass(frozen=True)
class _Limits:
    interval_min: float = bounded(20.0, gt=0, le=1440)
    vehicles: int = bounded(2, ge=1, le=100)
    ratio: float = share(0.5)
    weights: dict[str, float] = bounded(default_factory=dict, ge=0, le=1, between=True)  # noqa: RUF009

    def __post_init__(self) -> None:
        check_ranges(self, prefix="limits")


def test_a_refusal_names_the_bound_that_was_passed() -> None:
    """One bound in the message (``above``, ``at least``, ``at most``) or both (``between``)."""
    r = Range(gt=0, le=1440)
    assert r.problem(0.0) == "must be above 0, got 0"
    assert r.problem(-10) == "must be above 0, got -10"
    assert r.problem(1441.5) == "must be at most 1440, got 1441.5"
    assert r.problem(20.0) is None and r.problem(1440) is None
    assert Range(ge=1, le=100).problem(0) == "must be at least 1, got 0"
    assert Range(ge=0, le=1, between=True).problem(1.5) == "must be between 0 and 1, got 1.5"
    assert Range(ge=0).problem(math.nan) == "must be a finite number, got nan"
    assert Range(ge=0).problem(math.inf) == "must be a finite number, got inf"
    assert Range(ge=0.1, le=10).problem(1e300) == "must be at most 10, got 1e+300"


def test_ranges_read_in_interval_notation() -> None:
    assert Range(gt=0, le=1440).interval() == "(0, 1440]"
    assert Range(ge=0, le=1, between=True).interval() == "[0, 1]"
    assert Range(ge=1).interval() == "[1, ∞)"
    assert Range(le=5).interval() == "(-∞, 5]"
    assert [format_number(v) for v in (0.0, 2, 1.5, 1e16, -0.25)] == [
        "0",
        "2",
        "1.5",
        "1e+16",
        "-0.25",
    ]


def test_loader_reports_every_value_outside_its_range() -> None:
    """All values outside their ranges at once, each with file and key (a table's values too)."""
    with pytest.raises(InputErrors) as info:
        from_mapping(
            _Limits,
            {"interval_min": 0, "vehicles": 0, "ratio": 2, "weights": {"a": 0.5, "b": -1}},
            source="area.toml",
        )
    assert [str(e) for e in info.value.errors] == [
        "area.toml, field interval_min: must be above 0, got 0",
        "area.toml, field vehicles: must be at least 1, got 0",
        "area.toml, field ratio: must be between 0 and 1, got 2",
        "area.toml, field weights.b: must be between 0 and 1, got -1",
    ]
    assert all(isinstance(e, OutOfRange) for e in info.value.errors)


def test_wrong_keys_and_types_come_first() -> None:
    """With a key or type problem, only those are reported (values are checked once they are
    right)."""
    with pytest.raises(InputErrors) as info:
        from_mapping(_Limits, {"interval_min": 0, "vehicles": "two", "colour": 1}, source="a.toml")
    assert [str(e) for e in info.value.errors] == [
        "a.toml, field colour: unknown key (allowed: interval_min, ratio, vehicles, weights)",
        "a.toml, field vehicles: expected an integer, got 'two'",
    ]


def test_built_instances_are_checked() -> None:
    """``check_ranges`` in ``__post_init__``: a copy with a bad value is refused, with its key."""
    ok = _Limits()
    assert range_problems(ok) == []
    with pytest.raises(InputErrors) as info:
        dataclasses.replace(ok, interval_min=-1.0, ratio=math.nan)
    assert [str(e) for e in info.value.errors] == [
        "field limits.interval_min: must be above 0, got -1",
        "field limits.ratio: must be a finite number, got nan",
    ]
