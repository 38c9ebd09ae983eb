"""The report of a store holding only count data (kinds b and c): load profiles and IPF OD per
line, suppressed below ``k`` like every published table (see :mod:`transit.demand.report`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from transit.core import excel
from transit.core import provenance as prov
from transit.core.errors import InputError
from transit.core.excel import SheetTable, evidence_sheet
from transit.demand.charts import draw_load_profiles
from transit.demand.loads import load_profile_from_counts
from transit.demand.od import ipf_counts_od
from transit.demand.privacy import privacy_note, suppress, write_privacy_readme
from transit.demand.report import JA, ReportOptions, report_record, rounded, write_csv
from transit.demand.store.folder import count_files

#: Japanese headers of the counts workbook: the report's and those of the count tables.
JA_COUNTS = JA | {"stop_sequence": "停車順", "load": "車内人員（推計）", "riders": "人数（推計）",
                  "stops": "停留所数", "consistent": "整合", "scale": "降車数の補正係数",
                  "iterations": "反復回数", "max_error": "最大誤差（人）"}  # fmt: skip


def build_counts_report(
    store: Path, out_dir: Path, *, options: ReportOptions | None = None
) -> list[Path]:
    """Report of a store holding only count data (kinds b and c): per-line load profiles
    (``tables/count_load_profile.csv``), the IPF OD of each line (pairs with at least ``k``
    riders, ``tables/count_od_ipf.csv``) and its fit, a workbook with Japanese headers
    (``ridership_report.xlsx``: 概要, 区間別乗車人員（調査）, OD（推計）, 推計の適合度, 注記) and
    one load-profile chart per line (the ``max_route_charts`` busiest). Returns the files."""

    opts = options or ReportOptions()
    k = opts.kpi.k
    frames = [pd.read_parquet(f) for f in count_files(store)]
    counts = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if counts.empty:
        raise InputError(
            f"the store {store} has no rides or counts yet; run 'transit demand ingest'"
        )
    prof, pub, od_pub, fits = _count_tables(counts, k=k)
    tdir = out_dir / "tables"
    written = [
        write_csv(tdir / "count_load_profile.csv", pub),
        write_csv(tdir / "count_od_ipf.csv", od_pub),
        write_csv(tdir / "count_od_ipf_fit.csv", fits),
        write_privacy_readme(tdir, k=k),
    ]
    xlsx = out_dir / "ridership_report.xlsx"
    summary = pd.DataFrame(
        [
            ("乗車数合計（調査）", round(float(counts["boardings"].sum()), 3)),
            ("降車数合計（調査）", round(float(counts["alightings"].sum()), 3)),
            ("系統・方向の数", len(fits)),
            ("秘匿基準 k", k),
            ("注記", privacy_note(k)),
        ],
        columns=["項目", "値"],
    )
    rec = report_record(store, opts)
    _write_workbook(xlsx, summary, pub, od_pub, fits, k=k, evidence=evidence_sheet(rec, out_dir))
    written.append(xlsx)
    if opts.charts and len(prof):
        chart_prof = pub.rename(columns={"stop_sequence": "seq", "load": "mean_load"})
        busy = prof.groupby("route_id")["boardings"].sum().reset_index()
        written += draw_load_profiles(
            chart_prof, busy, out_dir / "charts", limit=opts.max_route_charts
        )
    return [*written, *prov.write(rec, written)]


def _count_tables(
    counts: pd.DataFrame, *, k: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(profile, published profile, published IPF OD, IPF fits)`` of the count rows with a
    stop position (the published tables suppressed below ``k``, floats rounded)."""
    lined = counts[counts["stop_sequence"] >= 0]
    prof = load_profile_from_counts(lined) if len(lined) else lined.assign(load=[])
    prof = prof.drop(columns=[c for c in ("kind", "source", "date") if c in prof.columns])
    pub = suppress(rounded(prof), ["boardings"], basis="boardings", k=k)
    pub = suppress(pub, ["alightings"], basis="alightings", k=k)
    pub = suppress(pub, ["load"], basis="load", k=k)
    od, fits = ipf_counts_od(lined) if len(lined) else (pd.DataFrame(), pd.DataFrame())
    od_pub = rounded(od[od["riders"] >= k]) if len(od) else od
    return prof, pub, od_pub, fits


def _write_workbook(
    path: Path,
    summary: pd.DataFrame,
    pub: pd.DataFrame,
    od_pub: pd.DataFrame,
    fits: pd.DataFrame,
    *,
    k: int,
    evidence: SheetTable,
) -> None:
    """The counts workbook: 概要, 区間別乗車人員（調査）, OD（推計）, 推計の適合度, 注記 and
    ``evidence`` (出典・前提)."""
    notes = [
        privacy_note(k),
        "ODは停留所別乗降数から反復比例法（IPF）で推計した値です。",
        f"OD表には{k}人以上の組のみを掲載しています。",
    ]
    excel.write_workbook(
        path,
        [
            SheetTable("概要", summary),
            SheetTable("区間別乗車人員（調査）", pub, JA_COUNTS),
            SheetTable("OD（推計）", od_pub, JA_COUNTS),
            SheetTable("推計の適合度", fits, JA_COUNTS),
            SheetTable("注記", pd.DataFrame({"注記": notes})),
            evidence,
        ],
    )
