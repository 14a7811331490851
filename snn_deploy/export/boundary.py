"""The flat module at the artifact boundary: ``forward(input, *state) -> (output, *new_state)``.

Models come in three kinds (:class:`~snn_deploy.artifact.layout.Kind`), told apart by
:func:`model_kind`:

* ``cell``: one time step ``(B, ...)`` with state (a :class:`NeuronCell`);
* ``encoder``: ``(B, ...)`` to a ``(T, B, ...)`` spike train, no state (a ``seq_length`` attribute,
  alone or as the first layer of a container);
* ``sequence``: everything else, on ``(T, B, ...)`` (layers, ``SequentialState``, ``Lift``, ...).

Sequence mode of a cell loops it over the ``T`` steps of its input; step mode of a sequence model
runs it on a length-1 sequence. So a step artifact holds one step, whatever ``T`` is. A sequence
model whose layers all have a one-step form (see :func:`one_step_layers`) runs them on the step
directly instead, so its step graph has no length-1 time axis put on and taken off at every layer.
"""

import inspect
from typing import Any, List, Optional, Tuple, cast

import torch
from torch import Tensor, nn

from snn_deploy.artifact.layout import Kind, Layout, mode_of
from snn_deploy.errors import ExportError
from snn_deploy.module.lift import Lift
from snn_deploy.module.regularization import RegularizationCell
from snn_deploy.module.sequential import SequentialState, is_stateful
from snn_deploy.module.snn import NeuronCell, NeuronLayer, check_call
from snn_deploy.state import named_leaves, named_tensors, rebuild


def _is_encoder(model: nn.Module) -> bool:
    if isinstance(getattr(model, "seq_length", None), int):
        return True
    return isinstance(model, nn.Sequential) and len(model) > 0 and _is_encoder(model[0])


def model_kind(model: nn.Module) -> Kind:
    """``cell``, ``encoder`` or ``sequence`` (see the module docstring)."""
    if isinstance(model, NeuronCell):
        return Kind.CELL
    return Kind.ENCODER if _is_encoder(model) else Kind.SEQUENCE


def layout_of(model: nn.Module, step: bool) -> Layout:
    """The layout of ``model``'s artifact in step mode (``step``) or sequence mode."""
    return Layout(mode_of(step), model_kind(model))


def check_exportable(model: nn.Module) -> None:
    """Raise :class:`ExportError` naming the first module whose state cannot be flattened."""
    if not isinstance(model, nn.Module):
        raise ExportError(f"expected a torch.nn.Module to export, got {type(model).__name__}")
    for name, module in model.named_modules():
        where = f"'{name}' ({type(module).__name__})" if name else type(module).__name__
        if isinstance(module, RegularizationCell):
            raise ExportError(
                f"{where} keeps its running total in a module attribute, a training-time helper "
                "that cannot be exported; remove it from the model before export"
            )
        if isinstance(module, nn.RNNBase):
            raise ExportError(
                f"{where}: torch RNN layers are not supported at the artifact boundary; "
                "use the snn_deploy recurrent layers (e.g. LIFRecurrent)"
            )
        if is_stateful(module) and not hasattr(module, "initial_state"):
            raise ExportError(
                f"{where} keeps a state but has no initial_state(input) method, so its state "
                "cannot be flattened into named artifact inputs"
            )
    extra = _extra_call_arguments(model)
    if extra:
        raise ExportError(
            f"{type(model).__name__} takes {', '.join(extra)} as call arguments besides its input; "
            "an artifact takes one input tensor (and the state): wrap it in a module that owns them"
        )


def _extra_call_arguments(model: nn.Module) -> List[str]:
    """Required ``forward`` arguments besides the input (and ``state``)."""
    parameters = list(inspect.signature(model.forward).parameters.values())[1:]
    return [
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _runs_its_own_forward(module: nn.Module) -> bool:
    """True if calling ``module`` runs this package's ``forward`` and nothing else: no forward
    hooks (its own or global) and no ``forward`` overridden by a subclass outside the package."""
    hooked = module._forward_hooks or module._forward_pre_hooks
    global_hooks = nn.modules.module._global_forward_hooks or nn.modules.module._global_forward_pre_hooks
    return not hooked and not global_hooks and type(module).forward.__module__.startswith("snn_deploy.")


def _has_one_step_form(module: nn.Module) -> bool:
    if not _runs_its_own_forward(module):
        return False
    return (isinstance(module, NeuronLayer) and hasattr(module, "step")) or (
        isinstance(module, Lift) and not module.is_stateful
    )


def one_step_layers(model: nn.Module) -> Optional[List[nn.Module]]:
    """The layers of a sequence model that runs one step layer by layer, or ``None``: a neuron
    layer (its ``step(x_t, state)``, the update its ``forward`` loops over time), a stateless
    :class:`Lift` (``y_t = f(x_t)``), or a :class:`SequentialState` of those, each running this
    package's own ``forward`` (no hooks, no overriding subclass: those run on a length-1 sequence)."""
    if isinstance(model, SequentialState):
        return list(model) if _runs_its_own_forward(model) and all(map(_has_one_step_form, model)) else None
    return [model] if _has_one_step_form(model) else None


def _layer_step(layer: nn.Module, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
    """One step of a layer of :func:`one_step_layers`; a neuron layer's input and state are
    checked as its ``forward`` checks them, with the same errors."""
    if isinstance(layer, Lift):
        return layer.lifted_module(input_tensor), None
    neuron_layer = cast(NeuronLayer, layer)  # one_step_layers admits neuron layers besides Lift
    checked, state = check_call(neuron_layer, input_tensor.unsqueeze(0), state)  # only read: no node in the graph
    if checked.dtype != input_tensor.dtype:  # bool spikes, as the layer's forward converts them
        input_tensor = input_tensor.to(checked.dtype)
    return cast(Any, neuron_layer).step(input_tensor, state)


def native_input(layout: Layout, input_tensor: Tensor) -> Tensor:
    """The input the model itself takes for one call of the artifact's input: the first step of
    a cell's sequence, a length-1 sequence of a sequence model's step."""
    if layout.loops_cell:
        return input_tensor[0]
    if layout.steps_sequence:
        return input_tensor.unsqueeze(0)
    return input_tensor


def initial_state(model: nn.Module, layout: Layout, input_tensor: Tensor) -> Any:
    """The model's initial state for the artifact input ``input_tensor`` (``None`` if stateless)."""
    if not is_stateful(model):
        return None
    return cast(Any, model).initial_state(native_input(layout, input_tensor))


def _placeholders(state: Any) -> Any:
    """The state's structure with its tensors replaced by empty placeholders (no data kept)."""
    leaves = iter([torch.empty(0) for _ in named_tensors(state)])
    return rebuild(state, leaves)


class Boundary(nn.Module):
    """Wrap ``model`` as ``forward(input, *state_tensors) -> (output, *new_state_tensors)``, the
    state tensors in :func:`snn_deploy.state.named_tensors` order of ``state_template``."""

    def __init__(self, model: nn.Module, layout: Layout, state_template: Any):
        super().__init__()
        self.model = model
        self.loops_cell = layout.loops_cell
        self.steps_sequence = layout.steps_sequence
        self.stateful = state_template is not None
        self.template = _placeholders(state_template)
        self.layers = one_step_layers(model) if layout.steps_sequence else None

    def forward(self, input_tensor: Tensor, *state_tensors: Tensor) -> Tuple[Tensor, ...]:
        state = rebuild(self.template, iter(state_tensors)) if self.stateful else None
        if self.loops_cell:
            output, state = self._over_time(input_tensor, state)
        elif self.layers is not None:
            output, state = self._step_layers(input_tensor, state)
        elif self.steps_sequence:
            output, state = self._call(input_tensor.unsqueeze(0), state)
            output = output.squeeze(0)
        else:
            output, state = self._call(input_tensor, state)
        return (output, *[tensor for _, tensor in named_tensors(state)])

    def _step_layers(self, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
        """One step through :attr:`layers`, with the state structure the model's forward returns."""
        if not isinstance(self.model, SequentialState):
            return _layer_step(self.model, input_tensor, state)
        new_state: List[Any] = []
        for index, layer in enumerate(self.model):
            input_tensor, layer_state = _layer_step(layer, input_tensor, None if state is None else state[index])
            new_state.append(layer_state)
        return input_tensor, new_state if self.stateful else None

    def _over_time(self, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
        outputs: List[Tensor] = []
        for input_t in input_tensor:
            output, state = self._call(input_t, state)
            outputs.append(output)
        return torch.stack(outputs), state

    def _call(self, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Optional[Any]]:
        if self.stateful:
            result = self.model(input_tensor, state)
        else:
            result = self.model(input_tensor)
        output, new_state = result if self.stateful and isinstance(result, tuple) else (result, None)
        if not isinstance(output, Tensor):
            raise ExportError(
                f"{type(self.model).__name__} returns {type(result).__name__}; expected a tensor, "
                "or (tensor, state) from a stateful module"
            )
        if self.stateful and [name for name, _ in named_leaves(new_state)] != [name for name, _ in named_leaves(state)]:
            raise ExportError(f"{type(self.model).__name__} returns a state of another structure than it takes")
        return output, new_state
