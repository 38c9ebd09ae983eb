"""Hostile names in the data cannot break or run script in any map: every inline <script> of every
map still parses (node --check), and the names appear only escaped.

The browser proof (no dialog opens, the text is shown) belongs to the atlas's browser tests; this
test needs only Node.js, which reads JavaScript exactly as a browser's parser does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from transit.demo import demand as demand_demo
from transit.demo.maps import sample_feed
from transit.gtfs.feedio import Feed, write_feed
from transit.maps import mapkit
from transit.maps.areas import map_simulation
from transit.maps.feed import map_feed
from transit.routing.areas.config import load_area
from transit.routing.areas.prepare import prepare_area
from transit.routing.sim.simulator import simulate

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(2)</script>'
TEMPLATE = "`${alert(3)}`"
FORMULA = '=HYPERLINK("http://x","click")'
HOSTILE = (IMG, SCRIPT, TEMPLATE, FORMULA)
RAW = ("<img src=x", "<script>alert", "${alert(3)}", "alert(2)</script>")

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(
    NODE is None, reason="Node.js is needed to parse the pages' scripts"
)


def hostile_feed() -> Feed:
    """The sample feed with four stop names and two route names replaced by hostile text."""
    feed = sample_feed()
    stops = feed.stops.copy()
    stops.loc[stops.index[:4], "stop_name"] = list(HOSTILE)
    routes = feed.routes.copy()
    routes.loc[routes.index[:2], "route_long_name"] = [SCRIPT, IMG]
    return feed.replace(stops=stops, routes=routes)


def inline_scripts(html: str) -> list[str]:
    """The bodies of the page's inline scripts (those without ``src``)."""
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)


def assert_page_is_safe(html: str, folder: Path, name: str) -> None:
    scripts = inline_scripts(html)
    assert scripts, f"{name}: no inline script found"
    for i, body in enumerate(scripts):
        js = folder / f"{name}-{i}.js"
        js.write_text(body, "utf-8")
        done = subprocess.run(
            [NODE or "node", "--check", str(js)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{name}, script {i}: {done.stderr[:400]}"
    for raw in RAW:
        assert raw not in html, f"{name}: {raw!r} is in the page unescaped"


def test_feed_map(tmp_path: Path) -> None:
    page = mapkit.save_map(map_feed(hostile_feed()), tmp_path / "feed.html").path
    html = page.read_text("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert_page_is_safe(html, tmp_path, "feed")


def test_ridership_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRANSIT_PSEUDONYM_KEY", raising=False)
    feed_zip = tmp_path / "feed.zip"
    write_feed(hostile_feed().tables, feed_zip)
    demand_demo.run(feed_zip, tmp_path / "demand", rows=6000, seed=1)
    html = (tmp_path / "demand" / "ridership_map.html").read_text("utf-8")
    assert_page_is_safe(html, tmp_path, "ridership")


def test_area_map(sample: Path, tmp_path: Path) -> None:
    cfg = load_area(sample / "drt" / "kitaura.toml").with_changes(dispatch={"reoptimize": False})
    setup = prepare_area(cfg, seed=1)
    result = simulate(setup, seed=1)
    stops = pd.DataFrame(
        {"stop_name": list(HOSTILE), "lon": [131.80] * 4, "lat": [32.73, 32.74, 32.75, 32.76]}
    )
    places = pd.DataFrame(
        {"name_ja": list(HOSTILE), "kind": [IMG] * 4, "lon": [131.81] * 4, "lat": [32.73] * 4}
    )
    fmap = map_simulation(result, setup.graph, stops=stops, places=places, title=SCRIPT)
    html = mapkit.save_map(fmap, tmp_path / "area.html").path.read_text("utf-8")
    assert_page_is_safe(html, tmp_path, "area")


def test_atlas_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The atlas's network, ridership and landing pages of a hostile feed: every inline script
    parses and the names appear only escaped (the landing page has no script at all)."""
    from transit.maps.atlas import AtlasInputs, build_atlas

    monkeypatch.delenv("TRANSIT_PSEUDONYM_KEY", raising=False)
    feed_zip = tmp_path / "feed.zip"
    write_feed(hostile_feed().tables, feed_zip)
    demand_demo.run(feed_zip, tmp_path / "demand", rows=6000, seed=1)
    inputs = AtlasInputs(feed=feed_zip, store=tmp_path / "demand" / "store")
    atlas = build_atlas(inputs, tmp_path / "atlas", lang="en")
    assert [p.file for p in atlas.pages] == ["network.html", "ridership.html"]
    for page in atlas.pages:
        html = (tmp_path / "atlas" / page.file).read_text("utf-8")
        assert_page_is_safe(html, tmp_path, page.key)
    index = (tmp_path / "atlas" / "index.html").read_text("utf-8")
    assert "<script" not in index
    for raw in RAW:
        assert raw not in index
