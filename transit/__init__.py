"""transit: bus open data, ridership analytics and on-demand dispatch studies for Nobeoka (延岡市).

The library is quiet: it logs to the ``transit`` logger and never configures handlers.
Only :mod:`transit.cli` parses arguments, prints, and draws progress bars.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
