"""The day simulator of on-demand service: requests arrive, are inserted, routes re-optimized."""
