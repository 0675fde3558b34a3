"""The programme's optimum equals brute-force enumeration of every purchase combination on small
random instances (2 communities × 3 items × 2 years), scored by plain arithmetic."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.costs import catalogue_from_dict, make_funds
from workbench.engines.allocation import check_plan, figure_values, problem, solve
from workbench.ledger import Ledger
from workbench.rubric import Indicator, Rubric


def _ledger(space, funds_other) -> Ledger:
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["s"], "year": [2003]}),
        communities=pd.DataFrame(
            {
                "id": ["A", "B"],
                "name": ["a", "b"],
                "households": [100, 200],
                "space_m2": space,
                "funds_street": [1000.0, 1000.0],
                "funds_other": funds_other,
            }
        ),
        cobuilding=pd.DataFrame({"unit": ["U1"], "community": ["B"], "pledged": [300.0], "since": [2003]}),
        units=pd.DataFrame(
            {"id": ["U1"], "name": ["u"], "community": ["B"], "kind": ["non_public_enterprise"]}
        ),
    )


def _indicator(have, figure, op, threshold, weight):
    label = {"zh": figure, "en": figure}
    return Indicator(figure, have, figure, op, threshold, float(weight), True, label)


@st.composite
def instances(draw):
    space_per_year = draw(st.booleans())
    items = {
        "sign": {
            "cost": draw(st.sampled_from([200, 500, 900])),
            "effects": [{"figure": "signage", "add": 1}],
            "limit": 1,
        },
        "space": {
            "cost": draw(st.sampled_from([300, 600, 1000])),
            "per": "year" if space_per_year else "once",
            "effects": [{"figure": "space_m2", "add": 20}],
            "limit": draw(st.integers(1, 2)),
        },
        "funds": {"cost": 100, "per": "year", "effects": [{"figure": "funds_total", "add": 100}], "limit": 2},
    }
    rubric = Rubric(
        "t",
        {"zh": "t", "en": "t"},
        (
            _indicator("venue", "signage", "is_true", None, draw(st.integers(1, 3))),
            _indicator(
                "venue", "space_m2", ">=", draw(st.sampled_from([30.0, 60.0, 80.0])), draw(st.integers(1, 3))
            ),
            _indicator("funding", "non_street_funds_share", ">=", draw(st.sampled_from([0.1, 0.2])), 1),
            _indicator("funding", "funds_per_household", ">=", draw(st.sampled_from([6.0, 11.0])), 1),
        ),
    )
    budget = [draw(st.sampled_from([0, 300, 700, 1200])) for _ in range(2)]
    carry = draw(st.booleans())
    space = [draw(st.sampled_from([0.0, 30.0])), draw(st.sampled_from([20.0, 50.0]))]
    return catalogue_from_dict(items), rubric, budget, carry, space


def _community_options(prob, c):
    """Every start schedule (Y, I) of one community within the item limits."""
    n_y, n_i = len(prob.years), len(prob.catalogue.items)
    per_item = []
    for i in range(n_i):
        limit = int(prob.limit[c, i])
        per_item.append([s for s in itertools.product(range(limit + 1), repeat=n_y) if sum(s) <= limit])
    return [np.array(choice).T for choice in itertools.product(*per_item)]


def _brute_force(prob) -> float:
    """The best last-year weighted score over every purchase combination the money allows."""
    options = [_community_options(prob, c) for c in range(len(prob.communities))]
    held, street, other = [], [], []
    for schedule in itertools.product(*options):
        starts = np.stack(schedule, axis=1)  # (Y, C, I)
        paid = _fund(prob, starts)
        if paid is not None:
            held.append(starts.sum(axis=0))
            street.append(paid[0])
            other.append(paid[1])
    values = figure_values(prob, np.array(held), np.array(street), np.array(other))
    columns = list(prob.base.columns)
    points = sum(i.weight * i.passes(values[..., columns.index(i.figure)]) for i in prob.rubric.indicators)
    return float(points.sum(axis=1).max())


def _fund(prob, starts):
    """Pay for the purchases year by year, tied money first and on funds items first (optimal when
    tied money does not carry over); the street and other yuan paid into funds in the last year,
    or None when money falls short."""
    running = np.where(prob.yearly, np.cumsum(starts, axis=0), starts)
    sources = sorted(prob.funds.sources, key=lambda s: s.street)  # tied first
    balance = [0.0] * len(sources)
    into = np.zeros((2, len(prob.communities)))
    for y in range(len(prob.years)):
        balance = [(b if s.carry_over else 0.0) + s.amounts[y] for b, s in zip(balance, sources, strict=True)]
        into[:] = 0.0
        for c, community in enumerate(prob.communities):
            for i in np.argsort(~prob.funds_items, kind="stable"):
                left = running[y, c, i] * prob.cost[i]
                for k, source in enumerate(sources):
                    if source.community in (None, community):
                        take = min(left, balance[k])
                        balance[k] -= take
                        left -= take
                        into[0 if source.street else 1, c] += take * prob.funds_add[i] / prob.cost[i]
                if left > 1e-9:
                    return None
    return into


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimum_equals_brute_force(instance):
    catalogue, rubric, budget, carry, space = instance
    ledger = _ledger(space, [0.0, 0.0])
    funds = make_funds(ledger, budget=budget, years=2, carry_over=carry)
    street, tied = funds.sources
    funds = replace(funds, sources=(street, replace(tied, carry_over=False)))
    prob = problem(ledger, rubric, catalogue, funds)
    plan = solve(prob)
    check_plan(prob, plan.table)
    assert plan.status == "optimal"
    assert plan.weighted_met == _brute_force(prob)
