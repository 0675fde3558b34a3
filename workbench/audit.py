"""The pipeline audit (发展党员程序检查): the ledger's real records against the stage rules.

The rules are those the succession engine simulates with (:mod:`workbench.engines.pipeline_rules`):
one rule set, two uses. :func:`audit` lists every breach as a :class:`workbench.Problem` located
as the user sees it — the sheet's title, the Excel row (header row 1, so a table's row ``i`` is
row ``i + 2``) and the column header — with a message in Chinese or English.

Checks on the **pipeline** sheet: an applicant younger than ``rules.min_applicant_age`` when
applying; a candidate made less than ``rules.activist_min_months`` after becoming an activist;
a candidate with fewer than ``rules.candidate_training_min_days`` days of training; a candidate
with fewer than ``rules.sponsors_required`` sponsors, or a sponsor who is not a full member.
On the **members** sheet, for probationary members: a probation past ``rules.max_probation_months``
at the end of the ledger's year; fewer sponsors than required; a sponsor not a full member.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from . import schema
from ._errors import Problem
from .engines import pipeline_rules as pr
from .i18n import t
from .ledger import Ledger
from .settings import RULES, Rules


def audit(ledger: Ledger, *, rules: Rules = RULES, lang: str = "zh") -> list[Problem]:
    """Every breach of the stage rules in the ledger's pipeline and members sheets."""
    full = set(ledger.members.loc[ledger.members["status"] == "full", "id"])
    return [*_pipeline(ledger.pipeline, full, rules, lang), *_probationary(ledger, full, rules, lang)]


def _pipeline(pipe: pd.DataFrame, full: set, rules: Rules, lang: str) -> Iterator[Problem]:
    candidate = pipe["stage"] == "candidate"
    checks = (
        ("applied", pr.applicant_too_young(pipe["birth_year"], pipe["applied"], rules), "audit.too_young"),
        (
            "candidate_since",
            candidate & pr.activist_too_short(pipe["activist_since"], pipe["candidate_since"], rules),
            "audit.activist_too_short",
        ),
        ("training_days", candidate & pr.training_too_short(pipe["training_days"], rules), "audit.training"),
    )
    for column, breach, key in checks:
        yield from _problems("pipeline", pipe, column, breach, key, rules, lang)
    yield from _sponsors("pipeline", pipe, candidate, full, rules, lang)


def _probationary(ledger: Ledger, full: set, rules: Rules, lang: str) -> Iterator[Problem]:
    members = ledger.members
    probationary = members["status"] == "probationary"
    overdue = probationary & pr.probation_overdue(members["joined"], pr.year_end(ledger.year), rules)
    yield from _problems("members", members, "joined", overdue, "audit.probation_overdue", rules, lang)
    yield from _sponsors("members", members, probationary, full, rules, lang)


def _sponsors(
    sheet: str, table: pd.DataFrame, due: pd.Series, full: set, rules: Rules, lang: str
) -> Iterator[Problem]:
    """Rows in ``due`` need ``rules.sponsors_required`` sponsors, each a full member."""
    lists = table["sponsors"].map(schema.split_refs)
    few = due & pr.too_few_sponsors(lists, rules)
    yield from _problems(sheet, table, "sponsors", few, "audit.few_sponsors", rules, lang)
    for i in table.index[due]:
        for sponsor in lists[i]:
            if sponsor not in full:
                yield _problem(sheet, i, "sponsors", sponsor, "audit.sponsor_not_full", rules, lang)


def _problems(
    sheet: str, table: pd.DataFrame, column: str, breach: pd.Series, key: str, rules: Rules, lang: str
) -> Iterator[Problem]:
    for i in table.index[breach.to_numpy(dtype=bool)]:
        value = table.at[i, column]
        value = value.date() if isinstance(value, pd.Timestamp) else value
        yield _problem(sheet, i, column, None if pd.isna(value) else value, key, rules, lang)


def _problem(sheet: str, index: int, column: str, value, key: str, rules: Rules, lang: str) -> Problem:
    spec = schema.SHEETS[sheet]
    return Problem(
        sheet=spec.title(lang),
        row=int(index) + 2,
        column=spec.column(column).header(lang),
        value=value,
        message=t(
            key,
            lang,
            age=rules.min_applicant_age,
            months=rules.activist_min_months,
            days=rules.candidate_training_min_days,
            sponsors=rules.sponsors_required,
            max_months=rules.max_probation_months,
        ),
    )
