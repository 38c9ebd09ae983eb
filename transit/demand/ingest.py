"""Ingest ridership files into a store: taps (a), trip counts (b), stop counts (c).

:func:`ingest_files` is what ``transit demand ingest`` calls: for each file it checks the content
hash against the store's manifest (a file already ingested changes nothing), detects the kind
from the header, checks and matches every row to the feed's schedule, and writes accepted rows
and a rejects file (row number and reason per rejected row). ``rows_read = accepted + rejected``
for every file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from transit.core import provenance as prov
from transit.core.errors import DataNotFoundError, InputError, Location
from transit.core.fileio import sha256_file
from transit.demand.pseudonym import key_check
from transit.demand.records import (
    COUNT_COLUMNS,
    DAY_TYPE_ALIASES,
    REJECTS,
    Kind,
    day_type_of,
    normalize_header,
)
from transit.demand.schedule import Schedule, read_schedule
from transit.demand.store.counts import write_counts
from transit.demand.store.folder import check_key, read_manifest, rides_part, write_manifest
from transit.demand.store.options import IngestOptions, IngestSummary, count_by_reason
from transit.demand.store.source import sniff_header
from transit.demand.store.taps import ingest_taps

log = logging.getLogger(__name__)


def detect_kind(path: Path) -> Kind:
    """The record kind of a file from its header: ``taps`` when it has a card id column,
    ``trip_counts`` when it has a trip id, else ``stop_counts``."""
    names = [normalize_header(n) for n in _header(path)]
    if "card_id" in names:
        return "taps"
    if "trip_id" in names:
        return "trip_counts"
    if "boardings" in names:
        return "stop_counts"
    raise InputError(
        "cannot tell the record kind: expected a card_id column (taps) or a boardings column "
        "(counts); see docs/ridership.md",
        Location.of(path),
    )


def _header(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return list(pq.read_schema(path).names)
    if suffix in (".xlsx", ".xls"):
        return [str(c) for c in pd.read_excel(path, nrows=0).columns]
    return sniff_header(path)[0]


def ingest_files(
    files: Sequence[Path],
    *,
    store: Path,
    key: bytes | None = None,
    feed: Path | None = None,
    schedule: Schedule | None = None,
    options: IngestOptions | None = None,
) -> list[IngestSummary]:
    """Ingest ``files`` into the store folder ``store``; returns one summary per file.

    The schedule comes from ``schedule``, else from ``feed`` (a GTFS zip or folder), else from
    the store (saved by an earlier ingest). Taps need a schedule and a pseudonym ``key``. The
    store's ``provenance.json`` records each ingest: the files and ``feed`` with their flags
    (synthetic taps, the sample city), so every result read from the store inherits them.
    """
    store.mkdir(parents=True, exist_ok=True)
    schedule = _store_schedule(store, feed=feed, schedule=schedule)
    if key is not None:
        check_key(store, key)
    summaries: list[IngestSummary] = []
    for path in files:
        if not path.is_file():
            raise DataNotFoundError(f"input file not found: {path}")
        sha = sha256_file(path)
        done = {f["sha256"]: f for f in read_manifest(store)["files"]}
        if sha in done:
            log.info("%s already ingested (same content as %s)", path.name, done[sha]["file"])
            summaries.append(IngestSummary.already_done(path.name, done[sha]))
            continue
        kind = detect_kind(path)
        if kind == "taps":
            summary = _ingest_tap_file(
                path, store=store, key=key, schedule=schedule, sha256=sha, options=options
            )
            part = rides_part(sha)
        else:
            summary, part = _ingest_count_file(
                path, kind=kind, store=store, schedule=schedule, sha256=sha
            )
        _record(store, summary, part=part, key=key)
        summaries.append(summary)
    if all(s.already_ingested for s in summaries) and (store / prov.FILE_NAME).is_file():
        return summaries  # nothing new: the store stays byte-identical
    prov.write_provenance(
        "乗降データの蓄積 / the ridership store",
        inputs=[*(("records", p) for p in files), *((("feed", feed),) if feed else ())],
        parameters=[options or IngestOptions()],
        outputs=[store],
    )
    return summaries


def _store_schedule(
    store: Path, *, feed: Path | None, schedule: Schedule | None
) -> Schedule | None:
    """The schedule to match against: ``schedule``, else read from ``feed`` (either is saved
    into the store), else the one an earlier ingest saved in the store (None when none)."""
    sched_dir = store / "schedule"
    if schedule is None and feed is not None:
        if not feed.exists():
            raise DataNotFoundError(f"feed not found: {feed}")
        schedule = read_schedule(feed)
    if schedule is not None:
        schedule.save(sched_dir)
    elif (sched_dir / "trips.parquet").is_file():
        schedule = Schedule.load(sched_dir)
    return schedule


def _ingest_tap_file(
    path: Path,
    *,
    store: Path,
    key: bytes | None,
    schedule: Schedule | None,
    sha256: str,
    options: IngestOptions | None,
) -> IngestSummary:
    if schedule is None:
        raise InputError("taps need a feed to match against: pass --feed FEED.zip")
    if key is None:
        raise InputError("taps need a pseudonym key (TRANSIT_PSEUDONYM_KEY or --key-file)")
    return ingest_taps(
        path, schedule=schedule, store=store, key=key, sha256=sha256, options=options
    )


def _ingest_count_file(
    path: Path, *, kind: Kind, store: Path, schedule: Schedule | None, sha256: str
) -> tuple[IngestSummary, str]:
    """Read, check and write a count file (kinds b and c); returns its summary and part."""
    counts, rejects, rows = read_counts(path, kind=kind, schedule=schedule)
    counts["source"] = sha256[:12]
    part, rej_rel = write_counts(store, sha256, counts, rejects)
    summary = IngestSummary(
        file=path.name,
        sha256=sha256,
        kind=kind,
        rows_read=rows,
        accepted=len(counts),
        rejected=len(rejects),
        rejected_by_reason=count_by_reason(rejects["reason"]),
        rejects_file=rej_rel,
    )
    return summary, part


def _record(store: Path, summary: IngestSummary, *, part: str, key: bytes | None) -> None:
    """Add the file's entry (summary, part, date of ingest) to the manifest."""
    entry = summary.as_dict()
    entry["part"] = part
    entry["ingested_on"] = dt.datetime.now(dt.UTC).date().isoformat()
    manifest = read_manifest(store)
    manifest["files"].append(entry)
    if key is not None:
        manifest["key_check"] = key_check(key)
    write_manifest(store, manifest)
    log.info(
        "%s: %d rows read, %d accepted, %d rejected",
        summary.file,
        summary.rows_read,
        summary.accepted,
        summary.rejected,
    )


# --------------------------------------------------------------------------- counts (b, c)


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV (UTF-8, BOM accepted; `,` `;` or tab), Parquet or Excel file as text columns
    with canonical header names."""
    suffix = path.suffix.lower()
    where = Location.of(path)
    if suffix == ".parquet":
        df = pd.read_parquet(path).astype(str)
    elif suffix in (".xlsx", ".xls"):
        df = pd.read_excel(path, dtype=str)
    elif suffix in (".csv", ".txt", ".tsv"):
        _, delim, ok = sniff_header(path)
        if not ok:
            raise InputError("not UTF-8 text (Shift_JIS?); save the file as CSV UTF-8", where)
        try:
            df = pd.read_csv(
                path, dtype=str, sep=delim, encoding="utf-8-sig", keep_default_na=False
            )
        except UnicodeDecodeError as exc:
            raise InputError("not UTF-8 text; save the file as CSV UTF-8", where) from exc
    else:
        raise InputError(f"unsupported file type {suffix!r} (use .csv, .parquet or .xlsx)", where)
    df.columns = [normalize_header(str(c)) for c in df.columns]
    return df.fillna("").replace({"nan": "", "None": ""})


def _number(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip().str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(text != ""), errors="coerce")


def read_counts(
    path: Path, *, kind: Kind, schedule: Schedule | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Read and check a count file of kind ``trip_counts`` (b) or ``stop_counts`` (c).

    Returns ``(counts, rejects, rows_read)``. ``counts`` has ``kind``, ``trip_id``,
    ``route_id``, ``direction_id``, ``stop_id``, ``stop_sequence`` (int, -1 unknown), ``date``,
    ``day_type``, ``boardings``, ``alightings`` (float, persons); ``rejects`` has ``row`` (1 =
    first row after the header), ``reason``, ``message``.
    """
    df = read_table(path)
    n = len(df)
    for c in COUNT_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    if kind == "trip_counts" and (df["stop_id"] == "").all() and (df["stop_sequence"] == "").all():
        raise InputError("trip counts need a stop_id or stop_sequence column", Location.of(path))
    # the first reason found for a row is its reason ("" while accepted)
    reason = pd.Series([""] * n, index=df.index, dtype=object)
    out = _count_rows(df, kind=kind, reason=reason)
    if schedule is not None:
        out = _match_counts(out, schedule, kind=kind, reason=reason)
    key_cols = (
        ["trip_id", "stop_sequence", "stop_id", "date", "day_type"]
        if kind == "trip_counts"
        else ["route_id", "direction_id", "stop_sequence", "stop_id", "day_type"]
    )
    _flag(reason, out.duplicated(key_cols, keep="first") & (reason == ""), "duplicate_row")
    rejected = reason != ""
    rejects = pd.DataFrame(
        {
            "row": (np.flatnonzero(rejected.to_numpy()) + 1).astype("int64"),
            "reason": reason[rejected].to_numpy(),
        }
    )
    rejects["message"] = rejects["reason"].map(REJECTS.meaning)
    return out[~rejected].reset_index(drop=True), rejects, n


def _flag(reason: pd.Series, mask: pd.Series | np.ndarray, code: str) -> None:
    """Give the rows of ``mask`` not yet rejected the reason ``code`` (in place)."""
    m = pd.Series(np.asarray(mask), index=reason.index) & (reason == "")
    reason[m] = code


def _count_rows(df: pd.DataFrame, *, kind: Kind, reason: pd.Series) -> pd.DataFrame:
    """The count rows of the text table ``df``, typed (see :func:`read_counts`), with missing
    fields, bad counts and unknown day types flagged in ``reason``."""
    b = _number(df["boardings"])
    a = _number(df["alightings"])
    if kind == "trip_counts":
        _flag(reason, df["trip_id"] == "", "missing_field")
        _flag(reason, (df["stop_id"] == "") & (df["stop_sequence"] == ""), "missing_field")
    else:
        _flag(reason, df["stop_id"] == "", "missing_field")
    _flag(reason, b.isna() | (b < 0), "bad_count")
    _flag(reason, (df["alightings"] != "") & (a.isna() | (a < 0)), "bad_count")
    day = df["day_type"].str.strip().str.lower().map(lambda s: DAY_TYPE_ALIASES.get(s, ""))
    dates = pd.to_datetime(df["date"].where(df["date"] != ""), errors="coerce")
    from_date = dates.map(lambda d: day_type_of(d.date()) if pd.notna(d) else "")
    day = day.where(day != "", from_date)
    _flag(reason, (df["day_type"] != "") & (day == ""), "unknown_day_type")
    seq = pd.to_numeric(df["stop_sequence"].where(df["stop_sequence"] != ""), errors="coerce")
    out = pd.DataFrame(
        {
            "kind": kind,
            "trip_id": df["trip_id"].astype(str),
            "route_id": df["route_id"].astype(str),
            "direction_id": pd.to_numeric(df["direction_id"], errors="coerce")
            .fillna(-1)
            .astype("int64")
            .where(df["direction_id"].isin(["0", "1", ""]), -1),
            "stop_id": df["stop_id"].astype(str),
            "stop_sequence": seq.fillna(-1).astype("int64"),
            "date": df["date"].astype(str),
            "day_type": day.astype(str),
            "boardings": b.fillna(0.0).astype(float),
            "alightings": a.fillna(0.0).astype(float),
        }
    )
    # keep direction letters (e.g. A/R) as written: map to 0/1 in order of appearance
    if (df["direction_id"] != "").any() and not df["direction_id"].isin(["0", "1", ""]).all():
        codes = {v: i for i, v in enumerate(dict.fromkeys(df["direction_id"]))}
        out["direction_id"] = df["direction_id"].map(codes).astype("int64")
    return out


def _match_counts(
    out: pd.DataFrame, schedule: Schedule, *, kind: Kind, reason: pd.Series
) -> pd.DataFrame:
    """Count rows looked up in the schedule: unknown stops and trips, stops a trip does not
    serve (flagged in ``reason``); a trip count's stop position, route and direction filled
    from the feed. Returns ``out``, updated in place."""
    known_stops = set(schedule.stops["stop_id"])
    if known_stops:
        _flag(reason, ~out["stop_id"].isin(known_stops) & (out["stop_id"] != ""), "unknown_stop")
    if kind != "trip_counts" or not len(schedule.trips):
        return out
    trips = schedule.trips.set_index("trip_id")
    _flag(reason, ~out["trip_id"].isin(trips.index), "unknown_trip")
    ok = reason == ""
    st = schedule.stop_times[["trip_id", "seq", "stop_id"]]
    by_stop = out.loc[ok & (out["stop_sequence"] < 0), ["trip_id", "stop_id"]].reset_index()
    found = by_stop.merge(st, on=["trip_id", "stop_id"], how="left").drop_duplicates("index")
    seqs = found.set_index("index")["seq"]
    _flag(
        reason,
        pd.Series(False, index=out.index).where(~out.index.isin(seqs.index), seqs.isna()),
        "stop_not_on_trip",
    )
    got = seqs.dropna().astype("int64")
    out.loc[got.index, "stop_sequence"] = got.to_numpy()
    meta = trips.reindex(out["trip_id"])
    out["route_id"] = np.where(
        out["route_id"] == "", meta["route_id"].fillna("").to_numpy(), out["route_id"]
    )
    out["direction_id"] = np.where(
        out["direction_id"] < 0,
        meta["direction_id"].fillna(-1).to_numpy(),
        out["direction_id"],
    ).astype("int64")
    return out
