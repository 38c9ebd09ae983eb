"""GTFS-JP: source folder (timetable workbooks) -> feed -> checks -> diff -> publish."""
