"""Publishing: versioned archive, SHA-256, latest/, refusals, --force recorded, atomic writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.gtfs.archive.kit import NOW, make_zip, report
from transit.cli import main
from transit.core.errors import InputError, RefusedError
from transit.gtfs.archive import publish as publish_mod
from transit.gtfs.archive.layout import latest_version, list_versions, read_history
from transit.gtfs.archive.publish import publish_feed


def test_first_publication_layout(tmp_path: Path) -> None:
    """DIR/20260401-v1/feed.zip (same bytes), manifest with SHA-256, latest/ and history."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    pub = publish_feed(feed, archive, report=report(feed), now=NOW)
    digest = hashlib.sha256(feed.read_bytes()).hexdigest()
    assert pub.version == "20260401-v1"
    assert pub.sha256 == digest
    assert (archive / "20260401-v1" / "feed.zip").read_bytes() == feed.read_bytes()
    assert (archive / "latest" / "feed.zip").read_bytes() == feed.read_bytes()
    manifest = json.loads((archive / "20260401-v1" / "manifest.json").read_text("utf-8"))
    assert manifest["sha256"] == digest
    assert manifest["published_at"] == "2026-03-20T09:00:00+00:00"
    assert manifest["feed_start_date"] == "2026-04-01"
    assert manifest["feed_end_date"] == "2026-06-30"
    assert manifest["forced"] is False
    assert manifest["previous_version"] is None
    assert json.loads((archive / "latest" / "manifest.json").read_text("utf-8")) == manifest
    assert sorted(p.name for p in archive.iterdir()) == [
        ".lock",
        "20260401-v1",
        "history.json",
        "latest",
    ]
    assert [h["version"] for h in read_history(archive)] == ["20260401-v1"]
    assert not (archive / "20260401-v1" / "diff.json").exists()
    assert str((archive / "latest").readlink()) == "20260401-v1"
    assert str((archive / "history.json").readlink()) == "latest/history.json"
    own = json.loads((archive / "20260401-v1" / "history.json").read_text("utf-8"))
    assert own == {"publications": read_history(archive)}
    assert pub.recovered == ()


def test_same_feed_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    """Publishing the same bytes again is refused, even with force."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    publish_feed(feed, archive, report=report(feed), now=NOW)
    with pytest.raises(RefusedError, match="already published as 20260401-v1"):
        publish_feed(feed, archive, report=report(feed), force=True)
    assert list_versions(archive) == ["20260401-v1"]


def test_next_version_of_same_start_and_continuity(tmp_path: Path) -> None:
    """A corrected feed of the same start date is -v2; a following period gets its own date;
    each later version records the diff against the previous latest."""
    archive = tmp_path / "archive"
    a = make_zip(tmp_path / "a.zip")
    b = make_zip(tmp_path / "b.zip", version="2")
    c = make_zip(tmp_path / "c.zip", start="20260701", end="20260930")
    for f in (a, b, c):
        publish_feed(f, archive, report=report(f), now=NOW)
    assert list_versions(archive) == ["20260401-v1", "20260401-v2", "20260701-v1"]
    assert latest_version(archive) == "20260701-v1"
    manifest = json.loads((archive / "20260701-v1" / "manifest.json").read_text("utf-8"))
    assert manifest["previous_version"] == "20260401-v2"
    assert [c["ok"] for c in manifest["continuity"]] == [True, True, True]
    diff = json.loads((archive / "20260701-v1" / "diff.json").read_text("utf-8"))
    assert diff["counts"]["trips_old"] == 1


def test_judge_errors_refused_unless_forced(tmp_path: Path) -> None:
    """A feed with judge errors is refused; --force publishes it and records why."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    with pytest.raises(
        RefusedError, match=r"validation: 3 errors \(foreign_key_violation\)"
    ) as exc:
        publish_feed(feed, archive, report=report(feed, errors=3))
    assert exc.value.exit_code == 1
    assert list_versions(archive) == []
    pub = publish_feed(feed, archive, report=report(feed, errors=3), force=True, now=NOW)
    assert pub.forced
    assert pub.overridden == ("validation: 3 errors (foreign_key_violation)",)
    manifest = json.loads((pub.path / "manifest.json").read_text("utf-8"))
    assert manifest["forced"] is True
    assert manifest["validation"]["errors"] == 3
    assert read_history(archive)[0]["overridden"] == [
        "validation: 3 errors (foreign_key_violation)"
    ]


def test_continuity_break_refused_unless_forced(tmp_path: Path) -> None:
    """A new version starting after a gap is refused; forced, the failed checks are recorded."""
    archive = tmp_path / "archive"
    a = make_zip(tmp_path / "a.zip")
    late = make_zip(tmp_path / "late.zip", start="20260703", end="20260930")
    publish_feed(a, archive, report=report(a), now=NOW)
    with pytest.raises(RefusedError, match="continuity: starts_in_time"):
        publish_feed(late, archive, report=report(late))
    assert latest_version(archive) == "20260401-v1"
    pub = publish_feed(late, archive, report=report(late), force=True, now=NOW)
    assert [o.split(":")[1].strip() for o in pub.overridden] == [
        "starts_in_time",
        "no_lost_service_day",
    ]
    assert latest_version(archive) == "20260703-v1"


def test_failure_while_assembling_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If writing the version fails, no version folder, no temp folder, latest unchanged."""
    archive = tmp_path / "archive"
    a = make_zip(tmp_path / "a.zip")
    publish_feed(a, archive, report=report(a), now=NOW)
    b = make_zip(tmp_path / "b.zip", version="2")
    real = publish_mod.atomic_write_bytes

    def failing(path: Path, data: bytes) -> None:
        if path.name == "manifest.json":
            raise OSError("disk full")
        real(path, data)

    monkeypatch.setattr(publish_mod, "atomic_write_bytes", failing)
    with pytest.raises(OSError, match="disk full"):
        publish_feed(b, archive, report=report(b), now=NOW)
    assert sorted(p.name for p in archive.iterdir()) == [
        ".lock",
        "20260401-v1",
        "history.json",
        "latest",
    ]
    assert (archive / "latest" / "feed.zip").read_bytes() == a.read_bytes()


def test_input_errors(tmp_path: Path) -> None:
    """A missing file or a folder instead of a zip is bad input (exit 2)."""
    with pytest.raises(InputError):
        publish_feed(tmp_path / "none.zip", tmp_path / "archive")
    folder = tmp_path / "feed.txt"
    folder.write_text("x", "utf-8")
    with pytest.raises(InputError, match=r"publish takes a GTFS \.zip file"):
        publish_feed(folder, tmp_path / "archive")


def test_cli_publish_runs_the_judge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`transit gtfs publish` runs the real judge (0 errors here), then refuses a repeat (exit 1)."""
    feed = make_zip(tmp_path / "new.zip")
    archive = tmp_path / "archive"
    assert main(["gtfs", "publish", str(feed), "--archive", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "published new.zip as 20260401-v1" in out
    assert "judge   0 errors" in out
    manifest = json.loads((archive / "latest" / "manifest.json").read_text("utf-8"))
    assert manifest["validation"]["date"] == "2026-04-01"
    assert manifest["validation"]["country"] == "JP"
    assert main(["gtfs", "publish", str(feed), "--archive", str(archive)]) == 1
    assert "already published as 20260401-v1" in capsys.readouterr().err
