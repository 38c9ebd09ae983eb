"""Every notice catalogue of the code base is documented in docs/notices.md, code by code."""

from __future__ import annotations

import importlib
import pkgutil
import re

import transit
from transit.core.notices import NoticeCatalogue
from transit.core.paths import REPO_DIR

DOC = REPO_DIR / "docs" / "notices.md"


def _catalogues() -> dict[str, NoticeCatalogue]:
    """Every NoticeCatalogue defined at module level in the library (CLI and demo left out)."""
    found: dict[str, NoticeCatalogue] = {}
    for info in pkgutil.walk_packages(transit.__path__, "transit."):
        if info.name.startswith(("transit.cli", "transit.demo")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, NoticeCatalogue):
                found[value.title] = value
    return found


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_every_catalogue_has_its_section_with_every_code() -> None:
    text = DOC.read_text("utf-8")
    cats = _catalogues()
    assert {"Source folder (workbooks, masters, feed.toml)", "Ridership rejects"} <= set(cats)
    for title, cat in cats.items():
        assert f"\n## {title}\n" in text, f"docs/notices.md has no section '## {title}'"
        rows = re.findall(
            r"^\| `([a-z_]+)` \| (ERROR|WARNING|INFO) \|", _section(text, title), re.M
        )
        assert dict(rows) == {c: cat.severity_of(c).name for c in cat}, title
