"""Write ``docs/assumptions.md`` from the assumptions table (``transit/core/assumptions.toml``).

Run it after changing the table (``tests/core/test_assumptions.py`` says when)::

    .venv/bin/python tools/assumptions_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from transit.core.assumptions import markdown
from transit.core.fileio import atomic_write_text

DOC = Path(__file__).resolve().parents[1] / "docs" / "assumptions.md"


def main() -> int:
    atomic_write_text(DOC, markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
