"""What the optimizer minimises, and the archive of non-dominated route sets.

With ATT and TRT (total route time) in minutes, ``T`` the largest least drive time between two
stops and ``S`` the number of routes (the normalisation of Holliday & Dudek's cost):

- ``passenger``: ATT, ties broken by TRT (score ``ATT/T + 1e-6·TRT/(S·T)``);
- ``operator``: TRT, ties broken by ATT (score ``TRT/(S·T) + 1e-3·ATT/T``);
- ``weighted`` with weight ``W`` in [0, 1]: ``W·ATT/T + (1-W)·TRT/(S·T)``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from transit.core.errors import InputError, Location
from transit.routing.design.problem import DesignProblem, Route

KINDS = ("passenger", "operator", "weighted")
PASSENGER_TIE = 1e-6
OPERATOR_TIE = 1e-3


@dataclass(frozen=True)
class Objective:
    """A scalar objective: ``score`` (minimised by the search) and ``value`` (reported)."""

    kind: str
    weight: float
    att_unit: float
    trt_unit: float

    @classmethod
    def of(cls, kind: str, problem: DesignProblem, weight: float | None = None) -> Objective:
        """The objective ``kind`` on ``problem``; ``weight`` is required by ``weighted`` only."""
        where = Location(file=problem.network.name or "network", field="objective")
        if kind not in KINDS:
            raise InputError(
                f"unknown objective {kind!r} (expected one of {', '.join(KINDS)})", where
            )
        if kind == "weighted":
            if weight is None or not 0.0 <= weight <= 1.0:
                raise InputError(
                    f"the weighted objective needs a weight between 0 and 1 (got {weight})",
                    Location(file=where.file, field="weight"),
                )
        else:
            weight = 1.0 if kind == "passenger" else 0.0
        t = problem.t_max if problem.t_max > 0 else 1.0
        return cls(kind=kind, weight=float(weight), att_unit=t, trt_unit=t * problem.n_routes)

    def score(self, att: float, trt: float) -> float:
        """The minimised number (normalised, dimensionless)."""
        a, o = att / self.att_unit, trt / self.trt_unit
        if self.kind == "passenger":
            return a + PASSENGER_TIE * o
        if self.kind == "operator":
            return o + OPERATOR_TIE * a
        return self.weight * a + (1.0 - self.weight) * o

    def value(self, att: float, trt: float) -> float:
        """The reported value: ATT (passenger), TRT (operator) or the weighted score."""
        if self.kind == "passenger":
            return att
        if self.kind == "operator":
            return trt
        return self.score(att, trt)


class ParetoArchive:
    """Route sets not dominated in (TRT, ATT), kept sorted by TRT (ATT then strictly falls)."""

    def __init__(self) -> None:
        self.trt: list[float] = []
        self.att: list[float] = []
        self.routes: list[tuple[Route, ...]] = []

    def offer(self, att: float, trt: float, routes: list[Route] | tuple[Route, ...]) -> bool:
        """Add a route set unless an archived one is at least as good on both; ``True`` if added."""
        pos = bisect.bisect_right(self.trt, trt)
        if pos > 0 and self.att[pos - 1] <= att:
            return False
        start = pos
        while start > 0 and self.trt[start - 1] == trt:
            start -= 1
        end = pos
        while end < len(self.trt) and self.att[end] >= att:
            end += 1
        self.trt[start:end] = [trt]
        self.att[start:end] = [att]
        self.routes[start:end] = [tuple(routes)]
        return True

    def merge(self, other: ParetoArchive) -> None:
        """Offer every member of ``other``."""
        for att, trt, routes in zip(other.att, other.trt, other.routes, strict=True):
            self.offer(att, trt, routes)

    def __len__(self) -> int:
        return len(self.trt)
