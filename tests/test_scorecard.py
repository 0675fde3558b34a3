"""Figures from a ledger and the five-haves scorecard, checked against hand-worked values."""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd
import pytest

from workbench import RubricError, cli
from workbench.figures import FIGURES
from workbench.indicators import BRANCH_KINDS, figures
from workbench.ledger import Ledger
from workbench.rubric import HAVES, load_rubric
from workbench.schema import KEY_POSTS, split_refs
from workbench.scorecard import score_figures, scorecard

T, F = True, False
SEED = load_rubric("seed_2003")


def hand_ledger() -> Ledger:
    """Two communities in 2003: 汇丰 meets every seed standard, 东村 lags (values worked below)."""
    ids = ["C1", "C2"]
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["示范街道"], "year": [2003]}),
        communities=pd.DataFrame(
            {
                "id": ids,
                "name": ["汇丰", "东村"],
                "households": [1000, 500],
                "space_m2": [80.0, 38.0],
                "signage": [T, T],
                "tv": [T, T],
                "video_player": [T, F],
                "activity_room": [T, T],
                "study_materials": [T, F],
                "service_centre": [None, F],
                "service_projects": [6, 5],
                "rules_in_place": [T, T],
                "ledger_kept": [T, F],
                "guidance_committee": [F, None],
                "funds_street": [12_000.0, 4_000.0],
                "funds_cobuilding": [3_000.0, None],
            }
        ),
        units=pd.DataFrame(
            {
                "id": ["U1", "U2", "U3", "U4"],
                "name": ["电子厂", "五金厂", "供电所", "老年协会"],
                "community": ["C1", "C1", "C1", "C2"],
                "kind": ["non_public_enterprise", "non_public_enterprise", "state_enterprise", "social_org"],
                "instructor": [F, F, F, T],
            }
        ),
        party_orgs=pd.DataFrame(
            {
                "id": ["P0", "P1", "P2", "P3", "P4"],
                "name": ["党工委", "汇丰社区支部", "东村社区支部", "联合支部", "五金厂支部"],
                "kind": ["working_committee", "branch", "branch", "joint_branch", "branch"],
                "community": [None, "C1", "C2", "C1", "C1"],
                "status": ["established", "established", "established", "established", "preparing"],
                "units": [None, None, None, "U1；U3", "U2"],
            }
        ),
        members=pd.DataFrame(
            {
                "id": ["M1", "M2", "M3", "M4", "M5"],
                "org": ["P1", "P1", "P2", "P3", "P2"],
                "birth_year": [1970, 1980, 1950, 1975, 1940],
                "joined": pd.to_datetime(
                    ["2001-07-01", "2003-06-01", "1997-07-01", "2003-03-01", "1990-01-01"]
                ),
                "status": ["full", "probationary", "full", "full", "full"],
            }
        ),
        cadres=pd.DataFrame(
            {
                "id": [f"K{i}" for i in range(1, 10)],
                "community": ["C1"] * 5 + ["C2"] * 4,
                "post": [
                    "secretary",
                    "deputy",
                    "committee_member",
                    "secretary",
                    "deputy",
                    "secretary",
                    "committee_member",
                    "secretary",
                    "deputy",
                ],
                "birth_year": [1960, 1975, 1950, 1970, 1972, 1942, 1960, 1968, 1978],
                "education": [
                    "college",
                    "bachelor",
                    "junior",
                    "senior",
                    "college",
                    "junior",
                    "senior",
                    None,
                    None,
                ],
                "reserve": [F, F, F, T, T, F, F, T, T],
                "ready": [None, None, None, T, T, None, None, T, F],
            }
        ),
        activities=pd.DataFrame(
            {
                "community": ["C1", "C1", "C1", "C2"],
                "year": [2003, 2003, 2002, 2003],
                "kind": ["党日", "讲座", "党日", "党日"],
                "count": [12, 4, 99, 6],
            }
        ),
    )


# Worked by hand from hand_ledger (ages are 2003 − birth year; reserves are not sitting cadres).
EXPECTED_FIGURES = {
    #                               汇丰        东村
    "has_branch": (1, 1),
    "org_coverage": (2 / 3, 0),  # U1, U3 covered (P4 only preparing); U4 not covered
    "npe_org_coverage": (1 / 2, 1),  # 东村 has no non-public enterprise: met vacuously
    "social_org_coverage": (1, 0),
    "work_coverage": (2 / 3, 1),  # U4 has an instructor
    "guidance_committee": (0, 0),
    "space_m2": (80, 38),
    "space_per_100_households": (8, 7.6),
    "signage": (1, 1),
    "tv": (1, 1),
    "video_player": (1, 0),
    "activity_room": (1, 1),
    "two_machines_one_room": (1, 0),
    "study_materials": (1, 0),
    "service_centre": (0, 0),
    "secretary_below_retirement": (1, 0),  # 东村's secretary is 61
    "ready_reserves_per_key_post": (1, 0.5),
    "years_since_admission": (0, 6),  # M4 belongs to a unit's joint branch, not to 汇丰's branch
    "cadre_mean_age": ((43 + 28 + 53) / 3, (61 + 43) / 2),
    "cadres_under_35": (1, 0),
    "cadre_share_under_35": (1 / 3, 0),
    "cadre_share_college": (2 / 3, 0),
    "vacant_posts": (0, 1),
    "full_members": (1, 2),
    "members_admitted": (1, 0),
    "succession_risk": (0, 0.5),
    "funds_total": (15_000, 4_000),
    "funds_per_household": (15, 8),
    "non_street_funds_share": (0.2, 0),
    "rules_in_place": (1, 1),
    "ledger_kept": (1, 0),
    "service_projects": (6, 5),
    "activities_per_year": (16, 6),  # only the ledger year counts
}

# The seed rubric on hand_ledger: pass (T) or fail (F) for 汇丰, 东村.
EXPECTED_PASSES = {
    "has_branch": (T, T),
    "org_coverage": (T, F),
    "guidance_committee": (F, F),
    "space_m2": (T, F),
    "signage": (T, T),
    "two_machines_one_room": (T, F),
    "study_materials": (T, F),
    "secretary_below_retirement": (T, F),
    "ready_reserves_per_key_post": (T, F),
    "years_since_admission": (T, F),
    "cadre_mean_age": (T, F),
    "funds_per_household": (T, F),
    "non_street_funds_share": (T, F),
    "rules_in_place": (T, T),
    "ledger_kept": (T, F),
    "service_projects": (T, T),
    "activities_per_year": (T, F),
}


def test_figures_match_the_hand_worked_values():
    table = figures(hand_ledger())
    assert list(table.columns) == list(FIGURES)
    assert list(table.index) == ["C1", "C2"] and table.index.name == "community"
    assert set(table.dtypes) == {np.dtype("float64")}
    expected = pd.DataFrame(EXPECTED_FIGURES, index=table.index, dtype=float)
    pd.testing.assert_frame_equal(table, expected[list(FIGURES)])


def test_unknowable_figures_are_nan_and_no_units_means_full_coverage():
    ledger = hand_ledger()
    bare = Ledger.from_tables(
        street=ledger.street,
        communities=ledger.communities.assign(households=[1000, 0]),
        units=ledger.units[ledger.units["community"] == "C1"],
        party_orgs=ledger.party_orgs,
    )
    table = figures(bare)
    assert table.loc["C2", ["org_coverage", "work_coverage", "social_org_coverage"]].tolist() == [1, 1, 1]
    for name in ("cadre_mean_age", "years_since_admission", "funds_per_household", "cadre_share_college"):
        assert np.isnan(table.loc["C2", name]), name
    assert table.loc["C2", ["vacant_posts", "succession_risk", "activities_per_year"]].tolist() == [2, 1, 0]


def test_seed_rubric_on_the_hand_ledger_passes_and_fails_as_worked_out():
    card = scorecard(hand_ledger(), SEED)
    got = card.table.pivot(index="indicator", columns="community", values="passed")
    for indicator, (c1, c2) in EXPECTED_PASSES.items():
        assert (got.loc[indicator, "C1"], got.loc[indicator, "C2"]) == (c1, c2), indicator
    assert set(got.index) == set(EXPECTED_PASSES)
    summary = card.summary()
    assert summary.loc["C1", [f"{h}_met" for h in HAVES]].tolist() == [T] * 5
    assert summary.loc["C2", [f"{h}_met" for h in HAVES]].tolist() == [F] * 5  # org_coverage 0 < 50%
    # weights: organisation 2 + 1 + 1, the other 14 indicators 1 each → 18 in all
    assert summary.loc["C1", "score"] == pytest.approx(17 / 18)
    assert summary.loc["C2", "score"] == pytest.approx(5 / 18)  # branch 2, signage, rules, projects
    assert summary.loc["C2", "venue_score"] == pytest.approx(1 / 4)
    assert summary["haves_met"].tolist() == [5, 0] and summary["all_met"].tolist() == [T, F]
    assert summary["community_name"].tolist() == ["汇丰", "东村"]


def test_the_long_table_has_one_row_per_community_and_indicator():
    card = scorecard(hand_ledger(), SEED, lang="en")
    table = card.table
    assert list(table.columns) == [
        "community",
        "community_name",
        "have",
        "indicator",
        "label",
        "figure",
        "value",
        "op",
        "threshold",
        "passed",
        "weight",
        "required",
    ]
    assert len(table) == 2 * len(SEED.indicators)
    row = table[(table.community == "C2") & (table.indicator == "space_m2")].iloc[0]
    assert (row.community_name, row.have, row.label, row.value, row.op, row.threshold) == (
        "东村",
        "venue",
        "office and activity space",
        38.0,
        ">=",
        80.0,
    )
    assert not row.passed and row.required and row.weight == 1.0


def test_gaps_read_in_plain_words():
    card = scorecard(hand_ledger(), SEED)
    gaps = card.gaps()
    assert "C1" in set(gaps["community"])  # 汇丰 meets every have but lacks the guidance committee
    venue = gaps[(gaps.community == "C2") & (gaps.have == "venue")]["text"].item()
    assert venue == "东村：有阵地 — 办公活动用房 38 平方米，需 ≥ 80 平方米；两机一室不全；缺学习资料"
    team = gaps[(gaps.community == "C2") & (gaps.have == "team")]["text"].item()
    assert "距上次发展党员 6 年，需 ≤ 5 年" in team and "干部平均年龄 52 岁，需 ≤ 50 岁" in team
    funding = card.gaps("en")
    text = funding[(funding.community == "C2") & (funding.have == "funding")]["text"].item()
    assert text == (
        "东村: Funding — annual funds per household 8 yuan, needs ≥ 15 yuan; "
        "share of funds not from the street 0%, needs ≥ 10%"
    )


def test_street_summary_counts_communities_per_have():
    street = scorecard(hand_ledger(), SEED).street_summary()
    assert list(street.index) == [*HAVES, "all"]
    assert street["met"].tolist() == [1] * 6
    assert street["rate"].tolist() == [0.5] * 6
    assert street.loc["venue", "label"] == "有阵地"


def _score_by_hand(row: pd.Series, rubric) -> dict:
    """An independent, one-row-at-a-time scoring with Python's operators."""
    ops = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}
    result, points, total, met_count = {}, 0.0, 0.0, 0
    for have in rubric.haves:
        ok = {}
        for i in rubric.of(have):
            value = row[i.figure]
            if value != value:  # NaN fails
                ok[i.id] = False
            else:
                ok[i.id] = bool(value) if i.op == "is_true" else ops[i.op](value, i.threshold)
        required = [i.id for i in rubric.of(have) if i.required] or list(ok)
        met = all(ok[r] for r in required)
        got = sum(i.weight for i in rubric.of(have) if ok[i.id])
        weight = sum(i.weight for i in rubric.of(have))
        result[f"{have}_met"], result[f"{have}_score"] = met, got / weight
        points, total, met_count = points + got, total + weight, met_count + met
    result.update(score=points / total, haves_met=met_count, all_met=met_count == len(rubric.haves))
    return result


@pytest.mark.parametrize("name", ["seed_2003", "modern"])
def test_scoring_a_stacked_projection_equals_scoring_row_by_row(name):
    rubric = load_rubric(name)
    rng = np.random.default_rng(7)
    index = pd.MultiIndex.from_product(
        [range(3), [2003, 2004], ["C1", "C2", "C3"]], names=["run", "year", "community"]
    )
    base = figures(hand_ledger()).iloc[[0, 1, 0]].to_numpy()
    values = np.tile(base, (6, 1)) * rng.choice([0.0, 0.5, 1.0, 1.5, 40.0], size=(len(index), len(FIGURES)))
    values[rng.random(values.shape) < 0.05] = np.nan
    stacked = pd.DataFrame(values, index=index, columns=list(FIGURES))
    scores = score_figures(stacked, rubric)
    assert scores.index.equals(index)
    by_hand = pd.DataFrame([_score_by_hand(row, rubric) for _, row in stacked.iterrows()], index=index)
    pd.testing.assert_frame_equal(scores, by_hand[scores.columns], check_dtype=False)
    assert scores["all_met"].any() or not scores["all_met"].all()  # both outcomes are representable


def test_a_figures_table_missing_a_figure_is_refused():
    table = figures(hand_ledger()).drop(columns="space_m2")
    with pytest.raises(RubricError, match="space_m2"):
        score_figures(table, SEED)


def test_scorecard_accepts_a_figures_table():
    table = figures(hand_ledger())
    card = scorecard(table, SEED)
    assert card.summary()["score"].tolist() == pytest.approx([17 / 18, 5 / 18])
    assert card.summary()["community_name"].tolist() == ["C1", "C2"]


def _figures_by_loops(ledger: Ledger) -> pd.DataFrame:
    """A few figures recomputed community by community with plain loops (an independent check)."""
    year = ledger.year
    orgs = list(ledger.party_orgs.itertuples())
    covered = {u for o in orgs if o.status == "established" for u in split_refs(o.units)}
    home = {
        o.id: o.community
        for o in orgs
        if o.status == "established" and o.kind in BRANCH_KINDS and o.community and not split_refs(o.units)
    }
    rows = {}
    for c in ledger.communities.itertuples():
        units = [u for u in ledger.units.itertuples() if u.community == c.id]
        members = [m for m in ledger.members.itertuples() if home.get(m.org) == c.id]
        sitting = [k for k in ledger.cadres.itertuples() if k.community == c.id and not k.reserve]
        ready = [k for k in ledger.cadres.itertuples() if k.community == c.id and k.reserve and k.ready]
        rows[c.id] = {
            "org_coverage": sum(u.id in covered for u in units) / len(units) if units else 1.0,
            "full_members": sum(m.status == "full" for m in members),
            "years_since_admission": year - max(m.joined.year for m in members) if members else np.nan,
            "cadre_mean_age": np.mean([year - k.birth_year for k in sitting]) if sitting else np.nan,
            "ready_reserves_per_key_post": sum(k.post in KEY_POSTS for k in ready) / len(KEY_POSTS),
            "vacant_posts": sum(all(k.post != post for k in sitting) for post in KEY_POSTS),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def test_figures_agree_with_plain_loops_on_a_synthetic_street():
    from workbench.synth import synthetic_ledger

    ledger = synthetic_ledger(30, seed=1)
    expected = _figures_by_loops(ledger)
    got = figures(ledger)[expected.columns]
    pd.testing.assert_frame_equal(got, expected.astype(float), check_names=False, check_index_type=False)


def test_on_the_sample_street_only_the_two_pilots_have_venues():
    from workbench.synth import sample_ledger

    ledger = sample_ledger()
    summary = scorecard(ledger, SEED).summary()
    assert len(summary) == 6
    pilots = summary["community_name"].str.startswith(("汇丰", "燕兴"))
    assert pilots.sum() == 2
    assert summary.loc[pilots, "venue_met"].all()
    assert not summary.loc[~pilots, "venue_met"].any()
    villages = ledger.communities.set_index("id")["former_village"]
    assert villages.reindex(summary.index[~pilots]).all()  # the four that lag are the former villages


def test_cli_prints_the_street_summary_and_gaps_and_writes_the_table(tmp_path, monkeypatch, capsys):
    import workbench.commands.scorecard as command

    monkeypatch.setattr(command, "read_ledger", lambda path, *, lang="zh": hand_ledger())
    out = tmp_path / "card.xlsx"
    assert cli.main(["scorecard", "ledger.xlsx", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "有阵地：1/2" in printed and "东村：有阵地 — 办公活动用房 38 平方米" in printed
    sheets = pd.read_excel(out, sheet_name=None)
    assert len(sheets["scorecard"]) == 2 * len(SEED.indicators) and len(sheets["summary"]) == 2
    assert cli.main(["scorecard", "ledger.xlsx", "--out", str(out)]) == 1  # refuses to overwrite
    assert "--force" in capsys.readouterr().err
    csv = tmp_path / "card.csv"
    args = ["scorecard", "ledger.xlsx", "--rubric", "modern", "--lang", "en", "--out", str(csv)]
    assert cli.main(args) == 0
    assert "Venue:" in capsys.readouterr().out
    assert cli.main([*args, "--force"]) == 0
    assert len(pd.read_csv(csv)) == 2 * len(load_rubric("modern").indicators)
