"""PNG charts of the report (matplotlib, Agg canvas; no global pyplot state).

Labels are Japanese, drawn with the IPAex Gothic font that the ``matplotlib-fontja`` package
ships (or any Japanese font installed on the system); if none can be found the same charts are
drawn with plain ASCII labels (so no label turns into empty boxes).
"""

from __future__ import annotations

import importlib.resources
import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from transit.core.fileio import atomic_write_with

log = logging.getLogger(__name__)

_JP_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "TakaoGothic",
    "VL Gothic",
    "Hiragino Sans",
    "Yu Gothic",
    "MS Gothic",
)


@lru_cache(maxsize=1)
def japanese_font() -> str | None:
    """Name of a Japanese-capable font (registering the packaged IPAex Gothic), or None."""
    packaged = importlib.resources.files("matplotlib_fontja") / "fonts" / "ipaexg.ttf"
    if packaged.is_file():
        with importlib.resources.as_file(packaged) as path:
            font_manager.fontManager.addfont(str(path))
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _JP_FONTS:
        if name in names:
            return name
    return None


def _labels() -> dict[str, str]:
    if japanese_font():
        return {
            "hour": "時（発車時刻）",
            "boardings": "乗車数",
            "by_hour": "時間帯別乗車数",
            "stop": "停留所（停車順）",
            "load": "平均乗車人員",
            "alight": "降車数",
            "profile": "区間別乗車人員",
            "direction": "方向",
            "suppressed": "k未満は秘匿",
        }
    return {
        "hour": "hour (departure)",
        "boardings": "boardings",
        "by_hour": "Boardings by hour",
        "stop": "stop (order on route)",
        "load": "mean load",
        "alight": "alightings",
        "profile": "Load profile",
        "direction": "direction",
        "suppressed": "cells below k suppressed",
    }


def _figure() -> Figure:
    fig = Figure(figsize=(9, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    font = japanese_font()
    if font:
        fig.text(0, 0, "", family=font)
    return fig


def _font_prop() -> font_manager.FontProperties | None:
    font = japanese_font()
    return font_manager.FontProperties(family=font) if font else None


def _font_kw() -> dict[str, Any] | None:
    font = japanese_font()
    return {"family": font} if font else None


def draw_boardings_by_hour(loads: pd.DataFrame, path: Path, *, k: int) -> Path:
    """Bar chart of boardings per hour of scheduled departure; hours below ``k`` are left out."""
    lab = _labels()
    hours = (loads["dep_s"] // 3600).astype("int64")
    per = loads["boardings"].groupby(hours).sum()
    per = per[per >= k]
    fig = _figure()
    ax = fig.add_subplot()
    ax.bar(per.index.to_numpy(), per.to_numpy(), color="#2b6cb0")
    ax.set_xlabel(lab["hour"], fontdict=_font_kw())
    ax.set_ylabel(lab["boardings"], fontdict=_font_kw())
    ax.set_title(f"{lab['by_hour']} ({lab['suppressed']}, k={k})", fontdict=_font_kw())
    atomic_write_with(path, fig.savefig)
    return path


def draw_load_profiles(
    profile: pd.DataFrame,
    routes: pd.DataFrame,
    folder: Path,
    *,
    limit: int = 12,
    stop_names: Mapping[str, str] | None = None,
) -> list[Path]:
    """One chart per route and direction (the ``limit`` routes with most boardings): bars of
    boardings and alightings by stop, line of mean load. ``profile`` is the published (already
    suppressed) load profile; blank cells are drawn as gaps. Stops are labelled by name when
    ``stop_names`` (stop_id -> name) is given, else by id; the title names the route."""
    lab = _labels()
    top = routes.sort_values("boardings", ascending=False)["route_id"].head(limit).tolist()
    route_names: dict[str, str] = (
        dict(zip(routes["route_id"].astype(str), routes["route_name"].astype(str), strict=True))
        if "route_name" in routes.columns
        else {}
    )
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    for (route, direction), grp in profile[profile["route_id"].isin(top)].groupby(
        ["route_id", "direction_id"], sort=True
    ):
        g = grp.sort_values("seq")
        x = np.arange(len(g))
        b = pd.to_numeric(g["boardings"], errors="coerce").to_numpy(dtype=float)
        a = pd.to_numeric(g["alightings"], errors="coerce").to_numpy(dtype=float)
        m = pd.to_numeric(g["mean_load"], errors="coerce").to_numpy(dtype=float)
        fig = _figure()
        ax = fig.add_subplot()
        ax.bar(x - 0.2, b, width=0.4, label=lab["boardings"], color="#2b6cb0")
        ax.bar(x + 0.2, a, width=0.4, label=lab["alight"], color="#c05621")
        ax2 = ax.twinx()
        ax2.plot(x, m, color="#2f855a", marker="o", label=lab["load"])
        ax2.set_ylabel(lab["load"], fontdict=_font_kw())
        ids = g["stop_id"].astype(str).tolist()
        labels = [stop_names.get(i, i) for i in ids] if stop_names else ids
        ax.set_xticks(x, labels, rotation=90, fontsize=7, fontproperties=_font_prop())
        ax.set_xlabel(lab["stop"], fontdict=_font_kw())
        ax.set_ylabel(lab["boardings"], fontdict=_font_kw())
        name = route_names.get(str(route), "")
        title = f"{route} {name}".strip() if name and name != str(route) else str(route)
        ax.set_title(
            f"{lab['profile']}: {title} / {lab['direction']} {direction}", fontdict=_font_kw()
        )
        ax.legend(loc="upper left", prop=_font_kw())
        fig.subplots_adjust(bottom=0.3, right=0.88)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(route))
        path = folder / f"load_profile_{safe}_{direction}.png"
        atomic_write_with(path, fig.savefig)
        out.append(path)
    return out
