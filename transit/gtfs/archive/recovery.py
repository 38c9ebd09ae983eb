"""What an interrupted publication left, found and cleaned on the next start, under the lock.

A publication is one rename of ``latest`` (:mod:`~transit.gtfs.archive.publish`), so a crash
leaves the archive as it was before or after that rename, plus at most:

- temporary entries (``.tmp-…``: a version folder being assembled, a new link, a folder being
  deleted), which are removed;
- one version folder renamed into place but never pointed at (no history lists it), which is
  removed: the publication did not happen and may simply be run again.

A ``latest`` link that points at nothing complete, or a missing ``history.json`` link, cannot
come from a crash of this code (the renames are made durable in order) but can from a copy or a
hand edit; ``latest`` is then pointed at the last complete version. A version that ``history``
lists is never deleted or changed.
"""

from __future__ import annotations

from pathlib import Path

from transit.core.fileio import fsync_dir
from transit.gtfs.archive.layout import (
    FEED_NAME,
    HISTORY_LINK_TARGET,
    HISTORY_NAME,
    LATEST,
    MANIFEST_NAME,
    TMP_PREFIX,
    ArchiveDamagedError,
    list_versions,
    pointer,
    prune_versions,
    remove_temporary,
    switch_link,
    version_history,
)
from transit.gtfs.archive.lock import archive_lock
from transit.gtfs.archive.migrate import migrate


def recover_archive(archive: Path, *, wait_s: float | None = None) -> list[str]:
    """Take the archive's lock (see :func:`~transit.gtfs.archive.lock.archive_lock`) and
    :func:`recover` it; returns the lines saying what was done (empty when nothing was)."""
    with archive_lock(archive, wait_s=wait_s):
        return recover(archive)


def recover(archive: Path) -> list[str]:
    """Migrate an old-layout archive, then remove and repair what a crash left (see the module
    docstring). Call it holding the lock. Returns one line per thing done, for people, such as
    "recovered: removed an unfinished version folder 20270401-v2 left by an interrupted
    publication".

    Raises
    ------
    ArchiveDamagedError
        The archive is in a state no crash leaves and cannot be repaired without deleting a
        published version; nothing is changed.
    """
    if not archive.is_dir():
        return []
    lines = migrate(archive)
    lines += _remove_temporaries(archive)
    lines += _repair_pointer(archive)
    lines += _remove_unreached(archive)
    lines += _restore_history_link(archive)
    return lines


def _remove_temporaries(archive: Path) -> list[str]:
    found = sorted(e for e in archive.iterdir() if e.name.startswith(TMP_PREFIX))
    lines = [remove_temporary(entry) for entry in found]
    if lines:
        fsync_dir(archive)
    return lines


def is_complete(archive: Path, version: str) -> bool:
    """True when ``DIR/version`` is a whole published version: feed, manifest, and a history
    whose last entry is itself."""
    folder = archive / version
    if not (folder / FEED_NAME).is_file() or not (folder / MANIFEST_NAME).is_file():
        return False
    history = version_history(archive, version)
    return history is not None and bool(history) and history[-1].get("version") == version


def _last_complete(archive: Path) -> str | None:
    """The complete version with the longest history whose every version is on disk (the
    newest of equals)."""
    on_disk = list_versions(archive)
    best: tuple[int, str] | None = None
    for version in on_disk:
        history = version_history(archive, version) or []
        whole = is_complete(archive, version) and all(e.get("version") in on_disk for e in history)
        if whole and (best is None or len(history) >= best[0]):
            best = (len(history), version)
    return None if best is None else best[1]


def _repair_pointer(archive: Path) -> list[str]:
    target = pointer(archive)
    if target is not None and is_complete(archive, target):
        return []
    if target is None and not (archive / HISTORY_NAME).is_symlink():
        return []  # nothing published yet: no latest, no history link
    best = _last_complete(archive)
    if best is None:
        raise ArchiveDamagedError(
            f"{archive}: {LATEST} points at no complete version and none is left to point it "
            "at; restore the archive from a backup"
        )
    switch_link(archive, LATEST, best)
    what = f"pointed at {target}, which is missing or incomplete" if target else "was missing"
    return [f"recovered: {LATEST} {what}; it now points at {best}, the last complete publication"]


def _remove_unreached(archive: Path) -> list[str]:
    """Remove the version folders the latest history does not list (never one it lists)."""
    target = pointer(archive)
    history = (version_history(archive, target) if target else None) or []
    return prune_versions(archive, [str(e.get("version")) for e in history])


def _restore_history_link(archive: Path) -> list[str]:
    link = archive / HISTORY_NAME
    if pointer(archive) is None or (
        link.is_symlink() and str(link.readlink()) == HISTORY_LINK_TARGET
    ):
        return []
    switch_link(archive, HISTORY_NAME, HISTORY_LINK_TARGET)
    return [f"recovered: restored the link {HISTORY_NAME} -> {HISTORY_LINK_TARGET}"]
