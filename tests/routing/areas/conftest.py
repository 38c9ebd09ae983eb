"""Shared builders of the area tests: a tiny two-area study on the sample city."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.routing.areas.tiny import TINY
from transit.routing.areas.config import AreaConfig, load_areas


@pytest.fixture(scope="module")
def tiny_areas(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> list[AreaConfig]:
    """Two sample areas with a 2-hour day and a handful of requests (no re-optimization)."""
    if not (sample / "network" / "roads.graphml").is_file():
        pytest.skip("sample city not generated yet")
    folder = tmp_path_factory.mktemp("areas")
    names = []
    for aid, name, n in (("kitaura", "北浦", 6), ("kitagawa", "北川", 8)):
        (folder / f"{aid}.toml").write_text(
            TINY.format(id=aid, name=name, sample=sample, n=n), "utf-8"
        )
        names.append(f'"{aid}.toml"')
    (folder / "AREAS.toml").write_text(
        f'reference = "kitaura"\nareas = [{", ".join(names)}]\n', "utf-8"
    )
    return load_areas(folder / "AREAS.toml").areas
