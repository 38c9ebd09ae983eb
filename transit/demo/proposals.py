"""The proposals part of ``transit demo``: proposals drawn from the demo's ridership store,
then the top ones compared next to the baseline.

:func:`run` runs :func:`transit.demand.proposals.propose.propose` on the demo's feed and store
(writing ``proposals.csv``, ``proposals.xlsx``, ``proposals_ja.txt``, the scenario files and
provenance under ``out_dir``), then writes the comparison of the base and the ``top`` ranked
proposals under ``out_dir/compare`` (the same evaluations, as ``transit routes compare``
writes them). It prints nothing; it returns the files written.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from transit.demand.proposals.params import ProposalParams
from transit.demand.proposals.propose import propose
from transit.demand.proposals.write import write_proposals
from transit.demand.scenarios.compare import compare_scenarios, write_comparison

log = logging.getLogger(__name__)


def run(feed_path: Path, store: Path, out_dir: Path, *, top: int = 3) -> list[Path]:
    """Propose on ``feed_path`` and ``store``; compare the base with the ``top`` proposals.
    ``transit demo`` passes ``demo-output/proposals``."""
    # one proposal per rule: an on-demand zone takes about 20 s to simulate
    params = dataclasses.replace(ProposalParams(), max_per_rule=1)
    result = propose(store, feed_path, out_dir, params=params)
    paths = [*result.files, *result.attachments, *write_proposals(result, out_dir)]
    best = [result.evaluations[str(i)] for i in result.ranked["id"].head(top)]
    evaluations = [result.base, *best]
    comparison = compare_scenarios(evaluations)
    paths += write_comparison(
        comparison, evaluations, out_dir / "compare", k=result.params.k, riders_from=store
    )
    log.info("proposals demo: %d proposals, %d files", len(result.proposals), len(paths))
    return paths
