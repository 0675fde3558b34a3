"""The ledger (台账): the street's data as one pandas table per sheet — the source of truth.

Reading and writing files lives in :mod:`workbench.ledger_io`; checking the rules in
:mod:`workbench.validate`. This module is the in-memory container only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from . import schema


@dataclass(frozen=True)
class Ledger:
    """One table per sheet of :data:`workbench.schema.SHEETS`, in canonical dtypes.

    Build it with :meth:`from_tables`; read files with :func:`workbench.read_ledger`.
    """

    tables: dict[str, pd.DataFrame]

    @classmethod
    def from_tables(cls, **tables: pd.DataFrame) -> Ledger:
        """A ledger from clean tables keyed by sheet name; missing optional sheets become empty."""
        unknown = set(tables) - set(schema.SHEETS)
        if unknown:
            raise KeyError(f"unknown sheet(s): {sorted(unknown)}")
        return cls(
            {
                name: schema.canonical(name, tables[name]) if name in tables else schema.empty_table(name)
                for name in schema.SHEETS
            }
        )

    def __getitem__(self, sheet: str) -> pd.DataFrame:
        return self.tables[sheet]

    # One property per sheet, for readable code: ``ledger.units``.
    street = property(lambda self: self.tables["street"])
    communities = property(lambda self: self.tables["communities"])
    units = property(lambda self: self.tables["units"])
    party_orgs = property(lambda self: self.tables["party_orgs"])
    members = property(lambda self: self.tables["members"])
    pipeline = property(lambda self: self.tables["pipeline"])
    cadres = property(lambda self: self.tables["cadres"])
    activities = property(lambda self: self.tables["activities"])
    cobuilding = property(lambda self: self.tables["cobuilding"])

    @property
    def year(self) -> int:
        """The year the ledger describes (from the ``street`` sheet)."""
        return int(self.street["year"].iloc[0])

    @property
    def street_name(self) -> str:
        return str(self.street["name"].iloc[0])

    def fingerprint(self) -> str:
        """A stable SHA-256 of the tables' contents (provenance of scenario runs, and the key of
        remembered plans). Computed once: a ledger is a value, its tables are not changed in place."""
        if "_fingerprint" not in self.__dict__:
            digest = hashlib.sha256()
            for name in schema.SHEETS:
                table = self.tables[name]
                digest.update(name.encode())
                digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).values.tobytes())
            object.__setattr__(self, "_fingerprint", digest.hexdigest())
        return self.__dict__["_fingerprint"]

    def equals(self, other: Ledger) -> bool:
        """True when every table is identical (values and dtypes)."""
        return all(self.tables[n].equals(other.tables[n]) for n in schema.SHEETS)
