"""Readers for dial-a-ride / pickup-and-delivery benchmarks: Cordeau (2006) DARP and Li & Lim PDPTW.

Both formats number *nodes* (Cordeau) or *tasks* (Li & Lim) from 0; the returned :class:`Problem`
uses these numbers as matrix indices, so a route's node ids are its stops' ``node`` values.
Travel time = travel cost = Euclidean distance, not rounded.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from transit.core.errors import DataNotFoundError, InputError, Location
from transit.routing.dispatch.problem import (
    DELIVERY,
    PICKUP,
    Problem,
    Request,
    Solution,
    Vehicle,
    Visit,
)

CORDEAU_SCALE = 10_000.0
"""OR-Tools integer units per minute for the Cordeau instances (times carry 3 decimals)."""


@dataclass(frozen=True)
class BestKnown:
    """A best-known value from ``bks.csv``: cost, fleet size, and whether the value was verified."""

    instance: str
    vehicles: int
    requests: int
    cost: float
    verified: bool
    source: str


def _numbers(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise DataNotFoundError(f"instance file not found: {path}")
    return [line.split() for line in path.read_text("utf-8").splitlines() if line.strip()]


def _euclid(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    diff = xy[:, None, :] - xy[None, :, :]
    out: npt.NDArray[np.float64] = np.sqrt((diff**2).sum(axis=2))
    return out


def _parse_row(path: Path, row: int, fields: list[str], count: int) -> list[float]:
    if len(fields) < count:
        raise InputError(
            f"expected {count} numbers, found {len(fields)}", Location.of(path, row=row)
        )
    try:
        return [float(f) for f in fields[:count]]
    except ValueError as exc:
        raise InputError(f"not a number ({exc})", Location.of(path, row=row)) from None


def read_cordeau(path: Path | str) -> Problem:
    """Read a Cordeau (2006) DARP instance (``a2-16.txt`` …).

    Format: line 1 ``K n T Q L`` (vehicles, requests, max route duration, capacity, max ride
    time); then ``2n+2`` lines ``id x y d q e l``. Node 0 is the start depot, ``2n+1`` the end
    depot, ``1..n`` pickups and ``i+n`` the delivery of pickup ``i``.

    Returns
    -------
    Problem
        Times in minutes (``time_unit="min"``, ``scale`` = :data:`CORDEAU_SCALE`); request ``i`` has
        id ``"i"``, pickup node ``i`` and delivery node ``n+i``; ``K`` vehicles ``"1".."K"`` from
        node 0 to node ``2n+1`` with shift ``[e0, l0]`` and ``max_duration=T``; all requests mandatory.
    """
    path = Path(path)
    rows = _numbers(path)
    if not rows:
        raise InputError("empty instance file", Location.of(path))
    k, n, t_max, q, ride = _parse_row(path, 1, rows[0], 5)
    n_req, n_veh = int(n), int(k)
    if len(rows) < 2 * n_req + 3:
        raise InputError(
            f"expected {2 * n_req + 2} node lines, found {len(rows) - 1}", Location.of(path)
        )
    nodes = [_parse_row(path, i + 2, rows[i + 1], 7) for i in range(2 * n_req + 2)]
    for i, nd in enumerate(nodes):
        if int(nd[0]) != i:
            raise InputError(
                f"node id {int(nd[0])} where {i} was expected", Location.of(path, row=i + 2)
            )
    xy = np.array([[nd[1], nd[2]] for nd in nodes])
    tt = _euclid(xy)
    requests = []
    for i in range(1, n_req + 1):
        p, d = nodes[i], nodes[i + n_req]
        requests.append(
            Request(
                id=str(i),
                pickup=i,
                delivery=i + n_req,
                load=int(p[4]),
                pickup_window=(p[5], p[6]),
                delivery_window=(d[5], d[6]),
                pickup_service=p[3],
                delivery_service=d[3],
                max_ride=ride,
            )
        )
    start, end = nodes[0], nodes[-1]
    vehicles = [
        Vehicle(
            id=str(v + 1),
            capacity=int(q),
            start=0,
            end=2 * n_req + 1,
            shift=(start[5], end[6]),
            max_duration=t_max,
        )
        for v in range(n_veh)
    ]
    return Problem(
        tt,
        requests=tuple(requests),
        vehicles=tuple(vehicles),
        scale=CORDEAU_SCALE,
        time_unit="min",
        name=path.stem,
    )


def read_lilim(path: Path | str, *, fixed_cost: float | None = None) -> Problem:
    """Read a Li & Lim PDPTW instance (SINTEF format).

    Format: line 1 ``K Q speed``; then per task ``id x y demand e l service pickup_sibling
    delivery_sibling`` with task 0 the depot. A pickup has ``pickup_sibling = 0`` and names its
    delivery; a delivery names its pickup.

    Parameters
    ----------
    fixed_cost : float, optional
        Cost of using a vehicle; default: 10 × the largest depot round trip × number of tasks,
        large enough that fewer vehicles always wins (the benchmark's first objective).

    Returns
    -------
    Problem
        Travel time = distance / speed (``time_unit="min"``), cost = distance; request id = the
        pickup's task id; ``K`` vehicles from and to task 0 within the depot's window.
    """
    path = Path(path)
    rows = _numbers(path)
    if not rows:
        raise InputError("empty instance file", Location.of(path))
    k, q, speed = _parse_row(path, 1, rows[0], 3)
    tasks = [_parse_row(path, i + 2, r, 9) for i, r in enumerate(rows[1:])]
    for i, tk in enumerate(tasks):
        if int(tk[0]) != i:
            raise InputError(
                f"task id {int(tk[0])} where {i} was expected", Location.of(path, row=i + 2)
            )
    xy = np.array([[tk[1], tk[2]] for tk in tasks])
    dist = _euclid(xy)
    tt = dist / (speed if speed > 0 else 1.0)
    requests = []
    for i, tk in enumerate(tasks[1:], start=1):
        if int(tk[7]) != 0:
            continue  # a delivery (named by its pickup)
        j = int(tk[8])
        if not 0 < j < len(tasks) or int(tasks[j][7]) != i:
            raise InputError(
                f"pickup {i} names delivery {j}, which does not name it back",
                Location.of(path, row=i + 2),
            )
        dl = tasks[j]
        requests.append(
            Request(
                id=str(i),
                pickup=i,
                delivery=j,
                load=int(tk[3]),
                pickup_window=(tk[4], tk[5]),
                delivery_window=(dl[4], dl[5]),
                pickup_service=tk[6],
                delivery_service=dl[6],
            )
        )
    depot = tasks[0]
    if fixed_cost is None:
        fixed_cost = 10.0 * float(dist[0].max() * 2) * len(tasks)
    vehicles = [
        Vehicle(
            id=str(v + 1),
            capacity=int(q),
            start=0,
            end=0,
            shift=(depot[4], depot[5]),
            fixed_cost=fixed_cost,
        )
        for v in range(int(k))
    ]
    return Problem(
        tt,
        requests=tuple(requests),
        vehicles=tuple(vehicles),
        distance=dist,
        scale=1000.0,
        time_unit="min",
        name=path.stem,
    )


def read_bks(path: Path | str) -> dict[str, BestKnown]:
    """Read ``bks.csv`` (columns instance, vehicles, requests, bks_cost, source).

    A value is ``verified`` when its source text does not start with ``UNVERIFIED``/``PARTLY``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataNotFoundError(f"best-known values not found: {path}")
    out: dict[str, BestKnown] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            src = row["source"]
            out[row["instance"]] = BestKnown(
                instance=row["instance"],
                vehicles=int(row["vehicles"]),
                requests=int(row["requests"]),
                cost=float(row["bks_cost"]),
                verified=not src.upper().startswith(("UNVERIFIED", "PARTLY")),
                source=src,
            )
    return out


def read_node_routes(path: Path | str) -> dict[str, tuple[float, list[list[int]]]]:
    """Read ``rf_solutions.json``: instance → (objective, routes as node-id lists without depots)."""
    data = json.loads(Path(path).read_text("utf-8"))
    return {
        name: (float(v["obj"]), [list(map(int, r)) for r in v["routes"]])
        for name, v in data.items()
    }


def visits_from_nodes(problem: Problem, routes: Sequence[Sequence[int]]) -> list[list[Visit]]:
    """Turn node-id routes (Cordeau / Li & Lim numbering) into visit sequences."""
    by_node: dict[int, Visit] = {}
    for req in problem.requests:
        by_node[req.pickup] = Visit(req.id, PICKUP)
        by_node[req.delivery] = Visit(req.id, DELIVERY)
    out: list[list[Visit]] = []
    for route in routes:
        try:
            out.append([by_node[int(n)] for n in route])
        except KeyError as exc:
            raise InputError(
                f"node {exc.args[0]} is not a pickup or delivery of {problem.name}"
            ) from None
    return out


def node_routes(solution: Solution) -> list[list[int]]:
    """The used routes of a solution as node-id lists without depots."""
    return [[s.node for s in r.stops] for r in solution.routes if r.stops]


def gap_pct(cost: float, best: float) -> float:
    """Gap in percent of ``cost`` over ``best`` (NaN when best is not positive)."""
    return 100.0 * (cost - best) / best if best > 0 else math.nan
