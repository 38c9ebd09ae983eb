"""An installed wheel runs the demo outside any checkout (the wheel carries the sample city)."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from transit.core.paths import REPO_DIR


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args[:3]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


@pytest.mark.slow
def test_built_wheel_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv (its dependencies are taken from this
    environment's site-packages, so no network is needed), and run ``transit demo`` from a folder
    outside the checkout: the package must carry everything the demo reads."""
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        REPO_DIR,
    )
    (wheel,) = dist.glob("transit-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    py = venv / "bin" / "python"
    site = Path(
        _run(
            [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
        ).strip()
    )
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        tmp_path,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TRANSIT_EXTERNAL_DATA")}
    where = _run([str(py), "-c", "import transit; print(transit.__file__)"], work, env).strip()
    assert where.startswith(str(site)), where
    out = _run([str(venv / "bin" / "transit"), "demo", "--out", "X"], work, env)
    assert "transit demo wrote" in out
    for rel in (
        "gtfs/sample-feed-2026.zip",
        "gtfs/archive/history.json",
        "demand/report/ridership_report.xlsx",
        "drt/ranking.xlsx",
        "maps/feed.html",
    ):
        assert (work / "X" / rel).is_file(), rel
