"""Baseline allocations to measure the optimiser against, on the same inputs and in the same
:class:`~workbench.engines.allocation.Plan` shape.

- ``"equal"``: every untied source is split equally among the communities;
- ``"households"``: split in proportion to households;
- ``"greedy"``: one street-wide pot; purchases go in rounds, each community proposing its step
  with the most rubric weight gained per yuan (a step may be several units, e.g. the blocks of
  space that reach a threshold, or a bundle of one unit for each missing part of an "and" figure,
  e.g. a television, a video player and a room, which no single purchase would start), bought
  best first while money lasts. A round is numpy work over communities × items × units, so the
  city (1,000 communities, 10 years) plans in about two seconds, within half a per cent of the
  solver's bound; :func:`workbench.engines.allocation.solve` keeps it when that is proven close
  enough, or when the solver stops short of it.

Within its share a community buys greedily by gain per yuan too, so the split baselines differ from
the greedy one only in how money is divided. The gain of a purchase is the rubric weight it adds
times the plan years it counts in (the optimiser's objective, one step ahead). Each year sources
pay in; running yearly items are paid first (a yearly item is only started when the coming years'
money can carry it); then purchases follow until nothing affordable gains anything. Tied money pays
first. Into a community's funds a grant then pays only as much as lifts the community's points
(non-street money lifts the non-street share), the street the rest; for everything else the street
pays before grants, keeping them for that. Everything is scored by
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
from .allocation_model import AND_FIGURES, Problem, figure_values, points, setup

METHODS = ("equal", "households", "greedy")
CURVE_COLUMNS = ("budget", "method", "objective", "per_year", "indicators_met", "all_met", "spent")
_PAY_ORDER = ("cobuilding", "grant", "street")
_LATE_GRANT_ORDER = ("cobuilding", "street", "grant")  # for items that do not pay into funds
_TOL = 1e-9


@dataclass(frozen=True)
class _Pot:
    source: Source
    community: int | None  # the only community it pays for, or None for any
    inflow: np.ndarray  # (Y,) yuan paid in each year


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
    """One pot; buy the steps with the most rubric weight gained per yuan until nothing gains."""
    return baseline(setup(ledger, rubric, catalogue, funds, years=years, rules=rules), "greedy")


class _Shopper:
    """One run of a baseline: pots as arrays, holdings and the purchase rows, year by year.

    Purchases go in rounds: every community's best step (most weight gained per yuan) is proposed,
    and the proposals are bought best first while money lasts; only the communities that bought are
    re-scored. Communities share nothing but untied pots, so a round costs numpy work over
    communities × items × units, not a Python loop per purchase.
    """

    def __init__(self, prob: Problem, method: str) -> None:
        self.prob, self.method = prob, method
        n_c, n_i = prob.limit.shape
        self.n_y = len(prob.years)
        self.held = np.zeros((n_c, n_i))  # once: bought; yearly: running
        self.effective = np.zeros((n_c, n_i))  # units in effect by the last year
        self.funds = np.zeros((2, n_c))  # yuan into funds this year: street, other
        self.rows: list[tuple] = []
        self.pots = self._pots()
        self.pot_community = np.array([-1 if p.community is None else p.community for p in self.pots], int)
        pays = [[p.source.pays_for(item) for item in prob.catalogue.items] for p in self.pots]
        self.pays = np.array(pays, dtype=bool).reshape(len(self.pots), n_i)  # (P, I)
        self.street = np.array([p.source.street for p in self.pots], bool)
        self.carry = np.array([p.source.carry_over for p in self.pots], bool)
        self.inflow = np.array([p.inflow for p in self.pots]).reshape(len(self.pots), self.n_y)
        self.reserved = np.zeros_like(self.inflow)  # yuan promised to running yearly items
        self.balance = np.zeros(len(self.pots))
        self.units = np.arange(1, int(prob.limit.max(initial=0)) + 1)  # (U,) steps of 1..most units
        self.gain = np.zeros((n_c, n_i, len(self.units)))  # weight gained × plan years it counts in
        # per community, the best bundle: one unit of each missing part of an "and" figure (e.g. a
        # television, a video player and a room), which no single purchase would ever start
        self.bundle_ratio = np.full(n_c, -np.inf)
        self.bundle_items = np.full((n_c, n_i), False)
        self._usable_cache: dict[tuple[int, int], np.ndarray] = {}

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
                pots.append(_Pot(source, c, amounts))
            elif shares is None:
                pots.append(_Pot(source, None, amounts))
            else:
                pots += [_Pot(source, c, amounts * shares[c]) for c in range(n_c)]
        return pots

    def _usable(self, c: int, i: int) -> np.ndarray:
        """The pots that pay for item i in community c, in paying order: tied money first; then,
        for what pays into funds, grants before the street (see :meth:`_pay`), and for anything
        else the street before grants (keeping them for that)."""
        key = (c, i)
        if key not in self._usable_cache:
            mine = (self.pot_community < 0) | (self.pot_community == c)
            usable = np.flatnonzero(mine & self.pays[:, i])
            if not self.prob.funds_items[i]:
                kinds = [self.pots[p].source.kind for p in usable]
                usable = usable[np.argsort([_LATE_GRANT_ORDER.index(k) for k in kinds], kind="stable")]
            self._usable_cache[key] = usable
        return self._usable_cache[key]

    def _per_pair(self, amount: np.ndarray) -> np.ndarray:
        """``amount (P, ...)`` per pot summed over the pots usable by each (community, item):
        ``(C, I, ...)``."""
        n_c, n_i = self.prob.limit.shape
        untied = self.pot_community < 0
        out = np.zeros((n_c, n_i, *amount.shape[1:]))
        out += np.einsum("pi,p...->i...", self.pays[untied], amount[untied])[None]
        tied = ~untied
        np.add.at(out, self.pot_community[tied], np.einsum("pi,p...->pi...", self.pays[tied], amount[tied]))
        return out

    def _pay(self, y: int, c: int, i: int, units: float) -> None:
        """Pay for ``units`` of item i in community c this year, pot by pot. Into funds, untied
        non-street money (a grant) pays only what lifts the community's points, after tied money
        and before the street, and the rest only when the street cannot: the grant stays for the
        other communities' non-street share."""
        prob = self.prob
        left = units * prob.cost[i]
        pots = self._usable(c, i)
        untied_other = [p for p in pots if not self.street[p] and self.pot_community[p] < 0]
        if not (prob.funds_items[i] and untied_other):
            for p in pots:
                left -= self._take(y, c, i, p, left)
            return
        tied = [p for p in pots if not self.street[p] and self.pot_community[p] >= 0]
        lift = self._other_needed(c, left, pots)
        for p in tied:
            paid = self._take(y, c, i, p, left)
            left, lift = left - paid, lift - paid
        for p in untied_other:
            paid = self._take(y, c, i, p, min(left, max(lift, 0.0)))
            left, lift = left - paid, lift - paid
        for p in [p for p in pots if self.street[p]] + untied_other:
            left -= self._take(y, c, i, p, left)

    def _take(self, y: int, c: int, i: int, p: int, amount: float) -> float:
        """Pay up to ``amount`` yuan of item i in community c from pot p; the yuan paid."""
        prob = self.prob
        take = min(amount, self.balance[p])
        if take <= _TOL:
            return 0.0
        self.balance[p] -= take
        self.rows.append(
            (prob.communities[c], int(prob.years[y]), prob.catalogue.ids[i], take / prob.cost[i], take,
             self.pots[p].source.id)
        )  # fmt: skip
        self.funds[0 if self.street[p] else 1, c] += take * prob.funds_add[i] / prob.cost[i]
        return take

    def _other_needed(self, c: int, cost: float, pots: np.ndarray) -> float:
        """The least non-street yuan of ``cost`` paid into community c's funds that gains all the
        points paying as much as the pots allow with non-street money would (two refining grids)."""
        available = min(cost, sum(self.balance[p] for p in pots if not self.street[p]))
        if available <= _TOL:
            return 0.0
        best = self._points_paying(c, cost, np.array([available]))[0]
        low, high = 0.0, available
        for _ in range(2):
            grid = np.linspace(low, high, 17)
            first = int(np.argmax(self._points_paying(c, cost, grid) >= best - _TOL))
            low, high = grid[max(first - 1, 0)], grid[first]
        return high

    def _points_paying(self, c: int, cost: float, other: np.ndarray) -> np.ndarray:
        """Community c's points when ``cost`` yuan go into its funds, ``other`` of them non-street."""
        paid = self.funds[:, [c] * len(other)] + np.stack([cost - other, other])
        return self._points(np.full(len(other), c), np.repeat(self.effective[[c]], len(other), 0), paid)

    def run(self) -> Plan:
        prob = self.prob
        everyone = np.arange(len(prob.communities))
        for y in range(self.n_y):
            self.balance = np.where(self.carry, self.balance, 0.0) + self.inflow[:, y]
            self.funds[:] = 0.0
            self._pay_running(y)
            dirty = everyone
            while len(dirty):
                self._score(y, dirty)
                dirty = self._buy_round(y)
        return make_plan(prob, self.rows, objective="score", method=self.method, status="heuristic")

    def _pay_running(self, y: int) -> None:
        """Pay the yearly items already running; stop those the money no longer carries."""
        prob = self.prob
        for c, i in np.argwhere((self.held > 0) & prob.yearly):
            money = self.balance[self._usable(c, i)].sum()
            units = min(self.held[c, i], np.floor(money / prob.cost[i] + _TOL))
            if units < self.held[c, i]:
                self.effective[c, i] -= self.held[c, i] - units
                self.held[c, i] = units
            if units > 0:
                self._pay(y, c, i, units)

    def _score(self, y: int, communities: np.ndarray) -> None:
        """Re-score every step (item, units) of ``communities`` in year y into ``self.gain``."""
        prob = self.prob
        n_i, n_u = len(prob.cost), len(self.units)
        headroom = prob.limit[communities] - self.held[communities]  # (c, I)
        k_c, i, k_u = np.nonzero(self.units[None, None, :] <= headroom[:, :, None] + _TOL)
        c, u = communities[k_c], self.units[k_u].astype(float)
        counts = np.maximum(self.n_y - y - prob.lag[i], 0)  # plan years the purchase counts in
        effective = self.effective[c].copy()
        effective[np.arange(len(c)), i] += np.where(counts > 0, u, 0.0)
        other = self._per_pair(np.where(self.street, 0.0, self.balance))[c, i]
        street = np.maximum(u * prob.cost[i] - other, 0.0) * prob.funds_add[i] / prob.cost[i]
        now = self._points(communities, self.effective[communities], self.funds[:, communities])
        after = self._points(
            c, effective, self.funds[:, c] + np.stack([street, u * prob.funds_add[i] - street])
        )
        gain = np.zeros((len(communities), n_i, n_u))
        gain[k_c, i, k_u] = (after - now[k_c]) * counts
        self.gain[communities] = gain
        self._score_bundles(y, communities, now)

    def _score_bundles(self, y: int, communities: np.ndarray, now: np.ndarray) -> None:
        """The best "and" bundle of each of ``communities`` in year y (ratio of weight-years gained
        to yuan, the cheapest affordable item for each missing part)."""
        prob = self.prob
        self.bundle_ratio[communities] = -np.inf
        self.bundle_items[communities] = False
        funds = self.funds[:, communities]
        values = self._values(communities, self.effective[communities], funds)
        col = {name: k for k, name in enumerate(prob.base.columns)}
        price = prob.cost * np.where(prob.yearly, self.n_y - y, 1)  # what a unit costs over the plan
        can_buy = (self._most(y)[communities] >= 1) & (prob.limit[communities] - self.held[communities] >= 1)
        for parts in AND_FIGURES.values():
            items = np.zeros((len(communities), len(price)), dtype=bool)
            usable = np.ones(len(communities), dtype=bool)
            for part in parts:
                missing = values[:, col[part]] < 1
                moves = (prob.effect.get(part, np.zeros_like(prob.limit))[communities] > 0) & can_buy
                cheapest = np.where(moves, price, np.inf).argmin(axis=1)
                usable &= ~missing | moves.any(axis=1)
                items[np.flatnonzero(missing), cheapest[missing]] = True
            usable &= items.sum(axis=1) >= 2  # one missing part is a single purchase, scored above
            if not usable.any():
                continue
            counts = np.maximum(self.n_y - y - np.where(items, prob.lag, 0).max(axis=1), 0)
            after = self._points(
                communities, self.effective[communities] + items * (counts > 0)[:, None], funds
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = np.where(usable, (after - now) * counts / (items * price).sum(axis=1), -np.inf)
            better = ratio > self.bundle_ratio[communities]
            self.bundle_ratio[communities[better]] = ratio[better]
            self.bundle_items[communities[better]] = items[better]

    def _rows(self, c: np.ndarray) -> Problem:
        prob = self.prob
        return replace(
            prob, base=prob.base.iloc[c], households=prob.households[c],
            base_street_funds=prob.base_street_funds[c], effect={k: v[c] for k, v in prob.effect.items()},
        )  # fmt: skip

    def _values(self, c: np.ndarray, held: np.ndarray, funds: np.ndarray) -> np.ndarray:
        """Figures ``(K, F)`` of communities ``c`` with ``held (K, I)`` and funds ``(2, K)``."""
        return figure_values(self._rows(c), held, funds[0], funds[1])

    def _points(self, c: np.ndarray, held: np.ndarray, funds: np.ndarray) -> np.ndarray:
        """Rubric weight met by rows of communities ``c`` with ``held (K, I)`` and funds ``(2, K)``."""
        return points(self._rows(c), self._values(c, held, funds))

    def _most(self, y: int) -> np.ndarray:
        """(C, I) units each community can afford of each item now (and carry, for yearly items)."""
        prob = self.prob
        most = np.minimum(prob.limit - self.held, np.floor(self._per_pair(self.balance) / prob.cost + _TOL))
        if y + 1 < self.n_y:
            spare = self._per_pair(self.inflow[:, y + 1 :] - self.reserved[:, y + 1 :]).min(axis=2)
            most = np.where(prob.yearly, np.minimum(most, np.floor(spare / prob.cost + _TOL)), most)
        return most

    def _buy_round(self, y: int) -> np.ndarray:
        """Buy each community's best affordable step, best ratio first; the communities that bought."""
        prob = self.prob
        n_c, _, n_u = self.gain.shape
        spent = self.units[None, :] * prob.cost[:, None] * np.where(prob.yearly, self.n_y - y, 1)[:, None]
        fits = self.units[None, None, :] <= self._most(y)[:, :, None] + _TOL
        ratio = np.where(fits & (self.gain > _TOL), self.gain / spent[None], -np.inf).reshape(n_c, -1)
        best = ratio.argmax(axis=1)
        value = np.maximum(ratio[np.arange(n_c), best], self.bundle_ratio)
        bought = []
        for c in np.flatnonzero(np.isfinite(value))[np.argsort(-value[np.isfinite(value)], kind="stable")]:
            if self.bundle_ratio[c] >= value[c]:
                basket = [(int(i), 1.0) for i in np.flatnonzero(self.bundle_items[c])]
            else:
                i, k = divmod(int(best[c]), n_u)
                basket = [(i, float(self.units[k]))]
            if self._affordable(y, c, basket):
                for i, units in basket:
                    self._buy(y, c, i, units)
                bought.append(c)
        return np.array(bought, dtype=int)

    def _affordable(self, y: int, c: int, basket: list[tuple[int, float]]) -> bool:
        """Whether the pots can pay for every (item, units) of ``basket`` now, and the coming years'
        money not yet promised can carry its yearly items."""
        prob = self.prob
        balance = self.balance.copy()
        for i, units in basket:
            left = units * prob.cost[i]
            for p in self._usable(c, i):
                take = min(left, balance[p])
                balance[p] -= take
                left -= take
            if left > _TOL:
                return False
        yearly = [(i, units) for i, units in basket if prob.yearly[i]]
        if not yearly or y + 1 >= self.n_y:
            return True
        pots = np.unique(np.concatenate([self._usable(c, i) for i, _ in yearly]))
        ahead = (self.inflow[pots, y + 1 :] - self.reserved[pots, y + 1 :]).sum(axis=0)
        return ahead.min() + _TOL >= sum(units * prob.cost[i] for i, units in yearly)

    def _buy(self, y: int, c: int, i: int, units: float) -> None:
        prob = self.prob
        self._pay(y, c, i, units)
        if prob.yearly[i]:
            self._reserve(y, c, i, units)
        self.held[c, i] += units
        if self.n_y - y - prob.lag[i] > 0:
            self.effective[c, i] += units

    def _reserve(self, y: int, c: int, i: int, units: float) -> None:
        """Promise the coming years' money to a yearly item just started."""
        for t in range(y + 1, self.n_y):
            left = units * self.prob.cost[i]
            for p in self._usable(c, i):
                take = min(left, self.inflow[p, t] - self.reserved[p, t])
                if take > _TOL:
                    self.reserved[p, t] += take
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
