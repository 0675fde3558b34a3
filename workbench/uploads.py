"""Accepting a ledger uploaded through a dashboard: only .xlsx or .csv files, bounded in size,
written into a fresh temporary folder under a cleaned name — never anywhere else."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath

from ._errors import LedgerError
from .i18n import t

ALLOWED_SUFFIXES = (".xlsx", ".csv")
MAX_UPLOAD_BYTES = 20 * 2**20  # 20 MiB per upload, all files together
MAX_NAME_CHARS = 64  # of a stored file's stem (≤ 192 bytes in UTF-8, within every file system's 255)
_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(filename: str) -> str:
    """The last component of ``filename`` with unsafe characters replaced; never empty, hidden or
    too long for a file system (the stem is shortened, the suffix kept)."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = PurePath(_UNSAFE.sub("_", base).lstrip(".") or "upload")
    return cleaned.stem[:MAX_NAME_CHARS] + cleaned.suffix[:MAX_NAME_CHARS]


def _distinct(names: list[str]) -> list[str]:
    """``names`` with repeats numbered (``a.csv``, ``a_2.csv``), so no upload overwrites another."""
    seen: set[str] = set()
    out = []
    for name in names:
        stem, suffix, number = PurePath(name).stem, PurePath(name).suffix, 1
        while name in seen:
            number += 1
            name = f"{stem}_{number}{suffix}"
        seen.add(name)
        out.append(name)
    return out


def store_upload(
    files: Sequence[tuple[str, bytes]], *, lang: str = "zh", max_bytes: int = MAX_UPLOAD_BYTES
) -> Path:
    """Write uploaded ``(filename, content)`` pairs into a new temporary folder.

    One ``.xlsx`` gives that workbook's path; one or more ``.csv`` files give the folder (a CSV
    ledger is one file per sheet). Raises LedgerError for another suffix, a mix, or too many bytes.
    """
    if not files:
        raise LedgerError(t("upload.empty", lang))
    size = sum(len(content) for _, content in files)
    if size > max_bytes:
        raise LedgerError(t("upload.too_large", lang, size=size // 2**20, limit=max_bytes // 2**20))
    names = _distinct([safe_name(name) for name, _ in files])
    suffixes = {Path(n).suffix.lower() for n in names}
    if not suffixes <= set(ALLOWED_SUFFIXES) or (".xlsx" in suffixes and len(files) > 1):
        raise LedgerError(t("upload.bad_type", lang, allowed=" / ".join(ALLOWED_SUFFIXES)))
    folder = Path(tempfile.mkdtemp(prefix="workbench-upload-"))
    for name, (_, content) in zip(names, files, strict=True):
        (folder / name).write_bytes(content)
    return folder / names[0] if suffixes == {".xlsx"} else folder
