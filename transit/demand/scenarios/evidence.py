"""The provenance of a scenario comparison (:mod:`transit.core.provenance`): its inputs (each
scenario file, the baseline feed, the road network, population and zone files, the riders'
store or OD matrix), every parameter (search, costs, edits, the on-demand simulation) and the
assumptions in words; written as ``provenance.json`` and the 「出典・前提」 sheet.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from transit.core import provenance as prov
from transit.demand.privacy import privacy_note
from transit.demand.scenarios.evaluate import Evaluation
from transit.demand.scenarios.ondemand import DISPATCH
from transit.demand.scenarios.scenario import scenario_sources

#: Assumptions of the comparison that are rules, not numbers.
NOTES = (
    "オンデマンドの予約はすべて前日予約 / on-demand rides are booked the day before (assumption)",
    "新しい停留所の組の運賃は最寄りの既存運賃 / fares of new stop pairs: the nearest priced pair "
    "on the trip (assumption)",
    "通し運行の運賃は前後区間の運賃の合計 / fares of through trips: the sum of the two parts "
    "(assumption)",
    "乗降の制限（pickup_type, drop_off_type）は読まず、全停留所で乗降可 / every stop of a trip "
    "is open to riders (assumption)",
)


def comparison_record(
    evaluations: Sequence[Evaluation], *, k: int, riders_from: Path | None = None
) -> prov.Record:
    """The record of comparing ``evaluations`` (the first the base) with threshold ``k``;
    ``riders_from`` is the store or OD matrix the riders were read from."""
    seen: set[Path] = set()
    inputs: list[prov.Source] = []
    for e in evaluations:
        for role, path in scenario_sources(e.applied.scenario):
            if path.resolve() not in seen:
                seen.add(path.resolve())
                inputs.append(prov.source(f"{role}:{e.name}" if role == "scenario" else role, path))
    if riders_from is not None:
        inputs.append(prov.source("riders", riders_from))
    base = evaluations[0].applied.scenario
    params = [
        *prov.parameters_of(base.search, "search"),
        *prov.parameters_of(base.costs, "costs"),
        prov.table_value("drt.service.transfer_buffer_min", "on_demand.transfer_buffer_min"),
        prov.table_value("scenarios.ondemand.estimate_kmh", "on_demand.estimate_kmh"),
        prov.table_value("scenarios.ondemand.estimate_detour", "on_demand.estimate_detour"),
        prov.setting("on_demand.reoptimize", DISPATCH.reoptimize),
        prov.setting("k", k),
    ]
    for e in evaluations:
        for number, edit in enumerate(e.applied.scenario.edits, start=1):
            params += prov.parameters_of(edit, f"{e.name}.edits[{number}]")
    names = ", ".join(e.name for e in evaluations)
    return prov.record(
        f"路線再編シナリオの比較 / comparison of route scenarios ({names})",
        inputs=inputs,
        parameters=params,
        notes=(*NOTES, privacy_note(k)),
        details={"k": k, "scenarios": [_scenario_details(e) for e in evaluations]},
    )


def _scenario_details(e: Evaluation) -> dict[str, object]:
    sc = e.applied.scenario
    return {
        "name": e.name,
        "file": sc.file,
        "baseline": sc.baseline,
        "edits": [dataclasses.asdict(ed) for ed in sc.edits],
        "search": dataclasses.asdict(sc.search),
        "costs": dataclasses.asdict(sc.costs),
        "riders": len(e.parts.riders),
    }
