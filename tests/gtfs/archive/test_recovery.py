"""What an interrupted publication leaves is cleaned on the next start, and said (exact lines);
a damaged archive is refused untouched; a file system without links is refused."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from tests.gtfs.archive.kit import NOW, make_zip, report, snapshot, two_versions, unfinished_v3
from transit.cli import main
from transit.core.errors import InputError
from transit.gtfs.archive import publish as publish_mod
from transit.gtfs.archive.audit import check_archive
from transit.gtfs.archive.layout import ArchiveDamagedError, list_versions, read_history
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.archive.recovery import recover_archive

#: The entries of the archive of two versions, and of nothing else.
TWO_ENTRIES = [".lock", "20260401-v1", "20260401-v2", "history.json", "latest"]


@pytest.fixture
def two(tmp_path: Path) -> Path:
    """An archive with 20260401-v1 (a.zip) and 20260401-v2 (b.zip)."""
    return two_versions(tmp_path)


def test_cli_says_what_it_recovered(
    two: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The next `transit gtfs publish` removes temporary entries and the unfinished version,
    prints one line for each, then goes on (here: refuses a feed already published, exit 1)."""
    before = snapshot(two)
    unfinished_v3(two)
    assert main(["gtfs", "publish", str(tmp_path / "b.zip"), "--archive", str(two)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "recovered: removed the temporary folder .tmp-20260401-v3-0badc0de left by an "
        "interrupted publication",
        "recovered: removed the temporary link .tmp-latest-12345678 left by an interrupted "
        "publication",
        "recovered: removed an unfinished version folder 20260401-v3 left by an interrupted "
        "publication",
    ]
    assert captured.err == (
        "error: b.zip: this feed is already published as 20260401-v2 (same SHA-256)\n"
    )
    assert sorted(p.name for p in two.iterdir()) == TWO_ENTRIES
    assert snapshot(two) == before
    assert check_archive(two) == []


def test_recovered_lines_come_with_the_publication(two: Path, tmp_path: Path) -> None:
    """The library passes each line to ``on_recovered`` and keeps them in the publication;
    the version number of the removed folder is used again (it was never published)."""
    unfinished_v3(two)
    seen: list[str] = []
    c = make_zip(tmp_path / "c.zip", version="3")
    pub = publish_feed(c, two, report=report(c), now=NOW, on_recovered=seen.append)
    assert pub.version == "20260401-v3"
    assert pub.recovered == tuple(seen)
    assert len(seen) == 3
    assert pub.manifest["previous_version"] == "20260401-v2"
    assert check_archive(two) == []


def test_a_dangling_latest_is_pointed_at_the_last_complete_version(
    two: Path, tmp_path: Path
) -> None:
    """``latest`` pointing at a folder that is gone (a hand edit, a partial copy) is repaired
    before anything is decided; the publication then continues the repaired latest."""
    (two / "latest").unlink()
    (two / "latest").symlink_to("20260401-v9")
    c = make_zip(tmp_path / "c.zip", version="3")
    pub = publish_feed(c, two, report=report(c), now=NOW)
    assert pub.recovered == (
        "recovered: latest pointed at 20260401-v9, which is missing or incomplete; it now "
        "points at 20260401-v2, the last complete publication",
    )
    assert pub.manifest["previous_version"] == "20260401-v2"
    assert check_archive(two) == []


def test_missing_links_are_restored(two: Path) -> None:
    """A missing ``latest`` (the history link still there) and a missing ``history.json``
    link are put back; nothing else changes."""
    before = snapshot(two)
    (two / "latest").unlink()
    assert recover_archive(two) == [
        "recovered: latest was missing; it now points at 20260401-v2, the last complete publication"
    ]
    (two / "history.json").unlink()
    assert recover_archive(two) == [
        "recovered: restored the link history.json -> latest/history.json"
    ]
    assert recover_archive(two) == []
    assert snapshot(two) == before
    assert check_archive(two) == []


def test_an_interrupted_first_publication_is_undone(tmp_path: Path) -> None:
    """Killed between the first version's rename and the first ``latest``: no latest, no
    history link, one folder. It is removed, and the feed is published as -v1 again."""
    feed = make_zip(tmp_path / "a.zip")
    other = tmp_path / "other"
    publish_feed(feed, other, report=report(feed), now=NOW)
    archive = tmp_path / "archive"
    archive.mkdir()
    shutil.copytree(other / "20260401-v1", archive / "20260401-v1")
    pub = publish_feed(feed, archive, report=report(feed), now=NOW)
    assert pub.recovered == (
        "recovered: removed an unfinished version folder 20260401-v1 left by an interrupted "
        "publication",
    )
    assert pub.version == "20260401-v1"
    assert check_archive(archive) == []


def test_a_damaged_archive_is_refused_untouched(two: Path, tmp_path: Path) -> None:
    """History lists a version whose folder is gone: refused (exit 1), nothing removed."""
    shutil.rmtree(two / "20260401-v1")
    before = snapshot(two)
    c = make_zip(tmp_path / "c.zip", version="3")
    with pytest.raises(ArchiveDamagedError) as exc:
        publish_feed(c, two, report=report(c))
    assert str(exc.value) == (
        f"{two}: history.json lists 20260401-v1 but the folder is missing; restore it from a backup"
    )
    assert exc.value.exit_code == 1
    assert snapshot(two) == before


def test_several_folders_and_no_history_are_left_for_a_person(tmp_path: Path) -> None:
    """No latest and no history but two version folders: no crash leaves that, so nothing
    is deleted."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for version in ("20260401-v1", "20260401-v2"):
        (archive / version).mkdir()
    with pytest.raises(ArchiveDamagedError, match="2 version folders but no history lists any"):
        recover_archive(archive)
    assert list_versions(archive) == ["20260401-v1", "20260401-v2"]


def test_a_file_system_without_links_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where a symbolic link cannot be made (FAT, exFAT, some SMB shares) the publication is
    refused before anything is assembled (bad input, exit 2)."""

    def no_links(self: Path, target: str) -> None:
        raise OSError(errno.EPERM, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "symlink_to", no_links)
    feed = make_zip(tmp_path / "a.zip")
    archive = tmp_path / "archive"
    with pytest.raises(InputError) as exc:
        publish_feed(feed, archive, report=report(feed))
    assert str(exc.value) == (
        f"{archive}: this file system cannot hold symbolic links, and the archive's latest and "
        "history.json are links; keep the archive on a file system with links (ext4, XFS, "
        "Btrfs, APFS, NFS), see docs/publishing.md"
    )
    assert exc.value.exit_code == 2
    assert sorted(p.name for p in archive.iterdir()) == [".lock"]


def test_a_failed_switch_leaves_nothing(
    two: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error after the version folder's rename and before the switch removes the folder:
    latest and history are as before."""

    def failing(tmp: Path, archive: Path, name: str) -> None:
        raise OSError(errno.EIO, "Input/output error", str(archive / name))

    before = snapshot(two)
    monkeypatch.setattr(publish_mod, "put_link", failing)
    c = make_zip(tmp_path / "c.zip", version="3")
    with pytest.raises(OSError, match="Input/output error"):
        publish_feed(c, two, report=report(c))
    assert sorted(p.name for p in two.iterdir()) == TWO_ENTRIES
    assert [e["version"] for e in read_history(two)] == ["20260401-v1", "20260401-v2"]
    assert snapshot(two) == before
