"""The recorded validation data (inputs, state and eager outputs) stored beside the manifest, so
that ``snn-deploy validate`` can re-check an artifact with nothing but the file.

Stored under ``REFERENCE_KEY`` where the manifest is stored, as base64 of a compressed ``.npz``
whose arrays are named like the artifact's inputs and outputs."""

import base64
import io
import zipfile
from typing import Any, Dict

import numpy as np

from snn_deploy.errors import ArtifactError

REFERENCE_KEY = "snn_deploy.reference"


def encode(arrays: Dict[str, np.ndarray]) -> str:
    buffer = io.BytesIO()
    named: Dict[str, Any] = dict(arrays)  # numpy's stub types **kwds like its keyword allow_pickle
    np.savez_compressed(buffer, **named)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


MAX_REFERENCE_BYTES = 1 << 30  # uncompressed


def decode(text: str) -> Dict[str, np.ndarray]:
    """The recorded arrays; :class:`ArtifactError` for a damaged reference or one that would
    decompress to more than ``MAX_REFERENCE_BYTES``."""
    try:
        data = io.BytesIO(base64.b64decode(text, validate=True))
        with zipfile.ZipFile(data) as members:
            declared = sum(item.file_size for item in members.infolist())
        if declared > MAX_REFERENCE_BYTES:
            raise ArtifactError(f"the recorded reference declares {declared} bytes, over {MAX_REFERENCE_BYTES}")
        data.seek(0)
        with np.load(data, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ArtifactError:
        raise
    except Exception as error:  # binascii, zipfile, zlib and numpy's format errors alike
        raise ArtifactError(f"the recorded reference is damaged ({type(error).__name__}: {error})") from None
