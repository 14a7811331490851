"""The onnxruntime settings table of W4's step artifact: every level and thread count, each
stepping the same network as the runtime's stream; values asserted, no timing thresholds."""

import numpy as np
import torch

from snn_deploy import export, runtime
from snn_deploy.benchmarks.ort_settings import (
    LEVELS,
    SettingResult,
    carried_stepper,
    default_thread_counts,
    format_settings_table,
    settings_table,
)
from snn_deploy.benchmarks.workloads import w2_network


def spikes(steps):
    return (torch.rand(steps, 1, 2, 32, 32, generator=torch.Generator().manual_seed(0)) < 0.2).float()


def test_every_level_steps_the_network_as_the_runtime_stream(tmp_path):
    torch.manual_seed(0)
    network, x = w2_network().eval(), spikes(6) * 3.0
    path = tmp_path / "step.onnx"
    export.to_onnx(network, x[0], path, step=True)
    stream = runtime.load(path).stream(1)
    expected = [stream.step(x_t.numpy()) for x_t in x]
    assert any(np.abs(output).sum() > 0 for output in expected)
    for level in LEVELS:
        step = carried_stepper(path, level, threads=1)
        for x_t, want in zip(x, expected):
            np.testing.assert_allclose(step(x_t.numpy()), want, rtol=1e-5, atol=1e-6)


def test_the_table_has_every_setting_and_names_the_fastest(tmp_path):
    results = settings_table(w2_network().eval(), spikes(12), tmp_path, thread_counts=(1, 2), rounds=1)
    assert [(r.level, r.threads) for r in results] == [(level, n) for level in LEVELS for n in (1, 2)]
    assert all(0 < r.median_us <= r.p99_us for r in results)
    table = format_settings_table(results).splitlines()
    assert len(table) == 2 + len(results)
    best = min(results, key=lambda r: r.median_us)
    assert table[-1] == f"fastest: level {best.level}, {best.threads} thread(s)"


def test_format_names_the_lowest_median():
    rows = [SettingResult("W4", "basic", 1, 300.0, 400.0), SettingResult("W4", "all", 2, 180.0, 250.0)]
    assert format_settings_table(rows).splitlines()[-1] == "fastest: level all, 2 thread(s)"
    assert default_thread_counts() == tuple(sorted({1, torch.get_num_threads()}))
