"""What a ``.nir`` file declares, checked before anything in it is read.

An HDF5 dataset declares its shape and dtype in a few bytes: a 43 KB file can declare a 30000 x
30000 weight that holds only a fill value, and reading it allocates the whole array. So the file's
layout is walked first, reading no dataset: only hard links (a soft or external link could point
anywhere, even into another file), each object linked once (nir's reader would read a shared one
once per link), groups nested at most :data:`MAX_DEPTH` deep, numbers and strings only, and all datasets together (their declared shapes,
and their chunks) at most ``max_elements`` elements. Each group and each string counts as
:data:`OBJECT_ELEMENTS` elements: in Python it costs about what that many float64 numbers do.
"""

import math
from typing import Dict, Optional, Tuple

import h5py  # type: ignore[import-untyped]
import numpy as np

from snn_deploy.nir.errors import NIRError
from snn_deploy.nir.graph_walk import MAX_NESTING

DEFAULT_MAX_ELEMENTS = 50_000_000
OBJECT_ELEMENTS = 16
MAX_DEPTH = 2 * MAX_NESTING + 8  # a nested graph is two groups deeper (``nodes/<name>``)


def checked_limit(max_elements: int) -> int:
    """``max_elements`` if it is a whole number of at least 1, else a :class:`NIRError`."""
    if isinstance(max_elements, bool) or not isinstance(max_elements, int) or max_elements < 1:
        raise NIRError(f"max_elements must be a whole number of at least 1, got {max_elements!r}")
    return max_elements


def _dataset_elements(dataset: h5py.h5d.DatasetID, where: str) -> int:
    """The elements reading ``dataset`` makes: its declared size (or a chunk's, if larger)."""
    shape = dataset.get_space().shape
    plist = dataset.get_create_plist()
    chunk = math.prod(plist.get_chunk()) if plist.get_layout() == h5py.h5d.CHUNKED else 0
    elements = max(math.prod(shape) if shape is not None else 1, chunk)
    dtype = dataset.dtype
    if h5py.check_string_dtype(dtype) is not None:
        return elements * (OBJECT_ELEMENTS + dtype.itemsize // 8)
    if dtype.kind in "biuf" and dtype.itemsize <= 8:
        return elements
    raise NIRError(f"{where}: a dataset of dtype {dtype} (a .nir file holds numbers and strings)")


def _check_neurons(shapes: Dict[str, Tuple[int, ...]]) -> None:
    """nir's neurons broadcast ``w_in`` onto ``v_leak`` when they are made: it must not grow it."""
    for path, w_in in shapes.items():
        group, _, field = path.rpartition("/")
        v_leak = shapes.get(f"{group}/v_leak")
        if field != "w_in" or v_leak is None:
            continue
        try:
            fits = np.broadcast_shapes(w_in, v_leak) == v_leak
        except ValueError:
            fits = False
        if not fits:
            raise NIRError(f"/{group}: w_in of shape {list(w_in)} does not fit v_leak of shape {list(v_leak)}")


def check_layout(file: h5py.File, max_elements: int) -> None:
    """Walk ``file``'s links and objects (HDF5's own visits, reading no dataset); a
    :class:`NIRError` naming the object that breaks a rule of the module docstring or takes the
    total past ``max_elements``. (A visit stops where its callback returns a value: the problem.)"""

    def link(name: bytes, info: h5py.h5l.LinkInfo) -> Optional[str]:
        if info.type == h5py.h5l.TYPE_HARD:
            return None
        kind = "an external link" if info.type == h5py.h5l.TYPE_EXTERNAL else "a soft link"
        return f"/{name.decode(errors='replace')} is {kind} (a .nir file holds only groups and datasets)"

    total = 0
    shapes: Dict[str, Tuple[int, ...]] = {}

    def visit(name: bytes, info: h5py.h5o.ObjInfo) -> Optional[str]:
        nonlocal total
        path = name.decode(errors="replace")
        if info.rc != 1:
            return f"/{path} is an object linked {info.rc} times (a .nir file holds a tree)"
        if path.count("/") >= MAX_DEPTH:
            return f"/{path}: groups nested more than {MAX_DEPTH} deep"
        if info.type == h5py.h5o.TYPE_GROUP:
            elements = OBJECT_ELEMENTS
        elif info.type == h5py.h5o.TYPE_DATASET:
            dataset = h5py.h5d.open(file.id, name)
            try:
                elements = _dataset_elements(dataset, f"/{path}")
            except NIRError as error:
                return str(error)
            shapes[path] = dataset.get_space().shape or ()
        else:
            return f"/{path} is not a group or dataset (a .nir file holds only groups and datasets)"
        total += elements
        if total > max_elements:
            return (
                f"/{path} ({elements} elements) takes the file past max_elements={max_elements} elements "
                "in all its datasets; pass a larger max_elements to import a network you trust to be this large"
            )
        return None

    problem = file.id.links.visit(link, info=True) or h5py.h5o.visit(file.id, visit, info=True)
    if problem is not None:
        raise NIRError(problem)
    _check_neurons(shapes)
