"""Data becomes text in maps: hostile names cannot run as script or break the page's script."""

from __future__ import annotations

import folium

from transit.maps import markup

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = '"><script>alert(2)</script>'
TEMPLATE = "${alert(3)}`"


def test_text_escapes_html_and_template_literals() -> None:
    assert markup.text(IMG) == "&lt;img src=x onerror=alert(1)&gt;"
    assert markup.text(SCRIPT) == "&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"
    assert markup.text(TEMPLATE) == "&#36;&#123;alert(3)&#125;&#96;"
    assert markup.text("a\\b 'c' & 延岡") == "a&#92;b &#x27;c&#x27; &amp; 延岡"
    assert markup.text(None) == ""


def test_table_and_lines_escape_every_cell() -> None:
    got = markup.table([[IMG, 3]], header=["停留所", "便"], right=[1], title=SCRIPT)
    assert got == (
        "<b>&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</b><table>"
        "<tr><th>停留所</th><th style='text-align:right'>便</th></tr>"
        "<tr><td>&lt;img src=x onerror=alert(1)&gt;</td><td style='text-align:right'>3</td></tr>"
        "</table>"
    )
    assert markup.lines(["a<b", 1]) == "a&lt;b<br>1"


def test_rendered_map_holds_no_live_markup() -> None:
    fmap = folium.Map(tiles=None)
    marker = folium.CircleMarker([32.5, 131.6], radius=3)
    marker.add_child(markup.tooltip(SCRIPT))
    marker.add_child(markup.popup([IMG, TEMPLATE]))
    marker.add_to(fmap)
    page = fmap.get_root().render()
    for bad in ("<script>alert", "<img src=x", "${alert", "alert(3)}`"):
        assert bad not in page
