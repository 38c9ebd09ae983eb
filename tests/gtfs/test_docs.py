"""Every notice code the code base can emit is in the catalogue and documented in docs/notices.md."""

from __future__ import annotations

import re

import pytest

from transit.core.paths import REPO_DIR
from transit.gtfs.source.codes import NOTICE_CODES, SOURCE_NOTICES, notice

DOC = REPO_DIR / "docs" / "notices.md"


_ROW = re.compile(r"^\| `([a-z_]+)` \| (ERROR|WARNING|INFO) \|", re.M)


def _documented() -> dict[str, str]:
    """Every code documented in docs/notices.md (all catalogues) with its severity."""
    return dict(_ROW.findall(DOC.read_text("utf-8")))


def _documented_in_section(title: str) -> dict[str, str]:
    """The codes documented under the ``## {title}`` heading."""
    text = DOC.read_text("utf-8")
    assert f"\n## {title}\n" in text
    section = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return dict(_ROW.findall(section))


def _emitted_in_code() -> set[str]:
    codes: set[str] = set()
    for path in sorted((REPO_DIR / "transit").rglob("*.py")):
        text = path.read_text("utf-8")
        codes.update(re.findall(r"(?<![.\w])notice\(\s*\"([a-z_]+)\"", text))
        codes.update(re.findall(r"\bNotice\(\s*\"([a-z_]+)\"", text))
    return codes


def test_every_catalogued_code_is_documented_with_its_severity() -> None:
    documented = _documented_in_section(SOURCE_NOTICES.title)
    assert documented == {code: sev.name for code, (sev, _) in NOTICE_CODES.items()}


def test_every_code_emitted_anywhere_is_documented() -> None:
    emitted = _emitted_in_code()
    assert len(emitted) >= 40
    assert sorted(emitted - set(_documented())) == []
    assert sorted(set(NOTICE_CODES) - emitted) == []  # no dead codes either


def test_every_catalogued_code_is_documented_with_its_meaning() -> None:
    section = DOC.read_text("utf-8").split(f"\n## {SOURCE_NOTICES.title}\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    meanings = dict(re.findall(r"^\| `([a-z_]+)` \| [A-Z]+ \| (.*) \|$", section, re.M))
    assert {c: meanings.get(c) for c in SOURCE_NOTICES} == {
        c: SOURCE_NOTICES.meaning(c) for c in SOURCE_NOTICES
    }


def test_an_unknown_code_cannot_be_emitted() -> None:
    with pytest.raises(KeyError):
        notice("no_such_code", "x")
