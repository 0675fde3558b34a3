"""Checking a ledger: types and ranges, keys, references, dates, and the Party rules it can break.

:func:`validate` works on the canonical tables and returns every :class:`~workbench.Problem`,
located as the user sees the file: a :class:`Layout` maps a table row to its Excel row (header
row 1, first data row 2, unless the reader recorded otherwise) and a column to its header.

Errors are data that cannot be right (a duplicate id, a reference to nothing, a date before the
date it follows). Breaches of DESIGN §3 that are real-world facts — an over-sized branch, a joint
branch of too many units, a probation past its longest extension, a branch below three full
members — are warnings: the ledger records them, the planner fixes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._errors import Problem
from .i18n import t
from .ledger import Ledger
from .schema import SHEETS, split_refs
from .settings import RULES, Rules

_BRANCHES = ("branch", "joint_branch")


class Finding(NamedTuple):
    """A problem in table coordinates: ``index`` is the table row, ``label`` a label key."""

    sheet: str
    index: int | None
    column: str | None
    value: object
    label: str
    values: Mapping[str, object] = MappingProxyType({})
    severity: str = "error"


@dataclass(frozen=True)
class Layout:
    """Where table cells sit in the file: sheet titles, Excel row per table row, headers as written.

    Anything not recorded falls back to the schema's title and header in ``lang`` and to row
    ``index + 2`` (header row 1).
    """

    titles: Mapping[str, str] = field(default_factory=dict)
    rows: Mapping[str, Sequence[int]] = field(default_factory=dict)
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def title(self, sheet: str, lang: str) -> str:
        return self.titles.get(sheet) or SHEETS[sheet].title(lang)

    def row(self, sheet: str, index: int | None) -> int | None:
        if index is None:
            return None
        rows = self.rows.get(sheet)
        return int(rows[index]) if rows is not None else index + 2

    def header(self, sheet: str, column: str | None, lang: str) -> str | None:
        if column is None:
            return None
        return self.headers.get(sheet, {}).get(column) or SHEETS[sheet].column(column).header(lang)

    def problem(self, finding: Finding, lang: str) -> Problem:
        """The user-facing :class:`Problem` of ``finding`` (a ``sheet`` value becomes its title)."""
        values = dict(finding.values)
        if "sheet" in values:
            values["sheet"] = self.title(values["sheet"], lang)
        return Problem(
            sheet=self.title(finding.sheet, lang),
            row=self.row(finding.sheet, finding.index),
            column=self.header(finding.sheet, finding.column, lang),
            value=finding.value,
            message=t(finding.label, lang, **values),
            severity=finding.severity,
        )


def validate(
    ledger: Ledger | Mapping[str, pd.DataFrame],
    *,
    rules: Rules = RULES,
    lang: str = "zh",
    layout: Layout | None = None,
) -> list[Problem]:
    """Every problem of ``ledger`` (errors and warnings), in sheet order then row order.

    ``ledger`` may be a :class:`Ledger` or a mapping of clean tables by sheet name.
    """
    if not isinstance(ledger, Ledger):
        ledger = Ledger.from_tables(**ledger)
    layout = layout or Layout()
    return [layout.problem(f, lang) for f in findings(ledger, rules=rules)]


def findings(ledger: Ledger, *, rules: Rules = RULES) -> list[Finding]:
    """Every problem of ``ledger`` in table coordinates (see :func:`validate`)."""
    found = [*_fields(ledger), *_street(ledger), *_keys(ledger), *_references(ledger)]
    found += [*_hierarchy(ledger), *_pipeline_dates(ledger), *_ages(ledger, rules)]
    found += [*_org_sizes(ledger, rules), *_probation(ledger, rules)]
    order = {name: i for i, name in enumerate(SHEETS)}
    return sorted(found, key=lambda f: (order[f.sheet], -1 if f.index is None else f.index))


def ledger_year(ledger: Ledger) -> int | None:
    """The ledger's year, or None when the street sheet does not give exactly one."""
    years = ledger.street["year"].dropna()
    return int(years.iloc[0]) if len(ledger.street) == 1 and len(years) == 1 else None


def _rows(mask: pd.Series) -> list[int]:
    return np.flatnonzero(mask.to_numpy(dtype=bool, na_value=False)).tolist()


def _fields(ledger: Ledger) -> Iterator[Finding]:
    """Required cells filled, enum codes known, numbers within their column's range."""
    for name, sheet in SHEETS.items():
        table = ledger[name]
        for col in sheet.columns:
            values = table[col.name]
            if col.required:
                for i in _rows(values.isna()):
                    yield Finding(name, i, col.name, None, "ledger.error.required")
            if col.enum is not None:
                known = values.isna() | values.isin(col.enum.codes())
                allowed = "、".join(col.enum.codes())
                for i in _rows(~known):
                    yield Finding(
                        name, i, col.name, values.iloc[i], "ledger.error.enum", {"allowed": allowed}
                    )
            if col.min is not None or col.max is not None:
                low = -np.inf if col.min is None else col.min
                high = np.inf if col.max is None else col.max
                label = "ledger.error." + ("range" if col.max is not None else "below_min")
                for i in _rows((values < low) | (values > high)):
                    yield Finding(name, i, col.name, values.iloc[i], label, {"min": low, "max": high})


def _street(ledger: Ledger) -> Iterator[Finding]:
    if len(ledger.street) != 1:
        yield Finding("street", None, None, None, "ledger.error.street_rows")


def _keys(ledger: Ledger) -> Iterator[Finding]:
    """Each row's key (its id, or the sheet's composite key) is unique."""
    for name, sheet in SHEETS.items():
        table = ledger[name][list(sheet.key)]
        duplicated = table.notna().all(axis=1) & table.duplicated(keep="first")
        for i in _rows(duplicated):
            value = " / ".join(str(v) for v in table.iloc[i])
            yield Finding(name, i, sheet.key[0], value, "ledger.error.duplicate_key")


def _references(ledger: Ledger) -> Iterator[Finding]:
    """Every id in a ``ref`` or ``refs`` cell names a row of the sheet it refers to."""
    for name, sheet in SHEETS.items():
        for col in sheet.columns:
            if col.ref is None:
                continue
            known = set(ledger[col.ref]["id"].dropna())
            for i, cell in enumerate(ledger[name][col.name]):
                ids = [cell] if col.kind == "ref" and cell is not None else split_refs(cell)
                for missing in (x for x in ids if x not in known):
                    yield Finding(name, i, col.name, missing, "ledger.error.unknown_ref", {"sheet": col.ref})


def _hierarchy(ledger: Ledger) -> Iterator[Finding]:
    """The ``parent`` links of Party organisations form no cycle."""
    orgs = ledger.party_orgs
    parent = dict(zip(orgs["id"], orgs["parent"], strict=True))
    on_cycle: set[str] = set()
    for start in parent:
        path, node = [], start
        while node in parent and node not in path and node not in on_cycle:
            path.append(node)
            node = parent[node]
        if node in path:
            on_cycle.update(path[path.index(node) :])
    for i, (org, up) in enumerate(zip(orgs["id"], orgs["parent"], strict=True)):
        if org in on_cycle:
            yield Finding("party_orgs", i, "parent", up, "ledger.error.cycle")


def _pipeline_dates(ledger: Ledger) -> Iterator[Finding]:
    """applied ≤ activist_since ≤ candidate_since (a blank step is skipped)."""
    pipe = ledger.pipeline
    earlier = pipe["applied"]
    for column in ("activist_since", "candidate_since"):
        later = pipe[column]
        for i in _rows(later < earlier):
            yield Finding("pipeline", i, column, later.iloc[i].date(), "ledger.error.date_order")
        earlier = later.fillna(earlier)


def _ages(ledger: Ledger, rules: Rules) -> Iterator[Finding]:
    """Nobody applied or joined before the minimum age, nor was born after the ledger's year."""
    for sheet, column in (("members", "joined"), ("pipeline", "applied")):
        table = ledger[sheet]
        age = table[column].dt.year - table["birth_year"]
        for i in _rows(age < rules.min_applicant_age):
            yield Finding(
                sheet,
                i,
                column,
                table[column].iloc[i].date(),
                "ledger.error.too_young",
                {"age": rules.min_applicant_age},
            )
    year = ledger_year(ledger)
    if year is None:
        return
    for sheet in ("members", "pipeline", "cadres"):
        births = ledger[sheet]["birth_year"]
        for i in _rows(births > year):
            yield Finding(sheet, i, "birth_year", births.iloc[i], "ledger.error.future_birth", {"year": year})


def _org_sizes(ledger: Ledger, rules: Rules) -> Iterator[Finding]:
    """Branches: at most ``branch_max_members`` members, enough full members; joint-branch units."""
    orgs = ledger.party_orgs
    members = ledger.members
    total = members["org"].value_counts()
    full = members.loc[members["status"] == "full", "org"].value_counts()
    minimum = {"branch": rules.min_members_own_branch, "joint_branch": rules.joint_branch_min_members}
    for i, org in enumerate(orgs.itertuples(index=False)):
        if org.kind not in _BRANCHES:
            continue
        count = int(total.get(org.id, 0))
        if count > rules.branch_max_members:
            yield Finding(
                "party_orgs",
                i,
                "kind",
                count,
                "ledger.warning.branch_size",
                {"count": count, "max": rules.branch_max_members},
                "warning",
            )
        n_full = int(full.get(org.id, 0))
        if org.status == "established" and n_full < minimum[org.kind]:
            yield Finding(
                "party_orgs",
                i,
                "kind",
                n_full,
                "ledger.warning.few_members",
                {"count": n_full, "min": minimum[org.kind]},
                "warning",
            )
        units = len(split_refs(org.units))
        if org.kind == "joint_branch" and units > rules.joint_branch_max_units:
            yield Finding(
                "party_orgs",
                i,
                "units",
                units,
                "ledger.warning.joint_units",
                {"count": units, "max": rules.joint_branch_max_units},
                "warning",
            )


def _probation(ledger: Ledger, rules: Rules) -> Iterator[Finding]:
    """No probationary member past the longest probation at the end of the ledger's year."""
    year = ledger_year(ledger)
    if year is None:
        return
    members = ledger.members
    joined = members["joined"]
    months = (year - joined.dt.year) * 12 + (12 - joined.dt.month)
    late = (members["status"] == "probationary") & (months > rules.max_probation_months)
    for i in _rows(late):
        yield Finding(
            "members",
            i,
            "joined",
            joined.iloc[i].date(),
            "ledger.warning.probation",
            {"months": int(months.iloc[i]), "max": rules.max_probation_months},
            "warning",
        )


def describe(problem: Problem, lang: str = "zh") -> str:
    """One readable line: severity, sheet, row, column, value and message."""
    parts = [t("ledger.report.sheet", lang, sheet=problem.sheet)]
    if problem.row is not None:
        parts.append(t("ledger.report.row", lang, row=problem.row))
    if problem.column:
        parts.append(t("ledger.report.column", lang, column=problem.column))
    if problem.value is not None:
        parts.append(t("ledger.report.value", lang, value=problem.value))
    severity = t(f"ledger.report.{problem.severity}", lang)
    separator = "" if lang == "zh" else ", "
    return t(
        "ledger.report.line", lang, severity=severity, where=separator.join(parts), message=problem.message
    )


def report(problems: Sequence[Problem], lang: str = "zh", *, limit: int | None = None) -> str:
    """The problems as lines (errors first), at most ``limit`` of them and a count of the rest."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")
    shown = ordered if limit is None else ordered[:limit]
    lines = [describe(p, lang) for p in shown]
    if len(ordered) > len(shown):
        lines.append(t("ledger.report.more", lang, count=len(ordered) - len(shown)))
    return "\n".join(lines)
