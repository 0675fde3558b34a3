"""Cadre succession and the member pipeline (党员发展与干部接班): a vectorised yearly simulation.

A year of :func:`step`: the full members due to leave go (:mod:`.succession_members`); the member
pipeline runs a year of events with exact stage times, in months (:mod:`.succession_pipeline`: in
rounds of events, month by month only where an organisation cannot sponsor yet), new applicants
arriving as a Poisson stream from the units behind each organisation (young employees of the units
it covers; residents and uncovered units for a community's own branch) plus the recruitment drive,
which goes to young employees of non-public enterprises; the new full members are scheduled to
leave; then the cadres change (:mod:`.succession_cadres`). The ledger fixes the index arrays
(:mod:`.succession_layout`). Every array has runs first; each run draws its own assumptions.

Public API: :class:`SuccessionLevers`, :class:`SuccessionAssumptions`, :func:`init_state`
(:func:`start_state` from a prepared layout),
:func:`step`, :func:`figures`, :func:`age_profile` (:func:`age_profiles`), :func:`trajectories`,
:func:`simulate`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from .. import results
from ..ledger import Ledger
from ..settings import RULES, Rules
from . import succession_cadres, succession_pipeline
from .succession_cadres import Cadres
from .succession_layout import KEY_POSTS, Layout, layout
from .succession_members import Members
from .succession_pipeline import MONTHS, STAGES, UNKNOWN, Completed, People, Timing

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
        if self.retirement_age is None and self.reserves_per_post is None:
            return rules
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


@dataclass
class SuccessionState:
    """Everything that changes, as arrays with runs first. :func:`step` advances it in place."""

    layout: Layout
    rules: Rules
    year: int
    runs: int
    p: dict[str, np.ndarray]  # sampled assumptions, one value per run
    timing: Timing  # the pipeline's stage times, from the rules and p
    people: People  # the pipeline
    members: Members  # when full members leave; the reserve pools
    cadres: Cadres
    full: np.ndarray  # (runs, orgs) int32 full members
    admitted: np.ndarray  # (runs, orgs) admitted (became probationary) this year
    last_admission: np.ndarray  # (runs, orgs) year of the latest admission (NaN: none known)
    completed: Completed  # who became full members this year
    inflow: np.ndarray  # (runs, orgs) applicants a year, before any recruitment drive

    def stage_counts(self) -> dict[str, np.ndarray]:
        """People in each pipeline stage, ``(runs, orgs)``, plus ``full`` members."""
        people, size = self.people, self.full.size
        keys = people.stage.astype(np.int64) * size + people.run.astype(np.int64) * len(self.layout.orgs)
        counts = np.bincount((keys + people.org)[people.stage >= 0], minlength=len(STAGES) * size)
        out = dict(zip(STAGES, counts.reshape(len(STAGES), *self.full.shape), strict=True))
        out["full"] = self.full.copy()
        return out


def init_state(
    ledger: Ledger,
    *,
    runs: int,
    rng: np.random.Generator,
    rules: Rules = RULES,
    assumptions: SuccessionAssumptions | None = None,
) -> SuccessionState:
    """The state at the end of the ledger year, with each run's assumptions and fates drawn."""
    return start_state(layout(ledger, rules), runs=runs, rng=rng, rules=rules, assumptions=assumptions)


def start_state(
    lay: Layout,
    *,
    runs: int,
    rng: np.random.Generator,
    rules: Rules = RULES,
    assumptions: SuccessionAssumptions | None = None,
) -> SuccessionState:
    """:func:`init_state` from a ledger's :class:`~.succession_layout.Layout` (reusable)."""
    p = (assumptions or SuccessionAssumptions()).sample(rng, runs)
    timing = Timing.of(rules, p)
    pipe = lay.pipeline
    run = np.repeat(np.arange(runs, dtype=np.int32), len(pipe["org"]))
    stage = np.tile(pipe["stage"], runs).astype(np.int8)
    due, drop = timing.draw(rng, run, stage, 0, np.tile(pipe["served"], runs))
    tiled = (np.tile(pipe[name], runs).astype(np.int32) for name in ("org", "applied", "admitted"))
    org, applied, admitted = tiled
    people = People(run, org, stage, due, drop, applied, admitted)

    def per_run(a: np.ndarray, dtype) -> np.ndarray:
        return np.repeat(a[None].astype(dtype), runs, axis=0)

    return SuccessionState(
        layout=lay,
        rules=rules,
        year=lay.start_year,
        runs=runs,
        p=p,
        timing=timing,
        people=people,
        members=Members.start(lay, p, runs, rng, rules),
        cadres=Cadres.of(lay, runs),
        full=per_run(np.bincount(lay.member_org, minlength=len(lay.orgs)), np.int32),
        admitted=per_run(lay.admitted, np.int32),
        last_admission=per_run(lay.last_admission, float),
        completed=Completed.empty(),
        inflow=(
            p["applicants_per_1000_young"][:, None] * lay.inflow_young[None, :]
            + p["applicants_per_1000_residents"][:, None] * lay.inflow_residents[None, :]
        )
        / 1000,
    )


def step(
    state: SuccessionState, levers: SuccessionLevers = SuccessionLevers(), *, rng: np.random.Generator
) -> SuccessionState:
    """Advance ``state`` by one year (members leave, twelve months of pipeline, cadres), in place."""
    rules = levers.rules_for(state.rules)
    state.year += 1
    lay, p, index = state.layout, state.p, state.year - state.layout.start_year - 1
    state.full -= state.members.leave(state.year, rules)

    rate = state.inflow + levers.recruitment_drive * lay.drive_share[None, :]
    key = np.repeat(np.arange(rate.size), rng.poisson(rate).ravel())
    run, org = (key // len(lay.orgs)).astype(np.int32), (key % len(lay.orgs)).astype(np.int32)
    month = (index * MONTHS + rng.integers(0, MONTHS, size=len(key))).astype(np.int32)
    stage = np.zeros(len(key), dtype=np.int8)
    arrivals = People(
        run,
        org,
        stage,
        *state.timing.draw(rng, run, stage, month),
        month,
        np.full(len(key), UNKNOWN, np.int32),
    )

    state.people, admitted, state.completed = succession_pipeline.year(
        state.people, arrivals, state.full, timing=state.timing, index=index, rules=rules, rng=rng
    )
    state.admitted = (
        np.bincount(admitted, minlength=state.full.size).reshape(state.full.shape).astype(np.int32)
    )
    state.last_admission[state.admitted > 0] = state.year
    state.members.join(state.completed, p, state.year, rules, rng)
    succession_cadres.year(
        state.cadres,
        lay,
        state.members.pools(state.year, rules),
        p,
        year=state.year,
        training_slots=levers.training_slots,
        outside_appointments=levers.outside_appointments,
        rules=rules,
        rng=rng,
    )
    return state


# --- figures and the projection ------------------------------------------------------------------


def figures(state: SuccessionState, *, retirement_age: int | None = None) -> dict[str, np.ndarray]:
    """This year's figures (:data:`FIGURES`), each ``(runs, communities)``."""
    lay, year, rules, cadres = state.layout, state.year, state.rules, state.cadres
    retirement_age = retirement_age or rules.retirement_age
    keys = len(KEY_POSTS)
    age = year - cadres.birth.astype(float)
    sitting = ~np.isnan(age)
    n_sitting = sitting.sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_age = np.where(n_sitting > 0, np.nansum(age, -1) / n_sitting, np.nan)
        under_35 = (age < rules.young_cadre_age).sum(-1)
        share = np.where(n_sitting > 0, under_35 / n_sitting, np.nan)
    ready = (~np.isnan(cadres.reserve_birth) & (cadres.reserve_ready <= year)).sum(-1)
    last = state.last_admission
    stale = ~(year - last.take(lay.community_orgs, axis=1) < rules.no_admission_years)
    stale_per_community = np.zeros((state.runs, len(lay.communities)))
    if len(lay.community_orgs):
        stale_per_community[:, lay.community_org_communities] = np.add.reduceat(
            stale, lay.community_org_starts, axis=1, dtype=float
        )
    return {
        "cadre_mean_age": mean_age,
        "cadre_share_under_35": share,
        "cadres_under_35": under_35.astype(float),
        "ready_reserves_per_key_post": ready.sum(-1) / keys,
        "vacant_posts": (~sitting[..., :keys] & lay.posts[None, :, :keys]).sum(-1).astype(float),
        "secretary_below_retirement": (age[..., 0] < retirement_age).astype(float),
        "succession_risk": (ready == 0).mean(-1),
        "full_members": lay.to_communities(state.full),
        "members_admitted": lay.to_communities(state.admitted),
        "years_since_admission": year - lay.to_communities(last, np.fmax, np.nan),
        "stale_branches": stale_per_community,
    }


def age_profile(state: SuccessionState, *, band: int = 5) -> pd.DataFrame:
    """Cadres (sitting) and full members of the whole ledger by age band in the state's year: the
    mean count over runs. Index: each band's lowest age; columns ``cadres`` and ``members``."""
    members = state.members.ages(state.year)
    age = np.clip(state.year - state.cadres.birth, 0, members.shape[1] - 1)
    sitting = ~np.isnan(age)
    run = np.broadcast_to(np.arange(state.runs)[:, None, None], age.shape)
    cadres = np.zeros_like(members)
    np.add.at(cadres, (run[sitting], age[sitting].astype(int)), 1)
    bands = np.arange(members.shape[1]) // band
    table = pd.DataFrame(
        {"cadres": cadres.mean(0), "members": members.mean(0)}, index=pd.Index(bands * band, name="age")
    )
    table = table.groupby(level="age").sum()
    used = table.index[(table > 0).any(axis=1)]
    return table.loc[used.min() : used.max()] if len(used) else table.iloc[:0]


def age_profiles(
    ledger: Ledger,
    levers: SuccessionLevers = SuccessionLevers(),
    *,
    assumptions: SuccessionAssumptions | None = None,
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    band: int = 5,
) -> dict[int, pd.DataFrame]:
    """:func:`age_profile` in the ledger year and ``years`` later (the runs of :func:`trajectories`
    with the same arguments), keyed by year."""
    rng = np.random.default_rng(seed)
    state = init_state(ledger, runs=runs, rng=rng, rules=rules, assumptions=assumptions)
    out = {state.year: age_profile(state, band=band)}
    for _ in range(years):
        step(state, levers, rng=rng)
    out[state.year] = age_profile(state, band=band)
    return out


def trajectories(
    ledger: Ledger | None,
    levers: SuccessionLevers = SuccessionLevers(),
    *,
    assumptions: SuccessionAssumptions | None = None,
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    progress: bool = False,
    prepared: Layout | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """``(figures → array[run, year, community], years, community ids)`` from the ledger year on;
    ``prepared``: the ledger's :func:`~.succession_layout.layout` when already at hand (``ledger``
    may then be None)."""
    rng = np.random.default_rng(seed)
    lay = prepared if prepared is not None else layout(ledger, rules)
    state = start_state(lay, runs=runs, rng=rng, rules=rules, assumptions=assumptions)
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
