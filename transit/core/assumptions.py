"""The one table of assumptions: every default that is not observed data, with its unit, its
meaning, its kind and its source (``transit/core/assumptions.toml``, shipped with the package).

Pipelines never write a default twice: a parameter dataclass takes its default from the table
(``field(default_factory=default("drt.fleet.vehicles"))``, or ``bounded(default_factory=…)`` for
a field with a range), and a function's default is looked up when it runs (:func:`value`). A
test changes a value with :func:`overridden` and sees the output change. Provenance
(:mod:`transit.core.provenance`) says of every parameter whether it is the table's value (and
which kind of value that is) or an override.

Kinds (:data:`KINDS`): ``fact`` (observed and cited: the Kitaura service facts), ``calibrated``
(chosen so that a model reproduces an observation), ``convention`` (a benchmark's or the
field's usual choice), ``policy`` (a decision: a target, a threshold) and ``assumption`` (a
plausible value nobody measured here). ``docs/assumptions.md`` is :func:`markdown` of the table.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

#: The kinds of entry, with their Japanese and English names.
KINDS: dict[str, tuple[str, str]] = {
    "fact": ("事実", "fact"),
    "calibrated": ("較正値", "calibrated"),
    "convention": ("慣例", "convention"),
    "policy": ("方針", "policy"),
    "assumption": ("仮定", "assumption"),
}

_FIELDS = ("value", "unit", "kind", "meaning", "meaning_ja", "source")
_OPTIONAL = ("fact",)


@dataclass(frozen=True)
class Assumption:
    """One entry of the table: ``key`` (dotted, e.g. ``drt.fleet.vehicles``), ``value``,
    ``unit``, ``kind`` (one of :data:`KINDS`), ``meaning`` (English), ``meaning_ja``,
    ``source`` (a citation, or ``assumption``) and, for a fact, ``fact``: where to check it
    (``kitaura:<dotted key>`` of the Kitaura service facts)."""

    key: str
    value: Any
    unit: str
    kind: str
    meaning: str
    meaning_ja: str
    source: str
    fact: str = ""

    @property
    def kind_ja(self) -> str:
        """The kind in Japanese (``仮定``, ``事実`` …)."""
        return KINDS[self.kind][0]


def _entries(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """``(dotted key, entry)`` of every table holding a ``value`` (nested tables are walked)."""
    for name, item in data.items():
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(item, dict) and "value" in item:
            yield key, item
        elif isinstance(item, dict):
            yield from _entries(item, key)
        else:
            raise ValueError(f"assumptions.toml: {key} is neither an entry nor a table of entries")


def parse_table(text: str) -> dict[str, Assumption]:
    """The entries of an assumptions TOML text, by key; raises :class:`ValueError` naming the
    first entry with a missing or unknown field or an unknown kind."""
    out: dict[str, Assumption] = {}
    for key, entry in _entries(tomllib.loads(text)):
        missing = [f for f in _FIELDS if f not in entry]
        unknown = sorted(set(entry) - {*_FIELDS, *_OPTIONAL})
        if missing or unknown:
            raise ValueError(f"assumptions.toml: {key}: missing {missing}, unknown {unknown}")
        if entry["kind"] not in KINDS:
            raise ValueError(f"assumptions.toml: {key}: unknown kind {entry['kind']!r}")
        out[key] = Assumption(key=key, **entry)
    return out


@functools.cache
def _packaged() -> dict[str, Assumption]:
    text = resources.files("transit.core").joinpath("assumptions.toml").read_text("utf-8")
    return parse_table(text)


#: Values changed by :func:`overridden` (innermost last).
_OVERRIDES: list[dict[str, Any]] = []


def table() -> dict[str, Assumption]:
    """Every entry of the table by key, in the file's order (with any :func:`overridden`
    values)."""
    out = dict(_packaged())
    for layer in _OVERRIDES:
        for key, val in layer.items():
            out[key] = dataclasses.replace(out[key], value=val)
    return out


def get(key: str) -> Assumption:
    """The entry ``key``; raises :class:`KeyError` naming it when the table has no such key."""
    found = (table() if _OVERRIDES else _packaged()).get(key)
    if found is None:
        raise KeyError(f"no assumption {key!r} in transit/core/assumptions.toml")
    return found


def value(key: str) -> Any:
    """The value of ``key`` (a copy: a table of numbers may be changed by the caller)."""
    return copy.deepcopy(get(key).value)


@dataclass(frozen=True)
class Default:
    """A ``default_factory`` that reads ``key`` from the table when an instance is made."""

    key: str

    def __call__(self) -> Any:
        return value(self.key)


def default(key: str) -> Default:
    """The ``default_factory`` of a field whose default is the entry ``key`` (checked now)."""
    get(key)
    return Default(key)


def from_table(key: str) -> Any:
    """A dataclass field whose default is the entry ``key`` (for fields without a range; see
    :func:`transit.core.config.bounded` for those with one)."""
    return dataclasses.field(default_factory=default(key))


def key_of(f: dataclasses.Field[Any]) -> str | None:
    """The table key a dataclass field takes its default from, if any."""
    factory = f.default_factory
    return factory.key if isinstance(factory, Default) else None


@contextlib.contextmanager
def overridden(changes: Mapping[str, Any]) -> Iterator[None]:
    """Within the block, the table holds ``changes`` (key → value) instead of its values: for
    tests (not thread-safe; processes started in the block do not see it). Unknown keys raise
    :class:`KeyError`."""
    for key in changes:
        get(key)
    _OVERRIDES.append(dict(changes))
    try:
        yield
    finally:
        _OVERRIDES.pop()


def format_value(val: Any) -> str:
    """A value as the docs and the 出典・前提 sheets show it: ``30``, ``1.5``, ``08:00``,
    ``hospital 0.2, clinic 0.2``."""
    if isinstance(val, dict):
        return ", ".join(f"{k} {format_value(v)}" for k, v in val.items())
    if isinstance(val, float) and val.is_integer():
        return str(int(val))
    return str(val)


def markdown() -> str:
    """``docs/assumptions.md``: one table per section of the table (its first dotted part)."""
    lines = [
        "# Assumptions (出典・前提): every default that is not observed data",
        "",
        "Generated from `transit/core/assumptions.toml` by `python tools/assumptions_doc.py`;",
        "a test checks that this page is current. Every pipeline reads its defaults from that",
        "one file (`transit.core.assumptions`), and every result's `provenance.json` and",
        "「出典・前提」 sheet list the values used, each marked as the table's (`default`) or",
        "changed (`override`). Change a value in the input file of a run (an `AREA.toml`, a",
        "scenario file, a command option), never in code.",
        "",
        "Kinds: " + "; ".join(f"**{k}** ({ja})" for k, (ja, _) in KINDS.items()) + ".",
        "",
    ]
    sections: dict[str, list[Assumption]] = {}
    for a in table().values():
        sections.setdefault(a.key.split(".")[0], []).append(a)
    for name, entries in sections.items():
        lines += [f"## {name}", "", "| key | value | unit | kind | meaning | source |"]
        lines.append("|---|---|---|---|---|---|")
        for a in entries:
            cells = [f"`{a.key}`", format_value(a.value), a.unit, a.kind, a.meaning, a.source]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
