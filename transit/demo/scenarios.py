"""The route reorganization part of ``transit demo``: the three sample scenarios compared.

:func:`run` evaluates ``data/sample/scenarios/base.toml`` and the three scenarios (a tail cut, a
midday headway change, an on-demand replacement of a rural valley) on the demo's feed and
ridership store, writes each edited feed and the judge's verdict on it, the comparison tables,
the per-rider journeys and a map per scenario. It prints nothing; it returns the files written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from transit.core import provenance as prov
from transit.core.errors import WorkError
from transit.core.fileio import atomic_write_json
from transit.core.paths import sample_dir
from transit.demand.scenarios.apply import write_scenario_feed
from transit.demand.scenarios.compare import compare_scenarios, write_comparison
from transit.demand.scenarios.evaluate import evaluate_scenario
from transit.demand.scenarios.riders import read_riders
from transit.demand.scenarios.scenario import load_scenario
from transit.gtfs.validate import validate_feed
from transit.maps.scenarios import write_scenario_maps

log = logging.getLogger(__name__)

#: The sample scenarios, the base first.
SCENARIOS = ("base", "kitagawa_tail", "loop_midday", "mukabaki_ondemand")


def run(feed_path: Path, store: Path, out_dir: Path, *, judge: bool = True) -> list[Path]:
    """Compare the sample scenarios on ``feed_path`` (the demo's feed) for the rides of
    ``store``; writes under ``out_dir`` (``transit demo`` passes ``demo-output/scenarios``).

    Raises :class:`WorkError` when the judge finds an error in an edited feed.
    """
    riders = read_riders(store)
    folder = sample_dir() / "scenarios"
    evaluations = []
    paths: list[Path] = []
    verdicts = {}
    for name in SCENARIOS:
        scenario = load_scenario(folder / f"{name}.toml", baseline=feed_path.resolve())
        evaluation = evaluate_scenario(scenario, riders)
        evaluations.append(evaluation)
        if name == SCENARIOS[0]:
            continue
        feed = write_scenario_feed(evaluation.applied, out_dir / "feeds" / f"{name}.zip")
        paths.append(feed)
        if judge:
            report = validate_feed(feed)
            verdicts[name] = report.summary()
            if report.errors:
                raise WorkError(f"the judge found {report.errors} errors in {feed.name}")
    if verdicts:
        judged = out_dir / "feeds" / "judge.json"
        atomic_write_json(judged, verdicts)
        feeds = [p for p in paths if p.suffix == ".zip"]
        record = prov.record(
            "編集済みフィードの検査結果 / the judge's verdicts on the edited feeds",
            inputs=[prov.source("feed", f) for f in feeds],
        )
        paths += [judged, *prov.write(record, [judged])]
    comparison = compare_scenarios(evaluations)
    k = evaluations[0].applied.scenario.costs.k
    paths += write_comparison(comparison, evaluations, out_dir, k=k, riders_from=store)
    paths += write_scenario_maps(evaluations, out_dir / "maps", k=k, riders_from=store)
    log.info("scenario demo: %d scenarios, %d files", len(evaluations), len(paths))
    return paths
