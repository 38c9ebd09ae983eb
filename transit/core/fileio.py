"""Safe file writing shared by every writer: atomic replace, directory fsync, content hashes.

Every file the toolkit writes for people or for a later run (manifests, JSON summaries, feeds)
goes through :func:`atomic_write_bytes` or its text/JSON forms (:func:`atomic_write_with` for a
writer that streams to a path), so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temp file in the same folder, fsync, ``os.replace``.

    A reader sees the old file or the new one, never half of one; on failure the temp file is
    removed and ``path`` is untouched.
    """
    atomic_write_with(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_with(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` atomically with ``write(tmp)``, a writer that creates the file it is given
    (DuckDB's ``COPY … TO``, ``DataFrame.to_parquet``, a workbook's ``save``): ``tmp`` is a
    file in the same folder whose name ends like ``path``; it is fsynced, then replaces ``path``.

    For files too large to hold in memory as bytes; otherwise see :func:`atomic_write_bytes`.
    On failure the temp file is removed and ``path`` is untouched; an OS error names ``path``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent
        )
    except OSError as exc:
        raise _about(exc, path) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.chmod(0o644)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _about(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _about(exc: OSError, path: Path) -> OSError:
    """The same OS error, naming the file the caller asked for (not a temp file or a folder
    made on the way), so a person sees which output could not be written."""
    if exc.errno is None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` encoded as UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def json_text(data: Any) -> str:
    """JSON as the toolkit writes it: UTF-8 with Japanese kept readable, sorted keys, 2-space
    indent, a final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write_json(path: Path, data: Any) -> None:
    """Write ``data`` as :func:`json_text`, atomically."""
    atomic_write_text(path, json_text(data))


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames) to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory file descriptors
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
