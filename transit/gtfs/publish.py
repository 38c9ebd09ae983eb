"""Publish a feed into a versioned archive that keeps every version and never overwrites one.

Archive layout (``DIR`` is the ``--archive`` folder)::

    DIR/
      20260401-v1/          one folder per published version: feed start date + counter
        feed.zip            the feed, byte for byte as given
        manifest.json       version, SHA-256, size, feed dates, judge counts, continuity, force
        diff.json           changes against the version it replaced (absent for the first)
      20260401-v2/          the same start date published again (a corrected feed)
      latest/
        feed.zip            the current feed: the stable address for Google to fetch
        manifest.json       the manifest of that version
      history.json          every publication, oldest first

A version folder is assembled under a temporary name inside ``DIR`` (files fsynced) and renamed
into place, so it appears whole or not at all; an existing version folder is never touched.
``latest/feed.zip`` and ``latest/manifest.json`` are each replaced atomically (temp + rename), so
a fetcher sees the old file or the new one, never a partial one.

A feed is refused (:class:`~transit.core.errors.RefusedError`) when its content is already published,
when the judge reports an ERROR, or when it breaks continuity with the latest version; ``force``
publishes it anyway and records what was overridden in the manifest and the history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transit.core.errors import DataNotFoundError, InputError, Location, RefusedError
from transit.core.fileio import atomic_write_bytes, fsync_dir, json_text, sha256_file
from transit.core.notices import Severity
from transit.gtfs.continuity import check_continuity
from transit.gtfs.diff import diff_feeds
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.service import feed_period
from transit.gtfs.validate import ValidationReport, validate_feed

log = logging.getLogger(__name__)

FEED_NAME = "feed.zip"
MANIFEST_NAME = "manifest.json"
LATEST = "latest"
HISTORY_NAME = "history.json"
_VERSION_RE = re.compile(r"^(?P<date>\d{8})-v(?P<n>\d+)$")

Judge = Callable[[Path], ValidationReport]


@dataclass(frozen=True)
class Publication:
    """A published version: ``version`` (``YYYYMMDD-vN``), its folder ``path``, the feed's
    ``sha256``, whether it was ``forced`` and the refusals that ``force`` overrode."""

    version: str
    path: Path
    sha256: str
    forced: bool
    overridden: tuple[str, ...]
    manifest: dict[str, Any]


def list_versions(archive: Path) -> list[str]:
    """Published version names in ``archive``, oldest first (by date, then counter)."""
    if not archive.is_dir():
        return []
    found = [
        (m.group("date"), int(m.group("n")), p.name)
        for p in archive.iterdir()
        if p.is_dir() and (m := _VERSION_RE.match(p.name))
    ]
    return [name for _d, _n, name in sorted(found)]


def latest_version(archive: Path) -> str | None:
    """The version ``latest/`` points at (from its manifest), or ``None`` before the first."""
    manifest = archive / LATEST / MANIFEST_NAME
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text("utf-8"))
    version = data.get("version")
    return str(version) if version else None


def read_history(archive: Path) -> list[dict[str, Any]]:
    """Every publication recorded in ``history.json``, oldest first."""
    path = archive / HISTORY_NAME
    if not path.is_file():
        return []
    data = json.loads(path.read_text("utf-8"))
    return list(data.get("publications", []))


def _next_version(archive: Path, start: dt.date) -> str:
    stamp = start.strftime("%Y%m%d")
    used = [
        int(m.group("n"))
        for v in list_versions(archive)
        if (m := _VERSION_RE.match(v)) and m.group("date") == stamp
    ]
    return f"{stamp}-v{max(used, default=0) + 1}"


def publish_feed(
    feed_path: Path | str,
    archive: Path | str,
    *,
    force: bool = False,
    report: ValidationReport | None = None,
    judge: Judge | None = None,
    now: dt.datetime | None = None,
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
        :func:`~transit.gtfs.validate.validate_feed`) is run.
    now
        Publication time recorded in the manifest (UTC now by default).

    Returns
    -------
    Publication

    Raises
    ------
    RefusedError
        Already published, judge errors, or broken continuity (the last two unless ``force``).
    InputError
        The feed is missing, not a zip, or has no start date.
    """
    feed_path = Path(feed_path)
    archive = Path(archive)
    feed, period, digest = _candidate(feed_path, archive)
    if report is None:
        report = (judge or validate_feed)(feed_path)
    checks = _checks(feed, report, archive)
    if checks.overridden and not force:
        raise RefusedError(
            "refused: " + "; ".join(checks.overridden) + " (use --force to publish anyway)",
            Location.of(feed_path),
        )
    version = _next_version(archive, period[0])
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    manifest = _manifest(feed_path, feed, period, digest, version, report, checks, when)
    target, feed_bytes = _write_version(archive, version, feed_path, digest, manifest, checks.diff)
    latest = archive / LATEST
    atomic_write_bytes(latest / FEED_NAME, feed_bytes)
    atomic_write_bytes(latest / MANIFEST_NAME, json_text(manifest).encode("utf-8"))
    _append_history(archive, manifest)
    log.info("published %s as %s (sha256 %s)", feed_path, version, digest)
    overridden = tuple(checks.overridden)
    return Publication(version, target, digest, bool(overridden), overridden, manifest)


def _candidate(feed_path: Path, archive: Path) -> tuple[Feed, tuple[dt.date, dt.date], str]:
    """The feed to publish, its period and SHA-256; refused when that content is published."""
    if not feed_path.is_file():
        raise DataNotFoundError(f"feed not found: {feed_path}")
    if feed_path.suffix.lower() != ".zip":
        raise InputError("publish takes a GTFS .zip file", Location.of(feed_path))
    feed = read_feed(feed_path)
    period = feed_period(feed)
    if period is None:
        raise InputError("feed has no service dates (feed_info, calendar)", Location.of(feed_path))
    digest = sha256_file(feed_path)
    for entry in read_history(archive):
        if entry.get("sha256") == digest:
            raise RefusedError(
                f"this feed is already published as {entry.get('version')} (same SHA-256)",
                Location.of(feed_path),
            )
    return feed, period, digest


@dataclass(frozen=True)
class _Checks:
    """What the publication checks found: the refusals ``force`` would override, the version
    replaced (``previous``), the continuity checks and the diff against it (JSON-ready)."""

    overridden: list[str]
    previous: str | None
    continuity: list[dict[str, Any]]
    diff: dict[str, Any] | None


def _checks(feed: Feed, report: ValidationReport, archive: Path) -> _Checks:
    """The judge's errors, then continuity with the latest version (and the diff to it)."""
    overridden: list[str] = []
    if not report.ok:
        codes = ", ".join(n.code for n in report.notices if n.severity is Severity.ERROR)
        overridden.append(f"validation: {report.errors} errors ({codes or 'system error'})")
    prev_version = latest_version(archive)
    if prev_version is None:
        return _Checks(overridden, None, [], None)
    prev_feed = read_feed(archive / prev_version / FEED_NAME)
    checks = check_continuity(prev_feed, feed)
    continuity = [{"code": c.code, "ok": c.ok, "message": c.message} for c in checks]
    overridden += [f"continuity: {c.code}: {c.message}" for c in checks if not c.ok]
    return _Checks(overridden, prev_version, continuity, diff_feeds(prev_feed, feed).as_dict())


def _manifest(
    feed_path: Path,
    feed: Feed,
    period: tuple[dt.date, dt.date],
    digest: str,
    version: str,
    report: ValidationReport,
    checks: _Checks,
    when: dt.datetime,
) -> dict[str, Any]:
    """``manifest.json`` of a version (see the module docstring)."""
    return {
        "version": version,
        "feed_file": FEED_NAME,
        "source_name": feed_path.name,
        "sha256": digest,
        "size_bytes": feed_path.stat().st_size,
        "feed_version": _first(feed, "feed_info", "feed_version"),
        "feed_start_date": period[0].isoformat(),
        "feed_end_date": period[1].isoformat(),
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


def _write_version(
    archive: Path,
    version: str,
    feed_path: Path,
    digest: str,
    manifest: dict[str, Any],
    diff_data: dict[str, Any] | None,
) -> tuple[Path, bytes]:
    """Assemble the version folder under a temporary name and rename it into place; returns
    the folder and the feed's bytes (checked against ``digest``)."""
    archive.mkdir(parents=True, exist_ok=True)
    target = archive / version
    if target.exists():  # pragma: no cover - _next_version never picks an existing name
        raise RefusedError(
            f"version {version} already exists; published versions are never overwritten"
        )
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=archive))
    try:
        feed_bytes = feed_path.read_bytes()
        if hashlib.sha256(feed_bytes).hexdigest() != digest:
            raise RefusedError(
                "the feed changed while it was being published", Location.of(feed_path)
            )
        atomic_write_bytes(tmp / FEED_NAME, feed_bytes)
        atomic_write_bytes(tmp / MANIFEST_NAME, json_text(manifest).encode("utf-8"))
        if diff_data is not None:
            atomic_write_bytes(tmp / "diff.json", json_text(diff_data).encode("utf-8"))
        tmp.chmod(0o755)
        tmp.rename(target)  # atomic; fails rather than replace an existing non-empty folder
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(archive)
    return target, feed_bytes


def _append_history(archive: Path, manifest: dict[str, Any]) -> None:
    """Add the publication to ``history.json`` (replaced atomically)."""
    history = read_history(archive)
    history.append(
        {
            "version": manifest["version"],
            "sha256": manifest["sha256"],
            "published_at": manifest["published_at"],
            "feed_start_date": manifest["feed_start_date"],
            "feed_end_date": manifest["feed_end_date"],
            "forced": manifest["forced"],
            "overridden": manifest["overridden"],
        }
    )
    atomic_write_bytes(archive / HISTORY_NAME, json_text({"publications": history}).encode("utf-8"))


def _first(feed: Feed, table: str, column: str) -> str | None:
    values = feed.column(table, column).tolist()
    return str(values[0]) if values and values[0] else None
