"""The provenance of an on-demand area study (:mod:`transit.core.provenance`): every file an area
reads (its ``AREA.toml``, polygon, population, destinations, road network, bus feed, request
log), every parameter of every area (one row when all areas share it), and the ranking's
targets; flags inherit from those files (the sample city, its synthetic roads and population).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transit.core import provenance as prov
from transit.core.paths import sample_dir
from transit.routing.areas.config import AreaConfig

#: Keys of ``[area]`` that name the area or its files (recorded as inputs, not parameters).
_IDENTITY = frozenset(
    {"id", "name_ja", "name_en", "polygon", "population", "destinations", "network", "gtfs",
     "hub_stops", "hub_toward", "note"}
)  # fmt: skip


def area_sources(cfg: AreaConfig) -> list[tuple[str, Path]]:
    """(role, path) of every file an area reads; the sample city's network for ``"sample"``
    (a downloaded ``place:`` network has no file and is recorded as a parameter)."""
    a = cfg.area
    out = [("area", cfg.path(cfg.file))] if cfg.file else []
    out += [(role, cfg.path(p)) for role, p in (("polygon", a.polygon), ("population", a.population),
            ("destinations", a.destinations), ("gtfs", a.gtfs)) if p]  # fmt: skip
    network = a.network.strip()
    if network in ("", "sample"):
        out.append(("network", sample_dir() / "network" / "roads.graphml"))
    elif not network.startswith("place:"):
        out.append(("network", cfg.path(network)))
    if cfg.demand.request_log:
        out.append(("request_log", cfg.path(cfg.demand.request_log)))
    return out


def area_parameters(cfg: AreaConfig) -> list[prov.Parameter]:
    """The parameters of one area (fleet, shift, service, costs, demand, dispatch and the
    numbers of ``[area]``), each a default of the assumptions table, an override or a
    setting."""
    return [
        p
        for p in prov.parameters_of(cfg)
        if p.name not in ("base_dir", "file")
        and not (p.name.startswith("area.") and p.name.removeprefix("area.") in _IDENTITY)
    ]


def study_record(
    areas: Sequence[AreaConfig],
    *,
    what: str,
    settings: Sequence[prov.Parameter] = (),
) -> prov.Record:
    """The record of a study of ``areas`` (a sweep, or one simulated day): every area's files
    as inputs, the parameters of all areas merged (:func:`transit.core.provenance.merge_parameters`),
    the ranking's targets and ``settings`` (fleets, seeds …)."""
    seen: set[Path] = set()
    inputs = []
    for cfg in areas:
        for role, path in area_sources(cfg):
            if path.resolve() not in seen:
                seen.add(path.resolve())
                inputs.append(prov.source(role, path))
    params = prov.merge_parameters({cfg.area.id: area_parameters(cfg) for cfg in areas})
    params += [
        prov.table_value("drt.ranking.target_served_rate"),
        prov.table_value("drt.ranking.target_wait_p95_min"),
        prov.table_value("drt.dispatcher.wait_weight"),
        *settings,
    ]
    networks = {cfg.area.network for cfg in areas if cfg.area.network.startswith("place:")}
    notes = [f"道路網をダウンロード / road network downloaded: {n}" for n in sorted(networks)]
    notes.append(
        "需要（予約）は前提の表から生成した仮定 / requests are generated from the assumptions "
        "(trip rate, shares, profile), not observed"
    )
    return prov.record(what, inputs=inputs, parameters=params, notes=notes)
