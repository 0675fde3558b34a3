"""The organisation graph and its queries, against a street worked out by hand.

The street (ledger year 2010) has three communities in a row, C1 – C2 – C3, ten units and eight
Party organisations:

====  ====  ======================  ====  ==========  =======================================
unit  comm  kind                    full  instructor  organisation
====  ====  ======================  ====  ==========  =======================================
U1    C1    non-public enterprise   5     no          own branch O2
U2    C1    non-public enterprise   2     no          joint branch O3
U3    C1    social organisation     1     no          joint branch O3
U4    C2    non-public enterprise   4     yes         branch O4 in preparation (covers nothing)
U5    C2    social organisation     0     yes         —
U6    C2    non-public enterprise   2     no          —
U7    C3    public institution      0     (blank)     —
U8    C3    non-public enterprise   3     no          joint branch O5
U9    C3    non-public enterprise   1     no          joint branch O5
U10   C3    social organisation     1     no          —
====  ====  ======================  ====  ==========  =======================================

Organisations: O1 the working committee; O6, O7, O8 the community bodies of C1 (a general branch
with only 3 full members), C2 and C3 (no member at all). Members of U4, U6 and U10 belong to O7.
Last admissions: O2 2009, O3 2004, O5 2005, O6 2006, O7 2010, O8 never.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from workbench import cli
from workbench import graph as g
from workbench.commands.info import summary
from workbench.indicators import figures
from workbench.ledger import Ledger
from workbench.ledger_io import write_ledger
from workbench.settings import RULES
from workbench.synth import sample_ledger, synthetic_ledger

NPE, SOC, INST = "non_public_enterprise", "social_org", "institution"
YEAR = 2010


def _ledger() -> Ledger:
    units = [
        ("U1", "C1", NPE, False),
        ("U2", "C1", NPE, False),
        ("U3", "C1", SOC, False),
        ("U4", "C2", NPE, True),
        ("U5", "C2", SOC, True),
        ("U6", "C2", NPE, False),
        ("U7", "C3", INST, None),
        ("U8", "C3", NPE, False),
        ("U9", "C3", NPE, False),
        ("U10", "C3", SOC, False),
    ]
    orgs = [  # id, kind, parent, community, status, units
        ("O1", "working_committee", None, None, "established", None),
        ("O2", "branch", "O6", "C1", "established", "U1"),
        ("O3", "joint_branch", "O6", "C1", "established", "U2;U3;U2"),
        ("O4", "branch", "O7", "C2", "preparing", "U4"),
        ("O5", "joint_branch", "O8", "C3", "established", "U8,U9"),
        ("O6", "general_branch", "O1", "C1", "established", None),
        ("O7", "branch", "O1", "C2", "established", None),
        ("O8", "branch", "O1", "C3", "established", None),
    ]
    members = [  # org, unit, status, year joined, how many
        ("O2", "U1", "full", 2008, 4),
        ("O2", "U1", "full", 2009, 1),
        ("O3", "U2", "full", 2000, 2),
        ("O3", "U3", "full", 2004, 1),
        ("O5", "U8", "full", 2005, 3),
        ("O5", "U9", "full", 2005, 1),
        ("O6", None, "full", 2006, 3),
        ("O7", "U4", "full", 2001, 4),
        ("O7", "U6", "full", 2002, 2),
        ("O7", "U10", "full", 2003, 1),
        ("O7", "U6", "probationary", YEAR, 1),
    ]
    people = [(org, unit, status, joined) for org, unit, status, joined, n in members for _ in range(n)]
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S1"], "name": ["测试街道"], "year": [YEAR]}),
        communities=pd.DataFrame(
            {
                "id": ["C1", "C2", "C3"],
                "name": ["甲", "乙", "丙"],
                "households": [100, 200, 300],
                "neighbours": ["C2", "C1；C3", None],
            }
        ),
        units=pd.DataFrame(
            {
                "id": [u[0] for u in units],
                "name": [f"单位{u[0]}" for u in units],
                "community": [u[1] for u in units],
                "kind": [u[2] for u in units],
                "employees": range(10, 110, 10),
                "trade": ["制造"] * 9 + ["文体"],
                "instructor": pd.array([u[3] for u in units], dtype="boolean"),
            }
        ),
        party_orgs=pd.DataFrame(
            {
                "id": [o[0] for o in orgs],
                "name": [f"党组织{o[0]}" for o in orgs],
                "kind": [o[1] for o in orgs],
                "parent": [o[2] for o in orgs],
                "community": [o[3] for o in orgs],
                "status": [o[4] for o in orgs],
                "founded": [None if o[4] == "preparing" else 1999 for o in orgs],
                "units": [o[5] for o in orgs],
            }
        ),
        members=pd.DataFrame(
            {
                "id": [f"M{i:02d}" for i in range(1, len(people) + 1)],
                "org": [p[0] for p in people],
                "unit": [p[1] for p in people],
                "birth_year": 1970,
                "joined": [pd.Timestamp(p[3], 7, 1) for p in people],
                "status": [p[2] for p in people],
                "sponsors": [None] * (len(people) - 1) + ["M16;M17"],
            }
        ),
        cobuilding=pd.DataFrame({"unit": ["U1", "U7"], "community": ["C2", "C3"], "pledged": [5000.0, None]}),
    )


@pytest.fixture(scope="module")
def ledger() -> Ledger:
    return _ledger()


@pytest.fixture(scope="module")
def graph(ledger):
    return g.build_graph(ledger)


def _kinds(items) -> dict[str, int]:
    return pd.Series([data["kind"] for *_, data in items]).value_counts().to_dict()


def _edges(graph, kind: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, k in graph.edges(data="kind") if k == kind}


def test_nodes_are_prefixed_and_counted(graph):
    assert _kinds(graph.nodes(data=True)) == {"street": 1, "community": 3, "unit": 10, "party_org": 8}
    assert graph.graph == {"street": "S1", "name": "测试街道", "year": YEAR}
    assert graph.nodes["unit:U6"]["full_members"] == 2
    assert graph.nodes["unit:U6"]["unit_kind"] == NPE
    assert graph.nodes["unit:U7"]["instructor"] is False  # a blank cell is "no"
    o7 = graph.nodes["org:O7"]
    assert (o7["org_kind"], o7["full_members"], o7["probationary_members"]) == ("branch", 7, 1)
    assert o7["last_admission_year"] == YEAR
    assert graph.nodes["org:O8"]["last_admission_year"] is None
    assert graph.nodes["community:C2"]["households"] == 200


def test_edges_of_every_kind(graph):
    assert _kinds(graph.edges(data=True)) == {
        "contains": 3 + 10 + 7 + 1,
        "governs": 7,
        "covers": 5,
        "prepares": 1,
        "cobuilds": 2,
        "adjoins": 2,
    }
    assert ("street:S1", "org:O1") in _edges(graph, "contains")
    assert ("community:C3", "org:O5") in _edges(graph, "contains")
    assert ("org:O6", "org:O3") in _edges(graph, "governs")
    assert _edges(graph, "covers") == {
        ("org:O2", "unit:U1"),
        ("org:O3", "unit:U2"),
        ("org:O3", "unit:U3"),
        ("org:O5", "unit:U8"),
        ("org:O5", "unit:U9"),
    }
    assert _edges(graph, "prepares") == {("org:O4", "unit:U4")}  # preparing does not cover
    assert graph.edges["unit:U1", "community:C2", 0]["pledged"] == 5000.0


def test_adjacency_is_symmetric_and_drops_self_and_unknown_references(ledger):
    communities = ledger.communities.assign(neighbours=["C2", "C1；C3", "C3、C9"])
    graph = g.build_graph(Ledger({**ledger.tables, "communities": communities}))
    adjacency = g.community_adjacency(graph)
    assert set(adjacency.nodes) == {"C1", "C2", "C3"}
    assert {frozenset(e) for e in adjacency.edges} == {frozenset(("C1", "C2")), frozenset(("C2", "C3"))}
    assert "community:C9" not in graph


def test_references_to_missing_rows_are_left_out(ledger):
    cobuilding = pd.concat([ledger.cobuilding, pd.DataFrame({"unit": ["U99"], "community": ["C1"]})])
    broken = Ledger.from_tables(**{**ledger.tables, "cobuilding": cobuilding})
    graph = g.build_graph(broken)
    assert graph.number_of_nodes() == 22
    assert len(g.cobuilding_ties(graph)) == 2


def test_coverage_overall_and_by_community(graph):
    overall = g.coverage(graph, by=())
    assert overall.to_dict("records") == [
        {"units": 10, "org_covered": 5, "work_covered": 7, "org_rate": 1 / 2, "work_rate": 7 / 10}
    ]
    by_community = g.coverage(graph, by=("community",)).set_index("community")
    assert by_community["units"].tolist() == [3, 3, 4]
    assert by_community["org_rate"].tolist() == [1.0, 0.0, 2 / 4]
    assert by_community["work_rate"].tolist() == [1.0, 2 / 3, 2 / 4]


def test_coverage_by_community_and_kind(graph):
    table = g.coverage(graph)
    rows = list(
        table[["community", "unit_kind", "units", "org_covered", "work_covered"]].itertuples(index=False)
    )
    assert [tuple(r) for r in rows] == [
        ("C1", NPE, 2, 2, 2),
        ("C1", SOC, 1, 1, 1),
        ("C2", NPE, 2, 0, 1),
        ("C2", SOC, 1, 0, 1),
        ("C3", INST, 1, 0, 0),
        ("C3", NPE, 2, 2, 2),
        ("C3", SOC, 1, 0, 0),
    ]
    by_kind = g.coverage(graph, by=("unit_kind",)).set_index("unit_kind")
    assert by_kind.loc[NPE, ["org_rate", "work_rate"]].tolist() == [4 / 6, 5 / 6]
    assert by_kind.loc[SOC, ["org_rate", "work_rate"]].tolist() == [1 / 3, 2 / 3]
    with pytest.raises(KeyError, match="cannot group"):
        g.coverage(graph, by=("colour",))


def test_instructor_gives_work_coverage_only(graph):
    units = g.unit_table(graph).set_index("id")
    assert units.loc["U5", ["org_covered", "work_covered"]].tolist() == [False, True]
    assert units.loc["U4", ["org_covered", "work_covered", "preparing"]].tolist() == [False, True, True]
    assert units.index[units["joint_only"]].tolist() == ["U2", "U3", "U8", "U9"]


def test_units_without_organisation(graph):
    table = g.units_without_organisation(graph)
    assert table["unit"].tolist() == ["U4", "U5", "U6", "U7", "U10"]
    assert table["full_members"].tolist() == [4, 0, 2, 0, 1]
    assert table["instructor"].tolist() == [True, True, False, False, False]
    assert table["preparing"].tolist() == [True, False, False, False, False]
    assert table["employees"].tolist() == [40, 50, 60, 70, 100]


def test_units_eligible_for_own_branch(graph):
    table = g.units_eligible_for_own_branch(graph)
    assert table[["unit", "full_members", "joint_only", "preparing", "org_kind"]].values.tolist() == [
        ["U4", 4, False, True, "branch"],
        ["U8", 3, True, False, "branch"],
    ]
    stricter = g.units_eligible_for_own_branch(graph, rules=replace(RULES, min_members_own_branch=4))
    assert stricter["unit"].tolist() == ["U4"]


def test_joint_branch_candidates(graph):
    table = g.joint_branch_candidates(graph)
    assert table[["unit", "community", "trade", "full_members"]].values.tolist() == [
        ["U6", "C2", "制造", 2],
        ["U10", "C3", "文体", 1],
    ]
    assert table["neighbours"].tolist() == [("C1", "C3"), ("C2",)]
    # with a threshold of 5, U4 (4 members, uncovered) becomes a candidate too; U5 and U7 never
    wider = g.joint_branch_candidates(graph, rules=replace(RULES, min_members_own_branch=5))
    assert wider["unit"].tolist() == ["U4", "U6", "U10"]
    assert wider["preparing"].tolist() == [True, False, False]


def test_misfit_organisations(graph):
    table = g.misfit_organisations(graph)
    assert table[["org", "fitting_kind", "reason"]].values.tolist() == [
        ["O6", "branch", "size"],
        ["O8", "branch", "too_few_members"],
    ]
    strict = g.misfit_organisations(graph, rules=replace(RULES, joint_branch_max_units=1))
    assert strict[["org", "units", "reason"]].values.tolist() == [
        ["O3", 2, "too_many_units"],
        ["O5", 2, "too_many_units"],
        ["O6", 0, "size"],
        ["O8", 0, "too_few_members"],
    ]


def test_branches_without_admission(graph):
    table = g.branches_without_admission(graph)
    assert table["org"].tolist() == ["O3", "O5", "O8"]
    assert table["years_since"].tolist() == [6, 5, pd.NA]
    later = g.branches_without_admission(graph, as_of=YEAR + 2)
    assert later["org"].tolist() == ["O3", "O5", "O6", "O8"]
    shorter = g.branches_without_admission(graph, rules=replace(RULES, no_admission_years=6))
    assert shorter["org"].tolist() == ["O3", "O8"]


def test_cobuilding_ties_and_community_ids(graph):
    ties = g.cobuilding_ties(graph)
    assert ties[["unit", "community"]].values.tolist() == [["U1", "C2"], ["U7", "C3"]]
    assert ties["pledged"].iloc[0] == 5000.0 and pd.isna(ties["pledged"].iloc[1])
    assert g.community_ids(graph).tolist() == ["C1", "C2", "C3"]


def test_org_table_counts_units_covered_or_prepared(graph):
    orgs = g.org_table(graph).set_index("id")
    assert orgs["units"].tolist() == [0, 1, 2, 1, 2, 0, 0, 0]
    assert orgs["full_members"].tolist() == [0, 5, 3, 0, 4, 3, 7, 0]


def test_empty_ledger_has_nan_rates():
    ledger = Ledger.from_tables(street=pd.DataFrame({"id": ["S"], "name": ["空"], "year": [YEAR]}))
    graph = g.build_graph(ledger)
    row = g.coverage(graph, by=()).iloc[0]
    assert row["units"] == 0 and pd.isna(row["org_rate"])
    assert g.units_without_organisation(graph).empty
    assert g.joint_branch_candidates(graph).empty
    assert g.misfit_organisations(graph).empty


def test_coverage_agrees_with_the_community_figures():
    ledger = sample_ledger()
    by_community = g.coverage(g.build_graph(ledger), by=("community",)).set_index("community")
    table = figures(ledger)
    for ours, theirs in (("org_rate", "org_coverage"), ("work_rate", "work_coverage")):
        pd.testing.assert_series_equal(
            by_community[ours].reindex(table.index), table[theirs], check_names=False
        )


@pytest.mark.parametrize("seed", [0, 1])
def test_queries_are_consistent_on_a_synthetic_district(seed):
    graph = g.build_graph(synthetic_ledger(8, seed=seed))
    units = g.unit_table(graph)
    per_kind = g.coverage(graph)
    overall = g.coverage(graph, by=()).iloc[0]
    assert per_kind[["units", "org_covered", "work_covered"]].sum().tolist() == [
        overall["units"],
        overall["org_covered"],
        overall["work_covered"],
    ]
    assert (units["org_covered"] <= units["work_covered"]).all()
    assert len(g.units_without_organisation(graph)) == overall["units"] - overall["org_covered"]
    candidates = g.joint_branch_candidates(graph)
    assert candidates["full_members"].between(1, RULES.min_members_own_branch - 1).all()
    members = synthetic_ledger(8, seed=seed).members
    assert g.org_table(graph)["full_members"].sum() == (members["status"] == "full").sum()


def test_info_summary_in_english(ledger):
    lines = summary(ledger, lang="en").splitlines()
    assert lines[:6] == [
        "测试街道 (ledger of 2010)",
        "communities: 3",
        "units: 10 (public institution 1, non-public enterprise 6, social organisation 3)",
        "Party organisations: 8 (working committee 1, general branch 1, branch 4, joint branch 2), "
        "of which 1 in preparation",
        "members: 23 (22 full, 1 probationary)",
        "coverage:",
    ]
    assert lines[6] == "  all units: organisation coverage 50.0% (5/10), work coverage 70.0% (7/10)"
    assert lines[7].endswith("organisation coverage 66.7% (4/6), work coverage 83.3% (5/6)")
    assert lines[8].endswith("organisation coverage 33.3% (1/3), work coverage 66.7% (2/3)")
    assert lines[9].startswith("units without a Party organisation: 5 (1 could set up their own branch, 2 ")
    assert lines[10].endswith("for 5 years or more: 3")
    assert lines[11:] == [
        "  党组织O3 (last admission in 2004, 6 years ago)",
        "  党组织O5 (last admission in 2005, 5 years ago)",
        "  党组织O8 (no member on record)",
    ]


def test_info_command_reads_a_file(ledger, tmp_path, capsys):
    path = write_ledger(ledger, tmp_path / "street.xlsx")
    assert cli.main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "测试街道（2010 年台账）"
    assert "全部单位：组织覆盖 50.0%（5/10），工作覆盖 70.0%（7/10）" in out
