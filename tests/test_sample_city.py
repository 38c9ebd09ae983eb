"""Integrity of the embedded sample city (data/sample/), read directly (no transit.gtfs)."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import json
import math
import re
import sys
import tomllib
import unicodedata
import zipfile
from collections import Counter
from itertools import pairwise
from pathlib import Path
from types import ModuleType
from typing import Any

import networkx as nx
import openpyxl
import pytest
from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "tools" / "make_sample_city.py"
BBOX = (131.3, 32.45, 131.9, 32.85)  # lon_min, lat_min, lon_max, lat_max
HIRAGANA = re.compile(r"^[\u3041-\u3096ー]+$")
PASS_MARKS = {"↓", "｜", "|", "レ", "－", "ー", "-", "＝", "=", "・"}
TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})$|^(\d{1,2})(\d{2})$")


def _haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _minutes(value: Any) -> int | None:
    """A timetable cell as minutes after midnight; None for a pass mark or blank."""
    if value is None:
        return None
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    text = _norm(str(value))
    if text == "" or str(value).strip() in PASS_MARKS:
        return None
    m = TIME_TEXT.match(text)
    assert m, f"unreadable time {value!r}"
    h, mm = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return int(h) * 60 + int(mm)


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def stops(sample: Path) -> list[dict[str, str]]:
    """Rows of gtfs/stops.csv."""
    return _read_csv(sample / "gtfs" / "stops.csv")


@pytest.fixture(scope="module")
def routes(sample: Path) -> list[dict[str, str]]:
    """Rows of gtfs/routes.csv."""
    return _read_csv(sample / "gtfs" / "routes.csv")


@pytest.fixture(scope="module")
def sheets(sample: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every timetable sheet as rows of values, keyed by 'file/sheet'."""
    out = {}
    for path in sorted((sample / "gtfs" / "timetables").glob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            out[f"{path.name}/{ws.title}"] = list(ws.iter_rows(values_only=True))
    return out


@pytest.fixture(scope="module")
def roads(sample: Path) -> nx.MultiDiGraph:
    """The synthetic road network, read back by osmnx."""
    import osmnx as ox

    return ox.load_graphml(sample / "network" / "roads.graphml")


def test_stop_master_counts_and_required_names(stops: list[dict[str, str]]) -> None:
    """48 poles of 46 stop names plus two parent stations; the named key stops exist."""
    parents = {r["parent_station"] for r in stops if r["parent_station"]}
    poles = [r for r in stops if r["stop_id"] not in parents]
    assert len(stops) == 50
    assert len(poles) == 48
    assert parents == {"S001", "S004"}
    assert len({r["stop_name"] for r in poles}) == 46
    names = {r["stop_name"] for r in stops}
    required = {
        "延岡駅", "延岡市役所", "県立延岡病院", "南延岡駅", "北延岡駅", "北方総合支所",
        "北川総合支所", "北浦総合支所", "祝子", "川島", "熊野江", "須美江", "古江", "市振",
        "三川内", "曽木", "長井", "川内名", "土々呂", "旭ヶ丘", "恒富", "岡富", "東海",
        "南方", "伊形", "平原", "大貫", "出北",
    }  # fmt: skip
    assert required <= names
    ids = [r["stop_id"] for r in stops]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() for i in ids)
    platforms = {r["stop_id"]: r["platform_code"] for r in stops if r["platform_code"]}
    assert platforms == {"S001_1": "1", "S001_2": "2", "S004_1": "1", "S004_2": "2"}


def test_every_stop_inside_nobeoka_bbox(stops: list[dict[str, str]]) -> None:
    """Every stop row has coordinates inside lon 131.3-131.9, lat 32.45-32.85."""
    lon0, lat0, lon1, lat1 = BBOX
    outside = [
        r["stop_id"]
        for r in stops
        if not (lon0 <= float(r["stop_lon"]) <= lon1 and lat0 <= float(r["stop_lat"]) <= lat1)
    ]
    assert outside == []


def test_readings_are_hiragana_and_english_names_present(
    stops: list[dict[str, str]], routes: list[dict[str, str]]
) -> None:
    """Every stop and route has a hiragana reading and an English name."""
    bad = [r["stop_id"] for r in stops if not HIRAGANA.match(r["stop_name_kana"])]
    bad += [r["stop_id"] for r in stops if not r["stop_name_en"].strip().isascii()]
    bad += [r["stop_id"] for r in stops if not r["stop_name_en"].strip()]
    bad += [r["route_id"] for r in routes if not HIRAGANA.match(r["route_long_name_kana"])]
    bad += [r["route_id"] for r in routes if not r["route_long_name_en"].strip()]
    assert bad == []


def test_routes_master(sample: Path, routes: list[dict[str, str]]) -> None:
    """Six routes with colours, each with a fare triangle sheet of its own."""
    assert [r["route_id"] for r in routes] == [
        "kitaura", "kitakata", "kitagawa", "loop", "south", "mukabaki",
    ]  # fmt: skip
    assert all(re.fullmatch(r"[0-9A-F]{6}", r["route_color"]) for r in routes)
    fare_sheets = set()
    for path in (sample / "gtfs" / "fares").glob("*.xlsx"):
        fare_sheets |= set(openpyxl.load_workbook(path).sheetnames)
    assert {r["fare_table"] for r in routes} == fare_sheets


def test_timetable_stops_exist_in_stop_master(
    sheets: dict[str, list[tuple[Any, ...]]], stops: list[dict[str, str]]
) -> None:
    """Every stop named in a sheet is in stops.csv; a pole id in column B matches the name."""
    names = {_norm(r["stop_name"]) for r in stops}
    name_of = {r["stop_id"]: _norm(r["stop_name"]) for r in stops}
    missing, wrong_pole = [], []
    for key, rows in sheets.items():
        for row in rows[6:]:
            if _norm(str(row[0])) not in names:
                missing.append((key, row[0]))
            if row[1] is not None and name_of.get(str(row[1])) != _norm(str(row[0])):
                wrong_pole.append((key, row[0], row[1]))
    assert missing == []
    assert wrong_pole == []


def test_sheet_headers_and_day_types(
    sample: Path, sheets: dict[str, list[tuple[Any, ...]]], routes: list[dict[str, str]]
) -> None:
    """Header block per the `transit` layout; both day types and directions for every route."""
    feed = tomllib.loads((sample / "gtfs" / "feed.toml").read_text(encoding="utf-8"))
    seen = Counter()
    for rows in sheets.values():
        assert [r[0] for r in rows[:6]] == ["系統", "運行日", "方向", "行先", "備考", "停留所"]
        assert rows[5][1:3] == ("停留所ID", "着発")
        assert rows[1][1] in feed["day_types"]
        seen[rows[0][1], rows[1][1], rows[2][1]] += 1
    expected = {(r["route_id"], d, k) for r in routes for d in ("平日", "土日祝") for k in (0, 1)}
    assert set(seen) == expected
    assert set(seen.values()) == {1}
    assert len(sheets) == 24


def test_trip_times_are_valid(sheets: dict[str, list[tuple[Any, ...]]]) -> None:
    """Times never go backwards; the notations, pass marks, 着/発 and 24:10 cases are present."""
    n_trips, backwards, labels = 0, [], Counter()
    notations = Counter()
    for key, rows in sheets.items():
        body = rows[6:]
        for col in range(3, len(rows[5])):
            if rows[5][col] is None:
                continue
            n_trips += 1
            labels[key.split("/")[0], rows[5][col]] += 1
            times = [_minutes(r[col]) for r in body]
            served = [t for t in times if t is not None]
            assert len(served) >= 2, (key, col)
            if served != sorted(served):
                backwards.append((key, rows[5][col]))
            for r in body:
                v = r[col]
                if isinstance(v, dt.time):
                    notations["excel"] += 1
                elif isinstance(v, str):
                    kind = "fullwidth" if v != _norm(v) else ("hmm" if v.isdigit() else "colon")
                    notations[kind if v not in PASS_MARKS else "pass"] += 1
    assert backwards == []
    assert n_trips == 183
    assert max(labels.values()) == 1  # trip labels unique within a route workbook
    assert set(notations) == {"excel", "fullwidth", "hmm", "colon", "pass"}
    assert notations["pass"] == 3
    cells = [v for rows in sheets.values() for r in rows[6:] for v in r[3:]]
    assert cells.count("24:10") == 1
    pairs = [
        (key, r[0])
        for key, rows in sheets.items()
        for r, nxt in pairwise(rows[6:])
        if r[2] == "着" and nxt[2] == "発" and r[0] == nxt[0]
    ]
    assert pairs == [
        ("01_kitaura.xlsx/1_三川内行_平日", "北浦総合支所"),
        ("01_kitaura.xlsx/1_延岡駅行_平日", "北浦総合支所"),
        ("01_kitaura.xlsx/1_三川内行_土日祝", "北浦総合支所"),
        ("01_kitaura.xlsx/1_延岡駅行_土日祝", "北浦総合支所"),
    ]


def test_a_route_reaches_kitaura(sheets: dict[str, list[tuple[Any, ...]]]) -> None:
    """The Kitaura line serves 北浦総合支所 on weekdays and weekends."""
    hits = {key for key, rows in sheets.items() for r in rows[6:] if r[0] == "北浦総合支所"}
    assert hits == {
        "01_kitaura.xlsx/1_三川内行_平日",
        "01_kitaura.xlsx/1_延岡駅行_平日",
        "01_kitaura.xlsx/1_三川内行_土日祝",
        "01_kitaura.xlsx/1_延岡駅行_土日祝",
    }


def test_fare_triangles_are_lower_triangles(sample: Path) -> None:
    """Row k holds k-1 positive fares from column C, the rest blank; fares grow with distance."""
    for path in sorted((sample / "gtfs" / "fares").glob("*.xlsx")):
        ws = openpyxl.load_workbook(path).active
        assert ws is not None
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        for k, row in enumerate(rows):
            fares = [v for v in row[2:] if v is not None]
            assert len(fares) == k, (path.name, row[0])
            assert all(isinstance(v, int) and v >= 100 and v % 10 == 0 for v in fares)
            assert fares == sorted(fares, reverse=True), (path.name, row[0])


def test_feed_toml(sample: Path) -> None:
    """Agency id is 13-digit text; the feed runs 2026-04-01 to 2027-03-31."""
    feed = tomllib.loads((sample / "gtfs" / "feed.toml").read_text(encoding="utf-8"))
    assert feed["agency"]["id"] == "4000020452033"
    assert feed["feed"]["start_date"] == dt.date(2026, 4, 1)
    assert feed["feed"]["end_date"] == dt.date(2027, 3, 31)
    assert {k: v["service_id"] for k, v in feed["day_types"].items()} == {
        "平日": "weekday",
        "土日祝": "weekend",
    }
    assert feed["layout"]["profile"] == "transit"


def test_road_network(roads: nx.MultiDiGraph, stops: list[dict[str, str]]) -> None:
    """Synthetic, strongly connected, small, and every stop snaps to a node within 300 m."""
    assert roads.graph["crs"] == "epsg:4326"
    assert roads.graph["synthetic"] == "True"
    assert nx.is_strongly_connected(roads)
    assert roads.number_of_nodes() == 1091
    assert roads.number_of_edges() == 3346
    nodes = [(float(d["x"]), float(d["y"])) for _, d in roads.nodes(data=True)]
    far = {}
    for r in stops:
        lon, lat = float(r["stop_lon"]), float(r["stop_lat"])
        d = min(_haversine_m(lon, lat, x, y) for x, y in nodes)
        if d > 300.0:
            far[r["stop_id"]] = round(d)
    assert far == {}
    for _, _, d in roads.edges(data=True):
        assert d["length"] > 0
        assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6), abs=0.06)
    assert sum(1 for *_, d in roads.edges(data=True) if d["oneway"]) == 4


def test_areas_have_stops_roads_and_people(
    sample: Path, stops: list[dict[str, str]], roads: nx.MultiDiGraph
) -> None:
    """Six polygons, each holding stops, road nodes and population; Kitaura about 3,600."""
    areas = json.loads((sample / "areas" / "candidate_areas.geojson").read_text("utf-8"))
    points = _read_csv(sample / "population" / "points.csv")
    pop = Counter()
    for p in points:
        pop[p["area_id"]] += int(p["population"])
    summary = {}
    for feat in areas["features"]:
        poly = shape(feat["geometry"])
        assert poly.geom_type == "Polygon"
        assert poly.is_valid
        props = feat["properties"]
        assert props["area_id"].isascii()
        assert props["name_ja"] and props["name_en"] and props["note"]
        n_stops = sum(
            poly.contains(Point(float(r["stop_lon"]), float(r["stop_lat"]))) for r in stops
        )
        n_nodes = sum(poly.contains(Point(d["x"], d["y"])) for _, d in roads.nodes(data=True))
        summary[props["area_id"]] = (n_stops, n_nodes > 20, pop[props["area_id"]] > 0)
    assert summary == {
        "kitaura": (4, True, True),
        "kitakata": (5, True, True),
        "kitagawa": (4, True, True),
        "south_coast": (4, True, True),
        "tomi_north": (5, True, True),
        "mukabaki": (2, True, True),
    }
    assert pop["kitaura"] == 3600


def test_population_points(sample: Path) -> None:
    """1,916 points totalling 115,000 people; elderly never exceed population; in the bbox."""
    points = _read_csv(sample / "population" / "points.csv")
    assert len(points) == 1916
    assert sum(int(p["population"]) for p in points) == 115_000
    assert all(0 <= int(p["elderly"]) <= int(p["population"]) for p in points)
    lon0, lat0, lon1, lat1 = BBOX
    assert all(lon0 <= float(p["lon"]) <= lon1 for p in points)
    assert all(lat0 <= float(p["lat"]) <= lat1 for p in points)


def test_places_point_at_known_poles(sample: Path, stops: list[dict[str, str]]) -> None:
    """Every place names an existing pole within 1.5 km; all documented kinds occur."""
    places = _read_csv(sample / "places.csv")
    by_id = {r["stop_id"]: r for r in stops}
    kinds = {p["kind"] for p in places}
    assert kinds == {
        "hospital", "clinic", "supermarket", "station", "branch_office", "bus_hub",
        "city_hall", "school",
    }  # fmt: skip
    for p in places:
        pole = by_id[p["stop_id"]]
        d = _haversine_m(
            float(p["lon"]), float(p["lat"]), float(pole["stop_lon"]), float(pole["stop_lat"])
        )
        assert d < 1500.0, p["place_id"]


def test_data_folder_is_small() -> None:
    """data/ stays under 5 MB in total."""
    total = sum(p.stat().st_size for p in (REPO / "data").rglob("*") if p.is_file())
    assert total < 5_000_000


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_city", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_sample_city"] = module
    spec.loader.exec_module(module)
    return module


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_generator_is_deterministic_and_matches_committed_files(
    tmp_path: Path, sample: Path
) -> None:
    """Two runs give byte-identical files, equal to the committed ones.

    Workbooks are compared member by member (decompressed) against the committed copies, so a
    different zlib build cannot fail the test; the two fresh runs are compared byte for byte.
    """
    gen = _load_generator()
    first = gen.generate(tmp_path / "a")
    second = gen.generate(tmp_path / "b")
    assert first["files"] == second["files"]
    assert len(first["files"]) == 20
    unstable = [
        rel
        for rel in first["files"]
        if (tmp_path / "a" / rel).read_bytes() != (tmp_path / "b" / rel).read_bytes()
    ]
    assert unstable == []
    differ = []
    for rel in first["files"]:
        fresh, committed = tmp_path / "a" / rel, sample / rel
        if rel.endswith(".xlsx"):
            same = _members(fresh) == _members(committed)
        else:
            same = fresh.read_bytes() == committed.read_bytes()
        if not same:
            differ.append(rel)
    assert differ == []


def test_the_sample_provenance_lists_every_file_with_its_flags(sample: Path) -> None:
    """``data/sample/provenance.json`` lists every file of the sample city with its SHA-256, so
    whatever is made from them (or from a copy) is flagged illustrative."""
    from transit.core import provenance as prov
    from transit.core.fileio import sha256_file

    (rec,) = prov.read_records(sample / prov.FILE_NAME)
    listed = {o.path: o for o in rec.outputs}
    files = sorted(p for p in sample.rglob("*") if p.is_file() and p.name != prov.FILE_NAME)
    stale = [p for p in files if p not in listed or listed[p].sha256 != sha256_file(p)]
    assert not stale and len(listed) == len(files), (
        f"data/sample changed ({len(stale)} files): run .venv/bin/python tools/sample_provenance.py"
    )
    assert listed[sample / "network" / "roads.graphml"].flags == ("sample_city", "synthetic_roads")
    assert listed[sample / "population" / "points.csv"].flags == (
        "sample_city",
        "synthetic_population",
    )
    assert all("sample_city" in (o.flags or ()) for o in rec.outputs)
