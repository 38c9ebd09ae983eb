"""Source model -> GTFS-JP tables: stops, trips, stop_times, calendar, fares, shapes."""
