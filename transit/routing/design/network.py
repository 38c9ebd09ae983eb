"""Link networks of the transit network design literature and route-set files.

A *link network* is a set of stops, undirected links with in-vehicle times in minutes and an OD
demand table: the Mandl/Mumford instance layout (``{prefix}_nodes.txt``, ``{prefix}_links.txt``,
``{prefix}_demand.txt``). A *route set* is a tuple of routes, each an ordered tuple of stop ids
run in both directions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from transit.core.errors import InputError, InputErrors, Location

RouteSet = tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class LinkNetwork:
    """Stops and undirected links with in-vehicle times (minutes), plus OD demand.

    ``links`` maps ``(a, b)`` with ``a < b`` to minutes; ``demand`` maps ``(o, d)`` to trips.
    """

    stops: tuple[int, ...]
    links: Mapping[tuple[int, int], float]
    demand: Mapping[tuple[int, int], float]
    name: str = ""

    def link_time(self, a: int, b: int) -> float | None:
        """In-vehicle minutes between adjacent stops, or ``None`` when there is no link."""
        return self.links.get((a, b) if a < b else (b, a))


def instance_paths(folder: Path, prefix: str) -> dict[str, Path]:
    """The three files of an instance: ``{"nodes": …, "links": …, "demand": …}``."""
    return {kind: folder / f"{prefix}_{kind}.txt" for kind in ("nodes", "links", "demand")}


def read_link_network(folder: Path, prefix: str) -> LinkNetwork:
    """Read ``{prefix}_nodes.txt``, ``{prefix}_links.txt``, ``{prefix}_demand.txt`` (CSV with headers).

    This is the Mandl/Mumford file layout (``id,...``; ``from,to,travel_time``; ``from,to,demand``).
    Both link directions may be listed; they must agree. Links and demand must name known stops.
    """
    paths = instance_paths(folder, prefix)
    for path in paths.values():
        if not path.is_file():
            raise InputError(
                f"file not found (expected {path.name} in {folder})", Location.of(path)
            )
    nodes = pd.read_csv(paths["nodes"], skipinitialspace=True)
    links = pd.read_csv(paths["links"], skipinitialspace=True)
    demand = pd.read_csv(paths["demand"], skipinitialspace=True)
    _require_columns(nodes, ["id"], paths["nodes"])
    _require_columns(links, ["from", "to", "travel_time"], paths["links"])
    _require_columns(demand, ["from", "to", "demand"], paths["demand"])
    stops = tuple(sorted(int(v) for v in nodes["id"]))
    link_map = _link_map(links, paths["links"], set(stops))
    _check_known_stops(demand, paths["demand"], set(stops))
    dem = {
        (int(o), int(d)): float(q)
        for o, d, q in demand[["from", "to", "demand"]].itertuples(index=False)
        if float(q) > 0 and int(o) != int(d)
    }
    return LinkNetwork(stops=stops, links=link_map, demand=dem, name=prefix)


def _link_map(links: pd.DataFrame, path: Path, known: set[int]) -> dict[tuple[int, int], float]:
    """``{(a, b): minutes}`` with ``a < b``; both directions of a link must agree."""
    _check_known_stops(links, path, known)
    link_map: dict[tuple[int, int], float] = {}
    problems: list[InputError] = []
    for i, (a, b, t) in enumerate(links[["from", "to", "travel_time"]].itertuples(index=False)):
        key = (int(min(a, b)), int(max(a, b)))
        if key in link_map and link_map[key] != float(t):
            problems.append(
                InputError(
                    f"link {a}-{b} has two different times ({link_map[key]} and {t})",
                    Location.of(path, row=i + 2),
                )
            )
        link_map[key] = float(t)
    if problems:
        raise InputErrors(problems)
    return link_map


def _check_known_stops(table: pd.DataFrame, path: Path, known: set[int]) -> None:
    problems = [
        InputError(
            f"stop {a if int(a) not in known else b} is not in the nodes file",
            Location.of(path, row=i + 2),
        )
        for i, (a, b) in enumerate(table[["from", "to"]].itertuples(index=False))
        if int(a) not in known or int(b) not in known
    ]
    if problems:
        raise InputErrors(problems)


def _require_columns(df: pd.DataFrame, cols: Sequence[str], path: Path) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} (found: {', '.join(map(str, df.columns))})",
            Location.of(path, row=1),
        )


def parse_route_set(text: str, *, source: str = "routes") -> RouteSet:
    """Parse routes written one per line as stop ids joined by ``-`` (``1-2-3-6``).

    Blank lines and lines starting with ``#`` are ignored.
    """
    routes: list[tuple[int, ...]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            routes.append(tuple(int(tok) for tok in line.split("-")))
        except ValueError:
            raise InputError(
                f"'{line}' is not a route (expected stop ids joined by '-', e.g. 1-2-3)",
                Location(file=source, row=lineno),
            ) from None
    if not routes:
        raise InputError(
            "no routes found (expected one route per line, e.g. 1-2-3)", Location(file=source)
        )
    return tuple(routes)


def read_literature_route_sets(path: Path) -> dict[str, RouteSet]:
    """Read a literature file of named route sets: a title line, a count line, then the routes.

    Returns ``{title: routes}`` in file order (the layout of the Arbex Mandl collection).
    """
    lines = [ln.strip() for ln in path.read_text("utf-8").splitlines()]
    out: dict[str, RouteSet] = {}
    i = 0
    while i < len(lines):
        title = lines[i]
        if not title or title[0].isdigit():
            i += 1
            continue
        if i + 1 >= len(lines) or not lines[i + 1].isdigit():
            i += 1
            continue
        count = int(lines[i + 1])
        body = "\n".join(lines[i + 2 : i + 2 + count])
        out[title] = parse_route_set(body, source=f"{path.name}: {title}")
        i += 2 + count
    return out
