"""Commands of `transit gtfs` (feed part): validate, diff, publish, export, stats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from transit.cli.common import print_table, say, say_evidence, write_json
from transit.core.errors import InputError, Location, WorkError
from transit.gtfs.archive.lock import DEFAULT_WAIT_S, ENV_WAIT
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.continuity import MIN_DAYS
from transit.gtfs.diff import MOVE_THRESHOLD_M, diff_feeds
from transit.gtfs.evidence import write_feed_provenance
from transit.gtfs.export.folder import export_feed
from transit.gtfs.feedio import read_feed
from transit.gtfs.stats import (
    compute_service_stats,
    default_dates,
    read_feed_kit,
    write_service_stats,
)
from transit.gtfs.validate import format_report, validate_feed

FEED = click.Path(exists=True, path_type=Path)


def _json_option(what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``--json FILE``: write ``what`` as JSON."""
    return click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Write {what} as JSON.",
    )


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"--date {value!r} is not a date YYYY-MM-DD", Location(field="--date")
        ) from None


@click.command(name="validate")
@click.argument("feed", type=FEED)
@click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    help="Validation date (default: the feed's first day).",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the judge's report.json / report.html here.",
)
@_json_option("the summary")
def validate_cmd(
    feed: Path, date_text: str | None, report_dir: Path | None, json_path: Path | None
) -> None:
    """Run the independent judge (gtfs-validator, country JP, pinned date) on FEED.

    Prints errors / warnings / infos by code. Exit 1 when the judge reports an ERROR.
    """
    report = validate_feed(feed, date=_date(date_text), out_dir=report_dir)
    if report_dir is not None:
        reports = sorted(report_dir.glob("report.*"))
        write_feed_provenance(
            "独立検証（gtfs-validator）の結果 / the judge's report", [("feed", feed)], reports
        )
    for line in format_report(report):
        say(line)
    if json_path is not None:
        write_json(json_path, report.summary())
    if not report.ok:
        raise WorkError(f"{feed.name}: the judge reported {report.errors} error(s)")


@click.command(name="diff")
@click.argument("old", type=FEED)
@click.argument("new", type=FEED)
@_json_option("the diff")
@click.option(
    "--move-threshold",
    default=MOVE_THRESHOLD_M,
    show_default=True,
    help="Metres a stop must move to be reported.",
)
@click.option(
    "--min-days", default=MIN_DAYS, show_default=True, help="Days the new feed must cover."
)
@click.option("--check", is_flag=True, help="Exit 1 when a continuity check fails.")
def diff_cmd(
    old: Path, new: Path, json_path: Path | None, move_threshold: float, min_days: int, check: bool
) -> None:
    """Compare OLD (published) and NEW feeds: stops, routes, patterns, trips, fares, continuity."""
    result = diff_feeds(
        read_feed(old), read_feed(new), move_threshold_m=move_threshold, min_days=min_days
    )
    say(f"{old.name} → {new.name}")
    for line in result.lines():
        say(line)
    if json_path is not None:
        write_json(json_path, result.as_dict())
        write_feed_provenance(
            "フィードの差分と継続性 / the diff of two feeds",
            [("old", old), ("new", new)],
            [json_path],
        )
    if check and not result.continuity_ok:
        failed = ", ".join(c.code for c in result.continuity if not c.ok)
        raise WorkError(f"{new.name}: continuity with {old.name} fails ({failed})")


@click.command(name="publish")
@click.argument("feed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--archive",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Archive folder (DIR/YYYYMMDD-vN/, DIR/latest/).",
)
@click.option(
    "--force", is_flag=True, help="Publish despite judge errors or a continuity break (recorded)."
)
@click.option(
    "--wait",
    "wait_s",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help=f"Wait up to SECONDS for another publication of the archive to finish "
    f"(default {DEFAULT_WAIT_S:g}: exit 1 at once; {ENV_WAIT} changes the default).",
)
def publish_cmd(feed: Path, archive: Path, force: bool, wait_s: float | None) -> None:
    """Publish FEED into the archive as the next version and make it the latest.

    Refuses (exit 1) a feed already published, one the judge finds errors in, or one that breaks
    continuity with the latest version (unless --force, which is recorded in the manifest), and
    exits 1 while another publication of the archive is in progress (see --wait). First cleans
    what an interrupted publication left, and says what it did ("recovered: ...").
    """
    pub = publish_feed(feed, archive, force=force, wait_s=wait_s, on_recovered=say)
    write_feed_provenance(
        "公開アーカイブ / the archive of published feeds", [("feed", feed)], [archive]
    )
    say(f"published {feed.name} as {pub.version}")
    say(f"  folder  {pub.path}")
    say(f"  latest  {archive / 'latest' / 'feed.zip'}")
    say(f"  sha256  {pub.sha256}")
    val = pub.manifest["validation"]
    say(f"  judge   {val['errors']} errors, {val['warnings']} warnings, {val['infos']} infos")
    for line in pub.overridden:
        say(f"  FORCED  {line}")


@click.command(name="export")
@click.argument("feed", type=FEED)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Source folder to write.",
)
@click.option("--overwrite", is_flag=True, help="Replace OUT when it exists.")
@_json_option("counts and losses")
def export_cmd(feed: Path, out_dir: Path, overwrite: bool, json_path: Path | None) -> None:
    """Write FEED back into a source folder (feed.toml, stops.csv, routes.csv, timetables/, fares/)."""
    draft = export_feed(read_feed(feed), out_dir, overwrite=overwrite)
    say(
        f"{feed.name} → {out_dir}: {draft.trips} trips, {draft.stop_times} stop times, "
        f"{len(draft.sheets)} timetable sheets, {len(draft.fare_sheets)} fare tables"
    )
    for loss in draft.losses:
        say(f"  not kept: {loss.code} {loss.count} — {loss.message}")
    if json_path is not None:
        write_json(
            json_path,
            {
                "trips": draft.trips,
                "stop_times": draft.stop_times,
                "sheets": len(draft.sheets),
                "fare_tables": len(draft.fare_sheets),
                "losses": {x.code: {"count": x.count, "message": x.message} for x in draft.losses},
                "id_map": {k: dict(v) for k, v in draft.id_map.items()},
            },
        )


@click.command(name="stats")
@click.argument("feed", type=FEED)
@click.option(
    "--date",
    "dates",
    multiple=True,
    metavar="YYYYMMDD",
    help="Day to count (repeatable; default: a Wednesday and a Saturday of the first week).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the table as an Excel workbook (日本語の見出し).",
)
def stats_cmd(feed: Path, dates: tuple[str, ...], out: Path | None) -> None:
    """Service per route and day (gtfs-kit): trips, first/last, headways, km, hours, speed."""
    kit = read_feed_kit(feed)
    table = compute_service_stats(kit, list(dates) or default_dates(kit))
    cols = ["date", "route_id", "num_trips", "first_departure", "last_arrival"]
    cols += ["mean_headway_min", "service_km", "service_hours"]
    rows = table[cols].astype(object).where(table[cols].notna(), "").to_numpy().tolist()
    print_table(f"{feed.name}: service by route and day", cols, rows)
    if out is not None:
        say(f"wrote {write_service_stats(table, out, feed=feed)}")
        say_evidence(out)


COMMANDS: list[click.Command] = [validate_cmd, diff_cmd, publish_cmd, export_cmd, stats_cmd]
