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

from transit.core.errors import DataNotFoundError, InputError, Location
from transit.demand.pseudonym import key_check
from transit.demand.records import (
    COUNT_COLUMNS,
    DAY_TYPE_ALIASES,
    REJECT_REASONS,
    Kind,
    day_type_of,
    normalize_header,
)
from transit.demand.schedule import Schedule, read_schedule
from transit.demand.store import (
    IngestOptions,
    IngestSummary,
    check_key,
    file_sha256,
    ingest_taps,
    read_manifest,
    sniff_header,
    write_counts,
    write_manifest,
)

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
    the store (saved by an earlier ingest). Taps need a schedule and a pseudonym ``key``.
    """
    store.mkdir(parents=True, exist_ok=True)
    sched_dir = store / "schedule"
    if schedule is None and feed is not None:
        if not feed.exists():
            raise DataNotFoundError(f"feed not found: {feed}")
        schedule = read_schedule(feed)
    if schedule is not None:
        schedule.save(sched_dir)
    elif (sched_dir / "trips.parquet").is_file():
        schedule = Schedule.load(sched_dir)
    if key is not None:
        check_key(store, key)
    summaries: list[IngestSummary] = []
    for path in files:
        if not path.is_file():
            raise DataNotFoundError(f"input file not found: {path}")
        sha = file_sha256(path)
        manifest = read_manifest(store)
        done = {f["sha256"]: f for f in manifest["files"]}
        if sha in done:
            prev = done[sha]
            log.info("%s already ingested (same content as %s)", path.name, prev["file"])
            summaries.append(
                IngestSummary(
                    file=path.name,
                    sha256=sha,
                    kind=prev["kind"],
                    rows_read=prev["rows_read"],
                    accepted=prev["accepted"],
                    rejected=prev["rejected"],
                    rejected_by_reason=dict(prev["rejected_by_reason"]),
                    matched_by_trip_id=prev.get("matched_by_trip_id", 0),
                    matched_by_vehicle=prev.get("matched_by_vehicle", 0),
                    already_ingested=True,
                    rejects_file=prev.get("rejects_file"),
                )
            )
            continue
        kind = detect_kind(path)
        if kind == "taps":
            if schedule is None:
                raise InputError("taps need a feed to match against: pass --feed FEED.zip")
            if key is None:
                raise InputError("taps need a pseudonym key (TRANSIT_PSEUDONYM_KEY or --key-file)")
            summary = ingest_taps(
                path, schedule=schedule, store=store, key=key, sha256=sha, options=options
            )
            part = f"rides/{sha[:12]}.parquet"
        else:
            counts, rejects, rows = read_counts(path, kind=kind, schedule=schedule)
            counts["source"] = sha[:12]
            part, rej_rel = write_counts(store, sha, counts, rejects)
            by_reason = {
                str(k): int(v) for k, v in rejects["reason"].value_counts().sort_index().items()
            }
            summary = IngestSummary(
                file=path.name,
                sha256=sha,
                kind=kind,
                rows_read=rows,
                accepted=len(counts),
                rejected=len(rejects),
                rejected_by_reason=by_reason,
                rejects_file=rej_rel,
            )
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
            path.name,
            summary.rows_read,
            summary.accepted,
            summary.rejected,
        )
        summaries.append(summary)
    return summaries


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
    where = Location.of(path)
    n = len(df)
    for c in COUNT_COLUMNS:
        if c not in df.columns:
            df[c] = ""
    if kind == "trip_counts" and (df["stop_id"] == "").all() and (df["stop_sequence"] == "").all():
        raise InputError("trip counts need a stop_id or stop_sequence column", where)
    reason = pd.Series([""] * n, index=df.index, dtype=object)

    def flag(mask: pd.Series | np.ndarray, code: str) -> None:
        m = pd.Series(np.asarray(mask), index=df.index) & (reason == "")
        reason[m] = code

    b = _number(df["boardings"])
    a = _number(df["alightings"])
    if kind == "trip_counts":
        flag(df["trip_id"] == "", "missing_field")
        flag((df["stop_id"] == "") & (df["stop_sequence"] == ""), "missing_field")
    else:
        flag(df["stop_id"] == "", "missing_field")
    flag(b.isna() | (b < 0), "bad_count")
    flag((df["alightings"] != "") & (a.isna() | (a < 0)), "bad_count")
    day = df["day_type"].str.strip().str.lower().map(lambda s: DAY_TYPE_ALIASES.get(s, ""))
    dates = pd.to_datetime(df["date"].where(df["date"] != ""), errors="coerce")
    from_date = dates.map(lambda d: day_type_of(d.date()) if pd.notna(d) else "")
    day = day.where(day != "", from_date)
    flag((df["day_type"] != "") & (day == ""), "unknown_day_type")
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
    if schedule is not None:
        known_stops = set(schedule.stops["stop_id"])
        if known_stops:
            flag(~out["stop_id"].isin(known_stops) & (out["stop_id"] != ""), "unknown_stop")
        if kind == "trip_counts" and len(schedule.trips):
            trips = schedule.trips.set_index("trip_id")
            flag(~out["trip_id"].isin(trips.index), "unknown_trip")
            ok = reason == ""
            st = schedule.stop_times[["trip_id", "seq", "stop_id"]]
            by_stop = out.loc[ok & (out["stop_sequence"] < 0), ["trip_id", "stop_id"]].reset_index()
            found = by_stop.merge(st, on=["trip_id", "stop_id"], how="left").drop_duplicates(
                "index"
            )
            seqs = found.set_index("index")["seq"]
            flag(
                pd.Series(False, index=df.index).where(~df.index.isin(seqs.index), seqs.isna()),
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
    key_cols = (
        ["trip_id", "stop_sequence", "stop_id", "date", "day_type"]
        if kind == "trip_counts"
        else ["route_id", "direction_id", "stop_sequence", "stop_id", "day_type"]
    )
    dup = out.duplicated(key_cols, keep="first") & (reason == "")
    flag(dup, "duplicate_row")
    rejected = reason != ""
    rejects = pd.DataFrame(
        {
            "row": (np.flatnonzero(rejected.to_numpy()) + 1).astype("int64"),
            "reason": reason[rejected].to_numpy(),
        }
    )
    rejects["message"] = rejects["reason"].map(REJECT_REASONS)
    return out[~rejected].reset_index(drop=True), rejects, n
