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

**Regrouping inside the simulation is a greedy rule** (:func:`greedy_leaders`): within each
community the small units, largest first, fill a joint branch until it has enough members; the
units left over join the community's last joint branch while it has room. It keeps every rule
(≤ ``joint_branch_max_units`` units, ≥ ``joint_branch_min_members`` members) but neither crosses
community borders nor is proven best. It depends only on the member counts of a community's small
units, so it is worked out once per distinct count profile and applied to every (run, community). The exact grouping (integer programme, across
adjacent communities and co-building ties) is :func:`workbench.engines.grouping.propose`, the
proposal for next year.

New units take the free *spare slots* of their community and kind (sized from the horizon and the
highest arrival rate); each free slot opens with probability ``expected arrivals / free slots``,
so arrivals are binomial, close to Poisson while slots are plenty. A spare slot carries the
employees of a unit of its kind drawn once from the ledger.

Slots are sorted by community and kind, so the counts behind the figures are sums over contiguous
ranges; the random draws touch only the units that need one (members, reached units). A city's
runs are simulated in chunks of ``CHUNK_CELLS`` (run, slot) cells, each chunk vectorised over its
runs, which keeps the arrays in the processor's cache and memory flat; a run's numbers depend on
the seed and on the chunking, not on the machine.

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

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
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
STREET = "*"
CHUNK_CELLS = 1 << 20
"""Runs are simulated in chunks of about this many (run, slot) cells: small enough for the
processor's cache, large enough to keep numpy busy."""

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

    def take(self, runs: slice) -> AssumptionSample:
        """The draws of some runs."""
        return AssumptionSample(*(getattr(self, f.name)[runs] for f in fields(self)))


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
    """What every run shares: one slot per ledger unit and per spare slot, sorted by community and
    kind, so that the slots of each (community, kind) *cell* are contiguous (ledger units first)."""

    communities: tuple[str, ...]
    community: np.ndarray  # (slots,) community index, non-decreasing
    kind: np.ndarray  # (slots,) unit kind index
    employees: np.ndarray  # (slots,) float
    spare: np.ndarray  # (slots,) bool: a slot for a unit that may arrive
    community_starts: np.ndarray  # first slot of each community with slots
    cell_starts: np.ndarray  # first slot of each non-empty cell
    cell_sizes: np.ndarray  # slots of each cell
    cell_community: np.ndarray  # community index of each cell
    cell_kind: np.ndarray  # kind index of each cell
    cell_stock: np.ndarray  # units the cell had in the ledger (float)
    rank: np.ndarray  # (slots,) place in the instructors' order: most employees first
    year0: int


@dataclass(frozen=True)
class CoverageState:
    """The state after a year: arrays shaped ``(runs, slots)``; ``probation[k]`` are members whose
    probation ends in ``k + 1`` years. A closed unit, like a free spare slot, holds nothing."""

    layout: Layout
    year: int
    alive: np.ndarray
    full: np.ndarray  # int32
    probation: np.ndarray  # (probation_years, runs, slots) int32
    own: np.ndarray  # own organisation
    joint: np.ndarray  # joint-branch id (slot of its first unit), -1 if none; int32
    instructed: np.ndarray
    instructors: int


class Figures(NamedTuple):
    """Figures by community (arrays ``(runs, …, communities)``) and for the street (``(runs, …)``)."""

    community: dict[str, np.ndarray]
    street: dict[str, np.ndarray]


@dataclass(frozen=True)
class Slots:
    """A ledger's slots before any random draw, shared by every chunk of runs: the layout (spare
    slots' employees not yet drawn), where each slot comes from, and the ledger's own state."""

    layout: Layout  # employees and rank still to be set by :func:`init_state`
    order: np.ndarray  # slot of each entry of [ledger units…, spare slots…]
    unit_employees: np.ndarray  # (units,) in ledger order
    unit_kind: np.ndarray  # (units,) kind index in ledger order
    spare_kind: np.ndarray  # (spare slots,) kind index before sorting
    full: np.ndarray
    probation: np.ndarray
    own: np.ndarray
    joint: np.ndarray
    instructed: np.ndarray


def ledger_slots(
    ledger: Ledger, *, rules: Rules = RULES, years: int = 10, assumptions: CoverageAssumptions | None = None
) -> Slots:
    """The ledger's :class:`Slots`, with spare slots for the units that may arrive in ``years``."""
    assumptions = assumptions or CoverageAssumptions()
    units = ledger.units
    communities = tuple(ledger.communities["id"])
    n_kinds = len(KINDS)
    kind = units["kind"].map(KINDS.index).to_numpy(dtype=np.int64)
    community = pd.Index(communities).get_indexer(units["community"]).astype(np.int64)

    # spare slots: per (community, arriving kind), enough for the most that may be open at once
    stock = np.bincount(community * n_kinds + kind, minlength=len(communities) * n_kinds)
    stock = stock.reshape(len(communities), n_kinds)
    spare = np.zeros_like(stock)
    for k, arrival, closure in (
        (NPE, assumptions.npe_arrival, assumptions.npe_closure),
        (SOCIAL, assumptions.social_org_arrival, assumptions.social_org_closure),
    ):
        spare[:, k] = _spare_slots(stock[:, k], _bounds(arrival)[1], _bounds(closure)[0], years)
    spare_c, spare_k = np.divmod(np.repeat(np.arange(stock.size), spare.reshape(-1)), n_kinds)
    is_spare = np.r_[np.zeros(len(units), bool), np.ones(len(spare_k), bool)]
    community_all, kind_all = np.r_[community, spare_c], np.r_[kind, spare_k]
    order = np.lexsort((np.arange(len(is_spare)), is_spare, kind_all, community_all))
    community_all, kind_all, is_spare = community_all[order], kind_all[order], is_spare[order]
    cells, cell_starts, cell_sizes = np.unique(
        community_all * n_kinds + kind_all, return_index=True, return_counts=True
    )
    layout = Layout(
        communities=communities,
        community=community_all,
        kind=kind_all,
        employees=np.zeros(len(order)),
        spare=is_spare,
        community_starts=np.flatnonzero(np.diff(community_all, prepend=-1)),
        cell_starts=cell_starts,
        cell_sizes=cell_sizes,
        cell_community=cells // n_kinds,
        cell_kind=cells % n_kinds,
        cell_stock=stock.reshape(-1)[cells].astype(float),
        rank=np.zeros(len(order), np.int32),
        year0=ledger.year,
    )
    slot_of = pd.Series(np.argsort(order)[: len(units)], index=units["id"])
    state = _ledger_state(ledger, slot_of, len(order), rules)
    slots = Slots(layout, order, _employees(units), kind, spare_k, *state)
    for value in (*vars(layout).values(), *vars(slots).values()):
        if isinstance(value, np.ndarray):
            value.flags.writeable = False  # shared by every chunk of runs
    return slots


def init_state(
    ledger: Ledger | None,
    *,
    runs: int,
    rng: np.random.Generator,
    rules: Rules = RULES,
    years: int = 10,
    assumptions: CoverageAssumptions | None = None,
    levers: CoverageLevers | None = None,
    slots: Slots | None = None,
) -> CoverageState:
    """The ledger's state in every run, with spare slots for the units that may arrive in ``years``
    (``slots``: the ledger's :func:`ledger_slots` when already at hand, ``ledger`` may then be
    None); each spare slot draws the employees of a ledger unit of its kind."""
    levers = levers or CoverageLevers()
    if slots is None:
        slots = ledger_slots(ledger, rules=rules, years=years, assumptions=assumptions)
    spare_e = np.zeros(len(slots.spare_kind))
    for k in ARRIVING:
        mine = slots.spare_kind == k
        spare_e[mine] = (
            rng.choice(slots.unit_employees[slots.unit_kind == k], mine.sum()) if mine.any() else 0.0
        )
    employees = np.r_[slots.unit_employees, spare_e][slots.order]
    rank = np.argsort(np.lexsort((np.arange(len(employees)), -employees))).astype(np.int32)
    n_instructors = levers.instructors
    if n_instructors is None:
        n_instructors = ledger_instructors(slots.instructed.sum(), levers.instructor_caseload)
    one = CoverageState(
        layout=replace(slots.layout, employees=employees, rank=rank),
        year=slots.layout.year0,
        alive=~slots.layout.spare[None],
        full=slots.full[None],
        probation=slots.probation[:, None],
        own=slots.own[None],
        joint=slots.joint[None],
        instructed=slots.instructed[None],
        instructors=n_instructors,
    )
    return _repeat_runs(one, runs)


def ledger_instructors(instructed_units: int, caseload: int) -> int:
    """Instructors the ledger's instructed units need at ``caseload`` units each (the default)."""
    return math.ceil(instructed_units / max(caseload, 1))


def _repeat_runs(state: CoverageState, runs: int) -> CoverageState:
    """A state of one run repeated for ``runs`` runs."""
    arrays = ("alive", "full", "probation", "own", "joint", "instructed")
    return replace(state, **{name: np.repeat(getattr(state, name), runs, axis=-2) for name in arrays})


def _ledger_state(ledger: Ledger, slot_of: pd.Series, slots: int, rules: Rules):
    """``full, probation, own, joint, instructed`` of one run from the ledger (``slot_of``: unit id
    → slot). A unit with an organisation is not counted as instructed."""
    members = ledger.members
    full = np.zeros(slots, np.int32)
    counted = full_members_by_unit(ledger).reindex(slot_of.index).dropna()
    full[slot_of[counted.index]] = counted.to_numpy()
    probation = np.zeros((_probation_years(rules), slots), np.int32)
    waiting = members.loc[members["status"] == "probationary", "unit"].value_counts()
    waiting = waiting.reindex(slot_of.index).dropna()
    probation[0, slot_of[waiting.index]] = waiting.to_numpy()

    orgs = ledger.party_orgs
    links = orgs.loc[orgs["status"] == "established", ["id", "kind", "units"]]
    links = links.assign(unit=links["units"].map(split_refs)).explode("unit")
    links = links[links["unit"].isin(slot_of.index)]
    links = links.assign(slot=slot_of.reindex(links["unit"]).to_numpy())
    is_joint = links["kind"] == "joint_branch"
    own, joint = np.zeros(slots, bool), np.full(slots, -1, np.int32)
    own[links.loc[~is_joint, "slot"].to_numpy(dtype=np.int64)] = True
    grouped = links[is_joint]
    joint[grouped["slot"].to_numpy(dtype=np.int64)] = grouped.groupby("id")["slot"].transform("min")
    instructed = np.zeros(slots, bool)
    units = ledger.units
    instructed[slot_of[units.loc[units["instructor"].fillna(False).astype(bool).to_numpy(), "id"]]] = True
    return full, probation, own, joint, instructed & ~own & (joint < 0)


def step(
    state: CoverageState,
    levers: CoverageLevers,
    sample: AssumptionSample,
    rng: np.random.Generator,
    rules: Rules = RULES,
) -> CoverageState:
    """The state one year later (the input state is left unchanged)."""
    lay = state.layout
    runs = state.alive.shape[0]
    reached = state.own | (state.joint >= 0) | state.instructed

    # 1. closures, then arrivals into the slots free at the start of the year
    alive = _turnover(state.alive, lay, sample, rng)

    # 2. probation ends (a closed unit loses its members)
    full = (state.full + state.probation[0]) * alive
    probation = np.concatenate([state.probation[1:] * alive, np.zeros_like(state.probation[:1])])

    # 3. transfers, where there are members
    flat = full.reshape(-1)
    at, run, _ = _entries(full > 0)
    n = flat[at]
    flat[at] = n + rng.poisson(n * sample.transfer_in[run]) - rng.binomial(n, sample.transfer_out[run])

    # 4. admissions in units the Party reached last year
    at, run, slot = _entries(reached & alive)
    kind, employees = lay.kind[slot], lay.employees[slot]
    lam = sample.admissions.reshape(-1)[run * len(KINDS) + kind] * (employees / 100.0)
    if levers.recruitment_drive:
        npe = kind == NPE
        weight = np.bincount(run[npe], weights=employees[npe], minlength=runs)
        lam[npe] += _share(levers.recruitment_drive, weight, empty=0.0)[run[npe]] * employees[npe]
    probation[-1].reshape(-1)[at] += rng.poisson(lam).astype(probation.dtype)

    # 5. own organisations by size
    own = alive & (full >= rules.min_members_own_branch)

    # 6. joint branches
    small = ~own & (full >= 1)
    joint = (
        regroup(lay, small, full, rules) if levers.grouping else _keep_valid(state.joint, small, full, rules)
    )

    # 7. instructors, to units without a full member (so without an organisation)
    instructed = _first_by_rank(alive & (full == 0), lay.rank, state.instructors * levers.instructor_caseload)
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


def _turnover(alive: np.ndarray, lay: Layout, sample: AssumptionSample, rng: np.random.Generator):
    """Which slots hold a unit after closures and arrivals: each open unit closes at its kind's
    rate; each free slot of a cell opens with probability ``expected arrivals / free slots``."""
    free = lay.cell_sizes - np.add.reduceat(alive, lay.cell_starts, axis=1, dtype=np.int32)
    expected = sample.arrival[:, lay.cell_kind] * lay.cell_stock
    opening = np.minimum(_share(expected, free, empty=0.0), 1).astype(np.float32)
    closing = sample.closure[:, lay.cell_kind].astype(np.float32)
    threshold = np.where(
        alive, np.repeat(closing, lay.cell_sizes, axis=1), np.repeat(opening, lay.cell_sizes, axis=1)
    )
    return alive ^ (rng.random(alive.shape, dtype=np.float32) < threshold)


def _entries(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat index, run and slot of the true cells of a ``(runs, slots)`` mask, by run then slot."""
    at = np.flatnonzero(mask)
    run = np.repeat(np.arange(mask.shape[0]), np.count_nonzero(mask, axis=1))
    return at, run, at - run * mask.shape[1]


def _first_by_rank(mask: np.ndarray, rank: np.ndarray, count: int) -> np.ndarray:
    """In each row, the ``count`` true cells of ``mask`` of lowest ``rank`` (all when fewer)."""
    if count <= 0:
        return np.zeros_like(mask)
    if count >= mask.shape[1]:
        return mask.copy()
    ranked = np.where(mask, rank, len(rank))
    cut = np.partition(ranked, count - 1, axis=1)[:, count - 1 :: mask.shape[1]]
    return mask & (rank <= cut)


def regroup(layout: Layout, small: np.ndarray, full: np.ndarray, rules: Rules = RULES) -> np.ndarray:
    """Joint-branch ids ``(runs, slots)`` from the greedy rule of the module docstring.

    The rule only depends on the member counts of a community's small units, so it is worked out
    once per distinct count profile (:func:`greedy_leaders`) and applied to every (run, community)
    with that profile.
    """
    runs, slots = small.shape
    joint = np.full((runs, slots), -1, np.int32)
    at, run, slot = _entries(small)  # by run, then slot, so by community
    if not len(at):
        return joint
    top = rules.min_members_own_branch
    values = full.reshape(-1)[at].astype(np.int64)
    key = run * len(layout.communities) + layout.community[slot]
    order = np.argsort(key * top + (top - 1 - values), kind="stable")  # most members first
    at, slot, key, values = at[order], slot[order], key[order], values[order]
    first = np.r_[True, key[1:] != key[:-1]]
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    position = np.arange(len(at)) - starts[group]
    counts = np.bincount(group * top + values, minlength=len(starts) * top).reshape(-1, top)
    profiles, profile_of = _unique_rows(counts)
    leaders = [_profile_leaders(tuple(p), rules) for p in profiles.tolist()]
    offsets = np.cumsum([0] + [len(x) for x in leaders])[profile_of]
    leader = np.concatenate(leaders)[offsets[group] + position]
    has = leader >= 0
    joint.reshape(-1)[at[has]] = slot[starts[group[has]] + leader[has]]
    return joint


def _unique_rows(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``a`` and, for each row, the index of its distinct row."""
    order = np.lexsort(a.T)
    ranked = a[order]
    new = np.r_[True, (ranked[1:] != ranked[:-1]).any(axis=1)]
    inverse = np.empty(len(a), np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ranked[new], inverse


@functools.lru_cache(maxsize=1 << 14)
def _profile_leaders(counts: tuple[int, ...], rules: Rules) -> list[int]:
    """:func:`greedy_leaders` of the units counted by member count (``counts[v]`` units of ``v``)."""
    return greedy_leaders([v for v in range(len(counts) - 1, 0, -1) for _ in range(counts[v])], rules)


def greedy_leaders(values: list[int], rules: Rules = RULES) -> list[int]:
    """The greedy rule on one community's small units, ``values`` their full members (most first):
    for each unit, the position of the first unit of its joint branch, or -1.

    Units fill a group until it has ``joint_branch_min_members`` members and at least two units;
    a group that reaches ``joint_branch_max_units`` units unfilled stops the filling; the units of
    the unfilled group join the last filled one while it has room.
    """
    groups: list[list[int]] = []
    current, total = [], 0
    for position, value in enumerate(values):
        if len(current) == rules.joint_branch_max_units:
            break
        current.append(position)
        total += value
        if total >= rules.joint_branch_min_members and len(current) >= 2:
            groups.append(current)
            current, total = [], 0
    for position in current:
        if groups and len(groups[-1]) < rules.joint_branch_max_units:
            groups[-1].append(position)
    leader = [-1] * len(values)
    for members in groups:
        for position in members:
            leader[position] = members[0]
    return leader


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


def figures(state: CoverageState, rules: Rules = RULES) -> Figures:
    """The year's figures by community and for the whole ledger (see the module docstring)."""
    lay = state.layout
    runs, slots = state.alive.shape
    own, full, joint = state.own, state.full, state.joint

    def count(mask: np.ndarray, starts: np.ndarray, *where: np.ndarray) -> np.ndarray:
        """Slots of ``mask`` from each of ``starts`` to the next, placed at ``where``."""
        out = np.zeros((runs, len(lay.communities), len(KINDS))[: 1 + len(where)], np.int64)
        out[(slice(None), *where)] = np.add.reduceat(mask, starts, axis=1, dtype=np.int32)
        return out

    def by_kind(mask: np.ndarray) -> np.ndarray:
        return count(mask, lay.cell_starts, lay.cell_community, lay.cell_kind)

    def by_community(mask: np.ndarray) -> np.ndarray:
        return count(mask, lay.community_starts, lay.community[lay.community_starts])

    kinds = {"units": by_kind(state.alive), "org": by_kind(own | (joint >= 0))}
    kinds["work"] = kinds["org"] + by_kind(state.instructed)
    orgs = {
        "joint_units": by_community(joint >= 0),
        "orgs.joint_branch": by_community(joint == np.arange(slots, dtype=joint.dtype)),
        "orgs.general_branch": by_community(
            own & (full > rules.branch_max_members) & (full < rules.committee_min_members)
        ),
        "orgs.committee": by_community(own & (full >= rules.committee_min_members)),
    }
    community = _summary(kinds, orgs)
    kinds = {k: v.sum(axis=1) for k, v in kinds.items()}  # (runs, kinds)
    street = _summary(kinds, {k: v.sum(axis=1) for k, v in orgs.items()})
    for k, name in enumerate(KINDS):
        street[f"org_coverage.{name}"] = _coverage(kinds["org"][:, k], kinds["units"][:, k])
        street[f"work_coverage.{name}"] = _coverage(kinds["work"][:, k], kinds["units"][:, k])
    street["instructors"] = np.full(runs, float(state.instructors))
    street["instructor_load"] = _share(street["instructed_units"], street["instructors"])
    return Figures(community, street)


def _summary(kinds: dict[str, np.ndarray], orgs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Figures from counts of ``units``, ``org`` and ``work`` covered units by kind (last axis)
    and the counts of joint units and organisations of :func:`figures`."""
    units, org, work = (kinds[k].sum(axis=-1) for k in ("units", "org", "work"))
    own = org - orgs["joint_units"]
    figures = {
        "org_coverage": _coverage(org, units),
        "npe_org_coverage": _coverage(kinds["org"][..., NPE], kinds["units"][..., NPE]),
        "social_org_coverage": _coverage(kinds["org"][..., SOCIAL], kinds["units"][..., SOCIAL]),
        "work_coverage": _coverage(work, units),
        "units": units,
        "joint_units": orgs["joint_units"],
        "instructed_units": work - org,
        "uncovered_units": units - work,
        "orgs.joint_branch": orgs["orgs.joint_branch"],
        "orgs.branch": own - orgs["orgs.general_branch"] - orgs["orgs.committee"],
        "orgs.general_branch": orgs["orgs.general_branch"],
        "orgs.committee": orgs["orgs.committee"],
    }
    return {k: v.astype(float) for k, v in figures.items()}


def trajectories(
    ledger: Ledger | None,
    levers: CoverageLevers = CoverageLevers(),
    *,
    assumptions: CoverageAssumptions = CoverageAssumptions(),
    years: int = 10,
    runs: int = 200,
    seed: int = 0,
    rules: Rules = RULES,
    progress: bool = False,
    slots: Slots | None = None,
) -> tuple[Figures, np.ndarray, np.ndarray]:
    """``(figures, calendar years, community ids)``: ``figures.community`` maps each figure to an
    array ``[run, year, community]`` and ``figures.street`` to ``[run, year]`` (year 0 = ledger).
    ``slots``: the ledger's :func:`ledger_slots` for these ``years`` and ``assumptions``, when
    already at hand (``ledger`` may then be None)."""
    rng = np.random.default_rng(seed)
    sample = sample_assumptions(assumptions, runs=runs, rng=rng)
    start = init_state(
        ledger, runs=1, rng=rng, rules=rules, years=years, assumptions=assumptions, levers=levers, slots=slots
    )
    chunk = max(1, CHUNK_CELLS // start.alive.shape[1])
    chunks = [slice(first, min(first + chunk, runs)) for first in range(0, runs, chunk)]
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=years * len(chunks), desc="coverage", unit="year", delay=2)
    stacked = None
    for part in chunks:
        state, part_sample = _repeat_runs(start, part.stop - part.start), sample.take(part)
        for year in range(years + 1):
            if year:
                state = step(state, levers, part_sample, rng, rules)
                if bar is not None:
                    bar.update()
            yearly = figures(state, rules)
            if stacked is None:
                stacked = Figures(
                    *({k: np.empty((runs, years + 1, *v.shape[1:])) for k, v in f.items()} for f in yearly)
                )
            for whole, values in zip(stacked, yearly, strict=True):
                for name, value in values.items():
                    whole[name][part, year] = value
    if bar is not None:
        bar.close()
    year0 = start.layout.year0
    return stacked, np.arange(year0, year0 + years + 1), start.layout.communities


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
    projection = trajectories(
        ledger,
        levers,
        assumptions=assumptions,
        years=years,
        runs=runs,
        seed=seed,
        rules=rules,
        progress=progress,
    )
    return table(*projection, scenario=scenario)


def table(
    stacked: Figures, years: np.ndarray, communities: Sequence[str], *, scenario: str = ""
) -> pd.DataFrame:
    """The long results table of a :func:`trajectories` result (street figures as ``"*"``)."""
    street = {k: v[:, :, None] for k, v in stacked.street.items()}
    return pd.concat(
        [
            results.long_table(stacked.community, years=years, communities=communities, scenario=scenario),
            results.long_table(street, years=years, communities=[STREET], scenario=scenario),
        ],
        ignore_index=True,
    )


def target_reached(table: pd.DataFrame, *, level: float, indicator: str = "npe_org_coverage") -> pd.Series:
    """Year → share of runs in which the street figure ``indicator`` has reached ``level``."""
    street = table[(table["community"] == STREET) & (table["indicator"] == indicator)]
    return (street["value"] >= level).groupby(street["year"]).mean()


def _share(part: np.ndarray, whole: np.ndarray, empty: float = np.nan) -> np.ndarray:
    """``part / whole``, and ``empty`` where ``whole`` is 0."""
    shape = np.broadcast_shapes(np.shape(part), np.shape(whole))
    return np.divide(part, whole, out=np.full(shape, empty), where=np.asarray(whole) > 0)


def _coverage(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """A coverage rate; a coverage over no units is 1.0 (met vacuously, as in workbench.indicators)."""
    return _share(part, whole, empty=1.0)


def _bounds(value: Range) -> tuple[float, float]:
    return value if isinstance(value, tuple) else (value, value)


def _spare_slots(stock: np.ndarray, arrival: float, closure: float, years: int) -> np.ndarray:
    """Spare slots per (community, kind): the most units open at once (mean at the highest arrival and lowest
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
