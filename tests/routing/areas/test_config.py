"""AREA.toml / AREAS.toml: every problem reported at once, with its location."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from transit.core.errors import ConfigError, InputError, InputErrors
from transit.routing.areas.config import AreaConfig, load_area, load_areas, parse_hhmm


def test_area_config_reports_all_problems(tmp_path: Path, sample: Path) -> None:
    """A bad AREA.toml lists every problem (unknown key, bad values, missing file) at once."""
    path = tmp_path / "bad.toml"
    path.write_text(
        f"""
[area]
id = "x"
name_ja = "x"
polygon = "{sample}/areas/candidate_areas.geojson"
population = "nowhere.csv"
destinations = "{sample}/places.csv"
colour = "red"

[fleet]
vehicles = 0

[demand]
advance_share = 1.5
""",
        "utf-8",
    )
    with pytest.raises(InputErrors) as info:
        load_area(path)
    msgs = sorted(str(e) for e in info.value.errors)
    assert len(msgs) == 1 and "area.colour" in msgs[0] and "unknown key" in msgs[0]
    path.write_text(path.read_text("utf-8").replace('colour = "red"\n', ""), "utf-8")
    with pytest.raises(InputErrors) as info2:
        load_area(path)
    found = sorted((e.location.field, e.message) for e in info2.value.errors if e.location)  # type: ignore[union-attr]
    assert found == [
        ("area.population", f"file not found: {tmp_path / 'nowhere.csv'}"),
        ("demand.advance_share", "must be between 0 and 1, got 1.5"),
        ("fleet.vehicles", "must be at least 1, got 0"),
    ]
    assert all(isinstance(e, ConfigError) for e in info2.value.errors)


def test_area_date_is_validated_with_its_location(tmp_path: Path, sample: Path) -> None:
    """``[area] date`` must be YYYY-MM-DD; a bad one is reported at ``area.date``."""
    from tests.routing.areas.tiny import TINY

    path = tmp_path / "a.toml"
    text = TINY.format(id="kitaura", name="北浦", sample=sample, n=3)
    path.write_text(text.replace("[fleet]", 'date = "2026/05/04"\n\n[fleet]'), "utf-8")
    with pytest.raises(InputErrors) as info:
        load_area(path)
    found = [(e.location.field, e.message) for e in info.value.errors if e.location]  # type: ignore[union-attr]
    assert found == [("area.date", "not a date YYYY-MM-DD: '2026/05/04'")]
    assert info.value.errors[0].location.file == "a.toml"  # type: ignore[union-attr]
    path.write_text(text.replace("[fleet]", 'date = "2026-05-04"\n\n[fleet]'), "utf-8")
    assert load_area(path).area.service_date == dt.date(2026, 5, 4)


def test_load_areas_returns_the_settings_it_read(tiny_areas: list[AreaConfig]) -> None:
    """``load_areas`` gives the AREAS.toml settings with the areas (no second parse)."""
    folder = Path(tiny_areas[0].base_dir)
    study = load_areas(folder / "AREAS.toml")
    assert study.settings.reference == "kitaura"
    assert [a.area.id for a in study.areas] == ["kitaura", "kitagawa"]


def test_clock_times_parse_through_the_time_module() -> None:
    """Shift times and bus departures: ``HH:MM`` (hours may pass 23); anything else is refused
    with the same message as before."""
    assert parse_hhmm("08:30") == 30600.0 and parse_hhmm(" 25:05 ") == 90300.0
    for bad in ("8", "ab:cd", "08:60"):
        with pytest.raises(InputError, match="not a time HH:MM"):
            parse_hhmm(bad)


def _tiny(tmp_path: Path, sample: Path, name: str = "a", add: str = "") -> Path:
    from tests.routing.areas.tiny import TINY

    path = tmp_path / f"{name}.toml"
    text = TINY.format(id="kitaura", name="北浦", sample=sample, n=6)
    path.write_text(text + add, "utf-8")
    return path


def _problems(path: Path) -> list[tuple[str | None, str]]:
    with pytest.raises(InputErrors) as info:
        load_area(path)
    return [(e.location.field if e.location else None, e.message) for e in info.value.errors]


def test_shift_and_profile_problems_are_located(tmp_path: Path, sample: Path) -> None:
    """The shift must start at 00:00 or later, end after its start, last at most 24 hours and
    leave time before the last pickup; the profile must have an hour inside that window."""
    text = _tiny(tmp_path, sample).read_text("utf-8")
    cases = {
        'start = "-01:00"': ("shift.start", "must be 00:00 or later, got '-01:00'"),
        'end = "33:00"': ("shift.end", "the shift 08:00–33:00 is longer than 24 hours"),
        'end = "8h"': ("shift.end", "not a time HH:MM: '8h'"),
        "last_pickup_min = 120": (
            "shift.last_pickup_min",
            "must be below the shift's length (120 min), got 120",
        ),
        '"8" = 1.0, "9" = 1.0': (
            "demand.outbound_profile",
            "no hour with a positive share between 08:00 and 09:30 (the shift, up to the last "
            "pickup)",
        ),
        '"9" = 1.0 }': ("demand.outbound_profile", "keys are clock hours 0-30, got '09'"),
    }
    replaced = {
        'start = "-01:00"': ('start = "08:00"', 'start = "-01:00"'),
        'end = "33:00"': ('end = "10:00"', 'end = "33:00"'),
        'end = "8h"': ('end = "10:00"', 'end = "8h"'),
        "last_pickup_min = 120": ("last_pickup_min = 30", "last_pickup_min = 120"),
        '"8" = 1.0, "9" = 1.0': ('"8" = 1.0, "9" = 1.0', '"8" = 0.0, "16" = 1.0'),
        '"9" = 1.0 }': ('"9" = 1.0 }', '"09" = 1.0 }'),
    }
    for key, expected in cases.items():
        old, new = replaced[key]
        path = tmp_path / "s.toml"
        path.write_text(text.replace(old, new), "utf-8")
        assert _problems(path) == [expected], key


def test_a_day_of_solver_time_is_the_limit(tmp_path: Path, sample: Path) -> None:
    """Re-optimizations × solver time per day must stay within an hour."""
    path = _tiny(
        tmp_path, sample, add="reoptimize = true\nreopt_interval_min = 0.1\ntime_limit_s = 5\n"
    )
    path.write_text(path.read_text("utf-8").replace("reoptimize = false\n", ""), "utf-8")
    assert _problems(path) == [
        (
            "dispatch.reopt_interval_min",
            "1,200 re-optimizations of 5 s each (every 0.1 min over a 2.0-hour shift) would take "
            "up to 1.7 hours of solver time, above the limit of 1 hour a day: raise "
            "reopt_interval_min or lower time_limit_s",
        )
    ]


def test_copies_are_checked_like_files(tiny_areas: list[AreaConfig]) -> None:
    """``with_changes`` / ``with_vehicles`` refuse what the loader refuses, with the file."""
    cfg = tiny_areas[0]
    with pytest.raises(InputErrors) as info:
        cfg.with_changes(dispatch={"reopt_interval_min": 0.0})
    assert [str(e) for e in info.value.errors] == [
        "kitaura.toml, field dispatch.reopt_interval_min: must be above 0, got 0"
    ]
    with pytest.raises(InputErrors) as info:
        cfg.with_changes(shift={"end": "07:00"})
    assert [str(e) for e in info.value.errors] == [
        "kitaura.toml, field shift.end: end 07:00 is not after start 08:00"
    ]
    with pytest.raises(InputErrors, match="must be at most 100, got 101"):
        cfg.with_vehicles(101)
    assert cfg.with_vehicles(3).fleet.vehicles == 3


def test_defaults_are_inside_their_ranges() -> None:
    """Every default of an area file passes its own range."""
    from transit.core.config import range_problems
    from transit.routing.areas.config import AreaSource, Demand, Fleet, Shift
    from transit.routing.sim.setup import Costs, Dispatch, Service

    source = AreaSource(id="x", name_ja="x", polygon="", population="p", destinations="d")
    for obj in (source, Fleet(), Shift(), Demand(), Service(), Costs(), Dispatch()):
        assert range_problems(obj) == []


def test_every_range_is_documented_beside_its_key() -> None:
    """docs/drt-simulation.md writes each numeric key's range first in its comment, as the code
    declares it."""
    import dataclasses
    import typing

    from transit.core.config import field_range
    from transit.core.paths import REPO_DIR

    text = (REPO_DIR / "docs" / "drt-simulation.md").read_text("utf-8")
    block = text.split("## AREA.toml", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    documented: dict[tuple[str, str], str] = {}
    section = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            section = line.strip("[]")
        elif " = " in line and not line.startswith(" "):
            follows = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].startswith(" ") else ""
            comment = line.partition("#")[2] or follows.partition("#")[2]
            documented[(section, line.split(" = ")[0])] = comment.strip()
    expected = {}
    for sec in dataclasses.fields(AreaConfig):
        cls = typing.get_type_hints(AreaConfig)[sec.name]
        if dataclasses.is_dataclass(cls):
            for f in dataclasses.fields(cls):
                rng = field_range(f)
                if rng is not None:
                    expected[(sec.name, f.name)] = rng.interval()
    assert len(expected) == 29  # every numeric key of the file
    for key, interval in expected.items():
        assert documented[key].startswith(interval), (key, interval, documented.get(key))
