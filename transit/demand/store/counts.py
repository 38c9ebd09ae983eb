"""Count rows (kinds b and c) written into the store, with their rejects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transit.core.fileio import atomic_write_bytes
from transit.demand.store.folder import counts_part, rejects_part
from transit.demand.store.rejects import write_rejects


def write_counts(
    store: Path, sha256: str, counts: pd.DataFrame, rejects: pd.DataFrame
) -> tuple[str, str]:
    """Write accepted count rows and their rejects; returns the relative part and rejects paths."""
    part, rej = counts_part(sha256), rejects_part(sha256)
    atomic_write_bytes(store / part, counts.to_parquet(index=False))
    write_rejects(store / rej, rejects)
    return part, rej
