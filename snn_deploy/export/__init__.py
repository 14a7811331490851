"""Export models to ONNX, TorchScript and ``.pt2`` artifacts, validated against eager, with a
manifest (:mod:`snn_deploy.manifest`) embedded in every file.

The exporters need torch (``pip install 'snn_deploy[torch]'``); they load on first use, so that
reading and re-validating an ONNX artifact (:func:`read_manifest`, :func:`validate_artifact`)
works in a serving install without torch.
"""

import importlib
from typing import Any

_NAMES = {
    "ExportReport": "snn_deploy.export.api",
    "export": "snn_deploy.export.api",
    "to_onnx": "snn_deploy.export.api",
    "to_pt2": "snn_deploy.export.api",
    "to_torchscript": "snn_deploy.export.api",
    "layout_of": "snn_deploy.export.boundary",
    "model_kind": "snn_deploy.export.boundary",
    "read_manifest": "snn_deploy.formats",
    "validate_artifact": "snn_deploy.runtime.replay",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module 'snn_deploy.export' has no attribute {name!r}")
    from snn_deploy.extras import require

    if _NAMES[name].startswith("snn_deploy.export."):
        require("torch", "exporting a model")
    value = getattr(importlib.import_module(_NAMES[name]), name)
    globals()[name] = value
    return value
