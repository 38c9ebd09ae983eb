"""The ridership store: DuckDB over Parquet (the only module that imports DuckDB).

Layout of a store folder::

    manifest.json             every ingested file: content hash, row totals, rejects by reason
    schedule/*.parquet        the feed's schedule the rides were matched to (see Schedule)
    rides/<sha12>.parquet     one row per accepted ride (a boarding tap paired with its alighting)
    counts/<sha12>.parquet    accepted count rows (survey/APC data, kinds b and c)
    rejects/<sha12>.csv       one row per rejected input row: row number, reason, message

Card ids are replaced by keyed pseudonyms before anything is kept; DuckDB runs in memory with
spilling to disk switched off, so raw ids never reach the disk. A file whose content hash is in
the manifest is not ingested again, and rides already in the store are rejected as duplicates.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from transit.core.errors import InputError, Location, RefusedError, WorkError
from transit.demand.pseudonym import key_check, pseudonymize_many
from transit.demand.records import (
    EVENTS,
    REJECT_REASONS,
    TAP_COLUMNS,
    TAP_REQUIRED,
    day_type_of,
    normalize_header,
)
from transit.demand.schedule import Schedule

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_TS_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M")

RIDE_COLUMNS = (
    "card",
    "date",
    "day_type",
    "trip_id",
    "route_id",
    "direction_id",
    "board_stop_id",
    "board_seq",
    "board_ts",
    "board_s",
    "alight_stop_id",
    "alight_seq",
    "alight_ts",
    "alight_s",
    "km",
    "fare_yen",
    "matched_by",
    "source",
)


@dataclass(frozen=True)
class IngestOptions:
    """How strictly taps are checked and matched to the schedule.

    ``schedule_tolerance_min``: a tap with a trip id further than this from the trip's scheduled
    time at its stop is rejected; ``match_tolerance_min``: a tap with only a vehicle id is matched
    to a trip scheduled within this many minutes; ``max_ride_min``: longest possible ride;
    ``memory_limit``: DuckDB's memory limit. Spilling to disk is off while raw card ids are
    in memory; once they are replaced by codes and dropped, DuckDB may spill pseudonymized
    intermediate tables to a temporary folder inside the store (removed afterwards).
    """

    schedule_tolerance_min: float = 30.0
    match_tolerance_min: float = 10.0
    max_ride_min: float = 180.0
    memory_limit: str = "1200MB"
    threads: int | None = None


@dataclass(frozen=True)
class IngestSummary:
    """What ingesting one file did.

    ``rows_read`` = ``accepted`` + ``rejected`` (input rows, i.e. taps or count rows);
    ``rejected_by_reason`` maps a reason code of :data:`REJECT_REASONS` to a row count;
    ``matched_by_trip_id`` / ``matched_by_vehicle``: accepted rows matched to a trip each way.
    """

    file: str
    sha256: str
    kind: str
    rows_read: int
    accepted: int
    rejected: int
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    matched_by_trip_id: int = 0
    matched_by_vehicle: int = 0
    already_ingested: bool = False
    rejects_file: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def match_rate(self) -> float:
        """Accepted rows over rows read (1.0 for an empty file)."""
        return self.accepted / self.rows_read if self.rows_read else 1.0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record (the manifest entry)."""
        out = asdict(self)
        out["notes"] = list(self.notes)
        out["match_rate"] = round(self.match_rate, 6)
        return out


# --------------------------------------------------------------------------- store folder


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(store: Path) -> dict[str, Any]:
    """The store's manifest (an empty one for a new store)."""
    path = store / MANIFEST
    if not path.is_file():
        return {"version": 1, "key_check": None, "files": []}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def write_manifest(store: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (temporary file, then rename)."""
    store.mkdir(parents=True, exist_ok=True)
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=store, prefix=".manifest.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    Path(tmp).replace(store / MANIFEST)


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
    files = read_manifest(store)["files"]
    return [store / f["part"] for f in files if f.get("part", "").startswith("rides/")]


def count_files(store: Path) -> list[Path]:
    """Count Parquet files of the files recorded in the manifest."""
    files = read_manifest(store)["files"]
    return [store / f["part"] for f in files if f.get("part", "").startswith("counts/")]


@contextmanager
def _connect(
    options: IngestOptions | None = None, *, spill_dir: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection; spilling to ``spill_dir`` only when given."""
    opts = options or IngestOptions()
    con = duckdb.connect(":memory:")
    try:
        target = "" if spill_dir is None else str(spill_dir)
        con.execute(f"SET temp_directory = {_sql_str(target)}")
        con.execute(f"SET memory_limit = '{opts.memory_limit}'")
        con.execute("SET preserve_insertion_order = true")  # row numbers of the taps (k)
        if opts.threads:
            con.execute(f"SET threads = {int(opts.threads)}")
        yield con
    finally:
        con.close()


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------- reading input


@dataclass(frozen=True)
class _Source:
    relation: str  # SQL relation with canonical column names, all VARCHAR
    columns: tuple[str, ...]
    is_csv: bool
    ends_with_newline: bool
    header_ok: bool


def sniff_header(path: Path) -> tuple[list[str], str, bool]:
    """Header names (raw), delimiter and whether the header is valid UTF-8, of a CSV file."""
    with path.open("rb") as fh:
        first = fh.readline()
    try:
        text = first.decode("utf-8-sig")
        ok = True
    except UnicodeDecodeError:
        text = first.decode("cp932", errors="replace")  # to name the columns in messages
        ok = False
    text = text.rstrip("\r\n")
    delim = max((",", "\t", ";"), key=text.count)
    return [h.strip().strip('"') for h in text.split(delim)], delim, ok


def _source(path: Path, required: tuple[str, ...], known: tuple[str, ...]) -> _Source:
    suffix = path.suffix.lower()
    where = Location.of(path)
    if suffix == ".parquet":
        raw_names = list(pq.read_schema(path).names)
        names = [normalize_header(n) for n in raw_names]
        missing = [c for c in required if c not in names]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", where)
        cols = [
            f"CAST({_qi(raw)} AS VARCHAR) AS {_qi(n)}"
            for raw, n in zip(raw_names, names, strict=True)
            if n in known
        ]
        rel = f"(SELECT {', '.join(cols)} FROM read_parquet({_sql_str(str(path))}))"
        return _Source(rel, tuple(n for n in names if n in known), False, True, True)
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError(f"unsupported file type {suffix!r} (use .csv or .parquet)", where)
    raw_names, delim, header_ok = sniff_header(path)
    names = [normalize_header(n) for n in raw_names]
    if header_ok:
        missing = [c for c in required if c not in names]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)} (header has {', '.join(raw_names)})",
                where,
            )
    uniq = [n if n not in names[:i] else f"{n}_{i}" for i, n in enumerate(names)]
    spec = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in uniq) + "}"
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 1))
        last = fh.read(1)
    rel = (
        f"read_csv({_sql_str(str(path))}, header=true, auto_detect=false, columns={spec}, "
        f"delim={_sql_str(delim)}, quote='\"', escape='\"', store_rejects=true, "
        "rejects_table='rej_errors', rejects_scan='rej_scans')"
    )
    return _Source(rel, tuple(n for n in uniq if n in known), True, last in (b"\n", b""), header_ok)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_lines(path: Path) -> int:
    n = 0
    last = b"\n"
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
            last = block[-1:]
    if last != b"\n":
        n += 1
    return max(0, n - 1)  # without the header


# --------------------------------------------------------------------------- schedule tables


def _register_schedule(con: duckdb.DuckDBPyConnection, schedule: Schedule) -> None:
    stops = schedule.stops[["stop_id"]].drop_duplicates().reset_index(drop=True)
    stops = stops[stops["stop_id"] != ""].reset_index(drop=True)
    stops["stop_idx"] = np.arange(len(stops), dtype="int32")
    trips = schedule.trips.drop_duplicates("trip_id").reset_index(drop=True).copy()
    trips["trip_idx"] = np.arange(len(trips), dtype="int32")
    st = schedule.stop_times.merge(trips[["trip_id", "trip_idx"]], on="trip_id")
    st = st.merge(stops, on="stop_id")
    runs = trips[["trip_idx", "service_id"]].merge(schedule.service_dates, on="service_id")
    con.register("_stops", stops)
    con.register("_trips", trips)
    con.register("_st", st[["trip_idx", "seq", "stop_idx", "arr_s", "dep_s", "dist_km"]])
    con.register("_runs", runs[["trip_idx", "date"]])
    con.execute("CREATE TEMP TABLE sstops AS SELECT * FROM _stops")
    con.execute("CREATE TEMP TABLE strips AS SELECT * FROM _trips")
    con.execute("CREATE TEMP TABLE sst AS SELECT * FROM _st")
    con.execute("CREATE TEMP TABLE sruns AS SELECT trip_idx, CAST(date AS DATE) AS date FROM _runs")
    for name in ("_stops", "_trips", "_st", "_runs"):
        con.unregister(name)


# --------------------------------------------------------------------------- tap ingest


def ingest_taps(
    path: Path,
    *,
    schedule: Schedule,
    store: Path,
    key: bytes,
    sha256: str,
    options: IngestOptions | None = None,
) -> IngestSummary:
    """Ingest one file of IC card taps into the store (see the module docstring).

    Returns the :class:`IngestSummary`; the rides go to ``rides/<sha12>.parquet`` and every
    rejected row (row number, reason, message, no raw card id) to ``rejects/<sha12>.csv``.
    """
    opts = options or IngestOptions()
    try:
        return _ingest_taps(path, schedule=schedule, store=store, key=key, sha256=sha256, opts=opts)
    except duckdb.OutOfMemoryException as exc:
        raise WorkError(
            f"{path.name}: not enough memory under the limit {opts.memory_limit} "
            "(raise --memory-limit or split the file)"
        ) from exc


def _ingest_taps(
    path: Path, *, schedule: Schedule, store: Path, key: bytes, sha256: str, opts: IngestOptions
) -> IngestSummary:
    src = _source(path, TAP_REQUIRED, TAP_COLUMNS)
    rejects_rel = f"rejects/{sha256[:12]}.csv"
    notes: list[str] = []
    with _connect(opts) as con:
        if src.is_csv and not src.header_ok:
            n = _count_lines(path)
            rej = pd.DataFrame(
                {"row": np.arange(1, n + 1), "reason": "invalid_encoding", "message": ""}
            )
            notes.append("the header is not UTF-8 (Shift_JIS?); save the file as CSV UTF-8")
            _write_rejects(store / rejects_rel, rej)
            return IngestSummary(
                file=path.name,
                sha256=sha256,
                kind="taps",
                rows_read=n,
                accepted=0,
                rejected=n,
                rejected_by_reason={"invalid_encoding": n} if n else {},
                rejects_file=rejects_rel,
                notes=tuple(notes),
            )
        _register_schedule(con, schedule)
        con.execute(
            "CREATE TEMP TABLE events AS SELECT * FROM (VALUES "
            + ", ".join(f"({_sql_str(w)}, {c})" for w, c in EVENTS.items())
            + ") AS e(word, code)"
        )
        _register_ids(con, src, key)
        _load_taps(con, src, opts)
        parse_rej = _parse_rejects(con, src)
        # raw ids gone: the id map, its ENUM type and the CSV reader's reject lines
        con.execute("DROP TABLE pseudo; DROP TYPE card_e")
        if src.is_csv:
            con.execute("DROP TABLE IF EXISTS rej_errors; DROP TABLE IF EXISTS rej_scans")
        store.mkdir(parents=True, exist_ok=True)
        spill = Path(tempfile.mkdtemp(prefix=".duckdb-spill-", dir=store))
        try:
            con.execute(f"SET temp_directory = {_sql_str(str(spill))}")
            return _finish_taps(
                con,
                src,
                opts,
                path=path,
                store=store,
                sha256=sha256,
                parse_rej=parse_rej,
                notes=notes,
            )
        finally:
            shutil.rmtree(spill, ignore_errors=True)


def _finish_taps(
    con: duckdb.DuckDBPyConnection,
    src: _Source,
    opts: IngestOptions,
    *,
    path: Path,
    store: Path,
    sha256: str,
    parse_rej: pd.DataFrame,
    notes: list[str],
) -> IngestSummary:
    """Checks, pairing, matching and writing of :func:`ingest_taps`, once raw ids are gone."""
    part = f"rides/{sha256[:12]}.parquet"
    rejects_rel = f"rejects/{sha256[:12]}.csv"
    n_good = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    rows_read = int(n_good) + len(parse_rej)
    if not src.ends_with_newline and rows_read > 0:
        notes.append("the file does not end with a line break: its last row is cut off")
        if rows_read in set(parse_rej["row"]):
            parse_rej.loc[parse_rej["row"] == rows_read, "reason"] = "truncated_row"
        else:
            con.execute(
                f"UPDATE t SET rc = {_rc('truncated_row')} WHERE k = (SELECT max(k) FROM t)"
            )
    _check_rows(con, opts)
    _pair_rides(con, opts)
    con.execute("DROP TABLE tseq")
    _match_vehicle_rides(con, opts)
    con.execute("DROP TABLE vm")
    _check_rides(con, opts, store)
    row_rej = _row_rejects(con)
    con.execute("DROP TABLE t")
    if "invalid_encoding" in set(parse_rej["reason"]):
        notes.append("some rows are not UTF-8 (Shift_JIS?); save the file as CSV UTF-8")
    rides, by_trip = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE by_trip) FROM pw WHERE rc = 0"
    ).fetchall()[0]
    matched = (int(by_trip), int(rides) - int(by_trip))
    rej = _number_rejects(row_rej, parse_rej)
    (store / "rides").mkdir(parents=True, exist_ok=True)
    tmp = store / "rides" / f".{sha256[:12]}.tmp"
    _write_rides(con, sha256, tmp)
    tmp.replace(store / part)
    _write_rejects(store / rejects_rel, rej)
    by_reason = {str(k): int(v) for k, v in rej["reason"].value_counts().sort_index().items()}
    accepted = 2 * rides
    summary = IngestSummary(
        file=path.name,
        sha256=sha256,
        kind="taps",
        rows_read=rows_read,
        accepted=accepted,
        rejected=len(rej),
        rejected_by_reason=by_reason,
        matched_by_trip_id=2 * int(matched[0]),
        matched_by_vehicle=2 * int(matched[1]),
        rejects_file=rejects_rel,
        notes=tuple(notes),
    )
    if summary.accepted + summary.rejected != summary.rows_read:  # pragma: no cover - invariant
        raise AssertionError(f"row accounting broken: {summary}")
    return summary


def _parse_rejects(con: duckdb.DuckDBPyConnection, src: _Source) -> pd.DataFrame:
    if not src.is_csv:
        return pd.DataFrame({"row": pd.Series([], dtype="int64"), "reason": [], "message": []})
    df = con.execute(
        """
        SELECT line - 1 AS row,
               CASE WHEN bool_or(error_type = 'INVALID ENCODING') THEN 'invalid_encoding'
                    ELSE 'wrong_field_count' END AS reason,
               min(error_message) AS message
        FROM rej_errors GROUP BY line ORDER BY line
        """
    ).fetchdf()
    df["row"] = df["row"].astype("int64")
    return df


_CODES: tuple[str, ...] = tuple(REJECT_REASONS)


def _rc(name: str) -> int:
    """Reason code (1-based index in :data:`REJECT_REASONS`; 0 = accepted)."""
    return _CODES.index(name) + 1


def _register_ids(con: duckdb.DuckDBPyConnection, src: _Source, key: bytes) -> None:
    """Pass 1 over the file: distinct raw card ids -> int codes and pseudonyms (in memory only),
    distinct vehicle ids -> int codes."""
    rel = src.relation.replace("store_rejects=true", "ignore_errors=true")
    veh = "trim(vehicle_id)" if "vehicle_id" in src.columns else "CAST(NULL AS VARCHAR)"
    got = con.sql(
        f"""
        SELECT trim(card_id) AS c, {veh} AS v, GROUPING(trim(card_id)) AS g
        FROM {rel} GROUP BY GROUPING SETS ((trim(card_id)), ({veh}))
        """
    ).to_arrow_table()
    g = got.column("g").to_numpy()
    cards = [c for c, flag in zip(got.column("c").to_pylist(), g, strict=True) if flag == 0 and c]
    vehicles = [
        v for v, flag in zip(got.column("v").to_pylist(), g, strict=True) if flag == 1 and v
    ]
    del got
    pseud = pa.table(
        {
            "card_raw": pa.array(cards, pa.string()),
            "card": pa.array(np.arange(len(cards), dtype="int32")),
        }
    )
    names = pa.table({"card": pseud.column("card"), "pseudonym": pseudonymize_many(cards, key)})
    del cards
    vt = pa.table(
        {
            "vehicle": pa.array(vehicles, pa.string()),
            "vcode": pa.array(np.arange(len(vehicles), dtype="int32")),
        }
    )
    for name, table in (("pseudo", pseud), ("names", names), ("vehicles", vt)):
        con.register(f"_{name}", table)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM _{name}")
        con.unregister(f"_{name}")


def _load_taps(con: duckdb.DuckDBPyConnection, src: _Source, opts: IngestOptions) -> None:
    """Pass 2: the lean tap table ``t`` (ids as int codes, a reason code per row)."""

    def col(name: str) -> str:
        return f"nullif(trim(r.{name}), '')" if name in src.columns else "CAST(NULL AS VARCHAR)"

    ts_raw = col("ts")
    ts_expr = (
        f"coalesce(CASE WHEN length({ts_raw}) >= 16 THEN try_cast({ts_raw} AS TIMESTAMP) END, "
        + ", ".join(f"try_strptime({ts_raw}, '{f}')" for f in _TS_FORMATS)
        + ")"
    )
    # ids become int codes through ENUM types (much faster than joins on strings)
    for name, query in (
        ("card_e", "SELECT card_raw FROM pseudo ORDER BY card"),
        ("stop_e", "SELECT stop_id FROM sstops ORDER BY stop_idx"),
        ("trip_e", "SELECT trip_id FROM strips ORDER BY trip_idx"),
        ("veh_e", "SELECT vehicle FROM vehicles ORDER BY vcode"),
    ):
        con.execute(f"CREATE TYPE {name} AS ENUM ({query})")
    words = " ".join(f"WHEN {_sql_str(w)} THEN {c}" for w, c in EVENTS.items())
    con.execute(
        f"""
        CREATE TEMP TABLE t AS
        WITH r AS (SELECT * FROM {src.relation}),
        q AS (
            SELECT enum_code(try_cast(trim(r.card_id) AS card_e))::INTEGER AS card,
                   {ts_expr} AS ts,
                   CAST(CASE lower({col("event")}) {words} END AS UTINYINT) AS ev,
                   enum_code(try_cast({col("stop_id")} AS stop_e))::INTEGER AS stop_idx,
                   enum_code(try_cast({col("trip_id")} AS trip_e))::INTEGER AS trip_idx,
                   enum_code(try_cast({col("vehicle_id")} AS veh_e))::INTEGER AS vcode,
                   {col("trip_id")} IS NOT NULL AS trip_given,
                   {col("fare_yen")} AS fare_raw
            FROM r
        )
        SELECT card, ts, ev, stop_idx, trip_idx, vcode, try_cast(fare_raw AS INTEGER) AS fare,
               CAST(CASE
                   WHEN card IS NULL THEN {_rc("missing_card_id")}
                   WHEN ts IS NULL THEN {_rc("bad_timestamp")}
                   WHEN ev IS NULL THEN {_rc("bad_event")}
                   WHEN stop_idx IS NULL THEN {_rc("unknown_stop")}
                   WHEN NOT trip_given AND vcode IS NULL THEN {_rc("no_trip_or_vehicle")}
                   WHEN trip_given AND trip_idx IS NULL THEN {_rc("unknown_trip")}
                   WHEN fare_raw IS NOT NULL AND coalesce(try_cast(fare_raw AS INTEGER), -1) < 0
                       THEN {_rc("bad_fare")}
                   ELSE 0 END AS UTINYINT) AS rc,
               CAST(ts AS DATE) AS date0,
               CAST(epoch(ts) - epoch(date_trunc('day', ts)) AS INTEGER) AS secs0
        FROM q
        """
    )
    # k: the row's position among the parsed rows (1 = first). The table keeps the reader's
    # order (insertion order is preserved), so it is the row id: numbering rows in the query
    # instead (row_number() OVER ()) would make the whole parse single-threaded
    con.execute("ALTER TABLE t ADD COLUMN k INTEGER; UPDATE t SET k = CAST(rowid + 1 AS INTEGER)")


def _check_rows(con: duckdb.DuckDBPyConnection, opts: IngestOptions) -> None:
    """Taps with a trip id: the trip must serve the stop and run on the tap's service day near
    the tap time. A tap belongs to the service day of its calendar date or, for trips timed
    past midnight (``25:10``), to the day before: both are tried and the running one nearest to
    the schedule wins."""
    tol = float(opts.schedule_tolerance_min) * 60.0
    latest = float(
        con.execute("SELECT coalesce(max(greatest(arr_s, dep_s)), 0) FROM sst").fetchall()[0][0]
    )
    con.execute(
        f"""
        CREATE TEMP TABLE tseq AS
        WITH once AS (
            SELECT trip_idx, stop_idx FROM sst GROUP BY ALL HAVING count(*) = 1
        ),
        simple AS (  -- one visit of the stop, and too late in the day to be yesterday's trip
            SELECT t.k, sst.seq::INTEGER AS seq, 0::UTINYINT AS c, sruns.trip_idx IS NOT NULL AS running,
                   abs(CASE WHEN t.ev = 1 THEN sst.dep_s ELSE sst.arr_s END - t.secs0) AS gap
            FROM t SEMI JOIN once ON once.trip_idx = t.trip_idx AND once.stop_idx = t.stop_idx
            JOIN sst ON t.trip_idx = sst.trip_idx AND t.stop_idx = sst.stop_idx
            LEFT JOIN sruns ON sruns.trip_idx = t.trip_idx AND sruns.date = t.date0
            WHERE t.rc = 0 AND t.secs0 + 86400 > {latest + tol}
        ),
        other AS (
            SELECT t.k, sst.seq, c.c, sruns.trip_idx IS NOT NULL AS running,
                   abs(CASE WHEN t.ev = 1 THEN sst.dep_s ELSE sst.arr_s END
                       - (t.secs0 + 86400 * c.c)) AS gap,
                   gap + CASE WHEN running AND gap <= {tol} THEN 0 ELSE 1e9 END AS score
            FROM t JOIN sst ON t.trip_idx = sst.trip_idx AND t.stop_idx = sst.stop_idx
            CROSS JOIN (VALUES (0), (1)) c(c)
            LEFT JOIN sruns ON sruns.trip_idx = t.trip_idx AND sruns.date = t.date0 - c.c
            WHERE t.rc = 0 AND (c.c = 0 OR t.secs0 + 86400 <= {latest + tol})
              AND NOT (t.secs0 + 86400 > {latest + tol} AND EXISTS (
                  SELECT 1 FROM once o WHERE o.trip_idx = t.trip_idx AND o.stop_idx = t.stop_idx))
        )
        SELECT k, seq, c, running AND gap <= {tol} AS good, gap <= {tol} AS near FROM simple
        UNION ALL  -- the best candidate; ties go to today's run, then the first visit of the stop
        SELECT k, arg_min(seq, struct_pack(score, c, seq))::INTEGER,
               arg_min(c, struct_pack(score, c, seq))::UTINYINT,
               bool_or(running AND gap <= {tol}), bool_or(gap <= {tol})
        FROM other GROUP BY k
        """
    )
    con.execute(
        f"""
        UPDATE t SET rc = CASE WHEN tseq.near THEN {_rc("trip_not_running")}
                               ELSE {_rc("time_far_from_schedule")} END
        FROM tseq WHERE t.k = tseq.k AND NOT tseq.good;
        UPDATE t SET rc = {_rc("stop_not_on_trip")}
        WHERE rc = 0 AND trip_idx IS NOT NULL AND k NOT IN (SELECT k FROM tseq);
        """
    )


def _pair_rides(con: duckdb.DuckDBPyConnection, opts: IngestOptions) -> None:
    """Duplicates, then pairing: each boarding with the card's next tap when it alights from
    the same trip (or vehicle) within 12 hours. Table ``pw``: one row per ride (on its
    alighting tap, ``rc`` 0) and one per duplicate or unpaired tap (``rc`` its reason)."""
    near = 43200
    con.execute(
        """
        CREATE TEMP TABLE tdup AS
        SELECT card, ts, ev, stop_idx, min(k) AS keep FROM t WHERE rc = 0
        GROUP BY ALL HAVING count(*) > 1
        """
    )
    con.execute(
        f"""
        UPDATE t SET rc = {_rc("duplicate_tap")} FROM tdup d
        WHERE t.rc = 0 AND d.card = t.card AND d.ts = t.ts AND d.ev = t.ev
          AND d.stop_idx = t.stop_idx AND d.keep <> t.k
        """
    )
    con.execute(
        f"""
        CREATE TEMP TABLE pw AS
        WITH v AS (
            SELECT t.k, t.card, t.ts, t.ev, t.stop_idx, t.trip_idx, t.fare,
                   coalesce(s.c, 0) AS c, s.seq, coalesce(t.trip_idx, -1 - t.vcode) AS pk
            FROM t LEFT JOIN tseq s ON s.k = t.k
            WHERE t.rc = 0
        ),
        o AS (  -- one lag and one lead of a struct: several times faster than one per column
            SELECT *,
                   lag(struct_pack(ev, pk, ts, k, stop_idx, seq, c, fare)) OVER o AS p,
                   lead(struct_pack(ev, pk, ts)) OVER o AS n
            FROM v
            WINDOW o AS (PARTITION BY card ORDER BY ts, ev, k)
        ),
        w AS (
            SELECT *,
                   p.ev AS pev, p.pk AS ppk, epoch(ts) - epoch(p.ts) <= {near} AS pnear,
                   n.ev AS nev, n.pk AS npk, epoch(n.ts) - epoch(ts) <= {near} AS nnear,
                   p.k AS bk, p.stop_idx AS b_stop, p.seq AS b_seq, p.ts AS b_ts,
                   CAST(epoch(p.ts) - epoch(date_trunc('day', p.ts)) AS INTEGER) + 86400 * p.c
                       AS b_secs,
                   p.c AS b_c, CAST(p.ts AS DATE) AS b_date0, p.fare AS b_fare
            FROM o
        ),
        x AS (
            SELECT *,
                   coalesce(ev = 2 AND pev = 1 AND ppk = pk AND pnear, false) AS is_ride,
                   coalesce(ev = 1 AND nev = 2 AND npk = pk AND nnear, false) AS is_board
            FROM w
        )
        SELECT k, CAST(CASE
                   WHEN is_ride THEN 0
                   WHEN ev = 2 AND coalesce(nev = 1 AND npk = pk AND nnear, false)
                       THEN {_rc("alight_before_board")}
                   WHEN ev = 2 THEN {_rc("alight_without_board")}
                   WHEN coalesce(pev = 2 AND ppk = pk AND pnear, false)
                       THEN {_rc("alight_before_board")}
                   ELSE {_rc("board_without_alight")} END AS UTINYINT) AS rc,
               CASE WHEN is_ride THEN bk END AS bk, card,
               CASE WHEN is_ride THEN trip_idx END AS trip_idx,
               CASE WHEN is_ride THEN b_date0 - b_c END AS date,
               CASE WHEN is_ride THEN b_date0 END AS date0,
               CASE WHEN is_ride THEN b_stop END AS b_stop,
               CASE WHEN is_ride THEN b_seq END AS b_seq,
               CASE WHEN is_ride THEN b_ts END AS b_ts,
               CASE WHEN is_ride THEN b_secs END AS b_secs,
               stop_idx AS a_stop, seq AS a_seq, ts AS a_ts,
               CASE WHEN is_ride THEN b_secs + epoch(ts) - epoch(b_ts) END AS a_secs,
               coalesce(b_fare, fare) AS fare,
               trip_idx IS NOT NULL AS by_trip
        FROM x WHERE NOT is_board
        """
    )


def _match_vehicle_rides(con: duckdb.DuckDBPyConnection, opts: IngestOptions) -> None:
    """Match rides known only by vehicle to the running scheduled trip serving both stops whose
    times are nearest to the taps (the tap's date or, past midnight, the day before)."""
    tol = float(opts.match_tolerance_min) * 60.0
    width = 2.0 * tol  # departure buckets: a match lies in the tap's bucket or a neighbour
    con.execute(
        f"""
        CREATE TEMP TABLE vm AS
        WITH r AS (
            SELECT r.k, r.b_stop, r.a_stop, r.date0, c.c,
                   r.b_secs + 86400 * c.c AS bs, r.a_secs + 86400 * c.c AS as_
            FROM pw r CROSS JOIN (VALUES (0), (1)) c(c)
            WHERE r.rc = 0 AND NOT r.by_trip AND r.b_stop <> r.a_stop
        ),
        rb AS (
            SELECT r.*, CAST(floor(bs / {width}) AS BIGINT) + d.d AS bucket
            FROM r CROSS JOIN (VALUES (-1), (0), (1)) d(d)
        ),
        sb AS (SELECT *, CAST(floor(dep_s / {width}) AS BIGINT) AS bucket FROM sst)
        SELECT k, arg_min(trip_idx, o) AS trip_idx, arg_min(b_seq, o) AS b_seq,
               arg_min(a_seq, o) AS a_seq, arg_min(c, o) AS c
        FROM (  -- o: the score, ties to today's run, then the first visits (one candidate)
            SELECT *, struct_pack(score, c, b_seq, a_seq) AS o FROM (
            SELECT rb.k, sb.trip_idx, sb.seq AS b_seq, sa.seq AS a_seq, rb.c,
                   (abs(sb.dep_s - rb.bs) + abs(sa.arr_s - rb.as_)) * 1e6 + sb.trip_idx AS score
            FROM rb
            JOIN sb ON sb.stop_idx = rb.b_stop AND sb.bucket = rb.bucket
            JOIN sst sa ON sa.trip_idx = sb.trip_idx AND sa.stop_idx = rb.a_stop
            JOIN sruns ON sruns.trip_idx = sb.trip_idx AND sruns.date = rb.date0 - rb.c
            WHERE abs(sb.dep_s - rb.bs) <= {tol} AND sa.seq > sb.seq
        )) GROUP BY k
        """
    )
    con.execute(
        """
        UPDATE pw SET trip_idx = vm.trip_idx, b_seq = vm.b_seq, a_seq = vm.a_seq,
               date = pw.date0 - vm.c, b_secs = pw.b_secs + 86400 * vm.c,
               a_secs = pw.a_secs + 86400 * vm.c
        FROM vm WHERE pw.k = vm.k
        """
    )


def _check_rides(con: duckdb.DuckDBPyConnection, opts: IngestOptions, store: Path) -> None:
    max_s = float(opts.max_ride_min) * 60.0
    con.execute(
        f"""
        UPDATE pw SET rc = CASE
            WHEN b_stop = a_stop THEN {_rc("same_stop")}
            WHEN trip_idx IS NULL THEN {_rc("no_matching_trip")}
            ELSE {_rc("wrong_direction")}
        END WHERE rc = 0 AND (b_stop = a_stop OR trip_idx IS NULL OR a_seq <= b_seq);
        UPDATE pw SET rc = {_rc("impossible_ride_time")}
        FROM sst sb, sst sa
        WHERE pw.rc = 0 AND sb.trip_idx = pw.trip_idx AND sb.seq = pw.b_seq
          AND sa.trip_idx = pw.trip_idx AND sa.seq = pw.a_seq
          AND (pw.a_secs - pw.b_secs > {max_s}
               OR pw.a_secs - pw.b_secs < 0.5 * (sa.arr_s - sb.dep_s) - 120);
        """
    )
    existing = [p for p in ride_files(store) if p.is_file()]
    if existing:
        files = "[" + ", ".join(_sql_str(str(p)) for p in existing) + "]"
        con.execute(
            f"""
            UPDATE pw SET rc = {_rc("duplicate_tap")}
            FROM names n, sstops s, read_parquet({files}) old
            WHERE pw.rc = 0 AND n.card = pw.card AND s.stop_idx = pw.b_stop
              AND old.card = n.pseudonym AND old.board_ts = pw.b_ts
              AND old.board_stop_id = s.stop_id
            """
        )


def _write_rides(con: duckdb.DuckDBPyConnection, sha256: str, path: Path) -> None:
    """Stream the accepted rides (:data:`RIDE_COLUMNS`) to a Parquet file."""
    dates = con.execute("SELECT DISTINCT date FROM pw WHERE rc = 0").fetchall()
    dtypes = pd.DataFrame(
        {"date": [d[0] for d in dates], "day_type": [day_type_of(d[0]) for d in dates]}
    )
    con.register("_dtypes", dtypes)
    con.execute(
        "CREATE TEMP TABLE dtypes AS SELECT CAST(date AS DATE) AS date, day_type FROM _dtypes"
    )
    con.unregister("_dtypes")
    # the order of rides in the file means nothing (every query groups or sorts): writing them
    # in any order lets both threads encode row groups (a quarter faster at 10 M taps)
    con.execute("SET preserve_insertion_order = false")
    con.execute(
        f"""
        COPY (
        SELECT n.pseudonym AS card, r.date, d.day_type, tr.trip_id, tr.route_id,
               tr.direction_id, sb.stop_id AS board_stop_id, r.b_seq::INTEGER AS board_seq,
               r.b_ts AS board_ts, r.b_secs::INTEGER AS board_s,
               sa.stop_id AS alight_stop_id, r.a_seq::INTEGER AS alight_seq,
               r.a_ts AS alight_ts, r.a_secs::INTEGER AS alight_s,
               (xa.dist_km - xb.dist_km)::DOUBLE AS km, r.fare AS fare_yen,
               CASE WHEN r.by_trip THEN 'trip_id' ELSE 'vehicle' END AS matched_by,
               {_sql_str(sha256[:12])} AS source
        FROM pw r
        JOIN names n ON n.card = r.card
        JOIN dtypes d ON d.date = r.date
        JOIN strips tr ON tr.trip_idx = r.trip_idx
        JOIN sstops sb ON sb.stop_idx = r.b_stop
        JOIN sstops sa ON sa.stop_idx = r.a_stop
        JOIN sst xb ON xb.trip_idx = r.trip_idx AND xb.seq = r.b_seq
        JOIN sst xa ON xa.trip_idx = r.trip_idx AND xa.seq = r.a_seq
        WHERE r.rc = 0
        ) TO {_sql_str(str(path))} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)
        """
    )
    con.execute("SET preserve_insertion_order = true")


def _row_rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    codes = pd.DataFrame({"rc": np.arange(1, len(_CODES) + 1), "reason": list(_CODES)})
    con.register("_codes", codes)
    df = con.execute(
        """
        WITH rej AS (
            SELECT k, rc FROM t WHERE rc <> 0
            UNION ALL SELECT k, rc FROM pw WHERE rc <> 0
            UNION ALL SELECT bk, rc FROM pw WHERE rc <> 0 AND bk IS NOT NULL
        )
        SELECT t.k, c.reason, n.pseudonym AS card, strftime(t.ts, '%Y-%m-%d %H:%M:%S') AS ts,
               CASE t.ev WHEN 1 THEN 'board' WHEN 2 THEN 'alight' END AS event,
               s.stop_id, tr.trip_id, v.vehicle AS vehicle_id
        FROM rej JOIN t ON t.k = rej.k
        JOIN _codes c ON c.rc = rej.rc
        LEFT JOIN names n ON n.card = t.card
        LEFT JOIN sstops s ON s.stop_idx = t.stop_idx
        LEFT JOIN strips tr ON tr.trip_idx = t.trip_idx
        LEFT JOIN vehicles v ON v.vcode = t.vcode
        ORDER BY t.k
        """
    ).fetchdf()
    con.unregister("_codes")
    return df


def _number_rejects(row_rej: pd.DataFrame, parse_rej: pd.DataFrame) -> pd.DataFrame:
    """Turn scan positions ``k`` of parsed rows into data row numbers (1 = first row after the
    header), given the rows the CSV reader rejected, and merge both kinds of rejects."""
    bad = np.sort(parse_rej["row"].to_numpy(dtype="int64"))
    gaps = bad - np.arange(len(bad))  # parsed rows before each rejected row
    k = row_rej["k"].to_numpy(dtype="int64")
    rows = k + np.searchsorted(gaps, k, side="right") if len(bad) else k
    out = row_rej.drop(columns=["k"]).assign(row=rows)
    out["message"] = out["reason"].map(REJECT_REASONS)
    parse = parse_rej.assign(
        message=[
            f"{REJECT_REASONS[r]} ({m})" if isinstance(m, str) and m else REJECT_REASONS[r]
            for r, m in zip(parse_rej["reason"], parse_rej["message"], strict=True)
        ]
    )
    merged = pd.concat([out, parse], ignore_index=True)
    cols = ["row", "reason", "message", "card", "ts", "event", "stop_id", "trip_id", "vehicle_id"]
    for c in cols:
        if c not in merged.columns:
            merged[c] = None
    return merged[cols].sort_values("row", kind="stable").reset_index(drop=True)


def _write_rejects(path: Path, rej: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    rej.to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(path)


# --------------------------------------------------------------------------- counts


def write_counts(
    store: Path, sha256: str, counts: pd.DataFrame, rejects: pd.DataFrame
) -> tuple[str, str]:
    """Write accepted count rows and their rejects; returns the relative part and rejects paths."""
    part = f"counts/{sha256[:12]}.parquet"
    rej = f"rejects/{sha256[:12]}.csv"
    (store / "counts").mkdir(parents=True, exist_ok=True)
    tmp = store / "counts" / f".{sha256[:12]}.tmp"
    counts.to_parquet(tmp, index=False)
    tmp.replace(store / part)
    _write_rejects(store / rej, rejects)
    return part, rej


# --------------------------------------------------------------------------- queries


def _files_sql(paths: list[Path]) -> str:
    return "[" + ", ".join(_sql_str(str(p)) for p in paths) + "]"


def query_rides(store: Path, sql: str, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Run ``sql`` with the view ``rides`` over the store's rides; returns the result frame.

    With no rides yet, ``rides`` is an empty table with :data:`RIDE_COLUMNS`.
    """
    files = [p for p in ride_files(store) if p.is_file()]
    with (
        tempfile.TemporaryDirectory(prefix="transit-duckdb-") as spill,
        _connect(options, spill_dir=Path(spill)) as con,
    ):
        if files:
            con.execute(f"CREATE VIEW rides AS SELECT * FROM read_parquet({_files_sql(files)})")
        else:
            con.execute(
                "CREATE TABLE rides (card VARCHAR, date DATE, day_type VARCHAR, trip_id VARCHAR, "
                "route_id VARCHAR, direction_id INTEGER, board_stop_id VARCHAR, board_seq INTEGER, "
                "board_ts TIMESTAMP, board_s INTEGER, alight_stop_id VARCHAR, alight_seq INTEGER, "
                "alight_ts TIMESTAMP, alight_s INTEGER, km DOUBLE, fare_yen INTEGER, "
                "matched_by VARCHAR, source VARCHAR)"
            )
        return con.execute(sql).fetchdf()


def stop_visits(store: Path, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Boardings and alightings of every observed trip run at every stop position.

    Returns ``trip_id``, ``date``, ``day_type``, ``seq``, ``boardings``, ``alightings``,
    ``fare_yen`` (fares paid by the riders boarding there, yen), sorted by trip run and seq.
    """
    return query_rides(
        store,
        """
        WITH b AS (SELECT trip_id, date, day_type, board_seq AS seq, count(*) AS n,
                          sum(coalesce(fare_yen, 0)) AS fare
                   FROM rides GROUP BY ALL),
             a AS (SELECT trip_id, date, day_type, alight_seq AS seq, count(*) AS n
                   FROM rides GROUP BY ALL)
        SELECT coalesce(b.trip_id, a.trip_id) AS trip_id, coalesce(b.date, a.date) AS date,
               coalesce(b.day_type, a.day_type) AS day_type, coalesce(b.seq, a.seq) AS seq,
               coalesce(b.n, 0)::BIGINT AS boardings, coalesce(a.n, 0)::BIGINT AS alightings,
               coalesce(b.fare, 0)::BIGINT AS fare_yen
        FROM b FULL JOIN a ON b.trip_id = a.trip_id AND b.date = a.date AND b.seq = a.seq
        ORDER BY trip_id, date, seq
        """,
        options=options,
    )


def od_counts(store: Path, *, options: IngestOptions | None = None) -> pd.DataFrame:
    """Stop-to-stop rides: ``board_stop_id``, ``alight_stop_id``, ``day_type``, ``rides``."""
    return query_rides(
        store,
        """
        SELECT board_stop_id, alight_stop_id, day_type, count(*)::BIGINT AS rides
        FROM rides GROUP BY ALL ORDER BY ALL
        """,
        options=options,
    )


def linked_journeys(
    store: Path,
    *,
    window_min: float = 60.0,
    radius_m: float = 300.0,
    options: IngestOptions | None = None,
) -> pd.DataFrame:
    """Link a card's rides into journeys: a ride boarding within ``window_min`` minutes after the
    card's previous ride alighted, within ``radius_m`` metres of that stop (straight line), on
    the same service day and another trip, is a transfer continuing the journey.

    Returns one row per (origin, destination, day type, number of rides): ``origin_stop_id``,
    ``destination_stop_id``, ``day_type``, ``legs`` (rides in the journey, 1 = no transfer),
    ``journeys``.
    """
    w = float(window_min) * 60.0
    stops = store / "schedule" / "stops.parquet"
    cols = ("date", "trip_id", "board_stop_id", "alight_stop_id", "board_ts", "alight_ts",
            "bla", "blo", "ala", "alo")  # fmt: skip

    def links(p: dict[str, str], n: dict[str, str]) -> str:
        """SQL: ride ``n`` continues the journey of the same card's previous ride ``p``."""
        return f"""coalesce({p["alight_ts"]} IS NOT NULL AND {n["board_ts"]} IS NOT NULL
                   AND {p["date"]} = {n["date"]} AND {p["trip_id"]} <> {n["trip_id"]}
                   AND epoch({n["board_ts"]}) - epoch({p["alight_ts"]}) BETWEEN 0 AND {w}
                   AND ({p["alight_stop_id"]} = {n["board_stop_id"]}
                        OR 2 * 6371008.8 * asin(sqrt(
                             pow(sin(({n["bla"]} - {p["ala"]}) / 2), 2)
                             + cos({n["bla"]}) * cos({p["ala"]})
                               * pow(sin(({n["blo"]} - {p["alo"]}) / 2), 2)))
                           <= {float(radius_m)}), false)"""

    # one sort of the rides by card and time tells, for each ride, whether it continues the
    # card's previous ride and whether the next ride continues it: single-ride journeys (most)
    # are counted from there, and only the rides of multi-ride journeys are numbered into
    # journeys (a second, small sort) and grouped
    cur = {c: c for c in cols}
    prev = {c: f"lag({c}) OVER w" for c in cols}
    nxt = {c: f"lead({c}) OVER w" for c in cols}
    return query_rides(
        store,
        f"""
        WITH st AS (SELECT stop_id, radians(stop_lat) AS la, radians(stop_lon) AS lo
                    FROM read_parquet({_sql_str(str(stops))})),
        r AS (SELECT rides.card, rides.date, rides.day_type, rides.trip_id,
                     rides.board_stop_id, rides.alight_stop_id, rides.board_ts,
                     rides.alight_ts, sb.la AS bla, sb.lo AS blo, sa.la AS ala, sa.lo AS alo
              FROM rides LEFT JOIN st sb ON sb.stop_id = rides.board_stop_id
              LEFT JOIN st sa ON sa.stop_id = rides.alight_stop_id),
        s AS (
            SELECT card, day_type, board_stop_id, alight_stop_id, board_ts, alight_ts,
                   row_number() OVER w AS rn,
                   {links(prev, cur)} AS cont_prev,
                   {links(cur, nxt)} AS cont_next
            FROM r WINDOW w AS (PARTITION BY card ORDER BY board_ts, alight_ts)
        ),
        m AS (
            SELECT *, sum(CASE WHEN cont_prev THEN 0 ELSE 1 END)
                          OVER (PARTITION BY card ORDER BY rn ROWS UNBOUNDED PRECEDING) AS jn
            FROM s WHERE cont_prev OR cont_next
        ),
        journeys AS (
            SELECT board_stop_id AS origin_stop_id, alight_stop_id AS destination_stop_id,
                   day_type, 1 AS legs
            FROM s WHERE NOT cont_prev AND NOT cont_next
            UNION ALL
            SELECT arg_min(board_stop_id, rn), arg_max(alight_stop_id, rn),
                   min(day_type), count(*)::INTEGER
            FROM m GROUP BY card, jn
        )
        SELECT origin_stop_id, destination_stop_id, day_type, legs::INTEGER AS legs,
               count(*)::BIGINT AS journeys
        FROM journeys GROUP BY ALL ORDER BY ALL
        """,
        options=options,
    )


def ride_totals(store: Path, *, options: IngestOptions | None = None) -> dict[str, Any]:
    """Totals over all rides: ``rides``, ``cards``, ``pax_km``, ``fare_yen``, ``first_date``,
    ``last_date`` (dates as :class:`datetime.date` or None)."""
    df = query_rides(
        store,
        """
        SELECT count(*)::BIGINT AS rides, count(DISTINCT card)::BIGINT AS cards,
               coalesce(sum(km), 0) AS pax_km, coalesce(sum(fare_yen), 0)::BIGINT AS fare_yen,
               min(date) AS first_date, max(date) AS last_date
        FROM rides
        """,
        options=options,
    )
    rec: dict[str, Any] = {str(k): v for k, v in df.iloc[0].to_dict().items()}
    for key in ("first_date", "last_date"):
        val = rec[key]
        rec[key] = None if pd.isna(val) else pd.Timestamp(val).date()
    rec["rides"] = int(rec["rides"])
    rec["cards"] = int(rec["cards"])
    rec["fare_yen"] = int(rec["fare_yen"])
    rec["pax_km"] = float(rec["pax_km"])
    return rec
