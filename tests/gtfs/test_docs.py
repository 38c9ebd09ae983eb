"""Every notice code the code base can emit is in the catalogue and documented in docs/notices.md."""

from __future__ import annotations

import re

import pytest

from transit.core.paths import REPO_DIR
from transit.gtfs.source.codes import NOTICE_CODES, notice

DOC = REPO_DIR / "docs" / "notices.md"


def _documented() -> dict[str, str]:
    text = DOC.read_text("utf-8")
    start = text.index("\n## Source folder (workbooks, masters, feed.toml)\n")
    source = text[start : text.index("\n## ", start + 1)]  # the source-folder table
    rows = re.findall(r"^\| `([a-z_]+)` \| (ERROR|WARNING|INFO) \|", source, re.M)
    return dict(rows)


def _emitted_in_code() -> set[str]:
    codes: set[str] = set()
    for path in sorted((REPO_DIR / "transit").rglob("*.py")):
        text = path.read_text("utf-8")
        codes.update(re.findall(r"(?<![.\w])notice\(\s*\"([a-z_]+)\"", text))
        codes.update(re.findall(r"\bNotice\(\s*\"([a-z_]+)\"", text))
    return codes


def test_every_catalogued_code_is_documented_with_its_severity() -> None:
    documented = _documented()
    assert documented == {code: sev.name for code, (sev, _) in NOTICE_CODES.items()}


def test_every_code_emitted_anywhere_is_documented() -> None:
    emitted = _emitted_in_code()
    assert len(emitted) >= 40
    assert sorted(emitted - set(_documented())) == []
    assert sorted(set(NOTICE_CODES) - emitted) == []  # no dead codes either


def test_an_unknown_code_cannot_be_emitted() -> None:
    with pytest.raises(KeyError):
        notice("no_such_code", "x")
