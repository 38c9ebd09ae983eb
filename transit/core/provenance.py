"""Provenance: what every result was made from, with which parameters, and whether it rests on
made-up data.

Every writer of results records a :class:`Record` in ``provenance.json`` beside the files it
wrote (one file per folder, one record per command that wrote into it): the toolkit version
(and commit in a checkout), the command line, every input (:class:`Source`: path relative to
the ``provenance.json``, SHA-256, rows, the period it covers), every parameter
(:class:`Parameter`: its value and whether it is the assumptions table's default, an override,
or a setting of the run) and the **flags** inherited from the inputs (:data:`FLAGS`: the sample
city, synthetic taps, a synthetic road network …).

Flags travel with the files, not with their names: :func:`flags_of` finds the record that wrote
an input by looking, from the input's folder upwards, for a ``provenance.json`` listing an
output with the input's SHA-256 (a folder output, such as a ridership store, holds its own
``provenance.json``), and finally among the files of the sample city (``data/sample``, whose
``provenance.json`` lists every file), so a copy of a sample file is still flagged. A flag set
upstream is never lost downstream: a record's flags are the union of its inputs' and its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transit.core import assumptions, runinfo
from transit.core.fileio import atomic_write_json, sha256_file
from transit.core.paths import sample_dir
from transit.core.runinfo import csv_rows, jsonable, tree_sha256

#: Re-exported from :mod:`transit.core.runinfo` (every caller needs only this module).
FILE_NAME = runinfo.FILE_NAME
running = runinfo.running
command_line = runinfo.command_line
tool_info = runinfo.tool_info

FORMAT = "transit-provenance"
VERSION = 1

#: Flags an output inherits from its inputs: ``flag -> (Japanese, English)``.
FLAGS: dict[str, tuple[str, str]] = {
    "sample_city": (
        "架空のサンプル都市（data/sample）から作成した例示",
        "made from the illustrative sample city (data/sample)",
    ),
    "synthetic_taps": (
        "合成した乗降データ（実際の利用者ではない）",
        "synthetic IC card taps (not real riders)",
    ),
    "synthetic_roads": (
        "架空の道路網（実際の道路ではない）",
        "a synthetic road network (not real roads)",
    ),
    "synthetic_population": (
        "架空の人口分布（国勢調査ではない）",
        "a synthetic population (not census data)",
    ),
}

#: Where a parameter's value comes from: ``origin -> (Japanese, English)``.
ORIGINS: dict[str, tuple[str, str]] = {
    "default": ("既定値（前提の表）", "default (assumptions table)"),
    "override": ("変更（前提の表と異なる）", "override (differs from the table)"),
    "given": ("実行時の設定", "setting of the run"),
}


@dataclass(frozen=True)
class Source:
    """One input: its ``role`` (``feed``, ``store``, ``area`` …), ``path`` (absolute), SHA-256
    (of a folder: :func:`tree_sha256`), ``rows`` and the ``period`` it covers when known, its
    ``flags``, whether it is a ``folder`` (and how many ``files``), and whether it ``exists``."""

    role: str
    path: Path
    sha256: str
    rows: int | None = None
    period: str = ""
    flags: tuple[str, ...] = ()
    folder: bool = False
    files: int | None = None
    exists: bool = True


@dataclass(frozen=True)
class Parameter:
    """One parameter of a run: ``name``, ``value``, ``origin`` (:data:`ORIGINS`) and the
    assumptions table ``key`` it defaults to (``""`` for a setting of the run)."""

    name: str
    value: Any
    origin: str
    key: str = ""

    @property
    def entry(self) -> assumptions.Assumption | None:
        """The table's entry of :attr:`key` (its unit, kind, meaning and source)."""
        return assumptions.table().get(self.key) if self.key else None


@dataclass(frozen=True)
class Output:
    """One output: ``path`` (absolute), SHA-256 (``""`` for a folder), ``rows`` of a CSV, and
    ``flags`` of its own (the sample city's files; else the record's)."""

    path: Path
    sha256: str
    rows: int | None = None
    folder: bool = False
    flags: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Record:
    """What one command made: ``what`` (a sentence for people), the ``command`` line, the
    ``tool`` (name, version, commit), when it was ``created``, its ``inputs``, ``parameters``,
    ``flags`` (inherited and its own), ``notes`` (assumptions in words), ``details`` (data of
    the command, e.g. a comparison's scenarios) and the ``outputs`` listed beside it."""

    what: str
    command: tuple[str, ...]
    tool: Mapping[str, str]
    created: str
    inputs: tuple[Source, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    outputs: tuple[Output, ...] = ()

    @property
    def illustrative(self) -> bool:
        """True when any input (or the step itself) is made up: the numbers are an example."""
        return bool(self.flags)

    def parameter(self, name: str) -> Parameter | None:
        """The parameter ``name``, if recorded."""
        return next((p for p in self.parameters if p.name == name), None)


# -- inputs -----------------------------------------------------------------------------------


def source(
    role: str,
    path: Path,
    *,
    rows: int | None = None,
    period: str = "",
    flags: Iterable[str] = (),
) -> Source:
    """The :class:`Source` of ``path``: its SHA-256 (a folder's :func:`tree_sha256`), rows (a
    CSV's by default), and its flags: ``flags`` plus those its upstream records give
    (:func:`flags_of`). A path that does not exist is recorded as such."""
    path = Path(path).resolve()
    own = tuple(flags)
    if path.is_dir():
        digest, files = tree_sha256(path)
        found = _union(own, flags_of(path))
        return Source(role, path, digest, rows, period, found, folder=True, files=files)
    if not path.is_file():
        return Source(role, path, "", rows, period, _union(own), exists=False)
    rows = csv_rows(path) if rows is None else rows
    return Source(role, path, sha256_file(path), rows, period, _union(own, flags_of(path)))


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({f for g in groups for f in g}))


# -- parameters -------------------------------------------------------------------------------


def table_value(key: str, name: str | None = None) -> Parameter:
    """The parameter of a default read straight from the table (e.g. a ranking's target)."""
    return Parameter(name or key, jsonable(assumptions.value(key)), "default", key)


def from_key(name: str, value: Any, key: str) -> Parameter:
    """A parameter ``name`` whose default is the table's ``key``: ``default`` when ``value`` is
    the table's, else ``override`` (for a function's keyword defaulting to the table)."""
    same = jsonable(value) == jsonable(assumptions.value(key))
    return Parameter(name, jsonable(value), "default" if same else "override", key)


def setting(name: str, value: Any) -> Parameter:
    """A setting of the run (a seed, the fleets tried, the files' folder) — not an assumption."""
    return Parameter(name, jsonable(value), "given")


def parameters_of(obj: Any, prefix: str = "") -> list[Parameter]:
    """The parameters of a dataclass instance, nested dataclasses walked (``prefix.name``): a
    field whose default is an entry of the assumptions table is ``default`` when its value is
    the table's and ``override`` otherwise; any other field is a ``given`` setting."""
    out: list[Parameter] = []
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        val = getattr(obj, f.name)
        name = f"{prefix}.{f.name}" if prefix else f.name
        if dataclasses.is_dataclass(val) and not isinstance(val, type):
            out += parameters_of(val, name)
            continue
        key = assumptions.key_of(f)
        out.append(setting(name, val) if key is None else from_key(name, val, key))
    return out


def merge_parameters(groups: Mapping[str, Sequence[Parameter]]) -> list[Parameter]:
    """The parameters of several runs (e.g. one per area) as one list: a parameter every group
    has with the same value is listed once; the others once per group (``group: name``)."""
    if not groups:
        return []
    lists = list(groups.values())
    common = set.intersection(*({(p.name, json.dumps(p.value)) for p in ps} for ps in lists))
    out: list[Parameter] = []
    for p in lists[0]:
        if (p.name, json.dumps(p.value)) in common:
            out.append(p)
    for group, ps in groups.items():
        out += [
            dataclasses.replace(p, name=f"{group}: {p.name}")
            for p in ps
            if (p.name, json.dumps(p.value)) not in common
        ]
    return out


# -- records ----------------------------------------------------------------------------------


def record(
    what: str,
    *,
    inputs: Sequence[Source] = (),
    parameters: Sequence[Parameter] = (),
    flags: Iterable[str] = (),
    notes: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
) -> Record:
    """A new record of this run (command line, tool, time now); its flags are ``flags`` and
    every input's."""
    return Record(
        what=what,
        command=command_line(),
        tool=tool_info(),
        created=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        inputs=tuple(inputs),
        parameters=tuple(parameters),
        flags=_union(flags, *(s.flags for s in inputs)),
        notes=tuple(notes),
        details=dict(details or {}),
    )


def write_provenance(
    what: str,
    *,
    inputs: Sequence[Source | tuple[str, Path]] = (),
    parameters: Sequence[Any] = (),
    settings: Mapping[str, Any] | None = None,
    outputs: Sequence[Path],
    flags: Iterable[str] = (),
    notes: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Record one command's run beside its ``outputs`` in one call; returns the
    ``provenance.json`` files written (see :func:`write`).

    ``what`` says in words what the outputs are; ``inputs`` are :class:`Source` records or
    ``(role, path)`` pairs (hashed now: call this after the inputs are read and the outputs
    written); ``parameters`` are :class:`Parameter` records or parameter dataclass instances
    (their fields walked by :func:`parameters_of`: a default of the assumptions table is marked
    ``default`` or ``override``); ``settings`` are other values of the run (a seed, a date);
    ``flags`` are the run's own (e.g. ``synthetic_taps``), added to those its inputs carry."""
    sources = [s if isinstance(s, Source) else source(s[0], s[1]) for s in inputs]
    params: list[Parameter] = []
    for p in parameters:
        params += [p] if isinstance(p, Parameter) else parameters_of(p)
    params += [setting(name, val) for name, val in (settings or {}).items()]
    rec = record(what, inputs=sources, parameters=params, flags=flags, notes=notes, details=details)
    return write(rec, outputs)


def write(rec: Record, outputs: Sequence[Path]) -> list[Path]:
    """Record ``rec`` beside ``outputs``: in the ``provenance.json`` of each folder holding an
    output file (listing that folder's outputs), and inside each output folder (a store).
    Earlier records of the same folder are kept, without the outputs written again now (a
    record left with none is dropped). Returns the ``provenance.json`` files written (relative
    when the outputs were given relative)."""
    by_folder: dict[Path, list[Output]] = {}
    shown: dict[Path, Path] = {}  # each folder as the caller named it
    for p in outputs:
        path = Path(p).resolve()
        if path.name == FILE_NAME:
            continue
        if path.is_dir():
            by_folder.setdefault(path, []).append(Output(path, "", folder=True))
            shown.setdefault(path, Path(p))
        elif path.is_file():
            out = Output(path, sha256_file(path), csv_rows(path))
            by_folder.setdefault(path.parent, []).append(out)
            shown.setdefault(path.parent, Path(p).parent)
    written = []
    for folder, outs in by_folder.items():
        file = folder / FILE_NAME
        replaced = {o.path for o in outs if not o.folder}  # a folder (a store) accumulates
        kept = [_without(r, replaced) for r in read_records(file)]
        records = [r for r in kept if r.outputs] + [dataclasses.replace(rec, outputs=tuple(outs))]
        atomic_write_json(file, document(records, folder))
        written.append(shown[folder] / FILE_NAME)
    return written


def _without(rec: Record, paths: set[Path]) -> Record:
    """``rec`` without the outputs at ``paths`` and without those no longer on disk."""
    outs = tuple(o for o in rec.outputs if o.path not in paths and o.path.exists())
    return dataclasses.replace(rec, outputs=outs)


def document(records: Sequence[Record], folder: Path) -> dict[str, Any]:
    """The content of a ``provenance.json`` in ``folder`` holding ``records``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "records": [record_json(r, folder) for r in records],
    }


def _rel(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def record_json(rec: Record, folder: Path) -> dict[str, Any]:
    """The JSON object of ``rec`` with paths relative to ``folder``; each parameter carries the
    unit, kind and source of its table entry."""
    return {
        "what": rec.what,
        "command": list(rec.command),
        "tool": dict(rec.tool),
        "created": rec.created,
        "illustrative": rec.illustrative,
        "flags": list(rec.flags),
        "inputs": [{**_plain(s), "path": _rel(s.path, folder)} for s in rec.inputs],
        "parameters": [_parameter_json(p) for p in rec.parameters],
        "notes": list(rec.notes),
        "details": jsonable(rec.details),
        "outputs": [
            {k: v for k, v in {**_plain(o), "path": _rel(o.path, folder)}.items() if v is not None}
            for o in rec.outputs
        ],
    }


def _plain(obj: Any) -> dict[str, Any]:
    return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def _parameter_json(p: Parameter) -> dict[str, Any]:
    out = _plain(p)
    entry = p.entry
    if entry is not None:
        out.update(unit=entry.unit, kind=entry.kind, source=entry.source)
    return out


def read_records(file: Path) -> list[Record]:
    """The records of a ``provenance.json`` (none when it is absent, unreadable or not of this
    format); paths are resolved against its folder."""
    try:
        doc = json.loads(file.read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return []
    return [_record_from(r, file.parent) for r in doc.get("records", [])]


def _record_from(data: Mapping[str, Any], folder: Path) -> Record:
    def path(text: str) -> Path:
        return Path(os.path.normpath(folder / text))

    inputs = tuple(
        Source(**{**_known(Source, s), "path": path(s["path"]), "flags": tuple(s.get("flags", ()))})
        for s in data.get("inputs", [])
    )
    outputs = tuple(
        Output(**{**_known(Output, o), "path": path(o["path"]), "flags": _tuple(o.get("flags"))})
        for o in data.get("outputs", [])
    )
    params = tuple(Parameter(**_known(Parameter, p)) for p in data.get("parameters", []))
    return Record(
        what=str(data.get("what", "")),
        command=tuple(data.get("command", ())),
        tool=dict(data.get("tool", {})),
        created=str(data.get("created", "")),
        inputs=inputs,
        parameters=params,
        flags=tuple(data.get("flags", ())),
        notes=tuple(data.get("notes", ())),
        details=dict(data.get("details", {})),
        outputs=outputs,
    )


def _known(cls: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _tuple(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


# -- finding the record of a file -------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """Where a file's record was found: the ``record``, the ``output`` listing the file (for a
    file) and the ``provenance.json`` that holds it."""

    record: Record
    output: Output | None
    file: Path

    @property
    def flags(self) -> tuple[str, ...]:
        """The flags of the file: its output's own, else the record's."""
        if self.output is not None and self.output.flags is not None:
            return self.output.flags
        return self.record.flags


def find(path: Path) -> list[Found]:
    """The records that made ``path``, newest first: for a folder, the records of its own
    ``provenance.json``; for a file, the nearest ``provenance.json`` from its folder upwards
    listing an output with the file's SHA-256 (or a folder output holding the file), else the
    sample city's record of it. Empty when none is found."""
    path = Path(path).resolve()
    if path.is_dir():
        return [Found(r, None, path / FILE_NAME) for r in reversed(read_records(path / FILE_NAME))]
    if not path.is_file():
        return []
    digest = sha256_file(path)
    for folder in path.parents:
        found = _listing(folder / FILE_NAME, path, digest)
        if found:
            return found
    return _listing(sample_dir() / FILE_NAME, path, digest, by_content=True)


def _listing(file: Path, path: Path, digest: str, *, by_content: bool = False) -> list[Found]:
    if not file.is_file():
        return []
    out = []
    for rec in reversed(read_records(file)):
        for o in rec.outputs:
            same = not o.folder and o.sha256 == digest
            inside = o.folder and not by_content and path.is_relative_to(o.path)
            if same or inside:
                out.append(Found(rec, None if o.folder else o, file))
                break
    return out


def flags_of(path: Path) -> tuple[str, ...]:
    """The flags ``path`` carries: those of the records that made it (:func:`find`); for a
    folder without a ``provenance.json`` of its own (a source folder), those of every file in
    it."""
    path = Path(path).resolve()
    if path.is_dir() and not (path / FILE_NAME).is_file():
        files = [p for p in sorted(path.rglob("*")) if p.is_file() and p.name != FILE_NAME]
        return _union(*(flags_of(p) for p in files))
    return _union(*(f.flags for f in find(path)))
