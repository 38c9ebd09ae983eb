"""Where every number of the atlas comes from: its input files (:class:`InputFile`) and the
credits each data source requires (:data:`ATTRIBUTIONS`).

A credit is shown wherever its data is drawn: 国土数値情報 for the N03 city boundary, OSM/ODbL
for a road network from OpenStreetMap, Geolonia 住所データ for the sample city (its stops and
villages were placed near Geolonia's town points, see ``data/sample/README.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from transit.core.fileio import sha256_file

#: The credit line of each data source.
ATTRIBUTIONS: dict[str, str] = {
    "n03": "国土数値情報（行政区域データ）（国土交通省）を加工して作成",
    "osm": "© OpenStreetMap contributors (ODbL)",
    "geolonia": "Geolonia 住所データ (CC BY 4.0)",
    "n02": "国土数値情報（鉄道データ）（国土交通省）, uedayou.net/jrslod",
}


@dataclass(frozen=True)
class InputFile:
    """One input of the atlas: its ``role`` (``feed``, ``store`` …), ``path``, a ``date`` that
    says when it was made or what period it covers, its SHA-256 (files only), and ``nature``:
    ``real``, ``synthetic`` (made up for the sample city) or ``assumed`` (parameters chosen,
    not observed), with a ``note``."""

    role: str
    path: Path
    date: str
    sha256: str = ""
    nature: str = "real"
    note: str = ""


def describe(
    role: str, path: Path, *, date: str = "", nature: str = "real", note: str = ""
) -> InputFile:
    """An :class:`InputFile` for ``path``: ``date`` defaults to the file's modification date,
    the SHA-256 is taken of files (not folders)."""
    when = date or _mtime(path)
    digest = sha256_file(path) if path.is_file() else ""
    return InputFile(role, path, when, digest, nature, note)


def _mtime(path: Path) -> str:
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return ""
    return dt.datetime.fromtimestamp(stamp).date().isoformat()
