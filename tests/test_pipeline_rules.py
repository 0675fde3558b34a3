"""The stage rules shared by the succession engine and the audit."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from workbench.engines import pipeline_rules as pr
from workbench.settings import RULES


def dates(*values):
    return pd.Series(pd.to_datetime(list(values)))


def test_stages_follow_the_rules_and_the_fastest_path_is_the_rule():
    stages = {s.name: s for s in pr.stages(RULES)}
    assert list(stages) == ["applicant", "activist", "candidate", "probationary", "extended"]
    assert (stages["activist"].min_months, stages["activist"].max_months) == (12, None)
    assert (stages["probationary"].min_months, stages["probationary"].max_months) == (12, 12)
    assert (stages["extended"].min_months, stages["extended"].max_months) == (6, 12)
    assert stages["applicant"].min_months == stages["candidate"].min_months == 0
    short = {s.name: s for s in pr.stages(replace(RULES, activist_min_months=7))}
    assert short["activist"].min_months == 7
    assert pr.fastest_path_months(RULES) == 12 * RULES.fastest_path_years
    assert pr.fastest_path_months(RULES) == sum(s.min_months for s in stages.values() if s.name != "extended")


def test_sponsor_rule():
    assert pr.can_sponsor([0, 1, 2, 5], RULES).tolist() == [False, False, True, True]
    assert pr.can_sponsor(1, replace(RULES, sponsors_required=1))


def test_record_checks_flag_exactly_the_breaches():
    assert pr.applicant_too_young(
        pd.Series([1990, 1985, None]), dates("2007-05-01", "2003-01-01", None)
    ).tolist() == [
        True,
        False,
        False,
    ]
    activist, candidate = (
        dates("2002-11-15", "2002-11-15", None),
        dates("2003-11-15", "2003-11-14", "2003-01-01"),
    )
    assert pr.activist_too_short(activist, candidate).tolist() == [False, True, False]
    assert pr.training_too_short(pd.Series([3, 2, None], dtype="Int64")).tolist() == [False, True, True]
    assert pr.too_few_sponsors(pd.Series([["a", "b"], ["a", "a"], []])).tolist() == [False, True, True]
    joined = dates("2001-12-31", "2001-12-30", None)
    assert pr.probation_overdue(joined, pr.year_end(2003)).tolist() == [False, True, False]
    assert pr.whole_months(dates("2003-01-31", "2003-12-31"), pr.year_end(2003)).tolist() == [11, 0]
