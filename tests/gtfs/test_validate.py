"""The independent judge (gtfs-validator): run, pinned date, report summary, CLI exit codes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.gtfs.factory import one_trip_tables
from transit.cli import main
from transit.core.errors import InputError
from transit.core.notices import Severity
from transit.core.paths import REPO_DIR
from transit.gtfs.feedio import Feed, read_feed, write_feed
from transit.gtfs.validate import (
    EXPLAINED_WARNINGS,
    format_report,
    pinned_date,
    read_report,
    validate_feed,
)


def tables(*, bad_stop: bool = False) -> dict[str, pd.DataFrame]:
    """A valid small feed; with ``bad_stop`` a stop time names a stop that does not exist."""
    return one_trip_tables(last_stop="S9" if bad_stop else "S3")


def test_valid_feed_has_no_errors(tmp_path: Path) -> None:
    """The judge on a valid feed: 0 errors, one explained warning, date pinned to the start."""
    write_feed(tables(), tmp_path / "ok.zip")
    report = validate_feed(tmp_path / "ok.zip", out_dir=tmp_path / "out")
    assert report.ok
    assert report.date == dt.date(2026, 4, 1)
    assert report.by_code() == {"mixed_case_recommended_field": 1}
    assert (report.errors, report.warnings, report.infos) == (0, 1, 0)
    assert report.unexplained_warnings() == []
    assert (tmp_path / "out" / "report.json").is_file()
    assert report.summary()["notices"][0]["samples"][0]["fieldName"] == "route_long_name"


def test_errors_are_counted_by_code(tmp_path: Path) -> None:
    """A stop time naming an unknown stop: a foreign_key_violation ERROR, exit code 1."""
    write_feed(tables(bad_stop=True), tmp_path / "bad.zip")
    report = validate_feed(tmp_path / "bad.zip", date=dt.date(2026, 5, 1))
    assert not report.ok
    assert report.exit_code == 1
    assert report.by_code()["foreign_key_violation"] == 1
    assert report.notices[0].severity is Severity.ERROR
    assert report.summary()["notices"][0]["severity"] == "ERROR"
    assert report.date == dt.date(2026, 5, 1)
    assert format_report(report)[0].startswith("bad.zip: ")
    assert format_report(report)[1] == "  ERROR   foreign_key_violation: 1"


def test_pinned_date_falls_back_to_calendar() -> None:
    """feed_info start when given, else the first calendar date; no date at all is bad input."""
    t = tables()
    assert pinned_date(Feed(t)) == dt.date(2026, 4, 1)
    t2 = {k: v for k, v in t.items() if k != "feed_info"}
    t2["calendar"] = t2["calendar"].assign(start_date="20260415")
    assert pinned_date(Feed(t2)) == dt.date(2026, 4, 15)
    with pytest.raises(InputError, match="no start date"):
        pinned_date(Feed({"stops": t["stops"]}))


def test_read_report_sorts_worst_first(tmp_path: Path) -> None:
    """report.json notices are read with totals, sorted ERROR, WARNING, INFO then by code."""
    data = {
        "summary": {"validatorVersion": "0.1.2", "countryCode": "JP"},
        "notices": [
            {"code": "b_info", "severity": "INFO", "totalNotices": 2, "sampleNotices": []},
            {
                "code": "z_warn",
                "severity": "WARNING",
                "totalNotices": 5,
                "sampleNotices": [{"x": 1}],
            },
            {"code": "a_warn", "severity": "WARNING", "totalNotices": 1, "sampleNotices": []},
            {"code": "e", "severity": "ERROR", "totalNotices": 3, "sampleNotices": []},
        ],
    }
    (tmp_path / "report.json").write_text(json.dumps(data), "utf-8")
    (tmp_path / "system_errors.json").write_text(json.dumps({"notices": []}), "utf-8")
    rep = read_report(tmp_path, feed=tmp_path / "f.zip", date=dt.date(2026, 4, 1))
    assert [n.code for n in rep.notices] == ["e", "a_warn", "z_warn", "b_info"]
    assert (rep.errors, rep.warnings, rep.infos) == (3, 6, 2)
    assert rep.unexplained_warnings() == ["a_warn", "z_warn"]


def test_cli_validate_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0 and a JSON summary for a valid feed; exit 1 naming the file for an invalid one."""
    write_feed(tables(), tmp_path / "ok.zip")
    write_feed(tables(bad_stop=True), tmp_path / "bad.zip")
    assert (
        main(["gtfs", "validate", str(tmp_path / "ok.zip"), "--json", str(tmp_path / "s.json")])
        == 0
    )
    assert "ok.zip: 0 errors, 1 warnings, 0 infos" in capsys.readouterr().out
    summary = json.loads((tmp_path / "s.json").read_text("utf-8"))
    assert (summary["errors"], summary["ok"], summary["date"]) == (0, True, "2026-04-01")
    assert main(["gtfs", "validate", str(tmp_path / "bad.zip")]) == 1
    assert "error: bad.zip: the judge reported 1 error(s)" in capsys.readouterr().err
    assert main(["gtfs", "validate", str(tmp_path / "ok.zip"), "--date", "April"]) == 2


def test_documented_warnings_cover_the_explained_list() -> None:
    """Every explained code appears in docs/validator-warnings.md."""
    doc = (REPO_DIR / "docs" / "validator-warnings.md").read_text("utf-8")
    documented = set(re.findall(r"`([a-z0-9_]+)`", doc))
    assert set(EXPLAINED_WARNINGS) <= documented


def test_sample_feed_has_no_errors_and_every_warning_is_explained(
    sample: Path, tmp_path: Path
) -> None:
    """The sample city builds; the judge gives 0 errors and only documented warnings."""
    from transit.gtfs.builder.tables import build_tables
    from transit.gtfs.source.read import read_source

    write_feed(build_tables(read_source(sample / "gtfs")), tmp_path / "sample.zip")
    report = validate_feed(tmp_path / "sample.zip")
    assert report.errors == 0
    assert report.unexplained_warnings() == []
    doc = (REPO_DIR / "docs" / "validator-warnings.md").read_text("utf-8")
    for n in report.notices:
        assert f"`{n.code}`" in doc, n.code
    assert len(read_feed(tmp_path / "sample.zip").trips) == 183
