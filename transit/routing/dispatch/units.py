"""Solver units: problem times and costs rounded to integers, conservatively.

OR-Tools works on integers, so a problem's times (floats, in its ``time_unit``) are multiplied by
``Problem.scale`` and rounded so that a plan feasible in solver units is feasible on the float
data too: travel and service times and window *openings* round **up**, window *ends*, ride and
route-duration limits round **down** (a ``1e-9`` guard keeps exact values exact). Costs round to
the nearest unit.

The OR-Tools adapter uses the integers (:func:`up`, :func:`down`, :func:`matrix_up`,
:func:`cost_units`); the large-neighbourhood search works on the same values divided back by the
scale (:func:`round_up`, :func:`round_down`, :func:`matrix_round_up`), so that each plan it finds
is a valid warm start for the OR-Tools model.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

INF = math.inf
_GUARD = 1e-9


def up(x: float, scale: float) -> int:
    """``x`` in solver units, rounded up (a travel or service time, a window opening)."""
    return math.ceil(x * scale - _GUARD)


def down(x: float, scale: float) -> int:
    """``x`` in solver units, rounded down (a window end, a ride or duration limit)."""
    return math.floor(x * scale + _GUARD)


def round_up(x: float, scale: float) -> float:
    """:func:`up` back in the problem's time unit (``inf`` stays ``inf``)."""
    return x if x >= INF else up(x, scale) / scale


def round_down(x: float, scale: float) -> float:
    """:func:`down` back in the problem's time unit (``inf`` stays ``inf``)."""
    return x if x >= INF else down(x, scale) / scale


def matrix_up(matrix: npt.NDArray[np.float64], scale: float) -> npt.NDArray[np.float64]:
    """Every entry in solver units, rounded up (float array of whole numbers)."""
    out: npt.NDArray[np.float64] = np.ceil(matrix * scale - _GUARD)
    return out


def matrix_round_up(matrix: npt.NDArray[np.float64], scale: float) -> npt.NDArray[np.float64]:
    """:func:`matrix_up` back in the problem's time unit."""
    return matrix_up(matrix, scale) / scale


def cost_units(matrix: npt.NDArray[np.float64], scale: float) -> npt.NDArray[np.int64]:
    """A cost matrix in solver units, rounded to the nearest unit."""
    return np.rint(matrix * scale).astype(np.int64)
