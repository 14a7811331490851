"""``compile_model``: ``torch.compile(fullgraph=True)`` tuned for unrolled time loops.

A layer's time loop unrolls into T copies of a few element-wise operations. With inductor's
default limits (``max_fusion_size=64`` nodes, ``realize_opcount_threshold=30``) long chains are
cut into many kernels, some of which recompute the chain; raising both lets inductor fuse the
loop into one kernel that keeps the state in registers across time steps.

Fusing *all* T steps is not best for long sequences: the kernel then reads T input and writes T
output streams at once, more than the CPU's prefetchers follow, and it compiles for minutes at
T=256. ``time_chunk=k`` runs the sequence as ``ceil(T/k)`` calls of one compiled graph of ``k``
steps, each copying its output into one preallocated output. Measured on the 2-core CPU (LIF,
B=64, N=4096, T=256): ``time_chunk=4`` runs at 1.6-2.8x the copy floor across runs and compiles
in seconds; whole-sequence fusion at T=32 already runs at 8.7x.

``channels_last=True`` stores 2-D convolution weights channels-last, the layout mkldnn
convolutions run fastest in (the W2 conv SNN, chunked: 80-100 ms, against 120-197 ms without).
"""

import itertools
import types
from typing import Any, Callable, Optional, Tuple, cast

import torch
from torch import Tensor, nn

FUSE_TIME_LOOP = {"max_fusion_size": 100_000, "realize_opcount_threshold": 100_000}


def compile_model(
    model: nn.Module, *, time_chunk: Optional[int] = None, channels_last: bool = False, **kwargs: Any
) -> nn.Module:
    """``torch.compile(model, fullgraph=True, options=FUSE_TIME_LOOP | options)``.

    ``time_chunk``: run a ``(T, B, ...)`` sequence model in compiled chunks of this many steps
    (see :class:`ChunkedTimeLoop`). ``channels_last``: store the model's 4-D parameters and
    buffers (2-D convolution weights) channels-last first, in place. Other keyword arguments go
    to ``torch.compile`` unchanged.
    """
    if time_chunk is not None:
        _check_time_chunk(time_chunk)
    if channels_last:
        _to_channels_last(model)
    options = {**FUSE_TIME_LOOP, **kwargs.pop("options", {})}
    if time_chunk is None:
        return cast(nn.Module, torch.compile(model, fullgraph=True, options=options, **kwargs))  # an OptimizedModule
    return ChunkedTimeLoop(model, time_chunk, lambda f: torch.compile(f, fullgraph=True, options=options, **kwargs))


def _check_time_chunk(time_chunk: Any) -> None:
    if isinstance(time_chunk, bool) or not isinstance(time_chunk, int) or time_chunk < 1:
        raise ValueError(f"compile_model: time_chunk must be a positive int, got {time_chunk!r}")


def _to_channels_last(model: nn.Module) -> None:
    """Only 4-D tensors: ``model.to(memory_format=...)`` would also try 5-D ones (``LConv2d``)."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        if tensor.dim() == 4:
            tensor.data = tensor.data.contiguous(memory_format=torch.channels_last)


class ChunkedTimeLoop(nn.Module):
    """``forward(x, state)`` of a sequence model as compiled chunks of ``time_chunk`` steps.

    For inference, the first chunk runs ``model(x[:k], state)``; the output for all T steps is
    then allocated once and every later chunk runs ``model(x[t:t+k], state)`` with its output
    copied into ``output[t:t+k]`` inside the compiled graph. With gradients on, the chunks' outputs
    are concatenated instead (an in-place write would copy the whole output's gradient per chunk).
    The values and gradients are those of ``model(x, state)``. Each new chunk length (a shorter
    last chunk) compiles once more, unless ``dynamic`` shapes are on.
    """

    def __init__(self, model: nn.Module, time_chunk: int, compile_function: Callable[[Callable], Callable]):
        super().__init__()
        _check_time_chunk(time_chunk)
        self.model = model
        self.time_chunk = time_chunk
        self._chunk = compile_function(_own_code(_run_chunk))
        self._chunk_into = compile_function(_own_code(_run_chunk_into))

    def forward(self, input_tensor: Tensor, state: Any = None) -> Tuple[Tensor, Any]:
        if not isinstance(input_tensor, Tensor) or input_tensor.dim() < 2:
            got = (
                f"shape {tuple(input_tensor.shape)}"
                if isinstance(input_tensor, Tensor)
                else type(input_tensor).__name__
            )
            raise ValueError(f"compile_model(time_chunk=...): expected an input of shape (time, batch, ...), got {got}")
        steps, chunk = input_tensor.shape[0], self.time_chunk
        first, state = self._chunk(self.model, input_tensor[:chunk], state)
        if first.dim() == 0 or first.shape[0] != min(steps, chunk):
            raise ValueError(
                "compile_model(time_chunk=...): the model must return a (time, batch, ...) output with one "
                f"step per input step; {min(steps, chunk)} steps in gave shape {tuple(first.shape)}"
            )
        if steps <= chunk:
            return first, state
        if torch.is_grad_enabled():
            outputs = [first]
            for start in range(chunk, steps, chunk):
                output, state = self._chunk(self.model, input_tensor[start : start + chunk], state)
                outputs.append(output)
            return torch.cat(outputs), state
        output = first.new_empty((steps, *first.shape[1:]))
        output[:chunk] = first
        for start in range(chunk, steps, chunk):
            state = self._chunk_into(
                self.model, input_tensor[start : start + chunk], state, output[start : start + chunk]
            )
        return output, state


def _run_chunk(model: nn.Module, chunk: Tensor, state: Any) -> Tuple[Tensor, Any]:
    return model(chunk, state)


def _run_chunk_into(model: nn.Module, chunk: Tensor, state: Any, output: Tensor) -> Any:
    chunk_output, state = model(chunk, state)
    output.copy_(chunk_output)
    return state


def _own_code(function: Callable) -> Callable:
    """A copy of ``function`` with a code object of its own. Dynamo keeps the graphs it compiled
    per code object, at most ``recompile_limit`` (8) of them, and with ``fullgraph=True`` one
    more is an error: each chunked model gets its own cache instead of sharing one."""
    return types.FunctionType(function.__code__.replace(), function.__globals__, function.__name__)
