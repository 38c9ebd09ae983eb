"""Publish a feed into the archive as its next version: decided under the lock, made by one rename.

1. The feed is read and hashed (a missing file, not a zip, no dates: bad input, exit 2).
2. Under the archive's lock: recovery (:func:`~transit.gtfs.archive.recovery.recover`), then a
   feed already published is refused, before the judge is run for nothing.
3. The judge runs without the lock (it takes seconds; another publisher may go on meanwhile).
4. Under the lock again: recovery, then every decision on the archive as it is now (already
   published, judge errors, continuity and the diff against ``latest``, the version number).
   The version folder is assembled under a temporary name (each file fsynced), renamed into
   place, and ``latest`` is switched to it by one rename: that rename publishes the feed, its
   manifest and the history that lists it, together.

A feed is refused (:class:`~transit.core.errors.RefusedError`) when its content is already
published, when the judge reports an ERROR, or when it breaks continuity with the latest
version; ``force`` publishes it anyway and records what was overridden in the manifest and
the history. See ``docs/publishing.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transit.core.errors import DataNotFoundError, InputError, Location, RefusedError
from transit.core.fileio import atomic_write_bytes, fsync_dir, json_text, sha256_file
from transit.core.notices import Severity
from transit.gtfs.archive.layout import (
    DIFF_NAME,
    FEED_NAME,
    HISTORY_LINK_TARGET,
    HISTORY_NAME,
    LATEST,
    MANIFEST_NAME,
    discard,
    history_entry,
    list_versions,
    new_link,
    next_version,
    pointer,
    put_link,
    read_history,
    remove_entry,
    switch_link,
    temp_name,
)
from transit.gtfs.archive.lock import archive_lock
from transit.gtfs.archive.recovery import recover
from transit.gtfs.continuity import check_continuity
from transit.gtfs.diff import diff_feeds
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.service import feed_period
from transit.gtfs.validate import ValidationReport, validate_feed

log = logging.getLogger(__name__)

Judge = Callable[[Path], ValidationReport]


@dataclass(frozen=True)
class Publication:
    """A published version: ``version`` (``YYYYMMDD-vN``), its folder ``path``, the feed's
    ``sha256``, whether it was ``forced`` and the refusals that ``force`` overrode, its
    ``manifest``, and the lines of what recovery did first (``recovered``)."""

    version: str
    path: Path
    sha256: str
    forced: bool
    overridden: tuple[str, ...]
    manifest: dict[str, Any]
    recovered: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Candidate:
    """The feed to publish: its ``path``, tables, period (first and last day) and SHA-256."""

    path: Path
    feed: Feed
    period: tuple[dt.date, dt.date]
    digest: str


def publish_feed(
    feed_path: Path | str,
    archive: Path | str,
    *,
    force: bool = False,
    report: ValidationReport | None = None,
    judge: Judge | None = None,
    now: dt.datetime | None = None,
    wait_s: float | None = None,
    on_recovered: Callable[[str], None] | None = None,
) -> Publication:
    """Publish ``feed_path`` (a GTFS zip) as the next version in ``archive``.

    Parameters
    ----------
    feed_path
        The feed zip to publish (copied byte for byte).
    archive
        The archive folder (created when missing).
    force
        Publish even if the judge reports errors or continuity with the latest version breaks;
        what was overridden is recorded. A feed already published is refused even with force.
    report
        The judge's report for this feed when already run; otherwise ``judge`` (default
        :func:`~transit.gtfs.validate.validate_feed`) is run, outside the lock.
    now
        Publication time recorded in the manifest (UTC now by default).
    wait_s
        Seconds to wait for another publication of the archive to finish (default
        :func:`~transit.gtfs.archive.lock.default_wait_s`).
    on_recovered
        Called with each line of what recovery did (an interrupted publication cleaned up).

    Returns
    -------
    Publication

    Raises
    ------
    RefusedError
        Already published, judge errors, or broken continuity (the last two unless ``force``).
    ArchiveBusyError
        Another publication holds the archive past ``wait_s``.
    ArchiveDamagedError
        The archive is in a state no crash leaves (see
        :func:`~transit.gtfs.archive.recovery.recover`); nothing is changed.
    InputError
        The feed is missing, not a zip, or has no start date; the archive's file system has
        no symbolic links.
    """
    candidate = _candidate(Path(feed_path))
    archive = Path(archive)
    recovered: list[str] = []

    def recover_first() -> None:
        lines = recover(archive)
        recovered.extend(lines)
        if on_recovered is not None:
            for line in lines:
                on_recovered(line)

    if report is None:
        with archive_lock(archive, wait_s=wait_s):
            recover_first()
            _refuse_published(read_history(archive), candidate)
        report = (judge or validate_feed)(candidate.path)
    with archive_lock(archive, wait_s=wait_s):
        recover_first()
        pub = _publish_locked(candidate, archive, report, force=force, now=now)
    log.info("published %s as %s (sha256 %s)", candidate.path, pub.version, pub.sha256)
    return replace(pub, recovered=tuple(recovered))


def _candidate(feed_path: Path) -> _Candidate:
    """The feed to publish, its period and SHA-256 (bad input refused before the archive is
    touched)."""
    if not feed_path.is_file():
        raise DataNotFoundError(f"feed not found: {feed_path}")
    if feed_path.suffix.lower() != ".zip":
        raise InputError("publish takes a GTFS .zip file", Location.of(feed_path))
    feed = read_feed(feed_path)
    period = feed_period(feed)
    if period is None:
        raise InputError("feed has no service dates (feed_info, calendar)", Location.of(feed_path))
    return _Candidate(feed_path, feed, period, sha256_file(feed_path))


def _refuse_published(history: list[dict[str, Any]], candidate: _Candidate) -> None:
    for entry in history:
        if entry.get("sha256") == candidate.digest:
            raise RefusedError(
                f"this feed is already published as {entry.get('version')} (same SHA-256)",
                Location.of(candidate.path),
            )


def _publish_locked(
    candidate: _Candidate,
    archive: Path,
    report: ValidationReport,
    *,
    force: bool,
    now: dt.datetime | None,
) -> Publication:
    """Decide on the archive's state as it is under the lock, then publish in one switch."""
    history = read_history(archive)
    _refuse_published(history, candidate)
    checks = _checks(candidate.feed, report, archive, pointer(archive))
    if checks.overridden and not force:
        raise RefusedError(
            "refused: " + "; ".join(checks.overridden) + " (use --force to publish anyway)",
            Location.of(candidate.path),
        )
    used = {*list_versions(archive), *(str(e["version"]) for e in history)}
    version = next_version(used, candidate.period[0])
    feed_bytes = candidate.path.read_bytes()
    if hashlib.sha256(feed_bytes).hexdigest() != candidate.digest:
        raise RefusedError(
            "the feed changed while it was being published", Location.of(candidate.path)
        )
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    manifest = _manifest(candidate, len(feed_bytes), version, report, checks, when)
    files = {FEED_NAME: feed_bytes, MANIFEST_NAME: json_text(manifest).encode("utf-8")}
    if checks.diff is not None:
        files[DIFF_NAME] = json_text(checks.diff).encode("utf-8")
    publications = {"publications": [*history, history_entry(manifest)]}
    files[HISTORY_NAME] = json_text(publications).encode("utf-8")
    target = _commit(archive, version, files)
    overridden = tuple(checks.overridden)
    return Publication(version, target, candidate.digest, bool(overridden), overridden, manifest)


@dataclass(frozen=True)
class _Checks:
    """What the publication checks found: the refusals ``force`` would override, the version
    replaced (``previous``), the continuity checks and the diff against it (JSON-ready)."""

    overridden: list[str]
    previous: str | None
    continuity: list[dict[str, Any]]
    diff: dict[str, Any] | None


def _checks(feed: Feed, report: ValidationReport, archive: Path, previous: str | None) -> _Checks:
    """The judge's errors, then continuity with the ``previous`` version (and the diff to it)."""
    overridden: list[str] = []
    if not report.ok:
        codes = ", ".join(n.code for n in report.notices if n.severity is Severity.ERROR)
        overridden.append(f"validation: {report.errors} errors ({codes or 'system error'})")
    if previous is None:
        return _Checks(overridden, None, [], None)
    prev_feed = read_feed(archive / previous / FEED_NAME)
    checks = check_continuity(prev_feed, feed)
    continuity = [{"code": c.code, "ok": c.ok, "message": c.message} for c in checks]
    overridden += [f"continuity: {c.code}: {c.message}" for c in checks if not c.ok]
    return _Checks(overridden, previous, continuity, diff_feeds(prev_feed, feed).as_dict())


def _manifest(
    candidate: _Candidate,
    size: int,
    version: str,
    report: ValidationReport,
    checks: _Checks,
    when: dt.datetime,
) -> dict[str, Any]:
    """``manifest.json`` of a version (see ``docs/publishing.md``)."""
    return {
        "version": version,
        "feed_file": FEED_NAME,
        "source_name": candidate.path.name,
        "sha256": candidate.digest,
        "size_bytes": size,
        "feed_version": _first(candidate.feed, "feed_info", "feed_version"),
        "feed_start_date": candidate.period[0].isoformat(),
        "feed_end_date": candidate.period[1].isoformat(),
        "published_at": when.isoformat(),
        "previous_version": checks.previous,
        "validation": {
            "validator_version": report.validator_version,
            "date": report.date.isoformat(),
            "country": report.country,
            "errors": report.errors,
            "warnings": report.warnings,
            "infos": report.infos,
            "by_code": report.by_code(),
        },
        "continuity": checks.continuity,
        "forced": bool(checks.overridden),
        "overridden": checks.overridden,
    }


def _commit(archive: Path, version: str, files: dict[str, bytes]) -> Path:
    """Assemble ``DIR/version`` under a temporary name (each file fsynced), rename it into place
    (made durable), then switch ``latest`` to it: the one rename that publishes. On an error
    before the switch nothing of it is left."""
    link = new_link(archive, version, name=LATEST)  # a file system without links stops here
    tmp, target = archive / temp_name(version), archive / version
    placed = switched = False
    try:
        tmp.mkdir()
        for name, data in files.items():
            atomic_write_bytes(tmp / name, data)
        tmp.chmod(0o755)
        if target.exists():  # pragma: no cover - the version is chosen under the lock
            raise RefusedError(f"version {version} already exists; it is never overwritten")
        tmp.rename(target)
        placed = True
        fsync_dir(archive)  # the folder is on disk before any link can point at it
        put_link(link, archive, LATEST)
        switched = True
    except BaseException:
        _undo(archive, tmp, link, version if placed and not switched else None)
        raise
    history_link = archive / HISTORY_NAME
    if not history_link.is_symlink():  # the first publication
        switch_link(archive, HISTORY_NAME, HISTORY_LINK_TARGET)
    return target


def _undo(archive: Path, tmp: Path, link: Path, placed: str | None) -> None:
    """Remove what a publication that failed before its switch made (best effort: recovery
    removes the rest on the next start)."""
    with contextlib.suppress(OSError):
        remove_entry(tmp)
    with contextlib.suppress(OSError):
        link.unlink(missing_ok=True)
    if placed is not None:
        with contextlib.suppress(OSError):
            discard(archive, placed)


def _first(feed: Feed, table: str, column: str) -> str | None:
    values = feed.column(table, column).tolist()
    return str(values[0]) if values and values[0] else None
