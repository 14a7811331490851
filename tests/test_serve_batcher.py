"""The batcher's measured batch limit (:class:`snn_deploy.serve.batcher.BatchLimit`) and the
batcher itself on a real step artifact: batched steps equal single runs."""

import numpy as np
from runtime_models import FEATURES

from snn_deploy.serve.batcher import Batcher, BatchLimit
from snn_deploy.serve.models import load_model


def _feed(limit: BatchLimit, per_sample_us, calls: int = 400) -> None:
    """Every batch the limit allows, costing ``per_sample_us(size)`` a sample."""
    for _ in range(calls):
        size = limit.next_size()
        limit.observe(size, size * per_sample_us(size) * 1e-6)


def test_limit_stays_at_one_where_batching_costs_more_per_sample():
    limit = BatchLimit(64)
    _feed(limit, lambda size: 186 + 20 * size)  # the W4 state outgrows the cache: dearer per sample
    assert limit.limit == 1 and limit.levels == [1, 2, 4, 8, 16, 32, 64]
    assert limit.cost[2] > limit.cost[1] and 4 not in limit.cost  # explored once level 2 was dearer
    sizes = [limit.next_size() for _ in range(200)]
    assert sizes.count(2) == 2 and set(sizes) == {1, 2}  # every 100th batch re-measures level 2


def test_limit_grows_while_a_batch_shares_a_fixed_cost():
    limit = BatchLimit(48)
    _feed(limit, lambda size: 20 + 500 / size)  # a GPU-like call: a fixed cost shared by the batch
    assert limit.levels == [1, 2, 4, 8, 16, 32, 48] and limit.limit == 48


def test_limit_stops_where_the_cost_turns_up_and_follows_a_change():
    limit = BatchLimit(64, explore_every=10)
    _feed(limit, lambda size: 100 + 400 / size + (200 if size > 8 else 0))
    assert limit.limit == 8
    _feed(limit, lambda size: 100 + 400 / size, calls=2000)  # the extra cost above 8 went away
    assert limit.limit == 64


def test_first_measurement_above_one_and_tolerance():
    limit = BatchLimit(8, tolerance=0.05)
    limit.observe(4, 4 * 100e-6)  # a first call of 4 samples: no figure for 1 or 2 yet
    assert limit.limit == 4
    limit.observe(8, 8 * 104e-6)  # within 5 %
    assert limit.limit == 8
    limit.observe(1, 50e-6)
    assert limit.limit == 1  # level 4 costs twice level 1 per sample


def test_batcher_steps_equal_single_runs(artifacts):
    model = load_model(f"step={artifacts.path('onnx', 'step')}")
    batcher = Batcher(model, 8, 2000, 2, lambda size: None)
    xs = np.random.default_rng(5).uniform(0, 2, (10, 6, 1, FEATURES)).astype(np.float32)
    states = [model.initial_state(1) for _ in xs]
    outputs = [[] for _ in xs]
    try:
        for t in range(6):
            futures = [batcher.submit(x[t], states[s], 1) for s, x in enumerate(xs)]
            for s, future in enumerate(futures):
                output, states[s] = future.result(timeout=30)
                outputs[s].append(output)
    finally:
        batcher.stop()
    for s, x in enumerate(xs):
        np.testing.assert_array_equal(np.stack(outputs[s]), model.run(x)[0])
    assert batcher.limit.cost  # every call was measured
