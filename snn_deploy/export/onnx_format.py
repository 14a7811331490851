"""ONNX artifacts: the dynamo exporter on the exported program; manifest in ``metadata_props``.

A stock ``onnxruntime.InferenceSession`` runs the file; the batch axis is named ``batch``."""

import contextlib
import io
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import onnx
import torch

from snn_deploy.errors import ExportError
from snn_deploy.export.describe import Signature
from snn_deploy.manifest import ONNX_DIGEST_KEY, onnx_digest

NAME = "onnx"


def build(program: torch.export.ExportedProgram, signature: Signature, opset: Optional[int] = None) -> onnx.ModelProto:
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the exporter prints its progress
            onnx_program = torch.onnx.export(
                program,
                signature.trace_args,
                dynamo=True,
                input_names=signature.input_names,
                output_names=signature.output_names,
                opset_version=opset,
                verbose=False,
            )
    except Exception as error:
        raise ExportError(f"ONNX export of {type(signature.boundary.model).__name__} failed: {error}") from None
    model = onnx_program.model_proto
    _name_batch_axis(model, signature)
    return model


def _name_batch_axis(model: onnx.ModelProto, signature: Signature) -> None:
    """Rename the exporter's symbol for the batch size (``s0``...) to ``batch`` everywhere."""
    symbols = set()
    for value, spec in zip(model.graph.input, signature.inputs):
        if spec.batch_axis is not None:
            symbols.add(value.type.tensor_type.shape.dim[spec.batch_axis].dim_param)
    for value in [*model.graph.input, *model.graph.output, *model.graph.value_info]:
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param in symbols:
                dim.dim_param = "batch"


def opset_of(model: onnx.ModelProto) -> int:
    return next(entry.version for entry in model.opset_import if entry.domain in ("", "ai.onnx"))


def save(model: onnx.ModelProto, path: Path, extras: Dict[str, str]) -> None:
    kept = [entry for entry in model.metadata_props if entry.key not in extras and entry.key != ONNX_DIGEST_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    for key, value in extras.items():
        model.metadata_props.add(key=key, value=value)
    model.metadata_props.add(key=ONNX_DIGEST_KEY, value=onnx_digest(model))
    onnx.save(model, str(path))


def load(path: Path, aoti: bool = False) -> Callable[[List[np.ndarray]], List[np.ndarray]]:
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [value.name for value in session.get_inputs()]
    return lambda arrays: session.run(None, dict(zip(names, arrays)))


def read_extras(path: Path) -> Dict[str, str]:
    model = onnx.load(str(path), load_external_data=False)
    return {entry.key: entry.value for entry in model.metadata_props}
