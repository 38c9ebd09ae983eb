"""Reading and writing feeds: all text, deterministic bytes, atomic writes, no empty files."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.gtfs.factory import df, tiny_common
from transit.core.errors import DataNotFoundError, InputError
from transit.gtfs import feedio
from transit.gtfs.feedio import Feed, read_feed, table_to_csv, write_feed


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Agency, 3 stops, 1 route, 2 trips, 6 stop times, a calendar and feed_info."""
    return {
        **tiny_common(),
        "trips": df(
            [
                ["route_id", "service_id", "trip_id", "trip_headsign"],
                ["R1", "weekday", "T1", "本町"],
                ["R1", "weekday", "T2", "本町"],
            ]
        ),
        "stop_times": df(
            [
                ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
                ["T1", "07:00:00", "07:00:00", "S1", "1"],
                ["T1", "07:05:00", "07:06:00", "S2", "2"],
                ["T1", "07:10:00", "07:10:00", "S3", "10"],
                ["T2", "08:00:00", "08:00:00", "S1", "1"],
                ["T2", "08:05:00", "08:05:00", "S2", "2"],
                ["T2", "08:10:00", "08:10:00", "S3", "10"],
            ]
        ),
    }


def _zip_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(member).decode("utf-8")


def test_write_then_read_gives_the_same_text(tmp_path: Path) -> None:
    """Values come back as the same strings; table names without .txt."""
    write_feed(tiny_tables(), tmp_path / "f.zip")
    feed = read_feed(tmp_path / "f.zip")
    assert feed.names == ["agency", "stops", "routes", "trips", "stop_times"]
    assert feed.stops["stop_id"].tolist() == ["S1", "S2", "S3"]
    assert feed.agency["agency_id"].tolist() == ["4000020452033"]
    assert feed.stop_times["stop_sequence"].tolist() == ["1", "2", "10", "1", "2", "10"]


def test_canonical_bytes_and_zip_layout(tmp_path: Path) -> None:
    """Schema column order, numeric sort of stop_sequence, no BOM, LF, fixed zip members."""
    tables = tiny_tables()
    tables["stops"] = tables["stops"][["stop_lon", "stop_name", "stop_lat", "stop_id"]].assign(
        zz="x"
    )
    write_feed(tables, tmp_path / "f.zip")
    stops = _zip_text(tmp_path / "f.zip", "stops.txt")
    assert stops == (
        "stop_id,stop_name,stop_lat,stop_lon,zz\n"
        "S1,延岡駅,32.5889,131.6636,x\n"
        "S2,市役所前,32.5822,131.6650,x\n"
        "S3,本町,32.5844,131.6690,x\n"
    )
    st_text = _zip_text(tmp_path / "f.zip", "stop_times.txt").splitlines()
    assert [line.split(",")[4] for line in st_text[1:4]] == ["1", "2", "10"]
    raw = (tmp_path / "f.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == [
        "agency.txt",
        "stops.txt",
        "routes.txt",
        "trips.txt",
        "stop_times.txt",
    ]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert b"\r\n" not in zipfile.ZipFile(io.BytesIO(raw)).read("stops.txt")
    assert not zipfile.ZipFile(io.BytesIO(raw)).read("agency.txt").startswith(b"\xef\xbb\xbf")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**16), col_seed=st.integers(0, 2**16))
def test_row_and_column_order_never_change_the_bytes(seed: int, col_seed: int) -> None:
    """Shuffling rows and columns of every table gives byte-identical CSV."""
    for name, table in tiny_tables().items():
        shuffled = table.sample(frac=1.0, random_state=seed)
        cols = list(table.columns)
        order = pd.Series(cols).sample(frac=1.0, random_state=col_seed).tolist()
        assert table_to_csv(name, shuffled[order]) == table_to_csv(name, table)


def test_equal_input_gives_byte_identical_zips(tmp_path: Path) -> None:
    """Two writes of equal tables (and a write of the re-read feed) give the same SHA-256."""
    write_feed(tiny_tables(), tmp_path / "a.zip")
    write_feed(tiny_tables(), tmp_path / "b.zip")
    write_feed(read_feed(tmp_path / "a.zip"), tmp_path / "c.zip")
    digests = {
        hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in ("a.zip", "b.zip", "c.zip")
    }
    assert len(digests) == 1


def test_numbers_and_missing_values_as_text(tmp_path: Path) -> None:
    """NaN/None → empty, integral floats in int/enum columns without .0, floats positional."""
    tables = tiny_tables()
    tables["stops"] = pd.DataFrame(
        {
            "stop_id": ["S1"],
            "stop_name": ["駅"],
            "stop_lat": [32.5],
            "stop_lon": [131.0000001],
            "location_type": [0.0],
        }
    )
    tables["routes"] = tables["routes"].assign(route_color=[None])
    write_feed(tables, tmp_path / "f.zip")
    assert _zip_text(tmp_path / "f.zip", "stops.txt") == (
        "stop_id,stop_name,stop_lat,stop_lon,location_type\nS1,駅,32.5,131.0000001,0\n"
    )
    assert _zip_text(tmp_path / "f.zip", "routes.txt").splitlines()[1].endswith(",3,")


def test_empty_tables_are_not_written(tmp_path: Path) -> None:
    """A table with no rows gives no file; a feed with nothing to write is refused."""
    tables = tiny_tables()
    tables["calendar_dates"] = pd.DataFrame({"service_id": [], "date": [], "exception_type": []})
    write_feed(tables, tmp_path / "f.zip")
    assert "calendar_dates.txt" not in zipfile.ZipFile(tmp_path / "f.zip").namelist()
    with pytest.raises(InputError, match="no non-empty table"):
        write_feed({"stops": pd.DataFrame()}, tmp_path / "g.zip")


def test_atomic_write_keeps_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing leaves the previous zip untouched and no temporary file."""
    target = tmp_path / "f.zip"
    write_feed(tiny_tables(), target)
    before = target.read_bytes()

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(feedio.os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        write_feed(tiny_tables(), target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.zip"]


def test_write_folder(tmp_path: Path) -> None:
    """A path without .zip is written as a folder of .txt files, replaced as a whole."""
    write_feed(tiny_tables(), tmp_path / "feed")
    (tmp_path / "feed" / "stale.txt").write_text("x", "utf-8")
    write_feed(tiny_tables(), tmp_path / "feed")
    assert sorted(p.name for p in (tmp_path / "feed").iterdir()) == [
        "agency.txt",
        "routes.txt",
        "stop_times.txt",
        "stops.txt",
        "trips.txt",
    ]
    assert read_feed(tmp_path / "feed").names == read_feed(tmp_path / "feed").names


def test_read_zip_with_subfolder_bom_and_spaces(tmp_path: Path) -> None:
    """Members in one sub-folder are found; a BOM and spaces around column names are dropped."""
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("gtfs/stops.txt", "\ufeffstop_id , stop_name\n0001,駅\n".encode())
        zf.writestr("gtfs/frequencies.txt", b"")
        zf.writestr("__MACOSX/gtfs/._stops.txt", b"junk")
    feed = read_feed(path)
    assert feed.names == ["stops", "frequencies"]
    assert feed.stops.columns.tolist() == ["stop_id", "stop_name"]
    assert feed.stops["stop_id"].tolist() == ["0001"]
    assert len(feed["frequencies"]) == 0
    assert not feed.has("frequencies")


def test_read_errors_name_the_file(tmp_path: Path) -> None:
    """Missing path, a non-zip file and non-UTF-8 text are input errors (exit 2)."""
    with pytest.raises(DataNotFoundError):
        read_feed(tmp_path / "nope.zip")
    bad = tmp_path / "bad.zip"
    bad.write_text("not a zip", "utf-8")
    with pytest.raises(InputError, match="not a readable GTFS zip") as exc:
        read_feed(bad)
    assert exc.value.exit_code == 2
    assert str(exc.value).startswith("bad.zip: ")
    folder = tmp_path / "sjis"
    folder.mkdir()
    (folder / "stops.txt").write_bytes("stop_id,stop_name\n1,駅\n".encode("shift_jis"))
    with pytest.raises(InputError, match="not UTF-8") as exc2:
        read_feed(folder)
    assert str(exc2.value).startswith("stops.txt: ")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no GTFS \.txt files"):
        read_feed(empty)


def test_feed_accessors() -> None:
    """Missing tables read as empty frames with schema columns; missing columns as blanks."""
    feed = Feed(tiny_tables())
    assert "stops" in feed
    assert feed.get("calendar").columns.tolist()[:2] == ["service_id", "monday"]
    assert len(feed.calendar) == 0
    assert feed.column("stops", "platform_code").tolist() == ["", "", ""]
    new = feed.replace(calendar=pd.DataFrame({"service_id": ["weekday"]}))
    assert new.has("calendar")
    assert not feed.has("calendar")
    assert list(feed) == feed.names


@pytest.mark.parametrize(
    ("folder", "counts"),
    [
        ("jp-donanbus-muroran-2017", (717, 78, 706, 26408)),
        ("jp-kyotosangyo-shuttle", (6, 4, 301, 602)),
        ("gtfskit-cairns/cairns_gtfs.zip", (416, 22, 1339, 37790)),
    ],
)
def test_real_feeds_read_and_rewrite_identically(
    external: Path, tmp_path: Path, folder: str, counts: tuple[int, int, int, int]
) -> None:
    """Real feeds read with the documented counts; writing, reading and writing is stable."""
    feed = read_feed(external / "gtfs" / folder)
    assert (len(feed.stops), len(feed.routes), len(feed.trips), len(feed.stop_times)) == counts
    write_feed(feed, tmp_path / "a.zip")
    write_feed(read_feed(tmp_path / "a.zip"), tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    again = read_feed(tmp_path / "a.zip")
    assert sorted(again.stops["stop_id"]) == sorted(feed.stops["stop_id"])
