"""What this Python and machine offer the GPU check, as one JSON object on stdout:
``python -m snn_deploy.benchmarks.gpu_probe``.

Run as a child process of :mod:`snn_deploy.benchmarks.gpu_check`, so that a package that is
missing, broken or hangs on import (torch initialising CUDA) costs a time limit, never the check.
Every package is looked up by import; one that fails is listed with its error, not raised.
"""

import importlib
import json
import platform
import sys
from typing import Any, Dict

PACKAGES = ("torch", "numpy", "onnx", "onnxscript", "onnxruntime", "pytest")


def package_versions() -> Dict[str, Dict[str, str]]:
    """``{"found": {name: version}, "missing": {name: "ImportError: ..."}}`` for :data:`PACKAGES`."""
    found: Dict[str, str] = {}
    missing: Dict[str, str] = {}
    for name in PACKAGES:
        try:
            found[name] = str(getattr(importlib.import_module(name), "__version__", "unknown"))
        except Exception as error:  # a broken install is reported like an absent one
            missing[name] = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}"
    return {"found": found, "missing": missing}


def cuda_facts() -> Dict[str, Any]:
    """Whether torch sees a CUDA device, and which (name, capability, memory, CUDA version)."""
    import torch

    facts: Dict[str, Any] = {"available": torch.cuda.is_available(), "torch_cuda": torch.version.cuda}
    if facts["available"]:
        properties = torch.cuda.get_device_properties(0)
        facts.update(
            device_count=torch.cuda.device_count(),
            name=properties.name,
            capability=f"{properties.major}.{properties.minor}",
            memory_gib=round(properties.total_memory / 2**30, 1),
            multiprocessors=properties.multi_processor_count,
        )
    return facts


def probe() -> Dict[str, Any]:
    """The machine, the packages, CUDA as torch sees it and onnxruntime's execution providers."""
    packages = package_versions()
    info: Dict[str, Any] = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "packages": packages["found"],
        "missing": packages["missing"],
    }
    if "torch" in packages["found"]:
        info["cuda"] = cuda_facts()
    if "onnxruntime" in packages["found"]:
        import onnxruntime

        info["onnxruntime_providers"] = onnxruntime.get_available_providers()
    return info


if __name__ == "__main__":
    print(json.dumps(probe()))
