"""Reading (ja-Hrkt) and romanized-name suggestions for names without them (pykakasi).

Suggestions are only suggestions: the builder uses them so that ``translations.txt`` is complete,
and the checks report each one (``missing_reading``, ``missing_english_name``) for staff to review
and copy into the stop or route master.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pykakasi


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    return pykakasi.kakasi()


@lru_cache(maxsize=4096)
def _convert(name: str) -> tuple[tuple[str, str], ...]:
    return tuple((part["hira"], part["hepburn"]) for part in _kakasi().convert(name))


def suggest_reading(name: str) -> str:
    """A hiragana reading of ``name`` (``"延岡駅" -> "のべおかえき"``); Latin letters and digits are kept."""
    return "".join(h for h, _ in _convert(name)).replace(" ", "")


def suggest_english(name: str) -> str:
    """A Hepburn romanization of ``name`` in title case (``"延岡駅" -> "Nobeoka Eki"``)."""
    words = [r.strip() for _, r in _convert(name) if r.strip()]
    text = " ".join(words)
    text = " ".join(w[:1].upper() + w[1:] for w in text.split())
    return re.sub(r"([(\[]) ", r"\1", re.sub(r" ([)\],.])", r"\1", text))
