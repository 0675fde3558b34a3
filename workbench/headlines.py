"""The few numbers a leader reads first: communities meeting all five haves, each have's pass
count, and the street's organisation coverage of non-public enterprises."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import build_graph, coverage
from .ledger import Ledger
from .scorecard import Scorecard


@dataclass(frozen=True)
class Headlines:
    communities: int
    all_met: int
    haves_met: dict[str, int]  # have → communities meeting it
    npe_coverage: float  # share of non-public enterprises with an established own or joint organisation


def npe_coverage(ledger: Ledger) -> float:
    """Street-wide organisation coverage of non-public enterprises (NaN when there are none)."""
    rates = coverage(build_graph(ledger), by=("unit_kind",)).set_index("unit_kind")["org_rate"]
    return float(rates.get("non_public_enterprise", np.nan))


def headlines(ledger: Ledger, card: Scorecard) -> Headlines:
    """The headline figures of ``ledger`` scored by ``card``."""
    summary = card.summary()
    return Headlines(
        communities=len(summary),
        all_met=int(summary["all_met"].sum()),
        haves_met={h: int(summary[f"{h}_met"].sum()) for h in card.rubric.haves},
        npe_coverage=npe_coverage(ledger),
    )
