"""An independent calculation of the member pipeline's expected counts (tests only).

The engine draws each person's stay in a stage and the month they would drop out, and handles
events at those months. Here the same process is written as a Markov chain over (stage, months
served) states, stepped month by month with an explicit transition matrix, and the expected number
of people in each state is propagated exactly. A stage without a minimum may be passed in the month
it is entered, so entering a stage is a distribution over states (and over "became full"). It
shares nothing with the engine but the rules and the rates it is given.
"""

from __future__ import annotations

import numpy as np

MONTHS = 12
ORDER = ("applicant", "activist", "candidate", "probationary", "extended")


def chain(rules, rates: dict[str, float]):
    """States ``(stage, months served)``, the monthly matrix among them, the chance each state's
    person becomes full in a month, and the entry into the applicant stage (states, full).

    ``rates``: yearly attrition per stage (``attrition_<stage>``), mean months beyond the minimum
    for the open stages (``applicant_months``, ``activist_extra_months``, ``candidate_months``)
    and ``extension_share``.
    """
    bounds = {  # stage: (minimum, maximum) months; None = no maximum
        "applicant": (0, None),
        "activist": (rules.activist_min_months, None),
        "candidate": (0, None),
        "probationary": (rules.probation_months, rules.probation_months),
        "extended": (rules.probation_extension_min_months, rules.probation_extension_max_months),
    }
    mean = {
        "applicant": "applicant_months",
        "activist": "activist_extra_months",
        "candidate": "candidate_months",
    }
    attrition = {s: rates[f"attrition_{s}"] for s in ORDER[:4]} | {
        "extended": rates["attrition_probationary"]
    }

    def cap(stage):
        low, high = bounds[stage]
        return low if high is None else high

    def leave(stage, k):
        """The chance to move on after ``k`` months, not having moved on before."""
        low, high = bounds[stage]
        if k < low:
            return 0.0
        if high is None:
            return 1 / (1 + rates[mean[stage]])  # geometric stay beyond the minimum
        return 1 / max(high - k + 1, 1)  # evenly spread over low..high

    states = [(s, k) for s in ORDER for k in range(cap(s) + 1)]
    index = {state: i for i, state in enumerate(states)}
    n = len(states)

    def enter(stage) -> tuple[np.ndarray, float]:
        """Where someone entering ``stage`` is after this month's moves, and the chance to be full."""
        v = np.zeros(n)
        go = leave(stage, 0)
        v[index[(stage, 0)]] = 1 - go
        after, full = move_on(stage)
        return v + go * after, go * full

    def move_on(stage) -> tuple[np.ndarray, float]:
        if stage == "probationary":
            ext, _ = enter("extended")
            return rates["extension_share"] * ext, 1 - rates["extension_share"]
        if stage == "extended":
            return np.zeros(n), 1.0
        return enter(ORDER[ORDER.index(stage) + 1])

    P, to_full = np.zeros((n, n)), np.zeros(n)
    for i, (stage, k) in enumerate(states):
        survive = (1 - attrition[stage]) ** (1 / MONTHS)
        go = leave(stage, k + 1)
        P[i, index[(stage, min(k + 1, cap(stage)))]] += survive * (1 - go)
        after, full = move_on(stage)
        P[i] += survive * go * after
        to_full[i] = survive * go * full
    return states, P, to_full, enter("applicant")


def expected_counts(
    rules, rates, *, start: dict[tuple[str, int], float], arrivals_per_year: float, years: int
):
    """Expected people per stage at the end of each year 0..years, and cumulative full members;
    ``start``: people per ``(stage, months served)`` at the end of year 0."""
    states, P, to_full, (entry, entry_full) = chain(rules, rates)
    x = np.zeros(len(states))
    for state, count in start.items():
        x[states.index(state)] += count
    per_month = arrivals_per_year / MONTHS
    names = list(ORDER)
    out = {name: [x[[s[0] == name for s in states]].sum()] for name in names}
    out["full"] = [0.0]
    full = 0.0
    for _ in range(years):
        for month in range(MONTHS):
            if month or len(out["full"]) > 1:  # the first month has no step before it
                full += x @ to_full
                x = x @ P
            x = x + entry * per_month
            full += entry_full * per_month
        for name in names:
            out[name].append(x[[s[0] == name for s in states]].sum())
        out["full"].append(full)
    return {name: np.array(values) for name, values in out.items()}
