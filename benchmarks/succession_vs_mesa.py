"""The member pipeline in our vectorised engine and as a Mesa agent model: time and agreement.

Run ``python benchmarks/succession_vs_mesa.py [--district] [--runs N] [--years N]``. Both models
read the same ledger and apply the same stage rules (:mod:`workbench.engines.pipeline_rules`), the
same rates (each assumption fixed at the middle of its default range), the same applicant inflow
and the same member exits, over the same years and runs. The Mesa model is the textbook agent
form: one agent per person in the pipeline (a ``step`` a month) and per full member (a check a
year), one model per run; the ledger's layout is read once, outside both timings. It prints both times, their ratio, and whether the mean trajectories
(people in each stage and full members, street-wide, per year) agree within Monte Carlo error.
The cadre half of the engine is left out of the comparison: it is a small share of the work.
Mesa is needed for this script only (``pip install .[bench]``).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import fields

import mesa
import numpy as np

from workbench.engines import pipeline_rules
from workbench.engines import succession as engine
from workbench.engines import succession_members as members
from workbench.engines import succession_pipeline as pipeline
from workbench.engines.succession_layout import layout
from workbench.synth import sample_ledger, synthetic_ledger

MIDDLE = engine.SuccessionAssumptions(
    **{
        f.name: (sum(r) / 2, sum(r) / 2)
        for f in fields(engine.SuccessionAssumptions)
        for r in [getattr(engine.SuccessionAssumptions(), f.name)]
    }
)
SERIES = (*pipeline.STAGES, "full")


class Person(mesa.Agent):
    """Someone in the pipeline: a stage and the whole months served in it."""

    def __init__(self, model, org: int, stage: int, served: int = 0) -> None:
        super().__init__(model)
        self.org, self.stage, self.served = org, stage, served

    def step(self) -> None:
        """One month: drop out, or serve it and maybe move on."""
        m = self.model
        if m.random.random() < m.drop[self.stage]:
            self.remove()
            return
        self.served += 1
        self.check()

    def check(self) -> None:
        """Move on (and on, through stages without a minimum) when the stay may end now."""
        m = self.model
        while self.served >= m.low[self.stage]:
            high = m.high[self.stage]
            go = m.leave[self.stage] if high is None else 1 / max(high - self.served + 1, 1)
            blocked = self.stage == pipeline.CANDIDATE and not pipeline_rules.can_sponsor(
                m.full[self.org], m.rules
            )
            if blocked or m.random.random() >= go:
                return
            if self.stage == pipeline.EXTENDED or (
                self.stage == pipeline.PROBATIONARY and m.random.random() >= m.p["extension_share"]
            ):
                m.full[self.org] += 1
                Member(m, self.org, m.p["new_member_age"])
                self.remove()
                return
            self.stage, self.served = self.stage + 1, 0


class Member(mesa.Agent):
    """A full member, who may die or move away at the start of each year."""

    def __init__(self, model, org: int, age: float) -> None:
        super().__init__(model)
        self.org, self.age = org, age

    def year_start(self) -> None:
        m, p = self.model, self.model.p
        ratio = 2 ** (1 / p["mortality_doubling_years"])
        death = members.mortality(self.age, p) * (ratio - 1) / math.log(ratio)
        move = p["move_away_young"] if self.age < m.rules.young_cadre_age else p["move_away_older"]
        self.age += 1
        if m.random.random() < 1 - math.exp(-death) or m.random.random() < move:
            m.full[self.org] -= 1
            self.remove()


class PipelineModel(mesa.Model):
    """One run of the member pipeline of a ledger's layout, a year per ``step``."""

    def __init__(self, lay, rules, seed: int) -> None:
        super().__init__(seed=seed)
        self.rules = rules
        self.p = {f.name: sum(getattr(MIDDLE, f.name)) / 2 for f in fields(MIDDLE)}
        stages = pipeline_rules.stages(rules)
        self.low = [s.min_months for s in stages]
        self.high = [s.max_months for s in stages]
        means = ("applicant_months", "activist_extra_months", "candidate_months")
        self.leave = [1 / (1 + self.p[name]) for name in means] + [None, None]
        attrition = ("applicant", "activist", "candidate", "probationary", "probationary")
        self.drop = [1 - (1 - self.p[f"attrition_{name}"]) ** (1 / 12) for name in attrition]
        self.rate = (
            self.p["applicants_per_1000_young"] * lay.inflow_young
            + self.p["applicants_per_1000_residents"] * lay.inflow_residents
        ) / 1000
        self.full = np.bincount(lay.member_org, minlength=len(lay.orgs))
        self.months = 0  # months simulated
        for org, birth in zip(lay.member_org, lay.member_birth, strict=True):
            Member(self, int(org), lay.start_year - birth)
        pipe = lay.pipeline
        for org, stage, served in zip(pipe["org"], pipe["stage"], pipe["served"], strict=True):
            Person(self, int(org), int(stage), int(served))

    def step(self) -> None:
        members_ = self.agents_by_type.get(Member)
        if members_:
            members_.do("year_start")
        arrivals = self.rng.poisson(self.rate)
        months = [self.rng.integers(0, 12, size=n) for n in arrivals]
        for month in range(12):
            people = self.agents_by_type.get(Person)
            if people:  # a month passes; in the first, the ledger's people may move on at once
                people.shuffle_do("step" if self.months else "check")
            self.months += 1
            for org, when in enumerate(months):
                for _ in range(int((when == month).sum())):
                    Person(self, org, 0).check()

    def counts(self) -> dict[str, float]:
        out = {name: 0.0 for name in SERIES}
        for person in self.agents_by_type.get(Person) or []:
            out[pipeline.STAGES[person.stage]] += 1
        out["full"] = float(self.full.sum())
        return out


def ours(lay, *, runs: int, years: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    state = engine.start_state(lay, runs=runs, rng=rng, assumptions=MIDDLE)
    series = [state.stage_counts()]
    for _ in range(years):
        engine.step(state, rng=rng)
        series.append(state.stage_counts())
    return {name: np.array([s[name].sum(1) for s in series], float).T for name in SERIES}


def theirs(lay, *, runs: int, years: int) -> dict[str, np.ndarray]:
    out = {name: np.zeros((runs, years + 1)) for name in SERIES}
    for run in range(runs):
        model = PipelineModel(lay, engine.RULES, seed=run)
        for t in range(years + 1):
            if t:
                model.step()
            for name, value in model.counts().items():
                out[name][run, t] = value
    return out


def main(argv: list[str]) -> int:
    district = "--district" in argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else (20 if district else 200)
    years = int(argv[argv.index("--years") + 1]) if "--years" in argv else 10
    ledger = synthetic_ledger(120, seed=0) if district else sample_ledger()
    label = "district (120 communities)" if district else "sample street"
    print(f"{label}: {len(ledger.members):,} members, {years} years × {runs} runs")
    lay = layout(ledger, engine.RULES)  # the ledger read once, outside both timings
    start = time.process_time()
    a = ours(lay, runs=runs, years=years)
    t_ours = time.process_time() - start
    start = time.process_time()
    b = theirs(lay, runs=runs, years=years)
    t_mesa = time.process_time() - start
    print(f"ours {t_ours:.2f} s, Mesa {t_mesa:.2f} s (cpu): ours is {t_mesa / t_ours:,.0f}× faster")
    agree = True
    for name in SERIES:
        error = np.sqrt(a[name].var(0) / runs + b[name].var(0) / runs)
        gap = np.abs(a[name].mean(0) - b[name].mean(0))
        ok = bool(np.all(gap <= 4 * error + 1e-9))
        agree &= ok
        print(
            f"  {name:<13} ours {a[name].mean(0)[-1]:10.1f}  Mesa {b[name].mean(0)[-1]:10.1f}  "
            f"largest gap / error {np.max(gap / np.maximum(error, 1e-9)):.1f}  {'ok' if ok else 'DIFFER'}"
        )
    print("mean trajectories agree within Monte Carlo error" if agree else "mean trajectories DIFFER")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
