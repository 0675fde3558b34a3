"""Resource allocation: catalogue checks, plans within budgets and limits, the optimum against the
baselines on the sample street, inverse planning, and the allocate command."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import PlanningError
from workbench.cli import main as cli
from workbench.costs import CostError, catalogue_from_dict, load_catalogue, make_funds
from workbench.engines.allocation import check_plan, least_budget, optimise, setup, solve
from workbench.engines.baselines import METHODS, baseline
from workbench.results import COLUMNS
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
        assert plan.weighted_met >= other.weighted_met, method
        assert plan.indicators_met >= other.indicators_met, method


def test_more_money_never_meets_less(ledger):
    met = [optimise(ledger, funds=budget).weighted_met for budget in (0, 4000, 12000)]
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
    floor = lambda p: p.scores.xs(p.summary.index[-1], level="year")["score"].min()  # noqa: E731
    assert floor(lexi) >= floor(score) - 1e-9
    assert lexi.weighted_met <= score.weighted_met
    with pytest.raises(PlanningError, match="objective"):
        optimise(ledger, funds=5000, objective="happiness")


def test_all_met_counts_communities_meeting_every_have():
    catalogue = catalogue_from_dict(
        {"sign": {"cost": 100, "effects": [{"figure": "signage", "add": 1}], "limit": 1},
         "room": {"cost": 400, "effects": [{"figure": "space_m2", "add": 20}], "limit": 3}}
    )  # fmt: skip
    from tests.test_allocation_bruteforce import _indicator, _ledger
    from workbench.rubric import Rubric

    rubric = Rubric("t", {"zh": "t", "en": "t"}, (
        _indicator("venue", "signage", "is_true", None, 1),
        _indicator("venue", "space_m2", ">=", 60.0, 1),
    ))  # fmt: skip
    ledger = _ledger([0.0, 50.0], [0.0, 0.0])
    # 600 yuan: A needs 100 + 3·400, B needs 100 + 400; all_met completes B, the rest buys A a sign
    funds = make_funds(ledger, budget=600, years=1, cobuilding=False)
    plan = optimise(ledger, rubric, catalogue, funds, objective="all_met")
    assert plan.objective_value == 1
    assert plan.scores.xs(2004, level="year")["all_met"].to_dict() == {"A": False, "B": True}
    assert plan.table.groupby("community")["item"].apply(set).to_dict() == {
        "A": {"sign"},
        "B": {"sign", "room"},
    }


def test_least_budget_lists_what_money_cannot_buy(ledger):
    need = least_budget(ledger, by_year=2006)
    assert not need.feasible
    unbuyable = need.unbuyable
    assert {"team"} <= set(unbuyable["have"])
    assert ("C05", "years_since_admission") in set(
        zip(unbuyable["community"], unbuyable["indicator"], strict=True)
    )
    assert (unbuyable.loc[unbuyable["have"] == "team", "reason"] == "no_item").all()
    assert need.total == pytest.approx(need.by_year.sum())
    check_plan(setup(ledger, funds=need.plan.funds), need.plan.table)
    # every indicator money can buy is met by 2006 …
    last = need.plan.scores.xs(2006, level="year")
    blocked = set(unbuyable["community"])
    assert last.loc[~last.index.isin(blocked), "all_met"].all()
    # … and with one yuan less a year than the total, the street cannot do it
    short = need.plan.funds.sources[0].amounts
    if need.total > 0:
        cheaper = optimise(
            ledger, funds=make_funds(ledger, budget=np.maximum(np.array(short) - need.total / 3, 0), years=3)
        )
        assert cheaper.weighted_met < need.plan.weighted_met


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
