"""Small-cell suppression for tables that leave the office (k-anonymity threshold)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from transit.core.assumptions import value
from transit.core.fileio import atomic_write_text


def default_k() -> int:
    """The small-cell threshold of published tables: ``privacy.k`` of the assumptions table."""
    return int(value("privacy.k"))


def privacy_note(k: int | None = None) -> str:
    """The sentence every published table carries (Japanese); ``k`` defaults to
    :func:`default_k`."""
    k = default_k() if k is None else k
    return f"個人が特定されないよう、{k}人未満の集計値は秘匿しています（空欄）。"


def suppress(
    table: pd.DataFrame, columns: Sequence[str], *, basis: str, k: int | None = None
) -> pd.DataFrame:
    """A copy of ``table`` where ``columns`` are blank (NA) on rows whose ``basis`` count is
    below ``k`` (default :func:`default_k`; the basis column itself is blanked too when
    listed)."""
    out = table.copy()
    small = out[basis] < (default_k() if k is None else k)
    for col in columns:
        out[col] = out[col].astype("object").where(~small, None)
    return out


def write_privacy_readme(folder: Path, *, k: int | None = None) -> Path:
    """Write ``folder/README.txt`` (the :func:`privacy_note`), atomically; returns its path."""
    path = folder / "README.txt"
    atomic_write_text(path, privacy_note(k) + "\n")
    return path
