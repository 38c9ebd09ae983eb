"""What an ingest is told (:class:`IngestOptions`) and what it reports (:class:`IngestSummary`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from transit.core.assumptions import from_table


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

    schedule_tolerance_min: float = from_table("demand.ingest.schedule_tolerance_min")
    match_tolerance_min: float = from_table("demand.ingest.match_tolerance_min")
    max_ride_min: float = from_table("demand.ingest.max_ride_min")
    memory_limit: str = "1200MB"
    threads: int | None = None


@dataclass(frozen=True)
class IngestSummary:
    """What ingesting one file did.

    ``rows_read`` = ``accepted`` + ``rejected`` (input rows, i.e. taps or count rows);
    ``rejected_by_reason`` maps a reason code of :data:`transit.demand.records.REJECTS` to a
    row count; ``matched_by_trip_id`` / ``matched_by_vehicle``: accepted rows matched to a trip
    each way.
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

    @classmethod
    def already_done(cls, file: str, entry: Mapping[str, Any]) -> IngestSummary:
        """The summary of a file whose content is already in the store, from its manifest
        ``entry`` (``already_ingested`` set, no notes)."""
        return cls(
            file=file,
            sha256=entry["sha256"],
            kind=entry["kind"],
            rows_read=entry["rows_read"],
            accepted=entry["accepted"],
            rejected=entry["rejected"],
            rejected_by_reason=dict(entry["rejected_by_reason"]),
            matched_by_trip_id=entry.get("matched_by_trip_id", 0),
            matched_by_vehicle=entry.get("matched_by_vehicle", 0),
            already_ingested=True,
            rejects_file=entry.get("rejects_file"),
        )


def count_by_reason(reasons: pd.Series) -> dict[str, int]:
    """``{reason: rows}`` of a column of reason codes, sorted by reason (the summary's
    ``rejected_by_reason``)."""
    return {str(k): int(v) for k, v in reasons.value_counts().sort_index().items()}
