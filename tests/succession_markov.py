"""An independent calculation of the member pipeline's expected counts (tests only).

The engine moves individual people in quarterly steps. Here the same process is written as a
Markov chain over (stage, quarters spent) states with an explicit transition matrix, and the
expected number of people in each state is propagated exactly: x' = x P + arrivals. It shares
nothing with the engine but the rules and the rates it is given.
"""

from __future__ import annotations

import numpy as np

STEPS_PER_YEAR = 4


def _steps(months: int | None, step_months: int) -> int | None:
    return None if months is None else max(1, -(-months // step_months))


def chain(rules, rates: dict[str, float]):
    """States, transition matrix over them and the chance each state becomes a full member.

    ``rates``: yearly attrition per stage (``attrition_<stage>``), mean months before moving on
    for the open stages (``applicant_months``, ``activist_extra_months``, ``candidate_months``)
    and ``extension_share``.
    """
    step = 12 // STEPS_PER_YEAR
    bounds = {  # stage: (minimum, maximum) months; None = no maximum
        "applicant": (0, None),
        "activist": (rules.activist_min_months, None),
        "candidate": (0, None),
        "probationary": (rules.probation_months, rules.probation_months),
        "extended": (rules.probation_extension_min_months, rules.probation_extension_max_months),
    }
    mean_months = {
        "applicant": rates["applicant_months"],
        "activist": rates["activist_extra_months"],
        "candidate": rates["candidate_months"],
    }
    attrition = {s: rates[f"attrition_{s}"] for s in ("applicant", "activist", "candidate", "probationary")}
    attrition["extended"] = rates["attrition_probationary"]

    states = []
    for stage, (low, high) in bounds.items():
        low_steps, high_steps = _steps(low, step), _steps(high, step)
        last = (high_steps or low_steps) - 1
        states += [(stage, k, low_steps, high_steps, last) for k in range(last + 1)]
    index = {(s[0], s[1]): i for i, s in enumerate(states)}
    order = list(bounds)
    n = len(states)
    P = np.zeros((n, n))
    to_full = np.zeros(n)
    for i, (stage, k, low_steps, high_steps, last) in enumerate(states):
        survive = (1 - attrition[stage]) ** (1 / STEPS_PER_YEAR)
        if k + 1 < low_steps:
            leave = 0.0
        elif high_steps is not None and k == high_steps - 1:
            leave = 1.0
        elif high_steps is None:
            leave = 1 - np.exp(-step / mean_months[stage])
        else:
            leave = 1 / (high_steps - k)
        P[i, index[(stage, min(k + 1, last))]] += survive * (1 - leave)
        out = survive * leave
        if stage == "probationary":
            P[i, index[("extended", 0)]] += out * rates["extension_share"]
            to_full[i] = out * (1 - rates["extension_share"])
        elif stage == "extended":
            to_full[i] = out
        else:
            P[i, index[(order[order.index(stage) + 1], 0)]] += out
    return states, P, to_full


def expected_counts(
    rules, rates, *, start: dict[tuple[str, int], float], arrivals_per_year: float, years: int
):
    """Expected people per stage at the end of each year 0..years, and cumulative full members."""
    states, P, to_full = chain(rules, rates)
    x = np.zeros(len(states))
    for (stage, k), count in start.items():
        i = next(j for j, s in enumerate(states) if s[0] == stage and s[1] == min(k, s[4]))
        x[i] += count
    entry = np.array([s[0] == "applicant" and s[1] == 0 for s in states], dtype=float)
    names = list(dict.fromkeys(s[0] for s in states))
    out = {name: [x[[s[0] == name for s in states]].sum()] for name in names}
    out["full"] = [0.0]
    full = 0.0
    for _ in range(years):
        for _ in range(STEPS_PER_YEAR):
            full += x @ to_full
            x = x @ P + entry * arrivals_per_year / STEPS_PER_YEAR
        for name in names:
            out[name].append(x[[s[0] == name for s in states]].sum())
        out["full"].append(full)
    return {name: np.array(values) for name, values in out.items()}
