"""Baseline allocations to measure the optimiser against, on the same inputs and in the same
:class:`~workbench.engines.allocation.Plan` shape.

- ``"equal"``: every untied source is split equally among the communities;
- ``"households"``: split in proportion to households;
- ``"greedy"``: one street-wide pot; each purchase is the one with the most rubric weight gained per
  yuan (a step may be several units, e.g. the blocks of space that reach a threshold).

Within its share a community buys greedily by gain per yuan too, so the split baselines differ from
the greedy one only in how money is divided. The gain of a purchase is the rubric weight it adds
times the plan years it counts in (the optimiser's objective, one step ahead). Each year sources
pay in; running yearly items are paid first (a yearly item is only started when the coming years'
money can carry it); then purchases follow until nothing affordable gains anything. Tied money pays
first, then grants, then street money. Everything is scored by
:func:`~workbench.engines.allocation_model.evaluate`.

:func:`budget_curve` sets the optimum beside every baseline over a range of street budgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..costs import Catalogue, Funds, Source, make_funds
from ..ledger import Ledger
from ..rubric import Rubric
from ..settings import RULES, Rules
from .allocation import Plan, make_plan, solve
from .allocation_model import Problem, figure_values, points, setup

METHODS = ("equal", "households", "greedy")
CURVE_COLUMNS = ("budget", "method", "objective", "per_year", "indicators_met", "all_met", "spent")
_PAY_ORDER = ("cobuilding", "grant", "street")
_TOL = 1e-9


@dataclass
class _Pot:
    source: Source
    community: int | None  # the only community it pays for, or None for any
    inflow: np.ndarray  # (Y,) yuan paid in each year
    reserved: np.ndarray  # (Y,) yuan already promised to running yearly items
    balance: float = 0.0


def baseline(prob: Problem, method: str) -> Plan:
    """The plan of one baseline ``method`` (one of METHODS) on a prepared problem."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    return _Shopper(prob, method).run()


def equal_split(ledger: Ledger, rubric: Rubric | str = "seed_2003", catalogue: Catalogue | str = "default",
                funds: Funds | float | Sequence[float] = 0.0, *, years: int | None = None,
                rules: Rules = RULES) -> Plan:  # fmt: skip
    """Untied money split equally among communities, each buying greedily within its share."""
    return baseline(setup(ledger, rubric, catalogue, funds, years=years, rules=rules), "equal")


def household_split(ledger: Ledger, rubric: Rubric | str = "seed_2003", catalogue: Catalogue | str = "default",
                    funds: Funds | float | Sequence[float] = 0.0, *, years: int | None = None,
                    rules: Rules = RULES) -> Plan:  # fmt: skip
    """Untied money split in proportion to households, each community buying greedily."""
    return baseline(setup(ledger, rubric, catalogue, funds, years=years, rules=rules), "households")


def greedy(ledger: Ledger, rubric: Rubric | str = "seed_2003", catalogue: Catalogue | str = "default",
           funds: Funds | float | Sequence[float] = 0.0, *, years: int | None = None,
           rules: Rules = RULES) -> Plan:  # fmt: skip
    """One pot; buy the step with the most rubric weight gained per yuan until nothing gains."""
    return baseline(setup(ledger, rubric, catalogue, funds, years=years, rules=rules), "greedy")


class _Shopper:
    """One run of a baseline: pots, holdings and the purchase rows, year by year."""

    def __init__(self, prob: Problem, method: str) -> None:
        self.prob, self.method = prob, method
        n_c, n_i = prob.limit.shape
        self.n_y = len(prob.years)
        self.held = np.zeros((n_c, n_i))  # once: bought; yearly: running
        self.effective = np.zeros((n_c, n_i))  # units in effect by the last year
        self.funds = np.zeros((2, n_c))  # yuan into funds this year: street, other
        self.rows: list[tuple] = []
        self.pots = self._pots()

    def _pots(self) -> list[_Pot]:
        prob = self.prob
        households = np.nan_to_num(prob.households)
        n_c = len(prob.communities)
        shares = {
            "equal": np.full(n_c, 1.0 / n_c),
            "households": households / households.sum() if households.sum() > 0 else np.full(n_c, 1.0 / n_c),
        }.get(self.method)
        pots = []
        for source in sorted(prob.funds.sources, key=lambda s: _PAY_ORDER.index(s.kind)):
            amounts = np.asarray(source.amounts, float)
            if source.community is not None:
                c = int(np.flatnonzero(prob.communities == source.community)[0])
                pots.append(_Pot(source, c, amounts, np.zeros(self.n_y)))
            elif shares is None:
                pots.append(_Pot(source, None, amounts, np.zeros(self.n_y)))
            else:
                pots += [_Pot(source, c, amounts * shares[c], np.zeros(self.n_y)) for c in range(n_c)]
        return pots

    def _usable(self, c: int, i: int) -> list[_Pot]:
        item = self.prob.catalogue.items[i]
        return [p for p in self.pots if p.community in (None, c) and p.source.pays_for(item)]

    def _pay(self, y: int, c: int, i: int, units: float) -> None:
        """Pay for ``units`` of item i in community c this year, pot by pot."""
        prob = self.prob
        left = units * prob.cost[i]
        for pot in self._usable(c, i):
            take = min(left, pot.balance)
            if take > _TOL:
                pot.balance -= take
                left -= take
                item = prob.catalogue.ids[i]
                self.rows.append(
                    (prob.communities[c], int(prob.years[y]), item, take / prob.cost[i], take, pot.source.id)
                )
                self.funds[0 if pot.source.street else 1, c] += take * prob.funds_add[i] / prob.cost[i]

    def run(self) -> Plan:
        prob = self.prob
        for y in range(self.n_y):
            for pot in self.pots:
                pot.balance = (pot.balance if pot.source.carry_over else 0.0) + pot.inflow[y]
            self.funds[:] = 0.0
            self._pay_running(y)
            while self._buy_best(y):
                pass
        return make_plan(prob, self.rows, objective="score", method=self.method, status="heuristic")

    def _pay_running(self, y: int) -> None:
        """Pay the yearly items already running; stop those the money no longer carries."""
        prob = self.prob
        for c, i in np.argwhere((self.held > 0) & prob.yearly):
            money = sum(p.balance for p in self._usable(c, i))
            units = min(self.held[c, i], np.floor(money / prob.cost[i] + _TOL))
            if units < self.held[c, i]:
                self.effective[c, i] -= self.held[c, i] - units
                self.held[c, i] = units
            if units > 0:
                self._pay(y, c, i, units)

    def _points(self, effective: np.ndarray, funds: np.ndarray) -> np.ndarray:
        """Rubric weight met per community (..., C) given holdings and this year's funds."""
        return points(self.prob, figure_values(self.prob, effective, funds[..., 0, :], funds[..., 1, :]))

    def _buy_best(self, y: int) -> bool:
        """Buy the affordable step with the most weight gained per yuan; False when none gains."""
        prob = self.prob
        now = self._points(self.effective, self.funds).sum()
        candidates = []  # (c, i, units, yuan now, street yuan into funds)
        for c, i in np.argwhere(prob.limit - self.held > 0):
            pots = self._usable(c, i)
            money = sum(p.balance for p in pots)
            most = int(min(prob.limit[c, i] - self.held[c, i], np.floor(money / prob.cost[i] + _TOL)))
            if prob.yearly[i] and y + 1 < self.n_y:
                spare = np.sum([p.inflow[y + 1 :] - p.reserved[y + 1 :] for p in pots], axis=0).min()
                most = min(most, int(np.floor(spare / prob.cost[i] + _TOL)))
            other = sum(p.balance for p in pots if not p.source.street)
            for units in range(1, max(most, 0) + 1):
                yuan = units * prob.cost[i]
                candidates.append(
                    (c, i, units, yuan, max(yuan - other, 0.0) * prob.funds_add[i] / prob.cost[i])
                )
        if not candidates:
            return False
        c, i, units, yuan, street = (np.array(v) for v in zip(*candidates, strict=True))
        k = np.arange(len(c))
        counts = np.maximum(self.n_y - y - prob.lag[i], 0)  # plan years the purchase counts in
        late = counts == 0
        effective = np.repeat(self.effective[None], len(c), axis=0)
        effective[k, c, i] += np.where(late, 0, units)
        funds = np.repeat(self.funds[None], len(c), axis=0)
        paid_in = units * prob.funds_add[i]
        funds[k, 0, c] += street
        funds[k, 1, c] += paid_in - street
        gain = (self._points(effective, funds).sum(axis=-1) - now) * counts
        spent = yuan * np.where(prob.yearly[i], self.n_y - y, 1)
        ratio = np.where(gain > _TOL, gain / spent, -np.inf)
        best = int(np.argmax(ratio))
        if not np.isfinite(ratio[best]):
            return False
        c, i, units = int(c[best]), int(i[best]), float(units[best])
        self._pay(y, c, i, units)
        if prob.yearly[i]:
            self._reserve(y, c, i, units)
        self.held[c, i] += units
        if not late[best]:
            self.effective[c, i] += units
        return True

    def _reserve(self, y: int, c: int, i: int, units: float) -> None:
        """Promise the coming years' money to a yearly item just started."""
        for t in range(y + 1, self.n_y):
            left = units * self.prob.cost[i]
            for pot in self._usable(c, i):
                take = min(left, pot.inflow[t] - pot.reserved[t])
                if take > _TOL:
                    pot.reserved[t] += take
                    left -= take


def budget_curve(
    ledger: Ledger,
    budgets: Sequence[float],
    rubric: Rubric | str = "seed_2003",
    catalogue: Catalogue | str = "default",
    *,
    years: int | None = None,
    grants: Sequence = (),
    cobuilding: bool = True,
    carry_over: bool = True,
    time_limit: float = 10.0,
    rules: Rules = RULES,
) -> pd.DataFrame:
    """What the optimum and each baseline achieve at each street budget (yuan a year).

    One row per budget and method ("optimum", then each of METHODS), CURVE_COLUMNS: ``objective``
    the rubric-weighted indicators met summed over the plan years (what the optimum maximises),
    ``per_year`` the same per plan year, ``indicators_met`` and ``all_met`` (communities) in the
    last plan year, ``spent`` yuan over the plan. Funds as :func:`workbench.costs.make_funds`.
    """
    years = years or rules.community_term_years
    prob = setup(ledger, rubric, catalogue, 0.0, years=years, rules=rules)
    rows = []
    for budget in budgets:
        funds = make_funds(
            ledger, budget=budget, years=years, grants=grants, cobuilding=cobuilding, carry_over=carry_over
        )
        at = replace(prob, funds=funds)
        plans = {"optimum": solve(at, time_limit=time_limit), **{m: baseline(at, m) for m in METHODS}}
        for method, plan in plans.items():
            rows.append(
                (float(budget), method, plan.objective_value, plan.objective_value / years,
                 plan.indicators_met, int(plan.summary["all_met"].iloc[-1]), float(plan.table["cost"].sum()))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=list(CURVE_COLUMNS))
