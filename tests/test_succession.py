"""The succession engine: against a Markov-chain calculation, a hand-worked case, and properties."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.succession_markov import expected_counts
from workbench import indicators, results
from workbench.engines import pipeline_rules
from workbench.engines import succession as engine
from workbench.ledger import Ledger
from workbench.settings import RULES
from workbench.synth import sample_ledger

YEAR = 2003
QUIET = {f.name: (0.0, 0.0) for f in fields(engine.SuccessionAssumptions)}
QUIET |= {"mortality_at_60": (1e-12, 1e-12), "mortality_doubling_years": (8.0, 8.0)}
QUIET |= {"applicant_months": (3.0, 3.0), "activist_extra_months": (3.0, 3.0), "candidate_months": (3.0, 3.0)}


def quiet(**ranges) -> engine.SuccessionAssumptions:
    """Assumptions with every chance switched off (no one dies, moves, drops out or is named)."""
    return engine.SuccessionAssumptions(**(QUIET | ranges))


def small_ledger(
    *, members: int = 10, residents: int = 0, cadres=(), pipeline=(), year: int = YEAR
) -> Ledger:
    """One community with its own branch of ``members`` full members born 1960."""
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["街道"], "year": [year]}),
        communities=pd.DataFrame(
            {"id": ["C1"], "name": ["一社区"], "households": [1000], "residents": [residents]}
        ),
        party_orgs=pd.DataFrame(
            {
                "id": ["P1"],
                "name": ["一社区党支部"],
                "kind": ["branch"],
                "community": ["C1"],
                "status": ["established"],
            }
        ),
        members=pd.DataFrame(
            {
                "id": [f"M{i}" for i in range(members)],
                "org": "P1",
                "birth_year": 1960,
                "joined": pd.Timestamp("1990-07-01"),
                "status": "full",
            }
        ),
        cadres=pd.DataFrame(
            list(cadres), columns=["id", "community", "post", "birth_year", "term_start", "reserve", "ready"]
        ),
        pipeline=pd.DataFrame(
            list(pipeline), columns=["id", "org", "birth_year", "stage", "applied", "activist_since"]
        ),
    )


# --- (c) a hand-worked case -----------------------------------------------------------------------


def test_secretary_born_1945_retires_in_2005_and_the_ready_reserve_takes_over():
    ledger = small_ledger(
        cadres=[
            ("K1", "C1", "secretary", 1945, YEAR, False, False),
            ("K2", "C1", "secretary", 1975, YEAR, True, True),
        ]
    )
    table = engine.simulate(ledger, years=4, runs=3, assumptions=quiet(), seed=1)
    wide = table[table["run"] == 0].pivot(index="year", columns="indicator", values="value")
    assert (table.groupby(["year", "indicator"])["value"].nunique() == 1).all()  # nothing random
    assert wide["cadre_mean_age"].tolist() == [58, 59, 30, 31, 32]  # 1945 until 2004, then 1975
    assert wide["ready_reserves_per_key_post"].tolist() == [0.5, 0.5, 0, 0, 0]
    assert wide["succession_risk"].tolist() == [0.5, 0.5, 1, 1, 1]
    assert wide["vacant_posts"].tolist() == [1] * 5  # the deputy post stays empty: no reserve
    assert wide["secretary_below_retirement"].tolist() == [1] * 5
    assert wide["full_members"].tolist() == [10] * 5
    assert wide["cadres_under_35"].tolist() == [0, 0, 1, 1, 1]


def test_a_vacancy_without_reserve_takes_an_outside_appointee_else_stays_vacant():
    ledger = small_ledger(cadres=[("K1", "C1", "secretary", 1944, YEAR, False, False)])
    assumptions = quiet(appointee_age=(33.0, 33.0))
    for appointments, age_2004 in ((0, np.nan), (1, 33.0)):
        levers = engine.SuccessionLevers(outside_appointments=appointments)
        cube, _, _ = engine.trajectories(ledger, levers, years=1, runs=2, assumptions=assumptions)
        np.testing.assert_array_equal(cube["cadre_mean_age"][:, 1, 0], [age_2004] * 2)
        np.testing.assert_array_equal(cube["secretary_below_retirement"][:, 1, 0], [appointments] * 2)


def test_first_year_matches_todays_figures_of_the_sample_street():
    ledger = sample_ledger()
    cube, years, communities = engine.trajectories(ledger, years=1, runs=2, seed=3)
    today = indicators.figures(ledger).reindex(communities)
    assert years[0] == ledger.year
    for name in engine.FIGURES:
        if name in today:
            np.testing.assert_allclose(cube[name][0, 0], today[name].to_numpy(), err_msg=name)


def test_simulate_returns_the_long_table_and_is_reproducible():
    ledger = sample_ledger()
    a = engine.simulate(ledger, years=3, runs=4, seed=7, scenario="base")
    b = engine.simulate(ledger, years=3, runs=4, seed=7, scenario="base")
    assert list(a.columns) == list(results.COLUMNS)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["indicator"]) == set(engine.FIGURES)
    assert len(a) == 4 * 4 * 6 * len(engine.FIGURES)
    values, _, _ = results.cube(a, "full_members")
    assert values.shape == (4, 4, 6)
    c = engine.simulate(ledger, years=3, runs=4, seed=8)
    assert not a["value"].equals(c["value"])


def test_levers_help_the_young_and_the_reserves():
    ledger = sample_ledger()
    assumptions = engine.SuccessionAssumptions(willing_young=(0.05, 0.1))
    base, _, _ = engine.trajectories(ledger, years=8, runs=100, seed=2, assumptions=assumptions)
    levers = engine.SuccessionLevers(recruitment_drive=30, training_slots=12, reserves_per_post=2)
    pushed, _, _ = engine.trajectories(ledger, levers, years=8, runs=100, seed=2, assumptions=assumptions)
    assert pushed["members_admitted"][:, 3:].mean() > base["members_admitted"][:, 3:].mean() + 1
    assert (
        pushed["ready_reserves_per_key_post"][:, -1].mean()
        > base["ready_reserves_per_key_post"][:, -1].mean()
    )
    assert pushed["succession_risk"][:, -1].mean() < base["succession_risk"][:, -1].mean()


def test_an_organisation_with_too_few_full_members_cannot_admit():
    pipeline = [(f"A{i}", "P1", 1980, "activist", "2001-01-01", "2001-06-01") for i in range(20)]
    assumptions = quiet(activist_extra_months=(1.0, 1.0), candidate_months=(1.0, 1.0))
    admitted = {}
    for members in (RULES.sponsors_required - 1, RULES.sponsors_required):
        ledger = small_ledger(members=members, pipeline=pipeline)
        cube, _, _ = engine.trajectories(ledger, years=2, runs=5, assumptions=assumptions)
        admitted[members] = cube["members_admitted"][:, 1:].sum()
    assert admitted[RULES.sponsors_required - 1] == 0
    assert admitted[RULES.sponsors_required] == 5 * 20


def test_age_profile_follows_the_ledger_members_and_the_new_ones():
    pipeline = [(f"A{i}", "P1", 1980, "activist", "2001-01-01", "2001-06-01") for i in range(20)]
    assumptions = quiet(
        activist_extra_months=(1.0, 1.0), candidate_months=(1.0, 1.0), new_member_age=(27.0, 27.0)
    )
    ledger = small_ledger(members=2, pipeline=pipeline)
    profiles = engine.age_profiles(ledger, years=3, runs=4, assumptions=assumptions)
    assert profiles[YEAR]["members"].to_dict() == {40: 2.0}  # born 1960: 43
    later = profiles[YEAR + 3]["members"]
    assert later[45] == 2 and later[25] == 20  # 46, and 27 when full in 2004 or 2005
    assert later.sum() == 22


def test_candidates_wait_month_by_month_until_a_probationer_makes_a_second_sponsor():
    # one full member; a probationer admitted 2003-03-15 becomes full in April 2004 (month 3);
    # the activists become candidates in January 2004 and are admitted the month after
    pipeline = [(f"A{i}", "P1", 1980, "activist", "2002-01-01", "2002-06-01") for i in range(20)]
    ledger = small_ledger(members=1, pipeline=pipeline)
    probationer = ledger.members.iloc[:1].assign(
        id="Q1", joined=pd.Timestamp("2003-03-15"), status="probationary"
    )
    members = pd.concat([ledger.members, probationer], ignore_index=True)
    ledger = Ledger.from_tables(**{**ledger.tables, "members": members})
    no_wait = {name: (0.0, 0.0) for name in ("activist_extra_months", "candidate_months")}
    rng = np.random.default_rng(2)
    state = engine.init_state(ledger, runs=3, rng=rng, assumptions=quiet(**no_wait))
    engine.step(state, rng=rng)
    assert state.completed.month.tolist() == [3] * 3  # the probationer, in every run
    assert state.admitted[:, 0].tolist() == [20] * 3
    engine.step(state, rng=rng)
    assert (state.completed.admitted == 4).all() and (state.completed.month == 16).all()
    assert len(state.completed) == 3 * 20


# --- (a) the Markov chain ------------------------------------------------------------------------


def test_expected_stage_counts_match_the_markov_chain():
    rates = {
        "applicant_months": 4.0,
        "activist_extra_months": 6.0,
        "candidate_months": 3.0,
        "extension_share": 0.2,
        "attrition_applicant": 0.3,
        "attrition_activist": 0.15,
        "attrition_candidate": 0.05,
        "attrition_probationary": 0.03,
        "applicants_per_1000_residents": 10.0,
    }
    residents, years, runs = 1000, 6, 4000
    pipeline = [(f"A{i}", "P1", 1980, "activist", "2002-01-01", "2003-08-01") for i in range(6)]
    ledger = small_ledger(members=50, residents=residents, pipeline=pipeline)
    assumptions = quiet(**{name: (value, value) for name, value in rates.items()})
    rng = np.random.default_rng(11)
    state = engine.init_state(ledger, runs=runs, rng=rng, assumptions=assumptions)
    counts = [state.stage_counts()]
    for _ in range(years):
        engine.step(state, rng=rng)
        counts.append(state.stage_counts())
    # the ledger's activists have served 4 whole months at the year's end
    expected = expected_counts(
        RULES,
        rates,
        start={("activist", 4): 6},
        arrivals_per_year=rates["applicants_per_1000_residents"] * residents / 1000,
        years=years,
    )
    for stage in (*engine.STAGES, "full"):
        sims = np.array([c[stage][:, 0] for c in counts], dtype=float)  # (years + 1, runs)
        if stage == "full":
            sims -= 50
        mean, error = sims.mean(1), sims.std(1) / np.sqrt(runs)
        assert np.all(np.abs(mean - expected[stage]) <= 4 * error + 1e-9), (stage, mean, expected[stage])
    assert expected["full"][-1] > 5  # the comparison is not vacuous


# --- (b) properties --------------------------------------------------------------------------------


def _without_ledger_pipeline(ledger: Ledger) -> Ledger:
    """The ledger without its pipeline and probationers: every new member comes through the rules."""
    members = ledger.members[ledger.members["status"] == "full"]
    return Ledger.from_tables(**{**ledger.tables, "pipeline": ledger.pipeline.iloc[:0], "members": members})


def _paths(state, levers, rng, years: int) -> np.ndarray:
    """Months from applying to full membership of everyone completing in ``years`` steps."""
    paths = []
    for _ in range(years):
        engine.step(state, levers, rng=rng)
        paths.append(state.completed.month - state.completed.applied)
    return np.concatenate(paths)


def test_with_no_waiting_every_applicant_takes_exactly_the_fastest_path():
    no_wait = {name: (0.0, 0.0) for name in ("applicant_months", "activist_extra_months", "candidate_months")}
    ledger = _without_ledger_pipeline(sample_ledger())
    rng = np.random.default_rng(5)
    state = engine.init_state(ledger, runs=20, rng=rng, assumptions=quiet(**no_wait))
    paths = _paths(state, engine.SuccessionLevers(recruitment_drive=30), rng, years=4)
    assert len(paths) > 100
    assert (paths == pipeline_rules.fastest_path_months(RULES)).all()
    assert pipeline_rules.fastest_path_months(RULES) == 12 * RULES.fastest_path_years


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    activist=st.integers(6, 24),
    probation=st.integers(6, 18),
    retirement=st.integers(50, 65),
    seed=st.integers(0, 2**16),
    drive=st.integers(20, 60),
)
def test_fastest_path_is_reached_never_beaten_and_no_count_is_negative(
    activist, probation, retirement, seed, drive
):
    rules = replace(RULES, activist_min_months=activist, probation_months=probation)
    fastest = pipeline_rules.fastest_path_months(rules)
    levers = engine.SuccessionLevers(
        recruitment_drive=drive, retirement_age=retirement, outside_appointments=2
    )
    # short waits make the fastest path common; the rules alone must make it the shortest
    assumptions = engine.SuccessionAssumptions(applicant_months=(0.5, 1.0), candidate_months=(0.5, 1.0))
    rng = np.random.default_rng(seed)
    state = engine.init_state(
        _without_ledger_pipeline(sample_ledger()), runs=8, rng=rng, rules=rules, assumptions=assumptions
    )
    paths = []
    for _ in range(fastest // 12 + 2):
        paths.append(_paths(state, levers, rng, years=1))
        assert state.full.min() >= 0
        assert (state.admitted >= 0).all()
        for counts in state.stage_counts().values():
            assert counts.min() >= 0
        ages = state.year - state.cadres.birth
        assert np.nanmax(ages, initial=0) < retirement  # no post held past retirement
        figures = engine.figures(state, retirement_age=retirement)
        assert all(np.nanmin(v, initial=0) >= 0 for v in figures.values())
        assert np.all(np.nan_to_num(figures["succession_risk"]) <= 1)
    paths = np.concatenate(paths)
    assert paths.min() == fastest  # achievable, and nobody is quicker than the rules allow


def test_members_leave_at_the_assumed_rates():
    ledger = small_ledger(members=400)
    assumptions = quiet(move_away_older=(0.1, 0.1))
    cube, _, _ = engine.trajectories(ledger, years=3, runs=50, assumptions=assumptions)
    mean = cube["full_members"][:, :, 0].mean(0)
    np.testing.assert_allclose(mean, 400 * 0.9 ** np.arange(4), rtol=0.02)


def test_reserve_pools_count_the_ledger_members_of_standing_who_have_not_left():
    from workbench.engines.succession_layout import layout
    from workbench.engines.succession_members import Members
    from workbench.engines.succession_pipeline import Completed
    from workbench.synth import synthetic_ledger

    lay = layout(synthetic_ledger(12, seed=1), RULES)
    runs, n = 6, lay.n_branch_members
    rng = np.random.default_rng(4)
    p = engine.SuccessionAssumptions(move_away_young=(0.1, 0.2), move_away_older=(0.05, 0.1)).sample(
        rng, runs
    )
    members = Members.start(lay, p, runs, rng, RULES)
    community = lay.org_community[lay.member_org[:n]]
    birth, joined = lay.member_birth[:n], lay.member_joined[:n]
    leaves = lay.start_year + members.exit_offset[:, :n]
    seen = np.zeros(2)
    for year in range(lay.start_year + 1, lay.start_year + 30):
        members.leave(year, RULES)
        members.join(Completed.empty(), p, year, RULES, rng)
        pools = members.pools(year, RULES)
        standing = year - joined >= RULES.reserve_min_member_years
        age = year - birth
        in_pool = (
            standing & (age < RULES.young_cadre_age),
            standing
            & (age >= RULES.young_cadre_age)
            & (age < RULES.retirement_age - RULES.community_term_years),
        )
        for pool, member_in in zip(pools, in_pool, strict=True):
            present = member_in[None, :] & (leaves > year)
            brute = [np.bincount(community[row], minlength=len(lay.communities)) for row in present]
            np.testing.assert_array_equal(pool, brute, err_msg=str(year))
        seen += [pool.sum() for pool in pools]
    assert (seen > 0).all()  # both pools are tested


@pytest.mark.parametrize("age,expected", [(60, 0.01), (76, 0.04)])
def test_deaths_follow_the_gompertz_rate(age, expected):
    ledger = small_ledger(members=2000)
    ledger.members["birth_year"] = YEAR - age
    assumptions = quiet(mortality_at_60=(0.01, 0.01), mortality_doubling_years=(8.0, 8.0))
    cube, _, _ = engine.trajectories(ledger, years=1, runs=20, assumptions=assumptions)
    died = 1 - cube["full_members"][:, 1, 0].mean() / 2000
    assert died == pytest.approx(1 - np.exp(-expected), abs=0.004)


def test_succession_command_prints_the_summary_and_saves_the_table(tmp_path, capsys):
    from workbench import cli
    from workbench.ledger_io import write_ledger

    path, out = tmp_path / "street.xlsx", tmp_path / "out.csv"
    write_ledger(sample_ledger(), path)
    assert (
        cli.main(["succession", str(path), "--years", "2", "--runs", "5", "--drive", "10", "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    assert "2003—2005" in printed and "汇丰社区" in printed
    assert len(pd.read_csv(out)) == 5 * 3 * 6 * len(engine.FIGURES)
