"""The one protocol every runtime backend follows, and opening the backend for an artifact.

A backend holds one loaded artifact on one device: ``run(feeds, batch_size)`` takes the inputs
in ``signature.input_names`` order and returns the outputs in ``signature.output_names`` order,
as the backend's native arrays (``to_native``/``from_native`` convert numpy and torch).
``bind_state(batch_size)`` gives a stream's state kept in place between steps, where the backend
can (onnxruntime on CPU), else ``None``.
"""

from typing import Any, List, Optional, Protocol, Sequence

from snn_deploy.errors import DeviceError
from snn_deploy.extras import require
from snn_deploy.formats import ONNX, ArtifactFile
from snn_deploy.runtime.signature import Signature
from snn_deploy.runtime.stream import StepState


class Backend(Protocol):
    path: str
    kind: str
    device: str
    signature: Signature

    def to_native(self, value: Any) -> Any: ...

    def from_native(self, value: Any, as_torch: bool) -> Any: ...

    def run(self, feeds: List[Any], batch_size: Optional[int]) -> List[Any]: ...

    def bind_state(self, batch_size: int) -> Optional[StepState]: ...


def open_backend(
    artifact: ArtifactFile, device: str, threads: Optional[int], providers: Optional[Sequence[Any]], trusted: bool
) -> Backend:
    """The backend for ``artifact``: onnxruntime for ONNX, torch (imported here) for the rest."""
    if artifact.format is ONNX:
        from snn_deploy.runtime.onnx_backend import OnnxBackend

        return OnnxBackend(artifact, device, threads, providers)
    if providers is not None:
        raise DeviceError(f"{artifact.path}: providers= applies to ONNX artifacts, this is {artifact.kind}")
    require("torch", f"running a {artifact.kind} artifact")
    from snn_deploy.runtime.torch_backend import TorchBackend

    return TorchBackend(artifact, device, threads, trusted=trusted)
