"""The peer deployment paths (ONNX in onnxruntime, torch.compile) on plain torch networks and on
this package's own norse-shaped modules; no other SNN library needed."""

import math

import numpy as np
import pytest
import torch
from torch import Tensor, nn

import snn_deploy
from snn_deploy.benchmarks.peer_paths import FlatStateStep, StepModule, Unrolled, compile_path, onnx_path
from snn_deploy.benchmarks.suite import Result, _runner_results, _with_ratios, format_table
from snn_deploy.benchmarks.workloads import workloads

CPU = torch.device("cpu")


class LeakyReadout(StepModule):
    """A plain torch step with state as a tensor: ``v = 0.9 v + W x_t``, output ``tanh(v)``."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(6, 4)

    def forward(self, x_t: Tensor, v: Tensor):
        v = 0.9 * v + self.linear(x_t)
        return torch.tanh(v), v

    def rest_state(self, x_t: Tensor):
        return [x_t.new_zeros(x_t.shape[0], 4)]


class TwoInputs(nn.Module):
    """A network whose call does not match the paths' (it wants a second tensor)."""

    def forward(self, x: Tensor, scale: Tensor) -> Tensor:
        return x * scale


def _inputs(steps: int = 5, batch: int = 3) -> Tensor:
    return torch.randn(steps, batch, 6, generator=torch.Generator().manual_seed(2))


def _reference(step: LeakyReadout, x: Tensor) -> Tensor:
    """The recurrence written out: v_0 = 0, v_t = 0.9 v_{t-1} + W x_t + b, y_t = tanh(v_t)."""
    v = torch.zeros(x.shape[1], 4)
    outputs = []
    with torch.no_grad():
        for x_t in x:
            v = 0.9 * v + x_t @ step.linear.weight.T + step.linear.bias
            outputs.append(torch.tanh(v))
    return torch.stack(outputs)


@pytest.fixture
def network():
    torch.manual_seed(0)
    return LeakyReadout().eval()


def test_unrolled_runs_the_steps_from_rest(network):
    x = _inputs()
    with torch.no_grad():
        output = Unrolled(network)(x)
    assert output.shape == (5, 3, 4)
    torch.testing.assert_close(output, _reference(network, x))


def test_onnx_path_runs_a_sequence_module_in_onnxruntime(network, tmp_path):
    x = _inputs()
    sequence = Unrolled(network).eval()
    runner = onnx_path(sequence, x, tmp_path, CPU)
    output = runner.run(runner.to_input(x))
    assert isinstance(output, np.ndarray) and output.shape == (5, 3, 4)
    np.testing.assert_allclose(output, _reference(network, x).numpy(), rtol=1e-5, atol=1e-6)
    assert runner.stream is None and runner.prepare_seconds > 0
    assert runner.details["exporter"] in ("dynamo", "torchscript")


def test_onnx_path_streams_a_step_with_its_state_as_inputs(network, tmp_path):
    x = _inputs()
    runner = onnx_path(network, x[:1], tmp_path, CPU)
    assert runner.run is None
    step = runner.stream(3)
    outputs = np.stack([step(runner.to_input(x_t)) for x_t in x])
    np.testing.assert_allclose(outputs, _reference(network, x).numpy(), rtol=1e-5, atol=1e-6)
    restarted = runner.stream(3)(runner.to_input(x[1]))  # a new stream starts from rest
    np.testing.assert_allclose(restarted, _reference(network, x[1:2])[0].numpy(), rtol=1e-5, atol=1e-6)
    assert not np.allclose(restarted, outputs[1])  # the state carried matters


def test_compile_path_runs_sequences_and_streams(network, tmp_path):
    x = _inputs()
    reference = _reference(network, x)
    with torch.no_grad():
        sequence = compile_path(Unrolled(network), x, tmp_path, CPU)
        torch.testing.assert_close(sequence.run(x), reference)
        assert sequence.stream is None and sequence.prepare_seconds > 0
        stream = compile_path(network, x[:1], tmp_path, CPU)
        step = stream.stream(3)
        torch.testing.assert_close(torch.stack([step(x_t) for x_t in x]), reference)


def test_a_norse_shaped_step_streams_with_its_state_flattened(tmp_path):
    """FlatStateStep on this package's cells (norse's call and state NamedTuples) through ONNX."""
    torch.manual_seed(0)
    cells = snn_deploy.SequentialState(nn.Linear(6, 8), snn_deploy.LIFCell(), nn.Linear(8, 4), snn_deploy.LICell())
    x = 5.0 * _inputs(steps=6)
    with torch.no_grad():
        reference, _ = snn_deploy.SequentialState(
            snn_deploy.Lift(cells[0]), snn_deploy.LIF(), snn_deploy.Lift(cells[2]), snn_deploy.LI()
        )(x)
    step_module = FlatStateStep(cells).eval()
    state = step_module.rest_state(x[0])
    assert [tuple(tensor.shape) for tensor in state] == [(3, 8), (3, 8), (3, 4), (3, 4)]  # LIF (v, i), LI (v, i)
    assert all(tensor.abs().sum() == 0 for tensor in state)
    runner = onnx_path(step_module, x[:1], tmp_path, CPU)
    step = runner.stream(3)
    outputs = np.stack([step(runner.to_input(x_t)) for x_t in x])
    np.testing.assert_allclose(outputs, reference.numpy(), rtol=1e-4, atol=1e-5)
    assert np.abs(outputs).max() > 0


def test_a_path_that_fails_is_a_result_with_its_error(tmp_path, capsys):
    workload = workloads(quick=True)["W1"]
    x = torch.rand(4, 2, 6)
    results = {
        path: _runner_results(
            workload,
            f"lib {path}",
            lambda build=build: build(TwoInputs().eval(), x, tmp_path, CPU),
            x,
            CPU,
            2,
            peer="lib",
        )
        for path, build in (("onnx", onnx_path), ("compile", compile_path))
    }
    for path, [result] in results.items():
        assert (result.backend, result.peer) == (f"lib {path}", "lib")
        assert math.isnan(result.median_ms) and "scale" in result.error
    assert "torch.onnx.export failed" in results["onnx"][0].error
    printed = capsys.readouterr().out
    assert "W1 lib onnx: FAILED" in printed and "W1 lib compile: FAILED" in printed


def test_best_peer_ratio_is_to_the_fastest_peer_path_that_ran():
    nan = float("nan")
    group = _with_ratios(
        [
            Result("W3", "floor", "", 10.0, 10.0, 1.0, "", 0.0),
            Result("W3", "onnxruntime", "", 12.0, 12.0, 1.0, "", 0.0),
            Result("W3", "lib eager", "", 40.0, 40.0, 1.0, "", 0.0, peer="lib"),
            Result("W3", "lib onnx", "", 16.0, 16.0, 1.0, "", 0.0, peer="lib"),
            Result("W3", "lib compile", "", nan, nan, nan, "", 0.0, peer="lib", error="RuntimeError: no"),
        ]
    )
    assert [r.ratio_to_best_peer for r in group] == [0.625, 0.75, 2.5, 1.0, None]
    assert [r.ratio_to_floor for r in group] == [1.0, 1.2, 4.0, 1.6, None]
    table = format_table(group)
    assert "x best peer" in table
    assert "FAILED W3 lib compile: RuntimeError: no" in table
