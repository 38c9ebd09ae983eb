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
