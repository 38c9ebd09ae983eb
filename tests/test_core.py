"""Tests of the shared core: errors and locations, notices, config loading, data paths, CLI basics."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Literal

import pytest

from transit.cli import main
from transit.core.config import from_mapping, load_config
from transit.core.errors import ConfigError, DataNotFoundError, InputErrors, Location
from transit.core.notices import Notice, NoticeCatalogue, Severity, count_by_code, has_errors
from transit.core.paths import ENV_EXTERNAL, external_data_dir


def test_location_reads_like_a_sentence() -> None:
    loc = Location.of(Path("/x/y/平日.xlsx"), sheet="平日_上り", cell="F12")
    assert str(loc) == "平日.xlsx, sheet 平日_上り, cell F12"


def test_notice_str_and_counts() -> None:
    a = Notice(
        "unknown_stop", Severity.ERROR, "'延岡駅前' is not in stops.csv", Location(cell="A9")
    )
    b = Notice("missing_reading", Severity.WARNING, "no reading")
    assert str(a) == "ERROR unknown_stop: cell A9: '延岡駅前' is not in stops.csv"
    assert has_errors([a, b]) and not has_errors([b])
    assert count_by_code([b, a, b]) == {
        ("ERROR", "unknown_stop"): 1,
        ("WARNING", "missing_reading"): 2,
    }


@dataclasses.dataclass(frozen=True)
class _Inner:
    speed_kmh: float
    mode: Literal["fast", "slow"] = "fast"


@dataclasses.dataclass(frozen=True)
class _Outer:
    name: str
    start: dt.date
    inner: _Inner
    tags: tuple[str, ...] = ()
    limit: int | None = None


def test_config_loads_nested_typed_values(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        'name = "北浦"\nstart = 2026-04-01\ntags = ["a"]\n[inner]\nspeed_kmh = 30\n', "utf-8"
    )
    cfg = load_config(_Outer, path)
    assert cfg == _Outer("北浦", dt.date(2026, 4, 1), _Inner(30.0), ("a",), None)


def test_config_reports_every_problem_at_once() -> None:
    with pytest.raises(InputErrors) as info:
        from_mapping(
            _Outer,
            {"name": 3, "start": "x", "inner": {"mode": "warp"}, "bogus": 1},
            source="area.toml",
        )
    messages = sorted(str(e) for e in info.value.errors)
    assert messages == [
        "area.toml, field bogus: unknown key (allowed: inner, limit, name, start, tags)",
        "area.toml, field inner.mode: expected one of 'fast', 'slow', got 'warp'",
        "area.toml, field inner.speed_kmh: missing required key",
        "area.toml, field name: expected str, got 3",
        "area.toml, field start: expected a date YYYY-MM-DD, got 'x'",
    ]
    assert info.value.exit_code == 2


def test_config_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("name = \n", "utf-8")
    with pytest.raises(ConfigError, match=r"^bad.toml: not valid TOML"):
        load_config(_Outer, path)


def test_external_resolver_honours_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_EXTERNAL, str(tmp_path))
    assert external_data_dir() == tmp_path.resolve()


def test_external_resolver_absent_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_EXTERNAL, str(tmp_path / "nope"))
    monkeypatch.setattr("transit.core.paths.REPO_DIR", tmp_path / "repo")
    assert external_data_dir(required=False) is None
    with pytest.raises(DataNotFoundError, match=ENV_EXTERNAL):
        external_data_dir()


@pytest.mark.parametrize("group", ["gtfs", "demand", "routes", "drt", "maps", "demo"])
def test_every_group_has_help(group: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([group, "--help"]) == 0
    assert "Usage: transit" in capsys.readouterr().out


def test_bad_argument_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["gtfs", "--no-such-option"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "error: No such option '--no-such-option'. (see 'transit gtfs --help')"


def test_haversine_scalar_and_array() -> None:
    import numpy as np

    from transit.core.geo import EARTH_RADIUS_M, haversine_m

    one_degree = EARTH_RADIUS_M * np.pi / 180
    assert haversine_m(32.0, 131.0, 33.0, 131.0) == pytest.approx(one_degree, rel=1e-12)
    assert isinstance(haversine_m(32.0, 131.0, 32.0, 131.0), float)
    got = haversine_m(
        np.array([0.0, 0.0]), np.array([0.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 0.0])
    )
    assert got.tolist() == pytest.approx([one_degree, one_degree], rel=1e-12)


def test_nearest_points_index_and_metres() -> None:
    """Each point gets the index of its nearest target and the distance in metres (an
    equirectangular projection around the targets' mean latitude, close to the great circle)."""
    import math

    import numpy as np

    from transit.core.geo import EARTH_RADIUS_M, haversine_m, nearest_points

    to_lon, to_lat = [131.80, 131.81, 131.81], [32.70, 32.70, 32.71]
    idx, dist = nearest_points([131.8001, 131.8099, 131.81], [32.7, 32.7, 32.7101], to_lon, to_lat)
    assert idx.tolist() == [0, 1, 2]
    lat0 = math.radians(float(np.mean(to_lat)))
    assert dist[0] == pytest.approx(math.radians(0.0001) * EARTH_RADIUS_M * math.cos(lat0))
    assert dist[2] == pytest.approx(math.radians(0.0001) * EARTH_RADIUS_M)
    assert dist[0] == pytest.approx(haversine_m(32.7, 131.8001, 32.7, 131.80), rel=1e-3)
    empty = nearest_points([], [], to_lon, to_lat)
    assert (empty[0].tolist(), empty[1].tolist()) == ([], [])
    with pytest.raises(ValueError, match="no points to snap to"):
        nearest_points([131.8], [32.7], [], [])
    with pytest.raises(ValueError, match="same length"):
        nearest_points([131.8, 131.9], [32.7], to_lon, to_lat)


def test_atomic_write_keeps_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import os

    from transit.core.fileio import atomic_write_bytes, sha256_file

    target = tmp_path / "feed.zip"
    atomic_write_bytes(target, b"v1")
    assert sha256_file(target) == hashlib.sha256(b"v1").hexdigest()

    def boom(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"v2")
    assert target.read_bytes() == b"v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.zip"]


def test_demo_lists_each_steps_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from transit.cli import demo

    def fake(out: Path) -> list[Path]:
        (out / "gtfs").mkdir()
        path = out / "gtfs" / "feed.zip"
        path.write_bytes(b"x")
        return [path]

    monkeypatch.setattr(demo, "demo_steps", lambda: [demo.Step("GTFS-JP", fake)])
    assert main(["demo", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == f"transit demo wrote 1 files into {tmp_path} (sample city: illustrative data)"
    )
    assert lines[2].startswith("GTFS-JP (") and lines[2].endswith(" s, 1 files)")
    assert lines[3] == "  gtfs/feed.zip"


def test_demo_has_one_step_per_pipeline() -> None:
    from transit.demo.steps import demo_steps

    names = [s.run.__name__ for s in demo_steps()]
    # the atlas reads them all
    assert names == ["_gtfs", "_demand", "_drt", "_scenarios", "_proposals", "_atlas"]


def test_catalogue_gives_each_code_one_severity() -> None:
    cat = NoticeCatalogue("t", {"a_code": (Severity.WARNING, "A meaning.")})
    n = cat.notice("a_code", "msg", Location(row=3))
    assert (n.code, n.severity, str(n)) == (
        "a_code",
        Severity.WARNING,
        "WARNING a_code: row 3: msg",
    )
    assert "a_code" in cat and list(cat) == ["a_code"] and len(cat) == 1
    assert cat.meaning("a_code") == "A meaning."
    with pytest.raises(KeyError):
        cat.notice("other", "msg")


def test_atomic_write_with_streams_to_a_temp_file(tmp_path: Path) -> None:
    """A writer given a path writes a temp file ending like the target, which then replaces it;
    when the writer fails the old file stays and no temp file is left."""
    from transit.core.fileio import atomic_write_with

    target = tmp_path / "rides.parquet"
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_text("v1", encoding="utf-8")

    atomic_write_with(target, write)
    assert target.read_text("utf-8") == "v1"
    assert seen[0].parent == tmp_path and seen[0].name.endswith(".parquet")
    assert target.stat().st_mode & 0o777 == 0o644

    def fail(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("writer failed")

    with pytest.raises(RuntimeError, match="writer failed"):
        atomic_write_with(target, fail)
    assert target.read_text("utf-8") == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rides.parquet"]


def test_atomic_json_is_sorted_readable_and_replaces(tmp_path: Path) -> None:
    from transit.core.fileio import atomic_write_json

    target = tmp_path / "sub" / "x.json"
    atomic_write_json(target, {"b": 1, "a": "延岡"})
    assert target.read_text("utf-8") == '{\n  "a": "延岡",\n  "b": 1\n}\n'
    atomic_write_json(target, [1])
    assert target.read_text("utf-8") == "[\n  1\n]\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.json"]
