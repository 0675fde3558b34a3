"""Sweeps: the Latin hypercube, the factors applied to the scenario, and a ranking that finds the
factor a known function depends on — and the budget on the sample street."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench import ScenarioError
from workbench.scenario import load_scenario
from workbench.sweep import Factor, apply, design, outcomes, sweep
from workbench.synth import sample_ledger

FACTORS = [
    Factor("allocation.budget", 0.0, 40_000.0),
    Factor("succession.training_slots", 0.0, 8.0),
    Factor("coverage_assumptions.npe_arrival", 0.02, 0.12),
]


def known(scenario, *, ledger, runs, seed, year, rules):
    """A stand-in for the projection: the budget matters most, training a little, arrival not."""
    budget = scenario.allocation.budget / 40_000
    slots = scenario.succession.training_slots / 8
    mean_met = 20 * budget + 2 * slots
    return float(budget > 0.5), mean_met


def test_the_design_is_a_latin_hypercube_in_the_ranges():
    values = design(FACTORS, samples=16, seed=3)
    assert values.shape == (16, 3)
    for j, f in enumerate(FACTORS):
        strata = np.floor((values[:, j] - f.low) / (f.high - f.low) * 16).astype(int)
        assert sorted(strata) == list(range(16))  # one sample in each sixteenth of every range
    np.testing.assert_array_equal(values, design(FACTORS, samples=16, seed=3))
    assert not np.array_equal(values, design(FACTORS, samples=16, seed=4))


def test_apply_rounds_whole_levers_and_fixes_assumptions():
    base = load_scenario("remedies")
    s = apply(base, FACTORS, [12_345.6, 3.6, 0.07])
    assert s.allocation.budget == 12_345.6
    assert s.succession.training_slots == 4 and isinstance(s.succession.training_slots, int)
    assert s.coverage_assumptions.npe_arrival == (0.07, 0.07)
    assert s.coverage == base.coverage  # other groups untouched
    flagged = apply(
        base, [Factor("allocation.cobuilding", 0, 1), Factor("coverage.instructors", 0, 9)], [0.2, 4.4]
    )
    assert flagged.allocation.cobuilding is False and flagged.coverage.instructors == 4


def test_the_ranking_finds_the_factor_a_known_function_depends_on():
    result = sweep("remedies", FACTORS, samples=40, runs=1, seed=5, evaluate=known)
    ranking = result.ranking()
    assert list(ranking["factor"]) == [f.name for f in FACTORS]
    assert ranking.loc[0, "prcc"] > 0.99 and abs(ranking.loc[2, "prcc"]) < 0.5
    # the outcome is linear in the (rounded) factors: the regression explains it all
    sample = result.samples
    x = (sample[[f.name for f in FACTORS]] - sample[[f.name for f in FACTORS]].mean()) / sample[
        [f.name for f in FACTORS]
    ].std(ddof=0)
    y = (sample["mean_met"] - sample["mean_met"].mean()) / sample["mean_met"].std(ddof=0)
    expected = np.linalg.lstsq(x.to_numpy(), y.to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(ranking.set_index("factor").loc[x.columns, "src"], expected, atol=1e-9)
    assert ranking["src"].iloc[0] > 5 * abs(ranking["src"].iloc[1])


def test_tornado_and_worst_ranges_point_at_low_budgets():
    result = sweep("remedies", FACTORS, samples=40, runs=1, seed=5, evaluate=known)
    tornado = result.tornado().set_index("factor")
    budget = tornado.loc["allocation.budget"]
    assert budget["high"] - budget["low"] > 10  # 20 × (7/8 − 1/8) on average
    swing = (tornado["high"] - tornado["low"]).abs()
    assert swing.idxmax() == "allocation.budget"
    assert set(result.tornado(lang="zh")["factor"]) != set(tornado.index)  # labelled
    worst = result.worst_ranges().set_index("factor")
    assert worst.index[0] == "allocation.budget"
    assert worst.loc["allocation.budget", "worst_high"] < 0.4 * 40_000  # the worst quarter: low budgets
    assert worst.loc["coverage_assumptions.npe_arrival", "narrowing"] < 0.5
    p = result.ranking("p_all").set_index("factor")
    assert p.index[0] == "allocation.budget"
    assert 0 < result.baseline("p_all") < 1


def test_the_same_seed_gives_the_same_sweep():
    a = sweep("remedies", FACTORS, samples=8, seed=1, evaluate=known).samples
    b = sweep("remedies", FACTORS, samples=8, seed=1, evaluate=known).samples
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize(
    ("factor", "named"),
    [
        (Factor("allocation.budgett", 0, 1), "allocation.budgett"),
        (Factor("transport.buses", 0, 1), "transport.buses"),
        (Factor("allocation.objective", 0, 1), "allocation.objective"),
        (Factor("allocation.budget", 5, 1), "allocation.budget"),
    ],
)
def test_a_wrong_factor_is_named(factor, named):
    with pytest.raises(ScenarioError, match=named.replace(".", r"\.")):
        sweep("remedies", [factor], samples=4, evaluate=known)


def test_outcomes_count_runs_and_pairs_by_hand():
    index = pd.MultiIndex.from_product([[0, 1], [2004, 2005], ["A", "B"]], names=["run", "year", "community"])
    scores = pd.DataFrame(
        {
            "x_met": [1, 1, 1, 1, 1, 0, 1, 0],
            "y_met": [0, 0, 1, 1, 1, 0, 0, 1],
        },
        index=index,
    ).astype(bool)
    scores["all_met"] = scores["x_met"] & scores["y_met"]
    p_all, mean_met = outcomes(scores, ("x", "y"), 2005)
    assert p_all == 0.5  # run 0: both communities meet both; run 1: neither meets all
    assert mean_met == (4 + 2) / 2


def test_on_the_sample_street_the_budget_outranks_a_factor_with_no_effect():
    scenario = load_scenario("as_is").with_changes(horizon=3)
    factors = [Factor("allocation.budget", 0.0, 20_000.0), Factor("coverage.target_coverage", 0.0, 1.0)]
    result = sweep(scenario, factors, samples=10, runs=8, seed=2, ledger=sample_ledger(), executor="serial")
    assert result.year == 2006
    assert result.samples[["p_all"]].stack().between(0, 1).all()
    ranking = result.ranking()
    assert ranking.loc[0, "factor"] == "allocation.budget"
    assert ranking.loc[0, "prcc"] > 0.5


def test_the_sweep_command_prints_the_ranking(tmp_path, capsys):
    from workbench.cli import main
    from workbench.scenario import save_scenario

    path = save_scenario(load_scenario("remedies").with_changes(horizon=2), tmp_path / "short.yaml")
    argv = ["sweep", str(path), "--factor", "succession.training_slots", "0", "8", "--factor",
            "coverage.instructors", "0", "6", "--samples", "4", "--runs", "3", "--serial"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "4 组取值" in out and "评估年份 2005" in out
    assert "后备干部培训名额" in out and "党建指导员人数" in out
    assert main([*argv[:4], "9", "1", "--lang", "en"]) == 2  # low above high: an error, named
    assert "succession.training_slots" in capsys.readouterr().err


def test_the_year_judged_must_lie_in_the_horizon():
    result = sweep("remedies", FACTORS[:1], samples=4, year=2005, evaluate=known)
    assert result.year == 2005
    for year in (2003, 2014):
        with pytest.raises(ScenarioError, match=str(year)):
            sweep("remedies", FACTORS[:1], samples=4, year=year, evaluate=known)
