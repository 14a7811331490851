"""Run an artifact through a session on named arrays, and re-validate it against the eager
reference recorded at export (``snn-deploy validate``)."""

import os
from typing import Any, Dict, List, Mapping

import numpy as np

from snn_deploy.artifact.compare import compare
from snn_deploy.artifact.reference import REFERENCE_KEY, decode
from snn_deploy.errors import ArtifactError
from snn_deploy.formats import open_artifact
from snn_deploy.manifest import OUTPUT_NAME
from snn_deploy.runtime.backend import open_backend
from snn_deploy.runtime.session import Session


def state_outputs(session: Session, state: Mapping[str, Any]) -> List[np.ndarray]:
    """The values of a state returned by ``session``, in the artifact's ``new_state.*`` order."""
    return [np.asarray(state[path]) for path in session.state_paths]


def run_call(session: Session, arrays: Mapping[str, np.ndarray]) -> List[np.ndarray]:
    """``session.run`` on ``arrays`` named like the artifact's inputs (``input``, ``state.<path>``):
    its outputs in the artifact's output order (``output``, ``new_state.<path>``)."""
    signature = session.signature
    state = {port.path: arrays[port.port.name] for port in signature.states}
    output, new_state = session.run(arrays[signature.input.name], state)
    return [np.asarray(output), *state_outputs(session, new_state)]


def validate_artifact(path: "str | os.PathLike[str]", trusted: bool = False) -> Dict[str, Any]:
    """Run the artifact in a session on the inputs recorded at export and compare with the eager
    outputs recorded then; return figures per output or raise a ``ValidationError``.
    TorchScript and ``.pt2`` files are code: they run only with ``trusted=True``."""
    artifact = open_artifact(path, trusted)
    manifest = artifact.manifest
    if manifest is None:
        raise ArtifactError(f"{artifact.path}: has no snn_deploy manifest (not exported by snn_deploy)")
    if REFERENCE_KEY not in artifact.extras:
        raise ArtifactError(
            f"{artifact.path}: was exported without validation and records no reference to check against"
        )
    recorded = decode(artifact.extras[REFERENCE_KEY])
    session = Session(open_backend(artifact, "cpu", None, None, trusted))
    actual = run_call(session, recorded)
    names = [spec.name for spec in manifest.outputs]
    time_major = [] if manifest.layout.is_step else [OUTPUT_NAME]
    return compare(names, actual, [recorded[name] for name in names], time_major)
