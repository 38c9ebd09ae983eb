"""Evidence of the demo's results (issue 13): a ``provenance.json`` beside every result, listing
every input with its correct SHA-256, a 「出典・前提」 sheet in every workbook, and the
illustrative flag of the sample city carried into the ranking's CSV, Excel, map and provenance
(and absent from a ranking made from a real feed and a non-synthetic store).

The demo runs once per session (``light_demo``, shared with the browser tests)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import folium
import openpyxl
import pandas as pd
import pytest

from tests.demand.conftest import HEADER, RIDES, tap_lines, write_feed
from tests.demo_run import DemoRun
from transit.core import provenance as prov
from transit.core.excel import EVIDENCE_SHEET
from transit.core.explain import summary
from transit.core.fileio import sha256_file
from transit.core.paths import sample_dir
from transit.demand.ingest import ingest_files
from transit.maps import mapkit
from transit.routing.areas.config import load_areas
from transit.routing.areas.ranking import rank_areas, write_ranking

#: Folders of the demo's output holding a provenance.json (relative to the output folder).
PROVENANCE_FOLDERS = [
    "atlas", "atlas/handout", "demand", "demand/od", "demand/report", "demand/report/charts",
    "demand/report/tables", "demand/store", "drt", "drt/maps", "gtfs", "gtfs/archive",
    "gtfs/judge-2026", "gtfs/judge-2027", "maps", "proposals", "proposals/compare",
    "proposals/compare/journeys", "proposals/scenarios", "scenarios", "scenarios/feeds",
    "scenarios/journeys", "scenarios/maps",
]  # fmt: skip


def _digest(path: Path) -> str:
    return prov.tree_sha256(path)[0] if path.is_dir() else sha256_file(path)


def test_every_result_of_the_demo_has_its_provenance(light_demo: DemoRun) -> None:
    out = light_demo.out
    results = [p for p in light_demo.files if p.name != prov.FILE_NAME]
    # 115 before the proposals; they add 8 scenario files, 4 tables and text, 9 of the compare
    assert len(results) == 136
    folders = sorted(p.parent.relative_to(out).as_posix() for p in out.rglob(prov.FILE_NAME))
    assert folders == PROVENANCE_FOLDERS
    checked = 0
    for path in results:
        found = prov.find(path)
        assert found, f"{path.relative_to(out)}: no provenance.json lists it"
        rec = found[0].record
        assert rec.inputs, f"{path.relative_to(out)}: no input recorded"
        assert rec.command and rec.tool["name"] == "transit" and rec.created
        for s in rec.inputs:
            if s.path.exists():  # (the synthetic taps lived in a folder deleted after ingest)
                assert s.sha256 == _digest(s.path), f"{path.relative_to(out)}: {s.role} {s.path}"
                checked += 1
        assert "sample_city" in rec.flags, path  # every result of the demo is illustrative
    assert checked > len(results)


def test_every_workbook_of_the_demo_has_the_evidence_sheet(light_demo: DemoRun) -> None:
    books = sorted(p for p in light_demo.files if p.suffix == ".xlsx")
    assert [b.relative_to(light_demo.out).as_posix() for b in books] == [
        "demand/report/ridership_report.xlsx",
        "drt/ranking.xlsx",
        "gtfs/service-stats-2026.xlsx",
        "proposals/compare/comparison.xlsx",
        "proposals/proposals.xlsx",
        "scenarios/comparison.xlsx",
    ]
    for book in books:
        wb = openpyxl.load_workbook(book, read_only=True)
        assert wb.sheetnames[-1] == EVIDENCE_SHEET, book.name
        rows = [[c.value for c in r] for r in wb[EVIDENCE_SHEET].iter_rows()]
        wb.close()
        assert rows[0] == ["項目", "値", "単位", "区分", "既定/変更", "出典・備考"]
        assert rows[1][:2] == ["注意", "この結果は例示です（実際の数値ではありません）"]
        rec = prov.find(book)[0].record
        inputs = [r for r in rows if str(r[0]).startswith("入力: ")]
        assert len(inputs) == len(rec.inputs), book.name
        params = [r for r in rows if r[3] in ("仮定", "較正値", "慣例", "方針", "事実", "設定")]
        assert len(params) == len(rec.parameters), book.name


def test_the_store_inherits_the_synthetic_taps_and_the_sample_feed(light_demo: DemoRun) -> None:
    """Flags travel: sample source folder → feed zip → store (synthetic taps) → report."""
    out = light_demo.out
    # (its shapes follow the sample city's synthetic roads)
    feed = ("sample_city", "synthetic_roads")
    assert prov.flags_of(out / "gtfs" / "sample-feed-2026.zip") == feed
    store = prov.flags_of(out / "demand" / "store")
    assert store == ("sample_city", "synthetic_roads", "synthetic_taps")
    report = prov.find(out / "demand" / "report" / "ridership_report.xlsx")[0].record
    assert report.flags == store
    atlas = json.loads((out / "atlas" / prov.FILE_NAME).read_text("utf-8"))["records"][0]
    roles = {i["role"] for i in atlas["inputs"]}
    assert roles == {"feed", "store", "areas", "scenarios", "population", "candidate_areas"}
    assert atlas["illustrative"] is True
    assert "例示" in (out / "atlas" / "index.html").read_text("utf-8")


def test_a_ranking_of_the_sample_city_is_flagged_everywhere(light_demo: DemoRun) -> None:
    drt = light_demo.out / "drt"
    csv = pd.read_csv(drt / "ranking.csv")
    assert csv["illustrative"].tolist() == [True] * len(csv) and len(csv) == 6
    assert set(csv["data_flags"]) == {"sample_city;synthetic_population;synthetic_roads"}
    assert pd.read_csv(drt / "runs.csv")["illustrative"].all()
    wb = openpyxl.load_workbook(drt / "ranking.xlsx", read_only=True)
    rows = [[c.value for c in r] for r in wb["順位"].iter_rows()]
    evidence = [[c.value for c in r] for r in wb[EVIDENCE_SHEET].iter_rows(max_row=2)]
    notes = [r[0] for r in wb["説明"].iter_rows(values_only=True)]
    wb.close()
    note = "例示（架空のサンプル都市（data/sample）から作成した例示、架空の人口分布（国勢調査ではない）、架空の道路網（実際の道路ではない））"
    assert rows[0][-1] == "データの注意" and {r[-1] for r in rows[1:]} == {note}
    assert evidence[1][1] == "この結果は例示です（実際の数値ではありません）"
    assert notes[-1].startswith("注意: この順位は例示です")
    for page in sorted((drt / "maps").glob("*.html")):
        html = page.read_text("utf-8")
        assert "transit-evidence" in html and "例示（実際の数値ではありません）" in html, page
    doc = json.loads((drt / prov.FILE_NAME).read_text("utf-8"))
    (rec,) = doc["records"]
    assert rec["illustrative"] is True
    assert rec["flags"] == ["sample_city", "synthetic_population", "synthetic_roads"]
    areas = load_areas(sample_dir() / "drt" / "AREAS.toml").areas
    listed = {i["path"] for i in rec["inputs"] if i["role"] == "area"}
    assert len(listed) == len(areas) == 6


def _ranking() -> SimpleNamespace:
    runs = pd.DataFrame(
        {"area_id": ["a", "b"], "name_ja": ["甲", "乙"], "vehicles": [2, 2], "seed": [1, 1],
         "requests": [30, 40], "served_rate": [0.99, 0.9], "wait_p95_min": [12.0, 40.0],
         "cost_per_pax_yen": [900.0, 700.0]}
    )  # fmt: skip
    return SimpleNamespace(ranking=rank_areas(runs, reference="a"), runs=runs)


@pytest.mark.external
def test_a_ranking_of_a_real_feed_and_store_is_not_flagged(external: Path, tmp_path: Path) -> None:
    """A real feed (the MLIT sample feed of 川崎鶴見臨港バス) and a store of taps nobody made
    up: no flag in the CSV, the Excel, the map footer or the provenance. The same ranking
    from a copy of a sample city file (another name, another folder) is flagged again."""
    feed = external / "gtfs" / "jp-mlit-rinko-sample"
    taps = tmp_path / "records" / "taps.csv"
    taps.parent.mkdir()
    taps.write_text("\n".join([HEADER, *tap_lines(RIDES)]) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    ingest_files([taps], store=store, key=b"k" * 16, feed=write_feed(tmp_path / "tiny"))
    assert prov.flags_of(store) == () and prov.flags_of(feed) == ()
    rec = prov.record("ranking", inputs=[prov.source("gtfs", feed), prov.source("store", store)])
    out = tmp_path / "real"
    write_ranking(_ranking(), out, record=rec)
    csv = pd.read_csv(out / "ranking.csv", keep_default_na=False)
    assert csv["illustrative"].tolist() == [False, False] and set(csv["data_flags"]) == {""}
    wb = openpyxl.load_workbook(out / "ranking.xlsx", read_only=True)
    header = [c.value for c in next(wb["順位"].iter_rows(max_row=1))]
    first = [c.value for c in list(wb[EVIDENCE_SHEET].iter_rows(max_row=2))[1]]
    wb.close()
    assert "データの注意" not in header
    assert first[:2] == ["注意", "入力に架空・合成のデータはありません（数値の前提は下記）"]
    page = mapkit.save_map(folium.Map(), out / "map.html", footer=summary(rec)).path
    html = page.read_text("utf-8")
    assert "入力に架空・合成のデータはありません" in html and "例示" not in html
    doc = json.loads((out / prov.FILE_NAME).read_text("utf-8"))
    assert doc["records"][0]["illustrative"] is False and doc["records"][0]["flags"] == []
    copy = tmp_path / "elsewhere" / "people.csv"
    copy.parent.mkdir()
    shutil.copy(sample_dir() / "population" / "points.csv", copy)
    flagged = prov.record("ranking", inputs=[*rec.inputs, prov.source("population", copy)])
    write_ranking(_ranking(), tmp_path / "copy", record=flagged)
    again = pd.read_csv(tmp_path / "copy" / "ranking.csv")
    assert again["illustrative"].all()
    assert set(again["data_flags"]) == {"sample_city;synthetic_population"}


def test_explain_names_the_synthetic_inputs_of_the_ranking(
    light_demo: DemoRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """``transit explain demo-output/drt/ranking.xlsx`` (Japanese by default, ``--lang en``)."""
    from transit.cli import main

    ranking = light_demo.out / "drt" / "ranking.xlsx"
    assert main(["explain", str(ranking)]) == 0
    ja = capsys.readouterr().out
    assert ja.startswith("これは: オンデマンド交通の候補地区の順位 / ranking of 6 candidate")
    assert "注意: この結果は例示です。次の入力が架空・合成のデータです:" in ja
    assert "  - 架空の道路網（実際の道路ではない） (roads.graphml)\n" in ja
    assert "  - 架空の人口分布（国勢調査ではない） (points.csv)\n" in ja
    assert "[較正値] demand.trips_per_1000_residents = 6 requests / 1,000" in ja
    assert "[事実] costs.fare_yen = 300 yen / passenger" in ja
    assert main(["explain", str(ranking), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Warning: this result is illustrative. These inputs are made up:" in en
    assert "  - a synthetic road network (not real roads) (roads.graphml)\n" in en
    assert "Made from (11 inputs)" in en
    assert main(["explain", str(light_demo.out / "demand")]) == 0  # a folder: its records
    assert "これは: 乗降実績の地図 / the ridership map\n" in capsys.readouterr().out
    lone = light_demo.out / "lone.csv"
    lone.write_text("a\n1\n", "utf-8")
    assert main(["explain", str(lone)]) == 2
    assert "lone.csv: no provenance.json lists this file" in capsys.readouterr().err


@pytest.mark.external
def test_the_maps_draw_and_credit_the_real_places(light_demo: DemoRun, external: Path) -> None:
    """Real data first: the feed map draws the N03 city boundary, the 8 JR stations inside
    延岡市 and the 305 Geolonia town points, credits them and lists them as inputs; so do the
    area maps."""
    from transit.maps.reference import real_places

    html = (light_demo.out / "maps" / "feed.html").read_text("utf-8")
    for layer in ("JR駅（実データ・国土数値情報）", "町字の代表点（実データ・Geolonia）"):
        assert json.dumps(layer)[1:-1] in html, layer  # layer names sit in JSON
    credits = ("国土数値情報（鉄道データ）（国土交通省）, uedayou.net/jrslod",
               "Geolonia 住所データ (CC BY 4.0)", "国土数値情報（行政区域データ）（国土交通省）を加工して作成")  # fmt: skip
    assert all(c in html for c in credits)
    places = real_places()
    assert len(places.stations) == 8 and len(places.towns) == 305
    assert sorted(n for n, _, _ in places.stations) == sorted(
        ["市棚", "北川", "日向長井", "北延岡", "延岡", "南延岡", "旭ヶ丘", "土々呂"]
    )
    assert all(f">{name}<" in html.replace("\n", "").replace(" ", "") for name, _, _ in
               places.stations)  # fmt: skip
    rec = prov.find(light_demo.out / "maps" / "feed.html")[0].record
    real = {s.role: s for s in rec.inputs if s.role in ("boundary", "stations", "towns")}
    assert sorted(real) == ["boundary", "stations", "towns"]
    assert all(s.flags == () for s in real.values())
    assert real["towns"].path == external / "nobeoka" / "towns" / "nobeoka_town_points.geojson"
    area = light_demo.out / "drt" / "maps" / "kitaura.html"
    text = area.read_text("utf-8")
    assert all(c in text for c in credits)
    for layer in ("JR駅（実データ・国土数値情報）", "町字の代表点（実データ・Geolonia）"):
        assert json.dumps(layer)[1:-1] in text, layer
    roles = [s.role for s in prov.find(area)[0].record.inputs]
    assert [roles.count(r) for r in ("boundary", "stations", "towns")] == [1, 1, 1]
