"""Design a route set: annealing workers in parallel, merged, checked independently, evaluated.

:func:`design_route_set` is the library entry point of ``transit routes design``. Each worker
(one per process, worker 0 in the calling process) builds its own initial route set and anneals
it with its own seed, derived from the run's seed and the worker number; the best route set of
all workers is kept (ties to the lower worker number). With ``objective="pareto"`` every worker
runs a chain of weighted searches (weights split among the workers, each search starting from
the previous one's best) and every route set evaluated is offered to an archive of
non-dominated (TRT, ATT) pairs.

Every returned route set is checked again by :func:`transit.routing.design.checks.check_route_set`
on plain tuples of stop ids, and evaluated by the reference evaluator
:func:`transit.routing.design.evaluation.evaluate_route_set`.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace

import numpy as np

from transit.core.errors import InputError, Location, WorkError
from transit.core.parallel import run_here_and_in_processes
from transit.routing.design.checks import check_route_set
from transit.routing.design.evaluation import RouteSetResult, evaluate_route_set
from transit.routing.design.fast_eval import FastEvaluator
from transit.routing.design.initial import initial_route_set
from transit.routing.design.moves import MoveContext
from transit.routing.design.network import LinkNetwork, RouteSet
from transit.routing.design.objective import Objective, ParetoArchive
from transit.routing.design.problem import DesignProblem, Route, make_problem
from transit.routing.design.search import AnnealSettings, CachedEvaluation, anneal

OBJECTIVES = ("passenger", "operator", "weighted", "pareto")
#: Weights on the passenger term of the chained searches of ``objective="pareto"``.
PARETO_WEIGHTS = (1.0, 0.8, 0.6, 0.4, 0.2, 0.0)
#: Members of a Pareto set returned (spread evenly along the front, both ends kept).
PARETO_SIZE = 40
#: Iterations per cooling cycle when the iteration budget does not set a shorter one.
DEFAULT_CYCLE = 50_000
#: Seconds of search when neither an iteration budget nor a time limit is given.
DEFAULT_TIME_LIMIT = 60.0


@dataclass(frozen=True)
class DesignRequest:
    """What to design and how long to search: ``iterations`` and ``time_limit`` are per worker
    (shared equally by the phases of ``pareto``), ``cycle`` is the length of a cooling cycle in
    iterations (default :data:`DEFAULT_CYCLE`, never more than a phase's iteration budget)."""

    n_routes: int
    min_nodes: int
    max_nodes: int
    objective: str = "passenger"
    weight: float | None = None
    iterations: int | None = None
    time_limit: float | None = None
    seed: int = 0
    workers: int = 2
    cycle: int | None = None


@dataclass(frozen=True)
class DesignedRouteSet:
    """A returned route set (stop ids), its reference evaluation and its objective value."""

    routes: RouteSet
    evaluation: RouteSetResult
    objective_value: float | None


@dataclass(frozen=True)
class TracePoint:
    """An improvement of a worker's best: objective value after ``iteration`` (``seconds``)."""

    worker: int
    phase: int
    weight: float
    iteration: int
    seconds: float
    value: float


@dataclass(frozen=True)
class WorkerStats:
    """How much one worker searched."""

    worker: int
    seed: int
    iterations: int
    evaluations: int
    seconds: float


@dataclass(frozen=True)
class DesignResult:
    """The outcome: ``best`` (``None`` for ``pareto``), the ``pareto`` set (TRT ascending),
    the trace of every worker and the search statistics."""

    instance: str
    request: DesignRequest
    best: DesignedRouteSet | None
    pareto: tuple[DesignedRouteSet, ...]
    trace: tuple[TracePoint, ...]
    workers: tuple[WorkerStats, ...]
    seconds: float


@dataclass(frozen=True)
class _Job:
    problem: DesignProblem
    request: DesignRequest
    worker: int
    phases: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class _Found:
    routes: tuple[Route, ...]
    att: float
    trt: float
    score: float


@dataclass(frozen=True)
class _WorkerOutput:
    best: _Found | None
    archive: ParetoArchive | None
    trace: tuple[TracePoint, ...]
    stats: WorkerStats


def design_route_set(network: LinkNetwork, request: DesignRequest) -> DesignResult:
    """Search a route set for ``request`` on ``network``; raises :class:`InputError` for a bad
    request or bounds that cannot be met, :class:`WorkError` if a result fails the check."""
    t0 = time.perf_counter()
    request = _checked(network, request)
    problem = make_problem(
        network,
        n_routes=request.n_routes,
        min_nodes=request.min_nodes,
        max_nodes=request.max_nodes,
    )
    for kind, weight in _phases(request):
        Objective.of(kind, problem, weight)  # raises InputError for a bad objective
    initial_route_set(MoveContext.of(problem), random.Random(request.seed))  # bounds can be met
    outputs = run_here_and_in_processes(
        _work,
        [_Job(problem, request, w, _worker_phases(request, w)) for w in range(request.workers)],
    )
    trace = tuple(p for out in outputs for p in out.trace)
    stats = tuple(out.stats for out in outputs)
    if request.objective == "pareto":
        archive = ParetoArchive()
        for out in outputs:
            assert out.archive is not None
            archive.merge(out.archive)
        front = tuple(_finish(problem, routes, None, None) for routes in _spread(archive))
        return DesignResult(
            network.name, request, None, front, trace, stats, time.perf_counter() - t0
        )
    found = [out.best for out in outputs if out.best is not None]
    winner = min(found, key=lambda f: f.score)
    objective = Objective.of(request.objective, problem, request.weight)
    best = _finish(problem, winner.routes, objective, winner.att)
    return DesignResult(network.name, request, best, (), trace, stats, time.perf_counter() - t0)


def _checked(network: LinkNetwork, request: DesignRequest) -> DesignRequest:
    """``request`` with defaults filled in; :class:`InputError` for values out of range."""
    name = network.name or "network"
    if request.objective not in OBJECTIVES:
        raise InputError(
            f"unknown objective {request.objective!r} (expected one of {', '.join(OBJECTIVES)})",
            Location(file=name, field="objective"),
        )
    if request.weight is not None and request.objective != "weighted":
        raise InputError(
            f"a weight applies to the weighted objective only (objective is {request.objective})",
            Location(file=name, field="weight"),
        )
    for value, label in ((request.iterations, "iterations"), (request.workers, "workers")):
        if value is not None and value < 1:
            raise InputError(
                f"{label} must be at least 1 (got {value})", Location(file=name, field=label)
            )
    if request.time_limit is not None and not request.time_limit > 0:
        raise InputError(
            f"the time limit must be positive (got {request.time_limit:g} s)",
            Location(file=name, field="time_limit"),
        )
    if request.cycle is not None and request.cycle < 1:
        raise InputError(
            f"cycle must be at least 1 (got {request.cycle})", Location(file=name, field="cycle")
        )
    if request.iterations is None and request.time_limit is None:
        request = replace(request, time_limit=DEFAULT_TIME_LIMIT)
    return replace(request, cycle=request.cycle or DEFAULT_CYCLE)


def _phases(request: DesignRequest) -> tuple[tuple[str, float | None], ...]:
    if request.objective == "pareto":
        return tuple(("weighted", w) for w in PARETO_WEIGHTS)
    return ((request.objective, request.weight),)


def _worker_phases(request: DesignRequest, worker: int) -> tuple[tuple[str, float | None], ...]:
    phases = _phases(request)
    if len(phases) == 1:
        return phases
    return phases[worker :: request.workers] or phases[-1:]


def _worker_seed(seed: int, worker: int) -> int:
    return int(np.random.SeedSequence([seed, worker]).generate_state(1)[0])


def _work(job: _Job) -> _WorkerOutput:
    """One worker: an initial route set, then one annealing search per phase."""
    t0 = time.perf_counter()
    request, problem = job.request, job.problem
    seed = _worker_seed(request.seed, job.worker)
    rng = random.Random(seed)
    ctx = MoveContext.of(problem)
    evaluate = CachedEvaluation(FastEvaluator(problem))
    archive = ParetoArchive() if request.objective == "pareto" else None
    share = len(job.phases)
    iterations = None if request.iterations is None else max(1, request.iterations // share)
    budget = None if request.time_limit is None else request.time_limit / share
    cycle = request.cycle or DEFAULT_CYCLE
    # a cooling cycle never outlasts the iteration budget of a phase
    settings = AnnealSettings(cycle=min(cycle, iterations) if iterations else cycle)
    start: list[Route] = initial_route_set(ctx, rng)
    best: _Found | None = None
    trace: list[TracePoint] = []
    total_iterations = 0
    for phase, (kind, weight) in enumerate(job.phases):
        objective = Objective.of(kind, problem, weight)
        deadline = None if budget is None else time.perf_counter() + budget
        out = anneal(
            ctx, evaluate, objective, start, rng,
            iterations=iterations, deadline=deadline, settings=settings, archive=archive,
        )  # fmt: skip
        total_iterations += out.iterations
        trace.extend(
            TracePoint(job.worker, phase, objective.weight, it, s, v) for it, s, v in out.trace
        )
        best = _Found(tuple(out.routes), out.att, out.trt, out.score)
        start = out.routes
    stats = WorkerStats(
        job.worker, seed, total_iterations, evaluate.evaluations, time.perf_counter() - t0
    )
    return _WorkerOutput(best, archive, tuple(trace), stats)


def _spread(archive: ParetoArchive) -> list[tuple[Route, ...]]:
    """At most :data:`PARETO_SIZE` members, evenly spaced along the front (ends kept)."""
    n = len(archive)
    if n <= PARETO_SIZE:
        return list(archive.routes)
    picks = sorted({round(i * (n - 1) / (PARETO_SIZE - 1)) for i in range(PARETO_SIZE)})
    return [archive.routes[i] for i in picks]


def _finish(
    problem: DesignProblem,
    routes: tuple[Route, ...],
    objective: Objective | None,
    fast_att: float | None,
) -> DesignedRouteSet:
    """Check a found route set on stop ids (independent code) and evaluate it (reference)."""
    ids = problem.to_ids(routes)
    problems = check_route_set(
        problem.network, ids, min_stops=problem.min_nodes, max_stops=problem.max_nodes
    )
    if len(ids) != problem.n_routes:
        problems.append(f"{len(ids)} routes instead of {problem.n_routes}")
    if problems:
        raise WorkError(f"the optimizer returned an infeasible route set: {'; '.join(problems)}")
    result = evaluate_route_set(problem.network, ids)
    if fast_att is not None and abs(result.ATT - fast_att) > 1e-6:
        raise WorkError(
            f"fast and reference evaluations disagree (ATT {fast_att} and {result.ATT})"
        )
    value = None if objective is None else objective.value(result.ATT, result.route_time_total)
    return DesignedRouteSet(ids, result, value)
