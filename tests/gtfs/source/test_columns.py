"""The source folder's CSV columns: declared once, documented, written by `transit gtfs init`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transit.core.paths import REPO_DIR
from transit.gtfs.source.columns import ROUTES_CSV, STOPS_CSV, CsvFile
from transit.gtfs.source.template import write_template

DOC = REPO_DIR / "docs" / "source-format.md"


def _documented(spec: CsvFile) -> dict[str, bool]:
    """``{column: required}`` from the table under ``## {spec.name}`` in docs/source-format.md."""
    text = DOC.read_text("utf-8")
    section = text.split(f"\n## {spec.name}", 1)[1].split("\n## ", 1)[0]
    out: dict[str, bool] = {}
    for first, required in re.findall(r"^\| (`[^|]+`) \| ([^|]+) \|", section, re.M):
        for name in re.findall(r"`([a-z_]+)`", first):
            out[name] = required.strip() == "yes"
    return out


@pytest.mark.parametrize("spec", [STOPS_CSV, ROUTES_CSV], ids=lambda s: s.name)
def test_every_column_is_documented_with_whether_it_is_required(spec: CsvFile) -> None:
    documented = _documented(spec)
    assert list(documented) == list(spec.names)
    assert [c for c, required in documented.items() if required] == list(spec.required)


def test_init_writes_the_template_headers(tmp_path: Path) -> None:
    write_template(tmp_path / "src")
    for spec in (STOPS_CSV, ROUTES_CSV):
        header = (tmp_path / "src" / spec.name).read_text("utf-8").splitlines()[0]
        assert header.split(",") == list(spec.template)
    assert "location_type" not in STOPS_CSV.template
    assert STOPS_CSV.required == (
        "stop_id",
        "stop_name",
        "stop_name_kana",
        "stop_name_en",
        "stop_lat",
        "stop_lon",
    )
    assert ROUTES_CSV.required == ("route_id", "route_long_name_kana", "route_long_name_en")
