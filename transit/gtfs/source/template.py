"""An empty, commented source folder to start from (``transit gtfs init DIR``)."""

from __future__ import annotations

from pathlib import Path

from transit.core.errors import RefusedError
from transit.core.excel import SheetGrid, write_workbook
from transit.core.fileio import atomic_write_text
from transit.gtfs.source.columns import ROUTES_CSV, STOPS_CSV

FEED_TOML = """\
# 延岡市バス GTFS-JP 入力フォルダ設定 (feed settings). See docs/source-format.md.

[feed]
version = "2026-04-01"            # feed_info.feed_version
start_date = 2026-04-01           # feed_info.feed_start_date (first day of service)
end_date = 2027-03-31             # never inside 12/29–1/3 or 8/13–8/16
publisher_name = "延岡市"
publisher_url = "https://www.city.nobeoka.miyazaki.jp/"
contact_email = ""                # optional

[agency]
id = "4000020452033"              # 13-digit 法人番号 (text, never a number)
name = "延岡市"                    # the name riders see
url = "https://www.city.nobeoka.miyazaki.jp/"
phone = "0982-22-7001"            # optional
fare_url = ""                     # optional
timezone = "Asia/Tokyo"
lang = "ja"

[agency_jp]                       # optional: agency_jp.txt
official_name = "延岡市"
zip_number = "8828686"
address = "宮崎県延岡市東本小路2番地1"
president_pos = "市長"
president_name = ""

[day_types."平日"]                   # the name written in the sheets (cell B2)
service_id = "weekday"            # ASCII
days = ["mon", "tue", "wed", "thu", "fri"]
holidays = "off"                  # national holidays: "off", "on" or "only"
new_year_break = true             # no service 12/29–1/3

[day_types."土日祝"]
service_id = "weekend"
days = ["sat", "sun"]
holidays = "on"
new_year_break = true

[layout]
profile = "transit"               # "transit" (this template) or "muroran" (道南バス export)

[fares]
payment_method = 0                # 0 = pay on board
transfers = 0                     # 0 = no free transfers
"""

TIMETABLE_HEADER: tuple[tuple[str, ...], ...] = (
    ("系統",),
    ("運行日", "平日"),
    ("方向", "0"),
    ("行先",),
    ("備考",),
    ("停留所", "停留所ID", "着発"),
)
"""Rows 1-6 of a timetable sheet in the ``transit`` layout (the route_id goes into B1)."""


def write_template(folder: Path) -> list[Path]:
    """Write an empty, commented source folder; refuses a folder that already has a feed.toml.

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    if (folder / "feed.toml").exists():
        raise RefusedError(
            f"{folder / 'feed.toml'} already exists; not overwriting a source folder"
        )
    (folder / "timetables").mkdir(parents=True, exist_ok=True)
    (folder / "fares").mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        ("feed.toml", FEED_TOML),
        (STOPS_CSV.name, ",".join(STOPS_CSV.template) + "\n"),
        (ROUTES_CSV.name, ",".join(ROUTES_CSV.template) + "\n"),
    ):
        atomic_write_text(folder / name, text)
        written.append(folder / name)
    path = write_workbook(
        folder / "timetables" / "timetable.xlsx", [SheetGrid("1_平日", TIMETABLE_HEADER)]
    )
    written.append(path)
    fare = folder / "fares" / "example.csv"
    atomic_write_text(fare, "運賃三角表 (例),,\n")
    written.append(fare)
    return written
