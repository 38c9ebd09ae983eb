"""Commands of `transit gtfs` (build part): ``build``, ``check``, ``init``."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import click

from transit.cli.common import console_err, print_table, progress, say, write_json
from transit.core.errors import InputError, Location
from transit.core.notices import Notice, Severity, count_by_code, has_errors
from transit.gtfs.builder.losses import build_losses
from transit.gtfs.builder.shapes import RoadNetwork
from transit.gtfs.builder.tables import build_tables, write_tables
from transit.gtfs.evidence import write_build_provenance
from transit.gtfs.source.check import check_source
from transit.gtfs.source.model import Source
from transit.gtfs.source.read import read_source
from transit.gtfs.source.template import write_template
from transit.routing.roads.network import read_graphml


def _read_and_check(
    source_dir: Path, *, profile: str | None, stops_from: Path | None, all_sheets: bool = False
) -> tuple[Source, list[Notice]]:

    files = (
        sorted((source_dir / "timetables").glob("*"))
        if (source_dir / "timetables").is_dir()
        else []
    )
    with progress() as prog:
        task = prog.add_task("読み込み (reading workbooks)", total=max(len(files), 1))
        source = read_source(
            source_dir,
            profile=profile,
            stops_from=stops_from,
            all_sheets=all_sheets,
            progress=lambda _name: prog.advance(task),
        )
        prog.update(task, description="チェック (checking)")
        notices = check_source(source)
    return source, notices


def _show_notices(notices: Sequence[Notice], *, limit: int) -> None:
    worst_first = sorted(notices, key=lambda n: -int(n.severity))
    shown = [n for n in worst_first if n.severity >= Severity.WARNING][:limit]
    for n in shown:
        say(str(n))
    hidden = sum(1 for n in notices if n.severity >= Severity.WARNING) - len(shown)
    if hidden > 0:
        say(f"… {hidden} more (use --max-notices or --report FILE.json to see all)")
    counts = count_by_code(notices)
    if counts:
        print_table(
            "notices by code",
            ["severity", "code", "count"],
            [(sev, code, n) for (sev, code), n in counts.items()],
        )


def _report(path: Path | None, notices: Sequence[Notice], extra: dict[str, object]) -> None:
    if path is not None:
        write_json(path, {**extra, "notices": [n.as_dict() for n in notices]})


PROFILE_OPTION = click.option(
    "--profile",
    type=click.Choice(["transit", "muroran"]),
    default=None,
    help="Layout profile of the timetable sheets (default: [layout] profile of feed.toml).",
)
STOPS_FROM_OPTION = click.option(
    "--stops-from",
    "stops_from",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Take stops (poles, positions) from this GTFS feed instead of stops.csv (match by name).",
)
REPORT_OPTION = click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write every notice to this JSON file.",
)
MAX_NOTICES_OPTION = click.option(
    "--max-notices", default=50, show_default=True, help="How many notices to print."
)


@click.command(name="build")
@click.argument("source_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The feed zip to write.",
)
@click.option("--force", is_flag=True, help="Write the feed even when the checks found errors.")
@PROFILE_OPTION
@STOPS_FROM_OPTION
@click.option(
    "--network",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Road network (GraphML) to draw shapes along; straight segments otherwise.",
)
@REPORT_OPTION
@MAX_NOTICES_OPTION
def build_command(
    source_dir: Path,
    out: Path,
    force: bool,
    profile: str | None,
    stops_from: Path | None,
    network: Path | None,
    report: Path | None,
    max_notices: int,
) -> None:
    """Build a GTFS-JP feed (FEED.zip) from a source folder (時刻表フォルダ → GTFS-JP).

    A build with an ERROR notice writes no feed and exits with 2, unless --force.
    """

    start = time.perf_counter()
    source, notices = _read_and_check(source_dir, profile=profile, stops_from=stops_from)
    tables = None
    if force or not has_errors(notices):
        road = RoadNetwork(read_graphml(network)) if network is not None else None
        tables = build_tables(source, network=road)
        notices = [*notices, *build_losses(source, tables)]
    _show_notices(notices, limit=max_notices)
    errors = sum(1 for n in notices if n.severity is Severity.ERROR)
    if tables is None or (errors and not force):
        _report(report, notices, {"written": False})
        raise InputError(
            f"{errors} error(s) in the source folder; no feed written (fix them, or use --force)",
            _folder(source_dir),
        )
    write_tables(tables, out)
    write_build_provenance(
        out, source_dir=source_dir, network=network, stops_from=stops_from, profile=profile or ""
    )
    trips = tables["trips"]
    by_service = dict(sorted(Counter(trips["service_id"]).items()))
    _report(
        report,
        notices,
        {
            "written": True,
            "feed": str(out),
            "trips_by_service": by_service,
            "forced": force and errors > 0,
        },
    )
    if errors:
        console_err(f"warning: --force: feed written despite {errors} error(s)")
    print_table(
        "feed",
        ["table", "rows"],
        [(name, len(df)) for name, df in tables.items()],
    )
    say(
        f"wrote {out} ({len(trips)} trips: "
        + ", ".join(f"{k} {v}" for k, v in by_service.items())
        + f") in {time.perf_counter() - start:.1f} s"
    )


def _folder(path: Path) -> Location:
    """Where a source folder is, by the name of the folder it resolves to (``.`` is named)."""
    resolved = path.resolve()
    return Location(file=resolved.name or str(resolved))


@click.command(name="check")
@click.argument("source_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@PROFILE_OPTION
@STOPS_FROM_OPTION
@click.option(
    "--all-sheets",
    is_flag=True,
    help="Also read sheets whose route is not in routes.csv (check a whole operator workbook).",
)
@REPORT_OPTION
@MAX_NOTICES_OPTION
def check_command(
    source_dir: Path,
    profile: str | None,
    stops_from: Path | None,
    all_sheets: bool,
    report: Path | None,
    max_notices: int,
) -> None:
    """Check a source folder and list problems by workbook, sheet and cell (exit 2 on errors)."""
    source, notices = _read_and_check(
        source_dir, profile=profile, stops_from=stops_from, all_sheets=all_sheets
    )
    _show_notices(notices, limit=max_notices)
    trips = source.trips
    _report(report, notices, {"trips": len(trips)})
    errors = sum(1 for n in notices if n.severity is Severity.ERROR)
    say(f"{len(trips)} trips read; {errors} error(s), {len(notices) - errors} other notice(s)")
    if errors:
        raise InputError(f"{errors} error(s) in the source folder", _folder(source_dir))


@click.command(name="init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init_command(directory: Path) -> None:
    """Write an empty, commented source folder to start from."""

    for path in write_template(directory):
        say(f"wrote {path}")


COMMANDS: list[click.Command] = [build_command, check_command, init_command]
