"""Ridership: records -> store -> KPIs, load profiles, OD."""
