"""Folium maps that open offline in a workshop room: no CDN, no tiles.

Every map builder in the project makes its map with :func:`new_map` (no tile layer: tiles need
the network) and draws its own vector basemap (:func:`add_outline`, :func:`add_graticule`); the
CLI writes it with :func:`save_map`, which replaces every ``<script src>`` / stylesheet link that
folium points at a CDN by a file written beside the HTML (or inlined), taken from installed Python
packages:

- Leaflet itself (JS, CSS and its control images) from ``django-js-lib-leaflet``, which ships
  Leaflet's ``dist`` files (Leaflet 1.9.4; folium 0.20 asks for 1.9.3, API-compatible);
- every other resource folium or its plugins reference (jQuery, Bootstrap, awesome-markers,
  MarkerCluster, heat maps, …) from ``folium-offline``'s resource table, keyed by the same CDN
  URLs as folium's.

A resource found in neither is removed from the page and returned by :func:`save_map` (and
logged), so the page never waits on the network. Font files referenced by icon-font CSS
(Font Awesome, Glyphicons) are not shipped by those packages: icon glyphs fall back to blanks;
use circle markers (as the project's maps do) rather than icon markers.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import importlib.util
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium

from transit.core.fileio import atomic_write_bytes
from transit.maps import markup

log = logging.getLogger(__name__)

#: Background colour of the tile-less map (a pale sea/land neutral).
BACKGROUND = "#eef2f3"

_SCRIPT_RE = re.compile(
    r"<script\b[^>]*?\bsrc\s*=\s*[\"'](?P<url>https?://[^\"']+)[\"'][^>]*>\s*</script>",
    re.IGNORECASE,
)
_LINK_RE = re.compile(
    r"<link\b[^>]*?\bhref\s*=\s*[\"'](?P<url>https?://[^\"']+)[\"'][^>]*?/?>",
    re.IGNORECASE,
)
_LEAFLET_RE = re.compile(r"/leaflet@[\d.]+/dist/leaflet\.(?P<ext>js|css)$")
_CSS_URL_RE = re.compile(r"url\((?P<q>[\"']?)(?P<ref>images/[^\"')]+)(?P=q)\)")


@dataclass(frozen=True)
class SavedMap:
    """What :func:`save_map` wrote: the HTML ``path``, the ``assets`` files written beside it,
    the ``replaced`` CDN URLs now served locally, and the ``dropped`` URLs nothing could serve."""

    path: Path
    assets: tuple[Path, ...]
    replaced: tuple[str, ...]
    dropped: tuple[str, ...]


# ------------------------------------------------------------------------------ making a map


def new_map(
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None,
    *,
    center: tuple[float, float] | None = None,
    zoom_start: int = 12,
    title: str | None = None,
    prefer_canvas: bool = True,
) -> folium.Map:
    """A folium map without tiles, ready to open offline.

    Parameters
    ----------
    bounds
        ``((south, west), (north, east))`` in degrees; the map opens fitted to it.
    center, zoom_start
        Used when ``bounds`` is not given.
    title
        Shown in a box at the top of the map (Japanese, for workshop participants).
    prefer_canvas
        Draw vector layers on one canvas (fast for thousands of road segments). Pass ``False``
        for maps with animated markers: the TimestampedGeoJson plugin's markers need Leaflet's
        SVG renderer (on a canvas they throw ``this._renderer._setPath is not a function`` and
        the page draws nothing).

    Returns
    -------
    folium.Map
        With a plain background, a scale bar (metres) and no tile layer.
    """
    if center is None and bounds is not None:
        (s, w), (n, e) = bounds
        center = ((s + n) / 2, (w + e) / 2)
    fmap = folium.Map(
        location=list(center) if center is not None else [32.58, 131.66],
        zoom_start=zoom_start,
        tiles=None,
        control_scale=True,
        prefer_canvas=prefer_canvas,
    )
    style = f"<style>.leaflet-container {{ background: {BACKGROUND}; }}</style>"
    root = fmap.get_root()
    assert isinstance(root, folium.Figure)
    root.header.add_child(folium.Element(style))
    if bounds is not None:
        fmap.fit_bounds([list(bounds[0]), list(bounds[1])])
    if title:
        box = (
            '<div style="position:fixed;top:10px;left:60px;z-index:1000;background:white;'
            'padding:4px 10px;border:1px solid #888;border-radius:4px;font-size:16px;">'
            f"{markup.text(title)}</div>"
        )
        root.html.add_child(folium.Element(box))
    return fmap


def add_outline(
    fmap: folium.Map,
    geojson: Mapping[str, Any] | Any,
    *,
    name: str = "市域",
    color: str = "#555555",
    fill: str = "#fbfbf5",
    base: bool = False,
) -> folium.GeoJson:
    """Draw an area (city boundary, districts) as the basemap: a grey line over a pale fill.

    ``geojson`` is a GeoJSON mapping, a GeoDataFrame, or anything ``folium.GeoJson`` accepts.
    Returns the layer (already added to ``fmap``, under ``name`` in the layer control; a base
    layer, listed among the control's radio buttons, when ``base``).
    """
    layer = folium.GeoJson(
        geojson,
        name=name,
        overlay=not base,
        style_function=lambda _f: {
            "color": color,
            "weight": 1.5,
            "fillColor": fill,
            "fillOpacity": 1.0,
        },
        interactive=False,
    )
    layer.add_to(fmap)
    return layer


def add_graticule(
    fmap: folium.Map,
    bounds: tuple[tuple[float, float], tuple[float, float]],
    *,
    step_deg: float = 0.01,
    name: str = "経緯線",
) -> folium.FeatureGroup:
    """Faint grid lines every ``step_deg`` degrees over ``bounds`` (about 1 km at 0.01°).

    A reference for the eye where nothing else is drawn (the map has no tiles).
    """
    (s, w), (n, e) = bounds
    group = folium.FeatureGroup(name=name, control=False)
    style = {"color": "#c8d0d4", "weight": 0.6, "interactive": False}
    start_lat = round(s / step_deg) * step_deg
    start_lon = round(w / step_deg) * step_deg
    lat = start_lat
    while lat <= n + step_deg:
        folium.PolyLine([[lat, w - step_deg], [lat, e + step_deg]], **style).add_to(group)
        lat += step_deg
    lon = start_lon
    while lon <= e + step_deg:
        folium.PolyLine([[s - step_deg, lon], [n + step_deg, lon]], **style).add_to(group)
        lon += step_deg
    group.add_to(fmap)
    return group


def add_lines(
    fmap: folium.Map,
    lines: Iterable[Sequence[tuple[float, float]]],
    *,
    name: str = "道路",
    color: str = "#b8b8b8",
    weight: float = 1.5,
) -> folium.FeatureGroup:
    """Draw polylines (``[(lat, lon), …]`` each) as a non-interactive basemap layer.

    Used for the road network under a tile-less map; returns the layer (added to ``fmap``).
    """
    group = folium.FeatureGroup(name=name)
    for line in lines:
        if len(line) >= 2:
            folium.PolyLine(
                [list(p) for p in line], color=color, weight=weight, interactive=False
            ).add_to(group)
    group.add_to(fmap)
    return group


def graph_lines(graph: Any) -> list[list[tuple[float, float]]]:
    """The edges of a road graph (networkx, nodes with ``x`` = lon and ``y`` = lat) as
    ``[(lat, lon), …]`` lines, one per node pair (both directions drawn once); an edge's
    shapely ``geometry`` is followed when present."""
    seen: set[tuple[Any, Any]] = set()
    out: list[list[tuple[float, float]]] = []
    nodes = graph.nodes
    for u, v, data in graph.edges(data=True):
        key = (u, v) if str(u) <= str(v) else (v, u)
        if key in seen:
            continue
        seen.add(key)
        geom = data.get("geometry")
        if geom is not None and hasattr(geom, "coords"):
            out.append([(float(y), float(x)) for x, y in geom.coords])
        else:
            a, b = nodes[u], nodes[v]
            out.append([(float(a["y"]), float(a["x"])), (float(b["y"]), float(b["x"]))])
    return out


def read_geojson(path: Path) -> dict[str, Any]:
    """Read a GeoJSON file (e.g. the city boundary) as a mapping for :func:`add_outline`."""
    data: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
    return data


def geojson_bounds(
    geojson: Mapping[str, Any],
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """``((south, west), (north, east))`` of every coordinate in a GeoJSON mapping, or ``None``."""
    lats: list[float] = []
    lons: list[float] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, Mapping):
            if "coordinates" in obj:
                coords(obj["coordinates"])
            for key in ("features", "geometries"):
                for item in obj.get(key, []) or []:
                    walk(item)
            if isinstance(obj.get("geometry"), Mapping):
                walk(obj["geometry"])

    def coords(c: Any) -> None:
        if (
            isinstance(c, list | tuple)
            and len(c) >= 2
            and all(isinstance(v, int | float) for v in c[:2])
        ):
            lons.append(float(c[0]))
            lats.append(float(c[1]))
        elif isinstance(c, list | tuple):
            for sub in c:
                coords(sub)

    walk(geojson)
    if not lats:
        return None
    return ((min(lats), min(lons)), (max(lats), max(lons)))


def bounds_overlap(
    a: tuple[tuple[float, float], tuple[float, float]],
    b: tuple[tuple[float, float], tuple[float, float]],
) -> bool:
    """True when two ``((south, west), (north, east))`` boxes overlap."""
    return not (a[1][0] < b[0][0] or b[1][0] < a[0][0] or a[1][1] < b[0][1] or b[1][1] < a[0][1])


# ---------------------------------------------------------------------------- local resources


def _leaflet_dir() -> Path | None:
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet"
    return folder if (folder / "leaflet.js").is_file() else None


def _offline_table() -> Mapping[str, str]:
    try:
        module = importlib.import_module("offlinefolium.elements")
    except ImportError:
        return {}
    res = getattr(module, "_res", None)
    return res if isinstance(res, dict) else {}


def resource_for(url: str) -> tuple[str, bytes, dict[str, bytes]] | None:
    """The local copy of a CDN ``url``: ``(file name, content, extra files)`` or ``None``.

    ``extra files`` maps relative paths (Leaflet's ``images/…``) to bytes that the content refers to.
    """
    m = _LEAFLET_RE.search(url)
    if m:
        folder = _leaflet_dir()
        if folder is not None:
            ext = m.group("ext")
            extras: dict[str, bytes] = {}
            if ext == "css":
                for img in sorted((folder / "images").glob("*.png")):
                    extras[f"images/{img.name}"] = img.read_bytes()
            return f"leaflet.{ext}", (folder / f"leaflet.{ext}").read_bytes(), extras
    text = _offline_table().get(url)
    if text is None:
        return None
    name = url.rstrip("/").rsplit("/", 1)[-1] or "resource"
    return name, text.encode("utf-8"), {}


def _inline_css_images(css: bytes, extras: Mapping[str, bytes]) -> bytes:
    def repl(m: re.Match[str]) -> str:
        data = extras.get(m.group("ref"))
        if data is None:
            return m.group(0)
        return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

    return _CSS_URL_RE.sub(repl, css.decode("utf-8")).encode("utf-8")


# ---------------------------------------------------------------------------------- saving


def render_offline(
    fmap: folium.Map | folium.Figure,
    *,
    assets_prefix: str = "assets",
    inline: bool = False,
) -> tuple[str, dict[str, bytes], list[str], list[str]]:
    """Render ``fmap`` to HTML whose scripts and styles need no network.

    Returns ``(html, assets, replaced, dropped)``: ``assets`` maps paths relative to the HTML
    (under ``assets_prefix``) to bytes to write beside it (empty when ``inline``).
    """
    return _localize(fmap.get_root().render(), assets_prefix=assets_prefix, inline=inline)


def _localize(
    html: str, *, assets_prefix: str, inline: bool
) -> tuple[str, dict[str, bytes], list[str], list[str]]:
    assets: dict[str, bytes] = {}
    replaced: list[str] = []
    dropped: list[str] = []

    def local(url: str, kind: str) -> str:
        found = resource_for(url) or resource_for(SUBSTITUTES.get(url, url))
        if found is None:
            dropped.append(url)
            log.warning("map resource not available offline, removed: %s", url)
            return ""
        name, data, extras = found
        replaced.append(url)
        if inline:
            if kind == "css":
                text = _inline_css_images(data, extras).decode("utf-8")
                return f"<style>\n{text}\n</style>"
            js = data.decode("utf-8").replace("</script", "<\\/script")
            return f"<script>\n{js}\n</script>"
        digest = hashlib.sha256(data).hexdigest()[:10]
        sub = f"{assets_prefix}/{Path(name).stem}-{digest}{Path(name).suffix}"
        if extras:  # Leaflet CSS: its images must sit in images/ beside it
            sub = f"{assets_prefix}/leaflet-{digest}/{name}"
            for rel, blob in extras.items():
                assets[f"{assets_prefix}/leaflet-{digest}/{rel}"] = blob
        assets[sub] = data
        if kind == "css":
            return f'<link rel="stylesheet" href="{sub}"/>'
        return f'<script src="{sub}"></script>'

    html = _SCRIPT_RE.sub(lambda m: local(m.group("url"), "js"), html)
    html = _LINK_RE.sub(
        lambda m: local(m.group("url"), "css") if _is_stylesheet(m.group(0)) else m.group(0),
        html,
    )
    return html, assets, replaced, dropped


def _is_stylesheet(tag: str) -> bool:
    return "stylesheet" in tag.lower()


def add_footer(fmap: folium.Map | folium.Figure, text: str) -> None:
    """Show ``text`` (escaped) in a small box at the bottom left of the page: where the map's
    numbers come from (:func:`transit.core.explain.summary`)."""
    box = (
        '<div class="transit-evidence" style="position:fixed;bottom:4px;left:8px;right:120px;'
        "z-index:1000;background:rgba(255,255,255,0.9);padding:2px 8px;border:1px solid #bbb;"
        'border-radius:3px;font-size:11px;line-height:1.4;">'
        f"{markup.text(text)}</div>"
    )
    root = fmap.get_root()
    assert isinstance(root, folium.Figure)
    root.html.add_child(folium.Element(box))


def save_map(
    fmap: folium.Map | folium.Figure,
    path: Path | str,
    *,
    inline: bool = False,
    assets_dir: str = "assets",
    footer: str | None = None,
) -> SavedMap:
    """Write ``fmap`` as an HTML page that opens offline.

    Scripts and stylesheets are written into ``assets_dir`` beside the HTML (shared by every map
    in that folder; file names carry a content hash, so maps never overwrite each other's
    assets with different content), or inlined into one self-contained file when ``inline``.
    Files are written atomically (temp file, fsync, rename). ``footer``: where the numbers come
    from, shown at the bottom of the page (:func:`add_footer`).

    Returns
    -------
    SavedMap
        The HTML path, the asset files written, the URLs replaced and the URLs dropped.
    """
    path = Path(path)
    if footer:
        add_footer(fmap, footer)
    html, assets, replaced, dropped = render_offline(fmap, assets_prefix=assets_dir, inline=inline)
    written = _write_assets(path.parent, assets)
    atomic_write_bytes(path, html.encode("utf-8"))
    if _has_tiles(fmap):
        log.warning("map %s has a tile layer: tiles need the network and stay blank offline", path)
    return SavedMap(path, tuple(written), tuple(replaced), tuple(dropped))


def _write_assets(folder: Path, assets: Mapping[str, bytes]) -> list[Path]:
    """Write ``assets`` (paths relative to ``folder``) unless an identical file is there."""
    written: list[Path] = []
    for rel, data in sorted(assets.items()):
        target = folder / rel
        if not (target.is_file() and target.read_bytes() == data):
            atomic_write_bytes(target, data)
        written.append(target)
    return written


def _has_tiles(fmap: folium.Map | folium.Figure) -> bool:
    return any(isinstance(child, folium.TileLayer) for child in _walk(fmap))


def _walk(element: Any) -> Iterable[Any]:
    for child in getattr(element, "_children", {}).values():
        yield child
        yield from _walk(child)


#: CDN files that pages we did not write (the judge's report) load, and the nearest version a
#: package ships (API-compatible for what those pages use: ``$(…)``, ``.tooltip()``).
SUBSTITUTES: Mapping[str, str] = {
    "https://code.jquery.com/jquery-3.6.0.min.js": "https://code.jquery.com/jquery-3.7.1.min.js",
    "https://code.jquery.com/ui/1.12.1/jquery-ui.js": (
        "https://cdnjs.cloudflare.com/ajax/libs/jqueryui/1.10.2/jquery-ui.min.js"
    ),
}


def localize_page(path: Path | str, *, assets_dir: str = "assets") -> SavedMap:
    """Rewrite an HTML page written by another tool (e.g. the judge's ``report.html``) so that it
    opens offline: every CDN script and stylesheet it loads is written into ``assets_dir`` beside
    it (a URL no package ships is replaced by its :data:`SUBSTITUTES` entry, else removed and
    reported). The page is rewritten atomically; returns what :func:`save_map` would."""
    path = Path(path)
    html = path.read_text("utf-8")
    html, assets, replaced, dropped = _localize(html, assets_prefix=assets_dir, inline=False)
    written = _write_assets(path.parent, assets)
    atomic_write_bytes(path, html.encode("utf-8"))
    return SavedMap(path, tuple(written), tuple(replaced), tuple(dropped))


def remote_references(html: str) -> list[str]:
    """The http(s) URLs of scripts and stylesheets an HTML page loads (empty = opens offline)."""
    urls = [m.group("url") for m in _SCRIPT_RE.finditer(html)]
    urls += [m.group("url") for m in _LINK_RE.finditer(html) if _is_stylesheet(m.group(0))]
    urls += re.findall(r"@import\s+(?:url\()?[\"']?(https?://[^\"')\s]+)", html)
    return urls
