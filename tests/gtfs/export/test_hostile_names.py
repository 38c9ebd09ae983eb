"""Names that look like formulas or markup survive export -> build exactly (finding 1 of issue 9).

Before the exported workbooks went through ``transit.core.excel``, a stop named ``=1+1`` became a
live formula without a cached value: the builder read a blank cell, left the stop out and exited
with 0.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.gtfs.factory import df, make_feed
from transit.cli import main
from transit.gtfs.export.folder import export_feed
from transit.gtfs.feedio import Feed, read_feed, write_feed

HOSTILE = (
    '=HYPERLINK("http://x","click")',
    "=1+1",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(2)</script>',
    "'quoted",
    " 前後に空白 ",
    "ＡＢＣ停留所１",
)


def hostile_feed() -> Feed:
    """The factory's small feed (weekday trips T1, T2 of route R1) with one stop per hostile
    name, route R1 named like formulas, and no fares."""
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    stops += [
        [f"S{i}", name, f"{32.58 + i / 1000:.4f}", "131.6636"] for i, name in enumerate(HOSTILE, 1)
    ]
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    for trip, hour in (("T1", 7), ("T2", 8)):
        st += [
            [trip, f"{hour:02d}:{2 * i:02d}:00", f"{hour:02d}:{2 * i:02d}:00", f"S{i}", str(i)]
            for i in range(1, len(HOSTILE) + 1)
        ]
    tables = dict(make_feed(route_name=HOSTILE[0]).tables)
    routes = tables["routes"].assign(route_short_name="=1+1")
    del tables["fare_attributes"], tables["fare_rules"]
    return Feed({**tables, "stops": df(stops), "stop_times": df(st), "routes": routes})


def _formulas(folder: Path) -> list[str]:
    """Every worksheet of the folder's workbooks that holds a formula element."""
    found = []
    for book in sorted(folder.rglob("*.xlsx")):
        with zipfile.ZipFile(book) as z:
            for member in z.namelist():
                if member.startswith("xl/worksheets/") and b"<f>" in z.read(member):
                    found.append(f"{book.name}:{member}")
    return found


def test_hostile_names_round_trip_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`gtfs export` then `gtfs build`: exit 0, the same stops.txt names, the same stop_times."""
    write_feed(dict(hostile_feed().tables), tmp_path / "hostile.zip")
    src, out = tmp_path / "src", tmp_path / "rebuilt.zip"
    assert main(["gtfs", "export", str(tmp_path / "hostile.zip"), "-o", str(src)]) == 0
    assert _formulas(src) == []
    capsys.readouterr()
    assert main(["gtfs", "build", str(src), "-o", str(out)]) == 0, capsys.readouterr().out
    original, rebuilt = read_feed(tmp_path / "hostile.zip"), read_feed(out)
    names = dict(zip(rebuilt.stops["stop_id"], rebuilt.stops["stop_name"], strict=True))
    assert names == {f"S{i}": name for i, name in enumerate(HOSTILE, 1)}
    assert len(rebuilt.stop_times) == len(original.stop_times) == 14
    route = rebuilt.routes.iloc[0]
    assert (route["route_short_name"], route["route_long_name"]) == ("=1+1", HOSTILE[0])


def test_exported_sheets_hold_the_names_as_text(tmp_path: Path) -> None:
    """The timetable sheet's stop column and the masters hold each name as written."""
    import openpyxl

    export_feed(hostile_feed(), tmp_path / "src")
    ws = openpyxl.load_workbook(tmp_path / "src" / "timetables" / "R1.xlsx").worksheets[0]
    cells = [ws.cell(row=r, column=1) for r in range(7, 7 + len(HOSTILE))]
    assert [c.value for c in cells] == list(HOSTILE)
    assert {c.data_type for c in cells} == {"s"}
    assert ws.title == "=1+1_1_0_weekday"
