"""ONNX artifacts: the dynamo exporter on the exported program; manifest in ``metadata_props``.

A stock ``onnxruntime.InferenceSession`` runs the file; the batch axis is named ``batch``."""

import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Optional

import onnx
import torch

from snn_deploy.errors import ExportError
from snn_deploy.export.describe import ExportSignature
from snn_deploy.export.neuron_folding import fold_neuron_constants
from snn_deploy.export.program import exported_program
from snn_deploy.export.quiet import third_party_notices_silenced
from snn_deploy.formats.onnx_file import with_metadata

if TYPE_CHECKING:
    import onnx_ir

NAME = "onnx"


def build(signature: ExportSignature, opset: Optional[int] = None) -> onnx.ModelProto:
    program = exported_program(signature)
    try:
        with contextlib.redirect_stdout(io.StringIO()), third_party_notices_silenced():  # it prints its progress
            onnx_program = torch.onnx.export(
                program,
                signature.trace_args,
                dynamo=True,
                input_names=signature.input_names,
                output_names=signature.output_names,
                opset_version=opset,
                verbose=False,
                optimize=signature.layout.is_step,  # its pattern rewrites: fine for one step, see _optimize
            )
        if onnx_program is None:  # only with dynamo=False
            raise RuntimeError("the exporter returned no program")
        _optimize(onnx_program.model)
    except Exception as error:
        raise ExportError(f"ONNX export of {type(signature.boundary.model).__name__} failed: {error}") from None
    model = onnx_program.model_proto
    _name_batch_axis(model, signature)
    return model


def _optimize(model: "onnx_ir.Model") -> None:
    """Fold constants (and the terms of neuron updates that vanish, see
    :mod:`snn_deploy.export.neuron_folding`), drop a convolution's or Gemm's all-zero bias (the
    exporter's translation of ``bias=None``, which onnxruntime rejects on ``Conv``), drop unused
    nodes, share equal initializers and subexpressions, and drop the exporter's per-node debugging
    metadata (torch stack traces and module paths: about 0.7 kB a node, 70% of an unrolled
    sequence's file).

    These passes take time linear in the graph. The exporter's default optimizer adds ~40 pattern
    rewrites whose cost grows faster than the unrolled time loop (2-core CPU, a recurrent SNN:
    140 s of a 215 s export at T=256, over 20 minutes at T=1024); the sequence ran no faster with
    them (4.6 ms against 3.1 ms without at T=256). A step graph keeps them: it is small, and they
    remove reshapes that cost a step of the digits conv SNN 14 us (48 us against 63 us).
    """
    import onnx_ir.passes.common as common
    import onnxscript.optimizer
    from onnxscript.rewriter import RewritePass
    from onnxscript.rewriter.rules import common as rules

    onnxscript.optimizer.fold_constants(model)
    fold_neuron_constants(model)
    zero_bias_rules = [
        rules.remove_optional_bias_from_conv_rule,
        rules.remove_optional_bias_from_conv_transpose_rule,
        rules.remove_optional_bias_from_gemm_rule,
    ]
    for optimization in (
        RewritePass(zero_bias_rules),
        common.RemoveUnusedNodesPass(),
        common.LiftConstantsToInitializersPass(lift_all_constants=True, size_limit=0),
        common.DeduplicateInitializersPass(),
        common.CommonSubexpressionEliminationPass(),
        common.RemoveUnusedNodesPass(),
        common.ClearMetadataAndDocStringPass(),
    ):
        optimization(model)


def _name_batch_axis(model: onnx.ModelProto, signature: ExportSignature) -> None:
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
    """Write ``model`` with the metadata entries ``extras`` and the checksum of the file's bytes."""
    path.write_bytes(with_metadata(model.SerializeToString(), extras))
