"""The atlas and every page the demo writes, proven in a real browser (headless chromium, every
request outside ``file://`` blocked): no console or page error, the expected layers and counts,
a working layer control, time-band switch and time slider, hostile names shown as text.

The demo's steps run once for the module with lighter parameters (fewer taps, one fleet size,
no judge on the scenario feeds): the same writers as ``transit demo``, in about a minute.
Screenshots go to ``$TRANSIT_TEST_OUTPUT`` (default ``test-output/``)/``browser/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_run import DemoRun
from tests.maps.browser import COUNT_JS, MAPS_JS, launch, open_page, unavailable
from transit.core.paths import REPO_DIR
from transit.demo import demand as demand_demo
from transit.demo import scenarios as scenarios_demo
from transit.demo.maps import sample_feed
from transit.gtfs.feedio import write_feed
from transit.maps.atlas import AtlasInputs, build_atlas

REASON = unavailable()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(REASON is not None, reason=str(REASON)),
]

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(2)</script>'
SHOTS = Path(os.environ.get("TRANSIT_TEST_OUTPUT", REPO_DIR / "test-output")) / "browser"


@pytest.fixture(scope="module")
def demo(light_demo: DemoRun) -> tuple[Path, float]:
    """The session's light demo run (:func:`tests.conftest.run_light_demo`)."""
    return light_demo.out, light_demo.atlas_s


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, demo: tuple[Path, float]) -> Path:
    """An atlas of the sample feed with a stop (inside an area) named IMG and a route SCRIPT."""
    out = tmp_path_factory.mktemp("hostile")
    feed = sample_feed()
    stops, routes = feed.stops.copy(), feed.routes.copy()
    stops.loc[stops["stop_id"] == "S006_1", "stop_name"] = IMG
    routes.loc[routes["route_id"] == "kitakata", "route_long_name"] = SCRIPT
    path = out / "feed.zip"
    write_feed(feed.replace(stops=stops, routes=routes).tables, path)
    demand_demo.run(path, out / "demand", rows=6000, seed=1)
    scenarios_demo.run(path, out / "demand" / "store", out / "scenarios", judge=False)
    inputs = AtlasInputs(feed=path, store=out / "demand" / "store", areas=demo[0] / "drt",
                         scenarios=out / "scenarios")  # fmt: skip
    build_atlas(inputs, out / "atlas")
    return out / "atlas"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def visit(browser: Any, page_path: Path, shot: str, check: Any = None) -> Any:
    """Open a page offline, run ``check(page)``, screenshot it; fails on any problem."""
    context, page, log = open_page(browser, page_path, wait_ms=600)
    try:
        result = check(page) if check is not None else None
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{shot}.png"))
        assert log.problems() == [], f"{page_path.name}: {log.problems()[:5]}"
        return result
    finally:
        context.close()


def counts(page: Any) -> list[dict[str, int]]:
    return page.evaluate(COUNT_JS)  # type: ignore[no-any-return]


def test_every_page_the_demo_writes_opens_offline(demo: tuple[Path, float], browser: Any) -> None:
    """The judge's reports, every map and every atlas page: no error, nothing fetched."""
    out, _ = demo
    pages = sorted(out.rglob("*.html"))
    names = {p.relative_to(out).as_posix() for p in pages}
    assert {"gtfs/judge-2026/report.html", "gtfs/judge-2027/report.html", "maps/feed.html",
            "demand/ridership_map.html", "atlas/index.html", "atlas/areas.html"} <= names  # fmt: skip
    assert len([n for n in names if n.startswith("drt/maps/")]) == 6
    for path in pages:
        visit(browser, path, "demo-" + path.relative_to(out).as_posix().replace("/", "-")[:-5])


def test_judge_report_runs_its_scripts(demo: tuple[Path, float], browser: Any) -> None:
    """The judge's report loads jQuery from beside it: its notice rows open on click."""
    page_path = demo[0] / "gtfs" / "judge-2026" / "report.html"

    def check(page: Any) -> None:
        assert page.evaluate("typeof $ === 'function' && typeof $.fn.tooltip === 'function'")

    visit(browser, page_path, "judge-2026", check)


def test_atlas_size_and_time(demo: tuple[Path, float]) -> None:
    """The sample-city atlas: under 10 MB in all, written in under 60 s, every map linked."""
    out, seconds = demo
    atlas = out / "atlas"
    size = sum(p.stat().st_size for p in atlas.rglob("*") if p.is_file())
    assert size < 10_000_000, size
    assert seconds < 60, seconds
    index = (atlas / "index.html").read_text("utf-8")
    pages = sorted(p.name for p in atlas.glob("*.html") if p.name != "index.html")
    assert len(pages) == 1 + 1 + 3 + 1 + 6  # network, ridership, 3 scenarios, areas, 6 areas
    for name in pages:
        assert f'href="{name}"' in index
        assert (atlas / "handout" / name.replace(".html", ".png")).is_file()
    assert "架空" in index and ("国土数値情報" in index or "概略" in index)


def test_network_map(demo: tuple[Path, float], browser: Any) -> None:
    """48 stops, one layer per route (6), the outline drawn and visible, a layer toggles."""

    def check(page: Any) -> None:
        (c,) = counts(page)
        assert c["circles"] == 48
        outline = page.evaluate(OUTLINE_JS)
        assert outline >= 1
        boxes = page.locator(".leaflet-control-layers-overlays input[type=checkbox]")
        assert boxes.count() == 6 + 1  # routes, stops (the graticule is not listed)
        route = boxes.nth(0)
        before = counts(page)[0]["lines"]
        route.click()
        assert counts(page)[0]["lines"] < before
        route.click()
        assert counts(page)[0]["lines"] == before

    visit(browser, demo[0] / "atlas" / "network.html", "atlas-network", check)
    assert outline_pixels(SHOTS / "atlas-network.png") > 0.05


OUTLINE_JS = f"""() => ({MAPS_JS}).reduce((n, m) => {{
  m.eachLayer(l => {{ if (l instanceof L.Polygon && l.options.fillColor === '#fbfbf5') n++; }});
  return n; }}, 0)"""


def outline_pixels(png: Path) -> float:
    """The share of the screenshot painted in the outline's fill colour (#fbfbf5)."""
    from PIL import Image

    img = Image.open(png).convert("RGB")
    colors = img.getcolors(maxcolors=1 << 20) or []
    hit = sum(n for n, rgb in colors if rgb == (251, 251, 245))
    return hit / (img.width * img.height)


def test_ridership_time_band_switch(demo: tuple[Path, float], browser: Any) -> None:
    """One time band at a time: choosing another shows a different set of circles."""

    def check(page: Any) -> None:
        radios = page.locator(".transit-switch input[type=radio]")
        assert radios.count() >= 3
        first = counts(page)[0]
        radios.nth(1).check()
        second = counts(page)[0]
        assert second != first
        assert first["circles"] > 0 and second["circles"] > 0
        assert page.evaluate(OUTLINE_JS) >= 1

    visit(browser, demo[0] / "atlas" / "ridership.html", "atlas-ridership", check)


def test_scenario_dual_map(demo: tuple[Path, float], browser: Any) -> None:
    """Two synchronized maps, removed segments on the left, the comparison table beside."""

    def check(page: Any) -> None:
        left, right = counts(page)
        assert left["lines"] > 0 and right["lines"] > 0
        assert right["circles"] > 0  # lost riders' origins
        assert "利用者数" in page.inner_text("#panel")
        page.locator(".leaflet-control-zoom-in").first.click()
        page.wait_for_timeout(500)
        zooms = page.evaluate(f"() => ({MAPS_JS}).map(m => m.getZoom())")
        assert zooms[0] == zooms[1]

    visit(browser, demo[0] / "atlas" / "scenario-kitagawa_tail.html", "atlas-scenario", check)


TRACKS_JS = f"""() => {{
  const m = ({MAPS_JS})[0]; const pts = [];
  m.eachLayer(l => {{ if (l instanceof L.CircleMarker && l.options.radius === 6)
    pts.push(l.getLatLng().lat.toFixed(5) + ',' + l.getLatLng().lng.toFixed(5)); }});
  return {{time: m.timeDimension.getCurrentTime(), n: m.timeDimension.getAvailableTimes().length,
           pts: pts.sort()}};
}}"""


def slider_moves_tracks(page: Any) -> None:
    start = page.evaluate(TRACKS_JS)
    page.locator(".timecontrol-forward").first.click()
    page.wait_for_timeout(300)
    stepped = page.evaluate(TRACKS_JS)
    assert stepped["time"] > start["time"]
    middle_index = start["n"] // 2
    page.evaluate(f"() => ({MAPS_JS})[0].timeDimension.setCurrentTimeIndex({middle_index})")
    page.wait_for_timeout(600)
    middle = page.evaluate(TRACKS_JS)
    assert middle["time"] > stepped["time"]
    assert middle["pts"] and middle["pts"] != start["pts"], (start, middle)


def test_areas_overview(demo: tuple[Path, float], browser: Any) -> None:
    """Choropleth of 6 areas with an indicator switch, ranking table, tracks that move."""

    def check(page: Any) -> None:
        (c,) = counts(page)
        assert c["polygons"] >= 6 + 1  # areas and the outline
        radios = page.locator(".transit-switch input[type=radio]")
        assert radios.count() == 6
        radios.nth(3).check()
        assert counts(page)[0]["polygons"] >= 7
        assert "順位" in page.inner_text("#panel")
        slider_moves_tracks(page)

    visit(browser, demo[0] / "atlas" / "areas.html", "atlas-areas", check)


@pytest.mark.parametrize(
    "area", ["kitakata", "kitagawa", "kitaura", "mukabaki", "south_coast", "tomi_north"]
)
def test_area_maps_draw_polygon_stops_and_tracks(
    demo: tuple[Path, float], browser: Any, area: str
) -> None:
    """Each area map (the atlas's and the demo's) draws its polygon, its stops and tracks that
    move with the time slider."""

    def check(page: Any) -> None:
        (c,) = counts(page)
        assert c["polygons"] >= 1
        stops = page.evaluate(f"""() => {{ let n = 0; ({MAPS_JS})[0].eachLayer(l => {{
          if (l instanceof L.CircleMarker && l.options.fillColor === '#ffffff') n++; }}); return n; }}""")
        assert stops >= 1
        slider_moves_tracks(page)

    visit(browser, demo[0] / "atlas" / f"area-{area}.html", f"atlas-area-{area}", check)
    visit(browser, demo[0] / "drt" / "maps" / f"{area}.html", f"demo-drt-{area}", check)


HOSTILE_JS = f"""() => {{
  const out = {{opened: 0, texts: [], injected: 0}};
  ({MAPS_JS}).forEach(m => m.eachLayer(l => {{
    ['Popup', 'Tooltip'].forEach(kind => {{
      const o = l['get' + kind] && l['get' + kind]();
      if (!o) return;
      let c = o.getContent(); if (typeof c === 'function') c = c(l);
      const html = typeof c === 'string' ? c : (c && c.outerHTML) || '';
      if (!html.includes('&lt;img') && !html.includes('&lt;script')) return;
      const at = l.getLatLng ? l.getLatLng() : (l.getCenter ? l.getCenter() : m.getCenter());
      l['open' + kind](at);
      const el = o.getElement();
      if (el) {{ out.opened++; out.texts.push(el.innerText);
                 if (el.querySelector('img, script')) out.injected++; }}
      l['close' + kind]();
    }});
  }}));
  return out;
}}"""


@pytest.mark.parametrize(
    ("page_name", "names"),
    [
        ("network.html", (IMG, SCRIPT)),
        ("ridership.html", (IMG,)),
        ("scenario-kitagawa_tail.html", (IMG,)),
        ("areas.html", (IMG,)),
    ],
)
def test_hostile_names_are_text(
    hostile: Path, browser: Any, page_name: str, names: tuple[str, ...]
) -> None:
    """Every popup and tooltip holding a hostile name shows it as text; no dialog opens (a
    dialog is a problem :func:`visit` fails on); tables and legends show it as text too."""

    def check(page: Any) -> None:
        found = page.evaluate(HOSTILE_JS)
        assert found["opened"] > 0 and found["injected"] == 0
        shown = "\n".join(found["texts"]) + page.inner_text("body")
        for name in names:
            assert name in shown, name
        assert (
            page.evaluate("document.querySelectorAll('img[src=x], script:not([src])').length") >= 0
        )

    visit(browser, hostile / page_name, "hostile-" + page_name[:-5], check)


def test_hostile_landing_page(hostile: Path, browser: Any) -> None:
    """The landing page opens without a dialog and has no script at all."""
    html = (hostile / "index.html").read_text("utf-8")
    assert "<script" not in html
    visit(browser, hostile / "index.html", "hostile-index")
