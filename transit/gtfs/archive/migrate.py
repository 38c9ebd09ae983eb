"""Archives written before the link layout (a real ``latest/`` folder, a real ``history.json``)
turned into the link layout, under the lock, keeping every version ``history.json`` records.

Each step is one rename or an idempotent write, and the old layout stays recognisable
(``history.json`` a real file) until the last step, so a migration cut short by a crash is taken
up again by the next publication. ``history.json`` is the record of the old layout: the folder
of its last entry becomes ``latest``; folders it does not list were left by publications that
failed before they were recorded, and are removed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from transit.core.fileio import atomic_write_bytes, fsync_dir, json_text, sha256_file
from transit.gtfs.archive.layout import (
    FEED_NAME,
    HISTORY_LINK_TARGET,
    HISTORY_NAME,
    LATEST,
    MANIFEST_NAME,
    is_legacy,
    prune_versions,
    read_json,
    remove_entry,
    remove_temporary,
    switch_link,
    temp_name,
)

_OLD_TEMP = re.compile(r"^\.(\d{8}-v\d+\.|history\.json\..+\.tmp\.json$)")


def migrate(archive: Path) -> list[str]:
    """Migrate ``archive`` when it has the old layout (else do nothing); call it under the lock.

    Returns one line per thing done, for people ("migrated: …", "recovered: …").

    Raises
    ------
    ArchiveDamagedError
        ``history.json`` lists a version whose folder is missing, or lists none while several
        version folders exist: a person must look; nothing is changed.
    """
    if not is_legacy(archive):
        return []
    history = _old_history(archive)
    listed = [str(entry["version"]) for entry in history]
    lines = _remove_old_temporaries(archive)
    lines += prune_versions(archive, listed)
    last = listed[-1] if listed else None
    if last is not None:
        _give_history(archive, last, history)
    lines += _replace_latest(archive, last)
    if last is None:
        remove_entry(archive / HISTORY_NAME)
        fsync_dir(archive)
        return [*lines, "migrated: the old layout recorded no publication; removed what it left"]
    switch_link(archive, HISTORY_NAME, HISTORY_LINK_TARGET)
    return [
        *lines,
        f"migrated: {LATEST} is now a link to {last} and {HISTORY_NAME} a link to "
        f"{HISTORY_LINK_TARGET} (see docs/publishing.md)",
    ]


def _remove_old_temporaries(archive: Path) -> list[str]:
    """The temporary entries the old code left: ``.20260401-v2.k3j2abcd/`` (a version being
    assembled) and ``.history.json.….tmp.json``; nothing else (an ``.htaccess`` stays)."""
    return [remove_temporary(e) for e in sorted(archive.iterdir()) if _OLD_TEMP.match(e.name)]


def _old_history(archive: Path) -> list[dict[str, Any]]:
    path = archive / HISTORY_NAME
    if path.is_symlink() or not path.is_file():
        return []
    return list(read_json(path).get("publications", []))


def _give_history(archive: Path, version: str, history: list[dict[str, Any]]) -> None:
    """Write the old ``history.json`` into the last version's folder (the one file added to a
    published folder, once), unless it is there already."""
    folder = archive / version
    for stray in folder.glob(f".{HISTORY_NAME}.*"):  # a temp file of a migration cut short
        remove_entry(stray)
    data = json_text({"publications": history}).encode("utf-8")
    target = folder / HISTORY_NAME
    if not target.is_file() or target.read_bytes() != data:
        atomic_write_bytes(target, data)


def _replace_latest(archive: Path, last: str | None) -> list[str]:
    """The real ``latest/`` folder moved aside, the link to ``last`` put in its place, then the
    old folder deleted: between the two renames there is no ``latest`` (a crash there is
    repaired by the next publication)."""
    latest = archive / LATEST
    lines: list[str] = []
    old = None
    if latest.is_dir() and not latest.is_symlink():
        lines = _served_other(latest, archive, last)
        old = archive / temp_name("gone-latest")
        latest.rename(old)
    if last is not None:
        switch_link(archive, LATEST, last)
    if old is not None:
        fsync_dir(archive)
        remove_entry(old)
    return lines


def _served_other(latest: Path, archive: Path, last: str | None) -> list[str]:
    """A line when the old ``latest/`` served a feed other than the last recorded version's."""
    served = latest / FEED_NAME
    if not served.is_file():
        return []
    digest = sha256_file(served)
    recorded = None if last is None else read_json(archive / last / MANIFEST_NAME).get("sha256")
    if digest == recorded:
        return []
    now = f"{LATEST} now points at {last}, the last recorded publication" if last else "removed it"
    return [
        f"recovered: the old {LATEST}/ served a feed (sha256 {digest[:12]}…) that history.json "
        f"does not record; {now}"
    ]
