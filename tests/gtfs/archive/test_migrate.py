"""Archives written before the link layout are migrated on the next publication, under the lock,
keeping every version history.json records and every byte of it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.gtfs.archive.kit import (
    NOW,
    changed_files,
    make_zip,
    report,
    snapshot,
    to_old_layout,
    two_versions,
)
from transit.gtfs.archive.audit import check_archive
from transit.gtfs.archive.layout import is_legacy, list_versions, read_history
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.archive.recovery import recover_archive

MIGRATED = (
    "migrated: latest is now a link to 20260401-v2 and history.json a link to "
    "latest/history.json (see docs/publishing.md)"
)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """An archive of the old layout with 20260401-v1 (a.zip) and 20260401-v2 (b.zip)."""
    archive = two_versions(tmp_path)
    to_old_layout(archive)
    assert is_legacy(archive)
    assert check_archive(archive) == [
        f"{archive}: the old layout (the next publication migrates it)"
    ]
    return archive


def test_the_next_publication_migrates(old: Path, tmp_path: Path) -> None:
    """latest/ becomes a link to the last recorded version, which receives the old history;
    no byte of a version changes; the new version continues it."""
    before = snapshot(old)
    old_history = json.loads((old / "history.json").read_text("utf-8"))["publications"]
    c = make_zip(tmp_path / "c.zip", version="3")
    pub = publish_feed(c, old, report=report(c), now=NOW)
    assert pub.recovered == (MIGRATED,)
    assert changed_files(before, snapshot(old)) == []
    added = sorted(set(snapshot(old)) - set(before))
    assert added[0] == "20260401-v2/history.json"
    assert all(p.startswith("20260401-v3/") for p in added[1:])
    assert read_history(old)[:2] == old_history
    assert pub.manifest["previous_version"] == "20260401-v2"
    assert check_archive(old) == []


def test_what_the_old_code_left_after_crashes_is_cleaned(old: Path, tmp_path: Path) -> None:
    """The hostile round's findings on an old archive: version folders history.json does not
    list (the same bytes again), latest/feed.zip not the feed of latest/manifest.json, temp
    entries. History is the record: the rest is removed, and said; other files stay."""
    before = snapshot(old)
    shutil.copytree(old / "20260401-v2", old / "20260401-v3")
    shutil.copytree(old / "20260401-v2", old / "20260401-v4")
    c = make_zip(tmp_path / "c.zip", version="3")
    shutil.copyfile(c, old / "latest" / "feed.zip")
    (old / ".20260401-v3.k2j3abcd").mkdir()
    (old / ".history.json.x1y2.tmp.json").write_text("{", "utf-8")
    (old / ".htaccess").write_text("Options +FollowSymLinks\n", "utf-8")
    served = hashlib.sha256(c.read_bytes()).hexdigest()
    assert recover_archive(old) == [
        "recovered: removed the temporary folder .20260401-v3.k2j3abcd left by an interrupted "
        "publication",
        "recovered: removed the temporary file .history.json.x1y2.tmp.json left by an "
        "interrupted publication",
        "recovered: removed an unfinished version folder 20260401-v3 left by an interrupted "
        "publication",
        "recovered: removed an unfinished version folder 20260401-v4 left by an interrupted "
        "publication",
        f"recovered: the old latest/ served a feed (sha256 {served[:12]}…) that history.json "
        "does not record; latest now points at 20260401-v2, the last recorded publication",
        MIGRATED,
    ]
    assert changed_files(before, snapshot(old)) == []
    assert sorted(p.name for p in old.iterdir()) == [
        ".htaccess",
        ".lock",
        "20260401-v1",
        "20260401-v2",
        "history.json",
        "latest",
    ]
    assert check_archive(old) == []
    assert recover_archive(old) == []


def test_a_copy_that_followed_the_links_is_migrated_again(tmp_path: Path) -> None:
    """Copied without keeping links (``cp -rL``, ``scp -r``), latest/ and history.json are
    real again: the copy reads as the old layout and its next publication migrates it."""
    archive = two_versions(tmp_path)
    copy = tmp_path / "copy"
    shutil.copytree(archive, copy, symlinks=False)
    assert is_legacy(copy)
    before = snapshot(copy)
    c = make_zip(tmp_path / "c.zip", version="3")
    pub = publish_feed(c, copy, report=report(c), now=NOW)
    assert pub.recovered == (MIGRATED,)
    assert changed_files(before, snapshot(copy)) == []
    assert check_archive(copy) == []


def test_an_old_first_publication_that_crashed(tmp_path: Path) -> None:
    """The old code killed after latest/ and before history.json, in the first publication:
    nothing was recorded, so nothing is kept."""
    archive = tmp_path / "archive"
    feed = make_zip(tmp_path / "a.zip")
    publish_feed(feed, archive, report=report(feed), now=NOW)
    to_old_layout(archive)
    (archive / "history.json").unlink()
    served = hashlib.sha256(feed.read_bytes()).hexdigest()
    assert recover_archive(archive) == [
        "recovered: removed an unfinished version folder 20260401-v1 left by an interrupted "
        "publication",
        f"recovered: the old latest/ served a feed (sha256 {served[:12]}…) that history.json "
        "does not record; removed it",
        "migrated: the old layout recorded no publication; removed what it left",
    ]
    assert sorted(p.name for p in archive.iterdir()) == [".lock"]
    assert list_versions(archive) == []
    assert publish_feed(feed, archive, report=report(feed), now=NOW).version == "20260401-v1"
