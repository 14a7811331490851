"""Serve exported artifacts: ONNX with numpy and onnxruntime alone, TorchScript and .pt2 with torch.

    from snn_deploy import runtime

    session = runtime.load("lif.onnx", step_artifact="lif_step.onnx")
    output, state = session.run(x)            # x: (time, batch, ...) of any length
    output, state = session.run(x, state)     # continue where the last call ended
    stream = session.stream(batch_size=1)
    y_t = stream.step(x_t)                    # x_t: (batch, ...), one time step

The state is a :class:`State`, a dict ``{path: array}`` keyed by the model's dotted state paths.
Importing this package does not import torch; neither does running an ONNX artifact on numpy.
ONNX artifacts are data, safe to open from anywhere; TorchScript and ``.pt2`` files are code and
open only with ``load(path, trusted=True)`` (see :mod:`snn_deploy.formats`).
"""

from snn_deploy.runtime.allocator import retain_freed_memory
from snn_deploy.runtime.loading import load
from snn_deploy.runtime.session import Session
from snn_deploy.runtime.state import State
from snn_deploy.runtime.stream import Stream

__all__ = ["Session", "State", "Stream", "load", "retain_freed_memory"]
