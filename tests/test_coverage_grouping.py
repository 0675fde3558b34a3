"""Joint-branch grouping: exact against brute force, and the rules on every group."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.engines import grouping
from workbench.ledger import Ledger
from workbench.settings import RULES

TRADES = ("retail", "catering", "logistics", None)


def _brute_force(units: pd.DataFrame, adjacency, rules) -> tuple[int, int, int]:
    """Best (covered, groups, mismatch) over every packing of feasible groups, by enumeration."""
    members = units["members"].tolist()
    trades = list(units["trade"])
    where = list(units["community"])
    n = len(units)

    def near(i, j):
        return where[i] == where[j] or where[j] in adjacency[where[i]]

    def feasible(group):
        return (
            2 <= len(group) <= rules.joint_branch_max_units
            and sum(members[i] for i in group) >= rules.joint_branch_min_members
            and all(near(i, j) for i in group for j in group)
        )

    def subsets(first, rest):
        """Groups containing ``first`` drawn from ``rest``."""
        for mask in range(1 << len(rest)):
            yield (first, *(r for k, r in enumerate(rest) if mask >> k & 1))

    best = (0, 0, 0)  # (covered, -groups, -mismatch) maximised

    def search(free: list[int], covered, groups, mis):
        nonlocal best
        best = max(best, (covered, -groups, -mis))
        if not free:
            return
        first, rest = free[0], free[1:]
        search(rest, covered, groups, mis)  # first stays out
        for group in subsets(first, rest):
            if feasible(group):
                remaining = [i for i in rest if i not in group]
                m = grouping.mismatch(trades[i] for i in group)
                search(remaining, covered + len(group), groups + 1, mis + m)

    search(list(range(n)), 0, 0, 0)
    return best[0], -best[1], -best[2]


@st.composite
def small_cases(draw):
    n_comm = draw(st.integers(1, 4))
    communities = [f"C{i}" for i in range(n_comm)]
    edges = draw(st.sets(st.tuples(st.sampled_from(communities), st.sampled_from(communities)), max_size=4))
    adjacency = {c: set() for c in communities}
    for a, b in edges:
        if a != b:
            adjacency[a].add(b)
            adjacency[b].add(a)
    n = draw(st.integers(0, 8))
    units = pd.DataFrame(
        {
            "unit": [f"U{i}" for i in range(n)],
            "community": draw(st.lists(st.sampled_from(communities), min_size=n, max_size=n)),
            "members": draw(st.lists(st.integers(1, 2), min_size=n, max_size=n)),
            "trade": draw(st.lists(st.sampled_from(TRADES), min_size=n, max_size=n)),
        }
    )
    return units, adjacency


def _check_rules(result: grouping.Grouping, units, adjacency, rules):
    near = grouping.neighbours(units, adjacency)
    table = result.assignment
    for _, rows in table[table["group"] >= 0].groupby("group"):
        assert 2 <= len(rows) <= rules.joint_branch_max_units
        assert rows["members"].sum() >= rules.joint_branch_min_members
        idx = rows.index.tolist()
        assert all(j in near[i] for i in idx for j in idx if i != j)
    assert table["unit"].is_unique


@settings(max_examples=60, deadline=None)
@given(small_cases())
def test_grouping_matches_brute_force_on_small_cases(case):
    units, adjacency = case
    result = grouping.group_units(units, adjacency)
    assert result.exact
    assert (result.covered, result.groups, result.mismatch) == _brute_force(units, adjacency, RULES)
    _check_rules(result, units, adjacency, RULES)
    assert result.covered <= result.upper_bound


@settings(max_examples=20, deadline=None)
@given(small_cases(), st.integers(2, 4), st.integers(2, 4))
def test_grouping_follows_changed_rules(case, max_units, min_members):
    units, adjacency = case
    rules = replace(RULES, joint_branch_max_units=max_units, joint_branch_min_members=min_members)
    result = grouping.group_units(units, adjacency, rules=rules)
    assert (result.covered, result.groups, result.mismatch) == _brute_force(units, adjacency, rules)
    _check_rules(result, units, adjacency, rules)


@pytest.mark.parametrize("seed", range(6))
def test_solver_and_search_agree_with_brute_force(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 10))
    units = pd.DataFrame(
        {
            "unit": [f"U{i}" for i in range(n)],
            "community": rng.choice(["C0", "C1", "C2"], n),
            "members": rng.integers(1, 3, n),
            "trade": rng.choice(np.array(TRADES, dtype=object), n),
        }
    )
    adjacency = {"C0": {"C1"}, "C1": {"C0", "C2"}, "C2": {"C1"}}
    expected = _brute_force(units, adjacency, RULES)
    searched = grouping.group_units(units, adjacency)
    monkeypatch.setattr(grouping, "SEARCH_LIMIT", 0)  # every piece to the integer programme
    solved = grouping.group_units(units, adjacency, seconds=10.0)
    for result in (searched, solved):
        assert result.exact
        assert (result.covered, result.groups, result.mismatch) == expected
        _check_rules(result, units, adjacency, RULES)


def test_hand_worked_grouping_prefers_coverage_then_fewer_groups_then_one_trade():
    # C1: two 2-member shops and two 1-member shops; C2 (not adjacent) holds a lone 2-member unit.
    units = pd.DataFrame(
        {
            "unit": ["a", "b", "c", "d", "e"],
            "community": ["C1", "C1", "C1", "C1", "C2"],
            "members": [2, 2, 1, 1, 2],
            "trade": ["retail", "retail", "retail", "catering", "retail"],
        }
    )
    result = grouping.group_units(units, {"C1": set(), "C2": set()})
    # a, b, c, d all fit in one joint branch (4 units, 6 members): one group beats two.
    assert result.covered == 4 and result.groups == 1 and result.mismatch == 1
    assert result.assignment.set_index("unit").loc["e", "group"] == -1
    assert result.upper_bound == 4 and result.gap == 0
    # Once C1 and C2 are adjacent, e joins as the fifth unit.
    joined = grouping.group_units(units, {"C1": {"C2"}, "C2": {"C1"}})
    assert (joined.covered, joined.groups) == (5, 1)


def test_big_components_are_cut_and_report_a_gap_bound():
    rng = np.random.default_rng(3)
    n_comm, n = 40, 200
    communities = [f"C{i}" for i in range(n_comm)]
    adjacency = {
        c: {communities[(i - 1) % n_comm], communities[(i + 1) % n_comm]} for i, c in enumerate(communities)
    }
    units = pd.DataFrame(
        {
            "unit": [f"U{i}" for i in range(n)],
            "community": rng.choice(communities, n),
            "members": rng.integers(1, 3, n),
            "trade": rng.choice(["retail", "catering"], n),
        }
    )
    result = grouping.group_units(units, adjacency, exact_limit=12)
    assert not result.exact
    _check_rules(result, units, adjacency, RULES)
    assert result.covered <= result.upper_bound
    assert result.gap < 0.05


def test_candidates_and_proposal_read_the_ledger():
    ledger = Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["示范街道"], "year": [2003]}),
        communities=pd.DataFrame(
            {
                "id": ["C1", "C2"],
                "name": ["汇丰", "燕兴"],
                "households": [100, 100],
                "neighbours": ["C2", None],
            }
        ),
        units=pd.DataFrame(
            {
                "id": ["u1", "u2", "u3", "u4"],
                "name": list("abcd"),
                "community": ["C1", "C2", "C1", "C1"],
                "kind": ["non_public_enterprise"] * 4,
                "trade": ["retail"] * 4,
            }
        ),
        party_orgs=pd.DataFrame(
            {
                "id": ["P1", "P2"],
                "name": ["x", "y"],
                "kind": ["branch", "branch"],
                "status": ["established", "preparing"],
                "units": ["u4", "u3"],
            }
        ),
        members=pd.DataFrame(
            {
                "id": [f"m{i}" for i in range(8)],
                "org": ["P1"] * 8,
                "unit": ["u1", "u1", "u2", "u3", "u4", "u4", "u4", "u1"],
                "birth_year": [1970] * 8,
                "joined": pd.to_datetime(["1990-01-01"] * 8),
                "status": ["full"] * 7 + ["probationary"],
            }
        ),
    )
    found = grouping.candidates(ledger)
    assert found.set_index("unit")["members"].to_dict() == {"u1": 2, "u2": 1, "u3": 1}
    proposal = grouping.propose(ledger)
    assert (proposal.covered, proposal.groups) == (3, 1)


@pytest.mark.parametrize("trade", [["retail", "retail", None], [None, None, None]])
def test_mismatch_counts_unknown_trades_as_distinct(trade):
    assert grouping.mismatch(trade) == len({t for t in trade if t}) + trade.count(None) - 1
