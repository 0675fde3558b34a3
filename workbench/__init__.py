"""五有规划工作台 — the Five-Haves Planning Workbench.

The public API (DESIGN §5), imported lazily so that ``import workbench`` stays fast::

    import workbench as wb
    ledger = wb.read_ledger(wb.paths.SAMPLE_LEDGER)
    graph = wb.build_graph(ledger)
"""

from __future__ import annotations

import importlib

from . import paths
from ._errors import LedgerError, PlanningError, Problem, RubricError, ScenarioError, StoreError
from .compare import compare  # eager, like scorecard: each function shadows its module's name here
from .ledger import Ledger
from .scorecard import scorecard
from .settings import RULES, Rules

__version__ = "0.1.0"

_LAZY = {
    "load_ledger": "ledger_io",
    "read_ledger": "ledger_io",
    "write_ledger": "ledger_io",
    "write_template": "ledger_io",
    "validate": "validate",
    "build_graph": "graph",
    "sample_ledger": "synth",
    "synthetic_ledger": "synth",
    "load_rubric": "rubric",
    "score_figures": "scorecard",
    "optimise": "engines.allocation",
    "least_budget": "engines.allocation",
    "budget_curve": "engines.baselines",
    "load_catalogue": "costs",
    "load_scenario": "scenario",
    "run": "runner",
    "sweep": "sweep",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name in {"engines", "plots", "store", "ui", "report", "parallel", "i18n", "schema", "results"}:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


__all__ = [
    "RULES",
    "Ledger",
    "LedgerError",
    "PlanningError",
    "Problem",
    "RubricError",
    "Rules",
    "ScenarioError",
    "StoreError",
    "paths",
    "compare",
    "scorecard",
    *_LAZY,
]
