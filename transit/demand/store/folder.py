"""The store folder: its manifest, the pseudonym key check and the part files it lists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from transit.core.errors import RefusedError
from transit.core.fileio import atomic_write_json
from transit.demand.pseudonym import key_check

MANIFEST = "manifest.json"


def rides_part(sha256: str) -> str:
    """The rides file of an input file (relative to the store): ``rides/<sha12>.parquet``."""
    return f"rides/{sha256[:12]}.parquet"


def counts_part(sha256: str) -> str:
    """The counts file of an input file (relative to the store): ``counts/<sha12>.parquet``."""
    return f"counts/{sha256[:12]}.parquet"


def rejects_part(sha256: str) -> str:
    """The rejects file of an input file (relative to the store): ``rejects/<sha12>.csv``."""
    return f"rejects/{sha256[:12]}.csv"


def read_manifest(store: Path) -> dict[str, Any]:
    """The store's manifest (an empty one for a new store)."""
    path = store / MANIFEST
    if not path.is_file():
        return {"version": 1, "key_check": None, "files": []}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def write_manifest(store: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (:func:`transit.core.fileio.atomic_write_json`)."""
    atomic_write_json(store / MANIFEST, manifest)


def check_key(store: Path, key: bytes) -> None:
    """Refuse a key other than the one the store was built with (pseudonyms would not link)."""
    manifest = read_manifest(store)
    known = manifest.get("key_check")
    if known and known != key_check(key):
        raise RefusedError(
            f"the pseudonym key differs from the one used for the store {store}; "
            "use the same key (or a new store)"
        )


def ride_files(store: Path) -> list[Path]:
    """Ride Parquet files of the files recorded in the manifest."""
    return _parts(store, "rides/")


def count_files(store: Path) -> list[Path]:
    """Count Parquet files of the files recorded in the manifest."""
    return _parts(store, "counts/")


def _parts(store: Path, folder: str) -> list[Path]:
    files = read_manifest(store)["files"]
    return [store / f["part"] for f in files if f.get("part", "").startswith(folder)]
