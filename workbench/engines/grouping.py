"""Joint-branch grouping (联合支部组建): which small units to put together, and how.

A unit with fewer than ``rules.min_members_own_branch`` full members cannot set up its own branch;
it may join a **joint branch** of neighbouring units: at most ``rules.joint_branch_max_units``
units with at least ``rules.joint_branch_min_members`` full members in all. A unit with no member
cannot join one (it gets work coverage only), so the candidates are the units without an
organisation that have 1 … ``min_members_own_branch - 1`` full members.

Two units are *neighbours* when one of the communities they sit in or co-build with (共建) is the
same as, or adjacent to (``neighbours`` of the communities sheet), one of the other's. A joint
branch must be made of pairwise neighbours.

The best grouping covers the most units, then uses the fewest joint branches, then mixes the
fewest trades (a group's *mismatch* is its number of distinct trades minus one; an unknown trade
matches nothing). It is found as a set-packing integer programme over every feasible group,
solved exactly one connected component of the neighbour graph at a time: a component of at most
``SEARCH_LIMIT`` units by exhaustive search with memory (the size of a community's candidates),
a larger one by HiGHS (:func:`scipy.optimize.milp`) with a zero optimality gap, at most
``PIECE_SECONDS`` each (a piece not proven optimal by then keeps the solver's best and makes the
result inexact). A component larger than
``exact_limit`` units (a city's built-up area is one component) is cut into pieces — one per
community, in chunks of at most ``exact_limit`` units of sorted trade — solved exactly, and the
units left over are then grouped across communities in a second pass. That result is no longer
proven optimal, so :class:`Grouping` states an upper bound on coverage (units that some feasible
group could hold) and the gap to it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from ..ledger import Ledger
from ..schema import split_refs
from ..settings import RULES, Rules

EXACT_LIMIT = 24
"""Largest component (units) solved as one exact block."""
PIECE_SECONDS = 0.25
"""Solver time allowed per piece."""
SEARCH_LIMIT = 14
"""Largest piece (units) solved by exhaustive search rather than by the solver."""


@dataclass(frozen=True)
class Grouping:
    """A proposed set of joint branches.

    ``assignment`` has one row per candidate unit: ``unit, community, trade, members, group``
    (``group`` is -1 for a unit left out). ``upper_bound`` is a proven ceiling on the units any
    grouping could cover; ``exact`` says whether every block was solved as a whole.
    """

    assignment: pd.DataFrame
    covered: int
    groups: int
    mismatch: int
    upper_bound: int
    exact: bool

    @property
    def gap(self) -> float:
        """Share of the coverage ceiling not reached (0 when proven optimal in coverage)."""
        return 0.0 if self.upper_bound == 0 else (self.upper_bound - self.covered) / self.upper_bound


def full_members_by_unit(ledger: Ledger) -> pd.Series:
    """Full members (正式党员) per unit id (units without any are absent)."""
    members = ledger.members
    return members.loc[members["status"] == "full"].groupby("unit").size()


def organised_units(ledger: Ledger) -> dict[str, str]:
    """Unit id → kind of the established organisation covering it (own or joint)."""
    orgs = ledger.party_orgs
    out: dict[str, str] = {}
    for kind, refs in orgs.loc[orgs["status"] == "established", ["kind", "units"]].itertuples(index=False):
        for unit in split_refs(refs):
            out[unit] = kind
    return out


def adjacency(ledger: Ledger) -> dict[str, frozenset[str]]:
    """Community id → adjacent community ids (made symmetric)."""
    near: dict[str, set[str]] = {c: set() for c in ledger.communities["id"]}
    for community, refs in ledger.communities[["id", "neighbours"]].itertuples(index=False):
        for other in split_refs(refs):
            near[community].add(other)
            near.setdefault(other, set()).add(community)
    return {c: frozenset(n - {c}) for c, n in near.items()}


def candidates(ledger: Ledger, *, rules: Rules = RULES) -> pd.DataFrame:
    """Units without an established organisation and with 1 … own-branch minimum − 1 full members.

    Columns ``unit, community, kind, trade, members, reach`` (``reach``: co-built communities).
    """
    units = ledger.units
    members = units["id"].map(full_members_by_unit(ledger)).fillna(0).astype(int)
    organised = units["id"].isin(list(organised_units(ledger)))
    keep = ~organised & (members >= 1) & (members < rules.min_members_own_branch)
    reach = ledger.cobuilding.groupby("unit")["community"].agg(tuple)
    out = pd.DataFrame(
        {
            "unit": units["id"],
            "community": units["community"],
            "kind": units["kind"],
            "trade": units["trade"],
            "members": members,
        }
    )[keep.to_numpy()]
    out["reach"] = [reach.get(u, ()) for u in out["unit"]]
    return out.reset_index(drop=True)


def propose(ledger: Ledger, *, rules: Rules = RULES, exact_limit: int = EXACT_LIMIT) -> Grouping:
    """The best joint branches for the ledger's units without organisation."""
    return group_units(
        candidates(ledger, rules=rules), adjacency(ledger), rules=rules, exact_limit=exact_limit
    )


def group_units(
    units: pd.DataFrame,
    adjacency: Mapping[str, Iterable[str]],
    *,
    rules: Rules = RULES,
    exact_limit: int = EXACT_LIMIT,
    seconds: float = PIECE_SECONDS,
) -> Grouping:
    """Group ``units`` (columns ``unit, community, members``; optional ``trade``, ``reach``).

    Each piece gets at most ``seconds`` of the solver; a piece not proven optimal by then keeps
    the best grouping found and makes the result inexact.
    """
    n = len(units)
    if n == 0:
        return Grouping(units.assign(group=pd.Series(dtype=np.int64)), 0, 0, 0, 0, True)
    members = units["members"].to_numpy(dtype=np.int64)
    trades = list(units["trade"]) if "trade" in units else [None] * n
    near = neighbours(units, adjacency)
    n_comp, comp = connected_components(_matrix(near, n), directed=False)
    sizes = np.bincount(comp, minlength=n_comp)
    pieces = [list(np.flatnonzero(comp == c)) for c in range(n_comp) if 1 < sizes[c] <= exact_limit]
    big = np.flatnonzero(sizes[comp] > exact_limit)
    pieces += _community_chunks(big, units, exact_limit)
    group = np.full(n, -1, dtype=np.int64)
    chosen, exact = _solve(pieces, near, members, trades, rules, seconds)
    _assign(group, chosen)
    if len(big):
        left = [int(i) for i in big if group[i] < 0]
        inside = set(left)
        _, comp_left = connected_components(_matrix([near[i] & inside for i in range(n)], n), directed=False)
        by_comp: dict[int, list[int]] = {}
        for i in left:
            by_comp.setdefault(int(comp_left[i]), []).append(i)
        second = [chunk for p in by_comp.values() for chunk in _chunks(p, units, exact_limit)]
        _assign(group, _solve(second, near, members, trades, rules, seconds)[0])
    assignment = (
        units[["unit", "community"]].assign(trade=trades, members=members, group=group).reset_index(drop=True)
    )
    groups = [np.flatnonzero(group == g) for g in range(int(group.max()) + 1)]
    return Grouping(
        assignment=assignment,
        covered=int((group >= 0).sum()),
        groups=len(groups),
        mismatch=sum(mismatch([trades[i] for i in g]) for g in groups),
        upper_bound=_upper_bound(near, members, rules),
        exact=exact and len(big) == 0,
    )


def _assign(group: np.ndarray, chosen: list[tuple[int, ...]]) -> None:
    """Number the ``chosen`` groups after those already in ``group``."""
    for g, cols in enumerate(chosen, start=int(group.max()) + 1):
        group[list(cols)] = g


def mismatch(trades: Iterable[str | None]) -> int:
    """Distinct trades in a group minus one; each unknown trade counts as distinct."""
    trades = list(trades)
    known = {t for t in trades if t is not None}
    return len(known) + sum(t is None for t in trades) - 1


def neighbours(units: pd.DataFrame, adjacency: Mapping[str, Iterable[str]]) -> list[set[int]]:
    """For each unit, the indices of the other units it may share a joint branch with."""
    reach = list(units["reach"]) if "reach" in units else [()] * len(units)
    homes = [{c, *r} for c, r in zip(units["community"], reach, strict=True)]
    at: dict[str, list[int]] = {}
    for i, home in enumerate(homes):
        for c in home:
            at.setdefault(c, []).append(i)
    out = []
    for i, home in enumerate(homes):
        close = set(home).union(*(adjacency.get(c, ()) for c in home))
        out.append({j for c in close for j in at.get(c, ())} - {i})
    return out


def _matrix(near: list[set[int]], n: int) -> sparse.csr_matrix:
    rows = [i for i, s in enumerate(near) for _ in s]
    cols = [j for s in near for j in s]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _chunks(indices: list[int], units: pd.DataFrame, size: int) -> list[list[int]]:
    """``indices`` sorted by trade then members, cut into runs of at most ``size``."""
    trade = units["trade"].fillna("").to_numpy() if "trade" in units else np.full(len(units), "")
    order = sorted(indices, key=lambda i: (trade[i], -int(units["members"].iat[i]), i))
    return [order[k : k + size] for k in range(0, len(order), size) if len(order[k : k + size]) > 1]


def _community_chunks(indices: np.ndarray, units: pd.DataFrame, size: int) -> list[list[int]]:
    by_community: dict[str, list[int]] = {}
    for i in indices:
        by_community.setdefault(units["community"].iat[i], []).append(int(i))
    return [chunk for group in by_community.values() for chunk in _chunks(group, units, size)]


def _feasible_groups(piece: list[int], near: list[set[int]], members: np.ndarray, rules: Rules):
    """Every set of pairwise-neighbour units in ``piece`` that may form a joint branch."""
    piece = sorted(piece)

    def extend(group: tuple[int, ...], total: int, allowed: list[int]):
        if len(group) >= 2 and total >= rules.joint_branch_min_members:
            yield group
        if len(group) == rules.joint_branch_max_units:
            return
        for k, j in enumerate(allowed):
            yield from extend((*group, j), total + members[j], [i for i in allowed[k + 1 :] if i in near[j]])

    for k, i in enumerate(piece):
        yield from extend((i,), members[i], [j for j in piece[k + 1 :] if j in near[i]])


def _solve(pieces, near, members, trades, rules: Rules, seconds: float) -> tuple[list[tuple[int, ...]], bool]:
    """The chosen groups of every piece, each piece its own programme (one joint programme over
    many independent pieces is far slower for the branch-and-bound), and whether all were proven
    optimal within ``seconds`` each."""
    chosen, proven = [], True
    for piece in pieces:
        groups, optimal = _solve_piece(piece, near, members, trades, rules, seconds)
        chosen += groups
        proven &= optimal
    return chosen, proven


def _solve_piece(piece, near, members, trades, rules: Rules, seconds: float) -> tuple[list, bool]:
    """The best groups of one piece: by :func:`_search_piece` up to ``SEARCH_LIMIT`` units, else a
    set-packing programme over its feasible groups."""
    if len(piece) <= SEARCH_LIMIT:
        return _search_piece(piece, near, members, trades, rules), True
    columns = list(_feasible_groups(piece, near, members, rules))
    if len(columns) <= 1:
        return columns, True
    value = np.array(_values(columns, trades, len(piece), rules), float)
    rows = np.concatenate([np.asarray(g) for g in columns])
    cols = np.repeat(np.arange(len(columns)), [len(g) for g in columns])
    units_used = np.unique(rows)
    row_of = np.searchsorted(units_used, rows)
    matrix = sparse.csr_matrix((np.ones(len(rows)), (row_of, cols)), shape=(len(units_used), len(columns)))
    # a set partition: one more column per unit, "left out" (value 0), makes the rows equalities
    matrix = sparse.hstack([matrix, sparse.identity(len(units_used))]).tocsr()
    result = milp(
        -np.r_[value, np.zeros(len(units_used))],
        constraints=LinearConstraint(matrix, 1, 1),
        integrality=np.ones(matrix.shape[1]),
        bounds=(0, 1),
        options={"mip_rel_gap": 0.0, "time_limit": seconds},
    )
    if result.x is None:  # no incumbent within the time limit: leave the piece ungrouped
        return [], False
    picked = np.flatnonzero(result.x[: len(columns)] > 0.5)
    return [columns[k] for k in picked], result.status == 0


def _values(groups: list[tuple[int, ...]], trades, n: int, rules: Rules) -> list[int]:
    """Each group's worth in a piece of ``n`` units: one more unit covered outweighs any number of
    groups, one group fewer outweighs any mismatch."""
    w_groups = (rules.joint_branch_max_units - 1) * n + 1
    w_units = (w_groups + rules.joint_branch_max_units) * n + 1
    return [w_units * len(g) - w_groups - mismatch(trades[i] for i in g) for g in groups]


def _search_piece(piece, near, members, trades, rules: Rules) -> list[tuple[int, ...]]:
    """The best groups of a small piece by exhaustive search with memory: the piece's first free
    unit is either left out or in one of its feasible groups, and the rest is solved the same way.
    Far faster than the solver's set-up and branching on pieces of a community's size."""
    piece = sorted(piece)
    bit = {unit: 1 << k for k, unit in enumerate(piece)}
    options: dict[int, list] = {unit: [] for unit in piece}
    groups = list(_feasible_groups(piece, near, members, rules))  # each starts with its first unit
    for group, value in zip(groups, _values(groups, trades, len(piece), rules), strict=True):
        options[group[0]].append((sum(bit[i] for i in group), value, group))

    @functools.cache
    def best(free: int) -> tuple[int, tuple]:
        """The value and the groups of the best packing of the ``free`` units."""
        if not free:
            return 0, ()
        first = piece[(free & -free).bit_length() - 1]
        out = best(free & ~bit[first])
        for mask, value, group in options[first]:
            if mask & free == mask:
                rest, chosen = best(free & ~mask)
                if rest + value > out[0]:
                    out = (rest + value, (*chosen, group))
        return out

    return list(best(sum(bit.values()))[1])


def _upper_bound(near: list[set[int]], members: np.ndarray, rules: Rules) -> int:
    """Units that pass a necessary test for joining some joint branch: their members plus those of
    their ``max_units - 1`` largest neighbours reach the joint-branch minimum."""
    extra = rules.joint_branch_max_units - 1
    count = 0
    for i, others in enumerate(near):
        best = sorted((members[j] for j in others), reverse=True)[:extra]
        count += bool(best) and members[i] + sum(best) >= rules.joint_branch_min_members
    return count
