"""Base classes of every neuron module: parameters as buffers, one step, and the time loop.

A neuron model is a small mixin with two typed methods,

* ``initial_step_state(x_t) -> State``: the reference initial state for one time step's input,
* ``step(x_t, state) -> (output, State)``: one Euler step (a call into ``snn_deploy.functional``),

combined with one of the bases below: :class:`SNNCell` (one step), :class:`SNN` (a ``(T, B, ...)``
sequence), :class:`SNNRecurrentCell` and :class:`SNNRecurrent` (with input and recurrent weights).

The bases write ``forward`` and ``initial_state`` once. TorchScript needs the concrete state type
in each method's signature, so when a subclass defines ``step``, :func:`_specialize` copies those
methods with ``StateT`` bound to the state type of ``step``; their code is shared, not repeated.
"""

import math
import types
import typing
from typing import Any, Callable, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.threshold import check_threshold_method
from snn_deploy.state import check_state_matches, is_namedtuple


class StateT:
    """Placeholder for a neuron model's state type inside the method templates below."""


def _specialize(template: Callable, state_type: type, name: str) -> Callable:
    """Copy ``template`` as method ``name`` with ``StateT`` bound to ``state_type``, in its globals
    (which TorchScript uses to resolve the names in the source) and in its annotations (which
    Python tools read)."""
    namespace = dict(template.__globals__, StateT=state_type)
    function = types.FunctionType(template.__code__, namespace, name, template.__defaults__, template.__closure__)
    function.__qualname__ = name
    function.__doc__ = template.__doc__
    function.__annotations__ = {
        name: _substitute_state_type(hint, state_type) for name, hint in typing.get_type_hints(template).items()
    }
    return function


def _substitute_state_type(hint: Any, state_type: type) -> Any:
    if hint is StateT:
        return state_type
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if not args:
        return hint
    generic = {tuple: Tuple, typing.Union: typing.Union}[origin]
    return generic[tuple(_substitute_state_type(arg, state_type) for arg in args)]


def _step_state_type(cls: type) -> Optional[type]:
    step = getattr(cls, "step", None)
    if step is None:
        return None
    return typing.get_type_hints(step).get("state")


# ---------------------------------------------------------------------------------------------
# Parameters


def _is_tensor_field(named_tuple_type: type, field: str) -> bool:
    return typing.get_type_hints(named_tuple_type).get(field) is Tensor


class ParameterTupleModule(nn.Module):
    """A module whose neuron parameters ``p`` (a NamedTuple) live in buffers.

    Every tensor field of ``p`` becomes a buffer (or stays an ``nn.Parameter`` if it is one, so
    parameters can be made learnable), named by its field path (``lif_v_th`` for ``p.lif.v_th``).
    A ``method`` field at any depth must name a known threshold.
    ``self.p`` is rebuilt from them after ``.to()``, so it always follows the module's device
    and dtype. Strings and floats (``method``, ``alpha``) stay Python constants.
    """

    def __init__(self, p: Any, dt: float = 0.001):
        super().__init__()
        self.dt = float(dt)
        self.p = self._register_fields(p, "")

    def _register_fields(self, p: Any, prefix: str) -> Any:
        values = []
        for field, value in zip(p._fields, p):
            name = f"{prefix}{field}"
            if is_namedtuple(value):
                values.append(self._register_fields(value, f"{name}_"))
            elif isinstance(value, nn.Parameter):
                self.register_parameter(name, value)
                values.append(value)
            elif _is_tensor_field(type(p), field):
                self.register_buffer(name, torch.as_tensor(value, dtype=_float_dtype(value)).clone())
                values.append(getattr(self, name))
            else:
                if field == "method":
                    check_threshold_method(value, type(self).__name__)
                values.append(value)
        return type(p)(*values)

    def _rebuild_fields(self, p: Any, prefix: str) -> Any:
        values = []
        for field, value in zip(p._fields, p):
            name = f"{prefix}{field}"
            if is_namedtuple(value):
                values.append(self._rebuild_fields(value, f"{name}_"))
            else:
                values.append(getattr(self, name) if isinstance(value, Tensor) else value)
        return type(p)(*values)

    def _apply(self, fn, recurse=True):
        module = super()._apply(fn, recurse)
        self.p = self._rebuild_fields(self.p, "")
        return module

    def extra_repr(self) -> str:
        return f"p={self.p}, dt={self.dt}"


def _float_dtype(value: Any) -> torch.dtype:
    if isinstance(value, Tensor) and value.is_floating_point():
        return value.dtype
    return torch.get_default_dtype()


# ---------------------------------------------------------------------------------------------
# Input checks (Python side: eager, torch.compile and torch.export; TorchScript skips them)


def _check_input(module: nn.Module, input_tensor: Tensor, min_dim: int, exact_dim: int = 0) -> None:
    owner = type(module).__name__
    if not isinstance(input_tensor, Tensor):
        raise TypeError(f"{owner}: expected a tensor input, got {type(input_tensor).__name__}")
    if not input_tensor.is_floating_point():
        raise TypeError(f"{owner}: expected a floating-point input, got dtype {input_tensor.dtype}")
    if exact_dim and input_tensor.dim() != exact_dim:
        raise ValueError(
            f"{owner}: expected a {exact_dim}-D input {module.input_layout}, "
            f"got {input_tensor.dim()}-D with shape {tuple(input_tensor.shape)}"
        )
    if input_tensor.dim() < min_dim:
        raise ValueError(
            f"{owner}: expected an input of at least {min_dim} dimensions {module.input_layout}, "
            f"got {input_tensor.dim()}-D with shape {tuple(input_tensor.shape)}"
        )
    input_size = getattr(module, "input_size", None)
    if input_size is not None and input_tensor.shape[-1] != input_size:
        raise ValueError(
            f"{owner}: expected {input_size} input features in the last dimension, "
            f"got {input_tensor.shape[-1]} (input shape {tuple(input_tensor.shape)})"
        )


@torch.jit.unused
def _check_call(module: nn.Module, input_tensor: Tensor, state: Any) -> None:
    """Check the input's rank, dtype and features and, if given, the state's structure and shapes."""
    _check_input(module, input_tensor, module.min_input_dim, module.exact_input_dim)
    if state is not None:
        if isinstance(state, (list, tuple)) and not is_namedtuple(state):
            raise TypeError(f"{type(module).__name__}: expected a state NamedTuple, got {type(state).__name__}")
        check_state_matches(type(module).__name__, state, module.initial_state(input_tensor))


# ---------------------------------------------------------------------------------------------
# Method templates, specialized per neuron model by _specialize


def _cell_forward(self, input_tensor: Tensor, state: Optional[StateT] = None) -> Tuple[Tensor, StateT]:
    """One time step: ``(output, new_state)``; ``state=None`` starts from the initial state."""
    if not torch.jit.is_scripting():
        _check_call(self, input_tensor, state)
    if state is None:
        return self.step(input_tensor, self.initial_step_state(input_tensor))
    return self.step(input_tensor, state)


def _cell_initial_state(self, input_tensor: Tensor) -> StateT:
    """The reference initial state for the input of one time step."""
    return self.initial_step_state(input_tensor)


def _layer_forward(self, input_tensor: Tensor, state: Optional[StateT] = None) -> Tuple[Tensor, StateT]:
    """Run the ``(T, B, ...)`` input through time: ``(outputs for all T, final state)``."""
    if not torch.jit.is_scripting():
        _check_call(self, input_tensor, state)
    s = self.initial_step_state(input_tensor[0]) if state is None else state
    outputs: List[Tensor] = []
    for input_t in input_tensor:
        output, s = self.step(input_t, s)
        outputs.append(output)
    return torch.stack(outputs), s


def _layer_initial_state(self, input_tensor: Tensor) -> StateT:
    """The reference initial state for a ``(T, B, ...)`` input sequence."""
    return self.initial_step_state(input_tensor[0])


def _forward_any(self, input_tensor: Tensor, state: Optional[Any]) -> Tuple[Tensor, Any]:
    """``forward`` for containers whose children's states differ in type (``SequentialState``).

    TorchScript sees a state NamedTuple made in Python as a plain tuple, so a scripted container
    takes ``None`` or states that stayed inside TorchScript; anything else is a clear error.
    """
    if torch.jit.is_scripting():
        if state is None:
            return self.forward(input_tensor, None)
        if torch.jit.isinstance(state, StateT):
            return self.forward(input_tensor, state)
        raise TypeError(
            "a scripted SequentialState cannot take a state made outside TorchScript; "
            + "pass state=None, or run the model in Python or as an exported artifact"
        )
    return self.forward(input_tensor, state)


class _NeuronModule(ParameterTupleModule):
    """Shared by the four bases: stamps the state type of ``step`` into the method templates."""

    _forward_template: Callable = _cell_forward
    _initial_state_template: Callable = _cell_initial_state
    min_input_dim: int = 1
    exact_input_dim: int = 0
    input_layout: str = "(batch, ...)"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        state_type = _step_state_type(cls)
        if state_type is None:
            return
        cls.forward = _specialize(cls._forward_template, state_type, "forward")
        cls.initial_state = _specialize(cls._initial_state_template, state_type, "initial_state")
        cls.forward_any = _specialize(_forward_any, state_type, "forward_any")


class SNNCell(_NeuronModule):
    """One Euler step of a neuron model without recurrence: ``forward(x_t, state)``."""


class SNN(_NeuronModule):
    """A neuron model over time: ``forward(x)`` with ``x`` of shape ``(T, B, ...)``."""

    _forward_template = _layer_forward
    _initial_state_template = _layer_initial_state
    min_input_dim = 2
    input_layout = "(time, batch, ...)"


def _initial_weights(weights: Optional[Tensor], shape: Tuple[int, int], scale: float) -> nn.Parameter:
    if weights is None:
        return nn.Parameter(torch.randn(*shape) * scale)
    if tuple(weights.shape) != shape:
        raise ValueError(f"expected weights of shape {shape}, got {tuple(weights.shape)}")
    return weights if isinstance(weights, nn.Parameter) else nn.Parameter(torch.as_tensor(weights))


class _RecurrentWeights:
    """Input weights ``(hidden, input)`` and recurrent weights ``(hidden, hidden)``, both
    :math:`\\mathcal{N}(0, 2/\\text{hidden})` by default as in norse. Without autapses the recurrent
    diagonal is zeroed and masked in every step, so it also receives no gradient."""

    def _init_weights(
        self,
        input_size: int,
        hidden_size: int,
        input_weights: Optional[Tensor],
        recurrent_weights: Optional[Tensor],
        autapses: bool,
    ) -> None:
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.autapses = bool(autapses)
        scale = math.sqrt(2.0 / hidden_size)
        owner = type(self).__name__
        try:
            self.input_weights = _initial_weights(input_weights, (hidden_size, input_size), scale)
            self.recurrent_weights = _initial_weights(recurrent_weights, (hidden_size, hidden_size), scale)
        except ValueError as error:
            raise ValueError(f"{owner}: {error}") from None
        mask = torch.ones(hidden_size, hidden_size)
        if not autapses:
            mask.fill_diagonal_(0.0)
            with torch.no_grad():
                self.recurrent_weights.mul_(mask)
        self.register_buffer("autapse_mask", mask)

    def masked_recurrent_weights(self) -> Tensor:
        """Recurrent weights with self-connections removed unless ``autapses`` is set."""
        return self.recurrent_weights * self.autapse_mask

    def extra_repr(self) -> str:
        return (
            f"input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"autapses={self.autapses}, p={self.p}, dt={self.dt}"
        )


class SNNRecurrentCell(_RecurrentWeights, _NeuronModule):
    """One Euler step of a recurrent neuron model: ``forward(x_t)`` with ``x_t`` of shape
    ``(batch, input_size)``; the state carries the last spikes ``z`` of ``hidden_size`` neurons."""

    exact_input_dim = 2
    input_layout = "(batch, input_size)"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Any,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(p, dt)
        self._init_weights(input_size, hidden_size, input_weights, recurrent_weights, autapses)


class SNNRecurrent(SNNRecurrentCell):
    """A recurrent neuron model over time: ``forward(x)`` with ``x`` of shape
    ``(T, batch, input_size)``."""

    _forward_template = _layer_forward
    _initial_state_template = _layer_initial_state
    exact_input_dim = 3
    input_layout = "(time, batch, input_size)"
