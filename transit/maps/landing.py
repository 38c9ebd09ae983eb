"""The atlas's landing page, ``index.html``: a link to every map with one paragraph on what it
shows, its key numbers and handout picture, and a table of where every number comes from (the
input files, their dates, which are synthetic or assumed) and the credits of the data.

The page is plain HTML with no script at all; every string from data is escaped by
:mod:`transit.maps.markup`.
"""

from __future__ import annotations

from pathlib import Path

from transit.core.fileio import atomic_write_text
from transit.maps import markup
from transit.maps.atlas_base import Atlas, Page
from transit.maps.labels import label

#: One paragraph per kind of page: ``kind -> (Japanese, English)``.
ABOUT: dict[str, tuple[str, str]] = {
    "network": (
        "バス路線を路線の色で、1日の便数を線の太さで示します。停留所をクリックすると、"
        "その停留所を通る路線と、曜日区分（平日・土日祝など）ごとの発車時刻が表示されます。",
        "Bus routes in their colours, line width by trips per day. Click a stop for the routes "
        "serving it and its departures per day type (weekdays, weekends and holidays).",
    ),
    "ridership": (
        "停留所ごとの乗車人員を円の大きさで、区間ごとの平均乗車人員を線の太さで示します。"
        "左上で時間帯を切り替えられます。少ない値（秘匿）は灰色で「秘匿」と示し、0とは表示しません。",
        "Boardings per stop as circle size and mean load per segment as line width; switch the "
        "time band at the top left. Small counts are suppressed and shown as such (grey), "
        "never as zero.",
    ),
    "scenario": (
        "左が現行、右が見直し案です（2つの地図は連動します）。廃止される区間を赤、新設される区間を緑、"
        "移動できなくなる利用者の出発地を紫の円で示し、右に比較表を載せています。",
        "Today on the left, the scenario on the right (the two maps move together). Removed "
        "segments in red, new ones in green, where riders who lose their trip start in purple; "
        "the comparison table beside.",
    ),
    "areas": (
        "オンデマンド交通の候補地区を、人口・65歳以上の割合・最寄り停留所までの距離・対応率・"
        "95%待ち時間・1人当たり費用で塗り分けます（左上で切替）。お断りした予約と、"
        "車両の動き（下の時刻スライダーで再生）、候補地区の順位表を載せています。",
        "The candidate areas for on-demand service shaded by population, share aged 65+, "
        "distance to the nearest stop, served rate, 95th percentile wait and cost per "
        "passenger (switch at the top left); refused requests, the vehicles' tracks over the "
        "day (play them with the time slider) and the ranking table.",
    ),
    "area": (
        "1地区の1日のシミュレーションです。予約（対応・お断り）、バス停・目的地、"
        "車両の動き（時刻スライダーで再生）と結果の指標を示します。",
        "One simulated day in one area: requests (served and refused), bus stops and "
        "destinations, the vehicles' tracks (time slider) and the day's results.",
    ),
}

NATURE: dict[str, tuple[str, str]] = {
    "real": ("実データ", "real data"),
    "synthetic": ("架空（サンプル都市の合成データ）", "synthetic (sample city)"),
    "assumed": (
        "仮定を含む（パラメータは出典・前提を参照）",
        "includes assumptions (see the parameters)",
    ),
}

CSS = """body{font-family:"Noto Sans CJK JP","IPAexGothic",sans-serif;margin:24px auto;
max-width:1100px;color:#222;line-height:1.6}h1{font-size:24px}h2{font-size:19px;margin-top:28px}
.page{display:flex;gap:18px;border:1px solid #ccc;border-radius:6px;padding:12px;margin:12px 0}
.page img{width:320px;height:auto;border:1px solid #ddd}.page table td{padding:0 10px 0 0}
table.sources{border-collapse:collapse;font-size:13px}table.sources td,table.sources th{
border:1px solid #ccc;padding:3px 6px;text-align:left}"""


def _kind(page: Page) -> str:
    return page.key.split("-", 1)[0]


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def page_section(page: Page, lang: str) -> str:
    """One map's block: link, paragraph, key numbers, inputs used, handout picture."""
    link = markup.attribute(page.file)
    numbers = markup.table(page.numbers, right=[1])
    uses = ", ".join(label(f"role_{r}", lang) for r in page.uses)
    return (
        f'<div class="page"><a href="{link}"><img src="{markup.attribute(page.png)}" '
        f'alt="{markup.attribute(page.title)}"></a><div>'
        f'<h3><a href="{link}">{markup.text(page.title)}</a></h3>'
        f"<p>{markup.text(_t(ABOUT[_kind(page)], lang))}</p>{numbers}"
        f"<p>{markup.text(label('numbers_from', lang, inputs=uses))} "
        f'<a href="{markup.attribute(page.png)}">{markup.text(label("handout_png", lang))}</a></p>'
        "</div></div>"
    )


def sources_table(atlas: Atlas) -> str:
    """The table of inputs: role, file, date, nature, SHA-256 (first 12 digits), note."""
    lang = atlas.lang
    rows = [
        [
            label(f"role_{i.role}", lang),
            i.path.name,
            i.date,
            _t(NATURE.get(i.nature, (i.nature, i.nature)), lang),
            i.sha256[:12],
            i.note,
        ]
        for i in atlas.inputs
    ]
    header = [
        label(k, lang)
        for k in ("col_input", "col_file", "col_date", "col_nature", "col_sha", "col_note")
    ]
    return markup.table(rows, header=header).replace("<table>", '<table class="sources">', 1)


def index_html(atlas: Atlas, credits: tuple[str, ...]) -> str:
    """The landing page of ``atlas`` (see the module docstring)."""
    lang = atlas.lang
    body = [
        f"<h1>{markup.text(label('atlas_title', lang))}</h1>",
        f"<p>{markup.text(label('atlas_intro', lang))}</p>",
        f"<h2>{markup.text(label('maps_heading', lang))}</h2>",
        *[page_section(p, lang) for p in atlas.pages],
        f"<h2>{markup.text(label('sources_heading', lang))}</h2>",
        f"<p>{markup.text(label('sources_intro', lang))}</p>",
        sources_table(atlas),
        f"<h2>{markup.text(label('credits_heading', lang))}</h2>",
        "<ul>" + "".join(f"<li>{markup.text(c)}</li>" for c in credits) + "</ul>",
    ]
    if atlas.footer:
        body.append(f'<p class="transit-evidence">{markup.text(atlas.footer)}</p>')
    if atlas.notes:
        body.append(f"<h2>{markup.text(label('left_out', lang))}</h2>")
        body.append("<ul>" + "".join(f"<li>{markup.text(n)}</li>" for n in atlas.notes) + "</ul>")
    title = markup.text(label("atlas_title", lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


def write_index(atlas: Atlas) -> Path:
    """Write ``index.html`` into the atlas folder (atomically); returns its path."""
    path = atlas.folder / "index.html"
    atomic_write_text(path, index_html(atlas, tuple(atlas.credits)))
    return path
