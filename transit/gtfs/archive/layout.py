"""Names and state of a publication archive: version folders, the ``latest`` link, the history.

Everything here reads the archive or switches one link; the decisions (what to publish, what a
crash left) are in :mod:`~transit.gtfs.archive.publish` and :mod:`~transit.gtfs.archive.recovery`.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import re
import secrets
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from transit.core.errors import InputError, WorkError
from transit.core.fileio import fsync_dir

FEED_NAME = "feed.zip"
MANIFEST_NAME = "manifest.json"
DIFF_NAME = "diff.json"
HISTORY_NAME = "history.json"
LATEST = "latest"
LOCK_NAME = ".lock"
#: Every temporary entry a publication makes in the archive starts so; recovery removes them.
TMP_PREFIX = ".tmp-"
#: Where ``DIR/history.json`` points: the history of the version ``latest`` points at.
HISTORY_LINK_TARGET = f"{LATEST}/{HISTORY_NAME}"
_VERSION_RE = re.compile(r"^(?P<date>\d{8})-v(?P<n>[1-9]\d*)$")
#: errno of ``symlink`` on a file system without symbolic links (FAT, exFAT, some SMB shares).
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS}


class ArchiveDamagedError(WorkError):
    """The archive is in a state no publication and no crash leaves (it was changed by hand);
    nothing is touched, a person must look."""


def version_key(name: str) -> tuple[str, int]:
    """Sort key of a version name ``YYYYMMDD-vN``: the date, then the counter as a number."""
    m = _VERSION_RE.match(name)
    if m is None:
        raise ValueError(f"not a version name: {name!r}")
    return m.group("date"), int(m.group("n"))


def is_version_name(name: str) -> bool:
    """True for ``YYYYMMDD-vN``."""
    return _VERSION_RE.match(name) is not None


def list_versions(archive: Path) -> list[str]:
    """Version folders in ``archive`` (real folders, not links), oldest first (date, counter)."""
    if not archive.is_dir():
        return []
    found = [
        p.name
        for p in archive.iterdir()
        if is_version_name(p.name) and p.is_dir() and not p.is_symlink()
    ]
    return sorted(found, key=version_key)


def next_version(used: Iterable[str], start: dt.date) -> str:
    """The next version name for a feed starting on ``start``: ``YYYYMMDD-vN`` with N one more
    than the highest of that date in ``used``."""
    stamp = start.strftime("%Y%m%d")
    counters = [n for date, n in map(version_key, used) if date == stamp]
    return f"{stamp}-v{max(counters, default=0) + 1}"


def read_json(path: Path) -> Any:
    """The JSON content of ``path``."""
    return json.loads(path.read_text("utf-8"))


def _publications(path: Path) -> list[dict[str, Any]] | None:
    if not path.is_file():
        return None
    return list(read_json(path).get("publications", []))


def read_history(archive: Path) -> list[dict[str, Any]]:
    """Every publication recorded in ``DIR/history.json`` (the history of the latest version),
    oldest first; empty before the first."""
    return _publications(archive / HISTORY_NAME) or []


def version_history(archive: Path, version: str) -> list[dict[str, Any]] | None:
    """The history a version folder holds (every publication up to and including it), or
    ``None`` when it holds none (a folder written before the link layout)."""
    return _publications(archive / version / HISTORY_NAME)


def latest_version(archive: Path) -> str | None:
    """The version ``latest`` stands for (from its manifest), or ``None`` before the first."""
    manifest = archive / LATEST / MANIFEST_NAME
    if not manifest.is_file():
        return None
    version = read_json(manifest).get("version")
    return str(version) if version else None


def pointer(archive: Path) -> str | None:
    """The name ``DIR/latest`` links to, or ``None`` when it is not a link (absent, or a real
    folder of the old layout)."""
    link = archive / LATEST
    return str(link.readlink()) if link.is_symlink() else None


def is_legacy(archive: Path) -> bool:
    """True for an archive written before the link layout: ``latest/`` a real folder or
    ``history.json`` a real file."""
    latest, history = archive / LATEST, archive / HISTORY_NAME
    real_latest = latest.is_dir() and not latest.is_symlink()
    real_history = history.exists() and not history.is_symlink()
    return real_latest or real_history


def history_entry(manifest: dict[str, Any]) -> dict[str, Any]:
    """The line of ``history.json`` for a published version, from its manifest."""
    keys = ("version", "sha256", "published_at", "feed_start_date", "feed_end_date")
    return {**{k: manifest[k] for k in keys}, **_forced(manifest)}


def _forced(manifest: dict[str, Any]) -> dict[str, Any]:
    return {"forced": manifest["forced"], "overridden": manifest["overridden"]}


def temp_name(what: str) -> str:
    """A fresh name for a temporary entry of the archive (``.tmp-WHAT-1a2b3c4d``)."""
    return f"{TMP_PREFIX}{what}-{secrets.token_hex(4)}"


def new_link(archive: Path, target: str, *, name: str) -> Path:
    """A link to ``target`` under a temporary name in ``archive``, ready to replace ``name``
    (:func:`put_link`). A file system without symbolic links is refused
    (:class:`~transit.core.errors.InputError`), before anything else is written."""
    tmp = archive / temp_name(name)
    try:
        tmp.symlink_to(target)
    except OSError as exc:
        if exc.errno in _NO_LINKS:
            raise InputError(
                f"{archive}: this file system cannot hold symbolic links, and the archive's "
                f"{LATEST} and {HISTORY_NAME} are links; keep the archive on a file system "
                "with links (ext4, XFS, Btrfs, APFS, NFS), see docs/publishing.md"
            ) from exc
        raise
    return tmp


def put_link(tmp: Path, archive: Path, name: str) -> None:
    """Replace ``DIR/name`` by the link ``tmp`` in one rename, made durable."""
    tmp.replace(archive / name)
    fsync_dir(archive)


def switch_link(archive: Path, name: str, target: str) -> None:
    """Make ``DIR/name`` a link to ``target`` in one rename (whatever it was before)."""
    put_link(new_link(archive, target, name=name), archive, name)


def prune_versions(archive: Path, listed: list[str]) -> list[str]:
    """Remove the version folders that ``listed`` (the history) does not name, never one it
    names; returns a line for each. Call it holding the lock.

    Raises
    ------
    ArchiveDamagedError
        A listed version's folder is missing, or nothing is listed while several version
        folders exist (no crash leaves that): nothing is removed.
    """
    on_disk = list_versions(archive)
    missing = [v for v in listed if v not in on_disk]
    if missing:
        raise ArchiveDamagedError(
            f"{archive}: history.json lists {', '.join(missing)} but the folder is missing; "
            "restore it from a backup"
        )
    unlisted = [v for v in on_disk if v not in listed]
    if not listed and len(unlisted) > 1:
        raise ArchiveDamagedError(
            f"{archive}: {len(unlisted)} version folders but no history lists any; a person "
            "must decide which to keep"
        )
    for version in unlisted:
        discard(archive, version)
    return [
        f"recovered: removed an unfinished version folder {v} left by an interrupted publication"
        for v in unlisted
    ]


def discard(archive: Path, name: str) -> None:
    """Remove ``DIR/name`` (a folder or a file): first renamed to a temporary name (one step,
    made durable), then deleted, so a crash midway leaves only a temporary entry."""
    gone = archive / temp_name(f"gone-{name}")
    (archive / name).rename(gone)
    fsync_dir(archive)
    remove_entry(gone)


def remove_temporary(entry: Path) -> str:
    """Delete a temporary entry an interrupted publication left; returns the line saying so."""
    kind = "link" if entry.is_symlink() else "folder" if entry.is_dir() else "file"
    remove_entry(entry)
    return (
        f"recovered: removed the temporary {kind} {entry.name} left by an interrupted publication"
    )


def remove_entry(path: Path) -> None:
    """Delete a file, link or folder (not following links)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
