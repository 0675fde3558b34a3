"""Shareable ledgers: people's names removed and their ids replaced by keyed pseudonyms.

A ledger names members, people in the pipeline and cadres, and its ids may be ID-card or Party
card numbers. :func:`anonymise` gives the same ledger with

- every person's ``name`` blank;
- every person's ``id`` — and every reference to one (sponsors, a cadre's member id) — replaced by
  ``HMAC-SHA256(salt, id)`` (first 16 hex digits, 64 bits): the same id and salt always give the
  same pseudonym, so two ledgers anonymised with one salt still join, while without the salt a
  pseudonym cannot be traced back (not even by trying every short id);
- everything else kept: birth years (ages are needed), dates, occupations, units and communities,
  so it reads back with :func:`workbench.ledger_io.read_ledger` and scores the same.

The result is pseudonymous, not anonymous: birth year, sex and unit together may still single a
person out in a small unit, so share it only with those who may see the street's data. The salt
is a secret kept apart from the ledger (a file or the ``WORKBENCH_SALT`` environment variable) and
never written into it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import schema
from .i18n import t
from .ledger import Ledger

PEOPLE = ("members", "pipeline", "cadres")  # sheets whose rows are persons
SALT_ENV = "WORKBENCH_SALT"
MIN_SALT_BYTES = 16
PSEUDONYM_HEX_DIGITS = 16


def pseudonym(value: str, *, salt: bytes) -> str:
    """The keyed pseudonym of one id: the first hex digits of HMAC-SHA256(salt, id)."""
    digest = hmac.new(salt, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]


def anonymise(ledger: Ledger, *, salt: bytes) -> Ledger:
    """``ledger`` with people's names blank and their ids (and references to them) pseudonymised."""
    _check_salt(salt, "en")
    tables = {}
    for name, sheet in schema.SHEETS.items():
        table = ledger[name].copy()
        for column in sheet.columns:
            if name in PEOPLE and column.name == "name":
                table[column.name] = None
            elif (name in PEOPLE and column.kind == "id") or (
                column.kind in ("ref", "refs") and column.ref in PEOPLE
            ):
                table[column.name] = _pseudonymise(table[column.name], salt=salt, many=column.kind == "refs")
        tables[name] = table
    return Ledger.from_tables(**tables)


def _pseudonymise(values: pd.Series, *, salt: bytes, many: bool) -> pd.Series:
    """Pseudonyms for an id (or ``;``-separated ids) column; blanks stay blank."""

    def one(cell: str) -> str:
        if many:
            return schema.join_refs(pseudonym(i, salt=salt) for i in schema.split_refs(cell))
        return pseudonym(cell, salt=salt)

    return values.map(one, na_action="ignore")


def read_salt(
    path: str | os.PathLike | None = None, *, env: Mapping[str, str] = os.environ, lang: str = "zh"
) -> bytes:
    """The secret salt: the contents of ``path`` (surrounding whitespace ignored), else ``$WORKBENCH_SALT``.

    Raises ValueError when there is none or it is shorter than 16 bytes, FileNotFoundError when
    ``path`` does not exist.
    """
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(t("privacy.salt_missing_file", lang, path=path))
        salt = path.read_bytes().strip()
    else:
        salt = env.get(SALT_ENV, "").strip().encode("utf-8")
    _check_salt(salt, lang)
    return salt


def write_new_salt(path: str | os.PathLike) -> Path:
    """Write a fresh random salt (64 hex digits) to ``path``, readable by its owner only.

    Raises FileExistsError rather than overwrite a file (an old salt would be lost).
    """
    path = Path(path)
    with open(path, "x", encoding="ascii") as out:  # "x": fails if the file exists
        out.write(secrets.token_hex(32) + "\n")
    path.chmod(0o600)
    return path


def _check_salt(salt: bytes, lang: str) -> None:
    if not salt:
        raise ValueError(t("privacy.salt_none", lang, env=SALT_ENV))
    if len(salt) < MIN_SALT_BYTES:
        raise ValueError(t("privacy.salt_short", lang, size=len(salt), minimum=MIN_SALT_BYTES))
