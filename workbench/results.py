"""The long results table every engine, scenario, plot, store and dashboard shares (DESIGN §5).

Columns: ``scenario, run, year, community, indicator, value``. Engines keep their state in numpy
arrays shaped ``(runs, years, communities)`` and turn each figure into rows with :func:`long_table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

COLUMNS = ("scenario", "run", "year", "community", "indicator", "value")


def long_table(
    figures: Mapping[str, np.ndarray],
    *,
    years: Sequence[int],
    communities: Sequence[str],
    scenario: str = "",
) -> pd.DataFrame:
    """Rows for each ``indicator → array[run, year, community]`` in ``figures``.

    Every array must have shape ``(runs, len(years), len(communities))``.
    """
    frames = []
    years = np.asarray(years, dtype=np.int64)
    communities = np.asarray(communities, dtype=object)
    for indicator, values in figures.items():
        values = np.asarray(values, dtype=float)
        runs, n_years, n_comm = values.shape
        if n_years != len(years) or n_comm != len(communities):
            raise ValueError(
                f"{indicator}: shape {values.shape} does not match {len(years)} years × "
                f"{len(communities)} communities"
            )
        frames.append(
            pd.DataFrame(
                {
                    "scenario": scenario,
                    "run": np.repeat(np.arange(runs), n_years * n_comm),
                    "year": np.tile(np.repeat(years, n_comm), runs),
                    "community": np.tile(communities, runs * n_years),
                    "indicator": indicator,
                    "value": values.reshape(-1),
                }
            )
        )
    if not frames:
        return empty()
    return pd.concat(frames, ignore_index=True)


def empty() -> pd.DataFrame:
    """A results table with no rows."""
    return pd.DataFrame(
        {
            c: pd.Series(dtype=t)
            for c, t in zip(COLUMNS, (object, "int64", "int64", object, object, float), strict=True)
        }
    )


def cube(table: pd.DataFrame, indicator: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(values[run, year, community], years, communities)`` of one indicator: the inverse of
    :func:`long_table`."""
    rows = table[table["indicator"] == indicator]
    wide = rows.pivot_table(index=["run", "year"], columns="community", values="value", sort=True)
    runs = wide.index.get_level_values("run").unique()
    years = wide.index.get_level_values("year").unique().to_numpy()
    return wide.to_numpy().reshape(len(runs), len(years), -1), years, wide.columns.to_numpy()
