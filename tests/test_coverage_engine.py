"""The coverage engine: a hand-worked case, the rules every year in every run, and the plain
reference (tests/coverage_reference.py) in distribution."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from tests import coverage_reference as reference
from workbench import results
from workbench.engines import coverage
from workbench.ledger import Ledger
from workbench.settings import RULES
from workbench.synth import sample_ledger, synthetic_ledger

STILL = coverage.CoverageAssumptions(
    npe_arrival=0.0,
    npe_closure=0.0,
    social_org_arrival=0.0,
    social_org_closure=0.0,
    transfer_out=0.0,
    transfer_in=0.0,
    admissions=dict.fromkeys(coverage.KINDS, 0.0),
)


def _ledger(b_members: int) -> Ledger:
    """A (2 full + 1 probationary), B, C in a joint branch; D, E, F without members; G with its own."""
    units = pd.DataFrame(
        {
            "id": list("ABCDEFG"),
            "name": list("ABCDEFG"),
            "community": ["C1"] * 7,
            "kind": ["non_public_enterprise"] * 5 + ["social_org", "government"],
            "employees": [40, 20, 20, 100, 50, 10, 30],
            "instructor": [False, False, False, True, False, False, False],
        }
    )
    people = [("A", "full")] * 2 + [("A", "probationary")] + [("B", "full")] * b_members
    people += [("C", "full")] + [("G", "full")] * 5
    members = pd.DataFrame(
        {
            "id": [f"m{i}" for i in range(len(people))],
            "org": ["P1"] * len(people),
            "unit": [u for u, _ in people],
            "birth_year": 1970,
            "joined": pd.Timestamp("1995-07-01"),
            "status": [s for _, s in people],
        }
    )
    orgs = pd.DataFrame(
        {
            "id": ["P1", "J1"],
            "name": ["G支部", "联合支部"],
            "kind": ["branch", "joint_branch"],
            "status": ["established", "established"],
            "units": ["G", "A;B;C"],
        }
    )
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["示范街道"], "year": [2003]}),
        communities=pd.DataFrame({"id": ["C1"], "name": ["汇丰"], "households": [500]}),
        units=units,
        party_orgs=orgs,
        members=members,
    )


def _street(table: pd.DataFrame, year: int) -> pd.Series:
    rows = table[(table["community"] == coverage.STREET) & (table["year"] == year)]
    return rows.groupby("indicator")["value"].mean()


@pytest.mark.parametrize("grouping", [True, False])
def test_hand_worked_case_with_one_known_admission(grouping):
    levers = coverage.CoverageLevers(instructors=1, instructor_caseload=2, grouping=grouping)
    table = coverage.simulate(_ledger(1), levers, assumptions=STILL, years=2, runs=3, seed=1)
    start, after = _street(table, 2003), _street(table, 2004)
    # 2003: A, B, C in the joint branch and G on its own; D has the ledger's instructor.
    assert start["org_coverage"] == pytest.approx(4 / 7)
    assert start["npe_org_coverage"] == pytest.approx(3 / 5)
    assert start["work_coverage"] == pytest.approx(5 / 7)
    assert (start["orgs.joint_branch"], start["orgs.branch"], start["joint_units"]) == (1, 1, 3)
    # 2004: A's probationary member is full, so A has 3 and its own branch; B and C (1 + 1) cannot
    # keep a joint branch; the instructor takes the two largest units without members, D and E.
    assert after["org_coverage"] == pytest.approx(2 / 7)
    assert after["npe_org_coverage"] == pytest.approx(1 / 5)
    assert after["social_org_coverage"] == 0
    assert after["work_coverage"] == pytest.approx(4 / 7)
    assert (after["orgs.joint_branch"], after["orgs.branch"], after["uncovered_units"]) == (0, 2, 3)
    assert after["instructor_load"] == 2
    assert after["org_coverage.government"] == 1
    assert table.groupby(["year", "indicator", "community"])["value"].nunique().max() == 1  # no chance


def test_hand_worked_regrouping_forms_a_new_joint_branch():
    levers = coverage.CoverageLevers(instructors=0)
    table = coverage.simulate(_ledger(2), levers, assumptions=STILL, years=1, runs=2, seed=0)
    after = _street(table, 2004)
    # A leaves for its own branch; B (2) and C (1) make a joint branch of 3 members.
    assert (after["orgs.joint_branch"], after["joint_units"], after["orgs.branch"]) == (1, 2, 2)
    assert after["org_coverage"] == pytest.approx(4 / 7)
    # Without the grouping policy the old branch keeps B and C, still valid with 3 members.
    kept = coverage.simulate(
        _ledger(2), replace(levers, grouping=False), assumptions=STILL, years=1, runs=2, seed=0
    )
    assert _street(kept, 2004)["joint_units"] == 2


def _check_invariants(state: coverage.CoverageState, rules=RULES):
    alive, full, own, joint = state.alive, state.full, state.own, state.joint
    assert (full >= 0).all() and (state.probation >= 0).all()
    assert not (~alive & (own | (joint >= 0) | state.instructed | (full > 0))).any()
    assert (full[own] >= rules.min_members_own_branch).all()  # no own branch below the minimum
    assert not (own & (joint >= 0)).any()  # no unit counted twice
    assert not (state.instructed & (own | (joint >= 0) | (full > 0))).any()
    r, s = np.nonzero(joint >= 0)
    groups = pd.DataFrame({"run": r, "id": joint[r, s], "full": full[r, s], "slot": s})
    sizes = groups.groupby(["run", "id"]).agg(units=("slot", "size"), full=("full", "sum"))
    assert (sizes["units"] <= rules.joint_branch_max_units).all()
    assert (sizes["units"] >= 2).all()
    assert (sizes["full"] >= rules.joint_branch_min_members).all()
    assert (joint[r, joint[r, s]] == joint[r, s]).all()  # a group is named after one of its units
    assert (full[joint >= 0] < rules.min_members_own_branch).all()
    assert (full[joint >= 0] >= 1).all()


@pytest.mark.parametrize(
    ("ledger", "levers"),
    [
        (sample_ledger(), coverage.CoverageLevers(instructors=3, recruitment_drive=4)),
        (sample_ledger(), coverage.CoverageLevers(grouping=False)),
        (synthetic_ledger(12, seed=2), coverage.CoverageLevers(instructors=5, recruitment_drive=10)),
    ],
)
def test_rules_hold_every_year_in_every_run(ledger, levers):
    rng = np.random.default_rng(7)
    assumptions = coverage.CoverageAssumptions(npe_arrival=(0.1, 0.3), npe_closure=(0.05, 0.2))
    sample = coverage.sample_assumptions(assumptions, runs=50, rng=rng)
    state = coverage.init_state(ledger, runs=50, rng=rng, years=8, assumptions=assumptions, levers=levers)
    for _ in range(8):
        state = coverage.step(state, levers, sample, rng)
        _check_invariants(state)
        figures = coverage.figures(state)
        covered = figures.street["units"] - figures.street["uncovered_units"]
        org = figures.street["org_coverage"] * figures.street["units"]
        assert np.allclose(covered, org + figures.street["instructed_units"])
        assert np.allclose(figures.community["units"].sum(axis=1), figures.street["units"])


@pytest.mark.parametrize(("seed", "chunk_cells"), [(0, None), (1, 200), (2, None)])
def test_engine_matches_the_plain_reference_in_distribution(seed, chunk_cells, monkeypatch):
    if chunk_cells is not None:  # a city's runs go in chunks: here one to three runs each
        monkeypatch.setattr(coverage, "CHUNK_CELLS", chunk_cells)
    ledger = sample_ledger()
    levers = coverage.CoverageLevers(instructors=2, instructor_caseload=3, recruitment_drive=3)
    assumptions = coverage.CoverageAssumptions(npe_arrival=(0.05, 0.15))
    years = 5
    table = coverage.simulate(ledger, levers, assumptions=assumptions, years=years, runs=600, seed=seed)
    runs = reference.simulate(ledger, levers, assumptions, years=years, runs=300, seed=100 + seed)
    for name in (
        "org_coverage",
        "npe_org_coverage",
        "work_coverage",
        "units",
        "uncovered_units",
        "orgs.joint_branch",
    ):
        values, _, _ = results.cube(table[table["community"] == coverage.STREET], name)
        engine = values[:, :, 0]
        ref = np.array([[year[name] for year in run] for run in runs])
        for y in (1, 3, years):
            a, b = engine[:, y], ref[:, y]
            error = np.sqrt(a.var() / len(a) + b.var() / len(b))
            assert abs(a.mean() - b.mean()) <= 4.5 * error + 1e-9, (name, y, a.mean(), b.mean())


def test_seed_reproduces_and_year_zero_is_the_ledger():
    ledger = sample_ledger()
    one = coverage.simulate(ledger, years=3, runs=20, seed=5, scenario="base")
    two = coverage.simulate(ledger, years=3, runs=20, seed=5, scenario="base")
    pd.testing.assert_frame_equal(one, two)
    assert list(one.columns) == list(results.COLUMNS)
    assert set(one["year"]) == {2003, 2004, 2005, 2006} and set(one["scenario"]) == {"base"}
    zero = one[one["year"] == 2003].groupby(["community", "indicator"])["value"].nunique(dropna=False)
    assert zero.max() == 1
    # the sample street: 14 of 49 units have an established organisation of their own
    assert _street(one, 2003)["org_coverage"] == pytest.approx(14 / 49)
    values, _, communities = results.cube(one, "npe_org_coverage")
    assert values.shape == (20, 4, 7) and coverage.STREET in communities


def test_slots_prepared_once_give_the_same_runs_and_stay_unchanged():
    ledger = sample_ledger()
    slots = coverage.ledger_slots(ledger, years=3)
    alone = coverage.trajectories(ledger, years=3, runs=20, seed=5)[0]
    shared = [coverage.trajectories(ledger, years=3, runs=20, seed=5, slots=slots)[0] for _ in range(2)]
    for figures in shared:
        for name, values in alone.community.items():
            np.testing.assert_array_equal(figures.community[name], values)
    with pytest.raises(ValueError, match="read-only"):  # shared by every chunk: no run may write to it
        slots.full[0] = 1


def test_more_instructors_and_a_recruitment_drive_raise_coverage():
    ledger = sample_ledger()
    low = coverage.simulate(ledger, coverage.CoverageLevers(instructors=0), years=6, runs=200, seed=3)
    high = coverage.simulate(
        ledger, coverage.CoverageLevers(instructors=4, recruitment_drive=8), years=6, runs=200, seed=3
    )
    assert _street(high, 2009)["work_coverage"] > _street(low, 2009)["work_coverage"] + 0.05
    assert _street(high, 2009)["npe_org_coverage"] > _street(low, 2009)["npe_org_coverage"] + 0.05


def test_target_reached_is_a_share_of_runs_by_year():
    table = coverage.simulate(
        sample_ledger(), coverage.CoverageLevers(recruitment_drive=10), years=4, runs=50, seed=0
    )
    reached = coverage.target_reached(table, level=0.2)
    assert list(reached.index) == [2003, 2004, 2005, 2006, 2007]
    assert reached.between(0, 1).all() and reached.iloc[0] == 0


def test_regrouping_is_the_reference_greedy_rule_in_every_run_and_community():
    rng = np.random.default_rng(4)
    state = coverage.init_state(synthetic_ledger(12, seed=3), runs=30, rng=rng)
    lay = state.layout
    full = np.where(rng.random(state.full.shape) < 0.4, rng.integers(0, 4, state.full.shape), 0)
    small = (full >= 1) & (full < RULES.min_members_own_branch)
    joint = coverage.regroup(lay, small, full.astype(np.int32))
    units = [reference.Unit(lay.communities[c], "", 0.0) for c in lay.community]
    for run in range(full.shape[0]):
        for unit, members in zip(units, full[run], strict=True):
            unit.full, unit.joint = int(members), None
        reference._greedy(units, list(np.flatnonzero(small[run])), RULES)
        expected = [-1 if u.joint is None else u.joint[1] for u in units]
        assert joint[run].tolist() == expected


def test_instructors_go_to_the_lowest_ranks_in_every_run():
    rng = np.random.default_rng(5)
    mask = rng.random((40, 30)) < 0.5
    rank = rng.permutation(30).astype(np.int32)
    for count in (0, 1, 7, 30):
        picked = coverage._first_by_rank(mask, rank, count)
        for row, chosen in zip(mask, picked, strict=True):
            best = sorted(np.flatnonzero(row), key=lambda s: rank[s])[:count]
            assert sorted(np.flatnonzero(chosen)) == sorted(best)
