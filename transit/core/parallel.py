"""Independent jobs run side by side: the first in this process, the others in child processes."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

J = TypeVar("J")
R = TypeVar("R")


def run_here_and_in_processes(fn: Callable[[J], R], jobs: Sequence[J]) -> list[R]:
    """``[fn(job) for job in jobs]``, in job order: the first job runs in this process while the
    others run in child processes (fork where the platform has it, so that ``__main__`` is not
    imported again; spawn elsewhere). ``fn`` and the jobs must be picklable under spawn."""
    if len(jobs) <= 1:
        return [fn(job) for job in jobs]
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=len(jobs) - 1, mp_context=ctx) as pool:
        futures = [pool.submit(fn, job) for job in jobs[1:]]
        results = [fn(jobs[0])]
        results.extend(f.result() for f in futures)
    return results
