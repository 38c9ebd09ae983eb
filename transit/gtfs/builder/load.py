"""A feed from whatever a user points at: a GTFS zip, a folder of ``.txt`` files, or a GTFS-JP
source folder (``feed.toml`` inside), which is built in memory.

The one place that decides how a path becomes a :class:`~transit.gtfs.feedio.Feed` for the
pipelines that read a feed but do not publish it (bus departures at on-demand hubs, the baseline
of a reorganization scenario).
"""

from __future__ import annotations

from pathlib import Path

from transit.core.errors import WorkError
from transit.core.notices import Severity
from transit.gtfs.builder.shapes import RoadNetwork
from transit.gtfs.builder.tables import build_tables
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.source.check import check_source
from transit.gtfs.source.read import read_source


def is_source_folder(path: Path) -> bool:
    """True when ``path`` is a GTFS-JP source folder (it holds ``feed.toml``)."""
    return path.is_dir() and (path / "feed.toml").is_file()


def load_feed(path: Path, *, network: RoadNetwork | None = None) -> Feed:
    """The feed at ``path``; a source folder is read, checked and built in memory (shapes along
    ``network`` when given). Raises :class:`~transit.core.errors.WorkError` naming the first
    ERROR notice when the source folder has any (as ``transit gtfs build`` refuses it)."""
    path = Path(path)
    if not is_source_folder(path):
        return read_feed(path)
    source = read_source(path)
    notices = [*source.notices, *check_source(source)]
    errors = [n for n in notices if n.severity is Severity.ERROR]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise WorkError(f"{path.name}: the source folder has errors, e.g. {errors[0]}{more}")
    return Feed(build_tables(source, network=network), path)
