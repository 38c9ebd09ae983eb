"""Reorganization proposals drawn from ridership (``transit routes propose``, docs/proposals.md).

Modules, in the order data flows: :mod:`.params` (every threshold, one frozen dataclass),
:mod:`.facts` (the store's loads and KPIs on the feed's timetable), one module per rule
(:mod:`.tails`, :mod:`.trips`, :mod:`.headways`, :mod:`.ondemand`), :mod:`.model` (the :class:`Proposal` record),
:mod:`.tomlfile` (scenario files written safely), :mod:`.rank` (each proposal scored by the
scenario evaluator, budget and ranking) and :mod:`.write` (CSV, Excel, Japanese text,
provenance).
"""
