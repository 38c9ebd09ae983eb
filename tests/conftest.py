"""Shared fixtures: the external data folder (skips with a reason when absent) and the sample city."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.demo_run import DemoRun, run_light_demo
from transit.core.paths import ENV_EXTERNAL, external_data_dir, sample_dir


@pytest.fixture(scope="session")
def external() -> Path:
    """The external data folder (../shared/data/external); skips the test when it is absent."""
    found = external_data_dir(required=False)
    if found is None:
        pytest.skip(
            f"external data absent: put ../shared beside the checkout or set {ENV_EXTERNAL}"
        )
    return found


@pytest.fixture(scope="session")
def sample() -> Path:
    """The embedded sample city folder (data/sample)."""
    return sample_dir()


@pytest.fixture(scope="session")
def light_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One light demo run shared by every test of the session that reads the demo's outputs
    (the evidence tests, the browser tests)."""
    return run_light_demo(tmp_path_factory.mktemp("demo"))
