"""`transit routes evaluate` and `transit routes design` on the Mandl instance."""

from __future__ import annotations

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
