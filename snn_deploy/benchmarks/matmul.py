"""W3's matrix products: the dense floor, and event-driven products that use the spikes' sparsity.

The floor of the recurrent layer ``s_t = LIF(W_in x_t + W_rec s_{t-1})`` with dense float32
products: the input projection of all T steps as one product ``(T*B, 256) @ W_in^T`` plus the T
recurrent products ``(B, 512) @ W_rec^T``, timed alone in the same run as the backends, in torch
and in onnxruntime (whose products ran about 30 % faster on the 2-core CPU); the workload's
floor is the faster of the two.

An event-driven product of 0/1 spikes ``S`` (M x K) with ``W^T`` (K x N) gathers the rows of
``W^T`` of the active inputs and adds each into its output row,
``out[m] = sum_{k: S[m, k] = 1} W^T[k]``: ``nnz * N`` additions instead of ``M * K * N``
multiply-adds, but scattered reads and writes. :func:`event_driven_products` times it in eager
and under ``torch.compile`` against the dense product at W3's spike rates (10-15 % active).
"""

import functools
import math
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.benchmarks.ort_session import onnxruntime_session
from snn_deploy.benchmarks.timing import measure

SPIKE_RATES = (0.10, 0.15)


def bernoulli_spikes(shape: Tuple[int, ...], rate: float, device: torch.device, seed: int = 0) -> Tensor:
    """0/1 float32 spikes, each active with probability ``rate``."""
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=generator) < rate).float().to(device)


def matmul_floor_call(model: nn.Module, x: Tensor) -> Callable[[], Tuple[Tensor, Tensor]]:
    """W3's dense products alone, for ``model`` with ``input_weights`` (H x I) and
    ``recurrent_weights`` (H x H) on an input ``x`` of shape ``(T, B, I)``: one
    ``(T*B, I) @ W_in^T`` and T ``(B, H) @ W_rec^T`` of ``bernoulli_spikes((B, H), 0.1)``, into
    preallocated outputs; the call returns them (the projection, the last recurrent product)."""
    input_weights = model.get_parameter("input_weights").detach()
    recurrent_weights = model.get_parameter("recurrent_weights").detach()
    steps, batch = x.shape[0], x.shape[1]
    hidden = recurrent_weights.shape[0]
    inputs = x.reshape(steps * batch, -1)
    projected = x.new_empty(steps * batch, hidden)
    spikes = bernoulli_spikes((batch, hidden), SPIKE_RATES[0], x.device)
    recurrent = x.new_empty(batch, hidden)

    def call() -> Tuple[Tensor, Tensor]:
        torch.mm(inputs, input_weights.t(), out=projected)
        for _ in range(steps):
            torch.mm(spikes, recurrent_weights.t(), out=recurrent)
        return projected, recurrent

    return call


def onnxruntime_matmul_floor_call(model: nn.Module, x: Tensor) -> Optional[Callable[[], object]]:
    """:func:`matmul_floor_call`'s products in one onnxruntime graph (CPU, as many threads as
    torch): ``MatMul(x, W_in^T)`` and T chained ``Gemm`` nodes ``r_t = s W_rec^T + r_{t-1}`` (the
    chain keeps onnxruntime from merging equal products; the sum rides in the product's
    epilogue). ``None`` off the CPU."""
    if x.device.type != "cpu":
        return None
    from onnx import TensorProto, helper, numpy_helper

    input_weights = model.get_parameter("input_weights").detach().numpy()
    recurrent_weights = model.get_parameter("recurrent_weights").detach().numpy()
    steps, batch = x.shape[0], x.shape[1]
    hidden = recurrent_weights.shape[0]
    nodes = [
        helper.make_node("MatMul", ["x", "input_weights_t"], ["projected"]),
        helper.make_node("Gemm", ["spikes", "recurrent_weights"], ["recurrent_0"], transB=1),
    ]
    for step in range(1, steps):
        chained = ["spikes", "recurrent_weights", f"recurrent_{step - 1}"]
        nodes.append(helper.make_node("Gemm", chained, [f"recurrent_{step}"], transB=1))
    graph = helper.make_graph(
        nodes,
        "w3_products",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, [steps * batch, input_weights.shape[1]]),
            helper.make_tensor_value_info("spikes", TensorProto.FLOAT, [batch, hidden]),
        ],
        [
            helper.make_tensor_value_info("projected", TensorProto.FLOAT, [steps * batch, hidden]),
            helper.make_tensor_value_info(f"recurrent_{steps - 1}", TensorProto.FLOAT, [batch, hidden]),
        ],
        [
            numpy_helper.from_array(input_weights.T.copy(), "input_weights_t"),
            numpy_helper.from_array(recurrent_weights, "recurrent_weights"),
        ],
    )
    model_proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = onnxruntime_session(model_proto.SerializeToString())
    feeds = {
        "x": x.reshape(steps * batch, -1).numpy(),
        "spikes": bernoulli_spikes((batch, hidden), SPIKE_RATES[0], x.device).numpy(),
    }
    return lambda: session.run(None, feeds)


def event_product(spikes: Tensor, weight_t: Tensor) -> Tensor:
    """``spikes @ weight_t`` for 0/1 ``spikes`` (M x K), by gathering the rows of ``weight_t``
    (K x N) of the active inputs and adding each into its output row."""
    rows, columns = spikes.nonzero(as_tuple=True)
    return spikes.new_zeros(spikes.shape[0], weight_t.shape[1]).index_add(0, rows, weight_t.index_select(0, columns))


@dataclass
class SparseResult:
    """One product at one spike rate on one path (``dense``, ``gather eager``, ``gather compile``);
    ``ratio_to_dense`` below 1 means the event-driven product wins; ``error`` if the path failed."""

    workload: str
    product: str
    rate: float
    path: str
    median_ms: float
    ratio_to_dense: Optional[float] = None
    error: Optional[str] = None
    kind: str = "sparse"


def w3_products(steps: int, batch: int, inputs: int = 256, hidden: int = 512) -> List[Tuple[str, int, int, int]]:
    """W3's products as ``(name, M, K, N)``: the input projection of all steps, the recurrent
    product, and the recurrent product at batch 1 (a stream's step)."""
    return [
        (f"input projection {steps * batch}x{inputs} @ {inputs}x{hidden}", steps * batch, inputs, hidden),
        (f"recurrent {batch}x{hidden} @ {hidden}x{hidden}", batch, hidden, hidden),
        (f"recurrent 1x{hidden} @ {hidden}x{hidden}", 1, hidden, hidden),
    ]


def event_driven_products(
    steps: int, batch: int, device: torch.device, repeats: int, rates: Tuple[float, ...] = SPIKE_RATES
) -> List[SparseResult]:
    """Time every product of :func:`w3_products` at every rate: dense ``torch.mm``, then
    :func:`event_product` in eager and compiled (``dynamic=True``: the number of active inputs
    varies). A path that fails is reported with its error."""
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    compiled_product = torch.compile(event_product, dynamic=True)
    paths: Dict[str, Callable[[Tensor, Tensor], Tensor]] = {
        "dense": torch.mm,
        "gather eager": event_product,
        "gather compile": compiled_product,
    }
    results = []
    for name, rows, inner, outer in w3_products(steps, batch):
        weight_t = torch.randn(inner, outer, generator=torch.Generator().manual_seed(1)).to(device) / math.sqrt(inner)
        for rate in rates:
            spikes = bernoulli_spikes((rows, inner), rate, device)
            dense_ms: Optional[float] = None
            for path, product in paths.items():
                try:
                    call = functools.partial(product, spikes, weight_t)
                    median = measure(call, repeats=repeats, synchronize=sync).median
                except Exception as error:
                    message = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:200]}"
                    results.append(SparseResult("W3", name, rate, path, math.nan, error=message))
                    continue
                dense_ms = median * 1e3 if path == "dense" else dense_ms
                ratio = median * 1e3 / dense_ms if dense_ms else None
                results.append(SparseResult("W3", name, rate, path, median * 1e3, ratio))
    return results


def format_sparse_table(results: List[SparseResult]) -> str:
    """One row per result, then where the event-driven product wins (``x dense`` below 1)."""
    header = ("product", "rate", "path", "median ms", "x dense")
    rows = [
        (
            r.product,
            f"{r.rate:.2f}",
            r.path,
            f"FAILED: {r.error}" if r.error else f"{r.median_ms:.4f}",
            f"{r.ratio_to_dense:.2f}" if r.ratio_to_dense else "-",
        )
        for r in results
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in [header, *rows]]
    wins = [f"{r.product} at {r.rate:.2f} ({r.path})" for r in results if r.ratio_to_dense and r.ratio_to_dense < 1]
    return "\n".join([*lines, f"event-driven wins: {'; '.join(wins) if wins else 'nowhere'}"])
