"""The programme's optimum equals brute-force enumeration of every purchase schedule on small random
instances (2 communities × 3 items × 2 years), each scored by plain arithmetic written here from
the ledger's inputs: indicators met in every plan year, summed with equal weights. The baselines
stay within their means and never beat that optimum."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.costs import catalogue_from_dict, make_funds
from workbench.engines.allocation import check_plan, solve
from workbench.engines.allocation_model import problem
from workbench.engines.baselines import METHODS, baseline
from workbench.ledger import Ledger
from workbench.rubric import Indicator, Rubric

HOUSEHOLDS = [100, 200]
STREET_FUNDS = 1000.0


def _ledger(space, funds_other) -> Ledger:
    return Ledger.from_tables(
        street=pd.DataFrame({"id": ["S"], "name": ["s"], "year": [2003]}),
        communities=pd.DataFrame(
            {
                "id": ["A", "B"],
                "name": ["a", "b"],
                "households": HOUSEHOLDS,
                "space_m2": space,
                "funds_street": [STREET_FUNDS, STREET_FUNDS],
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


def _schedules(items, years: int):
    """Every start schedule (Y, I) of one community within the catalogue's limits."""
    per_item = [
        [s for s in itertools.product(range(int(item.limit) + 1), repeat=years) if sum(s) <= item.limit]
        for item in items
    ]
    return [np.array(choice).T for choice in itertools.product(*per_item)]


def _brute_force(catalogue, rubric, funds, space, other) -> float:
    """The best sum over plan years and communities of the rubric weight met, over every schedule
    the money allows (figures after each year computed from the ledger's inputs)."""
    items, years = catalogue.items, funds.years
    options = _schedules(items, years)
    best = -np.inf
    for schedule in itertools.product(options, repeat=2):
        starts = np.stack(schedule, axis=1)  # (Y, C, I)
        paid = _fund(items, funds, starts)
        if paid is not None:
            best = max(best, _points(items, rubric, starts, paid, space, other))
    return best


def _points(items, rubric, starts, paid, space, other) -> float:
    held = np.cumsum(starts, axis=0)  # once items bought so far; yearly items running (never stopped)
    ids = [i.id for i in items]
    into_street, into_other = paid
    total = STREET_FUNDS + np.asarray(other) + into_street + into_other
    figures = {
        "signage": np.minimum(held[:, :, ids.index("sign")], 1),
        "space_m2": np.asarray(space) + 20 * held[:, :, ids.index("space")],
        "funds_per_household": total / np.asarray(HOUSEHOLDS),
        "non_street_funds_share": (total - STREET_FUNDS - into_street) / total,
    }
    points = 0.0
    for indicator in rubric.indicators:
        value = figures[indicator.figure]
        met = value >= 1 if indicator.op == "is_true" else value >= indicator.threshold
        points += indicator.weight * met.sum()
    return points


def _fund(items, funds, starts):
    """Pay for the purchases year by year, tied money first and on funds items first (optimal when
    tied money does not carry over); the street and other yuan paid into funds per (year,
    community), or None when money falls short."""
    running = np.where([i.yearly for i in items], np.cumsum(starts, axis=0), starts)
    into_funds = [sum(e.add for e in i.effects if e.figure == "funds_total") for i in items]
    sources = sorted(funds.sources, key=lambda s: s.street)  # tied first
    balance = [0.0] * len(sources)
    into = np.zeros((2, *starts.shape[:2]))
    for y in range(funds.years):
        balance = [(b if s.carry_over else 0.0) + s.amounts[y] for b, s in zip(balance, sources, strict=True)]
        for c, community in enumerate(("A", "B")):
            for i in sorted(range(len(items)), key=lambda i: -into_funds[i]):
                left = running[y, c, i] * items[i].cost
                for k, source in enumerate(sources):
                    if source.community in (None, community):
                        take = min(left, balance[k])
                        balance[k] -= take
                        left -= take
                        into[0 if source.street else 1, y, c] += take * into_funds[i] / items[i].cost
                if left > 1e-9:
                    return None
    return into


def _problem(instance):
    catalogue, rubric, budget, carry, space = instance
    other = [0.0, 0.0]
    ledger = _ledger(space, other)
    funds = make_funds(ledger, budget=budget, years=2, carry_over=carry)
    street, tied = funds.sources
    funds = replace(funds, sources=(street, replace(tied, carry_over=False)))
    return catalogue, rubric, funds, space, other, problem(ledger, rubric, catalogue, funds)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimum_equals_brute_force(instance):
    catalogue, rubric, funds, space, other, prob = _problem(instance)
    plan = solve(prob)
    check_plan(prob, plan.table)
    assert plan.status == "optimal"
    assert plan.objective_value == _brute_force(catalogue, rubric, funds, space, other)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_baselines_stay_within_means_and_never_beat_brute_force(instance):
    catalogue, rubric, funds, space, other, prob = _problem(instance)
    best = _brute_force(catalogue, rubric, funds, space, other)
    for method in METHODS:
        plan = baseline(prob, method)
        check_plan(prob, plan.table)
        assert plan.objective_value <= best, method
