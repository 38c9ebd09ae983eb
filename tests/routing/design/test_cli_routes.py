"""`transit routes evaluate` and `transit routes design` on the Mandl instance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_cli_evaluate_writes_workbook(external: Path, tmp_path: Path) -> None:
    import openpyxl

    from transit.cli import main

    plan = tmp_path / "mumford4.txt"
    plan.write_text(
        "1-2-3-6-8-10-11-13\n9-15-6-4-12-11-13-14\n14-10-7-15-6-4-2-1\n12-11-10-8-6-4-5-2\n"
    )
    prefix = external / "tndp" / "mandl" / "mandl1"
    assert (
        main(["routes", "evaluate", "--network", str(prefix), str(plan), "-o", str(tmp_path / "o")])
        == 0
    )
    sheet = openpyxl.load_workbook(tmp_path / "o" / "scenarios.xlsx").active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["案", "系統数", "平均所要時間(分)"]
    assert [c.value for c in sheet[2]][:3] == ["mumford4", 4, pytest.approx(10.5722, abs=1e-4)]


def test_cli_evaluate_bad_route_exits_2(
    external: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from transit.cli import main

    plan = tmp_path / "bad.txt"
    plan.write_text("1-2\n1-x\n")
    prefix = external / "tndp" / "mandl" / "mandl1"
    assert main(["routes", "evaluate", "--network", str(prefix), str(plan)]) == 2
    assert capsys.readouterr().err.strip() == (
        "error: bad.txt, row 2: '1-x' is not a route (expected stop ids joined by '-', e.g. 1-2-3)"
    )


def test_cli_design_writes_routeset(external: Path, tmp_path: Path) -> None:
    from transit.cli import main
    from transit.routing.design.checks import check_route_set
    from transit.routing.design.evaluation import evaluate_route_set
    from transit.routing.design.network import read_link_network

    folder = external / "tndp" / "mandl"
    out = tmp_path / "ROUTESET.json"
    args = ["routes", "design", str(folder / "mandl1"), "--routes", "6", "--max-nodes", "8"]
    assert main([*args, "--iterations", "800", "--seed", "5", "-o", str(out)]) == 0
    doc = json.loads(out.read_text("utf-8"))
    assert doc["instance"] == "mandl1"
    assert doc["parameters"] == {
        "routes": 6,
        "min_nodes": 2,
        "max_nodes": 8,
        "objective": "passenger",
        "weight": None,
        "iterations": 800,
        "time_limit": None,
        "seed": 5,
        "workers": 2,
        "cycle": 50000,
    }
    routes = tuple(tuple(r) for r in doc["routes"])
    net = read_link_network(folder, "mandl1")
    assert check_route_set(net, routes, min_stops=2, max_stops=8) == []
    reference = evaluate_route_set(net, routes)
    assert doc["evaluation"] == {
        k: getattr(reference, k)
        for k in ("ATT", "d0", "d1", "d2", "dun", "route_time_total", "n_routes", "demand_total")
    }
    assert doc["objective_value"] == reference.ATT
    assert doc["feasible"] is True
    assert doc["trace"][0]["iteration"] == 0
    assert min(p["best"] for p in doc["trace"]) == pytest.approx(reference.ATT, abs=1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--routes", "0", "--max-nodes", "8"], "error: mandl1, field routes: a route set needs at least 1 route (got 0)"),
        (["--routes", "2", "--max-nodes", "7"], "error: mandl1, field max_nodes: 2 connected routes of at most 7 stops cover at most 13 stops; mandl1 has 15"),
        (["--routes", "4", "--min-nodes", "9", "--max-nodes", "8"], "error: mandl1, field max_nodes: max_nodes 8 is below min_nodes 9"),
        (["--routes", "4", "--max-nodes", "8", "--objective", "weighted", "--weight", "2"], "error: mandl1, field weight: the weighted objective needs a weight between 0 and 1 (got 2.0)"),
    ],
)  # fmt: skip
def test_cli_design_rejects_bad_bounds(
    external: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    from transit.cli import main

    prefix = external / "tndp" / "mandl" / "mandl1"
    out = tmp_path / "ROUTESET.json"
    assert main(["routes", "design", str(prefix), *args, "--iterations", "5", "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip() == message
    assert not out.exists()


def test_cli_design_missing_instance_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from transit.cli import main

    args = ["routes", "design", str(tmp_path / "nowhere"), "--routes", "3", "--max-nodes", "5"]
    assert main([*args, "-o", str(tmp_path / "r.json")]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: nowhere_nodes.txt: file not found (expected nowhere_nodes.txt in {tmp_path})"
    )


def test_cli_design_and_evaluate_write_their_provenance(external: Path, tmp_path: Path) -> None:
    import openpyxl

    from transit.cli import main
    from transit.core import provenance as prov
    from transit.core.fileio import sha256_file

    folder = external / "tndp" / "mandl"
    files = [folder / f"mandl1_{part}.txt" for part in ("nodes", "links", "demand")]
    out = tmp_path / "d" / "ROUTESET.json"
    args = ["routes", "design", str(folder / "mandl1"), "--routes", "4", "--max-nodes", "8"]
    assert main([*args, "--iterations", "300", "--workers", "1", "-o", str(out)]) == 0
    (rec,) = prov.read_records(out.parent / prov.FILE_NAME)
    assert [(s.role, s.path, s.sha256) for s in rec.inputs] == [
        ("network", f, sha256_file(f)) for f in files
    ]
    assert [(o.path, o.sha256) for o in rec.outputs] == [(out, sha256_file(out))]
    assert rec.flags == ()
    assert rec.parameter("transfer_penalty_min") is not None
    assert rec.parameter("seed") is not None
    plan = tmp_path / "plan.txt"
    plan.write_text("1-2-3-6-8-10-11-13\n9-15-6-4-12-11-13-14\n")
    evaluated = tmp_path / "e"
    assert main(["routes", "evaluate", "--network", str(folder / "mandl1"), str(plan),
                 "-o", str(evaluated)]) == 0  # fmt: skip
    (rec,) = prov.read_records(evaluated / prov.FILE_NAME)
    assert [s.path for s in rec.inputs] == [*files, plan]
    assert sorted(o.path.name for o in rec.outputs) == [
        "scenarios.csv",
        "scenarios.json",
        "scenarios.xlsx",
    ]
    book = openpyxl.load_workbook(evaluated / "scenarios.xlsx")
    assert book.sheetnames == ["路線再編案の比較", "出典・前提"]
