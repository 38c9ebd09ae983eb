"""Score every proposal with the scenario evaluator and rank them.

Each proposal's scenario is evaluated like ``transit routes compare`` does, next to the base
(the feed without edits). Changes are scenario − base over the store's period: riders lost
(``riders_lost``; riders moved to on-demand cars count as kept), vehicle-hours, vehicles needed,
operating cost. **Budget**: a proposal is within ``budget_vehicle_hours`` when its scenario's
bus and on-demand vehicle-hours per weekday (平日, mean over the weekdays of the period) are at
most the budget. **Ranking**: proposals within the budget first, then by vehicle-hours saved per
rider lost (a proposal losing no rider counts as losing one), then by id.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from transit.demand.proposals.model import Proposal
from transit.demand.records import day_type_of
from transit.demand.scenarios.compare import compare_scenarios
from transit.demand.scenarios.evaluate import Evaluation

#: Columns of the ranked table (see :func:`rank_proposals`).
RANK_COLUMNS = (
    "rank", "id", "kind", "title_ja", "change_ja", "riders_lost", "riders_on_demand",
    "vehicle_hours_saved", "weekday_vehicle_hours", "vehicles_saved", "cost_saved_yen",
    "revenue_change_yen", "hours_saved_per_rider_lost", "within_budget", "scenario_file",
)  # fmt: skip


def weekday_vehicle_hours(evaluation: Evaluation) -> float:
    """Bus plus on-demand vehicle-hours per weekday (平日), mean over the period's weekdays."""
    parts = evaluation.parts
    days = pd.to_datetime(parts.days["date"])
    weekdays = {d for d in days if day_type_of(d.date()) == "平日"}
    if not weekdays:
        return 0.0
    runs = parts.runs[pd.to_datetime(parts.runs["date"]).isin(weekdays)]
    hours = float(runs["hours"].sum())
    odt = parts.odt_days
    if len(odt):
        hours += float(odt[pd.to_datetime(odt["date"]).isin(weekdays)]["vehicle_hours"].sum())
    return hours / len(weekdays)


def rank_proposals(
    proposals: Sequence[Proposal],
    base: Evaluation,
    evaluations: Sequence[Evaluation],
    *,
    budget_vehicle_hours: float | None = None,
) -> pd.DataFrame:
    """The ranked table: :data:`RANK_COLUMNS` (riders, hours over the period; yen), one row per
    proposal (``evaluations`` in the order of ``proposals``), best first."""
    net = compare_scenarios([base, *evaluations]).network.set_index("measure")
    b = net.iloc[:, 1]
    rows = []
    for p, e in zip(proposals, evaluations, strict=True):
        s = net[e.name]
        lost = round(float(s["riders_lost"] - b["riders_lost"]))
        saved = float(b["vehicle_hours"] - s["vehicle_hours"])
        wvh = weekday_vehicle_hours(e)
        rows.append({
            "id": p.id, "kind": p.kind, "title_ja": p.title_ja, "change_ja": p.change_ja,
            "riders_lost": lost, "riders_on_demand": round(float(s["riders_on_demand"])),
            "vehicle_hours_saved": round(saved, 3), "weekday_vehicle_hours": round(wvh, 3),
            "vehicles_saved": round(float(b["vehicles_needed"] - s["vehicles_needed"])),
            "cost_saved_yen": round(float(b["operating_cost_yen"] - s["operating_cost_yen"])),
            "revenue_change_yen": round(float(s["fare_revenue_yen"] - b["fare_revenue_yen"])),
            "hours_saved_per_rider_lost": round(saved / max(lost, 1), 3),
            "within_budget": budget_vehicle_hours is None or wvh <= budget_vehicle_hours,
            "scenario_file": f"scenarios/{p.id}.toml",
        })  # fmt: skip
    table = pd.DataFrame(rows, columns=[c for c in RANK_COLUMNS if c != "rank"])
    table = table.sort_values(
        ["within_budget", "hours_saved_per_rider_lost", "id"],
        ascending=[False, False, True],
        kind="stable",
    ).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table
