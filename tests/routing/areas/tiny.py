"""A tiny area file on the sample city (2-hour day, a handful of requests, no re-optimization)."""

from __future__ import annotations

TINY = """
[area]
id = "{id}"
name_ja = "{name}"
polygon = "{sample}/areas/candidate_areas.geojson"
population = "{sample}/population/points.csv"
destinations = "{sample}/places.csv"

[fleet]
vehicles = 1

[shift]
start = "08:00"
end = "10:00"
last_pickup_min = 30

[demand]
requests = {n}
outbound_profile = {{ "8" = 1.0, "9" = 1.0 }}

[dispatch]
reoptimize = false
"""
