"""Provenance records: written beside outputs, found again by content, flags inherited from
upstream and never lost, parameters told apart (default, override, setting)."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from transit.core import provenance as prov
from transit.core.assumptions import from_table, overridden
from transit.core.excel import EVIDENCE_SHEET, evidence_sheet, write_workbook
from transit.core.explain import account, summary
from transit.core.fileio import sha256_file
from transit.core.paths import sample_dir


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_a_record_is_written_beside_each_output_and_found_by_content(tmp_path: Path) -> None:
    src = _write(tmp_path / "in" / "data.csv", "a,b\n1,2\n3,4\n")
    out_a = _write(tmp_path / "out" / "table.csv", "x\n1\n")
    out_b = _write(tmp_path / "out" / "maps" / "m.html", "<html></html>")
    rec = prov.record("a test", inputs=[prov.source("data", src)], flags=["synthetic_taps"])
    files = prov.write(rec, [out_a, out_b])
    assert files == [
        tmp_path / "out" / "provenance.json",
        tmp_path / "out" / "maps" / "provenance.json",
    ]
    doc = json.loads(files[0].read_text("utf-8"))
    (r,) = doc["records"]
    assert r["inputs"] == [
        {"role": "data", "path": "../in/data.csv", "sha256": sha256_file(src), "rows": 2,
         "period": "", "flags": [], "folder": False, "files": None, "exists": True}
    ]  # fmt: skip
    assert r["outputs"] == [
        {"path": "table.csv", "sha256": sha256_file(out_a), "rows": 1, "folder": False}
    ]
    assert r["illustrative"] is True and r["flags"] == ["synthetic_taps"]
    # found by content: a copy beside the record, and the file moved up into a folder of records
    (found,) = prov.find(out_b)
    assert found.record.what == "a test" and found.output is not None
    moved = tmp_path / "out" / "maps" / "sub" / "again.html"
    moved.parent.mkdir()
    shutil.copy(out_b, moved)
    assert prov.flags_of(moved) == ("synthetic_taps",)
    out_b.write_text("<html>changed</html>", "utf-8")
    assert prov.find(out_b) == [] and prov.flags_of(out_b) == ()


def test_flags_are_inherited_downstream_and_never_lost(tmp_path: Path) -> None:
    """sample file → step 1 (adds nothing) → step 2 (adds synthetic taps) → step 3."""
    copy = tmp_path / "places.csv"
    shutil.copy(sample_dir() / "places.csv", copy)  # a copy of a sample file, far from it
    assert prov.flags_of(copy) == ("sample_city",)
    one = _write(tmp_path / "a" / "one.csv", "x\n1\n")
    prov.write(prov.record("one", inputs=[prov.source("places", copy)]), [one])
    two = _write(tmp_path / "b" / "two.csv", "x\n2\n")
    prov.write(
        prov.record("two", inputs=[prov.source("one", one)], flags=["synthetic_taps"]), [two]
    )
    three = _write(tmp_path / "c" / "three.csv", "x\n3\n")
    rec = prov.record("three", inputs=[prov.source("two", two), prov.source("one", one)])
    assert rec.flags == ("sample_city", "synthetic_taps") and rec.illustrative
    prov.write(rec, [three])
    assert prov.flags_of(three) == ("sample_city", "synthetic_taps")
    real = _write(tmp_path / "real.csv", "x\n9\n")
    assert not prov.record("r", inputs=[prov.source("real", real)]).illustrative


def test_a_folder_output_holds_its_record_and_flags_its_files(tmp_path: Path) -> None:
    store = tmp_path / "store"
    part = _write(store / "rides" / "p.parquet", "data")
    taps = _write(tmp_path / "taps.csv", "card\n1\n")
    prov.write(prov.record("taps", flags=["synthetic_taps"]), [taps])
    prov.write(prov.record("ingest", inputs=[prov.source("taps", taps)]), [store])
    assert (store / "provenance.json").is_file()
    assert prov.flags_of(store) == ("synthetic_taps",)
    assert prov.flags_of(part) == ("synthetic_taps",)
    # a second ingest of real data keeps the store's flag: a flag is never lost
    real = _write(tmp_path / "real.csv", "card\n2\n")
    prov.write(prov.record("ingest 2", inputs=[prov.source("taps", real)]), [store])
    assert [f.record.what for f in prov.find(store)] == ["ingest 2", "ingest"]
    assert prov.flags_of(store) == ("synthetic_taps",)
    digest, files = prov.tree_sha256(store)
    assert files == 1 and prov.source("store", store).sha256 == digest


def test_rewriting_an_output_replaces_its_old_record(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.csv", "x\n1\n")
    b = _write(tmp_path / "b.csv", "x\n1\n")
    prov.write(prov.record("first"), [a, b])
    prov.write(prov.record("second"), [a])
    records = prov.read_records(tmp_path / "provenance.json")
    assert [(r.what, [o.path.name for o in r.outputs]) for r in records] == [
        ("first", ["b.csv"]),
        ("second", ["a.csv"]),
    ]
    b.unlink()
    prov.write(prov.record("third"), [a])
    assert [r.what for r in prov.read_records(tmp_path / "provenance.json")] == ["third"]


@dataclass(frozen=True)
class _Params:
    k: int = from_table("privacy.k")
    walk: float = from_table("scenarios.search.walk_speed_kmh")
    seed: int = 1


def test_parameters_are_defaults_overrides_or_settings() -> None:
    params = {p.name: p for p in prov.parameters_of(_Params(walk=3.0), "x")}
    assert {n: (p.value, p.origin) for n, p in params.items()} == {
        "x.k": (10, "default"),
        "x.walk": (3.0, "override"),
        "x.seed": (1, "given"),
    }
    assert params["x.k"].entry is not None and params["x.k"].entry.kind == "policy"
    with overridden({"privacy.k": 3}):
        assert prov.parameters_of(_Params(), "")[0] == prov.Parameter(
            "k", 3, "default", "privacy.k"
        )
    merged = prov.merge_parameters(
        {"a": prov.parameters_of(_Params()), "b": prov.parameters_of(_Params(walk=5.0))}
    )
    assert [p.name for p in merged] == ["k", "seed", "a: walk", "b: walk"]


def test_the_evidence_sheet_and_the_accounts_say_what_is_made_up(tmp_path: Path) -> None:
    src = tmp_path / "roads.graphml"
    shutil.copy(sample_dir() / "network" / "roads.graphml", src)
    rec = prov.record(
        "a ranking",
        inputs=[prov.source("network", src)],
        parameters=[*prov.parameters_of(_Params(walk=3.0)), prov.table_value("drt.fleet.vehicles")],
        notes=["one seed"],
    )
    assert rec.flags == ("sample_city", "synthetic_roads")
    book = write_workbook(
        tmp_path / "r.xlsx",
        [evidence_sheet(rec, tmp_path)],
    )
    sheet = pd.read_excel(book, sheet_name=EVIDENCE_SHEET, dtype=str).fillna("")
    assert sheet.iloc[0].tolist()[:2] == ["注意", "この結果は例示です（実際の数値ではありません）"]
    text = "\n".join(" ".join(r) for r in sheet.to_numpy().tolist())
    for piece in ("架空の道路網", "入力: network", "roads.graphml", sha256_file(src),
                  "walk", "変更（前提の表と異なる）", "事実", "one seed"):  # fmt: skip
        assert piece in text, piece
    line = summary(rec, "en")
    assert line.startswith("Sources and assumptions — illustrative (not real figures): made from")
    assert "roads.graphml" in line and "fact 1" in line
    out = tmp_path / "ranking.csv"
    out.write_text("a\n1\n", "utf-8")
    prov.write(rec, [out])
    told = "\n".join(account(out, "en"))
    assert "What it is: a ranking" in told
    assert "a synthetic road network (not real roads) (roads.graphml)" in told
    assert "walk = 3 km/h [changed from the table: 4]" in told
    ja = "\n".join(account(out))
    assert "注意: この結果は例示です" in ja and "架空の道路網" in ja


def test_explain_refuses_a_file_without_provenance(tmp_path: Path) -> None:
    from transit.core.errors import DataNotFoundError

    lone = _write(tmp_path / "lone.csv", "a\n")
    with pytest.raises(DataNotFoundError, match=r"lone.csv: no provenance.json lists this file"):
        account(lone)


def test_write_provenance_in_one_call_names_relative_outputs_relatively(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one call a new command makes; outputs given relative (``transit demo --out X``) get
    their provenance.json back relative too, inputs hashed and parameters classified."""
    monkeypatch.chdir(tmp_path)
    src = _write(tmp_path / "in" / "feed.csv", "a\n1\n2\n")
    _write(tmp_path / "X" / "out.csv", "b\n3\n")
    with prov.running(["transit", "routes", "propose"]):
        written = prov.write_provenance(
            "proposals",
            inputs=[("feed", src)],
            parameters=[_Params(walk=3.0)],
            settings={"runs": 7},
            outputs=[Path("X") / "out.csv"],
        )
    assert written == [Path("X") / "provenance.json"]
    (rec,) = prov.read_records(tmp_path / "X" / "provenance.json")
    assert rec.command == ("transit", "routes", "propose")
    assert [(s.role, s.sha256, s.rows) for s in rec.inputs] == [("feed", sha256_file(src), 2)]
    assert [(p.name, p.origin) for p in rec.parameters] == [
        ("k", "default"), ("walk", "override"), ("seed", "given"), ("runs", "given"),
    ]  # fmt: skip
    assert [(o.path.name, o.rows) for o in rec.outputs] == [("out.csv", 1)]
