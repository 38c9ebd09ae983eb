"""Headless Chromium for the map tests (Playwright driving Debian's ``chromium``), offline.

One browser per test session (:func:`launch`); every request outside ``file://`` is aborted and
recorded, so a page that would fetch anything fails its test. :class:`PageLog` keeps the
console errors, page errors, dialogs and blocked requests of one page.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where Debian installs chromium (``make browser`` does it); ``$TRANSIT_CHROMIUM`` overrides.
CHROMIUM = os.environ.get("TRANSIT_CHROMIUM", "/usr/bin/chromium")
#: Flags that keep chromium from calling home (this machine's network refuses it at start).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def unavailable() -> str | None:
    """Why the browser tests cannot run here (``None`` when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM} (make browser installs it with apt-get)"
    return None


@dataclass
class PageLog:
    """What one page did: console errors, uncaught page errors, dialogs, blocked requests."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console]
            + [f"pageerror: {m}" for m in self.errors]
            + [f"dialog: {m}" for m in self.dialogs]
            + [f"blocked: {m}" for m in self.blocked]
        )


def new_context(browser: Any, log: PageLog) -> Any:
    """A context whose every request outside ``file://`` is aborted (and logged)."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="ja-JP")

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file://", "data:", "about:")):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return context


def open_page(browser: Any, path: Path, *, wait_ms: int = 400) -> tuple[Any, Any, PageLog]:
    """Open ``path`` offline; returns ``(context, page, log)`` (close the context when done)."""
    log = PageLog()
    context = new_context(browser, log)
    page = context.new_page()
    page.on("console", lambda m: log.console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))

    def dialog(d: Any) -> None:
        log.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(wait_ms)
    return context, page, log


def launch(playwright: Any) -> Any:
    """Chromium, headless, with the flags of :data:`ARGS`."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


#: JavaScript: every Leaflet map of the page (folium names them ``map_<id>``).
MAPS_JS = "Object.keys(window).filter(k => /^map_[0-9a-f]+$/.test(k)).map(k => window[k])"

#: JavaScript counting what each map draws: ``[{paths, markers, circles, polygons, lines}]``.
COUNT_JS = f"""() => ({MAPS_JS}).map(m => {{
  const c = {{layers: 0, circles: 0, polygons: 0, lines: 0, markers: 0}};
  m.eachLayer(l => {{
    c.layers++;
    if (l instanceof L.CircleMarker) c.circles++;
    else if (l instanceof L.Polygon) c.polygons++;
    else if (l instanceof L.Polyline) c.lines++;
    else if (l instanceof L.Marker) c.markers++;
  }});
  return c;
}})"""
