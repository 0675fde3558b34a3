"""Running chunks of runs on local processes or a Dask cluster, with the same numbers on either.

Runs are cut into chunks of a fixed size; chunk ``k`` draws from the ``k``-th child of
``SeedSequence(seed)``. The chunking depends only on the number of runs, never on the number of
workers, so a projection gives identical results serially, on local processes and on Dask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

CHUNK_RUNS = 50  # runs per task (each task also pays a fixed set-up: fewer, larger tasks are cheaper)
CHUNK_PERSON_RUNS = 5_000_000  # members × runs per task at most: bounds a worker's memory on a city
SERIAL_BELOW = 2_000_000  # runs × members under which a job ends before worker processes start


@dataclass(frozen=True)
class Chunk:
    index: int
    start: int  # first run number
    runs: int
    seed: int


def chunks(runs: int, seed: int, *, size: int = CHUNK_RUNS) -> list[Chunk]:
    """The chunks of ``runs`` runs, each with its own seed derived from ``seed``."""
    starts = range(0, runs, size)
    children = np.random.SeedSequence(seed).spawn(len(starts))
    return [
        Chunk(i, start, min(size, runs - start), int(child.generate_state(1, np.uint64)[0]))
        for i, (start, child) in enumerate(zip(starts, children, strict=True))
    ]


def chunk_runs(members: int) -> int:
    """Runs per chunk for a ledger of ``members``: ``CHUNK_RUNS``, fewer for a big ledger (the
    chunking then depends on the ledger and the runs, still never on the workers)."""
    return max(1, min(CHUNK_RUNS, CHUNK_PERSON_RUNS // max(members, 1)))


def dask_client(scheduler: str | None = None, *, workers: int | None = None):
    """A Dask client: to ``scheduler`` when given, else to a new LocalCluster of ``workers``
    single-threaded processes (default: one per core) that the client owns, so closing the client
    (``client.close()`` or ``with dask_client() as client:``) shuts the cluster down too. In a
    script, start it under ``if __name__ == "__main__":``."""
    try:
        import dask
        from dask.distributed import Client
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError("Dask is not installed: pip install 'workbench[dask]'") from error
    if scheduler:
        return Client(scheduler)
    # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers, which pins glibc's mmap threshold: every large
    # array is then a fresh mmap, and a chunk of runs takes 1.7 × as long as in this process
    unpinned = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}  # None: unset
    with dask.config.set(unpinned):
        return Client(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )


def map_chunks(
    task: Callable,
    shared: tuple,
    items: Sequence[Chunk],
    *,
    executor: str | object = "auto",
    progress: bool = False,
    description: str = "",
) -> list:
    """``[task(*shared, chunk) for chunk in items]``, in order, on the chosen ``executor`` (see
    :func:`each_chunk`)."""
    results: dict[int, object] = {}
    each_chunk(
        task, shared, items, lambda chunk, result: results.__setitem__(chunk.index, result),
        executor=executor, progress=progress, description=description,
    )  # fmt: skip
    return [results[c.index] for c in items]


def each_chunk(
    task: Callable,
    shared: tuple,
    items: Sequence[Chunk],
    receive: Callable[[Chunk, object], None],
    *,
    executor: str | object = "auto",
    progress: bool = False,
    description: str = "",
) -> None:
    """``receive(chunk, task(*shared, chunk))`` for every chunk as it finishes (in any order), so a
    caller can keep each result where it belongs and let the chunk go.

    ``executor``: ``"serial"``, ``"local"`` (processes on every core), ``"auto"`` (local when
    there is more than one chunk and core), or a ``dask.distributed.Client``.
    """
    bar = _bar(len(items), progress, description)

    def done(chunk: Chunk, result: object) -> None:
        receive(chunk, result)
        bar.update()

    try:
        if executor == "auto":
            executor = "local" if len(items) > 1 and (os.cpu_count() or 1) > 1 else "serial"
        if executor == "serial":
            for chunk in items:
                done(chunk, task(*shared, chunk))
        elif executor == "local":
            _local(task, shared, items, done)
        else:
            _dask(executor, task, shared, items, done)
    finally:
        bar.close()


_shared: tuple = ()  # in a local worker process: the arguments every chunk shares


def _receive_shared(shared: tuple) -> None:
    global _shared
    _shared = shared


def _with_shared(task: Callable, chunk: Chunk):
    return task(*_shared, chunk)


def _local(task, shared, items, done) -> None:
    workers = min(len(items), os.cpu_count() or 1)  # the shared arguments travel once per worker
    with ProcessPoolExecutor(workers, initializer=_receive_shared, initargs=(shared,)) as pool:
        futures = {pool.submit(_with_shared, task, chunk): chunk for chunk in items}
        for future in as_completed(futures):
            done(futures.pop(future), future.result())


def _dask(client, task, shared, items, done) -> None:
    from dask.distributed import as_completed as dask_completed

    # sent once to one worker, the others fetch them from it (broadcasting and hashing a ledger
    # cost 0.2 s of each run on a district: 1.65× with 2 workers instead of 1.8×)
    scattered = client.scatter(list(shared), broadcast=False, hash=False)
    futures = {client.submit(task, *scattered, chunk, pure=False): chunk for chunk in items}
    for future, result in dask_completed(list(futures), with_results=True):
        done(futures.pop(future), result)


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, progress: bool, description: str):
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=description, unit="chunk", delay=2)  # shown only past ~2 s
