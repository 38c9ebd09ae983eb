"""The ``transit`` command line: a thin layer that parses arguments into library calls.

Exit codes: 0 success, 1 the work failed, 2 bad input or usage. Errors are one line naming the
file and what is wrong; ``--debug`` shows the traceback as well.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import click

from transit import __version__
from transit.cli import demand as _demand
from transit.cli import demo as _demo
from transit.cli import drt as _drt
from transit.cli import gtfs as _gtfs
from transit.cli import maps as _maps
from transit.cli import routes as _routes
from transit.cli.common import console_err
from transit.errors import TransitError

EXIT_OK, EXIT_WORK, EXIT_INPUT = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


cli.add_command(_gtfs.group, "gtfs")
cli.add_command(_demand.group, "demand")
cli.add_command(_routes.group, "routes")
cli.add_command(_drt.group, "drt")
cli.add_command(_maps.group, "maps")
cli.add_command(_demo.command, "demo")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns (and, as a console script, exits with) the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
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
    except KeyboardInterrupt:
        console_err("interrupted")
        return 130
    return EXIT_OK


def run() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())
