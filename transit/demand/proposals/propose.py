"""``propose``: every rule on the store and feed, a scenario file per proposal, each scored by
the scenario evaluator and ranked (:mod:`.rank`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transit.core.fileio import atomic_write_text
from transit.demand.proposals.facts import Facts, read_facts
from transit.demand.proposals.headways import headway_proposals
from transit.demand.proposals.model import Proposal
from transit.demand.proposals.ondemand import ondemand_proposals
from transit.demand.proposals.overlaps import overlap_proposals
from transit.demand.proposals.params import ProposalParams
from transit.demand.proposals.rank import rank_proposals
from transit.demand.proposals.redesign import redesign_proposals
from transit.demand.proposals.tails import tail_proposals
from transit.demand.proposals.tomlfile import scenario_toml
from transit.demand.proposals.trips import trip_proposals
from transit.demand.scenarios.evaluate import Evaluation, evaluate_scenario
from transit.demand.scenarios.riders import read_riders
from transit.demand.scenarios.scenario import load_scenario

#: The rules, in the order their proposals are listed before ranking.
RULES: tuple[Callable[[Facts, ProposalParams], list[Proposal]], ...] = (
    tail_proposals,
    trip_proposals,
    headway_proposals,
    ondemand_proposals,
    overlap_proposals,
)

Progress = Callable[[str], None]


@dataclass(frozen=True, eq=False)
class Proposals:
    """The outcome: ``facts`` read, ``proposals`` (by id), ``ranked`` (the table of
    :func:`transit.demand.proposals.rank.rank_proposals`), ``base`` and ``evaluations`` (by
    proposal id), ``files`` (the scenario files written, base first), the ``budget``, the
    ``params``, the ``store`` read and the ``attachments`` written beside the scenario files."""

    facts: Facts
    proposals: dict[str, Proposal]
    ranked: pd.DataFrame
    base: Evaluation
    evaluations: dict[str, Evaluation]
    files: tuple[Path, ...]
    budget: float | None
    params: ProposalParams
    store: Path
    attachments: tuple[Path, ...] = ()


def find_proposals(
    facts: Facts,
    params: ProposalParams | None = None,
    *,
    budget_vehicle_hours: float | None = None,
) -> list[Proposal]:
    """Every rule's proposals, rule by rule, then the ``redesign`` proposal (its headways
    keep the weekday vehicle-hours within ``budget_vehicle_hours`` when given)."""
    params = params or ProposalParams()
    found = [p for rule in RULES for p in rule(facts, params)]
    return found + redesign_proposals(facts, params, budget_vehicle_hours=budget_vehicle_hours)


def write_scenarios(
    proposals: list[Proposal],
    feed: Path,
    folder: Path,
    *,
    network: Path | None = None,
    population: Path | None = None,
) -> list[Path]:
    """Write ``folder/base.toml`` (no edits) and ``folder/<id>.toml`` per proposal; paths in
    the files are relative to ``folder``. Returns the files, base first."""
    folder.mkdir(parents=True, exist_ok=True)

    def rel(p: Path) -> str:
        return Path(os.path.relpath(p.resolve(), folder.resolve())).as_posix()

    head: dict[str, str] = {"baseline": rel(feed)}
    if network is not None:
        head["network"] = rel(network)
    if population is not None:
        head["population"] = rel(population)
    paths = [folder / "base.toml"]
    atomic_write_text(
        paths[0], scenario_toml({"name": "base", "title": "現行ダイヤ（基準）", **head}, [])
    )
    for p in proposals:
        text = scenario_toml(
            {"name": p.id, "title": p.title_ja, **head},
            p.edits,
            comment=f"transit routes propose: {p.kind}",
        )
        for name, body in p.attachments:
            atomic_write_text(folder / name, body)
        paths.append(folder / f"{p.id}.toml")
        atomic_write_text(paths[-1], text)
    return paths


def propose(
    store: Path,
    feed: Path,
    out_dir: Path,
    *,
    budget_vehicle_hours: float | None = None,
    params: ProposalParams | None = None,
    network: Path | None = None,
    population: Path | None = None,
    facts: Facts | None = None,
    progress: Progress | None = None,
) -> Proposals:
    """Find the proposals on ``store`` and ``feed`` (``facts``: already read by
    :func:`transit.demand.proposals.facts.read_facts`), write their scenario files into
    ``out_dir/scenarios`` and score them (base first); nothing else is written."""
    say = progress or (lambda _m: None)
    say("ridership")
    facts = facts if facts is not None else read_facts(store, feed)
    params = params or ProposalParams()
    found = find_proposals(facts, params, budget_vehicle_hours=budget_vehicle_hours)
    files = write_scenarios(
        found, feed, out_dir / "scenarios", network=network, population=population
    )
    riders = read_riders(store)
    say("base")
    base = evaluate_scenario(load_scenario(files[0]), riders)
    evaluations = {}
    for p, path in zip(found, files[1:], strict=True):
        say(p.id)
        evaluations[p.id] = evaluate_scenario(load_scenario(path), riders)
    ranked = rank_proposals(
        found, base, list(evaluations.values()), budget_vehicle_hours=budget_vehicle_hours
    )
    extra = tuple(out_dir / "scenarios" / name for p in found for name, _ in p.attachments)
    return Proposals(
        facts, {p.id: p for p in found}, ranked, base, evaluations, tuple(files),
        budget_vehicle_hours, params, store, extra,
    )  # fmt: skip
