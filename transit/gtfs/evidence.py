"""Provenance of the GTFS-JP pipeline (:mod:`transit.core.provenance`): a feed as an input
(with the period it covers), and the records of a build, a judge's report, a diff and a
publication, written beside what each made. A feed built from the sample city's source folder
inherits its ``sample_city`` flag, and so does everything made from that feed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transit.core import provenance as prov
from transit.core.errors import TransitError
from transit.gtfs.feedio import read_feed


def feed_period(path: Path) -> str:
    """``YYYYMMDD–YYYYMMDD``: the period a feed covers (``feed_info.txt``, else the span of
    ``calendar.txt``); ``""`` when it cannot be read."""
    try:
        feed = read_feed(path)
    except (TransitError, OSError, ValueError):
        return ""
    info = feed.tables.get("feed_info")
    if info is not None and len(info) and {"feed_start_date", "feed_end_date"} <= set(info):
        return f"{info['feed_start_date'].iloc[0]}–{info['feed_end_date'].iloc[0]}"
    cal = feed.tables.get("calendar")
    if cal is not None and len(cal):
        return f"{cal['start_date'].astype(str).min()}–{cal['end_date'].astype(str).max()}"
    return ""


def feed_source(path: Path, role: str = "feed") -> prov.Source:
    """A feed as an input: its SHA-256, flags and the period it covers."""
    return prov.source(role, path, period=feed_period(path))


def write_build_provenance(
    feed: Path,
    *,
    source_dir: Path,
    network: Path | None = None,
    stops_from: Path | None = None,
    profile: str = "",
) -> list[Path]:
    """Record that ``feed`` was built from ``source_dir`` (the road ``network`` its shapes
    follow, the stops file ``stops_from``); returns the ``provenance.json`` written."""
    inputs = [prov.source("source", source_dir)]
    for role, path in (("network", network), ("stops_from", stops_from)):
        if path is not None:
            inputs.append(prov.source(role, path))
    return prov.write_provenance(
        "GTFS-JPフィード / a GTFS-JP feed built from a source folder",
        inputs=inputs,
        settings={"profile": profile} if profile else None,
        outputs=[feed],
    )


def write_feed_provenance(
    what: str, feeds: Sequence[tuple[str, Path]], outputs: Sequence[Path]
) -> list[Path]:
    """Record that ``outputs`` (a judge's report, a diff, a map …) were made from ``feeds``
    (``(role, path)``: ``feed``, or ``old`` and ``new``); returns the ``provenance.json`` files
    written."""
    return prov.write_provenance(
        what, inputs=[feed_source(path, role) for role, path in feeds], outputs=outputs
    )
