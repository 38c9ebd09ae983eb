"""Rule ``overlap`` (重複区間の等間隔化): two routes that share a run of stops and leave it
together get an even headway on it (edit ``shift``).

Per service, each route direction's most common stop pattern; for two directions of different
routes, the longest run of consecutive stops both patterns share (at least
``min_shared_stops``). A trip of the second route (in route id order) *bunches* when it leaves
the run's first stop within ``max_bunch_min`` minutes of a trip of the first. Those trips move
later by half the first route's median headway at that stop (whole minutes), so that on the
shared run the two routes alternate.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pandas as pd

from transit.core.gtfstime import format_hhmm
from transit.demand.proposals.facts import Facts
from transit.demand.proposals.model import Evidence, Proposal, slug, strongest
from transit.demand.proposals.params import ProposalParams

Key = tuple[str, int, str]
"""(route_id, direction_id, service_id) of a group of trips."""


def overlap_proposals(facts: Facts, params: ProposalParams) -> list[Proposal]:
    """One ``overlap`` proposal per pair of route directions and service found (at most
    ``max_per_rule``, the most bunched first)."""
    st = facts.schedule.stop_times.sort_values(["trip_id", "seq"], kind="stable")
    seqs = {str(t): tuple(g.astype(str)) for t, g in st.groupby("trip_id", sort=False)["stop_id"]}
    deps = {str(t): g.to_numpy(dtype=float) for t, g in st.groupby("trip_id", sort=False)["dep_s"]}
    trips = facts.schedule.trips
    groups: dict[Key, list[str]] = {}
    for t, r, d, s in trips[["trip_id", "route_id", "direction_id", "service_id"]].itertuples(
        index=False
    ):
        if str(t) in seqs:
            groups.setdefault((str(r), int(d), str(s)), []).append(str(t))
    pattern = {k: Counter(seqs[t] for t in v).most_common(1)[0][0] for k, v in groups.items()}
    found = []
    for a, b in combinations(sorted(groups), 2):
        if a[0] == b[0] or a[2] != b[2]:
            continue
        run = _shared_run(pattern[a], pattern[b])
        if len(run) < params.min_shared_stops:
            continue
        at_a = _departures(groups[a], seqs, deps, run)
        at_b = _departures(groups[b], seqs, deps, run)
        if len(at_a) < 2:
            continue
        limit = params.max_bunch_min * 60.0
        times_a = np.array(sorted(at_a.values()))
        bunched = {
            t: float(np.min(np.abs(times_a - x)))
            for t, x in at_b.items()
            if float(np.min(np.abs(times_a - x))) <= limit
        }
        if bunched:
            headway = float(np.median(np.diff(times_a))) / 60.0
            found.append(_proposal(facts, a, b, run, bunched, at_b, headway))
    return strongest(found, params.max_per_rule)


def _shared_run(p: tuple[str, ...], q: tuple[str, ...]) -> tuple[str, ...]:
    """The longest run of consecutive stops of ``p`` that is also one of ``q`` (the first)."""
    best = (0, 0)
    prev = [0] * (len(q) + 1)
    for i in range(1, len(p) + 1):
        cur = [0] * (len(q) + 1)
        for j in range(1, len(q) + 1):
            if p[i - 1] == q[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best[0]:
                    best = (cur[j], i)
        prev = cur
    return p[best[1] - best[0] : best[1]]


def _departures(
    trips: list[str], seqs: dict[str, tuple[str, ...]], deps: dict[str, np.ndarray],
    run: tuple[str, ...],
) -> dict[str, float]:  # fmt: skip
    """Departure (s) from the run's first stop of each trip that runs the whole run."""
    out = {}
    n = len(run)
    for t in trips:
        s = seqs[t]
        i = next((k for k in range(len(s) - n + 1) if s[k : k + n] == run), None)
        if i is not None and not np.isnan(deps[t][i]):
            out[t] = float(deps[t][i])
    return out


def _proposal(
    facts: Facts, a: Key, b: Key, run: tuple[str, ...], bunched: dict[str, float],
    at_b: dict[str, float], headway: float,
) -> Proposal:  # fmt: skip
    shift = round(headway / 2)
    moved = sorted(bunched, key=lambda t: (at_b[t], t))
    name_a, name_b = facts.route_name(a[0]), facts.route_name(b[0])
    first, last = facts.stop_name(run[0]), facts.stop_name(run[-1])
    days = facts.service_label(b[2])
    kpis = facts.trips.set_index("trip_id")
    boardings = float(pd.to_numeric(kpis.loc[moved, "boardings"]).sum())
    gap = float(np.mean(list(bunched.values()))) / 60.0
    src = facts.source("trip KPIs")
    evidence = (
        Evidence("shared_stops", "重複区間の停留所数", float(len(run)), "停留所", "timetable (feed)"),
        Evidence("bunched_trips", "続行して発車する便数", float(len(moved)), "便", "timetable (feed)"),
        Evidence("bunch_gap_min", "続行便の発車時刻差（平均）", round(gap, 1), "分", "timetable (feed)"),
        Evidence("headway_min", f"{name_a}の運行間隔", round(headway, 1), "分", "timetable (feed)"),
        Evidence("shift_min", "提案の繰下げ", float(shift), "分", "rule"),
        Evidence("moved_boardings", "対象便の乗車人員（期間計）", boardings, "人", src),
    )  # fmt: skip
    times = "、".join(format_hhmm(at_b[t]) for t in moved)
    return Proposal(
        id=slug("overlap", b[0], str(b[1]), b[2], a[0]),
        kind="overlap",
        title_ja=f"{name_b}と{name_a}の重複区間（{first}～{last}）の等間隔化",
        change_ja=(
            f"{name_b}の{days}{first}{times}発の便を{shift}分繰り下げ、{first}～{last}で"
            f"{name_a}と交互に運行する（現在は同時刻に続行）。"
        ),
        edits=(
            {
                "kind": "shift",
                "route": b[0],
                "minutes": shift,
                "trips": moved,
                "service_ids": [b[2]],
            },
        ),
        evidence=evidence,
        severity=-float(len(moved)),
    )
