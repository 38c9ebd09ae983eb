"""The only way map code turns data into HTML: every string from data is escaped here.

A stop typed as ``<img src=x onerror=alert(1)>`` or a route named ``"><script>alert(2)</script>``
must reach the reader as those characters. Folium puts tooltip and popup HTML inside JavaScript
template literals (backticks) of the page's inline script, so escaping ``< > & " '`` is not
enough: a backtick would end the literal, ``${…}`` would run as code and ``</script>`` would end the
script. :func:`text` escapes all of them; the builders below (tooltips, popups, tables, legends)
take plain data and return markup made only of our own tags around escaped text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence

import folium

_JS_LITERAL = str.maketrans(
    {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
)


def text(value: object) -> str:
    """``value`` as HTML text: ``& < > " '`` escaped, and the characters that matter inside a
    JavaScript template literal (`` ` $ \\ { } ``) written as character references."""
    return html.escape("" if value is None else str(value), quote=True).translate(_JS_LITERAL)


def lines(values: Iterable[object]) -> str:
    """Escaped lines joined by ``<br>``."""
    return "<br>".join(text(v) for v in values)


def tooltip(value: object, *, sticky: bool = True) -> folium.Tooltip:
    """A tooltip showing ``value`` as text."""
    return folium.Tooltip(text(value), sticky=sticky)


def popup(values: Iterable[object], *, max_width: int = 300) -> folium.Popup:
    """A popup of escaped text lines."""
    return folium.Popup(lines(values), max_width=max_width)


def table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] = (),
    right: Iterable[int] = (),
    title: object = None,
    bordered: bool = False,
) -> str:
    """An HTML table of escaped cells; columns in ``right`` are right-aligned; an optional bold
    ``title`` line above it; ``bordered`` draws cell borders (timetables)."""
    align = set(right)

    def row(cells: Sequence[object], tag: str) -> str:
        out = []
        for i, cell in enumerate(cells):
            style = " style='text-align:right'" if i in align else ""
            out.append(f"<{tag}{style}>{text(cell)}</{tag}>")
        return "<tr>" + "".join(out) + "</tr>"

    body = ([row(header, "th")] if header else []) + [row(r, "td") for r in rows]
    head = f"<b>{text(title)}</b>" if title is not None else ""
    frame = (
        '<table style="border-collapse:collapse" border="1" cellpadding="3">'
        if bordered
        else "<table>"
    )
    return head + frame + "".join(body) + "</table>"


def popup_table(
    rows: Iterable[Sequence[object]],
    *,
    header: Sequence[object] = (),
    title: object = None,
    max_width: int = 520,
) -> folium.Popup:
    """A popup holding :func:`table`."""
    return folium.Popup(table(rows, header=header, title=title), max_width=max_width)


def stop_marker(
    lat: float, lon: float, name: object, *, popup: folium.Popup | None = None
) -> folium.CircleMarker:
    """A bus stop as every map draws it: a small white circle with a dark rim, its name as the
    tooltip (escaped), an optional popup."""
    return folium.CircleMarker(
        [float(lat), float(lon)],
        radius=4,
        color="#333333",
        weight=1,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=1.0,
        tooltip=tooltip(name),
        popup=popup,
    )


_JS_STRING = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def js_string(value: object) -> str:
    """``value`` as a JavaScript string literal that is safe inside an inline ``<script>``
    (JSON, with ``< > &`` and the line separators escaped): for code that sets ``textContent``."""
    return json.dumps("" if value is None else str(value), ensure_ascii=False).translate(_JS_STRING)


def attribute(value: object) -> str:
    """``value`` for an HTML attribute in double quotes (links, ids): :func:`text` does it."""
    return text(value)
