"""What both halves of the server (REST and gRPC) do around an infer request: find the model,
turn an exception into the protocol's refusal, and count the request in the metrics and logs."""

import logging
import time
from typing import Dict, Tuple

from snn_deploy.errors import SnnDeployError
from snn_deploy.serve.metrics import Metrics
from snn_deploy.serve.models import ServedModel
from snn_deploy.serve.protocol import ProtocolError

LOGGER = logging.getLogger("snn_deploy.serve")
INTERNAL_ERROR = "internal error while running the model; see the server log"


def find_model(models: Dict[str, ServedModel], name: str, version: str) -> ServedModel:
    """The model ``name`` (only version ``"1"`` exists); 404 naming the served models otherwise."""
    if name not in models or version not in ("1", ""):
        raise ProtocolError(404, f"unknown model '{name}' version {version or '1'}; this server has {sorted(models)}")
    return models[name]


def refusal(error: Exception, label: str) -> Tuple[int, str]:
    """The HTTP status and message answering a request that raised ``error``: a
    :class:`ProtocolError`'s own, 400 for an input the runtime refused (the client's mistake),
    500 (logged with its traceback) for anything else."""
    if isinstance(error, ProtocolError):
        return error.status, str(error)
    if isinstance(error, SnnDeployError):
        return 400, str(error)
    LOGGER.error("infer failed", exc_info=error, extra={"model": label})
    return 500, INTERNAL_ERROR


def record(metrics: Metrics, label: str, start: float, status: int, error: str) -> None:
    """Count one answered request of model ``label`` (``""``: unknown) with its latency; a
    refused one (``status`` not 200) also by status, and in the log."""
    if status != 200:
        metrics.errors.labels(label, str(status)).inc()
        LOGGER.info("refused", extra={"model": label, "status": status, "error": error})
    metrics.latency.labels(label).observe(time.perf_counter() - start)
