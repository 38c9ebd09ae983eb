"""The ridership reject catalogue: record-level errors, documented, each one used."""

from __future__ import annotations

import ast
import re

import pytest

from transit.core.notices import Severity
from transit.core.paths import REPO_DIR
from transit.demand.records import REJECTS
from transit.demand.store.rejects import rc

DOC = REPO_DIR / "docs" / "notices.md"


def _section(title: str) -> str:
    text = DOC.read_text("utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_every_reject_is_documented_with_its_severity_and_meaning() -> None:
    """docs/notices.md, section Ridership rejects, lists the catalogue in order, word for word."""
    rows = re.findall(
        r"^\| `([a-z_]+)` \| (ERROR|WARNING|INFO) \| (.+) \|$", _section("Ridership rejects"), re.M
    )
    assert rows == [(c, REJECTS.severity_of(c).name, REJECTS.meaning(c)) for c in REJECTS]
    assert REJECTS.title == "Ridership rejects"


def test_rejects_are_record_level_errors() -> None:
    """25 reasons, each an ERROR; an unknown reason has no meaning and no SQL code."""
    assert len(REJECTS) == 25
    assert {REJECTS.severity_of(c) for c in REJECTS} == {Severity.ERROR}
    assert REJECTS.meaning("bad_fare") == "fare is not a whole number of yen >= 0"
    assert [rc(c) for c in REJECTS] == list(range(1, 26))
    with pytest.raises(KeyError):
        REJECTS.meaning("no_such_reason")
    with pytest.raises(ValueError):
        rc("no_such_reason")


def test_every_reject_is_given_somewhere() -> None:
    """Each reason code appears in a string of the ingest code outside the catalogue (Python or
    SQL): no dead codes."""
    used: list[str] = []
    for path in sorted((REPO_DIR / "transit" / "demand").rglob("*.py")):
        if path.name == "records.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.append(node.value)
    assert [c for c in REJECTS if not any(re.search(rf"\b{c}\b", s) for s in used)] == []
