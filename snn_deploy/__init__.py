"""snn_deploy: norse-compatible spiking neuron models that train, compile, script, export and serve.

Every class of ``norse.torch.module`` (norse 1.1) is importable from here (``snn_deploy.LIF``),
with the same constructor arguments, parameter and state NamedTuples, and Euler-step numerics.
The names load on first use from :mod:`snn_deploy.api`, so that ``snn_deploy.runtime`` can run
ONNX artifacts with numpy and onnxruntime alone, without importing torch.
"""

import importlib
import importlib.util
from typing import Any, List

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")  # a submodule: `from snn_deploy import runtime`
    api = importlib.import_module("snn_deploy.api")
    try:
        value = getattr(api, name)
    except AttributeError:
        raise AttributeError(f"module 'snn_deploy' has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(importlib.import_module("snn_deploy.api").__all__))
