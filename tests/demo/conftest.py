"""Fixtures for the demo steps: the ridership tests' tiny feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demand.conftest import write_feed


@pytest.fixture
def tiny_feed(tmp_path: Path) -> Path:
    """The 3-stop, 2-trip feed folder of the ridership tests."""
    return write_feed(tmp_path / "feed")
