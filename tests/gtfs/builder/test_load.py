"""load_feed: a zip, a folder of .txt files, or a source folder built in memory (refused on errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gtfs.factory import STOPS, make_source
from transit.core.errors import WorkError
from transit.gtfs.builder.load import is_source_folder, load_feed
from transit.gtfs.feedio import write_feed


def test_source_folder_is_built_and_a_zip_is_read(tmp_path: Path) -> None:
    src = make_source(tmp_path / "src")
    assert is_source_folder(src)
    built = load_feed(src)
    assert len(built.trips) == 3 and built.source == src
    zipped = tmp_path / "feed.zip"
    write_feed(built.tables, zipped)
    assert not is_source_folder(zipped)
    assert load_feed(zipped).trips.to_dict("records") == built.trips.to_dict("records")


def test_a_source_folder_with_errors_is_refused(tmp_path: Path) -> None:
    src = make_source(tmp_path / "src", stops=[r for r in STOPS if r[1] != "本町"])
    with pytest.raises(WorkError, match=r"^src: the source folder has errors, e.g. ERROR "):
        load_feed(src)
