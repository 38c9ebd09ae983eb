"""Reading a feed's text tables row by row or column by column (every value as ``str``)."""

from __future__ import annotations

from typing import Any

import pandas as pd


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts keyed by column name."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict("records")]


def text_column(df: pd.DataFrame, name: str) -> list[str]:
    """Column ``name`` of ``df`` as text (``""`` for missing values, or for every row when the
    column is absent)."""
    if name in df.columns:
        return [str(v) for v in df[name].fillna("").tolist()]
    return [""] * len(df)
