"""Shared builders of the archive tests: small feeds, judge reports, archives in the old layout,
file snapshots, and publishers run in forked children that a counter kills at step N."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.gtfs.factory import one_trip_tables
from transit.core.errors import TransitError
from transit.core.notices import Severity
from transit.gtfs.archive.layout import HISTORY_NAME, LATEST, list_versions, read_history
from transit.gtfs.feedio import write_feed
from transit.gtfs.validate import JudgeNotice, ValidationReport

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


def make_zip(
    path: Path, *, start: str = "20260401", end: str = "20260630", version: str = "1"
) -> Path:
    """A valid small feed (the judge reports 0 errors) for the given period."""
    write_feed(one_trip_tables(start=start, end=end, version=version), path)
    return path


def report(path: Path, errors: int = 0) -> ValidationReport:
    """A judge report for ``path`` with ``errors`` ERROR notices of one code."""
    notices = (JudgeNotice("foreign_key_violation", Severity.ERROR, errors),) if errors else ()
    return ValidationReport(
        path, dt.date(2026, 4, 1), "JP", "0.1.2", 1 if errors else 0, 0.1, notices
    )


def two_versions(root: Path, name: str = "archive") -> Path:
    """``root/name``: an archive with 20260401-v1 (``root/a.zip``) and 20260401-v2
    (``root/b.zip``), published by the code under test."""
    from transit.gtfs.archive.publish import publish_feed

    archive = root / name
    for zip_name, version in (("a.zip", "1"), ("b.zip", "2")):
        feed = make_zip(root / zip_name, version=version)
        publish_feed(feed, archive, report=report(feed), now=NOW)
    return archive


def snapshot(archive: Path) -> dict[str, str]:
    """SHA-256 of every file of every version folder, by path relative to the archive."""
    return {
        str(p.relative_to(archive)): hashlib.sha256(p.read_bytes()).hexdigest()
        for v in list_versions(archive)
        for p in sorted((archive / v).rglob("*"))
        if p.is_file()
    }


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Files of ``before`` that are gone or hold other bytes in ``after``."""
    return sorted(path for path, digest in before.items() if after.get(path) != digest)


def shas(archive: Path) -> list[str]:
    """The SHA-256 column of the archive's history."""
    return [str(e["sha256"]) for e in read_history(archive)]


def to_old_layout(archive: Path) -> None:
    """Rewrite an archive of the link layout as the code before it left it: ``latest/`` a real
    folder (feed and manifest copied), ``history.json`` a real file, no history in versions."""
    history = (archive / HISTORY_NAME).read_bytes()
    latest = archive / LATEST
    target = latest.resolve()
    latest.unlink()
    latest.mkdir()
    for name in ("feed.zip", "manifest.json"):
        shutil.copyfile(target / name, latest / name)
    (archive / HISTORY_NAME).unlink()
    (archive / HISTORY_NAME).write_bytes(history)
    for version in list_versions(archive):
        (archive / version / HISTORY_NAME).unlink()
    (archive / ".lock").unlink(missing_ok=True)


def unfinished_v3(archive: Path) -> None:
    """Next to 20260401-v1 and -v2: what a publication killed after its version folder's
    rename and before the switch leaves, plus the temporary entries of two more runs."""
    shutil.copytree(archive / "20260401-v2", archive / "20260401-v3")
    tmp = archive / ".tmp-20260401-v3-0badc0de"
    tmp.mkdir()
    (tmp / "feed.zip").write_bytes(b"PK\x03\x04 half a feed")
    (archive / ".tmp-latest-12345678").symlink_to("20260401-v3")


# --- forked publishers ----------------------------------------------------------------------

#: What a publication does to the disk, each call one step a child can be killed before.
WATCHED: list[tuple[Any, str]] = [
    (os, "open"),
    (os, "write"),
    (os, "fsync"),
    (os, "ftruncate"),
    (os, "replace"),
    (os, "rename"),
    (os, "symlink"),
    (os, "mkdir"),
    (os, "unlink"),
    (os, "rmdir"),
    (os, "chmod"),
    (fcntl, "flock"),
    (Path, "write_bytes"),
]


def arm(kill_at: int | None, *, torn: bool = False, trace: list[str] | None = None) -> None:
    """In a child: count every :data:`WATCHED` call and SIGKILL the process at call number
    ``kill_at`` (before it runs; with ``torn``, a ``write_bytes`` writes half its bytes
    first). ``trace`` receives the name of every call (to learn the steps of a run)."""
    count = 0

    def wrap(owner: Any, name: str) -> None:
        real = getattr(owner, name)

        def watched(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            if trace is not None:
                trace.append(name)
            if count == kill_at:
                if torn and name == "write_bytes":
                    path, data = args[0], args[1]
                    real(path, data[: len(data) // 2])
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        setattr(owner, name, watched)

    for owner, name in WATCHED:
        wrap(owner, name)


def fork(work: Callable[[], object], *, out: Path | None = None) -> int:
    """Run ``work`` in a forked child (the modules already imported); returns the child's pid.
    Exit code 0 when it returns, the error's exit code for a :class:`TransitError` (its line
    written to ``out``), 3 for anything else (the traceback to stderr)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork() with threads (3.12+)
        pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        work()
    except TransitError as exc:
        code = exc.exit_code
        if out is not None:
            out.write_text(str(exc), "utf-8")
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        code = 3
    os._exit(code)


def wait(pid: int, *, timeout_s: float = 60.0) -> int:
    """The child's exit code (``-9`` when killed); a hung child is killed and fails the test."""
    deadline = time.monotonic() + timeout_s
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"child {pid} did not finish within {timeout_s} s")
        time.sleep(0.002)


def run_forked(work: Callable[[], object], *, out: Path | None = None) -> int:
    """:func:`fork` then :func:`wait`."""
    return wait(fork(work, out=out))


def steps_of(work: Callable[[], object], trace_file: Path) -> list[str]:
    """The :data:`WATCHED` calls ``work`` makes, in order (run once in a child)."""

    def traced() -> None:
        trace: list[str] = []
        arm(None, trace=trace)
        try:
            work()
        finally:
            trace_file.write_text(json.dumps(trace), "utf-8")

    assert run_forked(traced) in (0, 1)
    steps: list[str] = json.loads(trace_file.read_text("utf-8"))
    return steps


def killed_at(work: Callable[[], object], n: int, *, torn: bool = False) -> int:
    """Run ``work`` in a child killed at step ``n``; returns its exit code."""

    def armed() -> None:
        arm(n, torn=torn)
        work()

    return run_forked(armed)


def quicken(monkeypatch: pytest.MonkeyPatch) -> None:
    """For tests that kill many publishers: ``os.fsync`` does nothing (a SIGKILL loses no
    written data, only a power cut does), and the publication's pure computations on feeds
    (read, period, continuity, diff) are remembered by content, so that a child reaches its
    disk steps at once. The disk steps themselves are the real ones. Children forked later
    inherit all of it; ``monkeypatch`` undoes it after the test."""
    from transit.gtfs.archive import publish as publish_mod

    real_read = publish_mod.read_feed
    feeds: dict[str, Any] = {}
    results: dict[tuple[object, ...], Any] = {}

    def read_feed(path: Path | str) -> Any:
        key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if key not in feeds:
            feeds[key] = real_read(path)
        return feeds[key]

    def remembered(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*feed_args: Any) -> Any:
            key = (name, *map(id, feed_args))  # the feeds are the ones kept in ``feeds``
            if key not in results:
                results[key] = real(*feed_args)
            return results[key]

        return call

    monkeypatch.setattr(os, "fsync", lambda fd: None)
    monkeypatch.setattr(publish_mod, "read_feed", read_feed)
    for name in ("feed_period", "check_continuity", "diff_feeds"):
        monkeypatch.setattr(publish_mod, name, remembered(name, getattr(publish_mod, name)))
