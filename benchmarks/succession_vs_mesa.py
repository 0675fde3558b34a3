"""The member pipeline in our vectorised engine and as a Mesa agent model: time and agreement.

Run ``python benchmarks/succession_vs_mesa.py [--district] [--runs N] [--years N]``. Both models
read the same ledger and apply the same stage rules (:mod:`workbench.engines.pipeline_rules`), the
same rates (each assumption fixed at the middle of its default range), the same applicant inflow
and the same member exits, over the same years and runs. The Mesa model is the textbook agent
form: one agent per person in the pipeline and per full member, a Python ``step`` per agent per
quarter, one model per run. It prints both times, their ratio, and whether the mean trajectories
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
from workbench.synth import sample_ledger, synthetic_ledger

MIDDLE = engine.SuccessionAssumptions(
    **{
        f.name: (sum(r) / 2, sum(r) / 2)
        for f in fields(engine.SuccessionAssumptions)
        for r in [getattr(engine.SuccessionAssumptions(), f.name)]
    }
)
SERIES = (*engine.STAGES, "full")


class Person(mesa.Agent):
    """Someone in the pipeline: a stage and the quarters spent in it."""

    def __init__(self, model, org: int, stage: int, tenure: int) -> None:
        super().__init__(model)
        self.org, self.stage, self.tenure = org, stage, tenure

    def step(self) -> None:
        m = self.model
        name = engine.STAGES[self.stage]
        low, high = m.bounds[name]
        if m.random.random() < m.drop[name]:
            self.remove()
            return
        eligible = self.tenure + 1 >= low
        if not eligible:
            move = 0.0
        elif high is not None and self.tenure == high - 1:
            move = 1.0
        elif high is None:
            move = m.hazard[name]
        else:
            move = 1 / (high - self.tenure)
        if name == "candidate" and not pipeline_rules.can_sponsor(m.full[self.org], m.rules):
            move = 0.0
        if m.random.random() >= move:
            self.tenure += 1
            return
        self.tenure = 0
        if name == "probationary" and m.random.random() < m.p["extension_share"]:
            self.stage += 1
        elif name in ("probationary", "extended"):
            m.full[self.org] += 1
            Member(m, self.org, m.p["new_member_age"])
            self.remove()
        else:
            self.stage += 1


class Member(mesa.Agent):
    """A full member, who may die or move away each year (from the year after becoming full)."""

    def __init__(self, model, org: int, age: float) -> None:
        super().__init__(model)
        self.org, self.age, self.since = org, age, model.steps

    def year_end(self) -> None:
        m, p = self.model, self.model.p
        if self.since == m.steps:
            return
        hazard = p["mortality_at_60"] * 2 ** (
            (self.age - engine.MORTALITY_REFERENCE_AGE) / p["mortality_doubling_years"]
        )
        move = p["move_away_young"] if self.age < m.rules.young_cadre_age else p["move_away_older"]
        self.age += 1
        if m.random.random() < 1 - math.exp(-hazard) or m.random.random() < move:
            m.full[self.org] -= 1
            self.remove()


class PipelineModel(mesa.Model):
    """One run of the member pipeline of a ledger, a year per ``step``."""

    def __init__(self, state: engine.SuccessionState, seed: int) -> None:
        super().__init__(seed=seed)
        lay, self.rules = state.layout, state.rules
        self.p = {name: float(v[0]) for name, v in state.p.items()}
        self.bounds = {s.name: s.steps(engine.STEP_MONTHS) for s in pipeline_rules.stages(self.rules)}
        self.drop = {
            name: 1 - (1 - self.p[f"attrition_{'probationary' if name == 'extended' else name}"]) ** (1 / 4)
            for name in engine.STAGES
        }
        self.hazard = {
            name: 1 - math.exp(-engine.STEP_MONTHS / self.p[key])
            for name, key in (
                ("applicant", "applicant_months"),
                ("activist", "activist_extra_months"),
                ("candidate", "candidate_months"),
            )
        }
        self.rate = (
            self.p["applicants_per_1000_young"] * lay.inflow_young
            + self.p["applicants_per_1000_residents"] * lay.inflow_residents
        ) / 1000
        self.full = np.bincount(lay.member_org, minlength=len(lay.orgs))
        for org, birth in zip(lay.member_org, lay.member_birth, strict=True):
            Member(self, int(org), lay.start_year - birth)
        people = state.people
        first = people.run == 0
        for org, stage, tenure in zip(
            people.org[first], people.stage[first], people.tenure[first], strict=True
        ):
            Person(self, int(org), int(stage), int(tenure))

    def step(self) -> None:
        arrivals = self.rng.poisson(self.rate)
        quarters = [self.rng.integers(0, 4, size=n) for n in arrivals]
        for q in range(4):
            people = self.agents_by_type.get(Person)
            if people:
                people.shuffle_do("step")
            for org, when in enumerate(quarters):
                for _ in range(int((when == q).sum())):
                    Person(self, org, 0, 0)
        members = self.agents_by_type.get(Member)
        if members:
            members.do("year_end")

    def counts(self) -> dict[str, float]:
        people = self.agents_by_type.get(Person) or []
        out = {name: 0.0 for name in SERIES}
        for person in people:
            out[engine.STAGES[person.stage]] += 1
        out["full"] = float(self.full.sum())
        return out


def ours(ledger, *, runs: int, years: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    state = engine.init_state(ledger, runs=runs, rng=rng, assumptions=MIDDLE)
    series = [state.stage_counts()]
    for _ in range(years):
        engine.step(state, rng=rng)
        series.append(state.stage_counts())
    return {name: np.array([s[name].sum(1) for s in series], float).T for name in SERIES}


def theirs(ledger, *, runs: int, years: int) -> dict[str, np.ndarray]:
    state = engine.init_state(ledger, runs=1, rng=np.random.default_rng(0), assumptions=MIDDLE)
    out = {name: np.zeros((runs, years + 1)) for name in SERIES}
    for run in range(runs):
        model = PipelineModel(state, seed=run)
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
    start = time.process_time()
    a = ours(ledger, runs=runs, years=years)
    t_ours = time.process_time() - start
    start = time.process_time()
    b = theirs(ledger, runs=runs, years=years)
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
