"""The manifest of an export: signature, model class tree, ``dt`` and producer versions."""

import platform
from typing import Any, Dict, Optional

import torch
from torch import nn

import snn_deploy
from snn_deploy.export.describe import Signature
from snn_deploy.manifest import Manifest


def class_tree(module: nn.Module) -> Dict[str, Any]:
    """``{"class": "pkg.module.Class", "children": {name: subtree}}`` (no ``children`` for leaves)."""
    tree: Dict[str, Any] = {"class": f"{type(module).__module__}.{type(module).__qualname__}"}
    children = {name: class_tree(child) for name, child in module.named_children()}
    if children:
        tree["children"] = children
    return tree


def time_step(model: nn.Module) -> Optional[float]:
    """The ``dt`` of the first module that has one (``None`` for models without dynamics)."""
    for module in model.modules():
        dt = getattr(module, "dt", None)
        if isinstance(dt, (int, float)) and not isinstance(dt, bool):
            return float(dt)
    return None


def producer(**extra: str) -> Dict[str, str]:
    return {
        "snn_deploy": snn_deploy.__version__,
        "torch": torch.__version__,
        "python": platform.python_version(),
        **extra,
    }


def manifest_for(signature: Signature, format_name: str, options: Dict[str, Any], **versions: str) -> Manifest:
    model = signature.boundary.model
    return Manifest(
        format=format_name,
        mode="step" if signature.step else "sequence",
        time_steps=signature.time_steps,
        dt=time_step(model),
        dtype=signature.inputs[0].dtype,
        inputs=signature.inputs,
        outputs=signature.outputs,
        state=signature.state,
        model={"kind": signature.kind, "tree": class_tree(model)},
        producer=producer(**versions),
        options=options,
    )
