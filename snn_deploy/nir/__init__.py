"""Read and write the Neuromorphic Intermediate Representation (NIR); needs the ``nir`` extra.

``from_nir(graph_or_path, dt)`` imports any NIR graph as a :class:`NIRGraphModule`, which compiles,
scripts and exports like the package's other models (an untrusted file's size bounded by
``max_elements``); ``to_nir(model, input_shape)`` writes this package's models as NIR;
``read``/``write`` handle ``.nir`` files. The names load on first use, so
that ``snn_deploy.cli.nir_commands`` (part of the ``snn-deploy`` command) works without the extra.
"""

import importlib
from typing import Any, List

_PUBLIC = {
    "NIRError": "snn_deploy.nir.errors",
    "NIRGraphModule": "snn_deploy.nir.graph_module",
    "from_nir": "snn_deploy.nir.importer",
    "read": "snn_deploy.nir.files",
    "to_nir": "snn_deploy.nir.exporter",
    "write": "snn_deploy.nir.files",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'snn_deploy.nir' has no attribute {name!r}")
    value = getattr(importlib.import_module(_PUBLIC[name]), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
