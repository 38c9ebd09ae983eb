"""Checked on-demand inputs (issue 9, finding 5): every bad value of an area file, a bad polygon,
a depot that names nothing, points far from the road network, a negative seed, bad fleet sizes
and an unknown reference end with exit code 2 and one line per problem naming the file and the
key; nothing is written.

Each case is a small temp copy of ``data/sample/drt/kitaura.toml`` (its paths pointing at the
sample city) with one change.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from transit.cli import main
from transit.core.config import Range, field_range

#: A short day, so that the one run that is meant to succeed stays quick.
_FAST = '[shift]\nstart = "08:00"\nend = "10:00"\nlast_pickup_min = 30\n\n[demand]\nrequests = 6\noutbound_profile = { "8" = 1.0, "9" = 1.0 }\n'


def _kitaura(sample: Path) -> str:
    """``kitaura.toml`` with absolute paths into the sample city and a short day."""
    text = (sample / "drt" / "kitaura.toml").read_text("utf-8")
    head = text.split("[shift]")[0].replace('"../', f'"{sample}/')
    return head + _FAST


@pytest.fixture
def area(sample: Path, tmp_path: Path) -> Callable[..., Path]:
    """Write an area file ``NAME.toml`` from Kitaura's with text replaced and sections added."""
    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")

    def write(name: str, *, replace: dict[str, str] | None = None, add: str = "") -> Path:
        text = _kitaura(sample)
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / f"{name}.toml"
        path.write_text(text + add, "utf-8")
        return path

    return write


def _simulate(path: Path, *extra: str) -> tuple[int, Path]:
    """Run ``transit drt simulate`` on ``path`` into ``out_NAME``; returns the exit code and
    the output folder."""
    out = path.parent / f"out_{path.stem}"
    return main(["drt", "simulate", str(path), "--no-map", "-o", str(out), *extra]), out


def _refused(capsys: pytest.CaptureFixture[str], path: Path, *extra: str) -> list[str]:
    """Run ``transit drt simulate`` on ``path``: exit 2, nothing written; returns the error lines."""
    code, out = _simulate(path, *extra)
    err = capsys.readouterr().err.splitlines()
    assert code == 2, err
    assert not out.exists()
    assert not any("Traceback" in line for line in err)
    return err


@pytest.mark.parametrize(
    ("section", "name", "message"),
    [
        (
            "dispatch",
            "reopt_interval_min = 0",
            "dispatch.reopt_interval_min: must be above 0, got 0",
        ),
        ("dispatch", "time_limit_s = -1", "dispatch.time_limit_s: must be above 0, got -1"),
        ("dispatch", "horizon_min = -10", "dispatch.horizon_min: must be above 0, got -10"),
        (
            "service",
            "max_ride_factor = 0.5",
            "service.max_ride_factor: must be at least 1, got 0.5",
        ),
        ("costs", "fare_yen = -300", "costs.fare_yen: must be at least 0, got -300"),
    ],
)
def test_a_value_outside_its_range_is_refused(
    area: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
    section: str,
    name: str,
    message: str,
) -> None:
    """``reopt_interval_min = 0`` hung forever; ``time_limit_s = -1`` and ``horizon_min = -10``
    passed silently: now each is one line with the file and the key."""
    path = area("bad", add=f"\n[{section}]\n{name}\n")
    assert _refused(capsys, path) == [f"error: bad.toml, field {message}"]


def test_a_negative_demand_rate_is_refused(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``trips_per_1000_residents = -1`` ended in a NumPy traceback (``lam < 0``)."""
    path = area("trips", replace={"requests = 6": "trips_per_1000_residents = -1"})
    assert _refused(capsys, path) == [
        "error: trips.toml, field demand.trips_per_1000_residents: must be at least 0, got -1"
    ]


def test_every_problem_of_a_file_is_listed(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Several bad values: one line each, then the count."""
    path = area(
        "many",
        replace={'end = "10:00"': 'end = "07:00"', "vehicles = 2": "vehicles = 0"},
        add="\n[dispatch]\nreopt_interval_min = 0\ntime_limit_s = 601\n",
    )
    assert _refused(capsys, path) == [
        "error: many.toml, field fleet.vehicles: must be at least 1, got 0",
        "error: many.toml, field dispatch.reopt_interval_min: must be above 0, got 0",
        "error: many.toml, field dispatch.time_limit_s: must be at most 600, got 601",
        "error: 3 problems (listed above)",
    ]
    # with the ranges right, the shift that ends before it starts is reported
    path = area("shift", replace={'end = "10:00"': 'end = "07:00"'})
    assert _refused(capsys, path) == [
        "error: shift.toml, field shift.end: end 07:00 is not after start 08:00"
    ]


def test_a_negative_seed_is_a_usage_error(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``--seed -1`` ended in a NumPy traceback."""
    assert _refused(capsys, area("seed"), "--seed", "-1") == [
        "error: Invalid value for '--seed': -1 is not in the range x>=0. "
        "(see 'transit drt simulate --help')"
    ]


def test_a_fleet_above_the_limit_is_refused(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """At most 100 vehicles, in the file or with ``--vehicles``."""
    assert _refused(capsys, area("big", replace={"vehicles = 2": "vehicles = 101"})) == [
        "error: big.toml, field fleet.vehicles: must be at most 100, got 101"
    ]
    assert _refused(capsys, area("big2"), "--vehicles", "101") == [
        "error: vehicles must be between 1 and 100, got 101"
    ]


def test_an_unknown_depot_is_refused(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown ``depot`` silently started the cars at the polygon's centre."""
    path = area("depot", replace={'depot = "P21"': 'depot = "P99"'})
    assert _refused(capsys, path) == [
        "error: depot.toml, field fleet.depot: 'P99' is neither a place_id nor a kind of the "
        'area\'s destinations, nor "lon,lat" (places: P03, P08, P21, P24, S008_1; kinds: '
        "branch_office, bus_hub, clinic, school, supermarket)"
    ]
    path = area("depot2", replace={'depot = "P21"': 'depot = "131.8,north"'})
    assert _refused(capsys, path) == [
        "error: depot2.toml, field fleet.depot: not \"lon,lat\" in degrees: '131.8,north'"
    ]


def _polygon(sample: Path, tmp_path: Path, name: str, change: Callable[[list], None]) -> str:
    """Kitaura's feature alone in ``NAME.geojson``, its outer ring changed by ``change``."""
    data = json.loads((sample / "areas" / "candidate_areas.geojson").read_text("utf-8"))
    feature = next(f for f in data["features"] if f["properties"]["area_id"] == "kitaura")
    change(feature["geometry"]["coordinates"][0])
    data["features"] = [feature]
    (tmp_path / f"{name}.geojson").write_text(json.dumps(data), "utf-8")
    return str(tmp_path / f"{name}.geojson")


def _swap(ring: list) -> None:
    ring[0], ring[10] = ring[10], ring[0]
    ring[-1] = ring[0]


def test_a_polygon_must_be_valid_with_numeric_coordinates(
    area: Callable[..., Path], sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-numeric coordinate ended in a traceback; a self-intersecting polygon passed."""
    geo = f"{sample}/areas/candidate_areas.geojson"
    text = _polygon(sample, tmp_path, "text", lambda ring: ring.__setitem__(3, ["abc", 32.7]))
    assert _refused(capsys, area("text", replace={geo: text})) == [
        "error: text.geojson, field features[0].geometry.coordinates[0][3]: "
        "not a position [lon, lat] in degrees: ['abc', 32.7]"
    ]
    bowtie = _polygon(sample, tmp_path, "bowtie", _swap)
    assert _refused(capsys, area("bowtie", replace={geo: bowtie})) == [
        "error: bowtie.geojson, field features[0].geometry: area 'kitaura' is not a valid "
        "polygon: Self-intersection[131.801875253465 32.7698665433875]"
    ]
    empty = _polygon(sample, tmp_path, "empty", lambda ring: ring.clear())
    assert _refused(capsys, area("empty", replace={geo: empty})) == [
        "error: empty.geojson, field features[0].geometry.coordinates[0]: "
        "not a position [lon, lat] in degrees: []"
    ]


def _shifted_csv(src: Path, dst: Path, dlon: float) -> str:
    with src.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["lon"] = f"{float(r['lon']) + dlon:.5f}"
    with dst.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(dst)


def test_points_far_from_the_road_network_are_refused(
    area: Callable[..., Path], sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An area 700 km from the road network "succeeded" with 100 % served and 0 km (every point
    snapped to one node): now each kind of point says how many and how far."""

    def shift(ring: list) -> None:
        for p in ring:
            p[0] += 7.5

    replace = {
        f"{sample}/areas/candidate_areas.geojson": _polygon(sample, tmp_path, "far", shift),
        f"{sample}/population/points.csv": _shifted_csv(
            sample / "population" / "points.csv", tmp_path / "far_points.csv", 7.5
        ),
        f"{sample}/places.csv": _shifted_csv(sample / "places.csv", tmp_path / "far.csv", 7.5),
        f'gtfs = "{sample}/gtfs"\n': "",
        'hub_stops = ["S008_1"]\n': "",
    }
    assert _refused(capsys, area("far", replace=replace)) == [
        "error: far.toml, field area.population: 60 of 60 population points are more than "
        "2.0 km from the road network (the farthest 701.9 km): is the network the right one "
        "for this area?",
        "error: far.toml, field area.destinations: 4 of 4 destinations are more than 2.0 km "
        "from the road network (the farthest 698.7 km): is the network the right one for this "
        "area?",
        "error: far.toml, field fleet.depot: the depot is 698.7 km from the road network (more "
        "than 2.0 km): is the network the right one for this area?",
        "error: 3 problems (listed above)",
    ]


def test_the_road_distance_is_overridable(
    area: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """``max_road_distance_m`` lowers (or raises) the distance; Kitaura's farthest population
    point is 1.2 km from a road node."""
    path = area("near", replace={"[fleet]": "max_road_distance_m = 1000\n\n[fleet]"})
    assert _refused(capsys, path) == [
        "error: near.toml, field area.population: 1 of 60 population points is more than "
        "1.0 km from the road network (the farthest 1.2 km): is the network the right one for "
        "this area?"
    ]
    ok = area("ok", replace={"[fleet]": "max_road_distance_m = 1500\n\n[fleet]"})
    code, out = _simulate(ok)
    assert code == 0 and (out / "kpis.json").is_file()


def _areas(tmp_path: Path, area_file: Path, reference: str) -> Path:
    path = tmp_path / "AREAS.toml"
    path.write_text(f'reference = "{reference}"\nareas = ["{area_file.name}"]\n', "utf-8")
    return path


def test_an_unknown_reference_is_refused(
    area: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown ``reference`` passed silently (no area was marked)."""
    areas = _areas(tmp_path, area("kitaura"), "nowhere")
    out = tmp_path / "ranked"
    args = ["drt", "areas", str(areas), "--fleet", "1", "--seeds", "1", "--no-maps"]
    assert main([*args, "--workers", "1", "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: AREAS.toml, field reference: no area has the id 'nowhere' (the areas: kitaura)"
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("fleet", "message"),
    [
        ("4..1", "fleet range 4..1 is empty: write the smaller size first (e.g. 1..4)"),
        ("0..2", "fleet sizes must be at least 1; got '0..2'"),
        ("1..500", "fleet sizes must be at most 100; got '1..500'"),
        ("two", "fleet sizes must look like 1..4 or 2,3,5; got 'two'"),
        (",", "no fleet size given; write 1..4 or 2,3,5; got ','"),
    ],
)
def test_fleet_sizes_are_checked_as_an_option(
    area: Callable[..., Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fleet: str,
    message: str,
) -> None:
    """``--fleet`` is refused before any file is read, naming the option."""
    areas = _areas(tmp_path, area("kitaura"), "kitaura")
    out = tmp_path / "ranked"
    assert main(["drt", "areas", str(areas), "--fleet", fleet, "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: Invalid value for '--fleet': {message} (see 'transit drt areas --help')"
    ]
    assert not out.exists()


def test_a_sweep_reports_the_problems_of_every_area(
    area: Callable[..., Path], sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad values in two area files: the problems of both; then bad data in two areas: both
    again, found before anything runs."""
    areas = tmp_path / "AREAS.toml"
    out = tmp_path / "ranked"
    args = ["drt", "areas", str(areas), "--fleet", "1", "--seeds", "1", "--no-maps"]
    a = area("a", add="\n[dispatch]\ntime_limit_s = 0\n")
    b = area("b", add="\n[dispatch]\nhorizon_min = 0\n")
    areas.write_text(f'areas = ["{a.name}", "{b.name}"]\n', "utf-8")
    assert main([*args, "--workers", "1", "-o", str(out)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: a.toml, field dispatch.time_limit_s: must be above 0, got 0",
        "error: b.toml, field dispatch.horizon_min: must be above 0, got 0",
        "error: 2 problems (listed above)",
    ]
    a = area("a", replace={'depot = "P21"': 'depot = "P99"'})
    alone = _polygon(sample, tmp_path, "alone", lambda ring: None)  # one feature: any id
    b = area(
        "b",
        replace={
            'depot = "P21"': 'depot = "131.0,33.0"',
            'id = "kitaura"': 'id = "kitaura_b"',
            f"{sample}/areas/candidate_areas.geojson": alone,
        },
    )
    assert main([*args, "--workers", "1", "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line[:40] for line in err] == [
        "error: a.toml, field fleet.depot: 'P99' ",
        "error: b.toml, field fleet.depot: the de",
        "error: 2 problems (listed above)",
    ]
    assert err[1] == (
        "error: b.toml, field fleet.depot: the depot is 64.3 km from the road network (more "
        "than 2.0 km): is the network the right one for this area?"
    )
    assert not out.exists()


# --- random values in every numeric field ------------------------------------------------------


def _numeric_fields() -> dict[tuple[str, str], Range]:
    """(section, key) → declared range of every numeric field of an area file."""
    import dataclasses
    import typing

    from transit.routing.areas.config import AreaConfig

    out = {}
    for section in dataclasses.fields(AreaConfig):
        cls = typing.get_type_hints(AreaConfig)[section.name]
        if not dataclasses.is_dataclass(cls):
            continue
        for f in dataclasses.fields(cls):
            rng = field_range(f)
            if rng is not None:
                out[(section.name, f.name)] = rng
    return out


_FIELDS = _numeric_fields()
_INTS = {("fleet", "vehicles"), ("fleet", "capacity"), ("demand", "requests")}
_ANY_NUMBER = st.one_of(
    st.sampled_from([0, 1, -1, 0.5, 2, 30, 60, 600, 1440, 1441, 10_000, 10_001, 1e308]),
    st.integers(min_value=-(2**31), max_value=2**31),
    st.floats(allow_nan=True, allow_infinity=True),
)


def _values(field: tuple[str, str]) -> st.SearchStrategy[float]:
    """Numbers for ``field``: inside its range (twice as likely) or anything."""
    rng = _FIELDS[field]
    low = rng.ge if rng.ge is not None else rng.gt
    assert low is not None and rng.le is not None
    inside: st.SearchStrategy[float]
    if field in _INTS:
        inside = st.integers(min_value=int(low), max_value=int(rng.le))
    else:
        inside = st.floats(min_value=low, max_value=rng.le, exclude_min=rng.gt is not None)
    return st.one_of(inside, inside, _ANY_NUMBER)


_AREA_VALUES = st.lists(
    st.sampled_from(sorted(_FIELDS)), min_size=1, max_size=6, unique=True
).flatmap(lambda keys: st.fixed_dictionaries({k: _values(k) for k in keys}))


def _toml_value(value: float, *, key: str) -> str:
    if key in ("destination_shares", "outbound_profile"):
        first = "hospital" if key == "destination_shares" else "8"
        return f'{{ "{first}" = {_toml_value(value, key="")}, "{"clinic" if first == "hospital" else "9"}" = 0.5 }}'
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return repr(value)


@functools.cache
def _graph() -> object:
    from transit.routing.roads.network import sample_network

    return sample_network()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=_AREA_VALUES,
    seed=st.integers(min_value=0, max_value=2**31),
)
def test_random_numbers_give_a_setup_or_an_input_error(
    sample: Path, tmp_path_factory: pytest.TempPathFactory, values: dict, seed: int
) -> None:
    """Any numbers in an area file's numeric fields give a day setup or an ``InputError``, never
    another exception (the configuration and the setup only; nothing is simulated)."""
    from transit.core.errors import InputError
    from transit.routing.areas.config import load_area
    from transit.routing.areas.prepare import prepare_area
    from transit.routing.sim.setup import DaySetup

    sections: dict[str, list[str]] = {}
    for (section, key), value in values.items():
        sections.setdefault(section, []).append(f"{key} = {_toml_value(value, key=key)}")
    text = _kitaura(sample)
    for section, lines in sections.items():
        header = f"[{section}]\n"
        body = "\n".join(lines) + "\n"
        if header in text:  # keys of a section already in the file: replace them there
            for line in lines:
                key = line.split(" = ")[0]
                text = re.sub(rf"(?m)^{re.escape(key)} = .*\n", "", text)
            text = text.replace(header, header + body)
        else:
            text += f"\n{header}{body}"
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.toml"
    path.write_text(text, "utf-8")
    try:
        cfg = load_area(path)
        setup = prepare_area(cfg, seed=seed, graph=_graph())  # type: ignore[arg-type]
    except InputError as exc:
        event(f"InputError {type(exc).__name__}")
        assert str(exc)
        return
    event("setup")
    assert isinstance(setup, DaySetup)
    assert len(setup.requests) <= 2 * 10_000
