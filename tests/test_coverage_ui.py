"""The coverage planner widget and the joint-branch picture."""

from __future__ import annotations

import io
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure

from workbench import plots
from workbench.engines import coverage, grouping
from workbench.synth import sample_ledger
from workbench.ui.coverage import CoveragePlanner


@pytest.fixture(scope="module")
def ledger():
    return sample_ledger()


def _drawn(fig: Figure) -> Figure:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph fails
        fig.savefig(io.BytesIO(), format="png", dpi=40)
    return fig


def test_levers_are_widget_state_and_a_change_reruns(ledger):
    planner = CoveragePlanner(ledger, years=3, runs=20, seed=1, lang="en")
    assert planner.levers.instructors == coverage.ledger_instructors(2, 5) == 1
    first = planner.table
    planner.controls["drive"].value = 20.0
    assert planner.drive == 20.0 and planner.levers.recruitment_drive == 20.0
    assert planner.table is not first
    again = coverage.simulate(ledger, planner.levers, years=3, runs=20, seed=1)
    assert planner.street("npe_org_coverage").to_list() == (
        again[(again["community"] == "*") & (again["indicator"] == "npe_org_coverage")]
        .groupby("year")["value"]
        .median()
        .to_list()
    )
    before = planner.table
    planner.target = 0.0  # met from the start; the target needs no rerun
    assert planner.first_year() == ledger.year and planner.table is before


def test_proposal_table_numbers_groups_from_one_and_lists_left_out_units_last(ledger):
    planner = CoveragePlanner(ledger, years=1, runs=2, lang="zh")
    table = planner.proposal_table()
    groups = table.iloc[:, -1]
    assert groups[groups > 0].min() == 1 and set(ledger.units["name"]) >= set(table.iloc[:, 0])
    assert list(groups) == sorted(groups, key=lambda g: (g < 0, g))
    assert len(table) == len(grouping.candidates(ledger))


def test_joint_branch_picture_joins_each_group_and_draws_every_candidate(ledger):
    proposal = grouping.propose(ledger)
    fig = _drawn(plots.joint_branches(proposal.assignment, lang="en"))
    ax = fig.axes[0]
    assert len(ax.lines) == proposal.groups
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(proposal.assignment)
    left = proposal.assignment.assign(group=-1)
    assert len(_drawn(plots.joint_branches(left)).axes[0].lines) == 0
