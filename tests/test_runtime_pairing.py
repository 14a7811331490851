"""A sequence artifact accepts only the step artifact of the same model (fingerprint of its
architecture, weights and parameters), and a stream shared by threads never loses a step."""

import threading

import numpy as np
import pytest
import torch
from runtime_models import FEATURES, Artifacts, T, inputs, make_model
from torch import nn

import snn_deploy as snn
from snn_deploy import runtime
from snn_deploy.errors import ArtifactError
from snn_deploy.export import to_onnx


def _model_with(neuron: nn.Module) -> nn.Module:
    torch.manual_seed(0)
    return snn.SequentialState(nn.Linear(FEATURES, 8), neuron, nn.Linear(8, 3), snn.LIF()).eval()


def test_same_model_shares_a_fingerprint(artifacts: Artifacts):
    sequence = runtime.load(artifacts.path("onnx", "sequence"))
    step = runtime.load(artifacts.path("onnx", "step"))
    assert sequence.signature.fingerprint == step.signature.fingerprint
    assert len(sequence.signature.fingerprint) == 32
    paired = runtime.load(artifacts.path("onnx", "sequence"), step_artifact=step)
    assert paired.run(inputs(T + 1, 2).numpy())[0].shape == (T + 1, 2, 3)


@pytest.mark.parametrize(
    "other",
    [
        "other weights",
        "other neuron parameters",
        "other neuron model",
    ],
)
def test_a_step_artifact_of_another_model_is_refused(artifacts: Artifacts, tmp_path, other: str):
    if other == "other weights":
        model = make_model()
        with torch.no_grad():
            model[0].weight[0, 0] += 1e-3
    elif other == "other neuron parameters":
        model = _model_with(snn.LIF(snn.LIFParameters(v_th=torch.tensor(0.25))))
    else:
        model = _model_with(snn.LIFEx())
    path = tmp_path / "other_step.onnx"
    to_onnx(model, inputs(1, 2)[0], path, step=True, validate=False)
    other_step = runtime.load(path)
    assert other_step.state_paths[:2] == runtime.load(artifacts.path("onnx", "step")).state_paths[:2]
    with pytest.raises(ArtifactError, match="a step artifact of another model"):
        runtime.load(artifacts.path("onnx", "sequence"), step_artifact=path)


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_a_stream_shared_by_two_threads_loses_no_step(artifacts: Artifacts, fmt: str):
    session = runtime.load(artifacts.path(fmt, "step"), trusted=fmt != "onnx", threads=1)
    x_t = np.full((2, FEATURES), 0.3, np.float32)
    steps = 150
    shared = session.stream(batch_size=2)
    start = threading.Barrier(2)

    def drive() -> None:
        start.wait()
        for _ in range(steps):
            shared.step(x_t)

    workers = [threading.Thread(target=drive) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    alone = session.stream(batch_size=2)
    for _ in range(2 * steps):
        alone.step(x_t)
    for path, value in alone.state.items():
        np.testing.assert_array_equal(np.asarray(shared.state[path]), np.asarray(value), err_msg=path)
    assert any(np.asarray(value).any() for value in alone.state.values())
