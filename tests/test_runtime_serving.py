"""Serving: the ONNX path without torch, one session shared by threads, and CUDA devices."""

import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import torch
from runtime_models import FEATURES, Artifacts, eager, inputs

from snn_deploy import runtime

STEPS = 200
THREADS = 8


def test_onnx_path_never_imports_torch(artifacts: Artifacts):
    sequence, step = artifacts.path("onnx", "sequence"), artifacts.path("onnx", "step")
    script = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        from snn_deploy import runtime
        session = runtime.load({str(sequence)!r}, step_artifact={str(step)!r}, threads=1)
        output, state = session.run(np.random.rand(7, 2, {FEATURES}).astype(np.float32))
        stream = session.stream(batch_size=2)
        stream.step(np.ones((2, {FEATURES}), np.float32))
        assert output.shape == (7, 2, 3), output.shape
        leaked = sorted(name for name in sys.modules if name == "torch" or name.startswith("torch."))
        print("torch modules:", leaked)
        sys.exit(1 if leaked else 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("fmt", ["onnx", "torchscript"])
def test_threads_share_one_session_without_cross_talk(artifacts: Artifacts, fmt: str):
    session = runtime.load(artifacts.path(fmt, "step"), threads=1, trusted=fmt != "onnx")
    sequences = [inputs(STEPS, 2, seed=seed).numpy() * 2 for seed in range(THREADS)]

    def serve(x: np.ndarray) -> np.ndarray:
        stream = session.stream(batch_size=2)
        return np.stack([stream.step(x_t) for x_t in x])

    serial = [serve(x) for x in sequences]
    with ThreadPoolExecutor(THREADS) as pool:
        parallel = list(pool.map(serve, sequences))
    for x, alone, together in zip(sequences, serial, parallel):
        np.testing.assert_array_equal(together, alone)
        np.testing.assert_array_equal(alone, eager(artifacts.model, torch.from_numpy(x))[0].numpy())
    assert len({out.tobytes() for out in parallel}) == THREADS


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@cuda
@pytest.mark.parametrize("fmt", ["torchscript", "pt2"])
def test_torch_artifacts_on_cuda_keep_tensors_on_the_gpu(artifacts: Artifacts, fmt: str):
    session = runtime.load(
        artifacts.path(fmt, "sequence"), "cuda", step_artifact=artifacts.path(fmt, "step"), trusted=True
    )
    x = inputs(9, 3) * 2
    output, state = session.run(x.cuda())
    assert output.is_cuda and all(value.is_cuda for value in state.values())
    np.testing.assert_array_equal(output.cpu().numpy(), eager(artifacts.model, x)[0].numpy())


@cuda
def test_onnx_on_cuda_with_io_binding(artifacts: Artifacts):
    import onnxruntime

    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        pytest.skip("this onnxruntime has no CUDA provider")
    session = runtime.load(artifacts.path("onnx", "sequence"), "cuda", step_artifact=artifacts.path("onnx", "step"))
    x = inputs(9, 3) * 2
    output, state = session.run(x.cuda())
    assert output.is_cuda and all(value.is_cuda for value in state.values())
    reference = eager(artifacts.model, x)[0].numpy()
    np.testing.assert_array_equal(output.cpu().numpy(), reference)
    np.testing.assert_array_equal(session.run(x.numpy())[0], reference)
