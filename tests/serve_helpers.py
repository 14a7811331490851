"""Requests for the serving tests (the server process itself is :mod:`snn_deploy.serve.process`)."""

from typing import Any, Dict


def infer_body(x: Any, datatype: str = "FP32", name: str = "input", **parameters: Any) -> Dict[str, Any]:
    """A JSON infer request for the array ``x`` with request ``parameters``."""
    return {
        "inputs": [{"name": name, "shape": list(x.shape), "datatype": datatype, "data": x.reshape(-1).tolist()}],
        "parameters": parameters,
    }
