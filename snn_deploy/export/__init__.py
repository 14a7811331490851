"""Export models to ONNX, TorchScript and ``.pt2`` artifacts, validated against eager, with a
manifest (:mod:`snn_deploy.manifest`) embedded in every file."""

from snn_deploy.export.api import ExportReport as ExportReport
from snn_deploy.export.api import export as export
from snn_deploy.export.api import to_onnx as to_onnx
from snn_deploy.export.api import to_pt2 as to_pt2
from snn_deploy.export.api import to_torchscript as to_torchscript
from snn_deploy.export.artifact import read_manifest as read_manifest
from snn_deploy.export.artifact import validate_artifact as validate_artifact
from snn_deploy.export.boundary import model_kind as model_kind

__all__ = [
    "ExportReport",
    "export",
    "model_kind",
    "read_manifest",
    "to_onnx",
    "to_pt2",
    "to_torchscript",
    "validate_artifact",
]
