"""Maps that open offline in a workshop room: the map kit and one map builder per subject."""
