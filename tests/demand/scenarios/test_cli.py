"""`transit routes apply` and `transit routes compare` on the 4-stop city."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from transit.cli import main
from transit.gtfs.feedio import read_feed

from .network import write_city, write_scenario, write_store


def test_apply_writes_the_edited_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_city(tmp_path)
    path = write_scenario(tmp_path, "cut", '[[edits]]\nkind = "remove"\nroute = "R2"\n')
    out = tmp_path / "cut.zip"
    assert main(["routes", "apply", str(path), "-o", str(out)]) == 0
    assert sorted(read_feed(out).trips["trip_id"]) == ["T1", "T2", "T3"]
    assert "trips: 6 -> 3" in capsys.readouterr().out


def test_apply_reports_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_city(tmp_path)
    edits = ('[[edits]]\nkind = "remove"\nroute = "R7"\n'
             '[[edits]]\nkind = "truncate"\nroute = "R1"\nat_stop = "XX"\nbeyond = "SC"\n')  # fmt: skip
    path = write_scenario(tmp_path, "bad", edits)
    assert main(["routes", "apply", str(path), "-o", str(tmp_path / "x.zip")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "error: bad.toml, field edits[1].route: no route 'R7' in the feed (routes: R1, R2)",
        "error: bad.toml, field edits[2].at_stop: no stop 'XX' (a stop_id, station id or stop name)",
        "error: 2 problems (listed above)",
    ]
    assert not (tmp_path / "x.zip").exists()


def test_compare_writes_tables_workbook_journeys_and_maps(tmp_path: Path) -> None:
    write_city(tmp_path)
    store = write_store(tmp_path)
    base = write_scenario(tmp_path, "base", "")
    cut = write_scenario(tmp_path, "cut", '[[edits]]\nkind = "remove"\nroute = "R2"\n')
    out = tmp_path / "out"
    assert (
        main(
            [
                "routes",
                "compare",
                str(base),
                str(cut),
                "--store",
                str(store),
                "-o",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    with (out / "network.csv").open(encoding="utf-8") as fh:
        rows = {r["measure"]: r for r in csv.DictReader(fh)}
    assert (
        rows["riders_kept"]["base"],
        rows["riders_kept"]["cut"],
        rows["riders_lost"]["cut"],
    ) == ("4", "3", "1")
    wb = openpyxl.load_workbook(out / "comparison.xlsx", read_only=True)
    assert wb.sheetnames == ["ネットワーク", "路線", "停留所", "車両運用", "出典・前提"]
    header = next(wb["路線"].iter_rows(max_row=1, values_only=True))
    assert header[:4] == ("シナリオ", "路線ID", "路線名", "利用者数")
    with (out / "routes.csv").open(encoding="utf-8") as fh:
        routes = list(csv.DictReader(fh))
    assert {r["riders"] for r in routes} == {""}  # fewer than 10 riders per route: blank
    journeys = (out / "journeys" / "cut.csv").read_text("utf-8")
    assert "IC0000" not in journeys and journeys.count("lost") == 1
    assert (out / "maps" / "cut.html").is_file() and (out / "provenance.json").is_file()


def test_compare_needs_riders(tmp_path: Path) -> None:
    write_city(tmp_path)
    base = write_scenario(tmp_path, "base", "")
    assert main(["routes", "compare", str(base), "-o", str(tmp_path / "o")]) == 2


def test_compare_an_od_matrix_with_time_bands(tmp_path: Path) -> None:
    """12 riders SA → SC in the morning peak keep a journey; 3 riders SC → SD lose theirs."""
    write_city(tmp_path)
    od = tmp_path / "od.csv"
    od.write_text(
        "origin_stop_id,destination_stop_id,riders,day_type,time_band\n"
        "SA,SC,12,平日,朝ピーク\nSC,SD,3,平日,朝ピーク\n",
        "utf-8",
    )
    base = write_scenario(tmp_path, "base", "")
    cut = write_scenario(tmp_path, "cut", '[[edits]]\nkind = "remove"\nroute = "R2"\n')
    out = tmp_path / "out"
    args = ["routes", "compare", str(base), str(cut), "--od", str(od), "-o", str(out), "--no-maps"]
    assert main([*args, "--no-progress"]) == 0
    with (out / "network.csv").open(encoding="utf-8") as fh:
        rows = {r["measure"]: r for r in csv.DictReader(fh)}
    assert [rows[m]["cut"] for m in ("riders", "riders_kept", "riders_lost")] == ["15", "12", "3"]
    assert rows["riders_lost"]["base"] == "0"
