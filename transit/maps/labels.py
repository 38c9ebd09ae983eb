"""The words on the maps, in Japanese (the default: workshops are held in Japanese) and English.

Every label a map shows (titles, layer names, legends, popup lines, the landing page) is a key of
:data:`LABELS`; :func:`label` returns it in the chosen language, formatted with the values given.
The values are data: they are formatted here as plain text and escaped later by
:mod:`transit.maps.markup`, like every other string.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")

#: ``key -> (Japanese, English)``; ``{name}`` fields are filled by :func:`label`.
LABELS: dict[str, tuple[str, str]] = {
    # base layers and common words
    "outline": ("市域", "City outline"),
    "outline_approx": (
        "市域（概略: 候補地区と停留所の凸包）",
        "City outline (approximate: hull of the candidate areas and stops)",
    ),
    "graticule": ("経緯線", "Graticule"),
    "roads": ("道路", "Roads"),
    "stops": ("停留所", "Bus stops"),
    "route": ("路線 {name}", "Route {name}"),
    "legend": ("凡例", "Legend"),
    "sources": ("出典", "Sources"),
    "synthetic": ("架空", "synthetic"),
    # network map
    "network_title": ("{agency} バス路線図", "{agency} bus network"),
    "trips_per_day": ("{service} {n} 便/日", "{service}: {n} trips/day"),
    "line_weight_trips": ("線の太さ = 1日の便数", "Line width = trips per day"),
    "serving_routes": ("この停留所を通る路線: {routes}", "Routes serving this stop: {routes}"),
    "no_departures": ("発車する便はありません", "No departures"),
    "platform": ("（のりば {platform}）", " (platform {platform})"),
    "col_route": ("路線", "Route"),
    "col_headsign": ("行先", "To"),
    "col_service": ("運行日", "Days"),
    "col_departures": ("発車時刻", "Departures"),
    # ridership map
    "ridership_title": ("乗降人員マップ — {note}", "Boardings and loads — {note}"),
    "band": ("時間帯: {band}", "Time band: {band}"),
    "band_switch": ("時間帯", "Time band"),
    "segment_load": (
        "平均乗車人員 {mean:.1f} 人（{runs} 便）",
        "Mean load {mean:.1f} riders ({runs} runs)",
    ),
    "boardings": ("乗車 {n} 人", "Boardings {n}"),
    "alightings": (" / 降車 {n} 人", " / alightings {n}"),
    "suppressed": ("秘匿（{k}人未満）", "suppressed (fewer than {k})"),
    "legend_boardings": ("円の大きさ = 乗車人員", "Circle size = boardings"),
    "legend_load": ("線の太さ = 平均乗車人員", "Line width = mean load"),
    "legend_suppressed": (
        "灰色の点線・白抜き = 秘匿（{k}人未満）",
        "Grey dashed / hollow = suppressed (< {k})",
    ),
    # scenario map
    "scenario_before": ("現行（変更前）", "Today (before)"),
    "scenario_after": ("{title}（変更後）", "{title} (after)"),
    "kept": ("変更のない区間", "Unchanged segments"),
    "removed": ("廃止される区間", "Removed segments"),
    "added": ("新設される区間", "New segments"),
    "lost_origins": ("移動できなくなる利用者の出発地", "Where riders who lose their trip start"),
    "lost_riders": ("移動できなくなる利用者 {n} 人", "{n} riders lose their trip"),
    "zones": ("オンデマンド交通の区域", "On-demand zones"),
    "compare_table": ("シナリオの比較", "Scenario comparison"),
    "measure": ("指標", "Measure"),
    # area maps
    "area": ("対象地区", "Service area"),
    "bus_stops": ("バス停", "Bus stops"),
    "places": ("目的地", "Destinations"),
    "served": ("予約（対応）", "Requests (served)"),
    "rejected": ("予約（お断り）", "Requests (refused)"),
    "tracks": ("車両の動き", "Vehicle tracks"),
    "vehicle": ("車両 {id}", "Vehicle {id}"),
    "sim_title": (
        "{name} オンデマンド交通シミュレーション（{vehicles}台・シード{seed}）",
        "{name}: on-demand day ({vehicles} vehicles, seed {seed})",
    ),
    "synthetic_suffix": ("（道路網・需要は架空のサンプル）", " (synthetic roads and demand)"),
    "synthetic_only": ("道路網・需要は架空のサンプル", "Synthetic roads and demand"),
    "request": ("予約 {id}（{kind}）", "Request {id} ({kind})"),
    "advance": ("事前予約", "booked in advance"),
    "same_day": ("当日予約", "booked on the day"),
    "desired": ("希望乗車時刻 {t}", "Desired pickup {t}"),
    "purpose": ("行き先 {p}", "Going to {p}"),
    "pickup": ("乗車 {t}（待ち {w:.0f} 分）", "Pickup {t} (wait {w:.0f} min)"),
    "dropoff": ("降車 {t}（乗車 {r:.0f} 分）", "Drop-off {t} (ride {r:.0f} min)"),
    "missed": ("バスに乗り継げず", "Missed the bus connection"),
    "refused": ("お断り（空き車両なし）", "Refused (no vehicle free)"),
    "sim_result": ("シミュレーション結果（1日）", "Simulated day"),
    "served_dot": ("対応した予約", "served request"),
    "rejected_dot": ("お断りした予約", "refused request"),
    "areas_title": ("オンデマンド交通の候補地区", "Candidate areas for on-demand service"),
    "indicator": ("塗り分け", "Shading"),
    "ranking": ("候補地区の順位", "Ranking of the candidate areas"),
    "ondemand_stops": (
        "オンデマンドの乗降場所（地区内の停留所）",
        "On-demand stops (bus stops in the areas)",
    ),
    "no_data": ("データなし", "no data"),
    # the atlas and its landing page
    "page_network": ("バス路線図", "Bus network"),
    "page_ridership": ("乗降人員マップ", "Ridership"),
    "page_scenario": ("路線再編案: {name}", "Reorganization scenario: {name}"),
    "page_areas": ("オンデマンド交通の候補地区", "On-demand candidate areas"),
    "n_routes": ("路線数", "Routes"),
    "n_stops": ("停留所数", "Stops"),
    "n_trips": ("便数（全曜日区分）", "Trips (all day types)"),
    "n_boardings": ("乗車人員（集計期間の合計）", "Boardings (whole period)"),
    "n_days": ("集計日数", "Days"),
    "n_bands": ("時間帯の数", "Time bands"),
    "riders_lost_n": ("移動できなくなる利用者", "Riders who lose their trip"),
    "riders_on_demand_n": ("オンデマンドへ移る利用者", "Riders moved to on-demand"),
    "vehicles_needed_n": ("必要車両数", "Vehicles needed"),
    "n_areas": ("候補地区の数", "Candidate areas"),
    "first_ranked": ("順位1位（必要台数）", "Ranked first (vehicles needed)"),
    "role_feed": ("GTFS-JP フィード", "GTFS-JP feed"),
    "role_store": ("乗降データ（IC カード）", "Ridership store (IC taps)"),
    "role_areas": ("オンデマンド交通シミュレーション", "On-demand simulation"),
    "role_scenarios": ("路線再編案の比較", "Scenario comparison"),
    "role_population": ("人口（点データ）", "Population points"),
    "role_candidate_areas": ("候補地区", "Candidate areas"),
    "role_boundary": ("市域（行政区域）", "City boundary"),
    "numbers_from": ("数値の出典: {inputs}（下の表）。", "Numbers from: {inputs} (table below)."),
    "handout_png": ("印刷用の画像（PNG）", "Picture for print (PNG)"),
    "col_input": ("入力", "Input"),
    "col_file": ("ファイル", "File"),
    "col_date": ("日付・期間", "Date or period"),
    "col_nature": ("種類", "Nature"),
    "col_sha": ("SHA-256（先頭12桁）", "SHA-256 (first 12)"),
    "col_note": ("備考", "Note"),
    "atlas_title": ("ワークショップ地図帳", "Workshop atlas"),
    "atlas_intro": (
        "この地図帳はインターネットに接続しなくても開けます（フォルダごと USB メモリにコピーして、"
        "index.html をダブルクリック）。背景の地図画像はなく、市域の輪郭を下地にしています。",
        "This atlas opens without any network: copy the folder (e.g. to a USB stick) and "
        "double-click index.html. There are no map tiles; the city outline is the base layer.",
    ),
    "maps_heading": ("地図", "Maps"),
    "sources_heading": ("数値の出典", "Where the numbers come from"),
    "sources_intro": (
        "地図の数値はすべて次のファイルから計算しています。「架空」はサンプル都市の合成データ、"
        "「仮定を含む」は費用や探索の条件を仮定して計算した値です。",
        "Every number on the maps is computed from these files. 'Synthetic' marks the sample "
        "city's made-up data; 'includes assumptions' marks results computed with assumed "
        "costs and search parameters.",
    ),
    "credits_heading": ("出典の表示", "Credits"),
    "left_out": ("含まれていないもの", "Left out"),
}

#: KPI and indicator names: ``key -> (Japanese, English, unit)``.
MEASURES: dict[str, tuple[str, str, str]] = {
    "vehicles": ("車両数", "Vehicles", "台"),
    "requests": ("予約件数", "Requests", "件"),
    "served_rate": ("対応率", "Served rate", "%"),
    "wait_mean_min": ("平均待ち時間", "Mean wait", "分"),
    "wait_p95_min": ("95%待ち時間", "95th percentile wait", "分"),
    "ride_mean_min": ("平均乗車時間", "Mean ride", "分"),
    "vehicle_km": ("走行距離", "Vehicle km", "km"),
    "cost_per_pax_yen": ("1人当たり費用", "Cost per passenger", "円"),
    "missed_connections": ("乗り継ぎ失敗", "Missed connections", "件"),
    "population": ("人口", "Population", "人"),
    "elderly_share": ("65歳以上の割合", "Share aged 65+", "%"),
    "stop_distance_m": (
        "最寄り停留所までの距離（人口加重平均）",
        "Distance to the nearest stop (population-weighted)",
        "m",
    ),
    "fleet_needed": ("必要台数", "Vehicles needed", "台"),
    "rank": ("順位", "Rank", ""),
    "name": ("地区名", "Area", ""),
}

#: English names of the scenario measures (Japanese ones come with the comparison table).
SCENARIO_MEASURES_EN: dict[str, str] = {
    "riders": "Riders", "riders_kept": "Trips kept", "riders_lost": "Trips lost",
    "riders_on_demand": "Moved to on-demand", "journey_time_change_min": "Journey time change (min)",
    "d0": "No transfer (%)", "d1": "One transfer (%)", "d2": "Two or more transfers (%)",
    "dun": "Cannot travel (%)", "gen_time_mean_min": "Mean generalized time (min)",
    "days": "Days analysed", "trips": "Trips", "vehicle_km": "Vehicle km",
    "vehicle_hours": "Vehicle hours", "vehicles_needed": "Vehicles needed",
    "driver_hours": "Driver hours", "operating_cost_yen": "Operating cost (yen)",
    "fare_revenue_yen": "Fare revenue (yen)", "farebox_ratio": "Farebox ratio",
    "pax_km": "Passenger km", "avg_load": "Average load", "pop_total": "Population",
    "pop_within_300m": "Population within 300 m of a stop",
    "pop_within_500m": "Population within 500 m of a stop",
    "pop_unserved": "Population without service",
}  # fmt: skip

#: Service ids as the maps name them: ``service_id -> (Japanese, English)``.
SERVICE_LABELS: dict[str, tuple[str, str]] = {
    "weekday": ("平日", "Weekdays"),
    "weekdays": ("平日", "Weekdays"),
    "saturday": ("土曜", "Saturdays"),
    "sunday": ("日曜", "Sundays"),
    "holiday": ("日祝", "Sundays and holidays"),
    "weekend": ("土日祝", "Weekends and holidays"),
    "sat": ("土曜", "Saturdays"),
    "sun": ("日曜", "Sundays"),
}

#: Destination kinds: ``kind -> (Japanese, English)``.
PLACE_KINDS: dict[str, tuple[str, str]] = {
    "hospital": ("病院", "hospital"),
    "clinic": ("診療所", "clinic"),
    "supermarket": ("スーパー", "supermarket"),
    "station": ("駅", "station"),
    "branch_office": ("総合支所", "branch office"),
    "bus_hub": ("バス乗り継ぎ", "bus connection"),
    "city_hall": ("市役所", "city hall"),
    "school": ("学校", "school"),
    "home": ("自宅", "home"),
}


def check_lang(lang: str) -> Lang:
    """``lang`` when it is ``ja`` or ``en``; raises ``ValueError`` otherwise."""
    if lang == "ja":
        return "ja"
    if lang == "en":
        return "en"
    raise ValueError(f"unknown language {lang!r}: use ja or en")


def label(key: str, lang: str = "ja", **values: object) -> str:
    """The label ``key`` in ``lang``, its ``{fields}`` filled from ``values``."""
    ja, en = LABELS[key]
    return (en if lang == "en" else ja).format(**values)


def measure(key: str, lang: str = "ja") -> str:
    """The name of a KPI or indicator in ``lang`` (the key itself when unknown)."""
    found = MEASURES.get(key)
    if found is None:
        return key
    return found[1] if lang == "en" else found[0]


def unit(key: str, lang: str = "ja") -> str:
    """The unit of a KPI or indicator (``min``/``yen``… in English)."""
    found = MEASURES.get(key)
    if found is None:
        return ""
    u = found[2]
    if lang == "en":
        return {"台": "", "件": "", "分": " min", "円": " yen", "人": "", "%": "%"}.get(u, f" {u}")
    return u if u in ("%",) else f" {u}" if u else ""


def service_label(service_id: str, lang: str = "ja") -> str:
    """A service id as the maps name it (平日, 土曜 …; others as they are)."""
    found = SERVICE_LABELS.get(service_id)
    if found is None:
        return service_id
    return found[1] if lang == "en" else found[0]


def place_kind(kind: str, lang: str = "ja") -> str:
    """A destination kind in ``lang`` (unknown kinds as they are)."""
    found = PLACE_KINDS.get(kind)
    if found is None:
        return kind
    return found[1] if lang == "en" else found[0]
