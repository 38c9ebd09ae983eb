"""Small-cell suppression for tables that leave the office (k-anonymity threshold)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

DEFAULT_K = 10


def privacy_note(k: int = DEFAULT_K) -> str:
    """The sentence every published table carries (Japanese)."""
    return f"個人が特定されないよう、{k}人未満の集計値は秘匿しています（空欄）。"


def suppress(
    table: pd.DataFrame, columns: Sequence[str], *, basis: str, k: int = DEFAULT_K
) -> pd.DataFrame:
    """A copy of ``table`` where ``columns`` are blank (NA) on rows whose ``basis`` count is
    below ``k`` (the basis column itself is blanked too when listed)."""
    out = table.copy()
    small = out[basis] < k
    for col in columns:
        out[col] = out[col].astype("object").where(~small, None)
    return out


def count_suppressed(table: pd.DataFrame, *, basis: str, k: int = DEFAULT_K) -> int:
    """Rows of ``table`` that :func:`suppress` blanks."""
    return int((table[basis] < k).sum())
