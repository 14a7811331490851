"""The recorded validation data (inputs, state and eager outputs) stored beside the manifest, so
that ``snn-deploy validate`` can re-check an artifact with nothing but the file.

Stored under ``REFERENCE_KEY`` where the manifest is stored, as base64 of a compressed ``.npz``
whose arrays are named like the artifact's inputs and outputs."""

import base64
import io
from typing import Dict

import numpy as np

REFERENCE_KEY = "snn_deploy.reference"


def encode(arrays: Dict[str, np.ndarray]) -> str:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode(text: str) -> Dict[str, np.ndarray]:
    with np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
