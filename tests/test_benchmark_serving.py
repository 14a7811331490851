"""The serving benchmark runs end to end at a small size (no timing asserted)."""

import pytest

from snn_deploy.benchmarks.load_generator import PROTOCOLS
from snn_deploy.benchmarks.serving import (
    SERVING_TABLE_HEADER,
    SETTINGS,
    TRIVIAL,
    format_serving_row,
    print_serving_benchmark,
)


@pytest.mark.slow  # exports the W4 network and starts a trivial endpoint and two servers
def test_serving_benchmark_measures_and_prints_every_setting_and_protocol(capsys):
    results = print_serving_benchmark(quick=True, streams=4, pinned=True)
    rows = [(setting, protocol) for setting in (TRIVIAL, *SETTINGS) for protocol in PROTOCOLS]
    assert [(result.setting, result.protocol) for result in results] == rows
    for result in results:
        assert (result.streams, result.steps, result.kind, result.pinned) == (4, 20, "serving", True)
        assert result.steps_per_s > 0 and 0 < result.p50_ms <= result.p99_ms
        assert result.overhead_ms == result.p50_ms - result.model_step_ms
        if result.setting == TRIVIAL:
            assert result.mean_batch == 0 and result.model_step_ms == 0
        else:
            assert 1.0 <= result.mean_batch <= 64 and result.model_step_ms > 0
        if result.setting == "batching off":
            assert result.mean_batch == 1.0
    printed = capsys.readouterr().out
    assert SERVING_TABLE_HEADER in printed and all(format_serving_row(result) in printed for result in results)
    assert "gRPC stream / REST (defaults)" in printed and "defaults / batching off" in printed
