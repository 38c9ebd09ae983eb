"""The one parser and formatter of times: timetable cells, GTFS ``H:MM:SS``, ``HH:MM`` clocks.

Every time the toolkit reads or writes goes through here (seconds after midnight of the service
day; hours may pass 23 for after-midnight trips):

- timetable cells (:func:`parse_cell`, :func:`parse_time`) as staff type them;
- GTFS ``stop_times`` values (:func:`gtfs_seconds`, :func:`gtfs_seconds_array` for a column,
  :func:`normalize_gtfs_time`), written back with :func:`format_time`;
- clock values in configuration and logs (:func:`parse_clock`: ``HH:MM`` or ``HH:MM:SS``, with an
  optional sign), written back with :func:`format_hhmm` or :func:`format_clock`;
- a time as staff write it in a sheet (:func:`format_hmm`, :func:`format_cell_time`);
- the time of day of a moment in a message (:func:`format_time_of_day`).

Every notation found in Japanese timetable sheets is read here: ``7:05``, ``07:05``, ``705``,
``7.05``, ``7時05分``, full-width ``７：０５`` (normalized with NFKC), Excel time cells
(:class:`datetime.time`, :class:`datetime.timedelta`, ``datetime`` on the 1899-12-30 epoch) and
day fractions (``0.2951…``), ``24:10``/``25:05`` after midnight. Pass marks (``↓ ｜ レ － ＝ ・``
and blank) mean "does not stop". A footnote mark before or after a time (``7:05※``) is split off
and returned so the caller can report it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

DAY = 86_400
"""Seconds in a day."""

MAX_SECONDS = 48 * 3600 - 1
"""The latest time accepted (47:59:59); GTFS allows times past 24:00 for after-midnight trips."""

PASS_MARKS = frozenset("↓｜|レﾚ－ー-＝=・･‐―─━┃│→⇓")
"""Characters that, alone or repeated, mean the bus passes without stopping."""

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_TIME_RE = re.compile(r"(\d{1,2})(?::|時|\.)(\d{2})(?::(\d{2}))?分?")
_HMM_RE = re.compile(r"\d{3,4}")
_GTFS_RE = re.compile(r"(\d+):(\d{2}):(\d{2})")
_CLOCK_RE = re.compile(r"(-?)(\d+):(\d{2})(?::(\d{2}))?")

CellKind = Literal["time", "pass", "bad"]


@dataclass(frozen=True)
class CellTime:
    """What one timetable cell says.

    ``kind`` is ``"time"`` (``seconds`` is set), ``"pass"`` (the bus does not stop: a pass mark or
    a blank cell) or ``"bad"`` (unreadable; ``reason`` says why). ``mark`` is a footnote mark that
    was split off a time (empty when none).
    """

    kind: CellKind
    seconds: int | None = None
    mark: str = ""
    reason: str = ""


PASS = CellTime("pass")


def normalize_text(text: str) -> str:
    """NFKC-normalize and strip (full-width digits and letters become half-width)."""
    return unicodedata.normalize("NFKC", text).strip()


def _bad(reason: str) -> CellTime:
    return CellTime("bad", reason=reason)


def _hms(h: int, m: int, s: int = 0, mark: str = "") -> CellTime:
    if m >= 60 or s >= 60:
        return _bad("minutes and seconds must be below 60")
    total = h * 3600 + m * 60 + s
    if total > MAX_SECONDS:
        return _bad("hour must be below 48")
    return CellTime("time", total, mark)


def _from_fraction(days: float) -> CellTime:
    if not (0 <= days * DAY <= MAX_SECONDS):
        return _bad("an Excel time must be below 48 hours")
    return CellTime("time", round(days * DAY))


def _from_number(value: float) -> CellTime:
    if not math.isfinite(value) or value < 0:
        return _bad("a negative or infinite number is not a time")
    if value < 1:
        return _from_fraction(value)
    if float(value).is_integer():
        n = int(value)
        if n == 1:  # a day fraction of exactly 1: 24:00
            return _from_fraction(value)
        if n < 100:
            return _bad("a whole number below 100 is not a time (write 0:30 or 030)")
        return _hms(n // 100, n % 100)
    hours = math.floor(value)
    minutes = round((value - hours) * 100, 6)
    if minutes.is_integer() and len(repr(value).split(".")[1]) <= 2:
        return _hms(hours, int(minutes))
    return _from_fraction(value)


@lru_cache(maxsize=65536)
def _from_text(text: str) -> CellTime:
    norm = normalize_text(text).replace(" ", "")
    if not norm or all(ch in PASS_MARKS for ch in norm):
        return PASS
    found = _TIME_RE.search(norm)
    if found:
        h, m, s = found.group(1), found.group(2), found.group(3)
        digits_left = re.search(r"\d", norm[: found.start()] + norm[found.end() :])
        if digits_left:
            return _bad("extra digits around the time")
        mark = norm[: found.start()] + norm[found.end() :]
        return _hms(int(h), int(m), int(s or 0), mark)
    found = _HMM_RE.search(norm)
    if found:
        rest = norm[: found.start()] + norm[found.end() :]
        if re.search(r"\d", rest):
            return _bad("extra digits around the time")
        n = int(found.group(0))
        return _hms(n // 100, n % 100, 0, rest)
    return _bad("not a time (expected e.g. 7:05) nor a pass mark (↓ ｜ レ － ＝ ・)")


def parse_cell(value: object) -> CellTime:
    """Read one timetable cell.

    Parameters
    ----------
    value
        The cell as read from a workbook: ``None``, text, a number (``705``, ``7.05`` or a day
        fraction below 1), :class:`datetime.time`, :class:`datetime.timedelta` or a
        :class:`datetime.datetime` on the Excel epoch (1899-12-30, for times past 24:00).

    Returns
    -------
    CellTime
        ``kind`` ``"time"`` with ``seconds`` after midnight of the service day (may exceed
        86,400), ``"pass"`` or ``"bad"`` with a ``reason``.
    """
    if value is None:
        return PASS
    if isinstance(value, bool):
        return _bad("a TRUE/FALSE cell is not a time")
    if isinstance(value, dt.datetime):
        days = (value.date() - _EXCEL_EPOCH).days
        if days not in (0, 1):
            return _bad("a calendar date is not a time of day")
        return _hms(days * 24 + value.hour, value.minute, value.second)
    if isinstance(value, dt.time):
        return _hms(value.hour, value.minute, value.second)
    if isinstance(value, dt.timedelta):
        return _from_fraction(value.total_seconds() / DAY)
    if isinstance(value, int | float):
        return _from_number(float(value))
    if isinstance(value, str):
        return _from_text(value)
    return _bad(f"unexpected cell type {type(value).__name__}")


def parse_time(text: str) -> int:
    """Seconds after midnight for a time in any notation; raises :class:`ValueError` otherwise."""
    cell = parse_cell(text)
    if cell.kind != "time" or cell.seconds is None:
        raise ValueError(f"not a time: {text!r}")
    return cell.seconds


def format_time(seconds: int) -> str:
    """``HH:MM:SS`` as GTFS writes it (hours may exceed 23)."""
    if seconds < 0:
        raise ValueError(f"negative time: {seconds}")
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def format_hmm(seconds: int) -> str:
    """``H:MM`` as staff write it in a sheet (seconds dropped)."""
    h, rest = divmod(int(seconds), 3600)
    return f"{h}:{rest // 60:02d}"


def format_cell_time(seconds: int) -> str:
    """A time as staff write it: ``7:05`` (``7:05:30`` when seconds are not zero; hours of 24
    and more after midnight)."""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}" if s == 0 else f"{h}:{m:02d}:{s:02d}"


# --- GTFS H:MM:SS --------------------------------------------------------------------------------


def gtfs_seconds(text: object) -> int | None:
    """A GTFS time ``H:MM:SS`` (``HH:MM:SS``, hours may pass 23) → seconds; ``None`` when blank
    or not in that form (minutes and seconds must be two digits below 60)."""
    m = _GTFS_RE.fullmatch(str(text).strip())
    if m is None:
        return None
    h, mi, se = (int(g) for g in m.groups())
    if mi >= 60 or se >= 60:
        return None
    return h * 3600 + mi * 60 + se


def gtfs_seconds_array(values: pd.Series | Sequence[object]) -> npt.NDArray[np.float64]:
    """:func:`gtfs_seconds` of a whole column at once: a float array, ``NaN`` where a value is
    blank or not ``H:MM:SS``."""
    text = pd.Series(values, dtype=object).fillna("").astype(str).str.strip()
    parts = text.str.extract(r"^(\d+):(\d{2}):(\d{2})$").astype(float)
    ok = (parts[1] < 60) & (parts[2] < 60)
    secs = parts[0] * 3600 + parts[1] * 60 + parts[2]
    return np.asarray(secs.where(ok).to_numpy(dtype=float), dtype=np.float64)


def normalize_gtfs_time(value: object) -> str:
    """A GTFS time written zero-padded (``7:05:00`` → ``07:05:00``); blank (``""``) for a
    missing value; any other text unchanged (stripped), for the caller to report."""
    text = "" if value is None else str(value).strip()
    if not text or text == "nan":
        return ""
    m = _GTFS_RE.fullmatch(text)
    if m is None:
        return text
    h, mi, se = m.groups()
    return f"{int(h):02d}:{mi}:{se}"


# --- clock values in configuration files and logs ---------------------------------------------


def parse_clock(text: str) -> int:
    """``HH:MM`` or ``HH:MM:SS`` (optionally ``-`` in front, hours may pass 23) → seconds.

    Raises :class:`ValueError` naming the text when it is not a clock time."""
    m = _CLOCK_RE.fullmatch(str(text).strip())
    if m is None:
        raise ValueError(f"not a time HH:MM: {text!r}")
    sign, h, mi, se = m.groups()
    minutes, seconds = int(mi), int(se or 0)
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"not a time HH:MM: {text!r} (minutes and seconds must be below 60)")
    value = int(h) * 3600 + minutes * 60 + seconds
    return -value if sign else value


def format_hhmm(seconds: float) -> str:
    """Seconds after midnight → ``HH:MM`` (zero-padded, rounded down to the minute)."""
    s = int(seconds)
    return f"{s // 3600:02d}:{(s % 3600) // 60:02d}"


def format_clock(seconds: float) -> str:
    """Seconds → ``HH:MM:SS`` rounded to the second, with ``-`` in front when negative (a booking
    made the day before)."""
    s = round(float(seconds))
    sign = "-" if s < 0 else ""
    s = abs(s)
    return f"{sign}{s // 3600:02d}:{(s % 3600) // 60:02d}:{s % 60:02d}"


def format_time_of_day(moment: dt.datetime) -> str:
    """The time of day of a moment, ``HH:MM:SS`` in the moment's own time zone (for messages
    such as "in progress since 09:00:05")."""
    return moment.strftime("%H:%M:%S")


def unroll_midnight(times: Sequence[int | None]) -> tuple[list[int | None], bool]:
    """Add a day to times that roll past midnight without the 24+ notation.

    A time more than 12 hours earlier than the previous one in the same trip (``23:50`` then
    ``0:10``) is read as the next day (``24:10``). Smaller decreases are left alone for the
    checks to report.

    Returns
    -------
    (list of int or None, bool)
        The times (``None`` kept in place) and whether any rollover was applied.
    """
    out: list[int | None] = []
    offset = 0
    prev: int | None = None
    rolled = False
    for t in times:
        if t is None:
            out.append(None)
            continue
        cur = t + offset
        if prev is not None and cur < prev - DAY // 2 and cur + DAY <= MAX_SECONDS:
            offset += DAY
            cur += DAY
            rolled = True
        out.append(cur)
        prev = cur
    return out, rolled
