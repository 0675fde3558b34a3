"""Resource allocation: catalogue checks, plans within budgets and limits, the optimum against the
baselines on the sample street, inverse planning, and the allocate command."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_allocation_bruteforce import _indicator, _ledger
from workbench import PlanningError
from workbench.cli import main as cli
from workbench.costs import CostError, catalogue_from_dict, load_catalogue, make_funds
from workbench.engines.allocation import check_plan, least_budget, optimise, setup, solve
from workbench.engines.baselines import CURVE_COLUMNS, METHODS, baseline, budget_curve
from workbench.results import COLUMNS
from workbench.rubric import Rubric
from workbench.scorecard import passes
from workbench.synth import sample_ledger


@pytest.fixture(scope="module")
def ledger():
    return sample_ledger()


def test_default_catalogue_loads_with_prices_and_limits():
    catalogue = load_catalogue()
    assert catalogue.price_year == 2003
    table = catalogue.table("en")
    assert {"signage", "television", "space_rent", "work_funds"} <= set(table["item"])
    assert (table["cost"] > 0).all()
    assert catalogue.items[catalogue.ids.index("signage")].limit == 1


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"cost": -1, "effects": [{"figure": "signage", "add": 1}], "limit": 1}, "cost"),
        ({"cost": 5, "effects": [{"figure": "no_such", "add": 1}], "limit": 1}, "effects"),
        ({"cost": 5, "effects": [{"figure": "signage", "add": 1}], "limit": 3}, "limit"),
        ({"cost": 5, "per": "weekly", "effects": [{"figure": "space_m2", "add": 1}], "limit": 1}, "per"),
        ({"cost": 5, "effects": [{"figure": "two_machines_one_room", "add": 1}], "limit": 1}, "effects"),
        ({"cost": 5, "effects": [{"figure": "space_m2", "add": 1}], "limit": "nobody"}, "limit"),
        (
            {
                "label": {"zh": "每 1", "000 元": None, "en": "x"},
                "cost": 5,
                "limit": 1,
                "effects": [{"figure": "space_m2", "add": 1}],
            },
            "label",
        ),  # an unquoted comma in YAML
    ],
)
def test_bad_catalogue_names_item_and_field(spec, field):
    with pytest.raises(CostError, match=f"item 'x', field '{field}'"):
        catalogue_from_dict({"x": spec})


def test_bad_catalogue_file_is_a_planning_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "items: {sign: {cost: 10, effects: [{figure: signage, add: 2}], limit: 1}}\n", encoding="utf-8"
    )
    with pytest.raises(PlanningError, match="sign"):
        load_catalogue(path)


@pytest.mark.parametrize("budget", [3000, 8000, 20000])
def test_optimum_beats_every_baseline_within_budget_and_limits(ledger, budget):
    prob = setup(ledger, funds=budget)
    plan = solve(prob)
    check_plan(prob, plan.table)
    assert plan.status == "optimal"
    for method in METHODS:
        other = baseline(prob, method)
        check_plan(prob, other.table)
        assert plan.objective_value >= other.objective_value, method


def test_more_money_never_meets_less(ledger):
    met = [optimise(ledger, funds=budget).objective_value for budget in (0, 4000, 12000)]
    assert met == sorted(met)
    assert met[-1] > met[0]


def test_zero_budget_uses_only_the_pledges(ledger):
    plan = optimise(ledger, funds=0)
    assert set(plan.table["source"]) <= {"cobuilding:C01", "cobuilding:C02"}
    assert (plan.table.groupby("community")["source"].first().index.isin(["C01", "C02"])).all()


def test_overspending_or_a_foreign_tie_is_caught(ledger):
    prob = setup(ledger, funds=1000)
    plan = solve(prob)
    bad = plan.table.copy()
    bad.loc[len(bad)] = ("C03", int(prob.years[0]), "television", 1.0, 2000.0, "cobuilding:C01")
    with pytest.raises(PlanningError, match="cannot pay"):
        check_plan(prob, bad)
    bad.loc[len(bad) - 1] = ("C03", int(prob.years[0]), "television", 1.0, 2000.0, "street")
    bad.loc[len(bad)] = ("C03", int(prob.years[0]), "signage", 1.0, 300.0, "street")
    with pytest.raises(PlanningError, match="overspent"):
        check_plan(prob, bad)


def test_grants_pay_only_for_their_tagged_items(ledger):
    funds = make_funds(
        ledger, budget=0, years=3, grants=[{"id": "venue", "amount": 20000, "tags": ["venue"]}]
    )
    plan = optimise(ledger, funds=funds)
    items = plan.table.loc[plan.table["source"] == "grant:venue", "item"]
    catalogue = load_catalogue()
    assert len(items) > 0
    assert all("venue" in catalogue.items[catalogue.ids.index(i)].tags for i in items)


def test_figures_by_year_and_long_results(ledger):
    plan = optimise(ledger, funds=8000, years=3)
    years = plan.figures_by_year.index.get_level_values("year").unique().tolist()
    assert years == [2003, 2004, 2005, 2006]
    results = plan.results("budget 8000")
    assert tuple(results.columns) == COLUMNS
    assert (results["run"] == 0).all()
    space = plan.figures_by_year["space_m2"].unstack("community")
    assert (space.diff().dropna() >= 0).all().all() or (plan.table["item"] == "space_rent").any()
    assert plan.summary["indicators_met"].iloc[-1] == plan.indicators_met


def test_equity_floor_spreads_money_and_an_impossible_floor_is_refused(ledger):
    plan = optimise(ledger, funds=6000, years=2, equity_floor=1000)
    spent = plan.table.groupby("community")["cost"].sum()
    assert (spent.reindex(ledger.communities["id"], fill_value=0) >= 1000 - 1e-6).all()
    with pytest.raises(PlanningError, match="equity floor"):
        optimise(ledger, funds=1000, years=2, equity_floor=10_000)


def test_objectives(ledger):
    score = optimise(ledger, funds=5000, objective="score")
    lexi = optimise(ledger, funds=5000, objective="lexicographic")
    years = score.summary.index[1:]  # the plan years
    floors = lambda p: p.scores["score"].groupby(level="year").min()[years].sum()  # noqa: E731
    assert floors(lexi) >= floors(score) - 1e-9
    assert lexi.objective_value <= score.objective_value
    with pytest.raises(PlanningError, match="objective"):
        optimise(ledger, funds=5000, objective="happiness")


def _rubric(*indicators) -> Rubric:
    return Rubric("t", {"zh": "t", "en": "t"}, tuple(_indicator(*i) for i in indicators))


def test_earlier_purchases_count_for_more_years():
    catalogue = catalogue_from_dict(
        {"sign": {"cost": 100, "effects": [{"figure": "signage", "add": 1}], "limit": 1},
         "pack": {"cost": 300, "limit": 1, "effects": [{"figure": f, "add": 1} for f in
                                                       ("rules_in_place", "ledger_kept", "study_materials")]}}
    )  # fmt: skip
    rubric = _rubric(
        *(("venue", f, "is_true", None, 1) for f in ("signage", "study_materials")),
        *(("activities", f, "is_true", None, 1) for f in ("rules_in_place", "ledger_kept")),
    )
    ledger = _ledger([0.0, 50.0], [0.0, 0.0])
    # 100 yuan a year, carried over: a sign in 2004 and one in 2005 meet 3 + 2 = 5 indicator-years;
    # saving for the pack meets 3 indicators in the last year, but 3 indicator-years in all
    plan = optimise(ledger, rubric, catalogue, make_funds(ledger, budget=100, years=3, cobuilding=False))
    assert plan.objective_value == 5
    assert sorted(plan.table["year"]) == [2004, 2005]
    assert set(plan.table["item"]) == {"sign"}
    assert plan.summary["weighted_met"].tolist() == [0, 1, 2, 2]


@pytest.mark.parametrize(("years", "value"), [(1, 1), (2, 2)])
def test_all_met_counts_communities_meeting_every_have_in_every_year(years, value):
    catalogue = catalogue_from_dict(
        {"sign": {"cost": 100, "effects": [{"figure": "signage", "add": 1}], "limit": 1},
         "room": {"cost": 400, "effects": [{"figure": "space_m2", "add": 20}], "limit": 3}}
    )  # fmt: skip
    rubric = _rubric(("venue", "signage", "is_true", None, 1), ("venue", "space_m2", ">=", 60.0, 1))
    ledger = _ledger([0.0, 50.0], [0.0, 0.0])
    # 600 yuan a year: A needs 100 + 3·400, B needs 100 + 400; all_met completes B at once (in every
    # year after), the rest buys A a sign; A's 1,300 yuan is out of reach within two years
    funds = make_funds(ledger, budget=600, years=years, cobuilding=False)
    plan = optimise(ledger, rubric, catalogue, funds, objective="all_met")
    assert plan.objective_value == value
    assert plan.scores.xs(2004, level="year")["all_met"].to_dict() == {"A": False, "B": True}
    first = plan.table[plan.table["year"] == 2004]
    assert first.groupby("community")["item"].apply(set).to_dict() == {"A": {"sign"}, "B": {"sign", "room"}}


def test_least_budget_lists_what_money_cannot_buy(ledger):
    need = least_budget(ledger, by_year=2006)
    assert not need.feasible
    unbuyable = need.unbuyable
    assert {"team"} <= set(unbuyable["have"])
    assert ("C05", "years_since_admission") in set(
        zip(unbuyable["community"], unbuyable["indicator"], strict=True)
    )
    assert (unbuyable.loc[unbuyable["have"] == "team", "reason"] == "no_item").all()
    # the split by year is the street money the plan spends each year
    assert need.by_year.index.tolist() == [2004, 2005, 2006]
    assert need.total == pytest.approx(need.by_year.sum())
    street = need.plan.spending()["street"].reindex(need.by_year.index, fill_value=0.0)
    assert np.ceil(street - 1e-6).tolist() == need.by_year.tolist()
    check_plan(setup(ledger, funds=need.plan.funds), need.plan.table)
    # every deciding indicator money can buy is met by 2006
    rubric = setup(ledger, funds=0).rubric
    met = passes(need.plan.figures_by_year.xs(2006, level="year"), rubric).stack()
    blocked = set(zip(unbuyable["community"], unbuyable["indicator"], strict=True))
    required = [i.id for i in rubric.indicators if i.required]
    assert all(met[c, k] for c, k in met.index if k in required and (c, k) not in blocked)


def test_least_budget_is_the_least(ledger):
    need = least_budget(ledger, by_year=2004)
    assert need.total > 0
    enough = optimise(ledger, funds=need.total, years=1)
    short = optimise(ledger, funds=need.total - 1, years=1)
    assert short.weighted_met < need.plan.weighted_met <= enough.weighted_met


def test_budget_curve_sets_the_optimum_beside_every_baseline(ledger):
    curve = budget_curve(ledger, [0, 6000], years=2)
    assert tuple(curve.columns) == CURVE_COLUMNS
    wide = curve.pivot(index="budget", columns="method", values="objective")
    assert sorted(wide.columns) == sorted(["optimum", *METHODS])
    assert (wide["optimum"] >= wide[list(METHODS)].max(axis=1)).all()
    assert wide["optimum"].is_monotonic_increasing and wide["optimum"].iloc[-1] > wide["optimum"].iloc[0]
    assert (curve["per_year"] * 2 == curve["objective"]).all()


def test_allocate_command_writes_a_workbook_and_refuses_to_overwrite(tmp_path, capsys):
    from workbench.ledger_io import write_ledger

    source = tmp_path / "street.xlsx"
    write_ledger(sample_ledger(), source)
    out = tmp_path / "plan.xlsx"
    assert (
        cli(["allocate", str(source), "--budget", "8000", "--years", "2", "--out", str(out), "--lang", "en"])
        == 0
    )
    assert out.exists()
    assert "optimal" in capsys.readouterr().out
    assert cli(["allocate", str(source), "--budget", "8000", "--out", str(out)]) == 1
    assert (
        cli(["allocate", str(source), "--budget", "8000", "--years", "2", "--out", str(out), "--force"]) == 0
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget=st.integers(0, 30_000), years=st.integers(1, 4), carry=st.booleans())
def test_greedy_stays_within_means_and_never_beats_the_exact_optimum(ledger, budget, years, carry):
    prob = setup(ledger, funds=make_funds(ledger, budget=budget, years=years, carry_over=carry))
    greedy = baseline(prob, "greedy")
    check_plan(prob, greedy.table)
    exact = solve(prob, tie_breaks=False)
    if exact.method == "milp" and exact.status == "optimal":  # the default gap: the exact optimum
        assert greedy.objective_value <= exact.objective_value


def test_a_solve_cut_short_falls_back_to_the_greedy_plan(ledger):
    prob = setup(ledger, funds=8000)
    plan = solve(prob, time_limit=1e-9)
    check_plan(prob, plan.table)
    assert (plan.status, plan.method) == ("heuristic", "greedy")
    assert len(plan.table) and plan.objective_value > solve(setup(ledger, funds=0.0)).objective_value
    best = solve(prob)
    # the gap is measured against the relaxation's bound, so it covers the distance to the optimum
    assert np.isfinite(plan.gap)
    assert plan.gap >= (best.objective_value - plan.objective_value) / plan.objective_value - 1e-9
    with pytest.raises(PlanningError, match="time_limit"):  # the greedy plan ignores an equity floor
        solve(prob, time_limit=1e-9, equity_floor=100.0)


def test_the_non_street_share_is_planned_only_where_other_money_can_lift_it(ledger):
    from workbench.engines.allocation_model import SHARE_FIGURE, build

    def share_variables(cobuilding: bool) -> np.ndarray:
        funds = make_funds(ledger, budget=10_000, years=3, cobuilding=cobuilding)
        model = build(setup(ledger, funds=funds))
        k = next(k for k, i in enumerate(model.prob.rubric.indicators) if i.figure == SHARE_FIGURE)
        return (model.met[k] >= 0).any(axis=0)

    street_only, pledged = share_variables(False), share_variables(True)
    assert not street_only.any()  # street money can only lower the share: nothing to plan
    communities = setup(ledger).communities
    assert set(communities[pledged]) <= {"C01", "C02"} and pledged.any()  # where pledges pay in


def test_a_large_model_keeps_the_greedy_plan_only_when_the_relaxation_proves_it(ledger, monkeypatch):
    from workbench.engines import allocation
    from workbench.synth import synthetic_ledger

    monkeypatch.setattr(allocation, "GREEDY_FIRST_ABOVE", 0)  # every model counts as large
    small = synthetic_ledger(6, seed=0)
    kept = optimise(small, funds=make_funds(small, budget=20_000, years=5), mip_rel_gap=0.02)
    assert (kept.method, kept.status) == ("greedy", "optimal") and 0 <= kept.gap <= 0.02
    monkeypatch.setattr(allocation, "GREEDY_FIRST_ABOVE", 10**9)  # the search, for comparison
    searched = optimise(small, funds=make_funds(small, budget=20_000, years=5), mip_rel_gap=0.0)
    assert searched.method == "milp"
    assert kept.objective_value >= searched.objective_value - 0.02 * searched.objective_value
    monkeypatch.setattr(allocation, "GREEDY_FIRST_ABOVE", 0)
    tight = optimise(ledger, funds=make_funds(ledger, budget=10_000, years=10), mip_rel_gap=0.02)
    assert tight.method == "milp"  # on the sample street the greedy plan is not provably close


def test_the_greedy_plan_buys_and_bundles_and_keeps_grants_for_funds(ledger):
    funds = make_funds(ledger, budget=40_000, years=3, grants=[{"id": "higher", "amount": 10_000}])
    prob = setup(ledger, funds=funds)
    plan = baseline(prob, "greedy")
    met = passes(plan.figures_by_year, prob.rubric)["two_machines_one_room"]
    assert met.xs(ledger.year, level="year").sum() < len(prob.communities)  # some lack the set today
    assert met.xs(prob.years[-1], level="year").all()  # television, player and room bought together
    street_spent = plan.spending()["street"]
    assert (street_spent < funds.sources[0].amounts[0]).all()  # the street had money to spare …
    grant_items = plan.table.loc[plan.table["source"] == "grant:higher", "item"]
    assert set(grant_items) == {"work_funds"}  # … so the grant paid only into funds (the share)


def test_a_grant_pays_into_funds_only_as_far_as_it_lifts_the_share(ledger):
    funds = make_funds(ledger, budget=40_000, years=3, grants=[{"id": "higher", "amount": 6_000}])
    prob = setup(ledger, funds=funds)

    def share_years(plan) -> int:
        met = passes(plan.figures_by_year, prob.rubric)["non_street_funds_share"]
        return int(met.drop(index=ledger.year, level="year").sum())

    # a grant spent whole on a few communities' funds would leave the others short of it
    assert share_years(baseline(prob, "greedy")) >= share_years(solve(prob)) > 0


def test_only_plans_within_the_gap_of_the_relaxation_are_sought_first():
    from scipy.sparse import csr_array

    from workbench.engines.allocation import _near_bound

    # maximise x + y over whole numbers 0..1 with 2x + 2y ≤ cap: the relaxation reaches cap / 2
    def near(cap: float):
        goal, bounds = np.ones(2), (np.zeros(2), np.ones(2), np.ones(2))
        return _near_bound(
            goal, *bounds, csr_array([[2.0, 2.0]]), np.array([-np.inf]), np.array([cap]), 10.0, 0.02
        )

    assert near(3.0) is None  # bound 1.5: no whole plan within 2% of it (the best is 1)
    found = near(4.0)  # bound 2, met by x = y = 1
    assert found is not None and np.allclose(found.x, [1.0, 1.0])


def test_a_plan_near_the_bound_skips_the_full_search_and_loses_nothing(ledger, monkeypatch):
    from workbench.engines import allocation

    rows = []  # the rows of each programme solved: one more when a target is set
    milp = allocation._milp
    monkeypatch.setattr(
        allocation, "_milp", lambda goal, *a, **k: rows.append(a[3].shape[0]) or milp(goal, *a, **k)
    )

    def planned(budget: float, grant: float):
        grants = [{"id": "higher", "amount": grant}] if grant else []
        prob = setup(ledger, funds=make_funds(ledger, budget=budget, years=10, grants=grants))
        rows.clear()
        fast = solve(prob, mip_rel_gap=0.02)
        solved = [r - min(rows) for r in rows]  # 0: the programme as built, 1: with the target
        return fast, solved, solve(prob)

    fast, solved, exact = planned(40_000, 10_000)  # tight relaxation: a plan within 2% of it exists
    assert solved == [0, 1, 0, 0]  # relaxation, target (kept), thrift, polish: no full search
    assert fast.objective_value == exact.objective_value and fast.gap <= 0.02
    fast, solved, exact = planned(20_000, 0)  # loose relaxation: the target is proven out of reach
    assert solved == [0, 1, 0, 0, 0]  # relaxation, target, full search, thrift, polish
    assert exact.objective_value - fast.objective_value <= 0.02 * fast.objective_value
