"""The ``shift`` edit: a route's trips (all, or some trips or services) run ``minutes`` later
at every stop (earlier when negative); trip ids, stops and run times stay."""

from __future__ import annotations

from transit.demand.scenarios.feedops import calls_of, put_calls, route_trips, shifted
from transit.demand.scenarios.scenario import Shift
from transit.gtfs.feedio import Feed

Problem = tuple[str, str]
"""(key, message) of one problem in an edit."""


def check_shift(edit: Shift, feed: Feed) -> list[Problem]:
    """Problems of ``edit``: unknown route, trips not on it, unknown services, a zero shift."""
    if edit.route not in set(feed.routes["route_id"].astype(str)):
        return [("route", f"no route {edit.route!r} in the feed")]
    known = set(route_trips(feed, edit.route)["trip_id"].astype(str))
    found = [
        ("trips", f"no trip {t!r} on route {edit.route}") for t in edit.trips if t not in known
    ]
    services = set(feed.trips["service_id"].astype(str))
    found += [
        ("service_ids", f"no service {s!r} in the feed")
        for s in edit.service_ids
        if s not in services
    ]
    if edit.minutes == 0:
        found.append(("minutes", "a shift of 0 minutes changes nothing"))
    return found


def shift_trips(feed: Feed, edit: Shift) -> Feed:
    """``feed`` with the chosen trips of ``edit.route`` moved by ``edit.minutes``."""
    trips = route_trips(feed, edit.route)
    if edit.trips:
        trips = trips[trips["trip_id"].astype(str).isin(set(edit.trips))]
    if edit.service_ids:
        trips = trips[trips["service_id"].astype(str).isin(set(edit.service_ids))]
    calls = calls_of(feed, trips["trip_id"].astype(str))
    return put_calls(feed, {t: shifted(c, edit.minutes * 60.0) for t, c in calls.items()})
