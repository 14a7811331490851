"""``load``: recognize an artifact and open it with the backend for its format."""

import os
from typing import Any, Optional, Sequence, Union

from snn_deploy.errors import DeviceError
from snn_deploy.runtime.artifact import ONNX, inspect_file
from snn_deploy.runtime.devices import parse_device
from snn_deploy.runtime.session import Session

PathLike = Union[str, "os.PathLike[str]"]


def load(
    path: PathLike,
    device: str = "cpu",
    *,
    threads: Optional[int] = None,
    providers: Optional[Sequence[Any]] = None,
    step_artifact: Union[PathLike, Session, None] = None,
) -> Session:
    """Open the artifact at ``path`` (ONNX, TorchScript, .pt2 or AOTInductor package, recognized
    from the file's contents) on ``device`` (``"cpu"``, ``"cuda"``, ``"cuda:N"``).

    ``threads`` sets the intra-op threads (onnxruntime per session; for torch artifacts torch's
    process-wide thread count). ``providers`` overrides onnxruntime's execution providers.
    ``step_artifact``: the same model exported with ``step=True`` (path or session), used by a
    sequence artifact for remainders shorter than its ``T`` and for streaming.
    An unavailable device raises :class:`~snn_deploy.errors.DeviceError`; nothing falls back to CPU.
    """
    parse_device(device)
    artifact = inspect_file(os.fspath(path))
    if artifact.kind == ONNX:
        from snn_deploy.runtime.onnx_backend import OnnxBackend

        backend = OnnxBackend(artifact.path, device, threads, providers)
    else:
        if providers is not None:
            raise DeviceError(f"{artifact.path}: providers= applies to ONNX artifacts, this is {artifact.kind}")
        from snn_deploy.runtime.torch_backend import TorchBackend

        backend = TorchBackend(artifact, device, threads)
    if step_artifact is not None and not isinstance(step_artifact, Session):
        step_artifact = load(step_artifact, device, threads=threads, providers=providers)
    return Session(backend, step_artifact)
