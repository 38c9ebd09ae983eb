"""Road networks (OSMnx), travel speeds, snapping points to nodes, bulk travel-time matrices."""
