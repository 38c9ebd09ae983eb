"""The one table of assumptions: its entries, its page, the Kitaura facts, and that every
pipeline's defaults come from it (changing a value there changes the output; no literal copy
of a default in code)."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from transit.core import assumptions
from transit.core.assumptions import KINDS, key_of, overridden, parse_table, table, value
from transit.core.paths import REPO_DIR, sample_dir
from transit.demand.kpis import KpiOptions
from transit.demand.privacy import default_k, privacy_note, suppress
from transit.demand.proposals.params import ProposalParams
from transit.demand.report import ReportOptions
from transit.demand.scenarios.params import CostParams, SearchParams
from transit.demand.scenarios.scenario import Extend, Merge, OnDemand, Reroute
from transit.demand.store.options import IngestOptions
from transit.demand.synth import SynthOptions
from transit.routing.areas.config import AreaSource, Demand, Fleet, Shift, load_area
from transit.routing.sim.setup import Costs, Dispatch, Service

DOC = REPO_DIR / "docs" / "assumptions.md"

#: Every parameter dataclass whose defaults must come from the table, with the table key of
#: each such field (the parameters this test checks).
CHECKED: dict[type[Any], dict[str, str]] = {
    Service: {f: f"drt.service.{f}" for f in ("max_wait_min", "max_ride_factor", "max_ride_extra_min", "boarding_min", "alighting_min", "transfer_buffer_min", "speed_factor")},
    Costs: {"fare_yen": "drt.costs.fare_yen", "cost_per_vehicle_hour_yen": "drt.costs.cost_per_vehicle_hour_yen"},
    Dispatch: {f: f"drt.dispatch.{f}" for f in ("reopt_interval_min", "horizon_min", "time_limit_s")},
    Fleet: {f: f"drt.fleet.{f}" for f in ("vehicles", "capacity", "depot")},
    Shift: {f: f"drt.shift.{f}" for f in ("start", "end", "last_pickup_min")},
    Demand: {f: f"drt.demand.{f}" for f in ("trips_per_1000_residents", "elderly_weight", "return_share", "dwell_min_min", "dwell_max_min", "advance_share", "lead_min_min", "lead_max_min", "group_share", "destination_shares", "outbound_profile")},
    AreaSource: {f: f"drt.area.{f}" for f in ("destination_buffer_m", "max_road_distance_m")},
    SearchParams: {f: f"scenarios.search.{f}" for f in ("depart_before_min", "depart_after_min", "max_walk_m", "walk_speed_kmh", "walk_detour_factor", "min_transfer_min", "transfer_penalty_min", "max_transfers", "wait_weight", "max_journey_min")},
    CostParams: {**{f: f"scenarios.costs.{f}" for f in ("cost_per_vehicle_km_yen", "min_layover_min", "deadhead_speed_kmh", "deadhead_detour_factor", "sign_on_off_min", "blank_radius_m")}, "k": "privacy.k"},
    KpiOptions: {"min_avg_load": "demand.kpis.min_avg_load", "min_segment_load": "demand.kpis.min_segment_load", "k": "privacy.k"},
    ReportOptions: {"transfer_window_min": "demand.journeys.transfer_window_min"},
    IngestOptions: {f: f"demand.ingest.{f}" for f in ("schedule_tolerance_min", "match_tolerance_min", "max_ride_min")},
    SynthOptions: {f: f"demand.synth.{f}" for f in ("transfer_share", "vehicle_only_share")},
    Extend: {"speed_kmh": "scenarios.edits.speed_kmh", "dwell_s": "scenarios.edits.dwell_s"},
    Reroute: {"speed_kmh": "scenarios.edits.speed_kmh", "dwell_s": "scenarios.edits.dwell_s"},
    Merge: {"max_layover_min": "scenarios.edits.max_layover_min"},
    ProposalParams: {**{f: f"proposals.{f}" for f in ("min_tail_load", "min_trip_avg_load", "min_band_avg_load", "min_band_trips", "headway_factor", "headway_round_min", "min_zone_stops", "max_zone_riders_per_day", "zone_radius_m", "zone_vehicles", "zone_start", "zone_end", "redesign_routes", "redesign_iterations", "min_shared_stops", "max_bunch_min", "max_per_rule")}, "k": "privacy.k"},
    OnDemand: {"vehicles": "drt.fleet.vehicles", "capacity": "drt.fleet.capacity", "start": "drt.shift.start", "end": "drt.shift.end", "fare_yen": "drt.costs.fare_yen", "cost_per_vehicle_hour_yen": "drt.costs.cost_per_vehicle_hour_yen", "max_wait_min": "drt.service.max_wait_min"},
}  # fmt: skip

#: Fields of those dataclasses that are settings of a run or switches, not assumptions.
SETTINGS = {
    (Dispatch, "reoptimize"), (Demand, "requests"), (Demand, "request_log"),
    (SynthOptions, "start"), (SynthOptions, "days"), (SynthOptions, "corrupt_share"),
    (IngestOptions, "memory_limit"), (IngestOptions, "threads"), (KpiOptions, "flat_fare_yen"),
    (KpiOptions, "cost_per_vehicle_km"), (KpiOptions, "cost_per_vehicle_hour"),
    (KpiOptions, "time_bands"), (ReportOptions, "kpi"), (ReportOptions, "charts"),
    (ReportOptions, "max_route_charts"), (OnDemand, "seed"), (OnDemand, "day_types"),
    (ProposalParams, "redesign_seed"), (OnDemand, "hubs"), (OnDemand, "network"), (OnDemand, "area_id"),
    *((AreaSource, f) for f in ("name_en", "network", "gtfs", "hub_stops", "hub_toward",
                                "hub_departures", "date", "note")),
    *((cls, f) for cls in (Merge, Extend, Reroute) for f in ("route_id", "name", "name_kana", "name_en")),
}  # fmt: skip


def test_the_page_is_generated_from_the_table() -> None:
    assert DOC.read_text("utf-8") == assumptions.markdown(), (
        "docs/assumptions.md is out of date: run .venv/bin/python tools/assumptions_doc.py"
    )


def test_every_entry_has_a_unit_kind_meaning_and_source() -> None:
    entries = table()
    assert len(entries) >= 70
    for key, a in entries.items():
        assert a.kind in KINDS, key
        assert a.meaning and a.meaning_ja and a.source, key
        assert (a.kind == "fact") == bool(a.fact), f"{key}: a fact says where to check it"
        if a.kind == "assumption":
            assert a.source.startswith("assumption"), key
    kinds = {a.kind for a in entries.values()}
    assert kinds == set(KINDS)
    assert entries["scenarios.search.transfer_penalty_min"].kind == "convention"
    assert entries["drt.demand.trips_per_1000_residents"].kind == "calibrated"
    assert "drt-simulation.md" in entries["drt.demand.trips_per_1000_residents"].source


def test_a_bad_table_is_refused_with_the_entry_named() -> None:
    with pytest.raises(ValueError, match=r"x\.y: missing"):
        parse_table('[x.y]\nvalue = 1\nunit = "m"\n')
    with pytest.raises(ValueError, match="unknown kind 'guess'"):
        parse_table(
            '[x]\nvalue = 1\nunit = "m"\nkind = "guess"\nmeaning = "a"\nmeaning_ja = "a"\n'
            'source = "assumption"\n'
        )


@pytest.mark.external
def test_facts_agree_with_the_kitaura_service_facts(external: Path) -> None:
    facts = json.loads(
        (external / "nobeoka" / "kitaura" / "kitaura_ondemand_service_facts.json").read_text(
            "utf-8"
        )
    )
    checked = 0
    for a in table().values():
        if not a.fact:
            continue
        where, dotted = a.fact.split(":", 1)
        assert where == "kitaura", a.key
        found: Any = facts
        for part in dotted.split("."):
            found = found[part]
        if isinstance(found, str):  # "2 small taxis"
            found = int(re.match(r"\d+", found).group())  # type: ignore[union-attr]
        assert found == a.value, a.key
        checked += 1
    assert checked == 2  # fare 300 yen, 2 vehicles


def test_every_checked_field_takes_its_default_from_the_table() -> None:
    for cls, keys in CHECKED.items():
        for f in dataclasses.fields(cls):
            if (cls, f.name) in SETTINGS or not f.init:
                continue
            if dataclasses.is_dataclass(f.type) or f.name in ("area", "kind"):
                continue
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                continue
            assert f.name in keys, f"{cls.__name__}.{f.name}: not from the table, not a setting"
            assert key_of(f) == keys[f.name], f"{cls.__name__}.{f.name}"


def _changed(val: Any) -> Any:
    if isinstance(val, bool):
        return not val
    if isinstance(val, int | float):
        return val + 1 if isinstance(val, int) else val * 0.5 + 0.25
    if isinstance(val, dict):
        return {k: v * 0.5 for k, v in val.items()}
    return {"08:00": "07:30", "17:00": "18:00"}.get(val, val + "x")


def _instance(cls: type[Any]) -> Any:
    required = {
        AreaSource: {"id": "a", "name_ja": "a", "polygon": "p", "population": "q", "destinations": "d"},
        Extend: {"kind": "extend", "route": "R", "from_stop": "A", "via": ("B",)},
        Reroute: {"kind": "reroute", "route": "R", "from_stop": "A", "to_stop": "C", "via": ("B",)},
        Merge: {"kind": "merge", "routes": ("R", "S"), "at_stop": "A"},
        OnDemand: {"kind": "on_demand", "area": "z.geojson"},
    }  # fmt: skip
    return cls(**required.get(cls, {}))


@pytest.mark.parametrize("cls", list(CHECKED), ids=lambda c: c.__name__)
def test_changing_the_table_changes_every_default(cls: type[Any]) -> None:
    """Each checked field, the table's value changed: a new instance holds the new value."""
    for name, key in CHECKED[cls].items():
        new = _changed(value(key))
        with overridden({key: new}):
            assert getattr(_instance(cls), name) == new, f"{cls.__name__}.{name}"
        assert getattr(_instance(cls), name) == value(key)


def test_changing_the_trip_rate_changes_the_requests_of_an_area() -> None:
    """The Kitaura sample area: twice the calibrated trip rate gives more requests."""
    from transit.routing.areas.prepare import prepare_area

    cfg_path = sample_dir() / "drt" / "kitaura.toml"
    base = len(prepare_area(load_area(cfg_path), seed=1).requests)
    rate = value("drt.demand.trips_per_1000_residents")
    with overridden({"drt.demand.trips_per_1000_residents": rate * 2}):
        more = len(prepare_area(load_area(cfg_path), seed=1).requests)
    assert more > base * 1.5


def test_changing_k_and_targets_changes_tables() -> None:
    from transit.routing.areas.ranking import rank_areas

    table_ = pd.DataFrame({"riders": [5, 12, 30]})
    assert suppress(table_, ["riders"], basis="riders")["riders"].isna().sum() == 1
    with overridden({"privacy.k": 20}):
        assert default_k() == 20 and "20人未満" in privacy_note()
        assert suppress(table_, ["riders"], basis="riders")["riders"].isna().sum() == 2
    runs = pd.DataFrame(
        {"area_id": ["a", "a"], "name_ja": ["a", "a"], "vehicles": [1, 2], "seed": [1, 1],
         "requests": [40, 40], "served_rate": [0.93, 0.99], "wait_p95_min": [20.0, 10.0],
         "cost_per_pax_yen": [900.0, 1500.0]}
    )  # fmt: skip
    assert int(rank_areas(runs)["fleet_needed"].iloc[0]) == 2
    with overridden({"drt.ranking.target_served_rate": 0.9}):
        assert int(rank_areas(runs)["fleet_needed"].iloc[0]) == 1


def test_changing_walk_speed_synth_profile_and_road_speeds_changes_results() -> None:
    import networkx as nx

    from transit.routing.roads.network import add_travel_times

    assert SearchParams().walk_s(400.0) == pytest.approx(432.0)
    with overridden({"scenarios.search.walk_speed_kmh": 3.0}):
        assert SearchParams().walk_s(400.0) == pytest.approx(576.0)
    g = nx.MultiDiGraph()
    g.add_edge(1, 2, length=1000.0)  # no class, no speed: the fallback speed
    assert add_travel_times(g).edges[1, 2, 0]["travel_time"] == pytest.approx(120.0)
    with overridden({"roads.fallback_speed_kmh": 60.0}):
        assert add_travel_times(g).edges[1, 2, 0]["travel_time"] == pytest.approx(60.0)
    from transit.demand.synth import _hour_profile

    hours = np.array([7.5 * 3600.0])
    profile = value("demand.synth.hour_profile")
    with overridden({"demand.synth.hour_profile": {**profile, "morning_weight": 0.0}}):
        assert _hour_profile(hours)[0] < 0.3 < _hour_profile(hours)[0] + 1.6


def test_overrides_are_checked_and_undone() -> None:
    with pytest.raises(KeyError, match=r"no assumption 'drt\.nope'"), overridden({"drt.nope": 1}):
        pass
    with overridden({"privacy.k": 5}), overridden({"privacy.k": 7}):
        assert value("privacy.k") == 7
    assert value("privacy.k") == 10
    shares = value("drt.demand.destination_shares")
    shares["hospital"] = 9.0  # a copy: the table is unchanged
    assert value("drt.demand.destination_shares")["hospital"] == 0.2


#: Parameter names (the last part of a table key) that must never get a literal default in
#: code: a function or dataclass field of that name takes it from the table.
_LEAVES = {k.rsplit(".", 1)[-1] for k in table()} | {"window_min", "fallback_kph", "beta"}
#: Literal defaults that are settings, not assumptions (file, name): the demo's quick solver
#: settings, overrides of the table's values recorded as such in the demo's provenance.
_ALLOWED = {("transit/demo/drt.py", "time_limit_s"), ("transit/demo/drt.py", "reopt_interval_min")}


def _literal_defaults(tree: ast.AST) -> list[tuple[str, int]]:
    """(name, line) of every argument or annotated class field with a numeric literal default
    whose name is one of :data:`_LEAVES`."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            pos = args.posonlyargs + args.args
            pairs = list(zip(pos[len(pos) - len(args.defaults) :], args.defaults, strict=True))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
            out += [(a.arg, d.lineno) for a, d in pairs if a.arg in _LEAVES and _is_number(d)]
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                    name = stmt.target.id
                    if name in _LEAVES and stmt.value is not None and _is_number(stmt.value):
                        out.append((name, stmt.lineno))
    return out


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def test_no_literal_copy_of_a_default_in_code() -> None:
    """No function argument or dataclass field named like a table entry (``k``, ``radius_m``,
    ``max_wait_min`` …) has a number written as its default anywhere in ``transit/`` (the
    network design optimizer of ``transit/routing/design`` follows its benchmark's own
    convention and is left out)."""
    found = []
    for path in sorted((REPO_DIR / "transit").rglob("*.py")):
        rel = path.relative_to(REPO_DIR).as_posix()
        if rel.startswith("transit/routing/design/"):
            continue
        for name, line in _literal_defaults(ast.parse(path.read_text("utf-8"))):
            if (rel, name) not in _ALLOWED:
                found.append(f"{rel}:{line} {name}")
    assert not found, "literal defaults (take them from transit/core/assumptions.toml):\n" + (
        "\n".join(found)
    )
