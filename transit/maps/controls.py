"""The project's own map controls: legends, attributions, a side panel, a one-of-many switch.

They are plain Leaflet code written here (no plugin to fetch), and they take plain data: every
label is escaped by :mod:`transit.maps.markup` (legends and panels) or handed to the page as a
JavaScript string literal that the code puts into ``textContent`` (switch labels, attributions).
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import MacroElement
from jinja2 import Template

from transit.maps import markup

_BOX = (
    "background:white;padding:6px 10px;border:1px solid #888;border-radius:4px;"
    "font-size:13px;line-height:1.35;max-width:360px;"
)


def _root(fmap: folium.Map) -> folium.Figure:
    root = fmap.get_root()
    assert isinstance(root, folium.Figure)
    return root


def legend_html(title: str, rows: Sequence[tuple[str, str]], *, notes: Sequence[str] = ()) -> str:
    """A legend box: a bold ``title``, then ``(colour, text)`` rows drawn as a coloured bar and
    the text, then ``notes`` lines. Colours are ours (``#rrggbb``); texts are escaped."""
    body = [f"<b>{markup.text(title)}</b>"]
    for color, text in rows:
        swatch = (
            f'<span style="display:inline-block;width:18px;height:6px;margin-right:6px;'
            f'background:{_color(color)};vertical-align:middle"></span>'
        )
        body.append(f"<div>{swatch}{markup.text(text)}</div>")
    body += [f'<div style="color:#555">{markup.text(n)}</div>' for n in notes]
    return "".join(body)


def _color(value: str) -> str:
    """``value`` when it is a ``#rrggbb`` colour, else grey (colours never come from data)."""
    ok = (
        len(value) == 7
        and value[0] == "#"
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
    return value if ok else "#888888"


def add_box(fmap: folium.Map, html: str, *, corner: str = "bottomleft", box_id: str = "") -> None:
    """Pin ``html`` (markup made by :mod:`transit.maps.markup` or :func:`legend_html`) in a corner
    of the page (``topleft``, ``topright``, ``bottomleft``, ``bottomright``)."""
    vertical, horizontal = (
        ("top", "bottom")[corner.startswith("bottom")],
        (
            "left",
            "right",
        )[corner.endswith("right")],
    )
    offset = "30px" if vertical == "bottom" else "60px"
    ident = f' id="{markup.attribute(box_id)}"' if box_id else ""
    div = (
        f'<div class="transit-box"{ident} style="position:fixed;{vertical}:{offset};'
        f'{horizontal}:10px;z-index:1000;{_BOX}overflow:auto;max-height:45%;">{html}</div>'
    )
    _root(fmap).html.add_child(folium.Element(div))


def add_panel(
    fmap: folium.Map,
    html: str,
    *,
    width_pct: int = 30,
    box_id: str = "panel",
    shrink: bool = True,
) -> None:
    """A panel on the right of the page, ``width_pct`` wide and full height, holding ``html``
    (tables made by :func:`transit.maps.markup.table`); the map keeps the rest of the width
    (when ``shrink``; a dual map sizes its two maps itself)."""
    css = (
        f"<style>#{box_id}{{position:fixed;top:0;right:0;bottom:0;width:{width_pct}%;"
        "overflow:auto;background:#fff;border-left:1px solid #888;padding:8px;"
        "font-size:12px;z-index:1000;box-sizing:border-box}"
        + (f"#{fmap.get_name()}{{width:{100 - width_pct}% !important}}" if shrink else "")
        + f"#{box_id} table{{border-collapse:collapse}}#{box_id} td,#{box_id} th"
        "{border:1px solid #ccc;padding:2px 4px}</style>"
    )
    root = _root(fmap)
    root.header.add_child(folium.Element(css))
    root.html.add_child(folium.Element(f'<div id="{box_id}">{html}</div>'))


class _Attribution(MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        {% for text in this.texts %}{{ this._parent.get_name() }}.attributionControl.addAttribution({{ text }});
        {% endfor %}{% endmacro %}"""
    )

    def __init__(self, texts: Sequence[str]) -> None:
        super().__init__()
        self._name = "Attribution"
        self.texts = [markup.js_string(markup.text(t)) for t in texts]


def add_attribution(fmap: folium.Map, texts: Sequence[str]) -> None:
    """Show ``texts`` (the credits each data source requires) in the map's attribution line."""
    if texts:
        fmap.add_child(_Attribution(texts))


class LayerSwitch(MacroElement):
    """A box of radio buttons that shows one of several layers at a time (time bands, the
    variable of a choropleth). The layers should be made with ``control=False`` (the layer
    control does not list them) and only the first with ``show=True``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var layers = [{% for name in this.layers %}{{ name }}{{ "," if not loop.last }}{% endfor %}];
          var labels = [{{ this.labels | join(",") }}];
          var box = L.control({position: {{ this.position }}});
          box.onAdd = function () {
            var div = L.DomUtil.create("div", "leaflet-bar transit-switch");
            div.style.background = "white"; div.style.padding = "4px 8px"; div.style.fontSize = "13px";
            var head = document.createElement("b"); head.textContent = {{ this.title }};
            div.appendChild(head);
            labels.forEach(function (text, i) {
              var row = document.createElement("label"); row.style.display = "block";
              var input = document.createElement("input");
              input.type = "radio"; input.name = {{ this.group }}; input.value = String(i);
              input.checked = i === 0;
              input.addEventListener("change", function () {
                layers.forEach(function (layer, j) {
                  if (j === i) { map.addLayer(layer); } else { map.removeLayer(layer); }
                });
              });
              row.appendChild(input); row.appendChild(document.createTextNode(" " + text));
              div.appendChild(row);
            });
            L.DomEvent.disableClickPropagation(div);
            return div;
          };
          box.addTo(map);
        })();
        {% endmacro %}"""
    )

    def __init__(
        self,
        title: str,
        layers: Sequence[tuple[str, folium.map.Layer]],
        *,
        position: str = "topleft",
    ) -> None:
        super().__init__()
        self._name = "LayerSwitch"
        self.title = markup.js_string(title)
        self.labels = [markup.js_string(text) for text, _layer in layers]
        self.layers = [layer.get_name() for _text, layer in layers]
        self.position = markup.js_string(position)
        self.group = markup.js_string(f"switch_{self.get_name()}")


class Caption(MacroElement):
    """A caption box in a corner of one map (e.g. "before" and "after" of a dual map)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var box = L.control({position: {{ this.position }}});
          box.onAdd = function () {
            var div = L.DomUtil.create("div", "leaflet-bar transit-caption");
            div.style.background = "white"; div.style.padding = "3px 8px";
            div.style.fontSize = "15px"; div.style.fontWeight = "bold";
            div.textContent = {{ this.text }};
            return div;
          };
          box.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, text: str, *, position: str = "topleft") -> None:
        super().__init__()
        self._name = "Caption"
        self.text = markup.js_string(text)
        self.position = markup.js_string(position)
