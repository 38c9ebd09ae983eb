"""The catalogue of source-folder notice codes: each code has one severity and one meaning.

Every notice the source reader and the checks emit goes through :func:`notice`, so a code that is
not in :data:`SOURCE_NOTICES` cannot be emitted; ``docs/notices.md`` documents every code (a test
compares the two).
"""

from __future__ import annotations

from transit.core.errors import Location
from transit.core.notices import Notice, NoticeCatalogue, Severity

E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

NOTICE_CODES: dict[str, tuple[Severity, str]] = {
    # files and folders
    "missing_file": (
        E,
        "A required file of the source folder is missing (feed.toml, stops.csv, routes.csv).",
    ),
    "not_a_workbook": (
        E,
        "A file in timetables/ or fares/ is not .xlsx, .xls or .csv, or cannot be opened.",
    ),
    "no_timetables": (E, "The timetables/ folder holds no timetable sheet."),
    "missing_column": (E, "A CSV master lacks a required column."),
    "bad_csv_value": (
        E,
        "A CSV master cell is not of the expected type (e.g. a latitude that is not a number).",
    ),
    "non_ascii_id": (
        E,
        "An id (stop_id, route_id, service_id, zone_id) holds non-ASCII characters.",
    ),
    "duplicate_stop_id": (E, "Two rows of stops.csv have the same stop_id."),
    "duplicate_route_id": (E, "Two rows of routes.csv have the same route_id."),
    "missing_route_name": (E, "A route has neither a short nor a long name."),
    "missing_stop_coordinates": (E, "A stop has no latitude/longitude."),
    "stop_outside_service_area": (
        E,
        "A stop lies outside Japan or outside the configured service area (swapped lat/lon?).",
    ),
    "stop_far_from_others": (
        W,
        "A stop lies more than 50 km from the median position of all stops.",
    ),
    "feed_end_in_holiday_break": (
        E,
        "feed.end_date falls in the New-Year (12/29–1/3) or Obon (8/13–8/16) break.",
    ),
    "bad_feed_dates": (E, "feed.end_date is before feed.start_date."),
    "unknown_day_type_day": (E, "A day type lists a day that is not mon..sun."),
    # sheets and cells
    "empty_sheet": (E, "A timetable sheet holds nothing."),
    "merged_cells": (E, "A timetable sheet has merged cells (unmerge them and fill every cell)."),
    "formula_without_value": (
        E,
        "A cell holds a formula saved without its computed value (open and save the workbook "
        "in Excel, or type the value).",
    ),
    "missing_header": (E, "A header cell of the layout does not hold the expected label or value."),
    "unknown_route": (
        E,
        "A sheet (or its [sheets]/[workbooks] entry in feed.toml) names a route_id that "
        "routes.csv does not define.",
    ),
    "unknown_sheet": (
        E,
        "A [sheets] or [workbooks] entry of feed.toml names a sheet or workbook that "
        "timetables/ does not hold.",
    ),
    "sheet_skipped": (
        N,
        "A sheet whose route is not in routes.csv was skipped (profile option skip_unlisted_routes).",
    ),
    "undefined_day_type": (E, "A sheet's day type is not defined in feed.toml [day_types]."),
    "bad_direction": (E, "The direction cell is neither 0 nor 1."),
    "no_stops_in_sheet": (W, "A timetable sheet has a header but no stop rows; it was skipped."),
    "bad_time_cell": (E, "A cell is neither a time nor a pass mark."),
    "footnote_mark": (N, "A footnote mark next to a time was stripped (e.g. 7:05※)."),
    "time_rollover": (
        N,
        "A trip runs past midnight without the 24+ notation; later times were read as the next day.",
    ),
    "unpaired_arrival": (
        E,
        "A 着 (arrival) row is not followed by a 発 (departure) row of the same stop.",
    ),
    "unknown_stop": (
        E,
        "A stop name (or stop_id) in a timetable or fare table is not in the stop master.",
    ),
    "ambiguous_stop": (
        W,
        "A stop name matches several poles and nothing says which; the first stop_id was used.",
    ),
    "stop_name_mismatch": (
        W,
        "A sheet's stop_id belongs to a stop whose name differs from the name in the sheet.",
    ),
    "trip_too_short": (E, "A trip column has fewer than two timed stops."),
    "time_going_backwards": (E, "A time within a trip is earlier than the time before it."),
    "implausible_speed": (
        W,
        "A trip would run faster than a plausible bus speed between two stops.",
    ),
    "duplicate_trip": (
        E,
        "Two trips of the same route and day type have the same stops and times.",
    ),
    "unused_stop": (N, "A stop of the stop master is not served by any trip."),
    # the build
    "dropped_stop_times": (
        E,
        "A trip read from a sheet would lose stop times in the built feed (unknown route or day "
        "type, or stops without a pole).",
    ),
    "dropped_stop": (
        E,
        "A stop name read from the timetables would not reach the built stops.txt.",
    ),
    # readings and names
    "missing_reading": (
        W,
        "A stop or route has no reading (ja-Hrkt); a suggestion from the kana converter is used.",
    ),
    "missing_english_name": (W, "A stop or route has no English name; a romanized name is used."),
    # fares
    "unknown_fare_table": (E, "routes.csv names a fare_table that no fare sheet defines."),
    "bad_fare_cell": (E, "A fare triangle cell is not a whole number of yen."),
    "fare_pair_missing": (
        W,
        "A fare table does not give a fare for a pair of stops a route serves.",
    ),
    # stops from another feed
    "stops_from_feed": (
        N,
        "Stops were taken from another feed (--stops-from); how many names matched.",
    ),
}


SOURCE_NOTICES = NoticeCatalogue("Source folder (workbooks, masters, feed.toml)", NOTICE_CODES)
"""The catalogue of the source reader and the spreadsheet-level checks."""


def notice(code: str, message: str, location: Location | None = None) -> Notice:
    """A :class:`Notice` for a catalogued ``code`` (its severity comes from the catalogue)."""
    return SOURCE_NOTICES.notice(code, message, location)
