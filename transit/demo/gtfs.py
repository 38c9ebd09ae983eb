"""The GTFS-JP part of ``transit demo``: the open-data workflow on the sample city.

1. check and build the sample source folder (shapes along the sample road network);
2. judge the feed with the independent validator; count service per route (gtfs-kit);
3. publish it into a fresh archive (version 1);
4. make a *timetable revision* (next fiscal year, one loop trip five minutes later), build it,
   diff it against the published feed (continuity included) and publish it as version 2;
5. draw the feed map (offline HTML).

Nothing here prints; the CLI shows progress and the list of files.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import openpyxl

from transit.core import provenance as prov
from transit.core.errors import WorkError
from transit.core.explain import summary
from transit.core.fileio import atomic_write_json, atomic_write_text
from transit.core.gtfstime import format_hhmm, parse_clock
from transit.core.notices import has_errors
from transit.core.paths import sample_dir
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.builder.shapes import RoadNetwork
from transit.gtfs.builder.tables import build_tables, write_tables
from transit.gtfs.diff import diff_feeds
from transit.gtfs.evidence import feed_source, write_build_provenance, write_feed_provenance
from transit.gtfs.feedio import read_feed
from transit.gtfs.source.check import check_source
from transit.gtfs.source.read import read_source
from transit.gtfs.stats import (
    compute_service_stats,
    default_dates,
    read_feed_kit,
    write_service_stats,
)
from transit.gtfs.validate import validate_feed
from transit.maps import mapkit
from transit.maps.feed import map_feed
from transit.maps.outline import city_boundary
from transit.maps.reference import add_real_places, real_places
from transit.routing.roads.network import read_graphml

_JUDGE = "独立検証（gtfs-validator）の結果 / the judge's report on a feed"
_DIFF = "フィードの差分と継続性 / the diff and continuity of two feeds"
_ARCHIVE = "公開アーカイブ / the archive of published feeds"

#: The revision the demo makes: this trip of the loop line runs 5 minutes later.
REVISED_WORKBOOK = "04_loop.xlsx"
REVISED_SHEET = "4_右回り_平日"
REVISED_COLUMN = "E"


def build_source(source_dir: Path, feed_path: Path, *, network: Path | None = None) -> Path:
    """Check and build ``source_dir`` into ``feed_path``; refuse on ERROR notices."""
    source = read_source(source_dir)
    notices = [*source.notices, *check_source(source)]
    if has_errors(notices):
        first = next(n for n in notices if str(n.severity) == "ERROR")
        raise WorkError(f"the sample source folder has errors, e.g. {first}")
    road = RoadNetwork(read_graphml(network)) if network is not None else None
    write_tables(build_tables(source, network=road), feed_path)
    write_build_provenance(feed_path, source_dir=source_dir, network=network)
    return feed_path


def revise_source(source_dir: Path, target: Path) -> Path:
    """Copy ``source_dir`` to ``target`` as next year's timetable (a demo revision).

    The feed period moves one year on (dates in feed.toml), and the loop line's second weekday
    clockwise trip leaves every stop 5 minutes later.
    """
    shutil.copytree(source_dir, target)
    toml = target / "feed.toml"
    text = toml.read_text("utf-8")
    text = text.replace('version = "2026-04-01"', 'version = "2027-04-01"')
    text = text.replace("start_date = 2026-04-01", "start_date = 2027-04-01")
    text = text.replace("end_date = 2027-03-31", "end_date = 2028-03-31")
    toml.write_text(text, "utf-8")
    book_path = target / "timetables" / REVISED_WORKBOOK
    book = openpyxl.load_workbook(book_path)
    sheet = book[REVISED_SHEET]
    for row in range(7, sheet.max_row + 1):
        cell = sheet[f"{REVISED_COLUMN}{row}"]
        if isinstance(cell.value, str) and ":" in cell.value:
            cell.value = format_hhmm(parse_clock(cell.value) + 5 * 60)
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)
    book.save(book_path)
    return target


def _offline_report(folder: Path) -> None:
    """Make the judge's ``report.html`` open offline (its jQuery files written beside it)."""
    page = folder / "report.html"
    if page.is_file():
        mapkit.localize_page(page)


def run(out_dir: Path) -> list[Path]:
    """Run the open-data workflow on the sample city into ``out_dir/gtfs`` and ``out_dir/maps``.

    Returns the files written: two feeds, the judge's report, notices, the diff (text and
    JSON), the archive's manifests, and the feed map.
    """
    sample = sample_dir()
    gtfs_dir = out_dir / "gtfs"
    if gtfs_dir.exists():
        shutil.rmtree(gtfs_dir)
    gtfs_dir.mkdir(parents=True)
    network = sample / "network" / "roads.graphml"
    feed_v1 = build_source(sample / "gtfs", gtfs_dir / "sample-feed-2026.zip", network=network)
    report = validate_feed(feed_v1, out_dir=gtfs_dir / "judge-2026")
    _offline_report(gtfs_dir / "judge-2026")
    if report.errors:
        raise WorkError(f"the judge found {report.errors} errors in the sample feed")
    archive = gtfs_dir / "archive"
    pub1 = publish_feed(feed_v1, archive, report=report)
    kit = read_feed_kit(feed_v1)
    stats = write_service_stats(
        compute_service_stats(kit, default_dates(kit)),
        gtfs_dir / "service-stats-2026.xlsx",
        feed=feed_v1,
    )

    with tempfile.TemporaryDirectory(prefix="transit-demo-") as tmp:
        revised = revise_source(sample / "gtfs", Path(tmp) / "gtfs")
        feed_v2 = build_source(revised, gtfs_dir / "sample-feed-2027.zip", network=network)
    report2 = validate_feed(feed_v2, out_dir=gtfs_dir / "judge-2027")
    _offline_report(gtfs_dir / "judge-2027")
    diff = diff_feeds(read_feed(feed_v1), read_feed(feed_v2))
    atomic_write_text(gtfs_dir / "diff.txt", "\n".join(diff.lines()) + "\n")
    atomic_write_json(gtfs_dir / "diff.json", diff.as_dict())
    pub2 = publish_feed(feed_v2, archive, report=report2)
    judged = [(f, sorted((gtfs_dir / f"judge-{y}").glob("report.*"))) for f, y in
              ((feed_v1, 2026), (feed_v2, 2027))]  # fmt: skip
    for feed_path, reports in judged:
        write_feed_provenance(_JUDGE, [("feed", feed_path)], reports)
    diffs = [gtfs_dir / "diff.txt", gtfs_dir / "diff.json"]
    write_feed_provenance(_DIFF, [("old", feed_v1), ("new", feed_v2)], diffs)
    write_feed_provenance(_ARCHIVE, [("feed", feed_v1), ("feed", feed_v2)], [archive])

    maps_dir = out_dir / "maps"
    maps_dir.mkdir(parents=True, exist_ok=True)
    feed = read_feed(feed_v1)
    city = city_boundary()
    inputs = [feed_source(feed_v1), prov.source("network", network)]
    inputs += [prov.source("boundary", city.path)] if city.path else []
    real = real_places()
    inputs += [prov.source(role, path) for role, path in real.paths]
    record = prov.record("路線図 / map of the feed", inputs=inputs)
    roads = mapkit.graph_lines(read_graphml(network))
    credits = (*city.credits, *real.credits)
    fmap = map_feed(feed, roads=roads, boundary=city.geojson, attributions=credits)
    add_real_places(fmap, real)
    saved = mapkit.save_map(fmap, maps_dir / "feed.html", footer=summary(record))
    prov.write(record, [saved.path])
    files = [feed_v1, stats, feed_v2, gtfs_dir / "diff.txt", gtfs_dir / "diff.json"]
    files += sorted((gtfs_dir / "judge-2026").glob("report.*"))
    files += [pub1.path / "manifest.json", pub2.path / "manifest.json", saved.path]
    return files
