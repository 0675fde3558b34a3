"""The project's exceptions: a few, each subclassing a built-in, each with a readable message."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or doubtful) in an input file, located as the user sees it.

    ``row`` is the Excel row number (header row = 1) or the CSV line number; ``column`` is the
    header as written in the file. ``severity`` is ``"error"`` or ``"warning"``.
    """

    sheet: str
    row: int | None
    column: str | None
    value: object
    message: str
    severity: str = "error"

    def where(self) -> str:
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"#{self.row}")
        if self.column:
            parts.append(self.column)
        return " ".join(parts)


class WorkbenchError(Exception):
    """Base of the project's errors (never raised itself)."""


class LedgerError(WorkbenchError, ValueError):
    """A ledger cannot be read: ``problems`` lists every error found (and warnings)."""

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class RubricError(WorkbenchError, ValueError):
    """A rubric file is malformed; the message names the file and line."""


class ScenarioError(WorkbenchError, ValueError):
    """A scenario file is malformed; the message names the field."""


class PlanningError(WorkbenchError, ValueError):
    """An allocation problem is infeasible or ill-posed; the message says why in plain words."""


class StoreError(WorkbenchError, RuntimeError):
    """The scenario store cannot complete an operation."""
