"""The member pipeline's stage rules (发展党员), shared by the succession engine and the audit.

One rule set, two uses: :mod:`workbench.engines.succession` moves people through these stages with
their minimum (and maximum) durations and the sponsor rule; :mod:`workbench.audit` checks the
ledger's real records against the very same functions. Every number comes from
:class:`workbench.settings.Rules`.

The stages, in order (DESIGN §3)::

    applicant → activist (≥ activist_min_months) → candidate (≥ candidate_training_min_days of
    training, sponsors_required full-member sponsors) → probationary (probation_months)
    → [extended probation (probation_extension_min/max_months)] → full member
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..settings import RULES, Rules


@dataclass(frozen=True)
class Stage:
    """One pipeline stage: how long a person must (and may) stay in it, in months."""

    name: str
    min_months: int
    max_months: int | None = None  # None: no upper limit


def stages(rules: Rules = RULES) -> tuple[Stage, ...]:
    """The stages a person passes before becoming a full member, in order."""
    return (
        Stage("applicant", 0),
        Stage("activist", rules.activist_min_months),
        Stage("candidate", 0),
        Stage("probationary", rules.probation_months, rules.probation_months),
        Stage("extended", rules.probation_extension_min_months, rules.probation_extension_max_months),
    )


def fastest_path_months(rules: Rules = RULES) -> int:
    """The shortest time from applicant to full member the rules allow (months)."""
    return rules.activist_min_months + rules.probation_months


def can_sponsor(full_members, rules: Rules = RULES):
    """Whether an organisation with ``full_members`` full members can admit (array or scalar)."""
    return np.asarray(full_members) >= rules.sponsors_required


# --- checks of the records (each returns a boolean Series: True = breach) ------------------------


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """``dates`` moved ``months`` calendar months later (the 31st becomes the month's last day)."""
    return dates + pd.DateOffset(months=months)


def whole_months(start: pd.Series, end: pd.Timestamp) -> pd.Series:
    """Whole calendar months from each ``start`` to ``end`` (NaN where ``start`` is missing)."""
    months = (end.year - start.dt.year) * 12 + (end.month - start.dt.month)
    return months - (start.dt.day > end.day)


def year_end(year: int) -> pd.Timestamp:
    """The last day of ``year``: the date a ledger describes."""
    return pd.Timestamp(year=year, month=12, day=31)


def applicant_too_young(birth_year: pd.Series, applied: pd.Series, rules: Rules = RULES) -> pd.Series:
    """Applied before turning ``rules.min_applicant_age`` (by calendar year, the lenient reading)."""
    return (applied.dt.year - birth_year.astype(float) < rules.min_applicant_age).fillna(False)


def activist_too_short(
    activist_since: pd.Series, candidate_since: pd.Series, rules: Rules = RULES
) -> pd.Series:
    """Made a candidate less than ``rules.activist_min_months`` after becoming an activist."""
    return (candidate_since < add_months(activist_since, rules.activist_min_months)).fillna(False)


def training_too_short(training_days: pd.Series, rules: Rules = RULES) -> pd.Series:
    """Fewer than ``rules.candidate_training_min_days`` days of training (a blank counts as none)."""
    return training_days.astype(float).fillna(0) < rules.candidate_training_min_days


def too_few_sponsors(sponsor_lists: pd.Series, rules: Rules = RULES) -> pd.Series:
    """Fewer than ``rules.sponsors_required`` distinct sponsors."""
    return sponsor_lists.map(lambda ids: len(set(ids))) < rules.sponsors_required


def probation_overdue(joined: pd.Series, as_of: pd.Timestamp, rules: Rules = RULES) -> pd.Series:
    """Still probationary past probation plus the longest extension (``rules.max_probation_months``)."""
    return (add_months(joined, rules.max_probation_months) < as_of).fillna(False)
