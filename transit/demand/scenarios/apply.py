"""Apply a scenario: its baseline feed, then its edits in order, then :func:`.finish.finish`.

:func:`apply_scenario` checks each edit against the feed the edits before it made and collects
every problem (raised once, located); :func:`write_scenario_feed` writes the result with
:func:`transit.gtfs.feedio.write_feed` (deterministic, atomic).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from transit.core import provenance as prov
from transit.core.errors import InputError, InputErrors, Location
from transit.demand.scenarios import edits as ed
from transit.demand.scenarios.checks import check_edit
from transit.demand.scenarios.feedops import stop_set
from transit.demand.scenarios.finish import finish
from transit.demand.scenarios.merge import merge_routes
from transit.demand.scenarios.replace import replace_routes
from transit.demand.scenarios.roads import Roads, read_roads
from transit.demand.scenarios.scenario import (
    Edit,
    Extend,
    Headway,
    Merge,
    OnDemand,
    Remove,
    ReplaceRoutes,
    Reroute,
    RouteScenario,
    Shift,
    Truncate,
    scenario_sources,
)
from transit.demand.scenarios.shift import shift_trips
from transit.demand.scenarios.zones import read_zone
from transit.gtfs.builder.load import load_feed
from transit.gtfs.builder.shapes import RoadNetwork
from transit.gtfs.feedio import Feed, write_feed
from transit.routing.roads.network import read_graphml

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Zone:
    """An on-demand zone of a scenario: its edit (and number), polygon, the bus stops inside
    it (no longer served) and the hubs where riders change to the bus."""

    number: int
    edit: OnDemand
    polygon: BaseGeometry
    stops: tuple[str, ...]
    hubs: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Applied:
    """A scenario applied: the ``baseline`` feed, the edited ``feed`` and its on-demand
    ``zones``."""

    scenario: RouteScenario
    baseline: Feed
    feed: Feed
    zones: tuple[Zone, ...]


def load_baseline(scenario: RouteScenario) -> Feed:
    """The scenario's baseline: a GTFS zip or folder, or a GTFS-JP source folder built in
    memory (shapes along the scenario's network when it has one; refused on ERROR notices)."""
    network = (
        RoadNetwork(read_graphml(scenario.path(scenario.network))) if scenario.network else None
    )
    return load_feed(scenario.path(scenario.baseline), network=network)


def scenario_roads(scenario: RouteScenario) -> Roads:
    """The scenario's road network (none when the file names none)."""
    return read_roads(scenario.path(scenario.network) if scenario.network else None)


def apply_scenario(
    scenario: RouteScenario,
    *,
    baseline: Feed | None = None,
    roads: Roads | None = None,
    progress: Callable[[str], None] | None = None,
) -> Applied:
    """Apply every edit of ``scenario`` to its baseline (or ``baseline``) and finish the feed.

    Raises
    ------
    InputErrors
        Every problem of every edit (file, ``edits[N]``, key); no feed is made.
    """
    base = baseline if baseline is not None else load_baseline(scenario)
    roads = roads if roads is not None else scenario_roads(scenario)
    feed, zones, errors = base, [], []
    for number, edit in enumerate(scenario.edits, start=1):
        found = check_edit(scenario, number, edit, feed)
        if found:
            errors += found
            continue
        if progress is not None:
            progress(f"edit {number}: {edit.kind}")
        feed, zone = _apply_one(scenario, number, edit, feed, roads)
        zones += [zone] if zone is not None else []
    if errors:
        raise InputErrors(errors)
    if scenario.edits:
        feed = finish(feed, base, roads=roads, version=scenario.name)
        served = set(feed.stop_times["stop_id"].astype(str))
        zones = [
            dataclasses.replace(z, hubs=tuple(h for h in z.hubs if h in served)) for z in zones
        ]
    if scenario.edits and not feed.has("trips"):
        log.warning("scenario %s leaves no trip in the feed", scenario.name)
    return Applied(scenario, base, feed, tuple(zones))


def _apply_one(
    scenario: RouteScenario, number: int, edit: Edit, feed: Feed, roads: Roads
) -> tuple[Feed, Zone | None]:
    if isinstance(edit, OnDemand):
        polygon = read_zone(scenario.path(edit.area), edit.area_id)
        out, stops, hubs = ed.cut_zone(feed, polygon)
        chosen = tuple(sorted({p for h in edit.hubs for p in stop_set(feed, h)})) or hubs
        return out, Zone(number, edit, polygon, stops, chosen)
    if isinstance(edit, Remove):
        return ed.remove_trips(feed, edit), None
    if isinstance(edit, Truncate):
        return ed.truncate_route(feed, edit), None
    if isinstance(edit, Extend):
        return ed.extend_route(feed, edit, roads), None
    if isinstance(edit, Reroute):
        return ed.reroute_route(feed, edit, roads), None
    if isinstance(edit, Merge):
        return merge_routes(feed, edit), None
    if isinstance(edit, Headway):
        return ed.set_headway(feed, edit), None
    if isinstance(edit, ReplaceRoutes):
        return replace_routes(feed, edit), None
    if isinstance(edit, Shift):
        return shift_trips(feed, edit), None
    raise InputError(f"unknown edit {edit!r}", Location(file=scenario.file))


def write_scenario_feed(applied: Applied, path: Path) -> Path:
    """Write the edited feed as a GTFS zip (or folder) and its ``provenance.json`` beside it
    (the scenario's files, its edits' parameters); returns ``path``."""
    sc = applied.scenario
    record = prov.record(
        f"路線再編シナリオ {sc.name} の編集済みフィード / the edited feed of scenario {sc.name}",
        inputs=[prov.source(role, p) for role, p in scenario_sources(sc)],
        parameters=[
            param
            for number, edit in enumerate(sc.edits, start=1)
            for param in prov.parameters_of(edit, f"edits[{number}]")
        ],
    )
    write_feed(applied.feed, path)
    prov.write(record, [path])
    return path
