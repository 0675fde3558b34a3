"""The scenario store (情景库): saved scenario runs in one SQLite file, shared by planners who save
and dashboards that read at the same time.

A saved run is a name, the scenario's spec (a dict, kept as JSON), its long results table
(:mod:`workbench.results`), any further named tables (a summary, an allocation plan …) and its
provenance: ledger fingerprint, rubric, code version, seed, runs, time saved (UTC) and who saved it.

Where the file lives: the ``path`` given, else the ``WORKBENCH_STORE`` environment variable, else
``$XDG_DATA_HOME/workbench/scenarios.sqlite`` (``~/.local/share/workbench/scenarios.sqlite``): one
store per user, found by notebooks and dashboards alike.

How it stays safe:

- **Atomic saves.** A save is one ``BEGIN IMMEDIATE`` transaction (overwriting included), so a
  reader or a crash sees the whole run or nothing of it.
- **Crash safety.** The file runs in WAL mode with ``synchronous=FULL``: each commit is flushed to
  disk before ``save`` returns, so a saved run survives a killed process *and* a power cut
  (``NORMAL`` would survive the first only).
- **Concurrency.** Readers never wait for writers (WAL). Writers take turns; a busy database is
  retried with exponential backoff and jitter for up to ``timeout`` seconds, then a
  :class:`~workbench.StoreError` says so in plain words ("database is locked" never reaches a user).
- **Fast loads, queryable summaries.** Each table is stored column by column: numbers as raw
  arrays, text as integer codes plus a list of distinct values, each column one blob (zlib-compressed
  when that pays). A 720,000-row results table saves in under a second and loads in about a tenth
  of one. Beside it the store keeps plain SQL rows of the run distribution per (scenario, year,
  community, indicator) — count, mean and quantiles — for dashboards that want summaries only
  (:meth:`ScenarioStore.summary`).

SQLite caps a blob at 1 GB, so one table holds at most about 125 million rows. The figures measured
by the tests are in ``RELIABILITY.md``.
"""

from __future__ import annotations

import getpass
import json
import os
import random
import sqlite3
import subprocess
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from ._errors import StoreError
from .i18n import DEFAULT_LANG, t
from .paths import ROOT
from .results import COLUMNS

ENV_VAR = "WORKBENCH_STORE"
SUMMARY_QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}
"""Quantiles of the run distribution kept as SQL rows, by column (fixed by the schema)."""

_WAL_LIMIT_BYTES = 64 << 20  # the log is cut back to this size after a big save is checkpointed
_BUSY_WAIT_S = 0.2  # SQLite's own wait per attempt, before our backoff takes over
_BACKOFF_FIRST_S, _BACKOFF_CAP_S = 0.01, 1.0
_COMPRESSION = 1  # zlib level: the fastest; higher levels gain little on model output
_TRIAL_BYTES = 1 << 18  # a column is compressed when its first 256 KiB shrink by a tenth or more
_WORTHWHILE = 0.9
_TABLE = ""  # frame name of the results table (extra tables need non-empty names)
_CATEGORY, _ORDERED = "category", "category ordered"
_LISTED = ("name", "created", "who", "ledger", "rubric", "seed", "runs", "rows")

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE scenarios (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created TEXT NOT NULL,
        who TEXT,
        ledger TEXT,
        rubric TEXT,
        code_version TEXT,
        seed INTEGER,
        runs INTEGER,
        rows INTEGER NOT NULL,
        spec TEXT,
        provenance TEXT NOT NULL
    );
    CREATE TABLE frames (
        id INTEGER PRIMARY KEY,
        scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        rows INTEGER NOT NULL,
        layout TEXT NOT NULL,
        UNIQUE (scenario_id, name)
    );
    CREATE TABLE frame_columns (
        frame_id INTEGER NOT NULL REFERENCES frames(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        dtype TEXT NOT NULL,
        levels TEXT,
        codec TEXT NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (frame_id, position)
    );
    CREATE TABLE result_summary (
        scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        scenario TEXT,
        year INTEGER,
        community TEXT,
        indicator TEXT,
        runs INTEGER NOT NULL,
        mean REAL,
        p10 REAL,
        p50 REAL,
        p90 REAL
    );
    CREATE INDEX result_summary_by_scenario ON result_summary (scenario_id, indicator);
    """,
)
"""Schema scripts: ``_MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``."""

_T = TypeVar("_T")


@dataclass(frozen=True)
class StoredRun:
    """One saved scenario run, as :meth:`ScenarioStore.load` returns it."""

    name: str
    table: pd.DataFrame
    spec: dict[str, Any] | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)


def default_path() -> Path:
    """``$WORKBENCH_STORE``, else ``$XDG_DATA_HOME/workbench/scenarios.sqlite``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "workbench" / "scenarios.sqlite"


@cache
def code_version() -> str:
    """``workbench.__version__``, plus ``+g<commit>`` when running from a git checkout."""
    from . import __version__

    commit = _git_commit(ROOT)
    return f"{__version__}+g{commit[:12]}" if commit else __version__


def _git_commit(root: Path) -> str | None:
    """The checked-out commit of ``root``, or None (no checkout, no git, or git fails)."""
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip() if done.returncode == 0 else ""
    return commit or None


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class ScenarioStore:
    """A scenario store in one SQLite file; see the module notes for where it lives and why it is
    safe to share.

    ``timeout`` bounds, in seconds, how long an operation waits for a busy database before
    raising :class:`~workbench.StoreError`; messages are in ``lang``. ``retries`` counts the
    waits so far. Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self, path: str | os.PathLike | None = None, *, timeout: float = 30.0, lang: str = DEFAULT_LANG
    ):
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.timeout = timeout
        self.lang = lang
        self.retries = 0
        self._conn: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._lock = threading.RLock()
        self._jitter = random.Random()  # waiting times only; no result depends on it
        self._attempt(self._migrate, write=False)

    # --- public API -------------------------------------------------------------------------------

    def save(
        self,
        name: str,
        *,
        table: pd.DataFrame,
        spec: Mapping[str, Any] | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
        provenance: Mapping[str, Any] | None = None,
        overwrite: bool = False,
    ) -> StoredRun:
        """Save a scenario run, all or nothing.

        ``provenance`` may give ``ledger`` (a fingerprint or a :class:`~workbench.Ledger`),
        ``rubric``, ``seed``, ``runs``, ``who`` and any further keys; ``code_version``,
        ``created`` (UTC, ISO 8601), ``who`` and ``runs`` are filled in when absent. Raises
        StoreError when ``name`` exists (unless ``overwrite``; the old run is then replaced in the
        same transaction), when ``table`` lacks a results column, or when a value cannot be kept.
        """
        self._check_name(name)
        missing = [c for c in COLUMNS if c not in table.columns]
        if missing:
            raise StoreError(t("store.bad_table", self.lang, columns=", ".join(missing)))
        tables = dict(tables or {})
        for key in tables:
            self._check_name(key)
        prov = _provenance(provenance, table)
        spec_text = None if spec is None else self._json(dict(spec), name)
        prov_text = self._json(prov, name)
        frames = {_TABLE: self._encode(table, name)} | {k: self._encode(v, k) for k, v in tables.items()}
        summary = _summary(table)

        def write(conn: sqlite3.Connection) -> None:
            old = conn.execute("SELECT id FROM scenarios WHERE name = ?", (name,)).fetchone()
            if old and not overwrite:
                raise StoreError(t("store.exists", self.lang, name=name))
            if old:
                conn.execute("DELETE FROM scenarios WHERE id = ?", old)
            scenario_id = conn.execute(
                "INSERT INTO scenarios (name, created, who, ledger, rubric, code_version, seed, runs, rows,"
                " spec, provenance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    *(
                        _sql_text(prov.get(key))
                        for key in ("created", "who", "ledger", "rubric", "code_version")
                    ),
                    *(_sql_int(prov.get(key)) for key in ("seed", "runs")),
                    len(table),
                    spec_text,
                    prov_text,
                ),
            ).lastrowid
            for frame_name, encoded in frames.items():
                _insert_frame(conn, scenario_id, frame_name, encoded)
            conn.executemany(
                "INSERT INTO result_summary VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ((scenario_id, *row) for row in summary.itertuples(index=False)),
            )

        self._attempt(write, write=True)
        return StoredRun(
            name=name,
            table=table,
            spec=None if spec is None else json.loads(spec_text),
            tables=tables,
            provenance=json.loads(prov_text),
        )

    def load(self, name: str) -> StoredRun:
        """The run saved as ``name``, exactly as saved (values, dtypes, index); StoreError if absent."""

        def read(conn: sqlite3.Connection) -> tuple[tuple, list[tuple]]:
            head = conn.execute(
                "SELECT id, spec, provenance FROM scenarios WHERE name = ?", (name,)
            ).fetchone()
            if head is None:
                raise StoreError(t("store.missing", self.lang, name=name))
            columns = conn.execute(
                "SELECT f.name, f.layout, c.dtype, c.levels, c.codec, c.data FROM frames f"
                " LEFT JOIN frame_columns c ON c.frame_id = f.id WHERE f.scenario_id = ?"
                " ORDER BY f.id, c.position",
                head[:1],
            ).fetchall()
            return head, columns

        (_, spec, prov), rows = self._attempt(read, write=False)
        frames: dict[str, tuple[str, list[tuple]]] = {}
        for frame_name, layout, *column in rows:
            columns = frames.setdefault(frame_name, (layout, []))[1]
            if column[0] is not None:  # a frame without columns has one row of NULLs
                columns.append(tuple(column))
        decoded = {key: _decode_frame(*frame) for key, frame in frames.items()}
        return StoredRun(
            name=name,
            table=decoded.pop(_TABLE),
            spec=None if spec is None else json.loads(spec),
            tables=decoded,
            provenance=json.loads(prov),
        )

    def list(self) -> pd.DataFrame:
        """One row per saved run, oldest first: name, created, who, ledger, rubric, seed, runs, rows."""
        rows = self._attempt(
            lambda conn: conn.execute(
                f"SELECT {', '.join(_LISTED)} FROM scenarios ORDER BY created, id"
            ).fetchall(),
            write=False,
        )
        return pd.DataFrame(rows, columns=list(_LISTED)).astype(
            {"seed": "Int64", "runs": "Int64", "rows": "int64"}
        )

    def names(self) -> list[str]:
        """The saved names, oldest first."""
        return self.list()["name"].tolist()

    def summary(self, name: str) -> pd.DataFrame:
        """The run distribution of ``name`` per (scenario, year, community, indicator): ``runs``
        (count), ``mean`` and the :data:`SUMMARY_QUANTILES` (``p10``, ``p50``, ``p90``)."""

        def read(conn: sqlite3.Connection) -> list[tuple]:
            if conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (name,)).fetchone() is None:
                raise StoreError(t("store.missing", self.lang, name=name))
            return conn.execute(
                "SELECT s.scenario, s.year, s.community, s.indicator, s.runs, s.mean, s.p10, s.p50,"
                " s.p90 FROM result_summary s JOIN scenarios r ON r.id = s.scenario_id"
                " WHERE r.name = ? ORDER BY s.rowid",
                (name,),
            ).fetchall()

        columns = ["scenario", "year", "community", "indicator", "runs", "mean", *SUMMARY_QUANTILES]
        return pd.DataFrame(self._attempt(read, write=False), columns=columns)

    def delete(self, name: str) -> None:
        """Remove the run saved as ``name``; StoreError if there is none."""

        def write(conn: sqlite3.Connection) -> None:
            if conn.execute("DELETE FROM scenarios WHERE name = ?", (name,)).rowcount == 0:
                raise StoreError(t("store.missing", self.lang, name=name))

        self._attempt(write, write=True)

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        found = self._attempt(
            lambda conn: conn.execute("SELECT 1 FROM scenarios WHERE name = ?", (name,)).fetchone(),
            write=False,
        )
        return found is not None

    def close(self) -> None:
        """Close the connection (the store reopens on next use)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ScenarioStore({str(self.path)!r})"

    # --- transactions and retries -----------------------------------------------------------------

    def _attempt(self, work: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        """Run ``work`` in one transaction, retrying while the database is busy (up to ``timeout``)."""
        deadline = time.monotonic() + self.timeout
        wait = _BACKOFF_FIRST_S
        with self._lock:
            while True:
                try:
                    return self._transaction(work, write=write)
                except sqlite3.OperationalError as error:
                    if not _is_busy(error):
                        raise self._failure(error) from error
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreError(
                            t("store.busy", self.lang, path=self.path, seconds=self.timeout)
                        ) from error
                    self.retries += 1
                    time.sleep(min(left, wait * self._jitter.uniform(0.5, 1.5)))
                    wait = min(2 * wait, _BACKOFF_CAP_S)
                except sqlite3.DatabaseError as error:
                    raise self._failure(error) from error

    def _transaction(self, work: Callable[[sqlite3.Connection], _T], *, write: bool) -> _T:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            result = work(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # a forked child opens its own
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=_BUSY_WAIT_S, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA journal_size_limit = {_WAL_LIMIT_BYTES}")
            except BaseException:
                conn.close()
                raise
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        """Bring the schema up to date: check the version in a read transaction and, when it is
        behind, re-check and migrate under the write lock (two programs may open a new store)."""
        version = _schema_version(conn)
        if version > len(_MIGRATIONS):
            raise StoreError(
                t("store.newer", self.lang, path=self.path, found=version, supported=len(_MIGRATIONS))
            )
        if version == len(_MIGRATIONS):
            return
        conn.execute("COMMIT")  # upgrade under the write lock, re-reading the version there
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied TEXT)")
        for number in range(_schema_version(conn), len(_MIGRATIONS)):
            for statement in _MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version VALUES (?, ?)", (number + 1, datetime.now(UTC).isoformat())
            )

    # --- helpers ----------------------------------------------------------------------------------

    def _check_name(self, name: object) -> None:
        if not isinstance(name, str) or not name.strip():
            raise StoreError(t("store.bad_name", self.lang, name=name))

    def _json(self, value: object, what: str) -> str:
        try:
            return json.dumps(value, ensure_ascii=False, default=_plain)
        except (TypeError, ValueError) as error:
            raise StoreError(t("store.bad_value", self.lang, what=what, detail=error)) from error

    def _encode(self, frame: pd.DataFrame, what: str) -> tuple[dict, list[tuple]]:
        try:
            return _encode_frame(frame)
        except (TypeError, ValueError) as error:
            raise StoreError(t("store.bad_value", self.lang, what=what, detail=error)) from error

    def _failure(self, error: sqlite3.DatabaseError) -> StoreError:
        key = "store.not_a_store" if "not a database" in str(error) else "store.failed"
        return StoreError(t(key, self.lang, path=self.path, detail=error))


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not exists:
        return 0
    return conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0


def _provenance(given: Mapping[str, Any] | None, table: pd.DataFrame) -> dict[str, Any]:
    prov: dict[str, Any] = {
        "ledger": None,
        "rubric": None,
        "seed": None,
        "runs": int(table["run"].nunique()),
        "code_version": code_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "who": _user(),
    }
    prov.update(given or {})
    if hasattr(prov["ledger"], "fingerprint"):
        prov["ledger"] = prov["ledger"].fingerprint()
    return prov


def _sql_text(value: object) -> str | None:
    return None if value is None else str(value)


def _sql_int(value: object) -> int | None:
    """``value`` as an SQL integer when it is one (else it lives in the provenance JSON only)."""
    return int(value) if isinstance(value, int | np.integer) and not isinstance(value, bool) else None


def _plain(value: object) -> object:
    """JSON for what ``json`` does not know: numpy scalars and arrays, timestamps."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON serialisable")


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    """Count, mean and quantiles of ``value`` over runs per (scenario, year, community, indicator)."""
    keys = ["scenario", "year", "community", "indicator"]
    grouped = table.groupby(keys, sort=False, dropna=False)["value"]
    stats = grouped.agg(runs="count", mean="mean")
    for column, q in SUMMARY_QUANTILES.items():
        stats[column] = grouped.quantile(q)
    return stats.reset_index()


# --- the column codec ---------------------------------------------------------------------------


def _encode_frame(frame: pd.DataFrame) -> tuple[dict, list[tuple]]:
    """``(layout, columns)``: the labels and index as JSON-ready data, and one
    ``(dtype, levels_json, codec, blob)`` per index level, then per column."""
    index = frame.index
    plain_index = isinstance(index, pd.RangeIndex) and index.equals(pd.RangeIndex(len(frame)))
    layout = {
        "rows": len(frame),
        "columns": [_plain_label(c) for c in frame.columns],
        "columns_dtype": str(frame.columns.dtype),
        "columns_name": _plain_label(frame.columns.name),
        "index": None if plain_index else [_plain_label(n) for n in index.names],
    }
    json.dumps(layout)  # fail now on labels JSON cannot keep
    levels = [] if plain_index else [index.get_level_values(i) for i in range(index.nlevels)]
    series = [pd.Series(level) for level in levels] + [frame.iloc[:, i] for i in range(frame.shape[1])]
    return layout, [_encode_column(s) for s in series]


def _plain_label(label: object) -> object:
    return label.item() if isinstance(label, np.generic) else label


def _encode_column(series: pd.Series) -> tuple[str, str | None, str, bytes]:
    """Plain numpy numbers, booleans, datetimes and timedeltas as raw bytes; anything else as int32
    codes into a JSON list of its distinct values, or of its categories (code -1: missing)."""
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biufmM":
        return str(dtype), None, *_pack(np.ascontiguousarray(series.to_numpy()).tobytes())
    if isinstance(dtype, pd.CategoricalDtype):  # keep every category and their order
        codes, uniques = series.cat.codes.to_numpy(), dtype.categories
        name = _ORDERED if dtype.ordered else _CATEGORY
    else:
        codes, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
        name = str(dtype)
    levels = json.dumps(list(uniques.to_numpy(dtype=object)), ensure_ascii=False, default=_plain)
    return name, levels, *_pack(codes.astype(np.int32).tobytes())


def _pack(raw: bytes) -> tuple[str, bytes]:
    """``("zlib", compressed)``, or ``("raw", raw)`` when a trial shows it would barely shrink
    (random-looking floats: compressing them costs time and saves a few per cent)."""
    trial = raw[:_TRIAL_BYTES]
    if len(zlib.compress(trial, _COMPRESSION)) > _WORTHWHILE * len(trial):
        return "raw", raw
    return "zlib", zlib.compress(raw, _COMPRESSION)


def _insert_frame(conn: sqlite3.Connection, scenario_id: int, name: str, encoded: tuple[dict, list]) -> None:
    layout, columns = encoded
    frame_id = conn.execute(
        "INSERT INTO frames (scenario_id, name, rows, layout) VALUES (?, ?, ?, ?)",
        (scenario_id, name, layout["rows"], json.dumps(layout, ensure_ascii=False)),
    ).lastrowid
    conn.executemany(
        "INSERT INTO frame_columns VALUES (?, ?, ?, ?, ?, ?)",
        ((frame_id, position, *column) for position, column in enumerate(columns)),
    )


def _decode_frame(layout_text: str, columns: list[tuple]) -> pd.DataFrame:
    """The frame from its layout and its ``(dtype, levels, codec, blob)`` column records."""
    layout = json.loads(layout_text)
    series = [_decode_column(*column) for column in columns]
    n_index = len(layout["index"] or ())
    frame = pd.DataFrame(dict(enumerate(series[n_index:])), index=pd.RangeIndex(layout["rows"]))
    frame.columns = pd.Index(layout["columns"], dtype=layout["columns_dtype"], name=layout["columns_name"])
    if n_index == 1:
        frame.index = pd.Index(series[0], name=layout["index"][0])
    elif n_index > 1:
        frame.index = pd.MultiIndex.from_arrays(series[:n_index], names=layout["index"])
    return frame


def _decode_column(dtype: str, levels: str | None, codec: str, blob: bytes) -> pd.Series:
    data = zlib.decompress(blob) if codec == "zlib" else blob
    if levels is None:
        return pd.Series(np.frombuffer(data, dtype=np.dtype(dtype)).copy())
    codes = np.frombuffer(data, dtype=np.int32)
    if dtype in (_CATEGORY, _ORDERED):
        return pd.Series(pd.Categorical.from_codes(codes, json.loads(levels), ordered=dtype == _ORDERED))
    distinct = pd.Index([*json.loads(levels), None], dtype=dtype)  # code -1 takes the last: missing
    return pd.Series(distinct.take(codes))
