"""The ridership report: KPI tables (CSV + Parquet), an Excel workbook with Japanese headers,
PNG charts. Everything written here is meant to leave the office, so every table suppresses
cells below ``k`` riders and says so (sheet 注記 and each CSV's README line)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from transit.core import excel
from transit.core import provenance as prov
from transit.core.assumptions import from_table, value
from transit.core.errors import InputError
from transit.core.excel import SheetTable
from transit.core.fileio import atomic_write_with
from transit.demand.charts import draw_boardings_by_hour, draw_load_profiles
from transit.demand.kpis import (
    KpiOptions,
    compute_kpis,
    scheduled_runs,
    segment_flags,
    stop_kpis,
    trip_flags,
)
from transit.demand.loads import compute_loads, route_load_profile
from transit.demand.od import ipf_counts_od
from transit.demand.privacy import default_k, privacy_note, suppress, write_privacy_readme
from transit.demand.schedule import Schedule
from transit.demand.store.folder import count_files, ride_files
from transit.demand.store.queries import linked_journeys, od_counts, ride_totals, stop_visits

log = logging.getLogger(__name__)

#: Japanese headers of the workbook.
JA: dict[str, str] = {
    "route_id": "系統ID",
    "route_name": "系統名",
    "trip_id": "便ID",
    "direction_id": "方向",
    "stop_id": "停留所ID",
    "stop_name": "停留所名",
    "stop_lat": "緯度",
    "stop_lon": "経度",
    "day_type": "曜日区分",
    "trip_band": "時間帯（始発時刻）",
    "time_band": "時間帯",
    "seq": "停車順",
    "boardings": "乗車数",
    "alightings": "降車数",
    "pax_km": "人キロ",
    "max_load": "最大乗車人員",
    "max_load_stop_id": "最大区間の始点停留所ID",
    "runs": "運行便数",
    "vehicle_km": "実車キロ",
    "vehicle_hours": "実車時間",
    "avg_load": "平均乗車密度",
    "boardings_per_vehicle_hour": "車両時間あたり乗車数",
    "boardings_per_vehicle_km": "車両キロあたり乗車数",
    "fare_yen": "運賃収入（円）",
    "cost_yen": "運行経費（円）",
    "farebox_ratio": "収支率",
    "mean_load": "平均乗車人員",
    "load_total": "区間通過人員",
    "origin_stop_id": "乗車停留所ID",
    "destination_stop_id": "降車停留所ID",
    "board_stop_id": "乗車停留所ID",
    "alight_stop_id": "降車停留所ID",
    "rides": "乗車回数",
    "legs": "乗車回数（乗継含む）",
    "journeys": "移動数",
    "item": "項目",
    "value": "値",
}

_RIDER_COLS = (
    "boardings",
    "alightings",
    "pax_km",
    "max_load",
    "max_load_stop_id",
    "avg_load",
    "boardings_per_vehicle_hour",
    "boardings_per_vehicle_km",
    "fare_yen",
    "farebox_ratio",
)


@dataclass(frozen=True)
class ReportOptions:
    """Options of :func:`build_report`: KPI options (fares, costs, thresholds, ``k``), the
    transfer window for linked journeys (minutes), whether to draw PNG charts and how many
    routes get a load-profile chart."""

    kpi: KpiOptions = field(default_factory=KpiOptions)
    transfer_window_min: float = from_table("demand.journeys.transfer_window_min")
    charts: bool = True
    max_route_charts: int = 8


@dataclass(frozen=True)
class ReportTables:
    """The unsuppressed KPI tables (for the library and tests; never written as is)."""

    totals: dict[str, object]
    routes: pd.DataFrame
    trips: pd.DataFrame
    stops: pd.DataFrame
    time_bands: pd.DataFrame
    day_types: pd.DataFrame
    route_day_types: pd.DataFrame
    profile: pd.DataFrame
    od: pd.DataFrame
    linked_od: pd.DataFrame
    low_trips: pd.DataFrame
    low_segments: pd.DataFrame
    loads: pd.DataFrame


def compute_report_tables(store: Path, *, options: ReportOptions | None = None) -> ReportTables:
    """Compute every KPI table of the store (unsuppressed)."""
    tables, _ = _compute_tables(store, options or ReportOptions())
    return tables


_WhileOd = Callable[[pd.DataFrame, pd.DataFrame, pd.DataFrame], list[Path]]


def _compute_tables(
    store: Path, opts: ReportOptions, *, while_od: _WhileOd | None = None
) -> tuple[ReportTables, list[Path]]:
    """:func:`compute_report_tables`, and ``while_od(routes, loads, profile)`` (e.g. drawing
    the charts) run while the OD queries finish; returns the tables and what it returned."""
    kopts = opts.kpi
    schedule = Schedule.load(store / "schedule")
    totals = ride_totals(store)
    if not totals["rides"]:
        raise InputError(f"the store {store} has no rides yet; run 'transit demand ingest' first")
    visits = stop_visits(store)
    # the OD queries (DuckDB, which releases the GIL) run in a second thread while this one
    # computes loads and KPIs with pandas (and ``while_od``): on 2 cores the report takes
    # noticeably less time; one DuckDB query at a time, so the peak memory stays as it was
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="transit-od") as pool:
        linked_f = pool.submit(linked_journeys, store, window_min=opts.transfer_window_min)
        od_f = pool.submit(od_counts, store)
        loads = compute_loads(visits, schedule, bands=kopts.time_bands)
        runs = scheduled_runs(
            schedule,
            pd.Timestamp(totals["first_date"]),
            pd.Timestamp(totals["last_date"]),
            bands=kopts.time_bands,
        )
        names = schedule.routes.drop_duplicates("route_id").set_index("route_id")["route_name"]
        routes = compute_kpis(loads, runs, ["route_id"], options=kopts)
        routes.insert(1, "route_name", names.reindex(routes["route_id"]).to_numpy())
        trips = compute_kpis(loads, runs, ["route_id", "trip_id"], options=kopts)
        profile = route_load_profile(loads)
        profile["load_total"] = (
            loads.groupby(["route_id", "direction_id", "seq"], sort=True)["load"].sum().to_numpy()
        )
        stops = stop_kpis(loads, schedule)
        time_bands = compute_kpis(loads, runs, ["trip_band"], options=kopts)
        day_types = compute_kpis(loads, runs, ["day_type"], options=kopts)
        route_day_types = compute_kpis(loads, runs, ["route_id", "day_type"], options=kopts)
        extra = while_od(routes, loads, profile) if while_od is not None else []
        od = od_f.result()
        linked_od = linked_f.result()
    tables = ReportTables(
        totals=totals,
        routes=routes,
        trips=trips,
        stops=stops,
        time_bands=time_bands,
        day_types=day_types,
        route_day_types=route_day_types,
        profile=profile,
        od=od,
        linked_od=linked_od,
        low_trips=trip_flags(trips, min_avg_load=kopts.min_avg_load),
        low_segments=segment_flags(profile, min_segment_load=kopts.min_segment_load),
        loads=loads,
    )
    return tables, extra


def rounded(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """Floats rounded for publication (km, hours, ratios: 3 decimals)."""
    floats = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    return df.round(dict.fromkeys(floats, digits))


def _published_profile(profile: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """The route load profile as published (small cells suppressed)."""
    prof = suppress(rounded(profile), ["boardings"], basis="boardings", k=k)
    prof = suppress(prof, ["alightings"], basis="alightings", k=k)
    return suppress(
        prof, ["mean_load", "max_load", "pax_km", "load_total"], basis="load_total", k=k
    )


def published_tables(tables: ReportTables, *, k: int) -> dict[str, pd.DataFrame]:
    """The tables as published (small cells suppressed), keyed by file stem."""

    def kpi(df: pd.DataFrame) -> pd.DataFrame:
        cols = [c for c in _RIDER_COLS if c in df.columns]
        return suppress(rounded(df), cols, basis="boardings", k=k)

    stops = suppress(tables.stops, ["boardings", "fare_yen"], basis="boardings", k=k)
    stops = suppress(stops, ["alightings"], basis="alightings", k=k)
    prof = _published_profile(tables.profile, k=k)
    od = tables.od.groupby(["board_stop_id", "alight_stop_id"])["rides"].sum().reset_index()
    linked = (
        tables.linked_od.groupby(["origin_stop_id", "destination_stop_id", "legs"])["journeys"]
        .sum()
        .reset_index()
    )
    return {
        "routes": kpi(tables.routes),
        "trips": kpi(tables.trips),
        "stops": stops,
        "time_bands": kpi(tables.time_bands),
        "day_types": kpi(tables.day_types),
        "route_day_types": kpi(tables.route_day_types),
        "load_profile": prof,
        "od": od[od["rides"] >= k].reset_index(drop=True),
        "linked_od": linked[linked["journeys"] >= k].reset_index(drop=True),
        "low_avg_load_trips": kpi(tables.low_trips),
        "low_load_segments": prof.merge(
            tables.low_segments[["route_id", "direction_id", "seq"]],
            on=["route_id", "direction_id", "seq"],
        ),
    }


_SHEETS = {
    "routes": "路線別",
    "route_day_types": "路線×曜日区分",
    "trips": "便別",
    "stops": "停留所別",
    "time_bands": "時間帯別",
    "day_types": "曜日区分別",
    "load_profile": "区間別乗車人員",
    "od": "OD（停留所間）",
    "linked_od": "OD（乗継を含む）",
    "low_avg_load_trips": "基準未満の便",
    "low_load_segments": "基準未満の区間",
}


def summary_rows(
    tables: ReportTables, *, k: int, options: ReportOptions
) -> list[tuple[str, object]]:
    """Rows of the 概要 sheet: (label, value); totals are over all rides, before suppression."""
    t = tables.totals
    kp = options.kpi
    return [
        ("集計期間（開始）", str(t["first_date"])),
        ("集計期間（終了）", str(t["last_date"])),
        ("乗車数合計", int(tables.routes["boardings"].sum())),
        ("降車数合計", int(tables.routes["alightings"].sum())),
        ("人キロ合計", round(float(tables.routes["pax_km"].sum()), 3)),
        ("運賃収入合計（円）", int(tables.routes["fare_yen"].sum())),
        ("実車キロ合計", round(float(tables.routes["vehicle_km"].sum()), 3)),
        (
            "平均乗車密度（全体）",
            _ratio(tables.routes["pax_km"].sum(), tables.routes["vehicle_km"].sum()),
        ),
        ("乗車記録数（IC乗車）", int(t["rides"])),  # type: ignore[call-overload]
        ("平均乗車密度の基準（未満を表示）", kp.min_avg_load),
        ("区間乗車人員の基準（未満を表示）", kp.min_segment_load),
        ("乗継とみなす時間（分）", options.transfer_window_min),
        ("秘匿基準 k", k),
        ("注記", privacy_note(k)),
    ]


def _ratio(a: float, b: float) -> float | None:
    return round(float(a) / float(b), 6) if b else None


def build_report(store: Path, out_dir: Path, *, options: ReportOptions | None = None) -> list[Path]:
    """Write the report of ``store`` into ``out_dir``; returns the files written.

    ``tables/<name>.csv`` and ``.parquet`` (suppressed, English column names),
    ``ridership_report.xlsx`` (sheet 概要 with totals, one sheet per view, Japanese headers,
    sheet 注記), and PNG charts ``charts/boardings_by_hour.png`` and
    ``charts/load_profile_<route>_<dir>.png``.
    """
    opts = options or ReportOptions()
    k = opts.kpi.k
    rec = report_record(store, opts)

    def charts(routes: pd.DataFrame, loads: pd.DataFrame, profile: pd.DataFrame) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not opts.charts:
            return []
        cdir = out_dir / "charts"
        files = [draw_boardings_by_hour(loads, cdir / "boardings_by_hour.png", k=k)]
        stops = Schedule.load(store / "schedule").stops
        names = dict(zip(stops["stop_id"].astype(str), stops["stop_name"].astype(str), strict=True))
        return files + draw_load_profiles(
            _published_profile(profile, k=k),
            routes,
            cdir,
            limit=opts.max_route_charts,
            stop_names=names,
        )

    # the charts are drawn while the OD queries run (see _compute_tables)
    tables, chart_files = _compute_tables(store, opts, while_od=charts)
    pub = published_tables(tables, k=k)
    written = _write_tables(out_dir / "tables", pub)
    written.append(write_privacy_readme(out_dir / "tables", k=k))
    xlsx = out_dir / "ridership_report.xlsx"
    write_workbook(xlsx, tables, pub, k=k, options=opts, record=rec)
    written.append(xlsx)
    written += chart_files
    written += prov.write(rec, written)
    log.info("report: %d files in %s", len(written), out_dir)
    return written


def report_record(store: Path, options: ReportOptions) -> prov.Record:
    """What a report of ``store`` is made from: the store (with the flags of its inputs) and
    every option (the assumptions table's defaults marked as such)."""
    return prov.record(
        "乗降実績の報告書 / the ridership report",
        inputs=[prov.source("store", store)],
        parameters=prov.parameters_of(options),
        notes=[privacy_note(options.kpi.k)],
    )


def write_csv(path: Path, df: pd.DataFrame) -> Path:
    """Write a published table as CSV (UTF-8 with BOM, for Excel), atomically; returns ``path``."""
    atomic_write_with(path, lambda tmp: df.to_csv(tmp, index=False, encoding="utf-8-sig"))
    return path


def _write_tables(folder: Path, pub: dict[str, pd.DataFrame]) -> list[Path]:
    """``<name>.csv`` and ``<name>.parquet`` of every published table (object columns holding
    only numbers and blanks become float64 in Parquet); returns the files written."""
    written: list[Path] = []
    for name, df in pub.items():
        written.append(write_csv(folder / f"{name}.csv", df))
        typed = df.astype(
            {c: "float64" for c in df.columns if df[c].dtype == object and _numeric(df[c])}
        )
        pq = folder / f"{name}.parquet"
        atomic_write_with(pq, partial(typed.to_parquet, index=False))
        written.append(pq)
    return written


def _numeric(s: pd.Series) -> bool:
    vals = s.dropna()
    return bool(len(vals)) and all(
        isinstance(v, (int, float, np.integer, np.floating)) for v in vals
    )


def write_workbook(
    path: Path,
    tables: ReportTables,
    pub: dict[str, pd.DataFrame],
    *,
    k: int,
    options: ReportOptions,
    record: prov.Record | None = None,
) -> None:
    """Write the planners' workbook (:mod:`transit.core.excel`): 概要, one sheet per view, 注記
    and, given the ``record`` of what it is made from, 「出典・前提」."""
    summary = pd.DataFrame(summary_rows(tables, k=k, options=options), columns=["項目", "値"])
    notes = pd.DataFrame(
        {
            "注記": [
                privacy_note(k),
                f"OD表には{k}人以上の停留所間のみを掲載しています（未満の組は行ごと省略）。",
                "平均乗車密度 = 人キロ ÷ 実車キロ（集計期間内の全運行便）。",
                "最大乗車人員 = 1便1区間で車内にいた最大人数。区間は表示した停留所から次の停留所まで。",
                "収支率 = 運賃収入 ÷ 運行経費（経費単価を指定した場合のみ）。",
                "データ: IC乗降記録（仮名化済み）。カード番号は保存・出力していません。",
            ]
        }
    )
    sheets = [
        SheetTable("概要", summary),
        *(SheetTable(sheet, pub[name], JA) for name, sheet in _SHEETS.items()),
        SheetTable("注記", notes),
    ]
    if record is not None:
        sheets.append(excel.evidence_sheet(record, path.parent))
    excel.write_workbook(path, sheets)


def build_od(
    store: Path,
    out_dir: Path,
    *,
    k: int | None = None,
    window_min: float | None = None,
    radius_m: float | None = None,
    beta: float | None = None,
) -> list[Path]:
    """Write the OD outputs of ``store`` into ``out_dir`` (suppressed below ``k``):
    ``od_stop_to_stop.csv`` (IC taps), ``od_linked.csv`` (journeys with transfers linked within
    ``window_min`` minutes and ``radius_m`` metres), and for count data ``od_ipf.csv`` with
    ``od_ipf_fit.csv`` (margins and IPF convergence per line). Returns the files written.
    Defaults: ``privacy.k``, ``demand.journeys.transfer_window_min``, ``…transfer_radius_m``
    and ``demand.od.ipf_beta`` of the assumptions table."""
    k = default_k() if k is None else k
    window_min = value("demand.journeys.transfer_window_min") if window_min is None else window_min
    radius_m = value("demand.journeys.transfer_radius_m") if radius_m is None else radius_m
    beta = value("demand.od.ipf_beta") if beta is None else beta

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if ride_files(store):
        od = od_counts(store)
        written.append(write_csv(out_dir / "od_stop_to_stop.csv", od[od["rides"] >= k]))
        linked = linked_journeys(store, window_min=window_min, radius_m=radius_m)
        written.append(write_csv(out_dir / "od_linked.csv", linked[linked["journeys"] >= k]))
    counts = [pd.read_parquet(f) for f in count_files(store)]
    counts = [c for c in counts if len(c) and (c["stop_sequence"] >= 0).all()]
    if counts:
        od_ipf, fits = ipf_counts_od(pd.concat(counts, ignore_index=True), beta=beta)
        written.append(write_csv(out_dir / "od_ipf.csv", od_ipf[od_ipf["riders"] >= k]))
        written.append(write_csv(out_dir / "od_ipf_fit.csv", fits))
    written.append(write_privacy_readme(out_dir, k=k))
    params = {"k": k, "window_min": window_min, "radius_m": radius_m, "beta": beta}
    keys = {"k": "privacy.k", "window_min": "demand.journeys.transfer_window_min",
            "radius_m": "demand.journeys.transfer_radius_m", "beta": "demand.od.ipf_beta"}  # fmt: skip
    rec = prov.record(
        "OD表 / origin-destination tables",
        inputs=[prov.source("store", store)],
        parameters=[prov.from_key(name, val, keys[name]) for name, val in params.items()],
        notes=[privacy_note(k)],
    )
    return [*written, *prov.write(rec, written)]
