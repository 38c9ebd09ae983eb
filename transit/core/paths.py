"""Where data lives: the embedded sample city and the external (third-party) data folder.

The sample city's source of truth is ``data/sample`` in the checkout; a built wheel carries a copy
as the package resource ``transit/_sample`` (``setup.py`` copies it at build time), so an
installed package runs ``transit demo`` outside any checkout.

External data is never copied into the repository; it is read from ``../shared/data/external``
beside the checkout, or from the folder named by the ``TRANSIT_EXTERNAL_DATA`` environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from transit.core.errors import DataNotFoundError

ENV_EXTERNAL = "TRANSIT_EXTERNAL_DATA"

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = PACKAGE_DIR.parent
#: Where a built wheel keeps the sample city (see ``setup.py``).
PACKAGED_SAMPLE = PACKAGE_DIR / "_sample"


def sample_dir() -> Path:
    """The embedded sample city folder: ``data/sample`` in a checkout, else the copy that an
    installed wheel carries (``transit/_sample``)."""
    checkout = REPO_DIR / "data" / "sample"
    if checkout.is_dir() and (REPO_DIR / "pyproject.toml").is_file():
        return checkout
    if PACKAGED_SAMPLE.is_dir():
        return PACKAGED_SAMPLE
    raise DataNotFoundError(
        f"the sample city is missing: neither {checkout} nor {PACKAGED_SAMPLE} exists "
        "(reinstall the package)"
    )


def external_data_dir(*, required: bool = True) -> Path | None:
    """Locate the external data folder.

    Order: ``$TRANSIT_EXTERNAL_DATA``, then ``../shared/data/external`` beside the checkout.
    Returns the folder, or ``None`` when absent and ``required`` is false; raises
    :class:`DataNotFoundError` naming both places looked at when absent and required.
    """
    env = os.environ.get(ENV_EXTERNAL)
    candidates = [Path(env)] if env else []
    candidates.append(REPO_DIR.parent / "shared" / "data" / "external")
    for cand in candidates:
        if cand.is_dir():
            return cand.resolve()
    if not required:
        return None
    looked = " and ".join(str(c) for c in candidates)
    raise DataNotFoundError(
        f"external data not found (looked at {looked}); set {ENV_EXTERNAL} to its folder"
    )


def external_path(*parts: str) -> Path:
    """A path inside the external data folder; raises :class:`DataNotFoundError` if missing."""
    base = external_data_dir(required=True)
    assert base is not None
    path = base.joinpath(*parts)
    if not path.exists():
        raise DataNotFoundError(f"external data file not found: {path}")
    return path
