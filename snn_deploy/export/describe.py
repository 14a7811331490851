"""Find the artifact's signature from eager runs: names, shapes, batch axes, initial state.

Each tensor's batch axis is the one axis whose size follows the batch when the model runs at two
batch sizes; a tensor whose shape does not change has none (and a fully static shape).
"""

from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.artifact.layout import Layout
from snn_deploy.errors import ExportError
from snn_deploy.export.boundary import Boundary, check_exportable, initial_state, layout_of
from snn_deploy.manifest import INPUT_NAME, NEW_STATE_PREFIX, OUTPUT_NAME, STATE_PREFIX, StateSpec, TensorSpec
from snn_deploy.state import named_tensors, rebuild


@dataclass
class ExportSignature:
    """What the exporters and the validation need to know about one model in one mode: the
    traced boundary module and its example tensors besides the manifest's tensor specs (the
    runtime's :class:`snn_deploy.runtime.signature.Signature` is read back from those specs)."""

    boundary: Boundary
    layout: Layout
    time_steps: Optional[int]
    inputs: List[TensorSpec]
    outputs: List[TensorSpec]
    state: List[StateSpec]
    trace_args: Tuple[Tensor, ...]

    @property
    def input_batch_axis(self) -> int:
        return self.layout.input_batch_axis

    @property
    def input_names(self) -> List[str]:
        return [spec.name for spec in self.inputs]

    @property
    def output_names(self) -> List[str]:
        return [spec.name for spec in self.outputs]

    def dynamic_shapes(self) -> Tuple[Any, ...]:
        """``torch.export`` dynamic shapes: the batch axes of the inputs are dynamic. ``Dim.AUTO``
        lets the exporter keep guards that hold for every batch of at least 1 but that it cannot
        prove symbolically (views of folded ``T*B`` batches); validation then runs the artifact
        at another batch size, so a batch that got fixed by mistake cannot pass unnoticed."""
        batch = torch.export.Dim.AUTO
        per_input = [{} if spec.batch_axis is None else {spec.batch_axis: batch} for spec in self.inputs]
        return (per_input[0], tuple(per_input[1:])) if len(per_input) > 1 else (per_input[0],)


def numpy_dtype(dtype: torch.dtype) -> str:
    return str(torch.empty(0, dtype=dtype).numpy().dtype)


def resize_batch(tensor: Tensor, axis: int, batch: int) -> Tensor:
    """``tensor`` with ``batch`` samples along ``axis``, repeating its samples cyclically."""
    index = torch.arange(batch, device=tensor.device) % tensor.shape[axis]
    return tensor.index_select(axis, index)


def _check_example(model: nn.Module, layout: Layout, example: Any) -> int:
    if not isinstance(example, Tensor) or not example.is_floating_point():
        got = f"dtype {example.dtype}" if isinstance(example, Tensor) else type(example).__name__
        raise ExportError(f"wrong example input: expected a floating-point tensor, got {got}")
    axis = layout.input_batch_axis
    expected = "(batch, ...)" if axis == 0 else "(time, batch, ...)"
    if example.dim() <= axis or example.shape[axis] == 0 or (axis == 1 and example.shape[0] == 0):
        raise ExportError(
            f"wrong example input for {type(model).__name__} in {layout.mode.value} mode: "
            f"expected a tensor of shape {expected}, got shape {tuple(example.shape)}"
        )
    return axis


def run_eager(boundary: Boundary, args: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
    """The boundary on ``args``; a model error becomes an :class:`ExportError` naming the input."""
    try:
        return boundary(*args)
    except ExportError:
        raise
    except Exception as error:  # the model's own input checks: report them as a wrong example
        raise ExportError(
            f"wrong example input: {type(boundary.model).__name__} fails on an input of shape "
            f"{tuple(args[0].shape)}: {error}"
        ) from None


def _batch_axis(name: str, small: Tensor, large: Tensor, batches: Tuple[int, int]) -> Optional[int]:
    if small.dim() != large.dim():
        raise ExportError(f"'{name}' changes rank with the batch size")
    axes = [axis for axis in range(small.dim()) if small.shape[axis] != large.shape[axis]]
    if not axes:
        return None
    if len(axes) > 1 or (small.shape[axes[0]], large.shape[axes[0]]) != batches:
        raise ExportError(f"'{name}' has no single batch axis: shapes {tuple(small.shape)} and {tuple(large.shape)}")
    return axes[0]


def _spec(name: str, tensor: Tensor, axis: Optional[int]) -> TensorSpec:
    shape: List[Optional[int]] = list(tensor.shape)
    if axis is not None:
        shape[axis] = None
    return TensorSpec(name, shape, numpy_dtype(tensor.dtype))


def _state_spec(path: str, tensor: Tensor, axis: Optional[int]) -> StateSpec:
    sample = tensor if axis is None else tensor.select(axis, 0)
    flat = sample.flatten()
    constant = flat.numel() > 0 and bool((flat == flat[0]).all())
    return StateSpec(
        path=path,
        shape=list(sample.shape),
        dtype=numpy_dtype(tensor.dtype),
        fill=float(flat[0]) if constant else None,
        values=None if constant else sample.tolist(),
    )


def _check_deterministic(boundary: Boundary, args: Tuple[Tensor, ...]) -> None:
    results = []
    for seed in (1, 2):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            results.append(run_eager(boundary, args))
    if any(not torch.equal(a, b) for a, b in zip(*results)):
        raise ExportError(
            f"{type(boundary.model).__name__} draws random numbers (a random encoder such as "
            "PoissonEncoder): an artifact would not reproduce its spikes; export the network after "
            "the encoder and encode the input at run time"
        )


def _check_step_locality(boundary: Boundary, args: Tuple[Tensor, ...], state: List[Tensor]) -> None:
    """A sequence model in step mode must give, step by step, what it gives on the whole sequence
    (false for stateless models that look across time, such as SpikeLatencyEncoder)."""
    first, second = args[0], args[0].flip(0)
    model, stateful = boundary.model, boundary.stateful
    whole = (
        model(torch.stack([first, second]), rebuild(boundary.template, iter(state)))
        if stateful
        else model(torch.stack([first, second]))
    )
    whole_output = whole[0] if stateful else whole
    step_one = boundary(first, *state)
    step_two = boundary(second, *step_one[1:])
    stepped = torch.stack([step_one[0], step_two[0]])
    if stepped.shape != whole_output.shape or not torch.allclose(stepped, whole_output, rtol=1e-5, atol=1e-6):
        raise ExportError(
            f"{type(model).__name__} does not give step by step what it gives on the whole sequence "
            "(it looks across time steps without a state); export it in sequence mode"
        )


def _initial_state(model: nn.Module, layout: Layout, input_tensor: Tensor) -> Any:
    try:
        return initial_state(model, layout, input_tensor)
    except Exception as error:
        raise ExportError(
            f"wrong example input: {type(model).__name__}.initial_state fails on an input of shape "
            f"{tuple(input_tensor.shape)}: {error}"
        ) from None


def describe(model: nn.Module, example: Tensor, step: bool) -> ExportSignature:
    """Check ``model`` and ``example`` for export in step mode (``step``) or sequence mode and
    find its signature."""
    check_exportable(model)
    layout = layout_of(model, step)
    if layout.is_encoder and layout.is_step:
        raise ExportError(
            f"{type(model).__name__} is an encoder: it turns one input into a whole (time, batch, ...) "
            "spike train and has no single time step; export it in sequence mode (step=False)"
        )
    axis = _check_example(model, layout, example)
    batches = (max(example.shape[axis], 2), max(example.shape[axis], 2) + 1)
    input_tensors = [resize_batch(example, axis, batch) for batch in batches]
    initial = [_initial_state(model, layout, input_tensor) for input_tensor in input_tensors]
    boundary = Boundary(model, layout, initial[0])
    runs: List[Tuple[List[Tuple[str, Tensor]], Tuple[Tensor, ...]]] = []
    for input_tensor, state in zip(input_tensors, initial):
        named = named_tensors(state)
        results = run_eager(boundary, (input_tensor, *[tensor for _, tensor in named]))
        runs.append((named, (input_tensor,) + results))
    (small_state, small), (large_state, large) = runs
    inputs = [_spec(INPUT_NAME, small[0], axis)]
    states: List[StateSpec] = []
    for (path, tensor), (_, other) in zip(small_state, large_state):
        state_axis = _batch_axis(STATE_PREFIX + path, tensor, other, batches)
        inputs.append(_spec(STATE_PREFIX + path, tensor, state_axis))
        states.append(_state_spec(path, tensor, state_axis))
    output_names = [OUTPUT_NAME] + [NEW_STATE_PREFIX + path for path, _ in small_state]
    outputs = [
        _spec(name, tensor, _batch_axis(name, tensor, other, batches))
        for name, tensor, other in zip(output_names, small[1:], large[1:])
    ]
    for state_spec, new_spec in zip(inputs[1:], outputs[1:]):
        if state_spec.shape != new_spec.shape:
            raise ExportError(f"'{new_spec.name}' has shape {new_spec.shape}, its state {state_spec.shape}")
    # distinct tensors: torch.export merges aliased inputs (a state made as z = i = zeros) into one
    trace_args = (small[0].clone(), *[tensor.clone() for _, tensor in small_state])
    _check_deterministic(boundary, trace_args)
    if layout.steps_sequence:
        _check_step_locality(boundary, trace_args, list(trace_args[1:]))
    time_steps = None if layout.is_step else int(small[1].shape[0] if layout.is_encoder else example.shape[0])
    return ExportSignature(boundary, layout, time_steps, inputs, outputs, states, trace_args)
