"""The succession engine and a Mesa agent model of the same rules: time and agreement.

Run ``python benchmarks/succession_vs_mesa.py [--district] [--runs N] [--years N]``. Both models
read the same ledger layout (read once, outside both timings) and apply the same rules: the member
pipeline (:mod:`workbench.engines.pipeline_rules`: stage times, attrition, the sponsor rule, the
applicant inflow), full members leaving (death and moving away), and the cadres (elections every
``rules.community_term_years``, retirement at ``rules.retirement_age``, reserves named from the
community's members of standing, trained and becoming ready, vacant key posts filled by a ready
reserve, else by an outside appointee, else left vacant), with the same levers (:data:`LEVERS`: a
few outside appointments and training places a year) and each assumption fixed at the middle of
its default range, over the same years and runs. The Mesa model is the textbook agent
form: one agent per person in the pipeline (a ``step`` a month), per full member, per cadre and
per reserve (a check a year), one model per run. It prints both CPU times (ours the median of
``REPEATS`` repetitions, Mesa once), per run and in all, and their ratio, and whether
the mean trajectories (people in each pipeline stage, full members, the cadres' mean age, vacant
key posts and ready reserves, street-wide, per year) agree within Monte Carlo error. Mesa is needed
for this script only (``pip install .[bench]``).
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
from workbench.engines.succession_layout import KEY_POSTS, layout
from workbench.synth import sample_ledger, synthetic_ledger

MIDDLE = engine.SuccessionAssumptions(
    **{
        f.name: (sum(r) / 2, sum(r) / 2)
        for f in fields(engine.SuccessionAssumptions)
        for r in [getattr(engine.SuccessionAssumptions(), f.name)]
    }
)
REPEATS = 5
LEVERS = engine.SuccessionLevers(outside_appointments=1, training_slots=1)
SERIES = (*pipeline.STAGES, "full", "cadre_mean_age", "vacant_key_posts", "ready_reserves")


class Person(mesa.Agent):
    """Someone in the pipeline: a stage and the whole months served in it."""

    def __init__(self, model, org: int, stage: int, served: int = 0) -> None:
        super().__init__(model)
        self.org, self.stage, self.served = org, stage, served
        self.admitted = None  # year admitted as probationary

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
                Member(m, self.org, m.year - m.p["new_member_age"], self.admitted)
                self.remove()
                return
            if self.stage == pipeline.CANDIDATE:
                self.admitted = m.year
            self.stage, self.served = self.stage + 1, 0


class Member(mesa.Agent):
    """A full member, who may die or move away at the start of each year."""

    def __init__(self, model, org: int, birth: float, joined: float) -> None:
        super().__init__(model)
        self.org, self.birth, self.joined = org, birth, joined
        branch = org < model.layout.n_branches
        self.community = int(model.layout.org_community[org]) if branch else -1

    def year_start(self) -> None:
        m, p = self.model, self.model.p
        age = m.year - 1 - self.birth  # the age the past year began at
        death = members.mortality(age, p)  # the hazard of the year from that age on
        move = p["move_away_young"] if age < m.rules.young_cadre_age else p["move_away_older"]
        if m.random.random() < 1 - math.exp(-death) or m.random.random() < move:
            m.full[self.org] -= 1
            self.remove()

    def pool(self) -> int | None:
        """The reserve pool (0 young, 1 older) this member is in this year, if any."""
        m, rules = self.model, self.model.rules
        if self.community < 0 or m.year - self.joined < rules.reserve_min_member_years:
            return None
        age = m.year - self.birth
        if age < rules.young_cadre_age:
            return 0
        return 1 if age < rules.retirement_age - rules.community_term_years else None


class Cadre(mesa.Agent):
    """A sitting cadre in a committee seat (the key posts first)."""

    def __init__(self, model, community: int, seat: int, birth: float) -> None:
        super().__init__(model)
        self.community, self.seat, self.birth = community, seat, birth

    def year_end(self) -> None:
        """Retire, leave, or lose the election."""
        m, p, rules = self.model, self.model.p, self.model.rules
        out = m.random.random() < p["cadre_exit"]
        if m.election(self.community):
            out |= m.random.random() < p["election_turnover"]
        if out or m.year - self.birth >= rules.retirement_age:
            m.seats[self.community][self.seat] = None
            self.remove()


class Reserve(mesa.Agent):
    """A reserve cadre for one key post: named, trained, then ready."""

    def __init__(self, model, community: int, post: int, slot: int, birth: float, ready: float) -> None:
        super().__init__(model)
        self.community, self.post, self.slot, self.birth, self.ready = community, post, slot, birth, ready
        model.reserves[community][post][slot] = self

    def drop_out(self) -> None:
        m, rules = self.model, self.model.rules
        old = m.year - self.birth >= rules.retirement_age - rules.community_term_years
        if m.random.random() < m.p["reserve_dropout"] or old:
            self.leave()

    def leave(self) -> None:
        self.model.reserves[self.community][self.post][self.slot] = None
        self.remove()

    def train(self) -> None:
        m = self.model
        if math.isinf(self.ready) and m.random.random() < m.p["reserve_training_rate"]:
            self.ready = m.year + m.rules.reserve_training_years


class SuccessionModel(mesa.Model):
    """One run of a ledger's layout: the member pipeline, full members and cadres, a year per
    ``step``."""

    def __init__(self, lay, rules, seed: int) -> None:
        super().__init__(seed=seed)
        self.layout, self.rules, self.year = lay, rules, lay.start_year
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
        for org, birth, joined in zip(lay.member_org, lay.member_birth, lay.member_joined, strict=True):
            Member(self, int(org), float(birth), float(joined))
        pipe = lay.pipeline
        for org, stage, served, admitted in zip(
            pipe["org"], pipe["stage"], pipe["served"], pipe["admitted"], strict=True
        ):
            person = Person(self, int(org), int(stage), int(served))
            person.admitted = lay.start_year + 1 + int(admitted) // 12
        self.keys = len(KEY_POSTS)
        self.seats = [[None] * int(n) for n in lay.posts.sum(1)]
        for c, seat in zip(*np.nonzero(~np.isnan(lay.cadre_birth)), strict=True):
            self.seats[c][seat] = Cadre(self, int(c), int(seat), float(lay.cadre_birth[c, seat]))
        slots = max(lay.reserve_birth.shape[-1], rules.reserves_per_key_post)
        self.reserves = [[[None] * slots for _ in range(self.keys)] for _ in lay.communities]
        for c, k, j in zip(*np.nonzero(~np.isnan(lay.reserve_birth)), strict=True):
            Reserve(
                self, int(c), int(k), int(j), float(lay.reserve_birth[c, k, j]), lay.reserve_ready[c, k, j]
            )

    def election(self, community: int) -> bool:
        return (self.year - self.layout.term_start[community]) % self.rules.community_term_years == 0

    def step(self) -> None:
        self.year += 1
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
        self.cadres()

    def cadres(self) -> None:
        """A year of cadre change, in the engine's order."""
        for kind, method in ((Reserve, "drop_out"), (Cadre, "year_end")):
            agents = self.agents_by_type.get(kind)
            if agents:
                agents.do(method)
        pools = np.zeros((len(self.layout.communities), 2))
        for member in self.agents_by_type.get(Member) or []:
            which = member.pool()
            if which is not None:
                pools[member.community, which] += 1
        rules, p = self.rules, self.p
        for c, seats in enumerate(self.seats):  # a vacant key post goes to the first ready reserve
            for k in range(self.keys):
                ready = [r for r in self.reserves[c][k] if r is not None and r.ready <= self.year]
                if seats[k] is None and ready:
                    seats[k] = Cadre(self, c, k, ready[0].birth)
                    ready[0].leave()
        budget = LEVERS.outside_appointments  # else to an outside appointee, secretaries first
        for k in range(self.keys):
            for c, seats in enumerate(self.seats):
                if seats[k] is None and budget:
                    seats[k] = Cadre(self, c, k, self.year - p["appointee_age"])
                    budget -= 1
        for c, seats in enumerate(self.seats):
            young, older = pools[c]
            wy, wo = p["willing_young"] * young, p["willing_older"] * older
            fill = 1 - (1 - p["willing_young"]) ** young * (1 - p["willing_older"]) ** older
            young_share = wy / (wy + wo) if wy + wo > 0 else 0.0
            for k in range(self.keys):
                for j in range(rules.reserves_per_key_post):
                    if self.reserves[c][k][j] is None and self.random.random() < fill:
                        birth = self.birth(self.random.random() < young_share)
                        Reserve(self, c, k, j, birth, math.inf)
            if self.election(c):
                for seat in range(self.keys, len(seats)):
                    if seats[seat] is None:
                        seats[seat] = Cadre(self, c, seat, self.birth(self.random.random() < young_share))
        reserves = self.agents_by_type.get(Reserve)
        if reserves:
            reserves.do("train")
        slots = LEVERS.training_slots  # the extra training places, secretaries first
        for k in range(self.keys):
            for c in range(len(self.seats)):
                for reserve in self.reserves[c][k]:
                    if slots and reserve is not None and math.isinf(reserve.ready):
                        reserve.ready = self.year + rules.reserve_training_years
                        slots -= 1

    def birth(self, young: bool) -> float:
        """A new cadre's or reserve's birth year: an age uniform in the young or the older band."""
        rules = self.rules
        low = rules.min_applicant_age + rules.reserve_min_member_years if young else rules.young_cadre_age
        high = rules.young_cadre_age if young else rules.retirement_age - rules.community_term_years
        return self.year - (low + (high - low) * self.random.random())

    def counts(self) -> dict[str, float]:
        out = {name: 0.0 for name in SERIES}
        for person in self.agents_by_type.get(Person) or []:
            out[pipeline.STAGES[person.stage]] += 1
        out["full"] = float(self.full.sum())
        ages = [self.year - cadre.birth for cadre in self.agents_by_type.get(Cadre) or []]
        out["cadre_mean_age"] = sum(ages) / len(ages) if ages else math.nan
        out["vacant_key_posts"] = float(
            sum(seats[k] is None for seats in self.seats for k in range(self.keys))
        )
        ready = [r for r in self.agents_by_type.get(Reserve) or [] if r.ready <= self.year]
        out["ready_reserves"] = float(len(ready))
        return out


def _cadre_counts(state) -> dict[str, np.ndarray]:
    """Street-wide cadre figures per run: the sitting cadres' mean age, vacant key posts, ready
    reserves."""
    cadres, keys, year = state.cadres, len(KEY_POSTS), state.year
    age = year - cadres.birth.reshape(state.runs, -1).astype(float)
    sitting = ~np.isnan(age)
    with np.errstate(invalid="ignore"):
        mean_age = np.where(sitting, age, 0).sum(1) / sitting.sum(1)
    vacant = np.isnan(cadres.birth[..., :keys]) & state.layout.posts[None, :, :keys]
    ready = ~np.isnan(cadres.reserve_birth) & (cadres.reserve_ready <= year)
    return {
        "cadre_mean_age": mean_age,
        "vacant_key_posts": vacant.sum((1, 2)),
        "ready_reserves": ready.sum((1, 2, 3)),
    }


def ours(lay, *, runs: int, years: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    state = engine.start_state(lay, runs=runs, rng=rng, assumptions=MIDDLE)
    series = []
    for t in range(years + 1):
        if t:
            engine.step(state, LEVERS, rng=rng)
        counts = {name: values.sum(1) for name, values in state.stage_counts().items()}
        series.append(counts | _cadre_counts(state))
    return {name: np.array([s[name] for s in series], float).T for name in SERIES}


def theirs(lay, *, runs: int, years: int) -> dict[str, np.ndarray]:
    out = {name: np.zeros((runs, years + 1)) for name in SERIES}
    for run in range(runs):
        model = SuccessionModel(lay, engine.RULES, seed=run)
        for t in range(years + 1):
            if t:
                model.step()
            for name, value in model.counts().items():
                out[name][run, t] = value
    return out


def main(argv: list[str]) -> int:
    district = "--district" in argv
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else (120 if district else 200)
    years = int(argv[argv.index("--years") + 1]) if "--years" in argv else 10
    ledger = synthetic_ledger(120, seed=0) if district else sample_ledger()
    label = "district (120 communities)" if district else "sample street"
    print(f"{label}: {len(ledger.members):,} members, {years} years × {runs} runs")
    lay = layout(ledger, engine.RULES)  # the ledger read once, outside both timings
    ours(lay, runs=2, years=1), theirs(lay, runs=1, years=1)  # warm up both
    times = []
    for _ in range(REPEATS):  # ours is short: the median of a few, steadier on a shared machine
        start = time.process_time()
        a = ours(lay, runs=runs, years=years)
        times.append(time.process_time() - start)
    t_ours = float(np.median(times))
    start = time.process_time()
    b = theirs(lay, runs=runs, years=years)
    t_mesa = time.process_time() - start
    print(
        f"ours {t_ours:.3f} s ({1000 * t_ours / runs:.2f} ms a run), "
        f"Mesa {t_mesa:.2f} s ({1000 * t_mesa / runs:.1f} ms a run), cpu: "
        f"ours is {t_mesa / t_ours:,.0f}× faster"
    )
    agree = True
    for name in SERIES:
        error = np.sqrt(a[name].var(0) / runs + b[name].var(0) / runs)
        gap = np.abs(a[name].mean(0) - b[name].mean(0))
        ok = bool(np.all(gap <= 4 * error + 1e-9))
        agree &= ok
        print(
            f"  {name:<16} ours {a[name].mean(0)[-1]:10.1f}  Mesa {b[name].mean(0)[-1]:10.1f}  "
            f"largest gap / error {np.max(gap / np.maximum(error, 1e-9)):.1f}  {'ok' if ok else 'DIFFER'}"
        )
    print("mean trajectories agree within Monte Carlo error" if agree else "mean trajectories DIFFER")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
