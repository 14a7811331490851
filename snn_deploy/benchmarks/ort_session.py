"""onnxruntime sessions as the bench builds them, and a step function that carries a step
graph's state (its inputs after the first, returned as its outputs after the first) from call to
call, as a deployment of a step artifact without the runtime would."""

from typing import Any, Callable, List, Optional, Union

import numpy as np
import torch


def onnxruntime_session(
    model: Union[str, bytes],
    device: torch.device = torch.device("cpu"),
    threads: Optional[int] = None,
    level: str = "all",
) -> Any:
    """An ``InferenceSession`` of ``model`` (a path, or a serialized model) with ``threads``
    intra-op threads (torch's count by default) at graph optimization ``level`` (``basic``,
    ``extended`` or ``all``); on a CUDA device, onnxruntime's CUDA provider first where installed."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, f"ORT_ENABLE_{level.upper()}")
    providers = ["CPUExecutionProvider"]
    if device.type == "cuda" and "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        providers.insert(0, "CUDAExecutionProvider")
    return onnxruntime.InferenceSession(model, options, providers=providers)


def carried_step(session: Any, state: List[np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    """``step(x_t) -> output``: ``session`` on ``x_t`` and ``state``, whose new values replace
    ``state`` (in place) for the next call."""
    names = [port.name for port in session.get_inputs()]

    def step(x_t: np.ndarray) -> np.ndarray:
        output, *state[:] = session.run(None, dict(zip(names, [x_t, *state])))
        return output

    return step
