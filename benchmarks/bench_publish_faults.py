"""Benchmark: `transit gtfs publish` killed (SIGKILL) at random wall-clock moments, hundreds of
times, and the archive's invariants checked after every recovery.

Each publication runs the CLI's own code (``transit.cli.main(["gtfs", "publish", ...])``) on a
variant of the sample city's feed (``feed_info.feed_version`` differs, so every variant has its
own SHA-256): in a process forked from this one (modules already imported, so the moment of the
kill falls in the publication itself), or, for ``--exec-kills``, in a fresh interpreter. The
judge (gtfs-validator, ~8 s) is run once on the base feed and its report given to every
publication (``--fake-judge``: a report of 0 notices), so that the time goes to publishing.

Scenarios:

- ``sequential``: a publication killed at a random moment (:meth:`Lab.kill`: a third anywhere
  in it, two thirds while it writes, from durations measured first), then a normal one of the
  same feed (which recovers first); the table below says what each kill had left;
- ``concurrent``: three publishers (feeds X, X, Y, ``--wait 60``) started together, one of them
  killed at a random moment, then normal publications of X and Y;
- ``exec``: as ``sequential``, each publisher a new ``python`` process.

``--kills`` and ``--exec-kills`` count the kills that landed (a publication that finished
before its moment is counted apart, as "done first").

After every normal publication: :func:`transit.gtfs.archive.audit.check_archive` finds nothing
(versions = history, latest = its manifest = the last entry, no SHA-256 twice, no temporary
entry, each version's ``previous_version`` the one before it), no byte of a version published
earlier changed, and each feed of the round is in the history exactly once.

Writes ``DIR/publish_faults.json`` and prints a table; exits 1 when any invariant broke.
Usage: ``python benchmarks/bench_publish_faults.py --out DIR [--kills 300] [--rounds 30]
[--exec-kills 20] [--seed 20260320] [--fake-judge]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import transit.cli.gtfs  # noqa: F401  - the command group, imported before any fork
from transit.cli import main as cli_main
from transit.cli.common import print_table, write_json
from transit.core.paths import sample_dir
from transit.demo.gtfs import build_source
from transit.gtfs.archive import publish as publish_mod
from transit.gtfs.archive.audit import check_archive
from transit.gtfs.archive.layout import TMP_PREFIX, list_versions, read_history
from transit.gtfs.feedio import read_feed, write_feed
from transit.gtfs.validate import ValidationReport, read_report, validate_feed

WAIT_S = "60"


@dataclass
class Tally:
    """What one scenario did: publications started (``runs``), killed while running, already
    finished when their moment came (``done first``), normal ones, lines recovery printed
    (``recovered``), invariant violations, and what the kills left before recovery."""

    scenario: str
    started: int = 0
    killed: int = 0
    finished_first: int = 0
    normal: int = 0
    recovery_lines: int = 0
    violations: list[str] = field(default_factory=list)
    left: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        """The tally as JSON-ready data."""
        names = ["runs", "killed", "done_first", "normal", "recovered", "violations"]
        return {
            "scenario": self.scenario,
            **dict(zip(names, self.counts(), strict=True)),
            "left_by_kills": dict(self.left),
            "violation_lines": self.violations,
        }

    def counts(self) -> tuple[int, ...]:
        """The numbers of the table's row, in its column order."""
        return (
            self.started,
            self.killed,
            self.finished_first,
            self.normal,
            self.recovery_lines,
            len(self.violations),
        )


def judge_with(report: ValidationReport) -> publish_mod.Judge:
    """The judge every publication gets: ``report`` (the base feed's), for the feed given."""
    return lambda path: dataclasses.replace(report, feed=Path(path))


class Lab:
    """The archive under test, the feed variants and the publishers."""

    def __init__(self, work: Path, base: Path, report: ValidationReport) -> None:
        self.work = work
        self.archive = work / "archive"
        self.report = report
        self.tables = dict(read_feed(base).tables)
        self.made = 0
        self.logs = 0
        self.snapshot: dict[str, str] = {}
        self.duration = 0.0  # seconds of a whole publication, set by :func:`calibrate`
        self.writes_at = 0.0  # seconds until its first temporary entry, set by :func:`calibrate`
        for sub in ("feeds", "logs", "archive"):
            (work / sub).mkdir(parents=True, exist_ok=True)

    def next_feed(self) -> Path:
        """A new variant of the base feed (its own bytes and SHA-256)."""
        self.made += 1
        info = self.tables["feed_info"].copy()
        info["feed_version"] = f"bench-{self.made}"
        path = self.work / "feeds" / f"v{self.made}.zip"
        write_feed({**self.tables, "feed_info": info}, path)
        return path

    def argv(self, feed: Path) -> list[str]:
        return ["gtfs", "publish", str(feed), "--archive", str(self.archive), "--wait", WAIT_S]

    def new_log(self) -> Path:
        self.logs += 1
        return self.work / "logs" / f"{self.logs}.txt"

    def fork(self, feed: Path, log: Path) -> int:
        """A publisher forked from here, its output in ``log``; returns its pid."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        code = 3
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            publish_mod.validate_feed = judge_with(self.report)  # type: ignore[assignment]
            code = cli_main(self.argv(feed))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def normal(self, feed: Path, tally: Tally) -> None:
        """Publish ``feed`` without a kill: exit 0, or 1 because it is already published."""
        log = self.new_log()
        _, status = os.waitpid(self.fork(feed, log), 0)
        tally.normal += 1
        self.check_exit(os.waitstatus_to_exitcode(status), log, tally)

    def check_exit(self, code: int, log: Path, tally: Tally) -> None:
        """A publisher that was not killed ends well: exit 0, or 1 for a feed already
        published (never busy: they all ``--wait``); its recovery lines are counted."""
        text = log.read_text("utf-8")
        tally.recovery_lines += count_recovery(text)
        if code != 0 and not (code == 1 and "already published" in text):
            tally.violations.append(f"publisher exit {code}: {text!r}")

    def kill(self, pid: int, rng: random.Random, *, stretch: float = 1.1) -> bool:
        """SIGKILL publisher ``pid`` at a random moment; True when it was still running.

        A third of the moments fall anywhere in a publication (drawn over its measured
        duration times ``stretch``); the others in its writing, drawn over 1.5 times the
        measured time from its first temporary entry to its end and counted from when the
        archive shows a temporary entry (so that a loaded machine does not shift them)."""
        if rng.random() < 1 / 3:
            return kill_after(pid, rng.uniform(0, self.duration * stretch))
        if not wait_for_writing(pid, self.archive):
            return False
        return kill_after(pid, rng.uniform(0, (self.duration - self.writes_at) * 1.5))

    def audit(self, feeds: list[Path], tally: Tally) -> None:
        """Every invariant after a normal publication (see the module docstring)."""
        problems = check_archive(self.archive)
        now = snapshot(self.archive)
        problems += [f"changed: {p}" for p, d in self.snapshot.items() if now.get(p) != d]
        listed = [e["sha256"] for e in read_history(self.archive)]
        for feed in feeds:
            count = listed.count(hashlib.sha256(feed.read_bytes()).hexdigest())
            if count != 1:
                problems.append(f"{feed.name} is in the history {count} times")
        tally.violations += problems
        self.snapshot = now


def snapshot(archive: Path) -> dict[str, str]:
    """SHA-256 of every file of every version folder."""
    return {
        str(p.relative_to(archive)): hashlib.sha256(p.read_bytes()).hexdigest()
        for v in list_versions(archive)
        for p in (archive / v).iterdir()
        if p.is_file()
    }


def what_was_left(archive: Path, feeds: list[Path]) -> str:
    """What a kill left, before recovery: the feed published, an unfinished version folder,
    temporary entries only, or nothing."""
    listed = read_history(archive)
    digests = {hashlib.sha256(f.read_bytes()).hexdigest() for f in feeds}
    if any(e["sha256"] in digests for e in listed):
        return "published"
    if set(list_versions(archive)) - {e["version"] for e in listed}:
        return "unfinished version folder"
    if any(p.name.startswith(TMP_PREFIX) for p in archive.iterdir()):
        return "temporary entries"
    return "nothing"


def count_recovery(text: str) -> int:
    return sum(line.startswith(("recovered:", "migrated:")) for line in text.splitlines())


def kill_after(pid: int, delay: float) -> bool:
    """SIGKILL ``pid`` after ``delay`` seconds unless it ended first; True when it was killed."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
        time.sleep(min(0.001, max(deadline - time.monotonic(), 0)))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == -signal.SIGKILL


def wait_for_writing(pid: int, archive: Path) -> bool:
    """Wait until a temporary entry appears in the archive; False when ``pid`` ended first."""
    while not any(p.name.startswith(TMP_PREFIX) for p in archive.iterdir()):
        if os.waitpid(pid, os.WNOHANG)[0]:
            return False
        time.sleep(0.0002)
    return True


def calibrate(lab: Lab, runs: int = 5) -> None:
    """Set ``lab.duration`` (seconds of a whole publication, fork to exit) and
    ``lab.writes_at`` (seconds until its first temporary entry appears in the archive): the
    medians of ``runs`` normal publications, watched every 0.3 ms."""
    tally = Tally("calibration")
    ends, writes = [], []
    for _ in range(runs):
        feed, log = lab.next_feed(), lab.new_log()
        start = time.perf_counter()
        pid = lab.fork(feed, log)
        first_write = None
        while not (done := os.waitpid(pid, os.WNOHANG))[0]:
            if first_write is None and any(
                p.name.startswith(TMP_PREFIX) for p in lab.archive.iterdir()
            ):
                first_write = time.perf_counter() - start
            time.sleep(0.0003)
        ends.append(time.perf_counter() - start)
        writes.append(first_write if first_write is not None else 0.0)
        lab.check_exit(os.waitstatus_to_exitcode(done[1]), log, tally)
        lab.audit([feed], tally)
    if tally.violations:
        raise SystemExit(f"calibration failed: {tally.violations}")
    lab.duration, lab.writes_at = statistics.median(ends), statistics.median(writes)


def kill_then_recover(lab: Lab, tally: Tally, feed: Path, pid: int, rng: random.Random) -> None:
    """Kill publisher ``pid`` (of ``feed``) at a random moment, note what it left, then a
    normal publication of ``feed`` and the audit."""
    tally.started += 1
    if lab.kill(pid, rng):
        tally.killed += 1
        tally.left[what_was_left(lab.archive, [feed])] += 1
    else:
        tally.finished_first += 1
    lab.normal(feed, tally)
    lab.audit([feed], tally)


def sequential(lab: Lab, kills: int, rng: random.Random) -> Tally:
    """Publications forked and killed until ``kills`` kills landed (at most 4× as many runs)."""
    tally = Tally("sequential")
    while tally.killed < kills and tally.started < 4 * kills:
        feed = lab.next_feed()
        kill_then_recover(lab, tally, feed, lab.fork(feed, lab.new_log()), rng)
    return tally


def concurrent(lab: Lab, rounds: int, rng: random.Random) -> Tally:
    tally = Tally("concurrent")
    for _ in range(rounds):
        x, y = lab.next_feed(), lab.next_feed()
        logs = [lab.new_log() for _ in range(3)]
        pids = [lab.fork(feed, log) for feed, log in zip((x, x, y), logs, strict=True)]
        tally.started += 3
        victim = rng.randrange(3)
        killed = lab.kill(pids[victim], rng, stretch=2.5)
        tally.killed += killed
        tally.finished_first += not killed
        for i, pid in enumerate(pids):
            if i == victim:
                continue
            lab.check_exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), logs[i], tally)
        lab.normal(x, tally)
        lab.normal(y, tally)
        lab.audit([x, y], tally)
    return tally


def exec_child(feed: Path, archive: Path, judge_dir: Path | None) -> int:
    """``--child``: one publication in this fresh interpreter, "ready" printed first."""
    if judge_dir is not None:
        date = dt.date.fromisoformat((judge_dir / "date.txt").read_text("utf-8").strip())
        report = read_report(judge_dir, feed=feed, date=date)
    else:
        report = fake_report(feed)
    publish_mod.validate_feed = judge_with(report)  # type: ignore[assignment]
    print("ready", flush=True)
    return cli_main(["gtfs", "publish", str(feed), "--archive", str(archive), "--wait", WAIT_S])


def exec_kills(lab: Lab, kills: int, judge_dir: Path | None, rng: random.Random) -> Tally:
    """As :func:`sequential`, each publisher a fresh interpreter (``--child``), its moment
    counted from when it says it is ready."""
    tally = Tally("exec")
    extra = [] if judge_dir is None else ["--judge-dir", str(judge_dir)]
    while tally.killed < kills and tally.started < 4 * kills:
        feed = lab.next_feed()
        cmd = [sys.executable, __file__, "--child", str(feed), str(lab.archive), *extra]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        proc.stdout.readline()  # "ready": imports done
        kill_then_recover(lab, tally, feed, proc.pid, rng)
        proc.returncode = -signal.SIGKILL  # reaped already
        proc.stdout.close()
    return tally


def fake_report(feed: Path) -> ValidationReport:
    return ValidationReport(feed, dt.date(2026, 4, 1), "JP", "fake", 0, 0.0, ())


def the_judge(base: Path, work: Path, *, fake: bool) -> tuple[ValidationReport, Path | None]:
    """The base feed's judge report (run once), and the folder holding it for exec children."""
    if fake:
        return fake_report(base), None
    judge_dir = work / "judge"
    report = validate_feed(base, out_dir=judge_dir)
    (judge_dir / "date.txt").write_text(report.date.isoformat(), "utf-8")
    return report, judge_dir


def run(args: argparse.Namespace, work: Path) -> tuple[list[Tally], dict[str, object]]:
    """Every scenario in ``work``; the tallies and the setting (durations, judge)."""
    base = work / "base.zip"
    sample = sample_dir()
    build_source(sample / "gtfs", base, network=sample / "network" / "roads.graphml")
    report, judge_dir = the_judge(base, work, fake=args.fake_judge)
    lab = Lab(work, base, report)
    calibrate(lab)
    rng = random.Random(args.seed)
    start = time.perf_counter()
    tallies = [
        sequential(lab, args.kills, rng),
        concurrent(lab, args.rounds, rng),
        exec_kills(lab, args.exec_kills, judge_dir, rng),
    ]
    setting = {
        "publication_s": round(lab.duration, 3),
        "first_write_s": round(lab.writes_at, 3),
        "judge": "fake (0 notices)"
        if judge_dir is None
        else f"gtfs-validator {report.validator_version}",
        "judge_errors": report.errors,
        "versions_published": len(read_history(lab.archive)),
        "wall_s": round(time.perf_counter() - start, 1),
        "seed": args.seed,
    }
    return tallies, setting


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench-output"))
    parser.add_argument("--kills", type=int, default=300, help="kills of forked publishers")
    parser.add_argument("--rounds", type=int, default=30, help="rounds of 3 publishers")
    parser.add_argument("--exec-kills", type=int, default=20, help="kills of fresh processes")
    parser.add_argument("--seed", type=int, default=20260320)
    parser.add_argument("--fake-judge", action="store_true")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("FEED", "ARCHIVE"))
    parser.add_argument("--judge-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        return exec_child(args.child[0], args.child[1], args.judge_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        tallies, setting = run(args, Path(tmp))
    rows: list[tuple[object, ...]] = [(t.scenario, *t.counts()) for t in tallies]
    rows.append(("total", *(sum(c) for c in zip(*(t.counts() for t in tallies), strict=True))))
    columns = ["scenario", "runs", "killed", "done first", "normal", "recovered", "violations"]
    print_table(
        f"bench_publish_faults: kills at random moments (a publication takes "
        f"{setting['publication_s']} s; judge: {setting['judge']})",
        columns,
        rows,
    )
    states = sorted({state for t in tallies for state in t.left})
    print_table(
        "what the kills left before recovery (killed runs)",
        ["scenario", *states],
        [(t.scenario, *(t.left[state] for state in states)) for t in tallies if t.left],
    )
    for t in tallies:
        for v in t.violations[:20]:
            print(f"VIOLATION {t.scenario}: {v}")
    write_json(
        args.out / "publish_faults.json",
        {**setting, "scenarios": [t.as_dict() for t in tallies]},
    )
    return 0 if all(not t.violations for t in tallies) else 1


if __name__ == "__main__":
    sys.exit(main())
