"""One publisher at a time: an exclusive ``flock`` on ``DIR/.lock``.

The kernel releases a ``flock`` when its process ends, however it ends (``kill -9`` included),
so a crashed publisher never leaves the archive locked. The lock file is never removed or
replaced (two publishers would then lock two different files). While the lock is held the file
says who holds it (pid and since when), for the line a second publisher prints.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from transit.core.errors import InputError, WorkError
from transit.core.gtfstime import format_time_of_day
from transit.gtfs.archive.layout import LOCK_NAME

#: Seconds a publisher waits for another one to finish, unless told otherwise (``--wait``).
DEFAULT_WAIT_S = 0.0
#: Environment variable that changes :data:`DEFAULT_WAIT_S` (``docs/limits.md``).
ENV_WAIT = "TRANSIT_PUBLISH_WAIT_S"
_POLL_S = 0.05
_HOLDER_READS = 10  # the holder writes its pid just after it locks: read again a few times


class ArchiveBusyError(WorkError):
    """Another publication of the archive holds its lock (exit 1)."""


def default_wait_s() -> float:
    """:data:`DEFAULT_WAIT_S`, or the seconds in ``TRANSIT_PUBLISH_WAIT_S`` when set."""
    raw = os.environ.get(ENV_WAIT, "").strip()
    if not raw:
        return DEFAULT_WAIT_S
    try:
        seconds = float(raw)
    except ValueError:
        raise InputError(f"{ENV_WAIT}={raw!r} is not a number of seconds") from None
    if not seconds >= 0:
        raise InputError(f"{ENV_WAIT} must be 0 or more seconds, got {raw}")
    return seconds


@contextlib.contextmanager
def archive_lock(
    archive: Path, *, wait_s: float | None = None, now: dt.datetime | None = None
) -> Iterator[None]:
    """Hold the archive's lock for the ``with`` block (the archive folder is created if needed).

    Waits up to ``wait_s`` seconds (default :func:`default_wait_s`) for another holder, then
    raises :class:`ArchiveBusyError`: "another publication of DIR is in progress (pid N, since
    HH:MM:SS); try again or pass --wait". ``now`` is the start recorded for others to see
    (the local time by default).
    """
    wait = default_wait_s() if wait_s is None else wait_s
    archive.mkdir(parents=True, exist_ok=True)
    fd = os.open(archive / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, archive, wait)
        _record_holder(fd, now or dt.datetime.now().astimezone())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the next reader sees no stale holder
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, archive: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _busy(archive, wait) from None
            time.sleep(min(_POLL_S, left))


def _record_holder(fd: int, since: dt.datetime) -> None:
    """Write who holds the lock into the lock file itself: in place, not by an atomic replace,
    which would give the next publisher another file to lock."""
    text = json.dumps({"pid": os.getpid(), "since": since.isoformat()})
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode("utf-8"))


def lock_holder(archive: Path) -> tuple[int, dt.datetime] | None:
    """Who holds the archive's lock (pid, since when) as the holder wrote it, or ``None`` when
    it is free or the holder has not written yet."""
    path = archive / LOCK_NAME
    for attempt in range(_HOLDER_READS):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(path.read_text("utf-8"))
            return int(data["pid"]), dt.datetime.fromisoformat(data["since"])
        if attempt + 1 < _HOLDER_READS:
            time.sleep(0.01)
    return None


def _busy(archive: Path, wait: float) -> ArchiveBusyError:
    holder = lock_holder(archive)
    who = f" (pid {holder[0]}, since {format_time_of_day(holder[1])})" if holder else ""
    if wait > 0:
        advice = f"gave up after waiting {wait:g} s; try again or pass a longer --wait"
    else:
        advice = "try again or pass --wait"
    return ArchiveBusyError(f"another publication of {archive} is in progress{who}; {advice}")
