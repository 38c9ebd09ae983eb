"""Fault injection: publishers killed (SIGKILL) at every step, then a normal publication (which
runs recovery) and the archive's invariants checked.

A step is a call that touches the disk (:data:`tests.gtfs.archive.kit.WATCHED`: open, write,
fsync, truncate, rename, replace, symlink, mkdir, unlink, rmdir, chmod, flock, write_bytes). A
child forked from the test (the modules already imported) counts them and kills itself before
step N, for every N of a publication, of a recovery and of a migration, plus torn writes and
random pairs of kills. After each: every version folder is in the history and the reverse,
``latest`` agrees with its manifest and the last history entry, no byte of an earlier version
changed, no SHA-256 twice, no temporary entry (:func:`~transit.gtfs.archive.audit.check_archive`
and the snapshots below). ``fsync`` is a no-op here and the pure computations on feeds are
remembered (:func:`~tests.gtfs.archive.kit.quicken`): a kill loses no written data (a power
cut would, which the fsync order of the code guards and no kill can test).
"""

from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.gtfs.archive.kit import (
    NOW,
    changed_files,
    killed_at,
    make_zip,
    quicken,
    report,
    shas,
    snapshot,
    steps_of,
    to_old_layout,
    two_versions,
    unfinished_v3,
)
from transit.core.errors import RefusedError
from transit.gtfs.archive.audit import check_archive
from transit.gtfs.archive.layout import read_history
from transit.gtfs.archive.publish import publish_feed
from transit.gtfs.archive.recovery import recover_archive

KILLS_AT_LEAST = 50


class Bench:
    """A base archive (20260401-v1, -v2), the next feed ``c`` and fresh copies to kill in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.base = two_versions(root, "base")
        self.c = make_zip(root / "c.zip", version="3")
        self.c_sha = hashlib.sha256(self.c.read_bytes()).hexdigest()
        self.kills = 0

    def copy(self, base: Path | None = None) -> Path:
        """A fresh copy of ``base`` (default the base archive), links kept."""
        target = Path(tempfile.mkdtemp(prefix="run", dir=self.root))
        shutil.copytree(base or self.base, target, symlinks=True, dirs_exist_ok=True)
        return target

    def publish_c(self, archive: Path) -> Callable[[], object]:
        return lambda: publish_feed(self.c, archive, report=report(self.c), now=NOW)

    def kill(self, work: Callable[[], object], n: int, *, torn: bool = False) -> int:
        self.kills += 1
        return killed_at(work, n, torn=torn)

    def problems_after_recovery(self, archive: Path, before: dict[str, str]) -> list[str]:
        """Publish ``c`` normally (recovery first), then every invariant, as problem lines."""
        try:
            self.publish_c(archive)()
        except RefusedError as exc:
            if "already published" not in str(exc):
                return [f"refused: {exc}"]
        problems = check_archive(archive)
        problems += [f"changed: {p}" for p in changed_files(before, snapshot(archive))]
        if shas(archive).count(self.c_sha) != 1:
            problems.append(f"c published {shas(archive).count(self.c_sha)} times")
        if len(read_history(archive)) != 3:
            problems.append(f"{len(read_history(archive))} publications, not 3")
        return problems


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Bench:
    quicken(monkeypatch)
    return Bench(tmp_path)


def test_kill_at_every_step_of_a_publication(bench: Bench) -> None:
    """Killed before each step (and halfway through each file written), the publication of c
    happened entirely or not at all, and the next one finishes it."""
    steps = steps_of(bench.publish_c(bench.copy()), bench.root / "trace.json")
    assert {"symlink", "rename", "replace", "write_bytes", "flock"} <= set(steps)
    plan = [(n, False) for n in range(1, len(steps) + 1)]
    plan += [(n, True) for n, name in enumerate(steps, 1) if name == "write_bytes"]
    found: dict[str, list[str]] = {}
    for n, torn in plan:
        archive = bench.copy()
        before = snapshot(archive)
        code = bench.kill(bench.publish_c(archive), n, torn=torn)
        problems = [f"exit {code}"] if code != -9 else []
        problems += bench.problems_after_recovery(archive, before)
        if problems:
            found[f"step {n} {steps[n - 1]}{' torn' if torn else ''}"] = problems
    assert found == {}
    print(f"{bench.kills} kills over {len(steps)} steps of a publication, 0 problems")
    assert bench.kills == len(plan) >= KILLS_AT_LEAST


def test_kill_at_every_step_of_a_recovery(bench: Bench) -> None:
    """Recovery itself killed at each step (an unfinished version, a temp folder and a temp
    link to clean), then a normal publication."""
    leftovers = bench.copy()
    unfinished_v3(leftovers)
    probe = bench.copy(leftovers)
    steps = steps_of(lambda: recover_archive(probe), bench.root / "trace.json")
    found: dict[int, list[str]] = {}
    for n in range(1, len(steps) + 1):
        archive = bench.copy(leftovers)
        before = {k: v for k, v in snapshot(archive).items() if not k.startswith("20260401-v3")}
        code = bench.kill(lambda a=archive: recover_archive(a), n)  # type: ignore[misc]
        problems = [f"exit {code}"] if code != -9 else []
        problems += bench.problems_after_recovery(archive, before)
        if problems:
            found[n] = problems
    assert found == {}
    print(f"{bench.kills} kills over {len(steps)} steps of a recovery, 0 problems")
    assert len(steps) >= 10


def test_random_pairs_of_kills(bench: Bench) -> None:
    """A publication killed at a random step, the next one (recovering) killed at another."""
    steps = len(steps_of(bench.publish_c(bench.copy()), bench.root / "trace.json"))
    rng = random.Random(20260320)
    found: dict[tuple[int, int], list[str]] = {}
    for _ in range(8):
        first, second = rng.randint(1, steps), rng.randint(1, steps)
        archive = bench.copy()
        before = snapshot(archive)
        codes = [bench.kill(bench.publish_c(archive), n) for n in (first, second)]
        problems = [f"exits {codes}"] if codes[0] != -9 or codes[1] not in (-9, 0, 1) else []
        problems += bench.problems_after_recovery(archive, before)
        if problems:
            found[(first, second)] = problems
    assert found == {}
    print(f"{bench.kills} kills in 8 random pairs, 0 problems")


def test_kill_at_every_step_of_a_migration(bench: Bench) -> None:
    """An archive of the old layout, its migration killed at each step: the next publication
    finishes it; the recorded versions keep every byte (the last one gains its history)."""
    old = bench.copy()
    to_old_layout(old)
    old_history = read_history(old)
    probe = bench.copy(old)
    steps = steps_of(lambda: recover_archive(probe), bench.root / "trace.json")
    assert "rename" in steps
    found: dict[int, list[str]] = {}
    for n in range(1, len(steps) + 1):
        archive = bench.copy(old)
        before = snapshot(archive)
        code = bench.kill(lambda a=archive: recover_archive(a), n)  # type: ignore[misc]
        problems = [f"exit {code}"] if code != -9 else []
        problems += bench.problems_after_recovery(archive, before)
        if read_history(archive)[:2] != old_history:
            problems.append("the old history was not kept")
        if problems:
            found[n] = problems
    assert found == {}
    print(f"{bench.kills} kills over {len(steps)} steps of a migration, 0 problems")
    assert len(steps) >= 10
