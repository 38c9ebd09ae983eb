"""A zip that unpacks to far more than it weighs is refused by every command that reads a feed:
one line naming the archive and the member, exit 2, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.demand.conftest import FEED
from transit.cli import main
from transit.core.safezip import MIB


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny ridership feed whose stops.txt is followed by 30 MiB of blanks (about 1,000×)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in FEED.items():
            data = text.encode("utf-8")
            if name == "stops.txt":
                data += b" " * (30 * MIB)
            zf.writestr(name, data)
    return path


def _expected(bomb: Path) -> str:
    """The refusal, with the ratio this machine's zlib reached (about 1,000×)."""
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("stops.txt")
    ratio = info.file_size / info.compress_size
    return (
        f"error: bomb.zip, member stops.txt: unpacks to 30.0 MiB from "
        f"{info.compress_size / MIB:,.2f} MiB ({ratio:,.0f}×, above the limit of 100×), a "
        "possible zip bomb: refused (zip_ratio_too_high); if the file is genuine, raise "
        "TRANSIT_ZIP_MAX_RATIO"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["gtfs", "validate", "{bomb}"],
        ["gtfs", "diff", "{bomb}", "{bomb}"],
        ["gtfs", "export", "{bomb}", "-o", "{out}/src"],
        ["gtfs", "stats", "{bomb}", "-o", "{out}/stats.xlsx"],
        ["demand", "ingest", "{taps}", "--feed", "{bomb}", "--store", "{out}/store"],
    ],
    ids=["validate", "diff", "export", "stats", "ingest"],
)
def test_every_feed_reader_refuses_the_bomb(
    args: list[str],
    bomb: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRANSIT_PSEUDONYM_KEY", "0123456789abcdef0123")
    taps = tmp_path / "taps.csv"
    taps.write_text("card_id,ts,event,stop_id,trip_id,vehicle_id,fare_yen\n", "utf-8")
    out = tmp_path / "out"
    argv = [a.format(bomb=bomb, out=out, taps=taps) for a in args]
    assert main(argv) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == _expected(bomb)
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
