"""Write ``data/sample/provenance.json``: every file of the sample city with its SHA-256 and its
flags (``sample_city``; the road network also ``synthetic_roads``, the population
``synthetic_population``), so that everything made from them is flagged illustrative, even from
a copy (:func:`transit.core.provenance.find` looks the sample city's files up by content).

Run it after changing a file of ``data/sample`` (``tests/test_sample_city.py`` says when)::

    .venv/bin/python tools/sample_provenance.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from transit import __version__
from transit.core import provenance as prov
from transit.core.fileio import atomic_write_json, sha256_file
from transit.core.runinfo import csv_rows

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

#: Flags of the files under a sub-folder, beside ``sample_city`` (which every file has).
EXTRA_FLAGS = {"network": ("synthetic_roads",), "population": ("synthetic_population",)}


def sample_record(folder: Path) -> prov.Record:
    """The record of the sample city in ``folder``: one output per file."""
    outputs = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name == prov.FILE_NAME:
            continue
        top = path.relative_to(folder).parts[0]
        flags = ("sample_city", *EXTRA_FLAGS.get(top, ()))
        outputs.append(
            prov.Output(path, sha256_file(path), csv_rows(path), flags=tuple(sorted(flags)))
        )
    return prov.Record(
        what="the illustrative sample city (架空のサンプル都市): tools/make_sample_city.py",
        command=("python", "tools/sample_provenance.py"),
        tool={"name": "transit", "version": __version__},
        created="",
        flags=("sample_city", "synthetic_population", "synthetic_roads"),
        notes=(
            "Real place names at approximate coordinates; timetables, fares, population and "
            "road network are fictional or synthetic (data/sample/README.md).",
        ),
        outputs=tuple(outputs),
    )


def main(folder: Path = SAMPLE) -> int:
    atomic_write_json(folder / prov.FILE_NAME, prov.document([sample_record(folder)], folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
