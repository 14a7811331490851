"""``load``: read an artifact as data, check it, and open it with the backend for its format."""

import os
from typing import Any, Optional, Sequence, Union

from snn_deploy.formats import open_artifact
from snn_deploy.runtime.backend import open_backend
from snn_deploy.runtime.devices import parse_device
from snn_deploy.runtime.session import Session

PathLike = Union[str, "os.PathLike[str]"]


def load(
    path: PathLike,
    device: str = "cpu",
    *,
    trusted: bool = False,
    threads: Optional[int] = None,
    providers: Optional[Sequence[Any]] = None,
    step_artifact: Union[PathLike, Session, None] = None,
) -> Session:
    """Open the artifact at ``path`` on ``device`` (``"cpu"``, ``"cuda"``, ``"cuda:N"``). The
    format follows the suffix: ``.onnx`` (data, safe from any source), ``.ts``/``.pt``
    (TorchScript) and ``.pt2`` (``torch.export`` or AOTInductor package), which are code and open
    only with ``trusted=True``, else :class:`~snn_deploy.errors.UntrustedArtifactError`.

    ``threads`` sets the intra-op threads (onnxruntime per session; for torch artifacts torch's
    process-wide thread count). ``providers`` overrides onnxruntime's execution providers.
    ``step_artifact``: the same model exported with ``step=True`` (path or session), used by a
    sequence artifact for remainders shorter than its ``T`` and for streaming; an artifact of
    another model is an :class:`~snn_deploy.errors.ArtifactError`.
    An unavailable device raises :class:`~snn_deploy.errors.DeviceError`; nothing falls back to CPU.
    """
    parse_device(device)
    artifact = open_artifact(path, trusted)
    backend = open_backend(artifact, device, threads, providers, trusted)
    if step_artifact is not None and not isinstance(step_artifact, Session):
        step_artifact = load(step_artifact, device, trusted=trusted, threads=threads, providers=providers)
    return Session(backend, step_artifact)
