"""The serving benchmark runs end to end at a small size (no timing asserted)."""

import pytest

from snn_deploy.benchmarks.serving import SERVING_TABLE_HEADER, SETTINGS, format_serving_row, print_serving_benchmark


@pytest.mark.slow  # exports the W4 network and starts three servers
def test_serving_benchmark_measures_and_prints_every_setting(capsys):
    results = print_serving_benchmark(quick=True, streams=4)
    assert [result.setting for result in results] == list(SETTINGS)
    off = results[1]
    assert off.setting == "batching off" and off.mean_batch == 1.0
    for result in results:
        assert (result.streams, result.steps, result.kind) == (4, 20, "serving")
        assert 1.0 <= result.mean_batch <= 64 and result.steps_per_s > 0
        assert 0 < result.p50_ms <= result.p99_ms and result.model_step_ms > 0
        assert result.overhead_ms == result.p50_ms - result.model_step_ms
    assert results[2].mean_batch <= 4
    printed = capsys.readouterr().out
    assert SERVING_TABLE_HEADER in printed and all(format_serving_row(result) in printed for result in results)
    assert "dynamic batching / batching off" in printed
