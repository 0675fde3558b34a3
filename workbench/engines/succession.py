"""Cadre succession and the member pipeline (党员发展与干部接班): a vectorised yearly simulation.

**Members.** Every organisation runs the pipeline of :mod:`.pipeline_rules` (applicant → activist
→ candidate → probationary → full member) in quarterly sub-steps. The people in it are flat arrays
(run, organisation, stage, quarters spent in the stage), so minimum and maximum durations hold
exactly. Each quarter every person may drop out (attrition of the stage), then may
move on (a hazard once the minimum is served, certainly at a maximum); a candidate is admitted only
where the organisation has ``rules.sponsors_required`` full members; a probation is extended with
some chance, for a time spread evenly between the shortest and longest extension. New applicants
arrive as a Poisson stream from the units behind the organisation (young employees of the units it
covers; residents and uncovered units for a community's own branch) plus the recruitment drive,
which goes to young employees of non-public enterprises. The ledger's full members are followed one
by one: each run draws a death year (Gompertz mortality at their age) and a move-away year; members
admitted during the projection are counted by years of membership, and leave by moving away.

**Cadres.** Each community has a secretary, a deputy and committee seats (at least
``rules.community_committee_min``), with a birth year each. Every year a cadre leaves at
``rules.retirement_age`` or by chance; at the 5-yearly election (``rules.community_term_years`` from
the term start) some are not re-elected and empty committee seats are filled by election. A vacant
key post goes to a ready reserve of that post, else to an outside appointee (选派, a yearly budget
across the ledger, secretaries first), else stays vacant. Reserves are named among the community's
members of ``rules.reserve_min_member_years`` standing who are willing (the young seldom are), and
become ready ``rules.reserve_training_years`` after starting training.

Public API: :class:`SuccessionLevers`, :class:`SuccessionAssumptions`, :func:`init_state`,
:func:`step`, :func:`figures`, :func:`simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from .. import results, schema
from ..indicators import BRANCH_KINDS
from ..ledger import Ledger
from ..settings import RULES, Rules
from . import pipeline_rules

STEPS_PER_YEAR = 4
STEP_MONTHS = 12 // STEPS_PER_YEAR
KEY_POSTS = schema.KEY_POSTS
STAGES = ("applicant", "activist", "candidate", "probationary", "extended")
_CANDIDATE, _PROBATIONARY, _EXTENDED = (STAGES.index(name) for name in STAGES[2:])
FIGURES = (
    "cadre_mean_age",
    "cadre_share_under_35",
    "cadres_under_35",
    "ready_reserves_per_key_post",
    "vacant_posts",
    "secretary_below_retirement",
    "succession_risk",
    "full_members",
    "members_admitted",
    "years_since_admission",
    "stale_branches",
)
"""The indicators :func:`simulate` writes; ``stale_branches`` counts the community's organisations
that admitted nobody for ``rules.no_admission_years`` or more."""

Range = tuple[float, float]


@dataclass(frozen=True)
class SuccessionLevers:
    """What the street can do. Counts are a year, across the whole ledger."""

    recruitment_drive: int = 0  # extra applicants, among under-35s in non-public enterprises
    training_slots: int = 0  # extra places to train reserve cadres
    reserves_per_post: int | None = None  # reserves to name per key post (None: the rule)
    outside_appointments: int = 0  # cadres appointed from outside (选派) to vacant key posts
    retirement_age: int | None = None  # None: the rule

    def rules_for(self, rules: Rules) -> Rules:
        """``rules`` with this scenario's retirement age and reserves per post."""
        return replace(
            rules,
            retirement_age=self.retirement_age or rules.retirement_age,
            reserves_per_key_post=rules.reserves_per_key_post
            if self.reserves_per_post is None
            else self.reserves_per_post,
        )


@dataclass(frozen=True)
class SuccessionAssumptions:
    """Uncertain assumptions, each a ``(low, high)`` range drawn uniformly once per run.

    ``(x, x)`` fixes a value. Rates and shares are a year; ages in years; durations in months.
    """

    applicants_per_1000_young: Range = (2.0, 6.0)  # of young employees behind an organisation
    applicants_per_1000_residents: Range = (0.15, 0.5)  # for a community's own branch
    applicant_months: Range = (3.0, 6.0)  # mean time before an applicant becomes an activist
    activist_extra_months: Range = (3.0, 12.0)  # mean time as activist beyond the minimum
    candidate_months: Range = (3.0, 6.0)  # mean time as development candidate
    extension_share: Range = (0.02, 0.08)  # probations extended
    attrition_applicant: Range = (0.3, 0.5)
    attrition_activist: Range = (0.08, 0.2)
    attrition_candidate: Range = (0.02, 0.08)
    attrition_probationary: Range = (0.0, 0.03)
    move_away_young: Range = (0.03, 0.08)  # members under rules.young_cadre_age
    move_away_older: Range = (0.005, 0.015)
    mortality_at_60: Range = (0.007, 0.011)  # Gompertz: yearly death rate at 60 …
    mortality_doubling_years: Range = (7.5, 8.5)  # … doubling every so many years of age
    new_member_age: Range = (24.0, 30.0)  # age on becoming a full member
    willing_young: Range = (0.005, 0.03)  # chance an eligible young member agrees to serve
    willing_older: Range = (0.01, 0.04)
    reserve_training_rate: Range = (0.3, 0.6)  # untrained reserves who start training
    reserve_dropout: Range = (0.05, 0.15)
    cadre_exit: Range = (0.02, 0.05)  # resign, move or die in office
    election_turnover: Range = (0.1, 0.3)  # sitting cadres not re-elected
    appointee_age: Range = (28.0, 40.0)  # outside appointees, uniform

    def sample(self, rng: np.random.Generator, runs: int) -> dict[str, np.ndarray]:
        """One value per run of every assumption."""
        return {f.name: rng.uniform(*getattr(self, f.name), size=runs) for f in fields(self)}


def _per_step(annual: np.ndarray) -> np.ndarray:
    """The chance per quarter-step of an event with the given chance per year."""
    return 1 - (1 - annual) ** (1 / STEPS_PER_YEAR)


def _hazard(mean_months: np.ndarray) -> np.ndarray:
    """Chance per step of leaving a stage whose (geometric) stay has the given mean in months."""
    with np.errstate(divide="ignore"):
        return 1 - np.exp(-STEP_MONTHS / np.asarray(mean_months, dtype=float))


# --- the layout: what the ledger fixes ---------------------------------------------------------


@dataclass(frozen=True)
class Slots:
    """Each stage's tenure slots (quarters spent, the last of an open stage holding everyone who has
    served longer), and what each slot allows."""

    start: dict[str, int]
    size: dict[str, int]
    stage: np.ndarray  # stage index per slot
    tenure: np.ndarray  # quarters already spent in the stage
    eligible: np.ndarray  # may move on at the end of this step
    forced: np.ndarray  # must move on at the end of this step
    open: np.ndarray  # the last slot of a stage with no maximum (people stay there)

    @classmethod
    def of(cls, rules: Rules) -> Slots:
        start, size, stage, tenure, eligible, forced, open_ = {}, {}, [], [], [], [], []
        for index, rule in enumerate(pipeline_rules.stages(rules)):
            low, high = rule.steps(STEP_MONTHS)
            n = high or low
            start[rule.name], size[rule.name] = len(stage), n
            for k in range(n):
                stage.append(index)
                tenure.append(k)
                eligible.append(k >= low - 1)
                forced.append(high is not None and k == high - 1)
                open_.append(high is None and k == n - 1)
        arrays = (np.array(a) for a in (stage, tenure, eligible, forced, open_))
        return cls(start, size, *arrays)

    @property
    def n(self) -> int:
        return len(self.stage)

    @property
    def first(self) -> np.ndarray:
        """The first slot of each stage (indexed by stage)."""
        return np.array([self.start[name] for name in STAGES])

    @property
    def last(self) -> np.ndarray:
        """The last tenure each stage's slots distinguish (indexed by stage)."""
        return np.array([self.size[name] - 1 for name in STAGES])

    def span(self, name: str) -> slice:
        return slice(self.start[name], self.start[name] + self.size[name])


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
    established: np.ndarray  # per org
    inflow_young: np.ndarray  # young employees behind each org
    inflow_residents: np.ndarray  # residents behind each org
    drive_share: np.ndarray  # share of the recruitment drive per org
    member_org: np.ndarray  # existing full members, sorted by org
    member_birth: np.ndarray
    member_joined: np.ndarray  # year
    member_starts: np.ndarray  # first member of each org with members
    member_orgs: np.ndarray  # those orgs
    posts: np.ndarray  # (communities, posts) the seat exists
    term_start: np.ndarray  # per community
    slots: Slots


def _layout(ledger: Ledger, rules: Rules) -> Layout:
    year = ledger.year
    communities = ledger.communities["id"].to_numpy(dtype=object)
    c_index = pd.Series(np.arange(len(communities)), index=communities)
    orgs = ledger.party_orgs[ledger.party_orgs["kind"] != "working_committee"].copy()
    no_units = orgs["units"].isna()
    orgs["branch"] = orgs["kind"].isin(BRANCH_KINDS) & orgs["community"].notna() & no_units
    orgs["branch"] &= orgs["status"] == "established"
    orgs["c"] = orgs["community"].map(c_index).fillna(-1).astype(int)
    orgs = orgs.sort_values(["branch", "c", "id"], ascending=[False, True, True], kind="stable")
    o_index = pd.Series(np.arange(len(orgs)), index=orgs["id"].to_numpy())
    n_branches = int(orgs["branch"].sum())
    branch_c = orgs["c"].to_numpy()[:n_branches]
    branch_starts = (
        np.flatnonzero(np.r_[True, branch_c[1:] != branch_c[:-1]]) if n_branches else np.array([], int)
    )

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
    young = np.bincount(where, units["young"].to_numpy()[known], minlength=len(orgs))
    npe = (units["kind"] == "non_public_enterprise").to_numpy()[known]
    npe_young = np.bincount(where, (units["young"].to_numpy()[known]) * npe, minlength=len(orgs))
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
    m_starts = np.flatnonzero(np.r_[True, m_org[1:] != m_org[:-1]]) if len(m_org) else np.array([], int)

    cadres = ledger.cadres
    sitting = cadres[~cadres["reserve"].fillna(False).astype(bool)]
    size = sitting.groupby("community").size().reindex(communities, fill_value=0).to_numpy()
    n_posts = max(int(size.max()) if len(size) else 0, rules.community_committee_min, len(KEY_POSTS))
    seats = np.maximum(size, rules.community_committee_min)
    posts = np.arange(n_posts)[None, :] < seats[:, None]
    term = sitting.groupby("community")["term_start"].min().reindex(communities).astype(float)
    return Layout(
        start_year=year,
        communities=communities,
        orgs=orgs["id"].to_numpy(dtype=object),
        org_community=orgs["c"].to_numpy(),
        n_branches=n_branches,
        branch_starts=branch_starts,
        branch_communities=branch_c[branch_starts],
        established=(orgs["status"] == "established").to_numpy(),
        inflow_young=young,
        inflow_residents=residents,
        drive_share=drive_share,
        member_org=m_org,
        member_birth=full["birth_year"].to_numpy(dtype=float)[order],
        member_joined=full["joined"].dt.year.to_numpy(dtype=float)[order],
        member_starts=m_starts,
        member_orgs=m_org[m_starts],
        posts=posts,
        term_start=term.fillna(year).to_numpy(),
        slots=Slots.of(rules),
    )


# --- the state -----------------------------------------------------------------------------------


class _Rows:
    """Flat arrays of equal length, one entry per person and run."""

    def select(self, mask: np.ndarray):
        return type(self)(*(getattr(self, f.name)[mask] for f in fields(self)))

    def join(self, other):
        return type(self)(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self))
        )

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))


@dataclass
class People(_Rows):
    """The people in the pipeline."""

    run: np.ndarray  # int32
    org: np.ndarray  # int32
    stage: np.ndarray  # int8, index into STAGES
    tenure: np.ndarray  # int16, quarters already spent in the stage

    @classmethod
    def new(cls, run, org, stage, tenure) -> People:
        types = (np.int32, np.int32, np.int8, np.int16)
        return cls(*(np.asarray(a).astype(t) for a, t in zip((run, org, stage, tenure), types, strict=True)))


@dataclass
class Joiners(_Rows):
    """Full members admitted during the projection."""

    run: np.ndarray  # int32
    org: np.ndarray  # int32
    birth: np.ndarray  # float32, year
    joined: np.ndarray  # int16, year admitted (probationary)
    leaves: np.ndarray  # int16, year they leave (death or move)


@dataclass
class SuccessionState:
    """Everything that changes, as arrays with runs first. :func:`step` advances it in place."""

    layout: Layout
    rules: Rules
    year: int
    runs: int
    p: dict[str, np.ndarray]  # sampled assumptions, one value per run
    people: People  # the pipeline
    joiners: Joiners  # full members admitted in the projection, still here
    full: np.ndarray  # (runs, orgs) full members
    exit_offset: np.ndarray  # (runs, ledger full members) years after the start when each leaves
    admitted: np.ndarray  # (runs, orgs) admitted (became probationary) this year
    last_admission: np.ndarray  # (runs, orgs) year of the latest admission (NaN: none known)
    cadre_birth: np.ndarray  # (runs, communities, posts) NaN = vacant
    reserve_birth: np.ndarray  # (runs, communities, key posts, reserves) NaN = none
    reserve_ready: np.ndarray  # (runs, communities, key posts, reserves) year ready (inf: untrained)

    def per_org(self, run: np.ndarray, org: np.ndarray, weights=None) -> np.ndarray:
        """Count (or sum ``weights``) per ``(run, org)``."""
        n_orgs = len(self.layout.orgs)
        keys = run.astype(np.int64) * n_orgs + org
        return np.bincount(keys, weights, minlength=self.runs * n_orgs).reshape(self.runs, n_orgs)

    def stage_counts(self) -> dict[str, np.ndarray]:
        """People in each pipeline stage, ``(runs, orgs)``, plus ``full`` members."""
        people = self.people
        out = {}
        for i, name in enumerate(STAGES):
            mask = people.stage == i
            out[name] = self.per_org(people.run[mask], people.org[mask])
        out["full"] = self.full.copy()
        return out


MORTALITY_REFERENCE_AGE = 60
"""The age at which ``SuccessionAssumptions.mortality_at_60`` holds."""


def _mortality(age: np.ndarray, p: dict[str, np.ndarray]) -> np.ndarray:
    """The yearly death hazard at ``age`` (Gompertz), for ages and assumptions that broadcast."""
    return p["mortality_at_60"] * np.exp2((age - MORTALITY_REFERENCE_AGE) / p["mortality_doubling_years"])


def _years_to_leave(
    rng: np.random.Generator, hazard: np.ndarray, age: np.ndarray, p: dict[str, np.ndarray], rules: Rules
) -> np.ndarray:
    """Whole years (≥ 1) until each person leaves: by death, the Gompertz ``hazard`` of their age
    growing with each year, or by moving away, at the young rate while under
    ``rules.young_cadre_age`` and the older rate after. ``hazard`` has one value per person;
    ``age`` and the assumptions ``p`` broadcast to it."""
    shape = hazard.shape
    ratio = np.exp2(1 / p["mortality_doubling_years"])
    death = rng.standard_exponential(shape, dtype=np.float32)
    death *= (ratio - 1) / hazard
    np.log1p(death, out=death)
    death *= 1 / np.log(ratio)
    young_left = np.maximum(rules.young_cadre_age - age, 0)
    with np.errstate(divide="ignore"):
        first = np.floor(
            rng.standard_exponential(shape, dtype=np.float32) * (-1 / np.log1p(-p["move_away_young"]))
        )
        later = rng.standard_exponential(shape, dtype=np.float32) * (-1 / np.log1p(-p["move_away_older"]))
    later = np.floor(later, out=later) + young_left
    move = np.where(first < young_left, first, later)
    np.minimum(np.floor(death, out=death), move, out=death)
    return np.minimum(death + 1, np.iinfo(np.int16).max).astype(np.int16)


def _member_params(p: dict[str, np.ndarray], run: np.ndarray | slice) -> dict[str, np.ndarray]:
    names = ("mortality_at_60", "mortality_doubling_years", "move_away_young", "move_away_older")
    return {name: p[name].astype(np.float32)[run] for name in names}


def init_state(
    ledger: Ledger,
    *,
    runs: int,
    rng: np.random.Generator,
    rules: Rules = RULES,
    assumptions: SuccessionAssumptions | None = None,
) -> SuccessionState:
    """The state at the end of the ledger year, with each run's assumptions and fates drawn."""
    lay = _layout(ledger, rules)
    p = (assumptions or SuccessionAssumptions()).sample(rng, runs)
    n_orgs, n_comm = len(lay.orgs), len(lay.communities)
    o_index = pd.Series(np.arange(n_orgs), index=lay.orgs)
    end = pipeline_rules.year_end(lay.start_year)

    # the ledger's pipeline and probationary members, placed by quarters already spent
    slots = lay.slots
    pipe = ledger.pipeline[ledger.pipeline["org"].isin(o_index.index)]
    since = pipe["applied"].where(pipe["stage"] == "applicant", pipe["activist_since"])
    since = since.where(pipe["stage"] != "candidate", pipe["candidate_since"]).fillna(pipe["applied"])
    prob = ledger.members[
        (ledger.members["status"] == "probationary") & ledger.members["org"].isin(o_index.index)
    ]
    people = pd.DataFrame(
        {
            "org": pd.concat([pipe["org"], prob["org"]]).map(o_index).to_numpy(),
            "stage": np.r_[pipe["stage"].to_numpy(dtype=object), ["probationary"] * len(prob)],
            "since": pd.concat([since, prob["joined"]]).to_numpy(),
        }
    )
    quarters = (pipeline_rules.whole_months(pd.to_datetime(people["since"]), end) // STEP_MONTHS).fillna(0)
    span = people["stage"].map(slots.size).to_numpy()
    tenure = np.clip(quarters.to_numpy(dtype=int), 0, span - 1)
    stage = people["stage"].map({name: i for i, name in enumerate(STAGES)}).to_numpy()
    n0 = len(people)
    pipeline = People.new(
        np.repeat(np.arange(runs), n0),
        np.tile(people["org"].to_numpy(dtype=int), runs),
        np.tile(stage, runs),
        np.tile(tenure, runs),
    )

    # the ledger's full members: when each leaves (death or move), per run
    age = (lay.start_year - lay.member_birth).astype(np.float32)
    ages, which = np.unique(age, return_inverse=True)
    params = _member_params(p, (slice(None), None))
    hazard = _mortality(ages[None, :], params)[:, which]  # the power once per distinct age
    exit_offset = _years_to_leave(rng, hazard, age[None, :], params, rules)

    existing = np.bincount(lay.member_org, minlength=n_orgs)
    joined = ledger.members.assign(o=ledger.members["org"].map(o_index)).dropna(subset=["o"])
    last = joined.groupby("o")["joined"].max().dt.year.reindex(np.arange(n_orgs)).to_numpy(dtype=float)
    admitted = joined[joined["joined"].dt.year == lay.start_year].groupby("o").size()
    admitted = admitted.reindex(np.arange(n_orgs), fill_value=0).to_numpy()

    # cadres: sitting ones in their seats, reserves by key post
    cadres = ledger.cadres.assign(
        c=ledger.cadres["community"].map(pd.Series(np.arange(n_comm), index=lay.communities))
    )
    cadres = cadres.dropna(subset=["c"])
    reserve = cadres["reserve"].fillna(False).astype(bool)
    sitting = cadres[~reserve].copy()
    sitting["rank"] = sitting["post"].map({p_: i for i, p_ in enumerate(KEY_POSTS)}).fillna(len(KEY_POSTS))
    sitting = sitting.sort_values(["c", "rank"], kind="stable")
    sitting["seat"] = sitting.groupby("c").cumcount()
    key_taken = sitting["rank"] < len(KEY_POSTS)
    # a second secretary or deputy sits on the committee; key seats are the first ones
    first_key = key_taken & ~sitting.duplicated(["c", "rank"])
    sitting.loc[first_key, "seat"] = sitting.loc[first_key, "rank"]
    others = ~first_key
    birth = np.full((n_comm, lay.posts.shape[1]), np.nan, dtype=np.float32)
    c_first = sitting.loc[first_key, "c"].to_numpy(dtype=int)
    birth[c_first, sitting.loc[first_key, "seat"].to_numpy(dtype=int)] = sitting.loc[first_key, "birth_year"]
    rest = sitting[others].copy()
    rest["seat"] = rest.groupby("c").cumcount() + len(KEY_POSTS)
    rest = rest[rest["seat"] < lay.posts.shape[1]]
    birth[rest["c"].to_numpy(dtype=int), rest["seat"].to_numpy(dtype=int)] = rest["birth_year"]

    res = cadres[reserve & cadres["post"].isin(KEY_POSTS)].copy()
    res["k"] = res["post"].map({p_: i for i, p_ in enumerate(KEY_POSTS)})
    res["j"] = res.groupby(["c", "k"]).cumcount()
    n_res = max(rules.reserves_per_key_post, int(res["j"].max()) + 1 if len(res) else 0, 1)
    r_birth = np.full((n_comm, len(KEY_POSTS), n_res), np.nan, dtype=np.float32)
    r_ready = np.full_like(r_birth, np.inf)
    where = (res["c"].to_numpy(dtype=int), res["k"].to_numpy(dtype=int), res["j"].to_numpy(dtype=int))
    r_birth[where] = res["birth_year"]
    r_ready[where] = np.where(res["ready"].fillna(False).astype(bool), lay.start_year, np.inf)

    def per_run(a: np.ndarray) -> np.ndarray:
        return np.repeat(a[None], runs, axis=0)

    return SuccessionState(
        layout=lay,
        rules=rules,
        year=lay.start_year,
        p=p,
        runs=runs,
        people=pipeline,
        joiners=Joiners(*(np.zeros(0, t) for t in (np.int32, np.int32, np.float32, np.int16, np.int16))),
        full=per_run(existing.astype(np.int32)),
        exit_offset=exit_offset,
        admitted=per_run(admitted.astype(np.int32)),
        last_admission=per_run(last),
        cadre_birth=per_run(birth),
        reserve_birth=per_run(r_birth),
        reserve_ready=per_run(r_ready),
    )


# --- one year ------------------------------------------------------------------------------------


def step(
    state: SuccessionState, levers: SuccessionLevers = SuccessionLevers(), *, rng: np.random.Generator
) -> SuccessionState:
    """Advance ``state`` by one year (four pipeline quarters, then members and cadres), in place."""
    rules = levers.rules_for(state.rules)
    state.year += 1
    lay, p = state.layout, state.p
    leaving = np.nonzero(state.exit_offset == state.year - lay.start_year)
    state.full -= state.per_org(leaving[0], lay.member_org[leaving[1]]).astype(np.int32)
    gone = state.joiners.leaves == state.year
    state.full -= state.per_org(state.joiners.run[gone], state.joiners.org[gone]).astype(np.int32)
    state.joiners = state.joiners.select(~gone)
    full = state.full.copy()
    state.admitted[:] = 0

    rate = p["applicants_per_1000_young"][:, None] * lay.inflow_young[None, :] / 1000
    rate = rate + p["applicants_per_1000_residents"][:, None] * lay.inflow_residents[None, :] / 1000
    rate = rate + levers.recruitment_drive * lay.drive_share[None, :]
    key = np.repeat(np.arange(rate.size), rng.poisson(rate).ravel())
    quarter = rng.integers(0, STEPS_PER_YEAR, size=len(key))
    drop, move = _stage_chances(lay.slots, p)
    for q in range(STEPS_PER_YEAR):
        mine = key[quarter == q]
        arrivals = People.new(
            mine // len(lay.orgs), mine % len(lay.orgs), np.zeros(len(mine)), np.zeros(len(mine))
        )
        full += _quarter(state, arrivals, pipeline_rules.can_sponsor(full, rules), drop, move, rules, rng)
    _cadres_year(state, levers, rules, rng)
    return state


def _stage_chances(slots: Slots, p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Per run and slot ``(runs, slots)``: the chance to drop out, and to move on if still there."""
    attrition = {
        "applicant": p["attrition_applicant"],
        "activist": p["attrition_activist"],
        "candidate": p["attrition_candidate"],
        "probationary": p["attrition_probationary"],
        "extended": p["attrition_probationary"],
    }
    hazard = {
        "applicant": _hazard(p["applicant_months"]),
        "activist": _hazard(p["activist_extra_months"]),
        "candidate": _hazard(p["candidate_months"]),
    }
    runs = len(p["attrition_applicant"])
    drop = np.stack([_per_step(attrition[STAGES[s]]) for s in slots.stage], axis=1)
    move = np.zeros((runs, slots.n))
    for j, (s, k) in enumerate(zip(slots.stage, slots.tenure, strict=True)):
        name = STAGES[s]
        if slots.forced[j]:
            move[:, j] = 1.0
        elif slots.eligible[j] and name in hazard:
            move[:, j] = hazard[name]
        elif slots.eligible[j]:  # a bounded stage: the exit is spread evenly up to its maximum
            move[:, j] = 1.0 / (slots.size[name] - k)
    return drop, move


def _run(values: np.ndarray, ndim: int) -> np.ndarray:
    """Per-run ``values`` shaped to broadcast over an array of ``ndim`` dimensions, runs first."""
    return values.reshape((-1,) + (1,) * (ndim - 1))


def _quarter(
    state: SuccessionState,
    arrivals: People,
    can_admit: np.ndarray,
    drop: np.ndarray,
    move: np.ndarray,
    rules: Rules,
    rng: np.random.Generator,
) -> np.ndarray:
    """One quarter of the pipeline, arrivals joining at its end; returns the new full members per
    ``(run, org)``."""
    slots, people, runs, n_orgs = state.layout.slots, state.people, state.runs, len(state.layout.orgs)
    stage = people.stage
    slot = slots.first[stage] + np.minimum(people.tenure, slots.last[stage])
    flat = people.run * slots.n + slot
    u = rng.random(len(stage))
    d = drop.ravel()[flat]
    dropped = u < d
    go = ~dropped & (u < d + (1 - d) * move.ravel()[flat])
    org_key = people.run.astype(np.int64) * n_orgs + people.org
    go &= (stage != _CANDIDATE) | can_admit.ravel()[org_key]
    done = go & (stage == _PROBATIONARY)
    extended = np.zeros_like(done)
    extended[done] = rng.random(int(done.sum())) < state.p["extension_share"][people.run[done]]
    full = (done & ~extended) | (go & (stage == _EXTENDED))
    admitted = np.bincount(org_key[go & (stage == _CANDIDATE)], minlength=runs * n_orgs).reshape(runs, n_orgs)
    gained = np.bincount(org_key[full], minlength=runs * n_orgs).reshape(runs, n_orgs).astype(np.int32)

    run = people.run[full]
    age = state.p["new_member_age"].astype(np.float32)[run]
    params = _member_params(state.p, run)
    years = _years_to_leave(rng, _mortality(age, params), age, params, rules)
    joined = np.full(len(run), state.year - round(rules.probation_months / 12), np.int16)
    new = Joiners(run, people.org[full], state.year - age, joined, (state.year + years).astype(np.int16))
    state.joiners = state.joiners.join(new)
    people.stage = stage + go.astype(np.int8)
    people.tenure = np.where(go, 0, people.tenure + 1).astype(np.int16)
    state.people = people.select(~dropped & ~full).join(arrivals)
    state.admitted += admitted.astype(np.int32)
    state.last_admission[admitted > 0] = state.year
    state.full += gained
    return gained


def _uniform_ages(rng: np.random.Generator, young: np.ndarray, rules: Rules) -> np.ndarray:
    """Ages of new cadres or reserves: in the young band where ``young``, else the older band."""
    low_young = rules.min_applicant_age + rules.reserve_min_member_years
    low = np.where(young, low_young, rules.young_cadre_age)
    high = np.where(young, rules.young_cadre_age, rules.retirement_age - rules.community_term_years)
    return low + (high - low) * rng.random(young.shape)


def _pools(state: SuccessionState, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Members of each community's own branch who could be named reserves: ``(young, older)``,
    each ``(runs, communities)``. They need ``rules.reserve_min_member_years`` of membership and
    to be young enough to serve a full term."""
    lay, year = state.layout, state.year
    oldest = rules.retirement_age - rules.community_term_years

    def classes(birth, joined):
        standing = joined + rules.reserve_min_member_years <= year
        young = standing & (year - birth < rules.young_cadre_age)
        return young, standing & ~young & (year - birth < oldest)

    n = int(np.searchsorted(lay.member_org, lay.n_branches))
    alive = state.exit_offset[:, :n] > year - lay.start_year
    j = state.joiners
    mine = j.org < lay.n_branches
    pools = []
    for existing, joining in zip(
        classes(lay.member_birth[:n], lay.member_joined[:n]), classes(j.birth, j.joined), strict=True
    ):
        per_org = state.per_org(j.run[mine & joining], j.org[mine & joining])[:, : lay.n_branches].astype(
            float
        )
        if n:
            starts = np.flatnonzero(np.r_[True, lay.member_org[1:n] != lay.member_org[: n - 1]])
            per_org[:, lay.member_org[starts]] += np.add.reduceat(
                alive & existing, starts, axis=1, dtype=np.int32
            )
        pools.append(_to_communities(state, per_org, np.add))
    return pools[0], pools[1]


def _to_communities(state: SuccessionState, per_branch: np.ndarray, ufunc, empty: float = 0.0) -> np.ndarray:
    """Combine ``(runs, community branches)`` values into ``(runs, communities)`` with ``ufunc``."""
    lay = state.layout
    out = np.full((per_branch.shape[0], len(lay.communities)), empty)
    if lay.n_branches:
        out[:, lay.branch_communities] = ufunc.reduceat(
            per_branch[:, : lay.n_branches], lay.branch_starts, axis=1
        )
    return out


def _cadres_year(
    state: SuccessionState, levers: SuccessionLevers, rules: Rules, rng: np.random.Generator
) -> None:
    lay, p, year = state.layout, state.p, state.year
    runs, keys = state.runs, len(KEY_POSTS)
    _ensure_reserve_capacity(state, rules.reserves_per_key_post)

    # reserves drop out, or grow too old to serve a full term
    rb, rr = state.reserve_birth, state.reserve_ready
    gone = (rng.random(rb.shape) < _run(p["reserve_dropout"], 4)) | (
        year - rb >= rules.retirement_age - rules.community_term_years
    )
    rb[gone] = np.nan
    rr[gone] = np.inf

    # sitting cadres retire, leave, or are not re-elected
    cb = state.cadre_birth
    election = ((year - lay.term_start) % rules.community_term_years == 0)[None, :, None]
    leave = rng.random(cb.shape) < _run(p["cadre_exit"], 3)
    leave |= election & (rng.random(cb.shape) < _run(p["election_turnover"], 3))
    cb[(year - cb >= rules.retirement_age) | leave] = np.nan

    # key posts: a ready reserve of the post, else an outside appointee, else vacant
    ready = ~np.isnan(rb) & (rr <= year)
    first = ready.argmax(-1)
    take = np.isnan(cb[..., :keys]) & ready.any(-1) & lay.posts[None, :, :keys]
    r_idx, c_idx, k_idx = np.nonzero(take)
    j_idx = first[take]
    cb[r_idx, c_idx, k_idx] = rb[r_idx, c_idx, k_idx, j_idx]
    rb[r_idx, c_idx, k_idx, j_idx] = np.nan
    rr[r_idx, c_idx, k_idx, j_idx] = np.inf
    if levers.outside_appointments:
        vacant = (np.isnan(cb[..., :keys]) & lay.posts[None, :, :keys]).transpose(0, 2, 1).reshape(runs, -1)
        chosen = vacant & (np.cumsum(vacant, axis=1) <= levers.outside_appointments)
        chosen = chosen.reshape(runs, keys, -1).transpose(0, 2, 1)
        cb[..., :keys][chosen] = np.broadcast_to(_run(year - p["appointee_age"], 3), chosen.shape)[chosen]

    # reserves are named among willing members of standing
    young_pool, older_pool = _pools(state, rules)
    wy, wo = p["willing_young"][:, None] * young_pool, p["willing_older"][:, None] * older_pool
    fill = (
        1 - (1 - p["willing_young"][:, None]) ** young_pool * (1 - p["willing_older"][:, None]) ** older_pool
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        young_share = np.where(wy + wo > 0, wy / (wy + wo), 0.0)
    open_ = np.isnan(rb) & (np.arange(rb.shape[-1]) < rules.reserves_per_key_post)
    named = open_ & (rng.random(rb.shape) < fill[..., None, None])
    young = rng.random(rb.shape) < young_share[..., None, None]
    rb[named] = (year - _uniform_ages(rng, young, rules))[named]

    # committee seats are filled at elections
    seats = np.isnan(cb) & lay.posts[None] & election & (np.arange(cb.shape[-1]) >= keys)
    young = rng.random(cb.shape) < young_share[..., None]
    cb[seats] = (year - _uniform_ages(rng, young, rules))[seats]

    # untrained reserves start training; the extra slots go to those left, secretaries first
    untrained = ~np.isnan(rb) & np.isinf(rr)
    start = untrained & (rng.random(rb.shape) < _run(p["reserve_training_rate"], 4))
    if levers.training_slots:
        rest = (untrained & ~start).transpose(0, 2, 1, 3).reshape(runs, -1)
        extra = rest & (np.cumsum(rest, axis=1) <= levers.training_slots)
        start |= extra.reshape(runs, keys, -1, rb.shape[-1]).transpose(0, 2, 1, 3)
    rr[start] = year + rules.reserve_training_years


def _ensure_reserve_capacity(state: SuccessionState, wanted: int) -> None:
    """Widen the reserve arrays when a lever asks for more reserves per post than they hold."""
    extra = wanted - state.reserve_birth.shape[-1]
    if extra > 0:
        pad = ((0, 0), (0, 0), (0, 0), (0, extra))
        state.reserve_birth = np.pad(state.reserve_birth, pad, constant_values=np.nan)
        state.reserve_ready = np.pad(state.reserve_ready, pad, constant_values=np.inf)


# --- figures and the projection ------------------------------------------------------------------


def figures(state: SuccessionState, *, retirement_age: int | None = None) -> dict[str, np.ndarray]:
    """This year's figures (:data:`FIGURES`), each ``(runs, communities)``."""
    lay, year, rules = state.layout, state.year, state.rules
    retirement_age = retirement_age or rules.retirement_age
    keys = len(KEY_POSTS)
    age = year - state.cadre_birth.astype(float)
    sitting = ~np.isnan(age)
    n_sitting = sitting.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_age = np.where(n_sitting > 0, np.nansum(age, -1) / n_sitting, np.nan)
        under_35 = (age < rules.young_cadre_age).sum(-1)
        share = np.where(n_sitting > 0, under_35 / n_sitting, np.nan)
    ready = (~np.isnan(state.reserve_birth) & (state.reserve_ready <= year)).sum(-1)
    secretary = age[..., 0]
    full = state.full.astype(float)
    last = state.last_admission
    stale = (lay.established & (lay.org_community >= 0))[None] & ~(year - last < rules.no_admission_years)
    has = lay.org_community >= 0
    key = np.arange(state.runs)[:, None] * len(lay.communities) + lay.org_community[None, has]
    stale_per_community = np.bincount(
        key.ravel(), stale[:, has].ravel(), minlength=state.runs * len(lay.communities)
    )
    return {
        "cadre_mean_age": mean_age,
        "cadre_share_under_35": share,
        "cadres_under_35": under_35.astype(float),
        "ready_reserves_per_key_post": ready.sum(-1) / keys,
        "vacant_posts": (~sitting[..., :keys] & lay.posts[None, :, :keys]).sum(-1).astype(float),
        "secretary_below_retirement": (secretary < retirement_age).astype(float),
        "succession_risk": (ready == 0).mean(-1),
        "full_members": _to_communities(state, full, np.add),
        "members_admitted": _to_communities(state, state.admitted.astype(float), np.add),
        "years_since_admission": year - _to_communities(state, last, np.fmax, np.nan),
        "stale_branches": stale_per_community.reshape(state.runs, -1),
    }


def trajectories(
    ledger: Ledger,
    levers: SuccessionLevers = SuccessionLevers(),
    *,
    assumptions: SuccessionAssumptions | None = None,
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    progress: bool = False,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """``(figures → array[run, year, community], years, community ids)`` from the ledger year on."""
    rng = np.random.default_rng(seed)
    state = init_state(ledger, runs=runs, rng=rng, rules=rules, assumptions=assumptions)
    retire = levers.rules_for(rules).retirement_age
    first = figures(state, retirement_age=retire)
    out = {name: np.empty((runs, years + 1, values.shape[1])) for name, values in first.items()}
    for name, values in first.items():
        out[name][:, 0] = values
    ticks = range(1, years + 1)
    if progress:
        from tqdm.auto import tqdm

        ticks = tqdm(ticks, unit="year", leave=False)
    for t in ticks:
        step(state, levers, rng=rng)
        for name, values in figures(state, retirement_age=retire).items():
            out[name][:, t] = values
    return out, np.arange(state.layout.start_year, state.year + 1), state.layout.communities


def simulate(
    ledger: Ledger,
    levers: SuccessionLevers = SuccessionLevers(),
    *,
    assumptions: SuccessionAssumptions | None = None,
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    scenario: str = "",
    progress: bool = False,
) -> pd.DataFrame:
    """Project the pipeline and the cadres ``years`` ahead over ``runs`` runs: the long results
    table (:mod:`workbench.results`) of :data:`FIGURES`, the ledger year included."""
    cube, year_axis, communities = trajectories(
        ledger,
        levers,
        assumptions=assumptions,
        years=years,
        runs=runs,
        seed=seed,
        rules=rules,
        progress=progress,
    )
    return results.long_table(cube, years=year_axis, communities=communities, scenario=scenario)
