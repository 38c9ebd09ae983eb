"""An output folder that cannot be written gives one line naming the path and exit 2, never a
traceback (``--debug`` shows it)."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from transit.cli import main
from transit.core.paths import sample_dir


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write to: chmod for a normal user; a read-only tmpfs for root (who
    ignores permission bits); skipped when root cannot mount."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"running as root and cannot mount a read-only tmpfs: {done.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_build_into_readonly_folder(readonly_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = readonly_dir / "feed.zip"
    code = main(["gtfs", "build", str(sample_dir() / "gtfs"), "-o", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert "Traceback" not in "\n".join(err)
    assert err[-1] == f"error: {out}: " + (
        "read-only file system: choose a folder you can write to"
        if os.geteuid() == 0
        else "permission denied: choose a folder you can write to"
    )
    assert list(readonly_dir.iterdir()) == []


def test_disk_full_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC while writing: the path, what happened, what to do; the old file is kept."""
    from transit.core import fileio

    target = tmp_path / "feed.zip"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(fileio.os, "fsync", full)
    code = main(["gtfs", "build", str(sample_dir() / "gtfs"), "-o", str(target)])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"error: {target}: no space left on the device: free some space or choose another folder"
    )
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.zip"]


def test_debug_shows_the_traceback(readonly_dir: Path) -> None:
    with pytest.raises(OSError):
        main(
            [
                "--debug",
                "gtfs",
                "build",
                str(sample_dir() / "gtfs"),
                "-o",
                str(readonly_dir / "f.zip"),
            ]
        )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A sample feed, synthetic taps and a store to feed the writing commands."""
    base = tmp_path_factory.mktemp("inputs")
    feed, taps, store = base / "feed.zip", base / "taps.csv", base / "store"
    key = ["--key-file", str(base / "key.txt")]
    (base / "key.txt").write_text("0123456789abcdef0123\n", "utf-8")
    assert main(["gtfs", "build", str(sample_dir() / "gtfs"), "-o", str(feed)]) == 0
    assert main(["demand", "synth", "--feed", str(feed), "--rows", "400", "-o", str(taps)]) == 0
    assert (
        main(["demand", "ingest", str(taps), "--feed", str(feed), "--store", str(store), *key]) == 0
    )
    return {"feed": feed, "taps": taps, "store": store, "key": base / "key.txt"}


WRITERS = {
    "gtfs init": ["gtfs", "init", "{ro}/src"],
    "gtfs build": ["gtfs", "build", "{sample}", "-o", "{ro}/f.zip"],
    "gtfs check --report": ["gtfs", "check", "{sample}", "--report", "{ro}/n.json"],
    "gtfs diff --json": ["gtfs", "diff", "{feed}", "{feed}", "--json", "{ro}/d.json"],
    "gtfs export": ["gtfs", "export", "{feed}", "-o", "{ro}/src"],
    "gtfs stats": ["gtfs", "stats", "{feed}", "-o", "{ro}/s.xlsx"],
    "demand synth": ["demand", "synth", "--feed", "{feed}", "--rows", "10", "-o", "{ro}/t.csv"],
    "demand ingest": [
        "demand",
        "ingest",
        "{taps}",
        "--feed",
        "{feed}",
        "--store",
        "{ro}/st",
        "--key-file",
        "{key}",
    ],
    "demand report": ["demand", "report", "--store", "{store}", "-o", "{ro}/r"],
    "demand od": ["demand", "od", "--store", "{store}", "-o", "{ro}/od"],
    "maps feed": ["maps", "feed", "{feed}", "-o", "{ro}/m.html"],
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_says_one_line(
    name: str,
    inputs: dict[str, Path],
    readonly_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each command that writes, pointed at a read-only folder: exit 2, one line naming a path
    inside that folder, nothing written."""
    values = {k: str(v) for k, v in inputs.items()}
    argv = [
        a.format(ro=readonly_dir, sample=sample_dir() / "gtfs", **values) for a in WRITERS[name]
    ]
    assert main(argv) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(f"error: {readonly_dir}/"), last
    assert last.endswith(": choose a folder you can write to"), last
    assert list(readonly_dir.iterdir()) == []
