"""Full members in the succession engine: when each leaves, and who could be named a reserve.

**Leaving.** Every full member, the ledger's and the new, gets a year of leaving per run, drawn once:
death (Gompertz: a yearly hazard ``mortality_at_60`` at 60, doubling every
``mortality_doubling_years``) or moving away (``move_away_young`` a year while under
``rules.young_cadre_age``, ``move_away_older`` after), whichever comes first.

**Pools.** Reserves are named among the members of a community's own branch with
``rules.reserve_min_member_years`` of membership, young (under ``rules.young_cadre_age``) or older
(young enough to serve a full term). Whether a member is in a pool is an interval of years fixed by
their birth, admission and leaving years, so the pools are kept as counts changed by events: the
ledger's members as one table of counts per year as if none left (the same in every run; built on
first use, per rule set), less those who left, their exits scheduled as they leave; the new members
as entries and exits scheduled when they join. The years follow the rules in force at the event.
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
COHORT_SPAN = 100  # the age profile counts ages 0 … 2 × COHORT_SPAN - 1
_BLOCK = 1 << 18  # fates drawn at a time (the temporary arrays stay in the cache)
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
    """Full members' departures and pools; ``full`` counts themselves live in the engine state.

    What is known ahead is kept in two calendars (year → list of arrays): ``leaving``, the ledger's
    members leaving (``run × members + member``), and ``changes``, the counts that change in that
    year, each entry an index into :meth:`tally`'s segments (departures per ``(run, org)``, pool
    entries and pool exits per ``(run, pool, community)``).
    """

    layout: Layout
    runs: int
    exit_offset: np.ndarray  # (runs, ledger full members) int16, years after the start when each leaves
    joined_pool: np.ndarray  # (runs, 2, communities) pool changes since the start: joined less left
    joined: list[tuple[np.ndarray, ...]] = field(default_factory=list)  # new members: run, born, leaves
    leaving: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
    changes: dict[int, list[np.ndarray]] = field(default_factory=lambda: defaultdict(list))
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
        members = cls(layout=layout, runs=runs, exit_offset=exit_offset, joined_pool=pool)
        width = max(_BLOCK // runs, 1)
        index = _index_type(runs * len(age))
        run = np.arange(runs, dtype=index)[:, None] * len(age)
        for lo in range(0, len(age), width):
            block = slice(lo, lo + width)
            exit_offset[:, block] = years_to_leave(
                rng, age[None, block], hazard[:, which[block]], params, rules
            )
            flat = run + np.arange(lo, min(lo + width, len(age)), dtype=index)
            _schedule(members.leaving, layout.start_year, exit_offset[:, block].ravel(), flat.ravel())
        return members

    def _segments(self) -> tuple[int, int, int]:
        """Where the pool entries and the pool exits start among :meth:`tally`'s indices (the
        departures start at 0), and where they end."""
        entries = self.runs * len(self.layout.orgs)
        exits = entries + self.joined_pool.size
        return entries, exits, exits + self.joined_pool.size

    def tally(self, changes: list[np.ndarray]) -> np.ndarray:
        """Apply ``changes`` (indices, see the class); return the departures per ``(run, org)``."""
        entries, exits, end = self._segments()
        counts = np.bincount(np.concatenate(changes), minlength=end).astype(np.int32)
        self.joined_pool.reshape(-1)[:] += counts[entries:exits] - counts[exits:]
        return counts[:entries]

    def _book(self, year: int, offsets: np.ndarray, changes: np.ndarray) -> None:
        """Schedule ``changes`` ``offsets`` years after ``year`` (those of offset 0 now)."""
        now = offsets == 0
        if now.any():
            self.tally([changes.compress(now)])
        _schedule(self.changes, year, offsets.compress(~now), changes.compress(~now))

    def _pool_changes(self, run, community, year: int, intervals, sign: int) -> tuple[np.ndarray, np.ndarray]:
        """``(offsets, changes)``: entering (``sign`` 1) or leaving (-1) the pools at the start of
        each interval of ``intervals`` (one ``(begin, end)`` per pool) from ``year`` on, and the
        reverse at its end."""
        entries, exits, _ = self._segments()
        first, second = (entries, exits) if sign > 0 else (exits, entries)
        offsets, changes = [], []
        for cls, (begin, end) in enumerate(intervals):
            begin = np.maximum(begin, year)
            ok = begin < end
            key = (run.compress(ok) * 2 + cls) * len(self.layout.communities) + community.compress(ok)
            offsets += [begin.compress(ok) - year, end.compress(ok) - year]
            changes += [key + first, key + second]
        return np.concatenate(offsets).astype(np.int16), np.concatenate(changes)

    def leave(self, year: int, rules: Rules) -> np.ndarray:
        """``(runs, orgs)`` full members leaving at the start of ``year``; forgets them."""
        lay = self.layout
        ledger = np.concatenate(self.leaving.pop(year, [np.zeros(0, int)]))
        run, member = np.divmod(ledger, len(lay.member_org))
        out = self.tally([*self.changes.pop(year, []), run * len(lay.orgs) + lay.member_org[member]])
        # the ledger's community-branch members who leave give up their places in the pools
        mine = member < lay.n_branch_members
        run, member = run.compress(mine), member.compress(mine)
        intervals = _pool_years(lay.member_birth[member], lay.member_joined[member], np.inf, rules)
        community = lay.org_community[lay.member_org[member]]
        self._book(year, *self._pool_changes(run, community, year, intervals, -1))
        return out.reshape(self.runs, -1)

    def join(self, new: Completed, p: dict[str, np.ndarray], year: int, rules: Rules, rng) -> None:
        """Schedule the departures and pool changes of this year's new full members ``new``."""
        lay = self.layout
        age = p["new_member_age"].astype(np.float32)[new.run]
        params = member_params(p, new.run)
        stay = years_to_leave(rng, age, mortality(age, params), params, rules)
        self.joined.append((new.run, np.floor(year - age).astype(np.int16), year + stay.astype(np.int32)))
        mine = new.org < lay.n_branches
        admitted = lay.start_year + 1 + new.admitted.compress(mine) // MONTHS
        leaves = year + stay.compress(mine).astype(np.int64)
        intervals = _pool_years(year - age.compress(mine), admitted, leaves, rules)
        community = lay.org_community.take(new.org.compress(mine))
        offsets, pools = self._pool_changes(new.run.compress(mine), community, year, intervals, 1)
        departures = new.run.astype(np.int64) * len(lay.orgs) + new.org
        changes = np.concatenate([departures, pools])
        self._book(year, np.concatenate([stay, offsets]), changes.astype(_index_type(changes.max(initial=0))))

    def ages(self, year: int) -> np.ndarray:
        """``(runs, ages 0 … 2 × COHORT_SPAN - 1)``: full members present in ``year`` by age."""
        lay = self.layout
        present = self.exit_offset > year - lay.start_year
        age = np.clip(year - lay.member_birth, 0, 2 * COHORT_SPAN - 1).astype(np.int64)
        keys = np.arange(self.runs)[:, None] * 2 * COHORT_SPAN + age[None, :]
        out = np.bincount(keys[present], minlength=self.runs * 2 * COHORT_SPAN)
        for run, born, leaves in self.joined:
            here = leaves > year
            age = np.clip(year - born[here], 0, 2 * COHORT_SPAN - 1)
            out += np.bincount(run[here] * 2 * COHORT_SPAN + age, minlength=out.size)
        return out.reshape(self.runs, -1)

    def pools(self, year: int, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
        """``(young, older)`` pools of ``year``, each ``(runs, communities)``, once its members
        have left and joined."""
        table = self._existing_pools(rules)
        total = table[min(year - self.layout.start_year - 1, len(table) - 1)] + self.joined_pool
        return total[:, YOUNG].astype(float), total[:, OLDER].astype(float)

    def _existing_pools(self, rules: Rules) -> np.ndarray:
        """``(years, 2, communities)``: the ledger's members in each pool in the years after the
        start, were none to leave (the last entry, all zeros, for every later year)."""
        key = (
            rules.young_cadre_age,
            rules.retirement_age - rules.community_term_years,
            rules.reserve_min_member_years,
        )
        if key not in self._existing:
            lay = self.layout
            n, n_comm, start = lay.n_branch_members, len(lay.communities), lay.start_year + 1
            birth, joined = lay.member_birth[:n], lay.member_joined[:n]
            horizon = max(int(np.ceil(birth.max() + key[1])) - start, 0) + 1 if n else 1
            community = lay.org_community[lay.member_org[:n]]
            counts = np.zeros((horizon + 1, 2, n_comm), dtype=np.int64)
            for cls, (begin, end) in enumerate(_pool_years(birth, joined, np.inf, rules)):
                begin = np.clip(begin, start, start + horizon).astype(np.int64) - start
                end = np.maximum(np.clip(end, start, start + horizon).astype(np.int64) - start, begin)
                np.add.at(counts, (begin, cls, community), 1)
                np.add.at(counts, (end, cls, community), -1)
            self._existing[key] = np.cumsum(counts, axis=0).astype(np.int32)
        return self._existing[key]


def _index_type(size: int) -> type:
    """The narrowest integer type indexing ``size`` items."""
    return np.int32 if size < np.iinfo(np.int32).max else np.int64


def _schedule(book: dict[int, list[np.ndarray]], base: int, offsets: np.ndarray, items: np.ndarray) -> None:
    """Append each of ``items`` to ``book[base + offset]`` for its offset (int16, radix-sorted)."""
    if not len(offsets):
        return
    order = np.argsort(offsets, kind="stable")
    offsets, items = offsets[order], items[order]
    cuts = (np.flatnonzero(offsets[1:] != offsets[:-1]) + 1).tolist()
    firsts = [0, *cuts]
    for year, first, last in zip((offsets[firsts] + base).tolist(), firsts, [*cuts, len(items)], strict=True):
        book[year].append(items[first:last])


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
