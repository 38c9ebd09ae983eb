"""Writers: a route-set comparison (CSV, an Excel workbook with Japanese headers, JSON) and the
``ROUTESET.json`` of a designed route set.

The comparison table comes from :func:`transit.routing.design.evaluation.compare_route_sets`, the
designed route set from :func:`transit.routing.design.optimize.design_route_set`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from transit.core import provenance as prov
from transit.core.excel import SheetTable, evidence_sheet, write_workbook
from transit.core.fileio import atomic_write_bytes, atomic_write_json
from transit.routing.design.evaluation import TRANSFER_PENALTY_MIN
from transit.routing.design.optimize import DesignedRouteSet, DesignResult

#: How the evaluation is defined (written into ROUTESET.json).
CONVENTION = (
    "Mumford (2013): least-time paths with a 5-minute transfer penalty, ties to fewer transfers; "
    "ATT in minutes; d0, d1, d2, dun in % of demand; route_time_total = sum of one-direction "
    "route times (minutes)"
)
#: Keys of ROUTESET.json that hold timings (they differ between otherwise identical runs).
TIMING_KEYS = ("seconds",)

#: Japanese column headers of the workbook planners open.
HEADERS_JA = {
    "scenario": "案",
    "n_routes": "系統数",
    "ATT": "平均所要時間(分)",
    "d0": "乗換なし(%)",
    "d1": "乗換1回(%)",
    "d2": "乗換2回(%)",
    "dun": "乗換3回以上・不可(%)",
    "route_time_total": "系統所要時間計(分)",
    "demand_total": "需要計",
    "feasible": "条件充足",
    "problems": "問題点",
}

SHEET_JA = "路線再編案の比較"


def design_record(
    network_files: Sequence[Path], route_files: Sequence[Path] = (), **settings: Any
) -> prov.Record:
    """The provenance of an evaluation or a design: the network's files (nodes, links, demand),
    the route set files, the convention (5-minute transfer penalty: Mumford's, not an
    assumption of ours) and the run's ``settings`` (bounds, objective, seed …)."""
    inputs = [prov.source("network", f) for f in network_files]
    inputs += [prov.source("route_set", f) for f in route_files]
    params = [prov.setting(name, value) for name, value in settings.items()]
    return prov.record(
        "路線網の評価・設計（Mumford 2013 の評価方法） / route set evaluation and design",
        inputs=inputs,
        parameters=[*params, prov.setting("transfer_penalty_min", TRANSFER_PENALTY_MIN)],
        notes=[CONVENTION],
    )


def write_comparison(table: pd.DataFrame, out_dir: Path, record: prov.Record) -> list[Path]:
    """Write ``scenarios.csv``, ``scenarios.xlsx`` (sheet 路線再編案の比較 with Japanese headers,
    and 「出典・前提」 from ``record``), ``scenarios.json`` (records) and ``provenance.json``
    into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out_dir / "scenarios.csv", out_dir / "scenarios.json"
    atomic_write_bytes(csv_path, table.to_csv(index=False).encode("utf-8"))
    sheets = [SheetTable(SHEET_JA, table, HEADERS_JA), evidence_sheet(record, out_dir)]
    xlsx_path = write_workbook(out_dir / "scenarios.xlsx", sheets)
    atomic_write_json(json_path, table.to_dict(orient="records"))
    paths = [csv_path, xlsx_path, json_path]
    return [*paths, *prov.write(record, paths)]


def routeset_document(result: DesignResult) -> dict[str, Any]:
    """The content of ``ROUTESET.json``: instance, parameters, the route set (``routes`` as stop
    ids, ``evaluation``, ``objective_value``) or the ``pareto`` list (TRT ascending, each with
    ``routes`` and ``evaluation``), the ``trace`` (best objective value after each improvement,
    per worker and phase) and the ``search`` statistics. Timings are under ``seconds`` keys."""
    request = asdict(result.request)
    doc: dict[str, Any] = {
        "instance": result.instance,
        "parameters": {
            "routes": request.pop("n_routes"),
            **request,
        },
        "convention": CONVENTION,
    }
    if result.best is not None:
        doc.update(_member(result.best))
        doc["objective_value"] = result.best.objective_value
        doc["feasible"] = True
    else:
        doc["pareto"] = [_member(m) for m in result.pareto]
        doc["feasible"] = True
    doc["trace"] = [
        {
            "worker": p.worker,
            "phase": p.phase,
            "weight": p.weight,
            "iteration": p.iteration,
            "seconds": round(p.seconds, 3),
            "best": p.value,
        }
        for p in result.trace
    ]
    doc["search"] = {
        "workers": [
            {
                "worker": w.worker,
                "seed": w.seed,
                "iterations": w.iterations,
                "evaluations": w.evaluations,
                "seconds": round(w.seconds, 3),
            }
            for w in result.workers
        ],
        "seconds": round(result.seconds, 3),
    }
    return doc


def _member(found: DesignedRouteSet) -> dict[str, Any]:
    evaluation = found.evaluation.as_dict()
    return {
        "routes": [list(r) for r in found.routes],
        "evaluation": {k: evaluation[k] for k in EVALUATION_KEYS},
    }


#: The measures written for each route set.
EVALUATION_KEYS = ("ATT", "d0", "d1", "d2", "dun", "route_time_total", "n_routes", "demand_total")


def write_routeset(result: DesignResult, path: Path) -> Path:
    """Write ``ROUTESET.json`` (see :func:`routeset_document`) atomically; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, routeset_document(result))
    return path
