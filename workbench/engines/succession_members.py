"""Full members in the succession engine: when each leaves, and who could be named a reserve.

**Leaving.** Every full member, the ledger's and the new, gets a year of leaving per run, drawn once:
death (Gompertz: a yearly hazard ``mortality_at_60`` at 60, doubling every
``mortality_doubling_years``) or moving away (``move_away_young`` a year while under
``rules.young_cadre_age``, ``move_away_older`` after), whichever comes first.

**Pools.** Reserves are named among the members of a community's own branch with
``rules.reserve_min_member_years`` of membership, young (under ``rules.young_cadre_age``) or older
(young enough to serve a full term). Whether a member is in a pool is an interval of years fixed by
their birth, admission and leaving years, so the pools are kept as counts changed by events: the
ledger's members as one table of counts per year (built on first use, per rule set), the new
members as entries and exits scheduled when they join.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from ..settings import Rules
from .succession_layout import Layout
from .succession_pipeline import MONTHS, Completed

MORTALITY_REFERENCE_AGE = 60
"""The age at which ``SuccessionAssumptions.mortality_at_60`` holds."""
YOUNG, OLDER = 0, 1
COHORT_SPAN = 100  # years: ages and birth years kept for the age profile
_BLOCK = 1 << 22  # fates drawn at a time (bounds the temporary arrays)
_MEMBER_PARAMS = ("mortality_at_60", "mortality_doubling_years", "move_away_young", "move_away_older")


def mortality(age, p: dict[str, np.ndarray]):
    """The yearly death hazard at ``age`` (Gompertz), for ages and assumptions that broadcast."""
    return p["mortality_at_60"] * np.exp2((age - MORTALITY_REFERENCE_AGE) / p["mortality_doubling_years"])


def years_to_leave(
    rng: np.random.Generator, age: np.ndarray, hazard: np.ndarray, p: dict[str, np.ndarray], rules: Rules
) -> np.ndarray:
    """Whole years (≥ 1, int16) until each person leaves, by death or by moving away.

    ``hazard`` (:func:`mortality` at ``age``) has the output's shape; ``age`` and the assumptions
    ``p`` (those of :data:`_MEMBER_PARAMS`, float32) broadcast to it. Death comes at the Gompertz
    hazard growing with age, moving at the young rate until ``rules.young_cadre_age`` and the older
    rate after; both are continuous times, floored.
    """
    shape = hazard.shape
    ratio = np.exp2(1 / p["mortality_doubling_years"])
    death = rng.standard_exponential(shape, dtype=np.float32)
    death *= (ratio - 1) / hazard
    np.log1p(death, out=death)
    death /= np.log(ratio)
    young_rate, older_rate = -np.log1p(-p["move_away_young"]), -np.log1p(-p["move_away_older"])
    young_hazard = young_rate * np.maximum(rules.young_cadre_age - age, 0)  # cumulated until the switch
    move = rng.standard_exponential(shape, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        move = np.where(
            move < young_hazard,
            move / young_rate,
            np.maximum(rules.young_cadre_age - age, 0) + (move - young_hazard) / older_rate,
        )
    np.minimum(death, move, out=death)
    return np.minimum(np.floor(death) + 1, np.iinfo(np.int16).max).astype(np.int16)


def member_params(p: dict[str, np.ndarray], index=slice(None)) -> dict[str, np.ndarray]:
    """The assumptions :func:`years_to_leave` reads, float32, at ``index``."""
    return {name: p[name].astype(np.float32)[index] for name in _MEMBER_PARAMS}


@dataclass
class Members:
    """Full members' departures and pools; ``full`` counts themselves live in the engine state."""

    layout: Layout
    runs: int
    exit_offset: np.ndarray  # (runs, ledger full members) int16, years after the start when each leaves
    joined_pool: np.ndarray  # (runs, 2, communities) new members in each pool
    cohorts: np.ndarray  # (runs, birth years from start_year - COHORT_SPAN on) new members present
    departures: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))  # (run, org)
    entries: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))  # pool keys
    exits: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
    leaving_cohorts: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
    _existing: dict[tuple, np.ndarray] = field(default_factory=dict)

    @classmethod
    def start(cls, layout: Layout, p: dict[str, np.ndarray], runs: int, rng, rules: Rules) -> Members:
        """The ledger's full members, each with a year of leaving per run."""
        age = (layout.start_year - layout.member_birth).astype(np.float32)
        params = member_params(p, (slice(None), None))
        ages, which = np.unique(age, return_inverse=True)
        hazard = mortality(ages[None, :], params)  # once per distinct age
        exit_offset = np.empty((runs, len(age)), dtype=np.int16)
        pool = np.zeros((runs, 2, len(layout.communities)), dtype=np.int32)
        cohorts = np.zeros((runs, 2 * COHORT_SPAN), dtype=np.int32)
        members = cls(layout=layout, runs=runs, exit_offset=exit_offset, joined_pool=pool, cohorts=cohorts)
        width = max(_BLOCK // runs, 1)
        run = np.arange(runs, dtype=np.int32)[:, None] * len(layout.orgs)
        for lo in range(0, len(age), width):
            block = slice(lo, lo + width)
            exit_offset[:, block] = years_to_leave(
                rng, age[None, block], hazard[:, which[block]], params, rules
            )
            keys = run + layout.member_org[block].astype(np.int32)
            _schedule(members.departures, layout.start_year, exit_offset[:, block].ravel(), keys.ravel())
        return members

    def leave(self, year: int) -> np.ndarray:
        """``(runs, orgs)`` full members leaving at the start of ``year``; forgets them."""
        lay = self.layout
        keys = self.departures.pop(year, [np.zeros(0, np.int32)])
        out = np.bincount(np.concatenate(keys), minlength=self.runs * len(lay.orgs))
        gone = self.leaving_cohorts.pop(year, [])
        if gone:
            self.cohorts.reshape(-1)[:] -= np.bincount(
                np.concatenate(gone), minlength=self.cohorts.size
            ).astype(np.int32)
        return out.reshape(self.runs, -1).astype(np.int32)

    def join(self, new: Completed, p: dict[str, np.ndarray], year: int, rules: Rules, rng) -> None:
        """Schedule the departures and pool changes of this year's new full members ``new``."""
        lay = self.layout
        age = p["new_member_age"].astype(np.float32)[new.run]
        params = member_params(p, new.run)
        stay = years_to_leave(rng, age, mortality(age, params), params, rules)
        _schedule(self.departures, year, stay, new.run * len(lay.orgs) + new.org)
        leaves = year + stay.astype(np.int64)
        born = np.floor(year - age).astype(np.int64) - lay.start_year + COHORT_SPAN
        cohort = new.run * self.cohorts.shape[1] + np.clip(born, 0, self.cohorts.shape[1] - 1)
        self.cohorts.reshape(-1)[:] += np.bincount(cohort, minlength=self.cohorts.size).astype(np.int32)
        _schedule(self.leaving_cohorts, year, stay, cohort)
        mine = new.org < lay.n_branches
        admitted = lay.start_year + 1 + new.admitted[mine] // MONTHS
        intervals = _pool_years(year - age[mine], admitted, leaves[mine], rules)
        community = lay.org_community[new.org[mine]]
        for cls, (begin, end) in enumerate(intervals):
            begin = np.maximum(begin, year)
            ok = begin < end
            key = (new.run[mine][ok] * 2 + cls) * len(lay.communities) + community[ok]
            _schedule(self.entries, year, (begin[ok] - year).astype(np.int16), key)
            _schedule(self.exits, year, (end[ok] - year).astype(np.int16), key)

    def ages(self, year: int) -> np.ndarray:
        """``(runs, ages 0 … 2 × COHORT_SPAN - 1)``: full members present in ``year`` by age."""
        lay = self.layout
        present = self.exit_offset > year - lay.start_year
        age = np.clip(year - lay.member_birth, 0, 2 * COHORT_SPAN - 1).astype(np.int64)
        keys = np.arange(self.runs)[:, None] * 2 * COHORT_SPAN + age[None, :]
        out = np.bincount(keys[present], minlength=self.runs * 2 * COHORT_SPAN).reshape(self.runs, -1)
        # new members by birth year: index i is born start_year - COHORT_SPAN + i
        shift = year - lay.start_year + COHORT_SPAN
        born = np.arange(self.cohorts.shape[1])
        np.add.at(out, (slice(None), np.clip(shift - born, 0, 2 * COHORT_SPAN - 1)), self.cohorts)
        return out

    def pools(self, year: int, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
        """``(young, older)`` pools of ``year``, each ``(runs, communities)``; call once a year."""
        flat = self.joined_pool.reshape(-1)
        for book, sign in ((self.entries, 1), (self.exits, -1)):
            keys = book.pop(year, [])
            if keys:
                flat += sign * np.bincount(np.concatenate(keys), minlength=flat.size).astype(np.int32)
        table = self._existing_pools(rules)
        existing = table[min(year - self.layout.start_year - 1, len(table) - 1)]
        total = existing + self.joined_pool
        return total[:, YOUNG].astype(float), total[:, OLDER].astype(float)

    def _existing_pools(self, rules: Rules) -> np.ndarray:
        """``(years, runs, 2, communities)``: the ledger's members in each pool in the years after
        the start (the last entry, all zeros, for every later year)."""
        key = (
            rules.young_cadre_age,
            rules.retirement_age - rules.community_term_years,
            rules.reserve_min_member_years,
        )
        if key in self._existing:
            return self._existing[key]
        lay, runs = self.layout, self.runs
        n, n_comm = lay.n_branch_members, len(lay.communities)
        start = lay.start_year + 1
        birth, joined = lay.member_birth[:n], lay.member_joined[:n]
        horizon = max(int(np.ceil(birth.max() + key[1])) - start, 0) + 1 if n else 1
        counts = np.zeros((horizon + 1) * runs * 2 * n_comm, dtype=np.int64)
        community = lay.org_community[lay.member_org[:n]]
        run = np.arange(runs)[:, None]
        leaves = lay.start_year + self.exit_offset[:, :n].astype(np.int32)
        for cls, (begin, end) in enumerate(_pool_years(birth, joined, leaves, rules)):
            begin = np.clip(begin, start, start + horizon).astype(np.int64) - start
            end = np.clip(end, start, start + horizon).astype(np.int64) - start
            end = np.maximum(end, begin)  # never entered: no change
            entries = np.bincount(
                begin * 2 * n_comm + cls * n_comm + community, minlength=(horizon + 1) * 2 * n_comm
            )
            counts.reshape(horizon + 1, runs, -1)[:] += entries.reshape(horizon + 1, 1, -1)
            counts -= np.bincount(
                (((end * runs + run) * 2 + cls) * n_comm + community).ravel(), minlength=counts.size
            )
        table = np.cumsum(counts.reshape(horizon + 1, runs, 2, n_comm), axis=0).astype(np.int32)
        self._existing[key] = table
        return table


def _schedule(book: dict[int, list[np.ndarray]], base: int, offsets: np.ndarray, items: np.ndarray) -> None:
    """Append each of ``items`` to ``book[base + offset]`` for its offset (int16, radix-sorted)."""
    if not len(offsets):
        return
    order = np.argsort(offsets, kind="stable")
    years, first = np.unique(offsets[order], return_index=True)
    for year, part in zip(years, np.split(items[order], first[1:]), strict=True):
        book[base + int(year)].append(part)


def _pool_years(birth, admitted, leaves, rules: Rules) -> tuple[tuple, tuple]:
    """``((begin, end), (begin, end))``: the years ``[begin, end)`` a member is in the young and the
    older pool, given the years of birth, admission and leaving (arrays that broadcast)."""
    standing = admitted + rules.reserve_min_member_years
    young_until = np.ceil(birth + rules.young_cadre_age)
    older_until = np.ceil(birth + rules.retirement_age - rules.community_term_years)
    return (
        (standing, np.minimum(young_until, leaves)),
        (np.maximum(standing, young_until), np.minimum(older_until, leaves)),
    )
