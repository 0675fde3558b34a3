"""The member pipeline in months (发展党员): people move through the stages of
:mod:`.pipeline_rules` with exact event times.

**The process** (one month is the time unit). On entering a stage a person's stay ``D`` is drawn:
an open stage (applicant, activist, candidate) lasts its minimum plus a geometric number of months
(``P(0) = 1 / (1 + mean)``), so a stage without a minimum may be passed the month it is entered;
probation lasts exactly ``rules.probation_months``; an extension lasts a whole number of months
spread evenly between its shortest and longest. Each month after entering, the person may drop out
(the stage's yearly attrition as a monthly chance), a drop-out in the month the stay ends coming
first. A candidate whose organisation has fewer than ``rules.sponsors_required`` full members
cannot be admitted and tries again the next month (the stay is geometric, so redrawing it is
exact). A probation ends in an extension with the run's ``extension_share``. The fastest path is
``pipeline_rules.fastest_path_months`` exactly: no applicant or candidate wait, no extension.

**The arrays.** People are flat arrays, one row per person and run, holding the month of their
next event (months from the projection's first January) and whether it is a drop-out. A year
sorts the rows with an event in it by month and handles each month's rows together; a new event
within the year joins its month's rows (the same month, when the new stay is empty). Rows of those
who left are marked (stage -1) and reused for arrivals, so the arrays are never compacted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ..settings import Rules
from . import pipeline_rules

STAGES = ("applicant", "activist", "candidate", "probationary", "extended")
APPLICANT, ACTIVIST, CANDIDATE, PROBATIONARY, EXTENDED = range(len(STAGES))
MONTHS = 12
UNKNOWN = np.iinfo(np.int32).min
"""The application month of the ledger's probationary members (the ledger does not hold it)."""
_NEVER = np.iinfo(np.int32).max
_MEAN_MONTHS = {  # the assumption giving an open stage's mean stay beyond its minimum
    APPLICANT: "applicant_months",
    ACTIVIST: "activist_extra_months",
    CANDIDATE: "candidate_months",
}
_ATTRITION = ("applicant", "activist", "candidate", "probationary", "probationary")


class Rows:
    """Flat arrays of equal length, one entry per person and run."""

    def select(self, mask: np.ndarray):
        return type(self)(*(getattr(self, f.name)[mask] for f in fields(self)))

    def join(self, other):
        return type(self)(
            *(np.concatenate([getattr(self, f.name), getattr(other, f.name)]) for f in fields(self))
        )

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))

    @classmethod
    def concat(cls, parts: list):
        return cls(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)))


@dataclass
class People(Rows):
    """The people in the pipeline."""

    run: np.ndarray  # int32
    org: np.ndarray  # int32
    stage: np.ndarray  # int8, index into STAGES
    due: np.ndarray  # int32, month of the next event
    drop: np.ndarray  # bool, the next event is a drop-out
    applied: np.ndarray  # int32, month applied (UNKNOWN: not in the ledger)
    admitted: np.ndarray  # int32, month admitted as probationary (from then on)

    @classmethod
    def gone(cls, n: int) -> People:
        """``n`` empty rows (stage -1, never due)."""
        types = (np.int32, np.int32, np.int8, np.int32, bool, np.int32, np.int32)
        people = cls(*(np.zeros(n, t) for t in types))
        people.stage[:] = -1
        people.due[:] = _NEVER
        return people


@dataclass
class Completed(Rows):
    """People who became full members: when they applied, were admitted and became full (months)."""

    run: np.ndarray
    org: np.ndarray
    applied: np.ndarray
    admitted: np.ndarray
    month: np.ndarray

    @classmethod
    def empty(cls) -> Completed:
        return cls(*(np.zeros(0, np.int32) for _ in range(5)))


@dataclass(frozen=True)
class Timing:
    """What stays and drop-outs are drawn from, per stage (and per run where assumed)."""

    min_months: np.ndarray  # (stages,)
    spread: np.ndarray  # (stages,) months a bounded stay may exceed its minimum (-1: open stage)
    scale: np.ndarray  # (runs, stages) open stages: a geometric stay is floor(scale × Exp(1))
    drop_scale: np.ndarray  # (runs, stages) a drop-out comes 1 + floor(drop_scale × Exp(1)) months in
    extension: np.ndarray  # (runs,) share of probations extended

    @classmethod
    def of(cls, rules: Rules, p: dict[str, np.ndarray]) -> Timing:
        stages = pipeline_rules.stages(rules)
        assert tuple(s.name for s in stages) == STAGES
        spread = [-1 if s.max_months is None else s.max_months - s.min_months for s in stages]
        runs = len(p["extension_share"])
        scale = np.zeros((runs, len(STAGES)))
        with np.errstate(divide="ignore"):
            for stage, name in _MEAN_MONTHS.items():  # geometric on 0, 1, …: P(≥ g) = q^g
                scale[:, stage] = 1 / np.log1p(1 / p[name])
            yearly = np.stack([p[f"attrition_{name}"] for name in _ATTRITION], axis=1)
            drop_scale = -MONTHS / np.log1p(-yearly)
        return cls(
            min_months=np.array([s.min_months for s in stages]),
            spread=np.array(spread),
            scale=scale,
            drop_scale=drop_scale,
            extension=p["extension_share"],
        )

    def draw(
        self, rng: np.random.Generator, run: np.ndarray, stage: np.ndarray, now, served=0
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(due, drop)`` for people entering ``stage`` in month ``now`` having already served
        ``served`` months of it (``-1``: they must wait a month before moving on)."""
        low, spread = self.min_months[stage], self.spread[stage]
        u = rng.random(len(run))
        geometric = np.maximum(low - served, 0) + np.floor(-np.log1p(-u) * self.scale[run, stage])
        even = np.maximum(low + np.floor(u * (spread + 1)) - served, 0)
        stay = np.where(spread < 0, geometric, even)
        drop_in = 1 + np.floor(rng.standard_exponential(len(run)) * self.drop_scale[run, stage])
        drop = drop_in <= stay
        return (now + np.where(drop, drop_in, stay)).astype(np.int32), drop


def place(people: People, arrivals: People) -> People:
    """``people`` with ``arrivals`` in the rows of those gone (grown by a quarter when short)."""
    free = np.flatnonzero(people.stage < 0)
    if len(free) < len(arrivals):
        extra = len(arrivals) - len(free) + len(people) // 4
        free = np.r_[free, np.arange(len(people), len(people) + extra)]
        people = people.join(People.gone(extra))
    slots = free[: len(arrivals)]
    for f in fields(people):
        getattr(people, f.name)[slots] = getattr(arrivals, f.name)
    return people


def year(
    people: People,
    arrivals: People,
    full: np.ndarray,
    *,
    timing: Timing,
    index: int,
    rules: Rules,
    rng: np.random.Generator,
) -> tuple[People, np.ndarray, Completed]:
    """Year ``index`` (0: the first projected year) of the pipeline, ``arrivals`` joining in their
    month. ``full`` (``(runs, orgs)`` full members) gains the new full members as they come.

    Returns the people (rows of those gone marked with stage -1, for reuse), the ``(run, org)``
    keys of this year's admissions and who completed.
    """
    n_orgs = full.shape[1]
    pool = place(people, arrivals)
    first = index * MONTHS
    rows = np.flatnonzero(pool.due < first + MONTHS)
    month = (pool.due[rows] - first).astype(np.int16)
    order = np.argsort(month, kind="stable")
    rows, bounds = rows[order], np.searchsorted(month[order], np.arange(MONTHS + 1))
    active = pool.select(rows)  # this year's rows by month: each month's batch is contiguous
    due = [[np.arange(bounds[m], bounds[m + 1])] for m in range(MONTHS)]  # positions in active
    admitted, completed = [np.zeros(0, np.int64)], [Completed.empty()]
    for m in range(MONTHS):
        while due[m]:
            now, who = first + m, np.concatenate(due[m])
            due[m] = []
            out = who[active.drop[who]]
            active.stage[out], active.due[out] = -1, _NEVER
            who = who[~active.drop[who]]
            run, org, stage = active.run[who], active.org[who], active.stage[who]
            key = run.astype(np.int64) * n_orgs + org
            candidate, probation = stage == CANDIDATE, stage == PROBATIONARY
            blocked = candidate & ~pipeline_rules.can_sponsor(full.reshape(-1)[key], rules)
            done = (stage == EXTENDED) | (probation & (rng.random(len(who)) >= timing.extension[run]))
            if done.any():
                d = who[done]
                np.add.at(full.reshape(-1), key[done], 1)
                completed.append(
                    Completed(
                        run[done], org[done], active.applied[d], active.admitted[d], np.full(d.size, now)
                    )
                )
                active.stage[d], active.due[d] = -1, _NEVER
            admit = candidate & ~blocked
            admitted.append(key[admit])
            active.admitted[who[admit]] = now
            stay = ~done
            who, blocked, stage = who[stay], blocked[stay], stage[stay]
            stage += ~blocked
            next_due, drop = timing.draw(rng, run[stay], stage, now, -blocked.astype(np.int8))
            active.stage[who], active.due[who], active.drop[who] = stage, next_due, drop
            soon = next_due < first + MONTHS
            later, when = who[soon], next_due[soon] - first
            order = np.argsort(when, kind="stable")
            months, starts = np.unique(when[order], return_index=True)
            for at, part in zip(months, np.split(later[order], starts[1:]), strict=False):
                due[at].append(part)
    for f in fields(pool):
        getattr(pool, f.name)[rows] = getattr(active, f.name)
    return pool, np.concatenate(admitted), Completed.concat(completed)
