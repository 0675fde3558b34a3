"""The succession engine's layout: the index arrays a ledger fixes, derived once, with no chance.

Organisations are numbered with the community branches first (grouped by community), then the
unit organisations; the ledger's full members are sorted by organisation, so per-organisation and
per-community sums are ``reduceat`` over contiguous blocks. Each organisation gets the people
behind it who may apply: the young employees of the units it covers (a unit no organisation covers
counts for its community's branch) and, for a community's branch, the residents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from ..indicators import BRANCH_KINDS
from ..ledger import Ledger
from ..settings import Rules
from . import pipeline_rules
from .succession_pipeline import MONTHS, STAGES, UNKNOWN

KEY_POSTS = schema.KEY_POSTS


@dataclass(frozen=True)
class Layout:
    """Index arrays derived once from the ledger (no randomness)."""

    start_year: int
    communities: np.ndarray  # ids
    orgs: np.ndarray  # ids; community branches first, grouped by community
    org_community: np.ndarray  # community index per org (-1: none)
    n_branches: int  # the first n_branches orgs are community branches
    branch_starts: np.ndarray  # first branch of each community with one
    branch_communities: np.ndarray  # the communities those are
    community_orgs: np.ndarray  # the established orgs of a community, grouped by community
    community_org_starts: np.ndarray  # the first of each community's group
    community_org_communities: np.ndarray  # those communities
    inflow_young: np.ndarray  # young employees behind each org
    inflow_residents: np.ndarray  # residents behind each org
    drive_share: np.ndarray  # share of the recruitment drive per org
    member_org: np.ndarray  # existing full members, sorted by org
    member_birth: np.ndarray  # year
    member_joined: np.ndarray  # year admitted
    member_starts: np.ndarray  # first member of each org with members
    member_orgs: np.ndarray  # those orgs
    last_admission: np.ndarray  # per org, year of the latest admission (NaN: none)
    admitted: np.ndarray  # per org, admitted in the ledger year
    pipeline: dict[
        str, np.ndarray
    ]  # the ledger's pipeline and probationers: org, stage, served, applied, admitted
    posts: np.ndarray  # (communities, posts) the seat exists
    term_start: np.ndarray  # per community
    cadre_birth: np.ndarray  # (communities, posts) NaN = vacant; key posts first
    reserve_birth: np.ndarray  # (communities, key posts, reserves) NaN = none
    reserve_ready: np.ndarray  # (communities, key posts, reserves) year ready (inf: untrained)

    @property
    def n_branch_members(self) -> int:
        """The existing full members of community branches: the first ones."""
        return int(np.searchsorted(self.member_org, self.n_branches))

    def org_index(self) -> pd.Series:
        """Organisation id → its index."""
        return pd.Series(np.arange(len(self.orgs)), index=self.orgs)

    def community_index(self) -> pd.Series:
        """Community id → its index."""
        return pd.Series(np.arange(len(self.communities)), index=self.communities)

    def to_communities(self, per_org: np.ndarray, ufunc=np.add, empty: float = 0.0) -> np.ndarray:
        """Combine ``(runs, orgs)`` values of the community branches into ``(runs, communities)``
        with ``ufunc``; a community without a branch gets ``empty``."""
        out = np.full((per_org.shape[0], len(self.communities)), empty)
        if self.n_branches:
            out[:, self.branch_communities] = ufunc.reduceat(
                per_org[:, : self.n_branches].astype(float), self.branch_starts, axis=1
            )
        return out


def _starts(sorted_keys: np.ndarray) -> np.ndarray:
    """The first position of each run of equal values in ``sorted_keys``."""
    if not len(sorted_keys):
        return np.array([], dtype=int)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def layout(ledger: Ledger, rules: Rules) -> Layout:
    """The layout of ``ledger``: organisations, inflows, existing members and committee seats."""
    year = ledger.year
    communities = ledger.communities["id"].to_numpy(dtype=object)
    c_index = pd.Series(np.arange(len(communities)), index=communities)
    orgs = ledger.party_orgs[ledger.party_orgs["kind"] != "working_committee"].copy()
    orgs["branch"] = orgs["kind"].isin(BRANCH_KINDS) & orgs["community"].notna() & orgs["units"].isna()
    orgs["branch"] &= orgs["status"] == "established"
    orgs["c"] = orgs["community"].map(c_index).fillna(-1).astype(int)
    orgs = orgs.sort_values(["branch", "c", "id"], ascending=[False, True, True], kind="stable")
    o_index = pd.Series(np.arange(len(orgs)), index=orgs["id"].to_numpy())
    n_branches = int(orgs["branch"].sum())
    branch_c = orgs["c"].to_numpy()[:n_branches]
    branch_starts = _starts(branch_c)

    # units behind each org: covered units to their org, the rest to their community's branch
    units = ledger.units.assign(young=ledger.units["young_employees"].astype(float).fillna(0))
    cover = orgs.loc[orgs["status"] == "established", ["id", "units"]].dropna()
    cover = cover.assign(unit=cover["units"].map(schema.split_refs)).explode("unit")
    unit_org = units["id"].map(cover.drop_duplicates("unit").set_index("unit")["id"])
    first_branch = pd.Series(orgs["id"].to_numpy()[:n_branches][branch_starts], index=branch_c[branch_starts])
    unit_org = unit_org.fillna(units["community"].map(c_index).map(first_branch))
    target = unit_org.map(o_index)
    known = target.notna().to_numpy()
    where = target[known].astype(int).to_numpy()
    young_employees = units["young"].to_numpy()[known]
    young = np.bincount(where, young_employees, minlength=len(orgs))
    npe = (units["kind"] == "non_public_enterprise").to_numpy()[known]
    npe_young = np.bincount(where, young_employees * npe, minlength=len(orgs))
    residents = np.zeros(len(orgs))
    res = ledger.communities["residents"].astype(float).fillna(0).to_numpy()
    residents[branch_starts] = res[branch_c[branch_starts]]
    drive = npe_young if npe_young.sum() > 0 else residents
    drive_share = drive / drive.sum() if drive.sum() > 0 else drive

    members = ledger.members
    full = members[(members["status"] == "full") & members["org"].isin(o_index.index)]
    m_org = full["org"].map(o_index).to_numpy(dtype=int)
    order = np.argsort(m_org, kind="stable")
    m_org = m_org[order]
    m_starts = _starts(m_org)

    sitting = ledger.cadres[~ledger.cadres["reserve"].fillna(False).astype(bool)]
    size = sitting.groupby("community").size().reindex(communities, fill_value=0).to_numpy()
    n_posts = max(int(size.max()) if len(size) else 0, rules.community_committee_min, len(KEY_POSTS))
    seats = np.maximum(size, rules.community_committee_min)
    term = sitting.groupby("community")["term_start"].min().reindex(communities).astype(float)
    admitted = members.assign(o=members["org"].map(o_index)).dropna(subset=["o"])
    admitted = admitted.assign(o=admitted["o"].astype(int), year=admitted["joined"].dt.year)
    per_org = pd.RangeIndex(len(orgs))
    in_community = np.flatnonzero((orgs["c"] >= 0) & (orgs["status"] == "established"))
    community_orgs = in_community[np.argsort(orgs["c"].to_numpy()[in_community], kind="stable")]
    community_org_starts = _starts(orgs["c"].to_numpy()[community_orgs])
    return Layout(
        start_year=year,
        communities=communities,
        orgs=orgs["id"].to_numpy(dtype=object),
        org_community=orgs["c"].to_numpy(),
        n_branches=n_branches,
        branch_starts=branch_starts,
        branch_communities=branch_c[branch_starts],
        community_orgs=community_orgs,
        community_org_starts=community_org_starts,
        community_org_communities=orgs["c"].to_numpy()[community_orgs][community_org_starts],
        inflow_young=young,
        inflow_residents=residents,
        drive_share=drive_share,
        member_org=m_org,
        member_birth=full["birth_year"].to_numpy(dtype=float)[order],
        member_joined=full["joined"].dt.year.to_numpy(dtype=float)[order],
        member_starts=m_starts,
        member_orgs=m_org[m_starts],
        last_admission=admitted.groupby("o")["year"].max().reindex(per_org).to_numpy(dtype=float),
        admitted=admitted[admitted["year"] == year]
        .groupby("o")
        .size()
        .reindex(per_org, fill_value=0)
        .to_numpy(),
        pipeline=_pipeline(ledger, o_index),
        posts=np.arange(n_posts)[None, :] < seats[:, None],
        term_start=term.fillna(year).to_numpy(),
        **_cadres(ledger, c_index, n_posts, rules),
    )


def _month(dates: pd.Series, year: int) -> np.ndarray:
    """Months from the first January after ``year`` to each date (negative before)."""
    return ((dates.dt.year - year - 1) * MONTHS + dates.dt.month - 1).to_numpy(dtype=np.int64)


def _pipeline(ledger: Ledger, o_index: pd.Series) -> dict[str, np.ndarray]:
    """The ledger's pipeline and probationary members: organisation, stage index, whole months
    served in the stage at the year's end, and the months applied and admitted."""
    year = ledger.year
    pipe = ledger.pipeline[ledger.pipeline["org"].isin(o_index.index)]
    since = pipe["applied"].where(pipe["stage"] == "applicant", pipe["activist_since"])
    since = since.where(pipe["stage"] != "candidate", pipe["candidate_since"]).fillna(pipe["applied"])
    members = ledger.members
    prob = members[(members["status"] == "probationary") & members["org"].isin(o_index.index)]
    since = pd.to_datetime(pd.concat([since, prob["joined"]], ignore_index=True))
    n, m = len(pipe), len(prob)
    return {
        "org": pd.concat([pipe["org"], prob["org"]]).map(o_index).to_numpy(dtype=int),
        "stage": np.r_[
            pipe["stage"].map(STAGES.index).to_numpy(dtype=int), np.full(m, STAGES.index("probationary"))
        ],
        "served": pipeline_rules.whole_months(since, pipeline_rules.year_end(year))
        .fillna(0)
        .to_numpy(dtype=int),
        "applied": np.r_[_month(pipe["applied"], year), np.full(m, UNKNOWN)],
        "admitted": np.r_[np.full(n, UNKNOWN), _month(prob["joined"], year)],
    }


def _cadres(ledger: Ledger, c_index: pd.Series, n_posts: int, rules: Rules) -> dict[str, np.ndarray]:
    """The ledger's cadres in their seats (``cadre_birth``) and its reserves by key post."""
    n_comm, keys = len(c_index), len(KEY_POSTS)
    rank_of = {post: i for i, post in enumerate(KEY_POSTS)}
    cadres = ledger.cadres.assign(c=ledger.cadres["community"].map(c_index)).dropna(subset=["c"])
    reserve = cadres["reserve"].fillna(False).astype(bool)
    sitting = cadres[~reserve].assign(rank=lambda d: d["post"].map(rank_of).fillna(keys))
    sitting = sitting.sort_values(["c", "rank"], kind="stable")
    # the first secretary and deputy take the key seats; anyone else sits on the committee
    first_key = (sitting["rank"] < keys) & ~sitting.duplicated(["c", "rank"])
    rest = sitting[~first_key]
    seat = pd.concat([sitting.loc[first_key, "rank"], rest.groupby("c").cumcount() + keys])
    sitting = sitting.assign(seat=seat.reindex(sitting.index))
    sitting = sitting[sitting["seat"] < n_posts]
    birth = np.full((n_comm, n_posts), np.nan, dtype=np.float32)
    birth[sitting["c"].to_numpy(dtype=int), sitting["seat"].to_numpy(dtype=int)] = sitting["birth_year"]

    res = cadres[reserve & cadres["post"].isin(KEY_POSTS)].copy()
    res["k"] = res["post"].map(rank_of)
    res["j"] = res.groupby(["c", "k"]).cumcount()
    n_res = max(rules.reserves_per_key_post, int(res["j"].max()) + 1 if len(res) else 0, 1)
    r_birth = np.full((n_comm, keys, n_res), np.nan, dtype=np.float32)
    r_ready = np.full_like(r_birth, np.inf)
    where = (res["c"].to_numpy(dtype=int), res["k"].to_numpy(dtype=int), res["j"].to_numpy(dtype=int))
    r_birth[where] = res["birth_year"]
    r_ready[where] = np.where(res["ready"].fillna(False).astype(bool), ledger.year, np.inf)
    return {"cadre_birth": birth, "reserve_birth": r_birth, "reserve_ready": r_ready}
