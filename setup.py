"""Build hook: the wheel carries the sample city (``data/sample``) as ``transit/_sample``.

``data/sample`` stays the one source of truth in the repository; this copies it into the build
folder only, so an installed package runs ``transit demo`` outside any checkout (see
:func:`transit.core.paths.sample_dir`). Everything else is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SAMPLE = Path(__file__).resolve().parent / "data" / "sample"


class BuildWithSample(build_py):
    """``build_py`` that also copies the sample city into the built package."""

    def run(self) -> None:
        super().run()
        if not SAMPLE.is_dir():
            raise SystemExit(f"the sample city is missing: {SAMPLE}")
        target = Path(self.build_lib) / "transit" / "_sample"
        shutil.copytree(SAMPLE, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithSample})
