"""Side-by-side comparison of scenarios and its writers (CSV, Excel with Japanese headers,
per-rider journeys, provenance).

The first evaluation is the base: ``journey_time_change_min`` of every scenario is measured
against it. Published tables (routes, stops) blank rider counts below ``k``
(:func:`transit.demand.privacy.suppress`); the per-rider journeys carry pseudonymous ids only and
are for the office, not for publication.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transit.core import provenance as prov
from transit.core.excel import SheetTable, evidence_sheet, write_workbook
from transit.core.fileio import atomic_write_text
from transit.demand.privacy import suppress
from transit.demand.scenarios.evaluate import Evaluation
from transit.demand.scenarios.evidence import comparison_record
from transit.demand.scenarios.measures import NETWORK_MEASURES, network_measures

#: Japanese labels of the measures and table columns (the Excel headers).
LABELS_JA = {
    "measure": "指標", "label_ja": "指標名", "scenario": "シナリオ", "riders": "利用者数",
    "riders_kept": "移動を維持", "riders_lost": "移動できなくなる", "riders_on_demand": "オンデマンドへ移行",
    "journey_time_change_min": "所要時間の変化（分）", "d0": "乗換なし（%）", "d1": "乗換1回（%）",
    "d2": "乗換2回以上（%）", "dun": "移動不可（%）", "gen_time_mean_min": "平均一般化時間（分）",
    "days": "分析日数", "trips": "運行便数", "vehicle_km": "走行キロ", "vehicle_hours": "運行時間",
    "vehicles_needed": "必要車両数", "driver_hours": "乗務員時間", "operating_cost_yen": "運行経費（円）",
    "fare_revenue_yen": "運賃収入（円）", "farebox_ratio": "収支率", "pax_km": "人キロ",
    "avg_load": "平均乗車密度", "pop_total": "人口", "pop_within_300m": "停留所300m圏人口",
    "pop_within_500m": "停留所500m圏人口", "pop_unserved": "交通空白地人口", "route_id": "路線ID",
    "route_name": "路線名", "boardings": "乗車人員", "stop_id": "停留所ID", "stop_name": "停留所名",
    "served": "運行あり", "departures": "発車回数", "riders_from": "出発利用者",
    "riders_lost_from": "移動できなくなる出発利用者", "riders_on_demand_from": "オンデマンド移行",
    "alightings": "降車人員", "service_set": "運行日の種類", "vehicles": "車両数",
}  # fmt: skip

#: Counts blanked below ``k`` in published tables.
ROUTE_COUNTS = ("riders", "riders_kept", "riders_lost", "riders_on_demand", "boardings")
STOP_COUNTS = (
    "riders_from",
    "riders_lost_from",
    "riders_on_demand_from",
    "boardings",
    "alightings",
)


@dataclass(frozen=True)
class Comparison:
    """``network``: one row per measure (``measure``, ``label_ja``, one column per scenario);
    ``routes``, ``stops``, ``blocks``: the scenarios' tables stacked with a ``scenario`` column."""

    names: tuple[str, ...]
    network: pd.DataFrame
    routes: pd.DataFrame
    stops: pd.DataFrame
    blocks: pd.DataFrame


def compare_scenarios(evaluations: Sequence[Evaluation]) -> Comparison:
    """Side-by-side tables of ``evaluations`` (the first is the base)."""
    base = evaluations[0].parts.journeys
    names = tuple(e.name for e in evaluations)
    table = pd.DataFrame({"measure": list(NETWORK_MEASURES)})
    table["label_ja"] = table["measure"].map(LABELS_JA)
    for i, e in enumerate(evaluations):
        values = network_measures(e.parts, base=None if i == 0 else base)
        table[e.name] = [values[m] for m in NETWORK_MEASURES]

    def stack(attr: str) -> pd.DataFrame:
        tables: list[pd.DataFrame] = [getattr(e, attr) for e in evaluations]
        return pd.concat(
            [t.assign(scenario=e.name) for t, e in zip(tables, evaluations, strict=True)],
            ignore_index=True,
        )

    routes, stops, blocks = stack("routes"), stack("stops"), stack("blocks")
    return Comparison(
        names,
        table,
        routes[["scenario", *[c for c in routes.columns if c != "scenario"]]],
        stops[["scenario", *[c for c in stops.columns if c != "scenario"]]],
        blocks[["scenario", *[c for c in blocks.columns if c != "scenario"]]],
    )


def published(comparison: Comparison, *, k: int) -> Comparison:
    """The comparison with rider counts below ``k`` blanked in the route and stop tables."""
    routes, stops = comparison.routes, comparison.stops
    for col in ROUTE_COUNTS:
        routes = suppress(routes, [col], basis=col, k=k) if col in routes.columns else routes
    for col in STOP_COUNTS:
        stops = suppress(stops, [col], basis=col, k=k)
    return dataclasses.replace(comparison, routes=routes, stops=stops)


def write_comparison(
    comparison: Comparison,
    evaluations: Sequence[Evaluation],
    out_dir: Path,
    *,
    k: int,
    riders_from: Path | None = None,
) -> list[Path]:
    """Write ``network.csv``, ``routes.csv``, ``stops.csv``, ``blocks.csv`` (published:
    suppressed), ``comparison.xlsx`` (a sheet per level and 「出典・前提」),
    ``journeys/<scenario>.csv`` (per rider, pseudonymous) and ``provenance.json`` beside them
    (:func:`transit.demand.scenarios.evidence.comparison_record`; ``riders_from``: the store
    or OD matrix the riders came from)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    record = comparison_record(evaluations, k=k, riders_from=riders_from)
    pub = published(comparison, k=k)
    paths: list[Path] = []
    for name, table in (
        ("network", pub.network),
        ("routes", pub.routes),
        ("stops", pub.stops),
        ("blocks", pub.blocks),
    ):
        paths.append(write_csv(out_dir / f"{name}.csv", table))
    sheets = [
        SheetTable("ネットワーク", pub.network, LABELS_JA),
        SheetTable("路線", pub.routes, LABELS_JA),
        SheetTable("停留所", pub.stops, LABELS_JA),
        SheetTable("車両運用", pub.blocks, LABELS_JA),
        evidence_sheet(record, out_dir),
    ]
    paths.append(write_workbook(out_dir / "comparison.xlsx", sheets))
    for e in evaluations:
        journeys = e.parts.journeys.merge(
            e.parts.riders[["rider_id", "date", "origin_stop_id", "destination_stop_id", "weight"]],
            on="rider_id",
            how="left",
        )
        paths.append(write_csv(out_dir / "journeys" / f"{e.name}.csv", journeys))
    prov.write(record, paths)
    return [*paths, out_dir / prov.FILE_NAME]


def write_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write ``table`` as UTF-8 CSV (``\\n`` line ends, floats to 10 significant digits)
    atomically; returns ``path``."""
    atomic_write_text(path, table.to_csv(index=False, lineterminator="\n", float_format="%.10g"))
    return path
