"""An empty, commented source folder to start from (``transit gtfs init DIR``)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from transit.core.errors import RefusedError
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

TIMETABLE_HEADER = {
    "A1": "系統",
    "A2": "運行日",
    "B2": "平日",
    "A3": "方向",
    "B3": "0",
    "A4": "行先",
    "A5": "備考",
    "A6": "停留所",
    "B6": "停留所ID",
    "C6": "着発",
}


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
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "1_平日"
    for cell, value in TIMETABLE_HEADER.items():
        ws[cell] = value
    path = folder / "timetables" / "timetable.xlsx"
    wb.save(path)
    written.append(path)
    fare = folder / "fares" / "example.csv"
    fare.write_text("運賃三角表 (例),,\n", encoding="utf-8")
    written.append(fare)
    return written
