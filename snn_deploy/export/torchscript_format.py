"""TorchScript artifacts: a trace of the exported program's module (tensors in, tensors out);
manifest as an extra file of ``torch.jit.save``. ``torch.jit.load`` runs it."""

import warnings
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np
import torch

from snn_deploy.export.describe import Signature

NAME = "torchscript"


def build(program: torch.export.ExportedProgram, signature: Signature) -> torch.jit.ScriptModule:
    """Trace the exported program's module: flat tensors in and out (tracing the model itself
    would script its ``forward_any`` methods too). See :func:`_traceable_sizes` for the batch."""
    module = program.module()
    _traceable_sizes(module)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.jit.trace(module, signature.trace_args, check_trace=False)


def _traceable_sizes(module: torch.fx.GraphModule) -> None:
    """Keep the batch size dynamic in the trace: the tracer records ``Tensor.size`` calls and the
    Python-level ops that take their results, but not ``aten.sym_size`` nor an ``aten`` overload
    called with a size. So ``sym_size`` becomes ``Tensor.size`` and every ``aten`` op that takes
    a size (directly or through arithmetic on sizes) becomes its ``torch.*`` or ``Tensor`` form."""
    sizes = set()
    for node in module.graph.nodes:
        if node.op == "call_function" and node.target is torch.ops.aten.sym_size.int:
            node.op, node.target = "call_method", "size"
            sizes.add(node)
            continue
        used = set(node.all_input_nodes) & sizes
        if not used or node.op != "call_function":
            continue
        if getattr(node.target, "__module__", "") == "_operator":
            sizes.add(node)
        elif isinstance(node.target, torch._ops.OpOverload):
            name = node.target.__name__.split(".")[0]
            if hasattr(torch, name):
                node.target = getattr(torch, name)
            else:
                node.op, node.target = "call_method", name
    module.recompile()


def save(module: torch.jit.ScriptModule, path: Path, extras: Dict[str, str]) -> None:
    torch.jit.save(module, str(path), _extra_files=extras)


def load(path: Path, aoti: bool = False) -> Callable[[List[np.ndarray]], List[np.ndarray]]:
    module = torch.jit.load(str(path))
    return lambda arrays: [tensor.detach().numpy() for tensor in module(*[torch.from_numpy(a) for a in arrays])]
