"""Comparing scenarios: every number checked against the raw results table or the plan."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench import plots
from workbench._errors import ScenarioError
from workbench.cli import main as cli
from workbench.compare import ALL, compare, summarise, when_text
from workbench.runner import run
from workbench.store import ScenarioStore

RUNS, SEED = 30, 11


def where(frame: pd.DataFrame, **equal) -> pd.DataFrame:
    """The rows of ``frame`` whose columns equal the values given."""
    mask = np.logical_and.reduce([frame[column] == value for column, value in equal.items()])
    return frame[mask]


@pytest.fixture(scope="module")
def results():
    return {name: run(name, runs=RUNS, seed=SEED, progress=False) for name in ("as_is", "remedies")}


@pytest.fixture(scope="module")
def store(results, tmp_path_factory):
    path = tmp_path_factory.mktemp("compare") / "store.sqlite"
    with ScenarioStore(path) as store:
        for result in results.values():
            result.save(store)
    return path


@pytest.fixture(scope="module")
def comparison(results, store):
    with ScenarioStore(store) as opened:
        return compare([opened.load("as_is"), opened.load("remedies")])


def test_expected_communities_by_year_are_mean_counts_over_runs(comparison, results):
    by_year = comparison.by_year()
    assert list(by_year["scenario"].unique()) == ["as_is", "remedies"]
    assert list(by_year["have"].unique()) == [*results["as_is"].rubric.haves, ALL]
    for name, result in results.items():
        table = result.table
        for have, indicator in ((ALL, "all_met"), ("venue", "met.venue")):
            rows = table[table["indicator"] == indicator]
            per_run = rows.groupby(["run", "year"])["value"].sum()  # communities meeting it, each run
            expected = per_run.groupby(level="year").mean()
            shown = where(by_year, scenario=name, have=have).set_index("year")
            np.testing.assert_allclose(shown["expected"], expected.reindex(shown.index), atol=1e-12)
            assert (shown["communities"] == table["community"].nunique()).all()


def test_median_year_by_community_recomputed_from_the_runs(comparison, results):
    by_community = comparison.by_community()
    table = results["remedies"].table
    met = table[table["indicator"] == "met.venue"].pivot_table(
        index=["community", "run"], columns="year", values="value"
    )
    for community, runs in met.groupby(level="community"):
        values = runs.to_numpy() > 0.5
        years = runs.columns.to_numpy()
        first = np.where(values.any(axis=1), years[values.argmax(axis=1)], np.iinfo(np.int64).max)
        median = np.median(first)
        row = where(by_community, scenario="remedies", community=community, have="venue")
        shown = row["median_year"].item()
        assert (math.isnan(shown) and median > years[-1]) or shown == median
        assert row["p_final"].item() == pytest.approx(values[:, -1].mean())


def test_cost_by_source_adds_up_the_plan(comparison, results):
    cost = comparison.cost().set_index(["scenario", "source"])["cost"]
    for name, result in results.items():
        plan = result.plan.table
        kinds = plan["source"].str.partition(":")[0]
        expected = plan.groupby(kinds)["cost"].sum()
        for kind in ("street", "cobuilding", "grant"):
            assert cost[(name, kind)] == pytest.approx(expected.get(kind, 0.0))
        budget = result.scenario.allocation.budget * result.scenario.horizon
        assert cost[(name, "street")] <= budget + 1e-6  # the street never spends beyond its budget
    assert cost[("as_is", "cobuilding")] == 0.0 and cost[("remedies", "cobuilding")] > 0
    by_year = comparison.cost_by_year()
    totals = by_year.groupby(["scenario", "source"])["cost"].sum()
    assert totals.sum() == pytest.approx(cost.sum())


def test_stored_and_fresh_results_compare_alike(comparison, results):
    fresh = compare(list(results.values()))
    pd.testing.assert_frame_equal(fresh.by_year(), comparison.by_year())
    pd.testing.assert_frame_equal(fresh.by_community(), comparison.by_community())
    pd.testing.assert_frame_equal(fresh.cost(), comparison.cost())
    assert (
        fresh.labels("zh") == comparison.labels("zh") == {"as_is": "维持现状", "remedies": "报告提出的对策"}
    )


def test_a_run_saved_under_another_name_is_labelled_by_both(results, tmp_path):
    with ScenarioStore(tmp_path / "s.sqlite") as store:
        results["remedies"].save(store, name="remedies_2")
        summary = summarise(store.load("remedies_2"))
    assert summary.label("zh") == "报告提出的对策（remedies_2）"
    assert summary.label("en") == "The report's remedies (remedies_2)"


def test_bad_comparisons_are_refused(results, store):
    with pytest.raises(ScenarioError, match="各不相同"):
        compare([results["as_is"], results["as_is"]])
    with pytest.raises(ScenarioError):
        compare([])
    with ScenarioStore(store) as opened:
        stored = opened.load("as_is")
    bare = type(stored)(name="bare", table=stored.table, spec=stored.spec, tables={})
    with pytest.raises(ScenarioError, match="when_met"):
        compare([bare], lang="en")


def test_matrix_cells_round_the_median_up():
    assert when_text(2007.0, 0.62) == "2007（62%）"
    assert when_text(2007.5, 0.5, "en") == "2008 (50%)"
    assert when_text(float("nan"), 0.1) == "—（10%）"


def test_wide_tables_carry_the_long_numbers(comparison):
    years = comparison.year_table("en")
    assert list(years.columns) == ["As is", "The report's remedies"]
    by_year = where(comparison.by_year(), have=ALL, scenario="remedies")
    np.testing.assert_allclose(years["The report's remedies"].to_numpy(), by_year["expected"].to_numpy())
    cost = comparison.cost_table()
    assert list(cost.columns) == ["街道预算", "共建单位", "上级补助", "合计"]
    assert cost.loc["报告提出的对策", "合计"] == pytest.approx(
        where(comparison.cost(), scenario="remedies")["cost"].sum()
    )
    cells = comparison.community_table()
    row = where(comparison.by_community(), scenario="as_is", have=ALL).iloc[0]
    assert cells.loc[row["community_name"], "维持现状"] == when_text(row["median_year"], row["p_final"])


def test_charts_draw_the_numbers(comparison):
    figure = plots.scenario_lines(comparison.by_year(), names=comparison.labels("en"), lang="en")
    lines = figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["As is", "The report's remedies"]
    expected = where(comparison.by_year(), have=ALL, scenario="remedies")["expected"]
    np.testing.assert_allclose(lines[1].get_ydata(), expected)
    bars = plots.cost_bars(comparison.cost(), names=comparison.labels("zh"))
    totals = {text.get_text().strip() for text in bars.axes[0].texts}
    for name in comparison.names:
        assert f"{where(comparison.cost(), scenario=name)['cost'].sum():,.0f}" in totals


def test_the_command_prints_the_comparison(store, comparison, capsys):
    assert cli(["compare", "as_is", "remedies", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "维持现状" in out and "报告提出的对策" in out and "共建单位" in out
    total = where(comparison.cost(), scenario="remedies")["cost"].sum()
    assert f"{total:.0f}" in out
    assert cli(["compare", "as_is", "remedies", "--store", str(store), "--lang", "en"]) == 0
    assert "Communities expected to meet all five" in capsys.readouterr().out
    assert cli(["compare", "as_is", "--store", str(store)]) == 1
    assert cli(["compare", "as_is", "missing", "--store", str(store)]) == 2
