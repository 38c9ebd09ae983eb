"""Accounts of a result for people, from its provenance (:mod:`transit.core.provenance`): the
closing line of a printed table and the footer of a map (:func:`summary`), and what
``transit explain PATH`` prints (:func:`account`), in Japanese or English.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from transit.core import provenance as prov
from transit.core.assumptions import KINDS, format_value
from transit.core.errors import DataNotFoundError

LANGS = ("ja", "en")

_T: dict[str, tuple[str, str]] = {
    "head": ("出典・前提", "Sources and assumptions"),
    "illustrative": ("例示（実際の数値ではありません）", "illustrative (not real figures)"),
    "real": ("入力に架空・合成のデータはありません", "no made-up input"),
    "inputs": ("入力", "inputs"),
    "assumed": ("前提", "assumptions"),
    "what": ("これは", "What it is"),
    "made": ("作成", "Made"),
    "command": ("コマンド", "Command"),
    "made_from": ("入力（{n}件）", "Made from ({n} inputs)"),
    "warning": (
        "注意: この結果は例示です。次の入力が架空・合成のデータです:",
        "Warning: this result is illustrative. These inputs are made up:",
    ),
    "no_flags": (
        "架空・合成のデータに基づく入力はありません。",
        "No input is made up (synthetic or illustrative).",
    ),
    "rests_on": (
        "仮定に基づく数値（{n}件の前提: {kinds}）:",
        "Numbers rest on {n} parameters ({kinds}):",
    ),
    "changed": ("既定値から変更", "changed from the table"),
    "settings": ("設定", "Settings"),
    "notes": ("注記", "Notes"),
    "more": (
        "すべての前提と出典: {file}（Excelでは「出典・前提」シート）",
        "Every parameter and source: {file} (the 「出典・前提」 sheet in Excel)",
    ),
    "deleted": ("実行後に削除された一時ファイル", "a temporary file, deleted after the run"),
    "by": ("作成元", "made by"),
}


def _t(key: str, lang: str, **kw: object) -> str:
    ja, en = _T[key]
    return (en if lang == "en" else ja).format(**kw)


def flag_text(flag: str, lang: str) -> str:
    """A flag in words (:data:`transit.core.provenance.FLAGS`)."""
    ja, en = prov.FLAGS.get(flag, (flag, flag))
    return en if lang == "en" else ja


def kind_text(kind: str, lang: str) -> str:
    """A kind of assumption in words (``仮定``, ``assumption`` …)."""
    ja, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else ja


def _kinds(record: prov.Record, lang: str) -> tuple[int, str]:
    counts = Counter(p.entry.kind for p in record.parameters if p.entry is not None)
    parts = [f"{kind_text(k, lang)} {counts[k]}" for k in KINDS if counts[k]]
    return sum(counts.values()), ", ".join(parts)


def summary(record: prov.Record, lang: str = "ja") -> str:
    """One line: whether the result is illustrative (and why), its inputs' names and how many
    of its parameters are assumptions of each kind; for a printed table's closing line and a
    map's footer."""
    sep = "、" if lang == "ja" else ", "
    state = _t("illustrative" if record.illustrative else "real", lang)
    if record.illustrative:
        state += "：" if lang == "ja" else ": "
        state += sep.join(flag_text(f, lang) for f in record.flags)
    names = sep.join(dict.fromkeys(s.path.name for s in record.inputs)) or "—"
    n, kinds = _kinds(record, lang)
    tool = f"{record.tool.get('name', 'transit')} {record.tool.get('version', '')}".strip()
    parts = [state, f"{_t('inputs', lang)}: {names}"]
    if n:
        parts.append(f"{_t('assumed', lang)}: {kinds} ({prov.FILE_NAME})")
    parts.append(tool)
    return f"{_t('head', lang)} — " + " | ".join(parts)


def account(path: Path, lang: str = "ja", *, every: bool = False) -> list[str]:
    """What ``transit explain PATH`` prints: for each record that made ``path`` (a result
    file, or a folder of results), what it is, how and when it was made, its inputs (the
    made-up ones named first), which numbers rest on assumptions (the parameters by kind, the
    calibrated values, facts and changes named; every parameter with ``every``) and the
    notes. Raises :class:`DataNotFoundError` when no ``provenance.json`` lists ``path``."""
    found = prov.find(path)
    if not found:
        raise DataNotFoundError(
            f"{path}: no {prov.FILE_NAME} lists this file (it was not written by transit, "
            "or it was changed or moved without its provenance.json)"
        )
    lines: list[str] = []
    for f in found if Path(path).is_dir() else found[:1]:
        lines += _one(f, lang, every=every)
    return lines


def _one(found: prov.Found, lang: str, *, every: bool) -> list[str]:
    rec = found.record
    lines = [
        f"{_t('what', lang)}: {rec.what}",
        f"{_t('made', lang)}: {rec.created} — {_tool(rec)}",
        f"{_t('command', lang)}: {' '.join(rec.command)}",
    ]
    flagged = [s for s in rec.inputs if s.flags]
    if rec.illustrative:
        lines.append(_t("warning", lang))
        for flag in rec.flags:
            names = ", ".join(dict.fromkeys(s.path.name for s in flagged if flag in s.flags))
            lines.append(f"  - {flag_text(flag, lang)}" + (f" ({names})" if names else ""))
    else:
        lines.append(_t("no_flags", lang))
    lines.append(_t("made_from", lang, n=len(rec.inputs)))
    lines += [_input_line(s, lang) for s in sorted(rec.inputs, key=lambda s: not s.flags)]
    lines += _parameter_lines(rec, lang, every=every)
    if rec.notes:
        lines.append(f"{_t('notes', lang)}:")
        lines += [f"  - {n}" for n in rec.notes]
    lines.append(_t("more", lang, file=_shown(found.file)))
    return [*lines, ""]


def _tool(rec: prov.Record) -> str:
    tool = f"{rec.tool.get('name', 'transit')} {rec.tool.get('version', '')}".strip()
    return f"{tool} (commit {rec.tool['commit']})" if rec.tool.get("commit") else tool


def _shown(path: Path) -> str:
    """A path as a person reads it: relative to the working folder when below it."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def _input_line(s: prov.Source, lang: str) -> str:
    detail = [f"SHA-256 {s.sha256[:12]}…" if s.sha256 else _t("deleted", lang)]
    if s.rows is not None:
        detail.append(f"{s.rows:,} rows" if lang == "en" else f"{s.rows:,}行")
    if s.period:
        detail.append(s.period)
    if s.flags:
        detail.append(" / ".join(flag_text(f, lang) for f in s.flags))
    upstream = prov.find(s.path) if s.exists else []
    if upstream and upstream[0].record.what and upstream[0].record.inputs:  # a result itself
        detail.append(f"{_t('by', lang)}: {upstream[0].record.what}")
    return f"  - {s.role}: {_shown(s.path)} ({'; '.join(detail)})"


def _parameter_lines(rec: prov.Record, lang: str, *, every: bool) -> list[str]:
    n, kinds = _kinds(rec, lang)
    lines = [_t("rests_on", lang, n=n, kinds=kinds)] if n else []
    for p in rec.parameters:
        entry = p.entry
        if entry is None:
            continue
        named = every or entry.kind in ("calibrated", "fact") or p.origin == "override"
        if not named:
            continue
        value = f"{format_value(p.value)} {entry.unit}".strip()
        mark = (
            f" [{_t('changed', lang)}: {format_value(entry.value)}]"
            if p.origin == "override"
            else ""
        )
        meaning = entry.meaning if lang == "en" else entry.meaning_ja
        lines.append(
            f"  - [{kind_text(entry.kind, lang)}] {p.name} = {value}{mark} — {meaning} ({entry.source})"
        )
    given = [p for p in rec.parameters if p.entry is None]
    if given:
        shown = ", ".join(f"{p.name}={format_value(p.value)}" for p in given[:12])
        more = f" … (+{len(given) - 12})" if len(given) > 12 else ""
        lines.append(f"{_t('settings', lang)}: {shown}{more}")
    return lines
