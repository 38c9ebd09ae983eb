"""The publication archive: every published version kept, one ``latest`` address, crash-safe.

Layout (``DIR`` is the ``--archive`` folder; ``docs/publishing.md`` is the reference)::

    DIR/
      .lock                 held (flock) by the one publisher at work; holds its pid and start
      20260401-v1/          one folder per published version, never changed once published
        feed.zip            the feed, byte for byte as given
        manifest.json       version, SHA-256, feed dates, judge counts, continuity, force
        diff.json           changes against the version it replaced (absent for the first)
        history.json        every publication up to and including this one, oldest first
      20260401-v2/
      latest -> 20260401-v2             a symbolic link: the one pointer to the current version
      history.json -> latest/history.json

A publication assembles its version folder under a temporary name, renames it into place, then
replaces ``latest`` by one ``os.replace`` of a new link: that one rename publishes the feed and
its history together. Modules: :mod:`~transit.gtfs.archive.layout` (names, reading the state,
links), :mod:`~transit.gtfs.archive.lock` (one publisher at a time),
:mod:`~transit.gtfs.archive.migrate` (archives written before the link layout),
:mod:`~transit.gtfs.archive.recovery` (what a crash left), :mod:`~transit.gtfs.archive.audit`
(the invariants, checked), :mod:`~transit.gtfs.archive.publish` (the publication).
"""
