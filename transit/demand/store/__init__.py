"""The ridership store: DuckDB over Parquet (the only package that imports DuckDB).

Layout of a store folder::

    manifest.json             every ingested file: content hash, row totals, rejects by reason
    schedule/*.parquet        the feed's schedule the rides were matched to (see Schedule)
    rides/<sha12>.parquet     one row per accepted ride (a boarding tap paired with its alighting)
    counts/<sha12>.parquet    accepted count rows (survey/APC data, kinds b and c)
    rejects/<sha12>.csv       one row per rejected input row: row number, reason, message

Card ids are replaced by keyed pseudonyms before anything is kept; DuckDB runs in memory with
spilling to disk switched off, so raw ids never reach the disk. A file whose content hash is in
the manifest is not ingested again, and rides already in the store are rejected as duplicates.

One module per concept, imported by its own path (this package re-exports nothing):

- :mod:`~transit.demand.store.options`: :class:`IngestOptions`, :class:`IngestSummary`;
- :mod:`~transit.demand.store.folder`: the manifest, the key check, the part files;
- :mod:`~transit.demand.store.db`: the in-memory DuckDB connection and SQL quoting;
- :mod:`~transit.demand.store.source`: an input file as a SQL relation of text columns;
- :mod:`~transit.demand.store.taps`: :func:`ingest_taps`, the two passes over a tap file;
- :mod:`~transit.demand.store.rides`: checks against the schedule, pairing taps into rides,
  matching vehicle-only rides to trips, writing the rides;
- :mod:`~transit.demand.store.rejects`: reason codes in SQL and the rejects file;
- :mod:`~transit.demand.store.counts`: writing count rows (kinds b and c);
- :mod:`~transit.demand.store.queries`: :func:`query_rides`, :func:`stop_visits`,
  :func:`od_counts`, :func:`linked_journeys`, :func:`ride_totals`.
"""
