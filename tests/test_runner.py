"""The coupled runner, checked against each engine run alone, the plan, the policies, and
brute-force summaries of its own cube."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import parallel
from workbench.costs import load_catalogue
from workbench.engines import coverage, succession
from workbench.figures import FIGURES
from workbench.indicators import figures as ledger_figures
from workbench.projection import COVERAGE_FIGURES
from workbench.runner import run
from workbench.scenario import scenario_from_dict
from workbench.synth import sample_ledger

HORIZON = 4
RUNS = parallel.CHUNK_RUNS + 10  # two chunks


@pytest.fixture(scope="module")
def ledger():
    return sample_ledger()


@pytest.fixture(scope="module")
def zero():
    """No lever pulled, no money, no policy; every uncertain assumption fixed at its low end."""
    scenario = scenario_from_dict({"name": "zero", "horizon": HORIZON})
    fixed = {}
    for group in ("coverage_assumptions", "succession_assumptions"):
        values = getattr(scenario, group)
        for name, value in vars(values).items():
            if isinstance(value, tuple):
                fixed[f"{group}.{name}"] = (value[0], value[0])
    return scenario.with_changes(**fixed)


@pytest.fixture(scope="module")
def zero_result(ledger, zero):
    return run(zero, ledger=ledger, runs=RUNS, seed=11, executor="serial", progress=False)


@pytest.fixture(scope="module")
def funded(ledger):
    scenario = scenario_from_dict(
        {
            "name": "funded",
            "horizon": HORIZON,
            "policies": {"guidance_committee_year": 2005},
            "levers": {"allocation": {"budget": 15000}, "succession": {"training_slots": 2}},
        }
    )
    return run(scenario, ledger=ledger, runs=RUNS, seed=5, executor="serial", progress=False)


def engine_cubes(ledger, scenario, seed):
    """Each engine run alone, chunk by chunk with the seeds the runner gives it."""
    parts = []
    for chunk in parallel.chunks(RUNS, seed):
        cov_seed, suc_seed = (
            int(s.generate_state(1)[0]) for s in np.random.SeedSequence(chunk.seed).spawn(2)
        )
        cov, _, cov_ids = coverage.trajectories(
            ledger, scenario.coverage, assumptions=scenario.coverage_assumptions, years=HORIZON,
            runs=chunk.runs, seed=cov_seed,
        )  # fmt: skip
        suc, _, suc_ids = succession.trajectories(
            ledger, scenario.succession, assumptions=scenario.succession_assumptions, years=HORIZON,
            runs=chunk.runs, seed=suc_seed,
        )  # fmt: skip
        parts.append(({k: cov.community[k] for k in COVERAGE_FIGURES}, cov_ids, suc, suc_ids))
    return parts


def test_zero_levers_reproduce_each_engine_and_the_ledger(ledger, zero, zero_result):
    r = zero_result
    assert r.plan.table.empty  # no money, nothing bought
    today = ledger_figures(ledger)
    parts = engine_cubes(ledger, zero, seed=11)
    owned = set(COVERAGE_FIGURES)
    for name in COVERAGE_FIGURES:
        expected = np.concatenate(
            [p[0][name][:, :, [list(p[1]).index(c) for c in r.communities]] for p in parts]
        )
        np.testing.assert_array_equal(r.figures[name], expected, err_msg=name)
    for name in succession.FIGURES:
        if name in FIGURES:
            owned.add(name)
            position = [list(parts[0][3]).index(c) for c in r.communities]
            expected = np.concatenate([p[2][name][:, :, position] for p in parts])
            np.testing.assert_array_equal(r.figures[name], expected, err_msg=name)
    for name in set(today.columns) - owned:
        expected = np.broadcast_to(
            today.loc[r.communities, name].to_numpy(), (RUNS, HORIZON + 1, len(r.communities))
        )
        np.testing.assert_array_equal(r.figures[name], expected, err_msg=name)
    assert set(r.figures) == set(today.columns)
    assert not r.figures["signage"].flags.writeable  # one ledger value repeated, not a copy per run
    assert all(v.shape == (RUNS, HORIZON + 1, 6) for v in r.figures.values())


def test_the_guidance_committee_exists_exactly_from_its_year(ledger, funded, zero_result):
    years = funded.years
    committee = funded.figures["guidance_committee"]
    assert (committee[:, years < 2005] == 0).all()  # none in the sample street's ledger
    assert (committee[:, years >= 2005] == 1).all()
    assert (zero_result.figures["guidance_committee"] == 0).all()  # no policy, no committee


def test_plan_purchases_appear_in_the_venue_figures_in_their_years(funded):
    items = {i.id: i for i in load_catalogue("default").items}
    bought = funded.plan.table.groupby(["community", "year", "item"])["quantity"].sum().reset_index()
    checked = 0
    for row in bought.itertuples():
        item = items[row.item]
        if "venue" not in item.tags or item.yearly or item.lag:
            continue
        c = list(funded.communities).index(row.community)
        y = list(funded.years).index(row.year)
        for effect in item.effects:
            values = funded.figures[effect.figure][:, :, c]
            gain = effect.add * row.quantity
            np.testing.assert_allclose(values[:, y] - values[:, y - 1], gain, err_msg=f"{row}")
            checked += 1
    assert checked >= 3  # the street buys signs, sets and rooms for the lagging communities


def test_the_same_seed_gives_the_same_results_and_another_seed_differs(ledger, funded):
    again = run(funded.scenario, ledger=ledger, runs=RUNS, seed=5, executor="serial", progress=False)
    other = run(funded.scenario, ledger=ledger, runs=RUNS, seed=6, executor="serial", progress=False)
    for name in funded.figures:
        np.testing.assert_array_equal(again.figures[name], funded.figures[name])
    assert any(not np.array_equal(other.figures[n], funded.figures[n]) for n in COVERAGE_FIGURES)
    assert not np.array_equal(other.figures["cadre_mean_age"], funded.figures["cadre_mean_age"])


def test_when_met_is_the_median_first_year_by_brute_force(funded):
    r = funded
    scores = r.scores
    table = r.when_met().set_index(["community", "have"])
    for have in (*r.rubric.haves, "all"):
        column = "all_met" if have == "all" else f"{have}_met"
        lookup = scores[column].astype(bool).to_dict()  # (run, year, community) → met
        for community in r.communities:
            firsts, last = [], []
            for run_ in range(r.runs):
                met = [lookup[(run_, year, community)] for year in r.years]
                firsts.append(next((y for y, m in zip(r.years, met, strict=True) if m), np.inf))
                last.append(met[-1])
            median = np.median(firsts)
            got = table.loc[(community, have)]
            if median <= r.years[-1]:
                assert got["median_year"] == median
            else:
                assert np.isnan(got["median_year"])
            assert got["p_final"] == pytest.approx(np.mean(last))


def test_probability_met_is_the_share_of_runs(funded):
    p = funded.probability_met()
    assert p["probability"].between(0, 1).all()
    assert set(p["have"]) == {*funded.rubric.haves, "all"}
    scores = funded.scores
    for community, year in [("C01", 2005), ("C06", funded.years[-1])]:
        share = np.mean([bool(scores.loc[(k, year, community), "venue_met"]) for k in range(funded.runs)])
        got = p[(p.community == community) & (p.year == year) & (p.have == "venue")]["probability"]
        assert got.item() == pytest.approx(share)
    assert len(p) == 6 * len(funded.years) * (len(funded.rubric.haves) + 1)


def test_the_table_and_provenance(ledger, funded):
    prov = funded.provenance
    assert prov["ledger"] == ledger.fingerprint()
    assert (prov["seed"], prov["runs"], prov["rubric"]) == (5, RUNS, "seed_2003")
    assert prov["plan_status"] == "optimal"
    assert {"version", "created", "who"} <= set(prov)
    table = funded.table
    assert list(table.columns) == ["scenario", "run", "year", "community", "indicator", "value"]
    assert set(table["scenario"]) == {"funded"}
    assert {"met.venue", "score", "all_met", "tv"} <= set(table["indicator"])
    assert len(table) == RUNS * (HORIZON + 1) * 6 * table["indicator"].nunique()


def test_the_run_command_prints_the_matrix_and_saves(tmp_path, capsys):
    from workbench.cli import main
    from workbench.store import ScenarioStore

    store = tmp_path / "store.sqlite"
    code = main(
        ["run", "remedies", "--runs", "5", "--seed", "3", "--save", "--store", str(store), "--lang", "en"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert 'Scenario "The report\'s remedies": 5 runs, seed 3, 2003–2013' in out
    assert "All five" in out and "汇丰社区" in out and "street budget" in out
    with ScenarioStore(store) as opened:
        saved = opened.load("remedies")
    assert saved.provenance["seed"] == 3 and saved.provenance["runs"] == 5
    assert set(saved.table["run"]) == set(range(5))


def test_local_processes_give_the_serial_numbers(ledger, funded):
    local = run(funded.scenario, ledger=ledger, runs=RUNS, seed=5, executor="local", progress=False)
    assert set(local.figures) == set(funded.figures)
    for name, values in funded.figures.items():
        np.testing.assert_array_equal(local.figures[name], values, err_msg=name)


def test_a_ledgers_layouts_are_prepared_once_and_give_the_same_numbers(ledger, funded, monkeypatch):
    from workbench import projection

    projection.forget()
    prepared = []
    slots = coverage.ledger_slots
    monkeypatch.setattr(
        coverage, "ledger_slots", lambda *a, **k: prepared.append(k["years"]) or slots(*a, **k)
    )
    again = [run(funded.scenario, ledger=ledger, runs=RUNS, seed=5, progress=False) for _ in range(2)]
    longer = run(funded.scenario.with_changes(horizon=HORIZON + 1), ledger=ledger, runs=RUNS, progress=False)
    assert prepared == [HORIZON, HORIZON + 1]  # once per ledger and horizon: a re-run reuses them
    assert len(longer.years) == HORIZON + 2
    for result in again:
        for name, values in funded.figures.items():
            np.testing.assert_array_equal(result.figures[name], values, err_msg=name)
