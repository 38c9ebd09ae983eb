"""Simulated annealing over route sets with the local moves of :mod:`transit.routing.design.moves`.

The search runs in *cycles* of a fixed number of iterations: each cycle cools geometrically from
a start temperature (calibrated once, so that the median worsening move of the start solution is
accepted with a given probability) down to a fraction of it, and the next cycle restarts from the
best route set found. Every iteration draws a move uniformly, skips it when it does not apply or
breaks coverage/connectivity, evaluates the candidate exactly (fast evaluator, with a cache of
route sets seen; routes are kept in one direction, from their lower stop, so that cache keys
share the route tuples) and accepts it by the Metropolis rule. The trajectory depends on the
seed and the iteration count only: a deadline stops it, it never changes it.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from transit.routing.design.fast_eval import FastEvaluator
from transit.routing.design.moves import (
    MOVES,
    Change,
    Move,
    MoveContext,
    keeps_feasible,
    mask_of,
)
from transit.routing.design.objective import Objective, ParetoArchive
from transit.routing.design.problem import Route

#: Evaluations kept in the route-set cache before it is emptied.
CACHE_SIZE = 100_000


@dataclass(frozen=True)
class AnnealSettings:
    """``cycle``: iterations per cooling cycle; ``start_accept``: probability of accepting the
    median worsening move at the start of a cycle; ``final_ratio``: end/start temperature."""

    cycle: int = 50_000
    start_accept: float = 0.3
    final_ratio: float = 1e-3
    calibration_moves: int = 200


@dataclass
class SearchOutcome:
    """Best route set of one search, its ATT and TRT (minutes) and the trace of improvements
    ``(iteration, seconds, value)``."""

    routes: list[Route]
    att: float
    trt: float
    score: float
    trace: list[tuple[int, float, float]] = field(default_factory=list)
    iterations: int = 0
    evaluations: int = 0


class CachedEvaluation:
    """ATT and TRT of index route sets, cached by the set of routes (orientation ignored)."""

    def __init__(self, evaluator: FastEvaluator) -> None:
        self.evaluator = evaluator
        self.cache: dict[tuple[Route, ...], tuple[float, float]] = {}
        self.evaluations = 0

    def __call__(self, routes: Sequence[Route]) -> tuple[float, float]:
        key = tuple(sorted(canonical(r) for r in routes))
        found = self.cache.get(key)
        if found is not None:
            return found
        if len(self.cache) >= CACHE_SIZE:
            self.cache.clear()
        self.evaluations += 1
        found = (self.evaluator.att(routes), self.evaluator.route_time_total(routes))
        self.cache[key] = found
        return found


def propose(
    ctx: MoveContext,
    moves: Sequence[Move],
    routes: list[Route],
    masks: Sequence[int],
    rng: random.Random,
) -> tuple[Change, list[Route]] | None:
    """Draw a move uniformly and apply it: the change and the candidate route set, or ``None``
    when the move does not apply or the candidate is not feasible."""
    change = moves[rng.randrange(len(moves))](ctx, routes, masks, rng)
    if change is None or not keeps_feasible(ctx, masks, change):
        return None
    candidate = list(routes)
    for r, new in change.items():
        candidate[r] = canonical(new)
    return change, candidate


def canonical(route: Route) -> Route:
    """The route in the direction that starts at its lower stop (a route runs both ways)."""
    return route if route[0] < route[-1] else route[::-1]


def anneal(
    ctx: MoveContext,
    evaluate: CachedEvaluation,
    objective: Objective,
    start: Sequence[Route],
    rng: random.Random,
    *,
    iterations: int | None,
    deadline: float | None,
    settings: AnnealSettings,
    archive: ParetoArchive | None = None,
) -> SearchOutcome:
    """Anneal from ``start``; stops after ``iterations`` or at ``deadline`` (``perf_counter``)."""
    t_start = time.perf_counter()
    routes = [canonical(r) for r in start]
    masks = [mask_of(r) for r in routes]
    att, trt = evaluate(routes)
    current = objective.score(att, trt)
    best = SearchOutcome(list(routes), att, trt, current)
    best.trace.append((0, 0.0, objective.value(att, trt)))
    temp0 = _start_temperature(ctx, evaluate, objective, routes, masks, rng, settings)
    moves = list(MOVES.values())
    limit = iterations if iterations is not None else math.inf
    it = 0
    while it < limit and (deadline is None or time.perf_counter() < deadline):
        it += 1
        phase = it % settings.cycle
        if phase == 0:
            routes, current = list(best.routes), best.score
            masks = [mask_of(r) for r in routes]
        proposal = propose(ctx, moves, routes, masks, rng)
        if proposal is None:
            continue
        change, candidate = proposal
        att, trt = evaluate(candidate)
        score = objective.score(att, trt)
        if archive is not None:
            archive.offer(att, trt, candidate)
        delta = score - current
        if delta > 0:
            temp = temp0 * settings.final_ratio ** (phase / settings.cycle)
            if rng.random() >= math.exp(-delta / temp):
                continue
        routes, current = candidate, score
        for r in change:
            masks[r] = mask_of(candidate[r])
        if score < best.score:
            best.routes, best.att, best.trt, best.score = list(routes), att, trt, score
            best.trace.append((it, time.perf_counter() - t_start, objective.value(att, trt)))
    best.iterations = it
    best.evaluations = evaluate.evaluations
    return best


def _start_temperature(
    ctx: MoveContext,
    evaluate: CachedEvaluation,
    objective: Objective,
    routes: list[Route],
    masks: list[int],
    rng: random.Random,
    settings: AnnealSettings,
) -> float:
    """Temperature at which the median worsening move from ``routes`` is accepted with
    probability ``settings.start_accept``."""
    here = objective.score(*evaluate(routes))
    moves = list(MOVES.values())
    worse = []
    for _ in range(settings.calibration_moves):
        proposal = propose(ctx, moves, routes, masks, rng)
        if proposal is None:
            continue
        delta = objective.score(*evaluate(proposal[1])) - here
        if delta > 0:
            worse.append(delta)
    typical = statistics.median(worse) if worse else max(abs(here), 1.0) * 1e-3
    return -typical / math.log(settings.start_accept)
