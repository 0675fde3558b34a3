"""A plain reference of the coverage engine's rules: one run at a time, a loop over units.

Used only by tests, to check :mod:`workbench.engines.coverage` in distribution. It shares no code
with the engine beyond reading the ledger: arrivals are Poisson and unbounded (the engine's spare
slots make them binomial with the same mean), and new units draw their employees when they arrive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from workbench.engines.coverage import CoverageAssumptions, CoverageLevers
from workbench.ledger import Ledger
from workbench.schema import split_refs
from workbench.settings import RULES, Rules

ARRIVING = ("non_public_enterprise", "social_org")


@dataclass
class Unit:
    community: str
    kind: str
    employees: float
    full: int = 0
    probation: list[int] = field(default_factory=list)
    alive: bool = True
    own: bool = False
    joint: object = None  # any hashable group label
    instructed: bool = False

    def reached(self) -> bool:
        return self.alive and (self.own or self.joint is not None or self.instructed)


def start(ledger: Ledger, rules: Rules = RULES) -> list[Unit]:
    """The ledger's units, members and organisations."""
    probation_years = max(1, round(rules.probation_months / 12))
    units = {}
    for row in ledger.units.itertuples(index=False):
        employees = (
            float(row.employees) if row.employees is not None and row.employees == row.employees else 0.0
        )
        units[row.id] = Unit(row.community, row.kind, employees, probation=[0] * probation_years)
        units[row.id].instructed = bool(row.instructor) if row.instructor is not None else False
    for row in ledger.members.itertuples(index=False):
        if row.unit in units:
            if row.status == "full":
                units[row.unit].full += 1
            else:
                units[row.unit].probation[0] += 1
    for row in ledger.party_orgs.itertuples(index=False):
        if row.status != "established":
            continue
        for unit in split_refs(row.units):
            if row.kind == "joint_branch":
                units[unit].joint = row.id
            else:
                units[unit].own = True
    return list(units.values())


def rates(assumptions: CoverageAssumptions, rng: np.random.Generator) -> dict:
    """One draw of every uncertain rate."""

    def draw(value):
        low, high = value if isinstance(value, tuple) else (value, value)
        return rng.uniform(low, high)

    a = assumptions
    return {
        "arrival": {"non_public_enterprise": draw(a.npe_arrival), "social_org": draw(a.social_org_arrival)},
        "closure": {"non_public_enterprise": draw(a.npe_closure), "social_org": draw(a.social_org_closure)},
        "out": draw(a.transfer_out),
        "in": draw(a.transfer_in),
        "admissions": {k: draw(v) for k, v in a.admissions.items()},
    }


def year(units, stock, pools, instructors, levers: CoverageLevers, r: dict, rng, rules: Rules = RULES):
    """Advance ``units`` one year, in place (new units are appended)."""
    reached = [u.reached() for u in units]
    for u in units:
        if u.alive and u.kind in ARRIVING and rng.random() < r["closure"][u.kind]:
            u.alive, u.full, u.probation = False, 0, [0] * len(u.probation)
            u.own, u.joint, u.instructed = False, None, False
    for (community, kind), n in stock.items():
        for _ in range(rng.poisson(r["arrival"][kind] * n)):
            units.append(
                Unit(community, kind, float(rng.choice(pools[kind])), probation=[0] * len(units[0].probation))
            )
            reached.append(False)
    for u in units:
        u.full += u.probation.pop(0)
        u.probation.append(0)
        if u.full > 0:
            u.full += rng.poisson(u.full * r["in"]) - rng.binomial(u.full, r["out"])
    weight = sum(
        u.employees
        for u, was in zip(units, reached, strict=True)
        if was and u.alive and u.kind == "non_public_enterprise"
    )
    for u, was in zip(units, reached, strict=True):
        if not (was and u.alive):
            continue
        lam = r["admissions"][u.kind] * u.employees / 100
        if u.kind == "non_public_enterprise" and weight > 0:
            lam += levers.recruitment_drive * u.employees / weight
        u.probation[-1] += rng.poisson(lam)
    for u in units:
        u.own = u.alive and u.full >= rules.min_members_own_branch
    small = [i for i, u in enumerate(units) if u.alive and not u.own and u.full >= 1]
    if levers.grouping:
        _greedy(units, small, rules)
    else:
        _keep_valid(units, small, rules)
    eligible = [i for i, u in enumerate(units) if u.alive and u.full == 0 and not u.own and u.joint is None]
    eligible.sort(key=lambda i: -units[i].employees)
    for u in units:
        u.instructed = False
    for i in eligible[: instructors * levers.instructor_caseload]:
        units[i].instructed = True


def _greedy(units, small, rules: Rules) -> None:
    for u in units:
        u.joint = None
    by_community: dict[str, list[int]] = {}
    for i in small:
        by_community.setdefault(units[i].community, []).append(i)
    for members in by_community.values():
        members.sort(key=lambda i: -units[i].full)
        groups, current, total = [], [], 0
        for i in members:
            if len(current) == rules.joint_branch_max_units:
                break
            current.append(i)
            total += units[i].full
            if total >= rules.joint_branch_min_members and len(current) >= 2:
                groups.append(current)
                current, total = [], 0
        for i in current:  # left over: into the last group while it has room
            if groups and len(groups[-1]) < rules.joint_branch_max_units:
                groups[-1].append(i)
        for g in groups:
            for i in g:
                units[i].joint = ("group", g[0])


def _keep_valid(units, small, rules: Rules) -> None:
    keep = set(small)
    groups: dict[object, list[int]] = {}
    for i, u in enumerate(units):
        if i not in keep:
            u.joint = None
        elif u.joint is not None:
            groups.setdefault(u.joint, []).append(i)
    for g in groups.values():
        if len(g) < 2 or sum(units[i].full for i in g) < rules.joint_branch_min_members:
            for i in g:
                units[i].joint = None


def street_figures(units) -> dict[str, float]:
    """Street totals of the figures the tests compare."""
    alive = [u for u in units if u.alive]
    org = [u for u in alive if u.own or u.joint is not None]
    npe = [u for u in alive if u.kind == "non_public_enterprise"]
    work = [u for u in alive if u.own or u.joint is not None or u.instructed]
    return {
        "units": len(alive),
        "org_coverage": len(org) / len(alive) if alive else math.nan,
        "npe_org_coverage": sum(u.own or u.joint is not None for u in npe) / len(npe) if npe else math.nan,
        "work_coverage": len(work) / len(alive) if alive else math.nan,
        "orgs.joint_branch": len({u.joint for u in alive if u.joint is not None}),
        "uncovered_units": len(alive) - len(work),
    }


def simulate(
    ledger: Ledger,
    levers: CoverageLevers,
    assumptions: CoverageAssumptions,
    *,
    years,
    runs,
    seed,
    rules=RULES,
):
    """``figures[run][year]`` (dicts of :func:`street_figures`)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(runs):
        units = start(ledger, rules)
        stock = {}
        pools = {}
        for u in units:
            if u.kind in ARRIVING:
                stock[(u.community, u.kind)] = stock.get((u.community, u.kind), 0) + 1
                pools.setdefault(u.kind, []).append(u.employees)
        instructors = levers.instructors
        if instructors is None:
            instructors = math.ceil(sum(u.instructed for u in units) / levers.instructor_caseload)
        r = rates(assumptions, rng)
        run = [street_figures(units)]
        for _ in range(years):
            year(units, stock, pools, instructors, levers, r, rng, rules)
            run.append(street_figures(units))
        out.append(run)
    return out
