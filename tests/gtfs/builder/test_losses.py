"""A build never drops what it read silently: the model against the built tables."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.gtfs.factory import OUTBOUND, STOPS, make_source
from transit.cli import main
from transit.gtfs.builder.losses import build_losses
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.source.model import Source
from transit.gtfs.source.read import read_source


def test_nothing_lost_from_the_tiny_source_and_the_sample(tmp_path: Path, sample: Path) -> None:
    for folder in (make_source(tmp_path / "src"), sample / "gtfs"):
        source = read_source(folder)
        assert build_losses(source, build_tables(source)) == []


def _without_pole(source: Source, name: str, trips: int) -> Source:
    """``source`` with the stops called ``name`` of its first ``trips`` trips left unresolved."""
    return dataclasses.replace(
        source,
        trips=tuple(
            dataclasses.replace(
                t,
                stops=tuple(
                    dataclasses.replace(ts, stop_id="") if ts.name == name and k < trips else ts
                    for ts in t.stops
                ),
            )
            for k, t in enumerate(source.trips)
        ),
    )


def test_a_stop_without_a_pole_is_a_loss_of_its_trip_and_its_name(tmp_path: Path) -> None:
    """The model's stop 市役所前 (A8) loses its pole: trip 1 has 3 of 4 rows in stop_times; when
    every trip loses it, the name reaches no stops.txt row either."""
    source = read_source(make_source(tmp_path / "src"))
    one = _without_pole(source, "市役所前", trips=1)
    assert [str(n) for n in build_losses(one, build_tables(one))] == [
        "ERROR dropped_stop_times: R1.xlsx, sheet R1_北浦行_平日, cell D6: trip '1': 1 of 4 stop "
        "time(s) are not in the built feed (stops without a pole in the stop master): "
        "市役所前 (A8)",
    ]
    every = _without_pole(source, "市役所前", trips=len(source.trips))
    notices = [str(n) for n in build_losses(every, build_tables(every))]
    assert [n.split(":")[0] for n in notices] == ["ERROR dropped_stop_times"] * 2 + [
        "ERROR dropped_stop"
    ]
    assert notices[-1] == (
        "ERROR dropped_stop: R1.xlsx, sheet R1_北浦行_平日, cell A8: stop '市役所前' is in 2 "
        "timetable row(s) but not in the built stops.txt (it has no pole in the stop master)"
    )


def test_a_stop_master_without_poles_no_longer_builds_an_empty_feed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """stops.csv with its header only: no check finds an error, every trip would be dropped."""
    folder = make_source(tmp_path / "src", stops=STOPS[:1])
    out = tmp_path / "feed.zip"
    report = tmp_path / "report.json"
    assert main(["gtfs", "build", str(folder), "-o", str(out), "--report", str(report)]) == 2
    assert not out.exists()
    captured = capsys.readouterr()
    assert (
        "ERROR dropped_stop_times: R1.xlsx, sheet R1_北浦行_平日, cell D6: trip '1': 4 of 4 stop "
        "time(s) are not in the built feed (fewer than 2 of its stops have a pole in the stop "
        "master): 延岡駅 (A7), 市役所前 (A8), 本町 (A9), 北浦総合支所 (A11)" in captured.out
    )
    assert "error: src: 7 error(s) in the source folder; no feed written" in captured.err
    codes = [n["code"] for n in json.loads(report.read_text("utf-8"))["notices"]]
    assert codes.count("dropped_stop_times") == 3 and codes.count("dropped_stop") == 4


def test_forced_build_lists_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [list(r) for r in OUTBOUND]
    rows[7][0] = "市役所"  # not in the stop master: unknown_stop, then lost from trip 1
    folder = make_source(tmp_path / "src", sheets={"R1_北浦行_平日": rows})
    out, report = tmp_path / "feed.zip", tmp_path / "report.json"
    args = ["gtfs", "build", str(folder), "-o", str(out), "--report", str(report)]
    assert main(args) == 2
    first = capsys.readouterr()
    assert "dropped_stop" not in first.out  # refused on the checks: nothing was built
    assert main([*args, "--force"]) == 0
    data = json.loads(report.read_text("utf-8"))
    assert [(n["code"], n["cell"]) for n in data["notices"] if n["severity"] == "ERROR"] == [
        ("unknown_stop", "A8"),
        ("dropped_stop_times", "D6"),
        ("dropped_stop", "A8"),
    ]
    assert "warning: --force: feed written despite 3 error(s)" in capsys.readouterr().err


def test_error_line_names_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`transit gtfs check .` names the folder, not ``: 3 error(s)``."""
    rows = [list(r) for r in OUTBOUND]
    rows[7][3] = "7:65"
    folder = make_source(tmp_path / "時刻表", sheets={"R1_北浦行_平日": rows})
    monkeypatch.chdir(folder)
    assert main(["gtfs", "check", "."]) == 2
    assert "error: 時刻表: 1 error(s) in the source folder" in capsys.readouterr().err
    assert main(["gtfs", "build", ".", "-o", str(tmp_path / "f.zip")]) == 2
    assert "error: 時刻表: 1 error(s) in the source folder; no feed written" in (
        capsys.readouterr().err
    )
