"""One publisher at a time: a second one exits 1 with one line, or waits (--wait); a killed
holder frees the lock; publishers started together publish a feed once and chain their diffs."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import threading
import time
from pathlib import Path

import pytest

from tests.gtfs.archive.kit import NOW, fork, make_zip, report, shas, wait
from transit.cli import main
from transit.core.errors import InputError
from transit.gtfs.archive.audit import check_archive
from transit.gtfs.archive.layout import read_history
from transit.gtfs.archive.lock import ArchiveBusyError, archive_lock, lock_holder
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.diff import diff_feeds
from transit.gtfs.feedio import read_feed
from transit.gtfs.validate import ValidationReport

JST = dt.timezone(dt.timedelta(hours=9))
SINCE = dt.datetime(2026, 3, 20, 9, 0, 5, tzinfo=JST)


def test_second_publisher_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --wait a second publisher stops at once: exit 1, one line naming the holder;
    nothing is written and the judge is not run."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    with archive_lock(archive, now=SINCE):
        assert lock_holder(archive) == (os.getpid(), SINCE)
        started = time.monotonic()
        assert main(["gtfs", "publish", str(feed), "--archive", str(archive)]) == 1
        assert time.monotonic() - started < 5  # no judge run
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: another publication of {archive} is in progress (pid {os.getpid()}, "
        "since 09:00:05); try again or pass --wait\n"
    )
    assert sorted(p.name for p in archive.iterdir()) == [".lock"]
    assert lock_holder(archive) is None  # released, and the file says so


def test_wait_gives_up_with_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--wait 0.3 waits that long, then exits 1 saying so."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    with archive_lock(archive, now=SINCE):
        started = time.monotonic()
        argv = ["gtfs", "publish", str(feed), "--archive", str(archive), "--wait", "0.3"]
        assert main(argv) == 1
        assert time.monotonic() - started >= 0.3
    assert capsys.readouterr().err == (
        f"error: another publication of {archive} is in progress (pid {os.getpid()}, "
        "since 09:00:05); gave up after waiting 0.3 s; try again or pass a longer --wait\n"
    )


def test_wait_publishes_once_the_holder_is_done(tmp_path: Path) -> None:
    """A publisher that waits goes on as soon as the holder releases the lock."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with archive_lock(archive):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    with pytest.raises(ArchiveBusyError):
        publish_feed(feed, archive, report=report(feed), wait_s=0)
    threading.Timer(0.2, release.set).start()
    pub = publish_feed(feed, archive, report=report(feed), wait_s=10, now=NOW)
    holder.join()
    assert pub.version == "20260401-v1"


def test_default_wait_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """TRANSIT_PUBLISH_WAIT_S changes the default wait; a bad value is bad input (exit 2)."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    monkeypatch.setenv("TRANSIT_PUBLISH_WAIT_S", "0.2")
    with archive_lock(archive), pytest.raises(ArchiveBusyError, match=r"waiting 0\.2 s") as exc:
        publish_feed(feed, archive, report=report(feed))
    assert exc.value.exit_code == 1
    monkeypatch.setenv("TRANSIT_PUBLISH_WAIT_S", "soon")
    with pytest.raises(InputError, match="TRANSIT_PUBLISH_WAIT_S='soon' is not a number") as bad:
        publish_feed(feed, archive, report=report(feed))
    assert bad.value.exit_code == 2


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    """kill -9 of the holder releases the lock (the kernel drops a dead process's flock)."""
    archive = tmp_path / "archive"
    locked = tmp_path / "locked"

    def hold_forever() -> None:
        with archive_lock(archive):
            locked.touch()
            time.sleep(60)

    pid = fork(hold_forever)
    deadline = time.monotonic() + 30
    while not locked.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    with pytest.raises(ArchiveBusyError, match=f"pid {pid}, since"), archive_lock(archive):
        pass
    os.kill(pid, 9)
    assert wait(pid) == -9
    with archive_lock(archive, wait_s=0):
        holder = lock_holder(archive)
        assert holder is not None
        assert holder[0] == os.getpid()


def _judge_after(barrier: multiprocessing.synchronize.Barrier) -> object:
    """A fake judge that waits until every publisher has passed its first check."""

    def judge(path: Path) -> ValidationReport:
        barrier.wait()
        return report(path)

    return judge


def test_same_feed_started_together_is_published_once(tmp_path: Path) -> None:
    """Two publishers of the same feed pass the first "already published?" check together
    (their judges meet at a barrier); the check under the lock lets exactly one publish."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    barrier = multiprocessing.get_context("fork").Barrier(2, timeout=30)
    judge = _judge_after(barrier)
    outs = [tmp_path / f"out{i}.txt" for i in range(2)]
    pids = [
        fork(lambda: publish_feed(feed, archive, judge=judge, wait_s=30), out=o)  # type: ignore[arg-type]
        for o in outs
    ]
    codes = [wait(pid) for pid in pids]
    assert sorted(codes) == [0, 1]
    refused = outs[codes.index(1)].read_text("utf-8")
    assert refused == "new.zip: this feed is already published as 20260401-v1 (same SHA-256)"
    assert [e["version"] for e in read_history(archive)] == ["20260401-v1"]
    assert check_archive(archive) == []


def test_different_feeds_started_together_chain(tmp_path: Path) -> None:
    """Two different feeds published together: both publish, one after the other, and the
    second's continuity and diff are against the first's version, not the stale latest."""
    archive = tmp_path / "archive"
    a = make_zip(tmp_path / "a.zip")
    publish_feed(a, archive, report=report(a), now=NOW)
    b = make_zip(tmp_path / "b.zip", start="20260701", end="20260930")
    c = make_zip(tmp_path / "c.zip", start="20260701", end="20260930", version="3")
    barrier = multiprocessing.get_context("fork").Barrier(2, timeout=30)
    judge = _judge_after(barrier)
    pids = [fork(lambda f=f: publish_feed(f, archive, judge=judge, wait_s=30)) for f in (b, c)]  # type: ignore[misc]
    assert [wait(pid) for pid in pids] == [0, 0]
    history = read_history(archive)
    assert [e["version"] for e in history] == ["20260401-v1", "20260701-v1", "20260701-v2"]
    first, second = (archive / e["version"] for e in history[1:])
    manifest = json.loads((second / "manifest.json").read_text("utf-8"))
    assert manifest["previous_version"] == "20260701-v1"
    assert [c["ok"] for c in manifest["continuity"]] == [True, True, True]
    diff = json.loads((second / "diff.json").read_text("utf-8"))
    expected = diff_feeds(read_feed(first / "feed.zip"), read_feed(second / "feed.zip"))
    assert diff == json.loads(json.dumps(expected.as_dict()))
    assert sorted(shas(archive)) == sorted(set(shas(archive)))
    assert check_archive(archive) == []
