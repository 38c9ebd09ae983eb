"""Area sweeps (in-process, local processes, a Dask LocalCluster on loopback) and the CLI."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.routing.areas.tiny import TINY
from transit.core.errors import InputError
from transit.routing.areas.config import AreaConfig
from transit.routing.areas.ranking import write_ranking
from transit.routing.areas.sweep import parse_fleet, sweep


def test_parse_fleet() -> None:
    """Fleet ranges and lists parse; nonsense is an input error."""
    assert parse_fleet("1..4") == [1, 2, 3, 4]
    assert parse_fleet("3,1,3") == [1, 3]
    assert parse_fleet("2") == [2]
    for bad in ("0..2", "a..b", ""):
        with pytest.raises(InputError):
            parse_fleet(bad)


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
    assert [p.name for p in paths] == ["ranking.csv", "runs.csv", "ranking.xlsx", "provenance.json"]
    wb = openpyxl.load_workbook(paths[2], read_only=True)
    assert wb.sheetnames == ["順位", "全実行結果", "説明", "出典・前提"]
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
        "provenance.json",
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
