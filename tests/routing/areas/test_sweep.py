"""Area sweeps (in-process, local processes, a Dask LocalCluster on loopback) and the ranking."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from transit.core.errors import ConfigError, InputError, InputErrors
from transit.routing.areas.config import AreaConfig, load_area, load_areas
from transit.routing.areas.sweep import (
    RANKING_HEADERS,
    parse_fleet,
    rank_areas,
    sweep,
    write_ranking,
)

TINY = """
[area]
id = "{id}"
name_ja = "{name}"
polygon = "{sample}/areas/candidate_areas.geojson"
population = "{sample}/population/points.csv"
destinations = "{sample}/places.csv"

[fleet]
vehicles = 1

[shift]
start = "08:00"
end = "10:00"
last_pickup_min = 30

[demand]
requests = {n}
outbound_profile = {{ "8" = 1.0, "9" = 1.0 }}

[dispatch]
reoptimize = false
"""


@pytest.fixture(scope="module")
def tiny_areas(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> list[AreaConfig]:
    """Two sample areas with a 2-hour day and a handful of requests (no re-optimization)."""
    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")
    folder = tmp_path_factory.mktemp("areas")
    names = []
    for aid, name, n in (("kitaura", "北浦", 6), ("kitagawa", "北川", 8)):
        (folder / f"{aid}.toml").write_text(
            TINY.format(id=aid, name=name, sample=sample, n=n), "utf-8"
        )
        names.append(f'"{aid}.toml"')
    (folder / "AREAS.toml").write_text(
        f'reference = "kitaura"\nareas = [{", ".join(names)}]\n', "utf-8"
    )
    return load_areas(folder / "AREAS.toml")


def test_parse_fleet() -> None:
    """Fleet ranges and lists parse; nonsense is an input error."""
    assert parse_fleet("1..4") == [1, 2, 3, 4]
    assert parse_fleet("3,1,3") == [1, 3]
    assert parse_fleet("2") == [2]
    for bad in ("0..2", "a..b", ""):
        with pytest.raises(InputError):
            parse_fleet(bad)


def _runs(rows: list[tuple[str, int, int, float, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        columns=["area_id", "vehicles", "seed", "served_rate", "wait_p95_min", "cost_per_pax_yen"],
    ).assign(name_ja=lambda d: d["area_id"].str.upper(), requests=10)


def test_rank_areas_by_documented_score() -> None:
    """Smallest fleet meeting the target first, then cost per passenger; misses go last."""
    runs = _runs(
        [
            ("a", 1, 1, 0.90, 20.0, 800.0),  # a needs 2 (mean of seeds at 2: 0.96, p95 25)
            ("a", 2, 1, 0.97, 25.0, 1200.0),
            ("a", 2, 2, 0.95, 25.0, 1000.0),
            ("b", 1, 1, 0.99, 29.0, 1500.0),  # b meets it with 1 car
            ("b", 2, 1, 1.00, 10.0, 2500.0),
            ("c", 1, 1, 0.99, 10.0, 900.0),  # c meets it with 1 car, cheaper than b
            ("d", 1, 1, 0.80, 45.0, 500.0),  # d never meets the target (p95 too long)
            ("d", 2, 1, 0.99, 31.0, 700.0),
            ("e", 1, 1, 0.70, 20.0, 400.0),  # e neither, and serves less than d
        ]
    )
    rank = rank_areas(runs, reference="b")
    assert rank["area_id"].tolist() == ["c", "b", "a", "d", "e"]
    assert rank["rank"].tolist() == [1, 2, 3, 4, 5]
    assert rank["fleet_needed"].tolist() == [1, 1, 2, pd.NA, pd.NA]
    assert rank["meets_target"].tolist() == [True, True, True, False, False]
    assert rank["cost_per_pax_yen"].tolist() == [900.0, 1500.0, 1100.0, 700.0, 400.0]
    assert rank["reference"].tolist() == [False, True, False, False, False]
    assert list(rank.columns) == [c for c in RANKING_HEADERS if c in rank.columns]


def test_sweep_in_process_and_outputs(tiny_areas: list[AreaConfig], tmp_path: Path) -> None:
    """Every area × fleet × seed runs once; ranking CSV/Excel are written with Japanese headers."""
    seen: list[tuple[int, int]] = []
    res = sweep(
        tiny_areas,
        fleets=[1, 2],
        seeds=[1],
        workers=1,
        reference="kitaura",
        progress=lambda d, n: seen.append((d, n)),
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert res.runs[["area_id", "vehicles", "seed"]].values.tolist() == [
        ["kitagawa", 1, 1],
        ["kitagawa", 2, 1],
        ["kitaura", 1, 1],
        ["kitaura", 2, 1],
    ]
    assert res.runs["requests"].tolist() == [8, 8, 6, 6]
    assert (res.runs["checker_violations"] == 0).all()
    assert sorted(res.ranking["area_id"]) == ["kitagawa", "kitaura"]
    paths = write_ranking(res, tmp_path)
    assert [p.name for p in paths] == ["ranking.csv", "runs.csv", "ranking.xlsx"]
    wb = openpyxl.load_workbook(paths[2], read_only=True)
    assert wb.sheetnames == ["順位", "全実行結果", "説明"]
    header = [c.value for c in next(wb["順位"].iter_rows(max_row=1))]
    assert header[:5] == ["順位", "地区ID", "地区名", "目標達成", "必要台数"]
    wb.close()


def test_sweep_on_local_processes_equals_in_process(tiny_areas: list[AreaConfig]) -> None:
    """Two local processes give the same runs as one process (seeded, order-independent)."""
    one = sweep(tiny_areas[:1], fleets=[1, 2], seeds=[1, 2], workers=1)
    two = sweep(tiny_areas[:1], fleets=[1, 2], seeds=[1, 2], workers=2)
    cols = ["area_id", "vehicles", "seed", "requests", "served", "vehicle_km"]
    pd.testing.assert_frame_equal(one.runs[cols], two.runs[cols])


def test_sweep_on_a_dask_local_cluster(tiny_areas: list[AreaConfig]) -> None:
    """A Dask LocalCluster on loopback runs the sweep to the same table."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        res = sweep(
            tiny_areas[1:], fleets=[1, 2], seeds=[1], dask_address=cluster.scheduler_address
        )
    local = sweep(tiny_areas[1:], fleets=[1, 2], seeds=[1], workers=1)
    cols = ["area_id", "vehicles", "seed", "requests", "served", "vehicle_km"]
    pd.testing.assert_frame_equal(res.runs[cols], local.runs[cols])


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


def test_cli_simulate_and_areas(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`transit drt simulate` and `areas` write their outputs; a bad file exits with code 2."""
    from transit.cli import main

    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")
    toml = tmp_path / "kitaura.toml"
    toml.write_text(TINY.format(id="kitaura", name="北浦", sample=sample, n=5), "utf-8")
    (tmp_path / "AREAS.toml").write_text('areas = ["kitaura.toml"]\n', "utf-8")
    out = tmp_path / "sim"
    assert (
        main(["drt", "simulate", str(toml), "--vehicles", "2", "--seed", "3", "-o", str(out)]) == 0
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "assets",
        "kpis.json",
        "map.html",
        "requests.csv",
        "tracks.csv",
        "vehicles.csv",
    ]
    assert "served_rate" in capsys.readouterr().out
    ranked = tmp_path / "rank"
    code = main(
        [
            "drt",
            "areas",
            str(tmp_path / "AREAS.toml"),
            "--fleet",
            "1..2",
            "--seeds",
            "1",
            "-o",
            str(ranked),
            "--workers",
            "1",
        ]
    )
    assert code == 0
    assert (ranked / "ranking.xlsx").is_file() and (ranked / "maps" / "kitaura.html").is_file()
    html = (ranked / "maps" / "kitaura.html").read_text("utf-8")
    assert "TimestampedGeoJson" in html or "timeDimension" in html
    assert "https://" not in html.split("<body>")[0].replace("https://www.w3.org", "")
    bad = tmp_path / "bad.toml"
    bad.write_text("[area]\nid = 1\n", "utf-8")
    assert main(["drt", "simulate", str(bad), "-o", str(tmp_path / "x")]) == 2
    assert "bad.toml" in capsys.readouterr().err


def test_area_replays_a_request_log(tiny_areas: list[AreaConfig], tmp_path: Path) -> None:
    """With demand.request_log, the day replays the logged requests instead of generating."""
    from transit.routing.areas.bookings import write_request_log
    from transit.routing.sim.simulator import prepare_area

    cfg = tiny_areas[0]
    generated = prepare_area(cfg, seed=4).requests
    log = tmp_path / "log.csv"
    write_request_log(generated, log)
    replay = cfg.with_changes(demand={"request_log": str(log)})
    again = prepare_area(replay, seed=99).requests
    pd.testing.assert_frame_equal(again, generated, check_dtype=False)
