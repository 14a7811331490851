"""``compile_model``: ``torch.compile(fullgraph=True)`` tuned for unrolled time loops.

A layer's time loop unrolls into T copies of a few element-wise operations. With inductor's
default limits (``max_fusion_size=64`` nodes, ``realize_opcount_threshold=30``) long chains are
cut into many kernels, some of which recompute the chain; raising both lets inductor fuse the
loop into one kernel that keeps the state in registers across time steps.

Fusing *all* T steps is not best for long sequences: the kernel then reads T input and writes T
output streams at once, more than the CPU's prefetchers follow, and it compiles for minutes at
T=256. ``time_chunk=k`` runs the sequence as ``ceil(T/k)`` calls of one compiled graph of ``k``
steps, each writing straight into the preallocated output. Measured on the 2-core CPU (LIF,
B=64, N=4096, T=256): ``time_chunk=4`` runs at about 2.3x the copy floor and compiles in
seconds, whole-sequence fusion at T=32 already runs at 8.7x.

``channels_last=True`` stores 4-D weights channels-last, the layout mkldnn convolutions run
fastest in (the W2 conv SNN: 87 ms instead of 120 ms).
"""

from typing import Any, Optional, Tuple

import torch
from torch import Tensor, nn

FUSE_TIME_LOOP = {"max_fusion_size": 100_000, "realize_opcount_threshold": 100_000}


def compile_model(
    model: nn.Module, *, time_chunk: Optional[int] = None, channels_last: bool = False, **kwargs: Any
) -> nn.Module:
    """``torch.compile(model, fullgraph=True, options=FUSE_TIME_LOOP | options)``.

    ``time_chunk``: run a ``(T, B, ...)`` sequence model in compiled chunks of this many steps
    (see :class:`ChunkedTimeLoop`). ``channels_last``: convert the model's 4-D weights to the
    channels-last memory format first (in place, as ``model.to(memory_format=...)`` does).
    Other keyword arguments go to ``torch.compile`` unchanged.
    """
    if channels_last:
        model.to(memory_format=torch.channels_last)
    options = {**FUSE_TIME_LOOP, **kwargs.pop("options", {})}
    if time_chunk is None:
        return torch.compile(model, fullgraph=True, options=options, **kwargs)
    return ChunkedTimeLoop(model, time_chunk, lambda f: torch.compile(f, fullgraph=True, options=options, **kwargs))


class ChunkedTimeLoop(nn.Module):
    """``forward(x, state)`` of a sequence model as compiled chunks of ``time_chunk`` steps.

    The first chunk runs ``model(x[:k], state)``; the output for all T steps is then allocated
    once and every later chunk runs ``model(x[t:t+k], state)`` with its output written into
    ``output[t:t+k]`` inside the compiled graph (no concatenation). A last, shorter chunk
    compiles once more for its length. The values are those of ``model(x, state)``.
    """

    def __init__(self, model: nn.Module, time_chunk: int, compile_function: Any):
        super().__init__()
        if isinstance(time_chunk, bool) or not isinstance(time_chunk, int) or time_chunk < 1:
            raise ValueError(f"compile_model: time_chunk must be a positive int, got {time_chunk!r}")
        self.model = model
        self.time_chunk = time_chunk
        self._first_chunk = compile_function(self._run)
        self._next_chunk = compile_function(self._run_into)

    def _run(self, chunk: Tensor, state: Any) -> Tuple[Tensor, Any]:
        return self.model(chunk, state)

    def _run_into(self, chunk: Tensor, state: Any, output: Tensor) -> Any:
        chunk_output, state = self.model(chunk, state)
        output.copy_(chunk_output)
        return state

    def forward(self, input_tensor: Tensor, state: Any = None) -> Tuple[Tensor, Any]:
        if not isinstance(input_tensor, Tensor) or input_tensor.dim() < 2:
            got = f"shape {tuple(input_tensor.shape)}" if isinstance(input_tensor, Tensor) else type(input_tensor).__name__
            raise ValueError(f"compile_model(time_chunk=...): expected an input of shape (time, batch, ...), got {got}")
        steps, chunk = input_tensor.shape[0], self.time_chunk
        first, state = self._first_chunk(input_tensor[:chunk], state)
        if steps <= chunk:
            return first, state
        output = first.new_empty((steps, *first.shape[1:]))
        output[:chunk] = first
        for start in range(chunk, steps, chunk):
            state = self._next_chunk(input_tensor[start : start + chunk], state, output[start : start + chunk])
        return output, state
