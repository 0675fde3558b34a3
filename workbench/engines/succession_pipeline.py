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
next event (months from the projection's first January) and whether it is a drop-out. Full
members only come during a year (they leave at its start), so where an organisation has enough
full members to sponsor when the year starts, it has them all year and the order of its people's
events does not matter: a year handles those in rounds, every row's next event at once, until no
event is left in the year; so do those of an organisation that cannot sponsor and has no
probationer due in the year (it cannot sponsor all year). Only the rows of organisations that
cannot sponsor yet but may once a probationer becomes full go month by month, each month's rows
together, a new event within the year joining its month's rows (the same month, when the new stay
is empty). Rows of those who left are marked (stage -1) and reused for arrivals, so the arrays are
never compacted.
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
    """What stays and drop-outs are drawn from, per run and stage."""

    table: np.ndarray  # (runs × stages, 3) float32: scale, drop_scale, minimum months (see draw)
    bounded: tuple[tuple[int, int], ...]  # (stage, spread): stays spread over minimum … minimum + spread
    extension: np.ndarray  # (runs,) share of probations extended

    @classmethod
    def of(cls, rules: Rules, p: dict[str, np.ndarray]) -> Timing:
        stages = pipeline_rules.stages(rules)
        assert tuple(s.name for s in stages) == STAGES
        runs = len(p["extension_share"])
        table = np.zeros((runs, len(STAGES), 3))
        with np.errstate(divide="ignore"):
            for stage, name in _MEAN_MONTHS.items():  # geometric on 0, 1, …: P(≥ g) = q^g
                table[:, stage, 0] = 1 / np.log1p(1 / p[name])
            yearly = np.stack([p[f"attrition_{name}"] for name in _ATTRITION], axis=1)
            table[..., 1] = -MONTHS / np.log1p(-yearly)
        table[..., 2] = [s.min_months for s in stages]
        spreads = [(i, s.max_months - s.min_months) for i, s in enumerate(stages) if s.max_months is not None]
        return cls(
            table=table.astype(np.float32).reshape(-1, 3),
            bounded=tuple((stage, spread) for stage, spread in spreads if spread > 0),
            extension=p["extension_share"],
        )

    def draw(
        self, rng: np.random.Generator, run: np.ndarray, stage: np.ndarray, now, served=0
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(due, drop)`` for people entering ``stage`` in month ``now`` having already served
        ``served`` months of it (``-1``: they must wait a month before moving on).

        The stay is ``max(minimum + X - served, 0) + G``: ``X`` even on ``0 … spread`` (bounded
        stages), ``G`` = floor(scale × Exp(1)), geometric (open stages; scale 0 for the others).
        A drop-out comes ``1 + floor(drop_scale × Exp(1))`` months in, unless the stay ends first.
        """
        cell = self.table.take(run * len(STAGES) + stage, axis=0)
        stay, drop_in = rng.standard_exponential((2, len(run)), dtype=np.float32)
        stay *= cell[:, 0]
        np.floor(stay, out=stay)
        base = cell[:, 2] - served
        for bounded, spread in self.bounded:
            at = np.flatnonzero(stage == bounded)
            base[at] += rng.integers(0, spread + 1, size=len(at))
        stay += np.maximum(base, 0)
        drop_in *= cell[:, 1]
        np.floor(drop_in, out=drop_in)
        drop_in += 1
        drop = drop_in <= stay
        np.fmin(stay, drop_in, out=stay)
        stay += now
        return stay.astype(np.int32), drop


def place(people: People, arrivals: People) -> People:
    """``people`` with ``arrivals`` in the rows of those gone (grown by a quarter when short)."""
    free = np.flatnonzero(people.stage < 0)
    if len(free) < len(arrivals):
        extra = len(arrivals) - len(free) + len(people) // 4
        free = np.concatenate([free, np.arange(len(people), len(people) + extra)])
        people = People.concat([people, People.gone(extra)])
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
    pool = place(people, arrivals)
    events = _Events(pool, full.reshape(-1), full.shape[1], (index + 1) * MONTHS, timing, rng)
    rows = np.flatnonzero(pool.due < events.end)
    key = events.keys(rows)
    # full members only come during a year, from those on probation: an organisation that can
    # sponsor now can all year, one that cannot and has no probationer due this year cannot all
    # year, and the order of their people's events does not matter
    weak = ~pipeline_rules.can_sponsor(events.full.take(key), rules)
    hopeful = np.zeros(events.full.size, bool)
    hopeful[key.compress(weak & (pool.stage.take(rows) >= PROBATIONARY))] = True
    monthly = hopeful.take(key)
    settled = rows.compress(~monthly)
    while len(settled):
        settled = events.handle(settled, rules)
    events.full += np.bincount(np.concatenate(events.new_full), minlength=events.full.size).astype(
        events.full.dtype
    )
    events.new_full = None  # from here on, each month's new full members count at once
    _by_month(events, rows.compress(monthly), rules)
    completed = Completed.concat(events.completed)
    return pool, np.concatenate(events.admitted), completed


def _by_month(events: _Events, rows: np.ndarray, rules: Rules) -> None:
    """The events of ``rows`` month by month, where whether a candidate can be admitted depends
    on the full members their organisation has gained so far."""
    pool, first = events.pool, events.end - MONTHS
    due = [[] for _ in range(MONTHS)]

    def book(rows: np.ndarray) -> None:
        month = pool.due[rows] - first
        order = np.argsort(month, kind="stable")
        bounds = np.searchsorted(month[order], np.arange(MONTHS + 1))
        for m in np.flatnonzero(np.diff(bounds)):
            due[m].append(rows[order[bounds[m] : bounds[m + 1]]])

    book(rows)
    for m in range(MONTHS):
        while due[m]:
            rows = np.concatenate(due[m])
            due[m] = []
            book(events.handle(rows, rules))


class _Events:
    """A year's events, handled on the pool in place: who was admitted and who became full."""

    def __init__(self, pool: People, full: np.ndarray, n_orgs: int, end: int, timing: Timing, rng) -> None:
        self.pool, self.full, self.n_orgs, self.end = pool, full, n_orgs, end
        self.timing, self.rng = timing, rng
        self.admitted: list[np.ndarray] = [np.zeros(0, np.int64)]
        self.completed: list[Completed] = [Completed.empty()]
        self.new_full: list[np.ndarray] | None = [np.zeros(0, np.int64)]

    def keys(self, rows: np.ndarray) -> np.ndarray:
        """The ``(run, org)`` key of each row."""
        return self.pool.run.take(rows).astype(np.int64) * self.n_orgs + self.pool.org.take(rows)

    def handle(self, rows: np.ndarray, rules: Rules) -> np.ndarray:
        """Handle the next event of ``rows``; return those whose following event is this year.
        A candidate whose organisation cannot sponsor now waits.

        (``compress`` and ``take`` rather than indexing: the same, and quicker on these arrays.)"""
        pool, timing, rng = self.pool, self.timing, self.rng
        out = pool.drop.take(rows)
        if out.any():
            gone = rows.compress(out)
            pool.stage[gone], pool.due[gone] = -1, _NEVER
            rows = rows.compress(~out)
        stage = pool.stage.take(rows)
        # candidates are blocked by the full members as they were before this batch's new ones
        candidate = np.flatnonzero(stage == CANDIDATE)
        blocked = np.zeros(len(rows), bool)
        blocked[candidate] = ~pipeline_rules.can_sponsor(
            self.full.take(self.keys(rows.take(candidate))), rules
        )
        done = stage == EXTENDED
        probation = np.flatnonzero(stage == PROBATIONARY)
        extension = timing.extension.take(pool.run.take(rows.take(probation)))
        done[probation] = rng.random(len(probation)) >= extension
        if done.any():
            d = rows.compress(done)
            key = self.keys(d)
            if self.new_full is None:
                np.add.at(self.full, key, 1)
            else:
                self.new_full.append(key)
            fields_ = (pool.run, pool.org, pool.applied, pool.admitted, pool.due)
            self.completed.append(Completed(*(a.take(d) for a in fields_)))
            pool.stage[d], pool.due[d] = -1, _NEVER
            rows, stage, blocked = (a.compress(~done) for a in (rows, stage, blocked))
        now, run = pool.due.take(rows), pool.run.take(rows)
        candidate = stage == CANDIDATE
        admit = candidate & ~blocked
        self.admitted.append(self.keys(rows.compress(admit)))
        pool.admitted[rows.compress(admit)] = now.compress(admit)
        if blocked.any():
            stage += ~blocked
            next_due, drop = timing.draw(rng, run, stage, now, -blocked.view(np.int8))
        else:
            stage += 1
            next_due, drop = timing.draw(rng, run, stage, now)
        pool.stage[rows], pool.due[rows], pool.drop[rows] = stage, next_due, drop
        return rows.compress(next_due < self.end)
