"""``torch.export`` of the boundary module, with the batch axes dynamic: the program the ONNX,
``.pt2`` and AOTInductor writers start from."""

import torch

from snn_deploy.errors import ExportError, first_line
from snn_deploy.export.describe import ExportSignature


def exported_program(signature: ExportSignature) -> torch.export.ExportedProgram:
    try:
        return torch.export.export(signature.boundary, signature.trace_args, dynamic_shapes=signature.dynamic_shapes())
    except Exception as error:
        raise ExportError(
            f"torch.export failed for {type(signature.boundary.model).__name__}: {first_line(error)}"
        ) from None
