"""The same seed gives identical results serially, on local processes and on a Dask cluster."""

from __future__ import annotations

import numpy as np
import pytest

from workbench import parallel
from workbench.runner import run
from workbench.scenario import load_scenario
from workbench.sweep import Factor, sweep
from workbench.synth import sample_ledger

distributed = pytest.importorskip("dask.distributed")

RUNS = 2 * parallel.CHUNK_RUNS + 10  # three chunks, so every executor has work to spread


@pytest.fixture(scope="module")
def ledger():
    return sample_ledger()


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("remedies").with_changes(horizon=3)


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of two worker processes, shut down however the tests end."""
    client = parallel.dask_client(workers=2)
    try:
        client.wait_for_workers(2, timeout=30)
        yield client
    finally:
        cluster = client.cluster
        client.close()
        assert cluster.status.name == "closed"


@pytest.fixture(scope="module")
def serial(ledger, scenario):
    return run(scenario, ledger=ledger, runs=RUNS, seed=42, executor="serial", progress=False)


def assert_same(a, b):
    assert a.figures.keys() == b.figures.keys()
    for name in a.figures:
        np.testing.assert_array_equal(a.figures[name], b.figures[name], err_msg=name)


def test_local_processes_match_serial(ledger, scenario, serial):
    local = run(scenario, ledger=ledger, runs=RUNS, seed=42, executor="local", progress=False)
    assert_same(local, serial)


def test_a_dask_cluster_matches_serial(ledger, scenario, serial, client):
    on_dask = run(scenario, ledger=ledger, runs=RUNS, seed=42, executor=client, progress=False)
    assert_same(on_dask, serial)
    assert len(client.scheduler_info()["workers"]) == 2
    other = run(scenario, ledger=ledger, runs=RUNS, seed=43, executor=client, progress=False)
    assert not np.array_equal(other.figures["cadre_mean_age"], serial.figures["cadre_mean_age"])


def test_our_workers_keep_the_default_memory_allocator(client):
    import os

    # Dask's default trim threshold makes numpy's large arrays fresh mmaps: chunks 1.7 × slower
    settings = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
    assert list(settings.values()) == [None, None]


def test_a_sweep_on_dask_matches_serial(ledger, scenario, client):
    factors = [Factor("succession.training_slots", 0, 8), Factor("coverage.recruitment_drive", 0, 6)]
    kwargs = {"samples": 4, "runs": 5, "seed": 3, "ledger": ledger}
    on_dask = sweep(scenario, factors, executor=client, **kwargs).samples
    serially = sweep(scenario, factors, executor="serial", **kwargs).samples
    assert on_dask.equals(serially)
