"""Run the independent judge of a feed (PyPI ``gtfs-validator``) and summarize its report.

The judge is run as its own process through its command line, exactly as a person would::

    gtfs-validator -i FEED -o OUT -c JP -d DATE --fail-on-error

with the validation date *pinned* (by default the feed's first service day, so a report does not
change with the day it is run). Its ``report.json`` is read back into a :class:`ValidationReport`:
notices by code with their severity and count, the judge's own system errors apart.

Known warnings on the project's feeds are explained in :data:`EXPLAINED_WARNINGS`
(and in ``docs/validator-warnings.md``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from transit.core.errors import DataNotFoundError, InputError, Location, WorkError
from transit.core.notices import Severity
from transit.core.safezip import check_zip_file
from transit.gtfs.feedio import Feed, read_feed
from transit.gtfs.service import parse_gtfs_date

log = logging.getLogger(__name__)

#: Country code given to the judge (enables the JP-specific rules).
COUNTRY = "JP"

#: Warnings (and infos) the project's feeds are expected to show, with why they are acceptable.
EXPLAINED_WARNINGS: Mapping[str, str] = {
    "mixed_case_recommended_field": (
        "Japanese names have no letter case; the rule is written for Latin-script names."
    ),
    "feed_expiration_date7_days": (
        "The validation date is pinned; a feed ending within 7 days of it is reported. "
        "Publish the next timetable before then."
    ),
    "feed_expiration_date30_days": (
        "The validation date is pinned; a feed ending within 30 days of it is reported. "
        "Publish the next timetable before then."
    ),
    "missing_timepoint_value": (
        "Feeds built by other tools leave timepoint empty; feeds built by transit fill it."
    ),
    "translation_unknown_table_name": (
        "Old GTFS-JP v1/v2 feeds use another translations.txt layout; transit writes the "
        "GTFS-standard one."
    ),
    "unknown_column": (
        "GTFS-JP adds columns (jp_pattern_id, jp_office_id, …) that plain GTFS does not know."
    ),
    "unknown_file": (
        "GTFS-JP adds files (agency_jp.txt, office_jp.txt, pattern_jp.txt) that plain GTFS does "
        "not know."
    ),
    "feed_info_lang_and_agency_lang_mismatch": (
        "Not expected: feed_lang and agency_lang are both 'ja' in transit feeds."
    ),
}


@dataclass(frozen=True)
class JudgeNotice:
    """One notice code of the judge's report: ``code``, ``severity``, ``total`` (how many times
    it fired) and up to a few ``samples`` (the judge's fields)."""

    code: str
    severity: Severity
    total: int
    samples: tuple[Mapping[str, Any], ...] = ()

    @property
    def explanation(self) -> str | None:
        """Why this notice is expected on the project's feeds, or ``None``."""
        return EXPLAINED_WARNINGS.get(self.code)


@dataclass(frozen=True)
class ValidationReport:
    """What the judge said about one feed.

    ``notices`` are data notices (worst first, then by code); ``system_errors`` are failures of
    the judge itself (it could not read a file, a rule crashed). ``exit_code`` is the judge's
    (1 with ``--fail-on-error`` when an ERROR fired). ``seconds`` is the wall time of the run.
    """

    feed: Path
    date: dt.date
    country: str
    validator_version: str
    exit_code: int
    seconds: float
    notices: tuple[JudgeNotice, ...]
    system_errors: tuple[JudgeNotice, ...] = ()
    report_dir: Path | None = field(default=None, compare=False)

    def _count(self, severity: Severity) -> int:
        return sum(n.total for n in self.notices if n.severity is severity)

    @property
    def errors(self) -> int:
        """Number of ERROR notices (all codes)."""
        return self._count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        """Number of WARNING notices (all codes)."""
        return self._count(Severity.WARNING)

    @property
    def infos(self) -> int:
        """Number of INFO notices (all codes)."""
        return self._count(Severity.INFO)

    @property
    def ok(self) -> bool:
        """True when the judge found no ERROR and did not fail itself."""
        return self.errors == 0 and not self.system_errors and self.exit_code == 0

    def by_code(self) -> dict[str, int]:
        """``{code: total}`` for every notice code, worst severity first."""
        return {n.code: n.total for n in self.notices}

    def unexplained_warnings(self) -> list[str]:
        """Codes of WARNING notices without an entry in :data:`EXPLAINED_WARNINGS`."""
        return [
            n.code for n in self.notices if n.severity is Severity.WARNING and not n.explanation
        ]

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: counts by severity, notices by code, the run's settings."""
        return {
            "feed": str(self.feed),
            "date": self.date.isoformat(),
            "country": self.country,
            "validator_version": self.validator_version,
            "exit_code": self.exit_code,
            "seconds": round(self.seconds, 3),
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "ok": self.ok,
            "notices": [
                {
                    "code": n.code,
                    "severity": str(n.severity),
                    "total": n.total,
                    "explanation": n.explanation,
                    "samples": [dict(s) for s in n.samples[:3]],
                }
                for n in self.notices
            ],
            "system_errors": [
                {"code": n.code, "total": n.total, "samples": [dict(s) for s in n.samples[:3]]}
                for n in self.system_errors
            ],
        }


def pinned_date(feed: Feed) -> dt.date:
    """The validation date used by default: the feed's first service day.

    ``feed_info.feed_start_date`` when given, else the earliest ``calendar.start_date`` or
    ``calendar_dates.date``; raises :class:`InputError` when the feed has no date at all.
    """
    candidates: list[str] = []
    start = feed.column("feed_info", "feed_start_date")
    candidates = [v for v in start.tolist() if v]
    if not candidates:
        candidates = [v for v in feed.column("calendar", "start_date").tolist() if v]
        candidates += [v for v in feed.column("calendar_dates", "date").tolist() if v]
    for value in sorted(candidates):
        day = parse_gtfs_date(value)
        if day is not None:
            return day
    raise InputError(
        "feed has no start date (feed_info, calendar or calendar_dates); pass --date",
        Location.of(feed.source) if feed.source else None,
    )


def _severity(name: object) -> Severity:
    """The judge's severity name (``ERROR``, ``WARNING``, ``INFO``); ERROR when absent or
    unknown (the judge's system errors carry none)."""
    return Severity.__members__.get(str(name), Severity.ERROR)


def _parse_notices(items: list[Mapping[str, Any]]) -> tuple[JudgeNotice, ...]:
    out = [
        JudgeNotice(
            code=str(it.get("code", "")),
            severity=_severity(it.get("severity", "ERROR")),
            total=int(it.get("totalNotices", 0)),
            samples=tuple(it.get("sampleNotices", ()) or ()),
        )
        for it in items
    ]
    return tuple(sorted(out, key=lambda n: (-n.severity, n.code)))


def read_report(
    report_dir: Path, *, feed: Path, date: dt.date, exit_code: int = 0
) -> ValidationReport:
    """Read the judge's ``report.json`` and ``system_errors.json`` from ``report_dir``."""
    report_path = report_dir / "report.json"
    if not report_path.is_file():
        raise WorkError(f"the judge wrote no report.json in {report_dir}")
    data = json.loads(report_path.read_text("utf-8"))
    system: list[Mapping[str, Any]] = []
    sys_path = report_dir / "system_errors.json"
    if sys_path.is_file():
        system = json.loads(sys_path.read_text("utf-8")).get("notices", [])
    summary = data.get("summary", {})
    return ValidationReport(
        feed=feed,
        date=date,
        country=str(summary.get("countryCode", COUNTRY)),
        validator_version=str(summary.get("validatorVersion", "")),
        exit_code=exit_code,
        seconds=float(summary.get("validationTimeSeconds", 0.0)),
        notices=_parse_notices(data.get("notices", [])),
        system_errors=_parse_notices(system),
        report_dir=report_dir,
    )


def validate_feed(
    feed_path: Path | str,
    *,
    date: dt.date | None = None,
    country: str = COUNTRY,
    out_dir: Path | None = None,
    timeout_s: float = 600.0,
) -> ValidationReport:
    """Run the judge on a feed (zip or folder) and return its report.

    Parameters
    ----------
    feed_path
        The feed to judge.
    date
        Validation date; default :func:`pinned_date` (the feed's first service day).
    country
        Country code for country-specific rules (``JP``).
    out_dir
        Where the judge writes ``report.json``/``report.html``; a temporary folder (removed
        afterwards) when ``None``.
    timeout_s
        The run is stopped after this many seconds (:class:`WorkError`).

    Returns
    -------
    ValidationReport
        ``seconds`` is the wall time of the judge's process.
    """
    feed_path = Path(feed_path)
    if not feed_path.exists():
        raise DataNotFoundError(f"feed not found: {feed_path}")
    for warning in check_zip_file(feed_path):  # the judge unpacks the zip itself
        log.warning("%s", warning)
    if date is None:
        date = pinned_date(read_feed(feed_path))
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="transit-judge-") as tmp:
            return replace(_run(feed_path, date, country, Path(tmp), timeout_s), report_dir=None)
    out_dir.mkdir(parents=True, exist_ok=True)
    return _run(feed_path, date, country, out_dir, timeout_s)


def _run(feed: Path, date: dt.date, country: str, out: Path, timeout_s: float) -> ValidationReport:
    cmd = [
        sys.executable,
        "-m",
        "gtfs_validator.cli",
        "-i",
        str(feed),
        "-o",
        str(out),
        "-c",
        country,
        "-d",
        date.isoformat(),
        "--fail-on-error",
    ]
    log.info("running the judge: %s", " ".join(cmd[1:]))
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise WorkError(f"the judge did not finish within {timeout_s:.0f} s on {feed}") from exc
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1) or not (out / "report.json").is_file():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        raise WorkError(f"the judge failed on {feed.name} (exit {proc.returncode}): {tail[0]}")
    report = read_report(out, feed=feed, date=date, exit_code=proc.returncode)
    return replace(report, seconds=seconds)


def format_report(report: ValidationReport) -> list[str]:
    """The report as lines of text for people: totals, then one line per code."""
    lines = [
        f"{report.feed.name}: {report.errors} errors, {report.warnings} warnings, "
        f"{report.infos} infos (gtfs-validator {report.validator_version}, "
        f"country {report.country}, date {report.date.isoformat()})"
    ]
    for n in report.notices:
        note = f" — {n.explanation}" if n.explanation and n.severity is not Severity.ERROR else ""
        lines.append(f"  {n.severity!s:<7} {n.code}: {n.total}{note}")
    for n in report.system_errors:
        lines.append(f"  SYSTEM  {n.code}: {n.total}")
    return lines
