"""Typed, validated configuration: frozen dataclasses loaded from TOML.

:func:`from_mapping` turns a TOML table into a dataclass, checking every key and type and
reporting all problems at once (unknown keys, missing keys, wrong types) with the file and the
dotted key path. Nested dataclasses, ``list[...]``, ``tuple[...]``, ``dict[str, ...]``,
``X | None`` and :class:`datetime.date` fields are supported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from transit.core.errors import ConfigError, DataNotFoundError, InputErrors, Location

T = TypeVar("T")


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
    """Build dataclass ``cls`` from a mapping; raise one :class:`InputErrors` listing all problems."""
    errors: list[ConfigError] = []
    value = _convert(cls, data, prefix, source, errors)
    if errors:
        raise InputErrors(list(errors))
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
            kwargs[name] = _convert(hints[name], value[name], sub, source, errors)
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
