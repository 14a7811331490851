"""Base classes of every neuron module: parameters as buffers, input checks, recurrent weights,
and the ``forward`` of every cell and layer, written once.

A neuron class is a declaration (``lif.py`` is the model to copy; it imports this module as
``from snn_deploy.module import snn``)::

    class LIFParameterFields:                       # one per parameter NamedTuple
        parameters_type = LIFParameters             # p=None means LIFParameters(), built per module
        tau_syn_inv: Tensor                         # one annotation per field: the buffers (or
        method: str                                 # nn.Parameters) and attributes registered from
        ...                                         # p, named by field path (lif_v_th for p.lif.v_th)

        @property
        def p(self) -> LIFParameters: ...           # assembled at call time, scriptable

    class _LIFFeedForward(LIFParameterFields, snn.NeuronModule):  # shared by the cell and the layer
        def initial_step_state(self, input_tensor: Tensor) -> LIFFeedForwardState: ...
        def step(self, input_tensor, state: LIFFeedForwardState) -> Tuple[Tensor, LIFFeedForwardState]:
            return lif_feed_forward_step(input_tensor, state, self.p, self.dt)

    class LIFCell(_LIFFeedForward, snn.NeuronCell):
        forward = snn.cell_forward(LIFFeedForwardState)

    class LIF(_LIFFeedForward, snn.NeuronLayer):
        forward = snn.layer_forward(LIFFeedForwardState)

A recurrent family's mixin (on :class:`RecurrentNeuronModule`) also declares
``projected_step(input_current, state, recurrent_weights)``, the step with :math:`W_{\text{in}} x_t`
given, which :func:`recurrent_layer_forward` loops over after one product for all steps, and
``step = snn.recurrent_step(State)``, which calls it after the product of one step; its initial state is shaped ``self.hidden_zeros(input_t)``. The one recurrent constructor is
``(input_size, hidden_size, p=None, input_weights=None, recurrent_weights=None, autapses=False,
dt=0.001)``; a family with another signature (LSNN's ``adjoint``) writes an ``__init__`` calling it.
The factories type ``forward`` with the model's state NamedTuple, so TorchScript compiles it.

Neuron parameters are read when the module is called, never cached: ``torch.func.functional_call``,
``torch.nn.utils.parametrize`` and assigning a buffer all take effect. They are non-persistent
buffers (they follow ``.to()`` and stay out of ``state_dict``, as norse 1.1 keeps them out);
``nn.Parameter`` fields are registered as parameters, so they train and are saved.
"""

import math
import typing
from typing import Any, Callable, List, Optional, Tuple

import torch
from torch import Tensor, nn

from snn_deploy.functional.threshold import check_threshold_method
from snn_deploy.state import check_state_matches, is_namedtuple


def _float_dtype(value: Any) -> torch.dtype:
    if isinstance(value, Tensor) and value.is_floating_point():
        return value.dtype
    return torch.get_default_dtype()


def _is_tensor_field(named_tuple_type: type, field: str) -> bool:
    return typing.get_type_hints(named_tuple_type).get(field) is Tensor


def _is_eager_autograd() -> bool:
    """Grad enabled (not ``no_grad``/``inference_mode``) and not traced: ``is_compiling`` is set by
    ``torch.compile`` and ``torch.export`` (strict and non-strict, so also ONNX's ``dynamo=True``
    exporter), ``is_tracing`` by ``torch.jit.trace`` (and the TorchScript-based ONNX exporter);
    TorchScript never calls this (``initial_state`` skips it when scripting). Under ``no_grad`` it
    is one check, so inference pays nothing."""
    return torch.is_grad_enabled() and not torch.compiler.is_compiling() and not torch.jit.is_tracing()


def _with_voltage_requiring_grad(state: Any) -> Any:
    if not is_namedtuple(state):  # a plain tensor state (ExpFilter's smoothing): no voltage to mark
        return state
    if "v" in state._fields:
        v = state.v
        return state if v.requires_grad else state._replace(v=v.detach().requires_grad_())
    for field, sub_state in zip(state._fields, state):  # LIFRefracState.lif, LIFAdExRefracState.lif_adex
        if is_namedtuple(sub_state) and "v" in sub_state._fields:
            return state._replace(**{field: _with_voltage_requiring_grad(sub_state)})
    return state


@torch.jit.unused
def fresh_state(state: Any) -> Any:
    """norse 1.1's fresh state: in eager autograd (:func:`_is_eager_autograd`) the voltage ``v``
    (``lif.v``, ``lif_adex.v`` of a refractory state) requires grad, so that ``out.sum().backward()``
    works on a bare neuron and a state from ``initial_state`` receives its gradient. Traced,
    compiled, exported or under ``no_grad`` it is ``state`` unchanged: the graphs stay free of the
    ``requires_grad`` change that breaks norse's own ``torch.compile(fullgraph=True)``, and
    inference records no autograd graph. ``v`` is detached first, so no module tensor is marked."""
    return _with_voltage_requiring_grad(state) if _is_eager_autograd() else state


class NeuronModule(nn.Module):
    """A module whose neuron parameters ``p`` (a NamedTuple) live in its buffers and parameters.

    Every tensor field of ``p`` becomes a non-persistent buffer (or stays an ``nn.Parameter`` if it
    is one, so that it can be learned), named by its field path (``lif_v_th`` for ``p.lif.v_th``);
    other fields (``method``, ``alpha``) become plain attributes. Subclasses define a ``p``
    property that assembles the NamedTuple from these attributes at call time.
    """

    parameters_type: Any = None  # the parameter NamedTuple; ``p=None`` means its defaults
    neuron_parameter_names: List[str]
    initial_step_state: Callable[[Tensor], Any]  # each model's: the state of one step shaped like the input
    initial_state: Callable[[Tensor], Any]  # the state forward starts from, shaped for the input
    min_input_dim: int = 1
    exact_input_dim: int = 0
    input_layout: str = "(batch, ...)"
    parameters_name_a_threshold_method: bool = True  # a ``method`` field is checked when built

    def __init__(self, p: Any = None, dt: float = 0.001):
        super().__init__()
        self.dt = float(dt)
        self.neuron_parameter_names = []
        self._register_fields(type(self).parameters_type() if p is None else p, "")

    def _register_fields(self, p: Any, prefix: str) -> None:
        for field, value in zip(p._fields, p):
            name = f"{prefix}{field}"
            if is_namedtuple(value):
                self._register_fields(value, f"{name}_")
            elif isinstance(value, nn.Parameter):
                self.register_parameter(name, value)
                self.neuron_parameter_names.append(name)
            elif _is_tensor_field(type(p), field):
                tensor = torch.as_tensor(value, dtype=_float_dtype(value)).detach().clone()
                self.register_buffer(name, tensor, persistent=False)
            else:
                if field == "method" and self.parameters_name_a_threshold_method:
                    check_threshold_method(value, type(self).__name__)
                setattr(self, name, value)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors):
        """A norse 1.1 checkpoint holds no neuron parameters (norse keeps ``p`` out of its
        ``state_dict``), so a missing learnable neuron parameter keeps its constructed value."""
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, errors)
        for name in self.neuron_parameter_names:
            if prefix + name in missing_keys:
                missing_keys.remove(prefix + name)

    def extra_repr(self) -> str:
        return f"p={self.p}, dt={self.dt}"


class NeuronCell(NeuronModule):
    """One Euler step of a neuron model: ``forward(x_t, state=None) -> (output, state)``."""

    def initial_state(self, input_tensor: Tensor):  # the model's state type: TorchScript infers it
        """The state ``forward`` starts from, shaped like the one step ``input_tensor``; its voltage
        requires grad in eager autograd, as in norse (:func:`fresh_state`)."""
        state = self.initial_step_state(input_tensor)
        if not torch.jit.is_scripting():
            state = fresh_state(state)
        return state


class NeuronLayer(NeuronModule):
    """A neuron model over time: ``forward(x, state=None)`` with ``x`` of shape ``(T, batch, ...)``."""

    min_input_dim = 2
    input_layout = "(time, batch, ...)"
    record_states = False  # SNN and SNNRecurrent take it: return the states of every step

    def initial_state(self, input_tensor: Tensor):  # the model's state type: TorchScript infers it
        """The state ``forward`` starts from, shaped like the first step of ``input_tensor``; its
        voltage requires grad in eager autograd, as in norse (:func:`fresh_state`)."""
        state = self.initial_step_state(input_tensor[0])
        if not torch.jit.is_scripting():
            state = fresh_state(state)
        return state


def _initial_weights(weights: Optional[Tensor], shape: Tuple[int, int], scale: float) -> nn.Parameter:
    if weights is None:
        return nn.Parameter(torch.randn(*shape) * scale)
    if tuple(weights.shape) != shape:
        raise ValueError(f"expected weights of shape {shape}, got {tuple(weights.shape)}")
    return weights if isinstance(weights, nn.Parameter) else nn.Parameter(torch.as_tensor(weights))


class RecurrentNeuronModule(NeuronModule):
    """Input weights ``(hidden, input)`` and recurrent weights ``(hidden, hidden)``, both
    :math:`\\mathcal{N}(0, 2/\\text{hidden})` by default as in norse. Without autapses the recurrent
    diagonal is zeroed and masked in every step, so it also receives no gradient (the mask is a
    non-persistent buffer: the state_dict keys are norse's, ``input_weights`` and ``recurrent_weights``)."""

    input_layout = "(..., input_size)"
    autapse_mask: Tensor

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        p: Any = None,
        input_weights: Optional[Tensor] = None,
        recurrent_weights: Optional[Tensor] = None,
        autapses: bool = False,
        dt: float = 0.001,
    ):
        super().__init__(p, dt)
        self.input_size = int(input_size)
        self.hidden_size = int(hidden_size)
        self.autapses = bool(autapses)
        scale = math.sqrt(2.0 / hidden_size)
        try:
            self.input_weights = _initial_weights(input_weights, (hidden_size, input_size), scale)
            self.recurrent_weights = _initial_weights(recurrent_weights, (hidden_size, hidden_size), scale)
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        mask = torch.ones(hidden_size, hidden_size)
        if not autapses:
            mask.fill_diagonal_(0.0)
            with torch.no_grad():
                self.recurrent_weights.mul_(mask)
        self.register_buffer("autapse_mask", mask, persistent=False)

    def hidden_zeros(self, input_tensor: Tensor) -> Tensor:
        """Zeros of shape ``(*input.shape[:-1], hidden_size)``, in the input's dtype and device."""
        return input_tensor.new_zeros(list(input_tensor.shape[:-1]) + [self.hidden_size])

    def masked_recurrent_weights(self) -> Tensor:
        """Recurrent weights with self-connections removed unless ``autapses`` is set."""
        return self.recurrent_weights * self.autapse_mask

    def extra_repr(self) -> str:
        return (
            f"input_size={self.input_size}, hidden_size={self.hidden_size}, "
            f"autapses={self.autapses}, p={self.p}, dt={self.dt}"
        )


class RecurrentCell(RecurrentNeuronModule, NeuronCell):
    """One Euler step of a recurrent neuron model: ``forward(x_t)`` with ``x_t`` of shape
    ``(batch, input_size)`` (or ``(input_size,)``, or more leading dimensions, as in norse); the
    state carries the last spikes ``z`` of ``hidden_size`` neurons."""


class RecurrentLayer(RecurrentNeuronModule, NeuronLayer):
    """A recurrent neuron model over time: ``forward(x)`` with ``x`` of shape ``(T, batch, input_size)``."""

    min_input_dim = 2
    input_layout = "(time, ..., input_size)"


# ---------------------------------------------------------------------------------------------
# Input checks (Python side: eager, torch.compile and torch.export; TorchScript skips them)


def _module_dtype(module: nn.Module) -> torch.dtype:
    """The dtype of the module's floating parameters and buffers (the default dtype if none)."""
    for tensor in list(module.parameters()) + list(module.buffers()):
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.get_default_dtype()


def _check_input(module: NeuronModule, input_tensor: Any) -> Tensor:
    owner = type(module).__name__
    if not isinstance(input_tensor, Tensor):
        raise TypeError(f"{owner}: expected a tensor input, got {type(input_tensor).__name__}")
    if input_tensor.layout != torch.strided and getattr(module, "activation_sparse", None) is None:
        input_tensor = input_tensor.to_dense()  # sparse spikes, unless a custom neuron has a sparse step
    if input_tensor.dtype == torch.bool:  # spikes as booleans, as norse takes them
        input_tensor = input_tensor.to(_module_dtype(module))
    if not input_tensor.is_floating_point():
        raise TypeError(
            f"{owner}: expected a floating-point input, got dtype {input_tensor.dtype} (bool spikes are taken too)"
        )
    layout = module.input_layout
    if module.exact_input_dim and input_tensor.dim() != module.exact_input_dim:
        raise ValueError(
            f"{owner}: expected a {module.exact_input_dim}-D input {layout}, "
            f"got {input_tensor.dim()}-D with shape {tuple(input_tensor.shape)}"
        )
    if input_tensor.dim() < module.min_input_dim:
        raise ValueError(
            f"{owner}: expected an input of at least {module.min_input_dim} dimensions {layout}, "
            f"got {input_tensor.dim()}-D with shape {tuple(input_tensor.shape)}"
        )
    if isinstance(module, NeuronLayer) and input_tensor.shape[0] == 0:
        raise ValueError(f"{owner}: expected at least one time step {layout}, got shape {tuple(input_tensor.shape)}")
    input_size = getattr(module, "input_size", None)
    if input_size is not None and input_tensor.shape[-1] != input_size:
        raise ValueError(
            f"{owner}: expected {input_size} input features in the last dimension, "
            f"got {input_tensor.shape[-1]} (input shape {tuple(input_tensor.shape)})"
        )
    weights = getattr(module, "input_weights", None)
    if isinstance(weights, Tensor) and input_tensor.dtype != weights.dtype:
        raise TypeError(
            f"{owner}: expected an input of the weights' dtype {weights.dtype}, got {input_tensor.dtype} "
            "(convert the input, or the module with .to(dtype))"
        )
    return input_tensor


@torch.jit.unused
def check_call(module: NeuronModule, input_tensor: Tensor, state: Any) -> Tuple[Tensor, Any]:
    """Check the input's type, rank, time steps, features and dtype and, if given, the state's
    structure, shapes (broadcastable to the initial state's, as ``v=p.v_leak``) and dtypes; raise a
    ``TypeError``/``ValueError`` naming the module's class. Returns the input and the state as
    norse takes them: bool spikes in the module's dtype, a sparse input densified (norse's sparse
    steps give its dense steps' values; the outputs here are dense), integer and bool state fields
    in the state's dtype (as norse's arithmetic promotes them; another float dtype stays an error)."""
    input_tensor = _check_input(module, input_tensor)
    if state is not None:
        if isinstance(state, (list, tuple)) and not is_namedtuple(state):
            raise TypeError(f"{type(module).__name__}: expected a state NamedTuple, got {type(state).__name__}")
        expected = module.initial_state(input_tensor)
        state = check_state_matches(type(module).__name__, state, expected, cast_integers=True)
    return input_tensor, state


# ---------------------------------------------------------------------------------------------
# The forward methods of every neuron class, written once. Each factory returns a ``forward``
# whose schema names the model's state type ``State`` (TorchScript reads it through the closure).


def cell_forward(State: Any) -> Callable[..., Tuple[Tensor, Any]]:
    """``forward(x_t, state=None) -> (output, State)``: one ``self.step`` from ``state`` or, if it
    is ``None``, from ``self.initial_state(x_t)``."""

    def forward(self: Any, input_tensor: Tensor, state: Optional[State] = None) -> Tuple[Tensor, State]:
        if not torch.jit.is_scripting():
            input_tensor, state = check_call(self, input_tensor, state)
        s: State = self.initial_state(input_tensor) if state is None else state
        return self.step(input_tensor, s)

    return forward


def stack_states(states: List[Any]) -> Any:
    """The fields of a list of state NamedTuples (or tensors), each stacked along a new first
    dimension (norse's ``record_states``)."""
    first = states[0]
    if isinstance(first, Tensor):
        return torch.stack(states)
    return type(first)(*(stack_states([s[k] for s in states]) for k in range(len(first))))


def layer_forward(State: Any) -> Callable[..., Tuple[Tensor, Any]]:
    """``forward(x, state=None) -> (outputs of all T steps stacked, final State)`` for ``x`` of
    shape ``(T, ...)``: ``self.step`` once per time step. With ``self.record_states`` (the custom
    neurons' option, which TorchScript never sees) the states of all steps, stacked, instead of the
    final one."""

    def forward(self: Any, input_tensor: Tensor, state: Optional[State] = None) -> Tuple[Tensor, State]:
        if not torch.jit.is_scripting():
            input_tensor, state = check_call(self, input_tensor, state)
        s: State = self.initial_state(input_tensor) if state is None else state
        outputs: List[Tensor] = []
        states: List[State] = []
        for input_t in input_tensor:
            output, s = self.step(input_t, s)
            outputs.append(output)
            if not torch.jit.is_scripting():
                if self.record_states:
                    states.append(s)
        if not torch.jit.is_scripting():
            if self.record_states:
                return torch.stack(outputs), stack_states(states)
        return torch.stack(outputs), s

    return forward


def recurrent_step(State: Any) -> Callable[..., Tuple[Tensor, Any]]:
    """``step(x_t, state) -> (output, State)`` of a recurrent model: ``self.projected_step`` (the
    step with the input current :math:`W_{\text{in}} x_t` and the masked recurrent weights given)
    after the input product, as the functional ``*_step`` computes it."""

    def step(self: Any, input_tensor: Tensor, state: State) -> Tuple[Tensor, State]:
        input_current = torch.nn.functional.linear(input_tensor, self.input_weights)
        stepped: Tuple[Tensor, State] = self.projected_step(input_current, state, self.masked_recurrent_weights())
        return stepped  # State named in the body too: TorchScript reads it through the closure

    return step


def recurrent_layer_forward(State: Any) -> Callable[..., Tuple[Tensor, Any]]:
    """:func:`layer_forward` of a recurrent model: the input currents :math:`W_{\\text{in}} x_t` of
    all steps in one product and the masked recurrent weights, both before the loop, then
    ``self.projected_step`` once per time step."""

    def forward(self: Any, input_tensor: Tensor, state: Optional[State] = None) -> Tuple[Tensor, State]:
        if not torch.jit.is_scripting():
            input_tensor, state = check_call(self, input_tensor, state)
        s: State = self.initial_state(input_tensor) if state is None else state
        input_currents = torch.nn.functional.linear(input_tensor, self.input_weights)
        recurrent_weights = self.masked_recurrent_weights()
        outputs: List[Tensor] = []
        for input_current in input_currents:
            output, s = self.projected_step(input_current, s, recurrent_weights)
            outputs.append(output)
        return torch.stack(outputs), s

    return forward


_NORSE_CUSTOM_NEURONS = ("SNN", "SNNCell", "SNNRecurrent", "SNNRecurrentCell")


def __getattr__(name: str) -> Any:
    """norse 1.1 keeps its custom-neuron classes in ``norse.torch.module.snn``: the same names here
    (defined in :mod:`snn_deploy.module.custom_neuron`, which builds on this module, so they load
    on first use)."""
    if name in _NORSE_CUSTOM_NEURONS:
        from snn_deploy.module import custom_neuron

        return getattr(custom_neuron, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
