"""Write a :class:`~transit.gtfs.export.draft.SourceDraft` as a source folder, all or nothing."""

from __future__ import annotations

import csv
import io
import logging
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pandas as pd

from transit.core.errors import InputError, Location
from transit.core.excel import SheetGrid, write_workbook
from transit.core.fileio import atomic_write_bytes, atomic_write_text
from transit.gtfs.export.draft import SheetDraft, SourceDraft
from transit.gtfs.export.plan import plan_export
from transit.gtfs.feedio import Feed

log = logging.getLogger(__name__)


def _csv_bytes(df: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(df.columns))
    writer.writerows(df.astype(str).itertuples(index=False, name=None))
    return buf.getvalue().encode("utf-8")


def write_source(draft: SourceDraft, out_dir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``draft`` as a source folder at ``out_dir`` (assembled beside it, then renamed).

    Returns the files written (relative paths below ``out_dir``). Raises :class:`InputError`
    when ``out_dir`` exists and is not empty, unless ``overwrite``.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not overwrite:
        raise InputError(
            "output folder exists and is not empty (use --overwrite)", Location.of(out_dir)
        )
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        written = _write_files(draft, tmp)
        tmp.chmod(0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return written


def _write_files(draft: SourceDraft, folder: Path) -> list[Path]:
    """feed.toml, the two masters, then the workbooks of timetables/ and fares/ (by name)."""
    atomic_write_text(folder / "feed.toml", draft.feed_toml)
    atomic_write_bytes(folder / "stops.csv", _csv_bytes(draft.stops))
    atomic_write_bytes(folder / "routes.csv", _csv_bytes(draft.routes))
    written = [Path("feed.toml"), Path("stops.csv"), Path("routes.csv")]
    for sub, sheets in (("timetables", draft.sheets), ("fares", draft.fare_sheets)):
        (folder / sub).mkdir()
        books: dict[str, list[SheetDraft]] = defaultdict(list)
        for sh in sheets:
            books[sh.workbook].append(sh)
        for book, items in sorted(books.items()):
            write_workbook(folder / sub / book, [SheetGrid(sh.name, sh.rows) for sh in items])
            written.append(Path(sub) / book)
    return written


def export_feed(feed: Feed, out_dir: Path, *, overwrite: bool = False) -> SourceDraft:
    """Export ``feed`` into a source folder at ``out_dir``; returns the draft (with losses)."""
    draft = plan_export(feed)
    write_source(draft, out_dir, overwrite=overwrite)
    log.info(
        "exported %d trips, %d stop times into %d sheets at %s",
        draft.trips,
        draft.stop_times,
        len(draft.sheets),
        out_dir,
    )
    return draft
