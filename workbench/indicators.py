"""Today's figures of every community, computed from the ledger (the inputs of the scorecard).

:func:`figures` returns one row per community (index ``community``, the community id) and one
float column per figure of :data:`workbench.figures.FIGURES`, in that order. Yes/no figures are
1.0/0.0. Engines write the same columns for every (run, year), so a rubric scores either alike.

How each figure is derived (``year`` is the ledger year; *sitting cadres* are cadres that are not
reserves; *community branches* are the established organisations located in the community, of kind
branch, general branch or committee, that cover no unit — the community's own Party body; their
members are the community's members):

==============================  ================================================================
figure                          derivation
==============================  ================================================================
has_branch                      1 if the community has a community branch
org_coverage                    share of the community's units named in ``units`` of an
                                established organisation (own or joint)
npe_org_coverage                the same over units of kind non_public_enterprise
social_org_coverage             the same over units of kind social_org
work_coverage                   share of units covered, or reached by an instructor
guidance_committee              ``communities.guidance_committee``
space_m2                        ``communities.space_m2``
space_per_100_households        space_m2 / households × 100
signage, tv, video_player,      the community's yes/no columns
activity_room, study_materials,
service_centre
two_machines_one_room           tv and video_player and activity_room
secretary_below_retirement      1 if there is a sitting secretary and every sitting secretary is
                                younger (year − birth_year) than ``rules.retirement_age``
ready_reserves_per_key_post     reserve cadres marked ready for a key post (schema.KEY_POSTS),
                                divided by the number of key posts
years_since_admission           year − the latest year a member of the community branches joined
cadre_mean_age                  mean age of sitting cadres
cadres_under_35                 sitting cadres younger than ``rules.young_cadre_age``
cadre_share_under_35            cadres_under_35 / sitting cadres
cadre_share_college             share of sitting cadres with education schema.COLLEGE_OR_ABOVE
vacant_posts                    key posts with no sitting holder
full_members                    full members of the community branches
members_admitted                members of the community branches who joined in ``year``
succession_risk                 share of key posts with no ready reserve
funds_total                     sum of schema.FUND_COLUMNS (a blank cell counts as 0)
funds_per_household             funds_total / households
non_street_funds_share          (funds_total − funds_street) / funds_total; 0 when there are no funds
rules_in_place, ledger_kept,    the community's columns
service_projects
activities_per_year             activities counted in ``year`` (or in the table's latest year
                                when ``year`` has none); 0 for a community with none
==============================  ================================================================

Conventions: a coverage over no units is 1.0 (a community with no non-public enterprise meets an
NPE coverage target vacuously); a blank yes/no cell is 0 (no); a figure that cannot be known
(no sitting cadre for a mean age, no member ever admitted, no households) is NaN, and NaN fails
every rubric test.
"""

from __future__ import annotations

import pandas as pd

from . import schema
from .figures import FIGURES
from .ledger import Ledger
from .settings import RULES, Rules

BRANCH_KINDS = ("branch", "general_branch", "committee")
_YES_NO = (
    "guidance_committee",
    "signage",
    "tv",
    "video_player",
    "activity_room",
    "study_materials",
    "service_centre",
    "rules_in_place",
    "ledger_kept",
)


def figures(ledger: Ledger, *, rules: Rules = RULES) -> pd.DataFrame:
    """One row per community id, one float column per figure of ``FIGURES`` (see module doc)."""
    ids = pd.Index(ledger.communities["id"], name="community")
    columns: dict[str, pd.Series] = {}
    for part in (_organisation, _community_columns, _team, _funding, _activities):
        columns.update(part(ledger, ids, rules))
    table = pd.DataFrame({name: columns[name].reindex(ids) for name in FIGURES}, index=ids)
    return table.astype(float)


def _count(keys: pd.Series, ids: pd.Index, mask: pd.Series | None = None) -> pd.Series:
    """How many rows (where ``mask``) each community has; 0 for none."""
    keys = keys if mask is None else keys[mask]
    return keys.value_counts().reindex(ids, fill_value=0).astype(float)


def _yes(column: pd.Series) -> pd.Series:
    return column.fillna(False).astype(bool)


def _community_table(ledger: Ledger, ids: pd.Index) -> pd.DataFrame:
    return ledger.communities.set_index("id").reindex(ids)


def _covered_units(orgs: pd.DataFrame) -> pd.Index:
    """Ids of the units named in the ``units`` cells of established organisations."""
    cells = orgs.loc[orgs["status"] == "established", "units"].dropna()
    refs = cells.str.replace(r"[；,，、]", ";", regex=True).str.split(";").explode().str.strip()
    return pd.Index(refs[refs != ""].unique())


def _community_branches(orgs: pd.DataFrame) -> pd.DataFrame:
    """Established organisations of a branch kind located in a community and covering no unit."""
    no_units = orgs["units"].isna() | (orgs["units"].str.strip() == "")
    mask = (
        (orgs["status"] == "established")
        & orgs["kind"].isin(BRANCH_KINDS)
        & orgs["community"].notna()
        & no_units
    )
    return orgs[mask]


def _organisation(ledger: Ledger, ids: pd.Index, rules: Rules) -> dict[str, pd.Series]:
    units = ledger.units
    covered = units["id"].isin(_covered_units(ledger.party_orgs))
    worked = covered | _yes(units["instructor"])

    def share(reached: pd.Series, kind: str | None = None) -> pd.Series:
        rows = units["kind"] == kind if kind else pd.Series(True, index=units.index)
        total = _count(units["community"], ids, rows)
        hit = _count(units["community"], ids, rows & reached)
        return (hit / total.where(total > 0)).fillna(1.0)  # coverage of no units: met vacuously

    branches = _community_branches(ledger.party_orgs)
    return {
        "has_branch": (_count(branches["community"], ids) > 0).astype(float),
        "org_coverage": share(covered),
        "npe_org_coverage": share(covered, "non_public_enterprise"),
        "social_org_coverage": share(covered, "social_org"),
        "work_coverage": share(worked),
    }


def _community_columns(ledger: Ledger, ids: pd.Index, rules: Rules) -> dict[str, pd.Series]:
    """Figures read (or combined) straight from the communities sheet."""
    c = _community_table(ledger, ids)
    space = c["space_m2"].astype(float)
    households = c["households"].astype(float)
    yes = {name: _yes(c[name]).astype(float) for name in _YES_NO}
    return {
        **yes,
        "space_m2": space,
        "space_per_100_households": space / households.where(households > 0) * 100,
        "two_machines_one_room": yes["tv"] * yes["video_player"] * yes["activity_room"],
        "service_projects": c["service_projects"].astype(float),
    }


def _team(ledger: Ledger, ids: pd.Index, rules: Rules) -> dict[str, pd.Series]:
    year = ledger.year
    cadres = ledger.cadres
    reserve = _yes(cadres["reserve"])
    sitting = cadres[~reserve].assign(age=lambda d: year - d["birth_year"].astype(float))
    by_community = sitting.groupby("community")["age"]
    n_sitting = _count(sitting["community"], ids)
    secretaries = sitting[sitting["post"] == "secretary"].groupby("community")["age"].max()
    key_posts = len(schema.KEY_POSTS)
    ready = cadres[reserve & _yes(cadres["ready"]) & cadres["post"].isin(schema.KEY_POSTS)]
    posts_with_ready = _count(ready.drop_duplicates(["community", "post"])["community"], ids)
    held = sitting[sitting["post"].isin(schema.KEY_POSTS)].drop_duplicates(["community", "post"])
    under_35 = _count(sitting["community"], ids, sitting["age"] < rules.young_cadre_age)
    college = _count(sitting["community"], ids, sitting["education"].isin(schema.COLLEGE_OR_ABOVE))
    per_cadre = n_sitting.where(n_sitting > 0)

    members = ledger.members
    branch_community = _community_branches(ledger.party_orgs).set_index("id")["community"]
    home = members["org"].map(branch_community)
    joined = members["joined"].dt.year
    return {
        "secretary_below_retirement": (secretaries.reindex(ids) < rules.retirement_age).astype(float),
        "ready_reserves_per_key_post": _count(ready["community"], ids) / key_posts,
        "years_since_admission": year - joined.groupby(home).max().reindex(ids).astype(float),
        "cadre_mean_age": by_community.mean().reindex(ids),
        "cadres_under_35": under_35,
        "cadre_share_under_35": under_35 / per_cadre,
        "cadre_share_college": college / per_cadre,
        "vacant_posts": key_posts - _count(held["community"], ids),
        "full_members": _count(home, ids, members["status"] == "full"),
        "members_admitted": _count(home, ids, joined == year),
        "succession_risk": 1 - posts_with_ready / key_posts,
    }


def _funding(ledger: Ledger, ids: pd.Index, rules: Rules) -> dict[str, pd.Series]:
    c = _community_table(ledger, ids)
    funds = c[list(schema.FUND_COLUMNS)].astype(float).fillna(0.0)
    total = funds.sum(axis=1)
    households = c["households"].astype(float)
    non_street = (total - funds["funds_street"]) / total.where(total > 0)
    return {
        "funds_total": total,
        "funds_per_household": total / households.where(households > 0),
        "non_street_funds_share": non_street.fillna(0.0),
    }


def _activities(ledger: Ledger, ids: pd.Index, rules: Rules) -> dict[str, pd.Series]:
    acts = ledger.activities
    years = acts["year"].astype(float)
    year = ledger.year if (years == ledger.year).any() else years.max()  # NaN when there are none
    counts = acts[years == year].groupby("community")["count"].sum().astype(float)
    return {"activities_per_year": counts.reindex(ids, fill_value=0.0)}
