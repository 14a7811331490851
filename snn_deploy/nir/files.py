"""Read and write ``.nir`` files (HDF5, through the ``nir`` package)."""

import os
from pathlib import Path
from typing import Union

import nir

from snn_deploy.nir.errors import NIRError


def read(path: Union["os.PathLike[str]", str]) -> nir.NIRGraph:
    """The graph in the ``.nir`` file ``path``; a :class:`NIRError` if it is missing or not NIR.
    Reading parses HDF5 datasets only; nothing in the file is executed."""
    path = Path(path)
    if not path.is_file():
        raise NIRError(f"no NIR file at {path}")
    try:
        return nir.read(path, type_check=False)
    except Exception as error:  # h5py and nir raise many kinds for a file that is not NIR
        raise NIRError(f"{path} is not a readable NIR file: {type(error).__name__}: {error}") from None


def write(path: Union["os.PathLike[str]", str], graph: nir.NIRGraph) -> Path:
    """Write ``graph`` to ``path`` (conventionally ``*.nir``) and return the path."""
    if not isinstance(graph, nir.NIRGraph):
        raise NIRError(f"expected a nir.NIRGraph to write, got {type(graph).__name__}")
    nir.write(path, graph)
    return Path(path)
