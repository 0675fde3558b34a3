"""What a study session says, as data: the case, the five haves, today's standing, the rules.

Both the projected notebooks (:mod:`.slides`) and the printed handout (:mod:`.handout`) read these
functions, so the screen and the paper always agree. Every number comes from the ledger, the
rubric file or :data:`workbench.settings.RULES`.
"""

from __future__ import annotations

import pandas as pd

from .. import paths
from ..i18n import t
from ..ledger import Ledger
from ..ledger_io import read_ledger
from ..rubric import OP_SIGNS, Rubric, load_rubric
from ..scorecard import Scorecard, format_value, scorecard
from ..settings import RULES, Rules

PROBLEMS = ("fragmented", "funding", "transition", "talent")
VENUE = "venue"  # the have the pilots were chosen for (the pilot standard of the case)


def session_case(
    ledger: Ledger | None = None, *, rubric: str = "seed_2003", rules: Rules = RULES, lang: str = "zh"
) -> tuple[Ledger, Scorecard]:
    """The session's ledger (default: the bundled sample street) and its scorecard on ``rubric``."""
    ledger = ledger if ledger is not None else read_ledger(paths.SAMPLE_LEDGER, lang=lang, rules=rules)
    return ledger, scorecard(ledger, load_rubric(rubric, rules=rules, lang=lang), rules=rules, lang=lang)


def case_points(ledger: Ledger, card: Scorecard, lang: str = "zh") -> list[str]:
    """The case in four sentences: the street, its pilots, its people and the goal.

    The pilots are the communities meeting the venue have of ``card`` (the pilot standard).
    """
    summary = card.summary()
    pilots = summary.loc[summary[f"{VENUE}_met"], "community_name"].tolist()
    units = ledger.units
    cadres = ledger.cadres.loc[~ledger.cadres["reserve"].astype(bool)]
    mean_age = (ledger.year - cadres["birth_year"].astype(float)).mean()
    branches = int(card.figures["has_branch"].sum())
    return [
        t(
            "training.case.street",
            lang,
            street=ledger.street_name,
            year=ledger.year,
            communities=len(summary),
            branches=branches,
        ),
        t(
            "training.case.pilots",
            lang,
            pilots=t("training.separator", lang).join(pilots),
            others=len(summary) - len(pilots),
        ),
        t(
            "training.case.people",
            lang,
            units=len(units),
            npe=int((units["kind"] == "non_public_enterprise").sum()),
            members=len(ledger.members),
            age=f"{mean_age:.0f}",
        ),
        t("training.case.goal", lang),
    ]


def problems(lang: str = "zh") -> list[str]:
    """The four problems of the case, one sentence each."""
    return [t(f"training.problem.{key}", lang) for key in PROBLEMS]


def have_checks(rubric: Rubric, lang: str = "zh") -> pd.DataFrame:
    """One row per rubric check: ``have`` (key), ``have_label``, ``check`` and ``passes_when``
    (e.g. "≥ 80 平方米"; "是" for a yes/no check); optional checks are marked."""
    rows = []
    for indicator in rubric.indicators:
        if indicator.threshold is None:
            test = t("training.yes", lang)
        else:
            value = format_value(indicator.threshold, indicator.figure, lang)
            test = f"{OP_SIGNS[indicator.op]} {value}"
        label = indicator.label[lang] + ("" if indicator.required else t("training.haves.optional", lang))
        rows.append((indicator.have, t(f"have.{indicator.have}", lang), label, test))
    return pd.DataFrame(rows, columns=["have", "have_label", "check", "passes_when"])


def standing(card: Scorecard, lang: str = "zh") -> pd.DataFrame:
    """Per have (and ``all``): label, communities meeting it, communities, and gaps counted."""
    table = card.street_summary(lang)
    gaps = card.gaps(lang).groupby("have").size()
    return table.assign(gaps=gaps.reindex(table.index).fillna(0).astype(int))


def where_to_start(card: Scorecard, lang: str = "zh") -> list[str]:
    """Talking points for "where would you start?": the weakest have, gaps per have, questions."""
    table = standing(card, lang).drop(index="all")
    weakest = table.sort_values(["met", "gaps"], ascending=[True, False]).iloc[0]
    points = [
        t(
            "training.start.weakest",
            lang,
            have=weakest["label"],
            met=weakest["met"],
            communities=weakest["communities"],
        )
    ]
    points += [
        t("training.start.gap_count", lang, have=row.label, count=row.gaps)
        for row in table.itertuples()
        if row.gaps
    ]
    return points + t("training.start.prompts", lang).split(";")


def rule_lines(rules: Rules = RULES, lang: str = "zh") -> list[str]:
    """The rules of the session in five sentences, every number read from ``rules``."""
    return [
        t(
            "training.rules.branch",
            lang,
            own=rules.min_members_own_branch,
            branch_max=rules.branch_max_members,
            committee=rules.committee_min_members,
        ),
        t(
            "training.rules.joint",
            lang,
            own=rules.min_members_own_branch,
            units=rules.joint_branch_max_units,
            members=rules.joint_branch_min_members,
        ),
        t(
            "training.rules.committee",
            lang,
            members=rules.branch_committee_min_members,
            low=rules.branch_committee_min_size,
            high=rules.branch_committee_max_size,
            term=rules.community_term_years,
        ),
        t(
            "training.rules.pipeline",
            lang,
            age=rules.min_applicant_age,
            activist=rules.activist_min_months,
            training=rules.candidate_training_min_days,
            sponsors=rules.sponsors_required,
            probation=rules.probation_months,
        ),
        t(
            "training.rules.cadres",
            lang,
            retirement=rules.retirement_age,
            age_max=rules.cadre_mean_age_max,
            young=rules.min_young_cadres,
            young_age=rules.young_cadre_age,
            reserves=rules.reserves_per_key_post,
        ),
    ]
