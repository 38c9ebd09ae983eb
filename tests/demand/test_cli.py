"""`transit demand` commands end to end on the hand-made feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from transit.cli.demand import group
from transit.demand.pseudonym import ENV_KEY


def test_cli_pipeline(tiny_feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """synth, ingest (twice: idempotent), report and od run and write their files."""
    monkeypatch.setenv(ENV_KEY, "cli-test-key-0123456789")
    runner = CliRunner()
    taps = tmp_path / "taps.csv"
    r = runner.invoke(
        group, ["synth", "--feed", str(tiny_feed), "--rows", "1000", "--seed", "4", "-o", str(taps)]
    )
    assert r.exit_code == 0, r.output
    assert "wrote 1000 taps" in r.output
    store = tmp_path / "store"
    args = ["ingest", str(taps), "--feed", str(tiny_feed), "--store", str(store)]
    r = runner.invoke(group, args)
    assert r.exit_code == 0, r.output
    r2 = runner.invoke(group, args)
    assert r2.exit_code == 0 and "取込済" in r2.output
    r = runner.invoke(
        group, ["report", "--store", str(store), "-o", str(tmp_path / "rep"), "--no-charts"]
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "rep" / "ridership_report.xlsx").is_file()
    assert (tmp_path / "rep" / "ridership_map.html").is_file()
    r = runner.invoke(group, ["od", "--store", str(store), "-o", str(tmp_path / "od")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "od" / "od_linked.csv").is_file()


def test_cli_needs_a_key(tiny_feed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ingesting taps without a key fails with an input error naming the variable."""
    monkeypatch.delenv(ENV_KEY, raising=False)
    taps = tmp_path / "t.csv"
    taps.write_text("card_id,ts,event,stop_id,trip_id\n", encoding="utf-8")
    r = CliRunner().invoke(
        group, ["ingest", str(taps), "--feed", str(tiny_feed), "--store", str(tmp_path / "s")]
    )
    assert r.exit_code != 0
    assert ENV_KEY in str(r.exception)
