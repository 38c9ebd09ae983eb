"""The invariants of a publication archive, checked: what the fault-injection test and benchmark
assert after every recovery, and what a person can run on an archive they doubt."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from transit.core.fileio import sha256_file
from transit.gtfs.archive.layout import (
    FEED_NAME,
    HISTORY_LINK_TARGET,
    HISTORY_NAME,
    LATEST,
    MANIFEST_NAME,
    TMP_PREFIX,
    history_entry,
    is_legacy,
    list_versions,
    pointer,
    read_json,
    version_history,
)


def check_archive(archive: Path) -> list[str]:
    """What breaks the archive's invariants; empty when it is sound.

    - no temporary entry (``.tmp-…`` in the archive, a dot file in a version folder);
    - ``latest`` links to a version folder and ``history.json`` to ``latest/history.json``;
    - the version folders are exactly the versions the history lists, each once, and no
      SHA-256 is listed twice;
    - every version: its feed's SHA-256 is its manifest's, its history entry is made from its
      manifest, its ``previous_version`` is the entry before it, and the history it holds (when
      it holds one) is the history up to itself; the history ends with ``latest``.

    Returns
    -------
    list of str
        One line per problem, naming the version or entry.
    """
    if not archive.is_dir():
        return []
    if is_legacy(archive):
        return [f"{archive}: the old layout (the next publication migrates it)"]
    problems = [f"temporary entry {p.name}" for p in archive.iterdir() if _temporary(p)]
    target = pointer(archive)
    if target is None:
        versions = list_versions(archive)
        return problems + ([f"no {LATEST} link but versions {versions}"] if versions else [])
    history_link = archive / HISTORY_NAME
    if not history_link.is_symlink() or str(history_link.readlink()) != HISTORY_LINK_TARGET:
        problems.append(f"{HISTORY_NAME} is not a link to {HISTORY_LINK_TARGET}")
    history = version_history(archive, target)
    if not history or history[-1].get("version") != target:
        return [*problems, f"{LATEST} -> {target} does not hold a history ending with itself"]
    return problems + _check_listing(archive, history) + _check_versions(archive, history)


def _temporary(path: Path) -> bool:
    if path.name.startswith(TMP_PREFIX):
        return True
    return path.is_dir() and any(p.name.startswith(".") for p in path.iterdir())


def _check_listing(archive: Path, history: list[dict[str, Any]]) -> list[str]:
    listed = [str(e.get("version")) for e in history]
    on_disk = list_versions(archive)
    problems = [f"version folder {v} is not in the history" for v in on_disk if v not in listed]
    problems += [f"history lists {v}, which has no folder" for v in listed if v not in on_disk]
    for what, values in (("version", listed), ("sha256", [e.get("sha256") for e in history])):
        problems += [f"{what} {v} listed {n} times" for v, n in Counter(values).items() if n > 1]
    return problems


def _check_versions(archive: Path, history: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    for i, entry in enumerate(history):
        version = str(entry.get("version"))
        folder = archive / version
        if not (folder / MANIFEST_NAME).is_file() or not (folder / FEED_NAME).is_file():
            problems.append(f"{version}: no {FEED_NAME} or {MANIFEST_NAME}")
            continue
        manifest = read_json(folder / MANIFEST_NAME)
        if sha256_file(folder / FEED_NAME) != manifest.get("sha256"):
            problems.append(f"{version}: {FEED_NAME} does not match its manifest's SHA-256")
        if manifest.get("version") != version or history_entry(manifest) != entry:
            problems.append(f"{version}: its history entry is not made from its manifest")
        previous = history[i - 1].get("version") if i else None
        if manifest.get("previous_version") != previous:
            problems.append(f"{version}: previous_version is not {previous}")
        own = version_history(archive, version)
        if own is not None and own != history[: i + 1]:
            problems.append(f"{version}: the history it holds is not the history up to it")
    return problems
