"""The store's DuckDB connection (in memory, spilling only where allowed) and SQL quoting."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from transit.demand.store.options import IngestOptions

Connection = duckdb.DuckDBPyConnection


@contextmanager
def connect(
    options: IngestOptions | None = None, *, spill_dir: Path | None = None
) -> Iterator[Connection]:
    """An in-memory DuckDB connection; spilling to ``spill_dir`` only when given."""
    opts = options or IngestOptions()
    con = duckdb.connect(":memory:")
    try:
        target = "" if spill_dir is None else str(spill_dir)
        con.execute(f"SET temp_directory = {sql_str(target)}")
        con.execute(f"SET memory_limit = '{opts.memory_limit}'")
        con.execute("SET preserve_insertion_order = true")  # row numbers of the taps (k)
        if opts.threads:
            con.execute(f"SET threads = {int(opts.threads)}")
        yield con
    finally:
        con.close()


def sql_str(text: str) -> str:
    """A SQL string literal of ``text`` (single quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def sql_ident(name: str) -> str:
    """A quoted SQL identifier of ``name`` (double quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def sql_files(paths: Sequence[Path]) -> str:
    """A SQL list of file names, for ``read_parquet([...])``."""
    return "[" + ", ".join(sql_str(str(p)) for p in paths) + "]"
