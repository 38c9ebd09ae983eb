"""Fare triangles (運賃三角表) -> ``fare_attributes`` + ``fare_rules`` by zone.

A triangle sheet lists stops down column A (column B: a zone id, or with the ``muroran``
profile a ``stopcode_pole`` id) and, in row *k*, the fares in yen from each earlier stop (column C
is the first stop). Fares are symmetric: the fare from stop *j* back to stop *i* is the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.model import FaresSection, FareTable
from transit.gtfs.source.profiles import LayoutProfile
from transit.gtfs.source.workbook import Sheet


def read_fare_sheet(sheet: Sheet, profile: LayoutProfile) -> tuple[FareTable | None, list[Notice]]:
    """Read one triangle sheet; ``None`` when it has no stop rows.

    Returns
    -------
    (FareTable or None, list of Notice)
        ``bad_fare_cell`` for any cell of the triangle that is not a whole number of yen.
    """
    notices: list[Notice] = []
    names: list[str] = []
    keys: list[str] = []
    rows: list[int] = []
    for r in range(profile.fare_title_rows + 1, sheet.nrows + 1):
        name = normalize_text(sheet.text(r, 1))
        if not name:
            continue
        names.append(name)
        keys.append(normalize_text(sheet.text(r, 2)))
        rows.append(r)
    if not names:
        return None, notices
    fares: dict[tuple[int, int], int] = {}
    for j, r in enumerate(rows):
        for i in range(j):
            v = sheet.value(r, 3 + i)
            if v is None:
                continue
            yen = _yen(v)
            if yen is None:
                notices.append(
                    notice(
                        "bad_fare_cell",
                        f"{v!r} is not a fare in yen (from {names[i]!r} to {names[j]!r})",
                        sheet.location(r, 3 + i),
                    )
                )
                continue
            fares[(i, j)] = yen
    table = FareTable(
        table_id=normalize_text(sheet.name),
        names=tuple(names),
        keys=tuple(keys),
        fares=fares,
        file=sheet.file,
        location=sheet.location(rows[0], 1),
    )
    return table, notices


def _yen(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return int(v) if float(v).is_integer() and v >= 0 else None
    if isinstance(v, str):
        text = normalize_text(v).replace(",", "").removesuffix("円").removeprefix("¥")
        return int(text) if text.isdigit() else None
    return None


def fare_id(price: int) -> str:
    """The fare_id of a price (one fare_attributes row per distinct price): ``fare_210``."""
    return f"fare_{price}"


def build_fare_tables(
    pairs: Iterable[tuple[str, str, str, int]],
    *,
    settings: FaresSection,
    agency_id: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``fare_attributes`` and ``fare_rules`` from ``(route_id, origin_zone, destination_zone, yen)``.

    Returns
    -------
    (DataFrame, DataFrame)
        ``fare_attributes`` (fare_id, price, currency_type, payment_method, transfers, agency_id) — one row
        per distinct price — and ``fare_rules`` (fare_id, route_id, origin_id, destination_id),
        all columns text, duplicates removed.
    """
    rules = sorted(set(pairs))
    prices = sorted({p for *_, p in rules})
    attributes = pd.DataFrame(
        {
            "fare_id": [fare_id(p) for p in prices],
            "price": [str(p) for p in prices],
            "currency_type": [settings.currency] * len(prices),
            "payment_method": [str(settings.payment_method)] * len(prices),
            "transfers": [str(settings.transfers)] * len(prices),
            "agency_id": [agency_id] * len(prices),
        }
    )
    fare_rules = pd.DataFrame(
        {
            "fare_id": [fare_id(p) for *_, p in rules],
            "route_id": [r for r, *_ in rules],
            "origin_id": [o for _, o, _, _ in rules],
            "destination_id": [d for _, _, d, _ in rules],
        }
    )
    return attributes, fare_rules


def route_fare_pairs(
    table: FareTable,
    route_id: str,
    served: Sequence[str],
    zone_of_key: Mapping[str, str],
    *,
    by_key: bool = False,
) -> tuple[list[tuple[str, str, str, int]], list[tuple[str, str]]]:
    """Fare pairs of one route from its triangle.

    ``served`` are the keys the route serves: stop names, or with ``by_key`` the ids of the
    table's column B (``muroran`` profile: stop ids);
    ``zone_of_key`` gives each key's zone. Returns the ``(route_id, origin_zone,
    destination_zone, yen)`` rows (both directions) and the pairs of served keys the table
    does not price (for ``fare_pair_missing``). Pairs within one zone are not priced.
    """
    index: dict[str, int] = {}
    for i, key in enumerate(table.keys if by_key else table.names):
        index.setdefault(key, i)
    out: list[tuple[str, str, str, int]] = []
    missing: list[tuple[str, str]] = []
    keys = sorted(set(served))
    for a_pos, a in enumerate(keys):
        for b in keys[a_pos + 1 :]:
            za, zb = zone_of_key.get(a, ""), zone_of_key.get(b, "")
            if not za or not zb or za == zb:
                continue
            ia, ib = index.get(a), index.get(b)
            price = None
            if ia is not None and ib is not None:
                price = table.fares.get((min(ia, ib), max(ia, ib)))
            if price is None:
                missing.append((a, b))
                continue
            out.append((route_id, za, zb, price))
            out.append((route_id, zb, za, price))
    return out, missing
