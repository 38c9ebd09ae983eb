"""Rejected rows: reason codes inside the SQL, the rows the CSV reader could not parse, and the
rejects file (row number, reason, message, the row's parsed fields; never a raw card id).

In the tables of the ingest a row's ``rc`` is 0 when it is accepted, else the 1-based position
of its reason in :data:`transit.demand.records.REJECTS`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from transit.core.fileio import atomic_write_text
from transit.demand.records import REJECTS
from transit.demand.store.db import Connection
from transit.demand.store.source import Source

_CODES: tuple[str, ...] = tuple(REJECTS)

#: The columns of a rejects file of taps, in order.
REJECT_COLUMNS = (
    "row",
    "reason",
    "message",
    "card",
    "ts",
    "event",
    "stop_id",
    "trip_id",
    "vehicle_id",
)


def rc(name: str) -> int:
    """Reason code (1-based index in :data:`transit.demand.records.REJECTS`; 0 = accepted)."""
    return _CODES.index(name) + 1


def parse_rejects(con: Connection, src: Source) -> pd.DataFrame:
    """Rows the CSV reader rejected: ``row`` (data row number), ``reason``
    (``invalid_encoding`` or ``wrong_field_count``), ``message`` (the reader's)."""
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


def row_rejects(con: Connection) -> pd.DataFrame:
    """Parsed rows rejected by a check (``rc`` <> 0 in ``t`` or ``pw``; both taps of a rejected
    ride): ``k`` (position among the parsed rows), ``reason`` and the row's fields, by ``k``."""
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


def number_rejects(row_rej: pd.DataFrame, parse_rej: pd.DataFrame) -> pd.DataFrame:
    """Turn scan positions ``k`` of parsed rows into data row numbers (1 = first row after the
    header), given the rows the CSV reader rejected, and merge both kinds of rejects.

    Returns :data:`REJECT_COLUMNS`, sorted by ``row``."""
    bad = np.sort(parse_rej["row"].to_numpy(dtype="int64"))
    gaps = bad - np.arange(len(bad))  # parsed rows before each rejected row
    k = row_rej["k"].to_numpy(dtype="int64")
    rows = k + np.searchsorted(gaps, k, side="right") if len(bad) else k
    out = row_rej.drop(columns=["k"]).assign(row=rows)
    out["message"] = out["reason"].map(REJECTS.meaning)
    parse = parse_rej.assign(
        message=[
            f"{REJECTS.meaning(r)} ({m})" if isinstance(m, str) and m else REJECTS.meaning(r)
            for r, m in zip(parse_rej["reason"], parse_rej["message"], strict=True)
        ]
    )
    merged = pd.concat([out, parse], ignore_index=True)
    cols = list(REJECT_COLUMNS)
    for c in cols:
        if c not in merged.columns:
            merged[c] = None
    return merged[cols].sort_values("row", kind="stable").reset_index(drop=True)


def write_rejects(path: Path, rej: pd.DataFrame) -> None:
    """Write a rejects table as CSV (UTF-8, header), atomically."""
    atomic_write_text(path, rej.to_csv(index=False))
