"""The floors of the conv SNN workloads: the network's convolutions, pooling and readout alone
(the modules its ``Lift`` layers apply, the neurons left out), in eager torch and in onnxruntime,
timed in the same run as the backends; the workload's floor is the faster. W2 runs them on all
T steps as one batch of T*B, W4 on one step (onnxruntime's convolutions were about twice as fast
as torch's at batch 1 on the 2-core CPU)."""

import contextlib
import io
from typing import Callable, Optional

import torch
from torch import Tensor, nn

from snn_deploy.benchmarks.ort_session import onnxruntime_session
from snn_deploy.export.quiet import third_party_notices_silenced
from snn_deploy.module.lift import Lift


def stateless_layers(model: nn.Module) -> nn.Sequential:
    """The modules a ``SequentialState`` applies to every step besides its neurons: each
    :class:`Lift`'s module, in order."""
    return nn.Sequential(*[layer.lifted_module for layer in model.children() if isinstance(layer, Lift)])


def torch_layers_floor_call(model: nn.Module, inputs: Tensor) -> Callable[[], Tensor]:
    """:func:`stateless_layers` on ``inputs`` (a batch), in eager torch."""
    layers = stateless_layers(model).eval()

    def call() -> Tensor:
        with torch.inference_mode():
            return layers(inputs)

    return call


def onnxruntime_layers_floor_call(model: nn.Module, inputs: Tensor) -> Optional[Callable[[], object]]:
    """:func:`stateless_layers` exported with ``torch.onnx.export`` and run on ``inputs`` (a
    batch) in onnxruntime (CPU, as many threads as torch); ``None`` off the CPU."""
    if inputs.device.type != "cpu":
        return None
    layers = stateless_layers(model).eval()
    with torch.no_grad(), contextlib.redirect_stdout(io.StringIO()), third_party_notices_silenced():
        program = torch.onnx.export(layers, (inputs,), dynamo=True, input_names=["x"], verbose=False)
    if program is None:
        raise RuntimeError("torch.onnx.export returned no program for the stateless layers")
    session = onnxruntime_session(program.model_proto.SerializeToString())
    feeds = {"x": inputs.numpy()}
    return lambda: session.run(None, feeds)
