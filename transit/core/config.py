"""Typed, validated configuration: frozen dataclasses loaded from TOML.

:func:`from_mapping` turns a TOML table into a dataclass, checking every key and type and
reporting all problems at once (unknown keys, missing keys, wrong types) with the file and the
dotted key path. Nested dataclasses, ``list[...]``, ``tuple[...]``, ``dict[str, ...]``,
``X | None`` and :class:`datetime.date` fields are supported.

A numeric field may declare the values it accepts with :func:`bounded` (a :class:`Range` in the
field's metadata): the loader reports each value outside it (``must be above 0, got 0``) as an
:class:`OutOfRange` problem, and :func:`check_ranges` checks a built instance (e.g. in
``__post_init__``). A file whose keys or types are wrong is reported by those problems alone;
once they are right, every value outside its range is reported at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from transit.core.errors import ConfigError, DataNotFoundError, InputErrors, Location

T = TypeVar("T")

#: Key of a field's :class:`Range` in its ``dataclasses.field`` metadata.
RANGE = "transit_range"


class OutOfRange(ConfigError):
    """A value of the right type outside the range its field declares (:func:`bounded`)."""


@dataclass(frozen=True)
class Range:
    """The finite numbers a field accepts: at least ``ge`` or above ``gt``, at most ``le`` (each
    bound optional). A refusal names the bound the value passes (``must be at least 1, got 0``),
    or both (``must be between 0 and 1, got 1.5``) when ``between`` is set."""

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    between: bool = False

    def problem(self, value: float) -> str | None:
        """Why ``value`` is refused (``"must be above 0, got 0"``), or ``None`` when it fits."""
        got = f"got {format_number(value)}"
        if not math.isfinite(value):
            return f"must be a finite number, {got}"
        if self.between and self.ge is not None and self.le is not None:
            if self.ge <= value <= self.le:
                return None
            return f"must be between {format_number(self.ge)} and {format_number(self.le)}, {got}"
        if self.ge is not None and value < self.ge:
            return f"must be at least {format_number(self.ge)}, {got}"
        if self.gt is not None and value <= self.gt:
            return f"must be above {format_number(self.gt)}, {got}"
        if self.le is not None and value > self.le:
            return f"must be at most {format_number(self.le)}, {got}"
        return None

    def interval(self) -> str:
        """The range in interval notation: ``[0, 1]``, ``(0, 1440]``, ``[1, ∞)``."""
        low = f"[{format_number(self.ge)}" if self.ge is not None else "("
        low += (
            format_number(self.gt) if self.gt is not None else ("" if self.ge is not None else "-∞")
        )
        high = f"{format_number(self.le)}]" if self.le is not None else "∞)"
        return f"{low}, {high}"


def bounded(
    default: Any = dataclasses.MISSING,
    *,
    default_factory: Any = dataclasses.MISSING,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    between: bool = False,
) -> Any:
    """A dataclass field whose value (each value, for a table or a list) must lie in the
    :class:`Range` given by ``ge``/``gt``/``le`` (``between``: see :class:`Range`)."""
    meta = {RANGE: Range(ge=ge, gt=gt, le=le, between=between)}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def share(default: Any = dataclasses.MISSING, *, default_factory: Any = dataclasses.MISSING) -> Any:
    """A field holding a share: a number in [0, 1] (``must be between 0 and 1, got 1.5``)."""
    return bounded(default, default_factory=default_factory, ge=0, le=1, between=True)


def field_range(f: dataclasses.Field[Any]) -> Range | None:
    """The :class:`Range` a field declares, if any."""
    found = f.metadata.get(RANGE)
    return found if isinstance(found, Range) else None


def format_number(value: float) -> str:
    """A number as a person writes it: ``0``, ``1.5``, ``1440``, ``1e+300``, ``nan``."""
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def range_problems(obj: Any, *, prefix: str = "") -> list[tuple[str, str]]:
    """``(dotted key, message)`` of each field of the dataclass instance ``obj`` whose value is
    outside its declared :class:`Range` (not recursive)."""
    out: list[tuple[str, str]] = []
    for f in dataclasses.fields(obj):
        rng = field_range(f)
        if rng is not None:
            out += _values_out_of_range(rng, getattr(obj, f.name), _join(prefix, f.name))
    return out


def check_ranges(obj: Any, *, source: str | None = None, prefix: str = "") -> None:
    """Raise one :class:`InputErrors` naming every field of ``obj`` outside its range."""
    problems = range_problems(obj, prefix=prefix)
    if problems:
        raise InputErrors(
            [OutOfRange(msg, Location(file=source, field=key)) for key, msg in problems]
        )


def _values_out_of_range(rng: Range, value: Any, key: str) -> list[tuple[str, str]]:
    """``(key, message)`` for ``value`` (a number, or each value of a table or list)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _values_out_of_range(rng, v, f"{key}.{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in _values_out_of_range(rng, v, f"{key}[{i}]")]
    if isinstance(value, int | float) and not isinstance(value, bool):
        msg = rng.problem(value)
        return [] if msg is None else [(key, msg)]
    return []


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing file or a syntax error raises a located input error."""
    if not path.is_file():
        raise DataNotFoundError(f"file not found: {path}")
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", Location.of(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not UTF-8 text", Location.of(path)) from exc


def load_config(cls: type[T], path: Path, *, table: str | None = None) -> T:
    """Load dataclass ``cls`` from the TOML file ``path`` (optionally from one top-level table)."""
    data = read_toml(path)
    if table is not None:
        if table not in data:
            raise ConfigError(f"missing table [{table}]", Location.of(path))
        data = data[table]
    return from_mapping(cls, data, source=path.name, prefix=table or "")


def from_mapping(cls: type[T], data: Any, *, source: str | None = None, prefix: str = "") -> T:
    """Build dataclass ``cls`` from a mapping; raise one :class:`InputErrors` listing all problems
    (those of keys and types; when there are none, every value outside its range)."""
    errors: list[ConfigError] = []
    value = _convert(cls, data, prefix, source, errors)
    if errors:
        structural = [e for e in errors if not isinstance(e, OutOfRange)]
        raise InputErrors(list(structural or errors))
    return typing.cast(T, value)


def _err(errors: list[ConfigError], source: str | None, key: str, msg: str) -> None:
    errors.append(ConfigError(msg, Location(file=source, field=key or "(top level)")))


def _convert(tp: Any, value: Any, key: str, source: str | None, errors: list[ConfigError]) -> Any:
    """``value`` as type ``tp``; problems are appended to ``errors`` (a placeholder is returned)."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _convert_dataclass(tp, value, key, source, errors)
    if origin in (types.UnionType, typing.Union):
        return _convert_union(tp, value, key, source, errors)
    if origin is typing.Literal:
        if value not in typing.get_args(tp):
            allowed = ", ".join(repr(a) for a in typing.get_args(tp))
            _err(errors, source, key, f"expected one of {allowed}, got {value!r}")
        return value
    if origin in (list, tuple):
        return _convert_sequence(tp, value, key, source, errors)
    if origin is dict:
        if not isinstance(value, dict):
            _err(errors, source, key, f"expected a table, got {value!r}")
            return {}
        args = typing.get_args(tp)
        val_tp = args[1] if len(args) == 2 else Any
        return {k: _convert(val_tp, v, f"{key}.{k}", source, errors) for k, v in value.items()}
    if tp is Any:
        return value
    if tp in _SCALARS:
        converted, expected, placeholder = _SCALARS[tp](value)
        if expected is None:
            return converted
        _err(errors, source, key, f"expected {expected}, got {value!r}")
        return placeholder
    if isinstance(tp, type) and isinstance(value, tp):
        return value
    _err(errors, source, key, f"unsupported value {value!r} for {tp}")
    return value


def _convert_union(
    tp: Any, value: Any, key: str, source: str | None, errors: list[ConfigError]
) -> Any:
    args = typing.get_args(tp)
    if value is None and type(None) in args:
        return None
    non_none = [a for a in args if a is not type(None)]
    if len(non_none) == 1:
        return _convert(non_none[0], value, key, source, errors)
    for cand in non_none:
        trial: list[ConfigError] = []
        out = _convert(cand, value, key, source, trial)
        if not trial:
            return out
    _err(errors, source, key, f"expected one of {tp}, got {value!r}")
    return None


def _convert_sequence(
    tp: Any, value: Any, key: str, source: str | None, errors: list[ConfigError]
) -> Any:
    if not isinstance(value, list | tuple):
        _err(errors, source, key, f"expected a list, got {type(value).__name__} {value!r}")
        return ()
    args = typing.get_args(tp)
    item_tp = args[0] if args else Any
    items = [_convert(item_tp, v, f"{key}[{i}]", source, errors) for i, v in enumerate(value)]
    return tuple(items) if typing.get_origin(tp) is tuple else items


# A scalar converter returns (value, None) when the value fits, else (None, what was expected,
# a placeholder value).
_Scalar = tuple[Any, str | None, Any]


def _to_float(value: Any) -> _Scalar:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None, None
    return None, "a number", 0.0


def _to_int(value: Any) -> _Scalar:
    if isinstance(value, int) and not isinstance(value, bool):
        return value, None, None
    return None, "an integer", 0


def _to_date(value: Any) -> _Scalar:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value, None, None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value), None, None
        except ValueError:
            pass
    return None, "a date YYYY-MM-DD", dt.date(1970, 1, 1)


def _to_str(value: Any) -> _Scalar:
    return (value, None, None) if type(value) is str else (None, "str", "")


def _to_bool(value: Any) -> _Scalar:
    return (value, None, None) if type(value) is bool else (None, "bool", False)


_SCALARS: dict[Any, typing.Callable[[Any], _Scalar]] = {
    float: _to_float,
    int: _to_int,
    dt.date: _to_date,
    str: _to_str,
    bool: _to_bool,
}


def _convert_dataclass(
    cls: type[Any], value: Any, key: str, source: str | None, errors: list[ConfigError]
) -> Any:
    if not isinstance(value, dict):
        _err(errors, source, key, f"expected a table, got {value!r}")
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    kwargs: dict[str, Any] = {}
    for name in value:
        if name not in fields:
            allowed = ", ".join(sorted(fields))
            _err(errors, source, _join(key, name), f"unknown key (allowed: {allowed})")
    for name, f in fields.items():
        sub = _join(key, name)
        if name in value:
            before = len(errors)
            kwargs[name] = _convert(hints[name], value[name], sub, source, errors)
            rng = field_range(f)
            if rng is not None and len(errors) == before:
                for where, msg in _values_out_of_range(rng, kwargs[name], sub):
                    errors.append(OutOfRange(msg, Location(file=source, field=where)))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            _err(errors, source, sub, "missing required key")
    if errors:
        return None
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        _err(errors, source, key, str(exc))
        return None


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name
