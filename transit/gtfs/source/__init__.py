"""The source folder: timetable workbooks, stop and route masters, fare triangles, feed.toml."""
