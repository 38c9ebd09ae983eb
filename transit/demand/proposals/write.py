"""Outputs of ``transit routes propose``: ``proposals.csv``, ``evidence.csv``, ``proposals.xlsx``
(sheets 提案一覧, 根拠, 出典・前提), ``proposals_ja.txt`` (a paragraph per proposal for a
council paper) and ``provenance.json`` (:mod:`transit.core.provenance`: the feed and the store with
their SHA-256, every threshold, marked default or changed, the budget; flags such as the sample
city's and the synthetic taps' inherited from them), also beside the scenario files.

Rider counts below ``k`` are blank in the tables and written 「k人未満」 in the text.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from transit.core import provenance as prov
from transit.core.excel import SheetTable, evidence_sheet, write_workbook
from transit.core.fileio import atomic_write_text
from transit.demand.privacy import privacy_note, suppress
from transit.demand.proposals.model import RIDERS_UNIT
from transit.demand.proposals.propose import Proposals
from transit.demand.scenarios.compare import write_csv
from transit.demand.scenarios.scenario import scenario_sources

#: Japanese headers of the two tables.
LABELS_JA = {
    "rank": "順位", "id": "提案ID", "kind": "種類", "title_ja": "提案", "change_ja": "変更内容",
    "riders_lost": "移動できなくなる利用者（人）", "riders_on_demand": "オンデマンドへ移行（人）",
    "vehicle_hours_saved": "削減運行時間（期間計、時間）", "weekday_vehicle_hours": "平日1日の運行時間（時間）",
    "vehicles_saved": "削減車両数", "cost_saved_yen": "削減運行経費（円）", "revenue_change_yen": "運賃収入の変化（円）",
    "hours_saved_per_rider_lost": "利用者1人あたり削減時間", "within_budget": "予算内",
    "scenario_file": "シナリオファイル", "measure": "指標", "label_ja": "指標名", "value": "値",
    "unit": "単位", "source": "出典",
}  # fmt: skip

#: How the list is ranked (a rule, not a number: in the provenance's notes).
RANKING_NOTE = (
    "順位：予算内の提案を先に、次に削減運行時間÷移動できなくなる利用者（0人は1人として）の大きい順 / "
    "ranked: within the budget first, then vehicle-hours saved per rider lost (0 counts as 1)"
)

KIND_JA = {
    "tail": "末端区間の短縮",
    "trips": "低利用便の廃止",
    "headway": "運行間隔の見直し",
    "ondemand": "オンデマンド交通への転換",
    "redesign": "路線網の再設計",
    "overlap": "重複区間の等間隔化",
}


def evidence_table(result: Proposals) -> pd.DataFrame:
    """``id``, ``measure``, ``label_ja``, ``value``, ``unit``, ``source``, ranked order."""
    rows = [
        {"id": pid, **dataclasses.asdict(ev)}
        for pid in result.ranked["id"]
        for ev in result.proposals[pid].evidence
    ]
    return pd.DataFrame(rows, columns=["id", "measure", "label_ja", "value", "unit", "source"])


def published_tables(result: Proposals) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranked table and the evidence with rider counts below ``k`` blanked."""
    k = result.params.k
    ranked = result.ranked
    for col in ("riders_lost", "riders_on_demand"):
        ranked = suppress(ranked, [col], basis=col, k=k)
    ev = evidence_table(result)
    small = (ev["unit"] == RIDERS_UNIT) & (ev["value"] < k)
    whole = [int(v) if float(v).is_integer() else v for v in ev["value"]]
    ev["value"] = pd.Series(whole, index=ev.index, dtype="object").where(~small, None)
    return ranked, ev


def council_text(result: Proposals) -> str:
    """One paragraph per proposal (ranked order), Japanese, with its numbers."""
    k = result.params.k
    f = result.facts
    lines = [
        f"路線再編の提案（乗降データ {f.first:%Y年%m月%d日}～{f.last:%Y年%m月%d日} に基づく）",
        privacy_note(k),
        "",
    ]

    def count(v: float) -> str:
        return f"{k}人未満" if v < k else f"{int(v):,}人"

    for row in result.ranked.to_dict("records"):
        p = result.proposals[str(row["id"])]
        facts = "、".join(
            f"{e.label_ja}{count(e.value) if e.unit == RIDERS_UNIT else f'{e.value:g}{e.unit}'}"
            for e in p.evidence
        )
        hours, yen = float(row["vehicle_hours_saved"]), float(row["cost_saved_yen"])
        lines.append(
            f"{row['rank']}. {p.title_ja}（{KIND_JA.get(p.kind, p.kind)}）\n"
            f"{p.change_ja}根拠：{facts}。"
            f"試算では、期間中の運行時間が{abs(hours):g}時間{'減り' if hours >= 0 else '増え'}、"
            f"運行経費が{abs(yen):,.0f}円{'減り' if yen >= 0 else '増え'}、"
            f"移動できなくなる利用者は{count(float(row['riders_lost']))}"
            f"（平日1日の運行時間{row['weekday_vehicle_hours']:g}時間）。\n"
        )
    return "\n".join(lines)


def proposals_record(result: Proposals) -> prov.Record:
    """The provenance of the proposals: the baseline feed, the population and road networks
    the scenarios read (an on-demand zone's cars run on the sample city's roads unless a
    network is given), the store, every threshold (the assumptions table's
    ``proposals.*``) and the budget; the scenario files are outputs."""
    seen: dict[Path, str] = {}
    for e in (result.base, *result.evaluations.values()):
        for role, path in scenario_sources(e.applied.scenario):
            if role not in ("scenario", "zone"):  # the scenario files and zones are outputs
                seen.setdefault(path.resolve(), role)
    inputs = [prov.source(role, path) for path, role in seen.items()]
    inputs.append(prov.source("store", result.store, period=_period(result)))
    return prov.record(
        "路線再編の提案 / route reorganization proposals",
        inputs=inputs,
        parameters=[
            *prov.parameters_of(result.params, "proposals"),
            prov.setting("budget_vehicle_hours", result.budget),
        ],
        notes=(RANKING_NOTE, privacy_note(result.params.k)),
        details={"period": _period(result), "riders": len(result.base.parts.riders)},
    )


def write_proposals(result: Proposals, out_dir: Path) -> list[Path]:
    """Write the outputs (see the module docstring) into ``out_dir``, and ``provenance.json``
    beside them and beside the scenario files; returns the paths (provenance files last)."""
    record = proposals_record(result)
    ranked, ev = published_tables(result)
    paths = [write_csv(out_dir / "proposals.csv", ranked), write_csv(out_dir / "evidence.csv", ev)]
    sheets = [
        SheetTable("提案一覧", ranked, LABELS_JA),
        SheetTable("根拠", ev, LABELS_JA),
        evidence_sheet(record, out_dir),
    ]
    paths.append(write_workbook(out_dir / "proposals.xlsx", sheets))
    paths.append(out_dir / "proposals_ja.txt")
    atomic_write_text(paths[-1], council_text(result))
    written = prov.write(record, [*paths, *result.files, *result.attachments])
    return [*paths, *written]


def _period(result: Proposals) -> str:
    return f"{result.facts.first:%Y-%m-%d}..{result.facts.last:%Y-%m-%d}"
