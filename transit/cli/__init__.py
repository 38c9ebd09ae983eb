"""The ``transit`` command line: a thin layer that parses arguments into library calls.

Exit codes: 0 success, 1 the work failed, 2 bad input or usage. Errors are one line naming the
file and what is wrong; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
from collections.abc import Sequence

import click

from transit import __version__
from transit.cli.common import console_err
from transit.core.errors import TransitError
from transit.core.runinfo import running

EXIT_OK, EXIT_WORK, EXIT_INPUT = 0, 1, 2

#: Command groups, imported only when used so that `transit --help` starts fast:
#: name -> (module, attribute, one-line help).
COMMANDS: dict[str, tuple[str, str, str]] = {
    "gtfs": (
        "transit.cli.gtfs",
        "group",
        "GTFS-JP: timetable workbooks -> feed -> diff -> publish.",
    ),
    "demand": ("transit.cli.demand", "group", "Ridership: records -> KPIs, load profiles, OD."),
    "routes": (
        "transit.cli.routes",
        "group",
        "Route reorganization: scenarios, proposals from ridership, network design.",
    ),
    "drt": ("transit.cli.drt", "group", "On-demand dispatch: solver bench, day simulation, areas."),
    "maps": ("transit.cli.maps", "group", "Workshop maps (HTML that opens offline)."),
    "demo": ("transit.cli.demo", "command", "Run every pipeline on the embedded sample city."),
    "explain": (
        "transit.cli.explain",
        "command",
        "What a result is made from and which numbers rest on assumptions.",
    ),
}


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use (heavy libraries load late)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in sorted(COMMANDS)])


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="transit")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("-v", "--verbose", is_flag=True, help="Show the library's progress messages.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, verbose: bool) -> None:
    """延岡市バス交通ツールキット — bus open data (GTFS-JP), ridership analytics and
    on-demand (デマンド交通) dispatch studies. Start with `transit demo`.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    level = logging.DEBUG if debug else (logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        with running(["transit", *args]):  # the command line every provenance.json names
            cli.main(args=args, prog_name="transit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        cmd = exc.ctx.command_path if exc.ctx else "transit"
        console_err(f"error: {exc.format_message()} (see '{cmd} --help')")
        return EXIT_INPUT
    except click.Abort:
        console_err("aborted")
        return EXIT_WORK
    except TransitError as exc:
        if debug:
            raise
        console_err(f"error: {exc}")
        return exc.exit_code
    except OSError as exc:
        if debug:
            raise
        console_err(f"error: {os_error_line(exc)}")
        return EXIT_INPUT
    except KeyboardInterrupt:
        console_err("interrupted")
        return 130
    return EXIT_OK


#: What to do about an OS error, by errno (the path and the system's words come first).
_OS_HINTS = {
    errno.EACCES: "permission denied: choose a folder you can write to",
    errno.EPERM: "not permitted: choose a folder you can write to",
    errno.EROFS: "read-only file system: choose a folder you can write to",
    errno.ENOSPC: "no space left on the device: free some space or choose another folder",
    errno.EDQUOT: "disk quota exceeded: free some space or choose another folder",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "this is a folder, a file was expected",
}


def os_error_line(exc: OSError) -> str:
    """One line for an OS error on a path: ``PATH: what is wrong (what to do)``."""
    path = exc.filename if exc.filename is not None else "?"
    hint = _OS_HINTS.get(exc.errno or -1, (exc.strerror or str(exc)).lower())
    return f"{path}: {hint}"


def run() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
