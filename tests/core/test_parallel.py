"""Jobs run side by side keep their order; the first runs in this process."""

from __future__ import annotations

import os

from transit.core.parallel import run_here_and_in_processes


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_in_job_order_first_job_here() -> None:
    results = run_here_and_in_processes(_square_and_pid, [3, 4, 5])
    assert [r for r, _ in results] == [9, 16, 25]
    assert results[0][1] == os.getpid()
    assert all(pid != os.getpid() for _, pid in results[1:])


def test_one_job_or_none_runs_here() -> None:
    assert run_here_and_in_processes(_square_and_pid, [2]) == [(4, os.getpid())]
    assert run_here_and_in_processes(_square_and_pid, []) == []
