"""Read and write ``.nir`` files (HDF5, through the ``nir`` package)."""

import os
from pathlib import Path
from typing import Union

import h5py  # type: ignore[import-untyped]
import nir

from snn_deploy.nir.errors import NIRError
from snn_deploy.nir.file_layout import DEFAULT_MAX_ELEMENTS, check_layout, checked_limit


def read(path: Union["os.PathLike[str]", str], max_elements: int = DEFAULT_MAX_ELEMENTS) -> nir.NIRGraph:
    """The graph in the ``.nir`` file ``path``; a :class:`NIRError` if it is missing or not NIR.
    Reading parses HDF5 datasets only; nothing in the file is executed. Before any dataset is read,
    the file's layout is checked (:mod:`snn_deploy.nir.file_layout`): its datasets may declare at
    most ``max_elements`` elements in all (default 50 million, 400 MB as float64)."""
    checked_limit(max_elements)
    path = Path(path)
    if not path.is_file():
        raise NIRError(f"no NIR file at {path}")
    try:
        with h5py.File(path, "r") as file:
            check_layout(file, max_elements)
        return nir.read(path, type_check=False)
    except NIRError as error:
        raise NIRError(f"{path}: {error}") from None
    except Exception as error:  # h5py and nir raise many kinds for a file that is not NIR
        raise NIRError(f"{path} is not a readable NIR file: {type(error).__name__}: {error}") from None


def write(path: Union["os.PathLike[str]", str], graph: nir.NIRGraph) -> Path:
    """Write ``graph`` to ``path`` (conventionally ``*.nir``) and return the path."""
    if not isinstance(graph, nir.NIRGraph):
        raise NIRError(f"expected a nir.NIRGraph to write, got {type(graph).__name__}")
    nir.write(path, graph)
    return Path(path)
