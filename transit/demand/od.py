"""Origin–destination (OD) tables: from taps directly, linked journeys, and IPF from counts.

Iterative proportional fitting (IPF) estimates the OD of one trip or line from its stop
boardings ``b`` and alightings ``a``: starting from a seed on the pairs ``i < j`` (an IC-card OD,
or a gravity seed ``exp(-beta × km)``), rows and columns are scaled in turn until the row sums
equal ``b`` and the column sums equal ``a`` (a maximum-entropy estimate; Guex, Loup & Bavaud 2023).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from transit.core.assumptions import value
from transit.core.errors import InputError


@dataclass(frozen=True)
class IpfResult:
    """An IPF estimate: ``od`` (n×n, riders from stop i to stop j), ``iterations``,
    ``max_error`` (largest absolute margin difference, persons), ``scale`` (factor applied to
    the alightings so their total equals the boardings' total; 1.0 when they already balance)."""

    od: np.ndarray
    iterations: int
    max_error: float
    scale: float


def gravity_seed(dist_km: np.ndarray, *, beta: float) -> np.ndarray:
    """Seed on ``i < j``: ``exp(-beta × (d_j − d_i))`` from distances along the line (km)."""
    d = np.asarray(dist_km, dtype=float)
    gap = d[None, :] - d[:, None]
    return np.triu(np.exp(-beta * np.clip(gap, 0.0, None)), k=1)


def ipf(
    boardings: np.ndarray,
    alightings: np.ndarray,
    *,
    seed: np.ndarray | None = None,
    tol: float = 1e-9,
    max_iter: int = 10_000,
) -> IpfResult:
    """Fit an OD on the pairs ``i < j`` to boardings (row sums) and alightings (column sums).

    The alightings are first scaled to the boardings' total when the totals differ. The seed
    defaults to ones on ``i < j``; cells where the seed is 0 stay 0. Raises :class:`InputError`
    for negative counts or when a boarding has no later stop to go to.
    """
    b = np.asarray(boardings, dtype=float)
    a = np.asarray(alightings, dtype=float)
    n = len(b)
    if len(a) != n:
        raise InputError("boardings and alightings differ in length")
    if (b < 0).any() or (a < 0).any():
        raise InputError("counts must be >= 0")
    scale = 1.0
    if a.sum() > 0 and not np.isclose(a.sum(), b.sum(), rtol=1e-12, atol=1e-9):
        scale = float(b.sum() / a.sum())
        a = a * scale
    base = np.triu(np.ones((n, n)), k=1)
    m = base * (np.asarray(seed, dtype=float) if seed is not None else 1.0)
    if ((m.sum(axis=1) == 0) & (b > 0)).any() or ((m.sum(axis=0) == 0) & (a > 0)).any():
        raise InputError(
            "a stop has boardings (alightings) but no later (earlier) stop in the seed"
        )
    err = float("inf")
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        rs = m.sum(axis=1)
        m *= np.divide(b, rs, out=np.zeros(n), where=rs > 0)[:, None]
        cs = m.sum(axis=0)
        m *= np.divide(a, cs, out=np.zeros(n), where=cs > 0)[None, :]
        err = float(max(np.abs(m.sum(axis=1) - b).max(), np.abs(m.sum(axis=0) - a).max()))
        if err <= tol:
            break
    return IpfResult(m, it, err, scale)


def counts_consistent(boardings: np.ndarray, alightings: np.ndarray, *, rtol: float = 1e-9) -> bool:
    """True when an OD on ``i < j`` can reproduce the counts exactly: after scaling the
    alightings to the boardings' total, nobody alights at a stop before enough riders boarded
    upstream (``sum(a[:s+1]) <= sum(b[:s])`` for every stop ``s``)."""
    b = np.asarray(boardings, dtype=float)
    a = np.asarray(alightings, dtype=float)
    if a.sum() <= 0 or b.sum() <= 0:
        return bool(a.sum() <= 0 and b.sum() <= 0)
    a = a * (b.sum() / a.sum())
    upstream = np.r_[0.0, np.cumsum(b)[:-1]]
    return bool((np.cumsum(a) <= upstream + rtol * b.sum()).all())


def od_long(od: np.ndarray, stop_ids: list[str]) -> pd.DataFrame:
    """An OD matrix as rows ``origin_stop_id``, ``destination_stop_id``, ``riders`` (> 0)."""
    i, j = np.nonzero(od > 0)
    return pd.DataFrame(
        {
            "origin_stop_id": [stop_ids[x] for x in i],
            "destination_stop_id": [stop_ids[x] for x in j],
            "riders": od[i, j],
        }
    )


def ipf_counts_od(
    counts: pd.DataFrame, *, beta: float | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IPF OD for every line (``route_id``, ``direction_id``; plus ``trip_id``/``day_type`` when
    present) of a count table (kinds b/c, with ``stop_sequence``).

    Returns ``(od, fits)``: ``od`` has the line keys, ``origin_stop_id``,
    ``destination_stop_id``, ``riders``; ``fits`` one row per line with ``stops``,
    ``consistent`` (see :func:`counts_consistent`: when false no OD reproduces the counts and
    the fit stops after 200 rounds), ``boardings``, ``alightings``, ``scale``, ``iterations``,
    ``max_error``. Alightings at a line's first stop and boardings at its last stop cannot be
    part of a ride on it and are left out of the fit. ``beta``: the decay of the gravity seed
    (default: ``demand.od.ipf_beta`` of the assumptions table, 0 = a uniform seed).
    """
    if beta is None:
        beta = float(value("demand.od.ipf_beta"))
    keys = [c for c in ("route_id", "direction_id", "trip_id", "day_type") if c in counts.columns]
    keys = [k for k in keys if counts[k].astype(str).ne("").any()]
    frames, fits = [], []
    for key, grp in counts.sort_values("stop_sequence").groupby(keys, sort=True):
        g = (
            grp.groupby(["stop_sequence", "stop_id"], sort=True)[["boardings", "alightings"]]
            .sum()
            .reset_index()
        )
        b = g["boardings"].to_numpy(dtype=float)
        a = g["alightings"].to_numpy(dtype=float)
        # no one alights at the first stop nor boards at the last: move such counts aside
        b_fit, a_fit = b.copy(), a.copy()
        b_fit[-1] = 0.0
        a_fit[0] = 0.0
        seed = gravity_seed(np.arange(len(g), dtype=float), beta=beta) if beta else None
        ok = counts_consistent(b_fit, a_fit)
        res = ipf(b_fit, a_fit, seed=seed, max_iter=10_000 if ok else 200)
        od = od_long(res.od, g["stop_id"].astype(str).tolist())
        kv = key if isinstance(key, tuple) else (key,)
        for k, v in zip(keys, kv, strict=True):
            od[str(k)] = pd.Series([v] * len(od), index=od.index, dtype=object)
        frames.append(od)
        fits.append(
            dict(zip(keys, kv, strict=True))
            | {
                "stops": len(g),
                "consistent": ok,
                "boardings": float(b_fit.sum()),
                "alightings": float(a_fit.sum()),
                "scale": res.scale,
                "iterations": res.iterations,
                "max_error": res.max_error,
            }
        )
    od_all = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    cols = [*keys, "origin_stop_id", "destination_stop_id", "riders"]
    return (od_all[cols] if frames else od_all), pd.DataFrame(fits)
