"""Zip archives are checked before they are read: sizes, ratio, member count, member names."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from transit.core.errors import InputError
from transit.core.safezip import (
    MIB,
    ZipLimits,
    check_archive,
    check_zip_file,
    read_member,
)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_a_bomb_is_refused_naming_the_member(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "feed.zip", {"agency.txt": b"a\n", "stops.txt": b"0" * (20 * MIB)})
    with pytest.raises(InputError) as err:
        check_zip_file(bomb)
    assert str(err.value) == (
        "feed.zip, member stops.txt: unpacks to 20.0 MiB from 0.02 MiB (1,029×, above the limit "
        "of 100×), a possible zip bomb: refused (zip_ratio_too_high); if the file is genuine, "
        "raise TRANSIT_ZIP_MAX_RATIO"
    )
    assert err.value.exit_code == 2


def test_member_and_total_limits(tmp_path: Path) -> None:
    import os

    data = os.urandom(3 * MIB // 2)  # incompressible: the ratio check does not fire
    path = _zip(tmp_path / "f.zip", {"a.txt": data, "b.txt": data})
    with zipfile.ZipFile(path) as zf:
        with pytest.raises(
            InputError,
            match=r"member a.txt: unpacks to 1.5 MiB, above the limit of 1 MiB: refused \(zip_member_too_large\); if the file is genuine, raise TRANSIT_ZIP_MAX_MEMBER_MIB$",
        ):
            check_archive(path, zf, ZipLimits(max_member_mib=1))
        with pytest.raises(
            InputError, match=r"more than 2 MiB in all: refused \(zip_total_too_large\)"
        ):
            check_archive(path, zf, ZipLimits(max_total_mib=2))
        with pytest.raises(
            InputError,
            match=r"holds 2 members, above the limit of 1: refused \(zip_too_many_members\)",
        ):
            check_archive(path, zf, ZipLimits(max_members=1))
        assert check_archive(path, zf) == []
        assert read_member(path, zf, zf.getinfo("a.txt")) == data


def test_small_blank_files_pass_the_ratio_check(tmp_path: Path) -> None:
    path = _zip(tmp_path / "f.zip", {"translations.txt": b" " * (MIB // 2)})
    assert check_zip_file(path) == []


def test_suspicious_names_are_warnings(tmp_path: Path) -> None:
    path = _zip(tmp_path / "f.zip", {"../evil.txt": b"x", "/abs.txt": b"y", "ok/stops.txt": b"z"})
    notices = check_zip_file(path)
    assert [(n.code, str(n.severity), n.location.member) for n in notices] == [
        ("zip_unsafe_member_name", "WARNING", "../evil.txt"),
        ("zip_unsafe_member_name", "WARNING", "/abs.txt"),
    ]


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSIT_ZIP_MAX_MEMBER_MIB", "4096")
    monkeypatch.setenv("TRANSIT_ZIP_MAX_MEMBERS", "20")
    assert ZipLimits.from_env() == ZipLimits(max_member_mib=4096.0, max_members=20)
    monkeypatch.setenv("TRANSIT_ZIP_MAX_RATIO", "lots")
    with pytest.raises(InputError, match="TRANSIT_ZIP_MAX_RATIO='lots' is not a number"):
        ZipLimits.from_env()
    monkeypatch.setenv("TRANSIT_ZIP_MAX_RATIO", "-1")
    with pytest.raises(InputError, match="TRANSIT_ZIP_MAX_RATIO must be above 0, got -1"):
        ZipLimits.from_env()


def test_not_a_zip_is_left_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "stops.txt"
    path.write_text("stop_id\n")
    assert check_zip_file(path) == []
