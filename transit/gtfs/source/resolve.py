"""Timetable stop names -> poles (``stop_id``) of the stop master.

For each stop of each trip, in this order: an id written in the sheet; the only pole of that
(NFKC) name; a pole hint for ``(route, stop index)`` (the profile's pole file, then the
``stop_id`` column of the route's fare triangle); else the pole other trips use between the same
neighbouring stops, else the first pole by id (both reported as ``ambiguous_stop``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from transit.core.errors import Location
from transit.core.gtfstime import normalize_text
from transit.core.notices import Notice
from transit.gtfs.source.codes import notice
from transit.gtfs.source.model import FareTable, Stop, Trip, TripStop
from transit.gtfs.source.profiles import LayoutProfile

Hints = dict[tuple[str, int], str]
"""``(route_id, stop index) -> stop_id``."""
VoteKey = tuple[str, ...]


@dataclass(frozen=True)
class _Poles:
    """The stop master as resolution reads it: poles by id, poles of each NFKC name (by id, no
    stations), and the pole hints."""

    by_id: Mapping[str, Stop]
    by_name: Mapping[str, list[Stop]]
    hints: Hints

    def certain(self, trip: Trip, ts: TripStop) -> str | None:
        """The pole when something says which (``""`` when unknown), ``None`` when ambiguous."""
        if ts.given_id:
            return ts.given_id if ts.given_id in self.by_id else ""
        cands = self.by_name.get(ts.name, [])
        if len(cands) <= 1:
            return cands[0].stop_id if cands else ""
        hint = self.hints.get((trip.route_id, ts.index), "")
        return hint if hint in {c.stop_id for c in cands} else None


@dataclass
class _Findings:
    """What resolution reports: unknown and ambiguous names (with every location), and the
    ``stop_name_mismatch`` notices in the order found."""

    unknown: dict[str, list[Location]] = field(default_factory=lambda: defaultdict(list))
    ambiguous: dict[str, list[Location]] = field(default_factory=lambda: defaultdict(list))
    mismatched: set[Location] = field(default_factory=set)
    notices: list[Notice] = field(default_factory=list)


def resolve_stops(
    trips: list[Trip],
    stops: list[Stop],
    *,
    profile: LayoutProfile,
    pole_hints: dict[tuple[str, int], str] | None = None,
    fare_tables: list[FareTable] | None = None,
) -> tuple[list[Trip], list[Notice]]:
    """Give every trip stop a ``stop_id`` from the stop master (see the module docstring).

    Returns
    -------
    (list of Trip, list of Notice)
        The trips with ``stop_id`` set (``""`` when unknown); ``stop_name_mismatch`` notices,
        then one ``unknown_stop`` per name (located at its first cell, with the number of
        cells), then one ``ambiguous_stop`` per name.
    """
    poles = _Poles(*_index(stops), _hints(trips, profile, pole_hints, fare_tables or []))
    first = [[poles.certain(trip, ts) for ts in trip.stops] for trip in trips]
    votes = _votes(trips, first)
    found = _Findings()
    out = [
        replace(
            trip,
            stops=tuple(
                _with_pole(ts, _pole(poles, votes, found, profile, trip, k, sid))
                for k, (ts, sid) in enumerate(zip(trip.stops, sids, strict=True))
            ),
        )
        for trip, sids in zip(trips, first, strict=True)
    ]
    return out, [*found.notices, *_summary(poles, found)]


def _with_pole(ts: TripStop, stop_id: str) -> TripStop:
    """``ts`` with its ``stop_id`` (built directly: ``dataclasses.replace`` is slow here)."""
    return TripStop(
        ts.name,
        stop_id,
        ts.arrival,
        ts.departure,
        ts.index,
        ts.name_location,
        ts.time_location,
        ts.given_id,
    )


def _index(stops: Sequence[Stop]) -> tuple[dict[str, Stop], dict[str, list[Stop]]]:
    """Poles by id, and the poles (not stations) of each NFKC name sorted by id."""
    by_id = {s.stop_id: s for s in stops}
    by_name: dict[str, list[Stop]] = defaultdict(list)
    stations = {s.parent_station for s in stops if s.parent_station}
    for s in sorted(stops, key=lambda s: s.stop_id):
        if s.location_type in ("", "0") and s.stop_id not in stations:
            by_name[normalize_text(s.name)].append(s)
    return by_id, by_name


def _hints(
    trips: list[Trip],
    profile: LayoutProfile,
    pole_hints: Hints | None,
    fare_tables: list[FareTable],
) -> Hints:
    """The pole file's hints, then (profile ``fare_key = "stop_id"``) the fare triangles'."""
    hints = dict(pole_hints or {})
    if profile.fare_key == "stop_id":
        for where, pole in sorted(_fare_table_hints(trips, fare_tables).items()):
            hints.setdefault(where, pole)
    return hints


def _votes(trips: list[Trip], first: list[list[str | None]]) -> dict[VoteKey, Counter[str]]:
    """How often each known pole is used between the same neighbouring stop names."""
    votes: dict[VoteKey, Counter[str]] = defaultdict(Counter)
    for trip, sids in zip(trips, first, strict=True):
        names = [ts.name for ts in trip.stops]
        for k, known in enumerate(sids):
            if known:
                for key in _neighbour_keys(names, k):
                    votes[key][known] += 1
    return votes


def _pole(
    poles: _Poles,
    votes: Mapping[VoteKey, Counter[str]],
    found: _Findings,
    profile: LayoutProfile,
    trip: Trip,
    k: int,
    certain: str | None,
) -> str:
    """The pole of stop ``k`` of ``trip`` (``""`` when unknown); what is wrong goes to ``found``."""
    ts = trip.stops[k]
    if certain == "":
        if ts.given_id:
            found.unknown[f"stop_id {ts.given_id}"].append(_id_location(ts, profile))
        else:
            found.unknown[ts.name].append(ts.name_location)
        return ""
    if certain is None:
        found.ambiguous[ts.name].append(ts.name_location)
        return _voted_pole(poles, votes, [s.name for s in trip.stops], k)
    if (
        ts.given_id
        and normalize_text(poles.by_id[certain].name) != ts.name
        and ts.name_location not in found.mismatched
    ):
        found.mismatched.add(ts.name_location)
        found.notices.append(
            notice(
                "stop_name_mismatch",
                f"stop_id {ts.given_id!r} is {poles.by_id[certain].name!r} in the stop master, "
                f"not {ts.name!r}",
                ts.name_location,
            )
        )
    return certain


def _voted_pole(
    poles: _Poles, votes: Mapping[VoteKey, Counter[str]], names: list[str], k: int
) -> str:
    """The pole most used between the same neighbours (ties: smallest id), else the first."""
    for key in _neighbour_keys(names, k):
        if votes.get(key):
            return min(votes[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return poles.by_name[names[k]][0].stop_id


def _summary(poles: _Poles, found: _Findings) -> list[Notice]:
    """One ``unknown_stop`` per unknown name, then one ``ambiguous_stop`` per ambiguous name."""
    notices: list[Notice] = []
    for name, locs in found.unknown.items():
        sheets = len({(loc.file, loc.sheet) for loc in locs})
        notices.append(
            notice(
                "unknown_stop",
                f"{name!r} is not in the stop master ({len(set(locs))} row(s) in {sheets} sheet(s))",
                locs[0],
            )
        )
    for name, locs in found.ambiguous.items():
        candidates = poles.by_name[name]
        ids = ", ".join(s.stop_id for s in candidates)
        notices.append(
            notice(
                "ambiguous_stop",
                f"{name!r} has several poles ({ids}) and nothing says which in "
                f"{len(set(locs))} row(s): used the pole other trips use between the same "
                f"stops, else {candidates[0].stop_id}; write the stop_id in the sheet",
                locs[0],
            )
        )
    return notices


def _neighbour_keys(names: list[str], k: int) -> list[tuple[str, ...]]:
    """Keys for voting on a pole: (previous, this, next) names, then (previous, this), (this, next)."""
    prev = names[k - 1] if k > 0 else ""
    nxt = names[k + 1] if k + 1 < len(names) else ""
    return [("pn", prev, names[k], nxt), ("p", prev, names[k]), ("n", names[k], nxt)]


def _id_location(ts: TripStop, profile: LayoutProfile) -> Location:
    loc = ts.name_location
    if not loc.cell or not profile.stop_id_col:
        return loc
    row = loc.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return Location(file=loc.file, sheet=loc.sheet, cell=f"{profile.stop_id_col}{row}")


def _same_stop_name(listed: str, name: str) -> bool:
    """A fare-table name matches a sheet name, also with pole numbers appended (``東通2``, ``…1・2``)."""
    listed = normalize_text(listed)
    rest = listed[len(name) :] if listed.startswith(name) else None
    return rest is not None and all(ch.isdigit() or ch in "・,、-" for ch in rest)


def _fare_table_hints(
    trips: list[Trip], fare_tables: list[FareTable]
) -> dict[tuple[str, int], str]:
    """Poles of each sheet row from the ``stop_id`` column of the route's fare triangle.

    The triangle's rows are aligned with the sheet's stop rows by name (a row repeated in the
    sheet, e.g. arrival and departure of a terminal, reuses the triangle row before it).
    """
    tables = {t.table_id: t for t in fare_tables}
    rows: dict[str, dict[int, str]] = defaultdict(dict)
    for trip in trips:
        if trip.route_id in tables:
            for ts in trip.stops:
                rows[trip.route_id][ts.index] = ts.name
    out: dict[tuple[str, int], str] = {}
    for route_id, by_index in rows.items():
        table = tables[route_id]
        j = 0
        prev: tuple[str, str] | None = None
        for index in sorted(by_index):
            name = by_index[index]
            found = next(
                (
                    k
                    for k in range(j, min(j + 3, len(table.names)))
                    if _same_stop_name(table.names[k], name)
                ),
                None,
            )
            if found is not None:
                if table.keys[found]:
                    out[(route_id, index)] = table.keys[found]
                prev = (name, table.keys[found])
                j = found + 1
            elif prev is not None and prev[0] == name and prev[1]:
                out[(route_id, index)] = prev[1]
    return out
