"""Offline maps: no CDN script or stylesheet in the written HTML, assets beside it or inlined."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pandas as pd
import pytest
from folium.plugins import MarkerCluster

from transit.cli import main
from transit.gtfs.feedio import Feed, write_feed
from transit.maps import mapkit
from transit.maps.feed import map_feed, route_colors, stop_departures

BOUNDS = ((32.55, 131.60), (32.62, 131.70))


def _df(rows: list[list[str]]) -> pd.DataFrame:
    head, *body = rows
    return pd.DataFrame(body, columns=head, dtype=str)


def tiny_feed() -> Feed:
    """2 stops, 1 route (blue), 2 weekday trips S1 -> S2."""
    return Feed(
        {
            "agency": _df(
                [
                    ["agency_id", "agency_name", "agency_url", "agency_timezone"],
                    ["A", "延岡市", "https://x.jp/", "Asia/Tokyo"],
                ]
            ),
            "stops": _df(
                [
                    ["stop_id", "stop_name", "stop_lat", "stop_lon", "platform_code"],
                    ["S1", "延岡駅", "32.5889", "131.6636", "1"],
                    ["S2", "本町", "32.5844", "131.6690", ""],
                ]
            ),
            "routes": _df(
                [
                    [
                        "route_id",
                        "agency_id",
                        "route_short_name",
                        "route_long_name",
                        "route_type",
                        "route_color",
                    ],
                    ["R1", "A", "1", "延岡駅～本町線", "3", "0072B2"],
                ]
            ),
            "trips": _df(
                [
                    ["route_id", "service_id", "trip_id", "trip_headsign"],
                    ["R1", "weekday", "T1", "本町"],
                    ["R1", "weekday", "T2", "本町"],
                ]
            ),
            "stop_times": _df(
                [
                    ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
                    ["T2", "08:00:00", "08:00:00", "S1", "1"],
                    ["T2", "08:10:00", "08:10:00", "S2", "2"],
                    ["T1", "07:05:00", "07:05:00", "S1", "1"],
                    ["T1", "07:15:00", "07:15:00", "S2", "2"],
                ]
            ),
        }
    )


def _script_and_style_urls(html: str) -> list[str]:
    urls = re.findall(r"<script[^>]*\bsrc=[\"']([^\"']+)", html)
    urls += re.findall(r"<link[^>]*\bhref=[\"']([^\"']+)", html)
    return urls


def test_saved_map_loads_no_remote_script_or_style(tmp_path: Path) -> None:
    """Every script/stylesheet folium points at a CDN is written under assets/ instead."""
    fmap = mapkit.new_map(BOUNDS, title="テスト")
    folium.Marker([32.59, 131.66], icon=folium.Icon(color="red")).add_to(fmap)
    MarkerCluster().add_to(fmap)
    saved = mapkit.save_map(fmap, tmp_path / "m.html")
    html = (tmp_path / "m.html").read_text("utf-8")
    urls = _script_and_style_urls(html)
    assert urls, "the page loads its scripts from files"
    assert [u for u in urls if re.match(r"https?://", u)] == []
    assert mapkit.remote_references(html) == []
    assert saved.dropped == ()
    assert all(u.startswith("assets/") for u in urls)
    for u in urls:
        assert (tmp_path / u).is_file(), u
    leaflet_css = next(u for u in urls if u.endswith("leaflet.css"))
    assert (tmp_path / leaflet_css).parent.joinpath("images", "layers.png").is_file()
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in saved.replaced


def test_inline_map_is_one_self_contained_file(tmp_path: Path) -> None:
    """inline=True: no asset files, no external script or style, Leaflet images as data URIs."""
    saved = mapkit.save_map(mapkit.new_map(BOUNDS), tmp_path / "m.html", inline=True)
    html = (tmp_path / "m.html").read_text("utf-8")
    assert saved.assets == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html"]
    assert _script_and_style_urls(html) == []
    assert "url(data:image/png;base64," in html
    assert "L.map(" in html


def test_unknown_cdn_resource_is_dropped_and_reported(tmp_path: Path) -> None:
    """A script no installed package provides is removed (the page never waits on the network)."""
    fmap = mapkit.new_map(BOUNDS)
    fmap.get_root().header.add_child(folium.JavascriptLink("https://example.com/x.js"), name="x")
    saved = mapkit.save_map(fmap, tmp_path / "m.html")
    assert saved.dropped == ("https://example.com/x.js",)
    assert "example.com" not in (tmp_path / "m.html").read_text("utf-8")


def test_new_map_has_no_tiles() -> None:
    """The default map has no tile layer (tiles need the network)."""
    fmap = mapkit.new_map(BOUNDS)
    assert not any(isinstance(c, folium.TileLayer) for c in fmap._children.values())
    html = fmap.get_root().render()
    assert "tile.openstreetmap.org" not in html


def test_feed_map_routes_and_departures(tmp_path: Path) -> None:
    """Routes in their colour, stop popups listing departures in Japanese, saved offline."""
    feed = tiny_feed()
    assert route_colors(feed) == {"R1": "#0072B2"}
    assert stop_departures(feed) == {"S1": [("1 延岡駅～本町線", "本町", "平日", ["7:05", "8:00"])]}
    fmap = map_feed(feed, boundary={"type": "FeatureCollection", "features": []})
    saved = mapkit.save_map(fmap, tmp_path / "feed.html")
    html = saved.path.read_text("utf-8")
    assert "#0072B2" in html
    assert "発車時刻" in html
    assert "7:05 8:00" in html
    assert "路線 1 延岡駅～本町線" in html
    assert "発車する便はありません" in html  # the terminal S2
    assert mapkit.remote_references(html) == []


def test_cli_maps_feed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`transit maps feed FEED -o OUT.html` writes the HTML and its assets."""
    write_feed(tiny_feed(), tmp_path / "f.zip")
    assert (
        main(["maps", "feed", str(tmp_path / "f.zip"), "-o", str(tmp_path / "out" / "f.html")]) == 0
    )
    assert "wrote " in capsys.readouterr().out
    assert (tmp_path / "out" / "assets").is_dir()
    assert mapkit.remote_references((tmp_path / "out" / "f.html").read_text("utf-8")) == []


def test_geojson_bounds_and_overlap() -> None:
    """Bounds of nested GeoJSON coordinates; boxes that touch overlap, distant ones do not."""
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[131.5, 32.5], [131.9, 32.5], [131.9, 32.9], [131.5, 32.5]]],
                },
            },
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [131.4, 32.95]}},
        ],
    }
    box = mapkit.geojson_bounds(gj)
    assert box == ((32.5, 131.4), (32.95, 131.9))
    assert mapkit.bounds_overlap(box, BOUNDS)
    assert not mapkit.bounds_overlap(box, ((42.3, 140.9), (42.4, 141.0)))
    assert mapkit.geojson_bounds({"type": "FeatureCollection", "features": []}) is None


def test_sample_city_maps(sample: Path, tmp_path: Path) -> None:
    """The atlas step reads the demo's outputs; the sample feed map (183 trips) saves offline."""
    from transit.demo.maps import atlas_inputs, sample_feed

    inputs = atlas_inputs(tmp_path / "demo-output")
    assert inputs.feed == tmp_path / "demo-output" / "gtfs" / "sample-feed-2026.zip"
    # no override: the atlas reads the synthetic flags from its inputs' provenance.json
    # (tests/test_evidence.py: every input of the demo's atlas is flagged)
    assert inputs.synthetic == frozenset()
    feed = sample_feed()
    assert len(feed.trips) == 183
    saved = mapkit.save_map(map_feed(feed), tmp_path / "feed.html")
    html = saved.path.read_text("utf-8")
    assert mapkit.remote_references(html) == []
    assert html.count("路線 ") >= 6


def test_graph_lines_draw_each_road_once() -> None:
    """A two-way road is one line (lat, lon order); a geometry is followed when present."""
    import networkx as nx
    from shapely.geometry import LineString

    g = nx.MultiDiGraph()
    g.add_node(1, x=131.60, y=32.50)
    g.add_node(2, x=131.61, y=32.51)
    g.add_node(3, x=131.62, y=32.50)
    g.add_edge(1, 2)
    g.add_edge(2, 1)
    g.add_edge(2, 3, geometry=LineString([(131.61, 32.51), (131.615, 32.52), (131.62, 32.50)]))
    assert mapkit.graph_lines(g) == [
        [(32.50, 131.60), (32.51, 131.61)],
        [(32.51, 131.61), (32.52, 131.615), (32.50, 131.62)],
    ]
    fmap = map_feed(tiny_feed(), roads=mapkit.graph_lines(g))
    names = [c.layer_name for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)]
    assert names == ["経緯線", "道路", "路線 1 延岡駅～本町線", "停留所"]
