"""The one place for every domain number (DESIGN §3).

Each value is a default *parameter*: engines, validation, the audit and the training quiz read it
from here and never write the number themselves. Change a rule with ``dataclasses.replace``::

    rules = replace(RULES, retirement_age=63)

Sources: the Party Constitution (党章), 《中国共产党支部工作条例（试行）》 (2018),
《中国共产党发展党员工作细则》 (2014), the 2012 central document on coverage in non-public
enterprises and social organisations, the 2018 amendment of the law on residents' committees.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rules:
    """Domain rules with their default values; units in the field names or comments."""

    # --- organisation set-up (支部工作条例) ---
    min_members_own_branch: int = 3  # full members a unit needs for its own branch
    branch_max_members: int = 50  # a branch has at most 50; 51–99 → general branch (党总支)
    committee_min_members: int = 100  # ≥ 100 members → grassroots committee (党委)
    joint_branch_max_units: int = 5  # a joint branch covers at most this many units
    joint_branch_min_members: int = 3  # full members a joint branch needs in all
    branch_committee_min_members: int = 7  # ≥ 7 full members → elected branch committee
    branch_committee_min_size: int = 3
    branch_committee_max_size: int = 5
    community_term_years: int = 5  # community branch term, aligned with residents' committee (2018)
    other_term_years: int = 3

    # --- member pipeline (发展党员工作细则), durations in months ---
    min_applicant_age: int = 18
    applicant_talk_within_months: int = 1
    activist_min_months: int = 12  # at least one year as an activist
    activist_review_months: int = 6
    candidate_training_min_days: int = 3  # or 24 class hours
    sponsors_required: int = 2  # full members who sponsor a new member
    approval_within_months: int = 3
    probation_months: int = 12
    probation_extension_min_months: int = 6
    probation_extension_max_months: int = 12
    fastest_path_years: int = 2

    # --- cadres ---
    community_committee_min: int = 5
    community_committee_max: int = 9
    retirement_age: int = 60
    cadre_mean_age_min: int = 35
    cadre_mean_age_max: int = 50
    young_cadre_age: int = 35  # "under 35"
    min_young_cadres: int = 1
    reserves_per_key_post: int = 1
    reserve_min_member_years: int = 2  # years of membership before a reserve can be ready
    reserve_training_years: int = 1  # years of training before a reserve is ready
    workers_per_10k_residents: int = 18

    # --- venues and funds (modern norms) ---
    space_m2_per_100_households: float = 30.0
    community_space_min_m2: float = 300.0
    community_space_max_m2: float = 700.0
    community_funds_min_yuan: float = 150_000.0
    community_funds_max_yuan: float = 200_000.0

    # --- reference coverage (national, 2017) ---
    national_npe_coverage_2017: float = 0.731
    national_social_org_coverage_2017: float = 0.617

    # --- scorecard ---
    no_admission_years: int = 5  # "a branch has admitted no one for N years"

    @property
    def max_probation_months(self) -> int:
        """Probation plus the longest extension allowed (months)."""
        return self.probation_months + self.probation_extension_max_months

    def org_kind_for_size(self, members: int) -> str:
        """The organisation kind a body of ``members`` full members should have."""
        if members >= self.committee_min_members:
            return "committee"
        if members > self.branch_max_members:
            return "general_branch"
        return "branch"


RULES = Rules()
"""The default rules."""
