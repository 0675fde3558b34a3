"""The sample street (the seed case in 2003) and synthetic ledgers at any scale."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import cli, paths, schema
from workbench.settings import RULES
from workbench.synth import MIX, sample_ledger, synthetic_ledger
from workbench.validate import validate

PILOTS = ("汇丰社区", "燕兴社区")
PILOT_STANDARD = ["signage", "tv", "video_player", "activity_room", "study_materials"]


@pytest.fixture(scope="module")
def sample():
    return sample_ledger()


@pytest.fixture(scope="module")
def street():
    return synthetic_ledger(12, seed=7)


def errors(ledger):
    return [p for p in validate(ledger) if p.severity == "error"]


def community_bodies(ledger) -> pd.DataFrame:
    orgs = ledger.party_orgs
    return orgs[orgs["community"].notna() & orgs["units"].isna() & (orgs["kind"] != "working_committee")]


def sitting(ledger) -> pd.DataFrame:
    return ledger.cadres[~ledger.cadres["reserve"]]


def months_between(earlier: pd.Series, later: pd.Series) -> pd.Series:
    """Whole calendar months from ``earlier`` to ``later`` (a day short of a month does not count)."""
    months = (later.dt.year - earlier.dt.year) * 12 + later.dt.month - earlier.dt.month
    return months - (later.dt.day < earlier.dt.day)


# --- the sample street ----------------------------------------------------------------------


def test_sample_is_the_seed_street_in_its_founding_year(sample):
    assert sample.year == 2003 and sample.street_name == "示范街道"
    communities = sample.communities
    assert len(communities) == 6 and set(PILOTS) <= set(communities["name"])
    pilots = communities["name"].isin(PILOTS)
    assert communities.loc[pilots, PILOT_STANDARD].all(axis=None)
    assert (~communities.loc[~pilots, PILOT_STANDARD].all(axis=1)).all()  # each lags somewhere
    assert (
        communities.loc[~pilots, "former_village"].all()
        and not communities.loc[pilots, "former_village"].any()
    )
    assert communities.loc[~pilots, "space_m2"].max() < communities.loc[pilots, "space_m2"].min()


def test_sample_has_one_community_branch_per_community_under_the_working_committee(sample):
    bodies = community_bodies(sample)
    assert sorted(bodies["community"]) == sorted(sample.communities["id"])
    working = sample.party_orgs[sample.party_orgs["kind"] == "working_committee"]
    assert len(working) == 1 and (bodies["parent"] == working["id"].item()).all()
    assert (bodies["founded"] == 2003).all()


def test_sample_has_units_of_every_kind_mostly_non_public_enterprises(sample):
    kinds = sample.units["kind"].value_counts()
    assert set(kinds.index) == set(schema.UNIT_KIND.codes())
    assert (
        kinds.idxmax() == "non_public_enterprise" and kinds["non_public_enterprise"] > len(sample.units) / 2
    )
    assert (sample.units["young_employees"] <= sample.units["employees"]).all()


def test_sample_has_one_npe_organisation_established_and_two_in_preparation(sample):
    orgs = sample.party_orgs.dropna(subset=["units"])
    kind = orgs["units"].map(sample.units.set_index("id")["kind"])
    statuses = orgs.loc[kind == "non_public_enterprise", "status"].value_counts()
    assert statuses.to_dict() == {"preparing": 2, "established": 1}
    assert not sample.communities["guidance_committee"].any()


def test_sample_cadres_average_about_forty_and_are_mostly_former_village_cadres(sample):
    cadres = sitting(sample)
    age = sample.year - cadres["birth_year"]
    assert 39 <= age.mean() <= 41
    sizes = cadres.groupby("community").size()
    assert sizes.between(RULES.community_committee_min, RULES.community_committee_max).all()
    secretaries = cadres[cadres["post"] == "secretary"]
    assert len(secretaries) == 6 and secretaries["former_village_cadre"].sum() > 3
    ready = sample.cadres[sample.cadres["reserve"] & sample.cadres["ready"]]
    assert 0 < len(ready) <= 2  # few ready reserves


def test_sample_has_a_branch_that_admitted_nobody_for_six_years(sample):
    bodies = community_bodies(sample)["id"]
    members = sample.members[sample.members["org"].isin(bodies)]
    newest = members.groupby("org")["joined"].max().dt.year
    assert (newest == sample.year - 6).sum() == 1 and newest.min() == 1997


def test_sample_services_funds_and_rules(sample):
    communities = sample.communities
    assert communities["service_projects"].between(5, 6).all()
    assert communities["service_centre"].sum() == 1
    assert communities["rules_in_place"].all() and communities["ledger_kept"].all()
    funds = communities[list(schema.FUND_COLUMNS)].sum(axis=1)
    assert (communities["funds_street"] / funds > 0.9).all()
    assert communities["funds_street"].sum() / funds.sum() > 0.9
    pledged = sample.cobuilding.groupby("community")["pledged"].sum()
    assert (
        pledged.reindex(communities["id"], fill_value=0).tolist() == communities["funds_cobuilding"].tolist()
    )


def test_sample_validates_and_is_deterministic(sample):
    assert validate(sample) == []
    assert sample_ledger().equals(sample)


def test_committed_sample_workbook_is_the_sample_ledger(sample):
    from workbench.ledger_io import read_ledger

    assert read_ledger(paths.SAMPLE_LEDGER).equals(sample)


# --- rules every generated ledger keeps -------------------------------------------------------


@pytest.mark.parametrize(
    "make", [sample_ledger, lambda: synthetic_ledger(12, seed=7)], ids=["sample", "street"]
)
def test_members_pipeline_and_cadres_keep_the_party_rules(make):
    ledger = make()
    end = pd.Timestamp(ledger.year, 12, 31)
    members = ledger.members.set_index("id")
    full = members[members["status"] == "full"]
    assert (months_between(full["joined"], pd.Series(end, index=full.index)) >= RULES.probation_months).all()
    probationary = members[members["status"] == "probationary"]
    assert (months_between(probationary["joined"], pd.Series(end, index=probationary.index)) < 12).all()
    for org, sponsors in zip(probationary["org"], probationary["sponsors"], strict=True):
        ids = schema.split_refs(sponsors)
        assert len(ids) == RULES.sponsors_required and (full.loc[ids, "org"] == org).all()

    pipe = ledger.pipeline
    assert (pipe["applied"].dt.year - pipe["birth_year"] >= RULES.min_applicant_age).all()
    assert (pipe["applied"] <= end).all()
    candidates = pipe[pipe["stage"] == "candidate"]
    assert (
        months_between(candidates["activist_since"], candidates["candidate_since"])
        >= RULES.activist_min_months
    ).all()
    assert (candidates["training_days"] >= RULES.candidate_training_min_days).all()
    assert candidates["sponsors"].map(lambda s: len(schema.split_refs(s))).eq(RULES.sponsors_required).all()
    assert pipe.loc[pipe["stage"] == "applicant", "activist_since"].isna().all()

    cadres = ledger.cadres.dropna(subset=["member"])
    assert (cadres["birth_year"].to_numpy() == members.loc[cadres["member"], "birth_year"].to_numpy()).all()
    ready = cadres[cadres["ready"]]
    years = ledger.year - members.loc[ready["member"], "joined"].dt.year
    assert (years >= RULES.reserve_min_member_years).all()
    assert (
        ledger.year - sitting(ledger).query("post == 'secretary'")["birth_year"] < RULES.retirement_age
    ).all()


@pytest.mark.parametrize(
    "make", [sample_ledger, lambda: synthetic_ledger(12, seed=7)], ids=["sample", "street"]
)
def test_neighbours_are_symmetric(make):
    ledger = make()
    pairs = {
        (a, b)
        for a, cell in zip(ledger.communities["id"], ledger.communities["neighbours"], strict=True)
        for b in schema.split_refs(cell)
    }
    assert pairs and all((b, a) in pairs for a, b in pairs) and all(a != b for a, b in pairs)


# --- synthetic ledgers ------------------------------------------------------------------------


def test_same_seed_same_ledger_other_seed_other_ledger():
    one = synthetic_ledger(20, seed=3)
    assert one.equals(synthetic_ledger(20, seed=3))
    assert one.fingerprint() == synthetic_ledger(20, seed=3).fingerprint()
    assert not one.equals(synthetic_ledger(20, seed=4))


def test_scale_counts_follow_the_mix():
    ledger = synthetic_ledger(50, seed=1)
    n = len(ledger.communities)
    assert n == 50
    assert 45 <= len(ledger.units) / n <= 55  # Poisson(50) per community: sd of the mean ≈ 1
    assert 250 <= len(ledger.members) / n <= 350
    shares = ledger.units["kind"].value_counts(normalize=True)
    assert shares.idxmax() == "non_public_enterprise" and shares["non_public_enterprise"] > 0.5
    per_unit = ledger.members["unit"].value_counts().reindex(ledger.units["id"], fill_value=0)
    assert (per_unit <= 2).mean() > 0.6 and (per_unit >= 3).mean() > 0.1  # skewed: most have 0–2
    working = ledger.party_orgs["kind"] == "working_committee"
    assert working.sum() == -(-n // MIX.communities_per_street)


def test_synthetic_organisations_follow_the_branch_rules(street):
    orgs = street.party_orgs
    members = street.members
    size = members["org"].value_counts().reindex(orgs["id"], fill_value=0).to_numpy()
    full = (
        members.loc[members["status"] == "full", "org"]
        .value_counts()
        .reindex(orgs["id"], fill_value=0)
        .to_numpy()
    )
    unit_orgs = orgs["units"].notna() & (orgs["status"] == "established") & (orgs["kind"] != "joint_branch")
    expected = [RULES.org_kind_for_size(int(s)) for s in size[unit_orgs.to_numpy()]]
    assert orgs.loc[unit_orgs, "kind"].tolist() == expected
    assert (full[unit_orgs.to_numpy()] >= RULES.min_members_own_branch).all()
    joint = (orgs["kind"] == "joint_branch").to_numpy()
    assert joint.any()
    assert (full[joint] >= RULES.joint_branch_min_members).all()
    assert (
        orgs.loc[joint, "units"]
        .map(lambda c: 2 <= len(schema.split_refs(c)) <= RULES.joint_branch_max_units)
        .all()
    )
    covered = orgs.loc[orgs["status"] == "established", "units"].dropna().map(schema.split_refs).explode()
    assert covered.is_unique  # a unit has at most one organisation
    assert not street.units.loc[street.units["id"].isin(covered), "instructor"].any()
    assert sorted(community_bodies(street)["community"]) == sorted(street.communities["id"])
    units_of_member = members.dropna(subset=["unit"])
    own = (
        orgs.dropna(subset=["units"]).assign(unit=lambda d: d["units"].map(schema.split_refs)).explode("unit")
    )
    org_of_unit = own[own["status"] == "established"].set_index("unit")["id"]
    placed = units_of_member["unit"].map(org_of_unit)
    assert (placed.isna() | (placed == units_of_member["org"])).all()  # members sit in their unit's org


def test_synthetic_cadres_and_funds_are_plausible(street):
    cadres = sitting(street)
    sizes = cadres.groupby("community").size()
    assert sizes.between(RULES.community_committee_min, RULES.community_committee_max).all()
    assert (cadres.groupby("community")["post"].apply(lambda p: {"secretary", "deputy"} <= set(p))).all()
    assert 35 <= (street.year - cadres["birth_year"]).mean() <= 45
    pledged = street.cobuilding.groupby("community")["pledged"].sum()
    communities = street.communities
    assert (
        pledged.reindex(communities["id"], fill_value=0).tolist() == communities["funds_cobuilding"].tolist()
    )


def test_synthetic_street_validates_without_problems(street):
    assert validate(street) == []


@settings(max_examples=8, deadline=None)
@given(communities=st.integers(1, 40), seed=st.integers(0, 2**32 - 1))
def test_any_size_and_seed_validates_without_errors(communities, seed):
    ledger = synthetic_ledger(communities, seed=seed)
    assert len(ledger.communities) == communities
    assert errors(ledger) == []


@pytest.mark.parametrize("n", [1, 2, 5, 12, 17])
def test_neighbours_are_the_grid_cells_one_step_away(n):
    ledger = synthetic_ledger(n)
    width = math.ceil(math.sqrt(n))
    expected = {
        (f"C{a + 1:0{len(str(n))}d}", f"C{b + 1:0{len(str(n))}d}")
        for a in range(n)
        for b in range(n)
        if abs(a // width - b // width) + abs(a % width - b % width) == 1
    }
    cells = zip(ledger.communities["id"], ledger.communities["neighbours"], strict=True)
    assert {(a, b) for a, cell in cells for b in schema.split_refs(cell)} == expected


def test_joint_branches_join_units_of_one_kind_in_their_community(street):
    joint = street.party_orgs[street.party_orgs["kind"] == "joint_branch"]
    units = street.units.set_index("id")
    for community, cell in zip(joint["community"], joint["units"], strict=True):
        members = units.loc[schema.split_refs(cell)]
        assert (members["community"] == community).all() and members["kind"].nunique() == 1


def test_no_communities_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        synthetic_ledger(0)


# --- the command ------------------------------------------------------------------------------


def test_command_writes_a_csv_folder_that_reads_back_as_the_same_ledger(tmp_path, capsys):
    from workbench.ledger_io import read_ledger

    out = tmp_path / "district"
    assert cli.main(["synth", "--communities", "3", "--seed", "2", "--out", str(out)]) == 0
    assert read_ledger(out).equals(synthetic_ledger(3, seed=2))
    assert "3 个社区" in capsys.readouterr().out
    assert cli.main(["synth", "--communities", "3", "--out", str(out)]) == 1  # exists, no --force


def test_command_regenerates_the_committed_sample_byte_for_byte(tmp_path):
    out = tmp_path / "sample.xlsx"
    assert cli.main(["synth", "--sample", "--out", str(out)]) == 0
    assert out.read_bytes() == paths.SAMPLE_LEDGER.read_bytes()


def test_command_refuses_unknown_formats(tmp_path, capsys):
    assert cli.main(["synth", "--out", str(tmp_path / "city.parquet"), "--lang", "en"]) == 1
    assert "CSV" in capsys.readouterr().err and not (tmp_path / "city.parquet").exists()
