"""The manifest of an export: signature, model class tree, ``dt`` and producer versions."""

import hashlib
import platform
from typing import Any, Dict, Optional, Tuple

import torch
from torch import nn

import snn_deploy
from snn_deploy.errors import ExportError
from snn_deploy.export.describe import ExportSignature
from snn_deploy.manifest import Manifest


def class_tree(module: nn.Module) -> Dict[str, Any]:
    """``{"class": "pkg.module.Class", "children": {name: subtree}}`` (no ``children`` for leaves)."""
    tree: Dict[str, Any] = {"class": f"{type(module).__module__}.{type(module).__qualname__}"}
    children = {name: class_tree(child) for name, child in module.named_children()}
    if children:
        tree["children"] = children
    return tree


def _feed(hasher: "hashlib._Hash", value: Any) -> None:
    """Hash a module attribute: tensors by dtype, shape and bytes; numbers, strings and
    (named) tuples, lists and dicts by structure; other objects by type name only."""
    if isinstance(value, torch.Tensor):
        tensor = value.detach().cpu().contiguous()
        hasher.update(f"tensor {tensor.dtype} {tuple(tensor.shape)};".encode())
        hasher.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    elif isinstance(value, (bool, int, float, str, type(None))):
        hasher.update(f"{type(value).__name__} {value!r};".encode())
    elif isinstance(value, (tuple, list)):
        hasher.update(f"{type(value).__name__}[{len(value)}](".encode())
        for item in value:
            _feed(hasher, item)
        hasher.update(b")")
    elif isinstance(value, dict):
        hasher.update(f"dict[{len(value)}](".encode())
        for key in sorted(value, key=str):
            hasher.update(f"{key!s}=".encode())
            _feed(hasher, value[key])
        hasher.update(b")")
    else:
        hasher.update(f"object {type(value).__qualname__};".encode())


_MODULE_INTERNALS = {"training", "_modules", "_non_persistent_buffers_set"}


def fingerprint(model: nn.Module) -> str:
    """SHA-256 (first 32 hex digits) of the model's architecture and numbers: for every module
    its name, class, parameters, buffers and plain attributes (neuron parameters such as
    ``LIFParameters``, ``dt``). A sequence and a step artifact of one model share it."""
    hasher = hashlib.sha256()
    for name, module in model.named_modules():
        hasher.update(f"module {name} {type(module).__module__}.{type(module).__qualname__};".encode())
        for key in sorted(vars(module)):
            if key in _MODULE_INTERNALS or "hook" in key:
                continue
            hasher.update(f"{key}:".encode())
            _feed(hasher, vars(module)[key])
    return hasher.hexdigest()[:32]


def time_step(model: nn.Module) -> Optional[float]:
    """The ``dt`` the model's modules share (``None`` for models without dynamics); an
    :class:`ExportError` names two modules whose ``dt`` differ, since an artifact has one time step."""
    first: Optional[Tuple[str, float]] = None
    for name, module in model.named_modules():
        dt = getattr(module, "dt", None)
        if not isinstance(dt, (int, float)) or isinstance(dt, bool):
            continue
        if first is None:
            first = (name, float(dt))
        elif float(dt) != first[1]:
            raise ExportError(
                f"'{name}' ({type(module).__name__}) has dt={dt}, '{first[0]}' dt={first[1]}: an artifact "
                "runs one time step; give every layer the same dt"
            )
    return None if first is None else first[1]


def producer(**extra: str) -> Dict[str, str]:
    return {
        "snn_deploy": snn_deploy.__version__,
        "torch": torch.__version__,
        "python": platform.python_version(),
        **extra,
    }


def manifest_for(signature: ExportSignature, format_name: str, options: Dict[str, Any], **versions: str) -> Manifest:
    """The manifest of ``signature``'s model; the layout is stored as ``mode`` and ``model.kind``
    (see :class:`~snn_deploy.manifest.Manifest.layout`)."""
    model = signature.boundary.model
    layout = signature.layout
    return Manifest(
        format=format_name,
        mode=layout.mode.value,
        time_steps=signature.time_steps,
        dt=time_step(model),
        dtype=signature.inputs[0].dtype,
        inputs=signature.inputs,
        outputs=signature.outputs,
        state=signature.state,
        model={
            "kind": layout.kind.value if layout.kind else None,
            "tree": class_tree(model),
            "fingerprint": fingerprint(model),
        },
        producer=producer(**versions),
        options=options,
    )
