"""W3's matrix products in the bench: the dense floor and the event-driven product; values
asserted, no timing."""

import math

import pytest
import torch

import snn_deploy
from snn_deploy.benchmarks.matmul import (
    SparseResult,
    bernoulli_spikes,
    event_driven_products,
    event_product,
    format_sparse_table,
    matmul_floor_call,
    onnxruntime_matmul_floor_call,
    w3_products,
)

CPU = torch.device("cpu")


def test_floor_computes_the_input_projection_and_the_recurrent_products():
    torch.manual_seed(0)
    model = snn_deploy.LIFRecurrent(6, 5)
    x = bernoulli_spikes((4, 3, 6), 0.3, CPU, seed=1)
    projected, recurrent = matmul_floor_call(model, x)()
    torch.testing.assert_close(projected, x.reshape(12, 6) @ model.input_weights.T)
    spikes = bernoulli_spikes((3, 5), 0.1, CPU)
    torch.testing.assert_close(recurrent, spikes @ model.recurrent_weights.T)


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.15, 1.0])
def test_event_product_equals_the_dense_product(rate):
    spikes = bernoulli_spikes((16, 64), rate, CPU)
    weight_t = torch.randn(64, 32, generator=torch.Generator().manual_seed(3))
    product = event_product(spikes, weight_t)
    assert product.shape == (16, 32)
    torch.testing.assert_close(product, spikes @ weight_t, rtol=1e-5, atol=1e-5)
    assert (product.abs().sum() > 0) == (rate > 0)


def test_w3_products_are_the_layers_shapes():
    assert w3_products(100, 32) == [
        ("input projection 3200x256 @ 256x512", 3200, 256, 512),
        ("recurrent 32x512 @ 512x512", 32, 512, 512),
        ("recurrent 1x512 @ 512x512", 1, 512, 512),
    ]


def test_event_driven_products_time_every_product_rate_and_path():
    results = event_driven_products(steps=2, batch=2, device=CPU, repeats=2, rates=(0.1,))
    rows = [(r.product, r.rate, r.path) for r in results]
    assert rows == [
        (name, 0.1, path) for name, *_ in w3_products(2, 2) for path in ("dense", "gather eager", "gather compile")
    ]
    for result in results:
        assert result.error is None and result.kind == "sparse" and result.workload == "W3"
        assert result.median_ms > 0 and not math.isnan(result.median_ms)
    dense = {r.product: r.median_ms for r in results if r.path == "dense"}
    for result in results:
        assert result.ratio_to_dense == pytest.approx(result.median_ms / dense[result.product])
    table = format_sparse_table(results)
    assert "x dense" in table and "gather compile" in table and len(table.splitlines()) == 2 + len(results)


def test_the_sparse_table_says_where_the_event_driven_product_wins():
    rows = [
        SparseResult("W3", "recurrent 1x512 @ 512x512", 0.1, "dense", 2.0, 1.0),
        SparseResult("W3", "recurrent 1x512 @ 512x512", 0.1, "gather eager", 1.0, 0.5),
        SparseResult("W3", "recurrent 1x512 @ 512x512", 0.1, "gather compile", math.nan, error="RuntimeError: no"),
    ]
    lines = format_sparse_table(rows).splitlines()
    assert "FAILED: RuntimeError: no" in lines[3]
    assert lines[-1] == "event-driven wins: recurrent 1x512 @ 512x512 at 0.10 (gather eager)"
    assert format_sparse_table(rows[:1]).splitlines()[-1] == "event-driven wins: nowhere"


def test_the_onnxruntime_floor_computes_the_same_products():
    torch.manual_seed(0)
    model = snn_deploy.LIFRecurrent(6, 5)
    x = bernoulli_spikes((4, 3, 6), 0.3, CPU, seed=1)
    call = onnxruntime_matmul_floor_call(model, x)
    assert call is not None
    projected, chained = call()
    torch.testing.assert_close(torch.from_numpy(projected), x.reshape(12, 6) @ model.input_weights.T.detach())
    spikes = bernoulli_spikes((3, 5), 0.1, CPU)
    # the T = 4 recurrent products are chained as a sum, so that none can be merged with another
    torch.testing.assert_close(torch.from_numpy(chained), 4 * (spikes @ model.recurrent_weights.T.detach()))
    assert onnxruntime_matmul_floor_call(model, x.to("meta")) is None
