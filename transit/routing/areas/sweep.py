"""Area selection: simulate candidate areas × fleet sizes × seeds in parallel and rank the areas.

Runs go to local processes by default (:class:`concurrent.futures.ProcessPoolExecutor`), or to a
Dask cluster when its scheduler address is given. Each run is independent and seeded, so the
same sweep gives the same table wherever it runs.

The areas are then ranked by :func:`transit.routing.areas.ranking.rank_areas` (the score is
documented there and in ``docs/drt-simulation.md``).
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from transit.core import provenance as prov
from transit.core.errors import InputError, WorkError
from transit.routing.areas.bookings import check_seed
from transit.routing.areas.config import MAX_VEHICLES, AreaConfig, each_checked
from transit.routing.areas.evidence import study_record
from transit.routing.areas.prepare import network_source, read_area, simulate_area
from transit.routing.areas.ranking import rank_areas, runs_table
from transit.routing.roads.network import load_network
from transit.routing.sim.results import SimResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepJob:
    """One run: an area, a fleet size and a seed."""

    area: AreaConfig
    vehicles: int
    seed: int


@dataclass(frozen=True, eq=False)
class SweepResult:
    """``runs``: one row per run (area, vehicles, seed and every KPI); ``ranking``: one row per
    area (columns of :data:`~transit.routing.areas.ranking.RANKING_HEADERS`); ``results``: the full :class:`SimResult` of each
    run keyed by ``(area_id, vehicles, seed)`` (for maps)."""

    runs: pd.DataFrame
    ranking: pd.DataFrame
    results: dict[tuple[str, int, int], SimResult] = field(default_factory=dict)
    #: What the sweep was made from (:func:`transit.routing.areas.evidence.study_record`).
    record: prov.Record | None = None


def parse_fleet(text: str) -> list[int]:
    """``"1..4"`` → [1, 2, 3, 4]; ``"2,3,5"`` → [2, 3, 5]; ``"2"`` → [2]. Sizes run from 1 to
    :data:`~transit.routing.areas.config.MAX_VEHICLES`; anything else raises :class:`InputError`
    saying what is wrong."""
    t = text.strip()
    try:
        if ".." in t:
            a, b = (int(x) for x in t.split("..", 1))
            if a > b:
                raise InputError(
                    f"fleet range {t} is empty: write the smaller size first (e.g. {b}..{a})"
                )
            values = list(range(a, min(b, MAX_VEHICLES + 1) + 1))
        else:
            values = [int(x) for x in t.split(",") if x.strip()]
    except ValueError as exc:
        raise InputError(f"fleet sizes must look like 1..4 or 2,3,5; got {text!r}") from exc
    if not values:
        raise InputError(f"no fleet size given; write 1..4 or 2,3,5; got {text!r}")
    check_fleets(values, text=text)
    return sorted(set(values))


def check_fleets(fleets: Sequence[int], *, text: str | None = None) -> None:
    """Refuse fleet sizes below 1 or above :data:`~transit.routing.areas.config.MAX_VEHICLES`
    (``text``: how the user wrote them, for the message)."""
    shown = repr(text) if text is not None else ", ".join(map(str, fleets))
    if min(fleets) < 1:
        raise InputError(f"fleet sizes must be at least 1; got {shown}")
    if max(fleets) > MAX_VEHICLES:
        raise InputError(f"fleet sizes must be at most {MAX_VEHICLES}; got {shown}")


def check_sweep(
    areas: Sequence[AreaConfig], *, fleets: Sequence[int], seeds: Sequence[int]
) -> None:
    """Check a sweep before any run: fleet sizes, seeds, and every area's data against its
    road network (:func:`~transit.routing.areas.prepare.read_area`); the problems of all areas
    are raised together (one :class:`InputErrors`)."""
    if fleets:
        check_fleets(fleets)
    for seed in seeds:
        check_seed(seed)
    each_checked(areas, lambda area: read_area(area, _network(network_source(area))))


@functools.lru_cache(maxsize=4)
def _network(source: str) -> nx.MultiDiGraph:
    return load_network(source or None)


def run_job(job: SweepJob) -> tuple[tuple[str, int, int], SimResult]:
    """Run one job (top-level so processes and Dask workers can call it); the network is cached
    per process."""
    graph = _network(network_source(job.area))
    result = simulate_area(job.area, seed=job.seed, vehicles=job.vehicles, graph=graph)
    return (job.area.area.id, job.vehicles, job.seed), result


def sweep(
    areas: Sequence[AreaConfig],
    *,
    fleets: Sequence[int],
    seeds: Sequence[int],
    workers: int | None = None,
    dask_address: str | None = None,
    reference: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Simulate every area × fleet size × seed and rank the areas.

    Parameters
    ----------
    areas
        Area configurations.
    fleets, seeds
        Fleet sizes and seeds to run (each combination once).
    workers
        Local processes (default: CPU count; 1 = run in this process). Ignored with Dask.
    dask_address
        A Dask scheduler address (``tcp://host:8786``): runs go to that cluster.
    reference
        Area id marked as the calibration reference in the ranking.
    progress
        Called with (runs done, runs total) as runs finish.

    Returns
    -------
    SweepResult

    Every area is read and checked first (:func:`check_sweep`): a bad area stops the sweep
    before any run, with the problems of all areas.
    """
    jobs = [SweepJob(a, int(v), int(s)) for a in areas for v in fleets for s in seeds]
    if not jobs:
        raise InputError("nothing to run: no areas, fleet sizes or seeds")
    check_sweep(areas, fleets=fleets, seeds=seeds)
    results: dict[tuple[str, int, int], SimResult] = {}

    def done(key: tuple[str, int, int], res: SimResult) -> None:
        results[key] = res
        if progress is not None:
            progress(len(results), len(jobs))

    if dask_address:
        _run_dask(jobs, dask_address, done)
    else:
        n = min(len(jobs), workers if workers is not None else (os.cpu_count() or 1))
        if n <= 1:
            for job in jobs:
                done(*run_job(job))
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
                futures = [pool.submit(run_job, job) for job in jobs]
                for fut in as_completed(futures):
                    done(*fut.result())
    names = {a.area.id: a.area.name_ja for a in areas}
    runs = runs_table(results, names)
    ranking = rank_areas(runs, reference=reference)
    record = study_record(
        areas,
        what=f"オンデマンド交通の候補地区の順位 / ranking of {len(areas)} candidate on-demand areas "
        f"(fleets {', '.join(map(str, fleets))}; seeds {', '.join(map(str, seeds))})",
        settings=[
            prov.setting("fleets", list(fleets)),
            prov.setting("seeds", list(seeds)),
            prov.setting("reference", reference),
        ],
    )
    return SweepResult(runs=runs, ranking=ranking, results=results, record=record)


def _run_dask(
    jobs: list[SweepJob],
    address: str,
    done: Callable[[tuple[str, int, int], SimResult], None],
) -> None:
    from distributed import Client  # noqa: PLC0415  (Dask only when asked)
    from distributed import as_completed as dask_completed  # noqa: PLC0415

    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise WorkError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        futures = client.map(run_job, jobs, pure=False)
        for fut in dask_completed(futures):
            done(*fut.result())
    finally:
        client.close()
