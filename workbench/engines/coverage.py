"""The coverage engine: a yearly simulation of units, their members and their Party organisation.

Every year, in every run (runs are the first axis of every state array):

1. non-public enterprises and social organisations close (a share a year) and new ones arrive
   (per year, a share of the stock the community had at the start);
2. probationary members become full members once their probation ends;
3. full members transfer out (a share a year) and in (per full member a year);
4. units reached by the Party — with an organisation or an instructor — admit members
   (per 100 employees a year, by unit kind); the recruitment drive adds admissions in reached
   non-public enterprises, shared out in proportion to employees;
5. a unit with ``rules.min_members_own_branch`` full members has its own organisation (leaving any
   joint branch), whose kind follows its size (branch → general branch → committee); one that falls
   below loses it;
6. units with 1 … own-branch minimum − 1 full members are regrouped into joint branches (when the
   grouping policy is on; otherwise the existing joint branches only lose units and dissolve when
   they break the rules);
7. instructors (``instructors × caseload`` units) go to the units with no member, largest first.

**Regrouping inside the simulation is a greedy rule**, vectorised over runs and communities: within
each community the small units, largest first, fill a joint branch until it has enough members;
the units left over join the community's last joint branch while it has room. It keeps every
rule (≤ ``joint_branch_max_units`` units, ≥ ``joint_branch_min_members`` members) but neither
crosses community borders nor is proven best. The exact grouping (integer programme, across
adjacent communities and co-building ties) is :func:`workbench.engines.grouping.propose`, the
proposal for next year.

New units take the free *spare slots* of their community and kind (sized from the horizon and the
highest arrival rate); each free slot opens with probability ``expected arrivals / free slots``,
so arrivals are binomial, close to Poisson while slots are plenty. A spare slot carries the
employees of a unit of its kind drawn once from the ledger.

Results (:func:`simulate`) are the long table of :mod:`workbench.results`. Per community:
``org_coverage``, ``npe_org_coverage``, ``social_org_coverage``, ``work_coverage`` (figures of
:mod:`workbench.figures`), ``units``, ``joint_units`` (units in joint branches), ``instructed_units``,
``uncovered_units`` (neither organisation nor instructor) and ``orgs.<kind>`` (organisations by
kind: branch, general_branch, committee, joint_branch). Street totals use ``community="*"``: the
same indicators over the whole ledger, plus ``org_coverage.<unit kind>`` and
``work_coverage.<unit kind>`` for each kind of unit, ``instructors`` and ``instructor_load``
(units per instructor). Year 0 is the ledger's own year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import results
from ..ledger import Ledger
from ..schema import UNIT_KIND, split_refs
from ..settings import RULES, Rules
from .grouping import full_members_by_unit

KINDS = UNIT_KIND.codes()
NPE = KINDS.index("non_public_enterprise")
SOCIAL = KINDS.index("social_org")
ARRIVING = (NPE, SOCIAL)
OWN_KINDS = ("branch", "general_branch", "committee")
STREET = "*"

Range = tuple[float, float] | float
"""An uncertain rate: ``(low, high)`` drawn uniformly once per run, or a fixed value."""


@dataclass(frozen=True)
class CoverageLevers:
    """What the street decides.

    ``instructors``: instructors in post each year (None: as many as the ledger's instructed units
    need at ``instructor_caseload`` units each). ``recruitment_drive``: extra admissions a year in
    non-public enterprises. ``target_year`` / ``target_coverage``: the goal the summary checks
    (street non-public-enterprise organisation coverage; None: the national 2017 level in RULES).
    """

    instructors: int | None = None
    instructor_caseload: int = 5
    recruitment_drive: float = 0.0
    grouping: bool = True
    target_year: int | None = None
    target_coverage: float | None = None


def _admission_defaults() -> dict[str, Range]:
    return {
        "government": (1.0, 2.0),
        "institution": (1.0, 2.0),
        "state_enterprise": (1.0, 2.0),
        "non_public_enterprise": (0.3, 0.8),
        "social_org": (0.3, 0.8),
        "dispatched_agency": (1.0, 2.0),
    }


@dataclass(frozen=True)
class CoverageAssumptions:
    """What the street does not control, each a :data:`Range` sampled once per run (rates a year)."""

    npe_arrival: Range = (0.04, 0.10)  # new NPEs per NPE the community had at the start
    npe_closure: Range = (0.03, 0.07)  # share of NPEs closing
    social_org_arrival: Range = (0.03, 0.08)
    social_org_closure: Range = (0.01, 0.04)
    transfer_out: Range = (0.02, 0.06)  # share of a unit's full members leaving
    transfer_in: Range = (0.02, 0.06)  # members arriving per full member
    admissions: dict[str, Range] = field(default_factory=_admission_defaults)  # per 100 employees


@dataclass(frozen=True)
class AssumptionSample:
    """One draw of :class:`CoverageAssumptions` per run: arrays shaped ``(runs,)`` or ``(runs, kinds)``."""

    arrival: np.ndarray
    closure: np.ndarray
    transfer_out: np.ndarray
    transfer_in: np.ndarray
    admissions: np.ndarray


def sample_assumptions(
    assumptions: CoverageAssumptions, *, runs: int, rng: np.random.Generator
) -> AssumptionSample:
    """Draw every uncertain rate once per run."""

    def draw(value: Range) -> np.ndarray:
        low, high = value if isinstance(value, tuple) else (value, value)
        return rng.uniform(low, high, runs)

    def by_kind(values: dict[int, Range]) -> np.ndarray:
        out = np.zeros((runs, len(KINDS)))
        for kind, value in values.items():
            out[:, kind] = draw(value)
        return out

    a = assumptions
    return AssumptionSample(
        arrival=by_kind({NPE: a.npe_arrival, SOCIAL: a.social_org_arrival}),
        closure=by_kind({NPE: a.npe_closure, SOCIAL: a.social_org_closure}),
        transfer_out=draw(a.transfer_out),
        transfer_in=draw(a.transfer_in),
        admissions=by_kind({KINDS.index(k): v for k, v in a.admissions.items()}),
    )


@dataclass(frozen=True)
class Layout:
    """What every run shares: one slot per ledger unit and per spare slot, sorted by community."""

    communities: tuple[str, ...]
    community: np.ndarray  # (slots,) community index, non-decreasing
    kind: np.ndarray  # (slots,) unit kind index
    employees: np.ndarray  # (slots,) float
    spare: np.ndarray  # (slots,) bool: a slot for a unit that may arrive
    block: np.ndarray  # (slots,) arrival block (community, kind) of a spare slot, -1 otherwise
    block_starts: np.ndarray  # first slot of each block (blocks are contiguous)
    block_kind: np.ndarray  # kind index of each block
    block_stock: np.ndarray  # units of that kind the community had at the start
    community_starts: np.ndarray  # first slot of each community with slots
    community_present: np.ndarray  # index of each community with slots
    priority: np.ndarray  # slots by employees, largest first (instructor order)
    year0: int


@dataclass(frozen=True)
class CoverageState:
    """The state after a year: arrays shaped ``(runs, slots)``; ``probation[k]`` are members whose
    probation ends in ``k + 1`` years."""

    layout: Layout
    year: int
    alive: np.ndarray
    full: np.ndarray
    probation: np.ndarray  # (probation_years, runs, slots)
    own: np.ndarray  # own organisation
    joint: np.ndarray  # joint-branch id (slot of its first unit), -1 if none
    instructed: np.ndarray
    instructors: int


class Figures(NamedTuple):
    """One year's figures: ``community`` arrays shaped ``(runs, communities)``, ``street`` ``(runs,)``."""

    community: dict[str, np.ndarray]
    street: dict[str, np.ndarray]


def init_state(
    ledger: Ledger,
    *,
    runs: int,
    rng: np.random.Generator,
    rules: Rules = RULES,
    years: int = 10,
    assumptions: CoverageAssumptions | None = None,
    levers: CoverageLevers | None = None,
) -> CoverageState:
    """The ledger's state in every run, with spare slots for the units that may arrive in ``years``."""
    assumptions = assumptions or CoverageAssumptions()
    levers = levers or CoverageLevers()
    units = ledger.units
    communities = tuple(ledger.communities["id"])
    c_index = {c: i for i, c in enumerate(communities)}
    kind = units["kind"].map(KINDS.index).to_numpy(dtype=np.int64)
    community = units["community"].map(c_index).to_numpy(dtype=np.int64)
    employees = _employees(units)

    # spare slots: per (community, arriving kind), enough for the most that may be open at once
    stock = np.zeros((len(communities), len(KINDS)), np.int64)
    np.add.at(stock, (community, kind), 1)
    spare = np.zeros_like(stock)
    for k, arrival, closure in (
        (NPE, assumptions.npe_arrival, assumptions.npe_closure),
        (SOCIAL, assumptions.social_org_arrival, assumptions.social_org_closure),
    ):
        spare[:, k] = _spare_slots(stock[:, k], _bounds(arrival)[1], _bounds(closure)[0], years)
    spare_c, spare_k = np.nonzero(spare)
    spare_c, spare_k = (
        np.repeat(spare_c, spare[spare_c, spare_k]),
        np.repeat(spare_k, spare[spare_c, spare_k]),
    )
    spare_e = np.zeros(len(spare_k))
    for k in ARRIVING:
        mine = spare_k == k
        spare_e[mine] = rng.choice(employees[kind == k], mine.sum()) if mine.any() else 0.0
    is_spare = np.r_[np.zeros(len(units), bool), np.ones(len(spare_k), bool)]
    community_all, kind_all = np.r_[community, spare_c], np.r_[kind, spare_k]
    order = np.lexsort((np.arange(len(is_spare)), is_spare, kind_all, community_all))
    community_all, kind_all, is_spare = community_all[order], kind_all[order], is_spare[order]
    employees_all = np.r_[employees, spare_e][order]
    # blocks: the slots of one (community, arriving kind), ledger units first, contiguous
    arriving = np.isin(kind_all, ARRIVING)
    code = np.where(arriving, community_all * len(KINDS) + kind_all, -1)
    block_codes, block_starts = np.unique(code[arriving], return_index=True)
    block_starts = np.flatnonzero(arriving)[block_starts]
    present, starts = np.unique(community_all, return_index=True)
    layout = Layout(
        communities=communities,
        community=community_all,
        kind=kind_all,
        employees=employees_all,
        spare=is_spare,
        block=np.where(arriving, np.searchsorted(block_codes, code), -1),
        block_starts=block_starts,
        block_kind=block_codes % len(KINDS),
        block_stock=stock.reshape(-1)[block_codes].astype(float),
        community_starts=starts,
        community_present=present,
        priority=np.lexsort((np.arange(len(order)), -employees_all)),
        year0=ledger.year,
    )

    # the ledger's state, the same in every run
    slot_of = pd.Series(np.argsort(order)[: len(units)], index=units["id"])
    slots = len(order)
    full = np.zeros(slots, np.int32)
    counted = full_members_by_unit(ledger).reindex(slot_of.index).dropna()
    full[slot_of[counted.index]] = counted.to_numpy()
    members = ledger.members
    waiting = members.loc[members["status"] == "probationary", "unit"].value_counts()
    waiting = waiting.reindex(slot_of.index).dropna()
    probation = np.zeros((_probation_years(rules), slots), np.int32)
    probation[0, slot_of[waiting.index]] = waiting.to_numpy()
    own, joint = np.zeros(slots, bool), np.full(slots, -1, np.int32)
    orgs = ledger.party_orgs
    established = orgs.loc[orgs["status"] == "established", ["kind", "units"]]
    for org_kind, refs in established.itertuples(index=False):
        covered = [slot_of[u] for u in split_refs(refs) if u in slot_of.index]
        if org_kind == "joint_branch" and covered:
            joint[covered] = min(covered)
        else:
            own[covered] = True
    instructed = np.zeros(slots, bool)
    instructed[slot_of[units["instructor"].fillna(False).astype(bool).to_numpy()]] = True
    n_instructors = levers.instructors
    if n_instructors is None:
        n_instructors = math.ceil(instructed.sum() / max(levers.instructor_caseload, 1))

    def tile(a):
        return np.repeat(a[None], runs, axis=0)

    return CoverageState(
        layout=layout,
        year=ledger.year,
        alive=tile(~is_spare),
        full=tile(full),
        probation=np.repeat(probation[:, None], runs, axis=1),
        own=tile(own),
        joint=tile(joint),
        instructed=tile(instructed),
        instructors=n_instructors,
    )


def step(
    state: CoverageState,
    levers: CoverageLevers,
    sample: AssumptionSample,
    rng: np.random.Generator,
    rules: Rules = RULES,
) -> CoverageState:
    """The state one year later (the input state is left unchanged)."""
    lay = state.layout
    reached = state.alive & (state.own | (state.joint >= 0) | state.instructed)

    # 1. closures, then arrivals into the slots free at the start of the year
    alive = state.alive.copy()
    r, s = np.nonzero(state.alive & (lay.block >= 0))
    closing = rng.random(len(r)) < sample.closure[r, lay.kind[s]]
    alive[r[closing], s[closing]] = False
    if len(lay.block_starts):
        free = (lay.block >= 0) & ~state.alive
        n_free = np.add.reduceat(free, lay.block_starts, axis=1, dtype=np.int64)
        expected = sample.arrival[:, lay.block_kind] * lay.block_stock
        p_block = np.minimum(np.divide(expected, n_free, out=np.zeros_like(expected), where=n_free > 0), 1)
        r, s = np.nonzero(free)
        opening = rng.random(len(r)) < p_block[r, lay.block[s]]
        alive[r[opening], s[opening]] = True
    full = np.where(alive, state.full, 0)
    probation = np.where(alive[None], state.probation, 0)

    # 2. probation ends
    full += probation[0]
    probation = np.concatenate([probation[1:], np.zeros_like(probation[:1])])

    # 3. transfers, where there are members
    r, s = np.nonzero(full)
    n = full[r, s]
    full[r, s] = n + rng.poisson(n * sample.transfer_in[r]) - rng.binomial(n, sample.transfer_out[r])

    # 4. admissions in units the Party reached last year
    r, s = np.nonzero(reached & alive)
    lam = sample.admissions[r, lay.kind[s]] * lay.employees[s] / 100.0
    npe = lay.kind[s] == NPE
    weight = np.bincount(r[npe], weights=lay.employees[s[npe]], minlength=alive.shape[0])
    share = np.divide(levers.recruitment_drive, weight, out=np.zeros_like(weight), where=weight > 0)
    lam[npe] += share[r[npe]] * lay.employees[s[npe]]
    probation[-1, r, s] += rng.poisson(lam).astype(probation.dtype)

    # 5. own organisations by size
    own = alive & (full >= rules.min_members_own_branch)

    # 6. joint branches
    small = alive & ~own & (full >= 1)
    joint = (
        regroup(lay, small, full, rules) if levers.grouping else _keep_valid(state.joint, small, full, rules)
    )

    # 7. instructors
    eligible = alive & (full == 0) & ~own & (joint < 0)
    instructed = _first_in_order(eligible, lay.priority, state.instructors * levers.instructor_caseload)
    return replace(
        state,
        year=state.year + 1,
        alive=alive,
        full=full,
        probation=probation,
        own=own,
        joint=joint,
        instructed=instructed,
        instructors=state.instructors if levers.instructors is None else levers.instructors,
    )


def _first_in_order(mask: np.ndarray, order: np.ndarray, count: int) -> np.ndarray:
    """In each row, the first ``count`` true cells of ``mask`` in column ``order``.

    Looks at the head of ``order`` first (enough when true cells are common) and at all of it
    only when some row needs more.
    """
    out = np.zeros_like(mask)
    if count <= 0:
        return out
    for head in (order[: 4 * count + 64], order):
        picked = mask[:, head]
        taken = np.cumsum(picked, axis=1, dtype=np.int32)
        out[:, head] = picked & (taken <= count)
        if len(head) == len(order) or (taken[:, -1] >= count).all():
            return out
    return out


def regroup(layout: Layout, small: np.ndarray, full: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Joint-branch ids ``(runs, slots)`` from the greedy rule of the module docstring."""
    runs, slots = small.shape
    n_comm = len(layout.communities)
    joint = np.full((runs, slots), -1, np.int32)
    r, s = np.nonzero(small)  # sorted by run, then slot, so by community
    if not len(r):
        return joint
    c, v = layout.community[s], full[r, s]
    order = np.argsort((r * n_comm + c) * rules.min_members_own_branch - v, kind="stable")
    r, s, c, v = r[order], s[order], c[order], v[order]
    key = r * n_comm + c
    first = np.r_[True, key[1:] != key[:-1]]
    pos = np.arange(len(key)) - np.maximum.accumulate(np.where(first, np.arange(len(key)), 0))
    width = int(pos.max()) + 1
    table = np.full((runs, n_comm, width), -1, np.int64)
    table[r, c, pos] = s
    values = np.zeros_like(table)
    values[r, c, pos] = v

    shape = (runs, n_comm)
    open_id, open_sum, open_n = np.full(shape, -1), np.zeros(shape, np.int64), np.zeros(shape, np.int64)
    last_id, last_n = np.full(shape, -1), np.zeros(shape, np.int64)
    open_from = np.zeros(shape, np.int64)
    for p in range(width):
        unit, val = table[:, :, p], values[:, :, p]
        take = (unit >= 0) & (open_n < rules.joint_branch_max_units)
        starting = take & (open_n == 0)
        open_id = np.where(starting, unit, open_id)
        open_from = np.where(starting, p, open_from)
        rows, cols = np.nonzero(take)
        joint[rows, unit[rows, cols]] = open_id[rows, cols]
        open_sum = open_sum + np.where(take, val, 0)
        open_n = open_n + take
        done = take & (open_sum >= rules.joint_branch_min_members) & (open_n >= 2)
        last_id, last_n = np.where(done, open_id, last_id), np.where(done, open_n, last_n)
        open_n, open_sum = np.where(done, 0, open_n), np.where(done, 0, open_sum)
    # units of a group left open join the last complete group while it has room
    for p in range(width):
        unit = table[:, :, p]
        left = (unit >= 0) & (p >= open_from) & (p < open_from + open_n)
        rows, cols = np.nonzero(left)
        room = left & (last_id >= 0) & (last_n < rules.joint_branch_max_units)
        joint[rows, unit[rows, cols]] = np.where(room, last_id, -1)[rows, cols]
        last_n = last_n + room
    return joint


def _keep_valid(joint: np.ndarray, small: np.ndarray, full: np.ndarray, rules: Rules) -> np.ndarray:
    """The joint branches of ``joint`` kept by the ``small`` units that remain, without the groups
    that broke the rules (too few members or units), each named after its first remaining unit."""
    out = np.full_like(joint, -1)
    r, s = np.nonzero(small & (joint >= 0))
    if not len(r):
        return out
    _, inverse = np.unique(r.astype(np.int64) * joint.shape[1] + joint[r, s], return_inverse=True)
    members = np.bincount(inverse, weights=full[r, s])
    ok = (members >= rules.joint_branch_min_members) & (np.bincount(inverse) >= 2)
    leader = np.full(len(members), joint.shape[1])
    np.minimum.at(leader, inverse, s)
    out[r, s] = np.where(ok[inverse], leader[inverse], -1)
    return out


STATUS = ("dead", "uncovered", "instructed", "joint", "joint_leader", *OWN_KINDS)
"""What a slot is in a year; figures count slots by (run, community, kind, status)."""


def figures(state: CoverageState, rules: Rules = RULES) -> Figures:
    """The year's figures by community and for the whole ledger (see the module docstring)."""
    lay = state.layout
    runs, slots = state.alive.shape
    own, full, joint = state.own, state.full, state.joint
    status = np.select(
        [
            ~state.alive,
            own & (full >= rules.committee_min_members),
            own & (full > rules.branch_max_members),
            own,
            joint == np.arange(slots),
            joint >= 0,
            state.instructed,
        ],
        [
            STATUS.index(s)
            for s in ("dead", "committee", "general_branch", "branch", "joint_leader", "joint", "instructed")
        ],
        STATUS.index("uncovered"),
    ).astype(np.int64)
    cells = len(lay.communities) * len(KINDS) * len(STATUS)
    where = (lay.community * len(KINDS) + lay.kind) * len(STATUS)
    index = status + where + (np.arange(runs) * cells)[:, None]
    counts = np.bincount(index.reshape(-1), minlength=runs * cells).reshape(
        runs, len(lay.communities), len(KINDS), len(STATUS)
    )
    by_status = {name: counts[..., i] for i, name in enumerate(STATUS)}
    alive = counts[..., 1:].sum(axis=-1)
    org = counts[..., STATUS.index("joint") :].sum(axis=-1)
    work = org + by_status["instructed"]
    per_kind = {
        "units": alive,
        "org": org,
        "work": work,
        "joint_units": by_status["joint"] + by_status["joint_leader"],
        "instructed_units": by_status["instructed"],
        "uncovered_units": by_status["uncovered"],
        "orgs.joint_branch": by_status["joint_leader"],
        **{f"orgs.{k}": by_status[k] for k in OWN_KINDS},
    }

    def summarise(of_kind: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Figures from counts whose last axis is the unit kind."""
        total = {k: v.sum(axis=-1) for k, v in of_kind.items()}
        return {
            "org_coverage": _coverage(total["org"], total["units"]),
            "npe_org_coverage": _coverage(of_kind["org"][..., NPE], of_kind["units"][..., NPE]),
            "social_org_coverage": _coverage(of_kind["org"][..., SOCIAL], of_kind["units"][..., SOCIAL]),
            "work_coverage": _coverage(total["work"], total["units"]),
        } | {k: v.astype(float) for k, v in total.items() if k not in ("org", "work")}

    community = summarise(per_kind)
    by_kind = {k: v.sum(axis=1) for k, v in per_kind.items()}  # (runs, kinds)
    street = summarise(by_kind)
    for k, name in enumerate(KINDS):
        street[f"org_coverage.{name}"] = _coverage(by_kind["org"][:, k], by_kind["units"][:, k])
        street[f"work_coverage.{name}"] = _coverage(by_kind["work"][:, k], by_kind["units"][:, k])
    street["instructors"] = np.full(runs, float(state.instructors))
    street["instructor_load"] = _share(street["instructed_units"], street["instructors"])
    return Figures(community, street)


def trajectories(
    ledger: Ledger,
    levers: CoverageLevers = CoverageLevers(),
    *,
    assumptions: CoverageAssumptions = CoverageAssumptions(),
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    progress: bool = False,
) -> tuple[Figures, np.ndarray, np.ndarray]:
    """``(figures, calendar years, community ids)``: ``figures.community`` maps each figure to an
    array ``[run, year, community]`` and ``figures.street`` to ``[run, year]`` (year 0 = ledger)."""
    rng = np.random.default_rng(seed)
    sample = sample_assumptions(assumptions, runs=runs, rng=rng)
    state = init_state(
        ledger, runs=runs, rng=rng, rules=rules, years=years, assumptions=assumptions, levers=levers
    )
    yearly = [figures(state, rules)]
    steps = range(years)
    if progress:
        from tqdm.auto import tqdm

        steps = tqdm(steps, desc="coverage", unit="year", delay=2)
    for _ in steps:
        state = step(state, levers, sample, rng, rules)
        yearly.append(figures(state, rules))
    stacked = Figures(
        {k: np.stack([f.community[k] for f in yearly], axis=1) for k in yearly[0].community},
        {k: np.stack([f.street[k] for f in yearly], axis=1) for k in yearly[0].street},
    )
    return stacked, np.arange(ledger.year, ledger.year + years + 1), state.layout.communities


def simulate(
    ledger: Ledger,
    levers: CoverageLevers = CoverageLevers(),
    *,
    assumptions: CoverageAssumptions = CoverageAssumptions(),
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    scenario: str = "",
    progress: bool = False,
) -> pd.DataFrame:
    """Project coverage ``years`` ahead in ``runs`` runs: the long results table (year 0 = ledger)."""
    stacked, calendar, communities = trajectories(
        ledger,
        levers,
        assumptions=assumptions,
        years=years,
        runs=runs,
        seed=seed,
        rules=rules,
        progress=progress,
    )
    street = {k: v[:, :, None] for k, v in stacked.street.items()}
    return pd.concat(
        [
            results.long_table(stacked.community, years=calendar, communities=communities, scenario=scenario),
            results.long_table(street, years=calendar, communities=[STREET], scenario=scenario),
        ],
        ignore_index=True,
    )


def target_reached(table: pd.DataFrame, *, level: float, indicator: str = "npe_org_coverage") -> pd.Series:
    """Year → share of runs in which the street figure ``indicator`` has reached ``level``."""
    street = table[(table["community"] == STREET) & (table["indicator"] == indicator)]
    return (street["value"] >= level).groupby(street["year"]).mean()


def _share(part: np.ndarray, whole: np.ndarray, empty: float = np.nan) -> np.ndarray:
    """``part / whole``, and ``empty`` where ``whole`` is 0."""
    return np.divide(part, whole, out=np.full(np.shape(part), empty), where=np.asarray(whole) > 0)


def _coverage(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """A coverage rate; a coverage over no units is 1.0 (met vacuously, as in workbench.indicators)."""
    return _share(part, whole, empty=1.0)


def _bounds(value: Range) -> tuple[float, float]:
    return value if isinstance(value, tuple) else (value, value)


def _spare_slots(stock: np.ndarray, arrival: float, closure: float, years: int) -> np.ndarray:
    """Spare slots per block: the most units open at once (mean at the highest arrival and lowest
    closure rate, plus three Poisson standard deviations), less the stock."""
    if closure > 0:
        ratio = arrival / closure
        most = stock * (ratio + (1 - ratio) * math.exp(-closure * years))
    else:
        most = stock * (1 + arrival * years)
    extra = np.maximum(most - stock, 0)
    return np.where(stock > 0, np.ceil(extra + 3 * np.sqrt(extra) + 1), 0).astype(np.int64)


def _probation_years(rules: Rules) -> int:
    return max(1, round(rules.probation_months / 12))


def _employees(units: pd.DataFrame) -> np.ndarray:
    """Employees per unit; unknown → the median of the unit's kind, else of all units, else 0."""
    known = units["employees"].astype("Float64")
    by_kind = known.groupby(units["kind"]).transform("median")
    filled = known.fillna(by_kind).fillna(known.median()).fillna(0)
    return filled.to_numpy(dtype=float)
