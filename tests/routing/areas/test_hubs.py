"""Bus departures at hubs: stops near the hub, trips toward the city, the services of the day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from transit.gtfs.builder.load import load_feed
from transit.routing.areas.hubs import default_service_date, hub_departures

H = 3600.0


def test_hub_departures_from_a_gtfs_folder(tmp_path: Path) -> None:
    """Weekday departures from stops within 300 m of a hub; a trip's last stop is no departure."""

    files = {
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nH1,Hub,32.7000,131.8000\nH2,Hub 2,32.7010,131.8000\nF,Far,32.7200,131.8000\n",
        "trips.txt": "route_id,service_id,trip_id\nr,wk,t1\nr,wk,t2\nr,we,t3\n",
        "stop_times.txt": (
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "t1,08:00:00,08:01:00,H1,1\nt1,08:20:00,08:20:00,F,2\n"
            "t2,25:00:00,25:00:00,F,1\nt2,25:10:00,,H2,2\n"  # hub is t2's last stop
            "t3,09:00:00,09:00:00,H2,1\nt3,09:20:00,09:20:00,F,2\n"
        ),
        "calendar.txt": (
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
            "wk,1,1,1,1,1,0,0,20260401,20270331\nwe,0,0,0,0,0,1,1,20260401,20270331\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    hubs = pd.DataFrame({"place_id": ["HUB", "NONE"], "lon": [131.8, 131.9], "lat": [32.7, 32.7]})
    deps = hub_departures(tmp_path, hubs)
    assert deps == {"HUB": (8 * H + 60,), "NONE": ()}
    # only buses that go on to stop F count / none reach stop H1 after the hub
    assert hub_departures(tmp_path, hubs, toward=["F"])["HUB"] == (8 * H + 60,)
    assert hub_departures(tmp_path, hubs, toward=["H1"])["HUB"] == ()


HOLIDAY = dt.date(2026, 5, 4)  # みどりの日 (Greenery Day), a Monday


def _holiday_feed(folder: Path) -> None:
    """A weekday service (08:00, 09:00 from the hub) and a holiday service (08:30, 10:30) that
    replaces it on 2026-05-04 through calendar_dates.txt."""
    files = {
        "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nH,Hub,32.7000,131.8000\nF,Far,32.7200,131.8000\n",
        "trips.txt": "route_id,service_id,trip_id\nr,wk,w1\nr,wk,w2\nr,hol,h1\nr,hol,h2\n",
        "stop_times.txt": (
            "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
            "w1,08:00:00,08:00:00,H,1\nw1,08:20:00,08:20:00,F,2\n"
            "w2,09:00:00,09:00:00,H,1\nw2,09:20:00,09:20:00,F,2\n"
            "h1,08:30:00,08:30:00,H,1\nh1,08:50:00,08:50:00,F,2\n"
            "h2,10:30:00,10:30:00,H,1\nh2,10:50:00,10:50:00,F,2\n"
        ),
        "calendar.txt": (
            "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
            "wk,1,1,1,1,1,0,0,20260401,20270331\nhol,0,0,0,0,0,1,1,20260401,20270331\n"
        ),
        "calendar_dates.txt": "service_id,date,exception_type\nwk,20260504,2\nhol,20260504,1\n",
    }
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")


def test_a_national_holiday_sees_only_the_holiday_buses(tmp_path: Path) -> None:
    """On 2026-05-04 (a holiday Monday) the hub has the holiday departures, none of the weekday
    ones; the Monday after has the weekday ones; without a date the first plain Monday counts."""
    _holiday_feed(tmp_path)
    hubs = pd.DataFrame({"place_id": ["HUB"], "lon": [131.8], "lat": [32.7]})
    assert hub_departures(tmp_path, hubs, date=HOLIDAY) == {"HUB": (8 * H + 1800, 10 * H + 1800)}
    assert hub_departures(tmp_path, hubs, date=dt.date(2026, 5, 11)) == {"HUB": (8 * H, 9 * H)}
    assert default_service_date(load_feed(tmp_path)) == dt.date(2026, 4, 6)
    assert hub_departures(tmp_path, hubs) == {"HUB": (8 * H, 9 * H)}
