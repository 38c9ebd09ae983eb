"""Route reorganization scenarios (路線再編): edit the baseline network, re-route the riders on
the edited timetable, and compare what riders keep and lose, the buses and drivers needed, the
cost and the population left without service. See ``docs/scenarios.md``.

Modules, in the order data flows: :mod:`.scenario` (the TOML file), :mod:`.edits` and
:mod:`.apply` (baseline + edits → feed), :mod:`.riders` (who travels), :mod:`.timetable`,
:mod:`.raptor` and :mod:`.assign` (the journey search), :mod:`.ondemand` (riders handed to the
on-demand simulator), :mod:`.blocking` (vehicles), :mod:`.coverage` (population),
:mod:`.measures` and :mod:`.compare` (the side-by-side tables and their writers).
"""
