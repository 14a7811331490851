"""What a ``.nir`` file declares, checked before anything in it is read.

An HDF5 dataset declares its shape and dtype in a few bytes: a 43 KB file can declare a 30000 x
30000 weight that holds only a fill value, and reading it allocates the whole array. So the file's
layout is walked first, reading no dataset: only hard links (a soft or external link could point
anywhere, even into another file), each object reached once, groups nested at most
:data:`MAX_DEPTH` deep, numbers and strings only, and all datasets together (their declared shapes,
and their chunks) at most ``max_elements`` elements. Each group and each string counts as
:data:`OBJECT_ELEMENTS` elements: in Python it costs about what that many float64 numbers do.
"""

import math
from typing import List, Set, Tuple

import h5py  # type: ignore[import-untyped]
import numpy as np

from snn_deploy.nir.errors import NIRError
from snn_deploy.nir.graph_walk import MAX_NESTING

DEFAULT_MAX_ELEMENTS = 50_000_000
OBJECT_ELEMENTS = 16
MAX_DEPTH = 2 * MAX_NESTING + 8  # a nested graph is two groups deeper (``nodes/<name>``)


def _dataset_elements(dataset: h5py.Dataset, where: str) -> int:
    """The elements reading ``dataset`` makes: its declared size (or a chunk's, if larger)."""
    size = math.prod(dataset.shape) if dataset.shape is not None else 1
    chunk = math.prod(dataset.chunks) if dataset.chunks is not None else 0
    elements = max(size, chunk)
    dtype = dataset.dtype
    if h5py.check_string_dtype(dtype) is not None:
        return elements * (OBJECT_ELEMENTS + dtype.itemsize // 8)
    if dtype.kind in "biuf" and dtype.itemsize <= 8:
        return elements
    raise NIRError(f"{where}: a dataset of dtype {dtype} (a .nir file holds numbers and strings)")


def _neuron_shapes(group: h5py.Group, where: str) -> None:
    """nir's neurons broadcast ``w_in`` onto ``v_leak`` when they are made: it must not grow it."""
    if "w_in" not in group or "v_leak" not in group:
        return
    w_in, v_leak = group["w_in"].shape or (), group["v_leak"].shape or ()
    try:
        fits = np.broadcast_shapes(w_in, v_leak) == v_leak
    except ValueError:
        fits = False
    if not fits:
        raise NIRError(f"{where}: w_in of shape {list(w_in)} does not fit v_leak of shape {list(v_leak)}")


def check_layout(file: h5py.File, max_elements: int) -> None:
    """Walk ``file``'s groups (reading no dataset); a :class:`NIRError` naming the object that
    breaks a rule of the module docstring or takes the total past ``max_elements``."""
    total = 0
    seen: Set[int] = {hash(file.id)}
    stack: List[Tuple[h5py.Group, str, int]] = [(file, "", 0)]
    while stack:
        group, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise NIRError(f"{where}: groups nested more than {MAX_DEPTH} deep")
        _neuron_shapes(group, where or "/")
        for key in group:
            path = f"{where}/{key}"
            link = group.get(key, getlink=True)
            if not isinstance(link, h5py.HardLink):
                raise NIRError(f"{path} is a {type(link).__name__} (a .nir file holds only groups and datasets)")
            item = group[key]
            if hash(item.id) in seen:
                raise NIRError(f"{path} is an object linked a second time (a .nir file holds a tree)")
            seen.add(hash(item.id))
            if isinstance(item, h5py.Group):
                elements = OBJECT_ELEMENTS
                stack.append((item, path, depth + 1))
            elif isinstance(item, h5py.Dataset):
                elements = _dataset_elements(item, path)
            else:
                raise NIRError(f"{path} is a {type(item).__name__} (a .nir file holds only groups and datasets)")
            total += elements
            if total > max_elements:
                raise NIRError(
                    f"{path} ({elements} elements) takes the file past max_elements={max_elements} elements "
                    "in all its datasets; pass a larger max_elements to import a network you trust to be this large"
                )
