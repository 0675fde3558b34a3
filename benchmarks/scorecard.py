"""Time the five-haves scorecard at city scale and a stacked projection.

    python benchmarks/scorecard.py [--communities 1000] [--runs 200] [--years 20]

Prints the seconds for figures() on a synthetic city, for the full scorecard (figures, long table,
summary, gaps), and for score_figures() on a (run, year, community) table of the given size.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from workbench.indicators import figures
from workbench.rubric import load_rubric
from workbench.scorecard import score_figures, scorecard
from workbench.synth import synthetic_ledger


def seconds(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communities", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--rubric", default="seed_2003")
    args = parser.parse_args()

    rubric = load_rubric(args.rubric)
    build, ledger = seconds(synthetic_ledger, args.communities)
    print(
        f"synthetic ledger: {len(ledger.communities):,} communities, {len(ledger.units):,} units, "
        f"{len(ledger.members):,} members ({build:.2f} s to build)"
    )
    took, today = seconds(figures, ledger)
    print(f"figures():                          {took:6.2f} s")

    def full_card():
        card = scorecard(ledger, rubric)
        return card.summary(), card.gaps()

    took, _ = seconds(full_card)
    print(f"scorecard() + summary() + gaps():   {took:6.2f} s")

    # A projection: today's figures repeated over (run, year) with noise, one row per run×year×community.
    rng = np.random.default_rng(0)
    index = pd.MultiIndex.from_product(
        [range(args.runs), range(args.years), today.index], names=["run", "year", "community"]
    )
    columns = list(rubric.figures)
    values = np.tile(today[columns].to_numpy(), (args.runs * args.years, 1))
    values *= rng.uniform(0.8, 1.2, size=values.shape)
    stacked = pd.DataFrame(values, index=index, columns=columns)
    took, scores = seconds(score_figures, stacked, rubric)
    print(
        f"score_figures() on {len(stacked):,} rows:  {took:6.2f} s  (all met: {scores['all_met'].mean():.1%})"
    )


if __name__ == "__main__":
    main()
