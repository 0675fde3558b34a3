"""The allocation problem: a ledger, rubric, catalogue and funds as arrays, any plan scored by plain
arithmetic, and the same problem as the variables and rows of a mixed-integer programme.

Decision variables are the units of each catalogue item a community starts in each plan year (whole
numbers); a unit bought once lasts, a yearly unit is paid every year from its start, so purchases
are cumulative. Money flows from each source (street budget, co-building pledges tied to their
community, grants tied to item tags) into each community's purchases, within each source's yearly
amount (unspent money carries over where the source allows). Each rubric indicator that money can
move becomes one binary "met" variable per plan year, linked to the purchases made by then (e.g.
space_m2 + 20·blocks ≥ 80 ⇔ met); indicators money cannot move are constants. Figures no item moves
stay at today's value (projections of people live in the succession engine).

:func:`evaluate` turns any purchase table into figures by year, independent of the programme;
:func:`check_plan` refuses a plan that overspends a source or breaks a tie or a limit. The
objectives and the solver live in :mod:`workbench.engines.allocation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.sparse import csr_array

from .._errors import PlanningError
from ..costs import FUNDS_FIGURE, Catalogue, Funds, capacities, load_catalogue, make_funds
from ..figures import FIGURES
from ..indicators import figures as ledger_figures
from ..ledger import Ledger
from ..rubric import Rubric, load_rubric
from ..settings import RULES, Rules

PLAN_COLUMNS = ("community", "year", "item", "quantity", "cost", "source")
AND_FIGURES = {"two_machines_one_room": ("tv", "video_player", "activity_room")}
PER_HOUSEHOLD = {"space_per_100_households": ("space_m2", 100.0), "funds_per_household": (FUNDS_FIGURE, 1.0)}
SHARE_FIGURE = "non_street_funds_share"
UPWARD = (">=", ">", "is_true")
TOL = 1e-6


# --- the problem as arrays ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A ledger, rubric, catalogue and funds as arrays: C communities, I items, Y plan years."""

    communities: np.ndarray  # (C,) ids
    households: np.ndarray  # (C,)
    base: pd.DataFrame  # today's figures, index community
    base_street_funds: np.ndarray  # (C,) yuan/year from the street today
    catalogue: Catalogue
    funds: Funds
    rubric: Rubric
    years: np.ndarray  # (Y,) calendar years
    limit: np.ndarray  # (C, I) units a community may have (0 where useless)
    effect: dict[str, np.ndarray] = field(repr=False)  # base figure → (C, I) per unit

    @property
    def cost(self) -> np.ndarray:
        return np.array([i.cost for i in self.catalogue.items])

    @property
    def yearly(self) -> np.ndarray:
        return np.array([i.yearly for i in self.catalogue.items])

    @property
    def lag(self) -> np.ndarray:
        return np.array([i.lag for i in self.catalogue.items])

    @property
    def weights(self) -> np.ndarray:
        """(K,) the rubric's indicator weights."""
        return np.array([i.weight for i in self.rubric.indicators])

    @property
    def funds_items(self) -> np.ndarray:
        return np.array([any(e.figure == FUNDS_FIGURE for e in i.effects) for i in self.catalogue.items])

    @property
    def funds_add(self) -> np.ndarray:
        """(I,) yuan paid into funds per unit (0 for other items)."""
        return np.array(
            [sum(e.add for e in i.effects if e.figure == FUNDS_FIGURE) for i in self.catalogue.items]
        )


def problem(
    ledger: Ledger, rubric: Rubric, catalogue: Catalogue, funds: Funds, *, rules: Rules = RULES
) -> Problem:
    """The arrays of one allocation problem (raises PlanningError on inconsistent inputs)."""
    base = ledger_figures(ledger, rules=rules)
    if funds.years < 1:
        raise PlanningError("the funds cover no year: give at least one source with one amount a year")
    known = set(base.index)
    for source in funds.sources:
        if source.community is not None and source.community not in known:
            raise PlanningError(
                f"source {source.id} is tied to community {source.community}, not in the ledger"
            )
    caps = capacities(ledger, base)
    n_c, n_i = len(base), len(catalogue.items)
    limit = np.zeros((n_c, n_i))
    effect: dict[str, np.ndarray] = {}
    for i, item in enumerate(catalogue.items):
        limit[:, i] = caps[item.limit].to_numpy() if isinstance(item.limit, str) else item.limit
        useful = np.zeros(n_c, dtype=bool)
        for e in item.effects:
            per_unit = np.full(n_c, e.add)
            if e.scale:
                divisor = caps[e.scale].to_numpy()
                per_unit = np.divide(per_unit, divisor, out=np.zeros(n_c), where=divisor > 0)
            effect.setdefault(e.figure, np.zeros((n_c, n_i)))[:, i] += per_unit
            already = (base[e.figure].to_numpy() >= 1) if FIGURES[e.figure].boolean else np.zeros(n_c, bool)
            useful |= (per_unit > 0) & ~already
        limit[~useful, i] = 0
    communities = ledger.communities.set_index("id").reindex(base.index)
    return Problem(
        communities=base.index.to_numpy(dtype=object),
        households=communities["households"].astype(float).to_numpy(),
        base=base,
        base_street_funds=communities["funds_street"].astype(float).fillna(0.0).to_numpy(),
        catalogue=catalogue,
        funds=funds,
        rubric=rubric,
        years=ledger.year + 1 + np.arange(funds.years),
        limit=np.nan_to_num(limit),
        effect={k: v for k, v in effect.items() if k != FUNDS_FIGURE},
    )


def setup(
    ledger: Ledger,
    rubric: Rubric | str = "seed_2003",
    catalogue: Catalogue | str = "default",
    funds: Funds | float | Sequence[float] = 0.0,
    *,
    years: int | None = None,
    rules: Rules = RULES,
) -> Problem:
    """The :class:`Problem` of an allocation: ``rubric`` and ``catalogue`` by name or object;
    ``funds`` a :class:`Funds` or the street's yuan a year (co-building pledges added from the
    ledger) over ``years`` (default: one community term, ``rules.community_term_years``)."""
    rubric = load_rubric(rubric, rules=rules) if isinstance(rubric, str) else rubric
    catalogue = load_catalogue(catalogue) if isinstance(catalogue, str) else catalogue
    if not isinstance(funds, Funds):
        funds = make_funds(ledger, budget=funds, years=years or rules.community_term_years)
    elif years is not None and years != funds.years:
        raise PlanningError(f"years={years} but the funds give amounts for {funds.years} years")
    return problem(ledger, rubric, catalogue, funds, rules=rules)


# --- evaluating any plan -----------------------------------------------------------------------


def quantities(prob: Problem, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From a plan table: units in effect-before-lag ``Q[y, c, i]`` (once items: bought so far;
    yearly items: paid for this year) and the yuan paid into funds by the street and by others
    ``[y, c]``."""
    n_y, n_c, n_i = len(prob.years), len(prob.communities), len(prob.catalogue.items)
    per_year = np.zeros((n_y, n_c, n_i))
    street = np.zeros((n_y, n_c))
    other = np.zeros((n_y, n_c))
    if len(table):
        y = np.searchsorted(prob.years, table["year"].to_numpy())
        c = pd.Index(prob.communities).get_indexer(table["community"])
        i = pd.Index(prob.catalogue.ids).get_indexer(table["item"])
        q = table["quantity"].to_numpy(dtype=float)
        np.add.at(per_year, (y, c, i), q)
        paid_in = q * prob.funds_add[i]
        is_street = np.array([prob.funds.kind_of(s) == "street" for s in table["source"]])
        np.add.at(street, (y[is_street], c[is_street]), paid_in[is_street])
        np.add.at(other, (y[~is_street], c[~is_street]), paid_in[~is_street])
    held = np.where(prob.yearly, per_year, np.cumsum(per_year, axis=0))
    return held, street, other


def figure_values(prob: Problem, held: np.ndarray, street: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Figures ``(..., C, F)`` (columns of ``prob.base``) with ``held (..., C, I)`` units in effect
    and ``street``/``other (..., C)`` yuan paid into funds by the street and by other sources."""
    base = prob.base.to_numpy(dtype=float)
    values = np.broadcast_to(base, (*held.shape[:-2], *base.shape)).copy()
    col = {name: k for k, name in enumerate(prob.base.columns)}
    for figure, per_unit in prob.effect.items():
        values[..., col[figure]] += np.einsum("...ci,ci->...c", held, per_unit)
        if FIGURES[figure].boolean:
            values[..., col[figure]] = np.minimum(values[..., col[figure]], 1.0)
    total = values[..., col[FUNDS_FIGURE]] + street + other
    values[..., col[FUNDS_FIGURE]] = total
    with np.errstate(invalid="ignore", divide="ignore"):
        street_total = prob.base_street_funds + street
        values[..., col[SHARE_FIGURE]] = np.where(total > 0, (total - street_total) / total, 0.0)
        households = np.where(prob.households > 0, prob.households, np.nan)
        for derived, (source, per) in PER_HOUSEHOLD.items():
            values[..., col[derived]] = values[..., col[source]] / households * per
    for derived, parts in AND_FIGURES.items():
        values[..., col[derived]] = np.prod([values[..., col[p]] for p in parts], axis=0)
    return values


def points(prob: Problem, values: np.ndarray) -> np.ndarray:
    """The rubric weight met ``(..., C)`` by figures ``(..., C, F)`` (columns of ``prob.base``)."""
    col = {name: k for k, name in enumerate(prob.base.columns)}
    return sum(
        w * i.passes(values[..., col[i.figure]])
        for w, i in zip(prob.weights, prob.rubric.indicators, strict=True)
    )


def evaluate(prob: Problem, table: pd.DataFrame) -> pd.DataFrame:
    """The figures after each plan year: index (year, community), one column per figure; the first
    block is the ledger year (before any spending)."""
    held, street, other = quantities(prob, table)
    n_y, n_c, n_i = held.shape
    lagged = np.zeros((n_y + 1, n_c, n_i))  # row 0: the ledger year
    for i, lag in enumerate(prob.lag):
        lagged[1 + lag :, :, i] = held[: max(n_y - lag, 0), :, i]
    none = np.zeros((1, n_c))
    values = figure_values(prob, lagged, np.vstack([none, street]), np.vstack([none, other]))
    years = np.concatenate([[prob.years[0] - 1], prob.years])
    index = pd.MultiIndex.from_product([years, prob.communities], names=["year", "community"])
    return pd.DataFrame(values.reshape(-1, values.shape[-1]), index=index, columns=prob.base.columns)


def check_plan(prob: Problem, table: pd.DataFrame, *, tol: float = 1e-6) -> None:
    """Raise PlanningError if a plan spends more than a source has, pays with a source for an
    item or community it is not tied to, or exceeds an item's limit."""
    sources = {s.id: s for s in prob.funds.sources}
    items = {i.id: i for i in prob.catalogue.items}
    for row in table.itertuples():
        source = sources[row.source]
        if source.community not in (None, row.community) or not source.pays_for(items[row.item]):
            raise PlanningError(f"{row.source} cannot pay for {row.item} in {row.community}")
    spent = table.pivot_table(index="source", columns="year", values="cost", aggfunc="sum", fill_value=0.0)
    spent = spent.reindex(index=list(sources), columns=prob.years, fill_value=0.0).to_numpy()
    amounts = prob.funds.amounts()
    carry = np.array([s.carry_over for s in prob.funds.sources])[:, None]
    over = np.where(carry, np.cumsum(spent, 1) - np.cumsum(amounts, 1), spent - amounts)
    if (over > tol * np.maximum(1, amounts.sum())).any():
        s, y = np.argwhere(over > tol * np.maximum(1, amounts.sum()))[0]
        raise PlanningError(
            f"{prob.funds.sources[s].id} overspent in {prob.years[y]} by {over[s, y]:.2f} yuan"
        )
    if (table["quantity"] < -tol).any():
        raise PlanningError("a plan cannot buy a negative quantity")
    held, _, _ = quantities(prob, table)
    peak = held.max(axis=0)  # once items: bought in all; yearly items: most paid for in a year
    for c, i in np.argwhere(peak > prob.limit + tol)[:1]:
        item = prob.catalogue.ids[i]
        raise PlanningError(f"{prob.communities[c]} has {peak[c, i]:g} of {item}, limit {prob.limit[c, i]:g}")


# --- the mixed-integer programme ---------------------------------------------------------------


class Builder:
    """Variables and sparse rows of a MILP, added in vectorised blocks."""

    def __init__(self) -> None:
        self.n = self.m = 0
        self.lb: list[np.ndarray] = []
        self.ub: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.row_lb: list[np.ndarray] = []
        self.row_ub: list[np.ndarray] = []
        self.entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def var(self, shape, *, lb=0.0, ub=np.inf, integer: bool = False) -> np.ndarray:
        size = int(np.prod(shape))
        index = np.arange(self.n, self.n + size).reshape(shape)
        self.n += size
        self.lb.append(np.broadcast_to(np.asarray(lb, float), shape).reshape(-1))
        self.ub.append(np.broadcast_to(np.asarray(ub, float), shape).reshape(-1))
        self.integer.append(np.full(size, integer))
        return index

    def rows(self, shape, *, lb=-np.inf, ub=np.inf) -> np.ndarray:
        size = int(np.prod(shape))
        index = np.arange(self.m, self.m + size).reshape(shape)
        self.m += size
        self.row_lb.append(np.broadcast_to(np.asarray(lb, float), shape).reshape(-1))
        self.row_ub.append(np.broadcast_to(np.asarray(ub, float), shape).reshape(-1))
        return index

    def terms(self, rows, cols, coefs) -> None:
        rows, cols, coefs = (a.reshape(-1) for a in np.broadcast_arrays(rows, cols, np.asarray(coefs, float)))
        keep = (coefs != 0) & (rows >= 0) & (cols >= 0)  # -1: no such row or variable
        self.entries.append((rows[keep], cols[keep], coefs[keep]))

    def arrays(self):
        """(lb, ub, integrality, A, row_lb, row_ub) as arrays (bounds may be edited before solving)."""
        rows, cols, vals = (np.concatenate(parts) for parts in zip(*self.entries, strict=True))
        matrix = csr_array((vals, (rows, cols)), shape=(self.m, self.n))
        cat = np.concatenate
        return cat(self.lb), cat(self.ub), cat(self.integer), matrix, cat(self.row_lb), cat(self.row_ub)


@dataclass
class Model:
    """A built programme: the purchase variables ``n[y, c, i]``, money flows, and one "met"
    variable per (indicator, year, community) money can move (-1 where the indicator is constant,
    then ``const[k][c]`` says whether it passes)."""

    prob: Problem
    builder: Builder
    n: np.ndarray
    flows: list  # (item indices, source index, community positions, var index (Y, k))
    met: list[np.ndarray]  # per indicator: (Y, C) var index or -1
    const: list[np.ndarray]  # per indicator: (C,) bool
    budget: np.ndarray | None  # (Y,) street budget variables for least_budget


def build(prob: Problem, *, equity_floor: float = 0.0, budget_variable: bool = False) -> Model:
    """The programme's variables and rows (no objective): purchases within limits, money flows
    within each source's amounts (``equity_floor`` yuan at least per community over the plan) and
    the met variables of every indicator; with ``budget_variable`` the street's yearly amounts are
    variables too (for :func:`~workbench.engines.allocation.least_budget`)."""
    b = Builder()
    n_y, n_c, n_i = len(prob.years), len(prob.communities), len(prob.catalogue.items)
    limit = prob.limit
    n = b.var((n_y, n_c, n_i), ub=np.broadcast_to(limit, (n_y, n_c, n_i)), integer=True)
    if n_y > 1:
        rows = b.rows((n_c, n_i), ub=limit)
        b.terms(rows[None], n, 1.0)
    # money: one flow per (group of items paid by the same sources, source) and covered community
    sources = prob.funds.sources
    groups: dict[tuple, list[int]] = {}
    for i, item in enumerate(prob.catalogue.items):
        payers = tuple(s for s, source in enumerate(sources) if source.pays_for(item))
        groups.setdefault((payers, i if prob.funds_items[i] else -1), []).append(i)
    flows = []
    budget = b.var(n_y, ub=ample(prob)) if budget_variable else None
    source_rows = []
    for source in sources:
        street_var = budget_variable and source.street
        amounts = np.zeros(n_y) if street_var else np.asarray(source.amounts, float)
        ub = np.cumsum(amounts) if source.carry_over else amounts
        rows = b.rows(n_y, ub=ub)
        if street_var:
            b.terms(rows[:, None], budget[None, :], -(np.tri(n_y) if source.carry_over else np.eye(n_y)))
        source_rows.append(rows)
    spent_rows = b.rows(n_c, lb=equity_floor) if equity_floor > 0 else None
    for (payers, _funds_item), items in groups.items():
        balance = b.rows((n_y, n_c), lb=0.0, ub=0.0)
        for i in items:
            cost = prob.catalogue.items[i].cost
            for y in range(n_y):
                starts = range(y + 1) if prob.yearly[i] else (y,)
                for t in starts:
                    b.terms(balance[y], n[t, :, i], -cost)
        for s in payers:
            tied = sources[s].community
            cpos = np.arange(n_c) if tied is None else np.flatnonzero(prob.communities == tied)
            g = b.var((n_y, len(cpos)))
            b.terms(balance[:, cpos], g, 1.0)
            carry = sources[s].carry_over
            for y in range(n_y):
                b.terms(source_rows[s][y], g[: y + 1] if carry else g[y : y + 1], 1.0)
            if spent_rows is not None:
                b.terms(spent_rows[cpos][None], g, 1.0)
            flows.append((items, s, cpos, g))
    model = Model(prob, b, n, flows, [], [], budget)
    for indicator in prob.rubric.indicators:
        met, const = _indicator(model, indicator)
        model.met.append(met)
        model.const.append(const)
        if indicator.op in UPWARD and indicator.figure != SHARE_FIGURE and n_y > 1:
            # purchases only add up, so once met stays met: met[y] ≤ met[y + 1]
            rows = np.where(met[1:] >= 0, b.rows((n_y - 1, n_c), ub=0.0), -1)
            b.terms(rows, met[:-1], 1.0)
            b.terms(rows, met[1:], -1.0)
    return model


def ample(prob: Problem) -> float:
    """More yuan a year than any plan can spend."""
    return float((prob.cost * prob.limit).sum() * len(prob.years) + 1.0)


def _form(model: Model, figure: str, y: int, *, payer: str = "all"):
    """Today's value ``(C,)`` of a figure and the terms ``(community positions, columns, coefs)``
    of what purchases add by year ``y``; ``payer`` ("street"/"other") keeps funds of one kind."""
    prob = model.prob
    n_c = len(prob.communities)
    if figure in PER_HOUSEHOLD:
        source, per = PER_HOUSEHOLD[figure]
        terms = _form(model, source, y, payer=payer)[1]
        factor = np.divide(per, prob.households, out=np.full(n_c, np.nan), where=prob.households > 0)
        return prob.base[figure].to_numpy(), [(c, k, v * factor[c]) for c, k, v in terms]
    terms = []
    if figure == FUNDS_FIGURE:
        for items, s, cpos, g in model.flows:
            (i,) = items if prob.funds_items[items[0]] else (None,)
            street = prob.funds.sources[s].street
            if i is not None and payer in ("all", "street" if street else "other"):
                terms.append((cpos, g[y], prob.funds_add[i] / prob.cost[i]))
    for i in np.flatnonzero(prob.effect.get(figure, np.zeros((n_c, 0))).any(axis=0)):
        for t in range(y - prob.lag[i] + 1):
            terms.append((np.arange(n_c), model.n[t, :, i], prob.effect[figure][:, i]))
    return prob.base[figure].to_numpy(dtype=float), terms


def _most(model: Model, figure: str) -> np.ndarray:
    """(C,) the most purchases can add to a figure."""
    prob = model.prob
    if figure in PER_HOUSEHOLD:
        source, per = PER_HOUSEHOLD[figure]
        return np.divide(_most(model, source) * per, prob.households, out=np.zeros(len(prob.households)),
                         where=prob.households > 0)  # fmt: skip
    if figure == FUNDS_FIGURE:
        return (prob.limit * prob.funds_add).sum(axis=1)
    return (
        (prob.effect[figure] * prob.limit).sum(axis=1) if figure in prob.effect else np.zeros(len(prob.limit))
    )


def _funds_most(model: Model, *, street: bool) -> np.ndarray:
    """(C,) the most yuan purchases paid by street (or by other) sources can add to funds: the
    items' limits, and at most what those sources hold over the plan."""
    prob = model.prob
    reach = np.zeros(prob.limit.shape, dtype=bool)
    money = np.zeros(len(prob.communities))
    for items, s, cpos, _g in model.flows:
        source = prob.funds.sources[s]
        if source.street == street and prob.funds_items[items[0]]:
            reach[np.ix_(cpos, items)] = True
            money[cpos] += sum(source.amounts) * (prob.funds_add[items] / prob.cost[items]).max()
    return np.minimum((reach * prob.limit * prob.funds_add).sum(axis=1), money)


def _indicator(model: Model, indicator) -> tuple[np.ndarray, np.ndarray]:
    """The met variables (Y, C; -1 where constant) and constant outcomes (C,) of one indicator."""
    prob, b = model.prob, model.builder
    n_y, n_c = len(prob.years), len(prob.communities)
    figure, op = indicator.figure, indicator.op
    v0 = prob.base[figure].to_numpy(dtype=float)
    const = indicator.passes(v0)
    met = np.full((n_y, n_c), -1)
    if figure in AND_FIGURES or FIGURES[figure].boolean:
        parts = AND_FIGURES.get(figure, (figure,))
        wanted = bool(indicator.passes(np.array([1.0]))[0]) and not indicator.passes(np.array([0.0]))[0]
        reachable = np.all([(prob.base[p].to_numpy() >= 1) | (_most(model, p) >= 1) for p in parts], axis=0)
        movable = wanted & ~const & reachable
        met[:, movable] = b.var((n_y, int(movable.sum())), ub=1.0, integer=True)
        for p in parts:
            need = movable & (prob.base[p].to_numpy() < 1)
            for y in range(n_y):
                rows = np.where(need, b.rows(n_c, lb=0.0), -1)
                b.terms(rows, met[y], -1.0)
                for cpos, cols, coefs in _form(model, p, y)[1]:
                    b.terms(rows[cpos], cols, coefs)
        return met, const
    if figure == SHARE_FIGURE:
        return _share(model, indicator, v0, const)
    most = _most(model, figure)
    if not (most > 0).any():
        return met, const
    if op == "==":
        raise PlanningError(
            f"indicator {indicator.id}: an '==' test on {figure}, which money moves, cannot be planned"
        )
    tol = TOL * max(1.0, abs(indicator.threshold or 0.0))
    upward = op in UPWARD
    threshold = 0.0 if op == "is_true" else indicator.threshold
    need = threshold - v0 + (tol if op in (">", "is_true") else -tol if op == "<" else 0.0)
    with np.errstate(invalid="ignore"):
        movable = (need > 0) & (need <= most) if upward else (need >= 0) & (most > need)
    movable &= ~np.isnan(v0)
    met[:, movable] = b.var((n_y, int(movable.sum())), ub=1.0, integer=True)
    for y in range(n_y):
        if upward:  # added − need·met ≥ 0
            rows = np.where(movable, b.rows(n_c, lb=0.0), -1)
            b.terms(rows, met[y], -np.nan_to_num(need))
        else:  # added + (most − need)·met ≤ most
            rows = np.where(movable, b.rows(n_c, ub=most), -1)
            b.terms(rows, met[y], np.nan_to_num(most - need))
        for cpos, cols, coefs in _form(model, figure, y)[1]:
            b.terms(rows[cpos], cols, coefs)
    return met, const


def _share(model: Model, indicator, v0: np.ndarray, const: np.ndarray):
    """The non-street share of funds: (1−s)·other − s·street ≥ s·street₀ − (1−s)·other₀ ⇔ met."""
    prob, b = model.prob, model.builder
    n_y, n_c = len(prob.years), len(prob.communities)
    met = np.full((n_y, n_c), -1)
    most = _most(model, FUNDS_FIGURE)
    total0 = prob.base[FUNDS_FIGURE].to_numpy(dtype=float)
    if indicator.op not in (">=", ">"):
        if (most > 0).any():
            raise PlanningError(f"indicator {indicator.id}: only ≥ tests of {SHARE_FIGURE} can be planned")
        return met, const
    s = indicator.threshold + (TOL if indicator.op == ">" else 0.0)
    street0 = prob.base_street_funds
    need = s * street0 - (1 - s) * (total0 - street0)
    big = s * most + np.maximum(need, 0) + 1.0
    # movable only where purchases can change the outcome: other money can lift a share that falls
    # short, street money can drop one that passes (a met variable that cannot move loosens the LP)
    other, street = _funds_most(model, street=False), _funds_most(model, street=True)
    movable = (most > 0) & (total0 > 0) & np.where(need > 0, (1 - s) * other >= need, street > 0)
    met[:, movable] = b.var((n_y, int(movable.sum())), ub=1.0, integer=True)
    for y in range(n_y):
        rows = np.where(movable, b.rows(n_c, lb=-big), -1)
        b.terms(rows, met[y], -(need + big))
        for payer, coef in (("other", 1 - s), ("street", -s)):
            for cpos, cols, coefs in _form(model, FUNDS_FIGURE, y, payer=payer)[1]:
                b.terms(rows[cpos], cols, coefs * coef)
    return met, const


def deciding(rubric: Rubric) -> list[int]:
    """Indices of the indicators that decide whether a have is met (required ones, else all)."""
    chosen = []
    for have in rubric.haves:
        of = rubric.of(have)
        required = [i for i in of if i.required] or list(of)
        chosen += [rubric.indicators.index(i) for i in required]
    return chosen
