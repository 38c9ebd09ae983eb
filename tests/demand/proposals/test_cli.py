"""`transit routes propose` on the hand-made city: the ranked table and files, `transit routes
compare` on what it wrote, and the exit-2 cases with their one located line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demand.conftest import write_feed
from transit.cli import main

from .city import build_store, write_city


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("city")
    feed = write_city(folder / "feed")
    return feed, build_store(feed, folder / "store")


def test_propose_then_compare(
    city: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, store = city
    out = tmp_path / "out"
    args = ["routes", "propose", "--store", str(store), "--feed", str(feed), "-o", str(out)]
    assert main([*args, "--no-progress"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "4 proposals (k = 10)" in lines[0]
    assert lines[-2].startswith("出典・前提 — 注意: 例示") or lines[-2].startswith("出典・前提")
    assert lines[-14:-2] == [f"wrote {out / n}" for n in (
        "scenarios/base.toml", "scenarios/tail-R1-D.toml", "scenarios/trips-R1.toml",
        "scenarios/ondemand-R1-D.toml", "scenarios/redesign.toml",
        "scenarios/ondemand-R1-D.geojson",
        "proposals.csv", "evidence.csv", "proposals.xlsx", "proposals_ja.txt", "provenance.json",
        "scenarios/provenance.json",
    )]  # fmt: skip
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "evidence.csv", "proposals.csv", "proposals.xlsx", "proposals_ja.txt", "provenance.json",
        "scenarios/base.toml", "scenarios/ondemand-R1-D.geojson", "scenarios/ondemand-R1-D.toml",
        "scenarios/provenance.json", "scenarios/redesign.toml", "scenarios/tail-R1-D.toml", "scenarios/trips-R1.toml",
    ]  # fmt: skip
    cmp = ["routes", "compare", str(out / "scenarios" / "base.toml"),
           str(out / "scenarios" / "tail-R1-D.toml"), str(out / "scenarios" / "trips-R1.toml"),
           "--store", str(store), "-o", str(tmp_path / "cmp"), "--no-maps", "--no-progress"]  # fmt: skip
    assert main(cmp) == 0
    network = (tmp_path / "cmp" / "network.csv").read_text("utf-8").splitlines()
    assert network[0] == "measure,label_ja,base,tail-R1-D,trips-R1"
    assert "riders_lost,移動できなくなる,0,2,0" in network


def _fails(args: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["routes", "propose", *args, "--no-progress"]) == 2
    return capsys.readouterr().err.splitlines()


def test_missing_store_feed_and_a_store_of_another_city(
    city: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feed, store = city
    out = tmp_path / "out"
    args = ["--store", str(tmp_path / "nostore"), "--feed", str(feed), "-o", str(out)]
    assert _fails(args, capsys) == ["error: nostore: not a ridership store (no manifest.json)"]
    args = ["--store", str(store), "--feed", str(tmp_path / "nofeed.zip"), "-o", str(out)]
    assert _fails(args, capsys) == ["error: nofeed.zip: feed not found"]
    other = write_feed(tmp_path / "tiny")
    args = ["--store", str(store), "--feed", str(other), "-o", str(out)]
    assert _fails(args, capsys) == [
        "error: store: no stop of the store's rides is in the feed tiny (a store of another city?)"
    ]
    assert not out.exists()
