"""The house rules a reader relies on: short functions, modules of a readable size."""

from __future__ import annotations

import ast

from transit.core.paths import PACKAGE_DIR

MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600


def _functions() -> list[tuple[str, int]]:
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        rel = path.relative_to(PACKAGE_DIR.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                found.append(
                    (f"{rel}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1)
                )
    return found


def test_no_function_over_80_lines() -> None:
    """Every function in transit/ reads in one sitting (decorators and docstring included)."""
    long = sorted(f"{where} ({n} lines)" for where, n in _functions() if n > MAX_FUNCTION_LINES)
    assert long == []


def test_no_module_over_600_lines() -> None:
    """Modules stay near 500 lines; none passes 600."""
    big = sorted(
        f"{p.relative_to(PACKAGE_DIR.parent)} ({n} lines)"
        for p in PACKAGE_DIR.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    )
    assert big == []
