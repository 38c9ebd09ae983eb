"""Scenario files written as TOML, every string quoted safely.

Strings are TOML basic strings: ``"`` and ``\\`` escaped, every control character (newlines,
tabs, DEL) as ``\\uXXXX``; a hostile stop name such as ``=HYPERLINK("x")`` or one with a newline
reads back unchanged. Keys are bare (``A-Za-z0-9_-``) or quoted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_key(key: str) -> str:
    """A bare key when it can be one, else a quoted key."""
    return key if _BARE.fullmatch(key) else toml_string(key)


def toml_value(value: Any) -> str:
    """A scalar, a list or a table (inline) of them as TOML (bool, int, finite float, str)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value}")
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_tables(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def scenario_toml(
    head: Mapping[str, Any], edits: Sequence[Mapping[str, Any]], *, comment: str = ""
) -> str:
    """The text of a scenario file: ``head`` (name, title, baseline, …) then one ``[[edits]]``
    table per edit; a list of tables inside an edit (``bands``) becomes ``[[edits.KEY]]``."""
    lines = [f"# {_CONTROL.sub(' ', line)}" for line in comment.splitlines()]
    lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in head.items()]
    for edit in edits:
        lines += ["", "[[edits]]"]
        nested = {k: v for k, v in edit.items() if _is_tables(v)}
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in edit.items() if k not in nested]
        for key, tables in nested.items():
            for table in tables:
                lines += ["", f"[[edits.{toml_key(key)}]]"]
                lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
