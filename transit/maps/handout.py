"""Static PNG renderings of the atlas maps for the printed handout (matplotlib, Agg; no browser).

A :class:`Sketch` is what a page draws, reduced to polygons, lines and points in lon/lat with
our own colours; :func:`render_sketch` draws it with a title, the attribution line and a scale
bar, in a Japanese-capable font when one is found (:func:`transit.demand.charts.japanese_font`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from transit.core.fileio import atomic_write_bytes
from transit.demand.charts import japanese_font

Coords = Sequence[Sequence[float]]  # [[lon, lat], …]


@dataclass
class Sketch:
    """What one map shows, for print: ``polygons`` ``(rings, face, edge)``, ``lines``
    ``(coords, colour, width)``, ``points`` ``(lon, lat, size, colour)``; all lon/lat."""

    title: str
    credits: str = ""
    polygons: list[tuple[list[Coords], str, str]] = field(default_factory=list)
    lines: list[tuple[Coords, str, float]] = field(default_factory=list)
    points: list[tuple[float, float, float, str]] = field(default_factory=list)

    def add_geojson(self, geojson: Any, *, face: str = "#fbfbf5", edge: str = "#555555") -> None:
        """Add every polygon of a GeoJSON mapping (FeatureCollection, Feature or geometry)."""
        for rings in _polygons(geojson):
            self.polygons.append((rings, face, edge))


def _polygons(obj: Any) -> list[list[Coords]]:
    if not isinstance(obj, dict):
        return []
    if obj.get("type") == "FeatureCollection":
        return [p for f in obj.get("features", []) for p in _polygons(f)]
    if obj.get("type") == "Feature":
        return _polygons(obj.get("geometry") or {})
    if obj.get("type") == "Polygon":
        return [obj["coordinates"]]
    if obj.get("type") == "MultiPolygon":
        return list(obj["coordinates"])
    return []


def render_sketch(sketch: Sketch, path: Path, *, width_in: float = 11.0) -> Path:
    """Draw ``sketch`` into a PNG at ``path`` (atomically, 110 dpi); returns ``path``."""
    font = japanese_font()
    fig = Figure(figsize=(width_in, width_in * 0.72), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.06, 0.96, 0.86))
    ax.set_facecolor("#eef2f3")
    for rings, face, edge in sketch.polygons:
        for i, ring in enumerate(rings):
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            ax.fill(xs, ys, facecolor=face if i == 0 else "#eef2f3", edgecolor=edge, linewidth=0.8)
    for coords, color, width in sketch.lines:
        ax.plot([p[0] for p in coords], [p[1] for p in coords], color=color, linewidth=width * 0.6)
    if sketch.points:
        lon, lat, size, colors = zip(*sketch.points, strict=True)
        ax.scatter(
            lon,
            lat,
            s=[s * s for s in size],
            c=list(colors),
            edgecolors="#333333",
            linewidths=0.4,
            zorder=3,
        )
    ax.set_aspect(1 / math.cos(math.radians(_mid_lat(ax))), adjustable="datalim")
    ax.set_xticks([])
    ax.set_yticks([])
    _scale_bar(ax)
    kw: dict[str, Any] = {"fontfamily": font} if font else {}
    fig.suptitle(sketch.title, fontsize=14, y=0.97, **kw)
    fig.text(0.02, 0.02, sketch.credits, fontsize=7, color="#444444", **kw)
    buf = _png(fig)
    atomic_write_bytes(path, buf)
    return path


def _mid_lat(ax: Any) -> float:
    lo, hi = ax.get_ylim()
    return (float(lo) + float(hi)) / 2


def _scale_bar(ax: Any) -> None:
    """A bar of a round length (1, 2, 5, 10 … km) in the lower left corner."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    km_per_deg = 111.32 * math.cos(math.radians((y0 + y1) / 2))
    span_km = (x1 - x0) * km_per_deg
    length = next(v for v in (0.5, 1, 2, 5, 10, 20, 50, 100) if v >= span_km / 8)
    x, y = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    ax.plot([x, x + length / km_per_deg], [y, y], color="black", linewidth=3)
    ax.text(x, y + (y1 - y0) * 0.015, f"{length:g} km", fontsize=8)


def _png(fig: Figure) -> bytes:
    import io  # noqa: PLC0415  (only here)

    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
