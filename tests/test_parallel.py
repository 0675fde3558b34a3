"""Chunks and seeds depend only on the number of runs; every executor returns the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import parallel


def draw(scale: float, chunk: parallel.Chunk) -> np.ndarray:
    return scale * np.random.default_rng(chunk.seed).random(chunk.runs)


def test_chunks_cover_every_run_once_with_distinct_seeds():
    items = parallel.chunks(103, seed=7, size=25)
    assert [c.runs for c in items] == [25, 25, 25, 25, 3]
    assert [c.start for c in items] == [0, 25, 50, 75, 100]
    assert len({c.seed for c in items}) == 5
    assert parallel.chunks(103, seed=7, size=25) == items
    assert parallel.chunks(103, seed=8, size=25)[0].seed != items[0].seed


@pytest.mark.parametrize("executor", ["serial", "local"])
def test_executors_give_identical_results(executor):
    items = parallel.chunks(60, seed=3, size=25)
    expected = np.concatenate([draw(2.0, c) for c in items])
    got = np.concatenate(parallel.map_chunks(draw, (2.0,), items, executor=executor))
    np.testing.assert_array_equal(got, expected)


def test_a_big_ledger_gets_smaller_chunks_and_every_ledger_at_least_one_run():
    assert parallel.chunk_runs(300) == parallel.CHUNK_RUNS
    city = parallel.chunk_runs(300_000)
    assert 1 < city < parallel.CHUNK_RUNS and city * 300_000 <= parallel.CHUNK_PERSON_RUNS
    assert parallel.chunk_runs(10**9) == 1


@pytest.mark.parametrize("executor", ["serial", "local"])
def test_each_chunk_hands_every_result_to_the_receiver_once(executor):
    items = parallel.chunks(60, seed=3, size=25)
    got: dict[int, np.ndarray] = {}
    parallel.each_chunk(draw, (2.0,), items, lambda c, r: got.setdefault(c.index, r), executor=executor)
    assert sorted(got) == [0, 1, 2]
    for chunk in items:
        np.testing.assert_array_equal(got[chunk.index], draw(2.0, chunk))
