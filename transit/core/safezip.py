"""Zip archives read safely: what a zip says it unpacks to is checked before anything is read.

GTFS feeds and Excel workbooks are zip archives. A 1 MB archive can unpack to gigabytes (a "zip
bomb"), so before a member is read the declared sizes and the compression ratio are checked
against :class:`ZipLimits`, and while it is read the actual bytes are counted (a header may lie).
A refusal is an :class:`~transit.core.errors.InputError` naming the archive and the member
(exit code 2 from the CLI). Members whose names hold ``..`` or start with ``/`` are reported as
warnings (nothing here extracts to disk, so they cannot escape a folder, but they are suspicious).

The defaults suit a city's feed with room to spare (the largest real feed in the test data,
Cairns, unpacks to 3.5 MiB at 9×); raise them with the environment variables named in
:data:`ENV_LIMITS` (documented in ``docs/limits.md``).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from transit.core.errors import InputError, Location
from transit.core.notices import Notice, NoticeCatalogue, Severity

MIB = 1 << 20

ZIP_NOTICES = NoticeCatalogue(
    "Zip archives (feeds, workbooks)",
    {
        "zip_member_too_large": (
            Severity.ERROR,
            "A member of the archive unpacks to more than the per-member limit.",
        ),
        "zip_total_too_large": (
            Severity.ERROR,
            "The members of the archive unpack to more than the total limit.",
        ),
        "zip_ratio_too_high": (
            Severity.ERROR,
            "A member unpacks to many times its compressed size (a zip bomb).",
        ),
        "zip_too_many_members": (Severity.ERROR, "The archive holds more members than the limit."),
        "zip_member_larger_than_declared": (
            Severity.ERROR,
            "A member unpacks to more bytes than its header declares.",
        ),
        "zip_unsafe_member_name": (
            Severity.WARNING,
            "A member's name holds '..' or starts with '/' (it is not extracted, only read).",
        ),
    },
)


@dataclass(frozen=True)
class ZipLimits:
    """How much an archive may unpack to. Sizes in MiB; ``max_ratio`` is uncompressed over
    compressed size, checked for members larger than ``ratio_floor_mib`` (tiny files of blanks
    compress extremely well and are harmless)."""

    max_member_mib: float = 1024.0
    max_total_mib: float = 2048.0
    max_ratio: float = 100.0
    ratio_floor_mib: float = 1.0
    max_members: int = 10_000

    @classmethod
    def from_env(cls) -> ZipLimits:
        """The defaults, each overridden by its environment variable when set."""
        values: dict[str, float | int] = {}
        for f in fields(cls):
            raw = os.environ.get(ENV_LIMITS[f.name], "").strip()
            if not raw:
                continue
            try:
                number = float(raw)
            except ValueError as exc:
                raise InputError(
                    f"{ENV_LIMITS[f.name]}={raw!r} is not a number", Location(field=f.name)
                ) from exc
            if number <= 0:
                raise InputError(f"{ENV_LIMITS[f.name]} must be above 0, got {raw}")
            values[f.name] = int(number) if f.name == "max_members" else number
        return cls(**values)  # type: ignore[arg-type]


ENV_LIMITS = {
    "max_member_mib": "TRANSIT_ZIP_MAX_MEMBER_MIB",
    "max_total_mib": "TRANSIT_ZIP_MAX_TOTAL_MIB",
    "max_ratio": "TRANSIT_ZIP_MAX_RATIO",
    "ratio_floor_mib": "TRANSIT_ZIP_RATIO_FLOOR_MIB",
    "max_members": "TRANSIT_ZIP_MAX_MEMBERS",
}


def _refuse(
    archive: Path, code: str, message: str, limit: str, member: str | None = None
) -> InputError:
    """The refusal: what the member unpacks to, the code, and the variable that raises the limit."""
    hint = f"if the file is genuine, raise {ENV_LIMITS[limit]}"
    return InputError(
        f"{message}: refused ({code}); {hint}", Location(file=archive.name, member=member)
    )


def check_archive(
    archive: Path, zf: zipfile.ZipFile, limits: ZipLimits | None = None
) -> list[Notice]:
    """Check the declared sizes of every member of ``zf`` (opened from ``archive``).

    Raises :class:`InputError` for the first member over a limit (the message names the member,
    its size and the limit); returns WARNING notices for suspicious member names.
    """
    lim = limits or ZipLimits.from_env()
    infos = zf.infolist()
    if len(infos) > lim.max_members:
        raise _refuse(
            archive,
            "zip_too_many_members",
            f"the archive holds {len(infos):,} members, above the limit of {lim.max_members:,}",
            "max_members",
        )
    total = 0
    for info in infos:
        _check_member(archive, info, lim)
        total += info.file_size
        if total > lim.max_total_mib * MIB:
            raise _refuse(
                archive,
                "zip_total_too_large",
                f"the members unpack to more than {lim.max_total_mib:,g} MiB in all",
                "max_total_mib",
            )
    return [_name_warning(archive, i.filename) for i in infos if _unsafe_name(i.filename)]


def _check_member(archive: Path, info: zipfile.ZipInfo, lim: ZipLimits) -> None:
    size_mib = info.file_size / MIB
    if size_mib > lim.max_member_mib:
        raise _refuse(
            archive,
            "zip_member_too_large",
            f"unpacks to {size_mib:,.1f} MiB, above the limit of {lim.max_member_mib:,g} MiB",
            "max_member_mib",
            info.filename,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if size_mib > lim.ratio_floor_mib and ratio > lim.max_ratio:
        raise _refuse(
            archive,
            "zip_ratio_too_high",
            f"unpacks to {size_mib:,.1f} MiB from {info.compress_size / MIB:,.2f} MiB "
            f"({ratio:,.0f}×, above the limit of {lim.max_ratio:,g}×), a possible zip bomb",
            "max_ratio",
            info.filename,
        )


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _name_warning(archive: Path, name: str) -> Notice:
    return ZIP_NOTICES.notice(
        "zip_unsafe_member_name",
        f"member name {name!r} holds '..' or an absolute path (read, never extracted)",
        Location(file=archive.name, member=name),
    )


def read_member(
    archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits | None = None
) -> bytes:
    """The bytes of one member, read in blocks; refused as soon as more bytes come out than the
    header declared (or than the member limit), so a lying header cannot exhaust memory."""
    lim = limits or ZipLimits.from_env()
    cap = min(info.file_size, int(lim.max_member_mib * MIB))
    chunks: list[bytes] = []
    got = 0
    with zf.open(info) as fh:
        while block := fh.read(min(MIB, cap - got + 1)):
            got += len(block)
            if got > cap:
                raise _refuse(
                    archive,
                    "zip_member_larger_than_declared",
                    f"unpacks to more than the {info.file_size:,} bytes its header declares",
                    "max_member_mib",
                    info.filename,
                )
            chunks.append(block)
    return b"".join(chunks)


def check_zip_file(path: Path, limits: ZipLimits | None = None) -> list[Notice]:
    """:func:`check_archive` of the archive at ``path`` (for inputs handed to another library —
    gtfs-kit, the validator, openpyxl — that unpacks them itself). A file that is not a zip is
    left to the reader to report."""
    if not zipfile.is_zipfile(path):
        return []
    with zipfile.ZipFile(path) as zf:
        return check_archive(Path(path), zf, limits)


def member_names(zf: zipfile.ZipFile) -> Sequence[str]:
    """Names of the archive's file members (folders left out)."""
    return [i.filename for i in zf.infolist() if not i.is_dir()]
