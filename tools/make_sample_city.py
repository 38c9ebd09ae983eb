"""Generate the embedded sample city in ``data/sample/`` (ILLUSTRATIVE / 架空データ).

The sample city is *Nobeoka-like*: real place names at approximate coordinates, fictional
timetables and fares, a synthetic population and a synthetic road network. Nothing here is
official data of 延岡市 or of any bus operator. Everything is produced by this one script::

    .venv/bin/python tools/make_sample_city.py             # (re)writes data/sample/
    .venv/bin/python tools/make_sample_city.py --out DIR   # writes the same files into DIR

The script is deterministic: two runs give byte-identical files (all randomness comes from
``numpy.random.default_rng`` seeded with :data:`SEED`; workbooks carry fixed dates and fixed
zip timestamps). It needs no network and no ``../shared`` folder: the stop coordinates below
were placed by hand near the Geolonia town points (住所データ, CC BY 4.0) and the 国土数値情報
railway station points, then typed in here.

What is written (paths relative to the output folder; ``drt/`` is left alone):

- ``gtfs/`` - a GTFS-JP source folder in the format of ``docs/source-format.md``
  (``feed.toml``, ``stops.csv``, ``routes.csv``, ``timetables/*.xlsx``, ``fares/*.xlsx``).
- ``network/roads.graphml`` - a SYNTHETIC road network (osmnx GraphML, EPSG:4326).
- ``areas/candidate_areas.geojson`` - candidate on-demand service areas (polygons).
- ``population/points.csv`` - synthetic population points.
- ``places.csv`` - trip destinations (hospitals, shops, stations, offices, schools).
- ``README.md`` - what each file is, how it was made, attributions.

Road network method: (1) a jittered street grid (320 m) over the central city with a few
streets removed and four one-way links; (2) a small village grid (3x3 at 200 m, or 5x5 at 220 m
for suburbs) around every bus stop outside the centre, randomly rotated; (3) trunk roads between
consecutive stops of every route, as polylines with nodes every ~350 m bent sideways by a
random three-term sine series (amplitude 3-7 % of the span, larger on mountain roads); edge
length is the haversine distance times 1.04 (bends smaller than a segment), times 1.0 in the
grids; (4) spur roads to a few villages without a bus stop. Every road is two-way unless
marked ``oneway``; the graph is checked to be strongly connected.

Population method: 28 settlement clusters with hand-set totals (city 115,000; Kitaura 3,600,
Kitagawa 3,700, Kitakata 3,500, Shimanoura 800); each cluster gets ``max(6, pop / 60)`` points
drawn from a 2-D normal around its centre (points that fall east of a hand-drawn coastline are
mirrored back inland), populations split by a Dirichlet(2) draw and rounded by largest
remainder so the cluster total is exact; elderly (65+) drawn Binomial(population, share).

Bus running times are the shortest road distance between consecutive stops at a route speed
of 20-34 km/h, rounded to whole minutes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import openpyxl
import osmnx as ox
import shapely
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter
from pyproj import Transformer
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping
from shapely.geometry.polygon import orient

from transit.core.gtfstime import format_hhmm, format_hmm, parse_clock
from transit.gtfs.source.columns import ROUTES_CSV, STOPS_CSV

SEED = 20260401
"""The one seed every random draw derives from."""

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_DIR / "data" / "sample"

FIXED_TIME = dt.datetime(2026, 4, 1, 0, 0, 0)
ZIP_TIME = (2026, 4, 1, 0, 0, 0)

M_PER_DEG_LAT = 110_950.0
M_PER_DEG_LON = 93_750.0  # at about 32.63 N

ILLUSTRATIVE = "ILLUSTRATIVE / 架空データ"

# --------------------------------------------------------------------------------------------
# Stops (one row per stop name; ``poles`` = number of のりば)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StopDef:
    """A bus stop name with its reading, English name and approximate position."""

    code: str
    name: str
    kana: str
    en: str
    lon: float
    lat: float
    kind: str  # "urban" (snaps to the city grid), "suburb" or "rural" (own village grid)
    poles: int = 1


STOPS: tuple[StopDef, ...] = (
    StopDef("S001", "延岡駅", "のべおかえき", "Nobeoka Station", 131.6725, 32.5897, "urban", 2),
    StopDef("S002", "延岡市役所", "のべおかしやくしょ", "Nobeoka City Hall", 131.6645, 32.5818, "urban"),
    StopDef("S003", "県立延岡病院", "けんりつのべおかびょういん", "Prefectural Nobeoka Hospital", 131.6650, 32.5712, "urban"),
    StopDef("S004", "南延岡駅", "みなみのべおかえき", "Minami-Nobeoka Station", 131.6772, 32.5590, "urban", 2),
    StopDef("S005", "北延岡駅", "きたのべおかえき", "Kita-Nobeoka Station", 131.6900, 32.6314, "suburb"),
    StopDef("S006", "北方総合支所", "きたかたそうごうししょ", "Kitakata Branch Office", 131.5355, 32.5852, "rural"),
    StopDef("S007", "北川総合支所", "きたがわそうごうししょ", "Kitagawa Branch Office", 131.6915, 32.6705, "rural"),
    StopDef("S008", "北浦総合支所", "きたうらそうごうししょ", "Kitaura Branch Office", 131.8214, 32.7094, "rural"),
    StopDef("S009", "大門", "だいもん", "Daimon", 131.6808, 32.6022, "urban"),
    StopDef("S010", "東海", "とうみ", "Tomi", 131.7135, 32.5965, "suburb"),
    StopDef("S011", "川島", "かわしま", "Kawashima", 131.7040, 32.6230, "rural"),
    StopDef("S012", "浦城", "うらしろ", "Urashiro", 131.7390, 32.6425, "rural"),
    StopDef("S013", "須美江", "すみえ", "Sumie", 131.7595, 32.6665, "rural"),
    StopDef("S014", "熊野江", "くまのえ", "Kumanoe", 131.7725, 32.6950, "rural"),
    StopDef("S015", "古江", "ふるえ", "Furue", 131.8075, 32.7000, "rural"),
    StopDef("S016", "市振", "いちぶり", "Ichiburi", 131.8490, 32.7240, "rural"),
    StopDef("S017", "三川内", "みかわうち", "Mikawauchi", 131.8020, 32.7775, "rural"),
    StopDef("S018", "南方", "みなみかた", "Minamikata", 131.6360, 32.5780, "suburb"),
    StopDef("S019", "天下", "あもうが", "Amoga", 131.6220, 32.5745, "suburb"),
    StopDef("S020", "舞野", "まいの", "Maino", 131.5918, 32.5800, "rural"),
    StopDef("S021", "細見", "ほそみ", "Hosomi", 131.5835, 32.5700, "rural"),
    StopDef("S022", "岡元", "おかもと", "Okamoto", 131.5628, 32.5697, "rural"),
    StopDef("S023", "曽木", "そき", "Soki", 131.5500, 32.5825, "rural"),
    StopDef("S024", "蔵田", "くらた", "Kurata", 131.5062, 32.5893, "rural"),
    StopDef("S025", "早日渡", "はやひと", "Hayahito", 131.4835, 32.5860, "rural"),
    StopDef("S026", "稲葉崎", "いなばざき", "Inabazaki", 131.6780, 32.6076, "urban"),
    StopDef("S027", "無鹿", "むしか", "Mushika", 131.6870, 32.6100, "urban"),
    StopDef("S028", "須佐", "すさ", "Susa", 131.6990, 32.6430, "rural"),
    StopDef("S029", "長井", "ながい", "Nagai", 131.6985, 32.6600, "rural"),
    StopDef("S030", "上赤", "かみあか", "Kamiaka", 131.6760, 32.7120, "rural"),
    StopDef("S031", "川内名", "かわちみょう", "Kawachimyo", 131.6680, 32.7610, "rural"),
    StopDef("S032", "祇園町", "ぎおんまち", "Gion-machi", 131.6690, 32.5850, "urban"),
    StopDef("S033", "大貫", "おおぬき", "Onuki", 131.6555, 32.5775, "urban"),
    StopDef("S034", "恒富", "つねとみ", "Tsunetomi", 131.6630, 32.5666, "urban"),
    StopDef("S035", "出北", "いできた", "Idekita", 131.6800, 32.5730, "urban"),
    StopDef("S036", "中島町", "なかしままち", "Nakashima-machi", 131.6745, 32.5790, "urban"),
    StopDef("S037", "平原", "ひらばる", "Hirabaru", 131.6733, 32.5517, "urban"),
    StopDef("S038", "旭ヶ丘", "あさひがおか", "Asahigaoka", 131.6800, 32.5320, "suburb"),
    StopDef("S039", "伊形", "いがた", "Igata", 131.6702, 32.5291, "suburb"),
    StopDef("S040", "土々呂", "ととろ", "Totoro", 131.6745, 32.5078, "suburb"),
    StopDef("S041", "櫛津", "くしづ", "Kushizu", 131.6780, 32.5016, "rural"),
    StopDef("S042", "岡富", "おかとみ", "Okatomi", 131.6600, 32.5882, "urban"),
    StopDef("S043", "富美山", "ふみやま", "Fumiyama", 131.6609, 32.5966, "urban"),
    StopDef("S044", "祝子", "ほうり", "Hori", 131.6481, 32.6104, "urban"),
    StopDef("S045", "鹿狩瀬", "かがせ", "Kagase", 131.6114, 32.6076, "rural"),
    StopDef("S046", "行縢", "むかばき", "Mukabaki", 131.5812, 32.6126, "rural"),
)  # fmt: skip
STOP_BY_CODE = {s.code: s for s in STOPS}
PARENT_STATIONS = frozenset({"S001", "S004"})  # station buildings: a parent row plus のりば 1/2
POLE_OFFSETS_M = {1: (30.0, 10.0), 2: (30.0, -25.0)}  # (east, north) from the stop position

# --------------------------------------------------------------------------------------------
# Routes, patterns and trips
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteDef:
    """A route: its master data, stop sequence (direction 0) and timetable settings."""

    route_id: str
    short: str
    long: str
    kana: str
    en: str
    color: str
    stops: tuple[str, ...]
    speed_kph: float
    curviness: float
    road_name: str
    fare_flat: int | None = None
    express_skips: tuple[str, ...] = ()
    timing_point: str | None = None  # stop with a 着/発 pair
    short_turn: str | None = None  # trips marked "s" end (dir 0) / start (dir 1) here
    loop_names: tuple[str, str] | None = None  # headsigns of a loop, direction 0 / 1

    @property
    def fare_table(self) -> str:
        """The fare triangle id (sheet name) of this route."""
        return f"fare_{self.route_id}"


ROUTES: tuple[RouteDef, ...] = (
    RouteDef(
        "kitaura",
        "1",
        "北浦線",
        "きたうらせん",
        "Kitaura Line",
        "0072BC",
        ("S001", "S009", "S010", "S011", "S012", "S013", "S014", "S015", "S008", "S016", "S017"),
        32.0,
        0.06,
        "国道388号",
        express_skips=("S010", "S011", "S012"),
        timing_point="S008",
    ),
    RouteDef(
        "kitakata",
        "2",
        "北方線",
        "きたかたせん",
        "Kitakata Line",
        "2E8B57",
        ("S001", "S002", "S018", "S019", "S020", "S021", "S022", "S023", "S006", "S024", "S025"),
        34.0,
        0.07,
        "国道218号",
        short_turn="S006",
    ),
    RouteDef(
        "kitagawa",
        "3",
        "北川線",
        "きたがわせん",
        "Kitagawa Line",
        "E67E22",
        ("S001", "S026", "S027", "S005", "S028", "S029", "S007", "S030", "S031"),
        32.0,
        0.06,
        "国道10号",
    ),
    RouteDef(
        "loop",
        "4",
        "市内循環線",
        "しないじゅんかんせん",
        "City Loop",
        "D7263D",
        ("S001", "S032", "S002", "S033", "S003", "S034", "S004", "S035", "S036", "S001"),
        20.0,
        0.0,
        "市道",
        fare_flat=100,
        loop_names=("市内循環（右回り）", "市内循環（左回り）"),
    ),
    RouteDef(
        "south",
        "5",
        "土々呂線",
        "ととろせん",
        "Totoro Line",
        "8E44AD",
        ("S001", "S036", "S035", "S004", "S037", "S038", "S039", "S040", "S041"),
        24.0,
        0.03,
        "国道10号",
    ),
    RouteDef(
        "mukabaki",
        "6",
        "行縢線",
        "むかばきせん",
        "Mukabaki Line",
        "795548",
        ("S001", "S042", "S043", "S044", "S045", "S046"),
        28.0,
        0.05,
        "県道",
    ),
)

# Pole used at a multi-pole stop: (route_id, direction) -> {stop code: pole}
POLE_CHOICE: dict[tuple[str, int], dict[str, int]] = {
    ("kitaura", 0): {"S001": 1}, ("kitaura", 1): {"S001": 1},
    ("kitakata", 0): {"S001": 2}, ("kitakata", 1): {"S001": 2},
    ("kitagawa", 0): {"S001": 2}, ("kitagawa", 1): {"S001": 2},
    ("loop", 0): {"S001": 1, "S004": 1}, ("loop", 1): {"S001": 1, "S004": 2},
    ("south", 0): {"S001": 1, "S004": 1}, ("south", 1): {"S001": 1, "S004": 2},
    ("mukabaki", 0): {"S001": 2}, ("mukabaki", 1): {"S001": 2},
}  # fmt: skip

DAY_TYPES = ("平日", "土日祝")


def _hourly(first: str, last: str, step_min: int) -> list[str]:
    """Departure strings from ``first`` to ``last`` every ``step_min`` minutes."""
    return [format_hmm(t) for t in range(parse_clock(first), parse_clock(last) + 1, step_min * 60)]


# First-stop departure times. Suffix "!" = 快速 (express, skips ``express_skips``),
# "s" = short turn at ``short_turn``, "late" = the last trip, timed to reach 土々呂 at 24:10.
TRIPS: dict[str, dict[tuple[str, int], list[str]]] = {
    "kitaura": {
        ("平日", 0): ["6:40", "8:10", "10:05", "12:10", "14:20", "16:30", "18:20"],
        ("平日", 1): ["6:05", "7:30!", "9:35", "11:50", "14:05", "16:10", "18:25"],
        ("土日祝", 0): ["7:40", "10:05", "13:10", "16:30", "18:20"],
        ("土日祝", 1): ["6:45", "9:35", "12:05", "15:10", "17:50"],
    },
    "kitakata": {
        ("平日", 0): ["6:50", "8:00", "9:30s", "11:30", "13:30s", "15:30", "17:10", "18:40s"],
        ("平日", 1): ["6:10", "7:15s", "8:20", "10:30", "12:40s", "14:40", "16:40", "18:20s"],
        ("土日祝", 0): ["7:30", "9:30", "11:30s", "13:30", "15:30", "17:30s"],
        ("土日祝", 1): ["6:50", "8:40", "10:40s", "12:40", "14:40", "16:40s"],
    },
    "kitagawa": {
        ("平日", 0): ["7:00", "9:00", "11:20", "13:40", "16:00", "18:10"],
        ("平日", 1): ["6:20", "7:40", "10:10", "12:30", "14:50", "17:10"],
        ("土日祝", 0): ["8:00", "10:30", "13:00", "15:30", "18:00"],
        ("土日祝", 1): ["7:00", "9:30", "12:00", "14:30", "17:00"],
    },
    "loop": {
        ("平日", 0): _hourly("8:00", "18:00", 60),
        ("平日", 1): _hourly("8:30", "18:30", 60),
        ("土日祝", 0): _hourly("9:00", "16:30", 90),
        ("土日祝", 1): _hourly("9:45", "17:15", 90),
    },
    "south": {
        ("平日", 0): [
            "6:20", "7:00", "7:40", "8:30", "9:30", "10:30", "12:00", "13:30", "15:00",
            "16:00", "17:00", "17:40", "18:30", "19:30", "21:00", "late",
        ],
        ("平日", 1): [
            "6:00", "6:40", "7:20", "8:00", "9:00", "10:10", "11:30", "13:00", "14:30",
            "16:00", "17:10", "18:10", "19:20", "20:30",
        ],
        ("土日祝", 0): _hourly("7:00", "20:00", 60),
        ("土日祝", 1): _hourly("6:30", "19:30", 60),
    },
    "mukabaki": {
        ("平日", 0): ["7:10", "9:40", "12:40", "15:40", "17:50"],
        ("平日", 1): ["6:40", "8:10", "10:40", "13:40", "16:40"],
        ("土日祝", 0): ["9:10", "13:10", "16:10"],
        ("土日祝", 1): ["7:50", "10:10", "14:10", "17:10"],
    },
}  # fmt: skip

# How times are written in each sheet (a realistic mix; all valid per docs/source-format.md).
TIME_STYLE: dict[tuple[str, str], str] = {
    ("kitaura", "平日"): "h:mm", ("kitaura", "土日祝"): "h:mm",
    ("kitakata", "平日"): "excel", ("kitakata", "土日祝"): "excel",
    ("kitagawa", "平日"): "hmm", ("kitagawa", "土日祝"): "h:mm",
    ("loop", "平日"): "hh:mm", ("loop", "土日祝"): "hh:mm",
    ("south", "平日"): "excel", ("south", "土日祝"): "excel",
    ("mukabaki", "平日"): "h:mm", ("mukabaki", "土日祝"): "fullwidth",
}  # fmt: skip

LATE_STOP = "S040"  # the late trip reaches 土々呂 at 24:10
LATE_MINUTES = 24 * 60 + 10
DWELL_MIN = 3  # at a timing point (着/発)

# --------------------------------------------------------------------------------------------
# Population clusters, areas, places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    """A settlement: centre, spread (1 sigma, m), total population and 65+ share."""

    name: str
    lon: float
    lat: float
    sigma_m: float
    population: int
    elderly_share: float


CLUSTERS: tuple[Cluster, ...] = (
    # former city of Nobeoka (103,400)
    Cluster("中心市街地", 131.6680, 32.5830, 700, 11_000, 0.33),
    Cluster("岡富・富美山", 131.6600, 32.5940, 600, 9_000, 0.31),
    Cluster("恒富・大貫", 131.6570, 32.5700, 700, 12_000, 0.30),
    Cluster("南方", 131.6330, 32.5780, 800, 8_000, 0.33),
    Cluster("天下・舞野", 131.6050, 32.5770, 900, 3_500, 0.38),
    Cluster("出北・中島", 131.6800, 32.5740, 600, 8_500, 0.28),
    Cluster("南延岡・平原", 131.6750, 32.5530, 700, 9_000, 0.29),
    Cluster("旭ヶ丘・伊形", 131.6760, 32.5300, 700, 9_500, 0.31),
    Cluster("土々呂・櫛津", 131.6760, 32.5070, 600, 5_500, 0.36),
    Cluster("東海", 131.7120, 32.5980, 800, 6_500, 0.32),
    Cluster("川島・浦城", 131.7180, 32.6300, 900, 2_500, 0.40),
    Cluster("須美江・熊野江", 131.7660, 32.6800, 800, 1_300, 0.50),
    Cluster("大門・稲葉崎・無鹿", 131.6830, 32.6080, 700, 9_000, 0.30),
    Cluster("北延岡・須佐", 131.6930, 32.6360, 700, 3_500, 0.33),
    Cluster("祝子・鹿狩瀬", 131.6320, 32.6090, 900, 2_200, 0.38),
    Cluster("行縢", 131.5830, 32.6120, 600, 800, 0.45),
    Cluster("岡元・細見", 131.5720, 32.5680, 800, 1_600, 0.42),
    # Kitaura 北浦 (3,600)
    Cluster("古江・北浦総合支所", 131.8150, 32.7050, 500, 1_500, 0.48),
    Cluster("市振", 131.8490, 32.7240, 400, 700, 0.48),
    Cluster("宮野浦", 131.8430, 32.6990, 300, 500, 0.50),
    Cluster("三川内", 131.8020, 32.7770, 600, 900, 0.50),
    # Kitagawa 北川 (3,700)
    Cluster("長井・北川総合支所", 131.6930, 32.6660, 700, 1_900, 0.44),
    Cluster("川内名", 131.6680, 32.7610, 700, 1_200, 0.45),
    Cluster("上赤", 131.6760, 32.7120, 500, 600, 0.47),
    # Kitakata 北方 (3,500)
    Cluster("曽木・北方総合支所", 131.5420, 32.5840, 700, 1_800, 0.46),
    Cluster("蔵田・早日渡", 131.4950, 32.5880, 700, 900, 0.48),
    Cluster("川水流・上崎", 131.5070, 32.5650, 600, 800, 0.48),
    # Shimanoura island 島野浦 (800, no road on this network)
    Cluster("島野浦", 131.8210, 32.6650, 250, 800, 0.50),
)

# Hand-drawn coastline: (lat, easternmost land lon). Points east of it are mirrored inland.
COAST: tuple[tuple[float, float], ...] = (
    (32.45, 131.700), (32.50, 131.715), (32.54, 131.700), (32.58, 131.705), (32.60, 131.745),
    (32.63, 131.755), (32.66, 131.770), (32.69, 131.790), (32.70, 131.855), (32.73, 131.865),
    (32.85, 131.880),
)  # fmt: skip

# Villages without a bus stop that get a spur road (name, lon, lat).
SPUR_VILLAGES: tuple[tuple[str, float, float], ...] = (
    ("宮野浦", 131.8430, 32.6990),
    ("川水流", 131.5131, 32.5620),
    ("上崎", 131.5015, 32.5704),
    ("下赤", 131.6870, 32.6910),
)


@dataclass(frozen=True)
class AreaDef:
    """A candidate on-demand area: the hull of anchor points, buffered."""

    area_id: str
    name_ja: str
    name_en: str
    note: str
    anchors: tuple[str, ...]  # stop codes or cluster names
    buffer_m: float
    current_vehicles: int = 0


AREAS: tuple[AreaDef, ...] = (
    AreaDef(
        "kitaura", "北浦", "Kitaura",
        "較正用の基準地区: 現行のオンデマンド交通（小型車2台・平日・300円）/ calibration "
        "reference: today's on-demand service (2 small cars, weekdays, 300 yen)",
        ("S015", "S008", "S016", "S017", "宮野浦"), 1500.0, current_vehicles=2,
    ),
    AreaDef(
        "kitakata", "北方", "Kitakata",
        "候補地区: 五ヶ瀬川沿いの中山間地 / candidate: hill villages along the Gokase river",
        ("S022", "S023", "S006", "S024", "S025", "川水流・上崎"), 1500.0,
    ),
    AreaDef(
        "kitagawa", "北川", "Kitagawa",
        "候補地区: 北川沿いの集落 / candidate: villages along the Kitagawa river",
        ("S029", "S007", "S030", "S031", "下赤"), 1500.0,
    ),
    AreaDef(
        "south_coast", "南部沿岸（伊形・土々呂）", "South coast (Igata, Totoro)",
        "候補地区: 南部の住宅地と漁村 / candidate: southern suburbs and fishing villages",
        ("S038", "S039", "S040", "S041"), 1200.0,
    ),
    AreaDef(
        "tomi_north", "東海・北部沿岸", "Tomi and north coast",
        "候補地区: 東海から熊野江までの沿岸集落 / candidate: coastal villages from Tomi to Kumanoe",
        ("S010", "S011", "S012", "S013", "S014"), 1000.0,
    ),
    AreaDef(
        "mukabaki", "行縢・鹿狩瀬", "Mukabaki and Kagase",
        "候補地区: 行縢山麓の農村 / candidate: farming villages below Mt. Mukabaki",
        ("S045", "S046", "行縢"), 1300.0,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PlaceDef:
    """A destination for on-demand trips."""

    place_id: str
    name_ja: str
    name_en: str
    kind: str
    lon: float
    lat: float


PLACES: tuple[PlaceDef, ...] = (
    PlaceDef("P01", "県立延岡病院", "Prefectural Nobeoka Hospital", "hospital", 131.6655, 32.5708),
    PlaceDef("P02", "出北中央病院", "Idekita Central Hospital", "hospital", 131.6815, 32.5722),
    PlaceDef("P03", "北浦診療所", "Kitaura Clinic", "clinic", 131.8200, 32.7085),
    PlaceDef("P04", "北方診療所", "Kitakata Clinic", "clinic", 131.5370, 32.5860),
    PlaceDef("P05", "北川診療所", "Kitagawa Clinic", "clinic", 131.6930, 32.6690),
    PlaceDef("P06", "土々呂クリニック", "Totoro Clinic", "clinic", 131.6755, 32.5085),
    PlaceDef("P07", "東海クリニック", "Tomi Clinic", "clinic", 131.7125, 32.5975),
    PlaceDef("P08", "北浦ストア", "Kitaura Store", "supermarket", 131.8100, 32.7010),
    PlaceDef("P09", "北方ストア", "Kitakata Store", "supermarket", 131.5480, 32.5830),
    PlaceDef("P10", "北川ストア", "Kitagawa Store", "supermarket", 131.6975, 32.6610),
    PlaceDef("P11", "南延岡スーパー", "Minami-Nobeoka Supermarket", "supermarket", 131.6745, 32.5605),
    PlaceDef("P12", "中心街スーパー", "Downtown Supermarket", "supermarket", 131.6700, 32.5840),
    PlaceDef("P13", "旭ヶ丘スーパー", "Asahigaoka Supermarket", "supermarket", 131.6790, 32.5330),
    PlaceDef("P14", "延岡駅", "Nobeoka Station", "station", 131.6725, 32.5897),
    PlaceDef("P15", "南延岡駅", "Minami-Nobeoka Station", "station", 131.6768, 32.5586),
    PlaceDef("P16", "北延岡駅", "Kita-Nobeoka Station", "station", 131.6907, 32.6316),
    PlaceDef("P17", "土々呂駅", "Totoro Station", "station", 131.6743, 32.5073),
    PlaceDef("P18", "日向長井駅", "Hyuga-Nagai Station", "station", 131.7007, 32.6646),
    PlaceDef("P19", "北方総合支所", "Kitakata Branch Office", "branch_office", 131.5352, 32.5856),
    PlaceDef("P20", "北川総合支所", "Kitagawa Branch Office", "branch_office", 131.6912, 32.6709),
    PlaceDef("P21", "北浦総合支所", "Kitaura Branch Office", "branch_office", 131.8216, 32.7096),
    PlaceDef("P22", "延岡駅バスセンター", "Nobeoka Station Bus Centre", "bus_hub", 131.6728, 32.5898),
    PlaceDef("P23", "延岡市役所", "Nobeoka City Hall", "city_hall", 131.6641, 32.5814),
    PlaceDef("P24", "北浦中学校", "Kitaura Junior High School", "school", 131.8180, 32.7060),
    PlaceDef("P25", "北方中学校", "Kitakata Junior High School", "school", 131.5420, 32.5860),
    PlaceDef("P26", "北川中学校", "Kitagawa Junior High School", "school", 131.6950, 32.6650),
    PlaceDef("P27", "南方小学校", "Minamikata Elementary School", "school", 131.6350, 32.5790),
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------------


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    r = 6_371_008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def offset(lon: float, lat: float, east_m: float, north_m: float) -> tuple[float, float]:
    """The point ``east_m``/``north_m`` metres away (local flat approximation)."""
    return lon + east_m / M_PER_DEG_LON, lat + north_m / M_PER_DEG_LAT


def coast_lon(lat: float) -> float:
    """Easternmost land longitude at ``lat`` on the hand-drawn coastline."""
    if lat <= COAST[0][0]:
        return COAST[0][1]
    for (la0, lo0), (la1, lo1) in pairwise(COAST):
        if la0 <= lat <= la1:
            return lo0 + (lo1 - lo0) * (lat - la0) / (la1 - la0)
    return COAST[-1][1]


def pole_position(stop: StopDef, pole: int) -> tuple[float, float]:
    """Coordinates of one のりば of a stop (a single pole sits at the stop position)."""
    if stop.poles == 1:
        return stop.lon, stop.lat
    east, north = POLE_OFFSETS_M[pole]
    return offset(stop.lon, stop.lat, east, north)


def pole_id(stop: StopDef, pole: int) -> str:
    """ASCII pole id, e.g. ``S001_2``."""
    return f"{stop.code}_{pole}"


# --------------------------------------------------------------------------------------------
# Road network
# --------------------------------------------------------------------------------------------

URBAN_BBOX = (131.645, 32.545, 131.697, 32.615)  # lon_min, lat_min, lon_max, lat_max
URBAN_SPACING_M = 320.0


class RoadBuilder:
    """Accumulates nodes and two-way roads of the synthetic network in insertion order."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph(
            crs="epsg:4326",
            name="transit sample city roads (SYNTHETIC)",
            synthetic="True",
            note=(
                "SYNTHETIC road network generated by tools/make_sample_city.py for the "
                "ILLUSTRATIVE sample city; not OpenStreetMap, not a real road network"
            ),
            seed=str(SEED),
        )
        self._next_way = 1
        self.pairs: set[frozenset[int]] = set()

    def node(self, lon: float, lat: float) -> int:
        """Add a node and return its id."""
        nid = int(self.graph.number_of_nodes()) + 1
        self.graph.add_node(nid, osmid=nid, x=round(lon, 6), y=round(lat, 6))
        return nid

    def xy(self, nid: int) -> tuple[float, float]:
        """Lon/lat of a node."""
        data = self.graph.nodes[nid]
        return float(data["x"]), float(data["y"])

    def road(
        self,
        u: int,
        v: int,
        *,
        highway: str,
        speed_kph: float,
        factor: float = 1.0,
        name: str | None = None,
    ) -> None:
        """Add a two-way road between ``u`` and ``v`` (skipped if one exists)."""
        key = frozenset((u, v))
        if u == v or key in self.pairs:
            return
        self.pairs.add(key)
        (x1, y1), (x2, y2) = self.xy(u), self.xy(v)
        length = round(haversine_m(x1, y1, x2, y2) * factor, 1)
        attrs: dict[str, Any] = {
            "osmid": self._next_way,
            "highway": highway,
            "oneway": False,
            "length": length,
            "speed_kph": speed_kph,
            "travel_time": round(length / (speed_kph / 3.6), 1),
        }
        if name:
            attrs["name"] = name
        self._next_way += 1
        self.graph.add_edge(u, v, **attrs)
        self.graph.add_edge(v, u, **attrs)


def _urban_grid(builder: RoadBuilder, rng: np.random.Generator) -> list[int]:
    """A jittered street grid over the central city; returns its node ids."""
    lon0, lat0, lon1, lat1 = URBAN_BBOX
    dlon = URBAN_SPACING_M / M_PER_DEG_LON
    dlat = URBAN_SPACING_M / M_PER_DEG_LAT
    ncol = math.ceil((lon1 - lon0) / dlon) + 1
    nrow = math.ceil((lat1 - lat0) / dlat) + 1
    ids: dict[tuple[int, int], int] = {}
    for r in range(nrow):
        for c in range(ncol):
            jx, jy = rng.uniform(-30.0, 30.0, size=2)
            lon, lat = offset(lon0 + c * dlon, lat0 + r * dlat, float(jx), float(jy))
            ids[r, c] = builder.node(lon, lat)
    candidates: list[tuple[int, int, bool]] = []
    for r in range(nrow):
        for c in range(ncol):
            if c + 1 < ncol:
                candidates.append((ids[r, c], ids[r, c + 1], r % 4 == 0))
            if r + 1 < nrow:
                candidates.append((ids[r, c], ids[r + 1, c], c % 4 == 0))
    # drop ~7 % of residential links where the grid stays connected
    drop = rng.random(len(candidates)) < 0.07
    keep = nx.Graph()
    keep.add_nodes_from(ids.values())
    keep.add_edges_from((u, v) for u, v, _ in candidates)
    for (u, v, arterial), d in zip(candidates, drop, strict=True):
        if d and not arterial:
            keep.remove_edge(u, v)
            if not nx.has_path(keep, u, v):
                keep.add_edge(u, v)
    for u, v, arterial in candidates:
        if keep.has_edge(u, v):
            builder.road(
                u,
                v,
                highway="secondary" if arterial else "residential",
                speed_kph=40.0 if arterial else 30.0,
                name="市道（合成）" if arterial else None,
            )
    return list(ids.values())


def _make_oneway(builder: RoadBuilder, rng: np.random.Generator, nodes: list[int], n: int) -> None:
    """Turn ``n`` residential grid links into one-way streets, keeping strong connectivity."""
    graph = builder.graph
    residential = sorted(
        (u, v, k)
        for u, v, k, d in graph.edges(keys=True, data=True)
        if d["highway"] == "residential" and u < v and u in nodes
    )
    order = rng.permutation(len(residential))
    done = 0
    for i in order:
        u, v, _ = residential[int(i)]
        back = dict(graph.get_edge_data(v, u)[0])
        graph.remove_edge(v, u)
        sub = graph.subgraph(nodes)
        if nx.is_strongly_connected(sub):
            graph.edges[u, v, 0]["oneway"] = True
            done += 1
            if done == n:
                return
        else:
            graph.add_edge(v, u, **back)


def _village(
    builder: RoadBuilder,
    rng: np.random.Generator,
    centre: int,
    *,
    size: int,
    spacing_m: float,
    highway: str,
) -> None:
    """A small rotated street grid (``size`` x ``size``) whose middle node is ``centre``."""
    lon, lat = builder.xy(centre)
    theta = float(rng.uniform(0.0, math.pi / 2))
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    half = (size - 1) / 2
    ids: dict[tuple[int, int], int] = {}
    for r in range(size):
        for c in range(size):
            if r == half and c == half:
                ids[r, c] = centre
                continue
            ex, ny = (c - half) * spacing_m, (r - half) * spacing_m
            east, north = ex * cos_t - ny * sin_t, ex * sin_t + ny * cos_t
            ids[r, c] = builder.node(*offset(lon, lat, east, north))
    for r in range(size):
        for c in range(size):
            if c + 1 < size:
                builder.road(ids[r, c], ids[r, c + 1], highway=highway, speed_kph=30.0)
            if r + 1 < size:
                builder.road(ids[r, c], ids[r + 1, c], highway=highway, speed_kph=30.0)


def _trunk(
    builder: RoadBuilder,
    rng: np.random.Generator,
    u: int,
    v: int,
    *,
    curviness: float,
    highway: str,
    speed_kph: float,
    name: str,
) -> None:
    """A curvy road from ``u`` to ``v`` with a node every ~350 m."""
    key = frozenset((u, v))
    if key in builder.pairs:
        return
    (x1, y1), (x2, y2) = builder.xy(u), builder.xy(v)
    span = haversine_m(x1, y1, x2, y2)
    nseg = max(1, math.ceil(span / 350.0))
    amps = rng.normal(0.0, curviness * span, size=3) / np.array([1.0, 2.0, 3.0])
    east = (x2 - x1) * M_PER_DEG_LON
    north = (y2 - y1) * M_PER_DEG_LAT
    norm = math.hypot(east, north)
    px, py = -north / norm, east / norm  # unit normal
    prev = u
    for i in range(1, nseg + 1):
        if i == nseg:
            cur = v
        else:
            t = i / nseg
            side = sum(float(a) * math.sin((k + 1) * math.pi * t) for k, a in enumerate(amps))
            lon, lat = offset(x1, y1, east * t + px * side, north * t + py * side)
            cur = builder.node(lon, lat)
        builder.road(prev, cur, highway=highway, speed_kph=speed_kph, factor=1.04, name=name)
        prev = cur
    builder.pairs.add(key)


def _nearest(builder: RoadBuilder, lon: float, lat: float, nodes: Sequence[int]) -> int:
    """The node among ``nodes`` nearest to a point."""
    best, best_d = nodes[0], math.inf
    for nid in nodes:
        x, y = builder.xy(nid)
        d = haversine_m(lon, lat, x, y)
        if d < best_d:
            best, best_d = nid, d
    return best


def build_roads(seed: int = SEED) -> tuple[nx.MultiDiGraph, dict[str, int]]:
    """Build the synthetic road network.

    Returns
    -------
    graph, stop_nodes
        The MultiDiGraph (osmnx conventions: node ``x``/``y`` lon/lat, edge ``length`` in m,
        ``speed_kph``, ``travel_time`` in s) and the node of every stop code.
    """
    rng = np.random.default_rng([seed, 1])
    builder = RoadBuilder()
    grid = _urban_grid(builder, rng)
    stop_nodes: dict[str, int] = {}
    for stop in STOPS:
        if stop.kind == "urban":
            stop_nodes[stop.code] = _nearest(builder, stop.lon, stop.lat, grid)
            continue
        centre = builder.node(stop.lon, stop.lat)
        stop_nodes[stop.code] = centre
        if stop.kind == "suburb":
            _village(builder, rng, centre, size=5, spacing_m=220.0, highway="residential")
        else:
            _village(builder, rng, centre, size=3, spacing_m=200.0, highway="unclassified")
    for route in ROUTES:
        rural = route.curviness >= 0.05
        for a, b in pairwise(route.stops):
            if STOP_BY_CODE[a].kind == "urban" and STOP_BY_CODE[b].kind == "urban":
                continue
            _trunk(
                builder,
                rng,
                stop_nodes[a],
                stop_nodes[b],
                curviness=route.curviness,
                highway="primary" if route.road_name.startswith("国道") else "tertiary",
                speed_kph=50.0 if rural else 40.0,
                name=route.road_name,
            )
    for _name, lon, lat in SPUR_VILLAGES:
        existing = list(builder.graph.nodes)
        target = _nearest(builder, lon, lat, existing)
        centre = builder.node(lon, lat)
        _village(builder, rng, centre, size=3, spacing_m=200.0, highway="unclassified")
        _trunk(
            builder,
            rng,
            target,
            centre,
            curviness=0.06,
            highway="unclassified",
            speed_kph=30.0,
            name="市道（合成）",
        )
    _make_oneway(builder, rng, grid, 4)
    graph = builder.graph
    if not nx.is_strongly_connected(graph):
        msg = "synthetic road network is not strongly connected"
        raise RuntimeError(msg)
    return graph, stop_nodes


# --------------------------------------------------------------------------------------------
# Timetables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TripRow:
    """One stop row of a timetable sheet."""

    code: str
    pole_col: str | None  # column B (pole id) when the stop has several poles
    arr_dep: str | None  # "着", "発" or None


def segment_minutes(
    graph: nx.MultiDiGraph, stop_nodes: dict[str, int], route: RouteDef
) -> list[float]:
    """Running time in minutes between consecutive stops (direction 0) at the route speed."""
    out = []
    for a, b in pairwise(route.stops):
        metres = nx.shortest_path_length(graph, stop_nodes[a], stop_nodes[b], weight="length")
        sa, sb = STOP_BY_CODE[a], STOP_BY_CODE[b]
        metres = max(float(metres), haversine_m(sa.lon, sa.lat, sb.lon, sb.lat))
        out.append(metres / 1000.0 / route.speed_kph * 60.0)
    return out


def route_km(graph: nx.MultiDiGraph, stop_nodes: dict[str, int], route: RouteDef) -> list[float]:
    """Cumulative road distance (km) at each stop of direction 0."""
    cum = [0.0]
    for a, b in pairwise(route.stops):
        metres = nx.shortest_path_length(graph, stop_nodes[a], stop_nodes[b], weight="length")
        cum.append(cum[-1] + float(metres) / 1000.0)
    return cum


def _fmt(minutes: int, style: str) -> str | dt.time:
    """A time (minutes after midnight) in one of the notations staff type (``style``)."""
    text = format_hmm(minutes * 60)
    if style == "excel":
        return dt.time(minutes // 60, minutes % 60) if minutes < 24 * 60 else text
    if style == "hmm":
        return text.replace(":", "")
    if style == "hh:mm":
        return format_hhmm(minutes * 60)
    if style == "fullwidth":
        return text.translate(str.maketrans("0123456789:", "０１２３４５６７８９："))
    return text


@dataclass(frozen=True)
class Trip:
    """One trip of a sheet: label, stop times (None = does not stop), marks."""

    label: int
    times: tuple[tuple[int | None, int | None], ...]  # (arrival, departure) per stop
    express: bool
    short: bool
    late: bool


def plan_trips(
    route: RouteDef, day: str, direction: int, seg: list[float]
) -> tuple[list[str], list[Trip]]:
    """Stop codes of one sheet (in order) and its trips."""
    codes = list(route.stops) if direction == 0 else list(reversed(route.stops))
    segs = seg if direction == 0 else list(reversed(seg))
    # cumulative minutes from the first stop (rounded cumulatively, strictly increasing)
    cum_f = [0.0]
    for s in segs:
        cum_f.append(cum_f[-1] + s)
    offs = [0]
    for c in cum_f[1:]:
        offs.append(max(round(c), offs[-1] + 1))
    label0 = (1 if direction == 0 else 2) + (100 if day == "土日祝" else 0)
    trips = []
    for n, spec in enumerate(TRIPS[route.route_id][day, direction]):
        express, short, late = spec.endswith("!"), spec.endswith("s"), spec == "late"
        if late:
            start = LATE_MINUTES - offs[codes.index(LATE_STOP)]
        else:
            start = parse_clock(spec.rstrip("!s")) // 60
        times: list[tuple[int | None, int | None]] = []
        shift = 0
        for i, code in enumerate(codes):
            t = start + offs[i] - shift
            if code == route.timing_point:
                # dwell at the timing point: later stops move on by the dwell time
                times.append((t, t + DWELL_MIN))
                shift -= DWELL_MIN
                continue
            if express and code in route.express_skips:
                times.append((None, None))
                shift += 1  # no stop: one minute saved
                continue
            times.append((t, t))
        if short and route.short_turn is not None:
            cut = codes.index(route.short_turn)
            times = [
                tt if ((i <= cut) if direction == 0 else (i >= cut)) else (None, None)
                for i, tt in enumerate(times)
            ]
        trips.append(Trip(label0 + 2 * n, tuple(times), express, short, late))
    return codes, trips


def _sheet_rows(route: RouteDef, direction: int, codes: list[str]) -> list[TripRow]:
    choice = POLE_CHOICE[route.route_id, direction]
    rows: list[TripRow] = []
    for code in codes:
        stop = STOP_BY_CODE[code]
        pole = pole_id(stop, choice[code]) if stop.poles > 1 else None
        if code == route.timing_point:
            rows.append(TripRow(code, pole, "着"))
            rows.append(TripRow(code, pole, "発"))
        else:
            rows.append(TripRow(code, pole, None))
    return rows


def _headsign(route: RouteDef, direction: int, codes: list[str], trip: Trip) -> str:
    if route.loop_names is not None:
        return route.loop_names[direction]
    served = [c for c, (a, d) in zip(codes, trip.times, strict=True) if a is not None]
    return STOP_BY_CODE[served[-1]].name


def _note(route: RouteDef, trip: Trip, direction: int) -> str | None:
    if trip.express:
        return "快速"
    if trip.late:
        return "最終"
    if trip.short and route.short_turn is not None:
        name = STOP_BY_CODE[route.short_turn].name
        return f"{name}止まり" if direction == 0 else f"{name}始発"
    return None


def write_timetable_workbook(
    route: RouteDef, seg: list[float]
) -> tuple[openpyxl.Workbook, dict[str, int]]:
    """One workbook per route: a sheet per direction and day type (layout profile ``transit``)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    bold = Font(bold=True)
    for day in DAY_TYPES:
        style = TIME_STYLE[route.route_id, day]
        for direction in (0, 1):
            codes, trips = plan_trips(route, day, direction, seg)
            if route.loop_names is not None:
                dest = ("右回り", "左回り")[direction]
            else:
                dest = STOP_BY_CODE[codes[-1]].name + "行"
            title = f"{route.short}_{dest}_{day}"
            ws = wb.create_sheet(title)
            counts[title] = len(trips)
            _write_sheet_head(ws, route, day, direction, codes, bold)
            for j, trip in enumerate(trips):
                _write_trip_column(ws, 4 + j, route, direction, codes, trip, style, bold)
            ws.column_dimensions["A"].width = 16
            ws.column_dimensions["B"].width = 10
            ws.column_dimensions["C"].width = 6
            ws.freeze_panes = "D7"
    return wb, counts


def _write_sheet_head(
    ws: Any, route: RouteDef, day: str, direction: int, codes: list[str], bold: Font
) -> None:
    """The header block (rows 1-6) and the stop rows (names, poles, 着/発) of a sheet."""
    ws["A1"], ws["B1"] = "系統", route.route_id
    ws["A2"], ws["B2"] = "運行日", day
    ws["A3"], ws["B3"] = "方向", direction
    ws["A4"], ws["A5"] = "行先", "備考"
    ws["A6"], ws["B6"], ws["C6"] = "停留所", "停留所ID", "着発"
    for cell in ("A1", "A2", "A3", "A4", "A5", "A6", "B6", "C6"):
        ws[cell].font = bold
    rows = _sheet_rows(route, direction, codes)
    for r, row in enumerate(rows, start=7):
        ws.cell(r, 1, STOP_BY_CODE[row.code].name)
        if row.pole_col:
            ws.cell(r, 2, row.pole_col)
        if row.arr_dep:
            ws.cell(r, 3, row.arr_dep)


def _write_trip_column(
    ws: Any,
    col: int,
    route: RouteDef,
    direction: int,
    codes: list[str],
    trip: Trip,
    style: str,
    bold: Font,
) -> None:
    """One trip: headsign, note and label (rows 4-6), then its times in the sheet's ``style``
    (a pass mark where an express skips a stop)."""
    ws.cell(4, col, _headsign(route, direction, codes, trip))
    note = _note(route, trip, direction)
    if note:
        ws.cell(5, col, note)
    ws.cell(6, col, trip.label).font = bold
    r = 7
    for code, (arr, dep) in zip(codes, trip.times, strict=True):
        pair = code == route.timing_point
        values = [arr, dep] if pair else [arr]
        for v in values:
            if v is None:
                skip = trip.express and code in route.express_skips
                if skip:
                    ws.cell(r, col, "↓")
            else:
                cell = ws.cell(r, col, _fmt(v, style))
                if isinstance(cell.value, dt.time):
                    cell.number_format = "h:mm"
                cell.alignment = Alignment(horizontal="center")
            r += 1


def write_fare_workbook(route: RouteDef, km: list[float]) -> openpyxl.Workbook:
    """The route's fare triangle: 160 yen + 30 yen/km, rounded up to 10 yen (or a flat fare)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = route.fare_table
    codes = list(route.stops)
    if codes[0] == codes[-1]:  # a loop: list each stop once
        codes, km = codes[:-1], km[:-1]
    kind = f"均一 {route.fare_flat}円" if route.fare_flat else "対キロ制 160円＋30円/km"
    ws["A1"] = f"運賃三角表 {route.short} {route.long}（{kind}）"
    for k, code in enumerate(codes):
        r = k + 2
        ws.cell(r, 1, STOP_BY_CODE[code].name)
        for i in range(k):
            fare = route.fare_flat or int(math.ceil((160 + 30 * (km[k] - km[i])) / 10.0) * 10)
            ws.cell(r, 3 + i, fare)
    ws.column_dimensions["A"].width = 16
    return wb


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    """Serialize a workbook with fixed dates and fixed zip timestamps (byte-stable)."""
    wb.properties.creator = "transit tools/make_sample_city.py"
    wb.properties.lastModifiedBy = "transit tools/make_sample_city.py"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Source-folder text files
# --------------------------------------------------------------------------------------------

FEED_TOML = """\
# ILLUSTRATIVE / 架空データ: the sample city's GTFS-JP source folder (see docs/source-format.md).
# Real place names at approximate positions; fictional timetables and fares.
# Generated by tools/make_sample_city.py: edit the script, not this file.

[feed]
version = "2026-04-01"
start_date = 2026-04-01
end_date = 2027-03-31
publisher_name = "延岡市"
publisher_url = "https://www.city.nobeoka.miyazaki.jp/"
contact_email = ""

[agency]
id = "4000020452033"
name = "延岡市"
url = "https://www.city.nobeoka.miyazaki.jp/"
phone = "0982-22-7001"
fare_url = ""
timezone = "Asia/Tokyo"
lang = "ja"

[agency_jp]
official_name = "延岡市"
zip_number = "8828686"
address = "宮崎県延岡市東本小路2番地1"
president_pos = "市長"
president_name = ""

[day_types."平日"]
service_id = "weekday"
days = ["mon", "tue", "wed", "thu", "fri"]
holidays = "off"
new_year_break = true

[day_types."土日祝"]
service_id = "weekend"
days = ["sat", "sun"]
holidays = "on"
new_year_break = true

[layout]
profile = "transit"

[fares]
payment_method = 0
transfers = 0
"""


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def _master_rows(
    columns: Sequence[str], records: Sequence[dict[str, object]]
) -> list[list[object]]:
    """Records as rows in the order of ``columns`` (absent values empty)."""
    return [[rec.get(c, "") for c in columns] for rec in records]


def stops_rows() -> list[list[object]]:
    """Rows of stops.csv (columns: ``STOPS_CSV.template``): every pole, plus the parent
    station rows."""
    records: list[dict[str, object]] = []
    for s in STOPS:
        parent = s.code if s.code in PARENT_STATIONS else ""
        names = {"stop_name": s.name, "stop_name_kana": s.kana, "stop_name_en": s.en}
        if parent:
            records.append(
                {"stop_id": s.code, **names, "stop_lat": f"{s.lat:.6f}", "stop_lon": f"{s.lon:.6f}"}
            )
        for p in range(1, s.poles + 1):
            lon, lat = pole_position(s, p)
            records.append(
                {
                    "stop_id": pole_id(s, p),
                    **names,
                    "stop_lat": f"{lat:.6f}",
                    "stop_lon": f"{lon:.6f}",
                    "platform_code": str(p) if s.poles > 1 else "",
                    "parent_station": parent,
                }
            )
    return STOPS_CSV.template_rows(records)


def routes_rows() -> list[list[object]]:
    """Rows of routes.csv (columns: ``ROUTES_CSV.template``)."""
    records: list[dict[str, object]] = [
        {
            "route_id": r.route_id,
            "route_short_name": r.short,
            "route_long_name": r.long,
            "route_long_name_kana": r.kana,
            "route_long_name_en": r.en,
            "route_type": 3,
            "route_color": r.color,
            "route_text_color": "FFFFFF",
            "fare_table": r.fare_table,
        }
        for r in ROUTES
    ]
    return ROUTES_CSV.template_rows(records)


# --------------------------------------------------------------------------------------------
# Areas, population, places
# --------------------------------------------------------------------------------------------

_TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32652", always_xy=True)
_TO_LONLAT = Transformer.from_crs("EPSG:32652", "EPSG:4326", always_xy=True)


def _round_coords(geom: Polygon) -> Polygon:
    ext = [(round(x, 5), round(y, 5)) for x, y in geom.exterior.coords]
    return orient(Polygon(ext), sign=1.0)


def build_areas() -> list[tuple[AreaDef, Polygon]]:
    """Candidate areas: the buffered convex hull of anchors, not overlapping earlier areas."""
    clusters = {c.name: (c.lon, c.lat) for c in CLUSTERS}
    spurs = {name: (lon, lat) for name, lon, lat in SPUR_VILLAGES}
    taken: list[Polygon] = []
    out = []
    for area in AREAS:
        pts = []
        for a in area.anchors:
            if a in STOP_BY_CODE:
                pts.append((STOP_BY_CODE[a].lon, STOP_BY_CODE[a].lat))
            elif a in clusters:
                pts.append(clusters[a])
            else:
                pts.append(spurs[a])
        hull = MultiPoint([_TO_UTM.transform(x, y) for x, y in pts]).convex_hull
        poly = hull.buffer(area.buffer_m, quad_segs=4).simplify(40.0)
        for other in taken:
            poly = poly.difference(other)
        if isinstance(poly, MultiPolygon):
            poly = max(poly.geoms, key=lambda g: g.area)
        taken.append(poly)
        lonlat = shapely.transform(
            poly, lambda a: np.column_stack(_TO_LONLAT.transform(a[:, 0], a[:, 1]))
        )
        out.append((area, _round_coords(lonlat)))
    return out


def build_population(areas: list[tuple[AreaDef, Polygon]], seed: int = SEED) -> list[list[object]]:
    """Synthetic population points: point_id, lon, lat, population, elderly, area_id."""
    rng = np.random.default_rng([seed, 2])
    rows: list[list[object]] = []
    n_id = 1
    for cl in CLUSTERS:
        n = max(6, round(cl.population / 60))
        east = rng.normal(0.0, cl.sigma_m, size=n)
        north = rng.normal(0.0, cl.sigma_m, size=n)
        weights = rng.dirichlet(np.full(n, 2.0))
        raw = weights * cl.population
        pops = np.floor(raw).astype(int)
        rest = cl.population - int(pops.sum())
        order = np.argsort(-(raw - pops), kind="stable")
        pops[order[:rest]] += 1
        for i in range(n):
            lon, lat = offset(cl.lon, cl.lat, float(east[i]), float(north[i]))
            limit = coast_lon(lat) - 0.002
            if lon > limit and cl.name != "島野浦":
                lon = limit - (lon - limit)
            lon = round(lon, 5)
            lat = round(lat, 5)
            pop = int(pops[i])
            elderly = int(rng.binomial(pop, cl.elderly_share))
            area_id = ""
            pt = Point(lon, lat)
            for area, poly in areas:
                if poly.contains(pt):
                    area_id = area.area_id
                    break
            rows.append([f"P{n_id:05d}", f"{lon:.5f}", f"{lat:.5f}", pop, elderly, area_id])
            n_id += 1
    return rows


def places_rows() -> list[list[object]]:
    """Rows of places.csv with the nearest bus pole."""
    poles = [(pole_id(s, p), *pole_position(s, p)) for s in STOPS for p in range(1, s.poles + 1)]
    rows: list[list[object]] = []
    for pl in PLACES:
        best = min(poles, key=lambda q: haversine_m(pl.lon, pl.lat, q[1], q[2]))
        rows.append(
            [
                pl.place_id,
                pl.name_ja,
                pl.name_en,
                pl.kind,
                f"{pl.lon:.5f}",
                f"{pl.lat:.5f}",
                best[0],
            ]
        )
    return rows


def areas_geojson(areas: list[tuple[AreaDef, Polygon]]) -> str:
    """The candidate areas as GeoJSON text (one feature per line)."""
    feats = []
    for area, poly in areas:
        props = {
            "area_id": area.area_id,
            "name_ja": area.name_ja,
            "name_en": area.name_en,
            "note": area.note,
            "current_vehicles": area.current_vehicles,
            "illustrative": True,
        }
        feat = {"type": "Feature", "properties": props, "geometry": mapping(poly)}
        feats.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    head = (
        '{"type":"FeatureCollection","name":"candidate_areas",'
        '"note":"ILLUSTRATIVE / 架空データ: approximate polygons drawn by '
        'tools/make_sample_city.py","features":[\n'
    )
    return head + ",\n".join(feats) + "\n]}\n"


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------

README = """\
# サンプル都市 / Sample city (ILLUSTRATIVE / 架空データ)

**このフォルダのデータはすべて説明用の架空データです。** 実在の地名を使い、座標はおおよその位置です。
時刻表・運賃・人口・道路網・施設名（公共施設と駅を除く）は架空または合成したもので、
延岡市や交通事業者の公式データではありません。

**Everything in this folder is ILLUSTRATIVE.** Real place names at approximate coordinates;
the timetables, fares, population, road network and facility names (other than public offices
and stations) are fictional or synthetic. Nothing here is official data of 延岡市 (Nobeoka City)
or of any bus operator.

All files except `drt/` and `scenarios/` are written by `tools/make_sample_city.py` (seed {seed}; deterministic:
running it twice gives byte-identical files). Edit the script, then run
`.venv/bin/python tools/make_sample_city.py`. See also `docs/sample-city.md`.

## ファイル / Files

| path | 内容 | what |
|---|---|---|
| `gtfs/` | GTFS-JP 入力フォルダ（`docs/source-format.md` の形式） | GTFS-JP source folder in the documented format |
| `gtfs/feed.toml` | 事業者（延岡市）、公開情報、曜日区分（平日・土日祝）、レイアウト `transit` | agency, feed dates 2026-04-01 – 2027-03-31, day types, layout profile |
| `gtfs/stops.csv` | 停留所マスタ（{n_names} 停留所・{n_poles} 標柱、延岡駅・南延岡駅はのりば 1/2 と親駅） | stop master: {n_names} stop names, {n_poles} poles; 延岡駅 and 南延岡駅 have poles 1/2 and a parent station row |
| `gtfs/routes.csv` | 路線マスタ（{n_routes} 路線） | route master ({n_routes} routes) |
| `gtfs/timetables/*.xlsx` | 時刻表（路線ごとに1冊、方向×曜日で4シート、計 {n_trips} 便） | one workbook per route, a sheet per direction and day type ({n_trips} trips) |
| `gtfs/fares/*.xlsx` | 運賃三角表（路線ごと。対キロ 160円＋30円/km を10円単位切上げ、循環線は均一100円） | fare triangles (160 yen + 30 yen/km rounded up to 10 yen; the loop is a flat 100 yen) |
| `network/roads.graphml` | **合成した道路網**（OSMnx GraphML、EPSG:4326） | **SYNTHETIC** road network, {n_nodes} nodes / {n_edges} directed edges |
| `areas/candidate_areas.geojson` | オンデマンド交通の候補地区（{n_areas} 地区、北浦は較正用の基準） | {n_areas} candidate on-demand areas; Kitaura is the calibration reference (today's 2-car service) |
| `population/points.csv` | 合成人口（{n_points} 点、総数 {pop_total:,} 人） | synthetic population points ({n_points}, total {pop_total:,}) |
| `places.csv` | 目的地（病院・診療所・スーパー・駅・支所・市役所・学校） | trip destinations with the nearest bus pole |

## 列 / Columns

- `population/points.csv`: `point_id`, `lon`, `lat` (WGS84 degrees), `population` (persons),
  `elderly` (persons aged 65+), `area_id` (the candidate area containing the point; blank outside).
- `places.csv`: `place_id`, `name_ja`, `name_en`, `kind` (hospital, clinic, supermarket, station,
  branch_office, bus_hub, city_hall, school), `lon`, `lat`, `stop_id` (nearest bus pole, straight line).
- `areas/candidate_areas.geojson` properties: `area_id` (ASCII), `name_ja`, `name_en`, `note`,
  `current_vehicles` (on-demand vehicles in service today: 2 in Kitaura, else 0), `illustrative`.
- `network/roads.graphml`: graph `crs` = `epsg:4326`, `synthetic` = `True`; node `x`/`y` (lon/lat),
  `osmid`; edge `osmid` (synthetic way id), `highway`, `name`, `oneway`, `length` (m),
  `speed_kph`, `travel_time` (s). Read it with `osmnx.load_graphml`.

## 時刻表の書き方の例 / What the timetables show

- 時刻の表記を混在: `7:05`、`07:05`、`705`、全角 `７：０５`、Excel の時刻セル。
  Mixed time notations: `7:05`, `07:05`, `705`, full-width, Excel time cells.
- 北浦線: 北浦総合支所に「着」「発」の2行（時刻調整）、平日上り1便は快速で `↓`（通過）。
  Kitaura line: an arrival/departure pair at 北浦総合支所; one weekday express with `↓` pass marks.
- 北方線: 北方総合支所止まり・始発の便（空欄 = 運行しない区間）。 Kitakata line: short-turn trips.
- 土々呂線: 平日の最終便は土々呂 `24:10`（深夜0時過ぎ）。 Totoro line: a late trip at `24:10`.
- 運行時間は道路網上の距離を 20–34 km/h で走る時間。 Running times follow road distances at 20–34 km/h.

## 作り方 / How it was made

- **停留所 / stops**: positions typed by hand near the Geolonia town points and the JR station points
  (see attributions); not surveyed pole positions.
- **道路網 / roads**: a jittered 320 m street grid over the city centre, small rotated village grids
  around every other stop, curvy trunk roads (a node every ~350 m) between consecutive stops of
  each route, spur roads to a few villages without a stop; two-way except four one-way streets;
  strongly connected. Graph attributes say `synthetic=True`.
- **人口 / population**: {n_clusters} settlement clusters with hand-set totals (Kitaura 3,600,
  Kitagawa 3,700, Kitakata 3,500, Shimanoura 800, rest of the city 103,400); points drawn from a
  normal distribution around each centre, populations split by a Dirichlet draw, elderly (65+)
  by a binomial draw with a district share (0.28–0.50).
- **候補地区 / areas**: buffered convex hulls of the stops and villages of each district;
  approximate, for workshops, not for deciding eligibility.

## 出典 / Attributions

- 町字の代表点（停留所・集落の位置の参考）: 「Geolonia 住所データ」 (CC BY 4.0),
  https://github.com/geolonia/japanese-addresses
- 駅の位置: 「国土数値情報（鉄道データ）（国土交通省）」 (via uedayou.net/jrslod).
- 北浦町のオンデマンド交通（小型車2台・平日・300円）: 宮崎日日新聞 (nordot), 延岡市ウェブサイト.

No third-party file is copied here: only a few coordinates, rounded and placed by hand.
"""


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def generate(out: Path, *, seed: int = SEED) -> dict[str, Any]:
    """Write every sample-city file into ``out``; return a summary (counts) of what was written."""
    graph, stop_nodes = build_roads(seed)
    written: list[Path] = []
    gtfs = out / "gtfs"
    written.append(_write(gtfs / "feed.toml", FEED_TOML))
    stop_rows = stops_rows()
    written.append(_write(gtfs / "stops.csv", _csv_text(STOPS_CSV.template, stop_rows)))
    written.append(_write(gtfs / "routes.csv", _csv_text(ROUTES_CSV.template, routes_rows())))
    n_trips = 0
    for route in ROUTES:
        seg = segment_minutes(graph, stop_nodes, route)
        wb, counts = write_timetable_workbook(route, seg)
        n_trips += sum(counts.values())
        stem = f"{int(route.short):02d}_{route.route_id}"
        written.append(_write(gtfs / "timetables" / f"{stem}.xlsx", workbook_bytes(wb)))
        fares = write_fare_workbook(route, route_km(graph, stop_nodes, route))
        written.append(_write(gtfs / "fares" / f"{stem}.xlsx", workbook_bytes(fares)))
    net_path = out / "network" / "roads.graphml"
    net_path.parent.mkdir(parents=True, exist_ok=True)
    ox.save_graphml(graph, net_path)
    written.append(net_path)
    areas = build_areas()
    written.append(_write(out / "areas" / "candidate_areas.geojson", areas_geojson(areas)))
    pop = build_population(areas, seed)
    pop_header = ("point_id", "lon", "lat", "population", "elderly", "area_id")
    written.append(_write(out / "population" / "points.csv", _csv_text(pop_header, pop)))
    place_header = ("place_id", "name_ja", "name_en", "kind", "lon", "lat", "stop_id")
    written.append(_write(out / "places.csv", _csv_text(place_header, places_rows())))
    summary: dict[str, Any] = {
        "seed": seed,
        "n_names": len(STOPS),
        "n_poles": sum(s.poles for s in STOPS),
        "n_routes": len(ROUTES),
        "n_trips": n_trips,
        "n_nodes": graph.number_of_nodes(),
        "n_edges": graph.number_of_edges(),
        "n_areas": len(areas),
        "n_points": len(pop),
        "pop_total": sum(int(str(r[3])) for r in pop),
        "n_clusters": len(CLUSTERS),
    }
    written.append(_write(out / "README.md", README.format(**summary)))
    summary["files"] = [str(p.relative_to(out)) for p in written]
    summary["bytes"] = sum(p.stat().st_size for p in written)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    summary = generate(args.out)
    for key, value in summary.items():
        if key != "files":
            print(f"{key}: {value}")
    print(f"wrote {len(summary['files'])} files into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
